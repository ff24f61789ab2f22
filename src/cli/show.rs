//! `incident show ID`: one incident at a glance, for a terminal, through
//! the template `show/incident.txt` (people's text made safe by
//! `crate::text` before it reaches the template).

use super::CliError;
use super::authoring::{Session, local_time};
use crate::model::Repository;
use crate::model::facts::{self, Source};
use crate::model::postmortem::{Postmortem, PostmortemStatus};
use crate::templates::Templates;
use crate::text::{first_line, one_line};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident show checkout-fails")]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let context = context(&session);
    let text = Templates::load(Some(&session.root))?
        .render("show/incident.txt", crate::render::ctx(&context))?;
    let mut out = anstream::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(ExitCode::SUCCESS)
}

/// What `show/incident.txt` reads: every value on one line.
#[derive(Serialize)]
struct Context {
    severity: String,
    title: String,
    id: String,
    status: &'static str,
    phase: &'static str,
    /// The peak severity, when it is not the current one.
    peak: Option<String>,
    declared: String,
    /// When impact began, if not at the declaration.
    impact_from: Option<Moment>,
    commander: String,
    communications: String,
    investigators: String,
    channel: String,
    components: Vec<String>,
    resolved: Option<Resolved>,
    next_update: Option<NextUpdate>,
    timeline: Vec<Entry>,
    postmortem: Option<PostmortemCtx>,
}

#[derive(Serialize)]
struct Moment {
    at: String,
    source: &'static str,
}

#[derive(Serialize)]
struct Resolved {
    at: String,
    lasted: Option<String>,
}

#[derive(Serialize)]
struct NextUpdate {
    at: String,
    overdue: bool,
}

#[derive(Serialize)]
struct Entry {
    at: String,
    /// Padded to a column.
    status: String,
    severity: Option<String>,
    author: String,
    first: String,
    decision: Option<DecisionCtx>,
    internal: Option<String>,
    /// Corrections (with the text each replaced) and removals, oldest first.
    amended: Vec<String>,
}

#[derive(Serialize)]
struct DecisionCtx {
    options: Vec<OptionCtx>,
    chosen: String,
    rationale: String,
}

#[derive(Serialize)]
struct OptionCtx {
    chosen: bool,
    text: String,
}

#[derive(Serialize)]
struct PostmortemCtx {
    status: &'static str,
    due: Option<String>,
    done: usize,
    total: usize,
}

fn context(session: &Session) -> Context {
    let repo = session.repo();
    let incident = session.incident();
    let decl = &incident.declaration;
    let facts = incident.internal_facts();
    let state = &facts.state;
    let none = || "(none)".to_string();
    let roles = &decl.roles;
    Context {
        severity: state
            .severity
            .map_or_else(|| "maintenance".to_string(), |s| format!("{s:#}")),
        title: one_line(&decl.title),
        id: incident.id.clone(),
        status: state.status.map_or("declared", |s| s.as_str()),
        phase: incident.phase(&repo.config).as_str(),
        peak: facts
            .peak_severity
            .filter(|p| Some(*p) != state.severity)
            .map(|p| format!("{p:#}")),
        declared: local_time(decl.declared_at, repo),
        impact_from: (facts.started.source != Source::DeclaredAt).then(|| Moment {
            at: local_time(facts.started.at, repo),
            source: facts.started.source.as_str(),
        }),
        commander: roles.commander.as_deref().map_or_else(none, one_line),
        communications: roles.communications.as_deref().map_or_else(none, one_line),
        investigators: if roles.investigators.is_empty() {
            none()
        } else {
            one_line(&roles.investigators.join(", "))
        },
        channel: one_line(&incident.channel()),
        components: decl
            .components
            .iter()
            .map(|c| {
                let status = state
                    .components
                    .get(c)
                    .map_or("operational", |s| s.as_str());
                format!("{} ({status})", one_line(c))
            })
            .collect(),
        resolved: state.resolved_at.map(|at| Resolved {
            at: local_time(at, repo),
            lasted: facts
                .duration()
                .map(|d| crate::render::time::human_duration(d.as_signed().as_secs())),
        }),
        next_update: state.next_update_at.map(|next| NextUpdate {
            at: local_time(next, repo),
            overdue: next < session.now,
        }),
        timeline: facts.entries.iter().map(|u| entry(u, repo)).collect(),
        postmortem: incident.postmortem.as_deref().map(postmortem),
    }
}

fn entry(u: &facts::Entry<'_>, repo: &Repository) -> Entry {
    Entry {
        at: local_time(u.at, repo),
        status: format!("{:13}", u.status.as_str()),
        severity: u.severity.map(|s| format!("{s:#}")),
        author: one_line(&u.author),
        first: u.message.as_deref().map(first_line).unwrap_or_default(),
        decision: u.decision.as_ref().map(|d| DecisionCtx {
            options: d
                .options
                .iter()
                .map(|o| OptionCtx {
                    chosen: o.id == d.chosen,
                    text: one_line(&crate::render::update::option_text(o)),
                })
                .collect(),
            chosen: one_line(&d.chosen),
            rationale: one_line(&d.rationale),
        }),
        internal: u.internal_note.as_deref().map(first_line),
        amended: amendments(u, repo),
    }
}

/// What was corrected or removed in an entry: `show` is internal, so it
/// says who, why and what the message said before.
fn amendments(u: &facts::Entry<'_>, repo: &Repository) -> Vec<String> {
    let corrected = u.replaced().map(|(c, before)| {
        format!(
            "corrected {} by {} ({}); it said: {}",
            local_time(c.at, repo),
            one_line(&c.author),
            one_line(&c.reason),
            first_line(before)
        )
    });
    let removed = u.redactions().iter().map(|r| {
        format!(
            "removed {} ({}) by {}: {}",
            local_time(r.at, repo),
            r.field_names(),
            one_line(&r.author),
            one_line(&r.reason)
        )
    });
    corrected.chain(removed).collect()
}

fn postmortem(pm: &Postmortem) -> PostmortemCtx {
    PostmortemCtx {
        status: match pm.status {
            PostmortemStatus::Draft => "draft",
            PostmortemStatus::InReview => "in review",
            PostmortemStatus::Published => "published",
        },
        due: pm.due.map(|d| d.to_string()),
        done: pm.action_items.iter().filter(|a| a.done).count(),
        total: pm.action_items.len(),
    }
}
