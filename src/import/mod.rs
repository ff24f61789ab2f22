//! Bringing an existing status page's history in: each source (one file
//! per source) reads its files into an [`Import`], and [`plan`] turns that
//! into new files of an incident repository (through `author`, so they look
//! like every file the CLI writes). Nothing is dropped or changed silently:
//! every change on the way in is a [`Note`] in the report.

pub mod cstate;
pub mod statuspage;

use crate::compose::emit;
use crate::compose::slug::{slugify, unique_id};
use crate::model::imported::ImportSource;
use crate::model::{ComponentStatus, Declaration, Postmortem, Repository, Status, Update};
use crate::schemas::FileKind;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One change on the way in: what, where (a source file or a written
/// file), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub place: String,
    pub what: String,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Report {
    pub notes: Vec<Note>,
}

impl Report {
    pub fn note(
        &mut self,
        place: impl Into<String>,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.notes.push(Note {
            place: place.into(),
            what: what.into(),
            why: why.into(),
        });
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.place, self.what, self.why)
    }
}

/// A bad input file: names the file and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ImportError {
    pub file: String,
    pub message: String,
}

impl ImportError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteOut {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupOut {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentOut {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// incidentkit.yaml as an import writes it.
#[derive(Debug, Clone, Serialize)]
struct ConfigOut<'a> {
    site: &'a SiteOut,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    groups: &'a [GroupOut],
    components: &'a [ComponentOut],
}

#[derive(Debug, Clone)]
pub struct IncidentIn {
    /// Where it was read (for the report).
    pub source: String,
    /// The source's id when it is already a valid incident id for its
    /// declared date (a page built by incidentkit), kept as the folder name.
    pub keep_id: Option<String>,
    pub declaration: Declaration,
    pub updates: Vec<Update>,
    pub postmortem: Option<Postmortem>,
}

/// What a source holds, in incidentkit's terms, before it is written.
#[derive(Debug)]
pub struct Import {
    pub from: ImportSource,
    pub site: SiteOut,
    pub groups: Vec<GroupOut>,
    pub components: Vec<ComponentOut>,
    pub incidents: Vec<IncidentIn>,
    pub report: Report,
    /// How many input files were read.
    pub files_read: usize,
}

/// The files to write: the repository's own (new repositories only) and
/// one batch per incident, each written whole or not at all.
#[derive(Debug, Default)]
pub struct Plan {
    pub config: Option<String>,
    pub incidents: Vec<(String, crate::compose::NewFiles)>,
    pub skipped: usize,
}

/// The author of imported updates.
/// An imported public update: the page's message at its time, nothing else.
pub fn update(
    from: ImportSource,
    at: jiff::Timestamp,
    status: crate::model::Status,
    message: String,
) -> Update {
    Update {
        at,
        status,
        message: Some(message),
        message_translations: Default::default(),
        internal_note: None,
        impact: None,
        severity: None,
        components: Default::default(),
        next_update_at: None,
        author: author(from),
        reopen: false,
        decision: None,
        exempt: Default::default(),
    }
}

pub fn author(from: ImportSource) -> String {
    match from {
        ImportSource::Statuspage => "imported from Statuspage".to_string(),
        ImportSource::Cstate => "imported from cState".to_string(),
    }
}

/// A component or group id from the source's id when it reads well, else
/// from the name. `taken` holds the ids given so far (components and groups
/// share one namespace).
pub fn readable_id(source_id: &str, name: &str, taken: &mut BTreeSet<String>) -> String {
    let valid = !source_id.is_empty()
        && source_id.len() <= 64
        && source_id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !source_id.starts_with('-');
    let base = if valid && !is_opaque(source_id) {
        source_id.to_string()
    } else {
        let slug = slugify(name);
        if slug == "incident" && !name.to_ascii_lowercase().contains("incident") {
            "component".to_string()
        } else {
            slug
        }
    };
    let id = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken.contains(id))
        .unwrap_or(base);
    taken.insert(id.clone());
    id
}

/// Statuspage's generated ids: 12 lowercase letters and digits, both kinds.
fn is_opaque(id: &str) -> bool {
    id.len() == 12
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id.bytes().any(|b| b.is_ascii_digit())
        && id.bytes().any(|b| b.is_ascii_lowercase())
}

/// Decodes HTML entities (`&amp;`, `&#39;`, `&nbsp;`, …) that status pages
/// serve in text fields; notes it when anything changed.
pub fn decode_entities(text: &str, place: &str, field: &str, report: &mut Report) -> String {
    let decoded = html_escape::decode_html_entities(text)
        .replace('\u{a0}', " ")
        .replace("\r\n", "\n");
    if decoded != text.replace("\r\n", "\n") {
        report.note(
            place,
            format!("HTML entities in the {field} decoded"),
            "pages serve HTML-escaped text; incidentkit's text is Markdown, where entities would show literally",
        );
    }
    decoded
}

/// Puts updates in time order and makes their times unique to the second
/// (update files are named by their time): a later one in the same second
/// moves one second on. Notes each move.
pub fn order_updates(updates: &mut [(Update, String)], report: &mut Report) {
    updates.sort_by_key(|(u, _)| u.at);
    let mut last: Option<Timestamp> = None;
    for (u, place) in updates.iter_mut() {
        if let Some(prev) = last
            && u.at <= prev
        {
            let moved = prev + jiff::SignedDuration::from_secs(1);
            report.note(
                place.clone(),
                format!("time moved from {} to {moved}", u.at),
                "several updates in the same second; update files are named by their time, to the second",
            );
            u.at = moved;
        }
        last = Some(u.at);
    }
}

/// Marks an update that follows a resolving one as a reopening (the only way
/// incidentkit keeps an update after a resolution), noting it.
pub fn reopen_after_final(updates: &mut [(Update, String)], report: &mut Report) {
    let mut closed = false;
    for (u, place) in updates.iter_mut() {
        if closed {
            u.reopen = true;
            report.note(
                place.clone(),
                format!("marked `reopen: true` ({} after a resolution)", u.status),
                "an update after the resolving one reopens the incident in incidentkit",
            );
        }
        closed = u.status.is_final();
    }
}

/// A neutral public message for an entry the source holds without one.
pub fn placeholder_message(status: Status) -> String {
    let mut text = status.as_str().replace('_', " ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("{text}.")
}

fn refused(message: String) -> ImportError {
    ImportError::new(crate::repo::CONFIG_FILE, message)
}

/// Turns an import into files. `existing` is the repository imported into
/// (`--into`): its components must already list every component the import
/// names (matched by id, then by name; its incidentkit.yaml is never
/// rewritten), and incidents it already holds from the same source are
/// skipped and reported.
pub fn plan(import: &mut Import, existing: Option<&Repository>) -> Result<Plan, ImportError> {
    let mut plan = Plan::default();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let rename = match existing {
        None => {
            let config = ConfigOut {
                site: &import.site,
                groups: &import.groups,
                components: &import.components,
            };
            let text = emit::to_yaml(crate::repo::CONFIG_FILE, FileKind::Config, &config)
                .map_err(|e| refused(format!("cannot write YAML: {e}")))?;
            plan.config = Some(text);
            BTreeMap::new()
        }
        Some(repo) => {
            taken.extend(repo.incidents.iter().map(|i| i.id.clone()));
            existing_components(import, repo)?
        }
    };
    let already: BTreeMap<(ImportSource, String), String> = existing
        .into_iter()
        .flat_map(|r| &r.incidents)
        .filter_map(|i| {
            let m = i.declaration.imported.as_ref()?;
            Some(((m.from, m.id.clone()?), i.id.clone()))
        })
        .collect();
    for incident in &mut import.incidents {
        let decl = &mut incident.declaration;
        if let Some(source_id) = decl.imported.as_ref().and_then(|m| m.id.clone())
            && let Some(there) = already.get(&(import.from, source_id.clone()))
        {
            import.report.note(
                &incident.source,
                format!("skipped `{source_id}` ({})", decl.title),
                format!("already imported as incidents/{there}"),
            );
            plan.skipped += 1;
            continue;
        }
        let map = |id: &String| rename.get(id).cloned().unwrap_or_else(|| id.clone());
        decl.components = decl.components.iter().map(map).collect();
        for u in &mut incident.updates {
            u.components = std::mem::take(&mut u.components)
                .into_iter()
                .map(|(id, s)| (map(&id), s))
                .collect::<BTreeMap<String, ComponentStatus>>();
        }
        let date = decl.declared_at.strftime("%Y-%m-%d").to_string();
        let id = match &incident.keep_id {
            Some(keep) if !taken.contains(keep) => keep.clone(),
            _ => unique_id(&date, &decl.title, |id| taken.contains(id)),
        };
        taken.insert(id.clone());
        let files = incident_files(&id, incident)?;
        plan.incidents.push((id, files));
    }
    Ok(plan)
}

/// Each component the import uses, matched to the existing repository's by
/// id, then by name: the ids to rename. An error lists those it lacks.
fn existing_components(
    import: &mut Import,
    repo: &Repository,
) -> Result<BTreeMap<String, String>, ImportError> {
    let mut rename = BTreeMap::new();
    let used: BTreeSet<&str> = import
        .incidents
        .iter()
        .flat_map(|i| {
            i.declaration
                .components
                .iter()
                .chain(i.updates.iter().flat_map(|u| u.components.keys()))
        })
        .map(String::as_str)
        .collect();
    let mut missing = Vec::new();
    for c in import
        .components
        .iter()
        .filter(|c| used.contains(c.id.as_str()))
    {
        let found = repo.config.component(&c.id).or_else(|| {
            repo.config
                .components
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(&c.name))
        });
        match found {
            Some(k) => {
                if k.id != c.id {
                    import.report.note(
                        crate::repo::CONFIG_FILE,
                        format!("component `{}` taken as the existing `{}`", c.id, k.id),
                        format!("same name, \"{}\"", k.name),
                    );
                }
                rename.insert(c.id.clone(), k.id.clone());
            }
            None => missing.push(format!(
                "  - {{id: {}, name: {}{}}}",
                c.id,
                serde_json::to_string(&c.name).unwrap_or_default(),
                if c.retired { ", retired: true" } else { "" }
            )),
        }
    }
    if !missing.is_empty() {
        return Err(refused(format!(
            "the import names components this repository does not list, and import never rewrites incidentkit.yaml; add them under `components:` and run the import again:\n{}",
            missing.join("\n")
        )));
    }
    Ok(rename)
}

/// The files of one imported incident: its declaration with the first
/// update, the other updates, and its post-mortem.
fn incident_files(
    id: &str,
    incident: &IncidentIn,
) -> Result<crate::compose::NewFiles, ImportError> {
    let Some((first, rest)) = incident.updates.split_first() else {
        return Err(ImportError::new(
            &incident.source,
            "an incident without updates (a bug of the importer: it adds one)",
        ));
    };
    let mut files = crate::compose::declare(id, &incident.declaration, first)
        .map_err(|e| ImportError::new(&incident.source, e.to_string()))?;
    for u in rest {
        let path = crate::compose::update_path(id, u.at);
        let text = emit::to_yaml(&path, FileKind::Update, u)
            .map_err(|e| ImportError::new(&incident.source, e.to_string()))?;
        files.insert(path, text);
    }
    if let Some(pm) = &incident.postmortem {
        let path = format!("incidents/{id}/postmortem.yaml");
        let text = emit::to_yaml(&path, FileKind::Postmortem, pm)
            .map_err(|e| ImportError::new(&incident.source, e.to_string()))?;
        files.insert(path, text);
    }
    Ok(files)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_well() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            readable_id("payments-api", "Payments", &mut taken),
            "payments-api"
        );
        assert_eq!(
            readable_id("ftgks51sfs2d", "Payments API", &mut taken),
            "payments-api-2"
        );
        assert_eq!(readable_id("Checkout", "Checkout", &mut taken), "checkout");
        assert_eq!(readable_id("x", "???", &mut taken), "x");
        assert_eq!(readable_id("", "???", &mut taken), "component");
    }

    #[test]
    fn placeholders_say_the_status() {
        assert_eq!(placeholder_message(Status::InProgress), "In progress.");
        assert_eq!(placeholder_message(Status::Resolved), "Resolved.");
    }
}
