//! The pull-request path: a base commit holding the example, then a change
//! checked with `validate --changed-since` and described by `diff`.

use crate::support::copy_example;
use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const SEV3: &str = "incidents/2026-11-27-order-emails-delayed";
const SEV1_UPDATE: &str = "incidents/2026-11-26-checkout-502s/updates/2026-11-26T10-18-00Z.yaml";

/// A git repository whose first commit is the example; returns its root.
fn base_repository(tmp: &Path) -> PathBuf {
    let root = tmp.join("acme");
    copy_example(&root);
    let repo = git2::Repository::init(&root).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("test", "test@example.invalid").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "base", &tree, &[])
        .unwrap();
    root
}

fn incident(root: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.arg("-C").arg(root).env_remove("GITHUB_ACTIONS");
    cmd
}

struct Run {
    code: i32,
    stdout: String,
}

fn run(root: &Path, args: &[&str]) -> Run {
    let out = incident(root).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
    }
}

#[test]
fn adding_an_update_passes_and_diff_describes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let added = incident(&root)
        .env("SOURCE_DATE_EPOCH", "1795797600") // 2026-11-27T16:40:00Z
        .args([
            "update",
            "2026-11-27-order-emails-delayed",
            "--status",
            "monitoring",
            "--message",
            "Emails are flowing again.",
        ])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let check = run(
        &root,
        &["validate", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(check.code, 0, "{}", check.stdout);
    let diff = run(&root, &["diff", "--since", "HEAD"]);
    assert_eq!(diff.code, 0);
    assert!(
        diff.stdout
            .contains("- adds update 3 (monitoring) to *Order confirmation emails delayed*"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.contains("Emails are flowing again."),
        "the preview shows the message:\n{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("**Next update:**"), "{}", diff.stdout);
    assert!(diff.stdout.contains("validation passed"), "{}", diff.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&run(&root, &["diff", "--since", "HEAD", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(
        json["changes"][0]["incident"],
        "2026-11-27-order-emails-delayed"
    );
}

#[test]
fn editing_a_published_update_fails_on_that_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let path = root.join(SEV1_UPDATE);
    let text = fs::read_to_string(&path).unwrap();
    let line = text.lines().position(|l| l.starts_with("author:")).unwrap() + 1;
    fs::write(
        &path,
        text.replacen("author: ", "author: \"@mallory\" #", 1),
    )
    .unwrap();
    let check = run(
        &root,
        &["validate", "--changed-since", "HEAD", "--format", "github"],
    );
    assert_eq!(check.code, 1);
    assert_eq!(
        check.stdout,
        format!(
            "::error file={SEV1_UPDATE},line={line},col=1,title=history/update-rewritten::this update is published and must not change%0Ahelp: published updates are never rewritten: restore this file (`git restore --source <base> -- {SEV1_UPDATE}`). To fix what it says, `incident correct {id} {stem} --message … --reason …` (a new record); to remove text that must not stay (a secret, a customer's name), `incident redact {id} {stem} --field message --reason …`\n",
            id = "2026-11-26-checkout-502s",
            stem = "2026-11-26T10-18-00Z",
        )
    );
}

/// The cadence help asks for an `exempt:` on the late update, which the
/// review after the incident adds: that alone is no rewrite. Anything else
/// changed with it still is.
#[test]
fn adding_an_exemption_to_a_published_update_is_no_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let path = root.join(SEV1_UPDATE);
    let text = fs::read_to_string(&path).unwrap();
    let exempt = "exempt: {rule: cadence/black-hole, reason: \"the chat service was down\"}\n";
    fs::write(&path, format!("{text}{exempt}")).unwrap();
    let args = ["validate", "--changed-since", "HEAD", "--format", "json"];
    let check = run(&root, &args);
    assert!(!check.stdout.contains("history/"), "{}", check.stdout);
    assert_eq!(check.code, 0, "{}", check.stdout);
    let diff = run(&root, &["diff", "--since", "HEAD"]).stdout;
    assert!(
        diff.contains("- records an exemption on update 2 (identified) of *Checkout fails with 502 for EU customers*: nothing published changes"),
        "{diff}"
    );

    fs::write(
        &path,
        format!("{}{exempt}", text.replace("We have found", "We found")),
    )
    .unwrap();
    let check = run(&root, &args);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("history/update-rewritten"),
        "{}",
        check.stdout
    );
}

#[test]
fn deleting_an_incident_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    fs::remove_dir_all(root.join(SEV3)).unwrap();
    let check = run(
        &root,
        &["validate", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(check.code, 1);
    let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let rules: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert!(
        rules.contains(&(
            "history/incident-removed",
            &*format!("{SEV3}/incident.yaml")
        )),
        "{rules:?}"
    );
    assert_eq!(
        rules
            .iter()
            .filter(|(r, _)| *r == "history/update-deleted")
            .count(),
        2,
        "{rules:?}"
    );
}

#[test]
fn a_new_incident_with_an_unknown_component_fails_on_that_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let dir = root.join("incidents/2026-11-27-search-down");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("incident.yaml"),
        "title: Search is down\nseverity: sev2\ndeclared_at: 2026-11-27T15:00:00Z\ncomponents:\n  - search\n  - serch\nroles: {commander: \"@ahmed-karim\", communications: \"@sofia-marin\"}\n",
    )
    .unwrap();
    // Just after the declaration: no update is overdue yet.
    let out = incident(&root)
        .env("SOURCE_DATE_EPOCH", "1795791900") // 2026-11-27T15:05:00Z
        .args(["validate", "--changed-since", "HEAD", "--format", "json"])
        .output()
        .unwrap();
    let check = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
    };
    assert_eq!(check.code, 1, "{}", check.stdout);
    let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "ref/unknown-component");
    assert_eq!(d["file"], "incidents/2026-11-27-search-down/incident.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(d["hint"], "did you mean `search`?");
    assert_eq!(
        json["diagnostics"].as_array().unwrap().len(),
        1,
        "only the touched incident is checked"
    );
}

#[test]
fn an_unknown_base_revision_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let out = incident(&root)
        .args(["validate", "--changed-since", "origin/nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fetch-depth: 0"));
}

