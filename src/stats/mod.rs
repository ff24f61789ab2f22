//! `incident stats`: how the practice went, per severity and per month.
//! Pure: the model and "now" in, numbers out. Internal only — nothing here
//! is part of the public site.
//!
//! Times are in minutes from when impact began (`started_at`, else
//! `detected_at`, else `declared_at`): to detect (started → detected), to
//! declare (detected → declared), to mitigate (→ the post-mortem's
//! `mitigated_at`, else the first `monitoring` update, else the
//! resolution), to resolve. Medians and p90 (nearest rank), with n.

pub mod format;
pub mod uptime;

use crate::check::rules::{CADENCE_BLACK_HOLE, CADENCE_LATE, Rule};
use crate::model::cadence::Gap;
use crate::model::{Config, Duration, Incident, Kind, Severity};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// A distribution of durations in minutes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    /// Said in the JSON, which readers take without the docs.
    pub unit: &'static str,
}

impl Summary {
    pub fn of(mut minutes: Vec<f64>) -> Self {
        minutes.sort_by(f64::total_cmp);
        let n = minutes.len();
        let median = (n > 0).then(|| {
            if n % 2 == 1 {
                minutes[n / 2]
            } else {
                (minutes[n / 2 - 1] + minutes[n / 2]) / 2.0
            }
        });
        // Nearest rank: the smallest value at or above 90 % of the values.
        let p90 = (n > 0).then(|| minutes[(n * 9).div_ceil(10) - 1]);
        Self {
            n,
            median,
            p90,
            unit: "minutes",
        }
    }
}

/// How many of n were on time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub on_time: usize,
    pub n: usize,
}

impl Share {
    fn add(&mut self, on_time: bool) {
        self.n += 1;
        self.on_time += usize::from(on_time);
    }

    fn merge(&mut self, other: Share) {
        self.n += other.n;
        self.on_time += other.on_time;
    }

    pub fn percent(self) -> Option<f64> {
        (self.n > 0).then(|| 100.0 * self.on_time as f64 / self.n as f64)
    }
}

/// The metrics of a group of incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// "sev1", "2026-11" or "all".
    pub key: String,
    pub count: usize,
    pub detect: Summary,
    pub declare: Summary,
    pub mitigate: Summary,
    pub resolve: Summary,
    /// Stakeholder updates within the cadence and the promised time.
    pub cadence: Share,
    /// Required post-mortems published by their due day (those published
    /// or past due).
    pub postmortems: Share,
    /// Action items past their due day that are done. The files record no
    /// completion date, so a done item counts as done on time.
    pub actions: Share,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub since: Option<Date>,
    pub now: Timestamp,
    pub all: Row,
    pub by_severity: Vec<Row>,
    pub by_month: Vec<Row>,
}

/// The numbers of one incident, before grouping.
struct Measured {
    severity: Option<Severity>,
    month: String,
    detect: Option<f64>,
    declare: Option<f64>,
    mitigate: Option<f64>,
    resolve: Option<f64>,
    cadence: Share,
    postmortem: Share,
    actions: Share,
}

/// An interval of the model (`Facts`) in minutes, so a median here never
/// disagrees with the duration a page shows.
fn minutes(interval: Duration) -> f64 {
    interval.as_minutes() as f64
}

/// A late gap whose closing update exempts each rule it breaks: people
/// agreed on the reason, so it counts neither as on time nor as late, as
/// `validate` reports no finding for it.
fn exempted(incident: &Incident, gap: &Gap) -> bool {
    let exempts = |rule: &Rule| {
        incident.updates[gap.update]
            .exempt
            .0
            .iter()
            .any(|e| e.rule == rule.id)
    };
    !gap.on_time()
        && (!gap.breaks_cadence() || exempts(&CADENCE_BLACK_HOLE))
        && (!gap.breaks_promise() || exempts(&CADENCE_LATE))
}

