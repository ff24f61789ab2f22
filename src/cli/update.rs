//! `incident update ID`: a stakeholder update, or an internal log entry
//! (`--internal-note` alone).

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::compose;
use crate::model::postmortem::PostmortemStatus::Published;
use crate::model::{Kind, Severity, Status, Update};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident update checkout-fails --status identified --message \"We found the cause and are rolling it back.\" --next-update 15m"
)]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
    /// New status (default: unchanged): investigating, identified, monitoring, resolved;
    /// maintenance: scheduled, in_progress, verifying, completed, cancelled.
    #[arg(long)]
    status: Option<String>,
    /// The public message (Markdown). Without it (and --message-file), only
    /// --internal-note: an internal log entry, never published.
    #[arg(long)]
    message: Option<String>,
    /// Read the public message from FILE (`-`: standard input) instead of --message.
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    message_file: Option<std::path::PathBuf>,
    /// Write the message in $VISUAL or $EDITOR (the default in a terminal
    /// when neither --message, --message-file nor --internal-note is given).
    #[arg(long, conflicts_with_all = ["message", "message_file"])]
    edit: bool,
    /// New severity, when it changes.
    #[arg(long)]
    severity: Option<String>,
    /// Component status: checkout=degraded_performance (repeatable).
    #[arg(long = "component", value_name = "ID=STATUS")]
    components: Vec<String>,
    /// Who is affected and how (default: as in the previous update).
    #[arg(long)]
    impact: Option<String>,
    /// How many users: a number or an estimate ("~12,000").
    #[arg(long)]
    users_affected: Option<String>,
    /// Regions, plans, platforms affected.
    #[arg(long)]
    scope: Option<String>,
    /// When the next update is due: 30m, or a time (default: the severity's cadence).
    #[arg(long, value_name = "30m|TIME")]
    next_update: Option<String>,
    /// Context for responders only; never published.
    #[arg(long)]
    internal_note: Option<String>,
    /// Post after a resolution: reopens the incident.
    #[arg(long)]
    reopen: bool,
    #[command(flatten)]
    common: Common,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let repo = session.repo();
    let incident = session.incident();
    let at = session.entry_time(incident, args.common.at.as_deref())?;
    if args.reopen
        && incident
            .postmortem
            .as_ref()
            .is_some_and(|p| p.status == Published)
    {
        // A reopened incident would unpublish its post-mortem (and the
        // customer report with it): a recurrence is a new incident.
        return Err(CliError::Refused(format!(
            "the post-mortem of {id} is published, so it stays resolved; if it is happening again, declare a new incident (`incident declare --title …`) and name {id} in its `summary:`",
            id = incident.id
        )));
    }
    let mut update =
        compose::base_update(incident, at, authoring::author(args.common.author.clone()));
    if let Some(status) = &args.status {
        // Only the words of this incident's kind (incident or maintenance).
        let allowed = Status::vocabulary(incident.declaration.kind);
        update.status = authoring::word::<Status>("--status", status, allowed)?;
    } else if args.reopen && update.status.is_final() {
        // Reopening starts the response again; the final status is not inherited.
        update.status = match incident.declaration.kind {
            Kind::Incident => Status::Investigating,
            Kind::Maintenance => Status::InProgress,
        };
    }
    update.message = authoring::message(args.message.clone(), args.message_file.as_deref())?;
    let in_terminal = std::io::IsTerminal::is_terminal(&std::io::stdin());
    if args.edit || (update.message.is_none() && args.internal_note.is_none() && in_terminal) {
        update.message = Some(authoring::edit_message(
            &incident.id,
            &incident.declaration.title,
        )?);
    }
    if update.message.is_none() {
        public_flags_need_a_message(&args)?;
    }
    update.internal_note = args.internal_note.clone();
    update.reopen = args.reopen;
    update.severity = args
        .severity
        .as_deref()
        .map(|s| authoring::word::<Severity>("--severity", s, authoring::SEVERITIES))
        .transpose()?;
    apply_impact(&mut update, &args);
    if update.status.is_final() {
        // As `resolve` does; --component still says what is not back.
        compose::restore_components(incident, &mut update);
    }
    set_components(&mut update, &args.components)?;
    let severity = update.severity.or(incident.current().severity);
    // Only a stakeholder update promises the next one.
    if !update.status.is_final() && update.message.is_some() {
        update.next_update_at = Some(match &args.next_update {
            Some(text) => session.next_update(text, at)?,
            None => {
                let every = severity.map_or(crate::model::Duration::hours(1), |s| {
                    repo.config.policy(s).update_every
                });
                at.checked_add(every.as_signed()).unwrap_or(at)
            }
        });
    }
    let (files, due) = if update.status.is_final() {
        let templates = crate::templates::Templates::load(Some(&session.root))?;
        compose::resolve(repo, incident, &update, &templates)?
    } else {
        (compose::update(incident, &update)?, None)
    };
    let commit = format!("incident({}): update ({})", incident.id, update.status);
    if !session.finish(&args.common, &incident.id, files, &commit)? {
        return Ok(ExitCode::from(1));
    }
    if let Some(next) = update.next_update_at {
        println!("next update due by {}", authoring::local_time(next, repo));
    }
    super::resolve::say_postmortem_due(&incident.id, due);
    Ok(ExitCode::SUCCESS)
}

