//! From files on disk to a typed repository and the findings about it:
//! read and parse every file (in parallel), validate it against its schema,
//! then check what schemas cannot.

mod document;
pub(crate) mod glance;
mod guard;
mod kept;
pub(crate) mod lexicon;
pub mod rules;
mod schema;
pub mod spill;
pub(crate) mod suggest;
mod syntax;
pub(crate) mod text;

use crate::diagnostics::Diagnostic;
use crate::git::Changed;
use crate::model::amend::Amendments;
use crate::model::exempt::Exemptions;
use crate::model::{Config, Incident, Repository};
use crate::repo::layout::{IncidentDir, Layout};
use crate::repo::locate::{Place, SourceMap, line_text};
use crate::repo::{CONFIG_FILE, Files, Fingerprints};
use crate::schemas::FileKind;
use jiff::tz::TimeZone;
use kept::{Fresh, Kept, Shelf};
use lexicon::Lexicon;
use rayon::prelude::*;
use rules::{Clock, Practice, Subject};
use spill::{At, Spill, Spilled};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;

pub(crate) use rules::exempt::Exempted;
pub use schema::validate as validate_schema;

/// The files an incident was read from, aligned with the model's vectors.
#[derive(Debug, Clone, Default)]
pub(crate) struct IncidentFiles {
    pub incident: String,
    pub updates: Vec<String>,
    pub postmortem: Option<String>,
    /// Aligned with `amendments.corrections`.
    pub corrections: Vec<String>,
    /// Aligned with `amendments.redactions`.
    pub redactions: Vec<String>,
}

impl IncidentFiles {
    /// Every file of `dir`: what an incident read without a finding came from.
    fn of(dir: &IncidentDir) -> Self {
        Self {
            incident: dir.incident.clone().unwrap_or_default(),
            updates: dir.updates.clone(),
            postmortem: dir.postmortem.clone(),
            corrections: dir.corrections.clone(),
            redactions: dir.redactions.clone(),
        }
    }
}

/// What a check found: the repository (when it could be built) and the
/// findings.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when incidentkit.yaml itself is broken; without incidents
    /// when the check kept its findings only (`Keep::Findings`).
    pub repository: Option<Repository>,
    /// Every finding left after `rules:` levels and exemptions.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by an `exempt:` with its reason, to be listed.
    pub(crate) exempted: Vec<Exempted>,
    /// How many files were checked: incidentkit.yaml and every incident file.
    pub files: usize,
    /// How many incidents were read (their declaration parsed).
    pub incidents: usize,
    /// Where the public messages went (`check_public` given a `Spill`).
    pub spilled: Option<Spilled>,
}

/// What a check keeps of each incident once its rules ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The typed incidents, for what renders or describes them.
    Model,
    /// The findings only: each incident is dropped by the thread that read
    /// it, so a check's memory does not grow with the history (`validate`).
    Findings,
    /// What the public site is made of (`Incident::public_only`): public
    /// incidents without their internal texts nor what the site does not
    /// show, for a build of the site alone (`render::site`).
    Public,
}

/// Checks the whole repository at `root`. Only a failure to list folders is
/// an `Err`; everything wrong inside files is a diagnostic.
pub fn check(files: &Files) -> io::Result<Outcome> {
    check_scoped(files, None, Vec::new(), Keep::Model, None)
}

/// `check` for its findings only (`Keep::Findings`): what `validate` needs.
pub fn check_findings(files: &Files) -> io::Result<Outcome> {
    check_scoped(files, None, Vec::new(), Keep::Findings, None)
}

/// `check`, keeping what the public site is made of (`Keep::Public`), the
/// messages written to `spill` when there is one (`Outcome::spilled`).
pub fn check_public(files: &Files, spill: Option<Spill>) -> io::Result<Outcome> {
    check_scoped(files, None, Vec::new(), Keep::Public, spill)
}

/// Checks a change against a base revision: the append-only rules on the
/// changed files, then everything `check` does, for the configuration and
/// the incidents the change touches only, so the cost grows with the change.
pub fn check_change(files: &Files, changes: &[Changed], keep: Keep) -> io::Result<Outcome> {
    let touched: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| crate::paths::in_incident(&c.path))
        .map(|(id, _)| id.to_string())
        .collect();
    let mut history = Vec::new();
    rules::history::check(files, changes, &mut history);
    check_scoped(files, Some(&touched), history, keep, None)
}

