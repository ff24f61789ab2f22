//! What every integration test shares: the real binary, isolated from the
//! machine and the CI job that run the tests, and the tree and git helpers.

/// The benchmark corpus generator, so tests can make large repositories
/// (its `main` and argument parsing are for the example binary only).
#[allow(dead_code)]
#[path = "../../examples/gen_corpus.rs"]
pub mod gen_corpus;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The `incident` binary cargo built for these tests.
pub fn bin() -> &'static Path {
    Path::new(assert_cmd::cargo::cargo_bin!("incident"))
}

/// The real binary with nothing from the environment that would change what
/// it does: no `GITHUB_*` (a CI job sets them, and the tool then writes
/// annotations or calls the API), no git overrides, no colour, no author,
/// no clock and no editor. A test sets what it needs on the result.
pub fn incident() -> Command {
    let mut cmd = Command::new(bin());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("GITHUB_") || key.starts_with("GIT_") || key.starts_with("RUNNER_") {
            cmd.env_remove(key.as_ref());
        }
    }
    for key in [
        "CI",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "INCIDENT_AUTHOR",
        "SOURCE_DATE_EPOCH",
        "EDITOR",
        "VISUAL",
    ] {
        cmd.env_remove(key);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// [`incident`] as an `assert_cmd` command, killed after two minutes rather
/// than hanging the suite.
pub fn cmd() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(incident());
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// Seconds since the epoch of an RFC 3339 time, for `SOURCE_DATE_EPOCH`.
pub fn epoch(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>()
        .unwrap_or_else(|e| panic!("{at}: {e}"))
        .as_second()
}

/// A path in the project (the example, fixtures, templates).
pub fn project(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Copies a directory tree (a fixture or the example, before a test changes it).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` by its relative path with `/` separators.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.insert(rel.replace('\\', "/"), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Runs the git CLI in `dir` as a fixed test identity; panics with git's
/// output when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stages everything in the work tree (removals too) and commits it on HEAD
/// with git2, as the test identity.
pub fn commit_all(root: &Path, message: &str) -> git2::Oid {
    let repo = git2::Repository::open(root).unwrap();
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"], None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Test", "test@example.invalid").unwrap();
    let parent = repo.head().ok().map(|h| h.peel_to_commit().unwrap());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// The bundled example repository (read it; copy it before changing it).
pub fn example() -> PathBuf {
    project("examples/acme")
}

/// Copies the bundled example as committed: without the site the README's
/// quick start builds into it (`examples/acme/site`).
pub fn copy_example(to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(example()).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_name() == "site" {
            continue;
        } else if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Sets the modification time of every file and folder under `dir` an hour
/// back, `.git` aside: what was written in the last seconds is never kept
/// by a cache (an edit in the same clock tick would be missed).
pub fn age(dir: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if path.is_dir() {
            age(&path);
            // After its entries: setting their times leaves the folder's.
            fs::File::open(&path)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        } else {
            set_mtime(&path, hour_ago);
        }
    }
}

pub fn set_mtime(path: &Path, at: std::time::SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(at)
        .unwrap();
}

/// The paths of `tree` (as `read_tree` gives it) outside `.git/`.
pub fn outside_git(tree: BTreeMap<String, Vec<u8>>) -> Vec<String> {
    tree.into_keys()
        .filter(|k| !k.starts_with(".git/"))
        .collect()
}

/// The bundled example committed in a new git repository, its files an hour
/// old: old enough for the caches, which skip files written in the last
/// seconds.
pub fn example_repository() -> tempfile::TempDir {
    let tmp = tempfile::TempDir::new().unwrap();
    copy_example(tmp.path());
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    commit_all(tmp.path(), "example");
    age(tmp.path());
    tmp
}
