//! The authoring commands end to end: the real binary in a temporary git
//! repository. Every file they write validates, nothing a person wrote is
//! ever touched, `--branch` commits exactly the new files, overdue updates
//! are flagged, and bad input exits 1 or 2 with nothing written.
//!
//! "Now" is fixed with `SOURCE_DATE_EPOCH`, the author with
//! `INCIDENT_AUTHOR`, and the git signature in the test repository's own
//! config, so nothing depends on the machine running the tests.

use crate::support::epoch;
use assert_cmd::Command;
use git2::{Repository, RepositoryInitOptions, Signature};
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

/// When the incidents of these tests are declared.
const T0: &str = "2026-11-26T10:00:00Z";
const TITLE: &str = "Checkout fails with 502 for EU customers";
const ID: &str = "2026-11-26-checkout-fails-with-502-for-eu";

/// `incident -C DIR …` at `now`, posted by @alice, colour off, not in CI.
fn incident(dir: &Path, now: &str) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.arg("-C")
        .arg(dir)
        .env("SOURCE_DATE_EPOCH", epoch(now).to_string())
        .env("INCIDENT_AUTHOR", "@alice")
        .timeout(Duration::from_secs(60));
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Every file and folder under `dir` except `.git/`, by path relative to
/// `dir` (folders end with `/` and have no content).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy();
            if rel == ".git" {
                continue;
            }
            if path.is_dir() {
                out.insert(format!("{}/", rel.replace('\\', "/")), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(rel.replace('\\', "/"), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn added(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    for (path, text) in before {
        assert_eq!(
            after.get(path),
            Some(text),
            "{path} was changed or removed: commands only create files"
        );
    }
    after
        .keys()
        .filter(|p| !p.ends_with('/') && !before.contains_key(*p))
        .cloned()
        .collect()
}

fn file(id: &str, name: &str) -> String {
    format!("incidents/{id}/{name}")
}

fn update_file(id: &str, stamp: &str) -> String {
    format!("incidents/{id}/updates/{stamp}.yaml")
}

/// An incident repository (`incident init`) in a git repository whose only
/// commit holds it, on branch `main`.
struct Scene {
    _tmp: TempDir,
    root: PathBuf,
    /// The latest "now" a command ran at: `validates` judges the files then
    /// (a time after it would be in the future).
    latest: std::cell::Cell<i64>,
}

impl Scene {
    fn new() -> Self {
        let scene = Self::uncommitted();
        let git = scene.git();
        let mut index = git.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(
            "Test Setup",
            "setup@example.com",
            &git2::Time::new(epoch(T0) - 86_400, 0),
        )
        .unwrap();
        git.commit(Some("HEAD"), &sig, &sig, "incident init", &tree, &[])
            .unwrap();
        scene
    }

    /// `git init` (with its own signature) and `incident init`, no commit.
    fn uncommitted() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("status");
        let git = Repository::init_opts(&root, RepositoryInitOptions::new().initial_head("main"))
            .unwrap();
        let mut config = git.config().unwrap();
        config.set_str("user.name", "Alice Responder").unwrap();
        config.set_str("user.email", "alice@example.com").unwrap();
        // `incident -C <tmp> init status`: DIR relative to -C, like git.
        let mut init = incident(tmp.path(), T0);
        init.args(["init", "status"]);
        let out = run(init);
        assert_eq!(out.code, 0, "init failed: {}", out.stderr);
        assert!(
            out.stdout.contains("created incidentkit.yaml"),
            "{}",
            out.stdout
        );
        Self {
            _tmp: tmp,
            root,
            latest: std::cell::Cell::new(epoch(T0)),
        }
    }

    fn git(&self) -> Repository {
        Repository::open(&self.root).unwrap()
    }

    fn run(&self, now: &str, args: &[&str]) -> Run {
        self.latest.set(self.latest.get().max(epoch(now)));
        let mut cmd = incident(&self.root, now);
        cmd.args(args);
        run(cmd)
    }

    /// Runs a command that must succeed and leave the repository valid;
    /// returns what it printed and the files it added.
    fn ok(&self, now: &str, args: &[&str]) -> (String, Vec<String>) {
        let before = snapshot(&self.root);
        let out = self.run(now, args);
        assert_eq!(
            out.code,
            0,
            "`incident {}` failed:\n{}{}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        let new = added(&before, &snapshot(&self.root));
        self.validates();
        (out.stdout, new)
    }

    /// What the commands write validates without findings. The cadence
    /// rules judge when the scenes post (some post late on purpose), not
    /// what the commands write, so they are allowed here.
    fn validates(&self) {
        let mut cmd = incident(&self.root, T0);
        cmd.env("SOURCE_DATE_EPOCH", self.latest.get().to_string())
            .args(["validate", "--format", "json"]);
        let out = run(cmd);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let found: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !d["rule"].as_str().unwrap().starts_with("cadence/"))
            .collect();
        assert!(
            out.code == 0 && found.is_empty(),
            "validate found something:\n{found:#?}\n{}",
            out.stderr
        );
    }

    /// Runs a command that must fail with `code` and write nothing; returns
    /// its standard error.
    fn refused(&self, now: &str, args: &[&str], code: i32) -> String {
        let before = snapshot(&self.root);
        let out = self.run(now, args);
        assert_eq!(
            out.code,
            code,
            "`incident {}`:\n{}{}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        assert_eq!(
            before,
            snapshot(&self.root),
            "`incident {}` wrote something",
            args.join(" ")
        );
        out.stderr
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn yaml(&self, rel: &str) -> Value {
        serde_yaml::from_str(&self.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The sev1 of these tests, declared at T0 on website and api.
    fn declare(&self) -> (String, Vec<String>) {
        self.ok(
            T0,
            &[
                "declare",
                "--title",
                TITLE,
                "--severity",
                "sev1",
                "--component",
                "website",
                "--component",
                "api=partial_outage",
                "--commander",
                "@alice",
                "--comms",
                "@bob",
                "--investigator",
                "@carol",
                "--investigator",
                "@dan",
            ],
        )
    }

    fn list_json(&self, now: &str) -> serde_json::Value {
        let out = self.run(now, &["list", "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap()
    }
}

/// Errors are one line, with the fix.
fn one_line(err: &str) {
    assert_eq!(err.lines().count(), 1, "one line:\n{err}");
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v:?}"))
}

fn components(update: &Value) -> BTreeMap<String, String> {
    update["components"]
        .as_mapping()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap().to_string(),
                        v.as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn declare_update_decide_resolve_writes_files_that_validate() {
    let scene = Scene::new();
    scene.validates();

    // declare
    let (out, new) = scene.declare();
    let first = update_file(ID, "2026-11-26T10-00-00Z");
    assert_eq!(new, [file(ID, "incident.yaml"), first.clone()]);
    assert!(
        out.contains(&format!("declared {ID}: SEV-1 {TITLE}")),
        "{out}"
    );
    assert!(out.contains(&format!("#incident-{ID}")), "{out}");
    assert!(
        out.contains("next update: by 2026-11-26 10:15 UTC"),
        "{out}"
    );
    let text = scene.read(&file(ID, "incident.yaml"));
    assert!(
        text.starts_with(
            "# yaml-language-server: $schema=../../.incidentkit/schemas/incident.schema.json\n"
        ),
        "{text}"
    );
    let decl = scene.yaml(&file(ID, "incident.yaml"));
    assert_eq!(s(&decl, "title"), TITLE);
    assert_eq!(s(&decl, "severity"), "sev1");
    assert_eq!(s(&decl, "declared_at"), T0);
    assert_eq!(s(&decl, "channel"), format!("#incident-{ID}"));
    assert_eq!(
        decl["components"],
        serde_yaml::from_str::<Value>("[website, api]").unwrap()
    );
    assert_eq!(s(&decl["roles"], "commander"), "@alice");
    assert_eq!(s(&decl["roles"], "communications"), "@bob");
    assert_eq!(
        decl["roles"]["investigators"],
        serde_yaml::from_str::<Value>("['@carol', '@dan']").unwrap()
    );
    let u = scene.yaml(&first);
    assert_eq!(s(&u, "at"), T0);
    assert_eq!(s(&u, "status"), "investigating");
    assert_eq!(s(&u, "author"), "@alice");
    // sev1: an update every 15 minutes.
    assert_eq!(s(&u, "next_update_at"), "2026-11-26T10:15:00Z");
    // A component named without a status gets the severity's default.
    assert_eq!(
        components(&u),
        pairs(&[("api", "partial_outage"), ("website", "major_outage")])
    );

    // update 1: identified, and a severity change down to sev2 (hourly updates)
    let (out, new) = scene.ok(
        "2026-11-26T10:10:00Z",
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--severity",
            "sev2",
            "--message",
            "A configuration change to the payments service is failing EU card payments.\nWe are rolling it back.",
            "--component",
            "api=major_outage",
            "--impact",
            "EU customers cannot complete checkout",
            "--users-affected",
            "~12,000",
        ],
    );
    let second = update_file(ID, "2026-11-26T10-10-00Z");
    assert_eq!(new, [second.as_str()]);
    assert!(
        out.contains("next update due by 2026-11-26 11:10 UTC"),
        "{out}"
    );
    let text = scene.read(&second);
    assert!(
        text.contains(
            "message: |-\n  A configuration change to the payments service is failing EU card payments.\n  We are rolling it back.\n"
        ),
        "a multi-line message is a block scalar:\n{text}"
    );
    let u = scene.yaml(&second);
    assert_eq!(s(&u, "status"), "identified");
    assert_eq!(s(&u, "severity"), "sev2");
    assert_eq!(s(&u, "next_update_at"), "2026-11-26T11:10:00Z");
    assert_eq!(components(&u), pairs(&[("api", "major_outage")]));
    assert_eq!(s(&u["impact"], "users_affected"), "~12,000");

    // decide: a log entry that keeps the promised update time
    let (out, new) = scene.ok(
        "2026-11-26T10:15:00Z",
        &[
            "decide",
            ID,
            "--option",
            "A: roll back the config, 10 min, no data lost",
            "--option",
            "B: hotfix forward, 40 min, risky",
            "--chosen",
            "A",
            "--why",
            "fastest restore with no data loss",
        ],
    );
    let decision = update_file(ID, "2026-11-26T10-15-00Z");
    assert_eq!(new, [decision.as_str()]);
    assert!(out.contains("recorded decision: option A"), "{out}");
    let u = scene.yaml(&decision);
    assert_eq!(s(&u["decision"], "chosen"), "A");
    assert_eq!(
        s(&u["decision"], "rationale"),
        "fastest restore with no data loss"
    );
    let options = u["decision"]["options"].as_sequence().unwrap();
    assert_eq!(options.len(), 2);
    assert_eq!(
        (
            s(&options[0], "id"),
            s(&options[0], "summary"),
            s(&options[0], "time_to_restore"),
            s(&options[0], "data_loss")
        ),
        ("A", "roll back the config", "10 min", "no data lost")
    );
    assert_eq!(s(&options[1], "id"), "B");
    assert_eq!(s(&u, "status"), "identified");
    // A decision is an internal log entry: it makes no new promise, and the
    // last public update's promise still stands.
    assert!(u.get("next_update_at").is_none(), "{u:?}");
    assert_eq!(
        scene.list_json("2026-11-26T10:16:00Z")[0]["next_update_at"],
        "2026-11-26T11:10:00Z"
    );

    // update 2: back to sev1 (status unchanged), component changes
    let (out, new) = scene.ok(
        "2026-11-26T10:20:00Z",
        &[
            "update",
            ID,
            "--severity",
            "sev1",
            "--message",
            "The errors spread to the API while rolling back.",
            "--component",
            "website=major_outage",
            "--component",
            "api=degraded_performance",
        ],
    );
    let third = update_file(ID, "2026-11-26T10-20-00Z");
    assert_eq!(new, [third.as_str()]);
    assert!(
        out.contains("next update due by 2026-11-26 10:35 UTC"),
        "{out}"
    );
    let u = scene.yaml(&third);
    assert_eq!(s(&u, "status"), "identified");
    assert_eq!(s(&u, "severity"), "sev1");
    assert_eq!(s(&u, "next_update_at"), "2026-11-26T10:35:00Z");
    assert_eq!(
        components(&u),
        pairs(&[("api", "degraded_performance"), ("website", "major_outage")])
    );

    // update 3: monitoring, next update in 30 minutes
    let (_, new) = scene.ok(
        "2026-11-26T10:30:00Z",
        &[
            "update",
            ID,
            "--status",
            "monitoring",
            "--message",
            "The rollback is complete; we are watching error rates.",
            "--component",
            "website=degraded_performance",
            "--component",
            "api=operational",
            "--next-update",
            "30m",
        ],
    );
    let fourth = update_file(ID, "2026-11-26T10-30-00Z");
    assert_eq!(new, [fourth.as_str()]);
    let u = scene.yaml(&fourth);
    assert_eq!(s(&u, "status"), "monitoring");
    assert_eq!(s(&u, "next_update_at"), "2026-11-26T11:00:00Z");

    // resolve
    let (out, new) = scene.ok(
        "2026-11-26T11:00:00Z",
        &[
            "resolve",
            ID,
            "--message",
            "Checkout works again for everyone.",
        ],
    );
    let last = update_file(ID, "2026-11-26T11-00-00Z");
    let postmortem = file(ID, "postmortem.yaml");
    assert_eq!(new, [postmortem.clone(), last.clone()]);
    assert!(
        out.contains(&format!("resolved {ID} at 2026-11-26 11:00 UTC")),
        "{out}"
    );
    assert!(out.contains("is due 2026-11-29"), "{out}");
    let u = scene.yaml(&last);
    assert_eq!(s(&u, "status"), "resolved");
    assert!(u.get("next_update_at").is_none(), "{u:?}");
    assert_eq!(
        components(&u),
        pairs(&[("api", "operational"), ("website", "operational")]),
        "resolving puts every component back to operational"
    );
    let pm = scene.yaml(&postmortem);
    assert_eq!(s(&pm, "status"), "draft");
    // sev1: due 3 days after the resolution.
    assert_eq!(s(&pm, "due"), "2026-11-29");
    assert!(
        pm["customer_report"].is_mapping(),
        "sev1 asks for a customer report: {pm:?}"
    );
    assert_eq!(
        pm["timeline"].as_sequence().map(Vec::len),
        Some(0),
        "the updates are merged in when rendered, not copied: {pm:?}"
    );
    assert!(
        u.get("impact").is_none(),
        "the resolution states no impact in force: {u:?}"
    );

    let out = scene.run("2026-11-26T11:05:00Z", &["show", ID]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("status:      resolved (learning phase)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("post-mortem: draft, due 2026-11-29"),
        "{}",
        out.stdout
    );
    let rows = scene.list_json("2026-11-26T11:05:00Z");
    assert_eq!(rows[0]["phase"], "learning");
    assert_eq!(rows[0]["resolved_at"], "2026-11-26T11:00:00Z");
}

#[test]
fn hand_written_comments_survive_every_command() {
    let scene = Scene::new();
    scene.declare();
    let decl = file(ID, "incident.yaml");
    let first = update_file(ID, "2026-11-26T10-00-00Z");
    let note = |path: &str, before: &str, comment: &str| {
        let text = scene.read(path);
        assert!(text.contains(before), "{text}");
        let edited = text.replacen(before, &format!("{comment}\n{before}"), 1)
            + "# written by hand at the end\n";
        fs::write(scene.root.join(path), &edited).unwrap();
        edited
    };
    let decl_text = note(
        &decl,
        "components:",
        "# @carol: the 502s started right after the payments deploy",
    );
    let first_text = note(&first, "status:", "  # indented, after the first key");
    scene.validates();
    let unchanged = |after: &str| {
        assert_eq!(
            scene.read(&decl),
            decl_text,
            "incident.yaml changed after {after}"
        );
        assert_eq!(
            scene.read(&first),
            first_text,
            "the first update changed after {after}"
        );
    };

    let steps: [(&str, &[&str]); 8] = [
        (
            "2026-11-26T10:10:00Z",
            &[
                "update",
                ID,
                "--status",
                "identified",
                "--message",
                "Found it.",
            ],
        ),
        (
            "2026-11-26T10:12:00Z",
            &[
                "decide",
                ID,
                "--option",
                "A: roll back",
                "--option",
                "B: fix forward",
                "--chosen",
                "A",
                "--why",
                "fastest",
            ],
        ),
        (
            "2026-11-26T10:20:00Z",
            &[
                "update",
                ID,
                "--severity",
                "sev2",
                "--message",
                "Better.",
                "--component",
                "api=degraded_performance",
            ],
        ),
        ("2026-11-26T10:25:00Z", &["list"]),
        ("2026-11-26T10:25:00Z", &["show", ID]),
        ("2026-11-26T11:00:00Z", &["resolve", ID]),
        ("2026-11-26T11:00:00Z", &["list", "--format", "json"]),
        ("2026-11-26T11:00:00Z", &["validate"]),
    ];
    for (now, args) in steps {
        scene.ok(now, args);
        unchanged(&args.join(" "));
    }
}

#[test]
fn branch_commits_exactly_the_new_files() {
    let scene = Scene::new();
    let git = scene.git();
    let base = git.head().unwrap().peel_to_commit().unwrap().id();
    // A change of the user's own, not staged: it stays out of the commit.
    let readme = scene.read("README.md") + "\nOur on-call rota is in the wiki.\n";
    fs::write(scene.root.join("README.md"), &readme).unwrap();

    let commit_of = |args: &[&str], now: &str, parent: git2::Oid| {
        let mut args = args.to_vec();
        args.push("--branch");
        let (out, new) = scene.ok(now, &args);
        let git = scene.git();
        let head = git.head().unwrap();
        assert_eq!(
            head.shorthand().ok(),
            Some(format!("incident/{ID}").as_str())
        );
        let commit = head.peel_to_commit().unwrap();
        assert_eq!(
            commit.parent_ids().collect::<Vec<_>>(),
            [parent],
            "one new commit"
        );
        let diff = git
            .diff_tree_to_tree(
                Some(&commit.parent(0).unwrap().tree().unwrap()),
                Some(&commit.tree().unwrap()),
                None,
            )
            .unwrap();
        let changed: Vec<(git2::Delta, String)> = diff
            .deltas()
            .map(|d| {
                (
                    d.status(),
                    d.new_file().path().unwrap().to_string_lossy().into_owned(),
                )
            })
            .collect();
        let expected: Vec<_> = new
            .iter()
            .map(|p| (git2::Delta::Added, p.clone()))
            .collect();
        assert_eq!(changed, expected, "the commit holds exactly the new files");
        assert!(
            out.contains(&format!("git push -u origin incident/{ID}")),
            "{out}"
        );
        (commit.id(), commit.message().unwrap().to_string())
    };

    let (declared, message) = commit_of(&scene_declare_args(), T0, base);
    assert_eq!(message, format!("incident({ID}): declare sev1 \"{TITLE}\""));
    let signature = git
        .find_commit(declared)
        .unwrap()
        .author()
        .name()
        .map(str::to_string)
        .ok();
    assert_eq!(signature.as_deref(), Some("Alice Responder"));
    // main did not move.
    let main = git.find_branch("main", git2::BranchType::Local).unwrap();
    assert_eq!(main.get().peel_to_commit().unwrap().id(), base);

    // On the incident's branch already: the next commit goes on top of it.
    let (_, message) = commit_of(
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--message",
            "Found it.",
        ],
        "2026-11-26T10:10:00Z",
        declared,
    );
    assert_eq!(message, format!("incident({ID}): update (identified)"));

    // The user's change is still there, still unstaged.
    assert_eq!(scene.read("README.md"), readme);
    let status = scene.git().status_file(Path::new("README.md")).unwrap();
    assert_eq!(status, git2::Status::WT_MODIFIED);
}

fn scene_declare_args() -> Vec<&'static str> {
    vec![
        "declare",
        "--title",
        TITLE,
        "--severity",
        "sev1",
        "--component",
        "website",
        "--commander",
        "@alice",
        "--comms",
        "@bob",
    ]
}

#[test]
fn branch_refuses_unrelated_staged_changes_and_writes_nothing() {
    let scene = Scene::new();
    fs::write(scene.root.join("notes.txt"), "call the bank\n").unwrap();
    let git = scene.git();
    let mut index = git.index().unwrap();
    index.add_path(Path::new("notes.txt")).unwrap();
    index.write().unwrap();
    let head = git.head().unwrap().peel_to_commit().unwrap().id();

    let mut args = scene_declare_args();
    args.push("--branch");
    let err = scene.refused(T0, &args, 2);
    assert!(err.contains("staged changes (notes.txt)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let git = scene.git();
    assert_eq!(git.head().unwrap().shorthand().ok(), Some("main"));
    assert_eq!(git.head().unwrap().peel_to_commit().unwrap().id(), head);
    assert!(
        git.find_branch(&format!("incident/{ID}"), git2::BranchType::Local)
            .is_err()
    );
}

#[test]
fn branch_refuses_a_repository_without_commits_before_writing() {
    let scene = Scene::uncommitted();
    let mut args = scene_declare_args();
    args.push("--branch");
    let err = scene.refused(T0, &args, 2);
    assert!(err.contains("no commit yet"), "{err}");
}

#[test]
fn list_flags_an_overdue_update() {
    let scene = Scene::new();
    scene.declare();
    let out = scene.run("2026-11-26T10:14:00Z", &["list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("OVERDUE"), "{}", out.stdout);
    assert!(out.stdout.contains("in 1m"), "{}", out.stdout);

    // A decision is not a public update: the promise of 10:15 still holds.
    scene.ok(
        "2026-11-26T10:05:00Z",
        &[
            "decide",
            ID,
            "--option",
            "A: roll back",
            "--option",
            "B: wait",
            "--chosen",
            "A",
            "--why",
            "fast",
        ],
    );

    let late = "2026-11-26T10:57:30Z";
    for args in [&["list"][..], &["list", "--open"]] {
        let out = scene.run(late, args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains(ID), "{}", out.stdout);
        assert!(out.stdout.contains("OVERDUE by 42m"), "{}", out.stdout);
        assert!(!out.stdout.contains('\x1b'), "no colour: {}", out.stdout);
    }
    // In colour, the overdue line is loud and the rest plain.
    let mut coloured = incident(&scene.root, late);
    coloured
        .arg("list")
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1");
    let out = run(coloured);
    let overdue = out.stdout.lines().find(|l| l.contains("OVERDUE")).unwrap();
    assert!(
        overdue.contains("\x1b[1m\x1b[31mOVERDUE by 42m"),
        "{overdue:?}"
    );
    assert!(overdue.ends_with("\x1b[0m"), "{overdue:?}");
    assert!(!out.stdout.lines().next().unwrap().contains('\x1b'));
    let rows = scene.list_json(late);
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["id"], ID);
    assert_eq!(rows[0]["next_update_at"], "2026-11-26T10:15:00Z");
    assert_eq!(rows[0]["overdue_minutes"], 42);
    let out = scene.run(late, &["show", ID]);
    assert!(
        out.stdout
            .contains("next update: OVERDUE since 2026-11-26 10:15 UTC"),
        "{}",
        out.stdout
    );

    // An update keeps the promise again.
    scene.ok(
        "2026-11-26T10:58:00Z",
        &["update", ID, "--message", "Still investigating."],
    );
    let rows = scene.list_json("2026-11-26T10:59:00Z");
    assert_eq!(rows[0]["overdue_minutes"], serde_json::Value::Null);
    assert_eq!(rows[0]["next_update_at"], "2026-11-26T11:13:00Z");

    // Resolved incidents are never overdue, and `--open` leaves them out.
    scene.ok("2026-11-26T11:00:00Z", &["resolve", ID]);
    let rows = scene.list_json("2026-11-27T10:00:00Z");
    assert_eq!(rows[0]["overdue_minutes"], serde_json::Value::Null);
    let out = scene.run("2026-11-27T10:00:00Z", &["list", "--open"]);
    assert!(out.stdout.contains("no incidents open"), "{}", out.stdout);
}

#[test]
fn bad_input_writes_nothing() {
    let scene = Scene::new();
    scene.declare();
    let now = "2026-11-26T10:20:00Z";
    scene.ok(
        "2026-11-26T10:10:00Z",
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--message",
            "Found it.",
        ],
    );

    let typo = "2026-11-26-checkout-fails-with-502-for-ue";
    let err = scene.refused(now, &["update", typo, "--message", "x"], 2);
    assert!(
        err.contains(&format!("no incident `{typo}`: did you mean `{ID}`?")),
        "{err}"
    );
    one_line(&err);
    // Typed by part, as ids are: the name after the date.
    let typo = "checkout-fails-with-502-for-ue";
    let err = scene.refused(now, &["render", "update", typo], 2);
    assert!(
        err.contains(&format!("no incident `{typo}`: did you mean `{ID}`?")),
        "{err}"
    );

    let err = scene.refused(
        now,
        &[
            "update",
            ID,
            "--at",
            "2026-11-26T10:05:00Z",
            "--message",
            "x",
        ],
        1,
    );
    assert!(err.contains("is not after the latest update"), "{err}");
    one_line(&err);

    let err = scene.refused(
        now,
        &["update", ID, "--status", "fixed", "--message", "x"],
        2,
    );
    assert!(
        err.contains("`fixed` is not one of: investigating, identified"),
        "{err}"
    );
    one_line(&err);

    let err = scene.refused(
        now,
        &[
            "update",
            ID,
            "--component",
            "checkout=major_outage",
            "--message",
            "x",
        ],
        1,
    );
    assert!(
        err.contains("error[ref/unknown-component]: unknown component `checkout`"),
        "{err}"
    );
    assert!(
        err.contains("components in incidentkit.yaml: website, api"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    let err = scene.refused(
        T0,
        &[
            "declare",
            "--title",
            "Search is slow",
            "--severity",
            "sev3",
            "--component",
            "search",
        ],
        1,
    );
    assert!(err.contains("error[ref/unknown-component]"), "{err}");
    // A group's id, from the configuration `init` wrote: its members named.
    let err = scene.refused(
        T0,
        &[
            "declare",
            "--title",
            "Shop down",
            "--severity",
            "sev2",
            "--component",
            "product",
        ],
        1,
    );
    assert!(
        err.contains("`product` is a group, not a component: name the components of it the incident touches (website, api)"),
        "{err}"
    );

    for malformed in ["soon", "30", "0m", "10:61"] {
        let err = scene.refused(
            now,
            &["update", ID, "--message", "x", "--next-update", malformed],
            2,
        );
        assert!(
            err.contains(&format!("`{malformed}` is neither a duration nor a time")),
            "{err}"
        );
        one_line(&err);
    }
    let err = scene.refused(
        now,
        &["update", ID, "--message", "x", "--at", "yesterday"],
        2,
    );
    one_line(&err);
    let err = scene.refused(T0, &["declare", "--title", "x", "--severity", "sev5"], 2);
    assert!(
        err.contains("`sev5` is not one of: sev1, sev2, sev3, sev4"),
        "{err}"
    );

    scene.ok("2026-11-26T11:00:00Z", &["resolve", ID]);
    let err = scene.refused("2026-11-26T11:30:00Z", &["resolve", ID], 1);
    assert!(err.contains(&format!("{ID} is already resolved")), "{err}");
    assert!(err.contains("--reopen"), "{err}");
    one_line(&err);

    // Outside an incident repository.
    let elsewhere = tempfile::tempdir().unwrap();
    for args in [
        &["declare", "--title", "x", "--severity", "sev1"][..],
        &["update", ID, "--message", "x"],
        &["list"],
    ] {
        let mut cmd = incident(elsewhere.path(), now);
        cmd.args(args);
        let out = run(cmd);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("no incidentkit.yaml in"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("incident init"), "{}", out.stderr);
        one_line(&out.stderr);
        assert!(snapshot(elsewhere.path()).is_empty());
    }
}

#[test]
fn a_second_incident_with_the_same_title_that_day_gets_a_number() {
    let scene = Scene::new();
    scene.declare();
    let args = [
        "declare",
        "--title",
        TITLE,
        "--severity",
        "sev2",
        "--commander",
        "@alice",
        "--comms",
        "@bob",
        "--force",
    ];
    let (out, new) = scene.ok("2026-11-26T18:30:00Z", &args);
    let second = format!("{ID}-2");
    assert!(out.contains(&format!("declared {second}:")), "{out}");
    assert!(out.contains(&format!("#incident-{second}")), "{out}");
    assert_eq!(
        new,
        [
            file(&second, "incident.yaml"),
            update_file(&second, "2026-11-26T18-30-00Z")
        ]
    );
    assert_eq!(
        s(&scene.yaml(&file(&second, "incident.yaml")), "channel"),
        format!("#incident-{second}")
    );
    let (out, _) = scene.ok("2026-11-26T19:00:00Z", &args);
    assert!(out.contains(&format!("declared {ID}-3:")), "{out}");
    // The next day, the plain slug again.
    let (out, _) = scene.ok("2026-11-27T09:00:00Z", &args);
    assert!(
        out.contains("declared 2026-11-27-checkout-fails-with-502-for-eu:"),
        "{out}"
    );
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let scene = Scene::new();
    let err = scene.refused(T0, &["init"], 2);
    assert!(
        err.contains("already exists; incidentkit never overwrites a file"),
        "{err}"
    );
    one_line(&err);

    // A folder with only a hand-written config: nothing else appears either.
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("incidentkit.yaml"),
        "# ours\nsite:\n  name: Acme\n",
    )
    .unwrap();
    let before = snapshot(dir.path());
    let mut cmd = incident(dir.path(), T0);
    cmd.arg("init");
    let out = run(cmd);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("incidentkit.yaml already exists"),
        "{}",
        out.stderr
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn reopening_starts_the_response_again() {
    let scene = Scene::new();
    scene.declare();
    scene.ok("2026-11-26T10:30:00Z", &["resolve", ID]);
    let (out, new) = scene.ok(
        "2026-11-26T12:00:00Z",
        &[
            "update",
            ID,
            "--reopen",
            "--message",
            "The errors are back.",
        ],
    );
    assert_eq!(new, [update_file(ID, "2026-11-26T12-00-00Z")]);
    assert!(
        out.contains("next update due by 2026-11-26 12:15 UTC"),
        "{out}"
    );
    let u = scene.yaml(&new[0]);
    assert_eq!(s(&u, "status"), "investigating");
    assert_eq!(u["reopen"], Value::Bool(true));
    assert_eq!(s(&u, "next_update_at"), "2026-11-26T12:15:00Z");
    let rows = scene.list_json("2026-11-26T12:01:00Z");
    assert_eq!(rows[0]["status"], "investigating");
    assert_eq!(rows[0]["resolved_at"], serde_json::Value::Null);
}

#[test]
fn a_severity_raised_on_the_resolving_update_sets_the_postmortem_policy() {
    let scene = Scene::new();
    scene.ok(
        T0,
        &[
            "declare",
            "--title",
            "Search is slow",
            "--severity",
            "sev3",
            "--component",
            "api",
        ],
    );
    let id = "2026-11-26-search-is-slow";
    // sev3: no post-mortem required …
    let (_, new) = scene.ok(
        "2026-11-26T12:00:00Z",
        &[
            "update",
            id,
            "--status",
            "resolved",
            "--severity",
            "sev1",
            "--message",
            "Fixed; it was worse than we thought.",
        ],
    );
    // … but it was a sev1 by the time it was resolved.
    assert_eq!(
        new,
        [
            file(id, "postmortem.yaml"),
            update_file(id, "2026-11-26T12-00-00Z")
        ]
    );
    assert_eq!(s(&scene.yaml(&new[0]), "due"), "2026-11-29");
}

#[test]
fn resolving_through_update_restores_components_as_resolve_does() {
    let scene = Scene::new();
    scene.declare();
    let (_, new) = scene.ok(
        "2026-11-26T10:30:00Z",
        &[
            "update",
            ID,
            "--status",
            "resolved",
            "--component",
            "api=degraded_performance",
            "--message",
            "Checkout works again; the API is still slow.",
        ],
    );
    let resolving = new
        .iter()
        .find(|f| f.contains("/updates/"))
        .expect("a resolving update");
    assert_eq!(
        components(&scene.yaml(resolving)),
        pairs(&[("api", "degraded_performance"), ("website", "operational")])
    );
    scene.validates();
}

impl Scene {
    /// The maintenance 2026-11-20-cdn-config-change (window 2026-11-25
    /// 22:00–23:00 UTC) written by hand, with one update (`stamp`, `text`).
    fn cdn_maintenance(&self, stamp: &str, text: &str) {
        let id = "2026-11-20-cdn-config-change";
        fs::create_dir_all(self.root.join(format!("incidents/{id}/updates"))).unwrap();
        fs::write(
            self.root.join(file(id, "incident.yaml")),
            "title: CDN config change\nkind: maintenance\ndeclared_at: 2026-11-20T09:00:00Z\nscheduled_for: 2026-11-25T22:00:00Z\nscheduled_until: 2026-11-25T23:00:00Z\ncomponents: [website]\n",
        )
        .unwrap();
        fs::write(self.root.join(update_file(id, stamp)), text).unwrap();
    }

    /// Sets the site's time zone in incidentkit.yaml (as a person would).
    fn timezone(&self, zone: &str) {
        let config = self.read("incidentkit.yaml");
        fs::write(
            self.root.join("incidentkit.yaml"),
            config.replace("timezone: UTC", &format!("timezone: {zone}")),
        )
        .unwrap();
    }

    /// The findings of `validate --format json` at `now`: (rule, level, message).
    fn findings(&self, now: &str) -> Vec<(String, String, String)> {
        let out = self.run(now, &["validate", "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["level"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

#[test]
fn a_clock_time_is_its_last_occurrence_and_the_future_is_refused() {
    let scene = Scene::new();
    scene.timezone("America/Los_Angeles");
    // Declared at 23:50 in Los Angeles; it is now 00:05 the next day there.
    let mut args = scene_declare_args();
    args.extend(["--at", "23:50"]);
    let (_, new) = scene.ok("2026-11-27T07:52:00Z", &args);
    let id = "2026-11-27-checkout-fails-with-502-for-eu";
    assert!(
        new.contains(&update_file(id, "2026-11-27T07-50-00Z")),
        "{new:?}"
    );
    let midnight = "2026-11-27T08:05:00Z";
    // "23:55" typed at 00:05 is ten minutes ago, not 23 h 50 min ahead.
    let (_, new) = scene.ok(
        midnight,
        &[
            "update",
            id,
            "--at",
            "23:55",
            "--message",
            "Still investigating.",
        ],
    );
    assert_eq!(new, [update_file(id, "2026-11-27T07-55-00Z")]);

    // An RFC 3339 time in the future is refused, with the fix.
    let err = scene.refused(
        midnight,
        &[
            "update",
            id,
            "--at",
            "2027-01-01T00:00:00Z",
            "--message",
            "x",
        ],
        2,
    );
    assert!(
        err.contains("error: --at `2027-01-01T00:00:00Z` (2027-01-01 00:00:00 UTC) is 34 d 15 h in the future (now is 2026-11-27 08:05:00 UTC): an entry records what has already happened"),
        "{err}"
    );
    assert!(err.contains("or leave --at out to mean now"), "{err}");
    one_line(&err);
    let err = scene.refused(
        midnight,
        &[
            "declare",
            "--title",
            "Later",
            "--severity",
            "sev3",
            "--at",
            "2027-01-01T00:00:00Z",
        ],
        2,
    );
    assert!(err.contains("is 34 d 15 h in the future"), "{err}");
    // Within the skew of two minutes: fine.
    scene.ok(
        "2026-11-27T08:06:00Z",
        &[
            "update",
            id,
            "--at",
            "2026-11-27T08:07:30Z",
            "--message",
            "Still investigating.",
        ],
    );

    // A file written by hand with a future time is an error in validate.
    let ahead = update_file(id, "2026-11-28T08-00-00Z");
    fs::write(
        scene.root.join(&ahead),
        "at: 2026-11-28T08:00:00Z\nstatus: investigating\nmessage: Typed for tomorrow.\nauthor: \"@alice\"\n",
    )
    .unwrap();
    let found = scene.findings("2026-11-27T08:10:00Z");
    assert!(
        found.contains(&(
            "timeline/future".into(),
            "error".into(),
            "`at` (2026-11-28T08:00:00Z) is 23 h 50 min in the future (now is 2026-11-27 08:10:00 UTC)".into()
        )),
        "{found:?}"
    );
    // Once that time has come, it is no longer a finding.
    assert!(
        !scene
            .findings("2026-11-28T08:01:00Z")
            .iter()
            .any(|f| f.0 == "timeline/future")
    );
}

#[test]
fn two_commands_in_the_same_second_stay_in_order() {
    let scene = Scene::new();
    scene.declare();
    // A script: declare, then update and decide at once, all at T0.
    let (out, new) = scene.ok(
        T0,
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--message",
            "Found it.",
        ],
    );
    assert_eq!(new, [update_file(ID, "2026-11-26T10-00-01Z")], "{out}");
    // Corrected in the same second: the record is not dated before the
    // update it amends (which the same second placed after now).
    let corrected = scene.run(
        T0,
        &[
            "correct",
            ID,
            "2026-11-26T10-00-01Z.yaml",
            "--message",
            "Found it: a configuration change.",
            "--reason",
            "too vague",
        ],
    );
    assert_eq!(corrected.code, 0, "{}", corrected.stderr);
    // A refused command moves nothing, so it says nothing about moving.
    let refused = scene.run(
        T0,
        &["update", ID, "--status", "identifed", "--message", "x"],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(!refused.stderr.contains("note:"), "{}", refused.stderr);
    let out = scene.run(
        T0,
        &[
            "decide",
            ID,
            "--option",
            "A: roll back",
            "--option",
            "B: wait",
            "--chosen",
            "A",
            "--why",
            "fast",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "note: the entry is at 2026-11-26T10:00:02Z, one second after the latest entry"
        ),
        "{}",
        out.stderr
    );
    assert!(
        scene
            .root
            .join(update_file(ID, "2026-11-26T10-00-02Z"))
            .is_file()
    );
    // A decision given the minute of an update (`--at 10:05`) goes right after it.
    scene.ok(
        "2026-11-26T10:06:00Z",
        &["update", ID, "--at", "10:05", "--message", "Rolling back."],
    );
    scene.ok(
        "2026-11-26T10:06:00Z",
        &[
            "decide",
            ID,
            "--at",
            "10:05",
            "--option",
            "A: roll back",
            "--option",
            "B: wait",
            "--chosen",
            "A",
            "--why",
            "fast",
        ],
    );
    assert!(
        scene
            .root
            .join(update_file(ID, "2026-11-26T10-05-01Z"))
            .is_file()
    );
    let out = scene.run("2026-11-26T10:07:00Z", &["show", ID]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let rolling = lines
        .iter()
        .position(|l| l.contains("Rolling back."))
        .unwrap();
    let decisions: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].contains("decision: A"))
        .collect();
    assert_eq!(decisions.len(), 2, "{}", out.stdout);
    assert!(
        decisions[0] < rolling && rolling < decisions[1],
        "{}",
        out.stdout
    );
    // Older than the latest by more than a minute: still refused.
    let err = scene.refused(
        "2026-11-26T10:07:00Z",
        &["update", ID, "--at", "10:03", "--message", "x"],
        1,
    );
    assert!(err.contains("is not after the latest update"), "{err}");
}

#[test]
fn a_promise_beyond_the_policy_is_a_warning() {
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args[4] = "sev2";
    scene.ok(T0, &args);
    let out = scene.run(
        "2026-11-26T10:30:00Z",
        &[
            "update",
            ID,
            "--message",
            "Monitoring.",
            "--next-update",
            "3d",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning[cadence/eta-beyond-policy]: the next update is promised 3 d after this one, beyond the SEV-2 policy (an update every 1 h)"),
        "{}",
        out.stderr
    );
    let found = scene.findings("2026-11-26T10:31:00Z");
    assert_eq!(
        found
            .iter()
            .filter(|f| f.0 == "cadence/eta-beyond-policy")
            .count(),
        1,
        "{found:?}"
    );
    // Within the policy: nothing to say.
    let out = scene.run(
        "2026-11-26T10:40:00Z",
        &[
            "update",
            ID,
            "--message",
            "Monitoring.",
            "--next-update",
            "45m",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn rfc3339_with_a_space_is_accepted_in_files_and_on_the_command_line() {
    let scene = Scene::new();
    scene.declare();
    let (_, new) = scene.ok(
        "2026-11-26T10:30:00Z",
        &[
            "update",
            ID,
            "--at",
            "2026-11-26 10:20:00+00:00",
            "--message",
            "Found it.",
        ],
    );
    assert_eq!(new, [update_file(ID, "2026-11-26T10-20-00Z")]);
    // As PyYAML writes it when it rewrites a file.
    let path = file(ID, "incident.yaml");
    let text = scene.read(&path).replace(
        "declared_at: 2026-11-26T10:00:00Z",
        "declared_at: 2026-11-26 10:00:00+00:00",
    );
    assert!(text.contains("2026-11-26 10:00:00+00:00"));
    fs::write(scene.root.join(&path), text).unwrap();
    scene.validates();
}

#[test]
fn declaring_an_open_incident_again_points_to_it() {
    let scene = Scene::new();
    scene.declare();
    let again = [
        "declare",
        "--title",
        "checkout fails: with 502  for EU customers!",
        "--severity",
        "sev2",
        "--commander",
        "@alice",
        "--comms",
        "@bob",
    ];
    let err = scene.refused("2026-11-26T10:20:00Z", &again, 1);
    assert_eq!(
        err,
        format!(
            "error: {ID} is open with the same title, \"Checkout fails with 502 for EU customers\" (declared 2026-11-26 10:00 UTC): post to it with `incident update {ID} --message …`, or declare a separate incident with --force\n"
        )
    );
    // Once it is resolved, the same title is a new incident.
    scene.ok("2026-11-26T11:00:00Z", &["resolve", ID]);
    let (out, _) = scene.ok("2026-11-26T12:00:00Z", &again);
    assert!(out.contains(&format!("declared {ID}-2:")), "{out}");
}

#[test]
fn branches_of_two_incidents_never_collide() {
    let scene = Scene::new();
    let head = |scene: &Scene| scene.git().head().unwrap().shorthand().unwrap().to_string();
    let mut args = scene_declare_args();
    args.push("--branch");
    scene.ok(T0, &args);
    assert_eq!(head(&scene), format!("incident/{ID}"));
    // The pull request was squash-merged: main has the files in a commit
    // of its own, the branch is left behind, and the responder is on main.
    {
        let git = scene.git();
        let branch = git.head().unwrap().peel_to_commit().unwrap();
        let main = git.find_branch("main", git2::BranchType::Local).unwrap();
        let base = main.get().peel_to_commit().unwrap();
        let sig = branch.author();
        git.commit(
            Some("refs/heads/main"),
            &sig,
            &sig,
            "Squashed",
            &branch.tree().unwrap(),
            &[&base],
        )
        .unwrap();
        git.set_head("refs/heads/main").unwrap();
    }
    scene.ok(
        "2026-11-26T10:10:00Z",
        &["update", ID, "--message", "Found it.", "--branch"],
    );
    assert_eq!(head(&scene), format!("incident/{ID}_2"));
    // A second incident of that title is `<id>-2`: its branch is its own,
    // even when started from the first incident's second branch.
    let mut args = scene_declare_args();
    args.extend(["--force", "--branch"]);
    scene.ok("2026-11-26T10:20:00Z", &args);
    assert_eq!(head(&scene), format!("incident/{ID}-2"));
    let (out, _) = scene.ok(
        "2026-11-26T10:25:00Z",
        &["update", ID, "--message", "Still on it.", "--branch"],
    );
    assert_eq!(head(&scene), format!("incident/{ID}_3"), "{out}");
}

#[test]
fn any_unique_part_of_an_id_names_the_incident() {
    let scene = Scene::new();
    scene.declare();
    let mut args = scene_declare_args();
    args[2] = "Search is slow";
    scene.ok("2026-11-26T10:05:00Z", &args);
    args[2] = "Search is down";
    scene.ok("2026-11-26T10:06:00Z", &args);
    for part in ["search-is-slow", "2026-11-26-search-is-s", "checkout"] {
        let out = scene.run("2026-11-26T10:10:00Z", &["show", part]);
        assert_eq!(out.code, 0, "{part}: {}", out.stderr);
    }
    let out = scene.run("2026-11-26T10:10:00Z", &["show", "search-is-slow"]);
    assert!(
        out.stdout
            .contains("id:          2026-11-26-search-is-slow"),
        "{}",
        out.stdout
    );
    scene.ok(
        "2026-11-26T10:11:00Z",
        &["update", "slow", "--message", "Indexing is behind."],
    );
    let err = scene.refused(
        "2026-11-26T10:12:00Z",
        &["update", "search", "--message", "x"],
        2,
    );
    assert_eq!(
        err,
        "error: `search` matches 2 incidents: 2026-11-26-search-is-down, 2026-11-26-search-is-slow; give more of the id\n"
    );
}

#[test]
fn long_messages_come_from_a_file_or_standard_input() {
    let scene = Scene::new();
    scene.declare();
    let text = "We found the cause: a configuration change.\n\nWe are rolling it back; \"quotes\" and $dollars stay as written.\n";
    let path = scene._tmp.path().join("message.md");
    fs::write(&path, text).unwrap();
    let (_, new) = scene.ok(
        "2026-11-26T10:10:00Z",
        &["update", ID, "--message-file", path.to_str().unwrap()],
    );
    assert_eq!(s(&scene.yaml(&new[0]), "message"), text.trim_end());
    let mut cmd = incident(&scene.root, "2026-11-26T10:20:00Z");
    cmd.args(["update", ID, "--message-file", "-"])
        .write_stdin("Rollback complete.\n");
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let update = scene.yaml(&update_file(ID, "2026-11-26T10-20-00Z"));
    assert_eq!(s(&update, "message"), "Rollback complete.");
    let err = scene.refused(
        "2026-11-26T10:25:00Z",
        &["update", ID, "--message-file", "no-such-file.md"],
        2,
    );
    assert!(
        err.starts_with("error: --message-file no-such-file.md: "),
        "{err}"
    );
    one_line(&err);
}

#[test]
fn an_internal_note_alone_is_an_internal_log_entry() {
    let scene = Scene::new();
    scene.declare();
    let (_, new) = scene.ok(
        "2026-11-26T10:05:00Z",
        &["update", ID, "--internal-note", "Payments team paged."],
    );
    let entry = scene.yaml(&new[0]);
    assert_eq!(s(&entry, "internal_note"), "Payments team paged.");
    assert!(entry.get("message").is_none(), "{entry:?}");
    assert!(entry.get("next_update_at").is_none(), "{entry:?}");
    // The promise of the public update stands.
    assert_eq!(
        scene.list_json("2026-11-26T10:06:00Z")[0]["next_update_at"],
        "2026-11-26T10:15:00Z"
    );
    let err = scene.refused(
        "2026-11-26T10:06:00Z",
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--internal-note",
            "x",
        ],
        2,
    );
    assert!(
        err.contains("--status changes what customers see: give --message"),
        "{err}"
    );
    let err = scene.refused("2026-11-26T10:06:00Z", &["update", ID], 2);
    assert!(
        err.contains("or --internal-note for an internal log entry"),
        "{err}"
    );
}

#[test]
fn declare_records_when_impact_began_and_how_it_was_noticed() {
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args.extend([
        "--started-at",
        "09:48",
        "--detected-at",
        "2026-11-26 09:55:00+00:00",
        "--detected-by",
        "alert",
    ]);
    scene.ok(T0, &args);
    let decl = scene.yaml(&file(ID, "incident.yaml"));
    assert_eq!(s(&decl, "started_at"), "2026-11-26T09:48:00Z");
    assert_eq!(s(&decl, "detected_at"), "2026-11-26T09:55:00Z");
    assert_eq!(s(&decl, "detected_by"), "alert");
    let mut args = scene_declare_args();
    args[2] = "Search is slow";
    args.extend(["--detected-by", "custmer"]);
    let err = scene.refused(T0, &args, 2);
    assert_eq!(
        err,
        "error: --detected-by `custmer` is not one of: alert, monitoring, customer, employee, third_party, other; did you mean `customer`?\n"
    );
}

#[test]
fn a_decision_fills_its_trade_offs() {
    let scene = Scene::new();
    scene.declare();
    scene.ok(
        "2026-11-26T10:05:00Z",
        &[
            "update",
            ID,
            "--at",
            "10:05",
            "--status",
            "identified",
            "--message",
            "Found it.",
        ],
    );
    // Given the same minute as the update.
    let (_, new) = scene.ok(
        "2026-11-26T10:06:00Z",
        &[
            "decide",
            ID,
            "--at",
            "10:05",
            "--option",
            "A: full database rollback, 30 min, may lose 10 min of data",
            "--option",
            "B: targeted patch, 90 min, may not work",
            "--chosen",
            "A",
            "--why",
            "Restores checkout fastest",
        ],
    );
    let entry = scene.yaml(&new[0]);
    let options = entry["decision"]["options"].as_sequence().unwrap();
    assert_eq!(s(&options[0], "summary"), "full database rollback");
    assert_eq!(s(&options[0], "time_to_restore"), "30 min");
    assert_eq!(s(&options[0], "data_loss"), "may lose 10 min of data");
    assert_eq!(s(&options[1], "risk"), "may not work");
    assert!(options[1].get("data_loss").is_none());
    let out = scene.run("2026-11-26T10:07:00Z", &["show", ID]);
    assert!(
        out.stdout.contains("✔ option A: full database rollback (time to restore: 30 min; data loss: may lose 10 min of data)"),
        "{}",
        out.stdout
    );
    // The decision's internal update says it published nothing where the
    // message would be, rather than leaving a blank.
    for format in ["md", "text", "slack", "html"] {
        let args = [
            "render",
            "update",
            ID,
            "--audience",
            "internal",
            "--format",
            format,
        ];
        let out = scene.run("2026-11-26T10:07:00Z", &args);
        assert!(
            out.stdout
                .contains("An internal entry: nothing was published with it.")
                && out.stdout.contains("full database rollback"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn a_mistyped_word_gets_a_did_you_mean_of_the_incidents_kind() {
    let scene = Scene::new();
    scene.declare();
    let err = scene.refused(
        "2026-11-26T10:05:00Z",
        &["update", ID, "--status", "investigatng", "--message", "x"],
        2,
    );
    assert_eq!(
        err,
        "error: --status `investigatng` is not one of: investigating, identified, monitoring, resolved; did you mean `investigating`?\n"
    );
    // Case aside: what was meant is found.
    let err = scene.refused(
        "2026-11-26T10:05:00Z",
        &["update", ID, "--severity", "SEV1", "--message", "x"],
        2,
    );
    assert!(err.ends_with("did you mean `sev1`?\n"), "{err}");
    // A maintenance word on an incident is not offered.
    let err = scene.refused(
        "2026-11-26T10:05:00Z",
        &["update", ID, "--status", "in_progress", "--message", "x"],
        2,
    );
    assert!(
        err.contains("is not one of: investigating, identified, monitoring, resolved"),
        "{err}"
    );
    let err = scene.refused(
        "2026-11-26T10:05:00Z",
        &[
            "update",
            ID,
            "--component",
            "api=major_outge",
            "--message",
            "x",
        ],
        2,
    );
    assert!(err.contains("did you mean `major_outage`?"), "{err}");

    // A time zone in the configuration, and a tab-indented file.
    scene.timezone("America/Los_Angles");
    let found = scene.findings("2026-11-26T10:05:00Z");
    assert!(found.iter().any(|f| f.0 == "config/timezone"), "{found:?}");
    let out = scene.run("2026-11-26T10:05:00Z", &["validate"]);
    assert!(
        out.stdout.contains("did you mean `America/Los_Angeles`?"),
        "{}",
        out.stdout
    );
    scene.timezone("UTC");
    let tabbed = update_file(ID, "2026-11-26T10-04-00Z");
    fs::write(
        scene.root.join(&tabbed),
        "at: 2026-11-26T10:04:00Z\nstatus: investigating\nmessage: x\nauthor: a\nimpact:\n\tsummary: x\n",
    )
    .unwrap();
    let out = scene.run("2026-11-26T10:05:00Z", &["validate"]);
    assert!(
        out.stdout
            .contains("error[yaml/syntax]: tabs cannot indent YAML: line 6 is indented with a tab"),
        "{}",
        out.stdout
    );
}

#[test]
fn init_into_a_repository_created_on_github_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "# Acme incidents\n").unwrap();
    fs::write(dir.path().join(".gitignore"), "/target/\n/site/\n").unwrap();
    let before = snapshot(dir.path());
    let mut cmd = incident(dir.path(), T0);
    cmd.args(["init", "--name", "Acme"]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let new = added(&before, &snapshot(dir.path()));
    assert!(new.contains(&"incidentkit.yaml".to_string()), "{new:?}");
    assert!(!new.contains(&"README.md".to_string()), "{new:?}");
    assert!(
        out.stdout.contains("kept README.md as it is"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "kept .gitignore as it is\n  add these lines to .gitignore (the built sites are not committed):\n    /site-internal/\n"
        ),
        "{}",
        out.stdout
    );
    let mut cmd = incident(dir.path(), T0);
    cmd.arg("validate");
    assert_eq!(run(cmd).code, 0);
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    let scene = Scene::new();
    scene.declare();
    for args in [&["show", ID][..], &["list"]] {
        // The reading end is closed before the command writes a byte, as
        // `incident show ID | head -1` does once it has its line.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = crate::support::incident()
            .arg("-C")
            .arg(&scene.root)
            .args(args)
            .env("SOURCE_DATE_EPOCH", epoch(T0).to_string())
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            (out.status.code(), stderr.as_str()),
            (Some(0), ""),
            "{args:?}"
        );
    }
}

#[test]
fn the_message_can_be_written_in_the_editor() {
    let scene = Scene::new();
    scene.declare();
    // An "editor" that writes its message below the template's comments.
    let editor = scene._tmp.path().join("editor.sh");
    fs::write(
        &editor,
        "#!/bin/sh\ngrep -q '^# The public update for' \"$1\" || exit 3\nprintf 'We found the cause.\\n# not this\\nRolling back.\\n' >> \"$1\"\n",
    )
    .unwrap();
    let run_with = |editor: &str, now: &str| {
        let mut cmd = incident(&scene.root, now);
        cmd.args(["update", ID, "--edit"])
            .env("EDITOR", editor)
            .env_remove("VISUAL");
        run(cmd)
    };
    let out = run_with(&format!("sh {}", editor.display()), "2026-11-26T10:10:00Z");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let update = scene.yaml(&update_file(ID, "2026-11-26T10-10-00Z"));
    assert_eq!(s(&update, "message"), "We found the cause.\nRolling back.");
    // An editor that leaves the message empty writes nothing.
    let before = snapshot(&scene.root);
    let out = run_with("true", "2026-11-26T10:20:00Z");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("the message is empty; nothing was written"),
        "{}",
        out.stderr
    );
    assert_eq!(before, snapshot(&scene.root));
}

/// `update` checks only the incident it writes to (and the configuration),
/// yet judges the file as a full `validate` does: what it refuses, validate
/// finds in the same file at the same place by the same rule, and what it
/// accepts, validate accepts.
#[test]
fn the_scoped_check_before_writing_judges_as_validate_does() {
    let scene = Scene::new();
    scene.declare();
    let now = "2026-11-26T10:10:00Z";
    let update = |component: &str| {
        let args = [
            "update",
            ID,
            "--message",
            "We are still investigating.",
            "--component",
            component,
        ];
        args.map(String::from)
    };
    let refused_args = update("chekout=major_outage");
    let refused_args: Vec<&str> = refused_args.iter().map(String::as_str).collect();
    let refusal = scene.refused(now, &refused_args, 1);
    let found = refusal
        .strip_suffix("nothing was written: the files would not validate\n")
        .unwrap_or_else(|| panic!("not refused by a rule:\n{refusal}"));
    assert!(found.contains("ref/unknown-component"), "{found}");

    // The same file, with a known component: written, and validate agrees.
    let accepted_args = update("website=major_outage");
    let accepted_args: Vec<&str> = accepted_args.iter().map(String::as_str).collect();
    let (_, new) = scene.ok(now, &accepted_args);
    let written = update_file(ID, "2026-11-26T10-10-00Z");
    assert_eq!(new, std::slice::from_ref(&written));

    // The refused file, by hand: validate finds what the refusal said.
    let text = scene.read(&written);
    assert!(text.contains("website: major_outage"), "{text}");
    fs::write(
        scene.root.join(&written),
        text.replace("website: major_outage", "chekout: major_outage"),
    )
    .unwrap();
    let out = scene.run(now, &["validate"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(found),
        "validate:\n{}\nthe refusal:\n{found}",
        out.stdout
    );
}

impl Scene {
    /// Commits everything in the working tree on the current branch.
    fn commit_all(&self, message: &str) {
        let git = self.git();
        let mut index = git.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = git.find_tree(index.write_tree().unwrap()).unwrap();
        let parent = git.head().unwrap().peel_to_commit().unwrap();
        let sig = git.signature().unwrap();
        git.commit(Some("HEAD"), &sig, &sig, message, &tree, &[&parent])
            .unwrap();
    }

    /// Runs `redact`, the one command that rewrites a file: it must succeed
    /// and leave the repository valid; returns what it printed.
    fn redacts(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert_eq!(
            out.code,
            0,
            "`incident {}`:\n{}{}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        self.validates();
        out.stdout
    }

    /// Every file under `dir`, by path, as text (lossy).
    fn files_under(dir: &Path) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(d) = folders.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap().display().to_string();
                    out.insert(
                        rel,
                        String::from_utf8_lossy(&fs::read(&path).unwrap()).into(),
                    );
                }
            }
        }
        out
    }
}

const SECRET: &str = "ghp_FAKEtoken0123456789abcdefABCDEF";
const CUSTOMER: &str = "Globex Corporation";

/// A published update with a secret and a customer's name, on `main`; then,
/// on a branch, a redaction of it and a correction of the first update.
fn published_leak() -> Scene {
    let scene = Scene::new();
    scene.declare();
    let message = format!("Payments fail; we revoked the key {SECRET}. Next update at 10:20.");
    scene.ok(
        "2026-11-26T10:05:00Z",
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--message",
            &message,
            "--impact",
            &format!("{CUSTOMER} cannot pay"),
        ],
    );
    scene.commit_all("publish");
    scene
}

#[test]
fn a_redaction_and_a_correction_on_a_branch_pass_and_leave_no_trace_on_the_site() {
    let scene = published_leak();
    let update = update_file(ID, "2026-11-26T10-05-00Z");
    let out = scene.redacts(
        "2026-11-26T10:30:00Z",
        &[
            "redact",
            "checkout-fails",
            "10:05",
            "--field",
            "message",
            "--field",
            "impact",
            "--reason",
            "an API key and a customer's name were pasted in",
            "--branch",
        ],
    );
    assert!(out.contains("still in git history"), "{out}");
    assert!(out.contains("rotated NOW"), "{out}");
    assert!(
        out.contains(
            "git filter-repo --replace-text .git/incidentkit/purge-2026-11-26T10-05-00Z.txt"
        ),
        "{out}"
    );
    assert!(
        !out.contains(SECRET),
        "the command never prints the text: {out}"
    );
    let purge = scene.read(".git/incidentkit/purge-2026-11-26T10-05-00Z.txt");
    assert!(
        purge.contains(&format!("literal:{CUSTOMER} cannot pay==>[removed]")),
        "{purge}"
    );
    let redacted = scene.yaml(&update);
    assert_eq!(s(&redacted, "message"), "[removed]");
    assert_eq!(s(&redacted["impact"], "summary"), "[removed]");
    assert_eq!(s(&redacted, "status"), "identified", "the rest stays");
    let record =
        format!("incidents/{ID}/redactions/2026-11-26T10-05-00Z--2026-11-26T10-30-00Z.yaml");
    assert_eq!(s(&scene.yaml(&record)["fields"][0], "field"), "message");

    // The first update said the wrong thing: corrected, openly.
    let first = update_file(ID, "2026-11-26T10-00-00Z");
    let before = scene.read(&first);
    scene.ok(
        "2026-11-26T10:31:00Z",
        &[
            "correct",
            ID,
            "2026-11-26T10-00-00Z.yaml",
            "--message",
            "Checkout fails for EU card payments only.",
            "--reason",
            "it named all customers",
            "--branch",
        ],
    );
    assert_eq!(
        scene.read(&first),
        before,
        "a correction never rewrites the update"
    );
    let validate = scene.run(
        "2026-11-26T10:32:00Z",
        &["validate", "--changed-since", "main"],
    );
    assert_eq!(validate.code, 0, "{}{}", validate.stdout, validate.stderr);

    scene.ok(
        "2026-11-26T10:40:00Z",
        &["resolve", ID, "--message", "Checkout works again."],
    );
    let site = scene.root.join("site");
    let built = scene.run(
        "2026-11-26T10:41:00Z",
        &["build", "--out", site.to_str().unwrap()],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    let files = Scene::files_under(&site);
    for (path, text) in &files {
        assert!(
            !text.contains("ghp_FAKE") && !text.contains(CUSTOMER),
            "{path} holds the removed text"
        );
    }
    let page = &files[&format!("incidents/{ID}.html")];
    assert!(
        page.contains("Checkout fails for EU card payments only."),
        "{page}"
    );
    assert!(
        page.contains("Corrected at 26 Nov 2026, 10:31 UTC."),
        "{page}"
    );
    assert!(
        page.contains("Part of this update was removed on 26 Nov 2026: an API key and a customer"),
        "{page}"
    );
    let api = &files["api/v2/incidents.json"];
    assert!(
        api.contains("Checkout fails for EU card payments only.") && api.contains("Corrected at"),
        "{api}"
    );
    assert!(
        api.contains("\"updated_at\": \"2026-11-26T10:31:00Z\""),
        "{api}"
    );
    let feed = &files["history.atom"];
    assert!(
        feed.contains("Corrected at") && feed.contains("Part of this update was removed"),
        "{feed}"
    );

    // Internal outputs keep both versions; public ones only the corrected.
    let internal = scene.run("2026-11-26T10:41:00Z", &["render", "postmortem", ID]);
    assert_eq!(internal.code, 0, "{}", internal.stderr);
    assert!(
        internal
            .stdout
            .contains("Checkout fails for EU card payments only."),
        "{}",
        internal.stdout
    );
    assert!(
        internal.stdout.contains("it named all customers"),
        "{}",
        internal.stdout
    );
    let original = s(&serde_yaml::from_str(&before).unwrap(), "message").to_string();
    let first_words = original
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        internal.stdout.contains(&first_words),
        "{}",
        internal.stdout
    );
    assert!(
        !page.contains(&first_words),
        "the page shows only the corrected text"
    );
    let show = scene.run("2026-11-26T10:41:00Z", &["show", ID]);
    assert!(
        show.stdout
            .contains("corrected 2026-11-26 10:31 UTC by @alice (it named all customers)"),
        "{}",
        show.stdout
    );
    let external = scene.run(
        "2026-11-26T10:41:00Z",
        &[
            "render",
            "update",
            ID,
            "--audience",
            "external",
            "--at",
            "2026-11-26T10:00:00Z",
        ],
    );
    // As it read at 10:00: the correction came at 10:31.
    assert!(
        !external.stdout.contains("Corrected at")
            && !external.stdout.contains("it named all customers"),
        "{}",
        external.stdout
    );
}

/// A view as of a moment before a correction shows the text as it stood
/// then: no later correction, no "Corrected at", no `updated_at` after
/// that moment. `render update --at` says the same.
#[test]
fn a_view_as_of_a_moment_before_a_correction_shows_the_text_as_it_stood() {
    let scene = Scene::new();
    scene.declare();
    let original = s(
        &scene.yaml(&update_file(ID, "2026-11-26T10-00-00Z")),
        "message",
    )
    .to_string();
    let corrected = "Checkout fails for EU card payments only.";
    scene.ok(
        "2026-11-26T10:31:00Z",
        &[
            "correct",
            ID,
            "10:00",
            "--message",
            corrected,
            "--reason",
            "it named all customers",
        ],
    );
    let out = scene.root.join("then");
    let built = scene.run(
        "2026-11-26T10:41:00Z",
        &[
            "build",
            "--as-of",
            "2026-11-26T10:20:00Z",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    let files = Scene::files_under(&out);
    let first_line = original.lines().next().unwrap();
    for path in [
        format!("incidents/{ID}.html"),
        "api/v2/incidents.json".into(),
    ] {
        let text = &files[&path];
        assert!(text.contains(first_line), "{path}: {text}");
        assert!(
            !text.contains(corrected) && !text.contains("Corrected at"),
            "{path} shows a correction made later: {text}"
        );
    }
    assert!(
        !files["api/v2/incidents.json"].contains("2026-11-26T10:31:00Z"),
        "an updated_at after the moment"
    );
    let render = |at: &str| {
        let args = ["render", "update", ID, "--audience", "external", "--at", at];
        scene.run("2026-11-26T10:41:00Z", &args).stdout
    };
    let then = render("2026-11-26T10:20:00Z");
    assert!(
        then.contains(first_line) && !then.contains("Corrected at"),
        "{then}"
    );
    let later = render("2026-11-26T10:31:00Z");
    assert!(
        later.contains(corrected) && later.contains("Corrected at"),
        "{later}"
    );
}

/// The page as of a revision made before a redaction: the revision's files
/// still hold the text, and the build applies today's record to them.
#[test]
fn a_build_as_of_a_revision_before_a_redaction_does_not_publish_the_removed_text() {
    let scene = published_leak();
    let before = scene.git().head().unwrap().target().unwrap().to_string();
    scene.redacts(
        "2026-11-26T10:30:00Z",
        &[
            "redact",
            ID,
            "10:05",
            "--field",
            "message",
            "--field",
            "impact",
            "--reason",
            "a token and a customer's name",
        ],
    );
    scene.commit_all("redact");
    let out = scene.root.join("then");
    let built = scene.run(
        "2026-11-26T10:41:00Z",
        &["build", "--as-of", &before, "--out", out.to_str().unwrap()],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    let files = Scene::files_under(&out);
    for (path, text) in files.iter().chain([(&"stdout".into(), &built.stdout)]) {
        assert!(
            !text.contains("ghp_FAKE") && !text.contains(CUSTOMER),
            "{path} holds the removed text"
        );
    }
    let page = &files[&format!("incidents/{ID}.html")];
    assert!(
        page.contains("Part of this update was removed on 26 Nov 2026: a token and a customer"),
        "{page}"
    );
    assert!(
        files["api/v2/incidents.json"].contains("Part of this update was removed"),
        "the API says so too"
    );
    assert!(
        built
            .stderr
            .contains("built with the 1 redaction(s) made since"),
        "{}",
        built.stderr
    );
}

/// `update` copies the impact into each new update, and a message may be
/// posted again word for word: redacting the update that said it first
/// removes every later copy (a record each), or the external stakeholder
/// update keeps publishing it.
#[test]
fn a_redaction_removes_the_same_text_from_later_updates() {
    let scene = Scene::new();
    scene.declare();
    let leak = format!("Payments fail; the key {SECRET} was revoked.");
    let impact = format!("{CUSTOMER} cannot pay");
    let update = |now: &str, message: &str, more: &[&str]| {
        let mut args = vec!["update", ID, "--message", message];
        args.extend(more);
        scene.ok(now, &args);
    };
    update(
        "2026-11-26T10:10:00Z",
        &leak,
        &["--status", "identified", "--impact", &impact],
    );
    update("2026-11-26T10:20:00Z", "Fix rolling out.", &[]);
    update("2026-11-26T10:25:00Z", &leak, &[]);
    scene.commit_all("publish");
    let out = scene.redacts(
        "2026-11-26T10:30:00Z",
        &[
            "redact",
            ID,
            "10:10",
            "--field",
            "message",
            "--field",
            "impact",
            "--reason",
            "a token and a customer's name",
        ],
    );
    let later = update_file(ID, "2026-11-26T10-20-00Z");
    let again = update_file(ID, "2026-11-26T10-25-00Z");
    assert!(
        out.contains(&format!("also removed impact of {later}"))
            && out.contains(&format!("also removed message, impact of {again}")),
        "{out}"
    );
    for (file, fields) in [(&later, 1), (&again, 2)] {
        let stem = file.rsplit('/').next().unwrap().trim_end_matches(".yaml");
        let record = format!("incidents/{ID}/redactions/{stem}--2026-11-26T10-30-00Z.yaml");
        let record = scene.yaml(&record);
        assert_eq!(record["fields"].as_sequence().unwrap().len(), fields);
    }
    assert_eq!(s(&scene.yaml(&later), "message"), "Fix rolling out.");
    let validate = scene.run(
        "2026-11-26T10:31:00Z",
        &["validate", "--changed-since", "main"],
    );
    assert_eq!(validate.code, 0, "{}{}", validate.stdout, validate.stderr);
    for format in ["md", "text", "slack", "html"] {
        let external = scene.run(
            "2026-11-26T10:31:00Z",
            &["render", "update", ID, "--format", format],
        );
        assert_eq!(external.code, 0, "{}", external.stderr);
        assert!(
            !external.stdout.contains(CUSTOMER) && !external.stdout.contains("ghp_FAKE"),
            "{format}: {}",
            external.stdout
        );
    }
}

#[test]
fn a_rewrite_without_a_matching_record_still_fails() {
    let scene = published_leak();
    let update = update_file(ID, "2026-11-26T10-05-00Z");
    let rewrite = |from: &str, to: &str| {
        let text = scene.read(&update).replace(from, to);
        fs::write(scene.root.join(&update), text).unwrap();
    };
    let findings = |scene: &Scene| {
        let out = scene.run(
            "2026-11-26T10:32:00Z",
            &["validate", "--changed-since", "main"],
        );
        assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
        out.stdout + &out.stderr
    };
    rewrite(SECRET, "[removed]");
    let out = findings(&scene);
    assert!(out.contains("error[history/update-rewritten]"), "{out}");
    assert!(
        out.contains(&format!("incident redact {ID} 2026-11-26T10-05-00Z")),
        "{out}"
    );
    assert!(
        out.contains(&format!("incident correct {ID} 2026-11-26T10-05-00Z")),
        "{out}"
    );

    // A record made for the message, and the impact edited by hand too.
    let git = scene.git();
    git.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    scene.redacts(
        "2026-11-26T10:30:00Z",
        &["redact", ID, "10:05", "--reason", "an API key"],
    );
    rewrite(CUSTOMER, "A customer");
    let out = findings(&scene);
    assert!(
        out.contains("beyond the fields the redaction record names"),
        "{out}"
    );

    // A record whose hash is not of the removed text.
    rewrite("A customer", CUSTOMER);
    assert_eq!(
        scene
            .run(
                "2026-11-26T10:32:00Z",
                &["validate", "--changed-since", "main"]
            )
            .code,
        0
    );
    let record =
        format!("incidents/{ID}/redactions/2026-11-26T10-05-00Z--2026-11-26T10-30-00Z.yaml");
    let text = scene.read(&record);
    let hash = text.split("sha256: ").nth(1).unwrap().trim().to_string();
    fs::write(
        scene.root.join(&record),
        text.replace(&hash, &"0".repeat(64)),
    )
    .unwrap();
    let out = findings(&scene);
    assert!(
        out.contains("does not match the text that was removed"),
        "{out}"
    );
}

/// A decision names one option by its id and says why: two options of one
/// id, or an empty reason, write nothing.
#[test]
fn a_decision_with_repeated_option_ids_or_no_reason_is_refused() {
    let scene = Scene::new();
    scene.declare();
    let decide = |options: [&'static str; 2], why: &'static str| {
        vec![
            "decide", ID, "--option", options[0], "--option", options[1], "--chosen", "A", "--why",
            why,
        ]
    };
    let err = scene.refused(
        "2026-11-26T10:05:00Z",
        &decide(["A: roll back", "A: fail over"], "fastest"),
        1,
    );
    assert!(
        err.contains("error[update/decision-duplicate-option]")
            && err.contains("nothing was written"),
        "{err}"
    );
    let err = scene.refused(
        "2026-11-26T10:05:00Z",
        &decide(["A: roll back", "B: fail over"], "  "),
        1,
    );
    assert!(err.contains("--why is empty"), "{err}");
    scene.validates();
}

/// A clock time a few minutes ahead is yesterday's (its last occurrence):
/// the command says so, since that is more often a slip than meant.
#[test]
fn a_clock_time_read_as_yesterday_is_pointed_out() {
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args.extend(["--at", "10:07"]);
    let out = scene.run("2026-11-26T10:02:00Z", &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("note: --at 10:07 is 2026-11-25 10:07 UTC, its last occurrence"),
        "{}",
        out.stderr
    );
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args.extend(["--at", "10:01"]);
    let out = scene.run("2026-11-26T10:02:00Z", &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("note: --at"), "{}", out.stderr);
}

/// Right after `resolve`, the skeleton's report is not written: rendering
/// it says so (as when `customer_report` is absent), also when its parts are
/// placeholders; the draft post-mortem says it is a draft and leaves out
/// the sections nobody wrote.
#[test]
fn an_unwritten_report_and_a_draft_post_mortem_say_so() {
    let scene = Scene::new();
    scene.declare();
    scene.ok("2026-11-26T11:00:00Z", &["resolve", ID]);
    let not_written = "*The customer report for this incident has not been written yet.*";
    let report = scene.run("2026-11-26T11:05:00Z", &["render", "report", ID]);
    assert!(report.stdout.contains(not_written), "{}", report.stdout);
    let pm = scene.run("2026-11-26T11:05:00Z", &["render", "postmortem", ID]);
    assert_eq!(pm.code, 0, "{}", pm.stderr);
    assert!(pm.stderr.contains("is a draft"), "{}", pm.stderr);
    for heading in ["## Detection", "## Response", "## Communication"] {
        assert!(!pm.stdout.contains(heading), "{heading}:\n{}", pm.stdout);
    }
    let path = scene.root.join(file(ID, "postmortem.yaml"));
    let skeleton = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        skeleton.replace("apology: \"\"", "apology: \"TODO: say sorry\""),
    )
    .unwrap();
    let report = scene.run("2026-11-26T11:05:00Z", &["render", "report", ID]);
    assert!(report.stdout.contains(not_written), "{}", report.stdout);
}

/// Every file `init`, `declare`, `update` and `resolve` write ends with
/// exactly one line break: text appended with `cat >>` starts a line of its
/// own (it was glued onto incidentkit.yaml's last comment).
#[test]
fn every_file_written_ends_with_one_line_break() {
    let scene = Scene::new();
    scene.declare();
    scene.ok(
        "2026-11-26T10:10:00Z",
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--message",
            "A config change fails EU payments.",
        ],
    );
    scene.ok("2026-11-26T11:00:00Z", &["resolve", ID]);
    let files = snapshot(&scene.root);
    for name in [
        "incidentkit.yaml",
        "README.md",
        ".gitignore",
        &file(ID, "postmortem.yaml"),
        &update_file(ID, "2026-11-26T10-10-00Z"),
    ] {
        assert!(files.contains_key(name), "{name} not written");
    }
    for (name, bytes) in files.iter().filter(|(name, _)| !name.ends_with('/')) {
        assert!(
            bytes.ends_with(b"\n") && !bytes.ends_with(b"\n\n"),
            "{name} does not end with exactly one line break"
        );
    }
}

/// A hand-written internal entry that resolves leaves the public view open
/// for good: validate says so and names the fix; the CLI's own resolutions
/// (`resolve` with only an internal note) always carry a public message.
#[test]
fn an_internal_resolution_is_an_error_and_resolve_never_writes_one() {
    let scene = Scene::new();
    scene.declare();
    let file = update_file(ID, "2026-11-26T10-40-00Z");
    fs::write(
        scene.root.join(&file),
        "at: 2026-11-26T10:40:00Z\nstatus: resolved\ninternal_note: closing quietly\nauthor: \"@alice\"\n",
    )
    .unwrap();
    let found = scene.findings("2026-11-26T11:00:00Z");
    let resolved_internally: Vec<_> = found
        .iter()
        .filter(|(rule, ..)| rule == "timeline/resolved-internally")
        .collect();
    assert_eq!(resolved_internally.len(), 1, "{found:#?}");
    assert_eq!(resolved_internally[0].1, "error");
    fs::remove_file(scene.root.join(&file)).unwrap();
    // `ok` validates: no finding.
    scene.ok(
        "2026-11-26T10:40:00Z",
        &["resolve", ID, "--internal-note", "closing quietly"],
    );
}

/// A maintenance whose window passed with no entry past the announcement:
/// page, API, calendar, `list` and validate read the schedule alike (it
/// ran from `scheduled_for` and completed at `scheduled_until`).
#[test]
fn a_maintenance_window_that_passed_unannounced_is_completed_everywhere() {
    let scene = Scene::new();
    scene.cdn_maintenance(
        "2026-11-20T09-00-00Z",
        "at: 2026-11-20T09:00:00Z\nstatus: scheduled\nmessage: We will change the CDN configuration.\nauthor: \"@alice\"\n",
    );
    let site = |now: &str| {
        let out = scene.root.join(format!("site-{}", epoch(now)));
        let built = scene.run(now, &["build", "--out", out.to_str().unwrap()]);
        assert_eq!(built.code, 0, "{}", built.stderr);
        Scene::files_under(&out)
    };
    let during = site("2026-11-25T22:10:00Z");
    assert!(
        during["api/v2/scheduled-maintenances/active.json"].contains("\"in_progress\""),
        "{}",
        during["api/v2/scheduled-maintenances/active.json"]
    );
    let after = site(T0);
    let upcoming = &after["api/v2/scheduled-maintenances/upcoming.json"];
    assert!(!upcoming.contains("CDN config change"), "{upcoming}");
    let widget: serde_json::Value = serde_json::from_str(&after["api/widget.json"]).unwrap();
    assert_eq!(
        widget["scheduled_maintenances"],
        serde_json::json!([]),
        "{widget}"
    );
    let all: serde_json::Value =
        serde_json::from_str(&after["api/v2/scheduled-maintenances.json"]).unwrap();
    assert_eq!(
        all["scheduled_maintenances"][0]["status"], "completed",
        "{all}"
    );
    let rows = scene.list_json(T0);
    assert_eq!(rows[0]["status"], "completed", "{rows}");
    let found = scene.findings(T0);
    assert!(
        found
            .iter()
            .any(|(rule, level, _)| rule == "timeline/window-passed" && level == "warning"),
        "{found:#?}"
    );
}

/// After `git switch main`, the folder keeps the untracked updates but not
/// the declaration: the error says so and where the declaration is, never
/// "did you mean" the same id.
#[test]
fn a_folder_without_its_declaration_points_to_the_incident_branch() {
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args.push("--branch");
    scene.ok(T0, &args);
    scene.ok(
        "2026-11-26T10:10:00Z",
        &[
            "update",
            ID,
            "--status",
            "identified",
            "--message",
            "Found it.",
        ],
    );
    crate::support::git(&scene.root, &["switch", "-q", "main"]);
    let now = "2026-11-26T10:20:00Z";
    for args in [&["show", ID][..], &["update", ID, "--message", "x"]] {
        let err = scene.refused(now, args, 2);
        assert!(
            err.contains(&format!(
                "incidents/{ID}/ has no incident.yaml, so it is not an incident: it is on branch incident/{ID}: `git switch incident/{ID}`"
            )),
            "{err}"
        );
        assert!(!err.contains("did you mean"), "{err}");
        one_line(&err);
    }

    crate::support::git(
        &scene.root,
        &["branch", "-q", "-D", &format!("incident/{ID}")],
    );
    let err = scene.refused(now, &["show", "checkout-fails"], 2);
    assert!(
        err.contains(&format!("no branch incident/{ID} exists here")),
        "{err}"
    );
}

/// `incident correct ID 10:20`, as the README writes it, days after the
/// incident: the clock time (in the site's zone) names the incident's own
/// update at that time of day; several are listed; `redact` reads it so too.
#[test]
fn a_clock_time_names_the_incidents_own_update_on_any_day() {
    let scene = Scene::new();
    scene.timezone("Europe/Berlin");
    scene.declare();
    for (at, message) in [
        ("2026-11-26T10:05:00Z", "Payments fail."),
        ("2026-11-27T10:05:00Z", "Still failing."),
        ("2026-11-27T11:30:00Z", "A fix is rolling out."),
    ] {
        scene.ok(at, &["update", ID, "--message", message]);
    }
    scene.commit_all("publish");
    let later = "2026-11-30T09:00:00Z";

    // 11:05 in Berlin is 10:05 UTC, on two days.
    let err = scene.refused(
        later,
        &["correct", ID, "11:05", "--message", "x", "--reason", "y"],
        2,
    );
    assert!(
        err.contains("`11:05` matches 2 updates: 2026-11-26T10-05-00Z.yaml, 2026-11-27T10-05-00Z.yaml; give the file name"),
        "{err}"
    );
    let (_, new) = scene.ok(
        later,
        &[
            "correct",
            ID,
            "11:00",
            "--message",
            "Checkout fails for EU cards.",
            "--reason",
            "too broad",
        ],
    );
    assert!(
        new.iter()
            .any(|p| p.contains("corrections/2026-11-26T10-00-00Z--")),
        "{new:?}"
    );
    // A redaction rewrites the update's fields: run, not `ok`.
    let redacted = scene.run(
        "2026-11-30T09:01:00Z",
        &["redact", ID, "12:30", "--reason", "names a vendor"],
    );
    assert_eq!(redacted.code, 0, "{}", redacted.stderr);
    assert!(
        scene
            .read(&update_file(ID, "2026-11-27T11-30-00Z"))
            .contains("[removed]")
    );
    // No update at that time of day: as before, the updates are listed.
    let err = scene.refused(
        later,
        &["correct", ID, "09:15", "--message", "x", "--reason", "y"],
        2,
    );
    assert!(
        err.contains("its updates: 2026-11-26T10-00-00Z.yaml"),
        "{err}"
    );
}

/// A retired component is kept for the history of past incidents: declaring
/// a new incident on it is refused, and the site builds no feed for it (its
/// feed would link to a component page that is not built).
#[test]
fn a_retired_component_takes_no_new_incident_and_gets_no_feed() {
    let scene = Scene::new();
    let config = scene.read("incidentkit.yaml").replace(
        "    group: product\n\n",
        "    group: product\n  - id: legacy\n    name: Legacy portal\n    retired: true\n\n",
    );
    fs::write(scene.root.join("incidentkit.yaml"), config).unwrap();
    let err = scene.refused(
        T0,
        &[
            "declare",
            "--title",
            "Legacy portal slow",
            "--severity",
            "sev4",
            "--component",
            "legacy",
        ],
        2,
    );
    assert!(
        err.contains("--component `legacy` is retired (`retired: true` in incidentkit.yaml): it is kept for the history of past incidents, not for new ones; name a current component (website, api)"),
        "{err}"
    );
    one_line(&err);

    scene.declare();
    let site = scene.root.join("site");
    let built = scene.run(T0, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(site.join("components/website.atom").is_file());
    assert!(site.join("components/website.html").is_file());
    assert!(!site.join("components/legacy.html").exists());
    assert!(
        !site.join("components/legacy.atom").exists(),
        "a feed that links to a missing page"
    );
}

/// The README says the resolving entry settles the peak ("it was worse than
/// we thought"): `resolve --severity` writes it, and the post-mortem follows
/// the peak. Resolving through `update` says the post-mortem is due too.
#[test]
fn resolve_settles_the_severity_and_both_ways_say_the_postmortem_is_due() {
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args[4] = "sev3";
    scene.ok(T0, &args);
    // Two commands in one second: the resolution is written a second
    // ahead of the clock, and counts at once.
    scene.ok(
        "2026-11-26T10:30:00Z",
        &["update", ID, "--message", "Fixing."],
    );
    let (out, new) = scene.ok(
        "2026-11-26T10:30:00Z",
        &["resolve", ID, "--severity", "sev2", "--message", "Fixed."],
    );
    let resolving = new.iter().find(|f| f.contains("/updates/")).unwrap();
    assert!(resolving.ends_with("T10-30-01Z.yaml"), "{resolving}");
    assert_eq!(scene.yaml(resolving)["severity"].as_str(), Some("sev2"));
    let listed = scene.run("2026-11-26T10:30:00Z", &["list"]).stdout;
    let row = listed.lines().find(|l| l.starts_with(ID)).unwrap();
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(words[1..3], ["sev2", "resolved"], "{listed}");
    let pm = format!("incidents/{ID}/postmortem.yaml");
    assert!(new.contains(&pm), "a SEV-2 asks for a post-mortem: {new:?}");
    assert!(out.contains(&format!("post-mortem: {pm} is due")), "{out}");

    let scene = Scene::new();
    scene.declare();
    let (out, new) = scene.ok(
        "2026-11-26T10:30:00Z",
        &["update", ID, "--status", "resolved", "--message", "Fixed."],
    );
    assert!(new.contains(&pm), "{new:?}");
    assert!(out.contains(&format!("post-mortem: {pm} is due")), "{out}");
}

/// A closed maintenance is "completed", not "resolved"; a file of comments
/// is not called empty, and an empty configuration is not to be deleted.
#[test]
fn refusals_say_what_the_file_holds() {
    let scene = Scene::new();
    let id = "2026-11-20-cdn-config-change";
    scene.cdn_maintenance(
        "2026-11-25T23-00-00Z",
        "at: 2026-11-25T23:00:00Z\nstatus: completed\nmessage: Done.\nauthor: \"@alice\"\n",
    );
    let err = scene.refused(T0, &["resolve", id], 1);
    assert!(err.contains(&format!("{id} is already completed")), "{err}");

    fs::write(scene.root.join("incidentkit.yaml"), "# to do\n").unwrap();
    let out = scene.run(T0, &["validate"]);
    assert!(
        out.stdout.contains("only blank lines, comments or `---`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("`incident init` in an empty folder"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("delete it"), "{}", out.stdout);
}

/// A team that wants to learn from a SEV-3 (its post-mortem optional), or
/// one whose required post-mortem was never started, gets the skeleton
/// from `incident postmortem`; it says when it is due, and never writes a
/// second one.
#[test]
fn postmortem_starts_the_skeleton_of_a_resolved_incident_once() {
    let scene = Scene::new();
    let mut args = scene_declare_args();
    args[4] = "sev3";
    scene.ok(T0, &args);
    let err = scene.refused("2026-11-26T10:10:00Z", &["postmortem", ID], 1);
    assert!(err.contains("is not resolved"), "{err}");
    one_line(&err);
    let (_, new) = scene.ok(
        "2026-11-26T10:30:00Z",
        &["resolve", ID, "--message", "Fixed."],
    );
    let pm = format!("incidents/{ID}/postmortem.yaml");
    assert!(!new.contains(&pm), "optional for a SEV-3: {new:?}");

    let (out, new) = scene.ok("2026-12-01T09:00:00Z", &["postmortem", ID]);
    assert_eq!(new, vec![pm.clone()]);
    // Not required: due five days from when the team chose to write it.
    assert_eq!(scene.yaml(&pm)["due"].as_str(), Some("2026-12-06"));
    assert_eq!(scene.yaml(&pm)["status"].as_str(), Some("draft"));
    assert!(
        out.contains(&format!("post-mortem: {pm} is due 2026-12-06")),
        "{out}"
    );
    let err = scene.refused("2026-12-01T09:05:00Z", &["postmortem", ID], 1);
    assert!(
        err.contains(&format!("already has a post-mortem: edit {pm}")),
        "{err}"
    );
}

/// The overdue warning of a post-mortem never started names the command
/// that starts it, not a file that is not there.
#[test]
fn an_overdue_postmortem_never_started_points_to_the_command() {
    let scene = Scene::new();
    scene.declare();
    scene.ok(
        "2026-11-26T10:30:00Z",
        &["resolve", ID, "--message", "Fixed."],
    );
    fs::remove_file(scene.root.join(format!("incidents/{ID}/postmortem.yaml"))).unwrap();
    let out = scene.run("2026-12-20T09:00:00Z", &["validate"]);
    assert!(
        out.stdout.contains("phase/postmortem-overdue"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("`incident postmortem {ID}` writes its skeleton")),
        "{}",
        out.stdout
    );
    // Required by the policy: due as the policy says after the resolution
    // (SEV-1: 3 days), as resolve wrote it, not from today.
    let pm = format!("incidents/{ID}/postmortem.yaml");
    let started = scene.run("2026-12-20T09:00:00Z", &["postmortem", ID]);
    assert_eq!(started.code, 0, "{}", started.stderr);
    assert_eq!(scene.yaml(&pm)["due"].as_str(), Some("2026-11-29"));
}

/// Reopening an incident whose post-mortem is published would unpublish
/// its learning: refused up front with what to do instead, nothing written.
#[test]
fn reopening_after_a_published_postmortem_says_to_declare_anew() {
    let scene = Scene::new();
    scene.declare();
    scene.ok(
        "2026-11-26T10:30:00Z",
        &["resolve", ID, "--message", "Fixed."],
    );
    let pm = scene.root.join(format!("incidents/{ID}/postmortem.yaml"));
    let text = fs::read_to_string(&pm).unwrap().replace(
        "status: draft",
        "status: published\npublished_at: 2026-11-28T10:00:00Z",
    );
    fs::write(&pm, text).unwrap();
    let err = scene.refused(
        "2026-11-29T10:00:00Z",
        &[
            "update",
            ID,
            "--reopen",
            "--message",
            "It is failing again.",
        ],
        1,
    );
    assert!(err.contains("is published, so it stays resolved"), "{err}");
    assert!(err.contains("incident declare"), "{err}");
    one_line(&err);
}

/// In the hour the clocks go back, 02:15 happened twice: the note says
/// which was taken and how to write the other.
#[test]
fn a_clock_time_that_happened_twice_says_which_was_taken() {
    let scene = Scene::new();
    scene.timezone("Europe/Berlin");
    // 2026-10-25: 03:00 CEST became 02:00 CET at 01:00 UTC; now 02:30 CET.
    let mut args = scene_declare_args();
    args.extend(["--at", "02:15"]);
    let out = scene.run("2026-10-25T01:30:00Z", &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("--at 02:15 happened twice that day (the clocks went back); took ")
            && out
                .stderr
                .contains("(2026-10-25T01:15:00Z); for the other, write 2026-10-25T02:15:00+02:00"),
        "{}",
        out.stderr
    );
    let plain = scene.run(
        "2026-10-25T01:30:00Z",
        &[
            "update",
            "2026-10-25-checkout-fails-with-502-for-eu",
            "--at",
            "2026-10-25T01:20:00Z",
            "--message",
            "x",
        ],
    );
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stderr.contains("happened twice"), "{}", plain.stderr);
}
