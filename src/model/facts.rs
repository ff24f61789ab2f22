//! The facts of one incident, computed once and read by every output: the
//! severity the response peaked at (and the policy it implies), the impact
//! window (start, declared, mitigated, resolved, each with its source), the
//! duration, the current and overall impact, the component windows and the
//! decisions.
//!
//! Two views. `View::Public` folds the public entries only (those with a
//! message) and feeds the status page, the API, the feeds, the badge, the
//! uptime bars and the external stakeholder update. `View::Internal` folds
//! every entry and feeds the internal update, the post-mortem, stats and
//! the GitHub issues. An internal entry may set severity and components;
//! only the internal view sees them, so no public output can change.
//!
//! Corrections and redactions are applied here, once: every entry carries
//! its shown text (the latest correction of its public message made by now) and the
//! records that changed it, so every output says the same. The public view
//! keeps only what it may show: corrections of public messages, and
//! redactions of public fields (a correction never makes an internal entry
//! public).

use super::amend::{Correction, Redaction};
use super::config::{Config, Policy};
use super::duration::Duration;
use super::incident::{Decision, Declaration, Incident, Update, UpdateImpact};
use super::state::State;
use super::vocab::{ComponentStatus, Kind, Severity, Status};
use jiff::Timestamp;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::ops::Deref;

/// Whose outputs a fold feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Public entries only: everything that may be published.
    Public,
    /// Every entry: responders, the review, metrics.
    Internal,
}

impl View {
    /// Whether an entry belongs to this view.
    pub fn sees(self, update: &Update) -> bool {
        self == View::Internal || update.is_public()
    }
}

/// Where a moment of the impact window was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The declaration's `started_at`.
    StartedAt,
    /// The declaration's `detected_at`.
    DetectedAt,
    /// The declaration's `declared_at`.
    DeclaredAt,
    /// The post-mortem's `mitigated_at` (internal view only).
    PostmortemMitigatedAt,
    /// The first entry with status `monitoring`.
    MonitoringEntry,
    /// The entry that resolved the incident.
    ResolvingEntry,
    /// The first `in_progress` entry of a maintenance.
    InProgressEntry,
    /// The declaration's `scheduled_for` (a maintenance).
    ScheduledFor,
}

impl Source {
    /// As the README's definitions name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartedAt => "the declaration's started_at",
            Self::DetectedAt => "the declaration's detected_at",
            Self::DeclaredAt => "the declaration's declared_at",
            Self::PostmortemMitigatedAt => "the post-mortem's mitigated_at",
            Self::MonitoringEntry => "the first monitoring entry",
            Self::ResolvingEntry => "the resolving entry",
            Self::InProgressEntry => "the first in_progress entry",
            Self::ScheduledFor => "the declaration's scheduled_for",
        }
    }
}

/// A moment of the impact window, and where it was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// When.
    pub at: Timestamp,
    /// Which field or entry said so.
    pub source: Source,
}

/// A stretch in which the incident held a component at a status other
/// than operational. `until` is `None` while it still holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentWindow<'a> {
    /// The component's id in incidentkit.yaml.
    pub component: &'a str,
    /// Never `operational`.
    pub status: ComponentStatus,
    /// When the entry that set it was posted.
    pub from: Timestamp,
    /// When an entry changed it again; `None` while it still holds.
    pub until: Option<Timestamp>,
}

/// What a maintenance's schedule says where its entries say nothing yet:
/// the work is taken to start at `scheduled_for` and to end at
/// `scheduled_until` once the clock reaches them (`timeline/window-passed`
/// asks for the entry that says so).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schedule {
    /// `scheduled_for`, reached with no entry past `scheduled`.
    pub began: Option<Timestamp>,
    /// `scheduled_until`, reached with no entry past `scheduled`.
    pub ended: Option<Timestamp>,
}

impl Schedule {
    /// The status the schedule implies over `status` (the entries' own),
    /// when it implies one.
    pub fn status(self, status: Option<Status>) -> Option<Status> {
        match (self.ended, self.began) {
            (Some(_), _) => Some(Status::Completed),
            (None, Some(_)) => Some(Status::InProgress),
            (None, None) => status,
        }
    }
}

