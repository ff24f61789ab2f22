//! Untrusted pull requests: a symbolic link (git stores them) where
//! incidentkit reads a file or a folder is `layout/symlink`, is never
//! followed, and nothing behind it (nor where it points) reaches any output.
//!
//! Every place in `PLACES` is turned into a link in four ways: to a file
//! outside the repository, to a file inside it, committed and checked with
//! `--changed-since`, and committed on a checkout without links (where git
//! writes a plain file holding the link's target). What is behind each link
//! holds `MARKER`; the target's path holds `TARGET`. Neither may appear in
//! any output, and commands that write or send refuse and write nothing.

use crate::support::commit_all;
use crate::support::copy_dir;
use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

/// What a hostile target holds (shaped like a credentials file).
const MARKER: &str = "MARKER_9f3a_secret";
/// Part of the target's path: a finding never shows where a link points.
const TARGET: &str = "target_5eed_path";

const OPEN: &str = "2026-11-27-order-emails-delayed";
const OTHER: &str = "2026-11-26-checkout-502s";

/// Where incidentkit reads: the link's path, and whether it replaces a folder.
struct Place {
    what: &'static str,
    path: &'static str,
    folder: bool,
}

const PLACES: &[Place] = &[
    Place {
        what: "an update",
        path: "incidents/2026-11-27-order-emails-delayed/updates/2026-11-27T12-45-00Z.yaml",
        folder: false,
    },
    Place {
        what: "a declaration",
        path: "incidents/2026-11-27-order-emails-delayed/incident.yaml",
        folder: false,
    },
    Place {
        what: "a post-mortem",
        path: "incidents/2026-11-26-checkout-502s/postmortem.yaml",
        folder: false,
    },
    Place {
        what: "the configuration",
        path: "incidentkit.yaml",
        folder: false,
    },
    Place {
        what: "a template override",
        path: "templates/update/update.md",
        folder: false,
    },
    Place {
        what: "the incidents folder",
        path: "incidents",
        folder: true,
    },
    Place {
        what: "an incident folder",
        path: "incidents/2026-11-27-order-emails-delayed",
        folder: true,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Outside,
    Inside,
}

/// A copy of the example in `tmp/acme`.
fn example(tmp: &Path) -> PathBuf {
    let root = tmp.join("acme");
    crate::support::copy_example(&root);
    root
}

/// Appends a credentials-shaped line holding `MARKER` to every file under
/// `path`: followed, it would be read, and excerpted under its finding.
fn poison(path: &Path) {
    if path.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            poison(&entry.unwrap().path());
        }
    } else {
        let mut text = fs::read_to_string(path).unwrap_or_default();
        text.push_str(&format!("\nKEY={MARKER}\n"));
        fs::write(path, text).unwrap();
    }
}

/// Makes what the link will point at: the place's current content (a
/// template holds only the marker), poisoned, in a folder named with
/// `TARGET`, outside the repository or inside it.
fn make_target(tmp: &Path, root: &Path, place: &Place, target: Target) -> PathBuf {
    let dir = match target {
        Target::Outside => tmp.join(format!("outside_{TARGET}")),
        Target::Inside => root.join(format!("private_{TARGET}")),
    };
    let source = root.join(place.path);
    let made = dir.join(source.file_name().unwrap());
    fs::create_dir_all(&dir).unwrap();
    if place.folder {
        copy_dir(&source, &made);
    } else if source.exists() {
        fs::copy(&source, &made).unwrap();
    } else {
        fs::write(&made, "").unwrap();
    }
    poison(&made);
    made
}

/// Replaces the place with a link to `target`.
fn link(root: &Path, place: &Place, target: &Path) {
    let path = root.join(place.path);
    if place.folder {
        fs::remove_dir_all(&path).unwrap();
    } else if path.exists() {
        fs::remove_file(&path).unwrap();
    }
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, &path).unwrap();
}

struct Run {
    code: i32,
    /// stdout and stderr.
    output: String,
}

fn incident(root: &Path, args: &[&str]) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.arg("-C")
        .arg(root)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795800000")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Collects what went wrong for one place, so one run reports every case.
struct Findings<'a> {
    place: &'a Place,
    how: &'a str,
    failures: Vec<String>,
}

