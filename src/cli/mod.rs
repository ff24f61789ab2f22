//! The command line: one file per command. Exit codes: 0 ok, 1 findings at
//! error level, 2 usage or I/O error.

mod actions;
mod authoring;
mod build;
mod decide;
mod declare;
mod diff;
mod import;
mod init;
mod list;
mod pr;
mod render;
mod resolve;
mod schema;
mod show;
mod stats;
mod update;
mod validate;

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
    /// Bring an existing status page's history in (Statuspage, cState).
    Import(import::Args),
}

/// An error that stops a command before it could do its job.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Discover(#[from] crate::repo::DiscoverError),
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
}

impl From<crate::author::AuthorError> for CliError {
    fn from(e: crate::author::AuthorError) -> Self {
        match e {
            crate::author::AuthorError::Refused(why) => Self::Refused(why),
            other => Self::Usage(other.to_string()),
        }
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let start = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let result = match cli.command {
        Command::Validate(args) => validate::run(&start, &args),
        Command::Schema(args) => schema::run(&args),
        Command::Init(args) => init::run(&start, &args),
        Command::Declare(args) => declare::run(&start, args),
        Command::Update(args) => update::run(&start, args),
        Command::Decide(args) => decide::run(&start, args),
        Command::Resolve(args) => resolve::run(&start, args),
        Command::List(args) => list::run(&start, &args),
        Command::Show(args) => show::run(&start, &args),
        Command::Diff(args) => diff::run(&start, &args),
        Command::Build(args) => build::run(&start, &args),
        Command::Render(args) => render::run(&start, &args),
        Command::Actions(args) => actions::run(&start, &args),
        Command::Pr(args) => pr::run(&start, &args),
        Command::Stats(args) => stats::run(&start, &args),
        Command::Import(args) => import::run(&start, &args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(if matches!(e, CliError::Refused(_)) {
                1
            } else {
                2
            })
        }
    }
}

fn repository_root(start: &Path) -> Result<PathBuf, CliError> {
    Ok(crate::repo::discover(start)?)
}
