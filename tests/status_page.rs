//! The status page beyond the front page: per-component pages and feeds,
//! through the real binary on the example, each format read by an
//! independent parser.

mod common;
use assert_cmd::Command;
use common::copy_dir;
use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// 2026-11-27T14:00:00Z: the checkout incident is resolved, the e-mail
/// delay is active and the database upgrade is upcoming.
const NOW: &str = "1795788000";
const ATOM: &str = "http://www.w3.org/2005/Atom";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme")
}

fn incident(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("incident"));
    cmd.env("SOURCE_DATE_EPOCH", NOW)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .arg("-C")
        .arg(dir);
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
    assert_eq!(links.len(), 7);
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
        ["../incidents/2026-11-26-checkout-502s.html"]
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
    copy_dir(&example(), &repo);
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
