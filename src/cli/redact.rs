//! `incident redact ID UPDATE --reason …`: removes text that must not stay
//! published (a secret, a customer's name). The named fields of the update
//! become the placeholder, and a record of who, when, why and which fields
//! (with a hash of what they held) is written in the same change: the one
//! rewrite of a published update `validate --changed-since` accepts.

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::compose::NewFiles;
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
    /// The update: its file name (2026-11-26T10-20-00Z.yaml), its time, or 10:20 (the incident's update at that time of day in the site time zone, any day).
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
    let mut targets = vec![(update, redacted, removed, at)];
    targets.extend(copies(&incident.updates, update, &fields, at)?);
    let record = |(u, _, fields, at): &Target<'_>| Redaction {
        update: u.at,
        at: *at,
        author: authoring::author(args.common.author.clone()),
        reason: args.reason.trim().to_string(),
        fields: fields.clone(),
    };
    let Written {
        files,
        rewritten,
        records,
    } = record_files(&incident.id, &targets, record)?;
    let (update_path, record, _) = &records[0];
    let commit = format!(
        "incident({}): redact {} of the update of {}{}",
        incident.id,
        record.field_names(),
        update.at,
        match records.len() - 1 {
            0 => String::new(),
            n => format!(" and of the {n} later update(s) holding the same text"),
        }
    );
    if !session.finish_rewriting(&args.common, &incident.id, files, rewritten, &commit)? {
        return Ok(ExitCode::from(1));
    }
    let texts: Vec<String> = records
        .iter()
        .flat_map(|(_, r, u)| r.fields.iter().flat_map(|f| leaves(&f.field.value(u))))
        .collect();
    let purge = purge_file(&session.root, &file, &texts);
    println!(
        "removed {} of {update_path} (now `{PLACEHOLDER}`); every output says \"Part of this update was removed on {}: {}\"",
        record.field_names(),
        at.to_zoned_datetime(session.repo().config.timezone())
            .date(),
        record.reason
    );
    for (path, r, _) in &records[1..] {
        println!(
            "also removed {} of {path}, which held the same text (its own record)",
            r.field_names()
        );
    }
    let entries: Vec<String> = records
        .iter()
        .map(|(path, _, _)| path.trim_start_matches("incidents/").to_string())
        .collect();
    print_receivers(&session.root, &entries);
    println!();
    print_history_advice(purge.as_deref());
    Ok(ExitCode::SUCCESS)
}

/// Who already has the removed text, by this clone's notification ledger:
/// a redaction changes what is published, not what was sent.
fn print_receivers(root: &Path, entries: &[String]) {
    let Ok(ledger) = crate::notify::ledger::Ledger::open(root, None) else {
        return;
    };
    let receivers = ledger.receivers(entries);
    if receivers.is_empty() {
        return;
    }
    let names: Vec<String> = receivers
        .iter()
        .map(|(name, state)| match state {
            crate::notify::ledger::State::Delivered => name.clone(),
            _ => format!("{name} (perhaps)"),
        })
        .collect();
    println!(
        "already sent with the removed text to: {} (this clone's notification ledger); they keep their copy: ask each to delete it",
        names.join(", ")
    );
}

/// A target of the redaction: the update, the update blanked, the fields
/// removed and the record's time.
type Target<'a> = (&'a Update, Update, Vec<RedactedField>, jiff::Timestamp);

/// What a redaction writes: the records, the rewritten updates, and for
/// each target its update file, its record and the update as it was.
struct Written<'a> {
    files: NewFiles,
    rewritten: NewFiles,
    records: Vec<(String, Redaction, &'a Update)>,
}

fn record_files<'a>(
    id: &str,
    targets: &[Target<'a>],
    record: impl Fn(&Target<'a>) -> Redaction,
) -> Result<Written<'a>, CliError> {
    let (mut files, mut rewritten, mut records) = (NewFiles::new(), NewFiles::new(), Vec::new());
    for target in targets {
        let (update, blanked, ..) = target;
        let record = record(target);
        let name = update_file_name(update.at);
        let update_path = crate::paths::update(id, &name);
        let record_path = crate::paths::amendment(
            id,
            crate::paths::REDACTIONS,
            &name,
            &update_file_name(record.at),
        );
        files.insert(
            record_path.clone(),
            yaml(&record_path, FileKind::Redaction, &record)?,
        );
        rewritten.insert(
            update_path.clone(),
            yaml(&update_path, FileKind::Update, blanked)?,
        );
        records.push((update_path, record, *update));
    }
    Ok(Written {
        files,
        rewritten,
        records,
    })
}

