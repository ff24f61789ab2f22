//! The blameless post-mortem (internal) and the five-part customer report,
//! as Markdown, or as HTML made from that Markdown (with any HTML in what
//! people wrote escaped).

use super::markdown;
use super::site::status_label;
use super::time::{Clock, When, human_duration};
use super::{RenderError, ctx};
use crate::model::{Config, Incident};
use crate::templates::Templates;
use jiff::Timestamp;
use minijinja::Value;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    Md,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Postmortem,
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

pub fn render(
    config: &Config,
    incident: &Incident,
    document: Document,
    format: DocFormat,
    templates: &Templates,
) -> Result<String, RenderError> {
    let clock = Clock::new(config.timezone_name())?;
    let d = &incident.declaration;
    let pm = incident.postmortem.as_ref();
    let started = d.started_at.unwrap_or(d.declared_at);
    let since =
        |t: Option<Timestamp>| t.map(|t| human_duration(t.as_second() - started.as_second()));
    let resolved = incident.current().resolved_at;
    let mut timeline: Vec<(Timestamp, Event)> = Vec::new();
    for e in pm.map(|p| p.timeline.as_slice()).unwrap_or_default() {
        timeline.push((
            e.at,
            Event {
                at: clock.when(e.at),
                source: "timeline",
                text: e.event.trim().to_string(),
            },
        ));
    }
    for u in &incident.updates {
        let first_line = u
            .message
            .as_deref()
            .map(markdown::to_text)
            .and_then(|m| m.split("\n\n").next().map(str::to_string))
            .unwrap_or_else(|| "internal log entry".to_string());
        timeline.push((
            u.at,
            Event {
                at: clock.when(u.at),
                source: "update",
                text: format!("Update ({}): {first_line}", status_label(u.status).label),
            },
        ));
        if let Some(dec) = &u.decision {
            timeline.push((
                u.at,
                Event {
                    at: clock.when(u.at),
                    source: "decision",
                    text: format!(
                        "Decision: option {} chosen. {}",
                        dec.chosen,
                        dec.rationale.trim()
                    ),
                },
            ));
        }
    }
    timeline.sort_by_key(|(t, _)| *t);
    let timeline: Vec<Event> = timeline.into_iter().map(|(_, e)| e).collect();
    let state = incident.current();
    let context = minijinja::context! {
        site => config.site.name.clone(),
        zone => clock.name().to_string(),
        id => incident.id.clone(),
        title => d.title.clone(),
        severity => state.severity.map(|s| format!("{} ({})", s.display(), config.policy(s).label)),
        roles => ctx(&complete(
            serde_json::to_value(&d.roles).unwrap_or_default(),
            &["commander", "communications", "investigators"],
        )),
        channel => incident.channel(),
        started => ctx(&clock.when(started)),
        detected => d.detected_at.map(|t| ctx(&clock.when(t))),
        declared => ctx(&clock.when(d.declared_at)),
        mitigated => pm.and_then(|p| p.mitigated_at).map(|t| ctx(&clock.when(t))),
        resolved => resolved.map(|t| ctx(&clock.when(t))),
        durations => ctx(&Durations {
            to_detect: since(d.detected_at),
            to_declare: since(Some(d.declared_at)),
            to_mitigate: since(pm.and_then(|p| p.mitigated_at)),
            to_resolve: since(resolved),
        }),
        pm => pm.map(|p| ctx(&complete_postmortem(p))),
        report => pm
            .and_then(|p| p.customer_report.as_ref())
            .map(|r| ctx(&complete(serde_json::to_value(r).unwrap_or_default(), REPORT_KEYS))),
        timeline => ctx(&timeline),
    };
    let name = match document {
        Document::Postmortem => "postmortem/postmortem.md",
        Document::Report => "postmortem/report.md",
    };
    let md = templates.render(name, context)?;
    Ok(match format {
        DocFormat::Md => md,
        DocFormat::Html => templates.render(
            "postmortem/document.html",
            minijinja::context! {
                title => d.title.clone(),
                body => Value::from_safe_string(markdown::to_html(&md)),
            },
        )?,
    })
}

const REPORT_KEYS: &[&str] = &[
    "apology",
    "what_happened",
    "root_cause",
    "fix",
    "prevention",
    "revised_at",
    "revision_reason",
];

/// Every optional key present (as null), so templates can test any of them
/// under strict undefined behaviour.
fn complete(mut value: serde_json::Value, keys: &[&str]) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        for key in keys {
            map.entry(key.to_string())
                .or_insert(serde_json::Value::Null);
        }
    }
    value
}

fn complete_postmortem(pm: &crate::model::Postmortem) -> serde_json::Value {
    let mut value = complete(
        serde_json::to_value(pm).unwrap_or_default(),
        &[
            "due",
            "published_at",
            "authors",
            "summary",
            "impact",
            "mitigated_at",
            "timeline",
            "trigger",
            "root_causes",
            "contributing_factors",
            "detection",
            "response",
            "communication",
            "action_items",
            "lessons",
            "customer_report",
        ],
    );
    let nested: &[(&str, &[&str])] = &[
        (
            "impact",
            &["summary", "users_affected", "scope", "data_loss"],
        ),
        ("detection", &["how", "improvements"]),
        ("response", &["went_well", "went_wrong", "got_lucky"]),
        ("communication", &["went_well", "to_improve"]),
        ("customer_report", REPORT_KEYS),
    ];
    if let Some(map) = value.as_object_mut() {
        for (key, keys) in nested {
            if let Some(inner) = map.get_mut(*key).filter(|v| v.is_object()) {
                *inner = complete(inner.take(), keys);
            }
        }
        if let Some(items) = map.get_mut("action_items").and_then(|v| v.as_array_mut()) {
            for item in items {
                *item = complete(item.take(), &["type", "owner", "due", "priority", "done"]);
            }
        }
    }
    value
}
