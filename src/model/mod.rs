//! The typed model. It knows nothing of files, templates, the network or the
//! CLI: `check` builds it from parsed documents, and everything downstream
//! reads it.

pub mod amend;
pub(crate) mod cadence;
pub mod changes;
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
    /// off the site, and off the notices, until the next run. Only the
    /// entries `view` sees count: an internal one must not move the time a
    /// public page says it was made.
    pub fn now_counting_entries(&self, now: jiff::Timestamp, view: View) -> jiff::Timestamp {
        let horizon = now
            .checked_add(crate::clock::SKEW.as_signed())
            .unwrap_or(now);
        self.incidents
            .iter()
            .flat_map(|i| i.recorded_times(view))
            .filter(|t| *t <= horizon)
            .fold(now, jiff::Timestamp::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry counts up to the skew ahead of the clock and not beyond;
    /// for the public view, only entries it may show.
    #[test]
    fn now_counts_the_entries_a_view_sees_up_to_the_skew() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let files = crate::repo::Files::on_disk(&root);
        let mut repo = crate::check::check(&files).unwrap().repository.unwrap();
        let latest = repo
            .incidents
            .iter()
            .flat_map(|i| i.recorded_times(View::Internal))
            .max()
            .unwrap();
        let now = latest
            .checked_add(jiff::SignedDuration::from_hours(1))
            .unwrap();
        assert_eq!(repo.now_counting_entries(now, View::Internal), now);
        let at = |seconds: i64| {
            now.checked_add(jiff::SignedDuration::from_secs(seconds))
                .unwrap()
        };
        let skew = crate::clock::SKEW.as_signed().as_secs();
        let public = repo.incidents.iter().position(Incident::is_public).unwrap();
        let entry = |at, message: Option<&str>| Update {
            at,
            message: message.map(str::to_string),
            ..repo.incidents[public].updates[0].clone()
        };
        let (internal, beyond, within) = (
            entry(at(skew), None),
            entry(at(skew + 1), Some("Too far ahead.")),
            entry(at(30), Some("A moment ahead.")),
        );
        repo.incidents[public].updates.extend([internal, beyond]);
        assert_eq!(repo.now_counting_entries(now, View::Public), now);
        assert_eq!(repo.now_counting_entries(now, View::Internal), at(skew));
        repo.incidents[public].updates.push(within);
        assert_eq!(repo.now_counting_entries(now, View::Public), at(30));
    }
}
