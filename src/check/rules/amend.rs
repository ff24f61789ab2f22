//! Correction and redaction records: each names an update the incident has,
//! is named after it and its own time, and says what is true of the update
//! file (a redacted field holds the placeholder). A correction of an
//! internal entry is refused: correcting its public message would publish
//! an entry that was never public.

use super::*;
use crate::model::Update;
use crate::model::amend::PLACEHOLDER;
use crate::repo::layout::update_file_name;
use jiff::Timestamp;

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let find = |at: Timestamp| incident.updates.iter().find(|u| u.at == at);
    let amendments = &incident.amendments;
    let corrections = amendments
        .corrections
        .iter()
        .zip(&files.corrections)
        .map(|(c, f)| (c.update, c.at, f, "correct"));
    let redactions = amendments
        .redactions
        .iter()
        .zip(&files.redactions)
        .map(|(r, f)| (r.update, r.at, f, "redact"));
    for (update, at, file, command) in corrections.chain(redactions) {
        let expected = crate::paths::amendment(
            &incident.id,
            if command == "correct" {
                crate::paths::CORRECTIONS
            } else {
                crate::paths::REDACTIONS
            },
            &update_file_name(update),
            &update_file_name(at),
        );
        if *file != expected {
            let name = expected.rsplit('/').next().unwrap_or(&expected);
            out.push(
                AMEND_FILE_NAME
                    .diag(
                        file,
                        format!("this record is not named after its update and time: {name}"),
                    )
                    .at("/at")
                    .hint(format!("rename it to {name}")),
            );
        }
        match find(update) {
            None => out.push(
                AMEND_MISSING_UPDATE
                    .diag(file, format!("{} has no update at {update}", incident.id))
                    .at("/update")
                    .hint(format!(
                        "`update` is the `at` of the update it amends (`incident show {}` lists them); `incident {command}` writes it",
                        incident.id
                    )),
            ),
            Some(u) if at < u.at => out.push(
                AMEND_BEFORE_UPDATE
                    .diag(file, format!("this record ({at}) is earlier than the update it amends ({})", u.at))
                    .at("/at")
                    .hint("`at` is when the record was made: now, by default"),
            ),
            Some(_) => {}
        }
    }
    for (c, file) in amendments.corrections.iter().zip(&files.corrections) {
        if find(c.update).is_some_and(|u| !u.is_public()) {
            out.push(
                AMEND_INTERNAL_ENTRY
                    .diag(file, format!("the update at {} is an internal entry: it has no public message to correct", c.update))
                    .at("/update")
                    .hint("a correction is published; an internal entry never is. Post a new internal note (`incident update ID --internal-note …`), or remove text with `incident redact`"),
            );
        }
    }
    for (r, file) in amendments.redactions.iter().zip(&files.redactions) {
        let Some(u) = find(r.update) else { continue };
        for (n, f) in r.fields.iter().enumerate() {
            if !holds_placeholder(u, f.field) {
                out.push(
                    AMEND_NOT_REMOVED
                        .diag(file, format!("`{}` of the update at {} does not hold the placeholder `{PLACEHOLDER}`", f.field.as_str(), r.update))
                        .at(format!("/fields/{n}/field"))
                        .hint("`incident redact` rewrites the update and writes this record together; a record alone removes nothing"),
                );
            }
        }
    }
}

/// Whether every text of `field` in `update` is the placeholder.
fn holds_placeholder(update: &Update, field: crate::model::amend::Field) -> bool {
    let mut blanked = update.clone();
    field.blank(&mut blanked);
    field.is_set(update) && field.value(&blanked) == field.value(update)
}
