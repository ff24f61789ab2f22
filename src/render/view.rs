//! What the public may see, at one moment: public incidents only, public
//! updates only (those with a message), nothing posted after "now".

use crate::model::vocab::Impact;
use crate::model::{ComponentStatus, Config, Incident, Kind, Repository, State, Status, Update};
use jiff::Timestamp;
use std::collections::BTreeMap;

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
    pub incident: &'a Incident,
    pub state: State,
    /// Updates with a message, posted at or before now, oldest first.
    pub updates: Vec<&'a Update>,
    pub lifecycle: Lifecycle,
    /// Statuspage's impact word: none, minor, major, critical, maintenance.
    pub impact: &'static str,
    /// (id, name) of every component the incident names, in configuration order.
    pub components: Vec<(String, String)>,
}

impl PublicIncident<'_> {
    pub fn id(&self) -> &str {
        &self.incident.id
    }

    pub fn title(&self) -> &str {
        &self.incident.declaration.title
    }

    pub fn is_maintenance(&self) -> bool {
        self.incident.declaration.kind == Kind::Maintenance
    }

    pub fn is_open(&self) -> bool {
        matches!(
            self.lifecycle,
            Lifecycle::Active | Lifecycle::InProgress | Lifecycle::Upcoming
        )
    }

    /// When it began as far as the public page is concerned.
    pub fn created_at(&self) -> Timestamp {
        self.incident.declaration.declared_at
    }

    /// For history: when the maintenance was planned for, or when the
    /// incident was declared.
    pub fn sort_at(&self) -> Timestamp {
        self.incident
            .declaration
            .scheduled_for
            .filter(|_| self.is_maintenance())
            .unwrap_or(self.incident.declaration.declared_at)
    }

    /// The customer report, once the post-mortem is published.
    pub fn customer_report(&self) -> Option<&crate::model::postmortem::CustomerReport> {
        let pm = self.incident.postmortem.as_ref()?;
        if pm.status != crate::model::postmortem::PostmortemStatus::Published {
            return None;
        }
        pm.customer_report.as_ref()
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
        let config = &repo.config;
        let mut incidents: Vec<PublicIncident<'a>> = repo
            .incidents
            .iter()
            .filter(|i| i.is_public() && i.declaration.declared_at <= now)
            .map(|i| public_incident(i, config, now))
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
            for (id, status) in &i.state.components {
                if let Some(current) = out.get_mut(id) {
                    *current = (*current).max(*status);
                }
            }
        }
        out
    }

    /// Statuspage's page indicator: none, minor, major, critical, maintenance.
    pub fn indicator(&self) -> &'static str {
        let worst_component = self
            .component_statuses()
            .values()
            .copied()
            .max()
            .unwrap_or(ComponentStatus::Operational);
        let from_components = match worst_component {
            ComponentStatus::MajorOutage => 3,
            ComponentStatus::PartialOutage => 2,
            ComponentStatus::DegradedPerformance => 1,
            _ => 0,
        };
        let from_incidents = self
            .incidents
            .iter()
            .filter(|i| i.lifecycle == Lifecycle::Active)
            .map(|i| match i.impact {
                "critical" => 3,
                "major" => 2,
                "minor" => 1,
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        match from_components.max(from_incidents) {
            3 => "critical",
            2 => "major",
            1 => "minor",
            _ if worst_component == ComponentStatus::UnderMaintenance
                || self
                    .incidents
                    .iter()
                    .any(|i| i.lifecycle == Lifecycle::InProgress) =>
            {
                "maintenance"
            }
            _ => "none",
        }
    }

    pub fn active(&self) -> impl Iterator<Item = &PublicIncident<'a>> {
        self.incidents
            .iter()
            .filter(|i| i.lifecycle == Lifecycle::Active)
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

/// Statuspage's words for the page indicator.
pub fn indicator_description(indicator: &str) -> &'static str {
    match indicator {
        "critical" => "Major System Outage",
        "major" => "Partial System Outage",
        "minor" => "Minor Service Outage",
        "maintenance" => "Service Under Maintenance",
        _ => "All Systems Operational",
    }
}

fn public_incident<'a>(
    incident: &'a Incident,
    config: &Config,
    now: Timestamp,
) -> PublicIncident<'a> {
    let state = incident.state_at(now);
    let posted: Vec<&Update> = incident.updates.iter().filter(|u| u.at <= now).collect();
    let updates = posted.iter().copied().filter(|u| u.is_public()).collect();
    let maintenance = incident.declaration.kind == Kind::Maintenance;
    let lifecycle = match (maintenance, state.status) {
        (false, Some(s)) if s.is_final() => Lifecycle::Resolved,
        (false, _) => Lifecycle::Active,
        (true, Some(Status::Completed)) => Lifecycle::Completed,
        (true, Some(Status::InProgress | Status::Verifying)) => Lifecycle::InProgress,
        (true, _) => Lifecycle::Upcoming,
    };
    let impact = if maintenance {
        "maintenance"
    } else {
        let worst = posted
            .iter()
            .filter_map(|u| u.severity)
            .chain(incident.declaration.severity)
            .min();
        match worst.map(|s| config.policy(s).impact) {
            Some(Impact::Critical) => "critical",
            Some(Impact::Major) => "major",
            Some(Impact::Minor) => "minor",
            _ => "none",
        }
    };
    let mut named: Vec<&str> = incident
        .declaration
        .components
        .iter()
        .map(String::as_str)
        .collect();
    for u in &posted {
        named.extend(u.components.keys().map(String::as_str));
    }
    let components = config
        .components
        .iter()
        .filter(|c| named.contains(&c.id.as_str()))
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    PublicIncident {
        incident,
        state,
        updates,
        lifecycle,
        impact,
        components,
    }
}
