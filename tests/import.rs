//! `incident import`: real pages' shapes in, a repository that validates out,
//! every change on the way in reported; and the round trip through our own
//! `api/v2`.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};

/// 2026-11-27T14:00:00Z, as in tests/build.rs: in the example, the e-mail
/// delay is active and the database upgrade is upcoming.
const NOW: &str = "1795788000";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn incident(dir: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", NOW).current_dir(dir);
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Validates with JSON output; returns (errors, warnings).
fn validate(repo: &Path) -> (Vec<Value>, Vec<Value>) {
    let out = incident(repo)
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = report["diagnostics"]
        .as_array()
        .cloned()
        .expect("validate's JSON report has a diagnostics array");
    let (errors, warnings) = all.into_iter().partition(|d| d["level"] == "error");
    (errors, warnings)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn statuspage(tmp: &Path) -> (PathBuf, String) {
    let out = tmp.join("fjord");
    let report = stdout(
        incident(tmp)
            .args(["import", "statuspage", "--out", "fjord"])
            .arg(fixtures().join("statuspage")),
    );
    (out, report)
}

#[test]
fn a_statuspage_history_imports_whole_and_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = statuspage(tmp.path());
    let (errors, warnings) = validate(&repo);
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        warnings.is_empty(),
        "imported history is spared the practice rules: {warnings:#?}"
    );

    // Components and groups, ids read from names; a component history names
    // but the page no longer lists is kept, retired.
    let config = read(&repo.join("incidentkit.yaml"));
    assert!(
        config.starts_with(
            "# yaml-language-server: $schema=.incidentkit/schemas/config.schema.json\n"
        )
    );
    for line in [
        "name: Fjord Cloud",
        "timezone: America/New_York",
        "- id: api\n  name: API",
        "- id: rest-api\n  name: REST API\n  group: api",
        "- id: webhooks-legacy\n  name: Webhooks (legacy)\n  retired: true",
    ] {
        assert!(config.contains(line), "{line:?} in\n{config}");
    }

    let big = repo.join("incidents/2025-02-11-elevated-api-error-rates-failed-uploads");
    let decl = read(&big.join("incident.yaml"));
    for line in [
        "title: Elevated API error rates & failed uploads",
        "severity: sev1",
        "declared_at: 2025-02-11T14:14:28Z",
        "  id: p31zjtct2jer",
        "  shortlink: https://stspg.io/p31zj",
    ] {
        assert!(decl.contains(line), "{line:?} in\n{decl}");
    }
    // display_at, not created_at; entities decoded; Markdown kept.
    let identified = read(&big.join("updates/2025-02-11T14-50-00Z.yaml"));
    assert!(
        identified.contains("a storage node <us-east-1c> is failing over"),
        "{identified}"
    );
    let monitoring = read(&big.join("updates/2025-02-11T15-31-10Z.yaml"));
    assert!(
        monitoring.contains("A fix has been deployed — we're monitoring"),
        "{monitoring}"
    );
    assert!(monitoring.contains("* API: **normal**"), "{monitoring}");
    // A placeholder among the affected components names nothing.
    let first = read(&big.join("updates/2025-02-11T14-14-28Z.yaml"));
    assert!(
        first.contains("components:\n  object-storage: partial_outage\n  rest-api: major_outage\n"),
        "{first}"
    );
    // The post-mortem narrative, marked imported; the `postmortem` update is not an update.
    let pm = read(&big.join("postmortem.yaml"));
    assert!(
        pm.contains(
            "status: published\npublished_at: 2025-02-14T16:00:00Z\nsummary: |-\n  ## What happened"
        ),
        "{pm}"
    );
    assert!(pm.contains("lost its disks & the failover"), "{pm}");
    assert!(pm.contains("imported:\n  from: statuspage"), "{pm}");
    assert_eq!(fs::read_dir(big.join("updates")).unwrap().count(), 4);

    // Two updates in one second: unique, ordered names, one second apart.
    let burst = repo.join("incidents/2024-11-05-webhooks-delivered-late/updates");
    let mut names: Vec<String> = fs::read_dir(&burst)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2024-11-05T15-20-03Z.yaml",
            "2024-11-05T15-41-17Z.yaml",
            "2024-11-05T15-41-18Z.yaml",
            "2024-11-05T17-00-00Z.yaml"
        ]
    );
    assert!(read(&burst.join("2024-11-05T15-41-17Z.yaml")).contains("Correction: only EU"));
    assert!(read(&burst.join("2024-11-05T17-00-00Z.yaml")).contains("message: Resolved.\n"));
    // No updates at all: one resolving update, so the incident is not open forever.
    let quiet = read(
        &repo.join("incidents/2025-01-20-delayed-usage-graphs/updates/2025-01-20T15-30-00Z.yaml"),
    );
    assert!(
        quiet.contains("status: resolved\nmessage: Resolved.\n"),
        "{quiet}"
    );
    // Seen in three files: the newest (incidents/<id>.json) adds an update.
    let merged = repo.join("incidents/2025-03-14-graphql-api-slow-for-some-queries/updates");
    assert_eq!(fs::read_dir(&merged).unwrap().count(), 2);
    // A follow-up after the resolution reopens (and resolves) it.
    let follow =
        read(&repo.join(
            "incidents/2024-12-02-dashboard-login-failures/updates/2024-12-02T10-00-00Z.yaml",
        ));
    assert!(follow.contains("reopen: true"), "{follow}");
    // Maintenance with its window.
    let maint = read(&repo.join("incidents/2025-01-08-object-storage-maintenance/incident.yaml"));
    assert!(maint.contains("kind: maintenance"), "{maint}");
    assert!(
        maint
            .contains("scheduled_for: 2025-01-12T07:00:00Z\nscheduled_until: 2025-01-12T08:00:00Z"),
        "{maint}"
    );

    // Every change is reported: what, where, why.
    for said in [
        "read 5 files from statuspage: 5 incidents, 1 maintenance, 5 components (1 retired) in 1 groups",
        "wrote 6 incident folders",
        "component `b13yz5g2cw10` is `rest-api`",
        "incident `1rgq3lfv9q3n` merged from 3 files",
        "incidents.json (incident 7vzm3lb5mfsd): one update \"Resolved.\" (resolved) added at 2025-01-20T15:30:00Z (the incident has no updates",
        "component `webhooks-legacy` (\"Webhooks (legacy)\") added, marked retired (incident `c6hxt5hb4tq2` names it",
        "update w3): empty message replaced by \"Resolved.\"",
        "update w2): time moved from 2024-11-05T15:41:17Z to 2024-11-05T15:41:18Z (several updates in the same second",
        "update h8j8): affected component \"No components were affected by this update.\" left out (a placeholder",
        "update h8j9): time is display_at 2025-02-11T14:50:00Z, not created_at 2025-02-11T14:58:00Z",
        "update h8k0): HTML entities in the message decoded",
        "update h8k2): `postmortem` update left out",
        "update d2): marked `reopen: true`",
        "summary.json: current status `partial_outage` of `object-storage` not imported",
        "validate: 0 errors, 0 warnings",
    ] {
        assert!(report.contains(said), "{said:?} in\n{report}");
    }
    // The GraphQL API is degraded because of the open incident: nothing to say.
    assert!(
        !report.contains("of `graphql-api` not imported"),
        "{report}"
    );
}

