//! `incident show ID`: one incident at a glance, for a terminal (people's
//! text made safe by `crate::text`).

use super::CliError;
use super::authoring::{Session, local_time};
use crate::model::facts::Source;
use crate::model::postmortem::PostmortemStatus;
use crate::text::{first_line, one_line};
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
    let repo = session.repo();
    let incident = session.incident();
    let decl = &incident.declaration;
    let facts = incident.internal_facts();
    let state = &facts.state;
    let mut out = anstream::stdout().lock();
    let severity = state
        .severity
        .map_or_else(|| "maintenance".to_string(), |s| format!("{s:#}"));
    let status = state.status.map_or("declared", |s| s.as_str());
    writeln!(out, "{severity}  {}", one_line(&decl.title))?;
    writeln!(out, "  id:          {}", incident.id)?;
    writeln!(
        out,
        "  status:      {status} ({} phase)",
        incident.phase(&repo.config).as_str()
    )?;
    if let Some(peak) = facts.peak_severity.filter(|p| Some(*p) != state.severity) {
        writeln!(
            out,
            "  peak:        {peak:#} (its policy applies: cadence, post-mortem)"
        )?;
    }
    writeln!(out, "  declared:    {}", local_time(decl.declared_at, repo))?;
    if facts.started.source != Source::DeclaredAt {
        writeln!(
            out,
            "  impact from: {} ({})",
            local_time(facts.started.at, repo),
            facts.started.source.as_str()
        )?;
    }
    let roles = &decl.roles;
    writeln!(
        out,
        "  roles:       commander {} · communications {} · investigators {}",
        roles.commander.as_deref().map_or("(none)".into(), one_line),
        roles
            .communications
            .as_deref()
            .map_or("(none)".into(), one_line),
        if roles.investigators.is_empty() {
            "(none)".to_string()
        } else {
            one_line(&roles.investigators.join(", "))
        }
    )?;
    writeln!(out, "  channel:     {}", one_line(&incident.channel()))?;
    let components: Vec<String> = decl
        .components
        .iter()
        .map(|c| {
            format!(
                "{} ({})",
                one_line(c),
                state
                    .components
                    .get(c)
                    .map_or("operational", |s| s.as_str())
            )
        })
        .collect();
    writeln!(out, "  components:  {}", components.join(", "))?;
    match (state.resolved_at, state.next_update_at) {
        (Some(at), _) => writeln!(
            out,
            "  resolved:    {}{}",
            local_time(at, repo),
            facts
                .duration()
                .map(|d| format!(" (lasted {d})"))
                .unwrap_or_default()
        )?,
        (None, Some(next)) if next < session.now => writeln!(
            out,
            "  next update: OVERDUE since {}",
            local_time(next, repo)
        )?,
        (None, Some(next)) => writeln!(out, "  next update: due by {}", local_time(next, repo))?,
        (None, None) => writeln!(out, "  next update: not promised")?,
    }
    writeln!(out, "\ntimeline:")?;
    for u in &facts.entries {
        let first = u.message.as_deref().map(first_line).unwrap_or_default();
        let sev = u.severity.map(|s| format!(" → {s:#}")).unwrap_or_default();
        writeln!(
            out,
            "  {}  {:13}{sev}  {}  {first}",
            local_time(u.at, repo),
            u.status.as_str(),
            one_line(&u.author)
        )?;
        if let Some(d) = &u.decision {
            for o in &d.options {
                let mark = if o.id == d.chosen { "✔" } else { " " };
                writeln!(
                    out,
                    "      {mark} option {}",
                    one_line(&crate::render::update::option_text(o))
                )?;
            }
            writeln!(
                out,
                "      decision: {} — {}",
                one_line(&d.chosen),
                one_line(&d.rationale)
            )?;
        }
        if let Some(note) = &u.internal_note {
            writeln!(out, "      internal: {}", first_line(note))?;
        }
        for (c, before) in u.replaced() {
            writeln!(
                out,
                "      corrected {} by {} ({}); it said: {}",
                local_time(c.at, repo),
                one_line(&c.author),
                one_line(&c.reason),
                first_line(before)
            )?;
        }
        for r in &u.redactions {
            writeln!(
                out,
                "      removed {} ({}) by {}: {}",
                local_time(r.at, repo),
                r.field_names(),
                one_line(&r.author),
                one_line(&r.reason)
            )?;
        }
    }
    if let Some(pm) = &incident.postmortem {
        let status = match pm.status {
            PostmortemStatus::Draft => "draft",
            PostmortemStatus::InReview => "in review",
            PostmortemStatus::Published => "published",
        };
        let done = pm.action_items.iter().filter(|a| a.done).count();
        let due = pm.due.map(|d| format!(", due {d}")).unwrap_or_default();
        writeln!(
            out,
            "\npost-mortem: {status}{due}; action items: {done} of {} done",
            pm.action_items.len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
