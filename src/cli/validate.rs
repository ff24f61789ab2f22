//! `incident validate`: every file against its schema and the practice
//! rules, or (`--changed-since REF`) the change against a revision; prints
//! the findings as text, JSON or GitHub workflow commands.

use crate::check;
use crate::diagnostics::{self, Counts, Format};
use crate::repo::Files;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  incident validate\n  incident validate --changed-since origin/main --format github"
)]
pub struct Args {
    /// Output format. Default: github inside GitHub Actions, human elsewhere.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Check the change since this git revision (e.g. origin/main): the
    /// append-only rules, and only the incidents the change touches. As
    /// `git status` does, it writes the file times git's index lacks back
    /// into it when it had to compare many files by content (a copied or
    /// restored checkout), so the next run compares times only.
    #[arg(long, value_name = "REF")]
    changed_since: Option<String>,
}

/// "1 finding exempted:" and one line each: never silent.
fn exempted_note(exempted: &[check::Exempted]) -> Option<String> {
    if exempted.is_empty() {
        return None;
    }
    let n = exempted.len();
    let mut note = format!("{n} finding{} exempted:\n", if n == 1 { "" } else { "s" });
    for e in exempted {
        let d = &e.diagnostic;
        let place = match d.line {
            Some(line) => format!("{}:{line}", d.file),
            None => d.file.clone(),
        };
        // One line each: the reason is someone's text.
        note.push_str(&format!(
            "  {place} [{}] {} (reason: {})\n",
            d.rule,
            crate::text::one_line(&d.message),
            crate::text::one_line(&e.reason)
        ));
    }
    Some(note)
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let root = super::repository_root(start)?;
    let files = Files::on_disk(&root);
    let outcome = match &args.changed_since {
        Some(rev) => {
            let changes = crate::git::changes_since(&root, rev)?;
            check::check_change(&files, &changes, check::Keep::Findings)?
        }
        None => check::check_findings(&files)?,
    };
    let found = &outcome.diagnostics;
    let counts = Counts::of(found);
    let mut out = anstream::stdout().lock();
    match args.format.unwrap_or_else(Format::detect) {
        Format::Human => {
            diagnostics::print_human(&mut out, found)?;
            let incidents = outcome.incidents;
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            let what = format!(
                "{}, {}",
                plural(incidents, "incident"),
                plural(outcome.files, "file")
            );
            eprintln!("{}", diagnostics::summary_line(counts, &what));
            if let Some(note) = exempted_note(&outcome.exempted) {
                eprint!("{note}");
            }
        }
        Format::Json => {
            let exempted: Vec<diagnostics::ExemptedJson> = outcome
                .exempted
                .iter()
                .map(|e| diagnostics::ExemptedJson {
                    diagnostic: &e.diagnostic,
                    reason: &e.reason,
                })
                .collect();
            diagnostics::print_json_with(&mut out, found, &exempted)?;
        }
        Format::Github => {
            diagnostics::print_github(&mut out, found)?;
            if let Some(note) = exempted_note(&outcome.exempted) {
                writeln!(
                    out,
                    "::notice title=incidentkit exemptions::{}",
                    diagnostics::escape_data(note.trim_end())
                )?;
            }
            if let Some(path) =
                std::env::var_os("GITHUB_STEP_SUMMARY").filter(|_| !found.is_empty())
            {
                let mut summary = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?;
                summary.write_all(diagnostics::summary_markdown(found).as_bytes())?;
            }
        }
    }
    out.flush()?;
    let failed = counts.errors > 0 || (args.deny_warnings && counts.warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
