//! Slack, Microsoft Teams and Discord: the stakeholder update in the chat's
//! own payload — Block Kit for a Slack incoming webhook (answers 200 `ok`),
//! an Adaptive Card in the envelope of a Teams workflow webhook (answers
//! 202), one embed within Discord's limits with mentions disabled (answers
//! 204). A notice that is no update (a reminder, maintenance starting) gets
//! the same payload built from its subject and text.

use super::{Message, Notice};
use crate::model::Repository;
use crate::render::RenderError;
use crate::render::update::{self, Audience, Format};
use crate::templates::Templates;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chat {
    Slack,
    Teams,
    Discord,
}

pub fn payload(
    chat: Chat,
    repo: &Repository,
    templates: &Templates,
    audience: Audience,
    notice: &Notice<'_>,
    message: &Message,
) -> Result<Vec<u8>, RenderError> {
    let format = match chat {
        Chat::Slack => Format::Slack,
        Chat::Teams => Format::Teams,
        Chat::Discord => Format::Discord,
    };
    if let Some(u) = notice.update {
        let text = update::render(
            &repo.config,
            notice.incident,
            u,
            audience,
            format,
            templates,
        )?;
        return Ok(text.into_bytes());
    }
    let subject = subject(message);
    let value = match chat {
        Chat::Slack => update::slack(&subject, &message.text),
        Chat::Teams => update::teams(&subject, &message.text),
        Chat::Discord => update::discord(
            &subject,
            &message.text,
            &repo.config.site.name,
            &crate::render::time::iso(notice.at),
        ),
    };
    Ok(serde_json::to_vec(&value)?)
}

/// The subject without the `[site]` prefix: chat shows the site already.
fn subject(message: &Message) -> String {
    match message.subject.split_once("] ") {
        Some((_, rest)) if message.subject.starts_with('[') => rest.to_string(),
        _ => message.subject.clone(),
    }
}