/// An entry as a view shows it: the update with its public message
/// corrected (it derefs to that), and the records that amend it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The view it was taken in: what of its amendments it may show.
    pub view: View,
    /// The update as its file holds it (redacted fields hold the placeholder).
    pub original: &'a Update,
    /// What amends it, when anything does. Boxed: a view holds an entry per
    /// update of every incident, and few are amended.
    amended: Option<Box<Amended<'a>>>,
}

#[derive(Debug, Clone)]
struct Amended<'a> {
    /// The update with its latest correction, when it has one.
    corrected: Option<Update>,
    /// The corrections the view may show, oldest first.
    corrections: Vec<&'a Correction>,
    /// The redactions the view may show, oldest first.
    redactions: Vec<&'a Redaction>,
}

impl Deref for Entry<'_> {
    type Target = Update;

    fn deref(&self) -> &Update {
        (self.amended.as_ref())
            .and_then(|a| a.corrected.as_ref())
            .unwrap_or(self.original)
    }
}

impl<'a> Entry<'a> {
    fn new(update: &'a Update, incident: &'a Incident, view: View, now: Timestamp) -> Self {
        let amendments = &incident.amendments;
        // A correction made after now had not been said yet (an as-of view
        // shows the text as it stood); a redaction applies whenever made:
        // the text is gone.
        let corrections: Vec<&Correction> = amendments
            .corrections_of(update)
            .filter(|c| c.at <= now)
            .collect();
        let redactions: Vec<&Redaction> = amendments
            .redactions
            .iter()
            .filter(|r| r.update == update.at && (view == View::Internal || r.is_public()))
            .collect();
        let corrected = corrections.last().map(|latest| {
            let mut corrected = update.clone();
            corrected.message = Some(latest.message.clone());
            // The translations said what the correction replaces.
            corrected.message_translations.clear();
            corrected
        });
        let amended = (!corrections.is_empty() || !redactions.is_empty()).then(|| {
            Box::new(Amended {
                corrected,
                corrections,
                redactions,
            })
        });
        Self {
            view,
            original: update,
            amended,
        }
    }

    /// The corrections the view may show, oldest first.
    pub fn corrections(&self) -> &[&'a Correction] {
        self.amended.as_ref().map_or(&[], |a| &a.corrections)
    }

    /// The redactions the view may show, oldest first.
    pub fn redactions(&self) -> &[&'a Redaction] {
        self.amended.as_ref().map_or(&[], |a| &a.redactions)
    }

    /// Each correction with the message it replaced: what internal
    /// outputs show next to the corrected text.
    pub fn replaced(&self) -> impl Iterator<Item = (&'a Correction, &'a str)> + '_ {
        let original = self.original.message.as_deref().unwrap_or_default();
        let corrections = self.corrections();
        corrections.iter().enumerate().map(move |(n, c)| {
            let before = match n {
                0 => original,
                n => corrections[n - 1].message.as_str(),
            };
            (*c, before)
        })
    }

    /// When the entry was last corrected or had text removed: when what it
    /// shows last changed.
    pub fn amended_at(&self) -> Option<Timestamp> {
        let corrected = self.corrections().iter().map(|c| c.at);
        corrected
            .chain(self.redactions().iter().map(|r| r.at))
            .max()
    }

    /// When the message was last corrected.
    pub fn corrected_at(&self) -> Option<Timestamp> {
        self.corrections().last().map(|c| c.at)
    }
}