/// Checks the configuration and the incidents named in `ids` (those that
/// exist, or have files pending) with every rule `check` applies to their
/// files: what a command on a few incidents needs, at the cost of those.
pub fn check_incidents(files: &Files, ids: &BTreeSet<String>) -> io::Result<Outcome> {
    check_scoped(files, Some(ids), Vec::new(), Keep::Model, None)
}

/// The files to read (refusing links git records), what is listed of them
/// in `scope`, and, for a whole check that keeps the model, what an
/// earlier one kept (`kept`): its unchanged incidents are taken from it.
fn scanned(
    files: &Files,
    scope: Option<&BTreeSet<String>>,
    keep: Keep,
) -> io::Result<(Files, Layout, Option<Kept>)> {
    // Keeping nothing, a whole check keeps the size limit as it reads.
    let files = &match keep {
        Keep::Findings if scope.is_none() => files.clone().counting(),
        _ => files.clone(),
    };
    // A revision written out to a scratch folder has no git folder of its
    // own to keep records in.
    let keeping =
        scope.is_none() && !files.is_exported() && matches!(keep, Keep::Model | Keep::Public);
    let (files, listed) = guard::guarded_scan(files, scope, |files| match scope {
        Some(ids) => files
            .scan_only(ids)
            .map(|layout| (layout, Fingerprints::new())),
        None if keeping => crate::git::keeping_listings(files.clone()).scan_fingerprinted(),
        None => files.scan().map(|layout| (layout, Fingerprints::new())),
    });
    let (layout, fingerprints) = listed?;
    let kept = keeping.then(|| Kept::open(files.root(), fingerprints));
    Ok((files, layout, kept))
}

/// Every finding goes the same way: found, exempted, levelled by `rules:`,
/// located. `found` holds what was found before (the history rules).
fn check_scoped(
    files: &Files,
    scope: Option<&BTreeSet<String>>,
    found: Vec<Diagnostic>,
    keep: Keep,
    spill: Option<Spill>,
) -> io::Result<Outcome> {
    let (files, layout, kept) = scanned(files, scope, keep)?;
    let files = &files;
    let mut diagnostics = found;
    let config = match document::load_fingerprinted::<Config>(files, CONFIG_FILE, FileKind::Config)
    {
        Ok((config, fingerprint)) => {
            rules::on_config(&config, CONFIG_FILE, &mut diagnostics);
            rules::config::languages(&config, files, CONFIG_FILE, &mut diagnostics);
            Some((config, fingerprint))
        }
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    };
    rules::on_layout(&layout, &mut diagnostics);
    let file_count = file_count(&layout);

    let lexicon = config.as_ref().map(|(config, _)| Lexicon::new(config));
    let practice = config
        .as_ref()
        .zip(lexicon.as_ref())
        .map(|((config, fingerprint), lexicon)| Practice {
            config,
            lexicon,
            fingerprint: *fingerprint,
        });
    // Days are the site's days (UTC while the configuration is broken).
    let timezone = config
        .as_ref()
        .map_or(TimeZone::UTC, |(config, _)| config.timezone());
    let clock = Clock {
        now: crate::clock::now(),
        timezone: &timezone,
    };
    if let Some(kept) = &kept {
        kept.sweep(&layout);
    }
    // Each folder's listing is dropped once its incident is checked: what
    // the check keeps takes its place (at 10,000 incidents they are 18 MB
    // of paths and stamps).
    let mut dirs = layout.incidents;
    dirs.retain(|dir| dir.incident.is_some());
    let check = |dir: &IncidentDir, kept: Option<(&Kept, &Shelf)>| {
        check_incident(
            files,
            dir,
            &clock,
            practice.as_ref(),
            keep,
            kept,
            spill.as_ref(),
        )
    };
    let loaded: Vec<Checked> = match &kept {
        Some(kept) => by_month(kept, dirs, check),
        None => dirs.into_par_iter().map(|dir| check(&dir, None)).collect(),
    };
    files.within_limit()?;
    let mut incidents = Vec::with_capacity(loaded.iter().filter(|c| c.incident.is_some()).count());
    let mut exemptions = Vec::new();
    let mut read = 0;
    let mut spilled = HashMap::new();
    for checked in loaded {
        read += usize::from(checked.read);
        if let (Some(incident), Some(at)) = (&checked.incident, checked.spilled) {
            spilled.insert(incident.id.clone(), at);
        }
        incidents.extend(checked.incident.map(|kept| *kept));
        exemptions.extend(checked.exemptions);
        diagnostics.extend(checked.found);
    }

    let config = config.map(|(config, _)| config);
    let exempted = exempt_and_level(files, config.as_ref(), &exemptions, &mut diagnostics);
    let repository = config.map(|config| Repository { config, incidents });
    Ok(Outcome {
        repository,
        diagnostics,
        exempted,
        files: file_count,
        incidents: read,
        spilled: spill.map(|spill| Spilled::new(spill, spilled)),
    })
}

