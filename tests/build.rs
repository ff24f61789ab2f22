//! `incident build` on the example repository, through the real binary.

use crate::support::copy_example;
use crate::support::{example, read_tree};
use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// 2026-11-27T14:00:00Z: the checkout incident is resolved, the e-mail
/// delay is active and the database upgrade is upcoming.
const NOW: &str = "1795788000";

fn incident(dir: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", NOW).arg("-C").arg(dir);
    cmd
}

fn build(repo: &Path, out: &Path) {
    incident(repo)
        .arg("build")
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn built_example() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build(&example(), &out);
    let files = read_tree(&out);
    (tmp, files)
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_slice(&files[path]).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files[path].clone()).unwrap()
}

#[test]
fn builds_the_expected_files() {
    let (_tmp, files) = built_example();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "api/v2/components.json",
            "api/v2/incidents.json",
            "api/v2/incidents/unresolved.json",
            "api/v2/scheduled-maintenances.json",
            "api/v2/scheduled-maintenances/active.json",
            "api/v2/scheduled-maintenances/upcoming.json",
            "api/v2/status.json",
            "api/v2/summary.json",
            "api/widget.json",
            "badge.json",
            "badge.svg",
            "components/checkout.atom",
            "components/checkout.html",
            "components/gift-cards.atom",
            "components/gift-cards.html",
            "components/help-center.atom",
            "components/help-center.html",
            "components/notifications.atom",
            "components/notifications.html",
            "components/orders-api.atom",
            "components/orders-api.html",
            "components/payments-api.atom",
            "components/payments-api.html",
            "components/search.atom",
            "components/search.html",
            "components/website.atom",
            "components/website.html",
            "de/components/checkout.html",
            "de/components/gift-cards.html",
            "de/components/help-center.html",
            "de/components/notifications.html",
            "de/components/orders-api.html",
            "de/components/payments-api.html",
            "de/components/search.html",
            "de/components/website.html",
            "de/history/2026-10.html",
            "de/history/2026-11.html",
            "de/history/index.html",
            "de/incidents/2026-10-14-help-center-unavailable.html",
            "de/incidents/2026-11-20-product-images-misaligned.html",
            "de/incidents/2026-11-21-payment-provider-switchover.html",
            "de/incidents/2026-11-23-search-slow-or-empty.html",
            "de/incidents/2026-11-24-orders-database-upgrade.html",
            "de/incidents/2026-11-26-checkout-502s.html",
            "de/incidents/2026-11-27-order-emails-delayed.html",
            "de/index.html",
            "favicon.svg",
            "history.atom",
            "history.rss",
            "history/2026-10.html",
            "history/2026-11.html",
            "history/index.html",
            "incidents/2026-10-14-help-center-unavailable.html",
            "incidents/2026-11-20-product-images-misaligned.html",
            "incidents/2026-11-21-payment-provider-switchover.html",
            "incidents/2026-11-23-search-slow-or-empty.html",
            "incidents/2026-11-24-orders-database-upgrade.html",
            "incidents/2026-11-26-checkout-502s.html",
            "incidents/2026-11-27-order-emails-delayed.html",
            "index.html",
            "maintenance.ics",
        ]
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let (_a, first) = built_example();
    let (_b, second) = built_example();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn nothing_internal_reaches_a_public_file() {
    let (_tmp, files) = built_example();
    let secrets = [
        // The internal incident.
        "2026-11-12-finance-report-missing",
        "Daily sales report",
        "finance",
        // Internal notes, roles, war-room channels, decisions, severities.
        "search-3",
        "Reconciliation script",
        "Safari-specific fallback",
        "@mara-schulz",
        "@jonas-weber",
        "#incident-",
        "Targeted patch",
        "sev1",
        "SEV-1",
        // The internal post-mortem (only the customer report is public).
        "2026_11_26_vat_rules_v2",
        "reindex job has no pre-flight check",
    ];
    for (path, bytes) in &files {
        let content = String::from_utf8_lossy(bytes).to_lowercase();
        for secret in secrets {
            assert!(
                !content.contains(&secret.to_lowercase()),
                "{path} leaks {secret:?}"
            );
        }
    }
}

#[test]
fn the_front_page_shows_the_state_of_things() {
    let (_tmp, files) = built_example();
    let index = text(&files, "index.html");
    assert!(index.contains("Minor Service Outage"));
    assert!(index.contains("Order confirmation emails delayed"));
    assert!(index.contains("Planned upgrade of the order database"));
    // The group with a degraded member is expanded, the healthy one is not.
    assert!(index.contains("<details class=\"group\" open>"));
    assert!(index.contains("<details class=\"group\">"));
    // Times are local with the zone named, UTC in the title.
    assert!(index.contains("title=\"2026-11-27 12:45 UTC\">27 Nov 2026, 13:45 CET</time>"));
    // 90 focusable days per component, each saying what happened.
    assert_eq!(index.matches("class=\"d d-").count(), 90 * 8);
    assert!(
        index.contains("major outage for"),
        "the checkout outage is in a tooltip"
    );
    // No external requests, no scripts.
    assert!(!index.contains("<script"));
    assert!(!index.contains("src=\"http"));
    // The published post-mortem's customer report is on the incident page.
    let checkout = text(&files, "incidents/2026-11-26-checkout-502s.html");
    assert!(checkout.contains("Incident report"));
    assert!(checkout.contains("We are sorry."));
    // The post-mortem still in review is not.
    let search = text(&files, "incidents/2026-11-23-search-slow-or-empty.html");
    assert!(!search.contains("Incident report"));
}

