//! `incident notify`: every stakeholder notice, to every target its routing
//! allows, exactly once. This module decides what is sent to whom (the
//! notices of each incident, routed by audience, severity, component and
//! kind) and renders each; one file per target kind sends it; the ledger
//! remembers what each target received.
//!
//! External targets read only the public view (public incidents, entries
//! with a message, `View::Public` facts); internal targets read every entry.

pub mod chat;
pub mod email;
pub mod http;
pub mod ledger;
pub mod webhook;

use crate::model::config::{NotifyTarget, TargetAudience, TargetKind};
use crate::model::postmortem::PostmortemStatus;
use crate::model::{Config, Entry, Facts, Incident, Kind, Repository, Update, View};
use crate::render::RenderError;
use crate::render::postmortem::{self, DocFormat, Document};
use crate::render::time::SiteTime;
use crate::render::update::{self, Audience, Format};
use crate::templates::Templates;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeSet;

/// What a notice tells.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum What {
    /// The first entry the audience sees: the incident is declared, or the
    /// maintenance scheduled.
    Declared,
    Update,
    /// Resolved (incident) or completed (maintenance).
    Resolved,
    /// The internal post-mortem was published.
    Postmortem,
    /// The customer report was published.
    Report,
    /// The maintenance window began (sent when the time comes).
    MaintenanceStarting,
    /// The maintenance window ended (sent when the time comes).
    MaintenanceCompleted,
    /// The promised next update did not come.
    Overdue,
    /// Webhook only: a component's status changed.
    ComponentUpdate,
}

impl What {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone)]
pub struct Notice<'a> {
    pub incident: &'a Incident,
    pub what: What,
    /// Stable within the incident: `updates/<file>`, `postmortem.yaml`,
    /// `maintenance/starting`, `overdue/<due>`, `updates/<file>#<component>`.
    pub entry: String,
    /// When it became news.
    pub at: Timestamp,
    pub update: Option<&'a Update>,
    pub component: Option<String>,
    /// The file it comes from, relative to the incident repository (for
    /// `--since`); `None` when the clock made it news.
    pub source: Option<String>,
}

/// One notice for one target.
pub struct Delivery<'a> {
    pub target: &'a NotifyTarget,
    pub notice: Notice<'a>,
    /// `target/incident/entry`: the ledger's key.
    pub key: String,
}

fn audience(target: &NotifyTarget) -> Audience {
    match target.audience {
        TargetAudience::Internal => Audience::Internal,
        TargetAudience::External => Audience::External,
    }
}

/// A configuration mistake `notify` cannot work around: where it is in
/// incidentkit.yaml (a JSON pointer), what it is, and what to do.
pub struct TargetProblem {
    pub pointer: String,
    pub message: String,
    pub hint: String,
}

/// The configuration mistakes `notify` cannot work around, each naming
/// the target and what to do; `validate` reports the same ones, so a pull
/// request fails where `notify` would after the merge.
pub fn check_targets(config: &Config) -> Vec<TargetProblem> {
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    for (i, t) in config.notify.iter().enumerate() {
        let name = &t.name;
        let mut problem = |pointer: String, message: String, hint: String| {
            problems.push(TargetProblem {
                pointer,
                message,
                hint,
            });
        };
        if !names.insert(name.as_str()) {
            problem(
                format!("/notify/{i}/name"),
                format!("two notify targets are named `{name}`"),
                "give each its own name: the ledger records deliveries by it".to_string(),
            );
        }
        for (j, c) in t.components.iter().enumerate() {
            if config.component(c).is_none() {
                let hint = match crate::check::suggest::did_you_mean(c, &known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("components in incidentkit.yaml: {}", known.join(", ")),
                };
                problem(
                    format!("/notify/{i}/components/{j}"),
                    format!(
                        "notify target `{name}` names component `{c}`, which is not in components:"
                    ),
                    hint,
                );
            }
        }
        let needs: &[(&str, bool)] = match t.kind {
            TargetKind::Email => &[
                ("smtp_url_env", t.smtp_url_env.is_some()),
                ("to", !t.to.is_empty()),
                ("from", t.from.is_some()),
            ],
            _ => &[("url_env", t.url_env.is_some())],
        };
        for (field, present) in needs {
            if !present {
                problem(
                    format!("/notify/{i}"),
                    format!(
                        "notify target `{name}` (type {}) needs `{field}`",
                        t.kind.as_str()
                    ),
                    format!("add `{field}:` to it"),
                );
            }
        }
        if t.kind == TargetKind::Webhook && t.audience != TargetAudience::External {
            problem(
                format!("/notify/{i}/audience"),
                format!(
                    "notify target `{name}`: a webhook sends Statuspage's public notifications"
                ),
                "set `audience: external`".to_string(),
            );
        }
    }
    problems
}

