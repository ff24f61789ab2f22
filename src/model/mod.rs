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
