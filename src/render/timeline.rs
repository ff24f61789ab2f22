//! An incident's updates as the page templates see them, newest first. An
//! update's times are written out, and its message's Markdown becomes HTML,
//! when a template reads it: the front page and an incident's own page show
//! them, while the incident lists of the component and month pages, most of
//! a site's incident entries, do not.

use super::amend::Message;
use super::ctx;
use super::markdown;
use super::site::{Label, status_label};
use super::time::SiteTime;
use super::view::lost;
use crate::model::Status;
use jiff::Timestamp;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{Error, ErrorKind, Value};
use serde::Serialize;
use std::sync::Arc;

/// One update, with its message still in Markdown (or where the build
/// wrote it: read when a template shows it).
#[derive(Debug)]
pub(super) struct Entry {
    pub status: Status,
    pub at: Timestamp,
    pub message: Option<Message>,
}

/// What a template gets for each entry.
#[derive(Serialize)]
struct UpdateCtx {
    status: Label,
    at: Value,
    message: Value,
}

/// The entries of incident `incident`, and the clock that writes their
/// times.
#[derive(Debug)]
pub(super) struct Timeline {
    pub incident: String,
    pub clock: SiteTime,
    pub entries: Vec<Entry>,
}

impl Object for Timeline {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.entries.len())
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let entry = self.entries.get(key.as_usize()?)?;
        let markdown = match entry.message.as_ref().map(Message::text).transpose() {
            Ok(text) => text.unwrap_or_default(),
            Err(e) => {
                let why = lost(&self.incident, entry.at, e);
                let why = format!("reading back what the build wrote out: {why}");
                return Some(Value::from(Error::new(ErrorKind::InvalidOperation, why)));
            }
        };
        Some(ctx(&UpdateCtx {
            status: status_label(entry.status),
            at: self.clock.moment(entry.at),
            message: Value::from_safe_string(markdown::to_html(&markdown)),
        }))
    }
}
