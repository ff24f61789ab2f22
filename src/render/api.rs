//! Statuspage-compatible JSON (`api/v2/…`) and a shields.io endpoint badge,
//! so monitors, exporters and dashboards that read Statuspage read us too.
//! Field names and shapes follow Statuspage's public API v2.

use super::RenderError;
use super::time::{SiteTime, iso};
use super::view::{Lifecycle, PublicIncident, PublicView};
use crate::model::facts::Source;
use crate::model::{ComponentStatus, Entry, Indicator, Update};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Statuspage lists at most this many incidents in `incidents.json`.
const LIST_LIMIT: usize = 50;

pub fn files(
    view: &PublicView<'_>,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), RenderError> {
    let api = Api::new(view);
    let page = api.page();
    let status = json!({
        "indicator": view.indicator().as_str(),
        "description": view.indicator().description(),
    });
    let components = api.components();
    let incident_list = |keep: &dyn Fn(&PublicIncident<'_>) -> bool| {
        view.incidents
            .iter()
            .filter(|i| keep(i))
            .take(LIST_LIMIT)
            .map(|i| api.incident(i))
            .collect::<Result<Vec<Value>, RenderError>>()
    };
    let incidents = incident_list(&|i| !i.is_maintenance())?;
    let unresolved = incident_list(&|i| i.lifecycle == Lifecycle::Active)?;
    let maintenances = incident_list(&|i| i.is_maintenance())?;
    let upcoming = incident_list(&|i| i.lifecycle == Lifecycle::Upcoming)?;
    let active = incident_list(&|i| i.lifecycle == Lifecycle::InProgress)?;
    let open_maintenance: Vec<Value> = upcoming.iter().chain(&active).cloned().collect();

    let mut put = |path: &str, value: Value| -> Result<(), RenderError> {
        let mut text = serde_json::to_vec_pretty(&value)?;
        text.push(b'\n');
        files.insert(path.to_string(), text);
        Ok(())
    };
    put(
        "api/v2/summary.json",
        json!({
            "page": page,
            "status": status,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": open_maintenance,
        }),
    )?;
    put(
        "api/v2/status.json",
        json!({"page": page, "status": status}),
    )?;
    put(
        "api/v2/components.json",
        json!({"page": page, "components": components}),
    )?;
    put(
        "api/v2/incidents.json",
        json!({"page": page, "incidents": incidents}),
    )?;
    put(
        "api/v2/incidents/unresolved.json",
        json!({"page": page, "incidents": unresolved}),
    )?;
    put(
        "api/v2/scheduled-maintenances.json",
        json!({"page": page, "scheduled_maintenances": maintenances}),
    )?;
    put(
        "api/v2/scheduled-maintenances/upcoming.json",
        json!({"page": page, "scheduled_maintenances": upcoming}),
    )?;
    put(
        "api/v2/scheduled-maintenances/active.json",
        json!({"page": page, "scheduled_maintenances": active}),
    )?;
    put("badge.json", badge(view))?;
    Ok(())
}

/// shields.io's endpoint schema: https://shields.io/badges/endpoint-badge
fn badge(view: &PublicView<'_>) -> Value {
    let (message, color) = match view.indicator() {
        Indicator::Critical => ("major outage", "red"),
        Indicator::Major => ("partial outage", "orange"),
        Indicator::Minor => ("degraded", "yellow"),
        Indicator::Maintenance => ("maintenance", "blue"),
        Indicator::None => ("operational", "brightgreen"),
    };
    json!({
        "schemaVersion": 1,
        "label": "status",
        "message": message,
        "color": color,
    })
}

struct Api<'v, 'a> {
    view: &'v PublicView<'a>,
    page_id: String,
    statuses: BTreeMap<String, ComponentStatus>,
    /// When each component's status last changed, as far as the public
    /// knows: one pass over the updates, not one per component and group.
    changed_at: BTreeMap<&'v str, Timestamp>,
    updated_at: Timestamp,
    /// For the messages of updates: amendment notes are dated in it.
    clock: SiteTime,
}

impl<'v, 'a> Api<'v, 'a> {
    fn new(view: &'v PublicView<'a>) -> Self {
        let posted = || view.incidents.iter().flat_map(|i| i.updates().iter());
        let updated_at = posted().map(|u| u.at).max().unwrap_or(view.now);
        let mut changed_at: BTreeMap<&'v str, Timestamp> = BTreeMap::new();
        for u in posted() {
            for id in u.components.keys() {
                let at = changed_at.entry(id.as_str()).or_insert(u.at);
                *at = (*at).max(u.at);
            }
        }
        Self {
            page_id: slug(&view.config.site.name),
            statuses: view.component_statuses(),
            changed_at,
            updated_at,
            clock: SiteTime::new(view.config),
            view,
        }
    }

