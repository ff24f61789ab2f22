//! `incident pr comment --pr N`: what the pull request publishes (`incident
//! diff`, with the validation result) as one comment, updated in place.

use super::CliError;
use super::actions::Connection;
use crate::github::comment::{self, Posted};
use crate::templates::Templates;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Subcommand)]
enum What {
    /// Post or update the pull request's incidentkit comment.
    Comment {
        /// The pull request's number.
        #[arg(long, value_name = "N")]
        pr: u64,
        /// The base revision the pull request is compared with.
        #[arg(long, value_name = "REF", default_value = "origin/main")]
        since: String,
        #[command(flatten)]
        connection: Connection,
    },
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    let What::Comment {
        pr,
        since,
        connection,
    } = &args.what;
    let (diff, outcome) = super::diff::markdown(&root, since)?;
    // Nothing is sent while the change holds a link; `validate` names it.
    super::refuse_links(&outcome)?;
    // In GitHub Actions the pull request is in the repository running it;
    // elsewhere, without --repo, in github.repo.
    let running = std::env::var("GITHUB_REPOSITORY").ok();
    let config_repo = if connection.repo.is_none() && running.is_none() {
        crate::check::check(&crate::repo::Files::on_disk(&root))?
            .repository
            .and_then(|r| r.config.github)
            .and_then(|g| g.repo)
    } else {
        None
    };
    let repo = connection.target_repo(&[running, config_repo])?;
    let templates = Templates::load(Some(&root))?;
    let context = minijinja::context! {
        diff => diff.trim_end(),
        since => crate::text::one_line(since).replace('`', ""),
    };
    let body = comment::body(&templates.render("github/pr-comment.md", context)?);
    let mut client = connection.client()?;
    let posted = comment::post(&mut client, &repo, *pr, &body)
        .map_err(|e| CliError::Refused(e.to_string()))?;
    let what = match posted {
        Posted::Created(id) => format!("created comment {id}"),
        Posted::Updated(id) => format!("updated comment {id}"),
        Posted::Unchanged(id) => format!("comment {id} is up to date"),
    };
    println!(
        "{what} on {repo} pull request #{pr} ({})",
        client.request_counts()
    );
    Ok(ExitCode::SUCCESS)
}
