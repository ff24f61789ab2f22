//! The post-mortem: action items keyed by unique ids, published only once
//! the incident is resolved.

use super::*;
use crate::model::postmortem::PostmortemStatus;
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
}
