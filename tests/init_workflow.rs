//! The GitHub side: the workflow `incident init` writes, the action it points
//! at (`action.yml` and its script `.github/action/run.sh`), and the
//! dogfooding workflow `.github/workflows/incidents.yml`.
//!
//! actionlint and the JSON Schemas (`.ci/lint-github`) check each file on its
//! own; these tests check what they cannot: that `init` really writes the
//! workflow with GitHub's `${{ … }}` expressions intact, that the workflows
//! use only inputs and outputs the action declares, that the dogfooding
//! workflow is the template's workflow, and what the action's script does.

use crate::support::project;
use assert_cmd::Command;
use serde_yaml::{Mapping, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;

const WORKFLOW: &str = ".github/workflows/incidents.yml";
const TEMPLATE: &str = "templates/new/incidents.yml";
const PLACEHOLDER_ACTION: &str = "incidentkit/incidentkit@main";
const COMMANDS: &[&str] = &[
    "validate", "diff", "build", "list", "actions", "pr", "notify",
];

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(text: &str, what: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{what} is not YAML: {e}"))
}

fn incident() -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env_remove("GITHUB_ACTIONS")
        .timeout(Duration::from_secs(60));
    cmd
}

/// What the template renders to: it is one minijinja raw block.
fn template_workflow() -> String {
    let template = read(&project(TEMPLATE));
    let body = template
        .strip_prefix("{% raw -%}\n")
        .and_then(|t| t.strip_suffix("{% endraw %}\n"))
        .expect("the template is one `{% raw -%}` … `{% endraw %}` block");
    assert!(
        !body.contains("{%"),
        "no template tags inside the raw block"
    );
    body.to_string()
}

fn map<'a>(value: &'a Value, key: &str) -> &'a Mapping {
    value
        .get(key)
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("`{key}` is not a mapping in {value:?}"))
}

fn jobs(workflow: &Value) -> &Mapping {
    map(workflow, "jobs")
}

/// Every step of every job that runs the incidentkit action, with its job.
fn action_steps(workflow: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (name, job) in jobs(workflow) {
        for step in job["steps"].as_sequence().into_iter().flatten() {
            let uses = step.get("uses").and_then(Value::as_str).unwrap_or("");
            if uses == "./" || uses.starts_with("incidentkit/incidentkit@") {
                found.push((name.as_str().unwrap().to_string(), step.clone()));
            }
        }
    }
    found
}

