//! Atlassian Statuspage's public API v2, as saved with curl: `summary.json`,
//! `components.json`, `incidents.json`, `scheduled-maintenances.json` (and
//! their `unresolved`/`upcoming`/`active` variants), `status.json`, and
//! single incidents (`{"page", "incident"}`). Any subset, any number of
//! files; the same incident in several files is merged, the newest
//! (`updated_at`) winning.

use super::{
    About, ComponentOut, GroupOut, Import, ImportError, IncidentIn, Report, SiteOut,
    decode_entities, order_updates, placeholder_message, readable_id, reopen_after_final,
};
use crate::model::imported::{ImportSource, Imported};
use crate::model::postmortem::Postmortem;
use crate::model::{ComponentStatus, Declaration, Kind, Severity, Status, Update, Visibility};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Statuspage's incident impact → severity. The default is the inverse of
/// the severity policy's status-page impact (sev1 critical … sev4 none).
#[derive(Debug, Clone)]
pub struct SeverityMap(BTreeMap<String, Severity>);

impl Default for SeverityMap {
    fn default() -> Self {
        Self(BTreeMap::from([
            ("critical".to_string(), Severity::Sev1),
            ("major".to_string(), Severity::Sev2),
            ("minor".to_string(), Severity::Sev3),
            ("none".to_string(), Severity::Sev4),
        ]))
    }
}