fn measure(incident: &Incident, config: &Config, today: Date) -> Measured {
    let tz = config.timezone();
    let d = &incident.declaration;
    let facts = incident.internal_facts();
    let mut cadence = Share::default();
    for gap in incident.gaps(config) {
        if !exempted(incident, &gap) {
            cadence.add(gap.on_time());
        }
    }
    let mut postmortem = Share::default();
    if let Some(due) = incident.postmortem_due(config) {
        let published = incident
            .postmortem
            .as_ref()
            .and_then(|p| p.published_at)
            .map(|t| t.to_zoned_datetime(tz.clone()).date());
        match published {
            Some(day) => postmortem.add(day <= due),
            None if today > due => postmortem.add(false),
            None => {}
        }
    }
    let mut actions = Share::default();
    for item in incident.postmortem.iter().flat_map(|p| &p.action_items) {
        if item.due.is_some_and(|due| today > due) {
            actions.add(item.done);
        }
    }
    Measured {
        severity: facts.peak_severity,
        month: d
            .declared_at
            .to_zoned_datetime(tz)
            .strftime("%Y-%m")
            .to_string(),
        detect: facts.time_to_detect(d).map(minutes),
        declare: facts.time_to_declare(d).map(minutes),
        mitigate: facts.time_to_mitigate().map(minutes),
        resolve: facts.duration().map(minutes),
        cadence,
        postmortem,
        actions,
    }
}

fn row(key: String, group: &[&Measured]) -> Row {
    let summary =
        |f: fn(&Measured) -> Option<f64>| Summary::of(group.iter().filter_map(|m| f(m)).collect());
    let share = |f: fn(&Measured) -> Share| {
        let mut total = Share::default();
        for m in group {
            total.merge(f(m));
        }
        total
    };
    Row {
        key,
        count: group.len(),
        detect: summary(|m| m.detect),
        declare: summary(|m| m.declare),
        mitigate: summary(|m| m.mitigate),
        resolve: summary(|m| m.resolve),
        cadence: share(|m| m.cadence),
        postmortems: share(|m| m.postmortem),
        actions: share(|m| m.actions),
    }
}

/// The metrics of the incidents (not maintenance) declared on or after
/// `since` (a day in the site's time zone).
pub fn compute(
    incidents: &[Incident],
    config: &Config,
    since: Option<Date>,
    now: Timestamp,
) -> Stats {
    let tz = config.timezone();
    let today = now.to_zoned_datetime(tz.clone()).date();
    let measured: Vec<Measured> = incidents
        .iter()
        .filter(|i| i.declaration.kind == Kind::Incident)
        .filter(|i| {
            since.is_none_or(|day| {
                i.declaration
                    .declared_at
                    .to_zoned_datetime(tz.clone())
                    .date()
                    >= day
            })
        })
        .map(|i| measure(i, config, today))
        .collect();
    let all: Vec<&Measured> = measured.iter().collect();
    let mut by_severity: BTreeMap<String, Vec<&Measured>> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Vec<&Measured>> = BTreeMap::new();
    for m in &measured {
        let severity = m.severity.map_or("none", |s| s.as_str()).to_string();
        by_severity.entry(severity).or_default().push(m);
        by_month.entry(m.month.clone()).or_default().push(m);
    }
    Stats {
        since,
        now,
        all: row("all".into(), &all),
        by_severity: by_severity.into_iter().map(|(k, g)| row(k, &g)).collect(),
        by_month: by_month.into_iter().map(|(k, g)| row(k, &g)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p90_by_nearest_rank() {
        let s = Summary::of(vec![120.0, 45.0, 50.0]);
        assert_eq!((s.n, s.median, s.p90), (3, Some(50.0), Some(120.0)));
        let s = Summary::of(vec![10.0, 30.0]);
        assert_eq!((s.median, s.p90), (Some(20.0), Some(30.0)));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(Summary::of(ten).p90, Some(9.0));
        let eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(Summary::of(eleven).p90, Some(10.0));
        assert_eq!(
            Summary::of(vec![]),
            Summary {
                n: 0,
                median: None,
                p90: None,
                unit: "minutes",
            }
        );
    }

    #[test]
    fn a_share_is_a_percentage_when_there_is_something_to_count() {
        let mut s = Share::default();
        assert_eq!(s.percent(), None);
        s.add(true);
        s.add(false);
        s.add(true);
        s.add(true);
        assert_eq!(s.percent(), Some(75.0));
    }
}
