//! Validation against the embedded JSON Schemas, with messages written for
//! people: unknown keys get a "did you mean", timestamps say how to write one.

use super::rules;
use super::suggest::did_you_mean;
use crate::diagnostics::Diagnostic;
use crate::repo::locate::join;
use crate::schemas::{FileKind, follow_ref};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, ValidationError, Validator};
use serde_json::Value;
use std::sync::OnceLock;

fn compile(kind: FileKind) -> Validator {
    // The schemas are part of the binary and tested; failing here is a bug.
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        // RFC 3339 allows a space for the `T`, and tools write it that way.
        .with_format("date-time", |s| crate::clock::parse_timestamp(s).is_some())
        .build(kind.schema_json())
        .expect("embedded schema compiles")
}

/// Each kind's validator, compiled when a file of the kind is first read:
/// a command on one incident reads few kinds, and compiling them all cost
/// it a third of its instructions.
static VALIDATORS: [OnceLock<Validator>; FileKind::ALL.len()] =
    [const { OnceLock::new() }; FileKind::ALL.len()];

/// The findings of `value` (the parsed `file`) against the schema of `kind`.
pub fn validate(kind: FileKind, value: &Value, file: &str) -> Vec<Diagnostic> {
    let validator = VALIDATORS[kind as usize].get_or_init(|| compile(kind));
    if validator.is_valid(value) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for error in validator.iter_errors(value) {
        describe(kind, kind.schema_json(), &error, file, &mut out);
    }
    out
}

/// Follows a pointer into a schema, stepping through local `$ref`s.
fn resolve<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = schema;
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        if seg == "$ref" {
            node = follow_ref(schema, node)?;
            continue;
        }
        node = match node
            .get(&seg)
            .or_else(|| follow_ref(schema, node)?.get(&seg))
        {
            Some(next) => next,
            None => node.get(seg.parse::<usize>().ok()?)?,
        };
    }
    Some(node)
}

/// The schema node the failing keyword belongs to (its parent in the path).
fn node_of<'a>(schema: &'a Value, error: &ValidationError) -> Option<&'a Value> {
    let path = error.schema_path().as_str();
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    let node = resolve(schema, parent)?;
    // A property that is only a `$ref` with a description: use the target too.
    Some(
        follow_ref(schema, node)
            .filter(|_| node.get("type").is_none())
            .unwrap_or(node),
    )
}