impl SeverityMap {
    /// Applies `IMPACT=SEV` overrides (`--severity minor=sev4`).
    pub fn with(mut self, overrides: &[String]) -> Result<Self, String> {
        for o in overrides {
            let (impact, sev) = o
                .split_once('=')
                .ok_or_else(|| format!("--severity `{o}`: write IMPACT=SEV, e.g. minor=sev4"))?;
            let impact = impact.trim().to_ascii_lowercase();
            if !["critical", "major", "minor", "none"].contains(&impact.as_str()) {
                return Err(format!(
                    "--severity `{o}`: the impact is one of critical, major, minor, none"
                ));
            }
            let sev: Severity = serde_yaml::from_str(sev.trim()).map_err(|_| {
                format!("--severity `{o}`: the severity is one of sev1, sev2, sev3, sev4")
            })?;
            self.0.insert(impact, sev);
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Page {
    name: Option<String>,
    url: Option<String>,
    time_zone: Option<String>,
    updated_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Component {
    id: String,
    name: String,
    status: Option<String>,
    updated_at: Option<String>,
    position: Option<i64>,
    description: Option<String>,
    group_id: Option<String>,
    group: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Incident {
    id: String,
    name: String,
    status: String,
    created_at: Option<String>,
    updated_at: Option<String>,
    resolved_at: Option<String>,
    impact: Option<String>,
    shortlink: Option<String>,
    started_at: Option<String>,
    incident_updates: Vec<IncidentUpdate>,
    components: Vec<Component>,
    scheduled_for: Option<String>,
    scheduled_until: Option<String>,
    postmortem_body: Option<String>,
    postmortem_published_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct IncidentUpdate {
    id: Option<String>,
    status: String,
    body: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    display_at: Option<String>,
    affected_components: Option<Vec<Affected>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Affected {
    code: Option<String>,
    name: Option<String>,
    new_status: Option<String>,
}

/// One response file, as far as the importer reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Response {
    page: Option<Page>,
    components: Option<Vec<Component>>,
    incidents: Option<Vec<Incident>>,
    incident: Option<Incident>,
    scheduled_maintenances: Option<Vec<Incident>>,
}

/// An incident as merged from every file it was seen in.
struct Seen {
    incident: Incident,
    maintenance: bool,
    files: Vec<String>,
    /// Update key → (update, file it came from).
    updates: BTreeMap<String, (IncidentUpdate, String)>,
    differed: bool,
}

/// The `.json` files under each argument (directories are walked, in name
/// order; files named directly are read whatever their name).
fn inputs(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, ImportError> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool)>) -> Result<(), ImportError> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| {
                ImportError::new(
                    dir.display().to_string(),
                    format!("cannot read the folder: {e}"),
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push((path, false));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push((p.clone(), true));
        }
    }
    if out.is_empty() {
        return Err(ImportError::new(
            shown(paths),
            "no .json files: save the page's API with e.g. `curl -o incidents.json https://STATUS-PAGE/api/v2/incidents.json`",
        ));
    }
    Ok(out)
}

fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A folder that is a cState (Hugo) site holds no Statuspage response (its
/// `.json` files are Hugo templates): the error says which import it needs.
fn cstate_hint(paths: &[PathBuf], error: ImportError) -> ImportError {
    let site = paths.iter().find_map(|p| {
        let config = super::cstate::CONFIG_NAMES
            .iter()
            .find(|c| p.join(c).is_file())?;
        p.join("content/issues").is_dir().then_some((p, config))
    });
    match site {
        Some((dir, config)) => ImportError::new(
            dir.display().to_string(),
            format!(
                "no Statuspage API v2 response here: this is a cState (Hugo) site ({config}, content/issues); run `incident import cstate {}`",
                dir.display()
            ),
        ),
        None => error,
    }
}

/// For "which is newer" only: an unreadable time counts as oldest (a time
/// that is imported is parsed with [`time`], which reports it).
fn newest(text: &Option<String>) -> Option<Timestamp> {
    text.as_deref()?.parse().ok()
}

fn time(file: &str, what: &str, text: &str) -> Result<Timestamp, ImportError> {
    text.parse::<Timestamp>()
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t))
        .map_err(|e| {
            ImportError::new(
                file,
                format!("{what}: `{text}` is not an RFC 3339 time ({e}); correct it in the file and import again"),
            )
        })
}

fn opt_time(
    file: &str,
    what: &str,
    text: &Option<String>,
) -> Result<Option<Timestamp>, ImportError> {
    text.as_deref().map(|t| time(file, what, t)).transpose()
}

/// Reads the files and turns the page into incidentkit's terms.
pub fn read(paths: &[PathBuf], severities: &SeverityMap) -> Result<Import, ImportError> {
    let mut report = Report::default();
    let found = found_in(paths, &mut report)?;
    let (page, page_file) = found.page.unwrap_or_default();
    report.about = About::Config;
    let site = site(&page, &page_file, &mut report);
    let mut taken = BTreeSet::new();
    let (groups, out, ids, current) = components_of(found.components, &mut taken, &mut report);
    let mut components = Components::new(out, ids, taken, found.listed);
    if !found.listed {
        components.take_from_incidents(&found.seen, &mut report);
    }
    let incidents = incidents(found.seen, severities, &mut components, &mut report)?;
    report.about = About::Config;
    components.note_taken_from_incidents(&mut report);
    let mut components_out = components.out;
    if components_out.is_empty() {
        components_out.push(placeholder_component(&site, &mut report));
    }
    report.about = About::Import;
    note_current_statuses(&incidents, &current, &mut report);
    Ok(Import {
        from: ImportSource::Statuspage,
        site,
        groups,
        components: components_out,
        incidents,
        report,
        files_read: found.files_read,
    })
}

/// What the files under `paths` hold; an error (with the cState hint)
/// when none is a Statuspage response.
fn found_in(paths: &[PathBuf], report: &mut Report) -> Result<Found, ImportError> {
    let files = inputs(paths).map_err(|e| cstate_hint(paths, e))?;
    let found = gather(&files, report).map_err(|e| cstate_hint(paths, e))?;
    if found.files_read == 0 {
        return Err(cstate_hint(
            paths,
            ImportError::new(
                shown(paths),
                format!(
                    "no Statuspage API v2 response among its {} .json files (none has page, components, incidents, incident or scheduled_maintenances); save the page's API with e.g. `curl -o incidents.json https://STATUS-PAGE/api/v2/incidents.json`",
                    files.len()
                ),
            ),
        ));
    }
    Ok(found)
}

/// Each incident seen, in source id order, its notes tied to it.
fn incidents(
    seen: BTreeMap<String, Seen>,
    severities: &SeverityMap,
    components: &mut Components,
    report: &mut Report,
) -> Result<Vec<IncidentIn>, ImportError> {
    let mut incidents = Vec::new();
    for (source_id, s) in seen {
        report.about = About::Incident(source_id.clone(), None);
        if s.differed {
            report.note(
                s.files.join(", "),
                format!("incident `{source_id}` merged from {} files", s.files.len()),
                "the same incident in several files: the newest data (updated_at) wins",
            );
        }
        let mut resolve_component =
            |code: Option<&str>, name: Option<&str>, report: &mut Report| {
                components.resolve(&source_id, code, name, report)
            };
        incidents.push(incident(
            &source_id,
            s,
            severities,
            &mut resolve_component,
            report,
        )?);
    }
    Ok(incidents)
}

/// What the files hold, merged: the newest page and components, and each
/// incident.
#[derive(Default)]
struct Found {
    page: Option<(Page, String)>,
    components: BTreeMap<String, (Component, String)>,
    seen: BTreeMap<String, Seen>,
    files_read: usize,
    /// Whether a file lists the page's components.
    listed: bool,
}

/// Reads each file into what was found.
fn gather(files: &[(PathBuf, bool)], report: &mut Report) -> Result<Found, ImportError> {
    let mut found = Found::default();
    for (path, named) in files {
        let file = path.display().to_string();
        let Some(response) = response(&file, path, *named, report)? else {
            continue;
        };
        found.files_read += 1;
        if let Some(p) = response.page {
            let newer = match &found.page {
                Some((old, _)) => newest(&p.updated_at) >= newest(&old.updated_at),
                None => true,
            };
            if newer {
                found.page = Some((p, file.clone()));
            }
        }
        found.listed |= response.components.is_some();
        for c in response.components.into_iter().flatten() {
            match found.components.get(&c.id) {
                Some((old, _)) if newest(&old.updated_at) > newest(&c.updated_at) => {}
                _ => {
                    found.components.insert(c.id.clone(), (c, file.clone()));
                }
            }
        }
        let lists = [
            (response.incidents.unwrap_or_default(), false),
            (response.incident.into_iter().collect(), false),
            (response.scheduled_maintenances.unwrap_or_default(), true),
        ];
        for (list, maintenance) in lists {
            for incident in list {
                merge(&mut found.seen, incident, maintenance, &file);
            }
        }
    }
    Ok(found)
}

/// The components imported: the page's, and those its incidents name that
/// it no longer lists.
struct Components {
    out: Vec<ComponentOut>,
    /// Source id → our id.
    ids: Ids,
    /// Lowercase name → our id.
    names: BTreeMap<String, String>,
    /// Our ids given so far.
    taken: BTreeSet<String>,
    /// Whether a file lists the page's components (summary.json,
    /// components.json): only then is one it lacks retired.
    listed: bool,
    /// Our ids of the components taken from the incidents when none is.
    from_incidents: Vec<String>,
}

impl Components {
    /// The page's components (`out`, with their source ids `ids`; `taken`,
    /// every id given so far), found by name too.
    fn new(out: Vec<ComponentOut>, ids: Ids, taken: BTreeSet<String>, listed: bool) -> Self {
        Self {
            names: out
                .iter()
                .map(|c| (c.name.to_lowercase(), c.id.clone()))
                .collect(),
            out,
            ids,
            taken,
            listed,
            from_incidents: Vec::new(),
        }
    }

    /// Takes the components the incidents list, for when no file lists the
    /// page's: an incident's own `components` carry the page's names, which
    /// `affected_components` may prefix with the group's, so they go first.
    fn take_from_incidents(&mut self, seen: &BTreeMap<String, Seen>, report: &mut Report) {
        for (source_id, s) in seen {
            for c in &s.incident.components {
                self.resolve(source_id, Some(&c.id), Some(&c.name), report);
            }
        }
    }

    /// The [`ComponentLookup`] for incident `source_id`.
    fn resolve(
        &mut self,
        source_id: &str,
        code: Option<&str>,
        name: Option<&str>,
        report: &mut Report,
    ) -> Option<String> {
        let Some(code) = code.filter(|c| !c.is_empty()) else {
            return self.names.get(&name?.to_lowercase()).cloned();
        };
        if let Some(id) = self.ids.get(code) {
            return Some(id.clone());
        }
        // What follows is about incidentkit.yaml, whichever incident names it.
        let incident = std::mem::replace(&mut report.about, About::Config);
        let name = decode_entities(
            name.unwrap_or(code),
            crate::repo::CONFIG_FILE,
            &format!("name of component `{code}`"),
            report,
        );
        let id = readable_id(code, &name, &mut self.taken);
        // Without the page's list, a component history names may well be
        // offered still: nothing says it was retired.
        if self.listed {
            report.note(
                crate::repo::CONFIG_FILE,
                format!("component `{id}` (\"{name}\") added, marked retired"),
                format!("incident `{source_id}` names it but the page no longer lists it"),
            );
        } else {
            self.from_incidents.push(id.clone());
        }
        self.ids.insert(code.to_string(), id.clone());
        self.names.insert(name.to_lowercase(), id.clone());
        self.out.push(ComponentOut {
            id: id.clone(),
            name,
            description: None,
            group: None,
            retired: self.listed,
        });
        report.about = incident;
        Some(id)
    }

    /// Says (once) which components were taken from the incidents because
    /// no file lists the page's.
    fn note_taken_from_incidents(&self, report: &mut Report) {
        if self.from_incidents.is_empty() {
            return;
        }
        report.note(
            crate::repo::CONFIG_FILE,
            format!(
                "components taken from the incidents: {}",
                self.from_incidents
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "no file lists the page's components; import summary.json or components.json with these files for their names, groups and order",
        );
    }
}

/// The component a configuration needs when the files list none (noted).
fn placeholder_component(site: &SiteOut, report: &mut Report) -> ComponentOut {
    let id = "website".to_string();
    report.note(
        crate::repo::CONFIG_FILE,
        format!("component `{id}` added"),
        "the files list no components and incidentkit.yaml needs at least one; rename it",
    );
    ComponentOut {
        id,
        name: site.name.clone(),
        description: None,
        group: None,
        retired: false,
    }
}

/// One file's Statuspage API v2 response; `None` (noted) for a file found
/// in a folder that is not one, an error for a file named on the command line.
fn response(
    file: &str,
    path: &Path,
    named: bool,
    report: &mut Report,
) -> Result<Option<Response>, ImportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ImportError::new(file, format!("cannot read it: {e}")))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        ImportError::new(
            file,
            format!("not JSON ({e}); save the API response unchanged (curl -o FILE URL)"),
        )
    })?;
    let known = [
        "page",
        "components",
        "incidents",
        "incident",
        "scheduled_maintenances",
    ];
    if !value
        .as_object()
        .is_some_and(|o| known.iter().any(|k| o.contains_key(*k)))
    {
        if named {
            return Err(ImportError::new(
                file,
                "not a Statuspage API v2 response (it has none of page, components, incidents, incident, scheduled_maintenances); pass summary.json, components.json, incidents.json, scheduled-maintenances.json or incidents/<id>.json",
            ));
        }
        report.note(file, "file skipped", "not a Statuspage API v2 response");
        return Ok(None);
    }
    serde_json::from_value(value).map(Some).map_err(|e| {
        ImportError::new(
            file,
            format!("not shaped like a Statuspage API v2 response: {e}"),
        )
    })
}

