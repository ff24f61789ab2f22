//! The command line: one file per command, and `run`, the binary's entry
//! point. Exit codes: 0 ok, then one per kind of outcome (`exit`).

mod actions;
mod authoring;
mod build;
mod completions;
mod correct;
mod decide;
mod declare;
mod diff;
mod import;
mod init;
mod list;
mod man;
mod notify;
mod postmortem;
mod pr;
mod pull_request;
mod redact;
mod render;
mod resolve;
mod schema;
mod scratch;
mod show;
mod stats;
mod update;
mod validate;
mod values;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "incident",
    version,
    about = "Incidents as code: validate, author and publish incidents kept as YAML in git"
)]
struct Cli {
    /// Run as if started in DIR (like git -C).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every file against its schema and the rules of the practice.
    Validate(validate::Args),
    /// Print the JSON Schema of a file kind (for editors and other validators).
    Schema(schema::Args),
    /// Create a new incident repository.
    Init(init::Args),
    /// Declare an incident: its folder, declaration and first update.
    Declare(declare::Args),
    /// Post an update to an incident.
    Update(update::Args),
    /// Record a decision: the options, their trade-offs, the choice and why.
    Decide(decide::Args),
    /// Resolve an incident (and start its post-mortem when the policy asks for one).
    Resolve(resolve::Args),
    /// Start the post-mortem of a resolved incident that has none (its skeleton, due as the policy says).
    Postmortem(postmortem::Args),
    /// Correct the public message of a published update (shown openly: "Corrected at …").
    Correct(correct::Args),
    /// Remove text that must not stay published (a secret, a name) from an update, with a record.
    Redact(redact::Args),
    /// One line per incident, with overdue updates flagged.
    List(list::Args),
    /// One incident at a glance.
    Show(show::Args),
    /// What the change since a git revision does, in words (for pull requests).
    Diff(diff::Args),
    /// Validate, then build the public status page, its JSON API and feeds.
    Build(build::Args),
    /// Render a stakeholder update, a post-mortem or a customer report.
    Render(render::Args),
    /// Post-mortem action items as GitHub issues: plan, apply, status.
    Actions(actions::Args),
    /// The pull request's comment: what it publishes and its validation.
    Pr(pr::Args),
    /// Metrics of the practice per severity and month (internal, never published).
    Stats(stats::Args),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Write a manual page per command into a folder.
    Man(man::Args),
    /// Deliver every stakeholder update to the configured targets, exactly once.
    Notify(notify::Args),
    /// Bring an existing status page's history in (Statuspage, cState).
    Import(import::Args),
}

