//! Writing new files only, never half of one: each file goes to a hidden
//! temporary name, is synced, then linked into place (which fails rather
//! than replace a file that appeared meanwhile). On any failure the files of
//! this batch are removed again.

use std::collections::BTreeMap;
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

fn create_one(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Hidden, so a crash before the link leaves nothing `validate` reads.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::hard_link(&tmp, path)
    })();
    let _ = fs::remove_file(&tmp);
    result?;
    // Make the new directory entry durable too.
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
