//! The status page beyond the front page: per-component pages and feeds,
//! through the real binary on the example, each format read by an
//! independent parser.

use crate::support::copy_example;
use crate::support::example;
use assert_cmd::Command;
use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// 2026-11-27T14:00:00Z: the checkout incident is resolved, the e-mail
/// delay is active and the database upgrade is upcoming.
const NOW: &str = "1795788000";
const ATOM: &str = "http://www.w3.org/2005/Atom";

fn incident(dir: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", NOW).arg("-C").arg(dir);
    cmd
}

fn build(repo: &Path, out: &Path) -> BTreeMap<String, String> {
    incident(repo)
        .arg("build")
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let mut files = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(text) = fs::read_to_string(&path) {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.insert(rel.replace('\\', "/"), text);
            }
        }
    }
    walk(out, out, &mut files);
    files
}

fn built_example() -> (tempfile::TempDir, BTreeMap<String, String>) {
    let tmp = tempfile::tempdir().unwrap();
    let files = build(&example(), &tmp.path().join("site"));
    (tmp, files)
}

fn select(html: &Html, css: &str) -> Vec<String> {
    html.select(&Selector::parse(css).unwrap())
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    html.select(&Selector::parse(css).unwrap())
        .filter_map(|e| e.attr(attr).map(str::to_string))
        .collect()
}

/// (id, updated) of every entry of an Atom feed, and the feed's updated.
fn atom(text: &str) -> (String, Vec<(String, String)>) {
    let doc = roxmltree::Document::parse(text).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name((ATOM, "feed")));
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("no {name}"))
            .to_string()
    };
    let entries = root
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .map(|e| (child(e, "id"), child(e, "updated")))
        .collect();
    (child(root, "updated"), entries)
}

