//! Action items the seed's way: "assigned to owners with deadlines", with a
//! type that says what they do, and not due before the incident happened.

use super::*;

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files, tz) = (s.incident, s.files, s.timezone);
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
    let decl = &incident.declaration;
    let began = decl
        .started_at
        .unwrap_or(decl.declared_at)
        .min(decl.declared_at);
    // The day it began where the team works, as due dates are written.
    let began = began.to_zoned_datetime(tz.clone()).date();
    for (i, item) in pm.action_items.iter().enumerate() {
        let at = |key: &str| format!("/action_items/{i}/{key}");
        let id = &item.id;
        if item.owner.is_none() {
            out.push(
                ACTIONS_NO_OWNER
                    .diag(file, format!("action item `{id}` has no owner"))
                    .at_key(at("owner"))
                    .hint("add `owner: \"@alice\"`: an item nobody owns is not done"),
            );
        }
        match item.due {
            None => out.push(
                ACTIONS_NO_DUE
                    .diag(file, format!("action item `{id}` has no due date"))
                    .at_key(at("due"))
                    .hint("add `due: YYYY-MM-DD`, agreed with the owner"),
            ),
            Some(due) if due < began => out.push(
                ACTIONS_DUE_BEFORE_INCIDENT
                    .diag(file, format!("action item `{id}` is due on {due}, before the incident began ({began})"))
                    .at(at("due"))
                    .hint("a follow-up is due after the incident: check the year and month"),
            ),
            Some(_) => {}
        }
        if item.kind.is_none() {
            out.push(
                ACTIONS_NO_TYPE
                    .diag(file, format!("action item `{id}` has no type"))
                    .at_key(at("type"))
                    .hint("add `type:` mitigate (reduce impact next time), prevent (stop recurrence), detect (find out sooner) or process (how we work)"),
            );
        }
    }
}
