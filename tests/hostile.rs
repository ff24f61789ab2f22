//! Hostile text in every free-text field of every file kind, through every
//! output: the status page, its JSON API and feeds, each stakeholder update
//! in every format, the post-mortem and the customer report. Everything must
//! stay inert (no element, attribute or link from the input; templates not
//! evaluated; JSON and XML still parse) and readable (the text is there).
//!
//! The fields are found by walking the JSON Schemas, so a new text field in
//! a schema is filled automatically, and the test fails until the base
//! documents below hold it.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

const NOW: &str = "1795737600"; // 2026-11-27T00:00:00Z
const ID: &str = "2026-11-26-hostile";
const FIRST: &str = "updates/2026-11-26T10-05-00Z.yaml";
const LAST: &str = "updates/2026-11-26T11-00-00Z.yaml";

/// A hostile string and what of it must be readable in every kind of output.
struct Hostile {
    name: &'static str,
    text: String,
    /// Seen as text in the HTML pages, the JSON API and the plain text.
    probe: &'static str,
}

fn hostile_strings() -> Vec<Hostile> {
    let h = |name, text: &str, probe| Hostile {
        name,
        text: text.to_string(),
        probe,
    };
    vec![
        h(
            "script",
            "<script>alert('xss')</script> tail",
            "alert('xss')",
        ),
        h(
            "event handler",
            "<img src=x onerror=alert(1)> <b onclick=alert(2)>bold</b>",
            "onerror=alert(1)",
        ),
        h(
            "attribute breakout",
            "\"><svg onload=alert(1)>' onmouseover='alert(2)' x=\"",
            "onload=alert(1)",
        ),
        h(
            "markdown links",
            "[click me](javascript:alert(1)) [up](JaVaScRiPt:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(3)> ![pixel](http://evil.example/p.png) [ok](https://example.com/ok)",
            "click me",
        ),
        h(
            "bidi and zero-width",
            "pay\u{202E}lanigiro\u{202C} \u{2067}isolate\u{2069} zero\u{200B}width\u{200D}join\u{FEFF}bom",
            "lanigiro",
        ),
        h("emoji", "🔥💥 Checkout 👩‍💻🏳️‍🌈 down 🇪🇺", "👩‍💻"),
        h(
            "right to left",
            "الدفع لا يعمل — שגיאה בתשלום — checkout",
            "الدفع لا يعمل",
        ),
        h(
            "template syntax",
            "T{{ 7*7 }}T L{% for x in [1,2,3] %}loop{% endfor %}L {# gone #} ${7*7} #{7*7} {{ site }}",
            "T{{ 7*7 }}T",
        ),
        h(
            "yaml and markup breakers",
            "x\n---\nstatus: resolved\n&a [*a] !!binary ]]></content><![CDATA[ &lt;b&gt; &#x3C;script&#x3E;",
            "status: resolved",
        ),
        h(
            "slack and github controls",
            "<!channel> <!here> <@U024BE7LH> <https://evil.example|Click here> ::error::pwned %0A @everyone",
            "<!channel>",
        ),
        h(
            "control characters",
            "tab\there bell\u{7} esc\u{1b}[31mred\u{1b}[0m nul-less\u{8}",
            "tab",
        ),
        h(
            "very long line",
            &"A".repeat(100_000),
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ),
    ]
}

/// Schema paths (`/decision/options/*/summary`) of strings people write
/// freely: no enum, pattern or format.
fn free_text(schema: &Value) -> BTreeSet<String> {
    fn walk(root: &Value, node: &Value, path: &str, out: &mut BTreeSet<String>) {
        let node = resolve(root, node);
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (key, sub) in props {
                walk(root, sub, &format!("{path}/{key}"), out);
            }
        }
        if let Some(items) = node.get("items") {
            walk(root, items, &format!("{path}/*"), out);
        }
        for alternative in ["oneOf", "anyOf"] {
            for sub in node
                .get(alternative)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(root, sub, path, out);
            }
        }
        let is_string = match node.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        };
        let constrained = ["enum", "const", "pattern", "format"]
            .iter()
            .any(|k| node.get(k).is_some());
        if is_string && !constrained {
            out.insert(path.to_string());
        }
    }
    let mut out = BTreeSet::new();
    walk(schema, schema, "", &mut out);
    out
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => root
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {r}")),
        None => node,
    }
}

