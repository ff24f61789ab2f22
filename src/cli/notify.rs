//! `incident notify`: deliver every stakeholder notice exactly once (see
//! `crate::notify` and its ledger).

use super::CliError;
use crate::check;
use crate::model::Repository;
use crate::model::config::{NotifyTarget, TargetAudience, TargetKind};
use crate::notify::chat::{self, Chat};
use crate::notify::http::{Http, Outcome};
use crate::notify::ledger::{self, Ledger, Retry, Standing, State};
use crate::notify::{self, Delivery, email, webhook};
use crate::render::update::Audience;
use crate::repo::Files;
use crate::templates::Templates;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  incident notify --dry-run\n  incident notify --overdue")]
pub struct Args {
    /// Print what would be sent to whom; send and record nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long, value_enum, default_value = "human")]
    format: OutFormat,
    /// Also remind the internal targets of every open incident whose
    /// promised update is overdue (once per missed promise).
    #[arg(long)]
    overdue: bool,
    /// A target's first run sends what was added after REV (and records the
    /// rest as delivered) instead of recording everything as delivered.
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// The git remote holding the ledger branch (default: origin, when
    /// there is one; without a remote the ledger stays in this clone).
    #[arg(long, value_name = "NAME")]
    remote: Option<String>,
    /// How long one request may take, e.g. 10s.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    timeout: Duration,
    /// The most this run waits on rate limits and retries, in all, e.g. 60s.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    max_wait: Duration,
    /// Send again what a run that stopped while sending left uncertain
    /// (only once you know it did not arrive): every such notice, or the
    /// one KEY names (repeatable; each run lists them as `still uncertain KEY`).
    #[arg(long, value_name = "KEY", num_args = 0..=1, default_missing_value = EVERY, action = clap::ArgAction::Append)]
    retry_uncertain: Vec<String>,
}

/// What `--retry-uncertain` without a KEY stands for (every key holds a `/`).
const EVERY: &str = "all";

impl Args {
    fn retry(&self) -> Retry {
        match &self.retry_uncertain[..] {
            [] => Retry::None,
            keys if keys.iter().any(|k| k == EVERY) => Retry::All,
            keys => Retry::Only(keys.iter().cloned().collect()),
        }
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    text.parse::<SignedDuration>()
        .ok()
        .and_then(|d| Duration::try_from(d).ok())
        .ok_or_else(|| format!("`{text}` is not a duration such as 500ms, 10s or 2m"))
}

/// The secrets of this run, to be cut out of everything it prints.
struct Secrets(Vec<(String, String)>);

impl Secrets {
    fn from_env(targets: &[NotifyTarget]) -> Self {
        let mut found = Vec::new();
        for t in targets {
            for name in [&t.url_env, &t.secret_env, &t.smtp_url_env]
                .into_iter()
                .flatten()
            {
                let Ok(value) = std::env::var(name) else {
                    continue;
                };
                let mut parts = vec![value.clone(), value.trim().to_string()];
                // The token part of a URL and the password of an SMTP URL,
                // should anything print them alone.
                if let Some((_, rest)) = value.split_once("://") {
                    if let Some((userinfo, _)) = rest.split_once('@') {
                        parts.push(userinfo.to_string());
                        if let Some((_, pass)) = userinfo.split_once(':') {
                            parts.push(pass.to_string());
                        }
                    }
                    if let Some((_, path)) = rest.split_once('/') {
                        parts.push(path.to_string());
                    }
                }
                for part in parts.into_iter().filter(|p| p.len() >= 6) {
                    found.push((part, format!("[${name}]")));
                }
            }
        }
        // Longest first, so a whole URL goes before its parts.
        found.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        Self(found)
    }

    fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (value, name) in &self.0 {
            text = text.replace(value.as_str(), name);
        }
        text
    }
}

