//! `maintenance.ics`: every public maintenance as an iCalendar (RFC 5545)
//! event, for calendar apps to subscribe to. Written here rather than from
//! a template: CRLF line endings, escaping and folding at 75 octets are
//! rules of the format that a template override must not be able to break.
//!
//! An event's `UID` comes from the maintenance's id and never changes; its
//! `SEQUENCE` is the number of public updates after the first, so a
//! calendar app replaces its copy whenever an update is posted; a
//! cancelled maintenance is `STATUS:CANCELLED`.

use super::time::iso;
use super::view::{PublicIncident, PublicView};
use crate::model::Status;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// How often calendar apps should fetch the file again.
const REFRESH: &str = "PT1H";

pub fn files(
    view: &PublicView<'_>,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), super::RenderError> {
    let site = &view.config.site;
    let clock = super::time::SiteTime::new(view.config);
    let base = site.url.as_deref().map(|u| u.trim_end_matches('/'));
    // The host of the page makes UIDs unique across calendars.
    let host = base
        .and_then(|u| u.split("://").nth(1))
        .map(|rest| rest.split('/').next().unwrap_or(rest))
        .unwrap_or("incidentkit");
    let mut out = Ical::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//incidentkit//status page//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.text("NAME", &format!("{} maintenance", site.name));
    out.text("X-WR-CALNAME", &format!("{} maintenance", site.name));
    out.line(&format!("REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"));
    out.line(&format!("X-PUBLISHED-TTL:{REFRESH}"));
    let mut maintenance: Vec<&PublicIncident<'_>> = view
        .incidents
        .iter()
        .filter(|i| i.is_maintenance())
        .collect();
    maintenance.sort_by_key(|i| (i.sort_at(), i.id()));
    for i in maintenance {
        let d = i.declaration;
        let Some(start) = d.scheduled_for else {
            continue;
        };
        let updates = i.updates();
        let modified = updates.last().map_or(d.declared_at, |u| u.at);
        out.line("BEGIN:VEVENT");
        out.line(&format!("UID:{}@{host}", i.id()));
        out.line(&format!("DTSTAMP:{}", stamp(modified)));
        out.line(&format!("CREATED:{}", stamp(d.declared_at)));
        out.line(&format!("LAST-MODIFIED:{}", stamp(modified)));
        out.line(&format!("DTSTART:{}", stamp(start)));
        if let Some(end) = d.scheduled_until {
            out.line(&format!("DTEND:{}", stamp(end)));
        }
        out.line(&format!("SEQUENCE:{}", updates.len().saturating_sub(1)));
        out.line(if i.status() == Status::Cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        });
        out.text("SUMMARY", i.title());
        let last = match updates.last() {
            Some(u) => super::amend::message(i, u, &clock)?,
            None => None,
        };
        let mut description = last.unwrap_or_default().trim().to_string();
        let names: Vec<&str> = i.components.iter().map(|(_, n)| *n).collect();
        if !names.is_empty() {
            description.push_str(&format!("\n\nAffects: {}", names.join(", ")));
        }
        out.text("DESCRIPTION", description.trim());
        if let Some(base) = base {
            out.line(&format!("URL:{base}/incidents/{}.html", i.id()));
        }
        out.line("END:VEVENT");
    }
    out.line("END:VCALENDAR");
    files.insert("maintenance.ics".to_string(), out.0.into_bytes());
    Ok(())
}

/// "20261124T090000Z": a UTC date-time.
fn stamp(t: Timestamp) -> String {
    iso(t).replace(['-', ':'], "")
}

#[derive(Default)]
struct Ical(String);

impl Ical {
    /// One content line, folded at 75 octets (never inside a character),
    /// ended by CRLF.
    fn line(&mut self, line: &str) {
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(c);
            width += c.len_utf8();
        }
        self.0.push_str("\r\n");
    }

    /// A TEXT property, escaped (RFC 5545 3.3.11); control characters other
    /// than the line break are dropped.
    fn text(&mut self, name: &str, value: &str) {
        let mut escaped = String::with_capacity(value.len());
        for c in value.chars() {
            match c {
                '\\' => escaped.push_str("\\\\"),
                ';' => escaped.push_str("\\;"),
                ',' => escaped.push_str("\\,"),
                '\n' => escaped.push_str("\\n"),
                c if c.is_control() => {}
                c => escaped.push(c),
            }
        }
        self.line(&format!("{name}:{escaped}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_a_character() {
        let mut ical = Ical::default();
        ical.text("SUMMARY", &"é, ü; \\ ".repeat(20));
        for line in ical.0.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = ical.0.replace("\r\n ", "");
        assert!(unfolded.starts_with("SUMMARY:é\\, ü\\; \\\\ é"));
        assert!(ical.0.ends_with("\r\n"));
        assert!(!ical.0.replace("\r\n", "").contains('\n'));
    }
}
