//! `incident stats`: the metrics of the practice, for the team (internal:
//! printed here, never part of the built site).

use super::CliError;
use crate::check;
use crate::diagnostics::Counts;
use crate::repo::Files;
use crate::stats::{self, format};
use jiff::civil::Date;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StatsFormat {
    Human,
    Json,
    Md,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only incidents declared on or after this day (YYYY-MM-DD, site time zone).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: StatsFormat,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let since = args
        .since
        .as_deref()
        .map(|s| {
            s.parse::<Date>().map_err(|_| {
                CliError::Usage(format!("--since `{s}` is not a date: write YYYY-MM-DD"))
            })
        })
        .transpose()?;
    let root = super::repository_root(start)?;
    let outcome = check::check(&Files::on_disk(&root))?;
    let repo = outcome.repository.ok_or_else(|| {
        CliError::Usage("incidentkit.yaml has errors; run `incident validate`".into())
    })?;
    let errors = Counts::of(&outcome.diagnostics).errors;
    if errors > 0 {
        eprintln!(
            "note: {errors} error{} in the files; files that cannot be read are left out (run `incident validate`)",
            if errors == 1 { "" } else { "s" }
        );
    }
    let stats = stats::compute(&repo.incidents, &repo.config, since, crate::clock::now());
    let text = match args.format {
        StatsFormat::Human => format::human(&stats),
        StatsFormat::Md => format::markdown(&stats),
        StatsFormat::Html => format::html(&stats),
        StatsFormat::Json => {
            serde_json::to_string_pretty(&stats).map_err(std::io::Error::from)? + "\n"
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
