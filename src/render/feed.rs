//! `history.atom` and `history.rss`: every public update of every public
//! incident and maintenance, newest first, with ids that never change.

use super::markdown;
use super::site::status_label;
use super::time::iso;
use super::view::{PublicIncident, PublicView};
use super::{RenderError, Sink, ctx, put};
use crate::model::Entry;
use crate::templates::Templates;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Feeds carry the most recent entries only.
const FEED_LIMIT: usize = 100;

#[derive(Debug, Serialize)]
struct FeedEntry {
    id: String,
    title: String,
    link: String,
    updated: String,
    /// RFC 2822, for RSS.
    pub_date: String,
    /// HTML as text: the template escapes it once more, as feeds want.
    content: String,
}

/// The feeds, each handed to `sink` as it is rendered: 80 component feeds
/// of a hundred entries each are megabytes.
pub fn files(
    view: &PublicView<'_>,
    templates: &Templates,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let site = &view.config.site.name;
    let all = Feed {
        title: format!("{site} status history"),
        id: format!("urn:incidentkit:{site}"),
        page: "index.html".to_string(),
        path: "history.atom".to_string(),
    };
    // One feed per component: the updates of every incident that touched it.
    // A retired component has no page for its feed to link to, and nothing
    // new to say.
    let components: Vec<(Feed, Vec<Key>)> = view
        .config
        .components
        .par_iter()
        .filter(|c| !c.retired)
        .map(|c| {
            let feed = Feed {
                title: format!("{}: {site} status history", c.name),
                id: format!("urn:incidentkit:{site}:component:{}", c.id),
                page: format!("components/{}.html", c.id),
                path: format!("components/{}.atom", c.id),
            };
            (feed, newest(view.touching(&c.id)))
        })
        .collect();
    let history = newest(view.incidents.iter());
    let messages = Messages::of(
        view,
        std::iter::once(&history).chain(components.iter().map(|(_, keys)| keys)),
    )?;
    let context = all.context(view, &history, &messages)?;
    let atom = templates.render("feed/history.atom.xml", context.clone())?;
    put(sink, &all.path, crate::text::xml_chars(atom).as_bytes())?;
    let rss = templates.render("feed/history.rss.xml", context)?;
    put(sink, "history.rss", crate::text::xml_chars(rss).as_bytes())?;
    components.par_iter().try_for_each(|(feed, keys)| {
        let context = feed.context(view, keys, &messages)?;
        let text = templates.render("feed/history.atom.xml", context)?;
        put(sink, &feed.path, crate::text::xml_chars(text).as_bytes())
    })
}

/// An entry a feed keeps: the second its time is written with, its place
/// among the entries it was chosen from, its incident and itself.
type Key<'v, 'a> = (i64, usize, &'v PublicIncident<'a>, &'v Entry<'a>);

/// The entries a feed of `incidents` keeps, newest first as the strings
/// written for them sort: the time to the second, then the id, written out
/// only for entries of the same second (75,000 of each were written to keep
/// a hundred); then as listed. Sorted on their keys first, so that only the
/// entries kept are rendered.
fn newest<'v, 'a: 'v>(incidents: impl Iterator<Item = &'v PublicIncident<'a>>) -> Vec<Key<'v, 'a>> {
    let newer = |a: &Key, b: &Key| {
        (b.0.cmp(&a.0))
            .then_with(|| entry_id(b.2, b.3).cmp(&entry_id(a.2, a.3)))
            .then(a.1.cmp(&b.1))
    };
    let keys = incidents
        .flat_map(|i| i.updates().iter().map(move |u| (i, u)))
        .enumerate()
        .map(|(n, (i, u))| (whole_second(updated(u)), n, i, u));
    first(keys, FEED_LIMIT, newer)
}

/// The first `limit` of `items` in `order` (a total order), sorted: kept
/// as the items come, not all of them collected first (a feed of the
/// history chose a hundred of 75,000 entries).
fn first<T>(
    items: impl Iterator<Item = T>,
    limit: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let keep = |kept: &mut Vec<T>| {
        if kept.len() > limit {
            kept.select_nth_unstable_by(limit, &order);
            kept.truncate(limit);
        }
    };
    let mut kept = Vec::with_capacity(2 * limit);
    for item in items {
        if kept.len() == 2 * limit {
            keep(&mut kept);
        }
        kept.push(item);
    }
    keep(&mut kept);
    kept.sort_unstable_by(&order);
    kept
}

/// The message of each entry some feed keeps, in HTML, rendered once: the
/// component feeds share most of their entries with each other and with
/// the history (a build rendered 8,100 messages for 82 feeds where half as
/// many differ). By the entry's address: every feed keeps entries of the
/// one view.
struct Messages {
    html: HashMap<usize, String>,
    clock: super::time::SiteTime,
}

impl Messages {
    fn of<'k, 'v: 'k, 'a: 'v>(
        view: &PublicView<'a>,
        feeds: impl Iterator<Item = &'k Vec<Key<'v, 'a>>>,
    ) -> Result<Self, RenderError> {
        let clock = super::time::SiteTime::new(view.config);
        let mut entries: Vec<(&PublicIncident, &Entry)> =
            feeds.flatten().map(|key| (key.2, key.3)).collect();
        entries.sort_unstable_by_key(|(_, u)| address(u));
        entries.dedup_by_key(|(_, u)| address(u));
        let html = entries
            .into_par_iter()
            .map(|(i, u)| Ok((address(u), html(i, u, &clock)?)))
            .collect::<Result<_, RenderError>>()?;
        Ok(Messages { html, clock })
    }

    /// The entry's message in HTML; one no feed was given for is rendered
    /// here, never left out.
    fn of_entry(&self, i: &PublicIncident<'_>, u: &Entry<'_>) -> Result<String, RenderError> {
        match self.html.get(&address(u)) {
            Some(html) => Ok(html.clone()),
            None => html(i, u, &self.clock),
        }
    }
}

