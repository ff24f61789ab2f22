//! `incident validate` end to end: the real binary on a corpus of broken
//! repositories, the example, the output formats and the exit codes
//! (0 clean, 1 errors, 2 usage or I/O errors).
//!
//! Each `tests/fixtures/invalid/<case>/` is a small complete repository with
//! one kind of mistake, and `expected.txt` lists its findings, one a line, as
//! `<file>:<line>:<column> <level>[<rule>]` (or `<file> <level>[<rule>]` for
//! findings about a whole file).

use crate::support::copy_dir;
use crate::support::project;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const UPDATE: &str = "incidents/2026-11-26-checkout-down/updates/2026-11-26T10-10-00Z.yaml";

fn fixtures() -> PathBuf {
    project("tests/fixtures/invalid")
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    cases.sort();
    cases
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// 2026-11-26T10:30:00Z: "now" for the rules that read the clock (overdue
/// updates, post-mortems and action items), so results do not depend on the day.
const NOW: &str = "1795689000";

/// 2026-11-27T14:00:00Z: "now" of the example (as in the snapshot tests),
/// after everything it records.
const EXAMPLE_NOW: &str = "1795788000";

/// Runs `incident <args>` with colour off, no GitHub Actions detection and
/// the clock at `NOW`, or at `EXAMPLE_NOW` for the example.
fn incident(args: &[&str]) -> Run {
    let now = if args.iter().any(|a| a.ends_with("examples/acme")) {
        EXAMPLE_NOW
    } else {
        NOW
    };
    let mut cmd = crate::support::cmd();
    cmd.args(args)
        .env("SOURCE_DATE_EPOCH", now)
        .timeout(Duration::from_secs(60));
    let started = Instant::now();
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        took: started.elapsed(),
    }
}

/// Runs `incident validate -C <dir> <args>`.
fn validate(dir: &Path, args: &[&str]) -> Run {
    let dir = dir.to_str().unwrap();
    incident(&[&["validate", "-C", dir], args].concat())
}