fn max_length(root: &Value, schema_path: &str) -> Option<usize> {
    let mut node = resolve(root, root);
    for part in schema_path.split('/').skip(1) {
        node = resolve(root, node);
        node = if part == "*" {
            node.get("items")?
        } else {
            node.get("properties")?.get(part)?
        };
    }
    resolve(root, node)
        .get("maxLength")?
        .as_u64()
        .map(|n| n as usize)
}

/// Replaces every free-text string of `doc` with the hostile text (cut to
/// the field's maxLength), and returns the schema paths it replaced.
/// Files are limited to 1 MiB, so past 600 kB a long text is cut short.
fn fill(doc: &mut Value, schema: &Value, hostile: &str, exempt: &[&str]) -> BTreeSet<String> {
    let fields = free_text(schema);
    let mut filled = BTreeSet::new();
    let mut budget = 600_000usize;
    fn visit(v: &mut Value, path: &str, ctx: &mut dyn FnMut(&str, &mut Value)) {
        match v {
            Value::Object(map) => {
                for (k, sub) in map.iter_mut() {
                    visit(sub, &format!("{path}/{k}"), ctx);
                }
            }
            Value::Array(items) => {
                for sub in items {
                    visit(sub, &format!("{path}/*"), ctx);
                }
            }
            Value::String(_) => ctx(path, v),
            _ => {}
        }
    }
    visit(doc, "", &mut |path, value| {
        if !fields.contains(path) || exempt.contains(&path) {
            return;
        }
        let limit = max_length(schema, path)
            .unwrap_or(usize::MAX)
            .min(budget.max(1_000));
        let text: String = hostile.chars().take(limit).collect();
        budget = budget.saturating_sub(text.len());
        *value = Value::String(text);
        filled.insert(path.to_string());
    });
    filled
}

fn schema(kind: &str) -> Value {
    let out = crate::support::cmd()
        .args(["schema", kind])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One document of each kind with every key set.
fn base_documents() -> BTreeMap<&'static str, Value> {
    let config = json!({
        "site": {"name": "Acme", "url": "https://status.acme.example", "timezone": "Europe/Berlin", "description": "d",
                 "subscribe": {"url": "https://lists.acme.example/status", "label": "Join the list"}},
        "groups": [{"id": "storefront", "name": "Storefront", "description": "d"}],
        "components": [
            {"id": "checkout", "name": "Checkout", "description": "d", "group": "storefront"},
            {"id": "api", "name": "API", "description": "d"},
        ],
        "severity_policy": {
            "sev1": {"label": "Critical", "update_every": "15m", "postmortem_due": "3d"},
            "sev2": {"label": "High"}, "sev3": {"label": "Medium"}, "sev4": {"label": "Low"},
        },
        "github": {"repo": "acme/incidents", "label": "incident-action"},
        "fast_lane": {"responders": ["@alice"], "teams": ["acme/oncall"], "check": "validate", "merge_method": "squash"},
        "notify": [{"name": "customers", "type": "email", "audience": "external", "smtp_url_env": "SMTP_URL",
                    "to": ["status@acme.example"], "from": "status@acme.example"}],
        // Hostile text is short, not a five-part report: judged, not refused.
        "rules": {"report/incomplete": "warn"},
    });
    let incident = json!({
        "title": "Checkout fails", "kind": "incident", "visibility": "public", "severity": "sev1",
        "declared_at": "2026-11-26T10:02:00Z", "started_at": "2026-11-26T09:48:00Z",
        "detected_at": "2026-11-26T09:55:00Z", "detected_by": "alert",
        "components": ["checkout", "api"],
        "roles": {"commander": "@alice", "communications": "@bob", "investigators": ["@carol"]},
        "channel": "#incident-hostile", "summary": "s",
        "exempt": [{"rule": "roles/same-person", "reason": "r"}],
    });
    let first = json!({
        "at": "2026-11-26T10:05:00Z", "status": "identified", "severity": "sev1",
        "message": "m", "internal_note": "n",
        "impact": {"summary": "s", "users_affected": "many", "scope": "s"},
        "components": {"checkout": "major_outage", "api": "degraded_performance"},
        "next_update_at": "2026-11-26T10:20:00Z", "author": "@bob",
        "decision": {
            "question": "q",
            "options": [{"id": "A", "summary": "s", "time_to_restore": "30m", "risk": "r", "data_loss": "d"}],
            "chosen": "A", "rationale": "r",
        },
        "exempt": [{"rule": "cadence/late", "reason": "r"}],
    });
    let last = json!({
        "at": "2026-11-26T11:00:00Z", "status": "resolved", "message": "m",
        "components": {"checkout": "operational", "api": "operational"}, "author": "@bob",
    });
    let postmortem = json!({
        "status": "published", "due": "2026-11-29", "published_at": "2026-11-26T18:00:00Z",
        "authors": ["@alice"], "summary": "s",
        "impact": {"summary": "s", "users_affected": "many", "scope": "s", "data_loss": "d"},
        "mitigated_at": "2026-11-26T10:50:00Z",
        "timeline": [{"at": "2026-11-26T10:30:00Z", "event": "e"}],
        "trigger": "t", "root_causes": ["r"], "contributing_factors": ["c"],
        "detection": {"how": "h", "improvements": ["i"]},
        "response": {"went_well": ["w"], "went_wrong": ["w"], "got_lucky": ["g"]},
        "communication": {"went_well": ["w"], "to_improve": ["t"]},
        "action_items": [{"id": "AI-1", "title": "t", "type": "prevent", "owner": "@carol", "due": "2026-12-10", "priority": "p1", "done": false}],
        "lessons": ["l"],
        "exempt": [{"rule": "report/readability", "reason": "r"}],
        "customer_report": {
            "apology": "a", "what_happened": "w", "root_cause": "r", "fix": "f", "prevention": "p",
            "revised_at": "2026-11-26T19:00:00Z", "revision_reason": "r",
        },
    });
    BTreeMap::from([
        ("config", config),
        ("incident", incident),
        ("first", first),
        ("last", last),
        ("postmortem", postmortem),
    ])
}