#[test]
fn each_component_has_a_page_linked_from_the_front_page() {
    let (_tmp, files) = built_example();
    let front = Html::parse_document(&files["index.html"]);
    let links = attrs(&front, "ul.components h3 a", "href");
    assert_eq!(links.len(), 8);
    for link in &links {
        assert!(files.contains_key(link), "{link} is linked but not built");
        let feed = link.replace(".html", ".atom");
        assert!(files.contains_key(&feed), "{feed}");
    }
    // Autodiscovery of every component feed on the front page.
    let feeds = attrs(
        &front,
        "link[rel=alternate][type='application/atom+xml']",
        "href",
    );
    assert!(
        feeds.contains(&"components/checkout.atom".to_string()),
        "{feeds:?}"
    );

    let page = Html::parse_document(&files["components/checkout.html"]);
    assert_eq!(select(&page, "h1"), ["Checkout"]);
    assert_eq!(
        attrs(
            &page,
            "link[rel=alternate][type='application/atom+xml']",
            "href"
        ),
        ["../history.atom", "../components/checkout.atom"]
    );
    // Uptime over 30, 90 and 365 days, the same 90-day bar as the front page.
    let periods = select(&page, "ul.periods li");
    assert_eq!(periods.len(), 3, "{periods:?}");
    assert!(periods[0].starts_with("Last 30 days 99."), "{periods:?}");
    assert_eq!(
        attrs(&page, "ol.bars li", "aria-label"),
        front
            .select(&Selector::parse("ul.components li").unwrap())
            .find(|li| li.text().any(|t| t.trim() == "Checkout"))
            .map(|li| {
                li.select(&Selector::parse("ol.bars li").unwrap())
                    .filter_map(|d| d.attr("aria-label").map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .unwrap()
    );
    // Every public incident and maintenance that touched it, newest first;
    // nothing that did not.
    assert_eq!(
        attrs(&page, "article.incident a", "href"),
        [
            "../incidents/2026-11-21-payment-provider-switchover.html",
            "../incidents/2026-11-26-checkout-502s.html",
        ]
    );
    let website = Html::parse_document(&files["components/website.html"]);
    assert_eq!(
        attrs(&website, "article.incident a", "href"),
        [
            "../incidents/2026-11-23-search-slow-or-empty.html",
            "../incidents/2026-11-20-product-images-misaligned.html",
        ]
    );
}

#[test]
fn a_component_feed_keeps_its_ids_and_moves_with_a_new_update() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let before = build(&repo, &tmp.path().join("a"));
    let (updated, entries) = atom(&before["components/notifications.atom"]);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(
        updated, entries[0].1,
        "the feed is as new as its newest entry"
    );
    // The other component feeds do not carry the e-mail incident.
    let (_, checkout) = atom(&before["components/checkout.atom"]);
    assert!(checkout.iter().all(|(id, _)| !id.contains("order-emails")));

    fs::write(
        repo.join("incidents/2026-11-27-order-emails-delayed/updates/2026-11-27T13-30-00Z.yaml"),
        "at: 2026-11-27T13:30:00Z\nstatus: monitoring\nmessage: Emails are going out again.\nauthor: \"@bob\"\nnext_update_at: 2026-11-27T15:30:00Z\n",
    )
    .unwrap();
    let after = build(&repo, &tmp.path().join("b"));
    let (moved, now) = atom(&after["components/notifications.atom"]);
    assert_eq!(moved, "2026-11-27T13:30:00Z");
    assert_eq!(now.len(), 3);
    assert_eq!(
        &now[1..],
        &entries[..],
        "old entries keep their ids and times"
    );
    assert_eq!(
        before["components/checkout.atom"], after["components/checkout.atom"],
        "a feed the update does not touch does not change"
    );
}

/// The events of an iCalendar file as Python's `icalendar` (PyPI) reads
/// them, or None (after a loud warning) when it is not installed outside
/// CI. `.ci/run` installs it into `.ci/py`.
fn parse_ics(ics: &str) -> Option<Vec<serde_json::Value>> {
    const SCRIPT: &str = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
assert cal.get("VERSION") == "2.0", cal.get("VERSION")
out = {"refresh": str(cal.get("REFRESH-INTERVAL").to_ical(), "ascii"), "events": []}
for e in cal.walk("VEVENT"):
    out["events"].append({
        "uid": str(e["UID"]), "sequence": int(e["SEQUENCE"]), "status": str(e["STATUS"]),
        "start": e.decoded("DTSTART").isoformat(), "end": e.decoded("DTEND").isoformat(),
        "summary": str(e["SUMMARY"]), "description": str(e["DESCRIPTION"]), "url": str(e["URL"]),
    })
json.dump(out, sys.stdout)
"#;
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/py");
    let mut child = std::process::Command::new("python3")
        .env("PYTHONPATH", &py)
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'icalendar'") {
        let how = "Python's icalendar is missing: `python3 -m pip install --target .ci/py icalendar` (as .ci/run does)";
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{how}");
        let _ = writeln!(
            std::io::stderr(),
            "\n!!! SKIPPED the iCalendar check. {how}\n"
        );
        return None;
    }
    assert!(
        out.status.success(),
        "icalendar refused the file: {stderr}\n{ics}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["refresh"], "PT1H");
    Some(doc["events"].as_array().unwrap().clone())
}

#[test]
fn the_maintenance_calendar_parses_and_a_new_update_raises_the_sequence() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let before = build(&repo, &tmp.path().join("a"));
    let ics = &before["maintenance.ics"];
    // RFC 5545: CRLF line endings, content lines folded at 75 octets.
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(!line.contains('\n'), "a bare LF in {line:?}");
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
    }
    // Linked from the front page.
    let front = Html::parse_document(&before["index.html"]);
    assert_eq!(attrs(&front, "a.calendar", "href"), ["maintenance.ics"]);
    assert_eq!(select(&front, "a.calendar"), ["Add to calendar"]);

    let Some(events) = parse_ics(ics) else {
        return;
    };
    let find = |events: &[serde_json::Value], id: &str| {
        events
            .iter()
            .find(|e| e["uid"].as_str().unwrap().starts_with(id))
            .unwrap_or_else(|| panic!("no event {id} in {events:?}"))
            .clone()
    };
    assert_eq!(events.len(), 2, "{events:?}");
    let upgrade = find(&events, "2026-11-24-orders-database-upgrade");
    assert_eq!(
        upgrade["uid"],
        "2026-11-24-orders-database-upgrade@status.acme.example"
    );
    assert_eq!(upgrade["start"], "2026-12-03T01:00:00+00:00");
    assert_eq!(upgrade["end"], "2026-12-03T03:00:00+00:00");
    assert_eq!(upgrade["status"], "CONFIRMED");
    assert_eq!(upgrade["summary"], "Planned upgrade of the order database");
    assert!(
        upgrade["description"]
            .as_str()
            .unwrap()
            .starts_with("On Thursday, 3 December,")
    );
    assert_eq!(
        upgrade["url"],
        "https://status.acme.example/incidents/2026-11-24-orders-database-upgrade.html"
    );
    let cancelled = find(&events, "2026-11-21-payment-provider-switchover");
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["sequence"], 1);

    fs::write(
        repo.join("incidents/2026-11-24-orders-database-upgrade/updates/2026-11-27T13-00-00Z.yaml"),
        "at: 2026-11-27T13:00:00Z\nstatus: scheduled\nmessage: The upgrade goes ahead as planned; a reminder.\nauthor: \"@sofia-marin\"\nnext_update_at: 2026-12-03T01:00:00Z\n",
    )
    .unwrap();
    let after = build(&repo, &tmp.path().join("b"));
    let events = parse_ics(&after["maintenance.ics"]).unwrap();
    let again = find(&events, "2026-11-24-orders-database-upgrade");
    assert_eq!(again["uid"], upgrade["uid"], "the UID never changes");
    assert!(
        again["sequence"].as_i64() > upgrade["sequence"].as_i64(),
        "{again} after {upgrade}"
    );
    assert_eq!(
        again["description"],
        "The upgrade goes ahead as planned; a reminder.\n\nAffects: Order API"
    );
}

