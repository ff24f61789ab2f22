//! `incident build`: validate, then render the public site into a staging
//! folder next to the target and swap it in, so a failed build leaves the
//! previous site as it was.

use crate::check;
use crate::diagnostics::{self, Counts, Format};
use crate::render;
use crate::repo::Files;
use crate::templates::Templates;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the site. Default: `site/` in the repository root.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// How to print findings if validation fails. Default: github inside
    /// GitHub Actions, human elsewhere.
    #[arg(long, value_enum)]
    format: Option<Format>,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, super::CliError> {
    let started = Instant::now();
    let root = super::repository_root(start)?;
    let outcome = check::check(&Files::on_disk(&root))?;
    let counts = Counts::of(&outcome.diagnostics);
    if counts.errors > 0 || outcome.repository.is_none() {
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
        out.flush()?;
        eprintln!("error: the repository has errors; nothing was built");
        return Ok(ExitCode::from(1));
    }
    let Some(repository) = outcome.repository else {
        return Ok(ExitCode::from(1));
    };
    let templates = Templates::load(Some(&root))?;
    let files = render::site(&repository, &templates, crate::clock::now())
        .map_err(|e| super::CliError::Usage(format!("cannot render the site: {e}")))?;
    let target = match &args.out {
        Some(dir) => dir.clone(),
        None => root.join("site"),
    };
    publish(&target, &root, &files)?;
    eprintln!(
        "built {} files into {} in {} ms",
        files.len(),
        target.display(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `files` to a staging folder beside `target`, then swaps it in.
fn publish(
    target: &Path,
    root: &Path,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), super::CliError> {
    let target = absolute(target)?;
    let root = absolute(root)?;
    if root.starts_with(&target) {
        return Err(super::CliError::Usage(format!(
            "refusing to build into {}: it holds the incident repository",
            target.display()
        )));
    }
    if target.is_dir() && !looks_like_a_site(&target)? {
        return Err(super::CliError::Usage(format!(
            "refusing to replace {}: it is not empty and holds no index.html; choose another --out",
            target.display()
        )));
    }
    let parent = target
        .parent()
        .ok_or_else(|| super::CliError::Usage("--out needs a parent folder".to_string()))?;
    fs::create_dir_all(parent)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".to_string());
    // What builds killed mid-way left behind.
    crate::author::write::remove_stale(parent, &format!(".{name}.staging-"), "");
    crate::author::write::remove_stale(parent, &format!(".{name}.old-"), "");
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let written = write_all(&staging, files);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e.into());
    }
    let had_old = target.exists();
    if had_old {
        fs::rename(&target, &old)?;
    }
    if let Err(e) = fs::rename(&staging, &target) {
        // Put the previous site back.
        if had_old {
            let _ = fs::rename(&old, &target);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e.into());
    }
    if had_old {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

fn write_all(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    for (path, bytes) in files {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(file, bytes)?;
    }
    Ok(())
}

fn looks_like_a_site(dir: &Path) -> std::io::Result<bool> {
    Ok(dir.join("index.html").is_file() || fs::read_dir(dir)?.next().is_none())
}

fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    Ok(path.canonicalize().unwrap_or(path))
}
