//! `incident render`: one document for one audience, on standard output.

use super::authoring::Session;
use crate::model::postmortem::PostmortemStatus;
use crate::render::postmortem::{self, DocFormat, Document};
use crate::render::update::{self, Audience, Format};
use crate::templates::Templates;
use jiff::Timestamp;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  incident render update checkout --audience internal --format slack\n  incident render postmortem checkout --format html > postmortem.html"
)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// A stakeholder update: Time, Current Status, Impact, Next Update ETA.
    Update {
        /// The incident id (its folder name), or any part of it that names one incident.
        id: String,
        #[arg(long, value_enum, default_value = "external")]
        audience: Audience,
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// The update in force at this time (RFC 3339) instead of the latest.
        #[arg(long)]
        at: Option<Timestamp>,
    },
    /// The blameless internal post-mortem.
    Postmortem {
        /// The incident id (its folder name), or any part of it that names one incident.
        id: String,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
    },
    /// The five-part customer-facing report.
    Report {
        /// The incident id (its folder name), or any part of it that names one incident.
        id: String,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
    },
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let id = match &args.what {
        What::Update { id, .. } | What::Postmortem { id, .. } | What::Report { id, .. } => id,
    };
    // One incident of thousands: the configuration and that incident read,
    // as `show` reads them (an id may be any part naming one incident).
    let session = Session::open(start, Some(id))?;
    let (root, config, incident) = (&session.root, &session.repo().config, session.incident());
    if &incident.id != id {
        // The document may not name its incident: say which one it is.
        eprintln!("rendering {}", incident.id);
    }
    let id = &incident.id;
    let templates = Templates::load(Some(root))?;
    let failed = super::CliError::Render;
    let text = match &args.what {
        What::Update {
            audience,
            format,
            at,
            ..
        } => {
            // Customers never get an internal incident (as `notify` leaves
            // it out of external targets): refused, not printed as theirs.
            if *audience == Audience::External && !incident.is_public() {
                return Err(super::CliError::Usage(format!(
                    "`{id}` is internal (visibility: internal): it has no external stakeholder update; use --audience internal"
                )));
            }
            let Some(chosen) = update::pick(incident, *audience, *at) else {
                return Err(super::CliError::Usage(format!(
                    "`{id}` has no update {}for this audience",
                    at.map(|t| format!("at or before {t} ")).unwrap_or_default()
                )));
            };
            // Its text as it read then: a later correction not yet applied.
            let as_of = at.unwrap_or(Timestamp::MAX);
            update::render_as_of(
                config, incident, chosen, as_of, *audience, *format, &templates,
            )
            .map_err(failed)?
        }
        What::Postmortem { format, .. } => {
            if incident
                .postmortem
                .as_ref()
                .is_some_and(|p| p.status == PostmortemStatus::Draft)
            {
                eprintln!(
                    "note: the post-mortem of `{id}` is a draft: sections not written yet are left out"
                );
            }
            postmortem::render(config, incident, Document::Postmortem, *format, &templates)
                .map_err(failed)?
        }
        What::Report { format, .. } => {
            if !incident.is_public() {
                eprintln!("note: `{id}` is internal; its report is not on the status page");
            }
            postmortem::render(config, incident, Document::Report, *format, &templates)
                .map_err(failed)?
        }
    };
    let mut out = std::io::stdout().lock();
    // On a terminal, an escape sequence in someone's text would recolour or
    // clear the screen; a pipe or a file gets the document as written.
    let text = if std::io::IsTerminal::is_terminal(&out) {
        crate::text::terminal(&text)
    } else {
        text
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
