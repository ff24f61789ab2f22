//! `incident decide ID --option … --chosen … --why …`: records a decision
//! (the options with their trade-offs, the choice and why) as an internal
//! log entry.

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::compose;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident decide checkout-fails --option \"A: full rollback, 30 min, may lose 10 min of data\" --option \"B: patch, 90 min, may not work\" --chosen A --why \"Restores checkout fastest\""
)]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
    /// What had to be decided.
    #[arg(long)]
    question: Option<String>,
    /// An option with its trade-offs (repeatable): "A: full rollback, 30 min, may lose 10 min of data".
    /// After the summary, a time is its time to restore, "lose …" its data loss, "may …" its risk;
    /// or name them: "B: patch, restore: 90m, risk: may not work".
    #[arg(long = "option", required = true)]
    options: Vec<String>,
    /// The id of the chosen option.
    #[arg(long)]
    chosen: String,
    /// Why: which worst case it avoids for users.
    #[arg(long)]
    why: String,
    #[command(flatten)]
    common: Common,
}

/// Records a decision as an internal log entry (an update without a public message).
pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let incident = session.incident();
    let at = session.entry_time(incident, args.common.at.as_deref())?;
    let mut update =
        compose::base_update(incident, at, authoring::author(args.common.author.clone()));
    update.decision = Some(compose::decision(
        &args.options,
        &args.chosen,
        &args.why,
        args.question,
    )?);
    let files = compose::update(incident, &update)?;
    let commit = format!("incident({}): decide {}", incident.id, args.chosen.trim());
    if !session.finish(&args.common, &incident.id, files, &commit)? {
        return Ok(ExitCode::from(1));
    }
    println!(
        "recorded decision: option {} ({})",
        args.chosen.trim(),
        args.why
    );
    Ok(ExitCode::SUCCESS)
}