fn description(schema: &Value, node: Option<&Value>) -> Option<String> {
    let node = node?;
    node.get("description")
        .or_else(|| follow_ref(schema, node)?.get("description"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Says what is wrong with a timestamp: no offset, or not a real date/time.
fn timestamp_problem(value: &Value) -> String {
    let text = value.as_str().unwrap_or_default();
    let tail = text.get(text.len().saturating_sub(6)..).unwrap_or_default();
    let has_offset = text.ends_with(['Z', 'z'])
        || (tail.starts_with(['+', '-']) && tail.as_bytes().get(3) == Some(&b':'));
    if has_offset {
        format!("{} is not a valid date and time", show(value))
    } else {
        format!("{} is not a timestamp with an explicit offset", show(value))
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// One failing keyword, as the describers below read it.
struct Failure<'a> {
    file: &'a str,
    /// The JSON pointer of the failing value.
    path: String,
    /// The schema node the keyword belongs to.
    node: Option<&'a Value>,
    instance: &'a Value,
    /// The node's description, the hint when nothing more precise is known.
    hint: Option<String>,
}

impl Failure<'_> {
    fn with_hint(&self, d: Diagnostic) -> Diagnostic {
        match &self.hint {
            Some(h) => d.hint(h.clone()),
            None => d,
        }
    }
}

/// Turns one validation error into findings: one describer per error kind.
fn describe(
    kind: FileKind,
    schema: &Value,
    error: &ValidationError,
    file: &str,
    out: &mut Vec<Diagnostic>,
) {
    let node = node_of(schema, error);
    let f = Failure {
        file,
        path: error.instance_path().as_str().to_string(),
        node,
        instance: error.instance(),
        hint: description(schema, node),
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            out.extend(unexpected.iter().map(|key| unknown_key(&f, key)));
        }
        ValidationErrorKind::Required { property } => {
            out.push(missing_key(
                &f,
                schema,
                property.as_str().unwrap_or_default(),
            ));
        }
        ValidationErrorKind::Type { .. } => out.push(wrong_type(&f)),
        ValidationErrorKind::Enum { options } => out.push(not_allowed(&f, options)),
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
            let d = bad_form(&f);
            // A malformed timestamp fails both `pattern` and `format`: say it once.
            if !out
                .iter()
                .any(|o| o.pointer == d.pointer && o.rule == d.rule)
            {
                out.push(d);
            }
        }
        ValidationErrorKind::AnyOf { .. } if kind == FileKind::Update && f.path.is_empty() => {
            out.push(
                rules::SCHEMA_MISSING_KEY
                    .diag(file, "an update needs a `message`, a `decision` or an `internal_note`")
                    .at(f.path)
                    .hint("`message` is what customers read; an update with only a decision or an internal note is an internal log entry"),
            );
        }
        ValidationErrorKind::Not { .. } if kind == FileKind::Incident => {
            out.push(schedule_on_incident(f));
        }
        _ => out.push(
            f.with_hint(
                rules::SCHEMA_VALUE
                    .diag(file, error.to_string())
                    .at(f.path.clone()),
            ),
        ),
    }
}

fn unknown_key(f: &Failure<'_>, key: &str) -> Diagnostic {
    let known: Vec<&str> = f
        .node
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let hint = match did_you_mean(key, &known) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("keys allowed here: {}", known.join(", ")),
    };
    rules::SCHEMA_UNKNOWN_KEY
        .diag(f.file, format!("unknown key `{key}`"))
        .at_key(join(&f.path, key))
        .hint(hint)
}

fn missing_key(f: &Failure<'_>, schema: &Value, name: &str) -> Diagnostic {
    let prop_hint = f
        .node
        .and_then(|n| n.get("properties")?.get(name))
        .and_then(|p| description(schema, Some(p)));
    let d = rules::SCHEMA_MISSING_KEY
        .diag(f.file, format!("missing required key `{name}`"))
        .at_key(f.path.clone());
    // `sevirity:` is both an unknown key and a missing `severity`: this
    // finding names the typo too.
    let keys: Vec<&str> = f
        .instance
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let typo = did_you_mean(name, &keys).filter(|k| *k != name);
    match (typo, prop_hint) {
        (Some(typo), _) => d.hint(format!("`{typo}` is written here: did you mean `{name}`?")),
        (None, Some(h)) => d.hint(format!("`{name}`: {h}")),
        (None, None) => d,
    }
}

fn wrong_type(f: &Failure<'_>) -> Diagnostic {
    let expected = f
        .node
        .and_then(|n| n.get("type"))
        .map_or_else(String::new, |t| match t {
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" or "),
            t => t.as_str().unwrap_or_default().to_string(),
        });
    let expected = match expected.as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "" => "another type".to_string(),
        other => format!("a {other}"),
    };
    f.with_hint(
        rules::SCHEMA_TYPE
            .diag(
                f.file,
                format!("expected {expected}, found {}", type_name(f.instance)),
            )
            .at(f.path.clone()),
    )
}

