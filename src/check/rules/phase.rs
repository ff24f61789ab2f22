//! The two phases: respond, then learn (the seed's "neglect Phase 2
//! entirely because the pressure is off"). A required post-mortem written
//! on time, action items done by their date, and a post-mortem that produces
//! action items at all. (Publishing before the incident is resolved is
//! `postmortem/published-unresolved`.)

use super::*;
use crate::model::postmortem::PostmortemStatus;

pub fn check(
    s: &Subject<'_>,
    practice: &Practice<'_>,
    clock: &Clock<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let (incident, files) = (s.incident, s.files);
    let config = practice.config;
    let today = clock.day(clock.now);
    let severity = s.facts.peak_severity;
    if let (Some(due), Some(severity)) = (incident.postmortem_due_by(&s.facts, config), severity) {
        let pm = incident.postmortem.as_ref();
        let started = pm.is_some_and(|p| p.status != PostmortemStatus::Draft);
        let why = match (
            pm.and_then(|p| p.due),
            config.policy(severity).postmortem_due,
        ) {
            (Some(_), _) => "its `due` date".to_string(),
            (None, Some(after)) => {
                format!("{severity:#} policy: {} after resolution", after.spoken())
            }
            (None, None) => format!("{severity:#}"),
        };
        if today > due && !started {
            let (file, what) = match &files.postmortem {
                Some(file) => (file, "is still a draft"),
                None => (&files.incident, "has not been started"),
            };
            let d = PHASE_POSTMORTEM_OVERDUE.diag(
                file,
                format!("the post-mortem was due on {due} and {what} ({why})"),
            );
            let d = if files.postmortem.is_some() {
                d.at("/status").hint("phase 2 matters as much as phase 1: hold the blameless review and move `status` to in_review, or agree a new `due` date in postmortem.yaml")
            } else {
                d.hint(format!("phase 2 matters as much as phase 1: `incident postmortem {}` writes its skeleton (with a `due` date to agree on); then hold the blameless review", incident.id))
            };
            out.push(d);
        }
    }
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
    for (i, item) in pm.action_items.iter().enumerate() {
        if let Some(due) = item.due.filter(|_| item.overdue_on(today)) {
            let late = (today - due).get_days();
            out.push(
                PHASE_ACTION_OVERDUE
                    .diag(
                        file,
                        format!(
                            "`{}` was due on {due} and is not done ({late} day{} late)",
                            item.id,
                            if late == 1 { "" } else { "s" }
                        ),
                    )
                    .at(format!("/action_items/{i}/due"))
                    .hint("drive it to completion (`done: true`), or agree a new due date with its owner"),
            );
        }
    }
    if pm.status != PostmortemStatus::Draft && pm.action_items.is_empty() {
        out.push(
            PHASE_NO_ACTION_ITEMS
                .diag(file, "a post-mortem without action items changes nothing")
                .at_key("/action_items")
                .hint("add what will be done, each with an owner and a due date: `action_items: [{id: AI-1, title: …, type: prevent, owner: \"@alice\", due: 2026-12-10}]`"),
        );
    }
}
