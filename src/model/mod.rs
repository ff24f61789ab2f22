//! The typed model. It knows nothing of files, templates, the network or the
//! CLI: `check` builds it from parsed documents, and everything downstream
//! reads it.

pub mod amend;
pub(crate) mod cadence;
pub mod config;
pub mod duration;
pub(crate) mod exempt;
pub mod facts;
pub(crate) mod imported;
pub mod incident;
pub mod postmortem;
pub(crate) mod state;
pub mod vocab;

pub use config::{Config, Policy};
pub use duration::Duration;
pub use facts::{Entry, Facts, Schedule, View};
pub use incident::{Declaration, Incident, Update};
pub use postmortem::Postmortem;
pub use state::{Phase, State};
pub use vocab::{ComponentStatus, Indicator, Kind, Severity, Status, Visibility};

/// An incident repository, as read: the configuration and every incident, in
/// id order.
#[derive(Debug, Clone)]
pub struct Repository {
    /// incidentkit.yaml.
    pub config: Config,
    /// Sorted by id, which starts with the declared date.
    pub incidents: Vec<Incident>,
}

impl Repository {
    /// The clock's `now`, or the latest time an entry records when that is
    /// ahead of the clock by no more than a check allows (`clock::SKEW`):
    /// two commands in one second put the second entry a second ahead, and
    /// a writer's clock may run a little ahead of the machine that builds.
    /// What is published as of now counts every entry written so: as of the
    /// clock alone, an update written and built in the same second was left
    /// off the site, and off the notices, until the next run.
    pub fn now_counting_entries(&self, now: jiff::Timestamp) -> jiff::Timestamp {
        let horizon = now
            .checked_add(crate::clock::SKEW.as_signed())
            .unwrap_or(now);
        self.incidents
            .iter()
            .flat_map(Incident::recorded_times)
            .filter(|t| *t <= horizon)
            .fold(now, jiff::Timestamp::max)
    }
}