#[test]
fn the_json_api_has_statuspage_fields() {
    let (_tmp, files) = built_example();
    let summary = json(&files, "api/v2/summary.json");
    for key in ["id", "name", "url", "time_zone", "updated_at"] {
        assert!(summary["page"].get(key).is_some(), "page.{key}");
    }
    assert_eq!(summary["status"]["indicator"], "minor");
    assert_eq!(summary["status"]["description"], "Minor Service Outage");
    let components = summary["components"].as_array().unwrap();
    for c in components {
        for key in [
            "id",
            "name",
            "status",
            "created_at",
            "updated_at",
            "position",
            "description",
            "showcase",
            "start_date",
            "group_id",
            "page_id",
            "group",
            "only_show_if_degraded",
        ] {
            assert!(c.get(key).is_some(), "component {} lacks {key}", c["id"]);
        }
    }
    let by_id = |id: &str| components.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(by_id("notifications")["status"], "degraded_performance");
    assert_eq!(by_id("notifications")["group_id"], "platform");
    assert_eq!(by_id("checkout")["status"], "operational");
    assert_eq!(by_id("platform")["group"], true);
    assert_eq!(by_id("platform")["status"], "degraded_performance");

    let unresolved = summary["incidents"].as_array().unwrap();
    assert_eq!(unresolved.len(), 1);
    let incident = &unresolved[0];
    for key in [
        "id",
        "name",
        "status",
        "created_at",
        "updated_at",
        "monitoring_at",
        "resolved_at",
        "impact",
        "shortlink",
        "started_at",
        "page_id",
        "incident_updates",
        "components",
    ] {
        assert!(incident.get(key).is_some(), "incident lacks {key}");
    }
    assert_eq!(incident["status"], "identified");
    assert_eq!(incident["impact"], "minor");
    let update = &incident["incident_updates"][0];
    for key in [
        "id",
        "status",
        "body",
        "incident_id",
        "created_at",
        "updated_at",
        "display_at",
        "affected_components",
    ] {
        assert!(update.get(key).is_some(), "update lacks {key}");
    }

    let all = json(&files, "api/v2/incidents.json");
    let checkout = all["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "2026-11-26-checkout-502s")
        .unwrap();
    assert_eq!(checkout["impact"], "critical");
    assert_eq!(checkout["resolved_at"], "2026-11-26T11:25:00Z");
    let first = checkout["incident_updates"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(
        first["affected_components"][0]["new_status"],
        "major_outage"
    );
    assert_eq!(first["affected_components"][0]["old_status"], "operational");

    let upcoming = json(&files, "api/v2/scheduled-maintenances/upcoming.json");
    let m = &upcoming["scheduled_maintenances"][0];
    assert_eq!(m["scheduled_for"], "2026-12-03T01:00:00Z");
    assert_eq!(m["scheduled_until"], "2026-12-03T03:00:00Z");
    assert_eq!(m["impact"], "maintenance");
    assert_eq!(
        json(&files, "api/v2/scheduled-maintenances/active.json")["scheduled_maintenances"],
        Value::Array(vec![])
    );

    let badge = json(&files, "badge.json");
    assert_eq!(badge["schemaVersion"], 1);
    assert_eq!(badge["label"], "status");
    assert!(badge["message"].is_string() && badge["color"].is_string());
}

#[test]
fn the_feeds_parse_with_one_entry_per_public_update() {
    let (_tmp, files) = built_example();
    let atom = text(&files, "history.atom");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let ns = "http://www.w3.org/2005/Atom";
    assert!(doc.root_element().has_tag_name((ns, "feed")));
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "entry")))
        .collect();
    // Public incidents' updates posted by "now": 3 + 2 + 2 + 4 + 1 + 7 + 2.
    assert_eq!(entries.len(), 21);
    let mut ids: Vec<&str> = entries
        .iter()
        .map(|e| {
            e.children()
                .find(|c| c.has_tag_name((ns, "id")))
                .and_then(|c| c.text())
                .unwrap()
        })
        .collect();
    assert!(ids.contains(&"urn:incidentkit:2026-11-26-checkout-502s:20261126T100500Z"));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 21, "entry ids are unique");
    let rss = text(&files, "history.rss");
    let doc = roxmltree::Document::parse(&rss).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("item")).count(),
        21
    );
}

