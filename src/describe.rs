//! What a change does, in words: "declares SEV-1 *Checkout fails*", "adds
//! update 3 (identified) to …", "resolves …", "publishes the post-mortem of
//! …". This is what a pull request's comment and job summary show.

use crate::git::{Change, Changed};
use crate::model::postmortem::PostmortemStatus;
use crate::model::{Incident, Kind, Repository, Status, Update};
use crate::repo::layout::update_file_name;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub incident: String,
    /// One sentence, Markdown.
    pub summary: String,
    /// For a new, corrected or redacted public update of a public incident:
    /// its time, so callers can preview it as it will read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_at: Option<jiff::Timestamp>,
}

fn incident_of(path: &str) -> Option<&str> {
    crate::paths::in_incident(path).map(|(id, _)| id)
}

fn update_at<'a>(incident: &'a Incident, path: &str) -> Option<(usize, &'a Update)> {
    let name = path.rsplit('/').next()?;
    incident
        .updates
        .iter()
        .enumerate()
        .find(|(_, u)| update_file_name(u.at) == name)
}

/// The published update `c` changes, when it changes its exemptions alone.
fn exemptions_only<'a>(incident: &'a Incident, c: &Changed) -> Option<(usize, &'a Update)> {
    let text = std::str::from_utf8(c.base.as_deref()?).ok()?;
    let before: Update = serde_json::from_value(crate::repo::yaml::parse(text).ok()?).ok()?;
    update_at(incident, &c.path).filter(|(_, after)| before.same_but_exemptions(after))
}

/// The update the correction or redaction record at `path` amends, and
/// what it does to it ("corrects the public message of"); `None` for any
/// other file.
fn amended<'a>(incident: &'a Incident, path: &str) -> Option<(usize, &'a Update, String)> {
    let named = |folder: &str, update: Timestamp, at: Timestamp| {
        crate::paths::amendment(
            &incident.id,
            folder,
            &update_file_name(update),
            &update_file_name(at),
        ) == path
    };
    let (update, what) = if crate::paths::is_correction(path) {
        let c = incident
            .amendments
            .corrections
            .iter()
            .find(|c| named(crate::paths::CORRECTIONS, c.update, c.at))?;
        (c.update, "corrects the public message of".to_string())
    } else if crate::paths::is_redaction(path) {
        let r = incident
            .amendments
            .redactions
            .iter()
            .find(|r| named(crate::paths::REDACTIONS, r.update, r.at))?;
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|f| format!("`{}`", f.field.as_str()))
            .collect();
        (r.update, format!("removes {} from", fields.join(", ")))
    } else {
        return None;
    };
    let (index, amended) = incident
        .updates
        .iter()
        .enumerate()
        .find(|(_, u)| u.at == update)?;
    Some((index, amended, what))
}

/// What an edit of the post-mortem does, by the status it leaves.
fn postmortem_edit(incident: &Incident, title: &str) -> String {
    match incident.postmortem.as_ref().map(|p| p.status) {
        Some(PostmortemStatus::Published) => {
            format!("publishes or revises the post-mortem of {title}")
        }
        Some(PostmortemStatus::InReview) => format!("puts the post-mortem of {title} in review"),
        _ => format!("edits the post-mortem of {title}"),
    }
}

