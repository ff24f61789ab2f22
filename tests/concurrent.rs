//! Concurrent pull requests, merged with git itself (git2): updates to one
//! incident from different branches never conflict and validate together;
//! two incidents declared with the same title on the same day collide in a
//! way git reports and `validate` explains.

use crate::support::copy_example;
use git2::{Oid, Repository};
use std::path::Path;
use std::process::Command;

/// 2026-11-27T14:00:00Z.
const NOW: &str = "1795788000";
const OPEN: &str = "2026-11-27-order-emails-delayed";

fn incident(root: &Path, args: &[&str]) -> std::process::Output {
    crate::support::incident()
        .env("SOURCE_DATE_EPOCH", NOW)
        .env("INCIDENT_AUTHOR", "@responder")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn ok(root: &Path, args: &[&str]) -> String {
    let out = incident(root, args);
    assert!(
        out.status.success(),
        "incident {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn signature() -> git2::Signature<'static> {
    git2::Signature::now("test", "test@example.invalid").unwrap()
}

/// Commits the whole working folder on top of `parents` (no branch moved).
fn commit_all(repo: &Repository, parents: &[Oid], message: &str) -> Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parents: Vec<git2::Commit> = parents
        .iter()
        .map(|p| repo.find_commit(*p).unwrap())
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    let sig = signature();
    repo.commit(None, &sig, &sig, message, &tree, &parents)
        .unwrap()
}

/// Puts the working folder exactly at `commit`.
fn check_out(repo: &Repository, commit: Oid) {
    let object = repo.find_object(commit, None).unwrap();
    repo.checkout_tree(
        &object,
        Some(
            git2::build::CheckoutBuilder::new()
                .force()
                .remove_untracked(true),
        ),
    )
    .unwrap();
    repo.set_head_detached(commit).unwrap();
}

/// A branch from `base`: run the commands, commit what they wrote.
fn branch(repo: &Repository, base: Oid, commands: &[&[&str]]) -> Oid {
    check_out(repo, base);
    let root = repo.workdir().unwrap();
    for args in commands {
        ok(root, args);
    }
    commit_all(repo, &[base], &format!("{:?}", commands))
}

/// Merges `theirs` into `ours` as git would; the conflicting paths, or the
/// merge commit.
fn merge(repo: &Repository, ours: Oid, theirs: Oid) -> Result<Oid, Vec<String>> {
    let mut index = repo
        .merge_commits(
            &repo.find_commit(ours).unwrap(),
            &repo.find_commit(theirs).unwrap(),
            None,
        )
        .unwrap();
    if index.has_conflicts() {
        return Err(index
            .conflicts()
            .unwrap()
            .map(|c| {
                let c = c.unwrap();
                let entry = c.our.or(c.their).unwrap();
                String::from_utf8(entry.path).unwrap()
            })
            .collect());
    }
    let tree = repo.find_tree(index.write_tree_to(repo).unwrap()).unwrap();
    let sig = signature();
    Ok(repo
        .commit(
            None,
            &sig,
            &sig,
            "merge",
            &tree,
            &[
                &repo.find_commit(ours).unwrap(),
                &repo.find_commit(theirs).unwrap(),
            ],
        )
        .unwrap())
}

fn base() -> (tempfile::TempDir, Repository, Oid) {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    let repo = Repository::init(tmp.path()).unwrap();
    let base = commit_all(&repo, &[], "base");
    (tmp, repo, base)
}

#[test]
fn updates_from_three_branches_merge_without_conflict_and_validate() {
    let (_tmp, repo, base) = base();
    let a = branch(
        &repo,
        base,
        &[&[
            "update",
            OPEN,
            "--message",
            "Queue A drained.",
            "--at",
            "2026-11-27T13:00:00Z",
        ]],
    );
    let b = branch(
        &repo,
        base,
        &[&[
            "update",
            OPEN,
            "--message",
            "Queue B drained.",
            "--at",
            "2026-11-27T13:05:00Z",
        ]],
    );
    let c = branch(
        &repo,
        base,
        &[&[
            "update",
            OPEN,
            "--severity",
            "sev2",
            "--message",
            "More customers affected than we thought.",
            "--at",
            "2026-11-27T13:10:00Z",
        ]],
    );
    let mut merged = base;
    for theirs in [a, b, c] {
        merged =
            merge(&repo, merged, theirs).unwrap_or_else(|paths| panic!("conflicts in {paths:?}"));
    }
    check_out(&repo, merged);
    let root = repo.workdir().unwrap();
    ok(root, &["validate"]);
    let show = ok(root, &["show", OPEN]);
    for text in [
        "Queue A drained.",
        "Queue B drained.",
        "More customers affected",
    ] {
        assert!(show.contains(text), "{text} missing from:\n{show}");
    }
    let list: serde_json::Value =
        serde_json::from_str(&ok(root, &["list", "--format", "json"])).unwrap();
    let open = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == OPEN)
        .unwrap_or_else(|| panic!("{OPEN} not listed: {list}"));
    assert_eq!(open["severity"], "sev2", "{open}");
}

#[test]
fn the_same_title_declared_on_two_branches_is_a_clear_conflict() {
    let (_tmp, repo, base) = base();
    let declare = |at: &'static str, commander: &'static str| -> Vec<&'static str> {
        vec![
            "declare",
            "--title",
            "Search is down",
            "--severity",
            "sev2",
            "--component",
            "search",
            "--commander",
            commander,
            "--at",
            at,
        ]
    };
    let d = branch(&repo, base, &[&declare("2026-11-27T13:00:00Z", "@alice")]);
    let e = branch(&repo, base, &[&declare("2026-11-27T13:20:00Z", "@bob")]);
    let id = "2026-11-27-search-is-down";
    let merged = merge(&repo, base, d).unwrap();
    let conflicts = merge(&repo, merged, e).expect_err("the second declaration must conflict");
    assert_eq!(conflicts, [format!("incidents/{id}/incident.yaml")]);

    // Whoever commits the conflict as git leaves it gets told where.
    check_out(&repo, merged);
    let root = repo.workdir().unwrap();
    let out = Command::new("git")
        .args(["merge", "--no-edit", "--quiet", &e.to_string()])
        .current_dir(root)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(!out.status.success(), "git merged it cleanly");
    let found = incident(root, &["validate", "--format", "json"]);
    assert_eq!(found.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == format!("incidents/{id}/incident.yaml"))
        .unwrap_or_else(|| panic!("no finding on the conflicted file: {report}"));
    assert_eq!(d["rule"], "yaml/syntax", "{d}");
    assert!(d["line"].as_u64().is_some(), "{d}");

    // Declared again after the other merged: refused, pointing to the open
    // incident; with --force it is a separate incident with its own id.
    check_out(&repo, merged);
    let again = incident(root, &declare("2026-11-27T13:20:00Z", "@bob"));
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8(again.stderr).unwrap();
    assert!(
        err.contains(&format!("`incident update {id} --message …`")),
        "{err}"
    );
    let mut forced = declare("2026-11-27T13:20:00Z", "@bob");
    forced.push("--force");
    let out = ok(root, &forced);
    assert!(out.contains(&format!("declared {id}-2")), "{out}");
}
