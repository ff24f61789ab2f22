//! `exempt:` in a file silences the findings of one rule in that file, with
//! a reason. Never silently: the silenced findings are returned to be
//! listed, and an exemption without a reason, naming no rule, or silencing
//! nothing is a finding of its own.

use super::*;
use crate::check::IncidentFiles;
use crate::check::suggest::did_you_mean;
use crate::model::Incident;
use crate::model::exempt::Exemptions;

/// A finding an exemption silenced, and the reason given.
#[derive(Debug, Clone)]
pub struct Exempted {
    pub diagnostic: Diagnostic,
    pub reason: String,
}

/// The exemptions of one incident's files, in file order (declaration,
/// updates, post-mortem), each with the file it was written in; files
/// without any are left out.
pub fn sources(incident: &Incident, files: &IncidentFiles) -> Vec<(String, Exemptions)> {
    let mut sources: Vec<(&str, &Exemptions)> =
        vec![(files.incident.as_str(), &incident.declaration.exempt)];
    sources.extend(
        files
            .updates
            .iter()
            .map(String::as_str)
            .zip(incident.updates.iter().map(|u| &u.exempt)),
    );
    if let (Some(file), Some(pm)) = (&files.postmortem, &incident.postmortem) {
        sources.push((file, &pm.exempt));
    }
    sources
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(file, list)| (file.to_string(), list.clone()))
        .collect()
}

/// Silences what each exemption of `sources` (in order) names, and reports
/// the exemptions that cannot be honoured.
pub fn apply(sources: &[(String, Exemptions)], diagnostics: &mut Vec<Diagnostic>) -> Vec<Exempted> {
    let mut exempted = Vec::new();
    let mut found = Vec::new();
    for (file, list) in sources {
        let file = file.as_str();
        for (i, e) in list.0.iter().enumerate() {
            let at = format!("/exempt/{i}");
            let Some(rule) = Rule::find(&e.rule).filter(|r| r.exemptable()) else {
                found.push(unknown(file, &e.rule, &at));
                continue;
            };
            let Some(reason) = e.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
                found.push(
                    EXEMPT_NO_REASON
                        .diag(file, format!("the exemption from `{}` gives no reason, so it is not honoured", rule.id))
                        .at_key(format!("{at}/rule"))
                        .hint("say why the rule does not apply here, e.g. `reason: \"the chat service was down; updates went out by phone\"`"),
                );
                continue;
            };
            let (hit, keep): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(diagnostics)
                .into_iter()
                .partition(|d| d.file == file && d.rule == rule.id);
            *diagnostics = keep;
            if hit.is_empty() {
                found.push(
                    EXEMPT_UNUSED
                        .diag(file, format!("the exemption from `{}` silences nothing in this file", rule.id))
                        .at_key(format!("{at}/rule"))
                        .hint("remove it: an exemption that is not needed hides the next real finding"),
                );
            }
            exempted.extend(hit.into_iter().map(|diagnostic| Exempted {
                diagnostic,
                reason: reason.to_string(),
            }));
        }
    }
    diagnostics.extend(found);
    exempted
}

fn unknown(file: &str, id: &str, at: &str) -> Diagnostic {
    let (message, hint) = match Rule::find(id) {
        Some(rule) if rule.id.starts_with("history/") => (
            format!("`{id}` cannot be exempted"),
            "published history is changed by a new update, not excused in the file that rewrites it".to_string(),
        ),
        Some(_) => (
            format!("`{id}` cannot be exempted"),
            "a file that cannot be read or parsed, and the exemption rules themselves, are always reported".to_string(),
        ),
        None => {
            let ids: Vec<&str> = ALL.iter().filter(|r| r.exemptable()).map(|r| r.id).collect();
            let hint = match did_you_mean(id, &ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "use a rule id as `incident validate` prints it in brackets, e.g. cadence/black-hole".into(),
            };
            (format!("there is no rule `{id}`"), hint)
        }
    };
    EXEMPT_UNKNOWN_RULE
        .diag(file, message)
        .at(format!("{at}/rule"))
        .hint(hint)
}