#[test]
fn hostile_text_renders_as_text_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(1)>";
    let edit = |file: &str, from: &str, to: &str| {
        let path = repo.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let incident = "incidents/2026-11-26-checkout-502s";
    edit(
        &format!("{incident}/incident.yaml"),
        "title: Checkout fails with 502 for EU customers",
        &format!("title: '{hostile}'"),
    );
    edit(
        &format!("{incident}/updates/2026-11-26T10-05-00Z.yaml"),
        "  We are investigating",
        &format!(
            "  {hostile}\n\n  Links: [x](javascript:alert(1)) ![y](https://evil.example/t.png) {hostile}\n\n  We are investigating"
        ),
    );
    edit(
        &format!("{incident}/postmortem.yaml"),
        "  apology: |\n",
        &format!("  apology: |\n    {hostile}\n"),
    );
    edit(
        "incidentkit.yaml",
        "name: Checkout",
        &format!("name: '{hostile}'"),
    );
    edit(
        "incidentkit.yaml",
        "name: Acme Shop",
        &format!("name: '{hostile}'"),
    );
    let out = tmp.path().join("site");
    build(&repo, &out);
    let files = read_tree(&out);
    for (path, bytes) in &files {
        let content = String::from_utf8_lossy(bytes);
        if path.ends_with(".json") {
            // JSON carries the text as text; it must still be valid JSON.
            serde_json::from_slice::<Value>(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            continue;
        }
        if path.ends_with(".ics") {
            // iCalendar TEXT is no markup: the text stays text, escaped as
            // RFC 5545 asks, on content lines no text can add to.
            assert!(content.contains(&format!("\r\nNAME:{hostile} maintenance\r\n")));
            assert_eq!(content.matches("BEGIN:VEVENT").count(), 2);
            continue;
        }
        for needle in [
            "<script",
            "<img",
            "href=\"javascript",
            "href=&quot;javascript",
            "src=\"https://evil",
            "src=&quot;https://evil",
        ] {
            if let Some(at) = content.find(needle) {
                let context = &content[at.saturating_sub(200)..(at + 100).min(content.len())];
                panic!("{path} contains {needle:?}: …{context}…");
            }
        }
        if path.ends_with(".atom") || path.ends_with(".rss") {
            let doc = roxmltree::Document::parse(&content).unwrap();
            // Feed text decodes to the hostile string as text (or, inside
            // HTML content, to its escaped form): never to an element.
            assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
            assert!(doc.descendants().all(|n| !n.has_tag_name("img")));
        }
    }
    let page = text(&files, "incidents/2026-11-26-checkout-502s.html");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    // The unsafe link is left as its text; the image became a plain link.
    assert!(
        page.contains("Links: x <a href=\"https://evil.example/t.png\">y</a>"),
        "{page}"
    );
    let incidents = json(&files, "api/v2/incidents.json");
    let names: Vec<&str> = incidents["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert!(names.contains(&hostile));
}

#[test]
fn a_failed_build_keeps_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    // Without --out the site goes to site/ in the repository.
    incident(&repo).arg("build").assert().success();
    let before = read_tree(&repo.join("site"));
    assert!(before.contains_key("index.html"));

    let update =
        repo.join("incidents/2026-11-27-order-emails-delayed/updates/2026-11-27T12-45-00Z.yaml");
    let text = fs::read_to_string(&update).unwrap();
    fs::write(
        &update,
        text.replace("status: identified", "status: exploded"),
    )
    .unwrap();
    incident(&repo)
        .arg("build")
        .assert()
        .code(1)
        .stdout(predicates::str::contains("exploded"));
    assert_eq!(
        read_tree(&repo.join("site")),
        before,
        "the previous site is untouched"
    );
    let leftovers: Vec<_> = fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The inode of a file: the same one means it was written in place.
#[cfg(target_os = "linux")]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::symlink_metadata(path).unwrap())
}

/// The names in a folder, sorted.
#[cfg(target_os = "linux")]
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The example in a git repository, and a build of it as of `time`.
#[cfg(target_os = "linux")]
fn example_in_git(tmp: &Path) -> (std::path::PathBuf, impl Fn(&str)) {
    let repo = tmp.join("repo");
    copy_example(&repo);
    crate::support::git(&repo, &["init", "-q"]);
    let at = {
        let repo = repo.clone();
        move |time: &str| {
            incident(&repo)
                .args(["build", "--as-of", time])
                .assert()
                .success();
        }
    };
    (repo, at)
}

#[cfg(target_os = "linux")]
#[test]
fn a_rebuild_writes_over_the_site_it_replaced_and_drops_what_is_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, at) = example_in_git(tmp.path());
    let before = names(&repo);
    at("2026-11-30T00:00:00Z");
    at("2026-11-30T00:00:00Z");
    // The replaced site is kept in the git folder: nothing new beside it.
    let previous = repo.join(".git/incidentkit/previous-site");
    let kept = inode(&previous.join("index.html"));
    let mut expected = [before, vec!["site".to_string()]].concat();
    expected.sort();
    assert_eq!(names(&repo), expected);

    // Earlier, the later incidents were not declared: their pages go.
    at("2026-11-25T00:00:00Z");
    let site = read_tree(&repo.join("site"));
    assert_eq!(
        inode(&repo.join("site/index.html")),
        kept,
        "written in place"
    );
    let fresh = tmp.path().join("fresh");
    incident(&repo)
        .args(["build", "--as-of", "2026-11-25T00:00:00Z", "--out"])
        .arg(&fresh)
        .assert()
        .success();
    assert_eq!(site, read_tree(&fresh), "the same site as a first build");
    assert!(
        site.keys()
            .any(|p| p.contains("2026-11-24-orders-database-upgrade"))
    );
    assert!(!site.keys().any(|p| p.contains("2026-11-26-checkout-502s")));
}

