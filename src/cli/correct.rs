//! `incident correct ID UPDATE --message … --reason …`: corrects the public
//! message of a published update. The update file stays as published; a new
//! record holds the corrected text, which every public output shows with a
//! "Corrected at" note (internal outputs show every version).

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::model::amend::Correction;
use crate::repo::layout::update_file_name;
use crate::schemas::FileKind;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident correct checkout-fails 10:20 --message \"We expect a fix by 11:30 CET, not 11:00.\" --reason \"the ETA was wrong\""
)]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
    /// The update: its file name (2026-11-26T10-20-00Z.yaml), its time, or 10:20 (the incident's update at that time of day in the site time zone, any day).
    update: String,
    /// The corrected public message (Markdown); it replaces the message and its translations.
    #[arg(long, required_unless_present = "message_file")]
    message: Option<String>,
    /// Read the corrected message from FILE (`-`: standard input) instead of --message.
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    message_file: Option<std::path::PathBuf>,
    /// Why it is corrected (internal outputs only): "the ETA was wrong".
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    common: Common,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let incident = session.incident();
    let update = authoring::find_update(&session, incident, &args.update)?;
    let file = update_file_name(update.at);
    if !update.is_public() {
        return Err(CliError::Refused(format!(
            "{file} is an internal entry: it has no public message to correct, and a correction is published. Post a new internal note (`incident update {} --internal-note …`), or remove text with `incident redact`",
            incident.id
        )));
    }
    let message = authoring::message(args.message, args.message_file.as_deref())?
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| CliError::Usage("the corrected message is empty".into()))?;
    if args.reason.trim().is_empty() {
        return Err(CliError::Usage(
            "--reason is empty: say why (\"the ETA was wrong\")".into(),
        ));
    }
    let shown = incident
        .internal_facts()
        .entries
        .iter()
        .find(|e| e.at == update.at)
        .and_then(|e| e.message.clone());
    if shown.as_deref().map(str::trim) == Some(message.trim()) {
        return Err(CliError::Usage(format!(
            "{file} already says this; nothing to correct"
        )));
    }
    let at = session.record_time(update, args.common.at.as_deref())?;
    let record = Correction {
        update: update.at,
        at,
        author: authoring::author(args.common.author.clone()),
        reason: args.reason.trim().to_string(),
        message,
    };
    let path = crate::paths::amendment(
        &incident.id,
        crate::paths::CORRECTIONS,
        &file,
        &update_file_name(at),
    );
    let text = crate::compose::emit::to_yaml(&path, FileKind::Correction, &record)
        .map_err(crate::compose::AuthorError::from)?;
    let commit = format!(
        "incident({}): correct the update of {}",
        incident.id, update.at
    );
    if !session.finish(&args.common, &incident.id, [(path, text)].into(), &commit)? {
        return Ok(ExitCode::from(1));
    }
    println!(
        "the status page, API, feeds and external updates show the corrected text with \"Corrected at {}\"; {file} stays as published, and internal outputs show both versions",
        authoring::local_time(at, session.repo())
    );
    Ok(ExitCode::SUCCESS)
}
