//! `incident resolve ID`: the resolving update, components back to
//! operational, and the post-mortem skeleton when the policy of the peak
//! severity asks for one.

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::compose;
use crate::model::{Kind, Severity, Status};
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident resolve checkout-fails --message \"Checkout works again for all customers.\""
)]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
    /// The public message (default: service is fully restored).
    #[arg(long)]
    message: Option<String>,
    /// Read the public message from FILE (`-`: standard input) instead of --message.
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    message_file: Option<std::path::PathBuf>,
    /// A component that is not back to operational: checkout=degraded_performance (repeatable).
    #[arg(long = "component", value_name = "ID=STATUS")]
    components: Vec<String>,
    /// Context for responders only; never published.
    #[arg(long)]
    internal_note: Option<String>,
    /// What the impact was, in the past tense ("EU customers could not check
    /// out"); without it the resolution states none, and outputs show the
    /// last impact stated while it was open, as over.
    #[arg(long)]
    impact: Option<String>,
    /// The severity it settles at, when the last one stated was wrong ("it
    /// was worse than we thought"): the post-mortem follows the peak.
    #[arg(long)]
    severity: Option<String>,
    #[command(flatten)]
    common: Common,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let repo = session.repo();
    let incident = session.incident();
    let at = session.entry_time(incident, args.common.at.as_deref())?;
    let mut update =
        compose::base_update(incident, at, authoring::author(args.common.author.clone()));
    update.status = match incident.declaration.kind {
        Kind::Incident => Status::Resolved,
        Kind::Maintenance => Status::Completed,
    };
    let message = authoring::message(args.message, args.message_file.as_deref())?;
    update.message = Some(message.unwrap_or_else(|| {
        "This incident has been resolved and the service is fully restored. We are sorry for the disruption.".into()
    }));
    update.internal_note = args.internal_note;
    update.severity = args
        .severity
        .as_deref()
        .map(|s| authoring::word::<Severity>("--severity", s, authoring::SEVERITIES))
        .transpose()?;
    // The impact in force is over: only what the responder says it was.
    update.impact = args.impact.map(|summary| {
        Box::new(crate::model::incident::UpdateImpact {
            summary: Some(summary),
            users_affected: None,
            scope: None,
        })
    });
    compose::restore_components(incident, &mut update);
    for c in &args.components {
        if let (id, Some(status)) = authoring::component_arg(c)? {
            update.components.insert(id, status);
        }
    }
    let templates = crate::templates::Templates::load(Some(&session.root))?;
    let (files, due) = compose::resolve(repo, incident, &update, &templates)?;
    let commit = format!("incident({}): resolve", incident.id);
    if !session.finish(&args.common, &incident.id, files, &commit)? {
        return Ok(ExitCode::from(1));
    }
    println!(
        "resolved {} at {}",
        incident.id,
        authoring::local_time(at, repo)
    );
    say_postmortem_due(&incident.id, due);
    Ok(ExitCode::SUCCESS)
}

/// What a resolution asks for next, when the policy wants a post-mortem.
pub(super) fn say_postmortem_due(id: &str, due: Option<impl std::fmt::Display>) {
    if let Some(due) = due {
        println!(
            "post-mortem: {} is due {due} (the learning phase starts now: blameless analysis, action items, customer report)",
            crate::paths::postmortem(id)
        );
    }
}
