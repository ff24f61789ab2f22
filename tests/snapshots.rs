//! Snapshots of every kind of output for the example repository, with
//! "now" fixed. A change to a template or to `examples/acme` shows up here as
//! a diff to review; accept it with `INSTA_UPDATE=always cargo test --test
//! snapshots` (or `cargo insta review`). With `CI=true` a changed snapshot
//! fails the test.

use crate::support::example;
use assert_cmd::Command;

/// 2026-11-27T14:00:00Z: the checkout outage is resolved, the e-mail delay
/// active, the database upgrade upcoming.
const NOW: &str = "1795788000";
const CHECKOUT: &str = "2026-11-26-checkout-502s";

fn incident() -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", NOW).arg("-C").arg(example());
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = incident().args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// One file of a fresh build of the example.
fn built(path: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    incident()
        .arg("build")
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(out.join(path)).unwrap()
}

/// A snapshot without the expression that made it (the test names it).
fn snap(name: impl Into<String>, value: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name.into(), value));
}

#[test]
fn front_page() {
    snap("site_index_html", built("index.html"));
}

#[test]
fn incident_page() {
    snap(
        "site_incident_html",
        built(&format!("incidents/{CHECKOUT}.html")),
    );
}

#[test]
fn api_summary() {
    snap("api_summary_json", built("api/v2/summary.json"));
}

#[test]
fn api_incidents() {
    snap("api_incidents_json", built("api/v2/incidents.json"));
}

#[test]
fn atom_feed() {
    snap("history_atom", built("history.atom"));
}

#[test]
fn badge() {
    snap("badge_json", built("badge.json"));
}

/// During the outage, just after the rollback decision: the internal
/// update has severity, roles, channel, decision and note; the external
/// one none of them.
#[test]
fn stakeholder_updates() {
    for audience in ["internal", "external"] {
        for format in ["md", "text", "slack", "html"] {
            snap(
                format!("update_{audience}_{format}"),
                stdout(&[
                    "render",
                    "update",
                    CHECKOUT,
                    "--at",
                    "2026-11-26T10:30:00Z",
                    "--audience",
                    audience,
                    "--format",
                    format,
                ]),
            );
        }
    }
}

#[test]
fn postmortem() {
    snap("postmortem_md", stdout(&["render", "postmortem", CHECKOUT]));
}

#[test]
fn customer_report() {
    snap("report_md", stdout(&["render", "report", CHECKOUT]));
}
