//! `history.atom` and `history.rss`: every public update of every public
//! incident and maintenance, newest first, with ids that never change.

use super::markdown;
use super::site::status_label;
use super::time::iso;
use super::view::PublicView;
use super::{RenderError, ctx};
use crate::templates::Templates;
use serde::Serialize;
use std::collections::BTreeMap;

/// Feeds carry the most recent entries only.
const FEED_LIMIT: usize = 100;

#[derive(Debug, Serialize)]
struct Entry {
    id: String,
    title: String,
    link: String,
    updated: String,
    /// RFC 2822, for RSS.
    pub_date: String,
    /// HTML as text: the template escapes it once more, as feeds want.
    content: String,
}

pub fn files(
    view: &PublicView<'_>,
    templates: &Templates,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), RenderError> {
    let base = view
        .config
        .site
        .url
        .as_deref()
        .map(|u| format!("{}/", u.trim_end_matches('/')))
        .unwrap_or_default();
    let mut entries: Vec<Entry> = Vec::new();
    for i in &view.incidents {
        for u in i.updates() {
            let stamp = u.at.strftime("%Y%m%dT%H%M%SZ");
            entries.push(Entry {
                id: format!("urn:incidentkit:{}:{stamp}", i.id()),
                title: format!("{}: {}", status_label(u.status).label, i.title()),
                link: format!("{base}{}", crate::paths::incident_page(i.id())),
                updated: iso(u.at),
                pub_date: u.at.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
                content: markdown::to_html(u.message.as_deref().unwrap_or_default()),
            });
        }
    }
    entries.sort_by(|a, b| (&b.updated, &b.id).cmp(&(&a.updated, &a.id)));
    entries.truncate(FEED_LIMIT);
    let updated = entries
        .first()
        .map_or_else(|| iso(view.now), |e| e.updated.clone());
    let context = minijinja::context! {
        site => ctx(&view.config.site.name),
        description => view.config.site.description.clone(),
        base => base,
        feed_id => format!("urn:incidentkit:{}", view.config.site.name),
        updated => updated,
        entries => ctx(&entries),
    };
    files.insert(
        "history.atom".to_string(),
        crate::text::xml_chars(&templates.render("feed/history.atom.xml", context.clone())?)
            .into_bytes(),
    );
    files.insert(
        "history.rss".to_string(),
        crate::text::xml_chars(&templates.render("feed/history.rss.xml", context)?).into_bytes(),
    );
    Ok(())
}