/// `check` on every incident of `dirs`, a month of them at a time: each
/// month's records read before its incidents are checked and stored after,
/// its folders dropped then. In the order of `dirs`.
fn by_month(
    kept: &Kept,
    dirs: Vec<IncidentDir>,
    check: impl Fn(&IncidentDir, Option<(&Kept, &Shelf)>) -> Checked + Sync,
) -> Vec<Checked> {
    let mut months: BTreeMap<String, Vec<(usize, IncidentDir)>> = BTreeMap::new();
    for (n, dir) in dirs.into_iter().enumerate() {
        months
            .entry(kept::month_of(&dir.id).to_string())
            .or_default()
            .push((n, dir));
    }
    let mut checked: Vec<(usize, Checked)> = months
        .into_par_iter()
        .flat_map_iter(|(month, dirs)| {
            let shelf = kept.shelf(&month);
            let mut checked: Vec<(usize, Checked)> = dirs
                .par_iter()
                .map(|(n, dir)| (*n, check(dir, Some((kept, &shelf)))))
                .collect();
            let fresh: Vec<Fresh> = checked
                .iter_mut()
                .filter_map(|(_, c)| c.fresh.take())
                .collect();
            let ids: Vec<&str> = dirs.iter().map(|(_, d)| d.id.as_str()).collect();
            kept.store(&month, shelf, &ids, fresh);
            checked
        })
        .collect();
    checked.sort_unstable_by_key(|(n, _)| *n);
    checked.into_iter().map(|(_, c)| c).collect()
}

/// How many files a check read: the configuration and each incident's.
fn file_count(layout: &Layout) -> usize {
    1 + layout
        .incidents
        .iter()
        .map(|d| {
            usize::from(d.incident.is_some())
                + d.updates.len()
                + usize::from(d.postmortem.is_some())
                + d.corrections.len()
                + d.redactions.len()
        })
        .sum::<usize>()
}