/// A component not operational now should be so because of an open
/// incident; otherwise say that its status is not carried over.
fn note_current_statuses(
    incidents: &[IncidentIn],
    current: &[(String, String, String)],
    report: &mut Report,
) {
    let mut open: BTreeMap<&str, ComponentStatus> = BTreeMap::new();
    for i in incidents
        .iter()
        .filter(|i| !i.updates.last().is_some_and(|u| u.status.is_final()))
    {
        for u in &i.updates {
            open.extend(u.components.iter().map(|(id, s)| (id.as_str(), *s)));
        }
    }
    for (file, id, status) in current {
        if open.get(id.as_str()).map(|s| s.as_str()) != Some(status.as_str()) {
            report.note(
                file,
                format!("current status `{status}` of `{id}` not imported"),
                "incidentkit derives component statuses from the updates of open incidents, and none sets it",
            );
        }
    }
}

fn merge(seen: &mut BTreeMap<String, Seen>, incident: Incident, maintenance: bool, file: &str) {
    let key = |u: &IncidentUpdate| {
        u.id.clone()
            .unwrap_or_else(|| u.created_at.clone().unwrap_or_default())
    };
    let updates_of = |i: &Incident| -> BTreeMap<String, (IncidentUpdate, String)> {
        i.incident_updates
            .iter()
            .map(|u| (key(u), (u.clone(), file.to_string())))
            .collect()
    };
    let Some(s) = seen.get_mut(&incident.id) else {
        seen.insert(
            incident.id.clone(),
            Seen {
                updates: updates_of(&incident),
                maintenance,
                files: vec![file.to_string()],
                differed: false,
                incident,
            },
        );
        return;
    };
    s.files.push(file.to_string());
    s.maintenance |= maintenance;
    if incident.updated_at != s.incident.updated_at
        || incident.incident_updates.len() != s.updates.len()
    {
        s.differed = true;
    }
    for (k, (u, f)) in updates_of(&incident) {
        match s.updates.get(&k) {
            Some((old, _)) if newest(&old.updated_at) > newest(&u.updated_at) => {}
            _ => {
                s.updates.insert(k, (u, f));
            }
        }
    }
    if newest(&incident.updated_at) >= newest(&s.incident.updated_at) {
        s.incident = incident;
    }
}

