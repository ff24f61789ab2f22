//! An incident's updates as the page templates see them, newest first. An
//! update's times are written out, and its message's Markdown becomes HTML,
//! when a template reads it: the front page and an incident's own page show
//! them, while the incident lists of the component and month pages, most of
//! a site's incident entries, do not.

use super::ctx;
use super::markdown;
use super::site::{Label, status_label};
use super::time::SiteTime;
use crate::model::Status;
use jiff::Timestamp;
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;
use std::sync::Arc;

/// One update, with its message still in Markdown.
#[derive(Debug)]
pub(super) struct Entry {
    pub status: Status,
    pub at: Timestamp,
    pub markdown: String,
}

/// What a template gets for each entry.
#[derive(Serialize)]
struct UpdateCtx {
    status: Label,
    at: Value,
    message: Value,
}

/// The entries, and the clock that writes their times.
#[derive(Debug)]
pub(super) struct Timeline {
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
        Some(ctx(&UpdateCtx {
            status: status_label(entry.status),
            at: self.clock.moment(entry.at),
            message: Value::from_safe_string(markdown::to_html(&entry.markdown)),
        }))
    }
}