/// The impact stated by --impact, --users-affected and --scope, each kept
/// from the impact in force when not given; a resolution states only the
/// one given.
fn apply_impact(update: &mut Update, args: &Args) {
    let states_impact =
        args.impact.is_some() || args.users_affected.is_some() || args.scope.is_some();
    if states_impact {
        let previous = update.impact.take().map_or(
            crate::model::incident::UpdateImpact {
                summary: None,
                users_affected: None,
                scope: None,
            },
            |b| *b,
        );
        let merged = compose::impact(
            args.impact.clone(),
            args.users_affected.clone(),
            args.scope.clone(),
        );
        update.impact = merged.map(|m| {
            Box::new(crate::model::incident::UpdateImpact {
                summary: m.summary.or(previous.summary),
                users_affected: m.users_affected.or(previous.users_affected),
                scope: m.scope.or(previous.scope),
            })
        });
    }
    if update.status.is_final() && !states_impact {
        // The impact in force is over: a resolution states only the one the
        // responder gives (in the past tense), as `resolve --impact` does.
        update.impact = None;
    }
}

/// Each `--component ID=STATUS`; a component without a status is an error.
fn set_components(update: &mut Update, components: &[String]) -> Result<(), CliError> {
    for c in components {
        match authoring::component_arg(c)? {
            (id, Some(status)) => {
                update.components.insert(id, status);
            }
            (id, None) => {
                return Err(CliError::Usage(format!(
                    "--component {id} needs a status: --component {id}=degraded_performance"
                )));
            }
        }
    }
    Ok(())
}

/// An entry without a public message is internal: what it sets reaches only
/// the internal view (README, "Definitions"), so a flag meant for customers
/// needs a message, and an internal entry needs a note.
fn public_flags_need_a_message(args: &Args) -> Result<(), CliError> {
    let public = [
        ("--status", args.status.is_some()),
        ("--severity", args.severity.is_some()),
        ("--component", !args.components.is_empty()),
        ("--impact", args.impact.is_some()),
        ("--users-affected", args.users_affected.is_some()),
        ("--scope", args.scope.is_some()),
        ("--next-update", args.next_update.is_some()),
        ("--reopen", args.reopen),
    ];
    if let Some((flag, _)) = public.iter().find(|(_, given)| *given) {
        return Err(CliError::Usage(format!(
            "{flag} changes what customers see: give --message (or --message-file) with it (on an internal log entry it would change only the internal record, never the status page); --internal-note alone writes an internal log entry"
        )));
    }
    if args.internal_note.is_none() {
        return Err(CliError::Usage(
            "give --message (or --message-file) for a public update, or --internal-note for an internal log entry".into(),
        ));
    }
    Ok(())
}