fn site(page: &Page, file: &str, report: &mut Report) -> SiteOut {
    let name = match page
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => decode_entities(n, file, "page name", report),
        None => {
            report.note(
                crate::repo::CONFIG_FILE,
                "site name set to \"Status\"",
                "no file holds the page (summary.json or components.json do); edit site.name",
            );
            "Status".to_string()
        }
    };
    let url = page.url.clone().filter(|u| !u.is_empty()).and_then(|u| {
        if u.starts_with("http://") || u.starts_with("https://") {
            Some(u)
        } else {
            report.note(
                file,
                format!("site url `{u}` left out"),
                "not an http(s) URL",
            );
            None
        }
    });
    let timezone = page
        .time_zone
        .clone()
        .filter(|t| !t.is_empty())
        .and_then(|tz| {
            if jiff::tz::db().get(&tz).is_ok() {
                Some(tz)
            } else {
                report.note(
                    file,
                    format!("time zone `{tz}` left out (UTC)"),
                    "not an IANA time zone",
                );
                None
            }
        });
    SiteOut {
        name,
        url,
        timezone,
        description: None,
    }
}

type Ids = BTreeMap<String, String>;

/// Groups, components, source id → our id, and (file, id, status) of each
/// component that is not operational now.
type PageComponents = (
    Vec<GroupOut>,
    Vec<ComponentOut>,
    Ids,
    Vec<(String, String, String)>,
);

/// Our id of a component named by (code, name) in history, adding it as
/// retired when the page no longer lists it; `None` for a placeholder.
type ComponentLookup<'a> =
    dyn FnMut(Option<&str>, Option<&str>, &mut Report) -> Option<String> + 'a;

/// Groups and components in page order, and source id → our id.
fn components_of(
    found: BTreeMap<String, (Component, String)>,
    taken: &mut BTreeSet<String>,
    report: &mut Report,
) -> PageComponents {
    let mut list: Vec<(Component, String)> = found.into_values().collect();
    list.sort_by(|(a, _), (b, _)| (a.position, &a.name).cmp(&(b.position, &b.name)));
    let mut ids = Ids::new();
    let mut current = Vec::new();
    let mut groups = Vec::new();
    let mut components = Vec::new();
    for (c, file) in list.iter().filter(|(c, _)| c.group) {
        let (name, description) = name_and_description(c, file, "group", report);
        let id = readable_id(&c.id, &name, taken);
        if id != c.id {
            report.note(
                file,
                format!("group `{}` is `{id}`", c.id),
                "ids are read from names where the page's are generated",
            );
        }
        ids.insert(c.id.clone(), id.clone());
        groups.push(GroupOut {
            id,
            name,
            description,
        });
    }
    for (c, file) in list.iter().filter(|(c, _)| !c.group) {
        let (name, description) = name_and_description(c, file, "component", report);
        let id = readable_id(&c.id, &name, taken);
        if id != c.id {
            report.note(
                file,
                format!("component `{}` is `{id}`", c.id),
                "ids are read from names where the page's are generated",
            );
        }
        if let Some(s) = c.status.as_deref().filter(|s| *s != "operational") {
            current.push((file.clone(), id.clone(), s.to_string()));
        }
        ids.insert(c.id.clone(), id.clone());
        let group = c.group_id.as_ref().and_then(|g| {
            let found = ids.get(g).cloned();
            if found.is_none() {
                report.note(
                    file,
                    format!("group `{g}` of `{id}` left out"),
                    "no file lists that group",
                );
            }
            found
        });
        components.push(ComponentOut {
            id,
            name,
            description,
            group,
            retired: false,
        });
    }
    note_same_names(&components, report);
    (groups, components, ids, current)
}

