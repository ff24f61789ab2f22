//! `incident postmortem ID`: the post-mortem skeleton of a resolved incident
//! that has none: one its policy did not ask for (a team that wants to learn
//! from a SEV-3), or one required and never started (`phase/postmortem-overdue`).

use super::CliError;
use super::authoring::{Common, Session};
use crate::compose;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident postmortem checkout-fails --branch")]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
    /// Commit the new file on branch incident/<id> (created from HEAD unless already on it).
    #[arg(long)]
    branch: bool,
    /// As --branch, then push it (with your git) and open its pull request
    /// through the GitHub API (GITHUB_TOKEN), or add to the one open.
    #[arg(long)]
    pr: bool,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let incident = session.incident();
    let templates = crate::templates::Templates::load(Some(&session.root))?;
    let (files, due) =
        compose::start_postmortem(session.repo(), incident, session.now, &templates)?;
    let common = Common {
        at: None,
        author: None,
        branch: args.branch,
        pr: args.pr,
    };
    let commit = format!("incident({}): start the post-mortem", incident.id);
    if !session.finish(&common, &incident.id, files, &commit)? {
        return Ok(ExitCode::from(1));
    }
    super::resolve::say_postmortem_due(&incident.id, Some(due));
    Ok(ExitCode::SUCCESS)
}
