//! What git knows and the files alone do not: published updates are never
//! rewritten (except by a redaction recorded in the same change) or
//! deleted, correction and redaction records stay as published, incidents
//! are never removed or renamed, a new update is not slipped in before
//! published ones, and a published customer report changes only with an
//! explicit revision.

use super::*;
use crate::git::{Change, Changed};
use crate::model::amend::Redaction;
use crate::model::postmortem::{CustomerReport, PostmortemStatus};
use crate::model::{Postmortem, Update};
use crate::repo::layout::update_file_name;
use crate::repo::{Files, source, yaml};
use std::collections::BTreeMap;

pub fn check(files: &Files, changes: &[Changed], out: &mut Vec<Diagnostic>) {
    // A link or submodule is `layout/symlink`; its history is not read.
    let changes: Vec<&Changed> = changes.iter().filter(|c| c.refused.is_none()).collect();
    // The latest update each touched incident had at the base revision.
    let mut latest_base: BTreeMap<&str, String> = BTreeMap::new();
    for c in changes
        .iter()
        .filter(|c| crate::paths::is_update(&c.path) && c.change == Change::Added)
    {
        let dir = c.path.rsplit_once('/').map_or("", |(d, _)| d);
        if latest_base.contains_key(dir) {
            continue;
        }
        let added: Vec<&str> = changes
            .iter()
            .filter(|o| o.change == Change::Added && o.path.starts_with(dir))
            .map(|o| o.path.as_str())
            .collect();
        // Listed by the one reader: nothing when the folder is a link.
        let published = source::list(files.root(), dir)
            .into_iter()
            .flatten()
            .map(|(name, _)| format!("{dir}/{name}"))
            .chain(
                changes
                    .iter()
                    .filter(|o| o.change == Change::Deleted && o.path.starts_with(dir))
                    .map(|o| o.path.clone()),
            )
            .filter(|p| crate::paths::is_update(p) && !added.contains(&p.as_str()))
            .max();
        latest_base.insert(dir, published.unwrap_or_default());
    }
    for c in changes.iter().copied() {
        match c.change {
            Change::Modified if crate::paths::is_update(&c.path) => rewritten(files, c, &changes, out),
            Change::Modified | Change::Deleted
                if crate::paths::is_correction(&c.path) || crate::paths::is_redaction(&c.path) =>
            {
                out.push(
                    HISTORY_AMENDMENT_CHANGED
                        .diag(&c.path, "this record is published and must not change")
                        .hint("restore it (`git restore --source <base> -- <file>`); a later correction is a new record (`incident correct`)"),
                );
            }
            Change::Deleted if crate::paths::is_update(&c.path) => out.push(
                HISTORY_UPDATE_DELETED
                    .diag(&c.path, "a published update was deleted")
                    .hint("restore the file (`git restore --source <base> -- <file>`); post a new update to correct it"),
            ),
            Change::Added if crate::paths::is_update(&c.path) => {
                let dir = c.path.rsplit_once('/').map_or("", |(d, _)| d);
                if let Some(latest) = latest_base.get(dir).filter(|l| !l.is_empty() && c.path < **l) {
                    let name = latest.rsplit('/').next().unwrap_or(latest);
                    out.push(
                        HISTORY_UPDATE_BACKDATED
                            .diag(&c.path, format!("this new update is earlier than the published update {name}"))
                            .at("/at")
                            .hint("updates are appended in time order: post it with the current time"),
                    );
                }
            }
            Change::Deleted if c.path.ends_with(&format!("/{}", crate::paths::DECLARATION)) => out.push(
                HISTORY_INCIDENT_REMOVED
                    .diag(&c.path, "an incident was deleted or renamed")
                    .hint("incidents are never removed or renamed: restore the folder; to withdraw one from the status page set `visibility: internal`"),
            ),
            Change::Modified if c.path.ends_with(&format!("/{}", crate::paths::POSTMORTEM)) => report_revision(files, c, out),
            _ => {}
        }
    }
}

