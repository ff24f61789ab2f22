//! `incident stats --uptime`: uptime and downtime minutes per component and
//! group over a period, for SLA reports and credits. The numbers come from
//! the one uptime ledger (`render::uptime::Ledger`) the page reads, so a
//! report and the page never disagree.

use crate::model::Repository;
use crate::render::time::{SiteTime, iso};
use crate::render::uptime::{Ledger, PARTIAL_WEIGHT, Tally};
use crate::render::view::PublicView;
use crate::templates::{TemplateError, Templates};
use jiff::Timestamp;
use minijinja::Value;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The period, `[from, to)`, RFC 3339 UTC; `to` is at most now.
    pub from: String,
    pub to: String,
    pub partial_outage_weight: f64,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub group: bool,
    /// Up time over minutes with data, as a ratio; `None`: no data.
    pub uptime: Option<f64>,
    pub percent: Option<String>,
    #[serde(flatten)]
    pub tally: Tally,
}

/// Every component, then every group, over `[from, to)`.
pub fn report(repo: &Repository, from: Timestamp, to: Timestamp, now: Timestamp) -> Report {
    let view = PublicView::new(repo, now);
    let clock = SiteTime::new(&repo.config);
    let ledger = Ledger::new(&view, &clock, from);
    let rows = ledger
        .records
        .iter()
        .map(|r| {
            let tally = ledger.tally(r, from, to);
            Row {
                id: r.id.clone(),
                name: r.name.clone(),
                group: r.group,
                uptime: tally.ratio(),
                percent: tally.percent(),
                tally,
            }
        })
        .collect();
    Report {
        from: iso(from),
        to: iso(to.min(now)),
        partial_outage_weight: PARTIAL_WEIGHT,
        rows,
    }
}

const HEADERS: [&str; 6] = [
    "component",
    "uptime",
    "down (min)",
    "major outage (min)",
    "partial outage (min)",
    "minutes with data",
];

fn cells(row: &Row) -> [String; 6] {
    let t = &row.tally;
    [
        if row.group {
            format!("{} (group)", crate::text::one_line(&row.name))
        } else {
            crate::text::one_line(&row.name)
        },
        row.percent.clone().unwrap_or_else(|| "no data".into()),
        format!("{:.1}", t.down_minutes),
        t.major_outage.to_string(),
        t.partial_outage.to_string(),
        t.minutes.to_string(),
    ]
}

fn scope(report: &Report) -> String {
    format!(
        "Uptime from {} to {} (partial outage counts {} down; see \"How we count uptime\")",
        report.from, report.to, report.partial_outage_weight
    )
}

pub fn human(report: &Report) -> String {
    let table: Vec<[String; 6]> = std::iter::once(HEADERS.map(String::from))
        .chain(report.rows.iter().map(cells))
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            table
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = format!("{}\n\n", scope(report));
    for row in &table {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

/// What `stats/uptime.md` and `stats/uptime.html` read.
#[derive(Serialize)]
struct Context {
    scope: String,
    headers: [&'static str; 6],
    rows: Vec<[String; 6]>,
}

fn context(report: &Report, cell: impl Fn(&str) -> String) -> Value {
    crate::render::ctx(&Context {
        scope: scope(report),
        headers: HEADERS,
        rows: report
            .rows
            .iter()
            .map(|r| cells(r).map(|c| cell(&c)))
            .collect(),
    })
}

/// `stats/uptime.md`, each cell made inert Markdown; ends with a newline
/// (a template loses its own).
pub fn markdown(report: &Report, templates: &Templates) -> Result<String, TemplateError> {
    let text = templates.render(
        "stats/uptime.md",
        context(report, crate::text::markdown_inline),
    )?;
    Ok(text + "\n")
}

/// `stats/uptime.html`: a standalone page on the shared document base.
pub fn html(report: &Report, templates: &Templates) -> Result<String, TemplateError> {
    let page = templates.render("stats/uptime.html", context(report, str::to_string))?;
    Ok(page + "\n")
}