#[cfg(target_os = "linux")]
#[test]
fn a_kept_site_is_claimed_only_by_its_own_output_and_never_through_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, at) = example_in_git(tmp.path());
    let previous = repo.join(".git/incidentkit/previous-site");
    let marker = previous.join(".incidentkit-kept-for");
    let site = fs::canonicalize(&repo).unwrap().join("site");
    // Kept for the repository at another path (moved since): not claimed,
    // and replaced by the site this build replaces.
    at("2026-11-30T00:00:00Z");
    at("2026-11-30T00:00:00Z");
    assert_eq!(
        fs::read(&marker).unwrap(),
        site.as_os_str().as_encoded_bytes()
    );
    fs::write(&marker, "/some/other/site").unwrap();
    let foreign = inode(&previous.join("index.html"));
    // Held open, its inode is not freed and handed to a new page.
    let _held = fs::File::open(previous.join("index.html")).unwrap();
    at("2026-11-30T00:00:00Z");
    assert_ne!(inode(&repo.join("site/index.html")), foreign, "not claimed");
    assert_eq!(
        fs::read(&marker).unwrap(),
        site.as_os_str().as_encoded_bytes()
    );

    // A link by that name, to a folder marked for this very site.
    let elsewhere = tmp.path().join("elsewhere");
    fs::rename(&previous, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &previous).unwrap();
    let untouched = read_tree(&elsewhere);
    at("2026-11-30T00:00:00Z");
    at("2026-11-30T00:00:00Z");
    assert_eq!(
        read_tree(&elsewhere),
        untouched,
        "nothing written through the link"
    );
    assert!(
        fs::symlink_metadata(&previous).unwrap().is_dir(),
        "the link went"
    );
    assert!(read_tree(&repo.join("site")).contains_key("index.html"));
    assert!(!read_tree(&repo.join("site")).contains_key(".incidentkit-kept-for"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_site_outside_the_work_tree_is_kept_in_the_git_folder_not_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = example_in_git(tmp.path());
    let out = tmp.path().join("out");
    build(&repo, &out.join("site"));
    build(&repo, &out.join("site"));
    let index = inode(&out.join("site/index.html"));
    build(&repo, &out.join("site"));
    assert_eq!(names(&out), ["site"]);
    // Named by the whole path: `out/site` in the work tree is another output.
    let whole = fs::canonicalize(&out).unwrap().join("site");
    let name = whole.to_string_lossy().replace('/', "%2F");
    let kept = repo
        .join(".git/incidentkit")
        .join(format!("previous-{name}"));
    assert_eq!(inode(&kept.join("index.html")), index, "kept, not copied");
    assert_eq!(
        fs::read(kept.join(".incidentkit-kept-for")).unwrap(),
        whole.as_os_str().as_encoded_bytes()
    );
    build(&repo, &out.join("site"));
    assert_eq!(
        inode(&out.join("site/index.html")),
        index,
        "written in place"
    );
    assert!(!read_tree(&out.join("site")).contains_key(".incidentkit-kept-for"));
}

/// A site outside the work tree that no build replaced for a month is no
/// longer kept (it holds what redactions removed since); others stay.
#[cfg(target_os = "linux")]
#[test]
fn a_kept_site_no_build_replaced_for_a_month_goes() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = example_in_git(tmp.path());
    let kept = repo.join(".git/incidentkit");
    let (old, recent) = (
        kept.join("previous-%2Fold%2Fsite"),
        kept.join("previous-%2Frecent"),
    );
    for dir in [&old, &recent] {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(".incidentkit-kept-for"), "/elsewhere").unwrap();
    }
    let month_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(31 * 24 * 3600);
    crate::support::set_mtime(&old.join(".incidentkit-kept-for"), month_ago);
    let out = tmp.path().join("out");
    build(&repo, &out);
    build(&repo, &out);
    assert!(!old.exists(), "a month without a build");
    assert!(recent.exists());
    let own = fs::read_dir(&kept)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with("%2Fout"));
    assert!(own, "this site's own copy kept");
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_a_site() {
    let tmp = tempfile::tempdir().unwrap();
    let precious = tmp.path().join("precious");
    fs::create_dir_all(&precious).unwrap();
    fs::write(precious.join("notes.txt"), "keep me").unwrap();
    incident(&example())
        .arg("build")
        .arg("--out")
        .arg(&precious)
        .assert()
        .code(2);
    assert_eq!(
        fs::read_to_string(precious.join("notes.txt")).unwrap(),
        "keep me"
    );
}

/// A pull request can commit `site` as a link to any folder: the build
/// refuses to write through it, by default and with `--out`, even into a
/// folder that looks like a site.
#[cfg(target_os = "linux")]
#[test]
fn never_builds_through_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = example_in_git(tmp.path());
    let victim = tmp.path().join("victim");
    fs::create_dir(&victim).unwrap();
    fs::write(victim.join("index.html"), "<html>").unwrap();
    std::os::unix::fs::symlink(&victim, repo.join("site")).unwrap();
    fs::create_dir(repo.join("out")).unwrap();
    std::os::unix::fs::symlink(&victim, repo.join("out/linked")).unwrap();
    for args in [
        vec!["build"],
        vec!["build", "--out", "site/public"],
        vec!["build", "--out", "out/linked"],
    ] {
        let out = incident(&repo)
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is a link, and a build never writes through one"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(names(&victim), ["index.html"]);
    assert_eq!(
        fs::read_to_string(victim.join("index.html")).unwrap(),
        "<html>"
    );
}

