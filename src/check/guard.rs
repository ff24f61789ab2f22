//! Links and submodules that git records where incidentkit reads files are
//! refused without being read, whatever the checkout made of them (a plain
//! file holding the link's target where links are not supported).

use crate::repo::layout::Layout;
use crate::repo::source::NotRegular;
use crate::repo::{CONFIG_FILE, Files};
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// The files to read, refusing what git records as links there, and what
/// `scan` lists of them, with those refused. Loading a large index takes a
/// core for tens of milliseconds: it runs while the folders are listed.
pub(crate) fn guarded_scan<T: Refusing>(
    files: &Files,
    scope: Option<&BTreeSet<String>>,
    scan: impl FnOnce(&Files) -> io::Result<T>,
) -> (Files, io::Result<T>) {
    let (recorded, scanned) = std::thread::scope(|threads| {
        let recorded = threads.spawn(|| recorded_links(files, scope));
        let scanned = scan(files);
        let recorded = recorded
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (recorded, scanned)
    });
    // Links unknown: nothing may be read.
    let recorded = match recorded {
        Ok(recorded) => recorded,
        Err(e) => return (files.clone(), Err(e)),
    };
    let scanned = scanned.map(|mut listed| {
        listed.refuse_all(&recorded);
        listed
    });
    (files.clone().refusing(recorded).reading_all(), scanned)
}

/// What git records as links or submodules where a check reads.
fn recorded_links(
    files: &Files,
    scope: Option<&BTreeSet<String>>,
) -> io::Result<BTreeMap<String, NotRegular>> {
    let read_here = |path: &str| {
        path == CONFIG_FILE
            || [crate::paths::INCIDENTS, crate::paths::TEMPLATES]
                .iter()
                .any(|dir| crate::repo::layout::is_within(path, dir))
    };
    let mut recorded = match scope {
        None => crate::git::recorded_links(files.root(), !files.is_exported())?,
        // Only where the scoped check reads: the trees on those ways.
        Some(ids) => {
            let mut paths = vec![CONFIG_FILE.to_string(), crate::paths::TEMPLATES.to_string()];
            paths.extend(ids.iter().map(|id| crate::paths::incident_dir(id)));
            crate::git::committed_links_at(files.root(), &paths)
        }
    };
    recorded.retain(|path, _| read_here(path));
    Ok(recorded)
}

/// A listing that can take refusals found after it was made.
pub(crate) trait Refusing {
    fn refuse_all(&mut self, refused: &BTreeMap<String, NotRegular>);
}

impl Refusing for Layout {
    fn refuse_all(&mut self, refused: &BTreeMap<String, NotRegular>) {
        for (path, what) in refused {
            self.refuse(path, *what);
        }
    }
}

/// A folder with a refused file has no fingerprint: what was found of it
/// included the file, which is not read.
impl Refusing for (Layout, crate::repo::Fingerprints) {
    fn refuse_all(&mut self, refused: &BTreeMap<String, NotRegular>) {
        self.0.refuse_all(refused);
        for path in refused.keys() {
            match crate::paths::in_incident(path) {
                Some((id, _)) => {
                    self.1.remove(id);
                }
                None if crate::repo::layout::is_within(crate::paths::INCIDENTS, path) => {
                    self.1.clear();
                }
                None => {}
            }
        }
    }
}
