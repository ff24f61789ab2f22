//! What the fuzz targets share: one file of a small, valid repository replaced
//! by the fuzzer's bytes and checked the way `incident validate` checks it,
//! and arbitrary models for the renderers.

use arbitrary::{Result, Unstructured};
use incidentkit::check;
use incidentkit::diagnostics;
use incidentkit::model::incident::{
    Decision, DecisionOption, DetectedBy, Roles, UpdateImpact, UsersAffected,
};
use incidentkit::model::postmortem::{
    ActionItem, ActionType, CommunicationReview, CustomerReport, Detection, Postmortem,
    PostmortemImpact, PostmortemStatus, Priority, ResponseReview, TimelineEntry,
};
use incidentkit::model::{
    ComponentStatus, Config, Declaration, Incident, Kind, Repository, Severity, Status, Update,
    Visibility,
};
use incidentkit::repo::{Files, source};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::path::Path;

const INCIDENT: &str = "incidents/2026-11-26-checkout-502s";

/// The valid repository the fuzzed file is dropped into: the example's
/// configuration and its fullest incident (with a post-mortem).
fn fixture() -> BTreeMap<String, String> {
    macro_rules! example {
        ($path:literal) => {
            include_str!(concat!("../../examples/acme/", $path)).to_string()
        };
    }
    BTreeMap::from([
        ("incidentkit.yaml".into(), example!("incidentkit.yaml")),
        (
            format!("{INCIDENT}/incident.yaml"),
            example!("incidents/2026-11-26-checkout-502s/incident.yaml"),
        ),
        (
            format!("{INCIDENT}/updates/2026-11-26T10-05-00Z.yaml"),
            example!("incidents/2026-11-26-checkout-502s/updates/2026-11-26T10-05-00Z.yaml"),
        ),
        (
            format!("{INCIDENT}/updates/2026-11-26T11-25-00Z.yaml"),
            example!("incidents/2026-11-26-checkout-502s/updates/2026-11-26T11-25-00Z.yaml"),
        ),
        (
            format!("{INCIDENT}/postmortem.yaml"),
            example!("incidents/2026-11-26-checkout-502s/postmortem.yaml"),
        ),
    ])
}

/// Which file of the fixture the bytes replace.
#[derive(Clone, Copy)]
pub enum Target {
    Config,
    Incident,
    Update,
    Postmortem,
}

impl Target {
    fn path(self) -> String {
        match self {
            Self::Config => "incidentkit.yaml".into(),
            Self::Incident => format!("{INCIDENT}/incident.yaml"),
            Self::Update => format!("{INCIDENT}/updates/2026-11-26T10-40-00Z.yaml"),
            Self::Postmortem => format!("{INCIDENT}/postmortem.yaml"),
        }
    }
}

/// Bytes as one file through read, parse, schema, rules and every printer.
/// Nothing is read from disk: the root does not exist and every file is
/// pending, so each run costs only the work on the input.
pub fn check_file(target: Target, bytes: &[u8]) {
    // The same gate a file on disk passes (size, UTF-8, not empty).
    let Ok(text) = source::decode(bytes.to_vec()) else {
        return;
    };
    let mut pending = fixture();
    pending.insert(target.path(), text);
    let files = Files::with_pending(Path::new("/nonexistent/incidentkit-fuzz"), pending);
    let outcome = check::check(&files).expect("nothing on disk to fail");
    let mut sink = Vec::new();
    diagnostics::print_human(&mut sink, &outcome.diagnostics).unwrap();
    diagnostics::print_json(&mut sink, &outcome.diagnostics).unwrap();
    diagnostics::print_github(&mut sink, &outcome.diagnostics).unwrap();
}

fn text(u: &mut Unstructured) -> Result<String> {
    u.arbitrary()
}

fn maybe_text(u: &mut Unstructured) -> Result<Option<String>> {
    u.arbitrary()
}

fn texts(u: &mut Unstructured) -> Result<Vec<String>> {
    let n = u.int_in_range(0..=3)?;
    (0..n).map(|_| text(u)).collect()
}

/// Any instant jiff can represent.
fn timestamp(u: &mut Unstructured) -> Result<Timestamp> {
    let min = Timestamp::MIN.as_second();
    let max = Timestamp::MAX.as_second();
    Ok(Timestamp::from_second(u.int_in_range(min..=max)?).unwrap_or(Timestamp::UNIX_EPOCH))
}

