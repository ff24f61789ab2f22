//! Translations of public updates: with `site.languages`, the page is built
//! in each language, and an update's message shows in its original
//! language where `message_translations` lacks one. Translations are owed
//! while customers read the incident as current: every public update of an
//! open incident or of a maintenance not yet over (history is not
//! backfilled).

use super::*;

pub fn check(s: &Subject<'_>, practice: &Practice<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files, config) = (s.incident, s.files, practice.config);
    let site = &config.site;
    let wanted: Vec<&str> = site
        .languages()
        .into_iter()
        .filter(|l| *l != site.language())
        .collect();
    let over = incident.updates.last().is_some_and(|u| u.status.is_final());
    if wanted.is_empty() || !incident.is_public() || over {
        return;
    }
    for (update, file) in incident.updates.iter().zip(&files.updates) {
        if !update.is_public() {
            continue;
        }
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|l| !update.message_translations.contains_key(*l))
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(
            TRANSLATION_MISSING
                .diag(
                    file,
                    format!(
                        "this public update has no {} translation; the {} page shows it in {}",
                        missing.join(", "),
                        missing.join(", "),
                        site.language()
                    ),
                )
                .at("/message")
                .hint(format!(
                    "add message_translations: {{{}: …}}",
                    missing.join(": …, ")
                )),
        );
    }
}
