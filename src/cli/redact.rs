//! `incident redact ID UPDATE --reason …`: removes text that must not stay
//! published (a secret, a customer's name). The named fields of the update
//! become the placeholder, and a record of who, when, why and which fields
//! (with a hash of what they held) is written in the same change: the one
//! rewrite of a published update `validate --changed-since` accepts.

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::model::Update;
use crate::model::amend::{Field, PLACEHOLDER, RedactedField, Redaction};
use crate::repo::layout::update_file_name;
use crate::schemas::FileKind;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident redact checkout-fails 10:20 --field message --reason \"a customer's API key was pasted in\""
)]
pub struct Args {
    /// The incident id (its folder name), or any part of it that names one incident.
    id: String,
    /// The update: its file name (2026-11-26T10-20-00Z.yaml), its time, or 10:20 (site time zone).
    update: String,
    /// Why, shown on every output with "Part of this update was removed": say
    /// what kind of text it was, never the text.
    #[arg(long)]
    reason: String,
    /// A field to remove (repeatable). Default: message (internal_note for an internal entry).
    #[arg(long = "field", value_enum)]
    fields: Vec<Field>,
    #[command(flatten)]
    common: Common,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, Some(&args.id))?;
    let incident = session.incident();
    let update = authoring::find_update(&session, incident, &args.update)?;
    let file = update_file_name(update.at);
    if args.reason.trim().is_empty() {
        return Err(CliError::Usage(
            "--reason is empty: say what kind of text it was (\"a customer's name\"), never the text"
                .into(),
        ));
    }
    let fields = chosen_fields(&args.fields, update);
    let (redacted, removed) = blank_fields(update, &fields, &file)?;
    let at = session.record_time(update, args.common.at.as_deref())?;
    let record = Redaction {
        update: update.at,
        at,
        author: authoring::author(args.common.author.clone()),
        reason: args.reason.trim().to_string(),
        fields: removed,
    };
    let update_path = crate::paths::update(&incident.id, &file);
    let record_path = crate::paths::amendment(
        &incident.id,
        crate::paths::REDACTIONS,
        &file,
        &update_file_name(at),
    );
    let files = [(
        record_path.clone(),
        yaml(&record_path, FileKind::Redaction, &record)?,
    )]
    .into();
    let rewritten = [(
        update_path.clone(),
        yaml(&update_path, FileKind::Update, &redacted)?,
    )]
    .into();
    let commit = format!(
        "incident({}): redact {} of the update of {}",
        incident.id,
        record.field_names(),
        update.at
    );
    if !session.finish_rewriting(&args.common, &incident.id, files, rewritten, &commit)? {
        return Ok(ExitCode::from(1));
    }
    let texts: Vec<String> = fields
        .iter()
        .flat_map(|f| leaves(&f.value(update)))
        .collect();
    let purge = purge_file(&session.root, &file, &texts);
    println!(
        "removed {} of {update_path} (now `{PLACEHOLDER}`); every output says \"Part of this update was removed on {}: {}\"",
        record.field_names(),
        at.to_zoned_datetime(session.repo().config.timezone())
            .date(),
        record.reason
    );
    println!();
    print_history_advice(purge.as_deref());
    Ok(ExitCode::SUCCESS)
}

/// The fields named (the message of a public update, the internal note of
/// an internal one when none is), sorted, each once.
fn chosen_fields(named: &[Field], update: &Update) -> Vec<Field> {
    let mut fields = named.to_vec();
    if fields.is_empty() {
        fields.push(if update.is_public() {
            Field::Message
        } else {
            Field::InternalNote
        });
    }
    fields.sort();
    fields.dedup();
    fields
}

/// `update` with `fields` replaced by the placeholder, and the record of
/// each removed field; an error for a field with nothing to remove.
fn blank_fields(
    update: &Update,
    fields: &[Field],
    file: &str,
) -> Result<(Update, Vec<RedactedField>), CliError> {
    let mut redacted = update.clone();
    let mut removed = Vec::new();
    for field in fields {
        let mut blank = update.clone();
        field.blank(&mut blank);
        if !field.is_set(update) || field.value(&blank) == field.value(update) {
            return Err(CliError::Usage(format!(
                "{file} has no `{}` to remove (or it holds `{PLACEHOLDER}` already)",
                field.as_str()
            )));
        }
        removed.push(RedactedField {
            field: *field,
            sha256: field.hash(update),
        });
        field.blank(&mut redacted);
    }
    Ok((redacted, removed))
}

/// What redacting does not undo, and how to purge git history; `purge` is
/// the file listing the removed text for `git filter-repo`, if written.
fn print_history_advice(purge: Option<&str>) {
    println!("The removed text is still in git history: anyone with a clone can read it.");
    println!(
        "- A leaked secret (token, password, key) must be rotated NOW: removing it here revokes nothing."
    );
    println!(
        "- To purge it from history once this change is merged (rewrites every commit; everyone re-clones):"
    );
    match purge {
        Some(list) => {
            println!("    git filter-repo --replace-text {list} --force");
            println!("    git push --force --all && git push --force --tags");
            println!(
                "  {list} lists the removed text (inside .git, never committed): delete it afterwards."
            );
        }
        None => {
            println!(
                "    git filter-repo --replace-text EXPRESSIONS --force   (EXPRESSIONS: one `literal:LINE==>{PLACEHOLDER}` per removed line)"
            );
            println!("    git push --force --all && git push --force --tags");
        }
    }
    println!(
        "- Copies outside git stay until removed where they are: the deployed status page and its caches, feed readers, notifications already sent, forks and CI caches."
    );
}

/// Every text a removed value held (numbers too), line by line.
fn leaves(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => s
            .lines()
            .map(str::trim)
            .filter(|l| l.len() > 2)
            .map(String::from)
            .collect(),
        serde_json::Value::Number(n) => vec![n.to_string()],
        serde_json::Value::Array(items) => items.iter().flat_map(leaves).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(leaves).collect(),
        _ => Vec::new(),
    }
}

/// Writes the expressions `git filter-repo --replace-text` reads into the
/// repository's git folder (never committed), and returns its path as the
/// command should spell it. `None` outside git.
fn purge_file(root: &Path, file: &str, texts: &[String]) -> Option<String> {
    let repo = git2::Repository::discover(root).ok()?;
    let dir = repo.path().join("incidentkit");
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("purge-{}.txt", file.trim_end_matches(".yaml")));
    let mut lines: Vec<String> = texts
        .iter()
        .map(|t| format!("literal:{t}==>{PLACEHOLDER}"))
        .collect();
    lines.dedup();
    std::fs::write(&path, lines.join("\n") + "\n").ok()?;
    let shown = path
        .strip_prefix(root)
        .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
    Some(shown)
}

fn yaml<T: serde::Serialize>(path: &str, kind: FileKind, value: &T) -> Result<String, CliError> {
    crate::compose::emit::to_yaml(path, kind, value)
        .map_err(|e| crate::compose::AuthorError::from(e).into())
}