/// Applies exemptions and the levels of `rules:`, then locates every
/// finding; returns the exempted ones, in file order.
fn exempt_and_level(
    files: &Files,
    config: Option<&Config>,
    exemptions: &[(String, Exemptions)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Exempted> {
    let mut exempted = rules::exempt::apply(exemptions, diagnostics);
    if let Some(config) = config {
        rules::levels::apply(config, diagnostics);
        exempted.retain_mut(|e| match rules::levels::level(config, &e.diagnostic) {
            Some(level) => {
                e.diagnostic.level = level;
                true
            }
            None => false,
        });
    }
    locate(files, diagnostics);
    let mut silenced: Vec<Diagnostic> = exempted.iter().map(|e| e.diagnostic.clone()).collect();
    locate(files, &mut silenced);
    let mut exempted: Vec<Exempted> = exempted
        .into_iter()
        .zip(silenced)
        .map(|(e, diagnostic)| Exempted { diagnostic, ..e })
        .collect();
    exempted.sort_by(|a, b| place(&a.diagnostic).cmp(&place(&b.diagnostic)));
    exempted
}

/// Reads one incident (or takes it as `kept`, when its files did not
/// change) and runs the per-incident rule families on it (`rules::on_incident`:
/// on a kept one, those that do not see the clock only when its record
/// does not say they found nothing under this configuration); the practice
/// families only with a practice (the configuration not broken).
fn check_incident(
    files: &Files,
    dir: &IncidentDir,
    clock: &Clock,
    practice: Option<&Practice>,
    keep: Keep,
    kept: Option<(&Kept, &Shelf)>,
    spill: Option<&Spill>,
) -> Checked {
    let taken = kept.and_then(|(kept, shelf)| kept.take(shelf, dir));
    let was_taken = taken.is_some();
    // What the families that do not see the clock found nothing under
    // before, as the record says (`None`: something, or never judged).
    let (incident, paths, mut out, settled) = match taken {
        Some((incident, settled)) => (incident, IncidentFiles::of(dir), Vec::new(), settled),
        None => {
            let (read, out) = read_incident(files, dir);
            let Some((incident, paths)) = read else {
                return Checked {
                    found: out,
                    ..Checked::default()
                };
            };
            (incident, paths, out, None)
        }
    };
    // Read without a finding, or taken: either may be recorded.
    let recordable = out.is_empty();
    let subject = Subject {
        incident: &incident,
        facts: incident.internal_facts(),
        files: &paths,
    };
    let fingerprint = practice.map(|p| p.fingerprint);
    let unchanged = fingerprint.is_some() && settled == fingerprint;
    let clean = rules::on_incident(&subject, practice, clock, unchanged, &mut out);
    let settles = fingerprint.filter(|_| clean);
    // Recorded when read, and again when taken and newly found clean under
    // another configuration (so it is not judged again and again).
    let fresh = kept
        .filter(|_| recordable && (!was_taken || (settles.is_some() && !unchanged)))
        .and_then(|(kept, _)| kept.record(dir, &incident, settles));
    let exemptions = rules::exempt::sources(&incident, &paths);
    let mut kept = match keep {
        Keep::Model => Some(incident),
        Keep::Public => incident.public_only(),
        Keep::Findings => None,
    };
    // A message that cannot be written out stays in the model.
    let spilled = spill
        .zip(kept.as_mut())
        .and_then(|(spill, incident)| spill.hold(incident).ok());
    Checked {
        read: true,
        exemptions,
        incident: kept.map(Box::new),
        spilled,
        found: out,
        fresh,
    }
}

/// Reads and parses every file of one incident: the incident and the files
/// each part came from (`None` when its declaration cannot be read), and
/// the findings about its files.
fn read_incident(
    files: &Files,
    dir: &IncidentDir,
) -> (Option<(Incident, IncidentFiles)>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let incident_file = dir.incident.clone().unwrap_or_default();
    let declaration = keep(
        &mut out,
        document::load(files, &incident_file, FileKind::Incident),
    );
    let mut paths = IncidentFiles {
        incident: incident_file,
        ..Default::default()
    };
    let mut updates = Vec::with_capacity(dir.updates.len());
    for file in &dir.updates {
        if let Some(update) = keep(&mut out, document::load(files, file, FileKind::Update)) {
            updates.push(update);
            paths.updates.push(file.clone());
        }
    }
    let postmortem = dir.postmortem.as_ref().and_then(|file| {
        let pm = keep(&mut out, document::load(files, file, FileKind::Postmortem))?;
        paths.postmortem = Some(file.clone());
        Some(Box::new(pm))
    });
    let mut amendments = Amendments::default();
    for file in &dir.corrections {
        if let Some(c) = keep(&mut out, document::load(files, file, FileKind::Correction)) {
            amendments.corrections.push(c);
            paths.corrections.push(file.clone());
        }
    }
    for file in &dir.redactions {
        if let Some(r) = keep(&mut out, document::load(files, file, FileKind::Redaction)) {
            amendments.redactions.push(r);
            paths.redactions.push(file.clone());
        }
    }
    let read = declaration.map(|declaration| {
        let incident = Incident {
            id: dir.id.clone(),
            declaration,
            updates,
            postmortem,
            amendments,
        };
        (incident, paths)
    });
    (read, out)
}

/// One incident checked: whether its declaration could be read, the
/// incident when the check keeps it, its files' exemptions and the findings.
#[derive(Default)]
struct Checked {
    read: bool,
    /// Boxed: every incident's result is collected before they are merged,
    /// and a check that keeps none should not hold room for each.
    incident: Option<Box<Incident>>,
    /// Where its messages went (`Spill::hold`).
    spilled: Option<Vec<Option<At>>>,
    exemptions: Vec<(String, Exemptions)>,
    found: Vec<Diagnostic>,
    /// The incident's record, when it may be kept (`kept`): read, or taken
    /// and newly found clean under this configuration.
    fresh: Option<Fresh>,
}

/// The value, or `None` with its findings moved to `out`.
fn keep<T>(out: &mut Vec<Diagnostic>, result: Result<T, Vec<Diagnostic>>) -> Option<T> {
    result.map_err(|found| out.extend(found)).ok()
}

/// Turns pointers into lines and columns, reading again only the files that
/// have findings, and sorts the findings by place.
fn locate(files: &Files, diagnostics: &mut [Diagnostic]) {
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        // Findings with a pointer need a place; those with a line, a snippet.
        if d.pointer.is_some() || d.line.is_some() {
            by_file.entry(d.file.as_str()).or_default().push(i);
        }
    }
    let jobs: Vec<(String, Vec<usize>)> = by_file
        .into_iter()
        .map(|(f, ix)| (f.to_string(), ix))
        .collect();
    let placed: Vec<(usize, Place, Option<String>)> = jobs
        .par_iter()
        .flat_map_iter(|(file, indices)| {
            // A file that cannot be read as text (not UTF-8) gets no snippet.
            let text = files.read(file).ok();
            // Read as YAML only where a finding names a key.
            let pointed = indices.iter().any(|&i| diagnostics[i].pointer.is_some());
            let map = pointed.then(|| SourceMap::new(text.as_deref().unwrap_or_default()));
            indices
                .iter()
                .map(|&i| {
                    let d = &diagnostics[i];
                    let p = match (&d.pointer, d.line, d.column, &map) {
                        (Some(p), _, _, Some(map)) => map.place(&p.path, p.at_key),
                        (None, Some(line), Some(column), _) => Place {
                            line,
                            column,
                            width: 1,
                        },
                        _ => Place {
                            line: 1,
                            column: 1,
                            width: 1,
                        },
                    };
                    let snippet = text.as_deref().map(|t| line_text(t, p.line).to_string());
                    (i, p, snippet)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (i, place, snippet) in placed {
        let d = &mut diagnostics[i];
        d.line = Some(place.line);
        d.column = Some(place.column);
        d.snippet = snippet.map(|text| (text, place.width));
    }
    sort(diagnostics);
}

fn place(d: &Diagnostic) -> (&String, Option<usize>, Option<usize>, &str) {
    (&d.file, d.line, d.column, d.rule)
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| place(a).cmp(&place(b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Every fixture repository, the example and the broken ones.
    fn repositories() -> Vec<std::path::PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = vec![root.join("examples/acme")];
        for kind in ["tests/fixtures/valid", "tests/fixtures/invalid"] {
            for entry in std::fs::read_dir(root.join(kind)).unwrap() {
                let path = entry.unwrap().path();
                if path.join(CONFIG_FILE).is_file() {
                    found.push(path);
                }
            }
        }
        found
    }

    #[test]
    fn keeping_the_findings_only_finds_what_the_whole_check_finds() {
        let repositories = repositories();
        assert!(repositories.len() > 30, "{repositories:?}");
        let mut exempted = 0;
        for root in repositories {
            let files = Files::on_disk(&root);
            let both = || (check(&files).unwrap(), check_findings(&files).unwrap());
            let (mut whole, mut findings) = both();
            // Each check reads the clock, and overdue findings say "now
            // 20:34": a minute turning between the two changes the text.
            // It cannot turn again within the next two checks.
            if whole.diagnostics != findings.diagnostics {
                (whole, findings) = both();
            }
            assert_eq!(whole.diagnostics, findings.diagnostics, "{root:?}");
            let silenced = |o: &Outcome| -> Vec<(Diagnostic, String)> {
                o.exempted
                    .iter()
                    .map(|e| (e.diagnostic.clone(), e.reason.clone()))
                    .collect()
            };
            assert_eq!(silenced(&whole), silenced(&findings), "{root:?}");
            exempted += findings.exempted.len();
            assert_eq!(whole.files, findings.files, "{root:?}");
            let read = whole.repository.as_ref().map(|r| r.incidents.len());
            assert_eq!(
                read.unwrap_or(findings.incidents),
                findings.incidents,
                "{root:?}"
            );
            assert!(findings.repository.is_none_or(|r| r.incidents.is_empty()));
        }
        // The exemption fixtures silence something: the comparison covers it.
        assert!(exempted > 0);
    }

    /// A message that cannot be read back fails the build: a page never
    /// shows an empty update instead.
    #[test]
    fn a_message_lost_from_the_spill_fails_the_site() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let dir = tempfile::tempdir().unwrap();
        let files = Files::on_disk(&root);
        let outcome = check_public(&files, Spill::beside(dir.path())).unwrap();
        let written = outcome.spilled.unwrap();
        let repo = outcome.repository.unwrap();
        let templates = crate::templates::Templates::load(Some(&root)).unwrap();
        let now = "2026-11-30T00:00:00Z".parse().unwrap();
        let site = || {
            let sink = std::sync::Mutex::new(BTreeMap::new());
            crate::render::site(&repo, Some(&written), &templates, now, &sink)
        };
        assert!(site().is_ok());
        written.spill.lose_everything();
        let error = site().unwrap_err().to_string();
        assert!(error.contains("reading back"), "{error}");
        // The pages alone, whose timelines read a message when a template
        // shows it.
        let view = crate::render::view::PublicView::with_spilled(&repo, Some(&written), now);
        let clock = crate::render::time::SiteTime::new(&repo.config);
        let tree = crate::render::site::Tree {
            prefix: String::new(),
            languages: Vec::new(),
        };
        let sink = std::sync::Mutex::new(BTreeMap::new());
        let pages = crate::render::site::pages(&view, &clock, &templates, &tree, &sink);
        let error = pages.unwrap_err().to_string();
        assert!(error.contains("the message of 20"), "{error}");
    }

    /// The public site of what `Keep::Public` keeps, its messages written
    /// out (`spill`), is the site of the whole
    /// model, byte for byte, in every repository that builds; and it keeps
    /// no internal incident, note or decision.
    #[test]
    fn the_public_model_builds_the_same_site() {
        let now: jiff::Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
        let (mut built, mut dropped, mut spilled) = (0, 0, 0);
        let spill_dir = tempfile::tempdir().unwrap();
        for root in repositories() {
            let files = Files::on_disk(&root);
            let spill = || Spill::beside(spill_dir.path());
            let both = || {
                (
                    check(&files).unwrap(),
                    check_public(&files, spill()).unwrap(),
                )
            };
            let (mut whole, mut public) = both();
            // Each check reads the clock, and a time in the future is said
            // to be so far from "now is 13:47:53": a second turning between
            // the two changes the text (as in the test above).
            if whole.diagnostics != public.diagnostics {
                (whole, public) = both();
            }
            assert_eq!(whole.diagnostics, public.diagnostics, "{root:?}");
            let written = public.spilled.expect("a spill was given");
            let (Some(whole), Some(public)) = (whole.repository, public.repository) else {
                continue;
            };
            // What went out is not in the model: the site below reads it back.
            for i in &public.incidents {
                let at = written.of(&i.id).unwrap();
                for (u, at) in i.updates.iter().zip(at) {
                    if at.is_some() {
                        assert_eq!(u.message.as_deref(), Some(""));
                        spilled += 1;
                    }
                }
            }
            // Internal entries are dropped whole: the public view never folds them.
            assert!(public.incidents.iter().all(|i| {
                i.is_public()
                    && i.updates
                        .iter()
                        .all(|u| u.is_public() && u.internal_note.is_none() && u.decision.is_none())
            }));
            let internal_entries = |r: &Repository| {
                r.incidents
                    .iter()
                    .flat_map(|i| &i.updates)
                    .filter(|u| !u.is_public())
                    .count()
            };
            dropped += internal_entries(&whole) - internal_entries(&public);
            let Ok(templates) = crate::templates::Templates::load(Some(&root)) else {
                continue;
            };
            let site = |repo: &Repository, spilled| {
                let sink = std::sync::Mutex::new(BTreeMap::new());
                crate::render::site(repo, spilled, &templates, now, &sink)
                    .map(|()| sink.into_inner().unwrap())
                    .map_err(|e| e.to_string())
            };
            let site_of_whole = site(&whole, None);
            assert_eq!(site_of_whole, site(&public, Some(&written)), "{root:?}");
            built += usize::from(site_of_whole.is_ok());
            assert!(public.incidents.len() <= whole.incidents.len());
        }
        // The example and the valid fixtures build: the comparison covers
        // them, and internal entries among them.
        assert!(built > 10, "{built}");
        assert!(spilled > 20, "{spilled}");
        assert!(
            dropped > 0,
            "no internal entry in the repositories compared"
        );
    }
}
