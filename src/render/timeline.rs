//! An incident's updates as the page templates see them, newest first. A
//! message's Markdown becomes HTML when a template reads it: the front page
//! and an incident's own page show messages, while the incident lists of the
//! component and month pages, most of a site's incident entries, do not.

use super::ctx;
use super::markdown;
use super::site::Label;
use super::time::When;
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;
use std::sync::Arc;

/// One update, with its message still in Markdown.
#[derive(Debug)]
pub(super) struct Entry {
    pub status: Label,
    pub at: When,
    pub markdown: String,
}

/// What a template gets for each entry.
#[derive(Serialize)]
struct UpdateCtx<'a> {
    status: &'a Label,
    at: &'a When,
    message: Value,
}

#[derive(Debug)]
pub(super) struct Timeline(pub Vec<Entry>);

impl Object for Timeline {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let entry = self.0.get(key.as_usize()?)?;
        Some(ctx(&UpdateCtx {
            status: &entry.status,
            at: &entry.at,
            message: Value::from_safe_string(markdown::to_html(&entry.markdown)),
        }))
    }
}
