//! `build --as-of REV` builds a revision's files, which lack every
//! redaction made after it: the text those removed would be published
//! again. So each redaction record the repository holds today is applied
//! to the revision's files, as `incident redact` would have written them
//! then: the update's fields become the placeholder and the record sits
//! beside it, so every output says "Part of this update was removed".

use crate::cli::CliError;
use crate::model::Update;
use crate::model::amend::Redaction;
use crate::repo::layout::update_file_name;
use crate::repo::{Files, yaml};
use crate::schemas::FileKind;
use std::path::Path;

/// Applies the redaction records under `root` (today's files) to the
/// revision written out at `export`, for the updates it has; returns how
/// many of them the revision lacked. A record or update that cannot be read
/// stops the build: without it, what was removed cannot be told apart from
/// what may show.
pub(super) fn apply_current(root: &Path, export: &Path) -> Result<usize, CliError> {
    let today = Files::on_disk(root);
    let then = Files::exported(export);
    let mut applied = 0;
    for dir in today.scan()?.incidents {
        for record_path in &dir.redactions {
            let unreadable = |what: &str| {
                CliError::Refused(format!(
                    "{what}: a revision is built with today's redactions applied ({record_path} here), so nothing was built; `incident validate` says what to fix"
                ))
            };
            let text = today
                .read(record_path)
                .map_err(|e| unreadable(&format!("{record_path}: {e}")))?;
            let record: Redaction =
                parse(&text).ok_or_else(|| unreadable(&format!("{record_path} is not valid")))?;
            let update_path = crate::paths::update(&dir.id, &update_file_name(record.update));
            let mut update: Update = match then.read(&update_path) {
                Err(e) if e.is_absent() => continue,
                // Never the reason in words: it may quote the removed text.
                Ok(old) => parse(&old).ok_or_else(|| {
                    unreadable(&format!("{update_path} of the revision is not valid"))
                })?,
                Err(e) => return Err(unreadable(&format!("{update_path} of the revision: {e}"))),
            };
            for f in &record.fields {
                f.field.blank(&mut update);
            }
            let rewritten = crate::compose::emit::to_yaml(&update_path, FileKind::Update, &update)
                .map_err(|e| CliError::from(crate::compose::AuthorError::from(e)))?;
            std::fs::write(export.join(&update_path), rewritten)?;
            let record_file = export.join(record_path);
            if !record_file.exists() {
                applied += 1;
            }
            if let Some(parent) = record_file.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(record_file, text)?;
        }
    }
    Ok(applied)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    T::deserialize(&yaml::parse(text).ok()?).ok()
}
