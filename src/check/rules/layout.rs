//! Files where incidentkit expects them, named as it expects.

use super::*;
use crate::paths::{CORRECTIONS, DECLARATION, POSTMORTEM, REDACTIONS, UPDATES};
use crate::repo::layout::{Layout, update_file_name};
use crate::repo::source::NotRegular;

/// `path` is a link or a special file: named, never followed. The finding
/// shows neither where a link points nor anything behind it.
pub fn refusal(path: &str, what: NotRegular) -> Diagnostic {
    LAYOUT_SYMLINK.diag(path, what.refusal(path)).hint(
        "incidentkit never follows a link, so a pull request cannot make CI read or publish a file from elsewhere (docs/reliability.md)",
    )
}

/// Every link and special file the scan found.
pub fn refused(layout: &Layout, out: &mut Vec<Diagnostic>) {
    out.extend(
        layout
            .refused()
            .into_iter()
            .map(|(path, what)| refusal(path, what)),
    );
}

pub fn strays(layout: &Layout, out: &mut Vec<Diagnostic>) {
    for path in layout.incidents.iter().flat_map(|i| &i.strays) {
        if let Some(meant) = meant_name(path) {
            out.push(
                LAYOUT_MISNAMED_FILE
                    .diag(
                        path,
                        "incidentkit does not read this file, so what it says does not count",
                    )
                    .hint(format!("rename it to `{meant}`")),
            );
            continue;
        }
        out.push(stray(path));
    }
    out.extend(layout.strays.iter().map(|path| stray(path)));
    // A declaration that is a link is reported as one, not as missing.
    let refused = layout.refused();
    let missing = layout.incidents.iter().filter(|d| {
        d.incident.is_none()
            && !refused.contains_key(crate::paths::incident_dir(&d.id).as_str())
            && !refused.contains_key(crate::paths::declaration(&d.id).as_str())
            // `Incident.yaml` is reported as misnamed, with the fix.
            && !d
                .strays
                .iter()
                .any(|p| meant_name(p).is_some_and(|m| m.ends_with(DECLARATION)))
    });
    for dir in missing {
        out.push(
            LAYOUT_MISSING_INCIDENT
                .diag(
                    &format!("{}/", crate::paths::incident_dir(&dir.id)),
                    "incident folder without incident.yaml",
                )
                .hint("declare the incident with `incident declare`, or remove the folder"),
        );
    }
}

fn stray(path: &str) -> Diagnostic {
    let hint = if path.ends_with(".yml") {
        "incidentkit reads `.yaml` files: rename it"
    } else {
        "incidentkit reads incident.yaml, postmortem.yaml, updates/<time>.yaml, corrections/*.yaml and redactions/*.yaml; move or delete this"
    };
    LAYOUT_STRAY_FILE
        .diag(path, "this file is not part of an incident and is ignored")
        .hint(hint)
}

/// The path a file of an incident folder was meant to have, when its name
/// is a YAML file name incidentkit reads but for the extension, case or a
/// separator (`updates/<time>.yml`, `post-mortem.yaml`, `Incident.yaml`):
/// a resolving update saved so would silently not count.
fn meant_name(path: &str) -> Option<String> {
    let (dir, name) = path.rsplit_once('/')?;
    let lower = name.to_ascii_lowercase();
    let extension = [".yaml", ".yml"].into_iter().find(|e| lower.ends_with(e))?;
    let stem = &name[..name.len() - extension.len()];
    let depth = dir.split('/').count();
    let parent = dir.rsplit('/').next().unwrap_or(dir);
    if depth == 3 && matches!(parent, UPDATES | CORRECTIONS | REDACTIONS) {
        // Only extension or case is wrong: the rest of the name is checked
        // once it is read (`layout/update-name`).
        return Some(format!("{dir}/{stem}.yaml"));
    }
    if depth != 2 {
        return None;
    }
    let squeezed: String = stem
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect();
    [DECLARATION, POSTMORTEM]
        .into_iter()
        .find(|known| known.strip_suffix(".yaml") == Some(squeezed.as_str()))
        .map(|known| format!("{dir}/{known}"))
}

/// `YYYY-MM-DD-slug`, the date being `declared_at` in UTC.
pub fn names(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let declared = incident
        .declaration
        .declared_at
        .strftime("%Y-%m-%d")
        .to_string();
    let id = incident.id.as_str();
    let slug_ok = id.len() > 11
        && id.as_bytes()[10] == b'-'
        && id[11..].split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !slug_ok || id[..10] != declared {
        let slug = if slug_ok { &id[11..] } else { "short-slug" };
        out.push(
            LAYOUT_FOLDER_NAME
                .diag(
                    &files.incident,
                    format!("the folder name `{id}` does not match `<declared date>-<slug>`"),
                )
                .at("/declared_at")
                .hint(format!(
                    "declared_at is {declared} (UTC), so name the folder `{declared}-{slug}` (lowercase words joined by dashes)"
                )),
        );
    }
    for (update, file) in incident.updates.iter().zip(&files.updates) {
        let expected = update_file_name(update.at);
        let name = file.rsplit('/').next().unwrap_or(file);
        if name != expected {
            out.push(
                LAYOUT_UPDATE_NAME
                    .diag(file, format!("the file name `{name}` does not match `at` ({})", update.at))
                    .at("/at")
                    .hint(format!(
                        "an update file is named after its time in UTC: rename it to `{expected}`, or correct `at`"
                    )),
            );
        }
    }
}
