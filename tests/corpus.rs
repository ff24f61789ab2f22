//! The benchmark corpus (examples/gen_corpus.rs): it must validate with no
//! findings, or the benchmark times error paths, and the same seed must give
//! the same bytes, or runs cannot be compared.

use crate::support::gen_corpus;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn contents(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_corpus_validates_cleanly_and_the_seed_fixes_its_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let written = gen_corpus::generate(&a, 120, 7).unwrap();
    assert_eq!(gen_corpus::generate(&b, 120, 7).unwrap(), written);
    let files = contents(&a);
    assert_eq!(files.len(), written);
    assert!(files == contents(&b), "the same seed wrote different files");

    crate::support::cmd()
        .args(["validate", "--deny-warnings", "-C"])
        .arg(&a)
        .assert()
        .success()
        .stderr(predicates::str::contains("120 incidents"))
        .stderr(predicates::str::contains("no findings"));

    // The shape the benchmark promises: 3–12 updates, post-mortems, both visibilities.
    let incidents = fs::read_dir(a.join("incidents")).unwrap();
    for dir in incidents {
        let updates = fs::read_dir(dir.unwrap().path().join("updates"))
            .unwrap()
            .count();
        assert!((3..=12).contains(&updates), "{updates} updates");
    }
    let count = |needle: &str| {
        files
            .iter()
            .filter(|(p, t)| {
                p.ends_with("incident.yaml") && String::from_utf8_lossy(t).contains(needle)
            })
            .count()
    };
    assert!(count("visibility: internal") > 0 && count("visibility: public") > 0);
    assert!(count("kind: maintenance") > 0);
    assert!(files.keys().any(|p| p.ends_with("postmortem.yaml")));
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    assert!(gen_corpus::generate(tmp.path(), 3, 1).is_err());
    assert_eq!(
        fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

/// Copies the files under `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in contents(from) {
        let path = to.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// Reopens the incident in `dir` after its last update: a public entry that
/// raises the severity, then an internal entry (the latest file holds no
/// message), then, older than both, nothing changes.
fn reopen(dir: &Path) {
    let updates = dir.join("updates");
    let mut names: Vec<String> = fs::read_dir(&updates)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let last = fs::read_to_string(updates.join(names.last().unwrap())).unwrap();
    let at: jiff::Timestamp = last
        .lines()
        .find_map(|l| l.strip_prefix("at: "))
        .unwrap()
        .trim_matches('"')
        .parse()
        .unwrap();
    for (minutes, body) in [
        (
            10,
            "status: investigating\nseverity: sev2\nmessage: Errors are back for some customers.\nnext_update_at: \"{next}\"\n",
        ),
        (
            20,
            "status: identified\ninternal_note: The rollback did not reach every region.\n",
        ),
    ] {
        let when = at + jiff::SignedDuration::from_mins(minutes);
        let next = (when + jiff::SignedDuration::from_mins(45)).to_string();
        let text = format!(
            "at: \"{when}\"\n{}author: \"@bench\"\n",
            body.replace("{next}", &next)
        );
        let name = format!("{}.yaml", when.strftime("%Y-%m-%dT%H-%M-%SZ"));
        fs::write(updates.join(name), text).unwrap();
    }
}

fn incident(root: &Path, now: &str, args: &[&str]) -> std::process::Output {
    let epoch = crate::support::epoch(now);
    crate::support::cmd()
        .arg("-C")
        .arg(root)
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `list` reads only the files that decide each incident's state; what it
/// shows must be what `show` (which reads every file) shows.
fn list_agrees_with_show(root: &Path, now: &str) {
    let out = incident(root, now, &["list", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rows.is_empty());
    let squash = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase()
    };
    for row in &rows {
        let id = row["id"].as_str().unwrap();
        let shown = incident(root, now, &["show", id]);
        let shown = String::from_utf8(shown.stdout).unwrap();
        let severity = shown.split_whitespace().next().unwrap();
        let status_line = shown
            .lines()
            .find_map(|l| l.trim().strip_prefix("status:"))
            .unwrap()
            .trim()
            .to_string();
        let listed_severity = row["severity"].as_str().unwrap_or("maintenance");
        assert_eq!(squash(listed_severity), squash(severity), "{id}: severity");
        let status = row["status"].as_str().unwrap_or("declared");
        let phase = row["phase"].as_str().unwrap();
        assert_eq!(
            status_line,
            format!("{status} ({phase} phase)"),
            "{id}: status and phase"
        );
        let due = row["next_update_at"].as_str();
        let promised = shown
            .lines()
            .find_map(|l| l.trim().strip_prefix("next update:"))
            .map(str::trim);
        assert_eq!(
            row["resolved_at"].is_null(),
            !shown.contains("  resolved:"),
            "{id}: resolution"
        );
        if promised.is_some_and(|p| p.starts_with("due by")) {
            assert!(due.is_some(), "{id}: a promise shown, none listed");
        }
    }
}

#[test]
fn list_shows_the_state_show_shows_on_the_example() {
    let tmp = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
    copy_tree(&example, tmp.path());
    // Reopened, raised, with an internal entry last; the example also holds
    // a cancelled maintenance and an internal entry between public ones.
    reopen(&tmp.path().join("incidents/2026-11-26-checkout-502s"));
    list_agrees_with_show(tmp.path(), "2026-11-28T12:00:00Z");
}

#[test]
fn list_shows_the_state_show_shows_on_a_generated_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    gen_corpus::generate(tmp.path(), 60, 11).unwrap();
    let mut dirs: Vec<_> = fs::read_dir(tmp.path().join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.iter().step_by(7) {
        reopen(dir);
    }
    list_agrees_with_show(tmp.path(), "2030-01-01T00:00:00Z");
}

#[test]
fn list_names_a_file_it_cannot_read_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    gen_corpus::generate(tmp.path(), 5, 3).unwrap();
    let dir = fs::read_dir(tmp.path().join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let id = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut updates: Vec<_> = fs::read_dir(dir.join("updates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    updates.sort();
    let broken = updates.last().unwrap();
    fs::write(broken, "at: [unclosed\n").unwrap();
    let name = broken.file_name().unwrap().to_string_lossy().into_owned();
    for format in ["human", "json"] {
        let out = incident(
            tmp.path(),
            "2030-01-01T00:00:00Z",
            &["list", "--format", format],
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains(&format!("incidents/{id}/updates/{name}")),
            "{format}: {stdout}"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("could not be read"),
            "{format}"
        );
        // Every incident is listed, the broken one as such.
        let listed = match format {
            "json" => serde_json::from_str::<Vec<serde_json::Value>>(&stdout)
                .unwrap()
                .len(),
            _ => stdout.lines().count() - 1,
        };
        assert_eq!(listed, 5, "{stdout}");
    }
}