#[test]
fn the_imported_marker_is_what_spares_the_practice_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = statuspage(tmp.path());
    let file =
        repo.join("incidents/2025-02-11-elevated-api-error-rates-failed-uploads/incident.yaml");
    let text = read(&file);
    let cut = text.find("imported:").unwrap();
    fs::write(&file, &text[..cut]).unwrap();
    let (errors, warnings) = validate(&repo);
    let rules: Vec<&str> = warnings.iter().filter_map(|w| w["rule"].as_str()).collect();
    assert!(rules.contains(&"roles/no-commander"), "{rules:?}");
    assert!(rules.contains(&"update/no-eta"), "{rules:?}");
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn severities_follow_the_mapping_which_a_flag_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    stdout(
        incident(tmp.path())
            .args([
                "import",
                "statuspage",
                "--out",
                "r",
                "--severity",
                "major=sev1",
                "--severity",
                "none=sev3",
            ])
            .arg(fixtures().join("statuspage/incidents.json")),
    );
    let sev = |id: &str| {
        let t = read(&tmp.path().join(format!("r/incidents/{id}/incident.yaml")));
        t.lines()
            .find(|l| l.starts_with("severity:"))
            .unwrap()
            .to_string()
    };
    assert_eq!(sev("2024-12-02-dashboard-login-failures"), "severity: sev1");
    assert_eq!(sev("2025-01-20-delayed-usage-graphs"), "severity: sev3");
    assert_eq!(sev("2024-11-05-webhooks-delivered-late"), "severity: sev3");
    incident(tmp.path())
        .args([
            "import",
            "statuspage",
            "--out",
            "s",
            "--severity",
            "huge=sev1",
        ])
        .arg(fixtures().join("statuspage"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the impact is one of critical, major, minor, none",
        ));
}

