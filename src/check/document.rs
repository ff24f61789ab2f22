//! One file from bytes to a typed value: read, parse, validate against its
//! schema, deserialize. Each step that fails stops the file with findings.

use super::rules;
use super::schema;
use crate::diagnostics::Diagnostic;
use crate::repo::source::{self, ReadError};
use crate::repo::yaml;
use crate::schemas::FileKind;
use serde::de::DeserializeOwned;
use std::path::Path;

pub fn load<T: DeserializeOwned>(
    root: &Path,
    file: &str,
    kind: FileKind,
) -> Result<T, Vec<Diagnostic>> {
    let text = source::read(&root.join(file)).map_err(|e| vec![read_error(file, e)])?;
    let value = yaml::parse(&text).map_err(|e| {
        let rule = if e.message.starts_with("duplicate key") {
            &rules::YAML_DUPLICATE_KEY
        } else {
            &rules::YAML_SYNTAX
        };
        let mut d = rule.diag(file, e.message);
        if let (Some(line), Some(column)) = (e.line, e.column) {
            d = d.at_line(line, column);
        }
        vec![d.hint(
            "fix the YAML at this place; `incident schema <kind>` prints what the file may hold",
        )]
    })?;
    let findings = schema::validate(kind, &value, file);
    if !findings.is_empty() {
        return Err(findings);
    }
    T::deserialize(&value).map_err(|e| vec![rules::SCHEMA_VALUE.diag(file, e.to_string())])
}

fn read_error(file: &str, error: ReadError) -> Diagnostic {
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
        ReadError::Empty => rules::FILE_EMPTY
            .diag(file, error.to_string())
            .hint("fill it in (`incident schema <kind>` lists the keys) or delete it"),
    }
}
