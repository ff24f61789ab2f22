//! For products and embeds: `api/widget.json` in the shape of incident.io's
//! status page widget API (ongoing incidents, maintenance in progress and
//! scheduled), for in-product banners, and `badge.svg`, a static badge of
//! the page's status beside the shields.io endpoint `badge.json`; and the
//! pages' icon, `favicon.svg`.

use super::RenderError;
use super::time::iso;
use super::view::{Lifecycle, PublicIncident, PublicView};
use crate::model::{ComponentStatus, Indicator};
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub fn files(
    view: &PublicView<'_>,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), RenderError> {
    let base = view
        .config
        .site
        .url
        .as_deref()
        .map(|u| format!("{}/", u.trim_end_matches('/')))
        .unwrap_or_default();
    let clock = super::time::SiteTime::new(view.config);
    let entry = |i: &PublicIncident<'_>| -> Result<Value, RenderError> {
        let last = i.updates().last();
        let groups = &view.config.groups;
        let components: Vec<Value> = i
            .components
            .iter()
            .map(|(id, name)| {
                let group = view
                    .config
                    .component(id)
                    .and_then(|c| c.group.as_deref())
                    .and_then(|g| groups.iter().find(|x| x.id == g))
                    .map(|g| g.name.clone());
                json!({"id": id, "name": name, "group_name": group})
            })
            .collect();
        let message = match last {
            Some(u) => super::amend::message(i, u, &clock)?,
            None => None,
        };
        Ok(json!({
            "id": i.id(),
            "name": i.title(),
            "status": i.status().as_str(),
            "url": format!("{base}incidents/{}.html", i.id()),
            "last_update_at": iso(last.map_or(i.declaration.declared_at, |u| u.at)),
            "last_update_message": message,
            "affected_components": components,
        }))
    };
    let ongoing: Vec<Value> = view
        .active()
        .map(|i| {
            let mut out = entry(i)?;
            // incident.io's words for the worst status the incident holds.
            let worst = i.facts.state.components.values().copied().max();
            out["current_worst_impact"] = match worst {
                Some(ComponentStatus::MajorOutage) => json!("full_outage"),
                Some(ComponentStatus::PartialOutage) => json!("partial_outage"),
                Some(ComponentStatus::DegradedPerformance) => json!("degraded_performance"),
                _ => Value::Null,
            };
            Ok(out)
        })
        .collect::<Result<_, RenderError>>()?;
    let maintenance = |lifecycle: Lifecycle, start: &str, end: &str| {
        view.maintenance(lifecycle)
            .into_iter()
            .map(|i| {
                let mut out = entry(i)?;
                out[start] = json!(i.declaration.scheduled_for.map(iso));
                out[end] = json!(i.declaration.scheduled_until.map(iso));
                Ok(out)
            })
            .collect::<Result<Vec<Value>, RenderError>>()
    };
    let widget = json!({
        "ongoing_incidents": ongoing,
        "in_progress_maintenances": maintenance(Lifecycle::InProgress, "started_at", "scheduled_end_at")?,
        "scheduled_maintenances": maintenance(Lifecycle::Upcoming, "starts_at", "ends_at")?,
    });
    let mut text = serde_json::to_vec_pretty(&widget)?;
    text.push(b'\n');
    files.insert("api/widget.json".to_string(), text);
    files.insert(
        "badge.svg".to_string(),
        badge(view.indicator()).into_bytes(),
    );
    // The pages' icon: a file, so browsers do not log a 404 for favicon.ico.
    files.insert("favicon.svg".to_string(), FAVICON.as_bytes().to_vec());
    Ok(())
}

const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#116329"/><path d="M4.5 8.5l2.3 2.3 4.7-5" fill="none" stroke="#fff" stroke-width="2"/></svg>
"##;

/// A flat badge, "status | operational", as shields.io draws one; the words
/// say the status, the colour only repeats it.
fn badge(indicator: Indicator) -> String {
    let (message, color) = match indicator {
        Indicator::Critical => ("major outage", "#cf222e"),
        Indicator::Major => ("partial outage", "#bc4c00"),
        Indicator::Minor => ("degraded", "#7d5a00"),
        Indicator::Maintenance => ("maintenance", "#0550ae"),
        Indicator::None => ("operational", "#1a7f37"),
    };
    let label = "status";
    // Verdana 11px averages under 7 px a character; 10 px of padding.
    let width = |s: &str| s.chars().count() * 7 + 10;
    let (lw, mw) = (width(label), width(message));
    let total = lw + mw;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {message}">
<title>{label}: {message}</title>
<rect width="{lw}" height="20" fill="#555"/>
<rect x="{lw}" width="{mw}" height="20" fill="{color}"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="{lx}" y="14">{label}</text>
<text x="{mx}" y="14">{message}</text>
</g>
</svg>
"##,
        lx = lw / 2,
        mx = lw + mw / 2,
    )
}
