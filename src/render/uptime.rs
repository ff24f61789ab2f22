//! Uptime per component and day, from the component windows of the public
//! facts of each incident (`model::facts`). Maintenance is not downtime; as Statuspage
//! counts it, a major outage is full downtime and a partial outage 30% of it.

use super::time::{Clock, human_duration};
use super::view::PublicView;
use crate::model::ComponentStatus;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use std::collections::BTreeMap;

pub const DAYS: i64 = 90;
const PARTIAL_WEIGHT: f64 = 0.3;

/// One stretch of time in which an incident held a component at a status.
#[derive(Debug, Clone)]
struct Interval {
    start: Timestamp,
    end: Timestamp,
    status: ComponentStatus,
    title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    /// "2026-11-26"
    pub date: String,
    /// "26 Nov 2026"
    pub label: String,
    /// The worst status of the day: operational, under_maintenance, ….
    pub level: &'static str,
    /// What happened, in one sentence, for the tooltip.
    pub tip: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Uptime {
    pub days: Vec<Day>,
    /// "99.95%"
    pub percent: String,
    pub ratio: f64,
}

/// Uptime of every configured component, over the last `DAYS` days.
pub fn uptime(view: &PublicView<'_>, clock: &Clock) -> BTreeMap<String, Uptime> {
    let mut by_component: BTreeMap<&str, Vec<Interval>> = BTreeMap::new();
    for incident in &view.incidents {
        for w in &incident.facts.components {
            let end = w.until.unwrap_or(view.now);
            if end > w.from {
                by_component
                    .entry(&w.component)
                    .or_default()
                    .push(Interval {
                        start: w.from,
                        end,
                        status: w.status,
                        title: incident.title().to_string(),
                    });
            }
        }
    }
    let today = clock.date(view.now);
    view.config
        .components
        .iter()
        .map(|c| {
            let intervals = by_component
                .get(c.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let mut days = Vec::with_capacity(DAYS as usize);
            let (mut total, mut down) = (0.0_f64, 0.0_f64);
            for back in (0..DAYS).rev() {
                let Ok(date) = today.checked_sub(back.days()) else {
                    continue;
                };
                let start = clock.start_of(date);
                let end = clock.end_of(date).min(view.now);
                let (day, seconds, downtime) = one_day(intervals, start, end);
                total += seconds;
                down += downtime;
                let when = clock.when(start);
                days.push(Day {
                    date: date.to_string(),
                    tip: format!("{}: {day}", when.day),
                    label: when.day,
                    level: day_level(intervals, start, end),
                });
            }
            let ratio = if total > 0.0 { 1.0 - down / total } else { 1.0 };
            // Floor, so that any downtime never shows as 100.00%.
            let percent = (ratio * 10_000.0).floor() / 100.0;
            (
                c.id.clone(),
                Uptime {
                    days,
                    percent: format!("{percent:.2}%"),
                    ratio,
                },
            )
        })
        .collect()
}

fn day_level(intervals: &[Interval], start: Timestamp, end: Timestamp) -> &'static str {
    intervals
        .iter()
        .filter(|i| i.start < end && i.end > start)
        .map(|i| i.status)
        .max()
        .unwrap_or(ComponentStatus::Operational)
        .as_str()
}

/// (what happened, seconds in the day, weighted seconds of downtime).
fn one_day(intervals: &[Interval], start: Timestamp, end: Timestamp) -> (String, f64, f64) {
    let seconds = (end.as_second() - start.as_second()).max(0) as f64;
    let touching: Vec<&Interval> = intervals
        .iter()
        .filter(|i| i.start < end && i.end > start)
        .collect();
    if touching.is_empty() {
        return ("no downtime recorded".to_string(), seconds, 0.0);
    }
    let mut points: Vec<Timestamp> = vec![start, end];
    for i in &touching {
        points.push(i.start.max(start));
        points.push(i.end.min(end));
    }
    points.sort();
    points.dedup();
    let mut by_status: BTreeMap<ComponentStatus, i64> = BTreeMap::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if let Some(worst) = touching
            .iter()
            .filter(|i| i.start <= a && i.end >= b)
            .map(|i| i.status)
            .max()
        {
            *by_status.entry(worst).or_default() += b.as_second() - a.as_second();
        }
    }
    let major = by_status
        .get(&ComponentStatus::MajorOutage)
        .copied()
        .unwrap_or(0);
    let partial = by_status
        .get(&ComponentStatus::PartialOutage)
        .copied()
        .unwrap_or(0);
    let downtime = major as f64 + PARTIAL_WEIGHT * partial as f64;
    let parts: Vec<String> = by_status
        .iter()
        .rev()
        .map(|(status, secs)| format!("{} for {}", status_phrase(*status), human_duration(*secs)))
        .collect();
    let mut titles: Vec<&str> = touching.iter().map(|i| i.title.as_str()).collect();
    titles.dedup();
    let text = format!("{} — {}", parts.join(", "), titles.join("; "));
    (text, seconds, downtime)
}

fn status_phrase(status: ComponentStatus) -> &'static str {
    match status {
        ComponentStatus::MajorOutage => "major outage",
        ComponentStatus::PartialOutage => "partial outage",
        ComponentStatus::DegradedPerformance => "degraded performance",
        ComponentStatus::UnderMaintenance => "maintenance",
        ComponentStatus::Operational => "operational",
    }
}
