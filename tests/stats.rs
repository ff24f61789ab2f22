//! `incident stats` on `tests/fixtures/stats`, a small repository whose
//! numbers are worked out by hand below, through the real binary.
//!
//! "Now" is 2026-11-26T12:00:00Z. Three incidents and one maintenance
//! (never counted). Times in minutes from when impact began:
//!
//! | incident | sev | detect | declare | mitigate | resolve | updates on time |
//! |---|---|---|---|---|---|---|
//! | a (Oct) | sev1 | 10:00→10:10 = 10 | →10:15 = 5 | first monitoring 10:50 = 50 | 11:00 = 60 | 3 of 4 (10:20→10:40 is 20 min > 15 and past the 10:35 promise) |
//! | b (Oct) | sev2 | 09:00→09:30 = 30 | →09:40 = 10 | no monitoring: resolved 11:00 = 120 | 120 | 1 of 2 (09:45→11:00 is 75 min > 60) |
//! | c (Nov) | sev2 | no started_at | no detected_at | declared 14:00 → mitigated_at 14:45 = 45 | 15:20 = 80 | 3 of 3 |
//!
//! Post-mortems: a published 10-07, due 10-08 (3 d after resolving): on
//! time; b none, due 10-25: late; c in review, due 11-10: late.
//! Action items past due: a AI-1 (done), a AI-2 (not), c AI-1 (not); c AI-2
//! is due in December and not counted.

use serde_json::{Value, json};
use std::path::Path;

const NOW: &str = "1795694400"; // 2026-11-26T12:00:00Z

fn stats(args: &[&str]) -> (i32, String) {
    let out = crate::support::cmd()
        .arg("stats")
        .arg("-C")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn report(args: &[&str]) -> Value {
    let (code, stdout) = stats(&[&["--format", "json"], args].concat());
    assert_eq!(code, 0, "{stdout}");
    serde_json::from_str(&stdout).unwrap()
}

fn times(row: &Value) -> Value {
    json!([
        row["count"],
        row["detect"],
        row["declare"],
        row["mitigate"],
        row["resolve"]
    ])
}

fn shares(row: &Value) -> Value {
    json!([row["cadence"], row["postmortems"], row["actions"]])
}

fn s(n: usize, median: f64, p90: f64) -> Value {
    json!({"n": n, "median": median, "p90": p90, "unit": "minutes"})
}

fn share(on_time: usize, n: usize) -> Value {
    json!({"on_time": on_time, "n": n})
}

#[test]
fn the_metrics_equal_the_numbers_worked_out_by_hand() {
    let r = report(&[]);
    let all = &r["all"];
    // detect [10, 30]; declare [5, 10]; mitigate [45, 50, 120]; resolve [60, 80, 120].
    assert_eq!(
        times(all),
        json!([
            3,
            s(2, 20.0, 30.0),
            s(2, 7.5, 10.0),
            s(3, 50.0, 120.0),
            s(3, 80.0, 120.0)
        ])
    );
    assert_eq!(shares(all), json!([share(7, 9), share(1, 3), share(1, 3)]));

    let keys: Vec<&str> = r["by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["sev1", "sev2"]);
    let sev2 = &r["by_severity"][1];
    // b and c: detect [30]; declare [10]; mitigate [45, 120]; resolve [80, 120].
    assert_eq!(
        times(sev2),
        json!([
            2,
            s(1, 30.0, 30.0),
            s(1, 10.0, 10.0),
            s(2, 82.5, 120.0),
            s(2, 100.0, 120.0)
        ])
    );
    assert_eq!(shares(sev2), json!([share(4, 5), share(0, 2), share(0, 1)]));

    let october = &r["by_month"][0];
    assert_eq!(october["key"], "2026-10");
    // a and b: mitigate [50, 120]; resolve [60, 120].
    assert_eq!(
        times(october),
        json!([
            2,
            s(2, 20.0, 30.0),
            s(2, 7.5, 10.0),
            s(2, 85.0, 120.0),
            s(2, 90.0, 120.0)
        ])
    );
    assert_eq!(
        shares(october),
        json!([share(4, 6), share(1, 2), share(1, 2)])
    );
    assert_eq!(r["by_month"][1]["key"], "2026-11");
    assert_eq!(r["by_month"].as_array().unwrap().len(), 2);
}

#[test]
fn since_keeps_the_incidents_declared_from_that_day() {
    let r = report(&["--since", "2026-11-01"]);
    assert_eq!(r["since"], "2026-11-01");
    assert_eq!(
        times(&r["all"]),
        json!([1, {"n": 0, "median": null, "p90": null, "unit": "minutes"}, {"n": 0, "median": null, "p90": null, "unit": "minutes"}, s(1, 45.0, 45.0), s(1, 80.0, 80.0)])
    );
    let (code, _) = stats(&["--since", "last week"]);
    assert_eq!(code, 2, "not a date is a usage error");
}

#[test]
fn human_markdown_and_html_show_the_same_numbers() {
    let (_, human) = stats(&[]);
    assert!(human.contains("all    3"), "{human}");
    assert!(human.contains("50m / 2h (n=3)"), "{human}");
    assert!(human.contains("78% (7/9)"), "{human}");

    let (_, md) = stats(&["--format", "md"]);
    assert!(md.contains("| group | incidents | to detect |"), "{md}");
    assert!(md.contains("| sev2 | 2 | 30m / 30m (n=1) | 10m / 10m (n=1) | 1h23m / 2h (n=2) | 1h40m / 2h (n=2) | 80% (4/5) | 0% (0/2) | 0% (0/1) |"), "{md}");

    let (_, html) = stats(&["--format", "html"]);
    assert!(html.starts_with("<!doctype html>"), "{html}");
    assert!(!html.contains("<script"), "no JavaScript");
    // One bar per month, labelled with the median time to resolve and n.
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
    assert!(svg.contains("2026-10: median 1h30m (n=2)"), "{svg}");
    assert!(svg.contains("2026-11: median 1h20m (n=1)"), "{svg}");
}

#[test]
fn the_metrics_are_never_part_of_the_built_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    crate::support::cmd()
        .arg("-C")
        .arg(crate::support::example())
        .args(["build", "--out"])
        .arg(&site)
        // The example's "now" (as in the snapshot tests), after all it records.
        .env("SOURCE_DATE_EPOCH", "1795788000")
        .assert()
        .success();
    fn walk(dir: &Path, files: &mut usize) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
                continue;
            }
            *files += 1;
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("Incident metrics") && !text.contains("updates on time"),
                "{} holds internal metrics",
                path.display()
            );
        }
    }
    let mut files = 0;
    walk(&site, &mut files);
    assert!(files > 5, "the site was built");
}

