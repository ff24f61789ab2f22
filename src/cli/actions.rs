//! `incident actions plan|apply|status`: post-mortem action items as GitHub
//! issues, one per item, kept in sync with the files.

use super::CliError;
use crate::check;
use crate::diagnostics::{self, Counts};
use crate::github::issues::{self as items, DEFAULT_LABEL, Item, Target};
use crate::github::plan::{self, Existing, Step, Summary};
use crate::github::{Client, Pacing, Repo, apply};
use crate::model::Repository;
use crate::repo::Files;
use crate::templates::Templates;
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  incident actions plan\n  incident actions apply")]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Print what `apply` would do: + create, ~ update, = unchanged, ! orphan.
    Plan {
        #[command(flatten)]
        source: Source,
        /// Exit 2 when the plan has changes (0 when there are none).
        #[arg(long)]
        detailed_exitcode: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        #[command(flatten)]
        connection: Connection,
    },
    /// Create and update the issues as planned; exit 1 if anything failed.
    Apply {
        #[command(flatten)]
        source: Source,
        #[command(flatten)]
        connection: Connection,
    },
    /// The action items with their issue's state, owner and due date.
    /// Without a token: the items as the files have them.
    Status {
        /// Include the action items of draft post-mortems.
        #[arg(long)]
        include_drafts: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        #[command(flatten)]
        connection: Reading,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
struct Source {
    /// Include the action items of draft post-mortems.
    #[arg(long)]
    include_drafts: bool,
    /// Close open issues whose action item no longer exists (as not planned).
    #[arg(long)]
    prune: bool,
}

/// How to reach GitHub to read: the repository, the token, the waits.
#[derive(Debug, clap::Args)]
pub struct Reading {
    /// The repository, owner/name. Default: github.repo in incidentkit.yaml.
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// The environment variable that holds the token.
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    token_env: String,
    /// At most this long waiting on rate limits and retries, over the whole run.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = duration)]
    max_wait: Duration,
    /// At most this long for one request.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    timeout: Duration,
}

/// How to reach GitHub to read and write (shared with `incident pr`).
#[derive(Debug, clap::Args)]
pub struct Connection {
    #[command(flatten)]
    reading: Reading,
    /// At least this long between two writes (GitHub allows 80 a minute).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = duration)]
    write_interval: Duration,
}

/// The token in `$token_env`, if it holds one.
fn token(token_env: &str) -> Option<String> {
    std::env::var(token_env)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A client for GITHUB_API_URL (GitHub's by default) with the token in
/// `$token_env`; `missing` says what to do when there is none.
pub fn github_client(token_env: &str, pacing: Pacing, missing: String) -> Result<Client, CliError> {
    let token = token(token_env).ok_or(CliError::Usage(missing))?;
    let api = std::env::var("GITHUB_API_URL")
        .ok()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| crate::github::DEFAULT_API.to_string());
    Ok(Client::new(&api, token, pacing)?)
}

impl Reading {
    fn has_token(&self) -> bool {
        token(&self.token_env).is_some()
    }

    /// How to set the token, for a message.
    fn how_to_set_token(&self) -> String {
        format!(
            "set ${} (in GitHub Actions: `GITHUB_TOKEN: ${{{{ github.token }}}}`) or name another variable with --token-env",
            self.token_env
        )
    }

    /// A client for GITHUB_API_URL with the token from the environment.
    fn client(&self, write_interval: Duration) -> Result<Client, CliError> {
        let pacing = Pacing {
            write_interval,
            max_wait: self.max_wait,
            timeout: self.timeout,
        };
        let missing = format!(
            "no GitHub token in ${}: {}",
            self.token_env,
            self.how_to_set_token()
        );
        github_client(&self.token_env, pacing, missing)
    }

    /// `--repo`, else `fallbacks` in order, as an `owner/name`.
    fn target_repo(&self, fallbacks: &[Option<String>]) -> Result<Repo, CliError> {
        let text = self
            .repo
            .clone()
            .or_else(|| fallbacks.iter().flatten().next().cloned())
            .ok_or_else(|| {
                CliError::Usage(
                    "no GitHub repository: set `github: {repo: owner/name}` in incidentkit.yaml or pass --repo owner/name".to_string(),
                )
            })?;
        Repo::parse(&text).ok_or_else(|| {
            CliError::Usage(format!(
                "`{text}` is not a GitHub repository: write it as owner/name"
            ))
        })
    }

    /// The repository (`--repo`, else `fallbacks` in order) and a client
    /// for it; a missing repository and a missing token are named together,
    /// so one run says all there is to set.
    fn open(
        &self,
        fallbacks: &[Option<String>],
        write_interval: Duration,
    ) -> Result<(Repo, Client), CliError> {
        match (self.target_repo(fallbacks), self.client(write_interval)) {
            (Ok(repo), Ok(client)) => Ok((repo, client)),
            (Err(CliError::Usage(repo)), Err(CliError::Usage(token))) => {
                Err(CliError::Usage(format!("{repo}\nerror: {token}")))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }
}

impl Connection {
    /// The repository and a client paced by --write-interval (see
    /// `Reading::open`).
    pub fn open(&self, fallbacks: &[Option<String>]) -> Result<(Repo, Client), CliError> {
        self.reading.open(fallbacks, self.write_interval)
    }
}

/// "1s", "500ms", "5m" (jiff's friendly format).
#[derive(Debug, thiserror::Error)]
enum DurationArgError {
    #[error("`{0}` is not a duration such as 0s, 500ms, 1s or 5m")]
    NotADuration(String),
    #[error("`{0}` is negative")]
    Negative(String),
}

fn duration(text: &str) -> Result<Duration, DurationArgError> {
    let parsed: jiff::SignedDuration = text
        .parse()
        .map_err(|_| DurationArgError::NotADuration(text.to_string()))?;
    Duration::try_from(parsed).map_err(|_| DurationArgError::Negative(text.to_string()))
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    let Some(repository) = checked(&root)? else {
        return Ok(ExitCode::from(1));
    };
    // Plan and apply read the same issues the same way.
    let open = |source: &Source, connection: &Connection| {
        IssueTracker::open(
            &root,
            &repository,
            source.include_drafts,
            &connection.reading,
            connection.write_interval,
        )
    };
    match &args.what {
        What::Plan {
            source,
            detailed_exitcode,
            format,
            connection,
        } => {
            let mut tracker = open(source, connection)?;
            let steps = tracker.plan(&repository, source.prune)?;
            print_plan(&tracker, &steps, *format)?;
            let changes = Summary::of(&steps).has_changes();
            Ok(ExitCode::from(if *detailed_exitcode && changes {
                2
            } else {
                0
            }))
        }
        What::Apply { source, connection } => {
            let mut tracker = open(source, connection)?;
            let since = recheck_since();
            let steps = tracker.plan(&repository, source.prune)?;
            let report = apply::apply(&mut tracker.client, &tracker.target, &steps, &since);
            let mut out = std::io::stdout().lock();
            for line in &report.lines {
                writeln!(out, "{line}")?;
            }
            let summary = Summary::of(&steps);
            writeln!(
                out,
                "Apply: {} created, {} updated, {} closed, {} unchanged, {} orphaned, {} failed ({}).",
                report.created,
                report.updated,
                report.closed,
                summary.unchanged,
                summary.orphaned - summary.close,
                report.failed,
                tracker.client.request_counts()
            )?;
            if report.failed > 0 {
                eprintln!(
                    "error: {} action items could not be synced; the next `incident actions apply` retries them",
                    report.failed
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
        What::Status {
            include_drafts,
            format,
            connection,
        } => status(&root, &repository, *include_drafts, *format, connection),
    }
}

/// `actions status`: the items with their issues' state, or without a
/// token, the items as the files have them (owner, due date, overdue).
fn status(
    root: &Path,
    repository: &Repository,
    include_drafts: bool,
    format: OutputFormat,
    connection: &Reading,
) -> Result<ExitCode, CliError> {
    if !connection.has_token() {
        let list = items::items(repository, include_drafts);
        let code = print_status(repository, &list, None, format)?;
        eprintln!(
            "note: the issues' state is not known without a GitHub token: {}",
            connection.how_to_set_token()
        );
        return Ok(code);
    }
    // It only reads: no write to pace.
    let mut tracker =
        IssueTracker::open(root, repository, include_drafts, connection, Duration::ZERO)?;
    let existing = tracker.existing()?;
    print_status(repository, &tracker.items, Some(&existing), format)
}

/// The repository, validated; `None` (findings printed) when it has errors:
/// issues are not made from files that do not validate.
fn checked(root: &Path) -> Result<Option<Repository>, CliError> {
    let outcome = check::check(&Files::on_disk(root))?;
    let counts = Counts::of(&outcome.diagnostics);
    if counts.errors == 0
        && let Some(repository) = outcome.repository
    {
        return Ok(Some(repository));
    }
    let mut err = anstream::stderr().lock();
    diagnostics::print_human(&mut err, &outcome.diagnostics)?;
    writeln!(
        err,
        "{}\nerror: the repository has errors; fix them (`incident validate`) before syncing issues",
        diagnostics::summary_line(counts, &format!("{} files", outcome.files))
    )?;
    Ok(None)
}

/// A moment safely before the plan's list is read: a create first looks
/// for issues updated since then (the list's `since`), a cheap re-check.
fn recheck_since() -> String {
    let earlier = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(5);
    earlier.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The action items of the repository and the GitHub issues tracking them.
struct IssueTracker<'a> {
    client: Client,
    target: Target,
    items: Vec<Item<'a>>,
    /// The keys of the items of draft post-mortems, when drafts are left out.
    held: BTreeSet<String>,
    root: PathBuf,
}

impl<'a> IssueTracker<'a> {
    fn open(
        root: &Path,
        repository: &'a Repository,
        include_drafts: bool,
        connection: &Reading,
        write_interval: Duration,
    ) -> Result<Self, CliError> {
        let github = repository.config.github.as_ref();
        // In GitHub Actions without github.repo: the repository running it.
        let (repo, client) = connection.open(
            &[
                github.and_then(|g| g.repo.clone()),
                std::env::var("GITHUB_REPOSITORY").ok(),
            ],
            write_interval,
        )?;
        let target = Target {
            repo,
            label: github
                .and_then(|g| g.label.clone())
                .unwrap_or_else(|| DEFAULT_LABEL.to_string()),
            server: std::env::var("GITHUB_SERVER_URL")
                .ok()
                .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
                .unwrap_or_else(|| "https://github.com".to_string()),
            prefix: crate::git::prefix(root),
        };
        Ok(Self {
            client,
            target,
            items: items::items(repository, include_drafts),
            held: items::held(repository, include_drafts),
            root: root.to_path_buf(),
        })
    }

    fn existing(&mut self) -> Result<Vec<Existing>, CliError> {
        items::list(&mut self.client, &self.target, None).map_err(CliError::from)
    }

    fn plan(&mut self, repository: &Repository, prune: bool) -> Result<Vec<Step>, CliError> {
        let templates = Templates::load(Some(&self.root))?;
        let desired = items::desired(repository, &self.items, &self.target, &templates)?;
        let existing = self.existing()?;
        let base = self.target.label.clone();
        let managed = move |label: &str| items::is_managed_label(&base, label);
        Ok(plan::plan(&desired, &self.held, &existing, &managed, prune))
    }
}

fn print_plan(
    tracker: &IssueTracker,
    steps: &[Step],
    format: OutputFormat,
) -> Result<(), CliError> {
    let summary = Summary::of(steps);
    let mut out = std::io::stdout().lock();
    if format == OutputFormat::Json {
        let report = serde_json::json!({
            "version": 1,
            "repo": tracker.target.repo.to_string(),
            "label": tracker.target.label,
            "steps": steps,
            "summary": summary,
        });
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} action items → {} (label {})\n",
        tracker.items.len(),
        tracker.target.repo,
        crate::text::one_line(&tracker.target.label)
    )?;
    for step in steps {
        writeln!(out, "{}", step_line(step))?;
    }
    if !steps.is_empty() {
        writeln!(out)?;
    }
    writeln!(out, "{}", summary.line())?;
    Ok(())
}

/// A step as the human plan shows it: `+ create`, `~ update`, ….
fn step_line(step: &Step) -> String {
    match step {
        Step::Create { issue } => {
            let assignee = issue
                .assignee
                .as_ref()
                .map(|a| format!("; assignee @{a}"))
                .unwrap_or_default();
            format!(
                "+ create          {}\n      title: {}\n      labels: {}{assignee}",
                issue.key,
                crate::text::one_line(&issue.title),
                crate::text::one_line(&issue.labels.join(", "))
            )
        }
        Step::Update {
            number,
            changes,
            reopen,
            issue,
            ..
        } => {
            let mut why = Vec::new();
            if *reopen {
                why.push("closed as not planned; its action item is back".to_string());
            }
            if !changes.is_empty() {
                why.push(format!("{} drifted from the files", changes.join(", ")));
            }
            let what = if *reopen { "reopen" } else { "update" };
            format!(
                "~ {what}    #{number:<4} {} ({})",
                issue.key,
                why.join("; ")
            )
        }
        Step::Unchanged { number, key } => format!("= unchanged #{number:<4} {key}"),
        Step::Skipped { number, key } => format!(
            "- skipped   #{number:<4} {key} (its post-mortem is a draft; --include-drafts syncs it)"
        ),
        Step::Orphan {
            number,
            key,
            title,
            close,
        } => format!(
            "! orphan    #{number:<4} {key} \"{}\" ({})",
            crate::text::one_line(title),
            if *close {
                "its action item is gone: will be closed"
            } else {
                "its action item is gone; --prune closes it"
            }
        ),
    }
}

#[derive(Serialize)]
struct StatusRow {
    key: String,
    title: String,
    issue: Option<u64>,
    /// open, closed, none (no issue yet), or unknown (no token).
    state: String,
    state_reason: Option<String>,
    owner: Option<String>,
    due: Option<jiff::civil::Date>,
    done: bool,
    /// Days past due, for items not done.
    overdue_days: Option<i32>,
}

/// `existing`: the issues, `None` when they could not be read (no token).
fn print_status(
    repository: &Repository,
    list: &[Item<'_>],
    existing: Option<&[Existing]>,
    format: OutputFormat,
) -> Result<ExitCode, CliError> {
    let today = crate::clock::now()
        .to_zoned_datetime(repository.config.timezone())
        .date();
    let rows: Vec<StatusRow> = list
        .iter()
        .map(|it| {
            let key = it.key();
            let issue = existing
                .unwrap_or_default()
                .iter()
                .filter(|e| e.key.as_deref() == Some(key.as_str()))
                .min_by_key(|e| e.number);
            let finished = it.item.done || issue.is_some_and(|i| !i.open);
            let overdue_days = it
                .item
                .due
                .filter(|_| it.item.overdue_on(today) && !finished)
                .and_then(|due| due.until(today).ok())
                .map(|span| span.get_days());
            StatusRow {
                title: crate::text::one_line(&it.item.title),
                issue: issue.map(|i| i.number),
                state: match (existing, issue) {
                    (None, _) => "unknown",
                    (_, None) => "none",
                    (_, Some(i)) if i.open => "open",
                    (_, Some(_)) => "closed",
                }
                .to_string(),
                state_reason: issue.and_then(|i| i.state_reason.clone()),
                owner: it.item.owner.as_deref().map(crate::text::one_line),
                due: it.item.due,
                done: it.item.done,
                overdue_days,
                key,
            }
        })
        .collect();
    let mut out = anstream::stdout().lock();
    if format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut out, &rows).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = rows.iter().map(|r| r.key.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "{:width$}  ISSUE  STATE                  OWNER                DUE",
        "ITEM"
    )?;
    let loud = anstyle::Style::new()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
        .bold();
    for r in &rows {
        let state = match (&r.state_reason, r.state.as_str()) {
            (Some(reason), "closed") => format!("closed ({reason})"),
            (_, state) if r.done => format!("{state} (marked done)"),
            (_, state) => state.to_string(),
        };
        let overdue = r
            .overdue_days
            .map(|d| format!("  {loud}OVERDUE by {d}d{loud:#}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{:width$}  {:5}  {:21}  {:19}  {}{overdue}",
            r.key,
            r.issue.map_or("-".to_string(), |n| format!("#{n}")),
            state,
            r.owner.as_deref().unwrap_or("-"),
            r.due.map_or("-".to_string(), |d| d.to_string()),
        )?;
    }
    if rows.is_empty() {
        writeln!(out, "no action items")?;
    }
    Ok(ExitCode::SUCCESS)
}
