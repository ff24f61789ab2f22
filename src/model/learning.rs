//! Facts about an incident's course that rules and metrics share: the
//! severity the response ran at, when it was mitigated, when the
//! post-mortem is due.

use super::config::Config;
use super::incident::Incident;
use super::vocab::{Kind, Severity, Status};
use jiff::Timestamp;
use jiff::civil::Date;

impl Incident {
    /// The highest severity the response ran at: declared, or set by an
    /// update that did not end it (one raised on the resolving update had
    /// no response at that severity).
    pub fn worst_severity(&self) -> Option<Severity> {
        self.declaration
            .severity
            .into_iter()
            .chain(
                self.updates
                    .iter()
                    .filter(|u| !u.status.is_final())
                    .filter_map(|u| u.severity),
            )
            .min()
    }

    /// When impact began, as best known: started, else detected, else declared.
    pub fn impact_start(&self) -> Timestamp {
        let d = &self.declaration;
        d.started_at.or(d.detected_at).unwrap_or(d.declared_at)
    }

    /// When service was restored: the post-mortem's `mitigated_at`, else the
    /// first `monitoring` update, else the resolution.
    pub fn mitigated_at(&self) -> Option<Timestamp> {
        self.postmortem
            .as_ref()
            .and_then(|p| p.mitigated_at)
            .or_else(|| {
                self.updates
                    .iter()
                    .find(|u| u.status == Status::Monitoring)
                    .map(|u| u.at)
            })
            .or(self.current().resolved_at)
    }

    /// The day a post-mortem the policy requires is due (the site's time
    /// zone): the post-mortem's `due`, else the policy's delay after the
    /// resolution. `None` when none is required or it is not resolved.
    pub fn postmortem_due(&self, config: &Config) -> Option<Date> {
        let state = self.current();
        let resolved = state.resolved_at?;
        let policy = config.policy(state.severity?);
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
