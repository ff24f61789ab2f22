//! What a whole check read of each incident, kept between runs so that an
//! incident whose files did not change is not read and parsed again: a
//! `build` of thousands of old incidents parses the few that changed.
//!
//! Kept in the git folder (`.git/incidentkit/check-cache/`: never
//! committed, nor brought by a pull request), one file per month of
//! incident ids (`2026-11.records`, `other.records` for ids not starting
//! with a date): a few dozen files, each read when the check reaches its month
//! and written again only when an incident of it changed, so a check holds
//! no more than it did. An incident is taken from it only when its files'
//! names and stamps and the build of incidentkit are those recorded, as
//! `list`'s cache trusts them (`glance::cache`, `repo::Found`). The rules
//! that judge by the clock or by days in the site's time zone (overdue,
//! later than now: `rules::Clock`) run on every incident, kept or read,
//! every time. The others read nothing but the incident's
//! files and incidentkit.yaml: the record says under which configuration
//! (its text's fingerprint) they found nothing, and under that one they are
//! not run again; under another they run, and the record is made again
//! when they find nothing. A finding is placed by reading its file then
//! (`locate`): the findings are the same.
//!
//! An incident is recorded only when every file of it was read without a
//! finding (or it was taken, and found clean under a configuration other
//! than its record's), none was modified in the last seconds, and what is
//! stored reads back equal to it. Recording costs a check about a quarter more,
//! so the first check in a clone only makes the folder, and the checks
//! after it record: a CI job that builds a fresh clone once pays nothing
//! for records it would never read. A file that cannot be read is ignored,
//! and one that cannot be written is not: it only saves time.

use super::glance::cache::build;
use crate::model::amend::{Amendments, Correction, Redaction};
use crate::model::{Declaration, Incident, Postmortem, Update};
use crate::repo::keep::{SETTLED, write_whole};
use crate::repo::layout::{IncidentDir, Layout};
use crate::repo::{Fingerprints, Found};
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One incident as recorded: the fingerprint of its files, the fingerprint
/// of the configuration under which the rule families that do not see the
/// clock found nothing in it (`None`: they found something), then its parts.
type Record = (
    u64,
    Option<u64>,
    Declaration,
    Vec<Update>,
    Option<Box<Postmortem>>,
    Vec<Correction>,
    Vec<Redaction>,
);

/// A month's file starts with this and the build that wrote it (a tab
/// between), on the first line; then one line per incident, in id order:
/// its id, a tab, and its record in JSON (which holds no line break). Lines
/// rather than one JSON document: a check finds each record by its line
/// and parses only the records it takes, once.
const HEADER: &str = "incidentkit check-cache 3";

/// The extension of a month's file.
const EXTENSION: &str = "records";

pub struct Kept {
    /// `None` outside git: nothing is kept.
    dir: Option<PathBuf>,
    /// Whether the folder was there: a check before made it.
    recording: bool,
    build: String,
    fingerprints: Fingerprints,
    settled_before: SystemTime,
}

/// The records of one month of incidents, as stored.
#[derive(Default)]
pub struct Shelf {
    /// The file as read.
    text: String,
    /// Where each incident's id and record are in `text`, in id order.
    lines: Vec<(Range<usize>, Range<usize>)>,
}

impl Shelf {
    /// The shelf of `text` when `build` wrote it; empty otherwise.
    fn of(text: String, build: &str) -> Self {
        let mut lines = Vec::new();
        let mut rest = text.split_inclusive('\n');
        let header = rest.next().and_then(|l| l.strip_suffix('\n'));
        if header.and_then(|h| h.strip_prefix(HEADER)) != Some(&format!("\t{build}")) {
            return Self::default();
        }
        let mut at = header.map_or(0, |h| h.len() + 1);
        for line in rest {
            let start = at;
            at += line.len();
            let (Some(tab), Some(body)) = (line.find('\t'), line.strip_suffix('\n')) else {
                continue;
            };
            lines.push((start..start + tab, start + tab + 1..start + body.len()));
        }
        Self { text, lines }
    }

    /// The record of `id`, in JSON.
    fn get(&self, id: &str) -> Option<&str> {
        let at = self
            .lines
            .binary_search_by(|(key, _)| self.text[key.clone()].cmp(id))
            .ok()?;
        Some(&self.text[self.lines[at].1.clone()])
    }

    /// Each incident's id and record, in id order.
    fn records(&self) -> impl Iterator<Item = (&str, &str)> {
        (self.lines.iter()).map(|(id, record)| (&self.text[id.clone()], &self.text[record.clone()]))
    }
}

/// A record made by this check, to be stored with its month's.
pub struct Fresh {
    id: String,
    record: Box<RawValue>,
}