/// Everything due by the clock, for every target, in time order: by the
/// latest entry the target's audience sees when that is a moment ahead of
/// the clock (`Repository::now_counting_entries`). With `overdue`, also one
/// reminder per missed promise to internal targets.
pub fn plan<'a>(repo: &'a Repository, clock: Timestamp, overdue: bool) -> Vec<Delivery<'a>> {
    let (public, internal) = (
        repo.now_counting_entries(clock, View::Public),
        repo.now_counting_entries(clock, View::Internal),
    );
    let mut out = Vec::new();
    for target in &repo.config.notify {
        let audience = audience(target);
        let now = match audience.view() {
            View::Public => public,
            View::Internal => internal,
        };
        for incident in &repo.incidents {
            if audience == Audience::External && !incident.is_public() {
                continue;
            }
            let mut notices = notices(incident, audience, now);
            if target.kind == TargetKind::Webhook {
                notices.extend(component_notices(incident, now));
            }
            if overdue && audience == Audience::Internal {
                notices.extend(overdue_notice(incident, &repo.config, now));
            }
            for notice in notices {
                if routes(target, &notice, audience) {
                    out.push(Delivery {
                        key: format!("{}/{}/{}", target.name, incident.id, notice.entry),
                        target,
                        notice,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| (a.notice.at, &a.key).cmp(&(b.notice.at, &b.key)));
    out
}

/// `updates/<file>`: an entry's path inside its incident folder, the key's
/// last part.
fn update_entry(u: &Update) -> String {
    format!(
        "{}/{}",
        crate::paths::UPDATES,
        crate::repo::layout::update_file_name(u.at)
    )
}

/// What `audience` is told about `incident` by `now`: the entries of its
/// view of the incident's facts, and what the clock and the post-mortem add.
fn notices(incident: &Incident, audience: Audience, now: Timestamp) -> Vec<Notice<'_>> {
    let facts = incident.facts(audience.view(), now);
    let mut out = entry_notices(incident, &facts.entries);
    out.extend(maintenance_notices(incident, &facts, now));
    out.extend(postmortem_notice(incident, audience, now));
    out
}

/// One notice per visible entry: the first declares, a final one resolves.
fn entry_notices<'a>(incident: &'a Incident, visible: &[Entry<'a>]) -> Vec<Notice<'a>> {
    let mut out = Vec::new();
    for (n, u) in visible.iter().enumerate() {
        let what = if n == 0 {
            What::Declared
        } else if u.status.is_final() {
            What::Resolved
        } else {
            What::Update
        };
        let entry = update_entry(u);
        out.push(Notice {
            incident,
            what,
            source: Some(format!(
                "{}/{entry}",
                crate::paths::incident_dir(&incident.id)
            )),
            entry,
            at: u.at,
            update: Some(u.original),
            component: None,
        });
    }
    out
}

/// A maintenance's scheduled start and end, once the clock reaches them,
/// where no entry says so (the model's schedule: what the page shows).
fn maintenance_notices<'a>(
    incident: &'a Incident,
    facts: &Facts,
    now: Timestamp,
) -> Vec<Notice<'a>> {
    let schedule = incident.schedule(facts, now);
    let timed = [
        (
            What::MaintenanceStarting,
            "maintenance/starting",
            schedule.began,
        ),
        (
            What::MaintenanceCompleted,
            "maintenance/completed",
            schedule.ended,
        ),
    ];
    timed
        .into_iter()
        .filter_map(|(what, entry, at)| {
            Some(Notice {
                incident,
                what,
                entry: entry.to_string(),
                at: at?,
                update: None,
                component: None,
                source: None,
            })
        })
        .collect()
}

/// The post-mortem for the team, or its customer report for the public.
fn postmortem_notice(
    incident: &Incident,
    audience: Audience,
    now: Timestamp,
) -> Option<Notice<'_>> {
    // Published, and not dated later than now: the page shows the report
    // from the same moment (render::view), never a notice before it.
    let pm = incident.postmortem.as_ref()?;
    if pm.status != PostmortemStatus::Published || pm.published_at.is_some_and(|t| t > now) {
        return None;
    }
    let at = pm.published_at.unwrap_or(now);
    let source = Some(crate::paths::postmortem(&incident.id));
    match audience {
        Audience::Internal => Some(Notice {
            incident,
            what: What::Postmortem,
            entry: "postmortem.yaml".into(),
            at,
            update: None,
            component: None,
            source,
        }),
        Audience::External if pm.customer_report.is_some() => Some(Notice {
            incident,
            what: What::Report,
            entry: "postmortem.yaml#report".into(),
            at,
            update: None,
            component: None,
            source,
        }),
        Audience::External => None,
    }
}

/// Webhook: one `component_update` per component a public entry sets.
fn component_notices(incident: &Incident, now: Timestamp) -> Vec<Notice<'_>> {
    incident
        .facts(View::Public, now)
        .entries
        .into_iter()
        .flat_map(|e| {
            let u = e.original;
            u.components.keys().map(move |c| Notice {
                incident,
                what: What::ComponentUpdate,
                entry: format!("{}#{c}", update_entry(u)),
                at: u.at,
                update: Some(u),
                component: Some(c.clone()),
                source: Some(format!(
                    "{}/{}",
                    crate::paths::incident_dir(&incident.id),
                    update_entry(u)
                )),
            })
        })
        .collect()
}

