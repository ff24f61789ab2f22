//! `incident render`: one document for one audience, on standard output.

use crate::check;
use crate::render::postmortem::{self, DocFormat, Document};
use crate::render::update::{self, Audience, Format};
use crate::repo::Files;
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
        /// The incident id (its folder name).
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
        id: String,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
    },
    /// The five-part customer-facing report.
    Report {
        id: String,
        #[arg(long, value_enum, default_value = "md")]
        format: DocFormat,
    },
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let root = super::repository_root(start)?;
    let outcome = check::check(&Files::on_disk(&root))?;
    super::refuse_links(&outcome)?;
    let Some(repository) = outcome.repository else {
        return Err(super::CliError::Usage(
            "incidentkit.yaml has errors: run `incident validate`".to_string(),
        ));
    };
    let id = match &args.what {
        What::Update { id, .. } | What::Postmortem { id, .. } | What::Report { id, .. } => id,
    };
    let incident = repository
        .incidents
        .iter()
        .find(|i| &i.id == id)
        .ok_or_else(|| super::CliError::Usage(format!("no incident `{id}` in incidents/")))?;
    let templates = Templates::load(Some(&root))?;
    let failed = super::CliError::Render;
    let text = match &args.what {
        What::Update {
            audience,
            format,
            at,
            ..
        } => {
            let Some(chosen) = update::pick(incident, *audience, *at) else {
                return Err(super::CliError::Usage(format!(
                    "`{id}` has no update {}for this audience",
                    at.map(|t| format!("at or before {t} ")).unwrap_or_default()
                )));
            };
            update::render(
                &repository.config,
                incident,
                chosen,
                *audience,
                *format,
                &templates,
            )
            .map_err(failed)?
        }
        What::Postmortem { format, .. } => postmortem::render(
            &repository.config,
            incident,
            Document::Postmortem,
            *format,
            &templates,
        )
        .map_err(failed)?,
        What::Report { format, .. } => {
            if !incident.is_public() {
                eprintln!("note: `{id}` is internal; its report is not on the status page");
            }
            postmortem::render(
                &repository.config,
                incident,
                Document::Report,
                *format,
                &templates,
            )
            .map_err(failed)?
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
