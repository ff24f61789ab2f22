//! `incident import cstate` on the shapes real cState sites hold (cut down
//! from cState's example site, Jenkins' and Dendra's status pages, in
//! tests/fixtures/import/cstate-*): nothing the page did not show becomes
//! public, each update keeps its own time and status, and every change on
//! the way in is reported.

use std::fs;
use std::path::{Path, PathBuf};

/// The fixture site `name` imported into a new repository: its folder and
/// the report, which says the repository validates without errors or
/// warnings.
fn import(tmp: &Path, name: &str) -> (PathBuf, String) {
    let site = crate::support::project("tests/fixtures/import").join(name);
    let out = crate::support::cmd()
        .current_dir(tmp)
        .args(["import", "cstate", "--out", "repo"])
        .arg(site)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("validate: 0 errors, 0 warnings"),
        "{report}"
    );
    (tmp.join("repo"), report)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every update file of an incident, in time order, joined.
fn updates(repo: &Path, id: &str) -> Vec<String> {
    let dir = repo.join("incidents").join(id).join("updates");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names.iter().map(|p| read(p)).collect()
}

fn says(report: &str, lines: &[&str]) {
    for line in lines {
        assert!(report.contains(line), "{line:?} in\n{report}");
    }
}

#[test]
fn html_comments_never_become_updates_and_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let all: String = fs::read_dir(repo.join("incidents"))
        .unwrap()
        .flat_map(|i| updates(&repo, &i.unwrap().file_name().to_string_lossy()))
        .collect();
    for hidden in [
        "secret internal note",
        "Final Message",
        "7:15am",
        "<!--",
        "-->",
        "link-check",
    ] {
        assert!(!all.contains(hidden), "{hidden:?} in\n{all}");
    }
    // A commented-out tracked update is no update at all.
    let commented = updates(&repo, "2024-08-01-commented-updates");
    assert_eq!(commented.len(), 2, "{commented:#?}");
    assert!(
        commented[1].contains("status: resolved\nmessage: Fixed.\n"),
        "{}",
        commented[1]
    );
    let arm = updates(&repo, "2024-07-05-ldap-and-repo-workloads-migration-to");
    assert!(
        arm[0].contains("message: |-\n  We're doing a workload migration to `arm64` starting at 14:30 UTC.\n\n  More details on"),
        "{}",
        arm[0]
    );
    says(
        &report,
        &[
            "2024-08-01-commented-update.md: 1 HTML comment left out (Hugo does not show comments: their text was never on the page)",
            "2024-07-05-maintenance-arm64.md: 2 HTML comments left out",
        ],
    );
}

#[test]
fn a_draft_is_kept_off_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let decl = read(&repo.join("incidents/2024-07-01-draft-one/incident.yaml"));
    assert!(decl.contains("visibility: internal"), "{decl}");
    let decl = read(&repo.join("incidents/2024-08-01-commented-updates/incident.yaml"));
    assert!(decl.contains("visibility: public"), "{decl}");
    says(
        &report,
        &[
            "2024-07-01-draft.md: imported with `visibility: internal` (draft: true; Hugo does not publish drafts",
        ],
    );
}
