//! The metrics as a terminal table, Markdown, or a standalone HTML page with
//! an inline SVG chart (no JavaScript). JSON is the `Stats` value itself.

use super::{Row, Share, Stats, Summary};
use crate::model::Duration;
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

pub fn markdown(stats: &Stats) -> String {
    let mut out = format!("# Incident metrics\n\n{}\n", scope(stats));
    for (title, rows) in sections(stats) {
        let _ = writeln!(out, "\n## {title}\n");
        let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(HEADERS.len()));
        for r in rows {
            let _ = writeln!(out, "| {} |", cells(r).join(" | "));
        }
    }
    out
}

/// Median time to resolve per month, as bars.
fn chart(stats: &Stats) -> String {
    let bars: Vec<(&str, f64, usize)> = stats
        .by_month
        .iter()
        .filter_map(|r| Some((r.key.as_str(), r.resolve.median?, r.resolve.n)))
        .collect();
    let (bar, gap, height, top, bottom) = (48.0, 24.0, 160.0, 24.0, 36.0);
    let width = gap + bars.len() as f64 * (bar + gap);
    let max = bars.iter().map(|b| b.1).fold(1.0, f64::max);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width:.0}\" height=\"{:.0}\" viewBox=\"0 0 {width:.0} {:.0}\">\n<title>Median time to resolve per month</title>\n",
        top + height + bottom,
        top + height + bottom
    );
    let _ = writeln!(
        svg,
        "<line x1=\"0\" y1=\"{y:.0}\" x2=\"{width:.0}\" y2=\"{y:.0}\" stroke=\"#888\"/>",
        y = top + height
    );
    for (i, (month, median, n)) in bars.iter().enumerate() {
        let x = gap + i as f64 * (bar + gap);
        let h = (median / max * height).max(1.0);
        let y = top + height - h;
        let mid = x + bar / 2.0;
        let _ = writeln!(
            svg,
            "<rect x=\"{x:.0}\" y=\"{y:.1}\" width=\"{bar:.0}\" height=\"{h:.1}\" fill=\"#3b6ea5\"><title>{month}: median {} (n={n})</title></rect>",
            duration(*median)
        );
        let _ = writeln!(
            svg,
            "<text x=\"{mid:.0}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
            y - 6.0,
            duration(*median)
        );
        let _ = writeln!(
            svg,
            "<text x=\"{mid:.0}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"12\">{month}</text>\n<text x=\"{mid:.0}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">n={n}</text>",
            top + height + 16.0,
            top + height + 30.0
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn html(stats: &Stats) -> String {
    let mut out = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Incident metrics (internal)</title>\n<meta name=\"robots\" content=\"noindex\">\n<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}th{background:#f3f3f3}</style>\n</head>\n<body>\n<h1>Incident metrics (internal)</h1>\n",
    );
    let _ = writeln!(out, "<p>{}</p>", crate::text::html(&scope(stats)));
    let _ = writeln!(
        out,
        "<h2>Median time to resolve per month</h2>\n{}",
        chart(stats)
    );
    for (title, rows) in sections(stats) {
        let _ = writeln!(out, "<h2>{title}</h2>\n<table>\n<tr>");
        for h in HEADERS {
            let _ = write!(out, "<th>{h}</th>");
        }
        out.push_str("</tr>\n");
        for r in rows {
            out.push_str("<tr>");
            for c in cells(r) {
                let _ = write!(out, "<td>{}</td>", crate::text::html(&c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
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