/// The facts of one incident in one view (see the module).
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// Which entries were folded.
    pub view: View,
    /// The view's entries posted at or before now, in time order, as the
    /// view shows them.
    pub entries: Vec<Entry<'a>>,
    /// The fold over `entries`.
    pub state: State,
    /// The highest severity stated: declared or set by any entry, the
    /// resolving one included (a severity is often settled at resolution:
    /// "it was worse than we thought" asks for the higher policy).
    pub peak_severity: Option<Severity>,
    /// The highest severity while the response ran: the peak without the
    /// resolving entry, which had no response at its severity. What the
    /// roles of the response are judged by.
    pub response_severity: Option<Severity>,
    /// When impact began: started, else detected, else declared. For a
    /// maintenance, when the work began: its first `in_progress` entry,
    /// else `scheduled_for` (never the announcement).
    pub started: Moment,
    /// The declaration's `declared_at`.
    pub declared: Timestamp,
    /// When service was restored: (internal view only) the post-mortem's
    /// `mitigated_at`, else the first monitoring entry, else the resolution.
    pub mitigated: Option<Moment>,
    /// The latest resolving entry, while the incident stays resolved.
    pub resolved: Option<Timestamp>,
    /// The incident's impact as a whole: what the resolving entry says it
    /// was, else the impact in force when its components were at their
    /// worst (the latest such moment; the last impact stated while open
    /// when no component was named).
    pub impact: Option<Box<UpdateImpact>>,
    /// Non-operational component statuses over time, in entry order.
    pub components: Vec<ComponentWindow<'a>>,
}

impl Incident {
    /// The facts of `view`, counting the entries posted at or before `now`.
    pub fn facts(&self, view: View, now: Timestamp) -> Facts<'_> {
        // At most one per update (all of them in a public copy): collected
        // through a filter, the vector would double its way there.
        let mut entries: Vec<Entry> = Vec::with_capacity(self.updates.len());
        entries.extend(
            (self.updates.iter())
                .filter(|u| u.at <= now && view.sees(u))
                .map(|u| Entry::new(u, self, view, now)),
        );
        let state = State::fold(&self.declaration, entries.iter().map(|e| &**e));
        let d = &self.declaration;
        let started = started(d, &entries);
        let peak_severity = d
            .severity
            .into_iter()
            .chain(entries.iter().filter_map(|u| u.severity))
            .min();
        let response_severity = d
            .severity
            .into_iter()
            .chain(
                entries
                    .iter()
                    .filter(|u| !u.status.is_final())
                    .filter_map(|u| u.severity),
            )
            .min();
        let resolved = state.resolved_at;
        let mitigated = self.mitigated(view, &entries, resolved);
        let impact = entries
            .iter()
            .rev()
            .find(|u| resolved == Some(u.at) && u.status.is_final())
            .and_then(|u| u.impact.clone())
            .or_else(|| impact_at_worst(&entries));
        let components = component_windows(self, &entries, started.at);
        Facts {
            view,
            entries,
            state,
            peak_severity,
            response_severity,
            started,
            declared: d.declared_at,
            mitigated,
            resolved,
            impact,
            components,
        }
    }

    /// When service was restored (see [`Facts::mitigated`]).
    fn mitigated(
        &self,
        view: View,
        entries: &[Entry],
        resolved: Option<Timestamp>,
    ) -> Option<Moment> {
        self.postmortem
            .as_ref()
            .and_then(|p| p.mitigated_at)
            .filter(|_| view == View::Internal)
            .map(|at| Moment {
                at,
                source: Source::PostmortemMitigatedAt,
            })
            .or_else(|| {
                entries
                    .iter()
                    .find(|u| u.status == Status::Monitoring)
                    .map(|u| Moment {
                        at: u.at,
                        source: Source::MonitoringEntry,
                    })
            })
            .or(resolved.map(|at| Moment {
                at,
                source: Source::ResolvingEntry,
            }))
    }

    /// A maintenance's schedule where its entries (of `facts`) are silent,
    /// by `now`: the page, the API, the calendar, `list` and `notify` all
    /// read the stage from here.
    pub fn schedule(&self, facts: &Facts, now: Timestamp) -> Schedule {
        let d = &self.declaration;
        if d.kind != Kind::Maintenance {
            return Schedule::default();
        }
        // Once an entry says the work started (or was called off), the
        // entries tell the rest: an overrun stays in progress until one
        // says it completed.
        let silent = facts.entries.iter().all(|u| u.status == Status::Scheduled);
        let reached = |at: Option<Timestamp>| at.filter(|at| silent && *at <= now);
        Schedule {
            began: reached(d.scheduled_for),
            ended: reached(d.scheduled_until),
        }
    }

    /// Every entry, whenever posted: what responders and the review see.
    pub fn internal_facts(&self) -> Facts<'_> {
        self.facts(View::Internal, Timestamp::MAX)
    }

    /// The day a post-mortem the policy of the peak severity requires is due
    /// (the site's time zone): the post-mortem's `due`, else the policy's
    /// delay after the resolution. `None` when none is required or it is
    /// not resolved.
    pub fn postmortem_due(&self, config: &Config) -> Option<Date> {
        self.postmortem_due_by(&self.internal_facts(), config)
    }

    /// `postmortem_due`, with the facts already folded: `facts` are this
    /// incident's `internal_facts`.
    pub fn postmortem_due_by(&self, facts: &Facts<'_>, config: &Config) -> Option<Date> {
        let resolved = facts.resolved?;
        let policy = facts.policy(config)?;
        if self.declaration.kind != Kind::Incident || !policy.postmortem.is_required() {
            return None;
        }
        let by_policy = policy
            .postmortem_due
            .and_then(|d| resolved.checked_add(d.as_signed()).ok())
            .map(|t| t.to_zoned_datetime(config.timezone()).date());
        self.postmortem.as_ref().and_then(|p| p.due).or(by_policy)
    }
}