#[test]
fn an_untracked_file_is_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    // Never added to git: a pre-commit hook must still see it.
    let file = format!("{SEV3}/updates/2026-11-27T18-00-00Z.yaml");
    fs::write(root.join(&file), "at: [unclosed\n").unwrap();
    let check = run(
        &root,
        &["validate", "--changed-since", "HEAD", "--format", "json"],
    );
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains(&file), "{}", check.stdout);
}

/// A correction and a redaction are described by what they do to which
/// update, and the corrected update is previewed as it will read.
#[test]
fn diff_says_which_update_a_correction_or_redaction_amends() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let amend = |args: &[&str]| {
        let done = incident(&root)
            .env("SOURCE_DATE_EPOCH", "1795797600") // 2026-11-27T16:40:00Z
            .args(args)
            .output()
            .unwrap();
        assert!(done.status.success(), "{done:?}");
    };
    let id = "2026-11-26-checkout-502s";
    amend(&[
        "correct",
        id,
        "2026-11-26T10-18-00Z",
        "--message",
        "The cause was a change to the payments database.",
        "--reason",
        "clearer",
    ]);
    amend(&[
        "redact",
        id,
        "2026-11-26T10-25-00Z",
        "--field",
        "internal_note",
        "--reason",
        "names a customer",
    ]);
    let diff = run(&root, &["diff", "--since", "HEAD"]);
    assert_eq!(diff.code, 0, "{}", diff.stdout);
    let title = "*Checkout fails with 502 for EU customers*";
    for said in [
        format!("- corrects the public message of update 2 (identified) of {title}"),
        format!("- removes `internal_note` from update 3 (identified) of {title}"),
    ] {
        assert!(diff.stdout.contains(&said), "{said}\n{}", diff.stdout);
    }
    assert!(
        diff.stdout
            .contains("The cause was a change to the payments database."),
        "the corrected update is previewed:\n{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("changes `"), "{}", diff.stdout);
}

/// An internal incident publishes nothing: the pull request comment says so
/// on each of its lines and previews no stakeholder update of it.
#[test]
fn diff_marks_an_internal_incident_unpublished_and_previews_none_of_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let author = |now: &str, args: &[&str]| {
        let done = incident(&root)
            .env("SOURCE_DATE_EPOCH", now)
            .env("INCIDENT_AUTHOR", "@lena-fischer")
            .args(args)
            .output()
            .unwrap();
        assert!(done.status.success(), "{done:?}");
    };
    author(
        "1795797600", // 2026-11-27T16:40:00Z
        &[
            "declare",
            "--title",
            "Replica lag",
            "--severity",
            "sev3",
            "--component",
            "orders-api=degraded_performance",
            "--impact",
            "INTERNAL-IMPACT stale reports",
            "--internal",
        ],
    );
    author(
        "1795797660",
        &[
            "update",
            "replica-lag",
            "--message",
            "INTERNAL-MESSAGE failing over",
        ],
    );
    let diff = run(&root, &["diff", "--since", "HEAD"]);
    assert_eq!(diff.code, 0, "{}", diff.stdout);
    for said in [
        "- declares SEV-3 *Replica lag* (internal: not published)\n",
        "- adds update 2 (investigating) to *Replica lag* (internal: not published)\n",
    ] {
        assert!(diff.stdout.contains(said), "{said}\n{}", diff.stdout);
    }
    assert!(
        !diff.stdout.contains("INTERNAL-") && !diff.stdout.contains("preview"),
        "no stakeholder update of it is previewed:\n{}",
        diff.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&root, &["diff", "--since", "HEAD", "--format", "json"]).stdout)
            .unwrap();
    for change in json["changes"].as_array().unwrap() {
        let summary = change["summary"].as_str().unwrap();
        assert!(summary.ends_with("(internal: not published)"), "{change}");
        assert!(change.get("update_at").is_none(), "{change}");
    }
}

/// The comment shows a title as written, on one line: no link, mention,
/// heading or verdict its writer slipped in becomes one.
#[test]
fn a_crafted_title_stays_one_line_of_text_in_the_comment() {
    let tmp = tempfile::tempdir().unwrap();
    let root = base_repository(tmp.path());
    let declared = incident(&root)
        .env("SOURCE_DATE_EPOCH", "1795797600")
        .env("INCIDENT_AUTHOR", "@lena-fischer")
        .args([
            "declare",
            "--title",
            "Pay [here](https://evil.example) @acme/oncall",
            "--severity",
            "sev3",
            "--component",
            "orders-api=degraded_performance",
        ])
        .output()
        .unwrap();
    assert!(declared.status.success(), "{declared:?}");
    let folder = fs::read_dir(root.join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("pay-here"))
        .unwrap();
    let declaration = folder.join("incident.yaml");
    let text = fs::read_to_string(&declaration).unwrap();
    let title = text.lines().find(|l| l.starts_with("title:")).unwrap();
    let forged = "title: \"Pay [here](https://evil.example) @acme/oncall\\n## Forged\\n✅ validation passed\"";
    fs::write(&declaration, text.replace(title, forged)).unwrap();
    let diff = run(&root, &["diff", "--since", "HEAD"]);
    assert!(
        diff.stdout.contains(
            "declares SEV-3 *Pay \\[here\\](https://evil.example) @\u{2060}acme/oncall ## Forged ✅ validation passed*"
        ),
        "{}",
        diff.stdout
    );
    // The preview's heading shows the title as text, no `@team` is
    // notified, and the one verdict is the check's.
    assert!(
        diff.stdout.contains(
            "\n## Pay \\[here\\](https://evil.example) @\u{2060}acme/oncall \\#\\# Forged"
        ),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("@acme"), "{}", diff.stdout);
    assert!(
        !diff.stdout.lines().any(|l| l.starts_with("## Forged")),
        "{}",
        diff.stdout
    );
    let verdicts = diff
        .stdout
        .lines()
        .filter(|l| *l == "✅ validation passed")
        .count();
    assert_eq!(verdicts, 1, "{}", diff.stdout);
}

/// A checkout whose files are all new to git's index (copied with `cp -a`,
/// restored from a cache) has them compared by content; the stat data of
/// those found unchanged is then written back to the index, as `git
/// status` does, so the next run compares stat data. The change is found
/// either way, and while git holds the index's lock nothing is written.
#[test]
fn stat_data_the_index_lacks_is_written_back_once_compared() {
    use crate::support::{age, git};
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    crate::support::gen_corpus::generate(root, 300, 5).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "corpus"]);
    age(root);
    let mut ids: Vec<String> = fs::read_dir(root.join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let changed = format!("incidents/{}/incident.yaml", ids[0]);
    let text = fs::read_to_string(root.join(&changed)).unwrap();
    fs::write(
        root.join(&changed),
        text.replacen("title: ", "title: Still ", 1),
    )
    .unwrap();
    // The index entries whose modification time is not the file's.
    let stale = || -> Vec<String> {
        let index = git2::Repository::open(root).unwrap().index().unwrap();
        index
            .iter()
            .map(|e| (String::from_utf8(e.path).unwrap(), e.mtime))
            .filter(|(path, mtime)| {
                let file = fs::symlink_metadata(root.join(path)).unwrap();
                (i64::from(mtime.seconds()), i64::from(mtime.nanoseconds()))
                    != (file.mtime(), file.mtime_nsec())
            })
            .map(|(path, _)| path)
            .collect()
    };
    assert!(stale().len() > 2000, "{} stale", stale().len());
    let check = || {
        let out = incident(root)
            .args(["validate", "--changed-since", "HEAD"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{said}");
        assert!(said.contains("ok: 1 incident,"), "{said}");
    };
    let lock = root.join(".git/index.lock");
    fs::write(&lock, "").unwrap();
    check();
    assert!(stale().len() > 2000, "written under git's lock");
    fs::remove_file(&lock).unwrap();
    check();
    let left = stale();
    assert!(
        left == [changed.clone()],
        "{} stale: {:?}",
        left.len(),
        &left[..3.min(left.len())]
    );
    // With its cache of trees valid (the next run reads the index file
    // instead of having libgit2 load it whole): the root's entry count.
    let index = fs::read(root.join(".git/index")).unwrap();
    let tree = index.windows(4).rposition(|w| w == b"TREE").unwrap();
    assert_eq!(index[tree + 8], 0, "the root's path, empty");
    assert!(index[tree + 9].is_ascii_digit(), "the root's tree is valid");
    check();
    assert_eq!(
        git(root, &["status", "--porcelain"]),
        format!(" M {changed}\n")
    );
}