/// A published update changed: only a redaction record added by the same
/// change, naming exactly the fields that now hold the placeholder (and the
/// hashes of what they held), makes that right.
fn rewritten(files: &Files, c: &Changed, changes: &[&Changed], out: &mut Vec<Diagnostic>) {
    let now = files.read(&c.path).unwrap_or_default();
    let base = String::from_utf8_lossy(c.base.as_deref().unwrap_or_default()).into_owned();
    let line = first_difference(base.as_bytes(), now.as_bytes());
    let (dir, name) = c.path.rsplit_once('/').unwrap_or(("", &c.path));
    let incident = crate::paths::in_incident(dir).map(|(id, _)| id);
    let records: Vec<(&str, Redaction)> = changes
        .iter()
        .filter(|o| o.change == Change::Added && crate::paths::is_redaction(&o.path))
        .filter(|o| crate::paths::in_incident(&o.path).map(|(id, _)| id) == incident)
        .filter_map(|o| {
            Some((
                o.path.as_str(),
                parse::<Redaction>(&files.read(&o.path).ok()?)?,
            ))
        })
        .filter(|(_, r)| update_file_name(r.update) == name)
        .collect();
    let id = incident.unwrap_or_default();
    let stem = name.trim_end_matches(".yaml");
    // Both versions, read once; `None` when one does not read as an
    // update (the schema check reports it).
    let versions = parse::<Update>(&base).zip(parse::<Update>(&now));
    // Added at the review, as the cadence help asks.
    if versions
        .as_ref()
        .is_some_and(|(before, after)| before.same_but_exemptions(after))
    {
        return;
    }
    if records.is_empty() {
        out.push(
            HISTORY_UPDATE_REWRITTEN
                .diag(&c.path, "this update is published and must not change")
                .at_line(line, 1)
                .hint(format!("published updates are never rewritten: restore this file (`git restore --source <base> -- {}`). To fix what it says, `incident correct {id} {stem} --message … --reason …` (a new record); to remove text that must not stay (a secret, a customer's name), `incident redact {id} {stem} --field message --reason …`", c.path)),
        );
        return;
    }
    // Several records of one change: together they name what was removed.
    let mut record = records[0].1.clone();
    record
        .fields
        .extend(records[1..].iter().flat_map(|(_, r)| r.fields.clone()));
    let Some((before, after)) = versions else {
        return;
    };
    if let Err(why) = record.explains(&before, &after) {
        let names: Vec<&str> = records.iter().map(|(p, _)| *p).collect();
        out.push(
            HISTORY_UPDATE_REWRITTEN
                .diag(&c.path, format!("this published update changed, and the redaction record does not match the change: {why}"))
                .at_line(line, 1)
                .hint(format!("restore this file and run `incident redact {id} {stem} --field …`, which rewrites it and writes a matching record ({} does not)", names.join(", "))),
        );
    }
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    let value = yaml::parse(text).ok()?;
    T::deserialize(&value).ok()
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let same = a.lines().zip(b.lines()).take_while(|(x, y)| x == y).count();
    same + 1
}

/// The five parts of a report, without its revision fields.
fn parts(r: &CustomerReport) -> [&Option<String>; 5] {
    [
        &r.apology,
        &r.what_happened,
        &r.root_cause,
        &r.fix,
        &r.prevention,
    ]
}

fn report_revision(files: &Files, c: &Changed, out: &mut Vec<Diagnostic>) {
    let base = c
        .base
        .as_deref()
        .map(String::from_utf8_lossy)
        .and_then(|t| parse::<Postmortem>(&t));
    let now = files
        .read(&c.path)
        .ok()
        .and_then(|t| parse::<Postmortem>(&t));
    let (Some(base), Some(now)) = (base, now) else {
        return;
    };
    if base.status != PostmortemStatus::Published {
        return;
    }
    let (Some(before), Some(after)) = (&base.customer_report, &now.customer_report) else {
        return;
    };
    if parts(before) == parts(after) {
        return;
    }
    let revised = after.revised_at.is_some()
        && after.revised_at != before.revised_at
        && after
            .revision_reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
    if !revised {
        out.push(
            HISTORY_REPORT_REVISED
                .diag(&c.path, "the published customer report changed without a recorded revision")
                .at_key("/customer_report")
                .hint("customers may have read it already: set `revised_at` (now) and `revision_reason` in customer_report"),
        );
    }
}
