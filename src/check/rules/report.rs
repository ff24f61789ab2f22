//! The customer-facing report (the seed's fourth pitfall): five parts, each
//! saying something; plain language without vague phrases or jargon; no
//! blame on individuals or third parties.

use super::blameless::{self, People};
use super::*;
use crate::check::lexicon::Lexicon;
use crate::check::text::{self, Word};
use crate::model::Kind;
use crate::model::postmortem::{CustomerReport, PostmortemStatus};
use crate::model::vocab::PostmortemRequirement;
use std::collections::HashSet;

/// Fewer words than this is not a part, it is a placeholder ("We are sorry.").
const MIN_WORDS: usize = 5;
/// Readability needs enough text to mean anything.
const MIN_WORDS_FOR_READABILITY: usize = 30;

fn parts(report: &CustomerReport) -> [(&'static str, &'static str, Option<&str>); 5] {
    [
        ("apology", "a sincere apology", report.apology.as_deref()),
        (
            "what_happened",
            "what happened and its impact",
            report.what_happened.as_deref(),
        ),
        ("root_cause", "the root cause", report.root_cause.as_deref()),
        ("fix", "what was done to fix it", report.fix.as_deref()),
        (
            "prevention",
            "what will prevent it happening again",
            report.prevention.as_deref(),
        ),
    ]
}

pub fn check(s: &Subject<'_>, practice: &Practice<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
    let required = incident.declaration.kind == Kind::Incident
        && s.facts.peak_severity.is_some_and(|s| {
            practice.config.policy(s).postmortem == PostmortemRequirement::RequiredWithReport
        });
    let Some(report) = &pm.customer_report else {
        if required && pm.status != PostmortemStatus::Draft {
            out.push(
                REPORT_INCOMPLETE
                    .diag(file, "the severity policy requires a customer report and there is none")
                    .at_key("/status")
                    .hint("add `customer_report:` with apology, what_happened, root_cause, fix and prevention, in plain language"),
            );
        }
        return;
    };
    let lexicon = practice.lexicon;
    let people = People::of(incident);
    let written = pm.status != PostmortemStatus::Draft;
    let mut tally = text::Tally::default();
    for (key, what, part) in parts(report) {
        let at = format!("/customer_report/{key}");
        let text = part.unwrap_or("");
        let words = text::words(text);
        // A placeholder would be published as written: flagged in any report.
        let placeholder = text::placeholder(text).filter(|_| !text.trim().is_empty());
        let short = required && words.len() < MIN_WORDS;
        if written && (placeholder.is_some() || short) {
            out.push(
                REPORT_INCOMPLETE
                    .diag(file, incomplete(key, what, &words, placeholder))
                    .at_key(at.clone())
                    .hint(if placeholder.is_some() {
                        "write it in a few plain sentences: the status page shows the report as written, placeholder included"
                    } else {
                        "the seed's report has five parts: apology, what happened, root cause, fix, prevention; write each in a few plain sentences"
                    }),
            );
        }
        if words.is_empty() || placeholder.is_some() {
            continue;
        }
        tally.add(text::Tally::of(&words));
        wording(file, &at, text, &words, lexicon, &people, out);
    }
    out.extend(readability(file, &tally, lexicon));
}

/// What part `key` of the report lacks: words other than a placeholder,
/// any words, or enough of them.
fn incomplete(key: &str, what: &str, words: &[Word], placeholder: Option<&str>) -> String {
    match (words.len(), placeholder) {
        (_, Some(p)) => {
            format!("`{key}` holds only a placeholder (\"{p}\"): it does not yet say {what}")
        }
        (0, None) => format!("the customer report has no `{key}` ({what})"),
        (1, None) => format!("`{key}` is 1 word: it does not yet say {what}"),
        (n, None) => format!("`{key}` is {n} words: it does not yet say {what}"),
    }
}

