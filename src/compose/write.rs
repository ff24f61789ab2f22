//! Writing new files only, never half of one: each file goes to a hidden
//! temporary name, is synced, then linked into place (which fails rather
//! than replace a file that appeared meanwhile). A batch that creates a new
//! folder (a declared incident) is staged whole in a hidden folder and
//! renamed into place, so a crash never leaves half an incident. On any
//! failure the files of this batch are removed again; hidden temporaries
//! that a killed run left behind are removed by the next run.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0} already exists; incidentkit never overwrites a file")]
    Exists(String),
    #[error("cannot write {0}: {1}")]
    Io(String, io::Error),
}

/// Creates every file of `files` (paths relative to `root`), or none.
pub fn create_all(root: &Path, files: &BTreeMap<String, String>) -> Result<(), WriteError> {
    if let Some(existing) = files.keys().find(|f| root.join(f).exists()) {
        return Err(WriteError::Exists(existing.clone()));
    }
    let new = new_folder(root, files);
    // Where this write puts its temporaries, a killed one left its own:
    // beside the new folder, or beside each file (not every folder on the
    // way: incidents/ lists every incident). Only inside incidents/:
    // elsewhere a hidden `*.tmp` may be a person's.
    let incidents = root.join(crate::paths::INCIDENTS);
    let beside: Vec<&Path> = match &new {
        Some(folder) => folder.parent().into_iter().collect(),
        None => files.keys().filter_map(|f| Path::new(f).parent()).collect(),
    };
    let folders: BTreeSet<PathBuf> = beside
        .into_iter()
        .map(|dir| root.join(dir))
        .filter(|dir| dir.starts_with(&incidents))
        .collect();
    for dir in &folders {
        remove_stale(dir, ".", ".tmp");
    }
    if let Some(folder) = new {
        return create_in_new_folder(root, &folder, files);
    }
    let mut created: Vec<PathBuf> = Vec::new();
    for (file, text) in files {
        match create_one(&root.join(file), text) {
            Ok(()) => created.push(root.join(file)),
            Err(e) => {
                for path in &created {
                    let _ = fs::remove_file(path);
                }
                return Err(match e.kind() {
                    io::ErrorKind::AlreadyExists => WriteError::Exists(file.clone()),
                    _ => WriteError::Io(file.clone(), e),
                });
            }
        }
    }
    Ok(())
}

/// The folder (relative to `root`) that the batch creates and that holds
/// all of its files, if there is one.
fn new_folder(root: &Path, files: &BTreeMap<String, String>) -> Option<PathBuf> {
    let mut found: Option<&Path> = None;
    for file in files.keys() {
        let path = Path::new(file);
        let mut ancestors: Vec<&Path> = path.ancestors().skip(1).collect();
        ancestors.reverse();
        let top = ancestors
            .into_iter()
            .find(|a| !a.as_os_str().is_empty() && !root.join(a).exists())?;
        match found {
            Some(f) if f != top => return None,
            _ => found = Some(top),
        }
    }
    found.map(Path::to_path_buf)
}