/// A reminder when an open incident's next update is past due.
fn overdue_notice<'a>(
    incident: &'a Incident,
    config: &Config,
    now: Timestamp,
) -> Option<Notice<'a>> {
    if incident.declaration.kind != Kind::Incident {
        return None;
    }
    let due = incident.next_update_due(config)?;
    (due < now).then(|| Notice {
        incident,
        what: What::Overdue,
        entry: format!("overdue/{}", crate::render::time::iso(due)),
        at: due,
        update: None,
        component: None,
        source: None,
    })
}

/// Whether the target's routing takes the notice: kinds, then severities
/// (incidents only: the highest severity the audience has been told by
/// then), then components (declared or set by an entry the audience sees).
fn routes(target: &NotifyTarget, notice: &Notice<'_>, audience: Audience) -> bool {
    let incident = notice.incident;
    let d = &incident.declaration;
    if !target.kinds.is_empty() && !target.kinds.contains(&d.kind) {
        return false;
    }
    let facts = incident.facts(audience.view(), notice.at);
    if !target.severities.is_empty()
        && d.kind == Kind::Incident
        && !facts
            .peak_severity
            .is_some_and(|s| target.severities.contains(&s))
    {
        return false;
    }
    if !target.components.is_empty() {
        let touched = d
            .components
            .iter()
            .chain(facts.entries.iter().flat_map(|u| u.components.keys()));
        if !touched.into_iter().any(|c| target.components.contains(c)) {
            return false;
        }
    }
    true
}

