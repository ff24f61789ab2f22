//! Uptime, computed once: one ledger per component and group, from the
//! component windows of the public facts of each incident (`model::facts`),
//! read by the front page, the component pages and `incident stats --uptime`.
//!
//! The formula (README, "How we count uptime"): per component and minute,
//! a minute counts at the worst status any public incident held the
//! component at during it. `major_outage` is a minute down, `partial_outage`
//! [`PARTIAL_WEIGHT`] of a minute down, `degraded_performance` and
//! `under_maintenance` are up. A group is down when any of its members is
//! (its minute counts at its worst member's status). Minutes before a
//! component's record begins (its `since:` day, else the day of the first
//! public incident or maintenance of the repository) are not counted: the
//! page shows them as "no data", never as 100 %.

use super::locale::Locale;
use super::time::{SiteTime, human_duration};
use super::view::PublicView;
use crate::model::ComponentStatus;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use std::collections::BTreeMap;

/// Days of the bar.
pub const DAYS: i64 = 90;
/// The periods a component page reports.
pub const PERIODS: [i64; 3] = [30, 90, 365];
/// A minute of partial outage counts as this much of a minute down: part of
/// the customers or part of the function fails, so the minute is neither up
/// nor fully down. 0.3 as Atlassian Statuspage and Instatus count it, so
/// our figures compare with theirs.
pub const PARTIAL_WEIGHT: f64 = 0.3;

/// Where the last `days` days up to `now` begin, today included.
pub fn first_of_last(days: i64, now: Timestamp, clock: &SiteTime) -> Timestamp {
    let today = clock.date(now);
    clock.start_of(today.checked_sub((days - 1).days()).unwrap_or(today))
}

/// Where the figures a site shows begin: its longest period (the bars'
/// days and the component pages' periods).
pub fn site_from(now: Timestamp, clock: &SiteTime) -> Timestamp {
    let longest = PERIODS.into_iter().fold(DAYS, i64::max);
    first_of_last(longest, now, clock)
}

/// A stretch of whole minutes `[start, end)` (minutes since the epoch) in
/// which an incident held a component at a status.
#[derive(Debug, Clone)]
struct Interval<'v> {
    start: i64,
    end: i64,
    status: ComponentStatus,
    title: &'v str,
}

/// The record of one component or group.
#[derive(Debug, Clone)]
pub struct Record<'v> {
    pub id: String,
    pub name: String,
    /// A group of components rather than a component.
    pub group: bool,
    /// The first minute with data; `None`: no record at all.
    since: Option<i64>,
    intervals: Vec<Interval<'v>>,
}

/// What a record holds over a period, in minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Minutes with data (the period minus what lies before the record).
    pub minutes: i64,
    /// Weighted: major outage + `PARTIAL_WEIGHT` × partial outage.
    pub down_minutes: f64,
    pub major_outage: i64,
    pub partial_outage: i64,
    pub degraded_performance: i64,
    pub under_maintenance: i64,
}

impl Tally {
    /// Up time over time with data; `None` when there is no data.
    pub fn ratio(&self) -> Option<f64> {
        (self.minutes > 0).then(|| 1.0 - self.down_minutes / self.minutes as f64)
    }

    /// "99.95%", floored so that any downtime never shows as 100.00%;
    /// `None` without data.
    pub fn percent(&self) -> Option<String> {
        self.ratio()
            .map(|r| format!("{:.2}%", (r * 10_000.0).floor() / 100.0))
    }

    fn add(&mut self, status: ComponentStatus, minutes: i64) {
        match status {
            ComponentStatus::MajorOutage => self.major_outage += minutes,
            ComponentStatus::PartialOutage => self.partial_outage += minutes,
            ComponentStatus::DegradedPerformance => self.degraded_performance += minutes,
            ComponentStatus::UnderMaintenance => self.under_maintenance += minutes,
            ComponentStatus::Operational => {}
        }
        self.down_minutes = self.major_outage as f64 + PARTIAL_WEIGHT * self.partial_outage as f64;
    }
}

/// Every component's and group's record, up to now.
#[derive(Debug, Clone)]
pub struct Ledger<'v> {
    now: i64,
    /// Components in configuration order, then groups.
    pub records: Vec<Record<'v>>,
}

fn minute_floor(t: Timestamp) -> i64 {
    t.as_second().div_euclid(60)
}

fn minute_ceil(t: Timestamp) -> i64 {
    (t.as_second() + 59).div_euclid(60)
}