/// Times written by the CLI carry seconds; every interval is counted to the
/// minute as the page counts "lasted", so mitigating never takes longer
/// than resolving (it read 1.4m against 1m).
#[test]
fn intervals_are_counted_to_the_minute_like_the_pages_duration() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    crate::support::cmd()
        .args(["init", "--name", "Acme"])
        .arg(dir)
        .assert()
        .success();
    let at = |time: &str, args: &[&str]| {
        crate::support::cmd()
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("SOURCE_DATE_EPOCH", crate::support::epoch(time).to_string())
            .env("INCIDENT_AUTHOR", "@alice")
            .assert()
            .success();
    };
    at(
        "2026-11-26T10:00:00Z",
        &[
            "declare",
            "--title",
            "Search is slow",
            "--severity",
            "sev3",
            "--impact",
            "Slow search",
        ],
    );
    at(
        "2026-11-26T10:01:26Z",
        &[
            "update",
            "search",
            "--status",
            "monitoring",
            "--message",
            "Fixed; watching.",
        ],
    );
    at(
        "2026-11-26T10:01:27Z",
        &["resolve", "search", "--message", "Fast again."],
    );
    let out = crate::support::cmd()
        .arg("-C")
        .arg(dir)
        .args(["stats", "--format", "json"])
        .env(
            "SOURCE_DATE_EPOCH",
            crate::support::epoch("2026-11-26T12:00:00Z").to_string(),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let all: Value = serde_json::from_slice::<Value>(&out.stdout).unwrap()["all"].clone();
    assert_eq!(all["mitigate"], s(1, 1.0, 1.0), "{all}");
    assert_eq!(all["resolve"], s(1, 1.0, 1.0), "{all}");
}

#[test]
fn the_documents_come_from_templates_a_repository_may_override() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_dir(&crate::support::project("tests/fixtures/stats"), dir.path());
    for (name, text) in [
        ("stats/metrics.md", "sections: {{ sections | length }}\n"),
        ("show/incident.txt", "{{ id }} is {{ status }}\n"),
    ] {
        let path = dir.path().join("templates").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let run = |args: &[&str]| {
        let out = crate::support::cmd()
            .arg("-C")
            .arg(dir.path())
            .args(args)
            .env("SOURCE_DATE_EPOCH", NOW)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&["stats", "--format", "md"]), "sections: 3\n");
    let id = std::fs::read_dir(dir.path().join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .min()
        .unwrap();
    assert_eq!(run(&["show", &id]), format!("{id} is resolved\n"));
}
