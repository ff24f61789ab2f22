//! The built status page in a real browser: headless Chromium (Debian's
//! `chromium`, or the one named by `CHROMIUM`) loads the pages from disk,
//! the test parses the DOM it rendered, and takes screenshots at desktop
//! and phone widths into `target/screenshots/`.
//!
//! Without Chromium the tests fail when `CI=true` and warn loudly elsewhere.

use crate::support::copy_example;
use crate::support::example;
use scraper::{ElementRef, Html, Selector};
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

/// 2026-11-27T14:00:00Z: the e-mail delay is active, the checkout outage
/// resolved, the database upgrade upcoming.
const NOW: &str = "1795788000";
/// A hung browser must not hang CI.
const TIMEOUT: &str = "60s";
const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

/// Script that marks the page if it ever runs; the DOM is dumped after
/// scripts ran, so a mark there means the injection executed.
const PWN: &str = "document.title='PWNED'";

fn build(repo: &Path, out: &Path) {
    crate::support::cmd()
        .env("SOURCE_DATE_EPOCH", NOW)
        .arg("-C")
        .arg(repo)
        .arg("build")
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

struct Chromium {
    exe: PathBuf,
}

impl Chromium {
    /// The browser, or None (after a loud warning) when it is missing
    /// outside CI. In CI a missing browser fails the test.
    fn find() -> Option<Self> {
        let exe = std::env::var_os("CHROMIUM")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        if exe.is_file() {
            return Some(Self { exe });
        }
        let how = format!(
            "Chromium not found at {}: install Debian's package \
             (`apt-get install --no-install-recommends chromium`) or set CHROMIUM=/path/to/chromium",
            exe.display()
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{how}");
        }
        // Straight to stderr: the test harness captures eprintln! of a
        // passing test, and this must be seen.
        let bar = "!".repeat(72);
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n!!! SKIPPED the real-browser test. {how}\n{bar}\n"
        );
        None
    }

    /// One headless run with a fresh profile, killed (with every process it
    /// started) after `TIMEOUT` by coreutils' `timeout`.
    fn run(&self, args: &[OsString], page: &Path) -> Output {
        let profile = tempfile::tempdir().unwrap();
        let mut profile_arg = OsString::from("--user-data-dir=");
        profile_arg.push(profile.path());
        let url = format!("file://{}", page.display());
        let output = std::process::Command::new("timeout")
            .args(["--kill-after=5s", TIMEOUT])
            .arg(&self.exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .arg(profile_arg)
            .args(args)
            .arg(&url)
            .output()
            .expect("cannot run coreutils' timeout");
        assert!(
            output.status.code() != Some(124) && output.status.code() != Some(137),
            "Chromium did not finish within {TIMEOUT} on {url}"
        );
        assert!(
            output.status.success(),
            "Chromium failed on {url}: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// The DOM after the page loaded (and any script ran).
    fn dom(&self, page: &Path) -> Html {
        let out = self.run(&["--dump-dom".into()], page);
        let html = String::from_utf8(out.stdout).expect("the DOM is UTF-8");
        assert!(
            html.contains("</html>"),
            "no DOM dumped for {}",
            page.display()
        );
        Html::parse_document(&html)
    }

    fn screenshot(&self, page: &Path, png: &Path, (w, h): (u32, u32)) {
        let _ = fs::remove_file(png);
        let mut shot = OsString::from("--screenshot=");
        shot.push(png);
        self.run(&[shot, format!("--window-size={w},{h}").into()], page);
    }
}

fn select<'a>(scope: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    scope.select(&Selector::parse(css).unwrap()).collect()
}

/// An element's text with whitespace collapsed.
fn text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn one<'a>(scope: ElementRef<'a>, css: &str) -> ElementRef<'a> {
    let found = select(scope, css);
    assert_eq!(found.len(), 1, "expected one {css}, found {}", found.len());
    found[0]
}

