//! `incident build`: validate, then render the public site into a staging
//! folder next to the target and swap it in, so a failed build leaves the
//! previous site as it was.

#[cfg(target_os = "linux")]
mod in_place;
mod output;
mod redacted;

use super::scratch::Scratch;
use crate::check;
use crate::diagnostics::{self, Counts, Format};
use crate::model::View;
use crate::render;
use crate::repo::Files;
use crate::templates::Templates;
use output::{Staged, Target};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  incident build --out site\n  incident build --out site --internal-out ../internal\n  incident build --as-of 2026-11-26T10:30:00Z --out then"
)]
pub struct Args {
    /// Where to write the site. Default: `site/` in the repository root.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also write the internal documents here: post-mortems, customer report
    /// drafts, internal stakeholder updates of open incidents. Must lie
    /// outside the public site folder.
    #[arg(long, value_name = "DIR")]
    internal_out: Option<PathBuf>,
    /// How to print findings if validation fails. Default: github inside
    /// GitHub Actions, human elsewhere.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The page as it was: at a time (RFC 3339; updates posted later are
    /// left out) or at a git revision (its files, at its commit time, with
    /// the redactions the repository holds today applied).
    #[arg(long, value_name = "TIME|REV")]
    as_of: Option<String>,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let started = Instant::now();
    // A build holds every incident and frees large blocks as it goes
    // (src/alloc.rs); the other commands keep the allocator as it is.
    crate::alloc::hold_thresholds();
    let root = super::repository_root(start)?;
    let public = Target::new(
        "--out",
        args.out.as_deref().unwrap_or(&root.join("site")),
        &root,
    )?
    .keeping_previous(&root);
    let internal = match &args.internal_out {
        Some(dir) => Some(Target::new("--internal-out", dir, &root)?),
        None => None,
    };
    if let Some(internal) = &internal {
        public.refuse_overlap(internal)?;
        internal.refuse_unignored(&root)?;
    }
    let (source, files, now, _exported) = source(&root, args.as_of.as_deref())?;
    // The site alone needs only what it may publish (`Keep::Public`), and
    // holds its messages in a file of its own in the repository's folder
    // while it renders (`check::spill`).
    let outcome = match internal {
        Some(_) => check::check(&files)?,
        None => check::check_public(&files, check::spill::Spill::beside(&root))?,
    };
    let counts = Counts::of(&outcome.diagnostics);
    if counts.errors > 0 || outcome.repository.is_none() {
        print_findings(args, &outcome, counts)?;
        eprintln!("error: the repository has errors; nothing was built");
        return Ok(ExitCode::from(1));
    }
    let spilled = outcome.spilled;
    let Some(repository) = outcome.repository else {
        return Ok(ExitCode::from(1));
    };
    // Each output as of now counts an entry it shows written a moment
    // ahead of the clock; as of a time or a revision asked for, nothing
    // later.
    let now_for = |view| match args.as_of {
        None => repository.now_counting_entries(now, view),
        Some(_) => now,
    };
    let templates = Templates::load(Some(&source))?;
    // Stage everything before swapping anything in, so a failed render or
    // write leaves both folders as they were. Pages go to the staging folder
    // as they are rendered.
    let staged = public.staging()?;
    render::site(
        &repository,
        spilled.as_ref(),
        &templates,
        now_for(View::Public),
        &staged,
    )
    .map_err(|e| staged.discard_with(super::CliError::Render(e)))?;
    let staged_internal = match &internal {
        Some(target) => {
            match stage_internal(target, &repository, &templates, now_for(View::Internal)) {
                Ok(s) => Some(s),
                Err(e) => return Err(staged.discard_with(e)),
            }
        }
        None => None,
    };
    let files = staged.count();
    staged.swap()?;
    super::left_for_exit(repository);
    if let Some((staged, count)) = staged_internal {
        staged.swap()?;
        eprintln!(
            "wrote {count} internal files into {} (never publish them)",
            staged.target.display(),
        );
    }
    eprintln!(
        "built {files} files into {} in {} ms",
        public.path.display(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// What to build from, and "now": the files on disk, or the tree of a
/// revision written out to a scratch folder (kept alive by the caller).
fn source(
    root: &Path,
    as_of: Option<&str>,
) -> Result<(PathBuf, Files, jiff::Timestamp, Option<Scratch>), super::CliError> {
    Ok(match as_of {
        None => (
            root.to_path_buf(),
            Files::on_disk(root),
            crate::clock::now(),
            None,
        ),
        Some(time) if time.parse::<jiff::Timestamp>().is_ok() => (
            root.to_path_buf(),
            Files::on_disk(root),
            time.parse().expect("checked above"),
            None,
        ),
        Some(rev) => {
            let dir = Scratch::new("incidentkit-as-of")?;
            let at = crate::git::export_tree(root, rev, dir.path())?;
            let applied = redacted::apply_current(root, dir.path())?;
            if applied > 0 {
                eprintln!(
                    "note: {rev} is built with the {applied} redaction(s) made since (today's records): the text they removed stays unpublished"
                );
            }
            (
                dir.path().to_path_buf(),
                Files::exported(dir.path()),
                at,
                Some(dir),
            )
        }
    })
}

/// The findings that stop a build, in the format asked for.
fn print_findings(args: &Args, outcome: &check::Outcome, counts: Counts) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    match args.format.unwrap_or_else(Format::detect) {
        Format::Human => {
            diagnostics::print_human(&mut out, &outcome.diagnostics)?;
            eprintln!(
                "{}",
                diagnostics::summary_line(counts, &format!("{} files", outcome.files))
            );
        }
        Format::Json => diagnostics::print_json(&mut out, &outcome.diagnostics)?,
        Format::Github => diagnostics::print_github(&mut out, &outcome.diagnostics)?,
    }
    out.flush()
}

/// The internal files rendered into `target`'s staging folder, and how
/// many; on failure the staging folder is discarded.
fn stage_internal(
    target: &Target,
    repository: &crate::model::Repository,
    templates: &Templates,
    now: jiff::Timestamp,
) -> Result<(Staged, usize), super::CliError> {
    target.staging().and_then(|s| {
        let files =
            render::internal::files(repository, templates, now).map_err(super::CliError::Render);
        match files.and_then(|files| {
            s.write_all(&files)
                .map_err(super::CliError::from)
                .map(|()| files.len())
        }) {
            Ok(count) => Ok((s, count)),
            Err(e) => Err(s.discard_with(e)),
        }
    })
}
