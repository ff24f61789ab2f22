//! Composing incident files: turn what a responder asked for into new files that
//! validate, then write them without ever touching an existing file.

pub mod emit;
pub(crate) mod slug;
pub(crate) mod when;
pub(crate) mod write;

use crate::model::incident::{Decision, DecisionOption, Roles, UpdateImpact, UsersAffected};
use crate::model::{
    ComponentStatus, Declaration, Incident, Kind, Repository, Severity, Status, Update,
};
use crate::repo::layout::update_file_name;
use crate::schemas::FileKind;
use crate::templates::Templates;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// Files to create: path relative to the repository root → content.
pub type NewFiles = BTreeMap<String, String>;

/// Why new files could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    /// A value would not serialize.
    #[error("cannot write YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    /// A template (the post-mortem skeleton) failed.
    #[error(transparent)]
    Template(#[from] crate::templates::TemplateError),
    /// What was asked would break the incident's record; the message says why.
    #[error("{0}")]
    Refused(String),
}

/// `incidents/<id>/updates/<at in UTC>.yaml`
pub fn update_path(id: &str, at: Timestamp) -> String {
    crate::paths::update(id, &update_file_name(at))
}

/// The component status a severity suggests when a responder names a
/// component without one.
pub fn default_component_status(severity: Severity) -> ComponentStatus {
    match severity {
        Severity::Sev1 => ComponentStatus::MajorOutage,
        Severity::Sev2 => ComponentStatus::PartialOutage,
        Severity::Sev3 | Severity::Sev4 => ComponentStatus::DegradedPerformance,
    }
}

/// The impact block of an update, `None` when all three parts are.
pub fn impact(
    summary: Option<String>,
    users: Option<String>,
    scope: Option<String>,
) -> Option<Box<UpdateImpact>> {
    let users_affected = users.map(|u| match u.trim().parse::<u64>() {
        Ok(n) => UsersAffected::Count(n),
        Err(_) => UsersAffected::Estimate(u),
    });
    (summary.is_some() || users_affected.is_some() || scope.is_some()).then(|| {
        Box::new(UpdateImpact {
            summary,
            users_affected,
            scope,
        })
    })
}

/// The declaration and its first update.
pub fn declare(
    id: &str,
    declaration: &Declaration,
    first: &Update,
) -> Result<NewFiles, AuthorError> {
    let incident_path = crate::paths::declaration(id);
    let update = update_path(id, first.at);
    Ok(NewFiles::from([
        (
            incident_path.clone(),
            emit::to_yaml(&incident_path, FileKind::Incident, declaration)?,
        ),
        (
            update.clone(),
            emit::to_yaml(&update, FileKind::Update, first)?,
        ),
    ]))
}

/// When a new entry asked for `at` goes: at `at`, or one second after the
/// latest entry when that is at or after `at` but within the same minute (a
/// script's declare and update in one second, a decision given the minute of
/// an update). Files stay in time order and uniquely named; anything older
/// is left for `update` to refuse.
pub fn after_latest(incident: &Incident, at: Timestamp) -> Timestamp {
    let Some(next) = incident
        .updates
        .last()
        .and_then(|last| last.at.checked_add(jiff::SignedDuration::from_secs(1)).ok())
    else {
        return at;
    };
    if next > at && next.duration_since(at) < jiff::SignedDuration::from_mins(1) {
        next
    } else {
        at
    }
}

/// One more update. Refuses one that is not after the latest: published
/// updates are never reordered.
pub fn update(incident: &Incident, update: &Update) -> Result<NewFiles, AuthorError> {
    if let Some(last) = incident.updates.last()
        && update.at <= last.at
    {
        return Err(AuthorError::Refused(format!(
            "the update at {} is not after the latest update of {} ({}): updates are appended in time order; use a later --at",
            update.at, incident.id, last.at
        )));
    }
    let path = update_path(&incident.id, update.at);
    Ok(NewFiles::from([(
        path.clone(),
        emit::to_yaml(&path, FileKind::Update, update)?,
    )]))
}

/// Parses `--option "A: rollback, 30 min, may lose 10 min of data"`.
pub fn decision(
    options: &[String],
    chosen: &str,
    why: &str,
    question: Option<String>,
) -> Result<Box<Decision>, AuthorError> {
    let options = options
        .iter()
        .map(|o| {
            let (id, summary) = o.split_once(':').ok_or_else(|| {
                AuthorError::Refused(format!("--option `{o}` needs an id and a summary: --option \"A: roll back, 30 min, may lose 10 min of data\""))
            })?;
            Ok(option(id.trim(), summary))
        })
        .collect::<Result<Vec<_>, AuthorError>>()?;
    if why.trim().is_empty() {
        return Err(AuthorError::Refused(
            "--why is empty: say why this option was chosen (which worst case it avoids for users)"
                .into(),
        ));
    }
    Ok(Box::new(Decision {
        question,
        options,
        chosen: chosen.trim().to_string(),
        rationale: why.trim().to_string(),
    }))
}

