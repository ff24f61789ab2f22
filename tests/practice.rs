//! The practice rules through the real binary, beyond the one-mistake
//! fixtures of `tests/validate.rs`: what must *not* be reported
//! (`tests/fixtures/valid/<case>/`, e.g. "the retry failed to connect"), that
//! an exemption is listed rather than hidden, and that `rules:` changes a
//! rule's level.

use crate::support::copy_dir;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// When a fixture is judged: when its last entry was written (a time
/// after "now" would be in the future, `timeline/future`).
fn now_of(dir: &Path) -> String {
    fn walk(dir: &Path, latest: &mut i64) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, latest);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                for line in fs::read_to_string(&path).unwrap_or_default().lines() {
                    let time = line
                        .strip_prefix("at: ")
                        .or_else(|| line.strip_prefix("declared_at: "));
                    if let Some(t) = time.and_then(|t| t.parse::<jiff::Timestamp>().ok()) {
                        *latest = (*latest).max(t.as_second());
                    }
                }
            }
        }
    }
    let mut latest = 0;
    walk(dir, &mut latest);
    latest.to_string()
}

fn fixture(kind: &str, case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
        .join(case)
}

fn validate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = crate::support::cmd()
        .args(["validate", "-C"])
        .arg(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", now_of(dir))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(dir: &Path) -> Value {
    let (_, stdout, stderr) = validate(dir, &["--format", "json"]);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"))
}

#[test]
fn every_valid_fixture_has_no_findings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut cases = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let report = json(&path);
        assert_eq!(
            report["diagnostics"],
            Value::Array(vec![]),
            "{}",
            path.display()
        );
        cases += 1;
    }
    assert!(cases >= 2);
}

#[test]
fn an_exemption_is_listed_with_its_reason_never_silent() {
    let dir = fixture("valid", "exempted-black-hole");
    let (code, stdout, stderr) = validate(&dir, &[]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    assert!(
        stderr.contains("2 findings exempted:")
            && stderr.contains("[cadence/eta-beyond-policy] the next update is promised 32 min after this one, beyond the SEV-1 policy (an update every 15 min)")
            && stderr.contains("[cadence/black-hole] 32 min without an update during SEV-1 (policy: every 15 min), 10:18 → 10:50 UTC")
            && stderr.contains("(reason: the chat service was down; updates went out by phone)"),
        "{stderr}"
    );
    let report = json(&dir);
    assert_eq!(report["exempted"][1]["rule"], "cadence/black-hole");
    assert_eq!(report["exempted"][1]["line"], 1);
    let (_, github, _) = validate(&dir, &["--format", "github"]);
    assert!(
        github.starts_with("::notice title=incidentkit exemptions::2 findings exempted:%0A"),
        "{github}"
    );

    // Without its reason the same exemption is an error and not honoured.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&dir, tmp.path());
    let update = tmp
        .path()
        .join("incidents/2026-11-26-checkout-down/updates/2026-11-26T10-50-00Z.yaml");
    let text = fs::read_to_string(&update).unwrap();
    let without = text.replace(
        ", reason: the chat service was down; updates went out by phone}",
        "}",
    );
    assert_ne!(text, without);
    fs::write(&update, without).unwrap();
    let report = json(tmp.path());
    let rules: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["level"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [
            ("cadence/black-hole", "warning"),
            ("exempt/no-reason", "error")
        ]
    );
    let exempted: Vec<&str> = report["exempted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(exempted, ["cadence/eta-beyond-policy"]);
}

/// An action item may be due from the day impact began, as the incident's
/// facts say: detected the day before it was declared, that day counts.
#[test]
fn an_action_item_may_be_due_from_the_day_impact_began() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("invalid", "action-items"), tmp.path());
    let early = |dir: &Path| -> Vec<String> {
        let report = json(dir);
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "actions/due-before-incident")
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(early(tmp.path()).len(), 2, "{:?}", early(tmp.path()));
    let incident = tmp
        .path()
        .join("incidents/2026-11-26-checkout-down/incident.yaml");
    let text = fs::read_to_string(&incident).unwrap();
    fs::write(
        &incident,
        format!("{text}detected_at: 2026-11-25T08:00:00Z\n"),
    )
    .unwrap();
    let found = early(tmp.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("`AI-3`") && found[0].contains("before the incident began (2026-11-25)"),
        "{found:?}"
    );
}

#[test]
fn the_configured_level_wins_over_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("invalid", "cadence-black-hole"), tmp.path());
    let levels = |report: &Value| -> Vec<String> {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}[{}]",
                    d["level"].as_str().unwrap(),
                    d["rule"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        levels(&json(tmp.path())),
        ["warning[cadence/black-hole]", "warning[cadence/late]"]
    );
    let config = tmp.path().join("incidentkit.yaml");
    let base = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        format!("{base}rules:\n  cadence/black-hole: deny\n  cadence/late: allow\n"),
    )
    .unwrap();
    assert_eq!(levels(&json(tmp.path())), ["error[cadence/black-hole]"]);
    let (code, _, _) = validate(tmp.path(), &[]);
    assert_eq!(code, 1, "deny makes validate fail");
}

#[test]
fn the_overdue_rule_reads_the_clock() {
    let dir = fixture("invalid", "cadence-overdue");
    let at = |epoch: &str| {
        let out = crate::support::cmd()
            .args(["validate", "--format", "json", "-C"])
            .arg(&dir)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["diagnostics"].as_array().unwrap().len()
    };
    assert_eq!(at("1795684800"), 0, "09:20 UTC: the promised time itself");
    assert_eq!(at("1795689000"), 1, "10:30 UTC: 1 h 10 min overdue");
}

#[test]
fn list_flags_an_update_overdue_by_the_cadence_when_nothing_was_promised() {
    // sev2, last update 10:10 without `next_update_at`: due 11:10 by the cadence.
    let out = crate::support::cmd()
        .args(["list", "--format", "json", "-C"])
        .arg(fixture("invalid", "update-no-impact-eta"))
        .env("SOURCE_DATE_EPOCH", "1795692600") // 2026-11-26T11:30:00Z
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["next_update_at"], "2026-11-26T11:10:00Z");
    assert_eq!(rows[0]["overdue_minutes"], 20);
}
