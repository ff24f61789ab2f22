//! A cState site (Hugo): `config.yml`/`config.yaml`/`config.toml` (or
//! `hugo.*`) with `timeZone`, `params.systems` and `params.categories`, and
//! `content/issues/*.md`, each with front matter (`title`, `date`,
//! `resolved`, `resolvedWhen`, `severity`, `affected`, `informational`,
//! `draft`) and a body whose updates end in `{{< track "TIME" >}}` markers,
//! usually newest first. Only what Hugo publishes becomes public.

use super::{
    About, ComponentOut, GroupOut, Import, ImportError, IncidentIn, Report, SiteOut, order_updates,
    placeholder_message, readable_id, reopen_after_final, second_after,
};
use crate::model::imported::{ImportSource, Imported};
use crate::model::{ComponentStatus, Declaration, Kind, Severity, Status, Update, Visibility};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The names a Hugo site's configuration file may have.
pub(super) const CONFIG_NAMES: [&str; 6] = [
    "config.yml",
    "config.yaml",
    "config.toml",
    "hugo.yml",
    "hugo.yaml",
    "hugo.toml",
];

/// cState's three severities, and what each means here.
fn severity_of(word: &str) -> Option<(Severity, ComponentStatus)> {
    match word {
        "down" => Some((Severity::Sev2, ComponentStatus::MajorOutage)),
        "disrupted" => Some((Severity::Sev3, ComponentStatus::PartialOutage)),
        "notice" => Some((Severity::Sev4, ComponentStatus::DegradedPerformance)),
        _ => None,
    }
}

/// A word outside cState's list, read by what it says.
fn guess_severity(word: &str) -> &'static str {
    let w = word.to_ascii_lowercase();
    if ["down", "outage", "major", "critical", "offline"]
        .iter()
        .any(|k| w.contains(k))
    {
        "down"
    } else if ["disrupt", "degraded", "partial", "minor", "slow"]
        .iter()
        .any(|k| w.contains(k))
    {
        "disrupted"
    } else {
        "notice"
    }
}

fn parse_config(file: &str, text: &str) -> Result<Value, ImportError> {
    if file.ends_with(".toml") {
        let value: toml::Table = toml::from_str(text).map_err(|e| {
            ImportError::new(
                file,
                format!("not valid TOML: {e}; fix it (Hugo would refuse it too)"),
            )
        })?;
        serde_json::to_value(value).map_err(|e| ImportError::new(file, e.to_string()))
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            ImportError::new(
                file,
                format!("not valid YAML: {e}; fix it (Hugo would refuse it too)"),
            )
        })
    }
}

/// How the site's times are read: those without an offset are in its
/// `timeZone` (UTC when it sets none, as Hugo reads them).
struct Clock {
    zone: TimeZone,
    /// Whether any time was written without an offset (`read` notes it once).
    naive: bool,
}

impl Clock {
    fn at(
        &mut self,
        value: &Value,
        place: &str,
        field: &str,
        report: &mut Report,
    ) -> Result<Timestamp, ImportError> {
        let (at, naive) = when(value, &self.zone, place, field, report)
            .map_err(|m| front_matter_error(place, m))?;
        self.naive |= naive;
        // To the second, as update files are named: two updates in one
        // second are then set apart, not written to one file.
        Ok(at.round(jiff::Unit::Second).unwrap_or(at))
    }
}

/// Dates as cState sites write them: `2018-04-25 04:13:00`, with a `T`,
/// with an offset or not (then in `zone`, as Hugo reads it: the flag says
/// so), a one-digit hour, no seconds, trailing spaces, a TOML date-time.
/// Notes what it changed.
fn when(
    value: &Value,
    zone: &TimeZone,
    place: &str,
    field: &str,
    report: &mut Report,
) -> Result<(Timestamp, bool), String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        // A TOML date-time, as the toml crate hands it to serde.
        Value::Object(m) => match m.values().next() {
            Some(Value::String(s)) if m.len() == 1 => s.clone(),
            _ => return Err(format!("{field} is not a date")),
        },
        other => return Err(format!("{field} `{other}` is not a date")),
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok((t, false));
    }
    let bad = || {
        format!(
            "{field} `{text}` is not a date: write 2024-02-24 10:35:00 (in the site's timeZone, else UTC) or 2024-02-24T10:35:00+01:00"
        )
    };
    let (date, rest) = text
        .split_once([' ', 'T', 't'])
        .map_or((text.as_str(), ""), |(d, r)| (d, r.trim()));
    let date: jiff::civil::Date = date.parse().map_err(|_| bad())?;
    // Split an offset off the clock time.
    let (clock, offset) = match rest.find(['Z', 'z', '+']).or_else(|| rest.rfind('-')) {
        Some(i) => (rest[..i].trim(), rest[i..].trim()),
        None => (rest, ""),
    };
    let mut parts: Vec<u32> = Vec::new();
    for p in clock.split(':').filter(|p| !p.is_empty()) {
        parts.push(p.parse().map_err(|_| bad())?);
    }
    parts.resize(3, 0);
    let canonical = format!("{date}T{:02}:{:02}:{:02}", parts[0], parts[1], parts[2]);
    if clock.split(':').next().is_some_and(|h| h.len() == 1) {
        report.note(
            place,
            format!("{field} `{text}` read as {canonical}"),
            "a one-digit hour",
        );
    }
    if offset.is_empty() {
        let civil: jiff::civil::DateTime = canonical.parse().map_err(|_| bad())?;
        return zone
            .to_timestamp(civil)
            .map(|t| (t, true))
            .map_err(|_| bad());
    }
    format!("{canonical}{offset}")
        .parse::<Timestamp>()
        .map(|t| (t, false))
        .map_err(|_| bad())
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.trim().to_string()))
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

