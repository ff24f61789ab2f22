//! A fresh private folder under the system's temporary folder, removed when
//! dropped: the editor's message file, a revision written out for
//! `build --as-of REV`.

use std::io;
use std::path::{Path, PathBuf};

pub struct Scratch(PathBuf);

impl Scratch {
    /// A new folder `<prefix>-<pid>-<n>`. Never one that exists: a
    /// temporary folder shared between containers can hold another
    /// process's under the same pid, which must not be written into or
    /// removed.
    pub fn new(prefix: &str) -> io::Result<Self> {
        let base = std::env::temp_dir();
        for n in 0..100u32 {
            let dir = base.join(format!("{prefix}-{}-{n}", std::process::id()));
            match private_dir(&dir) {
                Ok(()) => return Ok(Self(dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("no free name for a folder in {}", base.display()),
        ))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

/// A folder only its owner may enter: the editor's message may hold what
/// must not be read by another user of a shared temporary folder.
fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_of_the_same_name_is_left_alone() {
        let first = Scratch::new("incidentkit-scratch-test").unwrap();
        std::fs::write(first.path().join("kept"), "x").unwrap();
        let second = Scratch::new("incidentkit-scratch-test").unwrap();
        assert_ne!(first.path(), second.path());
        assert!(first.path().join("kept").exists());
        let gone = second.path().to_path_buf();
        drop(second);
        assert!(!gone.exists());
        assert!(first.path().join("kept").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(first.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }
}
