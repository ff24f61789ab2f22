//! What `recorded_links` found in git's index, kept in the git folder with
//! the index file's stamp: while the index file is the one read, its links
//! and submodules are taken from here instead of reading it again (14 MB
//! for 87,000 entries, on every `list`). git and libgit2 write the index to
//! a new file renamed over the old one, so any change gives it a new inode
//! and new times; an index written within the last seconds is not kept (a
//! freed inode reused in the same clock tick would look the same).

use crate::repo::Stamp;
use crate::repo::keep::{SETTLED, write_whole};
use crate::repo::source::NotRegular;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

/// Links and submodules by path, relative to the incident repository.
pub(super) type Links = BTreeMap<String, NotRegular>;

#[derive(Serialize, Deserialize)]
struct Stored {
    /// The index file's stamp, hashed.
    index: u64,
    links: Links,
}

/// What `file` kept of the index stamped `index`, when it is that index.
pub(super) fn read(file: &Path, index: &Stamp) -> Option<Links> {
    let text = std::fs::read_to_string(file).ok()?;
    let stored: Stored = serde_json::from_str(&text).ok()?;
    (stored.index == index.hashed()).then_some(stored.links)
}

/// Keeps `links`, found in the index stamped `index`, in `file`, when the
/// index was written before the last seconds.
pub(super) fn keep(file: &Path, index: &Stamp, links: &Links) {
    let settled = index
        .modified
        .is_some_and(|m| m < SystemTime::now() - SETTLED);
    if !settled {
        return;
    }
    let stored = Stored {
        index: index.hashed(),
        links: links.clone(),
    };
    if let (Ok(bytes), Some(dir)) = (serde_json::to_vec(&stored), file.parent()) {
        let _ = std::fs::create_dir_all(dir);
        write_whole(file, &bytes);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::super::recorded_links;
    use super::super::tests::git;
    use std::time::{Duration, SystemTime};

    /// Sets the index file's times back, as an index written a while ago.
    fn settle(root: &std::path::Path) {
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let index = std::fs::File::options()
            .write(true)
            .open(root.join(".git/index"))
            .unwrap();
        index.set_modified(hour_ago).unwrap();
    }

    #[test]
    fn links_are_taken_from_what_was_kept_while_the_index_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(root.join("incidents/a")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", root.join("incidents/a/l.yaml")).unwrap();
        git(root, &["add", "-A"]);
        let kept = root.join(".git/incidentkit/links.json");
        // Written just now: read, not kept.
        assert_eq!(recorded_links(root, true).unwrap().len(), 1);
        assert!(!kept.exists());
        settle(root);
        assert_eq!(recorded_links(root, false).unwrap().len(), 1);
        assert!(!kept.exists(), "kept only when asked");
        assert_eq!(recorded_links(root, true).unwrap().len(), 1);
        // Told what to say: believed while the index is the same file.
        let text = std::fs::read_to_string(&kept).unwrap();
        let told = text.replace("incidents/a/l.yaml", "incidents/a/told.yaml");
        std::fs::write(&kept, told).unwrap();
        let links = recorded_links(root, true).unwrap();
        assert!(links.contains_key("incidents/a/told.yaml"), "{links:?}");
        // A second link staged: git writes a new index, which is read.
        std::os::unix::fs::symlink("/etc/hostname", root.join("incidents/a/m.yaml")).unwrap();
        git(root, &["add", "-A"]);
        let links = recorded_links(root, true).unwrap();
        let paths: Vec<&str> = links.keys().map(String::as_str).collect();
        assert_eq!(paths, ["incidents/a/l.yaml", "incidents/a/m.yaml"]);
    }
}