/// An option's trade-offs out of its text: after the summary, each
/// comma-separated part that is a time ("30 min", "90m") is the time to
/// restore, one that speaks of losing data is the data loss, one that says
/// what may go wrong ("may", "might", "could", "risk") is the risk; a part
/// may also name its field ("restore: …", "risk: …", "data loss: …").
/// Anything else stays in the summary.
fn option(id: &str, text: &str) -> DecisionOption {
    let mut parts = text.split(',').map(str::trim).filter(|p| !p.is_empty());
    let mut summary = vec![parts.next().unwrap_or_default().to_string()];
    let mut option = DecisionOption {
        id: id.to_string(),
        summary: String::new(),
        time_to_restore: None,
        risk: None,
        data_loss: None,
    };
    for part in parts {
        let lower = part.to_lowercase();
        let named = part.split_once(':').and_then(|(key, value)| {
            let field = match key.trim().to_lowercase().replace('_', " ").as_str() {
                "restore" | "time to restore" => &mut option.time_to_restore,
                "data loss" => &mut option.data_loss,
                "risk" => &mut option.risk,
                _ => return None,
            };
            Some((field, value.trim().to_string()))
        });
        let slot = match named {
            Some(slot) => Some(slot),
            None if is_time(&lower) => Some((&mut option.time_to_restore, part.to_string())),
            None if ["lose", "loss", "lost"].iter().any(|w| lower.contains(w)) => {
                Some((&mut option.data_loss, part.to_string()))
            }
            None if ["may ", "might ", "could ", "risk"]
                .iter()
                .any(|w| lower.starts_with(w)) =>
            {
                Some((&mut option.risk, part.to_string()))
            }
            None => None,
        };
        match slot {
            Some((field, value)) if field.is_none() => *field = Some(value),
            _ => summary.push(part.to_string()),
        }
    }
    option.summary = summary.join(", ");
    option
}

/// "30 min", "90m", "1h30m", "~2 h", "2 hours".
fn is_time(text: &str) -> bool {
    let compact: String = text
        .trim_start_matches(['~', '≈'])
        .replace(' ', "")
        .replace("minutes", "m")
        .replace("minute", "m")
        .replace("mins", "m")
        .replace("min", "m")
        .replace("hours", "h")
        .replace("hour", "h")
        .replace("days", "d")
        .replace("day", "d");
    compact.parse::<crate::model::Duration>().is_ok()
}

/// The resolving update, and a post-mortem skeleton when the policy wants one.
pub fn resolve(
    repo: &Repository,
    incident: &Incident,
    resolving: &Update,
    templates: &Templates,
) -> Result<(NewFiles, Option<jiff::civil::Date>), AuthorError> {
    let state = incident.current();
    if let (Some(at), false) = (state.resolved_at, resolving.reopen) {
        // "completed" or "cancelled" for a maintenance, as its file says.
        let closed = state.status.map_or("resolved", |s| s.as_str());
        return Err(AuthorError::Refused(format!(
            "{} is already {closed} (at {at}); to post after that, reopen it with `incident update {} --reopen …`",
            incident.id, incident.id
        )));
    }
    let mut files = update(incident, resolving)?;
    // The policy follows the peak severity, the resolving update's included.
    let severity = incident
        .internal_facts()
        .peak_severity
        .into_iter()
        .chain(resolving.severity)
        .min();
    let policy = severity.map(|s| repo.config.policy(s));
    let wants_postmortem = incident.declaration.kind == Kind::Incident
        && incident.postmortem.is_none()
        && policy.as_ref().is_some_and(|p| p.postmortem.is_required());
    if !wants_postmortem {
        return Ok((files, None));
    }
    // The incident's overall impact: what the resolution says it was, else
    // the last impact stated while it was open.
    let impact = resolving
        .impact
        .clone()
        .or_else(|| incident.internal_facts().impact);
    let (text, due) = skeleton(repo, incident, resolving.at, severity, impact, templates)?;
    files.insert(crate::paths::postmortem(&incident.id), text);
    Ok((files, Some(due)))
}

/// The post-mortem of a resolved incident that has none (`incident
/// postmortem ID`): one the policy did not ask for, or that was never
/// started. Due as the policy says after the resolution; one the policy does
/// not require is due that long from `now`, when the team chose to write it.
pub fn start_postmortem(
    repo: &Repository,
    incident: &Incident,
    now: Timestamp,
    templates: &Templates,
) -> Result<(NewFiles, jiff::civil::Date), AuthorError> {
    let path = crate::paths::postmortem(&incident.id);
    let refused = |why: String| Err(AuthorError::Refused(why));
    if incident.declaration.kind != Kind::Incident {
        return refused(format!(
            "{} is a maintenance: post-mortems are for incidents",
            incident.id
        ));
    }
    if incident.postmortem.is_some() {
        return refused(format!(
            "{} already has a post-mortem: edit {path}",
            incident.id
        ));
    }
    let facts = incident.internal_facts();
    let Some(resolved) = facts.resolved else {
        return refused(format!(
            "{} is not resolved: restore service first (`incident resolve {}`), then learn",
            incident.id, incident.id
        ));
    };
    let required = facts
        .policy(&repo.config)
        .is_some_and(|p| p.postmortem.is_required());
    let from = if required { resolved } else { now };
    let (text, due) = skeleton(
        repo,
        incident,
        from,
        facts.peak_severity,
        facts.impact,
        templates,
    )?;
    Ok((NewFiles::from([(path, text)]), due))
}