/// Components with the same name look like one on the page and in the
/// files; say so, so that one can be renamed.
fn note_same_names(components: &[ComponentOut], report: &mut Report) {
    let mut by_name: BTreeMap<String, (&str, Vec<&str>)> = BTreeMap::new();
    for c in components {
        let entry = by_name
            .entry(c.name.to_lowercase())
            .or_insert((&c.name, Vec::new()));
        entry.1.push(&c.id);
    }
    for (name, ids) in by_name.values().filter(|(_, ids)| ids.len() > 1) {
        report.note(
            crate::repo::CONFIG_FILE,
            format!(
                "components {} have the same name \"{name}\"",
                ids.iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            "the page lists them apart; rename one so readers can tell them apart",
        );
    }
}

/// A group's or component's name and description, HTML entities decoded
/// like every text the page serves.
fn name_and_description(
    c: &Component,
    file: &str,
    what: &str,
    report: &mut Report,
) -> (String, Option<String>) {
    let id = &c.id;
    let name = decode_entities(&c.name, file, &format!("name of {what} `{id}`"), report);
    let description = c
        .description
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| decode_entities(d, file, &format!("description of {what} `{id}`"), report));
    (name, description)
}

fn status(word: &str, kind: Kind) -> Option<Status> {
    let s: Status = serde_yaml::from_str(word).ok()?;
    if s.kind() == kind {
        return Some(s);
    }
    // The same step in the other vocabulary.
    Some(match s {
        Status::Scheduled | Status::InProgress => Status::Investigating,
        Status::Verifying => Status::Monitoring,
        Status::Completed => Status::Resolved,
        Status::Investigating | Status::Identified if kind == Kind::Maintenance => {
            Status::InProgress
        }
        Status::Monitoring => Status::Verifying,
        Status::Resolved => Status::Completed,
        other => other,
    })
}

fn component_status(word: Option<&str>) -> Option<ComponentStatus> {
    serde_yaml::from_str(word?).ok()
}

/// One incident (or maintenance) as merged from the files, in
/// incidentkit's terms, with its post-mortem.
fn incident(
    source_id: &str,
    s: Seen,
    severities: &SeverityMap,
    component: &mut ComponentLookup<'_>,
    report: &mut Report,
) -> Result<IncidentIn, ImportError> {
    let i = s.incident;
    let src = Source::new(source_id, &i, s.maintenance, &s.files);
    let mut postmortem_body = i.postmortem_body.clone().filter(|b| !b.trim().is_empty());
    let first_note = report.notes.len();
    let (updates, declared_at) =
        src.timeline(s.updates, &mut postmortem_body, component, report)?;
    about_updates(source_id, &updates, &src.place, first_note, report);
    let title = src.title(&updates, report);
    let started_at =
        opt_time(&src.file, "started_at", &i.started_at)?.filter(|s| *s != declared_at);
    let (severity, scheduled_for, scheduled_until) =
        src.severity_or_schedule(&updates, declared_at, severities, report)?;
    let components = src.components(component, report);
    let updates: Vec<Update> = updates.into_iter().map(|(u, _)| u).collect();
    let until = updates.last().map(|u| u.at);
    let resolved_now = updates.last().is_some_and(|u| u.status.is_final());
    let postmortem = src.imported_postmortem(postmortem_body, resolved_now, report)?;
    let keep_id = keep_id(source_id, declared_at);
    Ok(IncidentIn {
        source: src.place,
        keep_id,
        declaration: Declaration {
            title,
            kind: src.kind,
            visibility: Visibility::Public,
            severity,
            declared_at,
            started_at,
            detected_at: None,
            detected_by: None,
            scheduled_for,
            scheduled_until,
            components,
            roles: Default::default(),
            channel: None,
            summary: None,
            exempt: Default::default(),
            imported: Some(Imported {
                from: ImportSource::Statuspage,
                id: Some(source_id.to_string()),
                shortlink: i.shortlink.filter(|s| !s.is_empty()),
                until,
            }),
        },
        updates,
        postmortem,
    })
}

/// Ties the notes made on each update (at its place) to the update's time,
/// so that `--into` reports them only with the update it adds.
fn about_updates(
    source_id: &str,
    updates: &[(Update, String)],
    place: &str,
    from: usize,
    report: &mut Report,
) {
    let incident = About::Incident(source_id.to_string(), None);
    for note in report.notes.iter_mut().skip(from) {
        if note.about != incident || note.place == place {
            continue;
        }
        if let Some((u, _)) = updates.iter().find(|(_, p)| *p == note.place) {
            note.about = About::Incident(source_id.to_string(), Some(u.at));
        }
    }
}

/// An incident's severity, or a maintenance's scheduled_for and
/// scheduled_until.
type SeverityOrWindow = (Option<Severity>, Option<Timestamp>, Option<Timestamp>);

/// One incident being imported: what Statuspage says of it, and where its
/// notes and errors point.
struct Source<'a> {
    id: &'a str,
    i: &'a Incident,
    kind: Kind,
    /// The file it was last seen in.
    file: String,
    /// The file and the incident's id, for notes.
    place: String,
}

impl<'a> Source<'a> {
    /// Incident `id` as `files` (the last the newest) hold it: a maintenance
    /// when listed as one or scheduled.
    fn new(id: &'a str, i: &'a Incident, maintenance: bool, files: &[String]) -> Self {
        let file = files.last().cloned().unwrap_or_default();
        let kind = if maintenance || i.scheduled_for.is_some() {
            Kind::Maintenance
        } else {
            Kind::Incident
        };
        let place = format!("{file} (incident {id})");
        Self {
            id,
            i,
            kind,
            file,
            place,
        }
    }