pub fn read(site_dir: &Path) -> Result<Import, ImportError> {
    // What is said of the config is not said again by `--into`, which
    // writes none; an issue's notes go with the issue.
    let mut report = Report {
        about: About::Config,
        ..Report::default()
    };
    let (config_file, config) = read_config(site_dir)?;
    let params = config.get("params").cloned().unwrap_or(Value::Null);
    let zone = site_zone(&config, &config_file, &mut report);
    let site = site_of(
        &config,
        &params,
        zone.as_ref().map(|(name, _)| name.clone()),
        &config_file,
        &mut report,
    );
    let mut clock = Clock {
        zone: zone.map_or(TimeZone::UTC, |(_, z)| z),
        naive: false,
    };
    let systems = params
        .get("systems")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut taken = BTreeSet::new();
    let (groups, group_ids) =
        config_groups(&params, &systems, &config_file, &mut taken, &mut report);
    let (components, by_name) =
        config_components(&systems, &group_ids, &config_file, &mut taken, &mut report);
    let mut components = Components {
        out: components,
        by_name,
        taken,
    };

    let issues_dir = site_dir.join("content/issues");
    let incidents = issues(&issues_dir, &mut components, &mut clock, &mut report)?;
    let files_read = 1 + incidents.len();
    report.about = About::Import;
    if clock.naive {
        match &site.timezone {
            Some(name) => report.note(
                issues_dir.display().to_string(),
                format!("times without an offset read in {name}"),
                "the site's timeZone, as Hugo reads them",
            ),
            None => report.note(
                issues_dir.display().to_string(),
                "times without an offset taken as UTC",
                "Hugo reads them so unless the site sets a time zone",
            ),
        }
    }
    let mut components = components.out;
    if components.is_empty() {
        components.push(placeholder_component(&site, &mut report));
    }
    Ok(Import {
        from: ImportSource::Cstate,
        site,
        groups,
        components,
        incidents,
        report,
        files_read,
    })
}

/// Every issue of the site, each with its notes tied to it.
fn issues(
    issues_dir: &Path,
    components: &mut Components,
    clock: &mut Clock,
    report: &mut Report,
) -> Result<Vec<IncidentIn>, ImportError> {
    let mut incidents = Vec::new();
    for path in issue_paths(issues_dir)? {
        let Some(name) = issue_name(&path) else {
            continue;
        };
        let file = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| ImportError::new(&file, format!("cannot read it: {e}")))?;
        let mut lookup = |affected: &str, report: &mut Report| -> Option<String> {
            components.resolve(&file, &name, affected, report)
        };
        report.about = About::Incident(name.clone(), None);
        incidents.push(issue(&file, &name, &text, &mut lookup, clock, report)?);
    }
    Ok(incidents)
}

/// The file name of an issue's Markdown file; `None` for any other file
/// (`_index.md`, hidden files).
fn issue_name(path: &Path) -> Option<String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name.ends_with(".md") && !name.starts_with('_') && !name.starts_with('.')).then_some(name)
}

/// The components imported: the config's systems, and those issues name
/// that it no longer lists.
struct Components {
    out: Vec<ComponentOut>,
    /// Lowercase name → our id.
    by_name: BTreeMap<String, String>,
    /// Our ids given so far.
    taken: BTreeSet<String>,
}

impl Components {
    /// Our id of the component issue `name` (read from `file`) calls
    /// `affected`, added as retired (noted) when the config does not list
    /// it; `None` (noted) for a placeholder such as `nothing`.
    fn resolve(
        &mut self,
        file: &str,
        name: &str,
        affected: &str,
        report: &mut Report,
    ) -> Option<String> {
        if let Some(id) = self.by_name.get(&affected.to_lowercase()) {
            return Some(id.clone());
        }
        let word = affected.to_ascii_lowercase();
        if ["nothing", "none", "n/a", "na", "-", "null", "nil"].contains(&word.as_str()) {
            report.note(
                file,
                format!("affected \"{affected}\" left out"),
                "a placeholder: it names no component",
            );
            return None;
        }
        let id = readable_id("", affected, &mut self.taken);
        report.note_about(
            About::Config,
            crate::repo::CONFIG_FILE,
            format!("component `{id}` (\"{affected}\") added, marked retired"),
            format!("{name} names it but the config no longer lists it"),
        );
        self.by_name.insert(affected.to_lowercase(), id.clone());
        self.out.push(ComponentOut {
            id: id.clone(),
            name: affected.to_string(),
            description: None,
            group: None,
            retired: true,
        });
        Some(id)
    }
}

/// The component a configuration needs when the config lists no systems
/// (noted).
fn placeholder_component(site: &SiteOut, report: &mut Report) -> ComponentOut {
    report.note_about(
        About::Config,
        crate::repo::CONFIG_FILE,
        "component `website` added",
        "the config lists no systems and incidentkit.yaml needs one; rename it",
    );
    ComponentOut {
        id: "website".into(),
        name: site.name.clone(),
        description: None,
        group: None,
        retired: false,
    }
}

/// The site's config file, by its name for diagnostics, and what it says.
fn read_config(site_dir: &Path) -> Result<(String, Value), ImportError> {
    let shown = site_dir.display().to_string();
    let config_path = CONFIG_NAMES
        .iter()
        .map(|n| site_dir.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            ImportError::new(
                &shown,
                "no config.yml, config.toml or hugo.* here: pass the folder of the cState site (the one holding config.yml and content/)",
            )
        })?;
    let config_file = config_path.display().to_string();
    let text = std::fs::read_to_string(&config_path)
        .map_err(|e| ImportError::new(&config_file, format!("cannot read it: {e}")))?;
    let config = parse_config(&config_file, &text)?;
    Ok((config_file, config))
}

/// The site's Hugo `timeZone` (Hugo's keys are case-insensitive), by name,
/// when it names a known zone; an unknown one is noted and UTC used, as
/// the page then falls back to it too.
fn site_zone(config: &Value, config_file: &str, report: &mut Report) -> Option<(String, TimeZone)> {
    let name = config
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("timezone"))?
        .1
        .as_str()?
        .trim();
    match TimeZone::get(name) {
        Ok(zone) => Some((name.to_string(), zone)),
        Err(_) => {
            report.note(
                config_file,
                format!("timeZone `{name}` left out: times without an offset taken as UTC"),
                "not a time zone of the IANA database",
            );
            None
        }
    }
}

/// The site's name, address, time zone and description from its config.
fn site_of(
    config: &Value,
    params: &Value,
    timezone: Option<String>,
    config_file: &str,
    report: &mut Report,
) -> SiteOut {
    let title = config
        .get("title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty());
    SiteOut {
        name: title.map_or_else(
            || {
                report.note(
                    config_file,
                    "site name set to \"Status\"",
                    "the config has no title",
                );
                "Status".to_string()
            },
            str::to_string,
        ),
        url: config
            .get("baseURL")
            .or_else(|| config.get("baseurl"))
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
            .map(str::to_string),
        timezone,
        description: params
            .get("description")
            .and_then(Value::as_str)
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty()),
    }
}

