//! `incident stats`: the metrics of the practice, for the team (internal:
//! printed here, never part of the built site).

use super::CliError;
use crate::check;
use crate::diagnostics::Counts;
use crate::repo::Files;
use crate::stats::{self, format};
use crate::templates::Templates;
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
#[command(
    after_help = "Examples:\n  incident stats --since 2026-01-01 --format md\n  incident stats --uptime --month 2026-11"
)]
pub struct Args {
    /// Only incidents declared on or after this day (YYYY-MM-DD, site time zone).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[arg(long, value_enum, default_value = "human")]
    format: StatsFormat,
    /// Uptime and downtime minutes per component and group instead (as the
    /// status page counts them): the last 30 days, a --month or --since a day.
    #[arg(long)]
    uptime: bool,
    /// With --uptime: one calendar month, YYYY-MM (site time zone).
    #[arg(
        long,
        value_name = "YYYY-MM",
        requires = "uptime",
        conflicts_with = "since"
    )]
    month: Option<String>,
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
    if args.uptime {
        return uptime(&root, &repo, since, args);
    }
    let stats = stats::compute(&repo.incidents, &repo.config, since, crate::clock::now());
    let text = match args.format {
        StatsFormat::Human => format::human(&stats),
        StatsFormat::Md => format::markdown(&stats, &Templates::load(Some(&root))?)?,
        StatsFormat::Html => format::html(&stats, &Templates::load(Some(&root))?)?,
        StatsFormat::Json => {
            serde_json::to_string_pretty(&stats).map_err(std::io::Error::from)? + "\n"
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn uptime(
    root: &Path,
    repo: &crate::model::Repository,
    since: Option<Date>,
    args: &Args,
) -> Result<ExitCode, CliError> {
    use jiff::ToSpan;
    let now = crate::clock::now();
    let clock = crate::render::time::SiteTime::new(&repo.config);
    let (from, to) = match (&args.month, since) {
        (Some(month), _) => {
            let first = format!("{month}-01").parse::<Date>().map_err(|_| {
                CliError::Usage(format!("--month `{month}` is not a month: write YYYY-MM"))
            })?;
            let next = first
                .checked_add(1.month())
                .map_err(|e| CliError::Usage(format!("--month `{month}`: {e}")))?;
            (clock.start_of(first), clock.start_of(next))
        }
        (None, Some(day)) => (clock.start_of(day), now),
        (None, None) => {
            let today = clock.date(now);
            let first = today.checked_sub(29.days()).unwrap_or(today);
            (clock.start_of(first), now)
        }
    };
    let report = crate::stats::uptime::report(repo, from, to, now);
    let text = match args.format {
        StatsFormat::Human => crate::stats::uptime::human(&report),
        StatsFormat::Md => crate::stats::uptime::markdown(&report, &Templates::load(Some(root))?)?,
        StatsFormat::Html => crate::stats::uptime::html(&report, &Templates::load(Some(root))?)?,
        StatsFormat::Json => {
            serde_json::to_string_pretty(&report).map_err(std::io::Error::from)? + "\n"
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
