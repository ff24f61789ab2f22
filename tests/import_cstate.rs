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

/// The folder of the incident imported from the issue file `name`.
fn incident_of(repo: &Path, name: &str) -> PathBuf {
    fs::read_dir(repo.join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|dir| read(&dir.join("incident.yaml")).contains(&format!("\n  id: {name}\n")))
        .unwrap_or_else(|| panic!("no incident imported from {name}"))
}

/// The update files of the incident imported from `name`, in time order.
fn updates(repo: &Path, name: &str) -> Vec<String> {
    let dir = incident_of(repo, name).join("updates");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
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
        .flat_map(|i| fs::read_dir(i.unwrap().path().join("updates")).unwrap())
        .map(|u| read(&u.unwrap().path()))
        .collect();
    for hidden in [
        "secret internal note",
        "Final Message",
        "7:15am",
        "<!--",
        "-->",
        "link-check",
        "leaked past",
    ] {
        assert!(!all.contains(hidden), "{hidden:?} in\n{all}");
    }
    // A commented-out tracked update is no update at all.
    let commented = updates(&repo, "2024-08-01-commented-update.md");
    assert_eq!(commented.len(), 2, "{commented:#?}");
    assert!(
        commented[1].contains("status: resolved\nmessage: Fixed.\n"),
        "{}",
        commented[1]
    );
    let arm = updates(&repo, "2024-07-05-maintenance-arm64.md");
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
            "2024-09-04-false-fence.md: 2 HTML comments left out",
        ],
    );
}

#[test]
fn a_draft_is_kept_off_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let decl = read(&incident_of(&repo, "2024-07-01-draft.md").join("incident.yaml"));
    assert!(decl.contains("visibility: internal"), "{decl}");
    let decl = read(&incident_of(&repo, "2024-08-01-commented-update.md").join("incident.yaml"));
    assert!(decl.contains("visibility: public"), "{decl}");
    says(
        &report,
        &[
            "2024-07-01-draft.md: imported with `visibility: internal` (draft: true; Hugo does not publish drafts",
        ],
    );
}

#[test]
fn updates_written_oldest_first_keep_their_times_and_statuses() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let ups = updates(&repo, "2024-04-16-service-disruption.md");
    assert_eq!(ups.len(), 2, "{ups:#?}");
    assert!(
        ups[0].contains(
            "at: 2024-04-16T21:30:00Z\nstatus: investigating\nmessage: Services shut down"
        ),
        "{}",
        ups[0]
    );
    assert!(
        ups[1].contains(
            "at: 2024-04-17T00:34:00Z\nstatus: resolved\nmessage: Storage patch applied."
        ),
        "{}",
        ups[1]
    );
    assert!(!ups.iter().any(|u| u.contains("reopen")), "{ups:#?}");
    says(
        &report,
        &[
            "2024-04-16-service-disruption.md: updates read oldest first (its track times run forward; cState writes the newest first)",
            "2024-04-16-service-disruption.md: update \"*pending*\" keeps status `investigating`",
        ],
    );
}

#[test]
fn times_without_an_offset_are_in_the_sites_time_zone() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-tz");
    let config = read(&repo.join("incidentkit.yaml"));
    assert!(
        config.contains("site:\n  name: Eggsample Status\n  url: https://example.com\n  timezone: America/Los_Angeles\n"),
        "{config}"
    );
    let dir = incident_of(&repo, "2018-04-13-unavailable-guilds.md");
    let decl = read(&dir.join("incident.yaml"));
    assert!(decl.contains("declared_at: 2018-04-13T22:54:00Z"), "{decl}");
    let ups = updates(&repo, "2018-04-13-unavailable-guilds.md");
    let times: Vec<&str> = ups
        .iter()
        .map(|u| u.lines().find(|l| l.starts_with("at: ")).unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "at: 2018-04-13T22:54:00Z",
            "at: 2018-04-13T23:50:00Z",
            "at: 2018-04-14T00:30:00Z"
        ]
    );
    says(
        &report,
        &[
            "times without an offset read in America/Los_Angeles (the site's timeZone, as Hugo reads them)",
        ],
    );
}

#[test]
fn an_offset_after_a_space_is_not_read_in_the_sites_time_zone() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-offsets");
    let ups = updates(&repo, "2024-09-02-offset-after-a-space.md");
    assert_eq!(ups.len(), 2, "{ups:#?}");
    assert!(
        ups[0].contains("at: 2024-09-02T08:00:00Z\nstatus: investigating"),
        "{}",
        ups[0]
    );
    assert!(
        ups[1].contains("at: 2024-09-02T09:00:00Z\nstatus: resolved"),
        "{}",
        ups[1]
    );
    assert!(!report.contains("without an offset"), "{report}");
}

