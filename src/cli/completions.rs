use super::CliError;
use clap::CommandFactory;
use clap_complete::Shell;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident completions bash > ~/.local/share/bash-completion/completions/incident"
)]
pub struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the completion script of `shell` for every command and option.
pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let mut cmd = super::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "incident", &mut out);
    Ok(ExitCode::SUCCESS)
}
