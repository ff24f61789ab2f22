//! `incident schema NAME`: prints an embedded JSON Schema.

use crate::schemas::FileKind;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident schema update > update.schema.json")]
pub struct Args {
    /// Which file's schema.
    #[arg(value_enum)]
    name: FileKind,
}

pub fn run(args: &Args) -> Result<ExitCode, super::CliError> {
    std::io::stdout().write_all(args.name.schema_text().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