impl Kept {
    /// The records of the incident repository at `root`, trusted while the
    /// incidents' files are as `fingerprints` found them now.
    pub fn open(root: &Path, fingerprints: Fingerprints) -> Self {
        let build = build();
        let dir = crate::git::kept_file(root, "check-cache").filter(|_| build.is_some());
        Self {
            recording: dir.as_deref().is_some_and(Path::is_dir),
            dir,
            build: build.unwrap_or_default(),
            fingerprints,
            settled_before: SystemTime::now() - SETTLED,
        }
    }

    /// The records of the month `key` (`month_of`), by this build.
    pub fn shelf(&self, key: &str) -> Shelf {
        self.file(key)
            .and_then(|file| std::fs::read_to_string(file).ok())
            .map(|text| Shelf::of(text, &self.build))
            .unwrap_or_default()
    }

    /// The incident of `dir` as `shelf` recorded it, when its files are
    /// the ones recorded, and the configuration it was found clean under.
    pub fn take(&self, shelf: &Shelf, dir: &IncidentDir) -> Option<(Incident, Option<u64>)> {
        let fingerprint = self.found(dir)?.fingerprint;
        let (kept, settled, declaration, updates, postmortem, corrections, redactions) =
            serde_json::from_str::<Record>(shelf.get(&dir.id)?).ok()?;
        let incident = Incident {
            id: dir.id.clone(),
            declaration,
            updates,
            postmortem,
            amendments: Amendments {
                corrections,
                redactions,
            },
        };
        (kept == fingerprint).then_some((incident, settled))
    }

    /// The record of `incident`, read from every file of `dir` without a
    /// finding, when it may be kept; `settled` is the configuration under
    /// which the rules that do not see the clock found nothing in it.
    pub fn record(
        &self,
        dir: &IncidentDir,
        incident: &Incident,
        settled: Option<u64>,
    ) -> Option<Fresh> {
        let found = self
            .found(dir)
            .filter(|_| self.recording && self.dir.is_some())
            // An id its line could not hold is never recorded.
            .filter(|_| !dir.id.contains(['\t', '\n']))?;
        if found.newest >= self.settled_before {
            return None;
        }
        let record = (
            found.fingerprint,
            settled,
            &incident.declaration,
            &incident.updates,
            &incident.postmortem,
            &incident.amendments.corrections,
            &incident.amendments.redactions,
        );
        let raw = serde_json::value::to_raw_value(&record).ok()?;
        // Kept only if taking it gives the incident back as it is.
        let back = serde_json::from_str::<Record>(raw.get()).ok()?;
        ((&back.2, &back.3, &back.4, &back.5, &back.6)
            == (record.2, record.3, record.4, record.5, record.6))
            .then(|| Fresh {
                id: dir.id.clone(),
                record: raw,
            })
    }

    /// Stores the month `key`: the records of `shelf` still taken by its
    /// incidents (`ids`) and the `fresh` ones, when that changes the file.
    pub fn store(&self, key: &str, shelf: Shelf, ids: &[&str], fresh: Vec<Fresh>) {
        let (Some(file), true) = (self.file(key), self.recording) else {
            return;
        };
        let ids: HashSet<&str> = ids.iter().copied().collect();
        let gone = shelf.records().any(|(id, _)| !ids.contains(id));
        if fresh.is_empty() && !gone {
            return;
        }
        let mut records: BTreeMap<&str, &str> =
            shelf.records().filter(|(id, _)| ids.contains(id)).collect();
        records.extend(fresh.iter().map(|f| (f.id.as_str(), f.record.get())));
        let mut text = format!("{HEADER}\t{}\n", self.build);
        for (id, record) in records {
            text.extend([id, "\t", record, "\n"]);
        }
        write_whole(&file, text.as_bytes());
    }

    /// Removes the files of months no incident is in any more, and what a
    /// run killed while writing left; makes the folder when this check is
    /// the first.
    pub fn sweep(&self, layout: &Layout) {
        let Some(folder) = self.dir.as_deref() else {
            return;
        };
        if !self.recording {
            let _ = std::fs::create_dir_all(folder);
            return;
        }
        let Ok(entries) = std::fs::read_dir(folder) else {
            return;
        };
        let months: HashSet<&str> = layout.incidents.iter().map(|d| month_of(&d.id)).collect();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let known = name
                .to_str()
                .and_then(|n| n.strip_suffix(EXTENSION)?.strip_suffix('.'))
                .is_some_and(|month| months.contains(month));
            if !known {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn found(&self, dir: &IncidentDir) -> Option<Found> {
        self.fingerprints.get(&dir.id).copied()
    }

    fn file(&self, key: &str) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join(format!("{key}.{EXTENSION}")))
    }
}

/// The month an incident is kept with: its id's `YYYY-MM`, or `other`.
pub fn month_of(id: &str) -> &str {
    match id.get(..7) {
        Some(month)
            if month.bytes().enumerate().all(|(i, b)| {
                if i == 4 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            }) =>
        {
            month
        }
        _ => "other",
    }
}