#[test]
fn the_front_page_shows_components_the_active_incident_and_uptime_bars() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&example(), &site);
    let dom = chromium.dom(&site.join("index.html"));
    let dom = dom.root_element();

    let banner = one(dom, "section.banner");
    assert_eq!(text(banner), "▲ Minor Service Outage");

    // Every component with its status, in configuration order.
    let components: Vec<(String, String)> = select(dom, "ul.components > li")
        .into_iter()
        .map(|li| (text(one(li, "h3")), text(one(li, ".row .st"))))
        .collect();
    let status = |name: &str| {
        components
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.as_str())
            .unwrap_or_else(|| panic!("no component {name} in {components:?}"))
    };
    assert_eq!(components.len(), 8, "{components:?}");
    assert_eq!(status("Email notifications"), "▲ Degraded performance");
    for name in [
        "Website",
        "Search",
        "Gift cards",
        "Checkout",
        "Payments",
        "Order API",
    ] {
        assert_eq!(status(name), "✓ Operational");
    }
    // The group holding the degraded component is open, the healthy one closed.
    let groups: Vec<(String, bool)> = select(dom, "details.group")
        .into_iter()
        .map(|d| (text(one(d, "summary strong")), d.attr("open").is_some()))
        .collect();
    assert_eq!(
        groups,
        [
            ("Storefront".to_string(), false),
            ("Platform".to_string(), true)
        ]
    );

    // The active incident, latest update first.
    let active = select(dom, "section[aria-labelledby=active-h] article");
    assert_eq!(active.len(), 1);
    assert_eq!(
        text(one(active[0], "h3")),
        "Order confirmation emails delayed"
    );
    let updates: Vec<String> = select(active[0], "ol.timeline > li .st")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(updates, ["◎ Identified", "● Investigating"]);
    // The upcoming maintenance.
    let upcoming = one(dom, "section[aria-labelledby=upcoming-h] article h3");
    assert_eq!(text(upcoming), "Planned upgrade of the order database");

    // 90 days per component, each labelled, the last one today.
    for li in select(dom, "ul.components > li") {
        let name = text(one(li, "h3"));
        let bars = one(li, "ol.bars");
        assert!(bars.attr("aria-label").unwrap().starts_with(&name));
        let days = select(bars, "li");
        assert_eq!(days.len(), 90, "{name}");
        for day in &days {
            let label = day.attr("aria-label").unwrap_or_default();
            assert!(!label.is_empty(), "{name}: a day without a label");
            assert_eq!(day.attr("title"), Some(label));
            assert_eq!(day.attr("tabindex"), Some("0"), "focusable");
        }
        assert!(days[89].attr("aria-label").unwrap().contains("27 Nov 2026"));
        if name == "Checkout" {
            let outage = days
                .iter()
                .find(|d| d.value().classes().any(|c| c == "d-major_outage"))
                .expect("the checkout outage is on the bar");
            assert!(outage.attr("aria-label").unwrap().contains("26 Nov 2026"));
            assert!(outage.attr("aria-label").unwrap().contains("major outage"));
        }
    }
}

#[test]
fn an_incident_page_shows_its_timeline_newest_first() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&example(), &site);
    let id = "2026-11-26-checkout-502s";
    let dom = chromium.dom(&site.join(format!("incidents/{id}.html")));
    let dom = dom.root_element();
    assert_eq!(
        text(one(dom, "h1")),
        "Checkout fails with 502 for EU customers"
    );
    // One entry per public update (those with a message).
    let public_updates = fs::read_dir(example().join(format!("incidents/{id}/updates")))
        .unwrap()
        .filter(|e| {
            let yaml = fs::read_to_string(e.as_ref().unwrap().path()).unwrap();
            let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
            doc.get("message").is_some()
        })
        .count();
    let entries = select(dom, "ol.timeline > li");
    assert_eq!(entries.len(), public_updates);
    let statuses: Vec<String> = entries.iter().map(|li| text(one(*li, ".st"))).collect();
    assert_eq!(statuses.first().unwrap(), "✓ Resolved");
    assert_eq!(statuses.last().unwrap(), "● Investigating");
    let times: Vec<&str> = entries
        .iter()
        .map(|li| one(*li, "time").attr("datetime").unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    // Local time shown, UTC in the title.
    let first = one(entries[0], "time");
    assert_eq!(first.attr("title"), Some("2026-11-26 11:25 UTC"));
    assert_eq!(text(first), "26 Nov 2026, 12:25 CET");
    // The published customer report.
    let report = one(dom, "section.report");
    let headings: Vec<String> = select(report, "h3").into_iter().map(text).collect();
    assert_eq!(
        headings,
        [
            "Our apology",
            "What happened",
            "Why it happened",
            "How we fixed it",
            "What we are changing"
        ]
    );
}