impl<'v> Ledger<'v> {
    /// The one computation of uptime: what each public incident held each
    /// component at, minute by minute, from `from` on (what ended before
    /// cannot change a figure of a period after it: a site reads a year, a
    /// history holds many), and where each record begins.
    pub fn new(view: &'v PublicView<'_>, clock: &SiteTime, from: Timestamp) -> Self {
        let now = minute_floor(view.now);
        let from = minute_floor(from);
        let mut by_component: BTreeMap<&str, Vec<Interval>> = BTreeMap::new();
        for incident in &view.incidents {
            for w in &incident.facts.components {
                let end = minute_ceil(w.until.unwrap_or(view.now)).min(now);
                let start = minute_floor(w.from);
                if end > start && end > from {
                    by_component.entry(w.component).or_default().push(Interval {
                        start,
                        end,
                        status: w.status,
                        title: incident.title(),
                    });
                }
            }
        }
        // The record of the repository begins the day its first public
        // incident or maintenance began.
        let first = view
            .incidents
            .iter()
            .map(|i| i.facts.started.at.min(i.sort_at()))
            .min()
            .map(|t| minute_floor(clock.start_of(clock.date(t))));
        let config = view.config;
        let mut records: Vec<Record> = config
            .components
            .iter()
            .map(|c| Record {
                id: c.id.clone(),
                name: c.name.clone(),
                group: false,
                since: c.since.map(|d| minute_floor(clock.start_of(d))).or(first),
                intervals: by_component.remove(c.id.as_str()).unwrap_or_default(),
            })
            .collect();
        for g in &config.groups {
            let members: Vec<&Record> = records
                .iter()
                .filter(|r| config.component(&r.id).and_then(|c| c.group.as_deref()) == Some(&g.id))
                .collect();
            if members.is_empty() {
                continue;
            }
            let group = Record {
                id: g.id.clone(),
                name: g.name.clone(),
                group: true,
                since: members.iter().filter_map(|m| m.since).min(),
                intervals: members
                    .iter()
                    .flat_map(|m| m.intervals.iter().cloned())
                    .collect(),
            };
            records.push(group);
        }
        Self { now, records }
    }

    pub fn component(&self, id: &str) -> Option<&Record<'v>> {
        self.records.iter().find(|r| !r.group && r.id == id)
    }

    pub fn group(&self, id: &str) -> Option<&Record<'v>> {
        self.records.iter().find(|r| r.group && r.id == id)
    }

    /// What `record` held over `[from, to)`, up to now.
    pub fn tally(&self, record: &Record, from: Timestamp, to: Timestamp) -> Tally {
        let mut tally = Tally::default();
        let Some(since) = record.since else {
            return tally;
        };
        let from = minute_floor(from).max(since);
        let to = minute_floor(to).min(self.now);
        if to <= from {
            return tally;
        }
        tally.minutes = to - from;
        for (status, minutes) in record.segments(from, to) {
            tally.add(status, minutes);
        }
        tally
    }

    /// The last `days` days up to now, today included (site time zone).
    pub fn last_days(&self, record: &Record, clock: &SiteTime, days: i64) -> Tally {
        let now = Timestamp::from_second(self.now * 60).unwrap_or_default();
        self.tally(record, first_of_last(days, now, clock), Timestamp::MAX)
    }

    /// The bar: one day per entry, the last `DAYS` days, today last.
    pub fn bar(&self, record: &Record, clock: &SiteTime) -> Bar {
        let now = Timestamp::from_second(self.now * 60).unwrap_or_default();
        let today = clock.date(now);
        let days = (0..DAYS)
            .rev()
            .filter_map(|back| today.checked_sub(back.days()).ok())
            .map(|date| {
                let (start, end) = (clock.start_of(date), clock.end_of(date));
                let label = clock.when_field(start, "day").unwrap_or_default();
                let tally = self.tally(record, start, end);
                let (level, what) = if tally.minutes == 0 {
                    ("no_data", clock.locale().word("tip.no_data"))
                } else {
                    let from = minute_floor(start).max(record.since.unwrap_or(i64::MAX));
                    let to = minute_floor(end).min(self.now);
                    record.describe(from, to, clock.locale())
                };
                Day {
                    date: date.to_string(),
                    tip: format!("{label}: {what}"),
                    label,
                    level,
                }
            })
            .collect();
        Bar {
            days,
            percent: self.last_days(record, clock, DAYS).percent(),
        }
    }
}

