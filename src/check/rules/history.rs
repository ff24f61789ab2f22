//! What git knows and the files alone do not: published updates are never
//! rewritten or deleted, incidents are never removed or renamed, a new
//! update is not slipped in before published ones, and a published customer
//! report changes only with an explicit revision.

use super::*;
use crate::git::{Change, Changed};
use crate::model::Postmortem;
use crate::model::postmortem::{CustomerReport, PostmortemStatus};
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
    for c in changes {
        match c.change {
            Change::Modified if crate::paths::is_update(&c.path) => {
                let line = first_difference(c.base.as_deref().unwrap_or_default(), files.read(&c.path).unwrap_or_default().as_bytes());
                out.push(
                    HISTORY_UPDATE_REWRITTEN
                        .diag(&c.path, "this update is published and must not change")
                        .at_line(line, 1)
                        .hint("published updates are never rewritten: restore this file and post a new update with the correction (`incident update …`)"),
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

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let same = a.lines().zip(b.lines()).take_while(|(x, y)| x == y).count();
    same + 1
}

fn parse_postmortem(text: &str) -> Option<Postmortem> {
    let value = yaml::parse(text).ok()?;
    serde::Deserialize::deserialize(&value).ok()
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
        .and_then(|t| parse_postmortem(&t));
    let now = files.read(&c.path).ok().and_then(|t| parse_postmortem(&t));
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