    fn page(&self) -> Value {
        let site = &self.view.config.site;
        json!({
            "id": self.page_id,
            "name": site.name,
            "url": site.url.clone().unwrap_or_default(),
            "time_zone": self.view.config.timezone_name(),
            "updated_at": iso(self.updated_at),
        })
    }

    fn component_updated_at(&self, id: &str) -> Timestamp {
        self.changed_at.get(id).copied().unwrap_or(self.updated_at)
    }

    fn component(&self, id: &str) -> Value {
        let config = self.view.config;
        let Some((position, c)) = config
            .components
            .iter()
            .enumerate()
            .find(|(_, c)| c.id == id)
        else {
            return Value::Null;
        };
        let status = self
            .statuses
            .get(id)
            .copied()
            .unwrap_or(ComponentStatus::Operational);
        let group_id = c
            .group
            .as_ref()
            .filter(|g| config.groups.iter().any(|x| &x.id == *g));
        json!({
            "id": c.id,
            "name": c.name,
            "status": status.as_str(),
            "created_at": iso(self.updated_at),
            "updated_at": iso(self.component_updated_at(id)),
            "position": position + 1,
            "description": c.description,
            "showcase": true,
            "start_date": c.since.map(|d| d.to_string()),
            "group_id": group_id,
            "page_id": self.page_id,
            "group": false,
            "only_show_if_degraded": false,
        })
    }

    /// Components and groups, as Statuspage lists them: groups are
    /// components with `group: true` and the ids of their members.
    fn components(&self) -> Vec<Value> {
        let config = self.view.config;
        // Retired components are no longer on the page (Statuspage drops
        // a deleted component from the list too).
        let mut out: Vec<Value> = config
            .components
            .iter()
            .filter(|c| !c.retired)
            .map(|c| self.component(&c.id))
            .collect();
        for (n, g) in config.groups.iter().enumerate() {
            let members: Vec<&str> = config.members(&g.id).map(|c| c.id.as_str()).collect();
            let worst = members
                .iter()
                .filter_map(|id| self.statuses.get(*id).copied())
                .max()
                .unwrap_or(ComponentStatus::Operational);
            let updated = members
                .iter()
                .map(|id| self.component_updated_at(id))
                .max()
                .unwrap_or(self.updated_at);
            out.push(json!({
                "id": g.id,
                "name": g.name,
                "status": worst.as_str(),
                "created_at": iso(self.updated_at),
                "updated_at": iso(updated),
                "position": config.components.len() + n + 1,
                "description": g.description,
                "showcase": false,
                "start_date": Value::Null,
                "group_id": Value::Null,
                "page_id": self.page_id,
                "group": true,
                "only_show_if_degraded": false,
                "components": members,
            }));
        }
        out
    }

    fn incident(&self, i: &PublicIncident<'_>) -> Result<Value, RenderError> {
        let d = i.declaration;
        let facts = &i.facts;
        // Component statuses before each public update, to report old → new.
        let mut before: BTreeMap<&str, ComponentStatus> = BTreeMap::new();
        let mut updates: Vec<Value> = Vec::new();
        for u in i.updates() {
            updates.push(self.update(i, u, &before)?);
            for (id, s) in &u.components {
                before.insert(id, *s);
            }
        }
        updates.reverse();
        // Statuspage's `monitoring_at`: when it entered monitoring (or
        // verifying, for maintenance), if it did.
        let monitoring_at = facts
            .mitigated
            .filter(|m| m.source == Source::MonitoringEntry)
            .map(|m| m.at)
            .or_else(|| {
                i.updates()
                    .iter()
                    .find(|u| u.status == crate::model::Status::Verifying)
                    .map(|u| u.at)
            });
        let updated_at = i
            .updates()
            .iter()
            .map(|u| u.amended_at().unwrap_or(u.at).max(u.at))
            .max()
            .unwrap_or(d.declared_at);
        let mut out = json!({
            "id": i.id(),
            "name": i.title(),
            "status": i.status().as_str(),
            "created_at": iso(d.declared_at),
            "updated_at": iso(updated_at),
            "monitoring_at": monitoring_at.map(iso),
            "resolved_at": facts.resolved.map(iso),
            "impact": i.impact.as_str(),
            "shortlink": crate::paths::site_link(
                self.view.config.site.url.as_deref(),
                &crate::paths::incident_page(i.id())
            ),
            // Statuspage starts a maintenance when it is posted.
            "started_at": iso(if i.is_maintenance() { facts.declared } else { facts.started.at }),
            "page_id": self.page_id,
            "incident_updates": updates,
            "components": i.components.iter().map(|(id, _)| self.component(id)).collect::<Vec<_>>(),
        });
        if i.is_maintenance()
            && let Some(map) = out.as_object_mut()
        {
            map.insert("scheduled_for".into(), json!(d.scheduled_for.map(iso)));
            map.insert("scheduled_until".into(), json!(d.scheduled_until.map(iso)));
            map.insert("scheduled_remind_prior".into(), json!(false));
            map.insert("scheduled_auto_in_progress".into(), json!(false));
            map.insert("scheduled_auto_completed".into(), json!(false));
        }
        Ok(out)
    }