fn maybe<T>(
    u: &mut Unstructured,
    f: impl FnOnce(&mut Unstructured) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.arbitrary()? { Some(f(u)?) } else { None })
}

fn severity(u: &mut Unstructured) -> Result<Severity> {
    Ok(*u.choose(&Severity::ALL)?)
}

fn status(u: &mut Unstructured) -> Result<Status> {
    use Status::*;
    Ok(*u.choose(&[
        Investigating,
        Identified,
        Monitoring,
        Resolved,
        Scheduled,
        InProgress,
        Verifying,
        Completed,
    ])?)
}

fn component_status(u: &mut Unstructured) -> Result<ComponentStatus> {
    use ComponentStatus::*;
    Ok(*u.choose(&[
        Operational,
        UnderMaintenance,
        DegradedPerformance,
        PartialOutage,
        MajorOutage,
    ])?)
}

/// Component ids mostly from the configuration, sometimes unknown ones.
fn component_id(u: &mut Unstructured, known: &[String]) -> Result<String> {
    if !known.is_empty() && u.ratio(3, 4)? {
        Ok(u.choose(known)?.clone())
    } else {
        text(u)
    }
}

fn users(u: &mut Unstructured) -> Result<UsersAffected> {
    Ok(if u.arbitrary()? {
        UsersAffected::Count(u.arbitrary()?)
    } else {
        UsersAffected::Estimate(text(u)?)
    })
}

fn config(u: &mut Unstructured) -> Result<Config> {
    let groups: Vec<serde_json::Value> = (0..u.int_in_range(0..=2)?)
        .map(|_| Ok(serde_json::json!({"id": text(u)?, "name": text(u)?})))
        .collect::<Result<_>>()?;
    let components: Vec<serde_json::Value> = (0..u.int_in_range(0..=4)?)
        .map(|_| {
            let group = match groups.is_empty() || u.arbitrary()? {
                true => serde_json::Value::Null,
                false => u.choose(&groups)?["id"].clone(),
            };
            Ok(serde_json::json!({
                "id": text(u)?, "name": text(u)?, "description": maybe_text(u)?, "group": group,
            }))
        })
        .collect::<Result<_>>()?;
    let timezone = *u.choose(&["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns"])?;
    let value = serde_json::json!({
        "site": {"name": text(u)?, "url": maybe_text(u)?, "timezone": timezone, "description": maybe_text(u)?},
        "groups": groups,
        "components": components,
    });
    Ok(serde_json::from_value(value).expect("the shape of Config"))
}

fn declaration(u: &mut Unstructured, known: &[String]) -> Result<Declaration> {
    use DetectedBy::*;
    Ok(Declaration {
        title: text(u)?,
        kind: *u.choose(&[Kind::Incident, Kind::Maintenance])?,
        visibility: *u.choose(&[Visibility::Public, Visibility::Internal])?,
        severity: maybe(u, severity)?,
        declared_at: timestamp(u)?,
        started_at: maybe(u, timestamp)?,
        detected_at: maybe(u, timestamp)?,
        detected_by: maybe(u, |u| {
            Ok(*u.choose(&[Alert, Monitoring, Customer, Employee, ThirdParty, Other])?)
        })?,
        scheduled_for: maybe(u, timestamp)?,
        scheduled_until: maybe(u, timestamp)?,
        components: (0..u.int_in_range(0..=3)?)
            .map(|_| component_id(u, known))
            .collect::<Result<_>>()?,
        roles: Roles {
            commander: maybe_text(u)?,
            communications: maybe_text(u)?,
            investigators: texts(u)?,
        },
        channel: maybe_text(u)?,
        summary: maybe_text(u)?,
        exempt: Default::default(),
        imported: None,
    })
}

fn update(u: &mut Unstructured, known: &[String]) -> Result<Update> {
    Ok(Update {
        at: timestamp(u)?,
        status: status(u)?,
        message: maybe_text(u)?,
        internal_note: maybe_text(u)?,
        impact: maybe(u, |u| {
            Ok(UpdateImpact {
                summary: maybe_text(u)?,
                users_affected: maybe(u, users)?,
                scope: maybe_text(u)?,
            })
        })?,
        severity: maybe(u, severity)?,
        components: (0..u.int_in_range(0..=3)?)
            .map(|_| Ok((component_id(u, known)?, component_status(u)?)))
            .collect::<Result<_>>()?,
        next_update_at: maybe(u, timestamp)?,
        author: text(u)?,
        reopen: u.arbitrary()?,
        decision: maybe(u, |u| {
            Ok(Decision {
                question: maybe_text(u)?,
                options: (0..u.int_in_range(0..=3)?)
                    .map(|_| {
                        Ok(DecisionOption {
                            id: text(u)?,
                            summary: text(u)?,
                            time_to_restore: maybe_text(u)?,
                            risk: maybe_text(u)?,
                            data_loss: maybe_text(u)?,
                        })
                    })
                    .collect::<Result<_>>()?,
                chosen: text(u)?,
                rationale: text(u)?,
            })
        })?,
        exempt: Default::default(),
        imported: None,
    })
}

