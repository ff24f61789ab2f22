//! The word lists of the text rules: built in (`rules/phrases.yaml`, part of
//! the binary) plus what incidentkit.yaml adds under `language:`.

use super::text::phrase;
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

/// Each phrase as the lowercase words to match.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub blame: Vec<Vec<String>>,
    pub person_verbs: Vec<Vec<String>>,
    pub people: Vec<Vec<String>>,
    pub vague: Vec<Vec<String>>,
    pub jargon: Vec<Vec<String>>,
    pub third_party: Vec<Vec<String>>,
    pub cause: Vec<Vec<String>>,
    pub reading_ease: f64,
}

fn compile<'a>(lists: impl IntoIterator<Item = &'a String>) -> Vec<Vec<String>> {
    lists
        .into_iter()
        .map(|p| phrase(p))
        .filter(|p| !p.is_empty())
        .collect()
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
            blame: compile(b.blame.iter().chain(&lang.blame)),
            person_verbs: compile(&b.person_verbs),
            people: compile(&b.people),
            vague: compile(b.vague.iter().chain(&lang.vague)),
            jargon: compile(b.jargon.iter().chain(&lang.jargon).chain(&ids)),
            third_party: compile(&b.third_party),
            cause: compile(&b.cause),
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
        assert!(l.blame.contains(&vec!["human".into(), "error".into()]));
        assert!(l.jargon.contains(&vec!["kafka".into()]));
        assert!(l.jargon.contains(&vec!["payments-api".into()]));
        assert!(!l.jargon.contains(&vec!["checkout".into()]));
        assert_eq!(l.reading_ease, 60.0);
    }
}