/// The title in emphasis as the pull request comment shows it: on one line,
/// with no emphasis or link its writer did not mean, and no `@team` that
/// GitHub would notify (a word joiner after the `@` reads the same).
fn emphasised(title: &str) -> String {
    let mut out = String::from("*");
    for c in crate::text::no_mentions(&crate::text::one_line(title)).chars() {
        if matches!(c, '*' | '_' | '[' | ']' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('*');
    out
}

/// "adds update 3 (identified) to *title*", "resolves *title*", …; an
/// internal entry of a public incident says so.
fn new_update(index: usize, update: &Update, title: &str, public: bool) -> String {
    let mut s = match (update.status.is_final(), &update.decision) {
        // A maintenance is completed or cancelled, not resolved.
        (true, _) if update.status == Status::Resolved => format!("resolves {title}"),
        (true, _) => format!("marks {title} {}", update.status),
        (false, Some(d)) => format!("records decision {} on {title}", d.chosen),
        (false, None) => format!("adds update {} ({}) to {title}", index + 1, update.status),
    };
    if let Some(sev) = update.severity {
        s.push_str(&format!(", severity now {sev:#}"));
    }
    if public && !update.is_public() {
        s.push_str(" (internal)");
    }
    s
}

/// Describes `changes` using the repository as it is after them.
pub fn describe(after: &Repository, changes: &[Changed]) -> Vec<Entry> {
    let mut entries = Vec::new();
    // An update a redaction in the change rewrites is told by the
    // redaction's line.
    let redacted: Vec<String> = changes
        .iter()
        .filter(|c| c.change == Change::Added && crate::paths::is_redaction(&c.path))
        .filter_map(|c| {
            let (id, file) = crate::paths::in_incident(&c.path)?;
            let (update, _) = file.rsplit('/').next()?.split_once("--")?;
            Some(crate::paths::update(id, &format!("{update}.yaml")))
        })
        .collect();
    for c in changes {
        let Some(id) = incident_of(&c.path) else {
            continue;
        };
        let Some(incident) = after.incidents.iter().find(|i| i.id == id) else {
            if c.path.ends_with("/incident.yaml") && c.change == Change::Deleted {
                entries.push(Entry {
                    incident: id.to_string(),
                    summary: format!("removes incident `{id}`"),
                    update_at: None,
                });
            }
            continue;
        };
        let title = emphasised(&incident.declaration.title);
        let file = c.path.rsplit('/').next().unwrap_or_default();
        if let Some((index, update, what)) =
            amended(incident, &c.path).filter(|_| c.change == Change::Added)
        {
            entries.push(entry(
                incident,
                format!("{what} update {} ({}) of {title}", index + 1, update.status),
                update.is_public().then_some(update.at),
            ));
            continue;
        }
        let summary = match (c.change, file) {
            (Change::Added, "incident.yaml") => {
                match (incident.declaration.kind, incident.declaration.severity) {
                    (Kind::Maintenance, _) => format!("schedules maintenance {title}"),
                    (_, Some(sev)) => format!("declares {sev:#} {title}"),
                    (_, None) => format!("declares {title}"),
                }
            }
            (Change::Modified, "incident.yaml") => format!("edits the declaration of {title}"),
            (Change::Added, "postmortem.yaml") => format!("starts the post-mortem of {title}"),
            (Change::Modified, "postmortem.yaml") => postmortem_edit(incident, &title),
            (Change::Added, _) if c.path.contains("/updates/") => {
                if let Some((index, update)) = update_at(incident, &c.path) {
                    entries.push(entry(
                        incident,
                        new_update(index, update, &title, incident.is_public()),
                        update.is_public().then_some(update.at),
                    ));
                }
                continue;
            }
            (Change::Modified, _) if redacted.contains(&c.path) => {
                continue;
            }
            (Change::Modified, _) if let Some((index, update)) = exemptions_only(incident, c) => {
                format!(
                    "records an exemption on update {} ({}) of {title}: nothing published changes",
                    index + 1,
                    update.status
                )
            }
            (Change::Deleted, _) => format!("deletes `{}`", c.path),
            _ => format!("changes `{}`", c.path),
        };
        entries.push(entry(incident, summary, None));
    }
    entries
}

/// A line about `incident`. An internal incident is never published: the
/// line says so and names no update to preview as a stakeholder update.
fn entry(incident: &Incident, summary: String, update_at: Option<Timestamp>) -> Entry {
    let public = incident.is_public();
    Entry {
        incident: incident.id.clone(),
        summary: if public {
            summary
        } else {
            format!("{summary} (internal: not published)")
        },
        update_at: update_at.filter(|_| public),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closing(status: &str) -> String {
        let update: Update = serde_json::from_value(serde_json::json!({
            "at": "2026-11-26T10:00:00Z",
            "status": status,
            "message": "Done.",
            "author": "@alice",
        }))
        .unwrap();
        new_update(2, &update, "*Database upgrade*", true)
    }

    #[test]
    fn a_maintenance_is_completed_or_cancelled_not_resolved() {
        assert_eq!(closing("resolved"), "resolves *Database upgrade*");
        assert_eq!(closing("completed"), "marks *Database upgrade* completed");
        assert_eq!(closing("cancelled"), "marks *Database upgrade* cancelled");
    }
}
