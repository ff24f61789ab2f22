//! `incident list`: one line per incident, overdue updates flagged.

use super::CliError;
use crate::check::glance::{Glance, Glanced, glance};
use crate::model::{Config, Duration, Incident, Kind, Visibility};
use crate::repo::Files;
use anstyle::{AnsiColor, Style};
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident list --open")]
pub struct Args {
    /// Only incidents that are not resolved.
    #[arg(long)]
    open: bool,
    #[arg(long, value_enum, default_value = "human")]
    format: ListFormat,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    kind: Kind,
    visibility: Visibility,
    /// The severity in force (the last stated, for a resolved incident).
    severity: Option<&'static str>,
    /// The highest severity stated, what the page, stats, the post-mortem
    /// and the GitHub label call how severe it was.
    peak_severity: Option<&'static str>,
    status: Option<&'static str>,
    phase: &'static str,
    declared_at: Timestamp,
    resolved_at: Option<Timestamp>,
    next_update_at: Option<Timestamp>,
    /// Minutes past the promised update, for open incidents.
    overdue_minutes: Option<i64>,
}

/// An incident whose files could not be read: where, and why.
#[derive(Serialize)]
struct Unreadable<'a> {
    id: &'a str,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    error: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Line<'a> {
    Row(Row<'a>),
    Unreadable(Unreadable<'a>),
}

fn line<'a>(id: &'a str, glanced: &'a Glanced, config: &Config, now: Timestamp) -> Line<'a> {
    match glanced {
        Ok(incident) => Line::Row(row(incident, config, now)),
        Err(finding) => Line::Unreadable(Unreadable {
            id,
            file: &finding.file,
            line: finding.line,
            column: finding.column,
            error: &finding.message,
        }),
    }
}

fn row<'a>(incident: &'a Incident, config: &Config, now: Timestamp) -> Row<'a> {
    // Every entry counts, as in `show` and the authoring commands: one
    // written a second ahead of the clock (two commands in one second) too.
    let latest = incident.updates.last().map_or(now, |u| u.at.max(now));
    let facts = incident.facts(crate::model::View::Internal, latest);
    let state = &facts.state;
    // The same due time as the cadence/overdue rule: the promise, or the
    // cadence of the severity in force when nothing was promised.
    let due = incident.next_update_due(config);
    let overdue = due
        .map(|next| now.duration_since(next).as_secs() / 60)
        .filter(|m| *m > 0);
    Row {
        id: &incident.id,
        title: &incident.declaration.title,
        kind: incident.declaration.kind,
        visibility: incident.declaration.visibility,
        severity: state.severity.map(|s| s.as_str()),
        peak_severity: facts.peak_severity.map(|s| s.as_str()),
        // A maintenance's schedule fills in what its entries have not said,
        // as on the page.
        status: incident
            .schedule(&facts, now)
            .status(state.status)
            .map(|s| s.as_str()),
        phase: incident.phase(config).as_str(),
        declared_at: incident.declaration.declared_at,
        resolved_at: state.resolved_at,
        next_update_at: due,
        overdue_minutes: overdue,
    }
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    // Each incident's state needs the files that decide it read, not judged.
    let Glance { config, incidents } = glance(&Files::on_disk(&root))?.ok_or_else(|| {
        CliError::Usage("incidentkit.yaml has errors; run `incident validate`".into())
    })?;
    let now = crate::clock::now();
    // Newest first: what is happening now matters most. An incident that
    // cannot be read is listed, open or not: nobody knows.
    let lines: Vec<Line> = incidents
        .par_iter()
        .rev()
        .map(|(id, i)| line(id, i, &config, now))
        .filter(|l| !args.open || !matches!(l, Line::Row(r) if r.resolved_at.is_some()))
        .collect();
    let unreadable = lines
        .iter()
        .filter(|l| matches!(l, Line::Unreadable(_)))
        .count();
    let code = if unreadable > 0 {
        eprintln!(
            "error: {unreadable} incident{} could not be read; `incident validate` says what to fix",
            if unreadable == 1 { "" } else { "s" }
        );
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // One write per screenful, not per line: thousands of incidents. Without
    // colours the text goes out as written, styled with nothing, rather than
    // through a stream that scans every byte for a style to strip.
    let stdout = anstream::stdout();
    let plain = stdout.current_choice() == anstream::ColorChoice::Never;
    let (loud, mut out): (Style, std::io::BufWriter<Box<dyn Write>>) = if plain {
        let raw = Box::new(stdout.into_inner().lock());
        (Style::new(), std::io::BufWriter::new(raw))
    } else {
        let styled = Box::new(stdout.lock());
        (LOUD, std::io::BufWriter::new(styled))
    };
    if args.format == ListFormat::Json {
        serde_json::to_writer_pretty(&mut out, &lines).map_err(std::io::Error::from)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(code);
    }
    let width = incidents.iter().map(|(id, _)| id.len()).max().unwrap_or(2);
    table(&mut out, &lines, width, now, loud)?;
    if lines.is_empty() {
        writeln!(out, "no incidents{}", if args.open { " open" } else { "" })?;
    }
    out.flush()?;
    super::left_for_exit(lines);
    super::left_for_exit(incidents);
    Ok(code)
}

/// How an overdue update or an unreadable incident is shown, in colour.
const LOUD: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();

/// The lines as a table for people, newest first, overdue updates `loud`.
fn table(
    out: &mut impl Write,
    lines: &[Line],
    width: usize,
    now: Timestamp,
    loud: Style,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:width$}  SEV   STATUS         AGE       PHASE     NEXT UPDATE",
        "ID"
    )?;
    for l in lines {
        let r = match l {
            Line::Row(r) => r,
            Line::Unreadable(u) => {
                let place = match (u.line, u.column) {
                    (Some(line), Some(column)) => format!("{}:{line}:{column}", u.file),
                    (Some(line), None) => format!("{}:{line}", u.file),
                    _ => u.file.to_string(),
                };
                writeln!(
                    out,
                    "{:width$}  {loud}unreadable: {place}: {}{loud:#}",
                    u.id,
                    crate::text::one_line(u.error)
                )?;
                continue;
            }
        };
        let age = Duration::from(now.duration_since(r.declared_at)).to_string();
        let next = match (r.overdue_minutes, r.next_update_at) {
            (Some(m), _) => format!(
                "{loud}OVERDUE by {} — post an update now: incident update {} --message …{loud:#}",
                Duration::minutes(m),
                r.id
            ),
            (None, Some(next)) => format!("in {}", Duration::from(next.duration_since(now))),
            (None, None) => "-".to_string(),
        };
        writeln!(
            out,
            "{:width$}  {:5} {:14} {:9} {:9} {next}",
            r.id,
            // Once resolved, how severe it was, as everywhere else.
            if r.resolved_at.is_some() {
                r.peak_severity
            } else {
                r.severity
            }
            .unwrap_or("-"),
            r.status.unwrap_or("declared"),
            age,
            r.phase
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::row;
    use crate::repo::Files;

    /// What `list` keeps of each incident (`Incident::state_only`) answers
    /// every question a row asks as the whole incident does, at every
    /// moment of the example's incidents.
    #[test]
    fn a_row_of_the_state_only_incident_is_the_row_of_the_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let outcome = crate::check::check(&Files::on_disk(&root)).unwrap();
        let repository = outcome.repository.unwrap();
        assert!(repository.incidents.len() >= 8);
        let mut moments = 0;
        for incident in &repository.incidents {
            let kept = incident.clone().state_only();
            let times = incident.updates.iter().map(|u| u.at);
            for now in times.chain([incident.declaration.declared_at]) {
                for now in [now, now + jiff::SignedDuration::from_hours(30)] {
                    let whole = serde_json::to_value(row(incident, &repository.config, now));
                    let state_only = serde_json::to_value(row(&kept, &repository.config, now));
                    assert_eq!(
                        state_only.unwrap(),
                        whole.unwrap(),
                        "{} at {now}",
                        incident.id
                    );
                    moments += 1;
                }
            }
        }
        assert!(moments > 50, "{moments}");
    }
}