/// `params.categories` that hold systems become groups; also returns each
/// category's group id.
fn config_groups(
    params: &Value,
    systems: &[Value],
    config_file: &str,
    taken: &mut BTreeSet<String>,
    report: &mut Report,
) -> (Vec<GroupOut>, BTreeMap<String, String>) {
    let mut groups = Vec::new();
    let mut group_ids: BTreeMap<String, String> = BTreeMap::new();
    let used_categories: BTreeSet<String> = systems
        .iter()
        .filter_map(|s| {
            s.get("category")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect();
    for c in params
        .get("categories")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = c.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !used_categories.contains(name) {
            report.note(
                config_file,
                format!("category \"{name}\" left out"),
                "it has no systems; incidentkit.yaml lists groups of components",
            );
            continue;
        }
        let id = readable_id("", name, taken);
        group_ids.insert(name.to_string(), id.clone());
        groups.push(GroupOut {
            id,
            name: name.to_string(),
            description: c
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    (groups, group_ids)
}

/// `params.systems` become components; also returns each lowercased
/// system name's component id, for the issues' `affected`.
fn config_components(
    systems: &[Value],
    group_ids: &BTreeMap<String, String>,
    config_file: &str,
    taken: &mut BTreeSet<String>,
    report: &mut Report,
) -> (Vec<ComponentOut>, BTreeMap<String, String>) {
    let mut components = Vec::new();
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    for s in systems {
        // cState 4 lists names; cState 5 objects with name, description, category.
        let (name, description, category) = match s {
            Value::String(n) => (n.clone(), None, None),
            _ => (
                s.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                s.get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                s.get("category")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ),
        };
        if name.trim().is_empty() {
            report.note(
                config_file,
                "a system without a name left out",
                "a component needs a name",
            );
            continue;
        }
        let id = readable_id("", &name, taken);
        let group = category.as_ref().and_then(|c| {
            let g = group_ids.get(c).cloned();
            if g.is_none() {
                report.note(
                    config_file,
                    format!("category \"{c}\" of \"{name}\" left out"),
                    "params.categories does not list it",
                );
            }
            g
        });
        by_name.insert(name.to_lowercase(), id.clone());
        components.push(ComponentOut {
            id,
            name,
            description,
            group,
            retired: false,
        });
    }
    (components, by_name)
}

/// The files in `content/issues`, sorted.
fn issue_paths(issues_dir: &Path) -> Result<Vec<std::path::PathBuf>, ImportError> {
    let mut paths: Vec<std::path::PathBuf> = match std::fs::read_dir(issues_dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            return Err(ImportError::new(
                issues_dir.display().to_string(),
                format!(
                    "cannot read it ({e}): a cState site keeps its incidents in content/issues/"
                ),
            ));
        }
    };
    paths.sort();
    Ok(paths)
}

/// Front matter (YAML between `---`, or TOML between `+++`) and the body.
fn split_front_matter(file: &str, text: &str) -> Result<(Value, String), ImportError> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    for (fence, toml) in [("---", false), ("+++", true)] {
        if let Some(rest) = text.strip_prefix(fence).and_then(|r| r.strip_prefix('\n')) {
            let end = rest
                .find(&format!("\n{fence}"))
                .ok_or_else(|| ImportError::new(file, format!("front matter opened with {fence} is never closed; add a {fence} line after it")))?;
            let (head, body) = (&rest[..end], &rest[end + 4..]);
            let value = if toml {
                parse_config(&format!("{file} (front matter).toml"), head)?
            } else {
                parse_config(file, head)?
            };
            return Ok((value, body.trim_start_matches('\n').to_string()));
        }
    }
    Err(ImportError::new(
        file,
        "no front matter: an issue starts with --- and title, date, severity, affected",
    ))
}

/// A fence opening a code block, whose lines Markdown shows as written:
/// its character and length. As CommonMark has it: at most 3 spaces of
/// indentation (a tab is 4), 3 or more backticks or tildes, and no backtick
/// after backticks (```` ```a``` b ```` is a code span in a paragraph).
/// Anything looser would keep the comments after a false fence.
fn fence(line: &str) -> Option<(char, usize)> {
    let t = line.trim_start_matches(' ');
    let mark = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = t.len() - t.trim_start_matches(mark).len();
    (line.len() - t.len() <= 3 && len >= 3 && (mark == '~' || !t[len..].contains('`')))
        .then_some((mark, len))
}

/// Whether `line` closes the code block `open` opened: at most 3 spaces,
/// the same character at least as many times, then only spaces.
fn closes(line: &str, (mark, len): (char, usize)) -> bool {
    let t = line.trim_start_matches(' ');
    let run = t.trim_end();
    line.len() - t.len() <= 3 && run.len() >= len && run.chars().all(|c| c == mark)
}

/// The body without its HTML comments (`<!-- … -->`): Hugo never shows
/// them, so text an editor hid there was never public and must not become
/// an update. Code blocks keep them (Markdown shows them there). Notes how
/// many were left out.
fn without_comments(body: &str, place: &str, report: &mut Report) -> String {
    let mut out = String::with_capacity(body.len());
    let mut count = 0;
    let mut in_comment = false;
    let mut in_code = None;
    for line in body.split_inclusive('\n') {
        let mut rest = line;
        if in_comment {
            let Some(end) = rest.find("-->") else {
                continue;
            };
            in_comment = false;
            rest = &rest[end + 3..];
        } else if let Some(open) = in_code {
            out.push_str(line);
            if closes(line, open) {
                in_code = None;
            }
            continue;
        } else if let Some(f) = fence(line) {
            in_code = Some(f);
            out.push_str(line);
            continue;
        }
        while let Some(start) = rest.find("<!--") {
            out.push_str(&rest[..start]);
            count += 1;
            match rest[start + 4..].find("-->") {
                Some(end) => rest = &rest[start + 4 + end + 3..],
                None => {
                    // An open comment hides the lines up to its `-->`
                    // (all of the rest when there is none, as in Hugo).
                    in_comment = true;
                    rest = "";
                }
            }
        }
        out.push_str(rest);
    }
    if count > 0 {
        report.note(
            place,
            format!(
                "{count} HTML comment{} left out",
                if count == 1 { "" } else { "s" }
            ),
            "Hugo does not show comments: their text was never on the page",
        );
    }
    out
}

/// One update as the body tells it: the text and its time, if tracked.
struct Told {
    text: String,
    at: Option<Value>,
}

/// Splits the body at `{{< track "TIME" >}}` markers and, with `breaks`,
/// at thematic breaks (`---` lines), which editors put between updates.
/// Untracked text is split at the `*Status* -` paragraphs cState's editors
/// write.
fn told(body: &str, breaks: bool) -> Vec<Told> {
    let split = |text| if breaks { sections(text) } else { vec![text] };
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{<") {
        let Some(len) = rest[start..].find(">}}") else {
            break;
        };
        let marker = &rest[start + 3..start + len];
        let inner = marker.trim();
        if let Some(arg) = inner.strip_prefix("track") {
            let at = arg
                .trim()
                .trim_matches(|c| c == '"' || c == '\'' || c == '`')
                .to_string();
            // The marker times the text after the last break before it.
            let parts = split(&rest[..start]);
            if let Some((last, before)) = parts.split_last() {
                out.extend(before.iter().flat_map(|p| untracked(p)));
                out.push(Told {
                    text: last.trim().to_string(),
                    at: Some(Value::String(at)),
                });
            }
            rest = &rest[start + len + 3..];
        } else {
            // Another shortcode: keep it as text.
            let keep = start + len + 3;
            out.extend(split(&rest[..keep]).into_iter().flat_map(untracked));
            rest = &rest[keep..];
        }
    }
    out.extend(split(rest).into_iter().flat_map(untracked));
    out.into_iter().filter(|t| !t.text.is_empty()).collect()
}

/// The text between thematic breaks: lines of three or more `-`, `*` or
/// `_` alone, outside code blocks (a `---` right under a line of text
/// underlines a heading instead).
fn sections(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut pos) = (0, 0);
    let mut in_code = None;
    let mut after_blank = true;
    for line in text.split_inclusive('\n') {
        let end = pos + line.len();
        let t = line.trim();
        if let Some(open) = in_code {
            if closes(line, open) {
                in_code = None;
            }
        } else if let Some(f) = fence(line) {
            in_code = Some(f);
        } else if is_break(line) && (after_blank || !t.starts_with('-')) {
            out.push(&text[start..pos]);
            start = end;
        }
        after_blank = t.is_empty();
        pos = end;
    }
    out.push(&text[start..]);
    out
}

fn is_break(line: &str) -> bool {
    let indent = line.len() - line.trim_start().len();
    let marks: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
    indent <= 3
        && marks.len() >= 3
        && ['-', '*', '_'].contains(&marks[0])
        && marks.iter().all(|c| *c == marks[0])
}

/// One section's paragraphs as updates: a new one at each `*Status* -`.
fn untracked(text: &str) -> Vec<Told> {
    let mut out: Vec<Told> = Vec::new();
    for para in text.split("\n\n") {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        let prefix = status_prefix(para);
        // A bold timestamp heading (`**2021-06-08 07:37:00**`) starts an
        // update at that time.
        if let Some((word, rest)) = prefix.as_ref().filter(|(w, _)| is_time(w)) {
            out.push(Told {
                text: rest.to_string(),
                at: Some(Value::String(word.clone())),
            });
            continue;
        }
        match out.last_mut() {
            Some(last) if prefix.is_none() => {
                if !last.text.is_empty() {
                    last.text.push_str("\n\n");
                }
                last.text.push_str(para);
            }
            _ => out.push(Told {
                text: para.to_string(),
                at: None,
            }),
        }
    }
    out
}

/// Whether a `*word*` prefix is a time, as `when` reads one.
fn is_time(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && when(
            &Value::String(word.to_string()),
            &TimeZone::UTC,
            "",
            "",
            &mut Report::default(),
        )
        .is_ok()
}

/// `*Investigating* - …` → ("investigating", "…").
fn status_prefix(text: &str) -> Option<(String, &str)> {
    let t = text.trim_start();
    let mark = t.chars().next().filter(|c| *c == '*' || *c == '_')?;
    let t = t.trim_start_matches(mark);
    let end = t.find(mark)?;
    let word = t[..end].trim().to_ascii_lowercase();
    let rest = t[end..].trim_start_matches(mark).trim_start();
    let rest = rest
        .strip_prefix(['-', '–', '—', ':'])
        .unwrap_or(rest)
        .trim_start();
    (!word.is_empty() && word.len() < 30).then_some((word, rest))
}

/// An issue's front matter, read: what its declaration and updates need.
struct FrontMatter {
    title: String,
    declared_at: Timestamp,
    resolved: bool,
    /// `resolvedWhen`, unless it is before `date`.
    resolved_when: Option<Timestamp>,
    informational: bool,
    visibility: Visibility,
    severity: Severity,
    /// What `severity` makes of the affected components.
    component_status: ComponentStatus,
    /// Our ids of the components in `affected`.
    affected: Vec<String>,
}

/// One issue file as an incident: its front matter gives the declaration,
/// its body the updates.
fn issue(
    file: &str,
    name: &str,
    text: &str,
    component: &mut dyn FnMut(&str, &mut Report) -> Option<String>,
    clock: &mut Clock,
    report: &mut Report,
) -> Result<IncidentIn, ImportError> {
    let place = file.to_string();
    let (matter, body) = split_front_matter(file, text)?;
    let body = without_comments(&body, &place, report);
    let front = read_front_matter(&matter, name, component, clock, &place, report)?;
    let updates = issue_updates(&body, &front, clock, &place, report)?;
    let declared_at = declaration_time(front.declared_at, updates[0].0.at, &place, report);
    let updates: Vec<Update> = updates.into_iter().map(|(u, _)| u).collect();
    let until = updates.last().map(|u| u.at);
    Ok(IncidentIn {
        source: place,
        keep_id: None,
        declaration: declaration(
            front.title,
            front.severity,
            front.visibility,
            declared_at,
            front.affected,
            name,
            until,
        ),
        updates,
        postmortem: None,
    })
}

/// Reads the front matter's fields, noting what it changes of them (in
/// this order, as the report lists the notes).
fn read_front_matter(
    front: &Value,
    name: &str,
    component: &mut dyn FnMut(&str, &mut Report) -> Option<String>,
    clock: &mut Clock,
    place: &str,
    report: &mut Report,
) -> Result<FrontMatter, ImportError> {
    let title = issue_title(front, name, place, report);
    let date = front
        .get("date")
        .ok_or_else(|| front_matter_error(place, "no `date`".to_string()))?;
    let declared_at = clock.at(date, place, "date", report)?;
    let resolved = truthy(front.get("resolved"));
    let resolved_when = usable_resolved_when(front, resolved, declared_at, clock, place, report)?;
    let informational = truthy(front.get("informational"));
    let visibility = issue_visibility(front, place, report);
    let (severity, component_status) = issue_severity(front, informational, place, report);
    let affected: Vec<String> = string_list(front.get("affected"))
        .iter()
        .filter_map(|a| component(a, report))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(FrontMatter {
        title,
        declared_at,
        resolved,
        resolved_when,
        informational,
        visibility,
        severity,
        component_status,
        affected,
    })
}

/// `resolvedWhen`, left out (noted) when a resolved issue's is before its
/// `date`: an issue cannot end before it began, so `date` wins.
fn usable_resolved_when(
    front: &Value,
    resolved: bool,
    declared_at: Timestamp,
    clock: &mut Clock,
    place: &str,
    report: &mut Report,
) -> Result<Option<Timestamp>, ImportError> {
    let resolved_when = match front.get("resolvedWhen").filter(|v| !v.is_null()) {
        Some(v) => Some(clock.at(v, place, "resolvedWhen", report)?),
        None => None,
    };
    Ok(resolved_when.filter(|r| {
        let before = resolved && *r < declared_at;
        if before {
            report.note(
                place,
                format!("resolvedWhen {r} left unused: it is before date {declared_at}"),
                "date wins; the resolution goes after the last update",
            );
        }
        !before
    }))
}

/// Hugo does not publish drafts: keep the history, off the page (noted).
fn issue_visibility(front: &Value, place: &str, report: &mut Report) -> Visibility {
    if truthy(front.get("draft")) {
        report.note(
            place,
            "imported with `visibility: internal`",
            "draft: true; Hugo does not publish drafts, so it was never on the page",
        );
        Visibility::Internal
    } else {
        Visibility::Public
    }
}

/// The issue's updates in order, never none: the body's, the first stating
/// what was affected, a resolved (or informational) issue's ending in its
/// resolution with the components operational again.
fn issue_updates(
    body: &str,
    front: &FrontMatter,
    clock: &mut Clock,
    place: &str,
    report: &mut Report,
) -> Result<Vec<(Update, String)>, ImportError> {
    let (declared_at, resolved) = (front.declared_at, front.resolved);
    let mut resolved_when = front.resolved_when;
    // Untracked updates are placed at `date`, the newest of a resolved
    // issue at its resolution. An informational post is one message: its
    // thematic breaks are part of it.
    let pieces = told(body, !front.informational);
    let pieces = if front.informational {
        one_message(pieces, place, report)
    } else {
        pieces
    };
    let mut updates = body_updates(
        &pieces,
        declared_at,
        resolved,
        &mut resolved_when,
        clock,
        place,
        report,
    )?;
    if front.informational {
        as_informational(&mut updates, declared_at, &front.title, place, report);
    }
    if updates.is_empty() {
        updates.push(first_of_empty(declared_at, place, report));
    }
    // The first update states what was affected.
    if let Some((first, _)) = updates.first_mut() {
        set_components(first, &front.affected, front.component_status);
    }
    order_updates(&mut updates, report)?;
    if resolved {
        close(&mut updates, resolved_when, declared_at, place, report)?;
    }
    if (resolved || front.informational)
        && let Some((last, _)) = updates.last_mut()
    {
        set_components(last, &front.affected, ComponentStatus::Operational);
    }
    reopen_after_final(&mut updates, report);
    Ok(updates)
}

/// The issue's `date`, or its first update's time when that is earlier
/// (noted).
fn declaration_time(
    date: Timestamp,
    first_at: Timestamp,
    place: &str,
    report: &mut Report,
) -> Timestamp {
    if first_at < date {
        report.note(
            place,
            format!("declared at {first_at}, not at date {date}"),
            "its first update is earlier",
        );
        first_at
    } else {
        date
    }
}

/// The one update of an issue without text, at its `date`.
fn first_of_empty(declared_at: Timestamp, place: &str, report: &mut Report) -> (Update, String) {
    let text = placeholder_message(Status::Investigating);
    report.note(
        place,
        format!("one update \"{text}\" added at {declared_at}"),
        "the issue has no text",
    );
    (
        super::update(
            ImportSource::Cstate,
            declared_at,
            Status::Investigating,
            text,
        ),
        place.to_string(),
    )
}

fn set_components(update: &mut Update, ids: &[String], status: ComponentStatus) {
    for id in ids {
        update.components.insert(id.clone(), status);
    }
}

fn front_matter_error(file: &str, message: String) -> ImportError {
    ImportError::new(
        file,
        format!("{message}; correct the front matter and import again"),
    )
}

/// The `title`, or the file name when it is too short to be one.
fn issue_title(front: &Value, name: &str, place: &str, report: &mut Report) -> String {
    let raw_title = front
        .get("title")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    let title = super::decode_entities(raw_title, place, "title", report);
    if title.chars().count() >= 3 {
        return title;
    }
    let t = name.trim_end_matches(".md").replace(['-', '_'], " ");
    report.note(
        place,
        format!("title \"{title}\" replaced by \"{t}\""),
        "a title has at least 3 characters",
    );
    t
}

/// The `severity`, and the status it gives the affected components.
fn issue_severity(
    front: &Value,
    informational: bool,
    place: &str,
    report: &mut Report,
) -> (Severity, ComponentStatus) {
    let word = front
        .get("severity")
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_lowercase());
    match word.as_deref() {
        Some(w) => severity_of(w).unwrap_or_else(|| {
            let guess = guess_severity(w);
            report.note(
                place,
                format!("severity `{w}` read as `{guess}`"),
                "cState's severities are down, disrupted and notice",
            );
            severity_of(guess).unwrap_or((Severity::Sev4, ComponentStatus::DegradedPerformance))
        }),
        None => {
            if !informational {
                report.note(
                    place,
                    "no severity: read as `notice` (sev4)",
                    "cState's severities are down, disrupted and notice",
                );
            }
            (Severity::Sev4, ComponentStatus::DegradedPerformance)
        }
    }
}

