//! Rendering: the model to the files each audience reads. Everything comes
//! from templates (see `crate::templates`); the public outputs see only a
//! `view::PublicView` of the repository, so nothing internal can reach them.

pub(crate) mod amend;
pub(crate) mod api;
pub(crate) mod calendar;
pub(crate) mod feed;
pub(crate) mod internal;
pub(crate) mod locale;
pub(crate) mod markdown;
pub mod postmortem;
pub mod site;
pub mod time;
mod timeline;
pub mod update;
pub(crate) mod uptime;
pub(crate) mod view;
pub(crate) mod widget;

use crate::check::spill::Spilled;
use crate::model::Repository;
use crate::templates::{TemplateError, Templates};
use jiff::Timestamp;
use minijinja::Value;
use std::collections::BTreeMap;

/// Why an output could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed (a built-in one, or the repository's override).
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A JSON output (the API, the widget) would not serialize.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A message the build wrote out (`check::spill`) could not be read
    /// back.
    #[error("reading back what the build wrote out: {0}")]
    Spilled(std::io::Error),
    /// A rendered file could not be written to the staging folder.
    #[error("writing {path}: {source}")]
    Write {
        /// The file, relative to the site.
        path: String,
        /// Why the write failed.
        source: std::io::Error,
    },
}

/// Where the files of the site go as they are rendered. Pages are rendered
/// in parallel, so a sink is shared between threads; none of them holds the
/// whole site, so memory does not grow with the number of pages.
pub trait Sink: Sync {
    /// Stores `bytes` as `path` (relative to the output folder).
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;
}

/// The files in memory, by path: for comparing two renderings.
impl Sink for std::sync::Mutex<BTreeMap<String, Vec<u8>>> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.lock()
            .map_err(|_| std::io::Error::other("another page failed mid-write"))?
            .insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Puts `bytes` into `sink`, naming the file when that fails.
fn put(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
    sink.put(path, bytes).map_err(|source| RenderError::Write {
        path: path.to_string(),
        source,
    })
}

/// Every file of the public site, by path relative to the output folder,
/// into `sink`; the messages read from `spilled` when the check wrote them
/// there.
pub fn site(
    repo: &Repository,
    spilled: Option<&Spilled>,
    templates: &Templates,
    now: Timestamp,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let view = view::PublicView::with_spilled(repo, spilled, now);
    // One tree per language: the page's language at the top, the others
    // under /<lang>/.
    let main = repo.config.site.language();
    let prefix = |lang: &str| {
        if lang == main {
            String::new()
        } else {
            format!("{lang}/")
        }
    };
    let languages: Vec<(String, String)> = repo
        .config
        .site
        .languages()
        .into_iter()
        .map(|l| (l.to_string(), prefix(l)))
        .collect();
    // A handful of files, each over every incident, rendered beside the
    // pages (which take both cores but where a page stands alone).
    let (pages, files) = rayon::join(
        || -> Result<(), RenderError> {
            for (lang, tree_prefix) in &languages {
                let clock = time::SiteTime::localized(&repo.config, templates.locale(lang)?.into());
                let tree = site::Tree {
                    prefix: tree_prefix.clone(),
                    languages: if languages.len() > 1 {
                        languages.clone()
                    } else {
                        Vec::new()
                    },
                };
                site::pages(&view, &clock, templates, &tree, sink)?;
            }
            Ok(())
        },
        || -> Result<BTreeMap<String, Vec<u8>>, RenderError> {
            feed::files(&view, templates, sink)?;
            let mut files = BTreeMap::new();
            api::files(&view, &mut files)?;
            calendar::files(&view, &mut files)?;
            widget::files(&view, &mut files)?;
            Ok(files)
        },
    );
    pages?;
    for (path, bytes) in &files? {
        put(sink, path, bytes)?;
    }
    Ok(())
}

/// "SEV-1 (Critical)": the severity with the label the policy gives it.
pub(crate) fn severity_text(config: &crate::model::Config, s: crate::model::Severity) -> String {
    format!("{s:#} ({})", config.policy(s).label)
}

/// A serde value as a template value.
pub(crate) fn ctx<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}
