//! Blameless post-mortems: the analysis is about systems and processes, not
//! people (the seed's third pitfall). Phrases that blame wherever they stand
//! ("human error"), and a person as the subject of a cause ("@bob failed
//! to …"), which a system as subject ("the retry failed to connect") is not.

use super::*;
use crate::check::lexicon::Lexicon;
use crate::check::text::{self, Word};
use crate::model::{Incident, Postmortem};
use std::collections::HashSet;

const TEAM_WORDS: &[&str] = &[
    "team", "squad", "crew", "group", "ops", "sre", "oncall", "bot",
];

const ASK: &str = "ask \"what conditions allowed this?\" and describe the system or process that let it happen, not the person";

/// The people of an incident: everyone named in roles, updates and the
/// post-mortem, as handles and as names ("@priya-nair" → Priya, Nair).
pub struct People {
    /// Lowercase words that name a person wherever they stand.
    handles: HashSet<String>,
    /// Lowercase name parts that name a person when written with a capital.
    names: HashSet<String>,
}

impl People {
    pub fn of(incident: &Incident) -> Self {
        let roles = &incident.declaration.roles;
        let mut all: Vec<&str> = roles
            .commander
            .iter()
            .chain(&roles.communications)
            .chain(&roles.investigators)
            .map(String::as_str)
            .collect();
        all.extend(incident.updates.iter().map(|u| u.author.as_str()));
        if let Some(pm) = &incident.postmortem {
            all.extend(pm.authors.iter().map(String::as_str));
            all.extend(pm.action_items.iter().filter_map(|a| a.owner.as_deref()));
        }
        let mut people = Self {
            handles: HashSet::new(),
            names: HashSet::new(),
        };
        for who in all {
            let lower = who.trim().to_lowercase();
            let bare = lower.trim_start_matches('@').to_string();
            if bare.len() >= 3 {
                people.handles.insert(format!("@{bare}"));
            }
            // A team's handle names no person: "@search-team" does not make
            // "Search failed to index" about someone.
            let parts: Vec<&str> = bare.split(['-', '_', '.', ' ']).collect();
            if parts.iter().any(|p| TEAM_WORDS.contains(p)) {
                continue;
            }
            for part in parts.into_iter().filter(|p| p.len() >= 3) {
                people.names.insert(part.to_string());
            }
        }
        people
    }

    fn names_a_person(&self, word: &Word) -> bool {
        let lower = word.lower.trim_end_matches("'s");
        let capital = word.text.starts_with(char::is_uppercase);
        (lower.starts_with('@') && lower.len() > 1)
            || self.handles.contains(lower)
            || (capital && self.names.contains(lower))
    }
}

/// What a text says that blames someone, quoted.
pub struct Blame {
    pub phrase: String,
    pub quote: String,
    /// Blames a supplier rather than a person.
    pub third_party: bool,
}

/// The first blaming phrase of `text`.
pub fn phrase(text: &str, words: &[Word], lexicon: &Lexicon) -> Option<Blame> {
    let (at, phrase) = lexicon.blame.first(words)?;
    Some(Blame {
        phrase: phrase.join(" "),
        quote: text::quote(text, words, at),
        third_party: false,
    })
}

/// Words that may stand between a subject and its verb ("@bob had just
/// deleted"); any other word means the person is not the verb's subject ("the
/// engineer rolled back the release that caused", "the admin API broke").
const BETWEEN_SUBJECT_AND_VERB: &[&str] = &[
    "had",
    "has",
    "have",
    "was",
    "were",
    "did",
    "just",
    "then",
    "also",
    "again",
    "simply",
    "never",
    "not",
    "accidentally",
    "mistakenly",
    "apparently",
    "clearly",
    "obviously",
    "probably",
];

/// The first cause phrase of `text` whose subject is a person.
pub fn person_as_cause(
    text: &str,
    words: &[Word],
    lexicon: &Lexicon,
    people: &People,
) -> Option<Blame> {
    let verbs = lexicon.person_verbs.matches(words);
    if verbs.is_empty() {
        return None; // most text: no need to look for people
    }
    let roles: HashSet<usize> = lexicon
        .people
        .matches(words)
        .into_iter()
        .flat_map(|(i, phrase)| i..i + phrase.len())
        .collect();
    let is_person = |i: usize| roles.contains(&i) || people.names_a_person(&words[i]);
    // "Priya's deploy caused": the subject belongs to a person.
    let persons_thing = |i: usize| {
        i.checked_sub(1).is_some_and(|p| {
            words[p].sentence == words[i].sentence
                && is_person(p)
                && (words[p].lower.ends_with("'s") || words[p].lower == "her")
        })
    };
    let (at, verb) = verbs.into_iter().find(|&(j, _)| {
        let sentence = words[j].sentence;
        let mut before = (0..j).rev().take_while(|&i| words[i].sentence == sentence);
        match before
            .find(|&i| is_person(i) || !BETWEEN_SUBJECT_AND_VERB.contains(&words[i].lower.as_ref()))
        {
            // "@carol pushed the change and failed to": the sentence's subject.
            Some(i) if ["and", "but"].contains(&words[i].lower.as_ref()) => {
                let start = (0..i)
                    .rev()
                    .take_while(|&k| words[k].sentence == sentence)
                    .last();
                start.is_some_and(|s| (s..i.min(s + 3)).any(is_person))
            }
            Some(i) => is_person(i) || persons_thing(i),
            None => false,
        }
    })?;
    Some(Blame {
        phrase: verb.join(" "),
        quote: text::quote(text, words, at),
        third_party: false,
    })
}

