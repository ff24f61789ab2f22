//! What `list` read of each incident, kept between runs so an incident
//! whose files did not change is not read and parsed again: old incidents
//! do not change, and a repository keeps thousands.
//!
//! The cache is a file in the git folder (`.git/incidentkit/`), never in the
//! work tree, so it is never committed nor brought by a pull request.
//! An incident is taken from it only when the names, sizes, modification and
//! change times, inodes and devices of all its files are those recorded (as
//! git's index trusts a file whose stat has not changed), by the same build
//! of incidentkit. A file modified within the last seconds is not recorded,
//! so an edit in the same clock tick as the record is never missed. A cache
//! that cannot be read is ignored, and one that cannot be written is not: it
//! only saves time.

use crate::model::{Declaration, Incident, Postmortem, Update};
use crate::repo::Found;
use crate::repo::keep::{SETTLED, write_whole};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Raised when what is stored changes meaning.
const FORMAT: u32 = 3;

#[derive(Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// The build that wrote it: another reads the files again.
    build: String,
    /// In id order, as the folders are listed: taken by walking both.
    incidents: Vec<Kept>,
}

#[derive(Serialize, Deserialize)]
struct Kept {
    id: String,
    /// Of the incident's files (`repo::Found`): equal while none changed.
    fingerprint: u64,
    declaration: Declaration,
    updates: Vec<Update>,
    postmortem: Option<Box<Postmortem>>,
}

/// One incident as the cache recorded it.
pub struct Record(Kept);

impl Record {
    /// The incident, when its files are still the ones recorded.
    pub fn incident(self, found: Found) -> Option<Incident> {
        let Record(kept) = self;
        (kept.fingerprint == found.fingerprint).then(|| Incident {
            id: kept.id,
            declaration: kept.declaration,
            updates: kept.updates,
            postmortem: kept.postmortem,
            amendments: Default::default(),
        })
    }
}

pub struct Cache {
    /// `None` outside git: nothing is kept.
    path: Option<PathBuf>,
    stored: Stored,
    /// Whether the cache holds an incident no longer there.
    gone: bool,
    changed: bool,
    settled_before: SystemTime,
}

impl Cache {
    /// The cache of the incident repository at `root`; empty when there is
    /// none yet, or it was written by another build or cannot be read.
    pub fn open(root: &Path) -> Self {
        let build = build();
        let path = location(root).filter(|_| build.is_some());
        let build = build.unwrap_or_default();
        // Text checked once, not string by string as from bytes.
        let stored = path
            .as_deref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| serde_json::from_str::<Stored>(&text).ok())
            .filter(|s| s.format == FORMAT && s.build == build)
            .unwrap_or(Stored {
                format: FORMAT,
                build,
                incidents: Vec::new(),
            });
        Self {
            path,
            stored,
            gone: false,
            changed: false,
            settled_before: SystemTime::now() - SETTLED,
        }
    }

    /// The records of the incidents `ids` (in id order), taken out of the
    /// cache (an incident's record, when its files did not change, becomes
    /// its model as it is: 10,000 copied and dropped again cost a list a
    /// tenth of its time). A record passed over is of an incident no longer
    /// there.
    pub fn take<'a>(&mut self, ids: impl Iterator<Item = &'a str>) -> Vec<Option<Record>> {
        let mut stored = std::mem::take(&mut self.stored.incidents)
            .into_iter()
            .peekable();
        let mut gone = false;
        let records = ids
            .map(|id| {
                while stored.next_if(|kept| kept.id.as_str() < id).is_some() {
                    gone = true;
                }
                stored.next_if(|kept| kept.id == id).map(Record)
            })
            .collect();
        self.gone = gone || stored.next().is_some();
        records
    }

    /// Records what was read of every incident (`found` as the scan
    /// fingerprinted it), in id order, when any incident was read afresh or
    /// is gone: the file is written whole, so it holds them all again.
    pub fn record<'a>(
        &mut self,
        incidents: impl Iterator<Item = (&'a Incident, Option<Found>, bool)>,
    ) {
        let incidents: Vec<_> = incidents.collect();
        let fresh = incidents
            .iter()
            .any(|(_, found, cached)| !cached && found.is_some_and(|f| self.settled(f)));
        if !self.gone && !fresh {
            return;
        }
        self.stored.incidents.clear();
        for (incident, found, _) in incidents {
            let Some(found) = found.filter(|f| self.settled(*f)) else {
                continue;
            };
            self.stored.incidents.push(Kept {
                id: incident.id.clone(),
                fingerprint: found.fingerprint,
                declaration: incident.declaration.clone(),
                updates: incident.updates.clone(),
                postmortem: incident.postmortem.clone(),
            });
        }
        self.changed = true;
    }

    /// Whether the incident's files are old enough to be recorded (see the
    /// module doc).
    fn settled(&self, found: Found) -> bool {
        found.newest < self.settled_before
    }

    /// Writes the cache when it changed: whole (a temporary file renamed
    /// over it), or not at all.
    pub fn save(self) {
        let Some(path) = self.path.filter(|_| self.changed) else {
            return;
        };
        let Ok(bytes) = serde_json::to_vec(&self.stored) else {
            return;
        };
        let Some(dir) = path.parent() else { return };
        let _ = std::fs::create_dir_all(dir);
        // What a run killed between writing and renaming left.
        crate::compose::write::remove_stale(dir, ".list-cache.", ".tmp");
        write_whole(&path, &bytes);
    }
}

/// `.git/incidentkit/list-cache.json`, or `<folder>.list-cache.json` for an
/// incident repository in a folder of the git repository.
fn location(root: &Path) -> Option<PathBuf> {
    crate::git::kept_file(root, "list-cache.json")
}

/// This build of incidentkit: its version and the size and time of its
/// program file, so a rebuilt binary never trusts another's parse (nor its
/// rules another's findings). `None` when the file cannot say: then nothing
/// is kept.
pub(crate) fn build() -> Option<String> {
    let file = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let modified = file.modified().ok()?;
    Some(format!(
        "{} {}:{modified:?}",
        env!("CARGO_PKG_VERSION"),
        file.len()
    ))
}
