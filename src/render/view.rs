//! What the public may see, at one moment: public incidents only, each as
//! the public facts of the model (a fold over public entries posted at or
//! before "now"). A `PublicIncident` holds no `Incident`: public outputs
//! cannot reach an internal entry or the post-mortem even by mistake.

use crate::check::spill::{At, Spill, Spilled};
use crate::model::incident::Declaration;
use crate::model::postmortem::{CustomerReport, PostmortemStatus};
use crate::model::{
    ComponentStatus, Config, Entry, Facts, Incident, Indicator, Kind, Repository, Status, View,
};
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io;

/// Where an incident or maintenance stands, for the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// An incident not yet resolved.
    Active,
    Resolved,
    /// Maintenance announced and not started.
    Upcoming,
    /// Maintenance in progress or being verified.
    InProgress,
    Completed,
}

#[derive(Debug, Clone)]
pub struct PublicIncident<'a> {
    id: &'a str,
    pub declaration: &'a Declaration,
    /// The public facts: state, window, duration, component windows.
    pub facts: Facts<'a>,
    /// The customer report, once the post-mortem is published.
    pub report: Option<&'a CustomerReport>,
    pub lifecycle: Lifecycle,
    /// The status shown: the last public update's, or what the schedule
    /// implies once reached (a maintenance announced by its schedule alone
    /// is scheduled).
    status: Status,
    /// Statuspage's impact word of the public peak severity (maintenance
    /// for maintenance).
    pub impact: Indicator,
    /// The same of the severity in force now: after a downgrade, what the
    /// page's indicator says while the incident is active (the peak stays
    /// the incident's own impact).
    pub impact_now: Indicator,
    /// (id, name) of every component the incident names publicly, in
    /// configuration order.
    pub components: Vec<(&'a str, &'a str)>,
    /// Where its messages went, when the build wrote them out.
    away: Option<Away<'a>>,
}

/// An incident's messages written out (`check::spill`): by update of
/// `updates`, where each went.
#[derive(Debug, Clone, Copy)]
struct Away<'a> {
    spill: &'a Spill,
    at: &'a [Option<At>],
    updates: &'a [crate::model::Update],
}

/// Where the text of an entry's message is.
pub enum Text<'e> {
    Here(&'e str),
    Away(&'e Spill, At),
}

/// Why the message of incident `id`'s update at `at` could not be read
/// back (named only then: pages list thousands of updates).
pub fn lost(id: &str, at: Timestamp, why: impl std::fmt::Display) -> io::Error {
    let at = super::time::iso(at);
    io::Error::other(format!("the message of {id}'s update at {at}: {why}"))
}

impl<'a> PublicIncident<'a> {
    pub fn id(&self) -> &'a str {
        self.id
    }

    pub fn title(&self) -> &'a str {
        &self.declaration.title
    }

    /// Public updates posted at or before now, oldest first.
    pub fn updates(&self) -> &[Entry<'a>] {
        &self.facts.entries
    }

    /// The text of `entry`'s message: in the model, or where the build
    /// wrote it (the model holds an empty one then). A corrected entry's is
    /// the correction's, which stays in the model.
    pub fn text<'e>(&'e self, entry: &'e Entry<'a>) -> io::Result<Option<Text<'e>>> {
        let Some(message) = entry.message.as_deref() else {
            return Ok(None);
        };
        let Some(away) = self.away.filter(|_| entry.corrected_at().is_none()) else {
            return Ok(Some(Text::Here(message)));
        };
        // Every update of the incident went, or not, and says where: one
        // not found must not be shown as the empty text left in its place.
        let at = (away.updates.iter())
            .position(|u| std::ptr::eq(u, entry.original))
            .and_then(|n| away.at.get(n))
            .ok_or_else(|| lost(self.id, entry.at, "not among those written out"))?;
        Ok(Some(match at {
            Some(at) => Text::Away(away.spill, *at),
            None => Text::Here(message),
        }))
    }

    pub fn is_maintenance(&self) -> bool {
        self.declaration.kind == Kind::Maintenance
    }

    pub fn is_open(&self) -> bool {
        matches!(
            self.lifecycle,
            Lifecycle::Active | Lifecycle::InProgress | Lifecycle::Upcoming
        )
    }

    /// The status shown (an incident is on the page only once it has a
    /// public update).
    pub fn status(&self) -> Status {
        self.status
    }

    /// For history: when the maintenance was planned for, or when the
    /// incident was declared.
    pub fn sort_at(&self) -> Timestamp {
        self.declaration
            .scheduled_for
            .filter(|_| self.is_maintenance())
            .unwrap_or(self.declaration.declared_at)
    }
}

#[derive(Debug, Clone)]
pub struct PublicView<'a> {
    pub config: &'a Config,
    pub now: Timestamp,
    /// Newest first.
    pub incidents: Vec<PublicIncident<'a>>,
}

impl<'a> PublicView<'a> {
    pub fn new(repo: &'a Repository, now: Timestamp) -> Self {
        Self::with_spilled(repo, None, now)
    }

