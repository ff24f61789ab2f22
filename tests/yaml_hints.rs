//! What `validate` says about the YAML mistakes people make most, through
//! the real binary: a repository made by `incident init` with one incident
//! declared, one line of a file broken the way people break it at 3 a.m.
//! The place and rule of each finding stay what they were.

use crate::support::epoch;
use serde_json::Value;
use std::fs;
use std::path::PathBuf;
use tempfile::TempDir;

const NOW: &str = "2026-11-26T10:30:00Z";
const INCIDENT: &str = "incidents/2026-11-26-checkout-down/incident.yaml";

/// `incident init` and `incident declare`, as a commander would.
struct Repo {
    _tmp: TempDir,
    root: PathBuf,
}

impl Repo {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("status");
        let mut init = crate::support::cmd();
        init.arg("-C").arg(tmp.path()).args(["init", "status"]);
        init.assert().success();
        let mut declare = crate::support::cmd();
        declare
            .arg("-C")
            .arg(&root)
            .env("SOURCE_DATE_EPOCH", epoch(NOW).to_string())
            .args(["declare", "--title", "Checkout down", "--severity", "sev3"])
            .args(["--component", "website", "--commander", "@alice"]);
        declare.assert().success();
        Self { _tmp: tmp, root }
    }

    /// Replaces the one line of `file` that starts with `from`.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.root.join(file);
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.iter().filter(|l| l.starts_with(from)).count(),
            1,
            "{from:?} in:\n{text}"
        );
        let edited: Vec<&str> = lines
            .into_iter()
            .map(|l| if l.starts_with(from) { to } else { l })
            .collect();
        fs::write(&path, edited.join("\n") + "\n").unwrap();
    }

    fn validate(&self, format: &str) -> String {
        let mut cmd = crate::support::cmd();
        cmd.arg("-C")
            .arg(&self.root)
            .env("SOURCE_DATE_EPOCH", epoch(NOW).to_string())
            .args(["validate", "--format", format]);
        let out = cmd.assert().code(1).get_output().clone();
        String::from_utf8(out.stdout).unwrap()
    }

    /// The one finding of `validate --format json`.
    fn finding(&self) -> Value {
        let report: Value = serde_json::from_str(&self.validate("json")).unwrap();
        let found = report["diagnostics"].as_array().unwrap();
        assert_eq!(found.len(), 1, "{found:#?}");
        found[0].clone()
    }
}

/// A finding's file, line, column and rule, as JSON and GitHub carry them.
fn place(d: &Value) -> (String, u64, u64, String) {
    (
        d["file"].as_str().unwrap().to_string(),
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
        d["rule"].as_str().unwrap().to_string(),
    )
}

fn at(file: &str, line: u64, column: u64, rule: &str) -> (String, u64, u64, String) {
    (file.to_string(), line, column, rule.to_string())
}

#[test]
fn a_duplicate_key_names_the_line_of_the_first() {
    let repo = Repo::new();
    repo.edit(INCIDENT, "channel:", "title: Checkout is down");
    let d = repo.finding();
    assert_eq!(place(&d), at(INCIDENT, 11, 1, "yaml/duplicate-key"));
    assert_eq!(
        d["message"],
        "duplicate key `title`: a key may appear once in a mapping (the first is on line 2)"
    );
}
