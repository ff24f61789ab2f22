use super::CliError;
use clap::CommandFactory;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident man ~/.local/share/man/man1 && man incident-declare")]
pub struct Args {
    /// The folder to write the pages into (created when missing).
    #[arg(id = "man_dir", value_name = "DIR")]
    dir: PathBuf,
}

/// Writes one manual page per command (`incident.1`, `incident-declare.1`,
/// `incident-actions-plan.1`, …) into the folder, replacing earlier pages.
pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let dir = start.join(&args.dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut cmd = super::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    page(cmd, &dir, &mut written)
        .map_err(|e| CliError::Usage(format!("cannot write into {}: {e}", dir.display())))?;
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn page(cmd: clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
    written.push(clap_mangen::Man::new(cmd.clone()).generate_to(dir)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        page(sub.clone(), dir, written)?;
    }
    Ok(())
}
