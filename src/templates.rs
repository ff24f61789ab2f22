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
];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read the override {path}: {source}")]
    Override { path: String, source: ReadError },
    #[error("template {name}: {source}")]
    Render {
        name: String,
        source: minijinja::Error,
    },
}

pub struct Templates {
    env: Environment<'static>,
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
        Ok(Self { env })
    }

    pub fn render(&self, name: &str, context: Value) -> Result<String, TemplateError> {
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