    /// The name, lengthened (noted) to the 3 characters a title needs; for
    /// an empty one (noted), the start of the first update's message, which
    /// is what the page's readers saw first.
    fn title(&self, updates: &[(Update, String)], report: &mut Report) -> String {
        let title = decode_entities(self.i.name.trim(), &self.place, "title", report);
        if title.is_empty() {
            let first = updates
                .first()
                .and_then(|(u, _)| u.message.as_deref())
                .and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty()))
                .unwrap_or("");
            let title = format!("Untitled: {}", crate::text::cut(first, 80));
            report.note(
                &self.place,
                format!("title \"{title}\" given"),
                "the name is empty; the title starts with the first update's message, edit it",
            );
            title
        } else if title.chars().count() < 3 {
            report.note(
                &self.place,
                format!("title \"{title}\" lengthened"),
                "a title has at least 3 characters",
            );
            format!("{title} (imported)")
        } else {
            title
        }
    }

    /// The updates in order, ending in the final status the incident has
    /// (added where no update says so), and the declaration time: created_at,
    /// or the first update's when that is earlier (noted).
    fn timeline(
        &self,
        seen: BTreeMap<String, (IncidentUpdate, String)>,
        postmortem_body: &mut Option<String>,
        component: &mut ComponentLookup<'_>,
        report: &mut Report,
    ) -> Result<(Vec<(Update, String)>, Timestamp), ImportError> {
        let (i, file, place) = (self.i, &self.file, &self.place);
        let mut updates = updates(self.id, seen, self.kind, postmortem_body, component, report)?;
        let created = opt_time(file, "created_at", &i.created_at)?;
        let resolved = opt_time(file, "resolved_at", &i.resolved_at)?;
        let updated = opt_time(file, "updated_at", &i.updated_at)?;
        let Some(mut declared_at) = created.or(updates.first().map(|(u, _)| u.at)) else {
            return Err(ImportError::new(
                file,
                format!(
                    "incident {} has no created_at and no updates; add created_at and import again",
                    self.id
                ),
            ));
        };
        self.add_final_update(&mut updates, declared_at, resolved, updated, report);
        order_updates(&mut updates, report)?;
        reopen_after_final(&mut updates, report);
        let first_at = updates[0].0.at;
        if first_at < declared_at {
            report.note(
                place,
                format!("declared at {first_at}, not created_at {declared_at}"),
                "its first update is earlier",
            );
            declared_at = first_at;
        }
        Ok((updates, declared_at))
    }

    /// The incident's final status, `postmortem` read as resolved (or
    /// completed); `None` while it is open.
    fn final_status(&self) -> Option<Status> {
        let (i, kind) = (self.i, self.kind);
        status(&i.status, kind)
            .filter(|s| s.is_final())
            .or_else(|| {
                (i.status == "postmortem").then_some(if kind == Kind::Maintenance {
                    Status::Completed
                } else {
                    Status::Resolved
                })
            })
    }

    /// Adds (noted) the one update an incident without updates needs, or the
    /// final one a closed incident's updates lack.
    fn add_final_update(
        &self,
        updates: &mut Vec<(Update, String)>,
        declared_at: Timestamp,
        resolved: Option<Timestamp>,
        updated: Option<Timestamp>,
        report: &mut Report,
    ) {
        let (i, kind, place) = (self.i, self.kind, &self.place);
        let final_status = self.final_status();
        if updates.is_empty() {
            let st = final_status
                .unwrap_or_else(|| status(&i.status, kind).unwrap_or(first_status(kind)));
            let at = if st.is_final() {
                resolved.or(updated).unwrap_or(declared_at)
            } else {
                declared_at
            };
            let message = placeholder_message(st);
            report.note_about(
                About::Incident(self.id.to_string(), Some(at)),
                place,
                format!("one update \"{message}\" ({st}) added at {at}"),
                "the incident has no updates; its status needs one",
            );
            updates.push((
                super::update(ImportSource::Statuspage, at, st, message),
                place.clone(),
            ));
        } else if let Some(st) = final_status
            && !updates.last().is_some_and(|(u, _)| u.status.is_final())
        {
            let last = updates.last().map(|(u, _)| u.at).unwrap_or(declared_at);
            let at = resolved
                .filter(|r| *r > last)
                .unwrap_or(last + jiff::SignedDuration::from_secs(1));
            let message = placeholder_message(st);
            report.note_about(
                About::Incident(self.id.to_string(), Some(at)),
                place,
                format!("update \"{message}\" ({st}) added at {at}"),
                format!("the incident is {} but no update says so", i.status),
            );
            updates.push((
                super::update(ImportSource::Statuspage, at, st, message),
                place.clone(),
            ));
        }
    }

    /// An incident's severity, or a maintenance's window.
    fn severity_or_schedule(
        &self,
        updates: &[(Update, String)],
        declared_at: Timestamp,
        severities: &SeverityMap,
        report: &mut Report,
    ) -> Result<SeverityOrWindow, ImportError> {
        Ok(match self.kind {
            Kind::Incident => (
                Some(severity(
                    self.i.impact.as_deref(),
                    severities,
                    &self.place,
                    report,
                )),
                None,
                None,
            ),
            Kind::Maintenance => {
                let last_at = updates.last().map_or(declared_at, |(u, _)| u.at);
                let (from, until) = schedule(
                    self.i,
                    &self.file,
                    &self.place,
                    declared_at,
                    last_at,
                    report,
                )?;
                (None, Some(from), Some(until))
            }
        })
    }

    /// The post-mortem of `body` (see [`postmortem`]), its notes tied to it,
    /// not to the incident: `--into` may add it alone.
    fn imported_postmortem(
        &self,
        body: Option<String>,
        resolved_now: bool,
        report: &mut Report,
    ) -> Result<Option<Postmortem>, ImportError> {
        let about = std::mem::replace(&mut report.about, About::Postmortem(self.id.to_string()));
        let postmortem = match body {
            Some(body) => Some(postmortem(
                &body,
                self.i,
                &self.file,
                &self.place,
                resolved_now,
                report,
            )?),
            None => None,
        };
        report.about = about;
        Ok(postmortem)
    }

    /// Our ids of the components the incident lists, in order.
    fn components(&self, component: &mut ComponentLookup<'_>, report: &mut Report) -> Vec<String> {
        let mut declared: BTreeSet<String> = BTreeSet::new();
        for c in &self.i.components {
            if let Some(id) = component(Some(&c.id), Some(&c.name), report) {
                declared.insert(id);
            }
        }
        declared.into_iter().collect()
    }
}

