//! The stakeholder-update cadence: the stretches between updates while an
//! incident is open, and when the next update is due. The cadence rules and
//! `incident stats` read the same stretches; `incident list` the same due time.

use super::config::Config;
use super::duration::Duration;
use super::incident::Incident;
use super::vocab::{Kind, Severity};
use jiff::Timestamp;

/// From one stakeholder update (or the declaration) to the next, while open.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub from: Timestamp,
    pub to: Timestamp,
    /// Index in `Incident::updates` of the update that ends the gap.
    pub update: usize,
    /// The severity in force when the gap began, and its cadence.
    pub severity: Severity,
    pub cadence: Duration,
    /// The `next_update_at` the update that began the gap promised.
    pub promised: Option<Timestamp>,
}

impl Gap {
    pub fn length(&self) -> Duration {
        Duration::from(self.to.duration_since(self.from))
    }

    /// Longer than the cadence of the severity in force.
    pub fn breaks_cadence(&self) -> bool {
        self.length() > self.cadence
    }

    /// Later than promised.
    pub fn breaks_promise(&self) -> bool {
        self.promised.is_some_and(|p| self.to > p)
    }

    /// Neither longer than the cadence nor later than promised.
    pub fn on_time(&self) -> bool {
        !self.breaks_cadence() && !self.breaks_promise()
    }
}

impl Incident {
    /// The gaps between stakeholder updates (those with a public message) of
    /// an incident, from the declaration on, while it is not resolved.
    /// Maintenance follows its schedule, not a cadence: no gaps.
    pub fn gaps(&self, config: &Config) -> Vec<Gap> {
        if self.declaration.kind != Kind::Incident {
            return Vec::new();
        }
        let mut gaps = Vec::new();
        // The severity in force, folded as `state_at` does, in one pass.
        let mut severity = self.declaration.severity;
        let mut open: Option<(Timestamp, Option<Timestamp>, Option<Severity>)> =
            Some((self.declaration.declared_at, None, severity));
        for (i, update) in self.updates.iter().enumerate() {
            severity = update.severity.or(severity);
            if !update.is_public() {
                continue;
            }
            if let Some((from, promised, Some(severity))) = open {
                gaps.push(Gap {
                    from,
                    to: update.at,
                    update: i,
                    severity,
                    cadence: config.policy(severity).update_every,
                    promised,
                });
            }
            open =
                (!update.status.is_final()).then_some((update.at, update.next_update_at, severity));
        }
        gaps
    }

    /// When the next stakeholder update is due, if the incident is open: the
    /// time the last one promised, else the last one (or the declaration)
    /// plus the cadence of the severity in force. Maintenance: only a promise.
    pub fn next_update_due(&self, config: &Config) -> Option<Timestamp> {
        let state = self.current();
        if state.resolved_at.is_some() {
            return None;
        }
        let last = self
            .updates
            .iter()
            .rev()
            .find(|u| u.is_public())
            .map_or(self.declaration.declared_at, |u| u.at);
        // A promise not after its update is a mistake of its own
        // (timeline/next-update); the cadence stands in for it.
        let promise = state.next_update_at.filter(|next| *next > last);
        if promise.is_some() || self.declaration.kind != Kind::Incident {
            return promise;
        }
        let cadence = config.policy(state.severity?).update_every;
        last.checked_add(cadence.as_signed()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Declaration, Update};

    fn config() -> Config {
        serde_yaml::from_str("site: {name: x}\ncomponents: [{id: a, name: A}]\n").unwrap()
    }

    fn incident(updates: &[&str]) -> Incident {
        let declaration: Declaration = serde_yaml::from_str(
            "title: Down\nseverity: sev1\ndeclared_at: 2026-11-26T10:00:00Z\n",
        )
        .unwrap();
        Incident {
            id: "2026-11-26-down".into(),
            declaration,
            updates: updates
                .iter()
                .map(|u| serde_yaml::from_str::<Update>(u).unwrap())
                .collect(),
            postmortem: None,
            amendments: Default::default(),
        }
    }

    #[test]
    fn gaps_follow_the_severity_in_force_and_stop_at_resolution() {
        let i = incident(&[
            "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\nnext_update_at: 2026-11-26T10:20:00Z\n",
            "at: 2026-11-26T10:10:00Z\nstatus: investigating\nauthor: x\ninternal_note: not a stakeholder update\n",
            "at: 2026-11-26T10:52:00Z\nstatus: identified\nmessage: b\nauthor: x\nseverity: sev2\n",
            "at: 2026-11-26T11:40:00Z\nstatus: resolved\nmessage: c\nauthor: x\n",
            "at: 2026-11-26T18:00:00Z\nstatus: resolved\nmessage: d\nauthor: x\n",
        ]);
        let gaps = i.gaps(&config());
        let summary: Vec<(i64, Severity, bool, bool)> = gaps
            .iter()
            .map(|g| {
                (
                    g.length().as_minutes(),
                    g.severity,
                    g.breaks_cadence(),
                    g.breaks_promise(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (5, Severity::Sev1, false, false),
                (47, Severity::Sev1, true, true),
                (48, Severity::Sev2, false, false),
            ]
        );
        assert_eq!(gaps[1].update, 2);
        assert_eq!(i.next_update_due(&config()), None);
    }

    #[test]
    fn the_next_update_is_due_when_promised_or_after_the_cadence() {
        let promised = incident(&[
            "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\nnext_update_at: 2026-11-26T10:30:00Z\n",
        ]);
        assert_eq!(
            promised.next_update_due(&config()),
            Some("2026-11-26T10:30:00Z".parse().unwrap())
        );
        let silent =
            incident(&["at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: a\nauthor: x\n"]);
        assert_eq!(
            silent.next_update_due(&config()),
            Some("2026-11-26T10:20:00Z".parse().unwrap())
        );
        assert_eq!(
            incident(&[]).next_update_due(&config()),
            Some("2026-11-26T10:15:00Z".parse().unwrap())
        );
    }
}
