//! `rules:` in incidentkit.yaml: each rule's level as the team chose it
//! (deny, warn, allow), applied to every finding in one place.

use super::*;
use crate::check::suggest::did_you_mean;
use crate::model::config::RuleLevel;
use crate::repo::locate::join;

/// Findings about `rules:` itself: ids that do not exist or cannot change.
pub fn check(config: &Config, file: &str, out: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = ALL
        .iter()
        .filter(|r| r.configurable())
        .map(|r| r.id)
        .collect();
    for id in config.rules.keys() {
        let at = join("/rules", id);
        match Rule::find(id) {
            Some(rule) if !rule.configurable() => out.push(
                CONFIG_UNKNOWN_RULE
                    .diag(file, format!("`{id}` cannot be configured"))
                    .at_key(at)
                    .hint("a file that cannot be read or parsed is always an error: otherwise it would be skipped without a word"),
            ),
            Some(_) => {}
            None => {
                let hint = match did_you_mean(id, &ids) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "README.md lists the rule ids (`incident validate` prints them in brackets)".to_string(),
                };
                out.push(
                    CONFIG_UNKNOWN_RULE
                        .diag(file, format!("there is no rule `{id}`"))
                        .at_key(at)
                        .hint(hint),
                );
            }
        }
    }
}

/// The level of `d` as the team set it; `None` when its rule is allowed.
pub fn level(config: &Config, d: &Diagnostic) -> Option<Level> {
    let configurable = Rule::find(d.rule).is_some_and(Rule::configurable);
    match config.rules.get(d.rule).filter(|_| configurable) {
        Some(RuleLevel::Allow) => None,
        Some(RuleLevel::Deny) => Some(Level::Error),
        Some(RuleLevel::Warn) => Some(Level::Warning),
        None => Some(d.level),
    }
}

/// Sets each finding's level from `rules:`; drops the allowed ones.
pub fn apply(config: &Config, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain_mut(|d| match level(config, d) {
        Some(level) => {
            d.level = level;
            true
        }
        None => false,
    });
}