/// `-C DIR` as git's: a relative `--out` is DIR's folder, not one where the
/// command was started (it built into the caller's folder).
#[test]
fn a_relative_out_is_taken_from_the_c_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    crate::support::cmd()
        .current_dir(&elsewhere)
        .env("SOURCE_DATE_EPOCH", NOW)
        .args(["-C", "../repo", "build", "--out", "public"])
        .assert()
        .success();
    assert!(repo.join("public/index.html").is_file());
    assert_eq!(names(&elsewhere), Vec::<String>::new());
}

/// An incident whose entries so far are internal ("do not announce yet")
/// is not on the page, the API or the feeds until its first public update,
/// as notify and the external update tell it.
#[test]
fn an_incident_is_published_from_its_first_public_update() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let folder = repo.join("incidents/2026-11-27-quiet-outage");
    fs::create_dir_all(folder.join("updates")).unwrap();
    fs::write(
        folder.join("incident.yaml"),
        "title: Quiet outage of the wishlist\nseverity: sev3\ndeclared_at: 2026-11-27T13:00:00Z\ncomponents: [checkout]\nroles: {commander: \"@a\", communications: \"@b\"}\n",
    )
    .unwrap();
    fs::write(
        folder.join("updates/2026-11-27T13-00-00Z.yaml"),
        "at: 2026-11-27T13:00:00Z\nstatus: investigating\ninternal_note: Do not announce yet.\nauthor: \"@a\"\nnext_update_at: 2026-11-27T16:00:00Z\n",
    )
    .unwrap();
    let site = tmp.path().join("site");
    build(&repo, &site);
    let quiet = |site: &Path| {
        read_tree(site)
            .iter()
            .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains("Quiet outage"))
            .map(|(path, _)| path.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(quiet(&site), Vec::<String>::new());
    fs::write(
        folder.join("updates/2026-11-27T13-30-00Z.yaml"),
        "at: 2026-11-27T13:30:00Z\nstatus: investigating\nmessage: The wishlist does not load for some customers.\nauthor: \"@a\"\nnext_update_at: 2026-11-27T16:00:00Z\n",
    )
    .unwrap();
    build(&repo, &site);
    let told = quiet(&site);
    for path in ["index.html", "api/v2/incidents.json", "history.atom"] {
        assert!(told.iter().any(|p| p == path), "{path} in {told:?}");
    }
}

/// After a downgrade the page's indicator and badge follow the severity in
/// force, as the components do: the same as for an incident declared at
/// the lower severity (they stayed at the peak, "Major System Outage").
#[test]
fn the_page_indicator_follows_a_downgrade() {
    let indicator = |severities: &[&str]| {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        copy_example(&repo);
        let folder = repo.join("incidents/2026-11-27-wishlist-slow");
        fs::create_dir_all(folder.join("updates")).unwrap();
        fs::write(
            folder.join("incident.yaml"),
            format!("title: Wishlist is slow\nseverity: {}\ndeclared_at: 2026-11-27T13:00:00Z\ncomponents: [checkout]\nroles: {{commander: \"@a\", communications: \"@b\"}}\n", severities[0]),
        )
        .unwrap();
        for (n, severity) in severities.iter().enumerate() {
            fs::write(
                folder.join(format!("updates/2026-11-27T13-{n}0-00Z.yaml")),
                format!("at: 2026-11-27T13:{n}0:00Z\nstatus: investigating\nseverity: {severity}\nmessage: The wishlist is slow.\nauthor: \"@a\"\ncomponents: {{checkout: degraded_performance}}\nnext_update_at: 2026-11-27T14:10:00Z\n"),
            )
            .unwrap();
        }
        let site = tmp.path().join("site");
        build(&repo, &site);
        let files = read_tree(&site);
        (
            json(&files, "api/v2/status.json")["status"].clone(),
            json(&files, "badge.json"),
        )
    };
    let peak = indicator(&["sev1"]);
    assert_eq!(peak.0["indicator"], "critical");
    let downgraded = indicator(&["sev1", "sev4"]);
    assert_eq!(downgraded, indicator(&["sev4"]));
    assert_ne!(downgraded.0["indicator"], "critical");
}

fn render(args: &[&str]) -> String {
    let out = incident(&example())
        .arg("render")
        .args(args)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// An internal incident has no customer update: the default (external)
/// audience is refused, printing nothing, with the way to the internal one.
#[test]
fn an_internal_incident_has_no_external_stakeholder_update() {
    let id = "2026-11-12-finance-report-missing";
    for format in ["md", "text", "slack", "html"] {
        let out = incident(&example())
            .args(["render", "update", id, "--format", format])
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}: {err}");
        assert!(out.stdout.is_empty(), "{format}: printed something");
        assert!(
            err.contains("is internal") && err.contains("use --audience internal"),
            "{err}"
        );
    }
    let internal = render(&["update", id, "--audience", "internal"]);
    assert!(internal.contains("sales report"), "{internal}");
}

