//! The word lists of the text rules: built in (`rules/phrases.yaml`, part of
//! the binary) plus what incidentkit.yaml adds under `language:`.

use super::text::Phrases;
use crate::model::Config;
use serde::Deserialize;
use std::sync::LazyLock;

/// Below this Flesch reading ease a customer report is hard going.
pub const DEFAULT_READING_EASE: f64 = 50.0;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lists {
    blame: Vec<String>,
    person_verbs: Vec<String>,
    people: Vec<String>,
    vague: Vec<String>,
    jargon: Vec<String>,
    third_party: Vec<String>,
    cause: Vec<String>,
}

static BUILT_IN: LazyLock<Lists> = LazyLock::new(|| {
    // Part of the binary and tested below; failing here is a bug.
    serde_yaml::from_str(include_str!("rules/phrases.yaml")).expect("phrases.yaml is valid")
});

/// The lists, ready to match.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub blame: Phrases,
    pub person_verbs: Phrases,
    pub people: Phrases,
    pub vague: Phrases,
    pub jargon: Phrases,
    pub third_party: Phrases,
    pub cause: Phrases,
    pub reading_ease: f64,
}

impl Lexicon {
    pub fn new(config: &Config) -> Self {
        let b = &*BUILT_IN;
        let lang = &config.language;
        // Component ids that are not plain words (payments-api) are internal
        // names customers do not use.
        let ids: Vec<String> = config
            .components
            .iter()
            .filter(|c| c.id.contains(|ch: char| ch == '-' || ch.is_ascii_digit()))
            .filter(|c| c.id != c.name.to_lowercase())
            .map(|c| c.id.clone())
            .collect();
        Self {
            blame: Phrases::new(b.blame.iter().chain(&lang.blame)),
            person_verbs: Phrases::new(&b.person_verbs),
            people: Phrases::new(&b.people),
            vague: Phrases::new(b.vague.iter().chain(&lang.vague)),
            jargon: Phrases::new(b.jargon.iter().chain(&lang.jargon).chain(&ids)),
            third_party: Phrases::new(&b.third_party),
            cause: Phrases::new(&b.cause),
            reading_ease: lang.reading_ease.unwrap_or(DEFAULT_READING_EASE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_lists_load_and_config_adds_to_them() {
        let config: Config = serde_yaml::from_str(
            "site: {name: x}\ncomponents: [{id: payments-api, name: Payments}, {id: checkout, name: Checkout}]\nlanguage: {jargon: [Kafka], reading_ease: 60}\n",
        )
        .unwrap();
        let l = Lexicon::new(&config);
        let has = |set: &Phrases, text: &str| set.first(&crate::check::text::words(text)).is_some();
        assert!(has(&l.blame, "Human error."));
        assert!(has(&l.jargon, "Kafka lagged"));
        assert!(has(&l.jargon, "the payments-api pods"));
        assert!(!has(&l.jargon, "checkout was down"));
        assert_eq!(l.reading_ease, 60.0);
    }
}