/// Text that rules give a meaning to, so it cannot be just any text.
const EXEMPT: &[&str] = &[
    // Names one of the options' ids (a rule checks it).
    "/decision/chosen",
    // An IANA zone name, checked by a rule.
    "/site/timezone",
    // Rule ids, checked by a rule.
    "/exempt/rule",
    "/exempt/*/rule",
    // The one-exemption form of `/exempt/*/reason`, which is filled.
    "/exempt/reason",
    // Phrases the rules look for; never rendered.
    "/language/blame/*",
    "/language/vague/*",
    "/language/jargon/*",
    // Where an import came from (`imported:`); no output reads them.
    "/imported/id",
    "/imported/shortlink",
];

/// Writes the repository with `text` in every free-text field; returns the
/// schema paths filled per file kind.
fn write_repo(root: &Path, text: &str) -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut filled = BTreeMap::new();
    let dir = root.join("incidents").join(ID);
    fs::create_dir_all(dir.join("updates")).unwrap();
    for (name, mut doc) in base_documents() {
        let (kind, path) = match name {
            "config" => ("config", root.join("incidentkit.yaml")),
            "incident" => ("incident", dir.join("incident.yaml")),
            "first" => ("update", dir.join(FIRST)),
            "last" => ("update", dir.join(LAST)),
            _ => ("postmortem", dir.join("postmortem.yaml")),
        };
        let schema = schema(kind);
        let done = fill(&mut doc, &schema, text, EXEMPT);
        filled
            .entry(kind)
            .or_insert_with(BTreeSet::new)
            .extend(done);
        fs::write(path, serde_yaml::to_string(&doc).unwrap()).unwrap();
    }
    filled
}

fn incident(root: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", NOW).arg("-C").arg(root);
    cmd
}