/// The body's updates, oldest first, each with where it came from. A
/// resolved issue's untracked newest update is its resolution, at
/// `resolved_when` (else `date`) unless a tracked update is later; that
/// conflict is noted and `resolved_when` taken, so it is not noted again.
fn body_updates(
    pieces: &[Told],
    declared_at: Timestamp,
    resolved: bool,
    resolved_when: &mut Option<Timestamp>,
    clock: &mut Clock,
    place: &str,
    report: &mut Report,
) -> Result<Vec<(Update, String)>, ImportError> {
    let resolution = resolved.then(|| resolved_when.unwrap_or(declared_at));
    let tracked = track_times(pieces, clock, place, report)?;
    let times: Vec<Timestamp> = tracked.iter().flatten().copied().collect();
    let (oldest_first, why) = reads_oldest_first(pieces, &times);
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    if !oldest_first {
        order.reverse();
    }
    let untracked_count = tracked.iter().filter(|t| t.is_none()).count();
    let latest = times.iter().max().copied();
    let mut timed: Vec<(Timestamp, usize)> = Vec::with_capacity(pieces.len());
    for (n, &i) in order.iter().enumerate() {
        let at = match tracked[i] {
            Some(t) => t,
            None => {
                let newest = n + 1 == pieces.len();
                // The newest of several, or one that says so, is the
                // resolution; a lone other update is how the issue began.
                let at = match resolution {
                    Some(r) if newest && (n > 0 || says_final(Some(&pieces[i]))) => {
                        resolution_at(r, latest, resolved_when, place, report)?
                    }
                    _ => declared_at,
                };
                if untracked_count > 1 {
                    note_untracked(n, pieces.len(), at, place, report);
                }
                at
            }
        };
        timed.push((at, i));
    }
    // Statuses follow time, not the place in the file (stable: ties keep it).
    timed.sort_by_key(|(at, _)| *at);
    let reordered = timed.iter().map(|(_, i)| *i).ne(order.iter().copied());
    note_reading_order(oldest_first, why, reordered, place, report);
    Ok(with_statuses(pieces, &timed, resolved, place, report))
}

