//! Slack: the Block Kit payload `incident render update --format slack`
//! prints, POSTed to an incoming webhook (Slack answers 200 `ok`).

use super::{Message, Notice};
use crate::model::Repository;
use crate::render::RenderError;
use crate::render::update::{self, Audience, Format};
use crate::templates::Templates;

pub fn payload(
    repo: &Repository,
    templates: &Templates,
    audience: Audience,
    notice: &Notice<'_>,
    message: &Message,
) -> Result<Vec<u8>, RenderError> {
    Ok(match notice.update {
        Some(u) => update::render(
            &repo.config,
            notice.incident,
            u,
            audience,
            Format::Slack,
            templates,
        )?
        .into_bytes(),
        None => serde_json::to_vec(&update::slack(&subject(message), &message.text))?,
    })
}

/// The subject without the `[site]` prefix: chat shows the site already.
pub(super) fn subject(message: &Message) -> String {
    match message.subject.split_once("] ") {
        Some((_, rest)) if message.subject.starts_with('[') => rest.to_string(),
        _ => message.subject.clone(),
    }
}