#[test]
fn a_component_page_shows_its_uptime_bar_and_history() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&example(), &site);
    let dom = chromium.dom(&site.join("components/checkout.html"));
    let dom = dom.root_element();
    assert_eq!(text(one(dom, "h1")), "Checkout");
    let periods: Vec<String> = select(dom, "ul.periods li").into_iter().map(text).collect();
    assert_eq!(periods.len(), 3);
    assert!(periods[0].starts_with("Last 30 days 99."), "{periods:?}");
    let days = select(dom, "ol.bars li");
    assert_eq!(days.len(), 90);
    // Before the record began: no data, never green.
    assert!(days[0].value().classes().any(|c| c == "d-no_data"));
    assert!(days[0].attr("aria-label").unwrap().ends_with("no data"));
    let outage = days
        .iter()
        .find(|d| d.value().classes().any(|c| c == "d-major_outage"))
        .expect("the outage is on the bar");
    assert!(outage.attr("aria-label").unwrap().contains("26 Nov 2026"));
    let history: Vec<String> = select(dom, "article.incident h3 a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        history,
        [
            "Switchover to a new card payment provider",
            "Checkout fails with 502 for EU customers"
        ]
    );
    assert_eq!(
        text(one(dom, "details.note summary")),
        "How we count uptime"
    );

    // The front page links it, and offers the calendar.
    let front = chromium.dom(&site.join("index.html"));
    let front = front.root_element();
    let link = select(front, "ul.components h3 a")
        .into_iter()
        .find(|a| text(*a) == "Checkout")
        .unwrap();
    assert_eq!(link.attr("href"), Some("components/checkout.html"));
    let calendar = one(front, "a.calendar");
    assert_eq!(text(calendar), "Add to calendar");
    assert!(site.join(calendar.attr("href").unwrap()).is_file());
}

#[test]
fn the_german_page_speaks_german() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&example(), &site);
    let dom = chromium.dom(&site.join("de/index.html"));
    let dom = dom.root_element();
    assert_eq!(dom.attr("lang"), Some("de"));
    assert_eq!(text(one(dom, "section.banner")), "▲ Geringfügige Störung");
    let active = one(dom, "section[aria-labelledby=active-h] article");
    let statuses: Vec<String> = select(active, "ol.timeline > li .st")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(statuses, ["◎ Ursache gefunden", "● Wird untersucht"]);
    assert!(text(select(active, "ol.timeline > li .msg")[0]).starts_with("Der Black-Friday-Sale"));
    let first_day = select(dom, "ul.components > li ol.bars li")[89];
    assert!(
        first_day
            .attr("aria-label")
            .unwrap()
            .starts_with("27. Nov. 2026")
    );
}

/// Keys whose values are free text people write; ids, enums and times
/// are left alone so the repository still validates.
const TEXT_KEYS: &[&str] = &[
    "name",
    "description",
    "title",
    "message",
    "summary",
    "scope",
    "users_affected",
    "apology",
    "what_happened",
    "root_cause",
    "fix",
    "prevention",
    "internal_note",
    "rationale",
    "event",
];

/// Hostile text in every text field: titles (at most 200 characters) become
/// `short`, every other text gets `long` appended.
fn poison(value: &mut serde_yaml::Value, short: &str, long: &str) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v.as_str()) {
                    (Some("title"), Some(_)) => *v = short.into(),
                    (Some(k), Some(s)) if TEXT_KEYS.contains(&k) => {
                        *v = format!("{s} {long}").into();
                    }
                    _ => poison(v, short, long),
                }
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(|i| poison(i, short, long)),
        _ => {}
    }
}