/// The later updates that hold text of `fields` as `update` held it (the
/// impact is copied into each new update; a message may be repeated), each
/// with those fields blanked and their records: left there, the text would
/// stay published. Recorded at `at`, or at the update when later (`--at`
/// may be earlier; a record never precedes its update).
fn copies<'a>(
    updates: &'a [Update],
    update: &Update,
    fields: &[Field],
    at: jiff::Timestamp,
) -> Result<Vec<Target<'a>>, CliError> {
    let mut out = Vec::new();
    for later in updates.iter().filter(|u| u.at > update.at) {
        let held: Vec<Field> = fields
            .iter()
            .copied()
            .filter(|f| holds_copy(*f, update, later))
            .collect();
        if !held.is_empty() {
            let (blanked, removed) = blank_fields(later, &held, &update_file_name(later.at))?;
            out.push((later, blanked, removed, at.max(later.at)));
        }
    }
    Ok(out)
}

/// Whether `field` of `later` holds the value `original` held, or one of
/// the texts blanking removes from it (the impact's summary beside a new
/// count of users; never an option id, which blanking keeps).
fn holds_copy(field: Field, original: &Update, later: &Update) -> bool {
    let (removed, _) = removable(field, original);
    let (held, left) = removable(field, later);
    // Blanking must change it: not removed already.
    field.value(&left) != field.value(later)
        && (field.value(original) == field.value(later) || held.iter().any(|t| removed.contains(t)))
}

/// The texts of `field` in `update` that blanking it removes, and the
/// update blanked.
fn removable(field: Field, update: &Update) -> (Vec<String>, Update) {
    let mut blank = update.clone();
    field.blank(&mut blank);
    let kept = strings(&field.value(&blank));
    let texts = strings(&field.value(update))
        .into_iter()
        .filter(|t| !kept.contains(t))
        .collect();
    (texts, blank)
}

/// Every string in a value, whole.
fn strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
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
    // The same text removed from several updates is listed once.
    lines.sort();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn update(text: &str) -> Update {
        serde_yaml::from_str(&format!(
            "at: 2026-11-26T10:05:00Z\nstatus: identified\nauthor: x\n{text}"
        ))
        .unwrap()
    }

    #[test]
    fn a_copy_is_the_same_value_or_one_of_its_removed_texts() {
        let first =
            update("message: key ghp_x\nimpact: {summary: Globex cannot pay, users_affected: 3}\n");
        let copied =
            update("message: Fixed.\nimpact: {summary: Globex cannot pay, users_affected: 3}\n");
        let recounted =
            update("message: Fixed.\nimpact: {summary: Globex cannot pay, users_affected: 9}\n");
        let new = update("message: key ghp_x is revoked\nimpact: {summary: Nobody can pay}\n");
        assert!(holds_copy(Field::Impact, &first, &copied));
        assert!(holds_copy(Field::Impact, &first, &recounted));
        assert!(!holds_copy(Field::Impact, &first, &new));
        assert!(!holds_copy(Field::Message, &first, &copied));
        assert!(!holds_copy(Field::Message, &first, &new), "verbatim only");
        let mut removed = copied.clone();
        Field::Impact.blank(&mut removed);
        assert!(
            !holds_copy(Field::Impact, &first, &removed),
            "removed already"
        );
        let counted = update("impact: {users_affected: 3}\n");
        assert!(holds_copy(Field::Impact, &counted, &counted.clone()));
    }

    #[test]
    fn a_decision_is_not_a_copy_for_its_option_ids() {
        let decision = |a: &str, b: &str| {
            update(&format!(
                "internal_note: n\ndecision: {{options: [{{id: A, summary: {a}}}, {{id: B, summary: {b}}}], chosen: A, rationale: for {a}}}\n"
            ))
        };
        let first = decision("roll back", "patch");
        assert!(!holds_copy(
            Field::Decision,
            &first,
            &decision("fail over", "wait")
        ));
        assert!(holds_copy(
            Field::Decision,
            &first,
            &decision("fail over", "patch")
        ));
    }
}