/// The JSON report of a repository, checked for its shape.
fn report(dir: &Path) -> (Value, Run) {
    let run = validate(dir, &["--format", "json"]);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
    assert_eq!(report["version"], 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let errors = diagnostics.iter().filter(|d| d["level"] == "error").count();
    assert_eq!(report["summary"]["errors"], errors);
    assert_eq!(report["summary"]["warnings"], diagnostics.len() - errors);
    (report, run)
}

/// One diagnostic in `expected.txt` form.
fn line(d: &Value) -> String {
    let mut place = d["file"].as_str().unwrap().to_string();
    for n in [&d["line"], &d["column"]] {
        if let Some(n) = n.as_u64() {
            place.push_str(&format!(":{n}"));
        }
    }
    format!(
        "{place} {}[{}]",
        d["level"].as_str().unwrap(),
        d["rule"].as_str().unwrap()
    )
}

fn diagnostics(report: &Value) -> &[Value] {
    report["diagnostics"].as_array().unwrap()
}

/// The repository to run a case on: the fixture itself, or for `too-large` a
/// copy whose update is grown past 1 MiB (too big to commit).
fn prepare(case: &str) -> (PathBuf, Option<TempDir>) {
    let dir = fixtures().join(case);
    if case != "too-large" {
        return (dir, None);
    }
    let tmp = TempDir::new().unwrap();
    copy_dir(&dir, tmp.path());
    let file = tmp.path().join(UPDATE);
    let mut text = fs::read_to_string(&file).unwrap();
    let padding = format!("# {}\n", "x".repeat(78));
    while text.len() <= 1024 * 1024 {
        text.push_str(&padding);
    }
    fs::write(&file, text).unwrap();
    (tmp.path().to_path_buf(), Some(tmp))
}

fn expected(case: &str) -> Vec<String> {
    let text = fs::read_to_string(fixtures().join(case).join("expected.txt")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// What differs between two lists of findings, and the whole output to copy.
fn mismatch(case: &str, expected: &[String], report: &Value) -> String {
    let actual: Vec<String> = diagnostics(report).iter().map(line).collect();
    let mut out = format!("{case}: expected.txt does not match\n");
    for l in expected.iter().filter(|l| !actual.contains(l)) {
        out.push_str(&format!("  missing:    {l}\n"));
    }
    for l in actual.iter().filter(|l| !expected.contains(l)) {
        out.push_str(&format!("  unexpected: {l}\n"));
    }
    out.push_str("  actual output:\n");
    for d in diagnostics(report) {
        out.push_str(&format!("    {}  -- {}\n", line(d), d["message"]));
    }
    out
}

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let cases = cases();
    assert!(cases.len() >= 25, "fixtures missing: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let (dir, _tmp) = prepare(case);
        let expected = expected(case);
        assert!(!expected.is_empty(), "{case}: expected.txt is empty");
        let (report, run) = report(&dir);
        let actual: Vec<String> = diagnostics(&report).iter().map(line).collect();
        if actual != expected {
            failures.push(mismatch(case, &expected, &report));
            continue;
        }
        let errors = expected.iter().any(|l| l.contains(" error["));
        let code = i32::from(errors);
        if run.code != code {
            failures.push(format!(
                "{case}: exit code {} (expected {code})\n{}",
                run.code, run.stderr
            ));
        }
        if let Some(d) = diagnostics(&report)
            .iter()
            .find(|d| d["message"].as_str().is_none_or(str::is_empty))
        {
            failures.push(format!("{case}: a finding without a message: {d}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_fixtures_cover_every_rule() {
    let used: BTreeSet<String> = cases()
        .iter()
        .flat_map(|case| expected(case))
        .filter_map(|l| Some(l.split_once('[')?.1.strip_suffix(']')?.to_string()))
        .collect();
    // Unreadable files cannot be made portably (root reads anything), and
    // history rules compare with git history (`--changed-since`), which a
    // folder of files does not have. Links are made by tests/symlinks.rs: a
    // fixture holding one would be a link in this project's own checkout.
    let missing: Vec<&str> = incidentkit::check::rules::ALL
        .iter()
        .map(|r| r.id)
        .filter(|id| *id != "file/unreadable" && *id != "layout/symlink")
        .filter(|id| !id.starts_with("history/"))
        .filter(|id| !used.contains(*id))
        .collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}");
}

#[test]
fn an_unknown_key_suggests_the_known_one() {
    let (report, _) = report(&fixtures().join("unknown-key"));
    let d = &diagnostics(&report)[0];
    assert_eq!(d["message"], "unknown key `comander`");
    assert_eq!(d["hint"], "did you mean `commander`?");
}

#[test]
fn an_alias_bomb_is_rejected_fast() {
    let run = validate(&fixtures().join("alias-bomb"), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("yaml/syntax"), "{}", run.stdout);
    assert!(run.took < Duration::from_secs(2), "took {:?}", run.took);
}

#[test]
fn the_example_validates_clean() {
    let run = validate(&project("examples/acme"), &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.starts_with("ok: "), "{}", run.stderr);
    assert!(
        run.stderr.trim_end().ends_with("no findings"),
        "{}",
        run.stderr
    );

    let (report, run) = report(&project("examples/acme"));
    assert_eq!(run.code, 0);
    assert_eq!(diagnostics(&report), &[] as &[Value]);
}

/// A UTF-8 byte-order mark (what Notepad writes) right before the first
/// key changes nothing, in every kind of file: the findings stay those of
/// the same file without it (it was "more than one document", with no line).
#[test]
fn a_byte_order_mark_changes_nothing_in_any_kind_of_file() {
    let (example, amend) = ("examples/acme", "tests/fixtures/invalid/amend-records");
    let (incident, down) = (
        "incidents/2026-11-26-checkout-502s",
        "incidents/2026-11-26-checkout-down",
    );
    let cases = [
        (example, "incidentkit.yaml".to_string()),
        (example, format!("{incident}/incident.yaml")),
        (
            example,
            format!("{incident}/updates/2026-11-26T10-05-00Z.yaml"),
        ),
        (example, format!("{incident}/postmortem.yaml")),
        (
            amend,
            format!("{down}/corrections/2026-11-26T10-20-00Z--2026-11-26T10-25-00Z.yaml"),
        ),
        (
            amend,
            format!("{down}/redactions/2026-11-26T10-10-00Z--2026-11-26T10-26-00Z.yaml"),
        ),
    ];
    for (repo, file) in cases {
        let tmp = TempDir::new().unwrap();
        copy_dir(&project(repo), tmp.path());
        let path = tmp.path().join(&file);
        // The mark goes before the first key: before a comment it was read.
        let text = fs::read_to_string(&path).unwrap();
        let body: String = text
            .lines()
            .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(&path, &body).unwrap();
        let (without, _) = report(tmp.path());
        fs::write(&path, format!("\u{feff}{body}")).unwrap();
        let (with, _) = report(tmp.path());
        assert_eq!(diagnostics(&with), diagnostics(&without), "{file}");
    }
}

#[test]
fn github_format_is_one_workflow_command_per_finding() {
    let run = validate(
        &fixtures().join("unknown-component"),
        &["--format", "github"],
    );
    assert_eq!(run.code, 1);
    let expected = [
        "::error file=incidents/2026-11-26-checkout-down/incident.yaml,line=4,col=24,title=ref/unknown-component::unknown component `chekout`%0Ahelp: did you mean `checkout`?",
        "::error file=incidents/2026-11-26-checkout-down/updates/2026-11-26T10-10-00Z.yaml,line=6,col=3,title=ref/unknown-component::unknown component `payments`%0Ahelp: components in incidentkit.yaml: checkout, search; a component taken off the page stays listed with `retired: true`, so its history keeps its name",
    ];
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn human_format_shows_the_source_line_and_a_caret() {
    let run = validate(&fixtures().join("wrong-type"), &["--format", "human"]);
    assert_eq!(run.code, 1);
    let expected = "\
error[schema/type]: expected a list, found a string
 --> incidents/2026-11-26-checkout-down/incident.yaml:4:13
  |
4 | components: checkout
  |             ^^^^^^^^
  = help: Ids of the affected components, as listed in incidentkit.yaml.

";
    assert_eq!(run.stdout, expected);
    assert!(
        run.stderr.starts_with("1 error, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = fixtures().join("stray-file");
    assert_eq!(validate(&dir, &[]).code, 0);
    assert_eq!(validate(&dir, &["--deny-warnings"]).code, 1);
    // Errors fail either way.
    assert_eq!(
        validate(&fixtures().join("unknown-key"), &["--deny-warnings"]).code,
        1
    );
}

#[test]
fn outside_a_repository_exits_2_and_says_what_to_do() {
    let empty = TempDir::new().unwrap();
    let run = validate(empty.path(), &[]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("no incidentkit.yaml") && run.stderr.contains("-C DIR"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let acme = project("examples/acme");
    assert_eq!(validate(&acme, &["--format", "yaml"]).code, 2);
    let run = validate(&project("tests/fixtures/no-such-folder"), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-folder"), "{}", run.stderr);
}

#[test]
fn schema_command_prints_the_update_schema() {
    let run = incident(&["schema", "update"]);
    assert_eq!(run.code, 0);
    let on_disk = fs::read_to_string(project("schemas/update.schema.json")).unwrap();
    assert_eq!(run.stdout, on_disk);
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        printed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

/// Every file below `dir`, as paths relative to it with `/`.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.push(rel.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The schema a repository file is written against, compiled by the
/// `jsonschema` crate on its own (formats checked), as another tool would.
fn schema_for(file: &str) -> Option<jsonschema::Validator> {
    let name = if file == "incidentkit.yaml" {
        "config"
    } else if file.ends_with("/incident.yaml") {
        "incident"
    } else if file.ends_with("/postmortem.yaml") {
        "postmortem"
    } else if file.contains("/updates/") && file.ends_with(".yaml") {
        "update"
    } else {
        return None;
    };
    let text = fs::read_to_string(project(&format!("schemas/{name}.schema.json"))).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name}.schema.json: {e}"));
    Some(validator)
}

fn yaml_value(path: &Path) -> Value {
    serde_yaml::from_str(&fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_schemas_accept_every_example_file_in_another_validator() {
    let root = project("examples/acme");
    // The README's quick start builds the example into its site/ (ignored by git).
    let files: Vec<String> = files_under(&root)
        .into_iter()
        .filter(|f| !f.starts_with("site/"))
        .collect();
    let mut checked = 0;
    for file in &files {
        let Some(validator) = schema_for(file) else {
            continue;
        };
        let errors: Vec<String> = validator
            .iter_errors(&yaml_value(&root.join(file)))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
        checked += 1;
    }
    assert_eq!(checked, files.len(), "files without a schema: {files:?}");
}

#[test]
fn the_schemas_reject_the_schema_fixtures_in_another_validator() {
    for case in cases() {
        for l in expected(&case).iter().filter(|l| l.contains("[schema/")) {
            let file = l.split([':', ' ']).next().unwrap();
            let validator = schema_for(file).unwrap();
            let value = yaml_value(&fixtures().join(&case).join(file));
            assert!(!validator.is_valid(&value), "{case}: {file} passes");
        }
    }
}

#[test]
fn files_that_did_not_pass_the_reader_are_never_excerpted() {
    for (case, content) in [
        ("not-utf8", "We are looking into"),
        ("too-large", "xxxxxxxx"),
    ] {
        let (dir, _tmp) = prepare(case);
        let run = validate(&dir, &["--format", "human"]);
        assert_eq!(run.code, 1, "{case}: {}", run.stderr);
        let excerpt = run.stdout.lines().find(|l| {
            l.trim_start()
                .split_once(" |")
                .is_some_and(|(n, _)| n.parse::<usize>().is_ok())
        });
        assert_eq!(
            excerpt, None,
            "{case}: a source line is shown:\n{}",
            run.stdout
        );
        assert!(!run.stdout.contains(content), "{case}:\n{}", run.stdout);
    }
}

/// A resolving update saved as `.yml`, or `post-mortem.yaml`, would not
/// count without a word: an error that names the file to rename it to.
#[test]
fn a_near_miss_of_a_file_name_is_an_error_that_says_what_to_rename_it_to() {
    let run = validate(&fixtures().join("misnamed-file"), &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for (file, meant) in [
        (
            "updates/2026-11-26T10-40-00Z.yml",
            "updates/2026-11-26T10-40-00Z.yaml",
        ),
        ("post-mortem.yaml", "postmortem.yaml"),
    ] {
        let dir = "incidents/2026-11-26-checkout-down";
        assert!(
            run.stdout.contains(&format!(
                "error[layout/misnamed-file]: incidentkit does not read this file, so what it says does not count\n --> {dir}/{file}\n  = help: rename it to `{dir}/{meant}`"
            )),
            "{}",
            run.stdout
        );
    }
}

/// Renaming a component its resolved incidents name, or making its id a
/// group's: the help says ids are permanent and how to rename, never "did
/// you mean" the new id nor "name the group's components" (following either
/// rewrote published updates, which the pull request check refuses).
#[test]
fn a_renamed_component_of_past_incidents_is_not_a_typo() {
    let renamed = |text: &str| text.replace("  - id: checkout\n", "  - id: checkouts\n");
    let grouped = |text: &str| {
        renamed(text)
            .replace(
                "    group: storefront\n  - id: gift-cards",
                "    group: checkout\n  - id: gift-cards",
            )
            .replace(
                "groups:\n",
                "groups:\n  - id: checkout\n    name: Checkout\n",
            )
    };
    for change in [&renamed as &dyn Fn(&str) -> String, &grouped] {
        let tmp = tempfile::tempdir().unwrap();
        crate::support::copy_example(tmp.path());
        let config = tmp.path().join("incidentkit.yaml");
        let text = change(&std::fs::read_to_string(&config).unwrap());
        std::fs::write(&config, &text).unwrap();
        let (report, _) = report(tmp.path());
        let unknown: Vec<&Value> = diagnostics(&report)
            .iter()
            .filter(|d| d["rule"] == "ref/unknown-component")
            .collect();
        assert!(!unknown.is_empty(), "{text}");
        for d in unknown {
            let hint = d["hint"].as_str().unwrap_or_default();
            assert!(
                hint.starts_with("component ids are permanent: published updates keep `checkout`"),
                "{d}"
            );
        }
    }
}
