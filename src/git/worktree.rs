//! Where the working tree may differ from git's index under `incidents/`,
//! found as git's index finds it (each file's stat against the stat data the
//! index recorded, each folder's names against the index's paths) but with
//! the repository's own parallel listing, so that libgit2's diff, which
//! hashes what the stat data cannot rule out, walks those folders only: its
//! status of the whole tree was a third of a full `validate` on 10,000
//! incidents.

use crate::paths::{INCIDENTS, in_incident};
use crate::repo::layout::{Layout, is_within};
use crate::repo::{Files, Stamp};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::SystemTime;

/// What `suspects` compares with the index: the repository's listing with
/// each file's stamp. `None` when `incidents` is not a folder (a file, a
/// link: the listing sees nothing there) or cannot be listed; then libgit2
/// compares everything. On its own thread while the index is read.
pub(super) fn list(root: &Path) -> Option<Layout> {
    let top = std::fs::symlink_metadata(root.join(INCIDENTS));
    if top.as_ref().is_ok_and(|m| !m.is_dir()) {
        return None;
    }
    super::keeping_listings(Files::on_disk(root))
        .scan_stamped()
        .ok()
}

/// The folders `incidents/<id>` (and files right under `incidents/`) of the
/// incident repository where the working tree (`listed`) may differ from
/// `index`: a file whose stat data differs from the index's, a file or
/// folder the index does not hold, an index entry with no file. Paths are
/// relative to the incident repository; `prefix` places it in the git
/// working tree. Names starting with a dot are left out, as the listing
/// leaves them (incidentkit never reads them). `None` when an index path is
/// not UTF-8, or git records `incidents` itself as a file: then diff
/// everything. `index_written` is the index file's modification time from
/// before it was loaded (a rewrite meanwhile must not make its entries
/// look older).
pub(super) fn suspects(
    layout: Layout,
    index: &[git2::IndexEntry],
    index_written: Option<SystemTime>,
    prefix: &str,
) -> Option<BTreeSet<String>> {
    // The stamp the listing took of a file it reads.
    let stamp = |path: &str| -> Option<Stamp> {
        let (id, _) = in_incident(path)?;
        let at = layout
            .incidents
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .ok()?;
        let mut files = layout.incidents[at].stamped_files()?;
        files.find(|(file, _)| file.as_str() == path)?.1
    };
    let under = format!("{prefix}{INCIDENTS}/");
    let mut entries = Vec::new();
    for entry in index {
        if entry.path == under.as_bytes()[..under.len() - 1] {
            // git records `incidents` itself as a file or link.
            return None;
        }
        if entry.path.starts_with(under.as_bytes()) {
            entries.push(entry);
        }
    }
    // In the index's order, which is the paths' byte order.
    let tracked: Vec<(&str, &git2::IndexEntry)> = entries
        .iter()
        .map(|e| Some((std::str::from_utf8(&e.path).ok()?.get(prefix.len()..)?, *e)))
        .collect::<Option<_>>()?;
    let changed = tracked.par_iter().filter(|(path, entry)| {
        // A conflict's stages (bits 12-13 of the flags) are always compared.
        let conflicted = (entry.flags >> 12) & 3 != 0;
        !path.split('/').any(|part| part.starts_with('.'))
            && (conflicted
                || !stamp(path).is_some_and(|stamp| unchanged(entry, &stamp, index_written)))
    });
    let mut suspects: BTreeSet<String> = changed.map(|(path, _)| scope(path).to_string()).collect();
    let listed: Vec<&str> = layout
        .strays
        .iter()
        .chain(
            layout
                .incidents
                .iter()
                .flat_map(|d| d.read_files().chain(&d.strays)),
        )
        .map(String::as_str)
        .chain(layout.refused().into_keys())
        .collect();
    let untracked = listed
        .par_iter()
        .filter(|path| tracked.binary_search_by(|(p, _)| p.cmp(path)).is_err());
    suspects.par_extend(untracked.map(|path| scope(path).to_string()));
    Some(suspects)
}

/// The incident folder `path` lies in, or `path` itself when it lies right
/// under `incidents/`: a part of `path`, as every entry of the index is
/// scoped.
fn scope(path: &str) -> &str {
    match in_incident(path) {
        Some((id, _)) => &path[..INCIDENTS.len() + 1 + id.len()],
        None => path,
    }
}

/// git's rule: a file is unchanged when its size, modification and change
/// times and inode are what the index recorded, and it was not modified in
/// the same second as the index was written or later ("racy": a write
/// within the index's own timestamp leaves the stat data alike).
fn unchanged(entry: &git2::IndexEntry, stamp: &Stamp, index_written: Option<SystemTime>) -> bool {
    let (Some(modified), Some(written)) = (stamp.modified, index_written) else {
        return false;
    };
    let seconds = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| (d.as_secs(), d.subsec_nanos()))
            .ok()
    };
    let (Some((secs, nanos)), Some((written, _))) = (seconds(modified), seconds(written)) else {
        return false;
    };
    // The index keeps 32 bits of each; a git that keeps no nanoseconds
    // writes 0 there, and git itself then compares seconds only.
    let same_time = |(s, ns): (u64, u32), t: &git2::IndexTime| {
        t.seconds() as u32 == s as u32 && (t.nanoseconds() == 0 || t.nanoseconds() == ns)
    };
    let (changed_secs, changed_nanos) = stamp.changed;
    let unix_same = !cfg!(unix)
        || (same_time((changed_secs as u64, changed_nanos as u32), &entry.ctime)
            && entry.ino == stamp.inode.0 as u32);
    secs < written
        && entry.file_size == stamp.len as u32
        && same_time((secs, nanos), &entry.mtime)
        && unix_same
}

/// An index in memory holding the entries of `index` (paths in the git
/// working tree) for the configuration, `templates/` and the `suspects`
/// (relative to the incident repository at `prefix`, as `suspects` scopes
/// them), and the attribute and submodule files libgit2 consults, for
/// libgit2 to compare those paths as it would with the whole index. Their
/// stat data is cleared, so every file there is compared by its content:
/// the entries of a suspect folder are what the stat data could not vouch
/// for.
pub(super) fn narrowed(
    index: &[git2::IndexEntry],
    suspects: &BTreeSet<String>,
    prefix: &str,
) -> Result<git2::Index, git2::Error> {
    let mut narrowed = git2::Index::new()?;
    let compared = |path: &str| {
        is_within(path, crate::repo::CONFIG_FILE)
            || is_within(path, crate::paths::TEMPLATES)
            || suspects.contains(scope(path))
    };
    for entry in index {
        let in_repository = std::str::from_utf8(&entry.path)
            .ok()
            .and_then(|path| path.strip_prefix(prefix));
        if !(in_repository.is_some_and(compared) || super::index_file::consulted(&entry.path)) {
            continue;
        }
        let zero = git2::IndexTime::new(0, 0);
        narrowed.add(&git2::IndexEntry {
            ctime: zero,
            mtime: zero,
            dev: 0,
            ino: 0,
            mode: entry.mode,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: entry.id,
            flags: entry.flags,
            flags_extended: entry.flags_extended,
            path: entry.path.clone(),
        })?;
    }
    Ok(narrowed)
}
