//! Carries out a plan, step by step, doing all it can when one fails. A
//! create looks for its key again first (issues updated since the plan was
//! made), and again before each retry, so neither a retried POST nor a
//! second run after a dropped connection makes a duplicate.

use super::issues::{self, Target};
use super::plan::{Desired, Step};
use super::{Client, GithubError};
use octocrab::models::issues::Issue;
use serde::Serialize;

#[derive(Debug, Default)]
pub struct Report {
    /// One line per thing done or failed, in order.
    pub lines: Vec<String>,
    pub created: usize,
    pub updated: usize,
    pub closed: usize,
    pub failed: usize,
}

impl Report {
    fn fail(&mut self, key: &str, e: &GithubError) {
        self.failed += 1;
        self.lines.push(format!("failed  {key}: {e}"));
    }
}

#[derive(Serialize)]
struct NewIssue<'a> {
    title: &'a str,
    body: &'a str,
    labels: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    assignees: Vec<String>,
}

#[derive(Serialize)]
struct IssueEdit<'a> {
    title: &'a str,
    body: &'a str,
    labels: &'a [String],
    assignees: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_reason: Option<&'static str>,
}

#[derive(Serialize)]
struct Close {
    state: &'static str,
    state_reason: &'static str,
}

/// `since`: a time shortly before the plan's list was read (ISO 8601), to
/// re-check cheaply for issues created meanwhile.
pub fn apply(client: &mut Client, target: &Target, steps: &[Step], since: &str) -> Report {
    let mut report = Report::default();
    for step in steps {
        match step {
            Step::Create { issue } => create(client, target, issue, since, &mut report),
            Step::Update {
                number,
                changes,
                reopen,
                issue,
                labels,
                assignees,
            } => {
                let edit = IssueEdit {
                    title: &issue.title,
                    body: &issue.body,
                    labels,
                    assignees,
                    state: reopen.then_some("open"),
                    state_reason: reopen.then_some("reopened"),
                };
                let mut what = changes.clone();
                if *reopen {
                    what.insert(0, "reopened: its action item is back");
                }
                let done = format!("updated #{number} {} ({})", issue.key, what.join(", "));
                if patch(
                    client,
                    target,
                    *number,
                    &edit,
                    &issue.key,
                    done,
                    &mut report,
                ) {
                    report.updated += 1;
                }
            }
            Step::Orphan {
                number,
                key,
                close: true,
                ..
            } => {
                let close = Close {
                    state: "closed",
                    state_reason: "not_planned",
                };
                let done = format!("closed  #{number} {key} (its action item is gone)");
                if patch(client, target, *number, &close, key, done, &mut report) {
                    report.closed += 1;
                }
            }
            Step::Skipped { number, key } => report.lines.push(format!(
                "skipped #{number} {key} (its post-mortem is a draft)"
            )),
            Step::Unchanged { .. } | Step::Orphan { .. } => {}
        }
    }
    report
}

/// Edits issue `number`; reports `done` or the failure. Whether it worked.
fn patch(
    client: &mut Client,
    target: &Target,
    number: u64,
    edit: &impl Serialize,
    key: &str,
    done: String,
    report: &mut Report,
) -> bool {
    let path = target.repo.path(&format!("/issues/{number}"));
    match client.patch::<_, Issue>(&path, edit) {
        Ok(_) => {
            report.lines.push(done);
            true
        }
        Err(e) => {
            report.fail(key, &e);
            false
        }
    }
}

fn create(client: &mut Client, target: &Target, issue: &Desired, since: &str, report: &mut Report) {
    let mut assignees: Vec<String> = issue.assignee.iter().cloned().collect();
    let mut attempt = 0;
    loop {
        match issues::list(client, target, Some(since)) {
            Ok(found) => {
                if let Some(done) = found.iter().find(|e| e.key.as_deref() == Some(&issue.key)) {
                    report.created += 1;
                    report.lines.push(format!(
                        "found   #{} {} (created by an earlier attempt)",
                        done.number, issue.key
                    ));
                    return;
                }
            }
            Err(e) => return report.fail(&issue.key, &e),
        }
        let new = NewIssue {
            title: &issue.title,
            body: &issue.body,
            labels: &issue.labels,
            assignees: assignees.clone(),
        };
        match client.post::<_, Issue>(&target.repo.path("/issues"), &new) {
            Ok(created) => {
                report.created += 1;
                let unassigned = match (&issue.assignee, assignees.is_empty()) {
                    (Some(owner), true) => format!(" (@{owner} could not be assigned)"),
                    _ => String::new(),
                };
                report.lines.push(format!(
                    "created #{} {}{unassigned}",
                    created.number, issue.key
                ));
                return;
            }
            // GitHub refuses an assignee who cannot be assigned in this
            // repository: the issue matters more than its assignee.
            Err(e) if !e.uncertain && e.message.contains("422") && !assignees.is_empty() => {
                assignees.clear();
            }
            Err(e) if e.uncertain => {
                attempt += 1;
                if !client.back_off(attempt) {
                    return report.fail(
                        &issue.key,
                        &GithubError {
                            message: format!(
                                "{e}; gave up within --max-wait (the next apply finishes it, without a duplicate)"
                            ),
                            uncertain: true,
                            status: e.status,
                        },
                    );
                }
            }
            Err(e) => return report.fail(&issue.key, &e),
        }
    }
}