/// A notice in words, for the targets that are not given an update as is.
pub struct Message {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The notice as `target`'s audience reads it.
pub fn message(
    repo: &Repository,
    templates: &Templates,
    target: &NotifyTarget,
    notice: &Notice<'_>,
) -> Result<Message, RenderError> {
    let config = &repo.config;
    let incident = notice.incident;
    let audience = audience(target);
    let title = crate::text::one_line(&incident.declaration.title);
    let site = &config.site.name;
    let clock = SiteTime::new(config);
    if let Some(u) = notice.update {
        let status = crate::render::site::status_label(u.status).label;
        return Ok(Message {
            subject: format!("[{site}] {status}: {title}"),
            text: update::render(config, incident, u, audience, Format::Text, templates)?,
            html: update::render(config, incident, u, audience, Format::Html, templates)?,
        });
    }
    let plain = |subject: String, text: String| Message {
        html: format!(
            "<!DOCTYPE html>\n<html><body><h1>{}</h1>{}</body></html>\n",
            crate::text::html(&subject),
            text.split("\n\n")
                .map(|p| format!("<p>{}</p>", crate::text::html(p)))
                .collect::<String>()
        ),
        subject: format!("[{site}] {subject}"),
        text,
    };
    let d = &incident.declaration;
    Ok(match notice.what {
        What::Postmortem | What::Report => {
            let (document, label) = if notice.what == What::Postmortem {
                (Document::Postmortem, "Post-mortem published")
            } else {
                (Document::Report, "Incident report")
            };
            let md = postmortem::render(config, incident, document, DocFormat::Md, templates)?;
            Message {
                subject: format!("[{site}] {label}: {title}"),
                text: crate::render::markdown::to_text(&md),
                html: postmortem::render(config, incident, document, DocFormat::Html, templates)?,
            }
        }
        What::MaintenanceStarting => plain(
            format!("Maintenance starting: {title}"),
            format!(
                "The scheduled maintenance \"{title}\" starts now{}.",
                d.scheduled_until
                    .map(|t| format!(
                        " and is planned to end at {} ({})",
                        clock.when(t).local,
                        clock.when(t).utc
                    ))
                    .unwrap_or_default()
            ),
        ),
        What::MaintenanceCompleted => plain(
            format!("Maintenance window ended: {title}"),
            format!(
                "The window of the scheduled maintenance \"{title}\" ended at {} ({}).",
                clock.when(notice.at).local,
                clock.when(notice.at).utc
            ),
        ),
        What::Overdue => {
            let text = overdue_text(incident, notice.at, &clock);
            plain(text.clone(), text)
        }
        // An entry's notice always carries its entry (returned above).
        What::Declared | What::Update | What::Resolved | What::ComponentUpdate => {
            plain(title.clone(), title)
        }
    })
}

/// "SEV-1 Checkout fails: the next update was due 10:35 CET, 12 min ago;
/// comms lead @bob".
fn overdue_text(incident: &Incident, due: Timestamp, clock: &SiteTime) -> String {
    let now = crate::clock::now();
    let severity = incident
        .facts(View::Internal, now)
        .state
        .severity
        .map(|s| format!("{s:#} "))
        .unwrap_or_default();
    let ago = crate::model::Duration::from(now.duration_since(due)).to_minute();
    let roles = &incident.declaration.roles;
    let who = match (&roles.communications, &roles.commander) {
        (Some(c), _) => format!("comms lead {c}"),
        (None, Some(c)) => format!("no comms lead named; commander {c}"),
        (None, None) => "no comms lead or commander named".to_string(),
    };
    format!(
        "{severity}{}: the next update was due {}, {ago} ago; {who}",
        crate::text::one_line(&incident.declaration.title),
        clock.when(due).time,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::Files;

    /// The customer report reaches customers when the page shows it, not
    /// before: a `published_at` later than now holds its notice back.
    #[test]
    fn the_report_is_noticed_from_its_published_at_on() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let repo = crate::check::check(&Files::on_disk(&root))
            .unwrap()
            .repository
            .unwrap();
        let incident = repo
            .incidents
            .iter()
            .find(|i| i.id == "2026-11-26-checkout-502s")
            .unwrap();
        let published: Timestamp = "2026-11-27T13:30:00Z".parse().unwrap();
        let reports = |now: &str| -> Vec<Timestamp> {
            notices(incident, Audience::External, now.parse().unwrap())
                .into_iter()
                .filter(|n| n.what == What::Report)
                .map(|n| n.at)
                .collect()
        };
        assert_eq!(reports("2026-11-27T13:00:00Z"), []);
        assert_eq!(reports("2026-11-28T09:00:00Z"), [published]);
    }
}
