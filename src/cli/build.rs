//! `incident build`: validate, then render the public site into a staging
//! folder next to the target and swap it in, so a failed build leaves the
//! previous site as it was.

use crate::check;
use crate::diagnostics::{self, Counts, Format};
use crate::render;
use crate::repo::Files;
use crate::templates::Templates;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// left out) or at a git revision (its files, at its commit time).
    #[arg(long, value_name = "TIME|REV")]
    as_of: Option<String>,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let started = Instant::now();
    let root = super::repository_root(start)?;
    let public = Target::new(
        "--out",
        args.out.as_deref().unwrap_or(&root.join("site")),
        &root,
    )?;
    let internal = match &args.internal_out {
        Some(dir) => Some(Target::new("--internal-out", dir, &root)?),
        None => None,
    };
    if let Some(internal) = &internal {
        public.refuse_overlap(internal)?;
    }
    // What to build from: the files on disk, or the tree of a revision.
    let (source, now, _exported) = match args.as_of.as_deref() {
        None => (root.clone(), crate::clock::now(), None),
        Some(time) if time.parse::<jiff::Timestamp>().is_ok() => {
            (root.clone(), time.parse().expect("checked above"), None)
        }
        Some(rev) => {
            let dir = Scratch::new()?;
            let at = crate::git::export_tree(&root, rev, &dir.0)?;
            (dir.0.clone(), at, Some(dir))
        }
    };
    // The site alone needs only what it may publish (`Keep::Public`).
    let outcome = match internal {
        Some(_) => check::check(&Files::on_disk(&source))?,
        None => check::check_public(&Files::on_disk(&source))?,
    };
    let counts = Counts::of(&outcome.diagnostics);
    if counts.errors > 0 || outcome.repository.is_none() {
        print_findings(args, &outcome, counts)?;
        eprintln!("error: the repository has errors; nothing was built");
        return Ok(ExitCode::from(1));
    }
    let Some(repository) = outcome.repository else {
        return Ok(ExitCode::from(1));
    };
    let templates = Templates::load(Some(&source))?;
    // Stage everything before swapping anything in, so a failed render or
    // write leaves both folders as they were. Pages go to the staging folder
    // as they are rendered.
    let staged = public.staging()?;
    render::site(&repository, &templates, now, &staged)
        .map_err(|e| staged.discard_with(super::CliError::Render(e)))?;
    let staged_internal = match &internal {
        Some(target) => match stage_internal(target, &repository, &templates, now) {
            Ok(s) => Some(s),
            Err(e) => return Err(staged.discard_with(e)),
        },
        None => None,
    };
    let files = staged.count();
    staged.swap()?;
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

/// A folder of our own under the system's temporary folder, removed when
/// dropped: the tree of a revision for `--as-of`.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("incidentkit-as-of-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// An output folder, checked before anything is rendered.
struct Target {
    flag: &'static str,
    path: PathBuf,
}

/// An output being written into a staging folder beside its target.
struct Staged {
    staging: PathBuf,
    target: PathBuf,
    /// Files written so far.
    written: AtomicUsize,
    /// Folders made so far: thousands of pages share a few, and making one
    /// that exists locks the folder around it.
    folders: Mutex<BTreeSet<PathBuf>>,
}

impl Target {
    fn new(flag: &'static str, dir: &Path, root: &Path) -> Result<Self, super::CliError> {
        let path = resolve(dir)?;
        if resolve(root)?.starts_with(&path) {
            return Err(super::CliError::Usage(format!(
                "refusing to build into {}: it holds the incident repository; choose another {flag}",
                path.display()
            )));
        }
        if path.is_dir() && !looks_like_an_output(&path)? {
            return Err(super::CliError::Usage(format!(
                "refusing to replace {}: it is not empty and holds no index.html; choose another {flag}",
                path.display()
            )));
        }
        if path.parent().is_none() {
            return Err(super::CliError::Usage(format!(
                "{flag} needs a parent folder"
            )));
        }
        Ok(Self { flag, path })
    }

