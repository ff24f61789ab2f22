//! `imported:` spares imported history the practice rules: a page moved
//! from Statuspage or cState never had roles, cadence promises, impact
//! fields or action items to judge. Only the practice rules: a file that
//! does not parse, a broken timeline or an unknown component is still an
//! error. Updates after `imported.until` are the team's own and judged.

use super::*;
use crate::check::IncidentFiles;
use crate::model::Incident;

/// The rule families of the practice (the seed), as opposed to the rules
/// that keep the files consistent.
const PRACTICE: &[&str] = &[
    "cadence/",
    "roles/",
    "update/no-impact",
    "update/no-eta",
    "phase/",
    "blameless/",
    "report/",
    "actions/",
];

pub fn is_practice(rule: &str) -> bool {
    PRACTICE.iter().any(|p| rule.starts_with(p))
}

/// Drops the practice findings on the imported files of `incident`.
pub fn apply(incident: &Incident, files: &IncidentFiles, out: &mut Vec<Diagnostic>) {
    let mut spared: Vec<&str> = Vec::new();
    if let Some(imported) = &incident.declaration.imported {
        spared.push(&files.incident);
        spared.extend(
            incident
                .updates
                .iter()
                .zip(&files.updates)
                .filter(|(u, _)| imported.until.is_none_or(|until| u.at <= until))
                .map(|(_, f)| f.as_str()),
        );
    }
    if let (Some(pm), Some(file)) = (&incident.postmortem, &files.postmortem)
        && pm.imported.is_some()
    {
        spared.push(file);
    }
    if !spared.is_empty() {
        out.retain(|d| !(is_practice(d.rule) && spared.contains(&d.file.as_str())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_practice_rules_are_spared() {
        assert!(is_practice("cadence/black-hole"));
        assert!(is_practice("report/incomplete"));
        assert!(is_practice("update/no-eta"));
        assert!(!is_practice("update/empty-message"));
        assert!(!is_practice("timeline/after-resolved"));
        assert!(!is_practice("ref/unknown-component"));
        for rule in ALL.iter().filter(|r| is_practice(r.id)) {
            assert!(rule.exemptable(), "{} is a practice rule", rule.id);
        }
    }
}