/// What happens to one delivery in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Plan {
    Send,
    /// The target's first run: recorded as delivered, not sent.
    Adopt,
    Delivered,
    InFlight,
    /// Its sender stopped after claiming it.
    Uncertain,
}

#[derive(Serialize)]
struct Row {
    target: String,
    #[serde(rename = "type")]
    kind: &'static str,
    audience: &'static str,
    incident: String,
    entry: String,
    what: &'static str,
    at: Timestamp,
    key: String,
    plan: Plan,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    let outcome = check::check(&Files::on_disk(&root))?;
    let Some(repo) = outcome.repository else {
        return Err(CliError::Usage(
            "incidentkit.yaml or an incident has errors: run `incident validate`".to_string(),
        ));
    };
    let problems = notify::check_targets(&repo.config);
    if !problems.is_empty() {
        return Err(CliError::Usage(format!(
            "incidentkit.yaml: {}",
            problems
                .iter()
                .map(|p| format!("{} ({})", p.message, p.hint))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    let secrets = Secrets::from_env(&repo.config.notify);
    let result = deliver(&root, &repo, args, &secrets);
    result.map_err(|e| match e {
        CliError::Usage(m) => CliError::Usage(secrets.redact(&m)),
        CliError::Refused(m) => CliError::Refused(secrets.redact(&m)),
        other => CliError::Usage(secrets.redact(&other.to_string())),
    })
}

fn ledger_error(e: ledger::LedgerError) -> CliError {
    CliError::Refused(format!("{e}; nothing more was sent"))
}

fn deliver(
    root: &Path,
    repo: &Repository,
    args: &Args,
    secrets: &Secrets,
) -> Result<ExitCode, CliError> {
    let deliveries = notify::plan(repo, crate::clock::now(), args.overdue);
    let templates = Templates::load(Some(root))?;
    let remote = ledger::remote_for(root, args.remote.as_deref()).map_err(ledger_error)?;
    let mut ledger = Ledger::open(root, remote).map_err(ledger_error)?;
    ledger.retry = args.retry();
    if let Retry::Only(keys) = &ledger.retry
        && let Some(key) = keys
            .iter()
            .find(|k| ledger.standing(k, Timestamp::now()) != Standing::Uncertain)
    {
        return Err(CliError::Usage(format!(
            "--retry-uncertain {key}: no notice with that key is uncertain; each run names them as `still uncertain KEY`"
        )));
    }
    let newer = match &args.since {
        Some(rev) => Some(Newer::since(root, rev)?),
        None => None,
    };
    let wall = Timestamp::now();
    let joined = joined_targets(repo, &ledger, wall);
    let mut rows: Vec<(Row, &Delivery<'_>)> = deliveries
        .iter()
        .map(|d| {
            let plan = plan_for(d, &joined, newer.as_ref(), &ledger, wall);
            (row(d, plan), d)
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let mut say = |text: String| -> std::io::Result<()> {
        if args.format == OutFormat::Human {
            writeln!(out, "{}", secrets.redact(&text))?;
        }
        Ok(())
    };
    let where_ = ledger_place(&ledger);
    if args.dry_run {
        say(format!(
            "dry run: nothing is sent or recorded (ledger: {}, {where_})",
            ledger.file
        ))?;
        dry_run(repo, &templates, &mut rows, &mut say)?;
        return json_out(args, secrets, &rows, ExitCode::SUCCESS);
    }

    let mut first = adopt_first_runs(repo, &joined, &rows, &ledger, newer.is_some(), &mut say)?;
    first.extend(stale_claims(&mut rows, &ledger, wall, &mut say)?);
    ledger.record(first).map_err(ledger_error)?;

    let skipped = send_planned(
        repo,
        &templates,
        &mut rows,
        &mut ledger,
        args,
        secrets,
        &mut say,
    )?;
    let code = tally(&rows, skipped, &ledger, &where_, &mut say)?;
    json_out(args, secrets, &rows, code)
}

/// The targets whose first run is done: their deliveries are sent, not
/// adopted.
fn joined_targets<'a>(repo: &'a Repository, ledger: &Ledger, wall: Timestamp) -> BTreeSet<&'a str> {
    repo.config
        .notify
        .iter()
        .filter(|t| ledger.standing(&t.name, wall) == Standing::Done)
        .map(|t| t.name.as_str())
        .collect()
}

/// Where the ledger is kept, for the run's messages.
fn ledger_place(ledger: &Ledger) -> String {
    match ledger.remote() {
        Some(r) => format!("branch {} of remote `{r}`", ledger::BRANCH),
        None => format!("branch {} of this clone (no remote)", ledger::BRANCH),
    }
}

/// Says what the run did; its exit code is 1 when a delivery failed or may
/// have, in this run or in an earlier one nobody has settled yet (a red run
/// followed by a green one would hide it).
fn tally(
    rows: &[(Row, &Delivery<'_>)],
    skipped: usize,
    ledger: &Ledger,
    where_: &str,
    say: &mut dyn FnMut(String) -> std::io::Result<()>,
) -> std::io::Result<ExitCode> {
    let count = |p: Plan| rows.iter().filter(|(r, _)| r.plan == p).count();
    let ended = |o: &str| rows.iter().filter(|(r, _)| r.outcome == Some(o)).count();
    let (failed, uncertain) = (ended("failed"), ended("uncertain"));
    let earlier: Vec<&Row> = rows
        .iter()
        .map(|(r, _)| r)
        .filter(|r| r.plan == Plan::Uncertain && r.outcome.is_none())
        .collect();
    for r in &earlier {
        say(format!(
            "still uncertain {}: an earlier run had no answer; not sent again",
            r.key
        ))?;
    }
    let settle = if earlier.is_empty() {
        String::new()
    } else {
        " (check those targets, then `incident notify --retry-uncertain KEY` for each that did not arrive)".to_string()
    };
    say(format!(
        "notify: {} sent, {failed} failed, {uncertain} uncertain, {} still uncertain from earlier runs{settle}, {} being sent by another run, {skipped} left to another run, {} already delivered, {} recorded without sending; ledger: {}, {where_}",
        ended("delivered"),
        earlier.len(),
        count(Plan::InFlight),
        count(Plan::Delivered),
        count(Plan::Adopt),
        ledger.file,
    ))?;
    Ok(if failed + uncertain + earlier.len() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What this run does with one delivery, from the ledger's standing; a
/// target's first run adopts what is in history (sends what is `--since`).
fn plan_for(
    d: &Delivery<'_>,
    joined: &BTreeSet<&str>,
    newer: Option<&Newer>,
    ledger: &Ledger,
    wall: Timestamp,
) -> Plan {
    if !joined.contains(d.target.name.as_str()) {
        return match newer {
            Some(n) if n.holds(d) => Plan::Send,
            _ => Plan::Adopt,
        };
    }
    match ledger.standing(&d.key, wall) {
        Standing::New | Standing::Retry => Plan::Send,
        Standing::Done => Plan::Delivered,
        Standing::InFlight => Plan::InFlight,
        Standing::Stale => Plan::Uncertain,
        Standing::Uncertain if ledger.retry.allows(&d.key) => Plan::Send,
        Standing::Uncertain => Plan::Uncertain,
    }
}

/// `--dry-run`: each row with the subject it would be sent with, and a count.
fn dry_run(
    repo: &Repository,
    templates: &Templates,
    rows: &mut [(Row, &Delivery<'_>)],
    say: &mut dyn FnMut(String) -> std::io::Result<()>,
) -> std::io::Result<()> {
    for (row, d) in rows.iter_mut() {
        if row.plan == Plan::Send {
            row.subject = notify::message(repo, templates, d.target, &d.notice)
                .ok()
                .map(|m| m.subject);
        }
    }
    for (row, _) in rows.iter() {
        say(human(row))?;
    }
    let count = |p: Plan| rows.iter().filter(|(r, _)| r.plan == p).count();
    say(format!(
        "notify (dry run): {} to send, {} to record as delivered without sending (first run of a target), {} already delivered, {} uncertain, {} target(s)",
        count(Plan::Send),
        count(Plan::Adopt),
        count(Plan::Delivered),
        count(Plan::Uncertain),
        repo.config.notify.len()
    ))
}

/// A target's first run: what is already in history is recorded, not sent.
/// Returns the ledger entries that say so.
fn adopt_first_runs(
    repo: &Repository,
    joined: &BTreeSet<&str>,
    rows: &[(Row, &Delivery<'_>)],
    ledger: &Ledger,
    since: bool,
    say: &mut dyn FnMut(String) -> std::io::Result<()>,
) -> std::io::Result<Vec<ledger::Entry>> {
    let mut first = Vec::new();
    for t in &repo.config.notify {
        if joined.contains(t.name.as_str()) {
            continue;
        }
        let adopted: Vec<&Row> = rows
            .iter()
            .filter(|(r, _)| r.target == t.name && r.plan == Plan::Adopt)
            .map(|(r, _)| r)
            .collect();
        say(format!(
            "first run for target `{}`: recorded {} notification(s) already in history as delivered without sending them{}",
            t.name,
            adopted.len(),
            if since {
                "; sending what is newer than --since"
            } else {
                " (pass --since REV to send what is newer than REV)"
            }
        ))?;
        first.push(ledger.entry(&t.name, State::Joined, None));
        first.extend(
            adopted
                .into_iter()
                .map(|r| ledger.entry(&r.key, State::Adopted, None)),
        );
    }
    Ok(first)
}

/// Claims left by runs that stopped while sending: marked uncertain, not
/// sent again. Returns the ledger entries that say so.
fn stale_claims(
    rows: &mut [(Row, &Delivery<'_>)],
    ledger: &Ledger,
    wall: Timestamp,
    say: &mut dyn FnMut(String) -> std::io::Result<()>,
) -> std::io::Result<Vec<ledger::Entry>> {
    let mut entries = Vec::new();
    for (row, _) in rows.iter_mut() {
        if row.plan == Plan::Uncertain && ledger.standing(&row.key, wall) == Standing::Stale {
            row.outcome = Some("uncertain");
            row.error = Some("a run stopped after claiming it: it may or may not have arrived; it is not sent again (check the target, then `incident notify --retry-uncertain KEY` to send it)".into());
            entries.push(ledger.entry(&row.key, State::Uncertain, row.error.clone()));
            say(format!(
                "uncertain {}: {}",
                row.key,
                row.error.as_deref().unwrap_or("")
            ))?;
        }
    }
    Ok(entries)
}

/// Sends each row planned to send, claiming it in the ledger first and
/// recording how it went; returns how many another run claimed first.
fn send_planned(
    repo: &Repository,
    templates: &Templates,
    rows: &mut [(Row, &Delivery<'_>)],
    ledger: &mut Ledger,
    args: &Args,
    secrets: &Secrets,
    say: &mut dyn FnMut(String) -> std::io::Result<()>,
) -> Result<usize, CliError> {
    let lease = SignedDuration::try_from(
        args.timeout
            .saturating_mul(args.max_wait.as_secs() as u32 + 2)
            .saturating_add(args.max_wait),
    )
    .unwrap_or(SignedDuration::MAX);
    let mut http = Http::new(args.timeout, args.max_wait).map_err(CliError::Usage)?;
    let mut outcomes = Vec::new();
    let mut skipped = 0;
    for (row, d) in rows.iter_mut() {
        if row.plan != Plan::Send {
            continue;
        }
        let prepared = match prepare(repo, templates, d) {
            Ok(p) => p,
            Err(why) => {
                row.outcome = Some("failed");
                row.error = Some(secrets.redact(&why));
                say(format!("failed  {}: {why}", row.key))?;
                continue;
            }
        };
        let mut claim = ledger.entry(&row.key, State::Claimed, None);
        claim.until = Timestamp::now().checked_add(lease).ok();
        let mut batch = std::mem::take(&mut outcomes);
        batch.push(claim);
        let lost = ledger.record(batch).map_err(ledger_error)?;
        if lost.contains(&row.key) {
            skipped += 1;
            row.plan = Plan::InFlight;
            say(format!("skipped {}: another run claimed it first", row.key))?;
            continue;
        }
        let outcome = prepared.send(&mut http, args.timeout);
        let state = settle(row, &outcome, secrets, say)?;
        outcomes.push(ledger.entry(&row.key, state, row.error.clone()));
    }
    ledger.record(outcomes).map_err(ledger_error)?;
    Ok(skipped)
}

/// Marks `row` with what sending it did; returns the ledger state to record
/// (its note, secrets redacted, is `row.error`).
fn settle(
    row: &mut Row,
    outcome: &Outcome,
    secrets: &Secrets,
    say: &mut dyn FnMut(String) -> std::io::Result<()>,
) -> std::io::Result<State> {
    let (outcome, state, note) = match outcome {
        Outcome::Delivered => {
            say(format!("sent    {} ({})", row.key, row.what))?;
            ("delivered", State::Delivered, None)
        }
        Outcome::Failed(why) => {
            say(format!("failed  {}: {why}", row.key))?;
            ("failed", State::Failed, Some(secrets.redact(why)))
        }
        Outcome::Uncertain(why) => {
            say(format!("uncertain {}: {why}; not sent again", row.key))?;
            ("uncertain", State::Uncertain, Some(secrets.redact(why)))
        }
    };
    row.outcome = Some(outcome);
    row.error = note;
    Ok(state)
}

fn json_out(
    args: &Args,
    secrets: &Secrets,
    rows: &[(Row, &Delivery<'_>)],
    code: ExitCode,
) -> Result<ExitCode, CliError> {
    if args.format == OutFormat::Json {
        let rows: Vec<&Row> = rows.iter().map(|(r, _)| r).collect();
        let text = serde_json::to_string_pretty(&rows).map_err(std::io::Error::from)?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", secrets.redact(&text))?;
    }
    Ok(code)
}

fn row(d: &Delivery<'_>, plan: Plan) -> Row {
    Row {
        target: d.target.name.clone(),
        kind: d.target.kind.as_str(),
        audience: match d.target.audience {
            TargetAudience::Internal => "internal",
            TargetAudience::External => "external",
        },
        incident: d.notice.incident.id.clone(),
        entry: d.notice.entry.clone(),
        what: d.notice.what.as_str(),
        at: d.notice.at,
        key: d.key.clone(),
        plan,
        subject: None,
        outcome: None,
        error: None,
    }
}

fn human(r: &Row) -> String {
    let plan = match r.plan {
        Plan::Send => "would send",
        Plan::Adopt => "would record (first run, not sent)",
        Plan::Delivered => "delivered",
        Plan::InFlight => "in flight (another run)",
        Plan::Uncertain => "uncertain",
    };
    format!(
        "{plan:<10}  {:<16} {:<8} {:<9} {}/{}  [{}]{}",
        r.target,
        r.kind,
        r.audience,
        r.incident,
        r.entry,
        r.what,
        r.subject
            .as_deref()
            .map(|s| format!("  {}", crate::text::one_line(s)))
            .unwrap_or_default()
    )
}

/// Which notices are newer than `--since REV`: their file was added (or the
/// post-mortem changed) since REV, or the clock made them news after it.
struct Newer {
    files: BTreeSet<String>,
    committed: Timestamp,
}

impl Newer {
    fn since(root: &Path, rev: &str) -> Result<Self, CliError> {
        let files = crate::git::changes_since(root, rev)?
            .into_iter()
            .filter(|c| c.change != crate::git::Change::Deleted)
            .map(|c| c.path)
            .collect();
        let repo = git2::Repository::discover(root)
            .map_err(|e| CliError::Usage(format!("git: {}", e.message())))?;
        let commit = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| {
                crate::git::GitError::UnknownRevision(rev.to_string(), e.message().to_string())
            })?;
        let committed = Timestamp::from_second(commit.time().seconds())
            .map_err(|e| CliError::Usage(format!("`{rev}`: {e}")))?;
        Ok(Self { files, committed })
    }

    fn holds(&self, d: &Delivery<'_>) -> bool {
        match &d.notice.source {
            Some(file) => self.files.contains(file),
            None => d.notice.at > self.committed,
        }
    }
}

/// A delivery ready to go: the secret read, the payload rendered.
enum Prepared {
    Http {
        url: String,
        what: String,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    Email {
        url: String,
        what: String,
        email: Box<lettre::Message>,
    },
}

impl Prepared {
    fn send(&self, http: &mut Http, timeout: Duration) -> Outcome {
        match self {
            Self::Http {
                url,
                what,
                headers,
                body,
            } => http.post(url, what, "application/json", headers, body),
            Self::Email { url, what, email } => email::send(url, what, timeout, email),
        }
    }
}

fn secret(target: &NotifyTarget, field: &str, name: Option<&String>) -> Result<String, String> {
    let name = name.ok_or_else(|| format!("target `{}` needs `{field}`", target.name))?;
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "the environment variable {name} ({field} of target `{}`) is not set: set it from a secret in the job's env:",
                target.name
            )
        })
}

fn prepare(repo: &Repository, templates: &Templates, d: &Delivery<'_>) -> Result<Prepared, String> {
    let t = d.target;
    let audience = match t.audience {
        TargetAudience::Internal => Audience::Internal,
        TargetAudience::External => Audience::External,
    };
    let message = notify::message(repo, templates, t, &d.notice).map_err(|e| e.to_string())?;
    if t.kind == TargetKind::Email {
        let url = secret(t, "smtp_url_env", t.smtp_url_env.as_ref())?;
        let what = format!("${}", t.smtp_url_env.as_deref().unwrap_or_default());
        let email = email::build(t, &message, &d.key)?;
        return Ok(Prepared::Email {
            url,
            what,
            email: Box::new(email),
        });
    }
    let url = secret(t, "url_env", t.url_env.as_ref())?;
    let what = format!("the URL in ${}", t.url_env.as_deref().unwrap_or_default());
    let rendered = |r: Result<Vec<u8>, crate::render::RenderError>| r.map_err(|e| e.to_string());
    let mut headers = vec![(webhook::DELIVERY_HEADER, d.key.clone())];
    let chat = match t.kind {
        TargetKind::Slack => Some(Chat::Slack),
        TargetKind::Teams => Some(Chat::Teams),
        TargetKind::Discord => Some(Chat::Discord),
        TargetKind::Webhook | TargetKind::Email => None,
    };
    let body = match chat {
        Some(chat) => rendered(chat::payload(
            chat, repo, templates, audience, &d.notice, &message,
        ))?,
        None => {
            let body = webhook::payload(repo, t, &d.notice).ok_or_else(|| {
                format!(
                    "{} is not on the public page at {}",
                    d.notice.incident.id, d.notice.at
                )
            })?;
            if t.secret_env.is_some() {
                let key = secret(t, "secret_env", t.secret_env.as_ref())?;
                headers.push((
                    webhook::SIGNATURE_HEADER,
                    webhook::signature(key.as_bytes(), &body),
                ));
            }
            body
        }
    };
    Ok(Prepared::Http {
        url,
        what,
        headers,
        body,
    })
}