impl Findings<'_> {
    /// Nothing behind the link and not where it points.
    fn clean(&mut self, command: &str, text: &str) {
        for secret in [MARKER, TARGET] {
            if text.contains(secret) {
                self.fail(command, &format!("shows `{secret}`:\n{text}"));
            }
        }
    }

    /// Exit 1 naming the link, and clean.
    fn refused(&mut self, command: &str, run: &Run) {
        if run.code != 1 {
            self.fail(
                command,
                &format!("exit {} (expected 1):\n{}", run.code, run.output),
            );
        }
        if !run.output.contains(self.place.path) {
            self.fail(command, &format!("does not name the link:\n{}", run.output));
        }
        self.clean(command, &run.output);
    }

    /// `validate` in every format (and the job summary): `layout/symlink`.
    fn validate(&mut self, root: &Path, extra: &[&str]) {
        let summary = root.parent().unwrap().join("summary.md");
        for format in ["human", "json", "github"] {
            let mut cmd = incident(root, &["validate", "--format", format]);
            cmd.args(extra).env("GITHUB_STEP_SUMMARY", &summary);
            let run = run(cmd);
            let command = format!("validate --format {format} {}", extra.join(" "));
            self.refused(&command, &run);
            if !run.output.contains("layout/symlink") {
                self.fail(&command, &format!("no layout/symlink:\n{}", run.output));
            }
        }
        let written = fs::read_to_string(&summary).unwrap_or_default();
        if !written.contains("layout/symlink") {
            self.fail("the job summary", &format!("no layout/symlink:\n{written}"));
        }
        self.clean("the job summary", &written);
    }

    /// `build`, `render` and an authoring command refuse and write nothing.
    fn write_nothing(&mut self, root: &Path) {
        let before = files(root);
        let site = root.parent().unwrap().join("site");
        let mut build = incident(root, &["build", "--out"]);
        build.arg(&site);
        let run_build = run(build);
        self.refused("build", &run_build);
        if site.exists() {
            self.fail("build", "wrote the site");
        }
        // `render` and an authoring command read the configuration, the
        // templates, the list of incident folders and the incident they
        // name, never the others: they refuse a link in any of those
        // (`validate` in CI refuses one anywhere).
        let holder = self
            .place
            .path
            .strip_prefix("incidents/")
            .and_then(|p| p.split('/').next())
            .unwrap_or(OTHER);
        for args in [
            &["render", "update", holder][..],
            &["render", "postmortem", holder],
            &["update", holder, "--message", "Still investigating."],
        ] {
            let run = run(incident(root, args));
            self.refused(&args.join(" "), &run);
        }
        // Another incident's document reads nothing of a link inside an
        // incident folder, and refuses one anywhere else it reads (an
        // incident folder that is a link is in the listing of incidents/).
        let in_an_incident = self
            .place
            .path
            .strip_prefix("incidents/")
            .is_some_and(|rest| rest.contains('/'));
        for other in [OTHER, OPEN].into_iter().filter(|id| *id != holder) {
            let args = ["render", "update", other];
            let command = args.join(" ");
            let run = run(incident(root, &args));
            if !in_an_incident {
                self.refused(&command, &run);
            } else if run.code != 0 {
                self.fail(&command, &format!("exit {}:\n{}", run.code, run.output));
            }
            self.clean(&command, &run.output);
        }
        // `list` shows every incident: twice, the second from its cache.
        for format in ["human", "json"] {
            let run = run(incident(root, &["list", "--format", format]));
            self.clean(&format!("list --format {format}"), &run.output);
        }
        if files(root) != before {
            self.fail("build, render, update", "changed the repository");
        }
    }

    fn fail(&mut self, command: &str, what: &str) {
        self.failures.push(format!(
            "{} ({}, {}): `{command}` {what}",
            self.place.what, self.place.path, self.how
        ));
    }
}

/// Every path under `root` (links not followed) with its content, but
/// incidentkit's caches in the git folder: `list` and a whole check keep
/// what they read there once the files are a few seconds old, which a slow
/// run reaches.
fn files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let caches = root.join(".git/incidentkit");
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        if dir == caches {
            continue;
        }
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() {
                found.push((entry.path(), fs::read(entry.path()).unwrap()));
            } else {
                found.push((entry.path(), Vec::new()));
            }
        }
    }
    found.sort();
    found
}

