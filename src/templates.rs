//! Every text incidentkit produces comes from a template in `templates/`,
//! embedded in the binary. A repository's own `templates/<same name>`
//! overrides one, as mdBook does with themes.

use crate::repo::source::{self, ReadError};
use minijinja::{Environment, UndefinedBehavior, Value};
use std::path::Path;

/// `(name, source)` of a built-in template, its name written once: the
/// file `templates/<name>` of this project.
macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// (name, source) of every built-in template.
const BUILT_IN: &[(&str, &str)] = built_in![
    "new/incidentkit.yaml",
    "new/README.md",
    "new/gitignore",
    "new/incidents.yml",
    "new/fast-lane.yml",
    "postmortem.yaml",
    "page/base.html",
    "page/macros.html",
    "page/index.html",
    "page/incident.html",
    "page/month.html",
    "page/history.html",
    "page/component.html",
    "feed/history.atom.xml",
    "feed/history.rss.xml",
    "update/update.md",
    "update/update.txt",
    "update/update.slack.txt",
    "update/update.html",
    "github/fast-lane.md",
    "postmortem/postmortem.md",
    "postmortem/report.md",
    "postmortem/document.html",
    "internal/index.html",
    "github/issue.md",
    "github/pr-comment.md",
    "document/base.html",
    "stats/metrics.md",
    "stats/metrics.html",
    "stats/uptime.md",
    "stats/uptime.html",
    "show/incident.txt",
];

/// (language, source) of every built-in locale of the status page.
pub const LOCALES: &[(&str, &str)] = &[
    ("en", include_str!("../templates/locale/en.yaml")),
    ("de", include_str!("../templates/locale/de.yaml")),
    ("es", include_str!("../templates/locale/es.yaml")),
    ("fr", include_str!("../templates/locale/fr.yaml")),
    ("ja", include_str!("../templates/locale/ja.yaml")),
];

pub(crate) fn built_in_locale(lang: &str) -> Option<&'static str> {
    LOCALES.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s)
}

/// A template or locale that failed; each variant names which.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // the fields: each variant's doc and message name them
pub enum TemplateError {
    /// A locale does not parse or lacks a word.
    #[error("locale {lang}: {message}")]
    Locale { lang: String, message: String },
    /// The repository's override under `templates/` cannot be read.
    #[error("cannot read the override {path}: {source}")]
    Override { path: String, source: ReadError },
    /// A template does not compile or fails while rendering.
    #[error("template {name}: {source}")]
    Render {
        name: String,
        source: minijinja::Error,
    },
}

/// Every template, built in or overridden by the repository's `templates/`.
pub struct Templates {
    env: Environment<'static>,
    /// The repository whose `templates/locale/<lang>.yaml` overrides a
    /// built-in locale (read through the one reader, as templates are).
    root: Option<std::path::PathBuf>,
}

impl Templates {
    /// The built-in templates, with overrides from `<root>/templates/` when
    /// `root` is given.
    pub fn load(root: Option<&Path>) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // minijinja's default auto-escaping (by extension: .html, .xml, .json)
        // stays on: every HTML template escapes what people wrote.
        env.add_filter("yaml", yaml_scalar);
        // Plain text (a title) in a Markdown template: shown as written, no
        // link or emphasis its writer did not mean.
        env.add_filter("md_text", |text: &str| crate::text::markdown_inline(text));
        for (name, built_in) in BUILT_IN {
            let source = match root {
                Some(root) => {
                    // The one reader: a link is refused, never followed.
                    let path = format!("templates/{name}");
                    match source::read_text(root, &path) {
                        Ok(text) => text,
                        Err(e) if e.is_absent() => built_in.to_string(),
                        Err(source) => return Err(TemplateError::Override { path, source }),
                    }
                }
                None => built_in.to_string(),
            };
            env.add_template_owned(name.to_string(), source)
                .map_err(|source| TemplateError::Render {
                    name: name.to_string(),
                    source,
                })?;
        }
        Ok(Self {
            env,
            root: root.map(Path::to_path_buf),
        })
    }

    /// The page's words in `lang`: English, then the built-in locale of
    /// `lang`, then the repository's `templates/locale/<lang>.yaml`.
    pub fn locale(&self, lang: &str) -> Result<crate::render::locale::Locale, TemplateError> {
        let overridden = match &self.root {
            Some(root) => {
                let path = format!("{}/locale/{lang}.yaml", crate::paths::TEMPLATES);
                match source::read_text(root, &path) {
                    Ok(text) => Some(text),
                    Err(e) if e.is_absent() => None,
                    Err(source) => return Err(TemplateError::Override { path, source }),
                }
            }
            None => None,
        };
        let built_in = built_in_locale(lang);
        if built_in.is_none() && overridden.is_none() {
            return Err(TemplateError::Locale {
                lang: lang.to_string(),
                message: format!(
                    "no such locale (built in: en, de, es, fr, ja); add templates/locale/{lang}.yaml"
                ),
            });
        }
        let mut sources = vec![("en", built_in_locale("en").unwrap_or_default())];
        sources.extend(built_in.map(|s| ("built-in", s)));
        sources.extend(overridden.as_deref().map(|s| ("override", s)));
        crate::render::locale::Locale::merge(lang, &sources).map_err(|message| {
            TemplateError::Locale {
                lang: lang.to_string(),
                message,
            }
        })
    }

    pub(crate) fn render(&self, name: &str, context: Value) -> Result<String, TemplateError> {
        let err = |source| TemplateError::Render {
            name: name.to_string(),
            source,
        };
        self.env
            .get_template(name)
            .map_err(err)?
            .render(context)
            .map_err(err)
    }
}

/// A value written as a YAML scalar on one line (quoted as needed), so text
/// from people can never break the structure of a generated YAML file.
fn yaml_scalar(value: Value) -> String {
    let text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // serde_json quoting is valid YAML and escapes everything that matters.
    serde_json::to_string(&one_line).unwrap_or_else(|_| "\"\"".to_string())
}
