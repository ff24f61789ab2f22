//! The state of an incident at any moment: a fold over its updates in time
//! order. The declaration holds what is true from the start; each update
//! holds only what changed.

use super::changes::Changes;
use super::config::Config;
use super::incident::{Declaration, Incident, Update, UpdateImpact};
use super::postmortem::PostmortemStatus;
use super::vocab::{ComponentStatus, Kind, Severity, Status};
use jiff::Timestamp;

/// What is in force at one moment of an incident.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// None before the first update.
    pub status: Option<Status>,
    /// The declared severity, or the latest an update set.
    pub severity: Option<Severity>,
    /// Component id → its latest status, for every component named so far.
    pub components: Changes,
    /// The impact stated last while open (none once resolved: the impact
    /// of the whole incident is `Facts::impact`).
    pub impact: Option<Box<UpdateImpact>>,
    /// When the latest update was posted; `None` before the first.
    pub last_update_at: Option<Timestamp>,
    /// When the last stakeholder update promised the next (`None`: no promise).
    pub next_update_at: Option<Timestamp>,
    /// When the latest final (resolved/completed) update was posted, if the
    /// incident is currently closed.
    pub resolved_at: Option<Timestamp>,
}

/// Derived, never written: response until resolved, learning until the
/// post-mortem is published and its action items are done, then closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "lowercase")]
pub enum Phase {
    /// Not resolved yet.
    Response,
    /// Resolved; the post-mortem or its action items are still owed.
    Learning,
    /// Nothing owed.
    Closed,
}

impl Phase {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl State {
    /// The fold over `entries` (in time order) of an incident declared as
    /// `declaration`. Impact is what is happening now: none once resolved.
    pub fn fold<'a>(
        declaration: &Declaration,
        entries: impl IntoIterator<Item = &'a Update>,
    ) -> State {
        let mut state = State {
            status: None,
            severity: declaration.severity,
            components: Changes::new(),
            impact: None,
            last_update_at: None,
            next_update_at: None,
            resolved_at: None,
        };
        // The impact in force while open: a reopening entry that states
        // none brings it back (the resolution cleared it).
        let mut open_impact: Option<&Box<UpdateImpact>> = None;
        for update in entries {
            state.status = Some(update.status);
            state.severity = update.severity.or(state.severity);
            for (id, status) in &update.components {
                state.components.insert(id.clone(), *status);
            }
            if let Some(impact) = &update.impact {
                state.impact = Some(impact.clone());
            } else if update.reopen {
                state.impact = open_impact.cloned();
            }
            if !update.status.is_final() {
                open_impact = update.impact.as_ref().or(open_impact);
            }
            state.last_update_at = Some(update.at);
            // An internal log entry (a decision, a note) is not a stakeholder
            // update: the promise of the last public update still stands.
            if update.is_public() || update.next_update_at.is_some() {
                state.next_update_at = update.next_update_at;
            }
            state.resolved_at = update.status.is_final().then_some(update.at);
            if update.status.is_final() {
                state.impact = None;
                // Every component's trouble ends at the resolution, whether
                // or not the resolving entry names it.
                for status in state.components.values_mut() {
                    *status = ComponentStatus::Operational;
                }
            }
        }
        state
    }
}

impl Incident {
    /// The state after every update posted at or before `at`.
    pub fn state_at(&self, at: Timestamp) -> State {
        State::fold(
            &self.declaration,
            self.updates.iter().take_while(|u| u.at <= at),
        )
    }

    /// The state after the last update.
    pub fn current(&self) -> State {
        self.updates.last().map_or_else(
            || self.state_at(self.declaration.declared_at),
            |u| self.state_at(u.at),
        )
    }

    /// Whether the last update leaves the incident closed (resolved or completed).
    pub fn is_resolved(&self) -> bool {
        self.current().resolved_at.is_some()
    }

    /// The incident without its prose and people, for what only needs its
    /// state and title (`current`, `phase`, `next_update_due`; `incident
    /// list` keeps thousands of them): texts of messages and notes emptied
    /// (which entries are public stays), no impact, decision or summary
    /// texts, no channel, roles, authors or owners, no components nor when
    /// impact started or was detected (no state depends on them), and of the
    /// post-mortem its status, dates and action items without their titles.
    pub fn state_only(mut self) -> Self {
        let declaration = &mut self.declaration;
        declaration.summary = None;
        declaration.channel = None;
        declaration.roles = Default::default();
        declaration.components = Vec::new();
        declaration.started_at = None;
        declaration.detected_at = None;
        for update in &mut self.updates {
            update.components = Default::default();
            update.author.clear();
            update.message.iter_mut().for_each(String::clear);
            update
                .message_translations
                .values_mut()
                .for_each(String::clear);
            update.internal_note.iter_mut().for_each(String::clear);
            update.impact = None;
            update.decision = None;
        }
        if let Some(pm) = &mut self.postmortem {
            pm.clear_analysis();
            pm.customer_report = None;
            pm.authors.clear();
            for item in &mut pm.action_items {
                item.title.clear();
                item.owner = None;
            }
        }
        self
    }