fn stdout(root: &Path, args: &[&str]) -> String {
    let out = incident(root).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "incident {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What a document may hold beyond what a plain repository renders to:
/// the elements Markdown makes.
const MARKDOWN_TAGS: &[&str] = &[
    "p",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "br",
    "hr",
    "blockquote",
    "del",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

#[derive(Default)]
struct Markup {
    tags: BTreeSet<String>,
    attributes: BTreeSet<String>,
}

fn markup(html: &str, into: &mut Markup) {
    let doc = scraper::Html::parse_document(html);
    for node in doc.tree.nodes() {
        if let Some(el) = node.value().as_element() {
            into.tags.insert(el.name().to_string());
            for (name, _) in el.attrs() {
                into.attributes.insert(name.to_string());
            }
        }
    }
}

/// Inert: no element or attribute the plain repository's output lacks, no
/// event handler, and links only to http(s), mailto or within the site.
fn assert_inert_html(what: &str, html: &str, allowed: &Markup) {
    let doc = scraper::Html::parse_document(html);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        assert!(
            allowed.tags.contains(el.name()) || MARKDOWN_TAGS.contains(&el.name()),
            "{what}: <{}> comes from the input",
            el.name()
        );
        for (name, value) in el.attrs() {
            assert!(
                allowed.attributes.contains(name) && !name.starts_with("on"),
                "{what}: attribute {name}={value:?} on <{}> comes from the input",
                el.name()
            );
            if ["href", "src", "action", "formaction"].contains(&name) {
                let scheme = value
                    .split_once(':')
                    .filter(|(s, _)| !s.contains(['/', '?', '#']))
                    .map(|(s, _)| s.trim().to_ascii_lowercase());
                assert!(
                    scheme.is_none_or(|s| ["http", "https", "mailto"].contains(&s.as_str())),
                    "{what}: {name}={value:?}"
                );
            }
        }
    }
}

/// The plain text a reader sees in an HTML document.
fn html_text(html: &str) -> String {
    scraper::Html::parse_document(html)
        .root_element()
        .text()
        .collect()
}

fn json_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|i| json_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| json_strings(i, out)),
        _ => {}
    }
}

