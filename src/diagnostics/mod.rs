//! A finding is data: file, line, column, rule, level, message, hint.
//! Printers turn a list of them into human text, JSON or GitHub workflow
//! commands.

mod github;
mod human;
mod json;

pub use github::print_github;
pub(crate) use github::{escape_data, summary_markdown};
pub use human::print_human;
pub(crate) use human::summary_line;
pub use json::print_json;
pub(crate) use json::{ExemptedJson, print_json_with};

use serde::Serialize;

/// How much a finding matters: an error fails the check (exit 1), a
/// warning does not.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    /// Fails the check.
    Error,
    /// Reported, and the check still passes.
    Warning,
}

impl Level {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where in a parsed document a finding points, resolved to a line and a
/// column only for files that have findings (see `repo::locate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pointer {
    /// JSON pointer into the document, e.g. `/roles/commander`.
    pub path: String,
    /// Point at the key (`commander:`) rather than at its value.
    pub at_key: bool,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the repository root, with `/` separators.
    pub file: String,
    /// 1-based; `None` when the finding is about the whole file.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    /// The rule's id (`rules::ALL`).
    pub rule: &'static str,
    /// After the team's `rules:` levels.
    pub level: Level,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Where in the parsed document, until resolved to `line` and `column`.
    #[serde(skip)]
    pub pointer: Option<Pointer>,
    /// The source line and the width of the span on it, for human output.
    #[serde(skip)]
    pub snippet: Option<(String, usize)>,
}

impl Diagnostic {
    /// A finding about the whole `file`; `at`, `at_key` or `at_line` place it.
    pub fn new(rule: &'static str, level: Level, file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            column: None,
            rule,
            level,
            message: message.into(),
            hint: None,
            pointer: None,
            snippet: None,
        }
    }

    /// Points at the value at `path` (a JSON pointer) in the file.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.pointer = Some(Pointer {
            path: path.into(),
            at_key: false,
        });
        self
    }

    /// Points at the key of the entry at `path`.
    pub fn at_key(mut self, path: impl Into<String>) -> Self {
        self.pointer = Some(Pointer {
            path: path.into(),
            at_key: true,
        });
        self
    }

    pub(crate) fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count();
        Self {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// Output formats shared by every command that reports findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style text with the source line, for a terminal.
    Human,
    /// One JSON document, for scripts.
    Json,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
}

impl Format {
    /// `github` inside GitHub Actions, `human` elsewhere.
    pub fn detect() -> Self {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            Self::Github
        } else {
            Self::Human
        }
    }
}