fn postmortem(u: &mut Unstructured) -> Result<Postmortem> {
    use PostmortemStatus::*;
    Ok(Postmortem {
        status: *u.choose(&[Draft, InReview, Published])?,
        due: maybe(u, |u| {
            Ok(timestamp(u)?.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
        })?,
        published_at: maybe(u, timestamp)?,
        authors: texts(u)?,
        summary: maybe_text(u)?,
        impact: maybe(u, |u| {
            Ok(PostmortemImpact {
                summary: maybe_text(u)?,
                users_affected: maybe(u, users)?,
                scope: maybe_text(u)?,
                data_loss: maybe_text(u)?,
            })
        })?,
        mitigated_at: maybe(u, timestamp)?,
        timeline: (0..u.int_in_range(0..=3)?)
            .map(|_| {
                Ok(TimelineEntry {
                    at: timestamp(u)?,
                    event: text(u)?,
                })
            })
            .collect::<Result<_>>()?,
        trigger: maybe_text(u)?,
        root_causes: texts(u)?,
        contributing_factors: texts(u)?,
        detection: maybe(u, |u| {
            Ok(Detection {
                how: maybe_text(u)?,
                improvements: texts(u)?,
            })
        })?,
        response: maybe(u, |u| {
            Ok(ResponseReview {
                went_well: texts(u)?,
                went_wrong: texts(u)?,
                got_lucky: texts(u)?,
            })
        })?,
        communication: maybe(u, |u| {
            Ok(CommunicationReview {
                went_well: texts(u)?,
                to_improve: texts(u)?,
            })
        })?,
        action_items: (0..u.int_in_range(0..=3)?)
            .map(|_| {
                use ActionType::*;
                use Priority::*;
                Ok(ActionItem {
                    id: text(u)?,
                    title: text(u)?,
                    kind: maybe(u, |u| Ok(*u.choose(&[Mitigate, Prevent, Detect, Process])?))?,
                    owner: maybe_text(u)?,
                    due: maybe(u, |u| {
                        Ok(timestamp(u)?.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
                    })?,
                    priority: maybe(u, |u| Ok(*u.choose(&[P0, P1, P2, P3])?))?,
                    done: u.arbitrary()?,
                })
            })
            .collect::<Result<_>>()?,
        lessons: texts(u)?,
        customer_report: maybe(u, |u| {
            Ok(CustomerReport {
                apology: maybe_text(u)?,
                what_happened: maybe_text(u)?,
                root_cause: maybe_text(u)?,
                fix: maybe_text(u)?,
                prevention: maybe_text(u)?,
                revised_at: maybe(u, timestamp)?,
                revision_reason: maybe_text(u)?,
            })
        })?,
        exempt: Default::default(),
        imported: None,
    })
}

/// A repository of any shape the types allow, valid or not, and the moment
/// it is rendered at.
pub fn repository(u: &mut Unstructured) -> Result<(Repository, Timestamp)> {
    let config = config(u)?;
    let known: Vec<String> = config.components.iter().map(|c| c.id.clone()).collect();
    let incidents = (0..u.int_in_range(0..=3)?)
        .map(|n| {
            let mut updates: Vec<Update> = (0..u.int_in_range(0..=4)?)
                .map(|_| update(u, &known))
                .collect::<Result<_>>()?;
            // `check` hands the model over with updates in time order.
            updates.sort_by_key(|u| u.at);
            Ok(Incident {
                id: format!("2026-11-26-fuzz-{n}"),
                declaration: declaration(u, &known)?,
                updates,
                postmortem: maybe(u, postmortem)?,
                amendments: Default::default(),
            })
        })
        .collect::<Result<_>>()?;
    Ok((Repository { config, incidents }, timestamp(u)?))
}