#[test]
fn a_maintenance_is_cancelled_with_an_update_and_an_incident_cannot_be() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    incident(&repo)
        .args([
            "update",
            "2026-11-27-order-emails-delayed",
            "--status",
            "cancelled",
            "--message",
            "Never mind.",
        ])
        .assert()
        .code(2);
    incident(&repo)
        .args([
            "update",
            "2026-11-24-orders-database-upgrade",
            "--status",
            "cancelled",
            "--message",
            "We have called off the upgrade.",
        ])
        .assert()
        .success();
    let files = build(&repo, &tmp.path().join("site"));
    let ics = &files["maintenance.ics"];
    let event = ics
        .split("BEGIN:VEVENT")
        .find(|e| e.contains("UID:2026-11-24-orders-database-upgrade@"))
        .unwrap();
    assert!(event.contains("\r\nSTATUS:CANCELLED\r\n"), "{event}");
    assert!(event.contains("\r\nSEQUENCE:1\r\n"), "{event}");
    // No longer announced as upcoming.
    let front = Html::parse_document(&files["index.html"]);
    assert!(select(&front, "section[aria-labelledby=upcoming-h] h3").is_empty());
}

#[test]
fn stats_uptime_reads_the_ledger_the_page_reads() {
    let (_tmp, files) = built_example();
    let out = incident(&example())
        .args(["stats", "--uptime", "--format", "json"])
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["partial_outage_weight"], 0.3);
    let rows = report["rows"].as_array().unwrap();
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    // The default period is the page's "last 30 days".
    for id in ["checkout", "search", "payments-api", "gift-cards"] {
        let page = Html::parse_document(&files[&format!("components/{id}.html")]);
        let shown = select(&page, "ul.periods li strong");
        assert_eq!(row(id)["percent"], shown[0].as_str(), "{id}");
    }
    let search = row("search");
    assert_eq!(search["partial_outage"], 120);
    assert_eq!(search["down_minutes"], 36.0, "0.3 × 120 minutes");
    // A group is down when any member is.
    let storefront = row("storefront");
    assert_eq!(storefront["group"], true);
    assert_eq!(
        storefront["down_minutes"].as_f64().unwrap(),
        row("checkout")["down_minutes"].as_f64().unwrap() + 36.0
    );
    // A component added on 16 November has data from then only.
    assert!(row("gift-cards")["minutes"].as_i64() < row("website")["minutes"].as_i64());

    // A month before the record began has no data, not 100 %.
    let out = incident(&example())
        .args(["stats", "--uptime", "--month", "2026-09"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Checkout"), "{text}");
    assert!(!text.contains('%'), "{text}");
    for format in ["md", "html"] {
        incident(&example())
            .args([
                "stats",
                "--uptime",
                "--since",
                "2026-11-01",
                "--format",
                format,
            ])
            .assert()
            .success()
            .stdout(predicates::str::contains("Checkout"));
    }
    incident(&example())
        .args(["stats", "--uptime", "--month", "2026-13"])
        .assert()
        .code(2);
}

/// Every relative link and resource of every built page resolves to a
/// built file (feeds, calendar and API from inside /de/ too).
#[test]
fn every_relative_link_of_every_page_resolves() {
    let (_tmp, files) = built_example();
    let mut checked = 0;
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let page = Html::parse_document(text);
        let base = Path::new(path).parent().unwrap();
        for href in attrs(&page, "a[href], link[href]", "href") {
            if href.starts_with("http") || href.starts_with('#') || href.starts_with("mailto:") {
                continue;
            }
            let mut target = base.to_path_buf();
            for part in href.split('/') {
                match part {
                    ".." => assert!(target.pop(), "{path}: {href} leaves the site"),
                    part => target.push(part),
                }
            }
            let target = target.to_string_lossy().replace('\\', "/");
            assert!(
                files.contains_key(&target),
                "{path}: {href} → {target} is not built"
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn the_page_is_built_in_each_configured_language() {
    let (_tmp, files) = built_example();
    let en = Html::parse_document(&files["index.html"]);
    let de = Html::parse_document(&files["de/index.html"]);
    assert_eq!(attrs(&en, "html", "lang"), ["en"]);
    assert_eq!(attrs(&de, "html", "lang"), ["de"]);
    assert_eq!(select(&de, "section.banner"), ["▲ Geringfügige Störung"]);
    assert_eq!(select(&de, "#components-h"), ["Komponenten"]);
    // Dates in German, the time zone named.
    assert!(files["de/index.html"].contains(">27. Nov. 2026, 13:45 CET</time>"));
    // The number has its place in the words.
    assert!(files["de/index.html"].contains("<span class=\"long\">vor 90 Tagen</span>"));
    assert!(files["index.html"].contains("<span class=\"long\">90 days ago</span>"));
    // The translated update in German, the untranslated one as written.
    let active = select(&de, "section[aria-labelledby=active-h] .msg");
    assert!(active[0].starts_with("Der Black-Friday-Sale"), "{active:?}");
    let incident = Html::parse_document(&files["de/incidents/2026-11-26-checkout-502s.html"]);
    let messages = select(&incident, "ol.timeline .msg");
    let english = Html::parse_document(&files["incidents/2026-11-26-checkout-502s.html"]);
    assert_eq!(messages, select(&english, "ol.timeline .msg"));
    assert_eq!(select(&incident, "#updates-h"), ["Updates"]);
    // Each tree links to the other.
    assert_eq!(
        attrs(&en, "nav.languages a", "href"),
        ["index.html", "de/index.html"]
    );
    assert_eq!(
        attrs(&de, "nav.languages a", "href"),
        ["../index.html", "../de/index.html"]
    );
    // Every tree has the same pages.
    for path in files
        .keys()
        .filter(|p| p.ends_with(".html") && !p.starts_with("de/"))
    {
        assert!(files.contains_key(&format!("de/{path}")), "no de/{path}");
    }
}

#[test]
fn site_language_switches_the_root_and_an_untranslated_open_update_warns() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let config = repo.join("incidentkit.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        text.replace(
            "  language: en\n  languages: [en, de]",
            "  language: ja\n  languages: [ja, fr]",
        ),
    )
    .unwrap();
    let out = incident(&repo)
        .args(["validate", "--format", "json"])
        .assert()
        .success();
    let findings: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let missing: Vec<&serde_json::Value> = findings["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "translation/missing")
        .collect();
    // The open incident's two updates and the upcoming maintenance's one;
    // resolved incidents are not backfilled.
    assert_eq!(missing.len(), 3, "{findings:#}");
    assert!(missing.iter().all(|d| d["level"] == "warning"));
    assert!(missing[0]["message"].as_str().unwrap().contains("fr"));
    let files = build(&repo, &tmp.path().join("site"));
    let ja = Html::parse_document(&files["index.html"]);
    assert_eq!(attrs(&ja, "html", "lang"), ["ja"]);
    assert_eq!(select(&ja, "#components-h"), ["コンポーネント"]);
    let fr = Html::parse_document(&files["fr/index.html"]);
    assert_eq!(select(&fr, "#components-h"), ["Composants"]);
    assert!(!files.contains_key("de/index.html"));
}

#[test]
fn the_widget_api_and_the_svg_badge() {
    let (_tmp, files) = built_example();
    let widget: serde_json::Value = serde_json::from_str(&files["api/widget.json"]).unwrap();
    let ongoing = widget["ongoing_incidents"].as_array().unwrap();
    assert_eq!(ongoing.len(), 1);
    assert_eq!(ongoing[0]["name"], "Order confirmation emails delayed");
    assert_eq!(ongoing[0]["status"], "identified");
    assert_eq!(ongoing[0]["current_worst_impact"], "degraded_performance");
    assert_eq!(ongoing[0]["last_update_at"], "2026-11-27T12:45:00Z");
    assert_eq!(
        ongoing[0]["url"],
        "https://status.acme.example/incidents/2026-11-27-order-emails-delayed.html"
    );
    assert_eq!(
        ongoing[0]["affected_components"][0],
        serde_json::json!({"id": "notifications", "name": "Email notifications", "group_name": "Platform"})
    );
    assert_eq!(widget["in_progress_maintenances"], serde_json::json!([]));
    let scheduled = widget["scheduled_maintenances"].as_array().unwrap();
    assert_eq!(scheduled.len(), 1, "the cancelled one is not scheduled");
    assert_eq!(scheduled[0]["starts_at"], "2026-12-03T01:00:00Z");
    assert_eq!(scheduled[0]["ends_at"], "2026-12-03T03:00:00Z");

    let svg = roxmltree::Document::parse(&files["badge.svg"]).unwrap();
    let root = svg.root_element();
    assert!(root.has_tag_name(("http://www.w3.org/2000/svg", "svg")));
    assert_eq!(root.attribute("aria-label"), Some("status: degraded"));
    let badge: serde_json::Value = serde_json::from_str(&files["badge.json"]).unwrap();
    let texts: Vec<&str> = svg
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.w3.org/2000/svg", "text")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(texts, ["status", badge["message"].as_str().unwrap()]);
}

#[test]
fn as_of_a_time_is_the_page_as_it_was_then() {
    let tmp = tempfile::tempdir().unwrap();
    let during = "2026-11-26T10:30:00Z";
    let out = tmp.path().join("as-of");
    incident(&example())
        .args(["build", "--as-of", during, "--out"])
        .arg(&out)
        .assert()
        .success();
    // Byte for byte the page built at that moment from the files that
    // existed then (later entries, later incidents and post-mortems removed:
    // validate refuses entries in the future, rightly).
    let repo_then = tmp.path().join("repo-then");
    copy_example(&repo_then);
    let cutoff: jiff::Timestamp = during.parse().unwrap();
    for dir in fs::read_dir(repo_then.join("incidents")).unwrap() {
        let dir = dir.unwrap().path();
        let declaration = fs::read_to_string(dir.join("incident.yaml")).unwrap();
        let declared: jiff::Timestamp = declaration
            .lines()
            .find_map(|l| l.strip_prefix("declared_at: "))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        if declared > cutoff {
            fs::remove_dir_all(&dir).unwrap();
            continue;
        }
        let _ = fs::remove_file(dir.join("postmortem.yaml"));
        for update in fs::read_dir(dir.join("updates")).unwrap() {
            let update = update.unwrap().path();
            let text = fs::read_to_string(&update).unwrap();
            let at: jiff::Timestamp = text
                .lines()
                .find_map(|l| l.strip_prefix("at: "))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            if at > cutoff {
                fs::remove_file(update).unwrap();
            }
        }
    }
    let then = tmp.path().join("then");
    crate::support::cmd()
        .env("SOURCE_DATE_EPOCH", "1795689000")
        .arg("-C")
        .arg(&repo_then)
        .args(["build", "--out"])
        .arg(&then)
        .assert()
        .success();
    let (a, b) = (build_tree(&out), build_tree(&then));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, text) in &a {
        assert!(text == &b[path], "{path} differs");
    }
    let summary: serde_json::Value = serde_json::from_str(&a["api/v2/summary.json"]).unwrap();
    assert_eq!(summary["incidents"][0]["id"], "2026-11-26-checkout-502s");
    assert_eq!(summary["incidents"][0]["status"], "identified");
}

fn build_tree(dir: &Path) -> BTreeMap<String, String> {
    crate::support::read_tree(dir)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn as_of_a_revision_builds_the_files_of_that_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(&repo)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_COMMITTER_DATE", "2026-11-27T13:00:00Z")
            .env("GIT_AUTHOR_DATE", "2026-11-27T13:00:00Z")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "first"]);
    fs::write(
        repo.join("incidents/2026-11-27-order-emails-delayed/updates/2026-11-27T13-30-00Z.yaml"),
        "at: 2026-11-27T13:30:00Z\nstatus: monitoring\nmessage: Emails are going out again.\nmessage_translations: {de: Die E-Mails gehen wieder raus.}\nauthor: \"@bob\"\nnext_update_at: 2026-11-27T15:30:00Z\n",
    )
    .unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "second"]);
    let now = build(&repo, &tmp.path().join("now"));
    assert!(now["incidents/2026-11-27-order-emails-delayed.html"].contains("going out again"));
    let out = tmp.path().join("then");
    incident(&repo)
        .args(["build", "--as-of", "HEAD~1", "--out"])
        .arg(&out)
        .assert()
        .success();
    let then = build_tree(&out);
    let page = &then["incidents/2026-11-27-order-emails-delayed.html"];
    assert!(!page.contains("going out again"));
    // "Now" is the commit's time.
    assert!(then["index.html"].contains("datetime=\"2026-11-27T13:00:00Z\""));
    incident(&repo)
        .args(["build", "--as-of", "no-such-rev"])
        .assert()
        .code(2);
}
