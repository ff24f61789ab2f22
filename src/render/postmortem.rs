//! The blameless post-mortem (internal) and the five-part customer report,
//! as Markdown, or as HTML made from that Markdown (with any HTML in what
//! people wrote escaped).

use super::markdown;
use super::site::status_label;
use super::time::{SiteTime, When, human_duration};
use super::update::option_text;
use super::{RenderError, ctx};
use crate::model::facts::Moment;
use crate::model::postmortem::{CustomerReport, TimelineEntry};
use crate::model::{Config, Facts, Incident, Update, View};
use crate::schemas::{FileKind, follow_ref};
use crate::templates::Templates;
use jiff::Timestamp;
use minijinja::Value;
use serde::Serialize;

/// What a post-mortem document is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    /// Markdown.
    Md,
    /// A standalone HTML page.
    Html,
}

/// Which document of the learning phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The internal post-mortem: every entry, the internal view.
    Postmortem,
    /// The customer-facing report: the post-mortem's `customer_report`.
    Report,
}

#[derive(Debug, Serialize)]
struct Event {
    at: When,
    source: &'static str,
    text: String,
}

#[derive(Debug, Serialize)]
struct Durations {
    to_detect: Option<String>,
    to_declare: Option<String>,
    to_mitigate: Option<String>,
    to_resolve: Option<String>,
}

/// `document` of `incident` in `format`, in the site's time zone.
pub fn render(
    config: &Config,
    incident: &Incident,
    document: Document,
    format: DocFormat,
    templates: &Templates,
) -> Result<String, RenderError> {
    let clock = SiteTime::new(config);
    let d = &incident.declaration;
    let pm = incident.postmortem.as_ref();
    // The customer report goes to customers (page, notify): its template,
    // even a repository's own, is given no internal text to print.
    let internal = document == Document::Postmortem;
    // The post-mortem is internal; the customer report is published, so it
    // reads the public facts.
    let facts = match document {
        Document::Postmortem => incident.internal_facts(),
        Document::Report => incident.facts(View::Public, Timestamp::MAX),
    };
    let started = facts.started.at;
    let since =
        |t: Option<Timestamp>| t.map(|t| human_duration(t.as_second() - started.as_second()));
    let moment = |m: Option<Moment>| {
        m.map(|m| {
            minijinja::context! {
                at => ctx(&clock.when(m.at)),
                source => m.source.as_str(),
            }
        })
    };
    let context = minijinja::context! {
        site => config.site.name.clone(),
        zone => clock.name().to_string(),
        id => incident.id.clone(),
        title => d.title.clone(),
        severity => facts.peak_severity.map(|s| super::severity_text(config, s)),
        final_severity => facts
            .state
            .severity
            .filter(|s| Some(*s) != facts.peak_severity)
            .map(|s| super::severity_text(config, s)),
        roles => internal.then(|| ctx(&with_all_keys(FileKind::Incident, "/properties/roles", &d.roles))),
        channel => internal.then(|| incident.channel()),
        started => moment(Some(facts.started)),
        detected => d.detected_at.map(|t| ctx(&clock.when(t))),
        declared => ctx(&clock.when(d.declared_at)),
        mitigated => moment(facts.mitigated),
        resolved => facts.resolved.map(|t| ctx(&clock.when(t))),
        durations => ctx(&Durations {
            to_detect: since(d.detected_at),
            to_declare: since(Some(d.declared_at)),
            to_mitigate: since(facts.mitigated.map(|m| m.at)),
            to_resolve: facts.duration().map(|d| human_duration(d.as_signed().as_secs())),
        }),
        pm => pm.filter(|_| internal).map(|p| ctx(&with_all_keys(FileKind::Postmortem, "", p))),
        report => pm
            .and_then(|p| p.customer_report.as_ref())
            .filter(|r| written(r))
            .map(|r| ctx(&with_all_keys(FileKind::Postmortem, "/properties/customer_report", r))),
        revised => pm
            .and_then(|p| p.customer_report.as_ref()?.revised_at)
            .map(|t| ctx(&clock.when(t))),
        published => pm
            .filter(|_| internal)
            .and_then(|p| p.published_at)
            .map(|t| ctx(&clock.when(t))),
        overdue => pm.filter(|_| internal).map(|p| overdue_items(config, p)),
        timeline => internal.then(|| ctx(&timeline(config, incident, &facts, &clock))),
    };
    let name = match document {
        Document::Postmortem => "postmortem/postmortem.md",
        Document::Report => "postmortem/report.md",
    };
    let md = templates.render(name, context)?;
    Ok(match format {
        DocFormat::Md => markdown::inert(&md),
        DocFormat::Html => templates.render(
            "postmortem/document.html",
            minijinja::context! {
                title => d.title.clone(),
                body => Value::from_safe_string(markdown::to_html(&md)),
            },
        )?,
    })
}