/// The time of each piece's track marker, `None` for an untracked one.
fn track_times(
    pieces: &[Told],
    clock: &mut Clock,
    place: &str,
    report: &mut Report,
) -> Result<Vec<Option<Timestamp>>, ImportError> {
    let mut tracked = Vec::with_capacity(pieces.len());
    for piece in pieces {
        tracked.push(match &piece.at {
            Some(v) => Some(clock.at(v, place, "track", report)?),
            None => None,
        });
    }
    Ok(tracked)
}

/// Whether `piece` starts with a `*word*` that resolves the issue.
fn says_final(piece: Option<&Told>) -> bool {
    piece
        .and_then(|p| status_prefix(&p.text))
        .and_then(|(w, _)| known_status(&w))
        .is_some_and(Status::is_final)
}

/// Whether the body lists its updates oldest first, and why it is read so.
/// cState writes updates newest first, but some sites write them oldest
/// first: the track `times` (in the file's order) tell, else a resolving
/// label at the end.
fn reads_oldest_first(pieces: &[Told], times: &[Timestamp]) -> (bool, &'static str) {
    match (times.first(), times.last()) {
        (Some(first), Some(last)) if first != last => (first < last, "its track times run forward"),
        _ => (
            says_final(pieces.last()) && !says_final(pieces.first()),
            "it ends with the resolving update",
        ),
    }
}