#[test]
fn into_an_existing_repository_only_adds_and_skips_what_it_has() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = statuspage(tmp.path());
    let before = read(&repo.join("incidentkit.yaml"));
    let again = stdout(
        incident(tmp.path())
            .args(["import", "statuspage", "--into", "fjord"])
            .arg(fixtures().join("statuspage")),
    );
    assert!(
        again.contains("wrote 0 incident folders (0 files)"),
        "{again}"
    );
    assert!(again.contains("skipped 6 imported before"), "{again}");
    assert!(
        again.contains("skipped `p31zjtct2jer` (Elevated API error rates & failed uploads) (already imported as incidents/2025-02-11-elevated-api-error-rates-failed-uploads)"),
        "{again}"
    );
    assert_eq!(read(&repo.join("incidentkit.yaml")), before);
    // Only what this run did: incidentkit.yaml is not written, and nothing
    // of the incidents it skips is changed.
    for not_done in [
        "marked retired",
        "HTML entities",
        "is `rest-api`",
        "merged from",
    ] {
        assert!(!again.contains(not_done), "{not_done:?} in\n{again}");
    }

    // A repository that lacks a component: nothing is written, and the
    // error says what to add.
    let other = tmp.path().join("other");
    incident(tmp.path())
        .args(["init", "other"])
        .assert()
        .success();
    incident(tmp.path())
        .args(["import", "statuspage", "--into", "other"])
        .arg(fixtures().join("statuspage"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("add them under `components:`"))
        .stderr(predicates::str::contains(
            "- {id: webhooks-legacy, name: \"Webhooks (legacy)\", retired: true}",
        ));
    assert_eq!(
        fs::read_dir(other.join("incidents")).unwrap().count(),
        1,
        "only .gitkeep"
    );

    // A folder that is not empty is refused.
    incident(tmp.path())
        .args(["import", "statuspage", "--out", "fjord"])
        .arg(fixtures().join("statuspage"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("use --into"));
}

/// A page whose names hold HTML entities, an incident without a name or an
/// impact, two components named alike; and the same incident still open.
fn acme(tmp: &Path) -> (PathBuf, String) {
    let report = stdout(
        incident(tmp)
            .args(["import", "statuspage", "--out", "acme"])
            .arg(fixtures().join("statuspage-acme")),
    );
    (tmp.join("acme"), report)
}

#[test]
fn entities_are_decoded_in_the_page_and_component_names_too() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = acme(tmp.path());
    let config = read(&repo.join("incidentkit.yaml"));
    for line in [
        "site:\n  name: Acme & Co Status\n",
        "- id: storefront-payments\n  name: Storefront & Payments\n",
        "description: 'Pay & go: cards, wallets & invoices'",
    ] {
        assert!(config.contains(line), "{line:?} in\n{config}");
    }
    assert!(!config.contains("&amp;"), "{config}");
    let readme = read(&repo.join("README.md"));
    assert!(!readme.contains("&amp;"), "{readme}");
    for said in [
        "summary.json: HTML entities in the page name decoded",
        "summary.json: HTML entities in the name of group `q8r2m5xk0wl7` decoded",
        "summary.json: HTML entities in the description of component `v1kd8h3nq2c5` decoded",
    ] {
        assert!(report.contains(said), "{said:?} in\n{report}");
    }
}