#[test]
fn init_writes_the_incidents_workflow() {
    let tmp = TempDir::new().unwrap();
    let out = incident()
        .current_dir(tmp.path())
        .args(["init", "repo", "--name", "Acme Shop"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(&format!("created {WORKFLOW}")), "{stdout}");

    let written = read(&tmp.path().join("repo").join(WORKFLOW));
    assert_eq!(
        written,
        template_workflow(),
        "init writes the template as is"
    );
    // GitHub's expressions survive the template engine untouched.
    assert!(
        written.contains("origin/${{ github.base_ref }}"),
        "{written}"
    );
    assert!(
        written.contains("${{ steps.site.outputs.site }}"),
        "{written}"
    );
    assert!(written.contains(PLACEHOLDER_ACTION), "{written}");

    let workflow = yaml(&written, "the written workflow");
    let on = map(&workflow, "on");
    for trigger in ["pull_request", "push", "schedule"] {
        assert!(on.contains_key(trigger), "triggered on {trigger}");
    }
    // Least privilege: nothing by default, each job asks for its own.
    assert_eq!(workflow["permissions"], Value::Mapping(Mapping::new()));
    for (name, job) in jobs(&workflow) {
        let name = name.as_str().unwrap();
        let permissions = map(job, "permissions");
        let asks = |p: &str| permissions.get(p).and_then(Value::as_str);
        // Beyond reading the code: the comment, the issues, the deployment.
        let writes: &[(&str, &str)] = match name {
            "deploy" => &[("pages", "write"), ("id-token", "write")],
            "check" => &[("contents", "read"), ("pull-requests", "write")],
            "action-items" => &[("contents", "read"), ("issues", "write")],
            // The delivery ledger is a branch notify pushes.
            "notify" => &[("contents", "write")],
            _ => &[("contents", "read")],
        };
        for (permission, level) in writes {
            assert_eq!(asks(permission), Some(*level), "job {name}: {permission}");
        }
        assert_eq!(
            permissions.len(),
            writes.len(),
            "job {name} asks for no more"
        );
        if name == "deploy" {
            assert_eq!(job["environment"]["name"].as_str(), Some("github-pages"));
        }
    }
    // The job that may write a comment reads the pull request's files with
    // no token: only the step that comments gets one.
    let validating: Vec<Value> = action_steps(&workflow)
        .into_iter()
        .filter(|(job, step)| {
            job == "check" && step["with"]["command"].as_str() == Some("validate")
        })
        .map(|(_, step)| step)
        .collect();
    assert_eq!(validating.len(), 1, "{validating:?}");
    assert_eq!(validating[0]["with"]["token"].as_str(), Some(""));
    // A new repository already validates, with the workflow in it.
    incident()
        .current_dir(tmp.path().join("repo"))
        .arg("validate")
        .assert()
        .success();
}

#[test]
fn the_dogfooding_workflow_is_the_template_on_the_example() {
    let mut dogfood = yaml(&read(&project(WORKFLOW)), WORKFLOW);
    let template = yaml(&template_workflow(), TEMPLATE);
    // What differs: the action comes from this checkout, and the incident
    // repository is examples/acme instead of the repository root.
    let job_names: Vec<String> = jobs(&dogfood)
        .keys()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    for name in job_names {
        let steps = dogfood["jobs"][name.as_str()]["steps"]
            .as_sequence_mut()
            .unwrap();
        for step in steps {
            if step.get("uses").and_then(Value::as_str) != Some("./") {
                continue;
            }
            step["uses"] = Value::from(PLACEHOLDER_ACTION);
            let with = step["with"].as_mapping_mut().unwrap();
            // The example's acme/incidents is fictional: the issues are
            // planned against this repository instead of applied.
            if with.get("command").and_then(Value::as_str) == Some("actions") {
                assert_eq!(
                    with.get("args").and_then(Value::as_str),
                    Some("plan --repo \"${{ github.repository }}\"")
                );
                with.insert("args".into(), "apply".into());
            }
            assert_eq!(
                with.remove("working-directory")
                    .as_ref()
                    .and_then(Value::as_str),
                Some("examples/acme"),
                "job {name}"
            );
        }
    }
    let issues = &mut dogfood["jobs"]["action-items"]["permissions"]["issues"];
    assert_eq!(issues.as_str(), Some("read"), "planning only reads issues");
    *issues = Value::from("write");
    assert_eq!(dogfood, template);
}

#[test]
fn workflows_use_only_what_the_action_declares() {
    let action = yaml(&read(&project("action.yml")), "action.yml");
    let inputs: BTreeSet<&str> = map(&action, "inputs")
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    let outputs: BTreeSet<&str> = map(&action, "outputs")
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    for (file, text) in [
        (WORKFLOW, read(&project(WORKFLOW))),
        (TEMPLATE, template_workflow()),
    ] {
        let workflow = yaml(&text, file);
        let steps = action_steps(&workflow);
        assert!(steps.len() >= 3, "{file} uses the action in each job");
        for (job, step) in steps {
            let with = map(&step, "with");
            for key in with.keys() {
                let key = key.as_str().unwrap();
                assert!(
                    inputs.contains(key),
                    "{file} job {job}: unknown input {key}"
                );
            }
            let command = with["command"].as_str().unwrap();
            assert!(COMMANDS.contains(&command), "{file} job {job}: {command}");
            // `steps.<id>.outputs.<name>` of this step name declared outputs.
            if let Some(id) = step.get("id").and_then(Value::as_str) {
                let prefix = format!("steps.{id}.outputs.");
                for (at, _) in text.match_indices(&prefix) {
                    let name: String = text[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                        .collect();
                    assert!(outputs.contains(name.as_str()), "{file}: output {name}");
                }
            }
        }
    }
}

#[test]
fn the_action_passes_inputs_to_scripts_only_through_the_environment() {
    let action = yaml(&read(&project("action.yml")), "action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let mut scripts = 0;
    for step in steps {
        if let Some(script) = step.get("run").and_then(Value::as_str) {
            scripts += 1;
            assert!(
                !script.contains("${{"),
                "an expression inside a run: script is a script-injection hole:\n{script}"
            );
        }
    }
    assert!(scripts > 0);
    let install = serde_yaml::to_string(steps).unwrap();
    assert!(install.contains(r#"cargo install --locked"#), "{install}");
    assert!(
        install.contains(r#"--path "$GITHUB_ACTION_PATH""#),
        "{install}"
    );
}

/// Runs the action's script as action.yml does, in `dir`.
#[cfg(unix)]
struct ActionRun {
    code: i32,
    stdout: String,
    outputs: String,
    summary: String,
}

#[cfg(unix)]
fn action(dir: &Path, command: &str, args: &str, now: &str) -> ActionRun {
    let files = TempDir::new().unwrap();
    let outputs = files.path().join("output");
    let summary = files.path().join("summary");
    fs::write(&outputs, "").unwrap();
    fs::write(&summary, "").unwrap();
    let out = std::process::Command::new("bash")
        .arg(project(".github/action/run.sh"))
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", now)
        .env("INCIDENT_BIN", crate::support::bin())
        .env("INPUT_COMMAND", command)
        .env("INPUT_ARGS", args)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    ActionRun {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        outputs: read(&outputs),
        summary: read(&summary),
    }
}

#[cfg(unix)]
#[test]
fn the_action_reports_overdue_updates() {
    // 2026-11-18T11:06:40Z: a SEV-1 promises an update every 15 minutes.
    let declared = "1795000000";
    let an_hour_later = "1795003600";
    let tmp = TempDir::new().unwrap();
    let repo = tmp.path();
    incident().current_dir(repo).arg("init").assert().success();
    incident()
        .current_dir(repo)
        .env("SOURCE_DATE_EPOCH", declared)
        .args(["declare", "--title", "Checkout down", "--severity", "sev1"])
        .args(["--component", "website", "--commander", "@alice"])
        .args(["--comms", "@bob"])
        .assert()
        .success();

    let on_time = action(repo, "list", "--open", declared);
    assert_eq!(on_time.code, 0, "{}", on_time.stdout);
    assert_eq!(on_time.outputs, "overdue=0\n");
    assert!(!on_time.stdout.contains("::warning"), "{}", on_time.stdout);

    let late = action(repo, "list", "--open", an_hour_later);
    assert_eq!(late.code, 0, "{}", late.stdout);
    assert_eq!(late.outputs, "overdue=1\n");
    let warning = late
        .stdout
        .lines()
        .find(|l| l.starts_with("::warning title=overdue update::"))
        .unwrap_or_else(|| panic!("{}", late.stdout));
    assert!(warning.contains("checkout-down"), "{warning}");
    assert!(warning.contains("OVERDUE by 45m"), "{warning}");
    assert!(
        late.summary.contains("past their promised update"),
        "{}",
        late.summary
    );
    assert!(late.summary.contains("OVERDUE by 45m"), "{}", late.summary);

    // Quotes in args are split as a shell would, never evaluated.
    let json = action(repo, "list", r#"--open --format "json""#, an_hour_later);
    assert_eq!(json.code, 0, "{}", json.stdout);
    assert_eq!(json.outputs, "overdue=1\n");
    let harmless = action(
        repo,
        "list",
        "--open $(touch pwned) `touch pwned`",
        declared,
    );
    assert_eq!(harmless.code, 2, "clap refuses the unexpected words");
    assert!(!repo.join("pwned").exists());
}

#[cfg(unix)]
#[test]
fn the_action_refuses_what_it_does_not_know() {
    let tmp = TempDir::new().unwrap();
    let unknown = action(tmp.path(), "deploy", "", "1795000000");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stdout
            .starts_with("::error title=incidentkit::unknown command 'deploy'"),
        "{}",
        unknown.stdout
    );
    let unbalanced = action(tmp.path(), "list", "--open 'x", "1795000000");
    assert_eq!(unbalanced.code, 2);
    assert!(
        unbalanced.stdout.contains("unmatched quote"),
        "{}",
        unbalanced.stdout
    );
}

/// Expressions a pull request's author controls: a job with a write token
/// must never check out, run or interpolate them.
const PULL_REQUEST_CONTROLLED: &[&str] = &[
    "pull_request.head",
    "workflow_run.head_sha",
    "workflow_run.head_branch",
    "workflow_run.head_repository",
    "workflow_run.head_commit",
    "pull_request.title",
    "pull_request.body",
];

#[test]
fn the_fast_lane_never_runs_the_pull_requests_code_with_a_write_token() {
    let tmp = TempDir::new().unwrap();
    incident()
        .current_dir(tmp.path())
        .args(["init", "repo"])
        .assert()
        .success();
    let written = read(&tmp.path().join("repo/.github/workflows/fast-lane.yml"));
    let template = read(&project("templates/new/fast-lane.yml"));
    assert_eq!(
        format!("{{% raw -%}}\n{written}{{% endraw %}}\n"),
        template,
        "init writes the template as is"
    );
    let workflow = yaml(&written, "fast-lane.yml");
    // Triggered after the pull request's own (read-only) run, never by it.
    let on: Vec<&str> = map(&workflow, "on")
        .keys()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(on, ["workflow_run"]);
    assert_eq!(workflow["permissions"], Value::Mapping(Mapping::new()));
    let mut writing_jobs = 0;
    for (name, job) in jobs(&workflow) {
        let writes = map(job, "permissions")
            .values()
            .any(|level| level.as_str() == Some("write"));
        if !writes {
            continue;
        }
        writing_jobs += 1;
        for step in job["steps"].as_sequence().unwrap() {
            let text = serde_yaml::to_string(step).unwrap();
            for controlled in PULL_REQUEST_CONTROLLED {
                assert!(
                    !text.contains(controlled),
                    "job {name:?} uses `{controlled}`: {text}"
                );
            }
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout"))
            {
                assert_eq!(
                    step["with"]["ref"].as_str(),
                    Some("${{ github.event.repository.default_branch }}"),
                    "job {name:?} checks out the default branch only"
                );
                assert_eq!(step["with"]["persist-credentials"].as_bool(), Some(false));
            }
            // Scripts run only what the workflow wrote, never a file of the
            // checkout (which is the base branch, but stay strict).
            if let Some(script) = step["run"].as_str() {
                assert!(!script.contains("./"), "job {name:?} runs a file: {script}");
            }
        }
    }
    assert_eq!(writing_jobs, 1, "one job merges");
    // The pull request's own run asks for no write to the code.
    let incidents = yaml(&template_workflow(), TEMPLATE);
    let check = jobs(&incidents)
        .get("check")
        .expect("the incidents workflow has a check job");
    assert_eq!(
        map(check, "permissions")
            .get("contents")
            .and_then(Value::as_str),
        Some("read")
    );
}

/// The action's script with `incident` replaced by a stand-in that exits
/// with `code`: what the script does with each answer.
#[cfg(unix)]
fn action_with_exit(code: i32, command: &str, args: &str) -> ActionRun {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let fake = tmp.path().join("incident");
    fs::write(&fake, format!("#!/bin/sh\necho \"fake $*\"\nexit {code}\n")).unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    let files = TempDir::new().unwrap();
    let outputs = files.path().join("output");
    fs::write(&outputs, "").unwrap();
    let out = std::process::Command::new("bash")
        .arg(project(".github/action/run.sh"))
        .current_dir(tmp.path())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("INCIDENT_BIN", &fake)
        .env("INPUT_COMMAND", command)
        .env("INPUT_ARGS", args)
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    ActionRun {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        outputs: read(&outputs),
        summary: String::new(),
    }
}

#[cfg(unix)]
#[test]
fn the_action_turns_a_fast_lane_verdict_into_an_output_not_a_failed_step() {
    let merged = action_with_exit(0, "pr", "fast-lane --pr 7");
    assert_eq!(
        (merged.code, merged.outputs.trim()),
        (0, "merged=true"),
        "{}",
        merged.stdout
    );
    let left = action_with_exit(3, "pr", "fast-lane --pr 7");
    assert_eq!(
        (left.code, left.outputs.trim()),
        (0, "merged=false"),
        "{}",
        left.stdout
    );
    // A failure stays a failure, with no verdict.
    let down = action_with_exit(4, "pr", "fast-lane --pr 7");
    assert_eq!((down.code, down.outputs.trim()), (4, ""));
    // Exit 3 of any other command is not a verdict.
    let other = action_with_exit(3, "pr", "comment --pr 7");
    assert_eq!((other.code, other.outputs.trim()), (3, ""));
}

/// With `command: diff` the preview of a pull request's text reaches the
/// log: a line of it must not be read as a workflow command.
#[cfg(unix)]
#[test]
fn the_action_pauses_workflow_commands_around_what_diff_prints() {
    let tmp = TempDir::new().unwrap();
    let repo = tmp.path();
    crate::support::copy_example(repo);
    crate::support::git(repo, &["init", "-q", "-b", "main"]);
    crate::support::commit_all(repo, "base");
    // 2026-11-27T16:40:00Z, on the open e-mail incident.
    let now = "1795797600";
    incident()
        .current_dir(repo)
        .env("SOURCE_DATE_EPOCH", now)
        .args(["update", "2026-11-27-order-emails-delayed"])
        .args(["--message", "Mail is back.\n::error file=x::pwned\n"])
        .assert()
        .success();
    let run = action(repo, "diff", "--since HEAD", now);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("::stop-commands::"))
        .unwrap_or_else(|| panic!("no pause:\n{}", run.stdout));
    let token = lines[start].trim_start_matches("::stop-commands::");
    assert!(token.len() >= 32, "a random token: {token}");
    assert!(!run.stdout[..run.stdout.find(lines[start]).unwrap()].contains("pwned"));
    let end = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .unwrap_or_else(|| panic!("the pause never ends:\n{}", run.stdout));
    let pwned = lines
        .iter()
        .position(|l| l.contains("::error file=x::pwned"));
    assert!(
        pwned.is_some_and(|at| start < at && at < end),
        "{}",
        run.stdout
    );
    assert_eq!(end, lines.len() - 1, "{}", run.stdout);
}