    /// Internal documents must never end up on the public site, nor the
    /// site inside the internal folder (the swap of one would replace the other).
    fn refuse_overlap(&self, internal: &Target) -> Result<(), super::CliError> {
        if internal.path.starts_with(&self.path) || self.path.starts_with(&internal.path) {
            return Err(super::CliError::Usage(format!(
                "refusing {} {}: it overlaps the public site folder {} ({}); internal documents must never be published, so choose a folder outside it",
                internal.flag,
                internal.path.display(),
                self.path.display(),
                self.flag,
            )));
        }
        Ok(())
    }

    /// An empty staging folder beside the target, after removing what
    /// builds killed mid-way left behind.
    fn staging(&self) -> Result<Staged, super::CliError> {
        let parent = self.path.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent)?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".to_string());
        // What builds killed mid-way left behind.
        crate::compose::write::remove_stale(parent, &format!(".{name}.staging-"), "");
        crate::compose::write::remove_stale(parent, &format!(".{name}.old-"), "");
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging)?;
        Ok(Staged {
            staging,
            target: self.path.clone(),
            written: AtomicUsize::new(0),
            folders: Mutex::default(),
        })
    }
}

impl render::Sink for Staged {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let file = self.staging.join(path);
        if let Some(parent) = file.parent()
            && !self.folders.lock().is_ok_and(|f| f.contains(parent))
        {
            fs::create_dir_all(parent)?;
            if let Ok(mut folders) = self.folders.lock() {
                folders.insert(parent.to_path_buf());
            }
        }
        fs::write(file, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Staged {
    fn write_all(&self, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
        for (path, bytes) in files {
            render::Sink::put(self, path, bytes)?;
        }
        Ok(())
    }

    fn count(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// Moves the staged folder into place, putting the previous one back if
    /// that fails.
    fn swap(&self) -> Result<(), super::CliError> {
        if self.target.exists() && exchange(&self.staging, &self.target).is_ok() {
            // The previous output now sits where the staging folder was.
            fs::remove_dir_all(&self.staging)?;
            return Ok(());
        }
        // No atomic exchange here (not Linux, or a file system without it):
        // two renames, with a moment in which the target is missing.
        let old = self.staging.with_file_name(
            self.staging
                .file_name()
                .map(|n| n.to_string_lossy().replace(".staging-", ".old-"))
                .unwrap_or_default(),
        );
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            let _ = fs::remove_dir_all(&self.staging);
            return Err(e.into());
        }
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Removes the staging folder after `error`, and returns it.
    fn discard_with(&self, error: super::CliError) -> super::CliError {
        let _ = fs::remove_dir_all(&self.staging);
        error
    }
}

/// Swaps two paths in one step, so neither a reader of the site nor a kill
/// mid-build ever finds the folder missing.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    Ok(renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)?)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

fn looks_like_an_output(dir: &Path) -> std::io::Result<bool> {
    Ok(dir.join("index.html").is_file() || fs::read_dir(dir)?.next().is_none())
}

/// The absolute path with symlinks resolved as far as it exists, so two
/// spellings of one folder compare equal.
fn resolve(given: &Path) -> std::io::Result<PathBuf> {
    // `..` of a folder on disk is its real parent (symlinks followed); of a
    // folder that does not exist yet, the lexical one.
    let mut path = PathBuf::new();
    for part in std::path::absolute(given)?.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if path.exists() => {
                path = path.canonicalize()?;
                path.pop();
            }
            std::path::Component::ParentDir => {
                path.pop();
            }
            other => path.push(other),
        }
    }
    let mut existing = path.as_path();
    let mut missing = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(missing.iter().rev());
    Ok(out)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_folders_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, staging) = (tmp.path().join("site"), tmp.path().join(".staging"));
        for (dir, page) in [(&site, "old"), (&staging, "new")] {
            fs::create_dir(dir).unwrap();
            fs::write(dir.join("index.html"), page).unwrap();
        }
        exchange(&staging, &site).unwrap();
        assert_eq!(fs::read_to_string(site.join("index.html")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(staging.join("index.html")).unwrap(),
            "old"
        );
    }
}
