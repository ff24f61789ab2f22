//! How an output says that an update was corrected or had text removed:
//! one wording for every output, in the page's language. Public outputs say
//! when; internal ones also say who, why, and what each correction replaced.

use super::RenderError;
use super::locale::fill;
use super::time::SiteTime;
use super::view::{PublicIncident, Text, lost};
use crate::check::spill::{At, Spill};
use crate::model::{Entry, View};
use std::borrow::Cow;
use std::io;

/// The notes on `entry` as Markdown paragraphs, oldest first.
pub fn notes(entry: &Entry, clock: &SiteTime) -> Vec<String> {
    let locale = clock.locale();
    let mut out = Vec::new();
    if entry.view == View::Internal {
        for (c, before) in entry.replaced() {
            out.push(format!(
                "_Corrected at {} by {}: {}_. It said before:\n\n{}",
                clock.when(c.at).local,
                c.author,
                c.reason.trim(),
                quote(before)
            ));
        }
    } else if let Some(at) = entry.corrected_at() {
        let time = clock.when_field(at, "local").unwrap_or_default();
        let note = fill(&locale.word("corrected_note"), &[("time", &time)]);
        out.push(format!("_{note}_"));
    }
    for r in entry.redactions() {
        let date = clock.when_field(r.at, "day").unwrap_or_default();
        let values = [("date", date.as_str()), ("reason", r.reason.trim())];
        let mut note = fill(&locale.word("removed_note"), &values);
        if entry.view == View::Internal {
            note.push_str(&format!(" ({}; by {})", r.field_names(), r.author));
        }
        out.push(format!("_{note}_"));
    }
    out
}

/// The public message of `entry`, an update of `incident` (in the clock's
/// language when translated), followed by its notes: what every output
/// shows as the update's text.
pub fn message(
    incident: &PublicIncident,
    entry: &Entry,
    clock: &SiteTime,
) -> Result<Option<String>, RenderError> {
    message_later(incident, entry, clock)?
        .map(|m| m.text().map(Cow::into_owned))
        .transpose()
        .map_err(|e| RenderError::Spilled(lost(incident.id(), entry.at, e)))
}

/// `message`, with a text the build wrote out read only when asked for:
/// a page lists many incidents whose messages its template may not show.
pub fn message_later(
    incident: &PublicIncident,
    entry: &Entry,
    clock: &SiteTime,
) -> Result<Option<Message>, RenderError> {
    if let Some(text) = entry.message_translations.get(&clock.locale().lang) {
        return Ok(Some(Message::Ready(with_notes(text, entry, clock))));
    }
    Ok(Some(
        match incident.text(entry).map_err(RenderError::Spilled)? {
            None => return Ok(None),
            Some(Text::Here(text)) => Message::Ready(with_notes(text, entry, clock)),
            Some(Text::Away(spill, at)) => Message::Away {
                spill: spill.clone(),
                at,
                notes: notes(entry, clock),
            },
        },
    ))
}

/// An update's text with its notes, or where to read the text from.
#[derive(Debug)]
pub enum Message {
    Ready(String),
    Away {
        spill: Spill,
        at: At,
        notes: Vec<String>,
    },
}

impl Message {
    pub fn text(&self) -> io::Result<Cow<'_, str>> {
        match self {
            Message::Ready(text) => Ok(Cow::Borrowed(text)),
            Message::Away { spill, at, notes } => Ok(Cow::Owned(joined(&spill.read(*at)?, notes))),
        }
    }
}

/// `text` followed by the notes on `entry`.
pub fn with_notes(text: &str, entry: &Entry, clock: &SiteTime) -> String {
    joined(text, &notes(entry, clock))
}

fn joined(text: &str, notes: &[String]) -> String {
    let mut out = text.trim_end().to_string();
    for note in notes {
        out.push_str("\n\n");
        out.push_str(note);
    }
    out
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}").trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