/// The post-mortem's narrative, as (JSON pointer, text): what the blameless
/// analysis is written in. The customer report has its own rules (report/*).
fn narrative(pm: &Postmortem) -> Vec<(String, &str)> {
    fn one<'a>(out: &mut Vec<(String, &'a str)>, path: &str, text: Option<&'a String>) {
        if let Some(t) = text {
            out.push((path.to_string(), t.as_str()));
        }
    }
    fn list<'a>(out: &mut Vec<(String, &'a str)>, path: &str, items: &'a [String]) {
        for (i, t) in items.iter().enumerate() {
            out.push((format!("{path}/{i}"), t.as_str()));
        }
    }
    let mut out = Vec::new();
    one(&mut out, "/summary", pm.summary.as_ref());
    one(&mut out, "/trigger", pm.trigger.as_ref());
    one(
        &mut out,
        "/impact/summary",
        pm.impact.as_ref().and_then(|i| i.summary.as_ref()),
    );
    list(&mut out, "/root_causes", &pm.root_causes);
    list(&mut out, "/contributing_factors", &pm.contributing_factors);
    if let Some(d) = &pm.detection {
        one(&mut out, "/detection/how", d.how.as_ref());
        list(&mut out, "/detection/improvements", &d.improvements);
    }
    if let Some(r) = &pm.response {
        list(&mut out, "/response/went_well", &r.went_well);
        list(&mut out, "/response/went_wrong", &r.went_wrong);
        list(&mut out, "/response/got_lucky", &r.got_lucky);
    }
    if let Some(c) = &pm.communication {
        list(&mut out, "/communication/went_well", &c.went_well);
        list(&mut out, "/communication/to_improve", &c.to_improve);
    }
    list(&mut out, "/lessons", &pm.lessons);
    for (i, e) in pm.timeline.iter().enumerate() {
        out.push((format!("/timeline/{i}/event"), e.event.as_str()));
    }
    for (i, a) in pm.action_items.iter().enumerate() {
        out.push((format!("/action_items/{i}/title"), a.title.as_str()));
    }
    out
}

pub fn check(s: &Subject<'_>, practice: &Practice<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem) else {
        return;
    };
    let people = People::of(incident);
    for (path, text) in narrative(pm) {
        let words = text::words(text);
        if let Some(b) = phrase(text, &words, practice.lexicon) {
            out.push(
                BLAMELESS_PHRASE
                    .diag(file, format!("\"{}\" blames people: \"{}\"", b.phrase, b.quote))
                    .at(path.clone())
                    .hint(format!("{ASK} (the seed: focus on process and technology, not individual performance)")),
            );
        }
        if let Some(b) = person_as_cause(text, &words, practice.lexicon, &people) {
            out.push(
                BLAMELESS_PERSON
                    .diag(file, format!("a person is the subject of \"{}\": \"{}\"", b.phrase, b.quote))
                    .at(path)
                    .hint(format!("{ASK}; e.g. \"the deploy pipeline allowed an unreviewed change\" rather than \"@bob deployed an unreviewed change\"")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Declaration;

    fn lexicon() -> Lexicon {
        let config: Config =
            serde_yaml::from_str("site: {name: x}\ncomponents: [{id: a, name: A}]\n").unwrap();
        Lexicon::new(&config)
    }

    fn people() -> People {
        let declaration: Declaration = serde_yaml::from_str(
            "title: x\nseverity: sev1\ndeclared_at: 2026-11-26T10:00:00Z\nroles: {commander: \"@priya-nair\", communications: \"@bob\"}\n",
        )
        .unwrap();
        People::of(&Incident {
            id: "2026-11-26-x".into(),
            declaration,
            updates: vec![],
            postmortem: None,
            amendments: Default::default(),
        })
    }

    fn person(text: &str) -> Option<String> {
        let words = text::words(text);
        person_as_cause(text, &words, &lexicon(), &people()).map(|b| b.phrase)
    }

    #[test]
    fn a_system_failing_is_not_blame() {
        assert_eq!(person("The retry failed to connect to the database."), None);
        assert_eq!(person("The alert should have fired after 3 minutes."), None);
        assert_eq!(
            person("Customers failed to check out. Priya restored it."),
            None
        );
        assert_eq!(
            person("The alert paged the on-call engineer, who restored service."),
            None
        );
        // A person earlier in the sentence is not the subject of the cause.
        assert_eq!(
            person("The on-call engineer rolled back the release that caused the errors."),
            None
        );
        assert_eq!(
            person("Mara noticed the alert had missed the first errors."),
            None
        );
        assert_eq!(person("The admin API broke under load."), None);
    }

    #[test]
    fn a_person_as_subject_is_blame() {
        assert_eq!(
            person("@bob failed to check the config.").as_deref(),
            Some("failed to")
        );
        assert_eq!(
            person("Priya's deploy caused the outage.").as_deref(),
            Some("caused")
        );
        assert_eq!(
            person("The on-call engineer should have noticed.").as_deref(),
            Some("should have")
        );
        assert_eq!(
            person("Then @carol-x ignored the alert.").as_deref(),
            Some("ignored")
        );
        assert_eq!(
            person("@carol pushed the change and failed to check the canary.").as_deref(),
            Some("failed to")
        );
        assert_eq!(
            person("The deploy went out and failed to start.").as_deref(),
            None
        );
    }

    #[test]
    fn blaming_phrases_are_found_as_whole_words() {
        let find = |t: &str| phrase(t, &text::words(t), &lexicon()).map(|b| b.phrase);
        assert_eq!(
            find("Root cause: human error.").as_deref(),
            Some("human error")
        );
        assert_eq!(find("Someone forgot the flag.").as_deref(), Some("forgot"));
        assert_eq!(
            find("A forgotten cron job; errors by humans are normal."),
            None
        );
    }
}