/// An error that stops a command before it could do its job. Each kind
/// has its exit code (`exit_code`); README.md, "Exit codes", lists them.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error(transparent)]
    Discover(#[from] crate::repo::DiscoverError),
    /// Reading or writing failed (a disk, a pipe): exit 4.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The command line asks for something that cannot be (exit 2).
    #[error("{0}")]
    Usage(String),
    /// What was asked would break the incident's record (exit 1).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    #[error(transparent)]
    Template(#[from] crate::templates::TemplateError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Write(#[from] crate::compose::write::WriteError),
    #[error(transparent)]
    Github(#[from] crate::github::GithubError),
    #[error(transparent)]
    GithubClient(#[from] crate::github::ClientError),
}

/// Exit codes, one per kind of outcome.
pub(crate) mod exit {
    /// Findings at error level, or a refusal that keeps the record whole,
    /// or a delivery or apply that failed after doing all it could.
    pub const FINDINGS: u8 = 1;
    /// The command line, the configuration or a template needs fixing.
    pub const USAGE: u8 = 2;
    /// `pr fast-lane`: the pull request is left for review.
    pub const NOT_ELIGIBLE: u8 = 3;
    /// The disk, the network or GitHub failed: try again.
    pub const UNAVAILABLE: u8 = 4;
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        use crate::compose::write::WriteError;
        match self {
            Self::Refused(_) | Self::Write(WriteError::Exists(_)) => exit::FINDINGS,
            // A repository past its size limit, git's index in a form that
            // cannot be read: to act on, not retry.
            Self::Io(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::FileTooLarge | std::io::ErrorKind::Unsupported
                ) =>
            {
                exit::USAGE
            }
            Self::Io(_) | Self::Write(WriteError::Io(..)) => exit::UNAVAILABLE,
            // GitHub refused the request (the token, a permission, the
            // repository): the setup needs fixing. A 409 is a state that
            // moved (a branch): trying again may do.
            Self::Github(e)
                if e.status
                    .is_some_and(|s| (400..500).contains(&s) && s != 409) =>
            {
                exit::USAGE
            }
            Self::Github(_) => exit::UNAVAILABLE,
            Self::GithubClient(crate::github::ClientError::BadUrl(_)) => exit::USAGE,
            Self::GithubClient(crate::github::ClientError::Setup(_)) => exit::UNAVAILABLE,
            Self::Discover(_)
            | Self::Usage(_)
            | Self::Git(_)
            | Self::Template(_)
            | Self::Render(_) => exit::USAGE,
        }
    }
}

impl From<crate::compose::AuthorError> for CliError {
    fn from(e: crate::compose::AuthorError) -> Self {
        match e {
            crate::compose::AuthorError::Refused(why) => Self::Refused(why),
            other => Self::Usage(other.to_string()),
        }
    }
}

/// The `incident` binary: parses the command line, runs the command and
/// returns its exit code (`exit`); errors are printed to standard error.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // As git -C: every relative path (`--out site`, a file to import) is
    // taken from DIR, not only the repository's.
    if let Some(dir) = &cli.dir
        && let Err(e) = std::env::set_current_dir(dir)
    {
        eprintln!("error: cannot run in {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    crate::git::read_as_git_does();
    let start = PathBuf::from(".");
    let result = match cli.command {
        Command::Validate(args) => validate::run(&start, &args),
        Command::Schema(args) => schema::run(&args),
        Command::Init(args) => init::run(&start, &args),
        Command::Declare(args) => declare::run(&start, args),
        Command::Update(args) => update::run(&start, args),
        Command::Decide(args) => decide::run(&start, args),
        Command::Resolve(args) => resolve::run(&start, args),
        Command::Postmortem(args) => postmortem::run(&start, args),
        Command::Correct(args) => correct::run(&start, args),
        Command::Redact(args) => redact::run(&start, args),
        Command::List(args) => list::run(&start, &args),
        Command::Show(args) => show::run(&start, &args),
        Command::Diff(args) => diff::run(&start, &args),
        Command::Build(args) => build::run(&start, &args),
        Command::Render(args) => render::run(&start, &args),
        Command::Actions(args) => actions::run(&start, &args),
        Command::Pr(args) => pr::run(&start, &args),
        Command::Stats(args) => stats::run(&start, &args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&start, &args),
        Command::Notify(args) => notify::run(&start, &args),
        Command::Import(args) => import::run(&start, &args),
    };
    match result {
        Ok(code) => code,
        // `incident show ID | head -1`: the reader has what it wanted.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Leaves `data` unfreed for the exit that follows: the kernel takes a
/// process's memory back at once, where freeing a model of 10,000
/// incidents one allocation at a time took a list a tenth of its time.
/// Its destructor never runs: only for plain data (a model, rows of text)
/// at the end of a command, never for anything that holds a file, a lock,
/// a temporary folder or a buffer to flush.
fn left_for_exit<T>(data: T) {
    std::mem::forget(data);
}

fn repository_root(start: &Path) -> Result<PathBuf, CliError> {
    Ok(crate::repo::discover(start)?)
}

/// The links (and special files) the check found, by path.
fn links(outcome: &crate::check::Outcome) -> Vec<&str> {
    let mut links: Vec<&str> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == crate::check::rules::LAYOUT_SYMLINK.id)
        .map(|d| d.file.as_str())
        .collect();
    links.sort_unstable();
    links.dedup();
    links
}

/// A command that writes or publishes does nothing while the repository
/// holds a link (or a special file) where incidentkit reads files, whatever
/// else it would skip: the pull request that added it must be fixed first.
fn refuse_links(outcome: &crate::check::Outcome) -> Result<(), CliError> {
    let links = links(outcome);
    if links.is_empty() {
        return Ok(());
    }
    Err(CliError::Refused(format!(
        "{} {} not a regular file (`incident validate` says more): incident repositories hold regular files only; replace each link with the file. Nothing was written",
        links.join(", "),
        if links.len() == 1 { "is" } else { "are" }
    )))
}