fn not_allowed(f: &Failure<'_>, options: &Value) -> Diagnostic {
    let allowed: Vec<String> = options
        .as_array()
        .map(|o| {
            o.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let refs: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let near = f.instance.as_str().and_then(|s| did_you_mean(s, &refs));
    let hint = match near {
        Some(n) => format!("did you mean `{n}`? allowed: {}", allowed.join(", ")),
        None => format!("allowed: {}", allowed.join(", ")),
    };
    rules::SCHEMA_VALUE
        .diag(
            f.file,
            format!("{} is not an allowed value here", show(f.instance)),
        )
        .at(f.path.clone())
        .hint(hint)
}

/// A value that does not match its `pattern` or `format`: timestamps and
/// dates say how to write one.
fn bad_form(f: &Failure<'_>) -> Diagnostic {
    let format = f.node.and_then(|n| n.get("format")).and_then(Value::as_str);
    match format {
        Some("date-time") => rules::SCHEMA_TIMESTAMP
            .diag(f.file, timestamp_problem(f.instance))
            .at(f.path.clone())
            .hint("write RFC 3339 with an offset: 2026-11-26T10:02:00Z (UTC) or 2026-11-26T11:02:00+01:00"),
        Some("date") => rules::SCHEMA_VALUE
            .diag(f.file, format!("{} is not a date", show(f.instance)))
            .at(f.path.clone())
            .hint("write a date as YYYY-MM-DD, e.g. 2026-12-10"),
        _ => f.with_hint(
            rules::SCHEMA_VALUE
                .diag(
                    f.file,
                    format!("{} does not have the expected form", show(f.instance)),
                )
                .at(f.path.clone()),
        ),
    }
}

fn schedule_on_incident(f: Failure<'_>) -> Diagnostic {
    // Point at the schedule key that is there, not at the whole file.
    let key = ["scheduled_for", "scheduled_until"]
        .into_iter()
        .find(|k| f.instance.get(k).is_some())
        .map_or(f.path, |k| join("", k));
    rules::SCHEMA_VALUE
        .diag(
            f.file,
            "`scheduled_for` and `scheduled_until` are only for planned maintenance",
        )
        .at_key(key)
        .hint("set `kind: maintenance`, or remove the schedule from this incident")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_valid_against_the_2020_12_meta_schema() {
        for kind in FileKind::ALL {
            let schema: Value = serde_json::from_str(kind.schema_text()).unwrap();
            jsonschema::meta::validate(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", kind.schema_file()));
        }
    }

    #[test]
    fn every_property_has_a_description() {
        fn walk(node: &Value, at: &str, missing: &mut Vec<String>) {
            if let Some(props) = node.get("properties").and_then(Value::as_object) {
                for (name, prop) in props {
                    if prop.get("description").is_none() {
                        missing.push(format!("{at}/properties/{name}"));
                    }
                }
            }
            match node {
                // `if` holds conditions on properties, not their declarations.
                Value::Object(map) => map
                    .iter()
                    .filter(|(k, _)| *k != "if")
                    .for_each(|(k, v)| walk(v, &format!("{at}/{k}"), missing)),
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .for_each(|(i, v)| walk(v, &format!("{at}/{i}"), missing)),
                _ => {}
            }
        }
        for kind in FileKind::ALL {
            let schema: Value = serde_json::from_str(kind.schema_text()).unwrap();
            let mut missing = Vec::new();
            walk(&schema, "", &mut missing);
            assert!(
                missing.is_empty(),
                "{}: no description at {missing:?}",
                kind.schema_file()
            );
        }
    }

    #[test]
    fn unknown_key_suggests_the_near_one() {
        let v = serde_json::json!({"titel": "x", "declared_at": "2026-11-26T10:02:00Z", "severity": "sev1"});
        let d = validate(FileKind::Incident, &v, "f.yaml");
        let unknown: Vec<_> = d
            .iter()
            .filter(|d| d.rule == "schema/unknown-key")
            .collect();
        assert_eq!(unknown.len(), 1, "{d:?}");
        assert_eq!(unknown[0].hint.as_deref(), Some("did you mean `title`?"));
        let missing = d
            .iter()
            .find(|d| d.rule == "schema/missing-key" && d.message.contains("`title`"))
            .unwrap();
        assert_eq!(
            missing.hint.as_deref(),
            Some("`titel` is written here: did you mean `title`?")
        );
    }

    #[test]
    fn naive_timestamp_is_reported_once() {
        let v = serde_json::json!({"title": "x y z", "declared_at": "2026-11-26T10:02:00", "severity": "sev1"});
        let d = validate(FileKind::Incident, &v, "f.yaml");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "schema/timestamp");
        assert_eq!(d[0].pointer.as_ref().unwrap().path, "/declared_at");
    }
}