/// Notes where the `n`th of `count` updates (in reading order), which has
/// no track marker, was placed.
fn note_untracked(n: usize, count: usize, at: Timestamp, place: &str, report: &mut Report) {
    report.note(
        place,
        format!(
            "update {} of {count} has no track marker: placed at {at}",
            n + 1
        ),
        "cState shows no time for it",
    );
}

/// Notes a body read oldest first, or one whose track times put its
/// updates in another order than the file's.
fn note_reading_order(
    oldest_first: bool,
    why: &str,
    reordered: bool,
    place: &str,
    report: &mut Report,
) {
    if oldest_first {
        report.note(
            place,
            "updates read oldest first",
            format!("{why}; cState writes the newest first"),
        );
    } else if reordered {
        report.note(
            place,
            "updates put in the order of their track times",
            "the file lists them out of order",
        );
    }
}

/// The pieces as updates at their times (`timed`: time, piece, in time
/// order), each with the status its `*word*` prefix sets, else the one
/// before's, and a message (a placeholder, noted, for an empty one).
fn with_statuses(
    pieces: &[Told],
    timed: &[(Timestamp, usize)],
    resolved: bool,
    place: &str,
    report: &mut Report,
) -> Vec<(Update, String)> {
    let mut updates: Vec<(Update, String)> = Vec::new();
    let mut status = Status::Investigating;
    for (n, &(at, i)) in timed.iter().enumerate() {
        let newest = n + 1 == pieces.len();
        let (word, message) = match status_prefix(&pieces[i].text) {
            Some((w, m)) => (Some(w), m.to_string()),
            None => (None, pieces[i].text.clone()),
        };
        if let Some(w) = &word {
            status = next_status(w, status, resolved && newest && n > 0, place, report);
        }
        let message = message.trim().to_string();
        let message = if message.is_empty() {
            let text = placeholder_message(status);
            report.note(
                place,
                format!("empty update given \"{text}\""),
                "a public update needs a message",
            );
            text
        } else {
            message
        };
        updates.push((
            super::update(ImportSource::Cstate, at, status, message),
            format!("{place} (update {})", n + 1),
        ));
    }
    updates
}

/// The time of a resolved issue's untracked newest update: its resolution
/// `r`, unless the page showed a tracked update after it; then a second
/// after the `latest`, and a `resolved_when` in conflict is noted and taken.
fn resolution_at(
    r: Timestamp,
    latest: Option<Timestamp>,
    resolved_when: &mut Option<Timestamp>,
    place: &str,
    report: &mut Report,
) -> Result<Timestamp, ImportError> {
    let Some(t) = latest.filter(|t| *t > r) else {
        return Ok(r);
    };
    let at = second_after(t, "the resolution", place)?;
    if let Some(w) = resolved_when.take() {
        report.note(
            place,
            format!("resolvedWhen {w} left unused: it is before the update tracked at {t}"),
            format!("the track times win; the newest update, untracked, placed at {at}, one second after it"),
        );
    }
    Ok(at)
}