/// The post-mortem of an imported incident: its `postmortem_body` (or a
/// `postmortem` update), published only once the incident is resolved.
fn postmortem(
    body: &str,
    i: &Incident,
    file: &str,
    place: &str,
    resolved_now: bool,
    report: &mut Report,
) -> Result<Postmortem, ImportError> {
    let body = decode_entities(body.trim(), place, "post-mortem", report);
    let published_at = opt_time(file, "postmortem_published_at", &i.postmortem_published_at)?;
    let status = if resolved_now {
        "published"
    } else {
        report.note(
            place,
            "post-mortem imported as a draft",
            "the incident is not resolved",
        );
        "draft"
    };
    let mut value = serde_json::json!({
        "status": status,
        "summary": body,
        "imported": {"from": "statuspage"},
    });
    if let (Some(p), true) = (published_at, resolved_now) {
        value["published_at"] = serde_json::json!(p.to_string());
    }
    serde_json::from_value(value).map_err(|e| ImportError::new(file, e.to_string()))
}

/// The severity for Statuspage's impact word (sev4 when unknown, noted).
fn severity(
    impact: Option<&str>,
    severities: &SeverityMap,
    place: &str,
    report: &mut Report,
) -> Severity {
    let Some(impact) = impact else {
        let sev = severities.0.get("none").copied().unwrap_or(Severity::Sev4);
        report.note(
            place,
            format!("no impact: taken as `none` ({sev})"),
            "the incident has `impact: null`; edit its severity if it was worse",
        );
        return sev;
    };
    match severities.0.get(impact) {
        Some(s) => *s,
        None => {
            report.note(
                place,
                format!("impact `{impact}` taken as sev4"),
                "not one of critical, major, minor, none",
            );
            Severity::Sev4
        }
    }
}

/// A maintenance's window: its schedule, completed from the declaration
/// and the last update where Statuspage has none (noted).
fn schedule(
    i: &Incident,
    file: &str,
    place: &str,
    declared_at: Timestamp,
    last_at: Timestamp,
    report: &mut Report,
) -> Result<(Timestamp, Timestamp), ImportError> {
    let from = opt_time(file, "scheduled_for", &i.scheduled_for)?;
    let until = opt_time(file, "scheduled_until", &i.scheduled_until)?;
    let from = from.unwrap_or_else(|| {
        report.note(
            place,
            format!("scheduled_for set to {declared_at}"),
            "maintenance without scheduled_for",
        );
        declared_at
    });
    let until = until.filter(|u| *u >= from).unwrap_or_else(|| {
        let end = last_at.max(from);
        report.note(
            place,
            format!("scheduled_until set to {end}"),
            "maintenance without a scheduled_until after its start",
        );
        end
    });
    Ok((from, until))
}

/// The incident's updates in the order the page showed them, each with the
/// place it came from (for notes). A `postmortem` update becomes the
/// narrative when the incident has none.
fn updates(
    source_id: &str,
    seen: BTreeMap<String, (IncidentUpdate, String)>,
    kind: Kind,
    postmortem_body: &mut Option<String>,
    component: &mut ComponentLookup<'_>,
    report: &mut Report,
) -> Result<Vec<(Update, String)>, ImportError> {
    let mut updates: Vec<(Update, String)> = Vec::new();
    let mut last_status: Option<Status> = None;
    for (u, ufile) in in_page_order(seen) {
        let uplace = format!(
            "{ufile} (incident {source_id}, update {})",
            u.id.as_deref().unwrap_or("without id")
        );
        let at = update_time(source_id, &u, &ufile, &uplace, report)?;
        if u.status == "postmortem" {
            let about =
                std::mem::replace(&mut report.about, About::Postmortem(source_id.to_string()));
            postmortem_update(&u, &uplace, postmortem_body, report);
            report.about = about;
            continue;
        }
        let st = update_status(&u.status, kind, last_status, &uplace, report);
        last_status = Some(st);
        let message = update_message(&u, st, &uplace, report);
        let components = affected(&u, &uplace, component, report);
        updates.push((
            Update {
                components: components.into(),
                ..super::update(ImportSource::Statuspage, at, st, message)
            },
            uplace,
        ));
    }
    Ok(updates)
}

