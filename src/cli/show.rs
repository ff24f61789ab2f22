use super::CliError;
use super::authoring::{Session, local_time};
use crate::model::postmortem::PostmortemStatus;
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
    let session = Session::open(start)?;
    let repo = session.repo();
    let incident = session.incident(&args.id)?;
    let decl = &incident.declaration;
    let state = incident.current();
    let mut out = anstream::stdout().lock();
    let severity = state
        .severity
        .map_or_else(|| "maintenance".to_string(), |s| s.display());
    let status = state.status.map_or("declared", |s| s.as_str());
    writeln!(out, "{severity}  {}", decl.title)?;
    writeln!(out, "  id:          {}", incident.id)?;
    writeln!(
        out,
        "  status:      {status} ({} phase)",
        incident.phase(&repo.config).as_str()
    )?;
    writeln!(out, "  declared:    {}", local_time(decl.declared_at, repo))?;
    if let Some(t) = decl.started_at {
        writeln!(out, "  impact from: {}", local_time(t, repo))?;
    }
    let roles = &decl.roles;
    writeln!(
        out,
        "  roles:       commander {} · communications {} · investigators {}",
        roles.commander.as_deref().unwrap_or("(none)"),
        roles.communications.as_deref().unwrap_or("(none)"),
        if roles.investigators.is_empty() {
            "(none)".to_string()
        } else {
            roles.investigators.join(", ")
        }
    )?;
    writeln!(out, "  channel:     {}", incident.channel())?;
    let components: Vec<String> = decl
        .components
        .iter()
        .map(|c| {
            format!(
                "{c} ({})",
                state
                    .components
                    .get(c)
                    .map_or("operational", |s| s.as_str())
            )
        })
        .collect();
    writeln!(out, "  components:  {}", components.join(", "))?;
    match (state.resolved_at, state.next_update_at) {
        (Some(at), _) => writeln!(out, "  resolved:    {}", local_time(at, repo))?,
        (None, Some(next)) if next < session.now => writeln!(
            out,
            "  next update: OVERDUE since {}",
            local_time(next, repo)
        )?,
        (None, Some(next)) => writeln!(out, "  next update: due by {}", local_time(next, repo))?,
        (None, None) => writeln!(out, "  next update: not promised")?,
    }
    writeln!(out, "\ntimeline:")?;
    for u in &incident.updates {
        let first = u
            .message
            .as_deref()
            .and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
            .unwrap_or("");
        let sev = u
            .severity
            .map(|s| format!(" → {}", s.display()))
            .unwrap_or_default();
        writeln!(
            out,
            "  {}  {:13}{sev}  {}  {first}",
            local_time(u.at, repo),
            u.status.as_str(),
            u.author
        )?;
        if let Some(d) = &u.decision {
            for o in &d.options {
                let mark = if o.id == d.chosen { "✔" } else { " " };
                let trade_offs: Vec<String> = [
                    ("restore", &o.time_to_restore),
                    ("risk", &o.risk),
                    ("data loss", &o.data_loss),
                ]
                .into_iter()
                .filter_map(|(name, v)| Some(format!("{name}: {}", v.as_deref()?)))
                .collect();
                let trade_offs = if trade_offs.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", trade_offs.join("; "))
                };
                writeln!(
                    out,
                    "      {mark} option {}: {}{trade_offs}",
                    o.id, o.summary
                )?;
            }
            writeln!(out, "      decision: {} — {}", d.chosen, d.rationale)?;
        }
        if let Some(note) = &u.internal_note {
            writeln!(
                out,
                "      internal: {}",
                note.lines().next().unwrap_or_default()
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