/// The status a `*word*` prefix names, when incidentkit knows it.
fn known_status(word: &str) -> Option<Status> {
    match word {
        "investigating" => Some(Status::Investigating),
        "identified" => Some(Status::Identified),
        "monitoring" => Some(Status::Monitoring),
        "resolved" | "fixed" | "completed" => Some(Status::Resolved),
        _ => None,
    }
}

/// The status an update's `*word*` prefix sets, after `status`.
fn next_status(
    word: &str,
    status: Status,
    newest_of_resolved: bool,
    place: &str,
    report: &mut Report,
) -> Status {
    if let Some(known) = known_status(word) {
        return known;
    }
    match word {
        // "Update" and the like: the newest of a resolved issue
        // is its resolution, as readers of the page took it.
        other if newest_of_resolved => {
            report.note(
                place,
                format!("update \"*{other}*\" read as `resolved`"),
                "the newest update of a resolved issue",
            );
            Status::Resolved
        }
        other => {
            report.note(
                place,
                format!("update \"*{other}*\" keeps status `{status}`"),
                "not a status incidentkit knows",
            );
            status
        }
    }
}

/// An informational post becomes one resolved update.
fn as_informational(
    updates: &mut Vec<(Update, String)>,
    declared_at: Timestamp,
    title: &str,
    place: &str,
    report: &mut Report,
) {
    report.note(
        place,
        "informational post imported as a resolved sev4 incident",
        "incidentkit has no informational posts",
    );
    if updates.is_empty() {
        updates.push((
            super::update(
                ImportSource::Cstate,
                declared_at,
                Status::Resolved,
                title.to_string(),
            ),
            place.to_string(),
        ));
    }
    for (u, _) in updates.iter_mut() {
        u.status = Status::Resolved;
    }
}

/// An informational post's pieces (split at track markers, `*Status* -`
/// paragraphs and bold timestamps) as one, in the order the page showed
/// them: incidentkit keeps one update for it. Their own times are left out
/// (noted): the post is at its date.
fn one_message(pieces: Vec<Told>, place: &str, report: &mut Report) -> Vec<Told> {
    if pieces.len() < 2 {
        return pieces;
    }
    let times: Vec<&str> = pieces
        .iter()
        .filter_map(|p| p.at.as_ref().and_then(Value::as_str))
        .collect();
    let why = if times.is_empty() {
        "an informational post is one message".to_string()
    } else {
        format!(
            "an informational post is one message; it is at its date, not at {}",
            times.join(", ")
        )
    };
    report.note(
        place,
        format!("its {} parts joined into one update", pieces.len()),
        why,
    );
    let text = pieces
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    vec![Told { text, at: None }]
}

/// A resolved issue whose newest update does not say so gets one that does,
/// at `resolvedWhen` when that is later. Where `resolvedWhen` and the
/// updates' times disagree, the updates win (the page showed their times)
/// and the report says so.
fn close(
    updates: &mut Vec<(Update, String)>,
    resolved_when: Option<Timestamp>,
    declared_at: Timestamp,
    place: &str,
    report: &mut Report,
) -> Result<(), ImportError> {
    if let Some((last, _)) = updates.last().filter(|(u, _)| u.status.is_final()) {
        if let Some(r) = resolved_when.filter(|r| *r != last.at) {
            report.note(
                place,
                format!(
                    "resolvedWhen {r} left unused: the resolving update is at {}",
                    last.at
                ),
                "the update's time wins, as the page showed it",
            );
        }
        return Ok(());
    }
    let last_at = updates.last().map_or(declared_at, |(u, _)| u.at);
    let at = match resolved_when {
        Some(r) if r > last_at => r,
        _ => second_after(last_at, "the resolution", place)?,
    };
    // Equal to the last update's time (an untracked newest one placed
    // there), resolvedWhen was used: no conflict.
    if let Some(r) = resolved_when.filter(|r| *r < last_at) {
        report.note(
            place,
            format!("resolvedWhen {r} left unused: it is before the last update ({last_at})"),
            format!("the update's time wins; resolved at {at}, one second after it"),
        );
    }
    let text = placeholder_message(Status::Resolved);
    report.note(
        place,
        format!("update \"{text}\" added at {at}"),
        "resolved: true, but no update says so",
    );
    updates.push((
        super::update(ImportSource::Cstate, at, Status::Resolved, text),
        place.to_string(),
    ));
    Ok(())
}

