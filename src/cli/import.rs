//! `incident import`: an existing status page's history (Statuspage's saved
//! API JSON, a cState site) as incident folders, in a new repository
//! (`--out`) or added to one (`--into`, skipping incidents imported before).
//! Nothing is written unless the result validates; then it prints what it
//! read, wrote and changed on the way in.

use super::CliError;
use crate::check;
use crate::compose::{NewFiles, write};
use crate::diagnostics::{self, Level};
use crate::import::{self, Import};
use crate::model::Kind;
use crate::repo::Files;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  incident import statuspage saved/*.json --out my-incidents\n  incident import cstate ../status-site --out my-incidents"
)]
pub struct Args {
    #[command(subcommand)]
    source: Source,
}

#[derive(Debug, clap::Subcommand)]
enum Source {
    /// Atlassian Statuspage: the public API v2 JSON saved with curl
    /// (summary.json, components.json, incidents.json,
    /// scheduled-maintenances.json, incidents/<id>.json; any subset).
    Statuspage(StatuspageArgs),
    /// A cState site: config.yml/config.toml systems and content/issues/*.md.
    Cstate(CstateArgs),
}

#[derive(Debug, clap::Args)]
struct CstateArgs {
    /// The folder of the cState (Hugo) site: the one holding config.yml and content/.
    #[arg(value_name = "SITE_DIR")]
    site: PathBuf,
    #[command(flatten)]
    target: Target,
}

#[derive(Debug, clap::Args)]
struct Target {
    /// A new repository in DIR (created; must be empty). Default: the current folder.
    #[arg(long, value_name = "DIR", conflicts_with = "into")]
    out: Option<PathBuf>,
    /// Add to the existing repository at DIR: only new incident folders are
    /// written; incidents imported before are skipped and reported.
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct StatuspageArgs {
    /// Files or folders of saved API responses (folders are searched for *.json).
    #[arg(required = true, value_name = "DIR|FILE")]
    inputs: Vec<PathBuf>,
    /// Impact → severity, overriding the default critical=sev1, major=sev2,
    /// minor=sev3, none=sev4 (repeatable, e.g. --severity none=sev3).
    #[arg(long = "severity", value_name = "IMPACT=SEV")]
    severity: Vec<String>,
    #[command(flatten)]
    target: Target,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let usage = |e: import::ImportError| CliError::Usage(e.to_string());
    let (mut imported, target) = match &args.source {
        Source::Statuspage(a) => {
            let map = import::statuspage::SeverityMap::default()
                .with(&a.severity)
                .map_err(CliError::Usage)?;
            let inputs: Vec<PathBuf> = a.inputs.iter().map(|p| start.join(p)).collect();
            (
                import::statuspage::read(&inputs, &map).map_err(usage)?,
                &a.target,
            )
        }
        Source::Cstate(a) => (
            import::cstate::read(&start.join(&a.site)).map_err(usage)?,
            &a.target,
        ),
    };
    write_import(start, &mut imported, target)
}

fn write_import(
    start: &Path,
    imported: &mut Import,
    target: &Target,
) -> Result<ExitCode, CliError> {
    let usage = |e: import::ImportError| CliError::Usage(e.to_string());
    let (root, before) = destination(start, target)?;
    let plan = import::plan(
        imported,
        before.as_ref().and_then(|b| b.repository.as_ref()),
    )
    .map_err(usage)?;

    let mut base: NewFiles = NewFiles::new();
    if let Some(config) = &plan.config {
        base = super::init::skeleton(&imported.site.name)?;
        base.insert(crate::repo::CONFIG_FILE.to_string(), config.clone());
        if !plan.incidents.is_empty() {
            // Only there to keep an empty folder in git.
            base.remove("incidents/.gitkeep");
        }
    }
    let mut all = base.clone();
    for (_, files) in plan.incidents.iter().chain(&plan.added) {
        all.extend(files.clone());
    }
    let after = check::check(&Files::with_pending(&root, all.clone()))?;
    let known: HashSet<(&str, &str, &str)> = before
        .iter()
        .flat_map(|b| &b.diagnostics)
        .map(|d| (d.file.as_str(), d.rule, d.message.as_str()))
        .collect();
    let (errors, warnings): (Vec<_>, Vec<_>) = after
        .diagnostics
        .into_iter()
        .filter(|d| !known.contains(&(d.file.as_str(), d.rule, d.message.as_str())))
        .partition(|d| d.level == Level::Error);
    if !errors.is_empty() {
        let mut err = anstream::stderr().lock();
        diagnostics::print_human(&mut err, &errors)?;
        eprintln!("nothing was written: the imported files would not validate");
        return Ok(ExitCode::from(1));
    }

    if !base.is_empty() {
        write::create_all(&root, &base).map_err(|e| CliError::Refused(e.to_string()))?;
    }
    for (_, files) in plan.incidents.iter().chain(&plan.added) {
        write::create_all(&root, files).map_err(|e| CliError::Refused(e.to_string()))?;
    }

    let added: usize = plan.added.iter().map(|(_, f)| f.len()).sum();
    print_summary(imported, &plan, all.len() - added, &root, warnings.len());
    Ok(ExitCode::SUCCESS)
}

/// The folder to write into and, for `--into`, what validating it found
/// before: an existing valid repository, or a new or empty folder.
fn destination(
    start: &Path,
    target: &Target,
) -> Result<(PathBuf, Option<check::Outcome>), CliError> {
    match &target.into {
        Some(into) => {
            let root = super::repository_root(&start.join(into))?;
            let before = check::check(&Files::on_disk(&root))?;
            if before.repository.is_none() {
                return Err(CliError::Usage(format!(
                    "{} has errors; run `incident validate` there and fix them first",
                    root.join(crate::repo::CONFIG_FILE).display()
                )));
            }
            Ok((root, Some(before)))
        }
        None => {
            let root = start.join(target.out.as_deref().unwrap_or(Path::new(".")));
            if root.join(crate::repo::CONFIG_FILE).exists() {
                return Err(CliError::Usage(format!(
                    "{} is already an incident repository: use --into {} to add to it",
                    root.display(),
                    root.display()
                )));
            }
            let busy = std::fs::read_dir(&root).ok().and_then(|mut entries| {
                entries.find(|e| e.as_ref().is_ok_and(|e| e.file_name() != ".git"))
            });
            if busy.is_some() {
                return Err(CliError::Usage(format!(
                    "{} is not empty: import into a new or empty folder (--out DIR), or into a repository with --into",
                    root.display()
                )));
            }
            Ok((root, None))
        }
    }
}

/// What was read, written and changed on the way in.
fn print_summary(
    imported: &Import,
    plan: &import::Plan,
    files: usize,
    root: &Path,
    warnings: usize,
) {
    let incidents = &imported.incidents;
    let maintenance = incidents
        .iter()
        .filter(|i| i.declaration.kind == Kind::Maintenance)
        .count();
    let retired = imported.components.iter().filter(|c| c.retired).count();
    println!(
        "read {} files from {}: {} incidents, {maintenance} maintenance, {} components ({retired} retired) in {} groups",
        imported.files_read,
        imported.from.as_str(),
        incidents.len() - maintenance,
        imported.components.len(),
        imported.groups.len(),
    );
    println!(
        "wrote {} incident folders ({files} files) into {}{}",
        plan.incidents.len(),
        root.display(),
        if plan.skipped > 0 {
            format!("; skipped {} imported before", plan.skipped)
        } else {
            String::new()
        }
    );
    if !plan.added.is_empty() {
        println!(
            "added {} files to {} incidents imported before (the source holds newer updates of them)",
            plan.added.iter().map(|(_, f)| f.len()).sum::<usize>(),
            plan.added.len()
        );
    }
    if imported.report.notes.is_empty() {
        println!("changed on the way in: nothing");
    } else {
        println!("changed on the way in ({}):", imported.report.notes.len());
        for note in &imported.report.notes {
            println!("  - {note}");
        }
    }
    println!(
        "validate: 0 errors, {warnings} warnings (the practice rules spare imported history: see `imported:` in each incident.yaml)"
    );
}
