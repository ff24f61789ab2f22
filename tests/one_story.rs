//! One incident, one story: every output (page, API, feeds, stakeholder
//! updates, post-mortem, customer report, stats, GitHub labels) shows the
//! facts the model computes once, and an internal entry changes no public
//! file. Through the real binary, on the example and on the corpus.

use crate::support::gen_corpus;

use crate::support::copy_example;
use crate::support::{example, read_tree};
use assert_cmd::Command;
use incidentkit::model::facts::Source;
use incidentkit::model::{Facts, Incident, Indicator, Kind, Repository, View};
use incidentkit::render::site::impact_label;
use incidentkit::render::time::{SiteTime, human_duration, iso};
use incidentkit::repo::Files;
use jiff::Timestamp;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// 2026-11-27T14:00:00Z: the checkout incident is resolved, the e-mail
/// delay is open.
const NOW: &str = "1795788000";

fn incident(dir: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", NOW).arg("-C").arg(dir);
    cmd
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = incident(dir).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn repository(dir: &Path) -> Repository {
    let outcome = incidentkit::check::check(&Files::on_disk(dir)).unwrap();
    outcome.repository.expect("the repository reads")
}

fn now() -> Timestamp {
    Timestamp::from_second(NOW.parse().unwrap()).unwrap()
}

fn duration(facts: &Facts<'_>) -> Option<String> {
    facts
        .duration()
        .map(|d| human_duration(d.as_signed().as_secs()))
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn an_internal_entry_changes_no_public_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_example(&repo);
    let before = tmp.path().join("before");
    incident(&repo)
        .args(["build", "--out"])
        .arg(&before)
        .assert()
        .success();

    // The open e-mail incident (sev3, degraded): an internal log entry that
    // raises it to sev1, breaks two components and says it is identified.
    fs::write(
        repo.join("incidents/2026-11-27-order-emails-delayed/updates/2026-11-27T13-00-00Z.yaml"),
        "at: 2026-11-27T13:00:00Z\nstatus: identified\nseverity: sev1\nauthor: \"@ops\"\n\
         internal_note: SECRET-NOTE the mail provider's key leaked\n\
         components: {payments-api: major_outage, notifications: major_outage}\n\
         impact: {summary: SECRET-IMPACT every order}\n",
    )
    .unwrap();
    let after = tmp.path().join("after");
    incident(&repo)
        .args(["build", "--out"])
        .arg(&after)
        .assert()
        .success();
    let (before, after) = (read_tree(&before), read_tree(&after));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let changed: Vec<&String> = before
        .iter()
        .filter(|(path, bytes)| after[*path] != **bytes)
        .map(|(path, _)| path)
        .collect();
    assert!(changed.is_empty(), "public files changed: {changed:?}");

    // The internal outputs do see it.
    let internal = stdout(
        &repo,
        &[
            "render",
            "update",
            "2026-11-27-order-emails-delayed",
            "--audience",
            "internal",
        ],
    );
    assert!(internal.contains("SEV-1"), "{internal}");
    assert!(internal.contains("SECRET-NOTE"), "{internal}");
    let external = stdout(
        &repo,
        &["render", "update", "2026-11-27-order-emails-delayed"],
    );
    assert!(!external.contains("SECRET"), "{external}");
    assert!(!external.contains("SEV-1"), "{external}");
}

/// Checks every output of `dir` against the facts of each incident.
fn every_output_agrees(dir: &Path, github: &GithubStandIn) {
    let repo = repository(dir);
    let config = &repo.config;
    let clock = SiteTime::new(config);
    let tmp = tempfile::tempdir().unwrap();
    let (site, internal_out) = (tmp.path().join("site"), tmp.path().join("internal"));
    incident(dir)
        .arg("build")
        .arg("--out")
        .arg(&site)
        .arg("--internal-out")
        .arg(&internal_out)
        .assert()
        .success();
    let api: Value =
        serde_json::from_slice(&fs::read(site.join("api/v2/incidents.json")).unwrap()).unwrap();
    let maintenance: Value =
        serde_json::from_slice(&fs::read(site.join("api/v2/scheduled-maintenances.json")).unwrap())
            .unwrap();
    let listed: Vec<&Value> = api["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .chain(maintenance["scheduled_maintenances"].as_array().unwrap())
        .collect();
    let stats: Value = serde_json::from_str(&stdout(dir, &["stats", "--format", "json"])).unwrap();
    let plan: Value = serde_json::from_str(
        &incident(dir)
            .env("GITHUB_API_URL", github.uri())
            .env("GITHUB_TOKEN", "test-token-that-is-long-enough-0123")
            .args([
                "actions",
                "plan",
                "--format",
                "json",
                "--include-drafts",
                "--repo",
                "acme/incidents",
            ])
            .output()
            .map(|o| {
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                String::from_utf8(o.stdout).unwrap()
            })
            .unwrap(),
    )
    .unwrap();

    let mut by_peak: BTreeMap<String, u64> = BTreeMap::new();
    for i in repo
        .incidents
        .iter()
        .filter(|i| i.declaration.declared_at <= now())
    {
        let public = i.facts(View::Public, now());
        let internal = i.internal_facts();
        if i.declaration.kind == Kind::Incident
            && let Some(s) = internal.peak_severity
        {
            *by_peak.entry(s.as_str().to_string()).or_default() += 1;
        }
        if i.is_public() {
            public_outputs_agree(dir, &site, &listed, &clock, config, i, &public);
        }
        internal_outputs_agree(dir, &clock, config, i, &internal);
    }

    // Stats count each incident at its peak severity, as the labels do.
    let counted: BTreeMap<String, u64> = stats["by_severity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["key"].as_str().unwrap().to_string(),
                row["count"].as_u64().unwrap(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(counted, by_peak, "stats by severity");
    list_agrees(dir, &repo);
    let creates: Vec<&Value> = plan["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("no steps in the plan: {plan}"))
        .iter()
        .filter(|step| step["action"] == "create")
        .collect();
    let items: usize = repo
        .incidents
        .iter()
        .filter_map(|i| i.postmortem.as_ref())
        .map(|pm| pm.action_items.len())
        .sum();
    assert_eq!(creates.len(), items, "a create per action item: {plan}");
    for change in creates {
        let key = change["key"].as_str().unwrap();
        let id = key.split('/').next().unwrap();
        let i = repo.incidents.iter().find(|i| i.id == id).unwrap();
        let peak = i.internal_facts().peak_severity.unwrap();
        let labels: Vec<&str> = change["labels"]
            .as_array()
            .unwrap_or_else(|| panic!("labels of {change}"))
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(
            labels.contains(&peak.as_str()),
            "{key}: {labels:?} lacks {peak}"
        );
        let others = ["sev1", "sev2", "sev3", "sev4"]
            .into_iter()
            .filter(|s| *s != peak.as_str());
        for other in others {
            assert!(!labels.contains(&other), "{key}: {labels:?}");
        }
    }
}

fn public_outputs_agree(
    dir: &Path,
    site: &Path,
    listed: &[&Value],
    clock: &SiteTime,
    config: &incidentkit::model::Config,
    i: &Incident,
    public: &Facts<'_>,
) {
    let id = i.id.as_str();
    let maintenance = i.declaration.kind == Kind::Maintenance;
    let impact = if maintenance {
        Indicator::Maintenance
    } else {
        public
            .policy(config)
            .map_or(Indicator::None, |p| Indicator::from(p.impact))
    };
    // The API.
    if let Some(json) = listed.iter().find(|v| v["id"] == id) {
        // Statuspage starts a maintenance when it is posted.
        let started = if maintenance {
            public.declared
        } else {
            public.started.at
        };
        assert_eq!(json["started_at"], iso(started), "{id} started_at");
        assert_eq!(
            json["resolved_at"],
            public.resolved.map_or(Value::Null, |t| Value::from(iso(t))),
            "{id} resolved_at"
        );
        assert_eq!(json["impact"], impact.as_str(), "{id} impact");
        if let Some(m) = public
            .mitigated
            .filter(|m| m.source == Source::MonitoringEntry)
        {
            assert_eq!(json["monitoring_at"], iso(m.at), "{id} monitoring_at");
        }
        assert_eq!(
            json["incident_updates"].as_array().unwrap().len(),
            public.entries.len(),
            "{id}: public updates in the API"
        );
    }
    // The incident page.
    let page = fs::read_to_string(site.join(format!("incidents/{id}.html"))).unwrap();
    assert!(
        page.contains(impact_label(impact).label),
        "{id}: impact on the page"
    );
    if !maintenance {
        if let (Some(resolved), Some(lasted)) = (public.resolved, duration(public)) {
            assert!(
                page.contains(&format!("datetime=\"{}\"", iso(resolved))),
                "{id}"
            );
            assert!(
                page.contains(&format!("(lasted {lasted} ")),
                "{id}: lasted {lasted}\n{page}"
            );
        }
        if public.started.source != Source::DeclaredAt {
            assert!(
                page.contains(&format!(
                    "<dt>Started</dt><dd><time datetime=\"{}\"",
                    iso(public.started.at)
                )),
                "{id}: the start the duration counts from is shown"
            );
        }
    }
    // The external stakeholder update and the customer report.
    let external = stdout(dir, &["render", "update", id, "--format", "md"]);
    for note in i.updates.iter().filter_map(|u| u.internal_note.as_deref()) {
        let line = note.lines().next().unwrap_or_default().trim();
        assert!(
            line.is_empty() || !external.contains(line),
            "{id}: internal note published"
        );
    }
    if let Some(lasted) = duration(public).filter(|_| !maintenance) {
        assert!(
            external.contains(&format!(
                "**Lasted:** {lasted}, from {}",
                clock.when(public.started.at).local
            )),
            "{id}\n{external}"
        );
        let report = stdout(dir, &["render", "report", id]);
        assert!(
            report.contains(&format!("({lasted})")),
            "{id}: report\n{report}"
        );
    }
}

/// `list` gives each incident's severity in force and its peak, and its
/// table shows the peak of a resolved incident, as stats and the labels do.
fn list_agrees(dir: &Path, repo: &Repository) {
    let rows: Value = serde_json::from_str(&stdout(dir, &["list", "--format", "json"])).unwrap();
    let table = stdout(dir, &["list"]);
    for row in rows.as_array().unwrap() {
        let id = row["id"].as_str().unwrap();
        let facts = repo
            .incidents
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .facts(View::Internal, now());
        let name = |s: Option<incidentkit::model::Severity>| s.map(|s| s.as_str().to_string());
        let field = |key: &str| row[key].as_str().map(str::to_string);
        assert_eq!(field("severity"), name(facts.state.severity), "{id}");
        assert_eq!(field("peak_severity"), name(facts.peak_severity), "{id}");
        let shown = if facts.state.resolved_at.is_some() {
            facts.peak_severity
        } else {
            facts.state.severity
        };
        let line = table.lines().find(|l| l.starts_with(id)).unwrap();
        assert_eq!(
            line.split_whitespace().nth(1).map(str::to_string),
            Some(name(shown).unwrap_or_else(|| "-".into())),
            "{line}"
        );
    }
}

fn internal_outputs_agree(
    dir: &Path,
    clock: &SiteTime,
    config: &incidentkit::model::Config,
    i: &Incident,
    internal: &Facts<'_>,
) {
    let id = i.id.as_str();
    let text = |s: incidentkit::model::Severity| format!("{s:#} ({})", config.policy(s).label);
    let update = stdout(
        dir,
        &[
            "render",
            "update",
            id,
            "--audience",
            "internal",
            "--format",
            "md",
        ],
    );
    if let Some(s) = internal.state.severity {
        assert!(
            update.contains(&format!("**Severity:** {}", text(s))),
            "{id}\n{update}"
        );
    }
    if let Some(lasted) = duration(internal).filter(|_| i.declaration.kind == Kind::Incident) {
        assert!(
            update.contains(&format!("**Lasted:** {lasted},")),
            "{id}\n{update}"
        );
        // The team's update names which start of impact it counts from.
        let from = format!(
            "from {} ({}) to",
            clock.when(internal.started.at).local,
            internal.started.source.as_str()
        );
        assert!(update.contains(&from), "{id}: {from}\n{update}");
    }
    let show = stdout(dir, &["show", id]);
    if let Some(lasted) = duration(internal) {
        assert!(show.contains(&format!("(lasted {lasted})")), "{id}\n{show}");
    }
    if i.declaration.kind != Kind::Incident {
        return;
    }
    let pm = stdout(dir, &["render", "postmortem", id]);
    if let Some(peak) = internal.peak_severity {
        assert!(
            pm.contains(&format!("| Severity | {}", text(peak))),
            "{id}\n{pm}"
        );
    }
    if let Some(m) = internal.mitigated {
        assert!(
            pm.contains(&format!("| Mitigated | {} ", clock.when(m.at).local)),
            "{id}: mitigated\n{pm}"
        );
        assert!(
            pm.contains(m.source.as_str()),
            "{id}: the mitigation's source"
        );
    }
    if let Some(lasted) = duration(internal) {
        assert!(
            pm.contains(&format!("lasted {lasted} from the start")),
            "{id}\n{pm}"
        );
    }
    // Each entry once in the timeline, at its time.
    let timeline = pm.split("## Timeline").nth(1).unwrap();
    for u in &i.updates {
        let row = format!("| {} |", clock.when(u.at).local);
        let rows = count(timeline, &row);
        let own = i
            .postmortem
            .iter()
            .flat_map(|p| &p.timeline)
            .filter(|e| e.at == u.at)
            .count();
        assert_eq!(
            rows,
            1 + own,
            "{id}: the entry at {} appears {rows} times",
            u.at
        );
    }
}

/// A loopback stand-in for GitHub's REST API with no issues yet: `actions
/// plan` lists the label and plans a create per item.
struct GithubStandIn {
    server: wiremock::MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl GithubStandIn {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(wiremock::MockServer::start());
        runtime.block_on(
            wiremock::Mock::given(wiremock::matchers::method("GET"))
                .respond_with(
                    wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!([])),
                )
                .mount(&server),
        );
        Self {
            server,
            _runtime: runtime,
        }
    }

    fn uri(&self) -> String {
        self.server.uri()
    }
}

#[test]
fn every_output_of_the_example_agrees() {
    let github = GithubStandIn::start();
    every_output_agrees(&example(), &github);
    // An anchor, so agreement cannot be agreement on nothing.
    let repo = repository(&example());
    let checkout = repo
        .incidents
        .iter()
        .find(|i| i.id == "2026-11-26-checkout-502s")
        .unwrap();
    assert_eq!(
        duration(&checkout.internal_facts()).as_deref(),
        Some("1h 39m")
    );
}

#[test]
fn every_output_of_the_corpus_agrees() {
    let tmp = tempfile::tempdir().unwrap();
    gen_corpus::generate(tmp.path(), 30, 11).unwrap();
    let github = GithubStandIn::start();
    every_output_agrees(tmp.path(), &github);
}

/// `incident -C DIR …` at `now` (RFC 3339), posted by @alice.
fn at(dir: &Path, now: &str) -> Command {
    let mut cmd = crate::support::cmd();
    let epoch = now.parse::<Timestamp>().unwrap().as_second();
    cmd.env("SOURCE_DATE_EPOCH", epoch.to_string())
        .env("INCIDENT_AUTHOR", "@alice")
        .arg("-C")
        .arg(dir);
    cmd
}

#[test]
fn a_sev1_downgraded_before_resolving_keeps_the_sev1_policy_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("status");
    crate::support::cmd()
        .arg("init")
        .arg(&dir)
        .assert()
        .success();
    at(&dir, "2026-11-26T10:00:00Z")
        .args(["declare", "--title", "Checkout down", "--severity", "sev1"])
        .args([
            "--component",
            "website",
            "--commander",
            "@alice",
            "--comms",
            "@bob",
        ])
        .args(["--impact", "Nobody can check out"])
        .assert()
        .success();
    let id = "2026-11-26-checkout-down";
    at(&dir, "2026-11-26T10:10:00Z")
        .args(["update", id, "--status", "identified", "--severity", "sev2"])
        .args([
            "--message",
            "Only EU customers are affected.",
            "--internal-note",
            "NOTE-ONE pods crash-loop",
        ])
        .assert()
        .success();
    at(&dir, "2026-11-26T10:12:00Z")
        .args([
            "decide",
            id,
            "--option",
            "A: roll back",
            "--option",
            "B: patch forward",
        ])
        .args(["--chosen", "A", "--why", "Fastest restore"])
        .assert()
        .success();
    at(&dir, "2026-11-26T10:40:00Z")
        .args(["resolve", id, "--message", "Checkout works again."])
        .assert()
        .success()
        .stdout(predicates::str::contains("is due 2026-11-29"));
    let pm_path = dir.join(format!("incidents/{id}/postmortem.yaml"));
    let pm: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(&pm_path).unwrap()).unwrap();
    assert_eq!(
        pm["due"].as_str(),
        Some("2026-11-29"),
        "SEV-1: 3 days, not SEV-2's 5"
    );
    assert!(
        pm["customer_report"].is_mapping(),
        "SEV-1 asks for a customer report: {pm:?}"
    );

    // The post-mortem: each entry once, with its note, the severity change
    // and the decision's options.
    let rendered = stdout_at(&dir, "2026-11-26T11:00:00Z", &["render", "postmortem", id]);
    let timeline = rendered.split("## Timeline").nth(1).unwrap();
    assert_eq!(
        count(timeline, "Only EU customers are affected."),
        1,
        "{timeline}"
    );
    assert_eq!(count(timeline, "NOTE-ONE pods crash-loop"), 1, "{timeline}");
    assert_eq!(
        count(timeline, "Severity lowered to SEV-2"),
        1,
        "{timeline}"
    );
    assert_eq!(
        count(
            timeline,
            "options A: roll back; B: patch forward. Chosen: A. Why: Fastest restore"
        ),
        1,
        "{timeline}"
    );
    assert_eq!(count(timeline, "Checkout works again."), 1, "{timeline}");
    assert!(
        rendered.contains("| Severity | SEV-1 (Critical) at its peak, SEV-2 (High) at the end |"),
        "{rendered}"
    );
    // Stats count it as a SEV-1, with the duration the post-mortem shows.
    let stats: Value = serde_json::from_str(&stdout_at(
        &dir,
        "2026-11-26T11:00:00Z",
        &["stats", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(stats["by_severity"][0]["key"], "sev1");
    assert_eq!(stats["by_severity"][0]["count"], 1);
    assert_eq!(stats["all"]["resolve"]["median"], 40.0);
    assert!(rendered.contains("lasted 40m from the start"), "{rendered}");
    // The list says how severe it was, as the post-mortem and stats do.
    let listed = stdout_at(&dir, "2026-11-26T11:00:00Z", &["list"]);
    let row = listed.lines().find(|l| l.starts_with(id)).unwrap();
    assert_eq!(row.split_whitespace().nth(1), Some("sev1"), "{listed}");

    // Published without the report: validate requires it.
    let text = fs::read_to_string(&pm_path).unwrap();
    let published = text
        .replace(
            "status: draft",
            "status: published\npublished_at: 2026-11-27T10:00:00Z",
        )
        .split("\ncustomer_report:")
        .next()
        .unwrap()
        .to_string()
        + "\n";
    fs::write(&pm_path, published).unwrap();
    let out = at(&dir, "2026-11-27T11:00:00Z")
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let found = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{found}");
    assert!(found.contains("requires a customer report"), "{found}");
}

fn stdout_at(dir: &Path, now: &str, args: &[&str]) -> String {
    let out = at(dir, now).args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// The post-mortem marks the action items validate warns are overdue, and
/// no others; it says when it was published.
#[test]
fn the_postmortem_marks_the_items_validate_finds_overdue() {
    let id = "2026-11-26-checkout-502s";
    // 2026-12-12: AI-3 (due 12-11) is late, AI-2 (12-04) is done, AI-1
    // (12-18) and AI-4 (2027) are not due yet.
    let now = "2026-12-12T09:00:00Z";
    let repo = example();
    let pm = stdout_at(&repo, now, &["render", "postmortem", id]);
    let marked: Vec<&str> = pm
        .lines()
        .filter(|l| l.contains("**no: OVERDUE**"))
        .filter_map(|l| l.split('|').nth(1).map(str::trim))
        .collect();
    let out = at(&repo, now)
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "phase/action-overdue" && d["file"].as_str().unwrap().contains(id))
        .map(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .split('`')
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(marked, found, "{pm}");
    assert_eq!(marked, ["AI-3"], "{pm}");
    assert!(
        pm.contains("*Status: published on 27 Nov 2026, 14:30 CET"),
        "{pm}"
    );
}
