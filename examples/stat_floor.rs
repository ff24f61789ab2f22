//! What a scan that reads every folder pays: list every folder under
//! `incidents/` and take the stat of every file in them, in parallel per
//! incident folder, and nothing else (no cache, no index, no model);
//! `git status` pays it too. The benchmark compares a warm `incident list`
//! and `validate --changed-since` with it: they read only the folders
//! changed since their last run (the names of the others are kept in
//! `.git/incidentkit/listings`) and stat every folder and file.
//!
//! With `--read`, every file is also opened and read whole, and nothing is
//! parsed: what a first `incident list` in a clone cannot do without, as it
//! has nothing kept and reads every file of every incident.
//!
//! cargo run --release --example stat_floor -- [--read] REPO_DIR

use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Files stat'ed (and read, with `read`) under `dir`, and the sum of their
/// sizes (used, so the work cannot be optimised away).
fn stat_all(dir: &Path, read: bool) -> io::Result<(usize, u64)> {
    let mut found = (0, 0);
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        // From the open folder (`fstatat`), not a walk from the root.
        let meta = entry.metadata()?;
        if meta.is_dir() {
            let (n, len) = stat_all(&entry.path(), read)?;
            found = (found.0 + n, found.1 + len);
        } else if read {
            found = (found.0 + 1, found.1 + fs::read(entry.path())?.len() as u64);
        } else {
            found = (found.0 + 1, found.1 + meta.len());
        }
    }
    Ok(found)
}

fn main() -> ExitCode {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    let read = args.first().is_some_and(|a| a == "--read");
    if read {
        args.remove(0);
    }
    let [root] = args.as_slice() else {
        eprintln!("usage: stat_floor [--read] REPO_DIR");
        return ExitCode::from(2);
    };
    let root = PathBuf::from(root);
    let run = || -> io::Result<(usize, u64)> {
        let folders: Vec<PathBuf> = fs::read_dir(root.join("incidents"))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<io::Result<_>>()?;
        folders
            .par_iter()
            .map(|folder| stat_all(folder, read))
            .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))
    };
    match run() {
        Ok((files, bytes)) => {
            let did = if read { "read" } else { "stat'ed" };
            eprintln!("{did} {files} files ({bytes} bytes)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