#[test]
fn stakeholder_updates_follow_the_template_per_audience() {
    let id = "2026-11-26-checkout-502s";
    let at = "2026-11-26T10:30:00Z";
    let external = render(&["update", id, "--at", at]);
    for field in ["Time:", "Current status:", "Impact:", "Next update:"] {
        assert!(external.contains(field), "{field} missing:\n{external}");
    }
    assert!(external.contains("2026-11-26 10:40 UTC"), "next update ETA");
    for secret in [
        "SEV-1",
        "@mara-schulz",
        "#incident-",
        "Restore started",
        "Targeted patch",
    ] {
        assert!(!external.contains(secret), "external update leaks {secret}");
    }
    let internal = render(&[
        "update",
        id,
        "--at",
        at,
        "--audience",
        "internal",
        "--format",
        "text",
    ]);
    for wanted in [
        "SEV-1",
        "@mara-schulz",
        "#incident-2026-11-26-checkout-502s",
        "Restore started",
        "option A",
    ] {
        assert!(
            internal.contains(wanted),
            "internal update lacks {wanted}:\n{internal}"
        );
    }
    let slack: Value = serde_json::from_str(&render(&["update", id, "--format", "slack"])).unwrap();
    assert_eq!(slack["blocks"][0]["type"], "header");
    assert!(slack["text"].as_str().unwrap().contains("Resolved"));
}

#[test]
fn postmortem_and_report_render() {
    let id = "2026-11-26-checkout-502s";
    let pm = render(&["postmortem", id]);
    assert!(pm.contains("| AI-1 |"), "{pm}");
    assert!(pm.contains("1h 6m after start"), "time to mitigate:\n{pm}");
    assert!(
        pm.contains("B: Targeted patch") && pm.contains("Chosen: A. Why: Option A"),
        "decisions merged into the timeline with their options:\n{pm}"
    );
    let report = render(&["report", id, "--format", "html"]);
    assert!(report.contains("<h2>What happened</h2>"), "{report}");
    assert!(!report.contains("@mara-schulz"));
}

/// The revision of a report reads like every other date of it, in the
/// site's zone (Europe/Berlin), not as RFC 3339.
#[test]
fn a_report_revision_is_dated_as_the_report_is() {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    let file = tmp
        .path()
        .join("incidents/2026-11-26-checkout-502s/postmortem.yaml");
    let mut pm = fs::read_to_string(&file).unwrap();
    pm.push_str("  revised_at: 2026-11-27T13:45:00Z\n  revision_reason: The end time was wrong.\n");
    fs::write(&file, pm).unwrap();
    let out = incident(tmp.path())
        .args(["render", "report", "2026-11-26-checkout-502s"])
        .assert()
        .success();
    let report = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        report.contains("*Revised 27 Nov 2026, 14:45 CET: The end time was wrong.*"),
        "{report}"
    );
}

/// A copy of the example whose `templates/<template>` overrides the
/// built-in template with `text`.
fn example_overriding(template: &str, text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    let file = tmp.path().join("templates").join(template);
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(file, text).unwrap();
    tmp
}

/// The customer report goes to customers: a repository's own report
/// template cannot print the post-mortem, its timeline, roles or channel.
#[test]
fn a_report_template_is_given_no_internal_text() {
    let tmp = example_overriding(
        "postmortem/report.md",
        "pm={{ pm }} timeline={{ timeline }} roles={{ roles }} channel={{ channel }}\n",
    );
    let out = incident(tmp.path())
        .args(["render", "report", "2026-11-26-checkout-502s"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        text.trim_end(),
        "pm=None timeline=None roles=None channel=None"
    );
}

#[test]
fn internal_documents_go_to_their_own_folder_only() {
    let tmp = tempfile::tempdir().unwrap();
    let (site, internal) = (tmp.path().join("site"), tmp.path().join("internal"));
    incident(&example())
        .arg("build")
        .arg("--out")
        .arg(&site)
        .arg("--internal-out")
        .arg(&internal)
        .assert()
        .success()
        .stderr(predicates::str::contains("never publish"));
    let files = read_tree(&internal);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "index.html",
            "postmortems/2026-11-23-search-slow-or-empty.html",
            "postmortems/2026-11-23-search-slow-or-empty.md",
            "postmortems/2026-11-26-checkout-502s.html",
            "postmortems/2026-11-26-checkout-502s.md",
            "reports/2026-11-26-checkout-502s.html",
            "reports/2026-11-26-checkout-502s.md",
            // Open at "now": the e-mail delay and the announced maintenance.
            "updates/2026-11-24-orders-database-upgrade.html",
            "updates/2026-11-24-orders-database-upgrade.md",
            "updates/2026-11-27-order-emails-delayed.html",
            "updates/2026-11-27-order-emails-delayed.md",
        ]
    );
    // The same documents as `incident render`.
    let pm = text(&files, "postmortems/2026-11-26-checkout-502s.md");
    assert_eq!(pm, render(&["postmortem", "2026-11-26-checkout-502s"]));
    let update = text(&files, "updates/2026-11-27-order-emails-delayed.md");
    assert_eq!(
        update,
        render(&[
            "update",
            "2026-11-27-order-emails-delayed",
            "--audience",
            "internal"
        ])
    );
    assert!(update.contains("#incident-2026-11-27-order-emails-delayed"));
    // The index links every document.
    let index = scraper::Html::parse_document(&text(&files, "index.html"));
    let links: Vec<&str> = index
        .select(&scraper::Selector::parse("a[href]").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for path in files.keys().filter(|p| *p != "index.html") {
        assert!(
            links.contains(&path.as_str()),
            "index.html does not link {path}"
        );
    }
    // Nothing of it is on the public site.
    let public = read_tree(&site);
    for internal_only in [
        "reindex job has no pre-flight check",
        "#incident-",
        "internal incident documents",
    ] {
        for (path, bytes) in &public {
            assert!(
                !String::from_utf8_lossy(bytes).contains(internal_only),
                "public {path} has {internal_only:?}"
            );
        }
    }
    assert!(public.keys().all(|p| !p.starts_with("postmortems/")
        && !p.starts_with("reports/")
        && !p.starts_with("updates/")));
}

