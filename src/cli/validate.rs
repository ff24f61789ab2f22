use crate::check;
use crate::diagnostics::{self, Counts, Format};
use crate::repo::Files;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format. Default: github inside GitHub Actions, human elsewhere.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let root = super::repository_root(start)?;
    let outcome = check::check(&Files::on_disk(&root))?;
    let found = &outcome.diagnostics;
    let counts = Counts::of(found);
    let mut out = anstream::stdout().lock();
    match args.format.unwrap_or_else(Format::detect) {
        Format::Human => {
            diagnostics::print_human(&mut out, found)?;
            let incidents = outcome.repository.as_ref().map_or(0, |r| r.incidents.len());
            let what = format!("{incidents} incidents, {} files", outcome.files);
            eprintln!("{}", diagnostics::summary_line(counts, &what));
        }
        Format::Json => diagnostics::print_json(&mut out, found)?,
        Format::Github => diagnostics::print_github(&mut out, found)?,
    }
    out.flush()?;
    let failed = counts.errors > 0 || (args.deny_warnings && counts.warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
