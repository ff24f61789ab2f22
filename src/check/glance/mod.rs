//! Every incident's state without judging it, for `incident list`: the
//! files that decide what a list shows, parsed and checked against their
//! schemas as `check` does, and no others.
//!
//! What a list shows of an incident (status, severity in force, when the next
//! update is due, phase) comes from the model's fold over its updates. That
//! fold gives the same answer over the entries read here as over all of them:
//! - every update from the newest back to the latest public one (status,
//!   resolution, the promise in force and the last stakeholder update are
//!   the latest values set, and an older entry never overrides them);
//! - of the older ones, each that may set a severity (the severity in force
//!   and the peak the post-mortem policy follows); a file whose text holds
//!   neither the word `severity` nor an escape cannot set one, so it is read
//!   but not parsed: parsing is most of the cost of reading a repository;
//! - the post-mortem, once resolved (the phase).
//!
//! What was read of an incident, without its prose (`Incident::state_only`),
//! is kept (`cache`) and taken again while its files are unchanged.

pub(crate) mod cache;

use super::document;
use crate::diagnostics::Diagnostic;
use crate::model::{Config, Incident, Update};
use crate::repo::Found;
use crate::repo::layout::IncidentDir;
use crate::repo::{CONFIG_FILE, Files};
use crate::schemas::FileKind;
use cache::Cache;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::io;

/// An incident as far as its state goes, or the first file of it that could
/// not be read (with the finding that says why).
pub type Glanced = Result<Incident, Box<Diagnostic>>;

pub struct Glance {
    pub config: Config,
    /// Every incident folder's id and what was read of it, in id order.
    pub incidents: Vec<(String, Glanced)>,
}

/// The configuration and every incident; `None` when the configuration is
/// broken.
pub fn glance(files: &Files) -> io::Result<Option<Glance>> {
    // The cache (megabytes of JSON) is read while the folders are listed,
    // on this thread: its arena grows in large steps where a new thread's
    // grows a page at a time (a system call and a fault for each).
    let (mut cache, (files, scanned)) = std::thread::scope(|threads| {
        let scanned = threads.spawn(|| {
            super::guard::guarded_scan(files, None, |files| {
                crate::git::keeping_listings(files.clone()).scan_fingerprinted()
            })
        });
        let cache = Cache::open(files.root());
        let scanned = scanned
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (cache, scanned)
    });
    let files = &files;
    let Ok(config) = document::load::<Config>(files, CONFIG_FILE, FileKind::Config) else {
        return Ok(None);
    };
    let (layout, fingerprints) = scanned?;
    let dirs: Vec<IncidentDir> = layout
        .incidents
        .into_iter()
        .filter(|dir| dir.incident.is_some())
        .collect();
    let records = cache.take(dirs.iter().map(|dir| dir.id.as_str()));
    // Each folder's listing is dropped where it is read, in parallel: freed
    // one by one after, 87,000 paths held up the list.
    let read: Vec<(String, Glanced, Option<Found>, bool)> = dirs
        .into_par_iter()
        .zip(records)
        .map(|(dir, record)| {
            let found = fingerprints.get(&dir.id).copied();
            match found.zip(record).and_then(|(f, r)| r.incident(f)) {
                Some(kept) => (dir.id, Ok(kept), found, true),
                None => {
                    let read = incident(files, &dir);
                    (dir.id, read, found, false)
                }
            }
        })
        .collect();
    cache.record(read.iter().filter_map(|(_, glanced, found, cached)| {
        glanced
            .as_ref()
            .ok()
            .map(|incident| (incident, *found, *cached))
    }));
    let incidents = read
        .into_iter()
        .map(|(id, glanced, ..)| (id, glanced))
        .collect();
    cache.save();
    Ok(Some(Glance { config, incidents }))
}

fn incident(files: &Files, dir: &IncidentDir) -> Glanced {
    let declaration = load(
        files,
        dir.incident.as_deref().unwrap_or_default(),
        FileKind::Incident,
    )?;
    // Newest first, then put back in time order.
    let mut updates: Vec<Update> = Vec::new();
    let mut public_seen = false;
    for file in dir.updates.iter().rev() {
        if public_seen {
            match files.read(file) {
                Ok(text) if !may_set_severity(&text) => continue,
                // Parsed: it may set one, or it cannot be read and the
                // parse says why.
                _ => {}
            }
        }
        let update: Update = load(files, file, FileKind::Update)?;
        public_seen |= update.is_public();
        updates.push(update);
    }
    updates.reverse();
    let resolved = updates.last().is_some_and(|u| u.status.is_final());
    let postmortem = match &dir.postmortem {
        Some(file) if resolved => Some(load(files, file, FileKind::Postmortem)?),
        _ => None,
    };
    Ok(Incident {
        id: dir.id.clone(),
        declaration,
        updates,
        postmortem,
        // Amendments change what entries say, never their status or
        // severity: the state `list` shows does not read them.
        amendments: Default::default(),
    }
    .state_only())
}

/// Whether an update's text can set a severity: a YAML key is spelled out,
/// plain, quoted or in a flow mapping, except in a double-quoted key with
/// escapes.
fn may_set_severity(text: &str) -> bool {
    text.contains("severity") || text.contains('\\')
}

/// One file as `check` reads it, or the first finding that refuses it.
fn load<T: DeserializeOwned>(
    files: &Files,
    file: &str,
    kind: FileKind,
) -> Result<T, Box<Diagnostic>> {
    document::load(files, file, kind).map_err(|found| {
        Box::new(
            found
                .into_iter()
                .next()
                .expect("a file refused has at least one finding"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::may_set_severity;

    #[test]
    fn only_a_text_that_spells_the_key_can_set_a_severity() {
        assert!(may_set_severity("status: resolved\nseverity: sev2\n"));
        assert!(may_set_severity("{status: resolved, 'severity': sev2}\n"));
        assert!(may_set_severity("\"sev\\x65rity\": sev2\n"));
        assert!(!may_set_severity(
            "status: monitoring\nmessage: |\n  The fix is out.\n"
        ));
    }
}
