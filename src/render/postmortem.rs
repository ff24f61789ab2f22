//! The blameless post-mortem (internal) and the five-part customer report,
//! as Markdown, or as HTML made from that Markdown (with any HTML in what
//! people wrote escaped).

use super::markdown;
use super::site::status_label;
use super::time::{Clock, When, human_duration};
use super::{RenderError, ctx};
use crate::model::{Config, Incident};
use crate::schemas::{FileKind, follow_ref};
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
    let clock = Clock::new(config);
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
        severity => state.severity.map(|s| super::severity_text(config, s)),
        roles => ctx(&with_all_keys(FileKind::Incident, "/properties/roles", &d.roles)),
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
        pm => pm.map(|p| ctx(&with_all_keys(FileKind::Postmortem, "", p))),
        report => pm
            .and_then(|p| p.customer_report.as_ref())
            .map(|r| ctx(&with_all_keys(FileKind::Postmortem, "/properties/customer_report", r))),
        timeline => ctx(&timeline),
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