    fn update(
        &self,
        i: &PublicIncident<'_>,
        u: &Entry,
        before: &BTreeMap<&str, ComponentStatus>,
    ) -> Result<Value, RenderError> {
        let affected: Vec<Value> = u
            .components
            .iter()
            .filter_map(|(id, new)| {
                let c = self.view.config.component(id)?;
                let old = before
                    .get(id.as_str())
                    .copied()
                    .unwrap_or(ComponentStatus::Operational);
                Some(json!({
                    "code": id,
                    "name": c.name,
                    "old_status": old.as_str(),
                    "new_status": new.as_str(),
                }))
            })
            .collect();
        let at = iso(u.at);
        let message = super::amend::message(i, u, &self.clock)?;
        Ok(json!({
            "id": format!("{}-{}", i.id(), u.at.strftime("%Y%m%dT%H%M%SZ")),
            "status": u.status.as_str(),
            "body": message.as_deref().map(super::markdown::to_text).unwrap_or_default(),
            "incident_id": i.id(),
            "created_at": at,
            // As Statuspage does when an update is edited.
            "updated_at": u.amended_at().map_or_else(|| at.clone(), iso),
            "display_at": at,
            "affected_components": if affected.is_empty() { Value::Null } else { Value::Array(affected) },
            "deliver_notifications": true,
            "custom_tweet": Value::Null,
            "tweet_id": Value::Null,
        }))
    }
}

/// "Acme Shop" → "acme-shop".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The body of a Statuspage-shaped webhook notification about incident
/// `id` as the public saw it at `at`: `meta`, `page` (with the page's
/// indicator) and `incident` (with its `incident_updates`, newest first).
/// `None` when the public cannot see the incident at `at`.
pub fn incident_notification(
    repo: &crate::model::Repository,
    id: &str,
    at: Timestamp,
    unsubscribe: Option<&str>,
) -> Option<Value> {
    let view = PublicView::new(repo, at);
    let api = Api::new(&view);
    let incident = view.incidents.iter().find(|i| i.id() == id)?;
    Some(json!({
        "meta": meta(unsubscribe, at),
        "page": notification_page(&api),
        // A view of the model alone reads no message from a file: it does
        // not fail.
        "incident": api.incident(incident).ok()?,
    }))
}

/// The body of a Statuspage-shaped `component_update` notification: what
/// public update `update` of incident `id` changed `component` from and to.
pub fn component_notification(
    repo: &crate::model::Repository,
    id: &str,
    update: &Update,
    component: &str,
    unsubscribe: Option<&str>,
) -> Option<Value> {
    // Only the components the update names; from and to are the page's
    // statuses (the worst over open incidents), as `component.status` says.
    update.components.get(component)?;
    let before = PublicView::new(repo, update.at - jiff::SignedDuration::from_secs(1));
    let old = before
        .component_statuses()
        .get(component)
        .copied()
        .unwrap_or(ComponentStatus::Operational);
    let view = PublicView::new(repo, update.at);
    view.incidents.iter().find(|i| i.id() == id)?;
    let new = view
        .component_statuses()
        .get(component)
        .copied()
        .unwrap_or(ComponentStatus::Operational);
    let api = Api::new(&view);
    let at = iso(update.at);
    Some(json!({
        "meta": meta(unsubscribe, update.at),
        "page": notification_page(&api),
        "component_update": {
            "id": format!("{id}-{}-{component}", update.at.strftime("%Y%m%dT%H%M%SZ")),
            "created_at": at,
            "component_id": component,
            "old_status": old.as_str(),
            "new_status": new.as_str(),
        },
        "component": api.component(component),
    }))
}

fn meta(unsubscribe: Option<&str>, at: Timestamp) -> Value {
    json!({
        "unsubscribe": unsubscribe,
        "documentation": "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/",
        "generated_at": iso(at),
    })
}

fn notification_page(api: &Api<'_, '_>) -> Value {
    json!({
        "id": api.page_id,
        "status_indicator": api.view.indicator().as_str(),
        "status_description": api.view.indicator().description(),
    })
}
