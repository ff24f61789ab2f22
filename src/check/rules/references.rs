//! Component ids in incidents and updates exist in incidentkit.yaml.

use super::*;
use crate::check::suggest::did_you_mean;

pub fn check(s: &Subject<'_>, practice: &Practice<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files, config) = (s.incident, s.files, practice.config);
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    // In an incident already over, an unknown id is one the configuration
    // renamed or removed, not a typo: its published updates must not change.
    let over = incident
        .updates
        .iter()
        .max_by_key(|u| u.at)
        .is_some_and(|u| u.status.is_final());
    let unknown = |id: &str, file: &str| {
        // A page shows a group's status from its members': an incident names
        // the members it touched (a group with none on the page has none).
        let members: Vec<&str> = config.members(id).map(|c| c.id.as_str()).collect();
        let hint = match did_you_mean(id, &known) {
            _ if over => format!(
                "component ids are permanent: published updates keep `{id}`; to rename it, change its `name:` in incidentkit.yaml and keep the id, or list `{id}` again with `retired: true` beside the new component"
            ),
            _ if !members.is_empty() => format!(
                "`{id}` is a group, not a component: name the components of it the incident touches ({})",
                members.join(", ")
            ),
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "components in incidentkit.yaml: {}; a component taken off the page stays listed with `retired: true`, so its history keeps its name",
                known.join(", ")
            ),
        };
        REF_UNKNOWN_COMPONENT
            .diag(file, format!("unknown component `{id}`"))
            .hint(hint)
    };
    for (i, id) in incident.declaration.components.iter().enumerate() {
        if !known.contains(&id.as_str()) {
            out.push(unknown(id, &files.incident).at(format!("/components/{i}")));
        }
    }
    for (update, file) in incident.updates.iter().zip(&files.updates) {
        for id in update.components.keys() {
            if !known.contains(&id.as_str()) {
                out.push(unknown(id, file).at_key(crate::repo::locate::join("/components", id)));
            }
        }
    }
}