/// The skeleton post-mortem (the `postmortem.yaml` template), due the
/// policy's time after `from`.
fn skeleton(
    repo: &Repository,
    incident: &Incident,
    from: Timestamp,
    severity: Option<Severity>,
    impact: Option<Box<crate::model::incident::UpdateImpact>>,
    templates: &Templates,
) -> Result<(String, jiff::civil::Date), AuthorError> {
    let policy = severity.map(|s| repo.config.policy(s));
    let after = policy
        .as_ref()
        .and_then(|p| p.postmortem_due)
        .unwrap_or(crate::model::Duration::days(5));
    let due_at = from.checked_add(after.as_signed()).unwrap_or(from);
    let due = due_at.to_zoned_datetime(repo.config.timezone()).date();
    let users = impact
        .as_ref()
        .and_then(|i| i.users_affected.as_ref())
        .map(|u| match u {
            UsersAffected::Count(n) => n.to_string(),
            UsersAffected::Estimate(s) => s.clone(),
        });
    let context = minijinja::context! {
        title => incident.declaration.title.clone(),
        severity => severity.map(Severity::as_str),
        due => due.to_string(),
        impact_summary => impact.as_ref().and_then(|i| i.summary.clone()).unwrap_or_default(),
        users_affected => users.unwrap_or_default(),
        with_report => policy.is_some_and(|p| p.postmortem == crate::model::vocab::PostmortemRequirement::RequiredWithReport),
    };
    Ok((templates.render("postmortem.yaml", context)?, due))
}

/// Everything a new update inherits from the state it follows.
pub fn base_update(incident: &Incident, at: Timestamp, author: String) -> Update {
    let state = incident.current();
    let status = state.status.unwrap_or(match incident.declaration.kind {
        Kind::Incident => Status::Investigating,
        Kind::Maintenance => Status::Scheduled,
    });
    Update {
        at,
        status,
        message: None,
        message_translations: Default::default(),
        internal_note: None,
        impact: state.impact.clone(),
        severity: None,
        components: crate::model::changes::Changes::new(),
        next_update_at: None,
        author,
        reopen: false,
        decision: None,
        exempt: Default::default(),
    }
}

/// Marks everything the incident touched operational again: what a
/// resolution means unless the responder says otherwise.
pub fn restore_components(incident: &Incident, update: &mut Update) {
    let state = incident.current();
    for id in incident
        .declaration
        .components
        .iter()
        .chain(state.components.keys())
    {
        update
            .components
            .insert(id.clone(), ComponentStatus::Operational);
    }
}

/// A declaration with the defaults the seed's practice implies.
pub fn new_declaration(
    title: String,
    severity: Severity,
    at: Timestamp,
    components: Vec<String>,
    roles: Roles,
) -> Declaration {
    Declaration {
        title,
        kind: Kind::Incident,
        visibility: crate::model::Visibility::Public,
        severity: Some(severity),
        declared_at: at,
        started_at: None,
        detected_at: None,
        detected_by: None,
        scheduled_for: None,
        scheduled_until: None,
        components,
        roles,
        channel: None,
        summary: None,
        exempt: Default::default(),
        imported: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(o: &DecisionOption) -> [Option<&str>; 4] {
        [
            Some(o.summary.as_str()),
            o.time_to_restore.as_deref(),
            o.risk.as_deref(),
            o.data_loss.as_deref(),
        ]
    }

    #[test]
    fn an_option_text_fills_the_trade_offs() {
        let a = option(
            "A",
            " full database rollback, 30 min, may lose 10 min of data",
        );
        assert_eq!(
            fields(&a),
            [
                Some("full database rollback"),
                Some("30 min"),
                None,
                Some("may lose 10 min of data")
            ]
        );
        let b = option("B", "targeted patch, 90m, may not work");
        assert_eq!(
            fields(&b),
            [
                Some("targeted patch"),
                Some("90m"),
                Some("may not work"),
                None
            ]
        );
        let c = option(
            "C",
            "fail over, restore: 2 hours, risk: the replica lags, EU only",
        );
        assert_eq!(
            fields(&c),
            [
                Some("fail over, EU only"),
                Some("2 hours"),
                Some("the replica lags"),
                None
            ]
        );
        assert_eq!(
            fields(&option("D", "wait")),
            [Some("wait"), None, None, None]
        );
    }
}
