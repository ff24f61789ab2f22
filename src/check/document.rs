//! One file from bytes to a typed value: read, parse, validate against its
//! schema, deserialize. Each step that fails stops the file with findings.

use super::rules;
use super::schema;
use super::syntax;
use crate::diagnostics::Diagnostic;
use crate::repo::Files;
use crate::repo::source::ReadError;
use crate::repo::yaml::{self, YamlError};
use crate::schemas::FileKind;
use serde::de::DeserializeOwned;

pub fn load<T: DeserializeOwned>(
    files: &Files,
    file: &str,
    kind: FileKind,
) -> Result<T, Vec<Diagnostic>> {
    let text = files
        .read(file)
        .map_err(|e| vec![read_error(file, kind, e)])?;
    typed(file, kind, &text)
}

/// `load`, and a fingerprint of the text it came from, the same in every
/// run for the same text (fixed keys): what was judged under the file read
/// the same can be trusted.
pub fn load_fingerprinted<T: DeserializeOwned>(
    files: &Files,
    file: &str,
    kind: FileKind,
) -> Result<(T, u64), Vec<Diagnostic>> {
    use std::hash::{Hash, Hasher};
    let text = files
        .read(file)
        .map_err(|e| vec![read_error(file, kind, e)])?;
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    Ok((typed(file, kind, &text)?, hasher.finish()))
}

/// The text of `file` parsed, validated and deserialized.
fn typed<T: DeserializeOwned>(
    file: &str,
    kind: FileKind,
    text: &str,
) -> Result<T, Vec<Diagnostic>> {
    let value = yaml::parse(text).map_err(|e| vec![syntax_error(file, kind, text, e)])?;
    let findings = schema::validate(kind, &value, file);
    if !findings.is_empty() {
        return Err(findings);
    }
    // By value: the model takes the parsed strings instead of copying them.
    T::deserialize(value).map_err(|e| vec![rules::SCHEMA_VALUE.diag(file, e.to_string())])
}

/// The finding for a text that is not YAML, with help for the common
/// mistakes (`syntax`): worked out here, once parsing has failed.
fn syntax_error(file: &str, kind: FileKind, text: &str, e: YamlError) -> Diagnostic {
    // A tab in the indentation is the classic: the parser's words for it
    // ("found character that cannot start any token") do not say so.
    if let Some(line) = tab_indented(text).filter(|l| e.line.is_none_or(|at| *l <= at)) {
        return rules::YAML_SYNTAX
            .diag(file, format!("tabs cannot indent YAML: line {line} is indented with a tab"))
            .at_line(line, 1)
            .hint("indent with spaces (most editors convert tabs on save; in vim `:set expandtab | retab`)");
    }
    let rule = if e.duplicate_key {
        &rules::YAML_DUPLICATE_KEY
    } else {
        &rules::YAML_SYNTAX
    };
    let hint = syntax::hint(text, &e);
    let mut d = rule.diag(file, e.message);
    let place = if let (Some(line), Some(column)) = (e.line, e.column) {
        d = d.at_line(line, column);
        " at this place"
    } else {
        ""
    };
    d.hint(hint.unwrap_or_else(|| {
        format!(
            "fix the YAML{place}; `incident schema {}` prints what the file may hold",
            kind.name()
        )
    }))
}

fn read_error(file: &str, kind: FileKind, error: ReadError) -> Diagnostic {
    match error {
        ReadError::Io(_) => rules::FILE_UNREADABLE
            .diag(file, error.to_string())
            .hint("check the file's permissions"),
        ReadError::TooLarge(_) => rules::FILE_TOO_LARGE.diag(file, error.to_string()).hint(
            "incident files hold text written by people; move large data elsewhere and link it",
        ),
        ReadError::NotUtf8 { line, column } => rules::FILE_NOT_UTF8
            .diag(file, error.to_string())
            .at_line(line, column)
            .hint("save the file as UTF-8"),
        ReadError::NotRegular { path, what } => rules::layout::refusal(&path, what),
        ReadError::Outside(_) => rules::FILE_UNREADABLE
            .diag(file, error.to_string())
            .hint("incidentkit reads files inside the repository only"),
        // Every command reads the configuration: deleting it is no way out.
        ReadError::Empty if kind == FileKind::Config => rules::FILE_EMPTY
            .diag(file, error.to_string())
            .hint("fill it in (`incident schema config` lists the keys; `incident init` in an empty folder writes a complete one to copy from)"),
        ReadError::Empty => rules::FILE_EMPTY
            .diag(file, error.to_string())
            .hint(format!(
                "fill it in (`incident schema {}` lists the keys) or delete it",
                kind.name()
            )),
    }
}

/// The first line (1-based) whose indentation holds a tab, if any.
fn tab_indented(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.chars()
                .take_while(|c| c.is_whitespace())
                .any(|c| c == '\t')
                && !l.trim().is_empty()
        })
        .map(|i| i + 1)
}