/// Everything a repository renders to, by a name saying what it is.
fn outputs(root: &Path) -> BTreeMap<String, String> {
    let site = root.join("site-out");
    let out = incident(root)
        .args(["build", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "build failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut all = BTreeMap::new();
    for entry in walk(&site) {
        let name = entry.strip_prefix(&site).unwrap().display().to_string();
        all.insert(format!("site/{name}"), fs::read_to_string(&entry).unwrap());
    }
    fs::remove_dir_all(&site).unwrap();
    for audience in ["internal", "external"] {
        for format in ["md", "text", "slack", "html", "teams"] {
            all.insert(
                format!("update.{audience}.{format}"),
                stdout(
                    root,
                    &[
                        "render",
                        "update",
                        ID,
                        "--audience",
                        audience,
                        "--format",
                        format,
                    ],
                ),
            );
        }
    }
    // What a terminal shows.
    all.insert("show.terminal".into(), stdout(root, &["show", ID]));
    for doc in ["postmortem", "report"] {
        for format in ["md", "html"] {
            all.insert(
                format!("{doc}.{format}"),
                stdout(root, &["render", doc, ID, "--format", format]),
            );
        }
    }
    all
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Each output as the HTML it is or becomes: pages as they are, Markdown as
/// any Markdown renderer (GitHub, an e-mail client) would show it, feed
/// entries' HTML content.
fn as_html(name: &str, text: &str) -> Vec<String> {
    if name.ends_with(".html") {
        vec![text.to_string()]
    } else if name.ends_with(".md") {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
        vec![html]
    } else if name.ends_with(".atom") || name.ends_with(".rss") || name.ends_with(".xml") {
        let doc =
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        // Atom says which text is HTML; RSS readers take an item's description as HTML.
        doc.descendants()
            .filter(|n| {
                n.attribute("type") == Some("html")
                    || (n.has_tag_name("description")
                        && n.parent().is_some_and(|p| p.has_tag_name("item")))
            })
            .filter_map(|n| n.text().map(str::to_string))
            .collect()
    } else {
        Vec::new()
    }
}

/// The readable text of an output.
fn readable(name: &str, text: &str) -> String {
    if name.ends_with(".json") || name.ends_with(".slack") {
        let mut out = String::new();
        json_strings(&serde_json::from_str(text).unwrap(), &mut out);
        out
    } else if name.ends_with(".html") {
        html_text(text)
    } else {
        text.to_string()
    }
}

#[test]
fn hostile_text_in_every_field_renders_inert_and_readable() {
    // What a plain repository renders to is the markup allowed.
    let plain = tempfile::tempdir().unwrap();
    let expected_fields = write_repo(
        plain.path(),
        "Plain words with *emphasis* and [a link](https://example.com).",
    );
    let mut allowed = Markup::default();
    for (name, text) in outputs(plain.path()) {
        for html in as_html(&name, &text) {
            markup(&html, &mut allowed);
        }
    }

    // Every free-text field of every schema was filled.
    for kind in ["config", "incident", "update", "postmortem"] {
        let missing: Vec<String> = free_text(&schema(kind))
            .into_iter()
            .filter(|p| !EXEMPT.contains(&p.as_str()))
            .filter(|p| !expected_fields[kind].contains(p))
            .collect();
        assert!(
            missing.is_empty(),
            "{kind}: the base documents lack {missing:?}: add them so they get hostile text"
        );
    }

    let strings = hostile_strings();
    let mut outputs_checked = 0;
    for hostile in &strings {
        let tmp = tempfile::tempdir().unwrap();
        write_repo(tmp.path(), &hostile.text);
        let rendered = outputs(tmp.path());
        let mut seen = false;
        for (name, text) in &rendered {
            let what = format!("{} in {name}", hostile.name);
            for html in as_html(name, text) {
                assert_inert_html(&what, &html, &allowed);
            }
            if name.ends_with(".json") || name.ends_with(".slack") || name.ends_with(".teams") {
                serde_json::from_str::<Value>(text)
                    .unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
            }
            // Teams renders a Markdown link in a TextBlock as a link whose
            // address hides behind any words.
            if name.ends_with(".teams") {
                let mut strings = String::new();
                json_strings(&serde_json::from_str(text).unwrap(), &mut strings);
                assert!(
                    !strings.contains("]("),
                    "{what}: a Markdown link:\n{strings}"
                );
            }
            if name.ends_with(".terminal") {
                assert!(
                    !text.contains(['\u{1b}', '\u{7}', '\u{8}', '\u{202E}']),
                    "{what}: a control character reaches the terminal:\n{text}"
                );
            }
            let reads = readable(name, text);
            // Templates in the input are never evaluated.
            assert!(
                !reads.contains("T49T") && !reads.contains("looploop"),
                "{what}"
            );
            seen |= reads.contains(hostile.probe);
            outputs_checked += 1;
        }
        assert!(
            seen,
            "{}: {:?} is nowhere to be read",
            hostile.name, hostile.probe
        );
        // Where the public reads it, the probe is there as text.
        for name in ["site/index.html", &format!("site/incidents/{ID}.html")] {
            let page = rendered
                .get(name)
                .unwrap_or_else(|| panic!("{}: no {name} in {:?}", hostile.name, rendered.keys()));
            let text = readable(name, page);
            assert!(
                text.contains(hostile.probe),
                "{}: {name} does not show {:?}",
                hostile.name,
                hostile.probe
            );
        }
        let slack: Value = serde_json::from_str(&rendered["update.external.slack"]).unwrap();
        let mut slack_text = String::new();
        json_strings(&slack, &mut slack_text);
        // Slack refuses a payload whose blocks are longer than this.
        let section = slack["blocks"][1]["text"]["text"].as_str().unwrap();
        let unescaped = section
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert!(
            unescaped.chars().count() <= 3000,
            "{}: section of {} chars",
            hostile.name,
            unescaped.chars().count()
        );
        assert!(
            slack["blocks"][0]["text"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count()
                <= 150
        );
        for control in [
            "<!channel>",
            "<!here>",
            "<@U",
            "<https://evil",
            "<javascript:",
        ] {
            assert!(
                !slack_text.contains(control),
                "{}: the Slack payload holds {control}",
                hostile.name
            );
        }
    }
    eprintln!(
        "{} free-text fields, {} hostile strings, {} outputs each checked ({} in all)",
        expected_fields.values().map(BTreeSet::len).sum::<usize>(),
        strings.len(),
        outputs_checked / strings.len(),
        outputs_checked
    );
}