/// Vague phrases, jargon and blame in one part of the report (`at`).
fn wording(
    file: &str,
    at: &str,
    text: &str,
    words: &[Word],
    lexicon: &Lexicon,
    people: &People,
    out: &mut Vec<Diagnostic>,
) {
    if let Some((i, p)) = lexicon.vague.first(words) {
        out.push(
            REPORT_VAGUE
                .diag(file, format!("\"{}\" is vague: \"{}\"", p.join(" "), text::quote(text, words, i)))
                .at(at)
                .hint("say what customers could not do, when, and for how long; vagueness reads as hiding something"),
        );
    }
    let jargon = jargon(words, lexicon);
    if !jargon.is_empty() {
        out.push(
            REPORT_JARGON
                .diag(file, format!("words customers may not understand: {}", jargon.join(", ")))
                .at(at)
                .hint("say what it meant for customers (\"an error page\", \"slower pages\") instead of how our systems name it"),
        );
    }
    let blame = blameless::phrase(text, words, lexicon)
        .or_else(|| blameless::person_as_cause(text, words, lexicon, people))
        .or_else(|| third_party(text, words, lexicon));
    if let Some(b) = blame {
        let whom = if b.third_party {
            "a third party"
        } else {
            "an individual"
        };
        out.push(
            REPORT_BLAME
                .diag(file, format!("the report blames {whom} (\"{}\"): \"{}\"", b.phrase, b.quote))
                .at(at)
                .hint("own the failure: say what *we* did and what *we* change (\"our systems did not handle …\"), without naming people or suppliers"),
        );
    }
}

/// The Flesch reading ease of the whole report against the team's floor.
fn readability(file: &str, tally: &text::Tally, lexicon: &Lexicon) -> Option<Diagnostic> {
    let score = tally
        .reading_ease()
        .filter(|_| tally.words >= MIN_WORDS_FOR_READABILITY)?;
    (score < lexicon.reading_ease).then(|| {
        REPORT_READABILITY
            .diag(
                file,
                format!(
                    "the customer report is hard to read: Flesch reading ease {score:.0} (floor {:.0}; 60-70 is plain English)",
                    lexicon.reading_ease
                ),
            )
            .at_key("/customer_report")
            .hint("use shorter sentences and everyday words; the floor is `language: {reading_ease: …}` in incidentkit.yaml")
    })
}

/// Jargon in `words`, each once, in order: the word lists and HTTP status
/// codes (4xx, 5xx).
fn jargon(words: &[Word], lexicon: &Lexicon) -> Vec<String> {
    let mut found: Vec<(usize, String)> = lexicon
        .jargon
        .matches(words)
        .into_iter()
        .map(|(i, p)| (i, p.join(" ")))
        .collect();
    found.extend(words.iter().enumerate().filter_map(|(i, w)| {
        // "502s", "HTTP 503", "500 errors" are codes; "400 customers" is a count.
        let number = w.lower.trim_end_matches('s');
        let code = number.len() == 3
            && number.starts_with(['4', '5'])
            && number.bytes().all(|b| b.is_ascii_digit());
        let near = |k: Option<usize>, said: &[&str]| {
            k.and_then(|k| words.get(k))
                .is_some_and(|n| said.contains(&n.lower.as_ref()))
        };
        let status = code
            && (number.len() < w.lower.len()
                || near(i.checked_sub(1), &["http", "status", "error", "code"])
                || near(
                    Some(i + 1),
                    &[
                        "error",
                        "errors",
                        "response",
                        "responses",
                        "status",
                        "code",
                        "codes",
                    ],
                ));
        status.then(|| (i, w.text.to_string()))
    }));
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, w) in found {
        let w = format!("\"{w}\"");
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// A sentence naming a third party together with a cause word.
fn third_party(text: &str, words: &[Word], lexicon: &Lexicon) -> Option<blameless::Blame> {
    let parties = lexicon.third_party.matches(words);
    if parties.is_empty() {
        return None;
    }
    let causes: HashSet<usize> = lexicon
        .cause
        .matches(words)
        .into_iter()
        .map(|(i, _)| words[i].sentence)
        .collect();
    let (at, party) = parties
        .into_iter()
        .find(|(i, _)| causes.contains(&words[*i].sentence))?;
    Some(blameless::Blame {
        phrase: party.join(" "),
        quote: text::quote(text, words, at),
        third_party: true,
    })
}
