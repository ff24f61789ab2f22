//! The state of an incident at any moment: a fold over its updates in time
//! order. The declaration holds what is true from the start; each update
//! holds only what changed.

use super::config::Config;
use super::incident::Incident;
use super::postmortem::PostmortemStatus;
use super::vocab::{ComponentStatus, Kind, Severity, Status};
use jiff::Timestamp;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// None before the first update.
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    pub components: BTreeMap<String, ComponentStatus>,
    pub last_update_at: Option<Timestamp>,
    pub next_update_at: Option<Timestamp>,
    /// When the latest final (resolved/completed) update was posted, if the
    /// incident is currently closed.
    pub resolved_at: Option<Timestamp>,
}

/// Derived, never written: response until resolved, learning until the
/// post-mortem is published and its action items are done, then closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Response,
    Learning,
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Response => "response",
            Self::Learning => "learning",
            Self::Closed => "closed",
        }
    }
}

impl Incident {
    /// The state after every update posted at or before `at`.
    pub fn state_at(&self, at: Timestamp) -> State {
        let mut state = State {
            status: None,
            severity: self.declaration.severity,
            components: BTreeMap::new(),
            last_update_at: None,
            next_update_at: None,
            resolved_at: None,
        };
        for update in self.updates.iter().take_while(|u| u.at <= at) {
            state.status = Some(update.status);
            state.severity = update.severity.or(state.severity);
            for (id, status) in &update.components {
                state.components.insert(id.clone(), *status);
            }
            state.last_update_at = Some(update.at);
            // An internal log entry (a decision, a note) is not a stakeholder
            // update: the promise of the last public update still stands.
            if update.is_public() || update.next_update_at.is_some() {
                state.next_update_at = update.next_update_at;
            }
            state.resolved_at = update.status.is_final().then_some(update.at);
        }
        state
    }

    /// The state after the last update.
    pub fn current(&self) -> State {
        self.updates.last().map_or_else(
            || self.state_at(self.declaration.declared_at),
            |u| self.state_at(u.at),
        )
    }

    pub fn is_resolved(&self) -> bool {
        self.current().resolved_at.is_some()
    }

    pub fn phase(&self, config: &Config) -> Phase {
        if !self.is_resolved() {
            return Phase::Response;
        }
        let required = self.declaration.kind == Kind::Incident
            && self
                .current()
                .severity
                .is_some_and(|s| config.policy(s).postmortem.is_required());
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