#[test]
fn an_empty_name_a_null_impact_and_names_alike_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, report) = acme(tmp.path());
    assert!(validate(&repo).0.is_empty());
    let decl =
        read(&repo.join("incidents/2025-05-20-untitled-catalog-searches-are-slow/incident.yaml"));
    assert!(
        decl.contains("title: 'Untitled: Catalog searches are slow.'\n"),
        "{decl}"
    );
    assert!(decl.contains("severity: sev4\n"), "{decl}");
    let config = read(&repo.join("incidentkit.yaml"));
    assert!(config.contains("- id: api\n  name: API\n"), "{config}");
    assert!(config.contains("- id: api-2\n  name: API\n"), "{config}");
    for said in [
        "(incident f3j8s1dq6w0a): title \"Untitled: Catalog searches are slow.\" given (the name is empty",
        "(incident f3j8s1dq6w0a): no impact: taken as `none` (sev4) (the incident has `impact: null`",
        "incidentkit.yaml: components `api` and `api-2` have the same name \"API\"",
    ] {
        assert!(report.contains(said), "{said:?} in\n{report}");
    }
}

#[test]
fn a_newer_export_adds_the_updates_of_an_incident_imported_open() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = acme(tmp.path());
    let open = repo.join("incidents/2025-06-03-card-payments-failing");
    let files_before = |dir: &Path| -> Vec<(PathBuf, String)> {
        let mut all: Vec<(PathBuf, String)> = fs::read_dir(dir.join("updates"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .chain([dir.join("incident.yaml")])
            .map(|p| (p.clone(), read(&p)))
            .collect();
        all.sort();
        all
    };
    let before = files_before(&open);
    assert_eq!(before.len(), 3, "{before:#?}");
    let again = stdout(
        incident(tmp.path())
            .args(["import", "statuspage", "--into", "acme"])
            .arg(fixtures().join("statuspage-acme-later")),
    );
    assert!(validate(&repo).0.is_empty());
    // The resolution is a new file; what was there is kept byte for byte.
    let resolved = read(&open.join("updates/2025-06-03T10-40-58Z.yaml"));
    assert!(
        resolved.contains("status: resolved\nmessage: Card payments have worked normally for two hours. This incident is resolved.\ncomponents:\n  checkout: operational\n"),
        "{resolved}"
    );
    assert!(!resolved.contains("reopen"), "{resolved}");
    for (path, text) in &before {
        assert_eq!(&read(path), text, "{} rewritten", path.display());
    }
    for said in [
        "wrote 0 incident folders (0 files)",
        "skipped 1 imported before",
        "added 1 files to 1 incidents imported before",
        "(incident hx9v2kq7m3rb): 1 newer update of `hx9v2kq7m3rb` added to incidents/2025-06-03-card-payments-failing (2025-06-03T10:40:58Z)",
        "`imported.until` in its incident.yaml still says 2025-06-03T08:15:28Z: set it to 2025-06-03T10:40:58Z",
        "skipped `f3j8s1dq6w0a`",
    ] {
        assert!(again.contains(said), "{said:?} in\n{again}");
    }
    // Only what this run did: nothing on incidentkit.yaml, nothing on the
    // updates and declarations imported before.
    for not_done in [
        "components taken from the incidents",
        "HTML entities",
        "no impact",
        "title \"Untitled",
    ] {
        assert!(!again.contains(not_done), "{not_done:?} in\n{again}");
    }
}

/// A post-mortem published after the first import is added with what the
/// import did to it; the incident's own notes are not said again.
#[test]
fn a_post_mortem_added_later_is_reported_with_its_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = acme(tmp.path());
    let later = tmp.path().join("later");
    fs::create_dir(&later).unwrap();
    let mut export: Value = serde_json::from_str(&read(
        &fixtures().join("statuspage-acme-later/incidents.json"),
    ))
    .unwrap();
    let resolved = export["incidents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["id"] == "f3j8s1dq6w0a")
        .unwrap();
    resolved["postmortem_body"] = "A bad deploy &amp; a missed alert.".into();
    fs::write(later.join("incidents.json"), export.to_string()).unwrap();
    let again = stdout(
        incident(tmp.path())
            .args(["import", "statuspage", "--into", "acme"])
            .arg(&later),
    );
    assert!(validate(&repo).0.is_empty());
    for said in [
        "post-mortem of `f3j8s1dq6w0a` added",
        "(incident f3j8s1dq6w0a): HTML entities in the post-mortem decoded",
    ] {
        assert!(again.contains(said), "{said:?} in\n{again}");
    }
    assert!(!again.contains("title \"Untitled"), "{again}");
}

#[test]
fn incidents_json_alone_takes_components_from_the_incidents_unretired() {
    let tmp = tempfile::tempdir().unwrap();
    let report = stdout(
        incident(tmp.path())
            .args(["import", "statuspage", "--out", "r"])
            .arg(fixtures().join("statuspage/incidents.json")),
    );
    let repo = tmp.path().join("r");
    assert!(validate(&repo).0.is_empty());
    let config = read(&repo.join("incidentkit.yaml"));
    assert!(!config.contains("retired"), "{config}");
    // The incident's own list names it as the page did, without the group.
    assert!(config.contains("name: REST API\n"), "{config}");
    assert!(!report.contains("no longer lists it"), "{report}");
    assert!(report.contains("(0 retired)"), "{report}");
    assert!(
        report.contains("incidentkit.yaml: components taken from the incidents: `graphql-api`, `webhooks-legacy`, `rest-api`, `object-storage`, `dashboard`"),
        "{report}"
    );
    assert!(
        report.contains("import summary.json or components.json with these files for their names, groups and order"),
        "{report}"
    );
}

#[test]
fn bad_input_names_the_file_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("page.json"),
        "<html>Just a moment...</html>",
    )
    .unwrap();
    incident(tmp.path())
        .args(["import", "statuspage", "--out", "r", "page.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("page.json: not JSON"))
        .stderr(predicates::str::contains("save the API response unchanged"));
    fs::write(tmp.path().join("badge.json"), r#"{"schemaVersion": 1}"#).unwrap();
    incident(tmp.path())
        .args(["import", "statuspage", "--out", "r", "badge.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "badge.json: not a Statuspage API v2 response",
        ));
    let bad_time = json!({"incidents": [{"id": "abc", "name": "Down", "status": "resolved", "created_at": "yesterday",
        "incident_updates": []}]});
    fs::write(tmp.path().join("incidents.json"), bad_time.to_string()).unwrap();
    incident(tmp.path())
        .args(["import", "statuspage", "--out", "r", "incidents.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "incidents.json: created_at: `yesterday` is not an RFC 3339 time",
        ));
    assert!(!tmp.path().join("r").exists(), "nothing written");
}

#[test]
fn a_folder_without_a_statuspage_response_says_so_and_a_cstate_site_which_import_it_needs() {
    let tmp = tempfile::tempdir().unwrap();
    // A cState site as cloned: Hugo templates named .json among its layouts.
    let site = tmp.path().join("status-site");
    fs::create_dir_all(site.join("content/issues")).unwrap();
    fs::create_dir_all(site.join("layouts/services")).unwrap();
    fs::write(
        site.join("config.yml"),
        "title: X\nparams: {systems: [API]}\n",
    )
    .unwrap();
    fs::write(site.join("layouts/services/index.json"), "").unwrap();
    fs::write(
        site.join("layouts/index.json"),
        "{{ $incidents := where .Site.RegularPages \"Params.section\" \"issue\" }}{\n  \"is\": \"index\"\n}\n",
    )
    .unwrap();
    incident(tmp.path())
        .args(["import", "statuspage", "--out", "r", "status-site"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "status-site: no Statuspage API v2 response here: this is a cState (Hugo) site (config.yml, content/issues); run `incident import cstate",
        ));
    // A folder whose .json files are all something else: said, nothing written.
    fs::create_dir(tmp.path().join("saved")).unwrap();
    fs::write(
        tmp.path().join("saved/badge.json"),
        r#"{"schemaVersion": 1, "label": "status", "message": "up"}"#,
    )
    .unwrap();
    incident(tmp.path())
        .args(["import", "statuspage", "--out", "r", "saved"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "saved: no Statuspage API v2 response among its 1 .json files",
        ));
    assert!(!tmp.path().join("r").exists(), "nothing written");
}

/// The public facts of `api/v2`: incidents and maintenance with their
/// updates (status, body, time) and components.
fn public_facts(site: &Path) -> Value {
    let api =
        |f: &str| -> Value { serde_json::from_str(&read(&site.join("api/v2").join(f))).unwrap() };
    let incident = |i: &Value| {
        let updates: Vec<Value> = i["incident_updates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                json!([
                    u["status"],
                    u["body"],
                    u["display_at"],
                    u["created_at"],
                    u["affected_components"]
                ])
            })
            .collect();
        json!({
            "id": i["id"], "name": i["name"], "status": i["status"], "impact": i["impact"],
            "created_at": i["created_at"], "started_at": i["started_at"], "monitoring_at": i["monitoring_at"],
            "resolved_at": i["resolved_at"], "scheduled_for": i["scheduled_for"],
            "scheduled_until": i["scheduled_until"], "updates": updates,
            "components": i["components"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
        })
    };
    let list = |f: &str, key: &str| -> Vec<Value> {
        api(f)[key]
            .as_array()
            .unwrap()
            .iter()
            .map(incident)
            .collect()
    };
    let components: Vec<Value> = api("components.json")["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!([
                c["id"],
                c["name"],
                c["status"],
                c["description"],
                c["group_id"],
                c["group"],
                c["position"]
            ])
        })
        .collect();
    json!({
        "incidents": list("incidents.json", "incidents"),
        "unresolved": list("incidents/unresolved.json", "incidents"),
        "maintenance": list("scheduled-maintenances.json", "scheduled_maintenances"),
        "upcoming": list("scheduled-maintenances/upcoming.json", "scheduled_maintenances"),
        "components": components,
        "summary_status": api("summary.json")["status"],
    })
}

