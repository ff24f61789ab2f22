//! `incident diff --since REF`: what a change publishes, in words, with a
//! preview of each new stakeholder update (the pull request comment and the
//! job summary read it).

use super::CliError;
use crate::check;
use crate::describe;
use crate::diagnostics::Counts;
use crate::render::update::{self as stakeholder, Audience};
use crate::repo::Files;
use crate::templates::Templates;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Md,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident diff --since origin/main --format md")]
pub struct Args {
    /// The base revision, e.g. origin/main.
    #[arg(long, value_name = "REF")]
    since: String,
    #[arg(long, value_enum, default_value = "md")]
    format: DiffFormat,
}

/// What the change since REF does, with a preview of each new stakeholder update.
pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    let mut out = std::io::stdout().lock();
    if args.format == DiffFormat::Json {
        let (_, entries, counts) = analyse(&root, &args.since)?;
        let report = serde_json::json!({ "version": 1, "changes": entries, "validation": counts });
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = markdown(&root, &args.since)?.0;
    // On a terminal, an escape sequence in a previewed message would
    // recolour or clear the screen (as in `render`).
    if std::io::IsTerminal::is_terminal(&out) {
        write!(out, "{}", crate::text::terminal(&text))?;
    } else {
        write!(out, "{text}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The change since `since`, checked and described.
fn analyse(
    root: &Path,
    since: &str,
) -> Result<(check::Outcome, Vec<describe::Entry>, Counts), CliError> {
    let changes = crate::git::changes_since(root, since)?;
    let outcome = check::check_change(&Files::on_disk(root), &changes, check::Keep::Model)?;
    let counts = Counts::of(&outcome.diagnostics);
    let entries = outcome
        .repository
        .as_ref()
        .map(|repo| describe::describe(repo, &changes))
        .unwrap_or_default();
    Ok((outcome, entries, counts))
}

/// What the change since `since` publishes, as Markdown: for the job
/// summary and the pull request's comment (`incident pr comment`); with the
/// check's outcome.
pub fn markdown(root: &Path, since: &str) -> Result<(String, check::Outcome), CliError> {
    use std::fmt::Write as _;
    let (outcome, entries, counts) = analyse(root, since)?;
    let mut out = String::new();
    let fmt = |e: std::fmt::Error| CliError::Usage(e.to_string());
    writeln!(out, "## incidentkit: what this change publishes\n").map_err(fmt)?;
    if entries.is_empty() {
        writeln!(out, "No incident changes.").map_err(fmt)?;
    }
    for e in &entries {
        writeln!(out, "- {}", as_text(&e.summary)).map_err(fmt)?;
    }
    // No preview while a link is there: a template override may be one (or a
    // plain file holding a link's target, where the checkout has no links).
    let links = !super::links(&outcome).is_empty();
    if let Some(repo) = outcome.repository.as_ref().filter(|_| !links) {
        let templates = Templates::load(Some(root))?;
        for e in &entries {
            let (Some(at), Some(incident)) = (
                e.update_at,
                repo.incidents.iter().find(|i| i.id == e.incident),
            ) else {
                continue;
            };
            let Some(update) = incident.updates.iter().find(|u| u.at == at) else {
                continue;
            };
            let preview = stakeholder::render(
                &repo.config,
                incident,
                update,
                Audience::External,
                stakeholder::Format::Md,
                &templates,
            )
            .map_err(|err| CliError::Usage(err.to_string()))?;
            writeln!(
                out,
                "\n<details><summary>Stakeholder update preview: {}</summary>\n\n{}\n</details>",
                as_text(&e.summary),
                // A preview is read on GitHub: an `@team` in it would notify
                // that team.
                crate::text::no_mentions(&no_html(preview.trim_end()))
            )
            .map_err(fmt)?;
        }
    }
    let verdict = if counts.errors == 0 {
        "✅ validation passed".to_string()
    } else {
        format!(
            "❌ {} errors, {} warnings: see the annotations or run `incident validate --changed-since {}`",
            counts.errors, counts.warnings, since
        )
    };
    writeln!(out, "\n{verdict}").map_err(fmt)?;
    Ok((out, outcome))
}

/// Raw HTML in what people wrote shows as text (as on the status page), so
/// an unclosed `<!--` or a `</details>` cannot hide or restructure the rest
/// of the job summary or the pull request's comment.
fn no_html(markdown: &str) -> String {
    markdown.replace('<', "&lt;")
}

/// A one-line summary that stays one list item.
fn as_text(summary: &str) -> String {
    no_html(&crate::text::one_line(summary))
}
