//! The post-mortem: action items keyed by unique ids, published only once
//! the incident is resolved, and no placeholder left once it is reviewed.

use super::*;
use crate::check::text;
use crate::model::postmortem::{Postmortem, PostmortemStatus};
use std::collections::HashMap;

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
    let mut first = HashMap::new();
    for (i, item) in pm.action_items.iter().enumerate() {
        if let Some(j) = first.insert(item.id.as_str(), i) {
            first.insert(item.id.as_str(), j);
            out.push(
                POSTMORTEM_DUPLICATE_ACTION
                    .diag(file, format!("action item id `{}` is already used by item {}", item.id, j + 1))
                    .at(format!("/action_items/{i}/id"))
                    .hint("each action item keeps its own id for life: it keys the GitHub issue; use the next free number"),
            );
        }
    }
    if pm.status == PostmortemStatus::Published && !incident.is_resolved() {
        out.push(
            POSTMORTEM_PUBLISHED_UNRESOLVED
                .diag(file, "the post-mortem is published but the incident is not resolved")
                .at("/status")
                .hint("restore service first (response phase), then learn: keep the post-mortem in draft until the incident is resolved"),
        );
    }
    if pm.status == PostmortemStatus::Published && pm.published_at.is_none() {
        out.push(
            POSTMORTEM_PUBLISHED_UNDATED
                .diag(file, "the post-mortem is published but does not say when")
                .at("/status")
                .hint("add `published_at:` with the time it was published: whether post-mortems come out on time (`incident stats`) is counted from it"),
        );
    }
    if pm.status != PostmortemStatus::Draft {
        placeholders(pm, file, out);
    }
}

/// The analysis readers of a post-mortem in review or published start from
/// (and the action items' GitHub issue titles) still holding a placeholder.
fn placeholders<'a>(pm: &'a Postmortem, file: &str, out: &mut Vec<Diagnostic>) {
    let one =
        |at: &str, name: &str, value: Option<&'a str>| (at.to_string(), name.to_string(), value);
    let fields = [
        one("/summary", "`summary`", pm.summary.as_deref()),
        one("/trigger", "`trigger`", pm.trigger.as_deref()),
    ]
    .into_iter()
    .chain(pm.root_causes.iter().enumerate().map(|(i, c)| {
        one(
            &format!("/root_causes/{i}"),
            &format!("root cause {}", i + 1),
            Some(c),
        )
    }))
    .chain(pm.action_items.iter().enumerate().map(|(i, a)| {
        let name = format!("the title of action item `{}`", a.id);
        one(&format!("/action_items/{i}/title"), &name, Some(&a.title))
    }));
    for (at, name, value) in fields {
        // Left empty is not a placeholder: the renderer leaves it out.
        let Some(found) = value
            .filter(|v| !v.trim().is_empty())
            .and_then(text::placeholder)
        else {
            continue;
        };
        out.push(
            POSTMORTEM_PLACEHOLDER
                .diag(file, format!("{name} holds only a placeholder (\"{found}\")"))
                .at(at)
                .hint("write what the team found before the post-mortem is reviewed, or move `status` back to draft"),
        );
    }
}