#[test]
fn round_trip_build_import_build_keeps_the_public_api() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("acme");
    crate::support::copy_example(&repo);
    stdout(
        incident(&repo)
            .args(["build", "--out"])
            .arg(tmp.path().join("site1")),
    );
    let report = stdout(
        incident(tmp.path())
            .args(["import", "statuspage", "--out", "imported"])
            .arg(tmp.path().join("site1/api/v2")),
    );
    assert!(
        report.contains("validate: 0 errors, 0 warnings"),
        "{report}"
    );
    stdout(
        incident(&tmp.path().join("imported"))
            .args(["build", "--out"])
            .arg(tmp.path().join("site2")),
    );
    let before = public_facts(&tmp.path().join("site1"));
    let after = public_facts(&tmp.path().join("site2"));
    assert!(before["incidents"].as_array().unwrap().len() >= 5);
    assert!(!before["maintenance"].as_array().unwrap().is_empty());
    assert!(!before["unresolved"].as_array().unwrap().is_empty());
    assert_eq!(
        serde_json::to_string_pretty(&before).unwrap(),
        serde_json::to_string_pretty(&after).unwrap()
    );
}

#[test]
fn a_cstate_site_imports_whole_and_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let report = stdout(
        incident(tmp.path())
            .args(["import", "cstate", "--out", "harbor"])
            .arg(fixtures().join("cstate")),
    );
    let repo = tmp.path().join("harbor");
    let (errors, warnings) = validate(&repo);
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(warnings.is_empty(), "{warnings:#?}");
    let config = read(&repo.join("incidentkit.yaml"));
    for line in [
        "name: Harbor Status",
        "url: https://status.harbor.example",
        "- id: edge\n  name: Edge\n  description: Where your connections arrive.",
        "- id: gateway\n  name: Gateway\n  group: edge",
        "- id: media-proxy\n  name: Media Proxy",
        "- id: legacy-chat\n  name: Legacy Chat\n  retired: true",
    ] {
        assert!(config.contains(line), "{line:?} in\n{config}");
    }
    assert!(!config.contains("Empty Category"), "{config}");

    // Track markers are the updates, newest first in the body.
    let us = repo.join("incidents/2018-05-25-us-east-connection-issues");
    let decl = read(&us.join("incident.yaml"));
    assert!(decl.contains("severity: sev2"), "{decl}");
    assert!(
        decl.contains("components:\n- api\n- gateway\n- media-proxy\n"),
        "{decl}"
    );
    let first = read(&us.join("updates/2018-05-25T04-13-00Z.yaml"));
    assert!(first.contains("status: investigating\nmessage: Some users on the US East coast cannot connect. We are looking into it.\ncomponents:\n  api: major_outage"), "{first}");
    let last = read(&us.join("updates/2018-05-25T05-54-00Z.yaml"));
    assert!(last.contains("status: resolved\nmessage: Users on the US East coast can connect again.\ncomponents:\n  api: operational"), "{last}");

    // A space in the file name, a one-digit hour, a severity outside cState's list.
    let slow = repo.join("incidents/2019-03-02-api-responses-slow-chat-delayed");
    let decl = read(&slow.join("incident.yaml"));
    assert!(
        decl.contains("title: API responses slow & chat delayed"),
        "{decl}"
    );
    assert!(decl.contains("declared_at: 2019-03-02T09:05:00Z"), "{decl}");
    assert!(decl.contains("  id: 2019-03-02 api slow.md"), "{decl}");
    assert!(decl.contains("severity: sev2"), "{decl}");
    assert!(slow.join("updates/2019-03-02T09-40-00Z.yaml").is_file());
    assert!(
        read(&slow.join("updates/2019-03-02T10-30-00Z.yaml"))
            .contains("status: resolved\nmessage: Resolved.\n")
    );

    // Untracked updates: the oldest at `date`, the newest at resolvedWhen.
    let dms = repo.join("incidents/2017-12-17-issues-sending-dms/updates");
    assert!(read(&dms.join("2017-12-17T16-24-00Z.yaml")).contains("status: investigating"));
    assert!(
        read(&dms.join("2017-12-17T16-58-00Z.yaml"))
            .contains("status: resolved\nmessage: This incident has been resolved.")
    );
    assert_eq!(fs::read_dir(&dms).unwrap().count(), 2);
    // Still open: stays open.
    let open =
        read(&repo.join(
            "incidents/2024-06-01-gateway-errors-in-europe/updates/2024-06-01T06-45-00Z.yaml",
        ));
    assert!(open.contains("status: monitoring"), "{open}");

    for said in [
        "read 6 files from cstate: 5 incidents, 0 maintenance, 6 components (1 retired) in 2 groups",
        "config.yml: category \"Empty Category\" left out",
        "2019-03-02 api slow.md: date `2019-03-02 9:05:00` read as 2019-03-02T09:05:00 (a one-digit hour)",
        "2019-03-02 api slow.md: severity `major` read as `down` (cState's severities are down, disrupted and notice)",
        "component `legacy-chat` (\"Legacy Chat\") added, marked retired",
        "2019-03-02 api slow.md: update \"Resolved.\" added at 2019-03-02T10:30:00Z (resolved: true, but no update says so)",
        "2017-12-17-sending-dms-impacted.md: update \"*update*\" read as `resolved`",
        "2024-02-24-maintenance-window.md: informational post imported as a resolved sev4 incident",
        "times without an offset taken as UTC",
    ] {
        assert!(report.contains(said), "{said:?} in\n{report}");
    }

    // Again, into the same repository: nothing new.
    let again = stdout(
        incident(tmp.path())
            .args(["import", "cstate", "--into", "harbor"])
            .arg(fixtures().join("cstate")),
    );
    assert!(again.contains("skipped 5 imported before"), "{again}");
    // What the first import said of the config and the issues is not said
    // again: this one wrote neither.
    for not_again in [
        "left out",
        "read as",
        "added, marked retired",
        "informational",
    ] {
        assert!(!again.contains(not_again), "{not_again:?} in\n{again}");
    }
}