fn poison_tree(dir: &Path, short: &str, long: &str) -> usize {
    let mut changed = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            changed += poison_tree(&path, short, long);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let mut doc: serde_yaml::Value =
                serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
            let before = doc.clone();
            poison(&mut doc, short, long);
            if doc != before {
                fs::write(&path, serde_yaml::to_string(&doc).unwrap()).unwrap();
                changed += 1;
            }
        }
    }
    changed
}

#[test]
fn hostile_text_in_every_field_stays_text_in_the_dom() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let short =
        format!("<script>{PWN}</script><img src=x onerror={PWN}><x-evil data-evil=1>t</x-evil>");
    let long = format!(
        "{short}<svg onload=\"{PWN}\"></svg>\"'><a href=\"javascript:{PWN}\">a</a> \
         [md](javascript:{PWN}) ![i](https://evil.example/t.png)"
    );
    assert!(poison_tree(&repo, &short, &long) > 10);
    let site = tmp.path().join("site");
    build(&repo, &site);

    let mut pages: Vec<PathBuf> = vec![site.join("index.html"), site.join("history/index.html")];
    for folder in ["incidents", "history"] {
        for entry in fs::read_dir(site.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "html") && !pages.contains(&path) {
                pages.push(path);
            }
        }
    }
    let forbidden = Selector::parse("script, img, svg, iframe, object, embed, x-evil").unwrap();
    let all = Selector::parse("*").unwrap();
    for page in &pages {
        let dom = chromium.dom(page);
        let name = page.strip_prefix(&site).unwrap().display().to_string();
        if let Some(e) = dom.select(&forbidden).next() {
            panic!("{name}: an element from the input: {}", e.html());
        }
        for e in dom.select(&all) {
            for (attr, value) in e.value().attrs() {
                assert!(
                    !attr.starts_with("on") && attr != "data-evil",
                    "{name}: attribute {attr}={value:?} on <{}>",
                    e.value().name()
                );
                let script_url = value.trim_start().to_lowercase().starts_with("javascript:");
                let loads_from_input = attr == "src" && value.contains("evil");
                assert!(!script_url && !loads_from_input, "{name}: {attr}={value:?}");
            }
        }
        // No injected script ran, and the hostile markup is on the page as text.
        let title = dom
            .select(&Selector::parse("title").unwrap())
            .next()
            .unwrap();
        assert_ne!(text(title), "PWNED", "{name}: a script from the input ran");
        let body = dom.root_element().text().collect::<String>();
        assert!(
            body.contains(&format!("<script>{PWN}</script>")),
            "{name} does not show the hostile text as text"
        );
    }
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
    assert_eq!(&bytes[12..16], b"IHDR", "{}: no IHDR first", path.display());
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// target/ of this build, wherever CARGO_TARGET_DIR put it: the test runs
/// from target/<profile>/deps/.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

#[test]
fn screenshots_at_desktop_and_phone_widths() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build(&example(), &site);
    let shots = target_dir().join("screenshots");
    fs::create_dir_all(&shots).unwrap();
    let pages = [
        ("status-page", site.join("index.html")),
        (
            "incident-page",
            site.join("incidents/2026-11-26-checkout-502s.html"),
        ),
        ("component-page", site.join("components/checkout.html")),
        ("status-page-de", site.join("de/index.html")),
    ];
    for (name, page) in &pages {
        for (suffix, size) in [("", DESKTOP), ("-phone", PHONE)] {
            let png = shots.join(format!("{name}{suffix}.png"));
            chromium.screenshot(page, &png, size);
            let (w, h) = png_size(&png);
            assert_eq!(w, size.0, "{} width", png.display());
            assert_eq!(h, size.1, "{} height", png.display());
            eprintln!("screenshot: {}", png.display());
        }
    }
}
