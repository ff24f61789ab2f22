//! The metrics as a terminal table, or through the templates `stats/*`:
//! Markdown, or a standalone HTML page with an inline SVG chart (no
//! JavaScript). JSON is the `Stats` value itself.

use super::{Row, Share, Stats, Summary};
use crate::model::Duration;
use crate::templates::{TemplateError, Templates};
use serde::Serialize;
use std::fmt::Write;

const HEADERS: [&str; 9] = [
    "group",
    "incidents",
    "to detect",
    "to declare",
    "to mitigate",
    "to resolve",
    "updates on time",
    "post-mortems on time",
    "actions done when due",
];

/// Minutes as people read them: "7.5m", "50m", "1h20m", "2d3h".
fn duration(minutes: f64) -> String {
    if minutes < 60.0 && minutes.fract() != 0.0 {
        format!("{minutes:.1}m")
    } else {
        Duration::minutes(minutes.round() as i64).to_string()
    }
}

/// "50m / 2h (n=3)": median / p90 (n).
fn summary(s: &Summary) -> String {
    match (s.median, s.p90) {
        (Some(median), Some(p90)) => {
            format!("{} / {} (n={})", duration(median), duration(p90), s.n)
        }
        _ => "- (n=0)".into(),
    }
}

/// "75% (3/4)".
fn share(s: Share) -> String {
    match s.percent() {
        Some(p) => format!("{p:.0}% ({}/{})", s.on_time, s.n),
        None => "- (0)".into(),
    }
}

fn cells(row: &Row) -> Vec<String> {
    vec![
        row.key.clone(),
        row.count.to_string(),
        summary(&row.detect),
        summary(&row.declare),
        summary(&row.mitigate),
        summary(&row.resolve),
        share(row.cadence),
        share(row.postmortems),
        share(row.actions),
    ]
}

fn sections(stats: &Stats) -> [(&'static str, Vec<&Row>); 3] {
    [
        ("All incidents", vec![&stats.all]),
        ("By severity", stats.by_severity.iter().collect()),
        ("By month", stats.by_month.iter().collect()),
    ]
}

fn scope(stats: &Stats) -> String {
    let since = stats
        .since
        .map_or(String::new(), |d| format!(" declared since {d}"));
    format!(
        "Incidents{since}, as of {}. Times: median / p90 (n) from when impact began.",
        stats.now.strftime("%Y-%m-%d %H:%M UTC")
    )
}

pub fn human(stats: &Stats) -> String {
    let mut out = format!("{}\n", scope(stats));
    for (title, rows) in sections(stats) {
        let table: Vec<Vec<String>> = std::iter::once(HEADERS.map(String::from).to_vec())
            .chain(rows.iter().map(|r| cells(r)))
            .collect();
        let widths: Vec<usize> = (0..HEADERS.len())
            .map(|c| {
                table
                    .iter()
                    .map(|r| r[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let _ = writeln!(out, "\n{title}");
        for r in &table {
            let line: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:w$}"))
                .collect();
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
        }
    }
    out
}

/// The metrics as the templates read them: the same cells as the table.
#[derive(Serialize)]
struct Context<'a> {
    scope: String,
    headers: [&'static str; 9],
    sections: Vec<SectionCtx>,
    chart: Chart<'a>,
}

#[derive(Serialize)]
struct SectionCtx {
    title: &'static str,
    rows: Vec<Vec<String>>,
}

fn context(stats: &Stats) -> Context<'_> {
    Context {
        scope: scope(stats),
        headers: HEADERS,
        sections: sections(stats)
            .into_iter()
            .map(|(title, rows)| SectionCtx {
                title,
                rows: rows.into_iter().map(cells).collect(),
            })
            .collect(),
        chart: chart(stats),
    }
}

/// `stats/metrics.md`. A template loses its last newline (minijinja), so
/// the document gets its own, whatever an override ends with.
pub fn markdown(stats: &Stats, templates: &Templates) -> Result<String, TemplateError> {
    Ok(templates.render("stats/metrics.md", crate::render::ctx(&context(stats)))? + "\n")
}

/// The median time to resolve per month as bars: the geometry, written as
/// SVG by `stats/metrics.html`.
#[derive(Serialize)]
struct Chart<'a> {
    width: String,
    height: String,
    /// The y of the axis under the bars.
    baseline: String,
    bars: Vec<Bar<'a>>,
}

#[derive(Serialize)]
struct Bar<'a> {
    month: &'a str,
    median: String,
    n: usize,
    x: String,
    y: String,
    width: String,
    height: String,
    /// The x of the bar's middle, where its labels are centred.
    mid: String,
    value_y: String,
    month_y: String,
    n_y: String,
}

fn chart(stats: &Stats) -> Chart<'_> {
    let bars: Vec<(&str, f64, usize)> = stats
        .by_month
        .iter()
        .filter_map(|r| Some((r.key.as_str(), r.resolve.median?, r.resolve.n)))
        .collect();
    let (bar, gap, height, top, bottom) = (48.0, 24.0, 160.0, 24.0, 36.0);
    let width = gap + bars.len() as f64 * (bar + gap);
    let max = bars.iter().map(|b| b.1).fold(1.0, f64::max);
    let baseline = top + height;
    Chart {
        width: format!("{width:.0}"),
        height: format!("{:.0}", top + height + bottom),
        baseline: format!("{baseline:.0}"),
        bars: bars
            .into_iter()
            .enumerate()
            .map(|(i, (month, median, n))| {
                let x = gap + i as f64 * (bar + gap);
                let h = (median / max * height).max(1.0);
                let y = baseline - h;
                let mid = format!("{:.0}", x + bar / 2.0);
                Bar {
                    month,
                    median: duration(median),
                    n,
                    x: format!("{x:.0}"),
                    y: format!("{y:.1}"),
                    width: format!("{bar:.0}"),
                    height: format!("{h:.1}"),
                    mid,
                    value_y: format!("{:.1}", y - 6.0),
                    month_y: format!("{:.0}", baseline + 16.0),
                    n_y: format!("{:.0}", baseline + 30.0),
                }
            })
            .collect(),
    }
}

/// `stats/metrics.html`: a standalone page on the shared document base.
pub fn html(stats: &Stats, templates: &Templates) -> Result<String, TemplateError> {
    let page = templates.render("stats/metrics.html", crate::render::ctx(&context(stats)))?;
    Ok(page + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_shares_read_well() {
        assert_eq!(duration(7.5), "7.5m");
        assert_eq!(duration(50.0), "50m");
        assert_eq!(duration(82.5), "1h23m");
        assert_eq!(share(Share { on_time: 3, n: 4 }), "75% (3/4)");
        let s = Summary::of(vec![45.0, 50.0, 120.0]);
        assert_eq!(summary(&s), "50m / 2h (n=3)");
    }
}