#[test]
fn a_cstate_site_with_toml_config_and_front_matter() {
    let tmp = tempfile::tempdir().unwrap();
    stdout(
        incident(tmp.path())
            .args(["import", "cstate", "--out", "quay"])
            .arg(fixtures().join("cstate-toml")),
    );
    let repo = tmp.path().join("quay");
    assert!(validate(&repo).0.is_empty());
    assert!(read(&repo.join("incidentkit.yaml")).contains("- id: search\n  name: Search\n"));
    let updates = repo.join("incidents/2021-09-09-search-down/updates");
    assert!(read(&updates.join("2021-09-09T15-00-00Z.yaml")).contains("status: resolved"));
}

#[test]
fn a_cstate_folder_that_is_not_a_site_is_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    incident(tmp.path())
        .args(["import", "cstate", "--out", "r", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no config.yml, config.toml or hugo.* here",
        ));
    fs::create_dir_all(tmp.path().join("site/content/issues")).unwrap();
    fs::write(
        tmp.path().join("site/config.yml"),
        "title: X\nparams: {systems: [API]}\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("site/content/issues/bad date.md"),
        "---\ntitle: Down again\ndate: last tuesday\n---\nBody\n",
    )
    .unwrap();
    incident(tmp.path())
        .args(["import", "cstate", "--out", "r", "site"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "bad date.md: date `last tuesday` is not a date",
        ))
        .stderr(predicates::str::contains("correct the front matter"));
    assert!(!tmp.path().join("r").exists());
}