fn declaration(
    title: String,
    severity: Severity,
    visibility: Visibility,
    declared_at: Timestamp,
    components: Vec<String>,
    name: &str,
    until: Option<Timestamp>,
) -> Declaration {
    Declaration {
        title,
        kind: Kind::Incident,
        visibility,
        severity: Some(severity),
        declared_at,
        started_at: None,
        detected_at: None,
        detected_by: None,
        scheduled_for: None,
        scheduled_until: None,
        components,
        roles: Default::default(),
        channel: None,
        summary: None,
        exempt: Default::default(),
        imported: Some(Imported {
            from: ImportSource::Cstate,
            id: Some(name.to_string()),
            shortlink: None,
            until,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_sites_write_them() {
        let mut r = Report::default();
        let t = |s: &str, r: &mut Report| {
            when(&Value::String(s.into()), &TimeZone::UTC, "f", "date", r).map(|(t, _)| t)
        };
        assert_eq!(
            t("2018-04-25 04:13:00", &mut r).unwrap().to_string(),
            "2018-04-25T04:13:00Z"
        );
        assert_eq!(
            t("2018-04-25 4:13:00 ", &mut r).unwrap().to_string(),
            "2018-04-25T04:13:00Z"
        );
        assert_eq!(r.notes.len(), 1, "the one-digit hour is noted");
        assert_eq!(
            t("2018-04-25T10:00:00+02:00", &mut r).unwrap().to_string(),
            "2018-04-25T08:00:00Z"
        );
        assert_eq!(
            t("2018-04-25 10:00 +02:00", &mut r).unwrap().to_string(),
            "2018-04-25T08:00:00Z"
        );
        assert_eq!(
            t("2018-04-25", &mut r).unwrap().to_string(),
            "2018-04-25T00:00:00Z"
        );
        let la = TimeZone::get("America/Los_Angeles").unwrap();
        let mut pacific =
            |s: &str| when(&Value::String(s.into()), &la, "f", "date", &mut r).map(|(t, _)| t);
        assert_eq!(
            pacific("2018-04-25 04:13:00").unwrap().to_string(),
            "2018-04-25T11:13:00Z"
        );
        assert_eq!(
            pacific("2018-01-25 04:13").unwrap().to_string(),
            "2018-01-25T12:13:00Z",
            "winter time"
        );
        assert_eq!(
            pacific("2018-04-25T04:13:00Z").unwrap().to_string(),
            "2018-04-25T04:13:00Z",
            "an offset wins over the zone"
        );
        let read = |s: &str| {
            when(
                &Value::String(s.into()),
                &TimeZone::UTC,
                "f",
                "date",
                &mut Report::default(),
            )
            .unwrap()
        };
        assert!(
            !read("2018-04-25 10:00 +02:00").1,
            "an offset after a space"
        );
        assert!(!read("2018-04-25T10:00:00Z").1);
        assert!(read("2018-04-25 10:00").1, "read in the site's zone");
        let mut clock = Clock {
            zone: TimeZone::UTC,
            naive: false,
        };
        assert_eq!(
            clock
                .at(&"2018-04-25T10:00:00.6Z".into(), "f", "date", &mut r)
                .unwrap()
                .to_string(),
            "2018-04-25T10:00:01Z",
            "to the second, as update files are named"
        );
        assert!(t("yesterday", &mut r).is_err());
        assert!(t("2018-04-25 25:99", &mut r).is_err());
    }

    #[test]
    fn the_time_zone_is_hugos_key_in_any_case() {
        let mut r = Report::default();
        let zone = |config: Value, r: &mut Report| site_zone(&config, "config.yml", r);
        let (name, _) = zone(serde_json::json!({"timeZone": "Europe/Berlin"}), &mut r).unwrap();
        assert_eq!(name, "Europe/Berlin");
        assert!(zone(serde_json::json!({"TIMEZONE": "Asia/Tokyo"}), &mut r).is_some());
        assert!(
            zone(
                serde_json::json!({"params": {"timeZone": "Asia/Tokyo"}}),
                &mut r
            )
            .is_none()
        );
        assert!(r.notes.is_empty());
        assert!(zone(serde_json::json!({"timezone": "Mars/Olympus"}), &mut r).is_none());
        assert_eq!(
            r.notes[0].what,
            "timeZone `Mars/Olympus` left out: times without an offset taken as UTC"
        );
    }

    #[test]
    fn thematic_breaks_separate_updates() {
        let body = "Down. {{< track \"2024-02-24 10:35:00\" >}}\n\n---\n\n*Fixed* - Up. {{< track \"2024-02-24 10:36:00\" >}}\n\n*Post-mortem*\n\nA heading\n---\nstays.\n\n***\n\n```\n---\n```\n";
        let t = told(body, true);
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Down.",
                "*Fixed* - Up.",
                "*Post-mortem*\n\nA heading\n---\nstays.",
                "```\n---\n```"
            ]
        );
        assert_eq!(
            told(body, false).len(),
            3,
            "one piece per marker, and the rest"
        );
    }

    #[test]
    fn comments_are_left_out_but_not_from_code() {
        let mut r = Report::default();
        let body =
            "A <!-- one --> B\n```\n<!-- shown -->\n```\nC\n<!--\nhidden\n-->\nD\n<!-- open\nE\n";
        assert_eq!(
            without_comments(body, "f", &mut r),
            "A  B\n```\n<!-- shown -->\n```\nC\n\nD\n"
        );
        assert_eq!(r.notes[0].what, "3 HTML comments left out");
    }

    #[test]
    fn only_a_commonmark_fence_keeps_comments() {
        let mut r = Report::default();
        // Not fences: a code span, 4 spaces, a tab; then fences a closing
        // line must match in character and length, with nothing after.
        let body = "```a``` b\n<!-- 1 -->\n    ```\n<!-- 2 -->\n\t~~~\n<!-- 3 -->\n   ~~~~ x`\n<!-- kept -->\n```\n~~~\n~~~~ x\n<!-- kept -->\n~~~~~  \n<!-- 4 -->\n```\n<!-- kept -->\n````\n<!-- 5 -->\n";
        assert_eq!(
            without_comments(body, "f", &mut r),
            "```a``` b\n\n    ```\n\n\t~~~\n\n   ~~~~ x`\n<!-- kept -->\n```\n~~~\n~~~~ x\n<!-- kept -->\n~~~~~  \n\n```\n<!-- kept -->\n````\n\n"
        );
        assert_eq!(r.notes[0].what, "5 HTML comments left out");
    }

    #[test]
    fn the_reading_order_is_told_by_track_times_else_a_resolving_end() {
        let pieces = |texts: &[&str]| -> Vec<Told> {
            texts
                .iter()
                .map(|t| Told {
                    text: t.to_string(),
                    at: None,
                })
                .collect()
        };
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let (early, late) = (at("2024-02-24T10:00:00Z"), at("2024-02-24T11:00:00Z"));
        let two = pieces(&["*Resolved* - Up.", "*Investigating* - Down."]);
        assert_eq!(
            reads_oldest_first(&two, &[early, late]),
            (true, "its track times run forward"),
            "the times win over the labels"
        );
        assert!(!reads_oldest_first(&two, &[late, early]).0);
        assert!(!reads_oldest_first(&two, &[]).0, "cState's newest first");
        let resolving_end = pieces(&["*Investigating* - Down.", "*Fixed* - Up."]);
        assert_eq!(
            reads_oldest_first(&resolving_end, &[early, early]),
            (true, "it ends with the resolving update"),
            "one time tells nothing"
        );
        let both = pieces(&["*Resolved* - Up.", "*Resolved* - Up again."]);
        assert!(!reads_oldest_first(&both, &[]).0);
    }

    #[test]
    fn bodies_split_at_track_markers() {
        let body = "*Resolved* - All good. {{< track \"2018-05-25 05:54:00\" >}}\n\n*Investigating* - Looking.\n\nMore detail. {{< track \"2018-05-25 04:13:00\" >}}\n";
        let t = told(body, true);
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].text, "*Investigating* - Looking.\n\nMore detail.");
        assert_eq!(
            status_prefix(&t[0].text),
            Some(("resolved".to_string(), "All good."))
        );
        let plain = told("*Update* - Fixed.\n\n*Investigating* - Looking.", true);
        assert_eq!(plain.len(), 2);
        assert!(plain.iter().all(|p| p.at.is_none()));
    }
}
