//! Discord: a webhook message with one embed, within Discord's limits and
//! with mentions disabled (Discord answers 204).

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
            Format::Discord,
            templates,
        )?
        .into_bytes(),
        None => serde_json::to_vec(&update::discord(
            &super::slack::subject(message),
            &message.text,
            &repo.config.site.name,
            &crate::render::time::iso(notice.at),
        ))?,
    })
}
