//! Action items the seed's way: "assigned to owners with deadlines", with a
//! type that says what they do, and not due before the incident happened.

use super::*;

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
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
        if item.due.is_none() {
            out.push(
                ACTIONS_NO_DUE
                    .diag(file, format!("action item `{id}` has no due date"))
                    .at_key(at("due"))
                    .hint("add `due: YYYY-MM-DD`, agreed with the owner"),
            );
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

/// Due dates are days where the team works: the day the incident began
/// (when impact began, as the facts say, or when it was declared if that
/// was earlier) is taken in the site's time zone, whose rules come from the
/// machine's time zone database (so a clocked family: it changes with the
/// machine).
pub fn due_before_incident(s: &Subject<'_>, clock: &Clock<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
    let began = (s.facts.started.at).min(incident.declaration.declared_at);
    let began = clock.day(began);
    for (i, item) in pm.action_items.iter().enumerate() {
        if let Some(due) = item.due.filter(|due| *due < began) {
            out.push(
                ACTIONS_DUE_BEFORE_INCIDENT
                    .diag(
                        file,
                        format!(
                            "action item `{}` is due on {due}, before the incident began ({began})",
                            item.id
                        ),
                    )
                    .at(format!("/action_items/{i}/due"))
                    .hint("a follow-up is due after the incident: check the year and month"),
            );
        }
    }
}