impl Facts<'_> {
    /// The policy of the peak severity: cadence, post-mortem, report.
    pub fn policy(&self, config: &Config) -> Option<Policy> {
        self.peak_severity.map(|s| config.policy(s))
    }

    /// From the start of impact to the resolution, to the minute. `None`
    /// when the resolution comes first (a maintenance cancelled before its
    /// window; an impact start after the resolution, which `validate`
    /// refuses): never a negative duration.
    pub fn duration(&self) -> Option<Duration> {
        self.resolved.and_then(|end| interval(self.started.at, end))
    }

    /// From the start of impact to the mitigation, to the minute (`None`
    /// out of order, as `duration`).
    pub fn time_to_mitigate(&self) -> Option<Duration> {
        self.mitigated.and_then(|m| interval(self.started.at, m.at))
    }

    /// From the start of impact to its detection, when the declaration
    /// gives both in order (`timeline/order` warns otherwise).
    pub fn time_to_detect(&self, declaration: &Declaration) -> Option<Duration> {
        interval(declaration.started_at?, declaration.detected_at?)
    }

    /// From detection to the declaration, when given in order.
    pub fn time_to_declare(&self, declaration: &Declaration) -> Option<Duration> {
        interval(declaration.detected_at?, self.declared)
    }

    /// The decisions recorded, oldest first.
    pub fn decisions(&self) -> impl Iterator<Item = (&Update, &Decision)> {
        self.entries
            .iter()
            .filter_map(|u| u.decision.as_deref().map(|d| (&**u, d)))
    }

    /// Whether the incident stays resolved as of now (`resolved` is set).
    pub fn is_resolved(&self) -> bool {
        self.resolved.is_some()
    }
}

/// `from` to `to` to the minute, when `to` is not before `from`.
fn interval(from: Timestamp, to: Timestamp) -> Option<Duration> {
    (to >= from).then(|| Duration::between(from, to))
}

/// When impact (for a maintenance, the work) began; see `Facts::started`.
fn started(d: &Declaration, entries: &[Entry]) -> Moment {
    if d.kind == Kind::Maintenance {
        let began = entries
            .iter()
            .find(|u| u.status == Status::InProgress)
            .map(|u| Moment {
                at: u.at,
                source: Source::InProgressEntry,
            });
        let planned = d.scheduled_for.map(|at| Moment {
            at,
            source: Source::ScheduledFor,
        });
        if let Some(moment) = began.or(planned) {
            return moment;
        }
    }
    match (d.started_at, d.detected_at) {
        (Some(at), _) => Moment {
            at,
            source: Source::StartedAt,
        },
        (None, Some(at)) => Moment {
            at,
            source: Source::DetectedAt,
        },
        (None, None) => Moment {
            at: d.declared_at,
            source: Source::DeclaredAt,
        },
    }
}