/// An entry's message, with its corrections, in HTML.
fn html(
    i: &PublicIncident<'_>,
    u: &Entry<'_>,
    clock: &super::time::SiteTime,
) -> Result<String, RenderError> {
    let message = super::amend::message(i, u, clock)?;
    Ok(markdown::to_html(&message.unwrap_or_default()))
}

fn address(u: &Entry<'_>) -> usize {
    std::ptr::from_ref(u) as usize
}

/// One Atom feed: what it is called, its permanent id, the page it
/// stands for and its own path.
struct Feed {
    title: String,
    id: String,
    page: String,
    path: String,
}

impl Feed {
    fn context(
        &self,
        view: &PublicView<'_>,
        newest: &[Key<'_, '_>],
        messages: &Messages,
    ) -> Result<minijinja::Value, RenderError> {
        let base = view
            .config
            .site
            .url
            .as_deref()
            .map(|u| format!("{}/", u.trim_end_matches('/')))
            .unwrap_or_default();
        let entries: Vec<FeedEntry> = newest
            .iter()
            .map(|&(_, _, i, u)| {
                Ok(FeedEntry {
                    id: entry_id(i, u),
                    title: format!("{}: {}", status_label(u.status).label, i.title()),
                    link: format!("{base}{}", crate::paths::incident_page(i.id())),
                    updated: iso(updated(u)),
                    pub_date: u.at.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
                    content: messages.of_entry(i, u)?,
                })
            })
            .collect::<Result<_, RenderError>>()?;
        // The feed changes when an entry is added: its newest entry.
        let updated = entries
            .first()
            .map_or_else(|| iso(view.now), |e| e.updated.clone());
        Ok(minijinja::context! {
            site => ctx(&view.config.site.name),
            title => &self.title,
            description => view.config.site.description.clone(),
            base => base,
            page => &self.page,
            path => &self.path,
            feed_id => &self.id,
            updated => updated,
            entries => ctx(&entries),
        })
    }
}

/// The same id in every feed: a reader subscribed to two sees one entry.
fn entry_id(i: &PublicIncident<'_>, u: &Entry<'_>) -> String {
    format!(
        "urn:incidentkit:{}:{}",
        i.id(),
        u.at.strftime("%Y%m%dT%H%M%SZ")
    )
}

/// When an entry last changed: a correction changes the entry, and
/// readers show it again.
fn updated(u: &Entry<'_>) -> jiff::Timestamp {
    u.amended_at().unwrap_or(u.at)
}

/// The second `iso` writes for `t`: rounded down, before 1970 too (jiff's
/// `as_second` rounds towards zero).
fn whole_second(t: jiff::Timestamp) -> i64 {
    t.as_second() - i64::from(t.subsec_nanosecond() < 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each entry's message is the same whether it was rendered once for
    /// the feeds that keep it or is asked for without having been kept.
    #[test]
    fn a_message_is_the_same_rendered_ahead_or_when_asked() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme");
        let outcome = crate::check::check(&crate::repo::Files::on_disk(&root)).unwrap();
        let repository = outcome.repository.unwrap();
        let view = PublicView::new(&repository, "2026-11-30T00:00:00Z".parse().unwrap());
        let kept = newest(view.incidents.iter());
        let ahead = Messages::of(&view, std::iter::once(&kept)).unwrap();
        let asked = Messages::of(&view, std::iter::empty()).unwrap();
        assert!(kept.len() > 5, "{}", kept.len());
        for (.., i, u) in &kept {
            let html = ahead.of_entry(i, u).unwrap();
            assert!(html.starts_with('<'), "{html}");
            assert_eq!(html, asked.of_entry(i, u).unwrap());
        }
        assert_eq!(ahead.html.len(), kept.len());
        assert!(asked.html.is_empty());
    }

    /// What is kept as the items come is what sorting them all keeps.
    #[test]
    fn the_first_kept_on_the_way_are_the_first_of_all() {
        let mut rng = fastrand::Rng::with_seed(7);
        for len in [0, 1, 99, 100, 101, 199, 200, 201, 1000, 5003] {
            // Many equal times: the place breaks the ties, as in a feed.
            let items: Vec<(u8, usize)> = (0..len).map(|n| (rng.u8(..4), n)).collect();
            let order = |a: &(u8, usize), b: &(u8, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            let mut all = items.clone();
            all.sort_by(order);
            all.truncate(100);
            assert_eq!(first(items.into_iter(), 100, order), all, "{len}");
        }
    }

    /// Entries sort by the second `iso` writes, which rounds down.
    #[test]
    fn an_entry_sorts_by_the_second_its_time_is_written_with() {
        for (at, second) in [
            ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59Z"),
            ("1970-01-01T00:00:00.3Z", "1970-01-01T00:00:00Z"),
            ("2026-11-26T10:05:00.999Z", "2026-11-26T10:05:00Z"),
        ] {
            let at: jiff::Timestamp = at.parse().unwrap();
            let second: jiff::Timestamp = second.parse().unwrap();
            assert_eq!(whole_second(at), second.as_second(), "{at}");
            assert_eq!(iso(at), iso(second));
        }
    }
}