/// Writes the batch into a hidden sibling of `folder` and renames it into
/// place: all of it appears at once, or none of it.
fn create_in_new_folder(
    root: &Path,
    folder: &Path,
    files: &BTreeMap<String, String>,
) -> Result<(), WriteError> {
    let target = root.join(folder);
    let shown = folder.display().to_string();
    let io_err = |e: io::Error| match e.kind() {
        io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty => {
            WriteError::Exists(shown.clone())
        }
        _ => WriteError::Io(shown.clone(), e),
    };
    let parent = target.parent().unwrap_or(root);
    fs::create_dir_all(parent).map_err(io_err)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        for (file, text) in files {
            let inside = Path::new(file)
                .strip_prefix(folder)
                .unwrap_or(Path::new(file));
            let path = staging.join(inside);
            fs::create_dir_all(path.parent().unwrap_or(&staging))?;
            let mut out = fs::File::create_new(&path)?;
            write_text(&mut out, text)?;
            out.sync_all()?;
        }
        // Fails on a folder that appeared meanwhile, unless it is empty.
        fs::rename(&staging, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map_err(io_err)?;
    if let Ok(d) = fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes the hidden entries of `dir` named `<prefix>…<pid><suffix>` whose
/// process is gone: what a run killed mid-write left behind. Only where
/// `/proc` tells which processes live; elsewhere they stay (hidden, so
/// `validate` and `build` never read them).
pub fn remove_stale(dir: &Path, prefix: &str, suffix: &str) {
    let proc = Path::new("/proc");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    if !proc.join("self").exists() {
        return;
    }
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(middle) = name
            .strip_prefix(prefix)
            .and_then(|n| n.strip_suffix(suffix))
            .filter(|_| name.starts_with('.'))
        else {
            continue;
        };
        let rest = middle.trim_end_matches(|c: char| c.is_ascii_digit());
        let pid = &middle[rest.len()..];
        let separated = rest.is_empty() || rest.ends_with(['.', '-']);
        if pid.is_empty()
            || !separated
            || pid == std::process::id().to_string()
            || proc.join(pid).exists()
        {
            continue;
        }
        let path = entry.path();
        let _ = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
    }
}

/// Replaces the existing file `file` (relative to `root`) with `text`, whole
/// or not at all: written to a hidden temporary, synced, renamed over it.
/// Only `incident redact` rewrites a file, with a record that says so.
pub fn replace(root: &Path, file: &str, text: &str) -> Result<(), WriteError> {
    through_temporary(&root.join(file), text, |tmp, path| fs::rename(tmp, path))
        .map_err(|e| WriteError::Io(file.to_string(), e))
}

fn create_one(path: &Path, text: &str) -> io::Result<()> {
    fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    // A link fails rather than replace a file that appeared meanwhile.
    through_temporary(path, text, |tmp, path| fs::hard_link(tmp, path))
}

/// Writes `text` ending in exactly one line break (its own, `\r\n` or
/// `\n`): a file without one glues what `cat >>` appends onto its last line
/// (a comment, in incidentkit.yaml), and templates end as they like.
fn write_text(out: &mut fs::File, text: &str) -> io::Result<()> {
    let body = text.trim_end_matches(['\r', '\n']);
    let eol = if text[body.len()..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    out.write_all(body.as_bytes())?;
    out.write_all(eol.as_bytes())
}

/// Writes `text` to a hidden temporary beside `path`, synced, puts it in
/// place with `place`, and syncs the folder so the new entry is durable too.
fn through_temporary(
    path: &Path,
    text: &str,
    place: fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Hidden, so a crash before it is placed leaves nothing `validate` reads.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create_new(&tmp)?;
        write_text(&mut file, text)?;
        file.sync_all()?;
        place(&tmp, path)
    })();
    // Gone already after a rename; the spare name after a link.
    let _ = fs::remove_file(&tmp);
    result?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_overwrite_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.yaml"), "mine").unwrap();
        let files = BTreeMap::from([
            ("a.yaml".to_string(), "new".to_string()),
            ("b.yaml".to_string(), "new".to_string()),
        ]);
        assert!(
            matches!(create_all(dir.path(), &files), Err(WriteError::Exists(f)) if f == "b.yaml")
        );
        assert!(!dir.path().join("a.yaml").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("b.yaml")).unwrap(),
            "mine"
        );
    }

    /// The names in `dir`.
    fn names(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_new_folder_appears_whole_and_stale_temporaries_go() {
        let dir = tempfile::tempdir().unwrap();
        let incidents = dir.path().join("incidents");
        fs::create_dir(&incidents).unwrap();
        // Left by a killed run (no process has this pid: pid_max < 2^22).
        fs::write(incidents.join(".x.yaml.4999999.tmp"), "half").unwrap();
        fs::create_dir(incidents.join(".2026-11-26-a.4999999.tmp")).unwrap();
        let files = BTreeMap::from([
            (
                "incidents/2026-11-26-b/incident.yaml".to_string(),
                "a: 1\n".to_string(),
            ),
            (
                "incidents/2026-11-26-b/updates/t.yaml".to_string(),
                "b: 2\n".to_string(),
            ),
        ]);
        assert_eq!(
            new_folder(dir.path(), &files),
            Some(PathBuf::from("incidents/2026-11-26-b"))
        );
        create_all(dir.path(), &files).unwrap();
        assert_eq!(names(&incidents), ["2026-11-26-b"]);
        assert_eq!(
            fs::read_to_string(incidents.join("2026-11-26-b/updates/t.yaml")).unwrap(),
            "b: 2\n"
        );
    }

    /// A file in a folder that exists: what a killed write left beside it
    /// goes.
    #[test]
    fn stale_temporaries_beside_a_new_file_go() {
        let dir = tempfile::tempdir().unwrap();
        let updates = dir.path().join("incidents/2026-11-26-a/updates");
        fs::create_dir_all(&updates).unwrap();
        fs::write(updates.join(".t.yaml.4999999.tmp"), "half").unwrap();
        let files = BTreeMap::from([(
            "incidents/2026-11-26-a/updates/v.yaml".to_string(),
            "a: 1\n".to_string(),
        )]);
        create_all(dir.path(), &files).unwrap();
        assert_eq!(names(&updates), ["v.yaml"]);
    }

    #[test]
    fn creates_folders_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = BTreeMap::from([("x/y/z.yaml".to_string(), "a: 1\n".to_string())]);
        create_all(dir.path(), &files).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("x/y/z.yaml")).unwrap(),
            "a: 1\n"
        );
        assert_eq!(fs::read_dir(dir.path().join("x/y")).unwrap().count(), 1);
    }
}