#[test]
fn a_retired_component_is_kept_for_history_and_left_off_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = statuspage(tmp.path());
    let site = tmp.path().join("site");
    incident(tmp.path())
        .arg("-C")
        .arg(&repo)
        .args(["build", "--out"])
        .arg(&site)
        .assert()
        .success();
    let components = read(&site.join("api/v2/components.json"));
    assert!(!components.contains("webhooks-legacy"), "{components}");
    assert!(components.contains("\"rest-api\""), "{components}");
    let front = read(&site.join("index.html"));
    assert!(
        !front.contains("Webhooks (legacy)"),
        "the front page lists what is offered"
    );
    // The incident that named it still says so.
    let incidents = read(&site.join("api/v2/incidents.json"));
    assert!(incidents.contains("Webhooks (legacy)"), "history keeps it");
}

/// A source that tells an update at another time than the repository holds
/// it (an earlier import read its times another way) does not add it again.
#[test]
fn an_update_held_at_another_time_is_not_added_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, _) = acme(tmp.path());
    let mut later: Value = serde_json::from_str(&read(
        &fixtures().join("statuspage-acme-later/incidents.json"),
    ))
    .unwrap();
    let monitoring = later["incidents"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["id"] == "hx9v2kq7m3rb")
        .unwrap()["incident_updates"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|u| u["status"] == "monitoring")
        .unwrap();
    for key in ["display_at", "created_at"] {
        monitoring[key] = "2025-06-03T12:15:27.862+02:00".into();
    }
    let export = tmp.path().join("shifted");
    fs::create_dir(&export).unwrap();
    fs::write(export.join("incidents.json"), later.to_string()).unwrap();
    let open = repo.join("incidents/2025-06-03-card-payments-failing/updates");
    let again = stdout(
        incident(tmp.path())
            .args(["import", "statuspage", "--into", "acme"])
            .arg(&export),
    );
    assert!(
        again.contains("the source's update at 2025-06-03T10:15:28Z (monitoring) not added again"),
        "{again}"
    );
    assert!(!open.join("2025-06-03T10-15-28Z.yaml").exists(), "{again}");
    assert!(open.join("2025-06-03T10-40-58Z.yaml").exists(), "{again}");
    assert!(validate(&repo).0.is_empty());
}