    /// The incident as the public site sees it, `None` when it is not
    /// public: its public entries without internal notes and decisions, and
    /// of the post-mortem only its status, publication and customer report;
    /// nothing the site does not show (who wrote an entry, the impact it
    /// states: the page's impact is the severity's, the roles, channel and
    /// summary, exemptions). A site built from it is the site built from
    /// the whole incident (a test holds them equal), and a build holds far
    /// less: small allocations of every update of every incident. For
    /// `render::site` alone: the external update and notify read the
    /// impact and need the whole model.
    pub fn public_only(mut self) -> Option<Self> {
        if !self.is_public() {
            return None;
        }
        let d = &mut self.declaration;
        d.roles = Default::default();
        d.channel = None;
        d.summary = None;
        d.exempt = Default::default();
        // The public view folds public entries only (`View::Public`).
        self.updates.retain(Update::is_public);
        self.updates.shrink_to_fit();
        for update in &mut self.updates {
            update.internal_note = None;
            update.decision = None;
            update.impact = None;
            update.author = String::new();
            update.exempt = Default::default();
            // The parser grew each message as it read it: kept for the
            // whole build, they hold their length only.
            update.message.iter_mut().for_each(String::shrink_to_fit);
        }
        if let Some(pm) = &mut self.postmortem {
            pm.clear_analysis();
            pm.due = None;
            pm.authors.clear();
            pm.mitigated_at = None;
            pm.action_items.clear();
            pm.exempt = Default::default();
        }
        Some(self)
    }

    /// The phase after the last update, under `config`'s policy.
    pub fn phase(&self, config: &Config) -> Phase {
        if !self.is_resolved() {
            return Phase::Response;
        }
        let required = self.declaration.kind == Kind::Incident
            && self
                .internal_facts()
                .policy(config)
                .is_some_and(|p| p.postmortem.is_required());
        match &self.postmortem {
            None if required => Phase::Learning,
            None => Phase::Closed,
            Some(pm) => {
                let published = pm.status == PostmortemStatus::Published;
                if published && pm.action_items.iter().all(|a| a.done) {
                    Phase::Closed
                } else {
                    Phase::Learning
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Declaration, Update};

    fn incident(updates: &[&str]) -> Incident {
        let declaration: Declaration = serde_yaml::from_str(
            "title: Checkout down\nseverity: sev1\ndeclared_at: 2026-11-26T10:00:00Z\n",
        )
        .unwrap();
        let updates = updates
            .iter()
            .map(|u| serde_yaml::from_str::<Update>(u).unwrap())
            .collect();
        Incident {
            id: "2026-11-26-checkout-down".into(),
            declaration,
            updates,
            postmortem: None,
            amendments: Default::default(),
        }
    }

    #[test]
    fn a_reopening_entry_brings_the_impact_back_unless_it_states_one() {
        let open = "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\nimpact: {summary: EU cannot pay}\n";
        let resolved = "at: 2026-11-26T10:30:00Z\nstatus: resolved\nmessage: b\nauthor: x\nimpact: {summary: what it was}\n";
        let summary = |i: &Incident| i.current().impact.and_then(|i| i.summary);
        let reopened = incident(&[
            open,
            resolved,
            "at: 2026-11-26T11:00:00Z\nstatus: investigating\nmessage: c\nauthor: x\nreopen: true\n",
        ]);
        assert_eq!(summary(&reopened).as_deref(), Some("EU cannot pay"));
        assert_eq!(summary(&incident(&[open, resolved])), None);
        let restated = incident(&[
            open,
            resolved,
            "at: 2026-11-26T11:00:00Z\nstatus: investigating\nmessage: c\nauthor: x\nreopen: true\nimpact: {summary: US too}\n",
        ]);
        assert_eq!(summary(&restated).as_deref(), Some("US too"));
    }

    #[test]
    fn every_component_is_operational_once_resolved() {
        let i = incident(&[
            "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\ncomponents: {checkout: major_outage, api: degraded_performance}\n",
            "at: 2026-11-26T10:30:00Z\nstatus: resolved\nmessage: b\nauthor: x\n",
        ]);
        let now = i.current();
        assert_eq!(now.components["checkout"], ComponentStatus::Operational);
        assert_eq!(now.components["api"], ComponentStatus::Operational);
        let before = i.state_at("2026-11-26T10:10:00Z".parse().unwrap());
        assert_eq!(before.components["checkout"], ComponentStatus::MajorOutage);
    }

    #[test]
    fn the_fold_keeps_the_latest_value_of_each_field() {
        let i = incident(&[
            "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\nimpact: {summary: EU cannot pay}\ncomponents: {checkout: major_outage, api: degraded_performance}\nnext_update_at: 2026-11-26T10:20:00Z\n",
            "at: 2026-11-26T10:10:00Z\nstatus: identified\nauthor: x\ndecision: {options: [{id: A, summary: rollback}], chosen: A, rationale: fastest}\n",
            "at: 2026-11-26T10:15:00Z\nstatus: monitoring\nmessage: b\nauthor: x\nseverity: sev2\ncomponents: {checkout: operational}\nnext_update_at: 2026-11-26T11:15:00Z\n",
        ]);
        let at_decision = i.state_at("2026-11-26T10:12:00Z".parse().unwrap());
        assert_eq!(at_decision.status, Some(Status::Identified));
        assert_eq!(
            at_decision.next_update_at,
            Some("2026-11-26T10:20:00Z".parse().unwrap()),
            "a decision (internal entry) keeps the last public promise"
        );
        let now = i.current();
        assert_eq!(now.severity, Some(Severity::Sev2));
        assert_eq!(now.components["checkout"], ComponentStatus::Operational);
        assert_eq!(now.components["api"], ComponentStatus::DegradedPerformance);
        assert_eq!(
            now.impact.and_then(|i| i.summary).as_deref(),
            Some("EU cannot pay")
        );
        assert_eq!(now.resolved_at, None);
        assert_eq!(
            i.state_at("2026-11-26T10:01:00Z".parse().unwrap()).status,
            None
        );
    }
}