/// The impact in force at the latest open entry whose components were at
/// their worst: the stated impact that describes the height of it, not the
/// residual impact a monitoring update describes.
fn impact_at_worst(entries: &[Entry]) -> Option<Box<UpdateImpact>> {
    let mut components: BTreeMap<&str, ComponentStatus> = BTreeMap::new();
    let mut impact: Option<&Box<UpdateImpact>> = None;
    let mut best: Option<(ComponentStatus, &Box<UpdateImpact>)> = None;
    for u in entries.iter().filter(|u| !u.status.is_final()) {
        for (id, status) in &u.components {
            components.insert(id, *status);
        }
        impact = u.impact.as_ref().or(impact);
        let worst = components
            .values()
            .copied()
            .max()
            .unwrap_or(ComponentStatus::Operational);
        if let Some(now) = impact
            && best.is_none_or(|(held, _)| worst >= held)
        {
            best = Some((worst, now));
        }
    }
    best.map(|(_, impact)| impact.clone())
}

/// The statuses an incident held its components at. The statuses the first
/// entry states hold from the start of impact (they describe what the
/// incident was declared for); later changes hold from their entry. All end
/// at the resolution. Maintenance follows its entries' times.
fn component_windows<'a>(
    incident: &Incident,
    entries: &[Entry<'a>],
    started: Timestamp,
) -> Vec<ComponentWindow<'a>> {
    let mut open: BTreeMap<&str, (ComponentStatus, Timestamp)> = BTreeMap::new();
    let mut out = Vec::new();
    let close = |out: &mut Vec<ComponentWindow<'a>>, id: &'a str, (status, from), until| {
        if status != ComponentStatus::Operational {
            out.push(ComponentWindow {
                component: id,
                status,
                from,
                until,
            });
        }
    };
    for (n, u) in entries.iter().enumerate() {
        let from = if n == 0 && incident.declaration.kind == Kind::Incident {
            started.min(u.at)
        } else {
            u.at
        };
        // The update as filed: a correction changes the message only.
        for (id, status) in &u.original.components {
            match open.get(id.as_str()) {
                Some((held, _)) if held == status => {}
                Some(_) => {
                    let previous = open.remove(id.as_str()).expect("checked above");
                    close(&mut out, id, previous, Some(u.at));
                    open.insert(id, (*status, from));
                }
                None => {
                    open.insert(id, (*status, from));
                }
            }
        }
        if u.status.is_final() {
            for (id, held) in std::mem::take(&mut open) {
                close(&mut out, id, held, Some(u.at));
            }
        }
    }
    for (id, held) in open {
        close(&mut out, id, held, None);
    }
    // A build keeps the facts of every incident for its whole run.
    out.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Declaration;

    fn incident(declaration: &str, updates: &[&str]) -> Incident {
        Incident {
            id: "2026-11-26-checkout-down".into(),
            declaration: serde_yaml::from_str::<Declaration>(declaration).unwrap(),
            updates: updates
                .iter()
                .map(|u| serde_yaml::from_str::<Update>(u).unwrap())
                .collect(),
            postmortem: None,
            amendments: Default::default(),
        }
    }

    const DECLARED: &str = "title: Checkout down\nseverity: sev1\ndeclared_at: 2026-11-26T10:00:00Z\nstarted_at: 2026-11-26T09:48:00Z\n";

    fn at(t: &str) -> Timestamp {
        t.parse().unwrap()
    }

    #[test]
    fn a_maintenance_lasts_from_its_work_not_its_announcement() {
        let planned = "title: Database upgrade\nkind: maintenance\ndeclared_at: 2026-11-20T09:00:00Z\nscheduled_for: 2026-11-22T01:00:00Z\nscheduled_until: 2026-11-22T03:00:00Z\n";
        let announced = "at: 2026-11-20T09:00:00Z\nstatus: scheduled\nmessage: a\nauthor: x\n";
        let done = incident(
            planned,
            &[
                announced,
                "at: 2026-11-22T01:05:00Z\nstatus: in_progress\nmessage: b\nauthor: x\n",
                "at: 2026-11-22T02:00:00Z\nstatus: completed\nmessage: c\nauthor: x\n",
            ],
        );
        let facts = done.facts(View::Public, Timestamp::MAX);
        assert_eq!(facts.started.source, Source::InProgressEntry);
        assert_eq!(facts.duration(), Some(Duration::minutes(55)));
        // Completed without an in-progress entry: from the planned start.
        let quiet = incident(
            planned,
            &[
                announced,
                "at: 2026-11-22T03:00:00Z\nstatus: completed\nmessage: c\nauthor: x\n",
            ],
        );
        let facts = quiet.facts(View::Public, Timestamp::MAX);
        assert_eq!(facts.started.source, Source::ScheduledFor);
        assert_eq!(facts.duration(), Some(Duration::hours(2)));
        // Called off before its window: it never ran.
        let cancelled = incident(
            planned,
            &[
                announced,
                "at: 2026-11-21T12:00:00Z\nstatus: cancelled\nmessage: c\nauthor: x\n",
            ],
        );
        assert_eq!(
            cancelled.facts(View::Public, Timestamp::MAX).duration(),
            None
        );
    }

    #[test]
    fn no_interval_is_negative() {
        let late_start = "title: Late\nseverity: sev3\ndeclared_at: 2026-11-20T11:00:00Z\nstarted_at: 2026-11-20T11:50:00Z\ndetected_at: 2026-11-20T11:40:00Z\n";
        let i = incident(
            late_start,
            &["at: 2026-11-20T11:20:00Z\nstatus: resolved\nmessage: ok\nauthor: x\n"],
        );
        let facts = i.internal_facts();
        assert_eq!(facts.resolved, Some(at("2026-11-20T11:20:00Z")));
        assert_eq!(facts.duration(), None);
        assert_eq!(facts.time_to_mitigate(), None);
        assert_eq!(facts.time_to_detect(&i.declaration), None);
        assert_eq!(facts.time_to_declare(&i.declaration), None);
        let i = incident(DECLARED, &[]);
        let facts = i.internal_facts();
        assert_eq!(
            facts.time_to_declare(&i.declaration),
            None,
            "no detected_at"
        );
    }

    #[test]
    fn an_internal_entry_changes_only_the_internal_view() {
        let i = incident(
            DECLARED,
            &[
                "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\ncomponents: {checkout: partial_outage}\n",
                "at: 2026-11-26T10:10:00Z\nstatus: identified\nauthor: x\ninternal_note: worse\nseverity: sev1\ncomponents: {checkout: major_outage, api: major_outage}\n",
            ],
        );
        let public = i.facts(View::Public, Timestamp::MAX);
        let internal = i.internal_facts();
        assert_eq!(public.state.status, Some(Status::Investigating));
        assert_eq!(
            public.state.components["checkout"],
            ComponentStatus::PartialOutage
        );
        assert!(public.state.components.get("api").is_none());
        assert_eq!(
            internal.state.components["api"],
            ComponentStatus::MajorOutage
        );
        assert_eq!(public.entries.len(), 1);
        assert_eq!(internal.entries.len(), 2);
    }

    #[test]
    fn corrections_reach_every_view_but_never_publish_an_internal_entry() {
        use crate::model::amend::Correction;
        let mut i = incident(
            DECLARED,
            &[
                "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: fixed by 11:00\nmessage_translations: {de: bis 11 Uhr}\nauthor: x\n",
                "at: 2026-11-26T10:10:00Z\nstatus: identified\nauthor: x\ninternal_note: secret plan\n",
            ],
        );
        let correct = |update: &str, message: &str| Correction {
            update: at(update),
            at: at("2026-11-26T10:20:00Z"),
            author: "x".into(),
            reason: "wrong".into(),
            message: message.into(),
        };
        i.amendments.corrections = vec![
            correct("2026-11-26T10:05:00Z", "fixed by 11:30"),
            correct("2026-11-26T10:10:00Z", "the secret plan, published"),
        ];
        let public = i.facts(View::Public, Timestamp::MAX);
        assert_eq!(public.entries.len(), 1);
        assert_eq!(public.entries[0].message.as_deref(), Some("fixed by 11:30"));
        assert!(public.entries[0].message_translations.is_empty());
        assert_eq!(
            public.entries[0].corrected_at(),
            Some(at("2026-11-26T10:20:00Z"))
        );
        let internal = i.internal_facts();
        let replaced: Vec<&str> = internal.entries[0].replaced().map(|(_, b)| b).collect();
        assert_eq!(replaced, ["fixed by 11:00"]);
        assert_eq!(internal.entries[1].message, None, "still internal");
        assert!(internal.entries[1].corrections().is_empty());
    }

    #[test]
    fn the_peak_survives_a_downgrade_and_counts_the_resolving_entry() {
        let i = incident(
            "title: x\nseverity: sev2\ndeclared_at: 2026-11-26T10:00:00Z\n",
            &[
                "at: 2026-11-26T10:05:00Z\nstatus: identified\nmessage: a\nauthor: x\nseverity: sev1\n",
                "at: 2026-11-26T10:20:00Z\nstatus: monitoring\nmessage: b\nauthor: x\nseverity: sev3\n",
                "at: 2026-11-26T10:40:00Z\nstatus: resolved\nmessage: c\nauthor: x\n",
            ],
        );
        let f = i.internal_facts();
        assert_eq!(f.peak_severity, Some(Severity::Sev1));
        assert_eq!(f.state.severity, Some(Severity::Sev3));
        let raised_on_resolve = incident(
            "title: x\nseverity: sev3\ndeclared_at: 2026-11-26T10:00:00Z\n",
            &[
                "at: 2026-11-26T10:40:00Z\nstatus: resolved\nmessage: c\nauthor: x\nseverity: sev1\n",
            ],
        );
        let f = raised_on_resolve.internal_facts();
        assert_eq!(f.peak_severity, Some(Severity::Sev1));
        assert_eq!(f.response_severity, Some(Severity::Sev3));
    }

    #[test]
    fn the_window_names_its_sources_and_the_duration_is_to_the_minute() {
        let i = incident(
            DECLARED,
            &[
                "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\nimpact: {summary: EU cannot pay}\ncomponents: {checkout: major_outage}\n",
                "at: 2026-11-26T10:30:00Z\nstatus: monitoring\nauthor: x\ninternal_note: fix out\n",
                "at: 2026-11-26T10:40:30Z\nstatus: monitoring\nmessage: fix out\nauthor: x\ncomponents: {checkout: degraded_performance}\n",
                "at: 2026-11-27T10:02:10Z\nstatus: resolved\nmessage: c\nauthor: x\ncomponents: {checkout: operational}\n",
            ],
        );
        let internal = i.internal_facts();
        let public = i.facts(View::Public, Timestamp::MAX);
        assert_eq!(internal.started.source, Source::StartedAt);
        assert_eq!(internal.mitigated.unwrap().at, at("2026-11-26T10:30:00Z"));
        assert_eq!(public.mitigated.unwrap().at, at("2026-11-26T10:40:30Z"));
        assert_eq!(internal.duration(), Some(Duration::minutes(24 * 60 + 14)));
        assert_eq!(public.duration(), internal.duration());
        assert_eq!(
            public.impact.and_then(|i| i.summary).as_deref(),
            Some("EU cannot pay"),
            "the overall impact outlives the resolution"
        );
        assert_eq!(
            public.state.impact, None,
            "no impact is current once resolved"
        );
        assert_eq!(
            public.components,
            vec![
                ComponentWindow {
                    component: "checkout",
                    status: ComponentStatus::MajorOutage,
                    from: at("2026-11-26T09:48:00Z"),
                    until: Some(at("2026-11-26T10:40:30Z")),
                },
                ComponentWindow {
                    component: "checkout",
                    status: ComponentStatus::DegradedPerformance,
                    from: at("2026-11-26T10:40:30Z"),
                    until: Some(at("2026-11-27T10:02:10Z")),
                },
            ]
        );
    }
}
