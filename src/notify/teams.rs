//! Microsoft Teams: an Adaptive Card in the envelope of a Teams workflow
//! webhook ("When a Teams webhook request is received"), which answers 202.

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
            Format::Teams,
            templates,
        )?
        .into_bytes(),
        None => serde_json::to_vec(&update::teams(
            &super::slack::subject(message),
            &message.text,
        ))?,
    })
}