/// An issue the cState site has since turned into a draft (Hugo no longer
/// shows it) adds nothing to the incident the repository publishes.
#[test]
fn a_source_that_hides_an_incident_adds_nothing_to_the_published_one() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    crate::support::copy_dir(&fixtures().join("cstate"), &site);
    stdout(
        incident(tmp.path())
            .args(["import", "cstate", "--out", "harbor"])
            .arg(&site),
    );
    let issue = site.join("content/issues/2024-06-01-gateway-errors.md");
    let text = read(&issue)
        .replace("resolved: false\n", "resolved: false\ndraft: true\n")
        .replace(
            "*Monitoring* -",
            "*Identified* - Internal: the vendor's key leaked. {{< track \"2024-06-01T09:30:00+02:00\" >}}\n\n*Monitoring* -",
        );
    fs::write(&issue, text).unwrap();
    let again = stdout(
        incident(tmp.path())
            .args(["import", "cstate", "--into", "harbor"])
            .arg(&site),
    );
    assert!(
        again.contains("nothing added to incidents/2024-06-01-"),
        "{again}"
    );
    let published = tmp.path().join("harbor/incidents");
    let found = fs::read_dir(&published)
        .unwrap()
        .flat_map(|d| {
            fs::read_dir(d.unwrap().path().join("updates"))
                .into_iter()
                .flatten()
        })
        .map(|u| read(&u.unwrap().path()))
        .any(|t| t.contains("the vendor's key leaked"));
    assert!(!found, "{again}");
}
