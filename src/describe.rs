//! What a change does, in words: "declares SEV-1 *Checkout fails*", "adds
//! update 3 (identified) to …", "resolves …", "publishes the post-mortem of
//! …". This is what a pull request's comment and job summary show.

use crate::git::{Change, Changed};
use crate::model::postmortem::PostmortemStatus;
use crate::model::{Incident, Kind, Repository, Update};
use crate::repo::layout::update_file_name;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub incident: String,
    /// One sentence, Markdown.
    pub summary: String,
    /// For a new public update: its time, so callers can preview it.
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

/// Describes `changes` using the repository as it is after them.
pub fn describe(after: &Repository, changes: &[Changed]) -> Vec<Entry> {
    let mut entries = Vec::new();
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
        let title = format!("*{}*", incident.declaration.title.replace('*', "\\*"));
        let file = c.path.rsplit('/').next().unwrap_or_default();
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
            (Change::Modified, "postmortem.yaml") => {
                match incident.postmortem.as_ref().map(|p| p.status) {
                    Some(PostmortemStatus::Published) => {
                        format!("publishes or revises the post-mortem of {title}")
                    }
                    Some(PostmortemStatus::InReview) => {
                        format!("puts the post-mortem of {title} in review")
                    }
                    _ => format!("edits the post-mortem of {title}"),
                }
            }
            (Change::Added, _) if c.path.contains("/updates/") => {
                let Some((index, update)) = update_at(incident, &c.path) else {
                    continue;
                };
                let mut s = match (update.status.is_final(), &update.decision) {
                    (true, _) => format!("resolves {title}"),
                    (false, Some(d)) => format!("records decision {} on {title}", d.chosen),
                    (false, None) => {
                        format!("adds update {} ({}) to {title}", index + 1, update.status)
                    }
                };
                if let Some(sev) = update.severity {
                    s.push_str(&format!(", severity now {sev:#}"));
                }
                if !update.is_public() {
                    s.push_str(" (internal)");
                }
                entries.push(Entry {
                    incident: id.to_string(),
                    summary: s,
                    update_at: update.is_public().then_some(update.at),
                });
                continue;
            }
            (Change::Deleted, _) => format!("deletes `{}`", c.path),
            _ => format!("changes `{}`", c.path),
        };
        entries.push(Entry {
            incident: id.to_string(),
            summary,
            update_at: None,
        });
    }
    entries
}
