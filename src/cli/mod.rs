//! The command line: one file per command. Exit codes: 0 ok, 1 findings at
//! error level, 2 usage or I/O error.

mod schema;
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
}

/// An error that stops a command before it could do its job (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Discover(#[from] crate::repo::DiscoverError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let start = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let result = match cli.command {
        Command::Validate(args) => validate::run(&start, &args),
        Command::Schema(args) => schema::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn repository_root(start: &Path) -> Result<PathBuf, CliError> {
    Ok(crate::repo::discover(start)?)
}
