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
use crate::model::{Declaration, Postmortem, Repository, Status, Update};
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
    pub about: About,
}

/// What a note is about: `--into` writes neither incidentkit.yaml nor an
/// incident imported before, so it reports only the notes on what it writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum About {
    /// The import as a whole (a source that tells no more).
    #[default]
    Import,
    /// incidentkit.yaml.
    Config,
    /// The incident of this source id; with a time, its update at that time.
    Incident(String, Option<Timestamp>),
    /// The post-mortem of the incident of this source id.
    Postmortem(String),
}

#[derive(Debug, Default)]
pub struct Report {
    pub notes: Vec<Note>,
    /// What the notes made now are about.
    pub about: About,
}

impl Report {
    pub fn note(
        &mut self,
        place: impl Into<String>,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        let about = self.about.clone();
        self.note_about(about, place, what, why);
    }

    pub fn note_about(
        &mut self,
        about: About,
        place: impl Into<String>,
        what: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.notes.push(Note {
            place: place.into(),
            what: what.into(),
            why: why.into(),
            about,
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
    /// New files (updates, a post-mortem) for incidents imported before,
    /// which the source holds more of.
    pub added: Vec<(String, crate::compose::NewFiles)>,
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

/// One second after `t`, where `what` is placed (update files are named
/// to the second); an error at the end of time, not a panic.
pub fn second_after(t: Timestamp, what: &str, place: &str) -> Result<Timestamp, ImportError> {
    t.checked_add(jiff::SignedDuration::from_secs(1))
        .map_err(|_| {
            ImportError::new(
                place,
                format!("{t} is too late: {what} goes a second after it; correct the time and import again"),
            )
        })
}

/// Puts updates in time order and makes their times unique to the second
/// (update files are named by their time): a later one in the same second
/// moves one second on (`second_after`). Notes each move.
pub fn order_updates(
    updates: &mut [(Update, String)],
    report: &mut Report,
) -> Result<(), ImportError> {
    updates.sort_by_key(|(u, _)| u.at);
    let mut last: Option<Timestamp> = None;
    for (u, place) in updates.iter_mut() {
        if let Some(prev) = last
            && u.at <= prev
        {
            let moved = second_after(prev, "the next update", place)?;
            report.note(
                place.clone(),
                format!("time moved from {} to {moved}", u.at),
                "several updates in the same second; update files are named by their time, to the second",
            );
            u.at = moved;
        }
        last = Some(u.at);
    }
    Ok(())
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
            plan.config = Some(config_text(import)?);
            BTreeMap::new()
        }
        Some(repo) => {
            taken.extend(repo.incidents.iter().map(|i| i.id.clone()));
            existing_components(import, repo)?
        }
    };
    let already = imported_before(existing);
    let mut before = AddedBefore::new();
    for incident in &mut import.incidents {
        rename_components(incident, &rename);
        let decl = &incident.declaration;
        if let Some(source_id) = decl.imported.as_ref().and_then(|m| m.id.clone())
            && let Some(there) = already.get(&(import.from, source_id.clone()))
        {
            let added = add_newer(&mut plan, incident, &source_id, there, &mut import.report)?;
            before.insert(source_id, added);
            continue;
        }
        let id = new_incident_id(incident, &taken);
        taken.insert(id.clone());
        let files = incident_files(&id, incident)?;
        plan.incidents.push((id, files));
    }
    if existing.is_some() {
        keep_notes_on_what_is_written(&mut import.report, &before);
    }
    Ok(plan)
}

/// Source id → times of the updates added, and whether its post-mortem
/// was, for incidents imported before.
type AddedBefore = BTreeMap<String, (Vec<Timestamp>, bool)>;

/// incidentkit.yaml for a new repository: the import's site, groups and
/// components.
fn config_text(import: &Import) -> Result<String, ImportError> {
    let config = ConfigOut {
        site: &import.site,
        groups: &import.groups,
        components: &import.components,
    };
    emit::to_yaml(crate::repo::CONFIG_FILE, FileKind::Config, &config)
        .map_err(|e| refused(format!("cannot write YAML: {e}")))
}

/// The repository's incidents imported before, by source and source id.
fn imported_before(
    existing: Option<&Repository>,
) -> BTreeMap<(ImportSource, String), &crate::model::Incident> {
    existing
        .into_iter()
        .flat_map(|r| &r.incidents)
        .filter_map(|i| {
            let m = i.declaration.imported.as_ref()?;
            Some(((m.from, m.id.clone()?), i))
        })
        .collect()
}

/// Gives the incident's components (declared, and in each update) the
/// repository's ids.
fn rename_components(incident: &mut IncidentIn, rename: &BTreeMap<String, String>) {
    let map = |id: &String| rename.get(id).cloned().unwrap_or_else(|| id.clone());
    let decl = &mut incident.declaration;
    decl.components = decl.components.iter().map(map).collect();
    for u in &mut incident.updates {
        u.components = std::mem::take(&mut u.components)
            .into_iter()
            .map(|(id, s)| (map(&id), s))
            .collect();
    }
}

/// Plans what the source holds more of than `there`, the incident imported
/// before as `source_id` (or notes it skipped); returns the times of the
/// updates added and whether its post-mortem is.
fn add_newer(
    plan: &mut Plan,
    incident: &IncidentIn,
    source_id: &str,
    there: &crate::model::Incident,
    report: &mut Report,
) -> Result<(Vec<Timestamp>, bool), ImportError> {
    let (files, added) = newer(incident, source_id, there, report)?;
    let postmortem_added = files.keys().any(|path| path.ends_with("/postmortem.yaml"));
    if files.is_empty() {
        report.note_about(
            About::Import,
            &incident.source,
            format!("skipped `{source_id}` ({})", incident.declaration.title),
            format!("already imported as incidents/{}", there.id),
        );
        plan.skipped += 1;
    } else {
        plan.added.push((there.id.clone(), files));
    }
    Ok((added, postmortem_added))
}

/// A new incident's folder name: the source's own id when it is one and
/// free, else one from its date and title that `taken` does not hold.
fn new_incident_id(incident: &IncidentIn, taken: &BTreeSet<String>) -> String {
    let decl = &incident.declaration;
    let date = decl.declared_at.strftime("%Y-%m-%d").to_string();
    match &incident.keep_id {
        Some(keep) if !taken.contains(keep) => keep.clone(),
        _ => unique_id(&date, &decl.title, |id| taken.contains(id)),
    }
}

/// Keeps only the notes on what `--into` writes: not incidentkit.yaml, nor
/// what an incident imported before already holds.
fn keep_notes_on_what_is_written(report: &mut Report, before: &AddedBefore) {
    report.notes.retain(|n| match &n.about {
        About::Import => true,
        About::Config => false,
        About::Incident(id, at) => before
            .get(id)
            .is_none_or(|(added, _)| at.is_some_and(|at| added.contains(&at))),
        About::Postmortem(id) => before.get(id).is_none_or(|(_, postmortem)| *postmortem),
    });
}

/// The files an incident imported before lacks: the source's updates after
/// the repository's last one, and its post-mortem if the repository has
/// none; with the times of the updates added. Files there are never
/// rewritten: a source's update at or before the repository's last that
/// the repository does not hold is reported, not added.
fn newer(
    incident: &IncidentIn,
    source_id: &str,
    there: &crate::model::Incident,
    report: &mut Report,
) -> Result<(crate::compose::NewFiles, Vec<Timestamp>), ImportError> {
    let mut files = crate::compose::NewFiles::new();
    let mut added = Vec::new();
    let Some(last) = there.updates.iter().max_by_key(|u| u.at) else {
        return Ok((files, added));
    };
    let folder = format!("incidents/{}", there.id);
    if visibility_differs(incident, there, report) {
        return Ok((files, added));
    }
    let mut taken = BTreeSet::new();
    let mut closed = last.status.is_final();
    for u in &incident.updates {
        let held = held_at(&there.updates, &mut taken, u);
        if let Some(at) = held.filter(|at| *at != u.at) {
            report.note_about(
                About::Import,
                &incident.source,
                format!(
                    "the source's update at {} ({}) not added again",
                    u.at, u.status
                ),
                format!("{folder} holds it at {at}"),
            );
            continue;
        }
        if u.at <= last.at {
            if held.is_none() {
                report.note_about(
                    About::Import,
                    &incident.source,
                    format!("the source's update at {} ({}) not added to {folder}", u.at, u.status),
                    format!("the repository holds another update there or none, and an import only adds after the repository's last update ({}); add it by hand if it belongs", last.at),
                );
            }
            continue;
        }
        // Reopening or not as the repository's timeline stands.
        let update = Update {
            reopen: closed,
            ..u.clone()
        };
        if update.reopen != u.reopen {
            report.note_about(
                About::Import,
                &incident.source,
                format!("the update at {} set to `reopen: {closed}`", u.at),
                format!("the last update in {folder} is {}", last.status),
            );
        }
        closed = u.status.is_final();
        let path = crate::compose::update_path(&there.id, u.at);
        let text = emit::to_yaml(&path, FileKind::Update, &update)
            .map_err(|e| ImportError::new(&incident.source, e.to_string()))?;
        files.insert(path, text);
        added.push(u.at);
    }
    note_added(incident, source_id, there, last.at, &added, report);
    if let (Some(pm), None) = (&incident.postmortem, &there.postmortem) {
        let path = format!("{folder}/postmortem.yaml");
        let text = emit::to_yaml(&path, FileKind::Postmortem, pm)
            .map_err(|e| ImportError::new(&incident.source, e.to_string()))?;
        report.note_about(
            About::Import,
            &incident.source,
            format!("post-mortem of `{source_id}` added to {folder}"),
            "the source holds one and the repository has none",
        );
        files.insert(path, text);
    }
    Ok((files, added))
}

/// When the repository holds the source's update `u`: at its time with its
/// status (a redaction or correction may have changed the text since), else
/// with its status and text at another time (an earlier import that read
/// the times another way). Each of the repository's updates holds one
/// source update at most (`taken`): an update said twice in the same words
/// is not held twice by one.
fn held_at(held: &[Update], taken: &mut BTreeSet<Timestamp>, u: &Update) -> Option<Timestamp> {
    let at = held
        .iter()
        .find(|r| r.at == u.at && r.status == u.status)
        .or_else(|| {
            held.iter()
                .find(|r| !taken.contains(&r.at) && r.status == u.status && r.message == u.message)
        })?
        .at;
    taken.insert(at);
    Some(at)
}

/// A source that now keeps the incident off its page (a cState draft) adds
/// nothing to one the repository publishes, nor the reverse: said.
fn visibility_differs(
    incident: &IncidentIn,
    there: &crate::model::Incident,
    report: &mut Report,
) -> bool {
    let (source, repository) = (
        incident.declaration.visibility,
        there.declaration.visibility,
    );
    if source != repository {
        report.note_about(
            About::Import,
            &incident.source,
            format!("nothing added to incidents/{}", there.id),
            format!("the source has it {source:?} and the repository {repository:?}: change one by hand if that is meant"),
        );
    }
    source != repository
}

/// The report line for the updates `newer` added after the repository's
/// `last` update, with what `imported.until` should say.
fn note_added(
    incident: &IncidentIn,
    source_id: &str,
    there: &crate::model::Incident,
    last: Timestamp,
    added: &[Timestamp],
    report: &mut Report,
) {
    let Some(new_last) = added.last() else {
        return;
    };
    let folder = format!("incidents/{}", there.id);
    let until = there.declaration.imported.as_ref().and_then(|m| m.until);
    report.note_about(
        About::Import,
        &incident.source,
        format!(
            "{} newer update{} of `{source_id}` added to {folder} ({})",
            added.len(),
            if added.len() == 1 { "" } else { "s" },
            added.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
        ),
        match until {
            Some(until) if until < *new_last => format!("the source holds updates after the repository's last ({last}); its files are kept as they are, and `imported.until` in its incident.yaml still says {until}: set it to {new_last} to spare these updates the practice rules too"),
            _ => format!("the source holds updates after the repository's last ({last}); its files are kept as they are"),
        },
    );
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
                    import.report.note_about(
                        About::Import,
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
    fn an_update_said_twice_in_the_same_words_is_held_once() {
        let update = |t: &str| -> Update {
            serde_yaml::from_str(&format!(
                "at: {t}\nstatus: investigating\nmessage: Still investigating.\nauthor: x\n"
            ))
            .unwrap()
        };
        let held = [update("2026-11-26T10:00:00Z")];
        let mut taken = BTreeSet::new();
        let moved = update("2026-11-26T11:00:00Z");
        assert_eq!(held_at(&held, &mut taken, &moved), Some(held[0].at));
        let again = update("2026-11-26T12:00:00Z");
        assert_eq!(held_at(&held, &mut taken, &again), None);
        // At its own time it is held whatever was taken.
        assert_eq!(held_at(&held, &mut taken, &held[0]), Some(held[0].at));
    }

    #[test]
    fn updates_in_one_second_move_on_and_the_last_second_is_an_error() {
        let at = |t: &str| {
            let update: Update = serde_yaml::from_str(&format!(
                "at: {t}\nstatus: investigating\nmessage: m\nauthor: x\n"
            ))
            .unwrap();
            (update, "issue.md".to_string())
        };
        let mut report = Report::default();
        let mut two = [at("2026-11-26T10:00:00Z"), at("2026-11-26T10:00:00Z")];
        order_updates(&mut two, &mut report).unwrap();
        assert_eq!(two[1].0.at.to_string(), "2026-11-26T10:00:01Z");
        let last = Timestamp::MAX.as_second();
        let end = Timestamp::from_second(last).unwrap().to_string();
        let mut crafted = [at(&end), at(&end)];
        let err = order_updates(&mut crafted, &mut report).unwrap_err();
        assert_eq!(err.file, "issue.md");
    }

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