/// Whether any part of a customer report is written: the skeleton's empty
/// parts and placeholders ("TBD") are not, and the report then says it has
/// not been written rather than print nothing.
fn written(report: &CustomerReport) -> bool {
    [
        &report.apology,
        &report.what_happened,
        &report.root_cause,
        &report.fix,
        &report.prevention,
    ]
    .into_iter()
    .flatten()
    .any(|part| crate::check::text::placeholder(part).is_none())
}

/// The review's timeline: the post-mortem's own events, then every entry of
/// the view once, in time order, with its internal note, the severity it
/// changed and its decision in full.
fn timeline(
    config: &Config,
    incident: &Incident,
    facts: &Facts<'_>,
    clock: &SiteTime,
) -> Vec<Event> {
    let own = incident
        .postmortem
        .as_ref()
        .map(|p| p.timeline.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|e| !facts.entries.iter().any(|u| is_copy(e, u.original)))
        .map(|e| (e.at, "timeline", e.event.trim().to_string()));
    let mut severity = incident.declaration.severity;
    let mut entries = Vec::new();
    for u in &facts.entries {
        let mut parts = vec![match &u.message {
            Some(m) => format!(
                "{}: {}",
                status_label(u.status).label,
                markdown::to_text(m)
                    .split("\n\n")
                    .next()
                    .unwrap_or_default()
            ),
            None => format!("{} (internal entry)", status_label(u.status).label),
        }];
        if let Some(new) = u.severity.filter(|s| Some(*s) != severity) {
            let verb = match severity {
                Some(old) if new < old => "raised",
                Some(_) => "lowered",
                None => "set",
            };
            parts.push(format!(
                "Severity {verb} to {}.",
                super::severity_text(config, new)
            ));
            severity = Some(new);
        }
        if let Some(note) = &u.internal_note {
            parts.push(format!("Internal note: {}", note.trim()));
        }
        if let Some(dec) = &u.decision {
            let options: Vec<String> = dec.options.iter().map(option_text).collect();
            parts.push(format!(
                "Decision{}: options {}. Chosen: {}. Why: {}",
                dec.question
                    .as_deref()
                    .map_or_else(String::new, |q| format!(" ({})", q.trim())),
                options.join("; "),
                dec.chosen,
                dec.rationale.trim()
            ));
        }
        // Corrections (with the text they replaced) and removals.
        parts.extend(super::amend::notes(u, clock).iter().map(|n| {
            markdown::to_text(n)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        }));
        let source = if u.decision.is_some() {
            "decision"
        } else {
            "update"
        };
        entries.push((u.at, source, parts.join(" — ")));
    }
    let mut all: Vec<(Timestamp, &'static str, String)> = own.chain(entries).collect();
    all.sort_by_key(|(at, _, _)| *at);
    all.into_iter()
        .map(|(at, source, text)| Event {
            at: clock.when(at),
            source,
            text,
        })
        .collect()
}

/// Whether a post-mortem timeline event is the copy of an entry that
/// `resolve` wrote into skeletons before the renderer merged entries in
/// itself: shown once, as the entry.
fn is_copy(event: &TimelineEntry, u: &Update) -> bool {
    if event.at != u.at {
        return false;
    }
    let copy = match (&u.message, &u.decision) {
        (Some(m), _) => format!(
            "{}: {}",
            u.status,
            m.lines().find(|l| !l.trim().is_empty()).unwrap_or_default()
        ),
        (None, Some(d)) => format!("decision: option {} ({})", d.chosen, d.rationale),
        (None, None) => format!("{}: internal note", u.status),
    };
    event.event.trim() == copy.trim()
}

/// `value` with every key its schema allows present (missing ones as null),
/// so templates can test any of them under strict undefined behaviour. The
/// schema, not a list kept here, says which keys exist.
fn with_all_keys(
    kind: FileKind,
    pointer: &str,
    value: &impl serde::Serialize,
) -> serde_json::Value {
    let root = kind.schema_json();
    let mut value = serde_json::to_value(value).unwrap_or_default();
    if let Some(node) = root.pointer(pointer) {
        fill(&mut value, node, root);
    }
    value
}

fn fill(value: &mut serde_json::Value, node: &serde_json::Value, root: &serde_json::Value) {
    let node = follow_ref(root, node).unwrap_or(node);
    match value {
        serde_json::Value::Object(map) => {
            for (key, sub) in node
                .get("properties")
                .and_then(|p| p.as_object())
                .into_iter()
                .flatten()
            {
                fill(
                    map.entry(key.clone()).or_insert(serde_json::Value::Null),
                    sub,
                    root,
                );
            }
        }
        serde_json::Value::Array(items) => {
            if let Some(sub) = node.get("items") {
                items.iter_mut().for_each(|item| fill(item, sub, root));
            }
        }
        _ => {}
    }
}

/// The ids of the action items past their due day and not done, as
/// `phase/action-overdue` judges them today.
fn overdue_items(config: &Config, pm: &crate::model::Postmortem) -> Vec<String> {
    let today = crate::clock::now()
        .to_zoned_datetime(config.timezone())
        .date();
    pm.action_items
        .iter()
        .filter(|a| a.overdue_on(today))
        .map(|a| a.id.clone())
        .collect()
}