#[test]
fn refuses_internal_documents_inside_the_public_site_or_around_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    for (out, internal) in [
        (site.clone(), site.join("internal")),
        (site.clone(), site.clone()),
        (site.join("public"), site.clone()),
    ] {
        incident(&example())
            .arg("build")
            .arg("--out")
            .arg(&out)
            .arg("--internal-out")
            .arg(&internal)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("refusing --internal-out"))
            .stderr(predicates::str::contains("never be published"));
        assert!(!site.exists(), "nothing was written");
    }
    // Two spellings of one folder are one folder.
    fs::create_dir_all(&site).unwrap();
    incident(&example())
        .arg("build")
        .arg("--out")
        .arg(&site)
        .arg("--internal-out")
        .arg(site.join("../site/./private"))
        .assert()
        .code(2);
    assert_eq!(fs::read_dir(&site).unwrap().count(), 0);
    // … also through a folder that does not exist.
    incident(&example())
        .arg("build")
        .arg("--out")
        .arg(&site)
        .arg("--internal-out")
        .arg(tmp.path().join("nope/../site/private"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("refusing --internal-out"));
    assert_eq!(fs::read_dir(&site).unwrap().count(), 0);
    assert!(!tmp.path().join("nope").exists());
}

#[test]
fn a_feed_keeps_the_hundred_newest_entries_each_with_its_own_message() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    // A long incident on one component: 150 updates, 20 minutes apart.
    let dir = repo.join("incidents/2026-10-01-search-degraded");
    fs::create_dir_all(dir.join("updates")).unwrap();
    fs::write(
        dir.join("incident.yaml"),
        "title: Search results are slow\nkind: incident\nvisibility: public\nseverity: sev3\n\
         declared_at: 2026-10-01T00:00:00Z\ncomponents: [search]\n\
         summary: Search results take several seconds to appear.\n",
    )
    .unwrap();
    let start: jiff::Timestamp = "2026-10-01T00:00:00Z".parse().unwrap();
    for n in 0..150 {
        let at = start + jiff::SignedDuration::from_mins(20 * n);
        let status = if n == 149 {
            "resolved"
        } else {
            "investigating"
        };
        fs::write(
            dir.join(format!("updates/{}.yaml", at.strftime("%Y-%m-%dT%H-%M-%SZ"))),
            format!(
                "at: {}\nstatus: {status}\nauthor: \"@mara-schulz\"\nmessage: Update number {n} on the slow search results.\n",
                at.strftime("%Y-%m-%dT%H:%M:%SZ")
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    build(&repo, &out);
    let files = read_tree(&out);
    let ns = "http://www.w3.org/2005/Atom";
    for feed in ["history.atom", "components/search.atom"] {
        let atom = text(&files, feed);
        let doc = roxmltree::Document::parse(&atom).unwrap();
        let field = |e: roxmltree::Node<'_, '_>, name: &str| {
            e.children()
                .find(|c| c.has_tag_name((ns, name)))
                .and_then(|c| c.text())
                .unwrap()
                .to_string()
        };
        let entries: Vec<(String, String, String)> = doc
            .descendants()
            .filter(|n| n.has_tag_name((ns, "entry")))
            .map(|e| (field(e, "updated"), field(e, "id"), field(e, "content")))
            .collect();
        assert_eq!(entries.len(), 100, "{feed}");
        // Newest first, and the newest are kept: the example's November
        // updates, then this incident's last ones, down to a cut-off.
        assert!(entries.windows(2).all(|w| w[0].0 >= w[1].0), "{feed}");
        let ours: Vec<&(String, String, String)> = entries
            .iter()
            .filter(|e| e.1.contains("2026-10-01-search-degraded"))
            .collect();
        let last = start + jiff::SignedDuration::from_mins(20 * 149);
        assert_eq!(
            ours[0].1,
            format!(
                "urn:incidentkit:2026-10-01-search-degraded:{}",
                last.strftime("%Y%m%dT%H%M%SZ")
            ),
            "{feed}"
        );
        // Each entry carries its own update's message.
        for (i, e) in ours.iter().enumerate() {
            let n = 149 - i;
            assert!(
                e.2.contains(&format!("Update number {n} on")),
                "{feed}: {:?}",
                e.2
            );
        }
    }
}

/// Entries of the same second are in the order of their ids as written
/// (`…:a:…` after `…:a-b:…`, as `:` sorts after `-`), in every build.
#[test]
fn feed_entries_of_the_same_second_are_ordered_by_their_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    for id in ["2026-10-02-search-slow", "2026-10-02-search-slow-eu"] {
        let dir = repo.join("incidents").join(id);
        fs::create_dir_all(dir.join("updates")).unwrap();
        fs::write(
            dir.join("incident.yaml"),
            format!(
                "title: Search slow ({id})\nkind: incident\nvisibility: public\nseverity: sev4\n\
                 declared_at: 2026-10-02T09:00:00Z\ncomponents: [search]\n"
            ),
        )
        .unwrap();
        fs::write(
            dir.join("updates/2026-10-02T09-05-00Z.yaml"),
            "at: 2026-10-02T09:05:00Z\nstatus: resolved\nauthor: \"@mara-schulz\"\nmessage: Search is fast again.\n",
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    build(&repo, &out);
    let atom = fs::read_to_string(out.join("history.atom")).unwrap();
    let at = |id: &str| {
        atom.find(&format!("urn:incidentkit:{id}:20261002T090500Z"))
            .unwrap_or_else(|| panic!("{id} in the feed"))
    };
    assert!(at("2026-10-02-search-slow") < at("2026-10-02-search-slow-eu"));
}

/// A template that lists an incident's updates where the built-in ones do
/// not (a component page) gets the same messages as the incident's page.
#[test]
fn every_page_template_can_read_an_incidents_updates() {
    let tmp = example_overriding(
        "page/component.html",
        "{% for i in incidents %}{% if i.id == \"2026-11-26-checkout-502s\" %}\
         {{ i.updates|length }}{% for u in i.updates %}\n<msg>{{ u.status.key }}|{{ u.message }}</msg>{% endfor %}\
         {% endif %}{% endfor %}",
    );
    let out = tmp.path().join("site");
    build(tmp.path(), &out);
    let listed = fs::read_to_string(out.join("components/checkout.html")).unwrap();
    let page = fs::read_to_string(out.join("incidents/2026-11-26-checkout-502s.html")).unwrap();
    let messages: Vec<&str> = listed
        .split("<msg>")
        .skip(1)
        .map(|m| m.split_once("</msg>").unwrap().0.split_once('|').unwrap().1)
        .collect();
    // The example's checkout incident has seven public updates.
    assert_eq!(messages.len(), 7, "{listed}");
    assert!(listed.starts_with('7'), "{listed}");
    for message in messages {
        assert!(message.contains("<p>"), "not HTML: {message}");
        assert!(
            page.contains(message),
            "not on the incident's page: {message}"
        );
    }
}

/// Internal documents written into the git work tree where git does not
/// ignore them would be committed by the next `git add -A`: refused, with
/// the .gitignore line to add; an ignored folder is fine.
#[test]
fn internal_documents_in_the_work_tree_must_be_ignored_by_git() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    crate::support::git(&repo, &["init", "-q"]);
    let repo = repo.canonicalize().unwrap();
    let build = |internal: &Path| {
        let mut cmd = incident(&repo);
        cmd.arg("build")
            .arg("--out")
            .arg(tmp.path().join("site"))
            .arg("--internal-out")
            .arg(internal);
        cmd.assert()
    };
    let internal = repo.join("internal");
    build(&internal)
        .code(2)
        .stderr(predicates::str::contains(format!(
            "refusing --internal-out {}: it lies in the git work tree {} and git does not ignore it, so `git add -A` would commit the post-mortem drafts and internal updates written there; add the line `/internal/` to {}",
            internal.display(),
            repo.display(),
            repo.join(".gitignore").display()
        )));
    assert!(!internal.exists(), "nothing was written");

    // The line `incident init` writes covers its folder before it exists.
    fs::write(repo.join(".gitignore"), "/site-internal/\n/internal/\n").unwrap();
    build(&repo.join("site-internal")).success();
    build(&internal).success();
    // Outside the work tree, git has no say.
    build(&tmp.path().join("private")).success();
}

/// Two commands in one second: the second update is placed a second ahead
/// of the clock (updates are kept in time order). A build in that same
/// second shows it on the page and in the feed, as `list` and `show`
/// count it; `--as-of` that second leaves it out, as asked.
#[test]
fn an_update_written_a_moment_ahead_of_the_clock_is_on_the_site_built_then() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("acme");
    copy_example(&root);
    let page = "incidents/2026-11-27-order-emails-delayed.html";
    for message in ["Queues are draining.", "Half of the backlog is sent."] {
        incident(&root)
            .args([
                "update",
                "2026-11-27-order-emails-delayed",
                "--message",
                message,
            ])
            .assert()
            .success();
    }
    let now = tmp.path().join("now");
    build(&root, &now);
    let files = read_tree(&now);
    assert!(text(&files, page).contains("Half of the backlog is sent."));
    assert!(text(&files, "history.atom").contains("Half of the backlog is sent."));
    let then = tmp.path().join("then");
    incident(&root)
        .args(["build", "--as-of", "2026-11-27T14:00:00Z", "--out"])
        .arg(&then)
        .assert()
        .success();
    let files = read_tree(&then);
    assert!(text(&files, page).contains("Queues are draining."));
    assert!(!text(&files, page).contains("Half of the backlog is sent."));
}

/// Internal entries written ahead of the clock move nothing on the public
/// site, not even the time it says it was made, also when the build reads
/// them for `--internal-out`: the site counts the entries it may show.
#[test]
fn an_internal_entry_ahead_of_the_clock_changes_no_public_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("acme");
    copy_example(&root);
    let before = tmp.path().join("before");
    build(&root, &before);
    for note in ["Paged the mail vendor.", "The vendor is looking."] {
        incident(&root)
            .args(["update", "2026-11-27-order-emails-delayed"])
            .args(["--internal-note", note])
            .assert()
            .success();
    }
    let after = tmp.path().join("after");
    incident(&root)
        .arg("build")
        .arg("--out")
        .arg(&after)
        .arg("--internal-out")
        .arg(tmp.path().join("internal"))
        .assert()
        .success();
    assert_eq!(read_tree(&before), read_tree(&after));
}