#[test]
fn updates_in_the_same_second_keep_a_file_each() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-offsets");
    // Tracked 0.3 seconds apart: to the second, as files are named, the
    // later one moves a second on instead of replacing the other.
    let ups = updates(&repo, "2024-09-03-same-second.md");
    assert_eq!(ups.len(), 2, "{ups:#?}");
    assert!(
        ups[0].contains("at: 2024-09-03T10:00:00Z\nstatus: investigating\nmessage: Down."),
        "{}",
        ups[0]
    );
    assert!(
        ups[1].contains("at: 2024-09-03T10:00:01Z\nstatus: resolved\nmessage: Back."),
        "{}",
        ups[1]
    );
    says(
        &report,
        &[
            "2024-09-03-same-second.md (update 2): time moved from 2024-09-03T10:00:00Z to 2024-09-03T10:00:01Z",
        ],
    );
}

#[test]
fn a_thematic_break_separates_updates() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    // All three tracked at the same second, as on cState's example site:
    // the resolving label at the end says the file runs oldest first.
    let ups = updates(&repo, "2024-07-23-excitement.md");
    assert_eq!(ups.len(), 3, "{ups:#?}");
    assert!(
        ups[0].contains("status: investigating\nmessage: Our servers are down for a few minutes."),
        "{}",
        ups[0]
    );
    assert!(
        ups[1].contains("status: investigating\nmessage: We are investigating a potential issue"),
        "{}",
        ups[1]
    );
    assert!(
        ups[2].contains(
            "at: 2024-07-23T10:35:02Z\nstatus: resolved\nmessage: We have fixed the issue."
        ),
        "{}",
        ups[2]
    );
    for u in &ups {
        assert!(
            !u.contains("---\n") && !u.contains("*Fixed*") && !u.contains("reopen"),
            "{u}"
        );
    }
    says(
        &report,
        &[
            "2024-07-23-excitement.md: updates read oldest first (it ends with the resolving update; cState writes the newest first)",
        ],
    );
    assert!(
        !report.contains("excitement.md: update \"Resolved.\" added"),
        "{report}"
    );
}

#[test]
fn resolved_when_closes_a_lone_update_and_a_conflict_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    // One untracked update with a label incidentkit does not know: how the
    // issue began, at `date`; the resolution at resolvedWhen.
    let ups = updates(&repo, "2020-06-13-maintenance-window.md");
    assert_eq!(ups.len(), 2, "{ups:#?}");
    assert!(
        ups[0].contains("at: 2020-06-13T15:54:00Z\nstatus: investigating\nmessage: We're currently shutting down the network."),
        "{}",
        ups[0]
    );
    assert!(
        ups[1].contains("at: 2020-06-13T16:54:00Z\nstatus: resolved\nmessage: Resolved.\n"),
        "{}",
        ups[1]
    );
    // resolvedWhen before `date`: date wins.
    let ups = updates(&repo, "2024-06-05-rpu-trusted.md");
    assert_eq!(ups.len(), 2, "{ups:#?}");
    assert!(
        ups[0].contains("at: 2024-06-04T20:00:00Z\nstatus: investigating"),
        "{}",
        ups[0]
    );
    assert!(
        ups[1].contains("at: 2024-06-04T20:00:01Z\nstatus: resolved"),
        "{}",
        ups[1]
    );
    // resolvedWhen against the resolving update's track: the track wins.
    let ups = updates(&repo, "2018-05-25-us-east-conn-issues.md");
    assert_eq!(ups.len(), 2, "{ups:#?}");
    assert!(
        ups[1].contains("at: 2018-05-25T05:54:00Z\nstatus: resolved"),
        "{}",
        ups[1]
    );
    // Untracked updates between thematic breaks: the newest at resolvedWhen,
    // which is then used, not in conflict.
    let ups = updates(&repo, "2021-10-25-maintenance-window-aks.md");
    assert_eq!(ups.len(), 4, "{ups:#?}");
    assert!(
        ups[2].contains(
            "at: 2021-10-26T14:00:00Z\nstatus: investigating\nmessage: |-\n  [Final message]"
        ),
        "{}",
        ups[2]
    );
    assert!(
        ups[3].contains("at: 2021-10-26T14:00:01Z\nstatus: resolved"),
        "{}",
        ups[3]
    );
    assert!(!report.contains("aks.md: resolvedWhen"), "{report}");
    says(
        &report,
        &[
            "2020-06-13-maintenance-window.md: update \"*just began*\" keeps status `investigating`",
            "2020-06-13-maintenance-window.md: update \"Resolved.\" added at 2020-06-13T16:54:00Z",
            "2024-06-05-rpu-trusted.md: resolvedWhen 2024-05-06T17:35:00Z left unused: it is before date 2024-06-04T20:00:00Z (date wins; the resolution goes after the last update)",
            "2024-06-05-rpu-trusted.md: update \"Resolved.\" added at 2024-06-04T20:00:01Z",
            "2018-05-25-us-east-conn-issues.md: resolvedWhen 2018-04-25T04:13:59Z left unused: the resolving update is at 2018-05-25T05:54:00Z (the update's time wins, as the page showed it)",
        ],
    );
}

