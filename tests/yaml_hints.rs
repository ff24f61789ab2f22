//! The help `validate` gives for the YAML mistakes people make most, through
//! the real binary: a repository made by `incident init` with one incident
//! declared, one line of a file broken the way people break it at 3 a.m.
//! The place and rule of each finding stay what they were; the help and the
//! duplicate key's message say what to do.

use crate::support::epoch;
use serde_json::Value;
use std::fs;
use std::path::PathBuf;
use tempfile::TempDir;

const NOW: &str = "2026-11-26T10:30:00Z";
const INCIDENT: &str = "incidents/2026-11-26-checkout-down/incident.yaml";
const UPDATE: &str = "incidents/2026-11-26-checkout-down/updates/2026-11-26T10-30-00Z.yaml";

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
fn an_unquoted_handle_is_shown_quoted() {
    let repo = Repo::new();
    repo.edit(INCIDENT, "  commander:", "  commander: @alice");
    let d = repo.finding();
    assert_eq!(place(&d), at(INCIDENT, 10, 14, "yaml/syntax"));
    assert_eq!(d["message"], "found character that cannot start any token");
    assert_eq!(d["hint"], "quote it: `commander: \"@alice\"`");
    // As a person reads it, and as GitHub annotates the line.
    let human = repo.validate("human");
    assert!(
        human.contains("10 |   commander: @alice\n   |              ^\n   = help: quote it: `commander: \"@alice\"`\n"),
        "{human}"
    );
    let github = repo.validate("github");
    assert!(
        github.contains("line=10,col=14,title=yaml/syntax::found character that cannot start any token%0Ahelp: quote it: `commander: \"@alice\"`"),
        "{github}"
    );
}

#[test]
fn a_colon_in_a_message_suggests_quotes_or_a_block() {
    let repo = Repo::new();
    repo.edit(UPDATE, "message:", "message: Cause: a bad deploy.");
    let d = repo.finding();
    assert_eq!(place(&d), at(UPDATE, 4, 15, "yaml/syntax"));
    assert_eq!(
        d["message"],
        "mapping values are not allowed in this context"
    );
    assert_eq!(
        d["hint"],
        "quote the text or write it as a block: `message: |` and the text on the next lines, indented"
    );
}

#[test]
fn a_key_without_its_colon_is_named_where_the_parser_stops() {
    let repo = Repo::new();
    repo.edit(INCIDENT, "severity:", "severity sev3");
    let d = repo.finding();
    // libyaml stops on the next line; that stays the place.
    assert_eq!(place(&d), at(INCIDENT, 6, 1, "yaml/syntax"));
    assert_eq!(d["message"], "could not find expected ':'");
    assert_eq!(
        d["hint"],
        "line 5 `severity sev3` has no `:` — did you mean `severity: sev3`?"
    );
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
    assert_eq!(
        d["hint"],
        "keep one of the two and delete the other (or merge them)"
    );
}

#[test]
fn other_mistakes_keep_the_general_help() {
    let repo = Repo::new();
    repo.edit(INCIDENT, "components:", "components: [website");
    let d = repo.finding();
    assert_eq!(
        d["hint"],
        "fix the YAML at this place; `incident schema incident` prints what the file may hold"
    );
}
