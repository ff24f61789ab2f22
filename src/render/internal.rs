//! The internal outputs (`build --internal-out`): what the team reads and
//! the public must never see. Every post-mortem with its customer report
//! draft, the internal stakeholder update of each open incident, and an
//! index linking them. Internal incidents are included; the documents come
//! from the same renderers as `incident render`.

use super::postmortem::{self, DocFormat, Document};
use super::site::status_label;
use super::time::{SiteTime, When};
use super::update::{self, Audience};
use super::{RenderError, ctx};
use crate::model::postmortem::PostmortemStatus;
use crate::model::{Config, Incident, Repository};
use crate::templates::Templates;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
struct Links {
    md: String,
    html: String,
}

#[derive(Debug, Serialize)]
struct Row {
    id: String,
    title: String,
    internal: bool,
    severity: Option<String>,
    status: Option<&'static str>,
    postmortem: Option<Links>,
    postmortem_status: Option<&'static str>,
    report: Option<Links>,
    update: Option<Links>,
    update_at: Option<When>,
}

/// Every internal file, by path relative to the internal output folder.
pub fn files(
    repo: &Repository,
    templates: &Templates,
    now: Timestamp,
) -> Result<BTreeMap<String, Vec<u8>>, RenderError> {
    let config = &repo.config;
    let clock = SiteTime::new(config);
    let mut files = BTreeMap::new();
    let mut incidents: Vec<_> = repo
        .incidents
        .iter()
        .filter(|i| i.declaration.declared_at <= now)
        .collect();
    incidents.sort_by(|a, b| {
        (b.declaration.declared_at, &b.id).cmp(&(a.declaration.declared_at, &a.id))
    });
    let mut rows = Vec::new();
    for incident in incidents {
        rows.extend(documents(
            config, incident, templates, &clock, now, &mut files,
        )?);
    }
    let index = templates.render(
        "internal/index.html",
        minijinja::context! {
            site => config.site.name.clone(),
            generated => ctx(&clock.when(now)),
            rows => ctx(&rows),
        },
    )?;
    files.insert("index.html".to_string(), index.into_bytes());
    Ok(files)
}

/// Writes the incident's post-mortem, its customer report and (while it is
/// open) its latest internal update into `files`; returns the index row,
/// `None` when there is neither a post-mortem nor an update.
fn documents(
    config: &Config,
    incident: &Incident,
    templates: &Templates,
    clock: &SiteTime,
    now: Timestamp,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Option<Row>, RenderError> {
    let path = |folder: &str| format!("{folder}/{}", incident.id);
    let document =
        |which| move |format| postmortem::render(config, incident, which, format, templates);
    let pm = incident.postmortem.as_ref();
    let postmortem = match pm {
        Some(_) => Some(both(
            files,
            &path("postmortems"),
            document(Document::Postmortem),
        )?),
        None => None,
    };
    let report = match pm.and_then(|p| p.customer_report.as_ref()) {
        Some(_) => Some(both(files, &path("reports"), document(Document::Report))?),
        None => None,
    };
    let state = incident.state_at(now);
    let open = state.status.is_some() && state.resolved_at.is_none();
    let latest = update::pick(incident, Audience::Internal, Some(now)).filter(|_| open);
    let update = match latest {
        Some(u) => Some(both(files, &path("updates"), |format| {
            let format = match format {
                DocFormat::Md => update::Format::Md,
                DocFormat::Html => update::Format::Html,
            };
            update::render_as_of(
                config,
                incident,
                u,
                now,
                Audience::Internal,
                format,
                templates,
            )
        })?),
        None => None,
    };
    if postmortem.is_none() && update.is_none() {
        return Ok(None);
    }
    Ok(Some(Row {
        id: incident.id.clone(),
        title: incident.declaration.title.clone(),
        internal: !incident.is_public(),
        severity: state.severity.map(|s| super::severity_text(config, s)),
        status: state.status.map(|s| status_label(s).label),
        postmortem,
        postmortem_status: pm.map(|p| match p.status {
            PostmortemStatus::Draft => "draft",
            PostmortemStatus::InReview => "in review",
            PostmortemStatus::Published => "published",
        }),
        report,
        update,
        update_at: latest.map(|u| clock.when(u.at)),
    }))
}

/// Writes one document as `<stem>.md` and `<stem>.html`; returns the links.
fn both(
    files: &mut BTreeMap<String, Vec<u8>>,
    stem: &str,
    render: impl Fn(DocFormat) -> Result<String, RenderError>,
) -> Result<Links, RenderError> {
    let links = Links {
        md: format!("{stem}.md"),
        html: format!("{stem}.html"),
    };
    files.insert(links.md.clone(), render(DocFormat::Md)?.into_bytes());
    files.insert(links.html.clone(), render(DocFormat::Html)?.into_bytes());
    Ok(links)
}