impl Record<'_> {
    /// (worst status, minutes) of each stretch of `[from, to)` in which a
    /// status other than operational held.
    fn segments(&self, from: i64, to: i64) -> Vec<(ComponentStatus, i64)> {
        let touching: Vec<&Interval> = self
            .intervals
            .iter()
            .filter(|i| i.start < to && i.end > from)
            .collect();
        let mut points: Vec<i64> = vec![from, to];
        for i in &touching {
            points.push(i.start.max(from));
            points.push(i.end.min(to));
        }
        points.sort_unstable();
        points.dedup();
        points
            .windows(2)
            .filter_map(|pair| {
                let (a, b) = (pair[0], pair[1]);
                touching
                    .iter()
                    .filter(|i| i.start <= a && i.end >= b)
                    .map(|i| i.status)
                    .max()
                    .map(|worst| (worst, b - a))
            })
            .collect()
    }

    /// The worst status of `[from, to)` and what happened, in one sentence.
    fn describe(&self, from: i64, to: i64, words: &Locale) -> (&'static str, String) {
        let mut by_status: BTreeMap<ComponentStatus, i64> = BTreeMap::new();
        for (status, minutes) in self.segments(from, to) {
            *by_status.entry(status).or_default() += minutes;
        }
        let Some(worst) = by_status.keys().next_back().copied() else {
            return ("operational", words.word("tip.no_downtime"));
        };
        let parts: Vec<String> = by_status
            .iter()
            .rev()
            .map(|(status, minutes)| {
                format!(
                    "{} {} {}",
                    words.word(&format!("tipstatus.{}", status.as_str())),
                    words.word("tip.for"),
                    human_duration(minutes * 60)
                )
            })
            .collect();
        let mut titles: Vec<&str> = self
            .intervals
            .iter()
            .filter(|i| i.start < to && i.end > from)
            .map(|i| i.title)
            .collect();
        titles.dedup();
        (
            worst.as_str(),
            format!("{} — {}", parts.join(", "), titles.join("; ")),
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    /// "2026-11-26"
    pub date: String,
    /// "26 Nov 2026"
    pub label: String,
    /// The worst status of the day (operational, under_maintenance, …), or
    /// no_data before the record began.
    pub level: &'static str,
    /// What happened, in one sentence, for the tooltip.
    pub tip: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub days: Vec<Day>,
    /// Uptime over the days of the bar: "99.95%", `None` without data.
    pub percent: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Config, Incident, Repository};

    const CONFIG: &str = "site: {name: x}\ngroups: [{id: shop, name: Shop}]\ncomponents:\n  - {id: a, name: A, group: shop}\n  - {id: b, name: B, group: shop}\n  - {id: new, name: New, since: 2026-11-20}\n";

    fn repo(incidents: &[(&str, &[&str])]) -> Repository {
        Repository {
            config: serde_yaml::from_str::<Config>(CONFIG).unwrap(),
            incidents: incidents
                .iter()
                .map(|(declaration, updates)| Incident {
                    id: "2026-11-01-x".into(),
                    declaration: serde_yaml::from_str(declaration).unwrap(),
                    updates: updates
                        .iter()
                        .map(|u| serde_yaml::from_str(u).unwrap())
                        .collect(),
                    postmortem: None,
                    amendments: Default::default(),
                })
                .collect(),
        }
    }

    fn at(t: &str) -> Timestamp {
        t.parse().unwrap()
    }

    /// An outage of `a` from 10:00: 60 min major, then 100 min partial,
    /// then 30 min degraded; `b` under maintenance until the resolution.
    fn outage() -> Repository {
        repo(&[(
            "title: x\ndeclared_at: 2026-11-10T10:00:00Z\n",
            &[
                "at: 2026-11-10T10:00:00Z\nstatus: investigating\nmessage: m\nauthor: x\ncomponents: {a: major_outage, b: under_maintenance}\n",
                "at: 2026-11-10T11:00:00Z\nstatus: identified\nmessage: m\nauthor: x\ncomponents: {a: partial_outage}\n",
                "at: 2026-11-10T12:40:00Z\nstatus: monitoring\nmessage: m\nauthor: x\ncomponents: {a: degraded_performance}\n",
                "at: 2026-11-10T13:10:00Z\nstatus: resolved\nmessage: m\nauthor: x\n",
            ],
        )])
    }

    #[test]
    fn major_is_down_partial_counts_at_its_weight_the_rest_is_up() {
        let repo = outage();
        let view = PublicView::new(&repo, at("2026-11-11T00:00:00Z"));
        let clock = SiteTime::new(&repo.config);
        let ledger = Ledger::new(&view, &clock, Timestamp::MIN);
        let a = ledger.component("a").unwrap();
        let day = ledger.tally(a, at("2026-11-10T00:00:00Z"), at("2026-11-11T00:00:00Z"));
        assert_eq!(day.minutes, 1440);
        assert_eq!((day.major_outage, day.partial_outage), (60, 100));
        assert_eq!(day.degraded_performance, 30);
        assert_eq!(day.down_minutes, 60.0 + 0.3 * 100.0);
        assert_eq!(day.percent().as_deref(), Some("93.75%"));
        let b = ledger.tally(
            ledger.component("b").unwrap(),
            at("2026-11-10T00:00:00Z"),
            at("2026-11-11T00:00:00Z"),
        );
        assert_eq!((b.under_maintenance, b.down_minutes), (190, 0.0));
        // The group is down when any member is.
        let shop = ledger.tally(
            ledger.group("shop").unwrap(),
            at("2026-11-10T00:00:00Z"),
            at("2026-11-11T00:00:00Z"),
        );
        assert_eq!(shop.down_minutes, day.down_minutes);
        assert_eq!(shop.major_outage, 60);
    }

    #[test]
    fn before_the_record_there_is_no_data_not_a_hundred_percent() {
        let repo = outage();
        let view = PublicView::new(&repo, at("2026-11-27T14:00:00Z"));
        let clock = SiteTime::new(&repo.config);
        let ledger = Ledger::new(&view, &clock, Timestamp::MIN);
        let a = ledger.component("a").unwrap();
        let bar = ledger.bar(a, &clock);
        assert_eq!(bar.days.len(), DAYS as usize);
        let first_with_data = bar.days.iter().position(|d| d.level != "no_data");
        assert_eq!(bar.days[first_with_data.unwrap()].date, "2026-11-10");
        assert_eq!(
            ledger.last_days(a, &clock, 365).minutes,
            ledger.last_days(a, &clock, 30).minutes,
            "the record of the repository begins on the first incident's day"
        );
        // `since:` moves a component's record.
        let new = ledger.component("new").unwrap();
        let bar = ledger.bar(new, &clock);
        let first = bar.days.iter().position(|d| d.level != "no_data").unwrap();
        assert_eq!(bar.days[first].date, "2026-11-20");
        assert!(bar.days[..first].iter().all(|d| d.tip.ends_with("no data")));
    }

    /// A ledger from where a site's figures begin shows what the whole one
    /// shows, and holds nothing older.
    #[test]
    fn a_site_reads_the_same_from_its_longest_period_on() {
        let repo = outage();
        let clock = SiteTime::new(&repo.config);
        // The outage of 2026-11-10: within the year, then before it.
        for (now, within) in [
            ("2027-06-01T00:00:00Z", true),
            ("2028-01-01T00:00:00Z", false),
        ] {
            let view = PublicView::new(&repo, at(now));
            let whole = Ledger::new(&view, &clock, Timestamp::MIN);
            let site = Ledger::new(&view, &clock, site_from(view.now, &clock));
            for (w, s) in whole.records.iter().zip(&site.records) {
                for days in PERIODS {
                    let tally = whole.last_days(w, &clock, days);
                    assert_eq!(tally, site.last_days(s, &clock, days), "{now} {days}");
                }
                let bar = |l: &Ledger, r| serde_json::to_value(l.bar(r, &clock)).unwrap();
                assert_eq!(bar(&whole, w), bar(&site, s), "{now}");
            }
            let a = |l: &Ledger| l.component("a").unwrap().intervals.len();
            assert!(a(&whole) > 0);
            assert_eq!(a(&site) > 0, within, "{now}");
            let year = site.last_days(site.component("a").unwrap(), &clock, 365);
            assert_eq!(year.down_minutes > 0.0, within, "{now}");
        }
    }

    #[test]
    fn a_fresh_repository_invents_no_history() {
        let repo = repo(&[]);
        let view = PublicView::new(&repo, at("2026-11-27T14:00:00Z"));
        let clock = SiteTime::new(&repo.config);
        let ledger = Ledger::new(&view, &clock, Timestamp::MIN);
        let a = ledger.component("a").unwrap();
        let bar = ledger.bar(a, &clock);
        assert!(bar.days.iter().all(|d| d.level == "no_data"));
        assert_eq!(bar.percent, None);
        assert_eq!(ledger.last_days(a, &clock, 30).ratio(), None);
    }
}
