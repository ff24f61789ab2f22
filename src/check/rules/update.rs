//! Stakeholder updates as the seed's template has them: time, current
//! status, impact (scope / users affected) and the next update's ETA, and a
//! message that says something ("still investigating" does; "" and "TBD"
//! do not).

use super::*;
use crate::check::text;
use crate::model::Kind;
use crate::model::amend::PLACEHOLDER;
use crate::model::incident::UpdateImpact;

fn says_nothing(message: &str) -> bool {
    text::placeholder(message).is_some()
}

fn stated(impact: &UpdateImpact) -> bool {
    let filled = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    filled(&impact.summary) || filled(&impact.scope) || impact.users_affected.is_some()
}

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let is_incident = incident.declaration.kind == Kind::Incident;
    // The impact in force, folded as `state_at` does, in one pass.
    let mut impact: Option<&UpdateImpact> = None;
    for (update, file) in incident.updates.iter().zip(&files.updates) {
        impact = update.impact.as_deref().or(impact);
        let Some(message) = &update.message else {
            continue;
        };
        // What a redaction removed is accounted for by its record.
        if message != PLACEHOLDER && says_nothing(message) {
            out.push(
                UPDATE_EMPTY_MESSAGE
                    .diag(file, "the public message says nothing")
                    .at("/message")
                    .hint("say what is known, even if it is little: \"We are still investigating why checkout fails; the next update follows by 10:35 UTC.\""),
            );
        }
        if !is_incident || update.status.is_final() {
            continue;
        }
        if !impact.is_some_and(stated) {
            out.push(
                UPDATE_NO_IMPACT
                    .diag(file, "neither this update nor an earlier one says who is affected")
                    .at_key("/message")
                    .hint("add `impact: {summary: …, users_affected: \"~12,000\", scope: \"EU, web and app\"}`: stakeholders need the scope to act"),
            );
        }
        if update.next_update_at.is_none() {
            out.push(
                UPDATE_NO_ETA
                    .diag(file, "no `next_update_at`: stakeholders do not know when to expect the next update")
                    .at_key("/message")
                    .hint("add `next_update_at:` (the severity's cadence from now is the default `incident update` writes)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::says_nothing;

    #[test]
    fn still_investigating_says_something() {
        assert!(!says_nothing("Still investigating."));
        assert!(!says_nothing("No change, investigation ongoing."));
        for empty in [
            "",
            "  \n",
            "TBD",
            "- n/a -",
            "Update.",
            "...",
            "TODO: write the message",
            "[fill in]",
            "<…>",
        ] {
            assert!(says_nothing(empty), "{empty:?}");
        }
    }

    #[test]
    fn long_messages_are_read_past_the_first_words_when_needed() {
        let filler = "TBD ".repeat(100);
        assert!(says_nothing(&filler));
        assert!(!says_nothing(&format!("{filler}Checkout is down.")));
        assert!(!says_nothing(&format!("Checkout is down. {filler}")));
        // The cut at 200 bytes falls inside a three-byte dash: still fine.
        let dashes = "— ".repeat(120);
        assert!(says_nothing(&format!("{dashes}TBD")));
        assert!(!says_nothing(&format!("{dashes}Checkout is down.")));
    }
}
