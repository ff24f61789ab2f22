//! Roles at declaration: a high-severity response has a commander and a
//! communications lead, and on a sev1 they are two people (the seed keeps
//! the technical team shielded by a separate communications lead).

use super::*;
use crate::model::{Kind, Severity};

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let decl = &incident.declaration;
    let Some(worst) = s.facts.response_severity.filter(|s| *s <= Severity::Sev2) else {
        return;
    };
    if decl.kind != Kind::Incident {
        return;
    }
    let sev = format!("{worst:#}");
    let file = &files.incident;
    let roles = &decl.roles;
    if roles.commander.is_none() {
        out.push(
            ROLES_NO_COMMANDER
                .diag(
                    file,
                    format!("a {sev} incident without an incident commander"),
                )
                .at_key("/roles/commander")
                .hint("name who drives the technical response: `roles: {commander: \"@alice\"}`"),
        );
    }
    if roles.communications.is_none() {
        out.push(
            ROLES_NO_COMMUNICATIONS
                .diag(file, format!("a {sev} incident without a communications lead"))
                .at_key("/roles/communications")
                .hint("name who owns stakeholder updates, so the technical team is not flooded with questions: `roles: {communications: \"@bob\"}`"),
        );
    }
    let same = |a: &str, b: &str| {
        a.trim().trim_start_matches('@').to_lowercase()
            == b.trim().trim_start_matches('@').to_lowercase()
    };
    if let (Some(c), Some(m)) = (&roles.commander, &roles.communications)
        && worst == Severity::Sev1
        && same(c, m)
    {
        out.push(
            ROLES_SAME_PERSON
                .diag(file, format!("{c} is both incident commander and communications lead of a SEV-1"))
                .at("/roles/communications")
                .hint("on a SEV-1 the commander drives the fix while someone else keeps stakeholders informed: hand communications to another person"),
        );
    }
}