#[test]
fn an_untracked_resolution_never_goes_before_a_tracked_update() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    // resolvedWhen (10:30) falls between the tracked updates (10:00, 11:00):
    // the untracked resolution follows the last of them, not reopened.
    let ups = updates(&repo, "2024-09-01-resolved-between-tracks.md");
    assert_eq!(ups.len(), 3, "{ups:#?}");
    for (u, head) in ups.iter().zip([
        "at: 2024-09-01T10:00:00Z\nstatus: investigating\nmessage: Errors on the API.",
        "at: 2024-09-01T11:00:00Z\nstatus: monitoring\nmessage: A fix is out.",
        "at: 2024-09-01T11:00:01Z\nstatus: resolved\nmessage: All good again.",
    ]) {
        assert!(u.contains(head) && !u.contains("reopen"), "{u}");
    }
    says(
        &report,
        &[
            "2024-09-01-resolved-between-tracks.md: resolvedWhen 2024-09-01T10:30:00Z left unused: it is before the update tracked at 2024-09-01T11:00:00Z (the track times win; the newest update, untracked, placed at 2024-09-01T11:00:01Z, one second after it)",
        ],
    );
    let notes = report
        .matches("resolved-between-tracks.md: resolvedWhen")
        .count();
    assert_eq!(notes, 1, "{report}");
}

#[test]
fn an_informational_post_keeps_all_its_parts_in_one_update() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let ups = updates(&repo, "2024-09-05-new-address.md");
    assert_eq!(ups.len(), 1, "{ups:#?}");
    assert!(
        ups[0].contains("at: 2024-09-05T09:00:00Z\nstatus: resolved\nmessage: |-\n  The status page moved to a new address.\n\n  *Note* - Old bookmarks keep working.\n\n  Subscriptions move with it.\n"),
        "{}",
        ups[0]
    );
    says(
        &report,
        &[
            "2024-09-05-new-address.md: its 2 parts joined into one update (an informational post is one message; it is at its date, not at 2024-09-05 09:30:00, 2024-09-05 12:00:00)",
        ],
    );
}

#[test]
fn a_bold_timestamp_heading_is_the_updates_time() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let ups = updates(&repo, "2021-06-07-repo-example-org.md");
    assert_eq!(ups.len(), 4, "{ups:#?}");
    for (u, (at, message)) in ups.iter().zip([
        ("2021-06-07T12:37:00Z", "Due to a recent upgrade"),
        ("2021-06-07T16:37:00Z", "Two IPs have been manually added"),
        ("2021-06-08T07:37:00Z", "This [PR]"),
    ]) {
        assert!(
            u.contains(&format!("at: {at}\nstatus: investigating\n")),
            "{u}"
        );
        assert!(u.contains(message), "{u}");
        assert!(!u.contains("**"), "{u}");
    }
    assert!(
        ups[0].contains("authentication is broken.\n  Everything else"),
        "{}",
        ups[0]
    );
    assert!(
        ups[3].contains("at: 2021-06-08T07:37:01Z\nstatus: resolved"),
        "{}",
        ups[3]
    );
    says(
        &report,
        &[
            "2021-06-07-repo-example-org.md: resolvedWhen 2021-06-07T16:37:00Z left unused: it is before the last update (2021-06-08T07:37:00Z)",
        ],
    );
}

#[test]
fn a_placeholder_in_affected_names_no_component() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = import(tmp.path(), "cstate-qa");
    let config = read(&repo.join("incidentkit.yaml"));
    assert!(!config.contains("nothing"), "{config}");
    let dir = incident_of(&repo, "2023-11-20-mirrorbits-arm64-migration.md");
    let decl = read(&dir.join("incident.yaml"));
    assert!(!decl.contains("nothing"), "{decl}");
    says(
        &report,
        &[
            "2023-11-20-mirrorbits-arm64-migration.md: affected \"nothing\" left out (a placeholder: it names no component)",
        ],
    );
}

#[test]
fn a_resolution_after_the_last_time_there_is_is_refused_not_a_panic() {
    // The last second jiff holds: the resolution a second later cannot be.
    for body in [
        "*Investigating* - Down. {{< track \"9999-12-30T22:00:00Z\" >}}",
        "*Resolved* - Up.\n\n---\n\n*Investigating* - Down. {{< track \"9999-12-30T22:00:00Z\" >}}",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content/issues")).unwrap();
        fs::write(site.join("config.yml"), "title: Late Status\n").unwrap();
        fs::write(
            site.join("content/issues/late.md"),
            format!("---\ntitle: Late\ndate: 2024-09-01T10:00:00Z\nresolved: true\nresolvedWhen: 2024-09-01T11:00:00Z\n---\n{body}\n"),
        )
        .unwrap();
        let out = crate::support::cmd()
            .current_dir(tmp.path())
            .args(["import", "cstate", "--out", "repo", "site"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("late.md: 9999-12-30T22:00:00Z is too late: the resolution goes a second after it; correct the time and import again"),
            "{stderr}"
        );
    }
}