/// The updates as the page showed them: by display time, then creation.
fn in_page_order(
    seen: BTreeMap<String, (IncidentUpdate, String)>,
) -> Vec<(IncidentUpdate, String)> {
    let mut sources: Vec<(IncidentUpdate, String)> = seen.into_values().collect();
    sources.sort_by(|(a, _), (b, _)| {
        (
            a.display_at.as_ref().or(a.created_at.as_ref()),
            &a.created_at,
        )
            .cmp(&(
                b.display_at.as_ref().or(b.created_at.as_ref()),
                &b.created_at,
            ))
    });
    sources
}

/// The time the page showed an update at: display_at (noted where it is
/// not created_at), else created_at.
fn update_time(
    source_id: &str,
    u: &IncidentUpdate,
    ufile: &str,
    uplace: &str,
    report: &mut Report,
) -> Result<Timestamp, ImportError> {
    let created = opt_time(ufile, "incident_updates[].created_at", &u.created_at)?;
    let display = opt_time(ufile, "incident_updates[].display_at", &u.display_at)?;
    let Some(at) = display.or(created) else {
        return Err(ImportError::new(
            ufile,
            format!(
                "incident {source_id}: an update has neither display_at nor created_at; add one and import again"
            ),
        ));
    };
    if let (Some(d), Some(c)) = (display, created)
        && d != c
    {
        report.note(
            uplace,
            format!("time is display_at {d}, not created_at {c}"),
            "the page showed display_at",
        );
    }
    Ok(at)
}

/// A `postmortem` update: the post-mortem's narrative when the incident has
/// none, else left out (noted either way).
fn postmortem_update(
    u: &IncidentUpdate,
    uplace: &str,
    postmortem_body: &mut Option<String>,
    report: &mut Report,
) {
    let body = u.body.clone().unwrap_or_default();
    if postmortem_body.is_none() && !body.trim().is_empty() {
        report.note(
            uplace,
            "`postmortem` update became the post-mortem's narrative",
            "a post-mortem is not a status in incidentkit",
        );
        *postmortem_body = Some(body);
    } else {
        report.note(
            uplace,
            "`postmortem` update left out",
            "the incident's postmortem_body holds the post-mortem",
        );
    }
}

/// An update's body, or (noted) the status's placeholder when it is empty.
fn update_message(u: &IncidentUpdate, st: Status, uplace: &str, report: &mut Report) -> String {
    let body = decode_entities(u.body.as_deref().unwrap_or(""), uplace, "message", report);
    if body.trim().is_empty() {
        let text = placeholder_message(st);
        report.note(
            uplace,
            format!("empty message replaced by \"{text}\""),
            "a public update needs a message",
        );
        text
    } else {
        body.trim().to_string()
    }
}

/// Our status for an update's status word: the word's own, or (unknown)
/// the one before it.
fn update_status(
    word: &str,
    kind: Kind,
    last_status: Option<Status>,
    uplace: &str,
    report: &mut Report,
) -> Status {
    match status(word, kind) {
        Some(st) => {
            if st.as_str() != word {
                report.note(
                    uplace,
                    format!("status `{}` is `{st}`", word),
                    format!("`{}` is not a status of {}", word, kind_name(kind)),
                );
            }
            st
        }
        None => {
            let st = last_status.unwrap_or(first_status(kind));
            report.note(
                uplace,
                format!("unknown status `{}` taken as `{st}`", word),
                "incidentkit knows its own status vocabulary only",
            );
            st
        }
    }
}

/// The components an update names, with their new status; placeholders
/// and unknown statuses are left out with a note.
fn affected(
    u: &IncidentUpdate,
    uplace: &str,
    component: &mut ComponentLookup<'_>,
    report: &mut Report,
) -> BTreeMap<String, ComponentStatus> {
    let mut components = BTreeMap::new();
    for a in u.affected_components.iter().flatten() {
        match component(a.code.as_deref(), a.name.as_deref(), report) {
            Some(id) => match component_status(a.new_status.as_deref()) {
                Some(cs) => {
                    components.insert(id, cs);
                }
                None => report.note(
                    uplace,
                    format!("component `{id}` without a known new status left out"),
                    format!("new_status is {:?}", a.new_status),
                ),
            },
            None => report.note(
                uplace,
                format!(
                    "affected component {:?} left out",
                    a.name.as_deref().unwrap_or("")
                ),
                "a placeholder: it names no component",
            ),
        }
    }
    components
}

fn first_status(kind: Kind) -> Status {
    match kind {
        Kind::Incident => Status::Investigating,
        Kind::Maintenance => Status::Scheduled,
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Incident => "an incident",
        Kind::Maintenance => "a maintenance",
    }
}

/// A page built by incidentkit serves our own ids (`2026-11-26-checkout-502s`):
/// keep one when it is valid for the declared date.
fn keep_id(id: &str, declared_at: Timestamp) -> Option<String> {
    let date = declared_at.strftime("%Y-%m-%d").to_string();
    let slug = id.strip_prefix(&date)?.strip_prefix('-')?;
    let ok = !slug.is_empty()
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    ok.then(|| id.to_string())
}