fn check_all(how: &str, test: impl Fn(&mut Findings)) {
    let mut failures = Vec::new();
    for place in PLACES {
        let mut findings = Findings {
            place,
            how,
            failures: Vec::new(),
        };
        test(&mut findings);
        failures.extend(findings.failures);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn a_link_to_a_file_outside_the_repository_is_refused_and_never_shown() {
    check_all("a link out of the repository", |findings| {
        let tmp = tempfile::tempdir().unwrap();
        let root = example(tmp.path());
        let target = make_target(tmp.path(), &root, findings.place, Target::Outside);
        link(&root, findings.place, &target);
        findings.validate(&root, &[]);
        findings.write_nothing(&root);
    });
}

#[test]
fn a_link_to_a_file_inside_the_repository_is_refused_too() {
    check_all("a link within the repository", |findings| {
        let tmp = tempfile::tempdir().unwrap();
        let root = example(tmp.path());
        let target = make_target(tmp.path(), &root, findings.place, Target::Inside);
        link(&root, findings.place, &target);
        findings.validate(&root, &[]);
        findings.write_nothing(&root);
    });
}

/// The example committed, then a pull request committing the link.
fn committed_link(tmp: &Path, place: &Place) -> PathBuf {
    let root = example(tmp);
    git2::Repository::init(&root).unwrap();
    commit_all(&root, "base");
    let target = make_target(tmp, &root, place, Target::Outside);
    link(&root, place, &target);
    commit_all(&root, "a hostile pull request");
    let repo = git2::Repository::open(&root).unwrap();
    let entry = repo
        .head()
        .unwrap()
        .peel_to_tree()
        .unwrap()
        .get_path(Path::new(place.path))
        .unwrap();
    assert_eq!(
        entry.filemode(),
        0o120000,
        "{} is committed as a link",
        place.path
    );
    root
}

#[test]
fn a_committed_link_fails_changed_since_and_no_pull_request_output_shows_it() {
    let server_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = server_runtime.block_on(wiremock::MockServer::start());
    check_all("committed, --changed-since", |findings| {
        let tmp = tempfile::tempdir().unwrap();
        let root = committed_link(tmp.path(), findings.place);
        findings.validate(&root, &["--changed-since", "HEAD~1"]);
        for format in ["md", "json"] {
            let diff = run(incident(
                &root,
                &["diff", "--since", "HEAD~1", "--format", format],
            ));
            findings.clean(&format!("diff --format {format}"), &diff.output);
        }
        let diff = run(incident(&root, &["diff", "--since", "HEAD~1"]));
        if !diff.output.contains("❌") {
            findings.fail(
                "diff",
                &format!("does not fail validation:\n{}", diff.output),
            );
        }
        let mut comment = incident(&root, &["pr", "comment", "--pr", "7", "--since", "HEAD~1"]);
        comment
            .env("GITHUB_TOKEN", "test-token")
            .env("GITHUB_API_URL", server.uri())
            .env("GITHUB_REPOSITORY", "acme/incidents");
        let comment = run(comment);
        findings.refused("pr comment", &comment);
        findings.write_nothing(&root);
    });
    let requests = server_runtime
        .block_on(server.received_requests())
        .unwrap_or_default();
    assert!(
        requests.is_empty(),
        "`pr comment` sent {} requests while a link was there",
        requests.len()
    );
}

#[test]
fn a_committed_link_checked_out_as_a_plain_file_is_still_a_link() {
    check_all("committed, checked out without links", |findings| {
        let tmp = tempfile::tempdir().unwrap();
        let root = committed_link(tmp.path(), findings.place);
        // What git does where links are not supported: a plain file holding
        // the link's target.
        let repo = git2::Repository::open(&root).unwrap();
        repo.config()
            .unwrap()
            .set_bool("core.symlinks", false)
            .unwrap();
        let path = root.join(findings.place.path);
        let target = fs::read_link(&path).unwrap();
        fs::remove_file(&path).unwrap();
        fs::write(&path, target.to_str().unwrap()).unwrap();
        findings.validate(&root, &[]);
        findings.validate(&root, &["--changed-since", "HEAD~1"]);
        for format in ["md", "json"] {
            let diff = run(incident(
                &root,
                &["diff", "--since", "HEAD~1", "--format", format],
            ));
            findings.clean(&format!("diff --format {format}"), &diff.output);
        }
        findings.write_nothing(&root);
    });
}