    /// The view of `repo` whose messages went to `spilled` (`check::spill`).
    pub fn with_spilled(
        repo: &'a Repository,
        spilled: Option<&'a Spilled>,
        now: Timestamp,
    ) -> Self {
        let config = &repo.config;
        let away = |i: &'a Incident| {
            spilled.and_then(|s| {
                Some(Away {
                    spill: &s.spill,
                    at: s.of(&i.id)?,
                    updates: &i.updates,
                })
            })
        };
        let mut incidents: Vec<PublicIncident<'a>> = repo
            .incidents
            .par_iter()
            .filter(|i| i.is_public() && i.declaration.declared_at <= now)
            .map(|i| PublicIncident {
                away: away(i),
                ..public_incident(i, config, now)
            })
            // An incident is told from its first public update, as notify
            // and the feeds tell it: one whose entries so far are internal
            // ("do not announce yet") is not on the page. A maintenance is
            // announced by its schedule.
            .filter(|i| i.is_maintenance() || !i.facts.entries.is_empty())
            .collect();
        incidents.sort_by(|a, b| (b.sort_at(), b.id()).cmp(&(a.sort_at(), a.id())));
        Self {
            config,
            now,
            incidents,
        }
    }

    /// The current status of every component, in configuration order.
    pub fn component_statuses(&self) -> BTreeMap<String, ComponentStatus> {
        let mut out: BTreeMap<String, ComponentStatus> = self
            .config
            .components
            .iter()
            .map(|c| (c.id.clone(), ComponentStatus::Operational))
            .collect();
        for i in self.incidents.iter().filter(|i| i.is_open()) {
            for (id, status) in &i.facts.state.components {
                if let Some(current) = out.get_mut(id) {
                    *current = (*current).max(*status);
                }
            }
        }
        out
    }

    /// Statuspage's page indicator: the worst of the components' statuses,
    /// the active incidents' impact and maintenance in progress.
    pub fn indicator(&self) -> Indicator {
        let components = self.component_statuses().into_values().map(Indicator::from);
        let incidents = self
            .incidents
            .iter()
            .filter(|i| matches!(i.lifecycle, Lifecycle::Active | Lifecycle::InProgress))
            .map(|i| i.impact_now);
        components.chain(incidents).max().unwrap_or(Indicator::None)
    }

    pub fn active(&self) -> impl Iterator<Item = &PublicIncident<'a>> {
        self.incidents
            .iter()
            .filter(|i| i.lifecycle == Lifecycle::Active)
    }

    /// Every incident and maintenance that names `component` publicly,
    /// newest first.
    pub fn touching<'s>(
        &'s self,
        component: &'s str,
    ) -> impl Iterator<Item = &'s PublicIncident<'a>> {
        self.incidents
            .iter()
            .filter(move |i| i.components.iter().any(|(id, _)| *id == component))
    }

    pub fn maintenance(&self, lifecycle: Lifecycle) -> Vec<&PublicIncident<'a>> {
        let mut out: Vec<_> = self
            .incidents
            .iter()
            .filter(|i| i.is_maintenance() && i.lifecycle == lifecycle)
            .collect();
        // Soonest first.
        out.sort_by_key(|i| i.sort_at());
        out
    }
}

fn public_incident<'a>(
    incident: &'a Incident,
    config: &'a Config,
    now: Timestamp,
) -> PublicIncident<'a> {
    let facts = incident.facts(View::Public, now);
    let maintenance = incident.declaration.kind == Kind::Maintenance;
    let schedule = incident.schedule(&facts, now);
    let status = schedule.status(facts.state.status);
    let lifecycle = match (maintenance, status) {
        (false, Some(s)) if s.is_final() => Lifecycle::Resolved,
        (false, _) => Lifecycle::Active,
        (true, Some(Status::Completed | Status::Cancelled)) => Lifecycle::Completed,
        (true, Some(Status::InProgress | Status::Verifying)) => Lifecycle::InProgress,
        (true, _) => Lifecycle::Upcoming,
    };
    let impact_of = |severity: Option<crate::model::Severity>| {
        if maintenance {
            Indicator::Maintenance
        } else {
            severity.map_or(Indicator::None, |s| {
                Indicator::from(config.policy(s).impact)
            })
        }
    };
    let impact = impact_of(facts.peak_severity);
    let impact_now = impact_of(facts.state.severity);
    let named: Vec<&str> = incident
        .declaration
        .components
        .iter()
        .chain(facts.entries.iter().flat_map(|u| u.components.keys()))
        .map(String::as_str)
        .collect();
    let components = config
        .components
        .iter()
        .filter(|c| named.contains(&c.id.as_str()))
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    // Published, and by now (a page as of an earlier time has none yet).
    let report = incident
        .postmortem
        .as_ref()
        .filter(|pm| pm.status == PostmortemStatus::Published)
        .filter(|pm| pm.published_at.is_none_or(|t| t <= now))
        .and_then(|pm| pm.customer_report.as_ref());
    PublicIncident {
        id: &incident.id,
        declaration: &incident.declaration,
        facts,
        report,
        lifecycle,
        status: status.unwrap_or(Status::Scheduled),
        impact,
        impact_now,
        components,
        away: None,
    }
}
