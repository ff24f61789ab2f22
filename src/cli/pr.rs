//! `incident pr comment --pr N`: what the pull request publishes (`incident
//! diff`, with the validation result) as one comment, updated in place.
//! `incident pr fast-lane --pr N`: merges it when it qualifies for the fast
//! lane (`github::fast_lane`), otherwise says why on it.

use super::CliError;
use super::actions::Connection;
use crate::github::comment::{self, Posted};
use crate::github::fast_lane::{self, Refusal};
use crate::templates::Templates;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  incident pr comment --pr 42 --since origin/main\n  incident pr fast-lane --pr 42"
)]
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
    /// Merge the pull request if it qualifies for the fast lane; otherwise
    /// say on it why not and leave it for review. Exit 0 merged (or merged
    /// before), 3 not eligible.
    #[command(
        after_help = "Example (the workflow's fast-lane job, on the base branch):\n  incident pr fast-lane --pr 42"
    )]
    FastLane {
        /// The pull request's number.
        #[arg(long, value_name = "N")]
        pr: u64,
        /// Judge and print the verdict only: merge nothing, comment nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        connection: Connection,
    },
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    match &args.what {
        What::Comment {
            pr,
            since,
            connection,
        } => comment(start, *pr, since, connection),
        What::FastLane {
            pr,
            dry_run,
            connection,
        } => fast_lane(start, *pr, *dry_run, connection),
    }
}

fn comment(
    start: &Path,
    pr: u64,
    since: &str,
    connection: &Connection,
) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    let (diff, outcome) = super::diff::markdown(&root, since)?;
    // Nothing is sent while the change holds a link; `validate` names it.
    super::refuse_links(&outcome)?;
    // In GitHub Actions the pull request is in the repository running it;
    // elsewhere, without --repo, in github.repo.
    let running = std::env::var("GITHUB_REPOSITORY").ok();
    // The change's check read the configuration already.
    let config_repo = outcome
        .repository
        .as_ref()
        .and_then(|r| r.config.github.as_ref())
        .and_then(|g| g.repo.clone());
    let (repo, mut client) = connection.open(&[running, config_repo])?;
    let templates = Templates::load(Some(&root))?;
    let context = minijinja::context! {
        diff => diff.trim_end(),
        since => crate::text::one_line(since).replace('`', ""),
    };
    let body = comment::body(&templates.render("github/pr-comment.md", context)?);
    let posted = comment::post(&mut client, &repo, pr, &body)?;
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

/// Judges pull request `number` against the base checked out here, then
/// merges it or says why not.
fn fast_lane(
    start: &Path,
    number: u64,
    dry_run: bool,
    connection: &Connection,
) -> Result<ExitCode, CliError> {
    let root = super::repository_root(start)?;
    let config = checked_base(&root, &[])?.config;
    let running = std::env::var("GITHUB_REPOSITORY").ok();
    let config_repo = config.github.as_ref().and_then(|g| g.repo.clone());
    let (repo, mut client) = connection.open(&[running, config_repo])?;
    let lane = config.fast_lane.clone().unwrap_or_default();
    let check = lane
        .check
        .clone()
        .unwrap_or_else(|| fast_lane::DEFAULT_CHECK.to_string());
    let pr = fast_lane::pull_request(&mut client, &repo, number)?;
    if pr.merged {
        println!("{repo} pull request #{number} is merged already; nothing to do");
        return Ok(ExitCode::SUCCESS);
    }
    let files = fast_lane::files(&mut client, &repo, number)?;
    let base = checked_base(&root, &files)?;
    let listed = lane
        .responders
        .iter()
        .any(|r| r.trim_start_matches('@').eq_ignore_ascii_case(&pr.author));
    let in_team = !listed
        && !lane.teams.is_empty()
        && fast_lane::in_any_team(&mut client, &lane.teams, &pr.author)?;
    let checks = fast_lane::checks(&mut client, &repo, &pr.head_sha, &check)?;
    let mut refusals = fast_lane::judge(&pr, &files, &base, &lane, in_team, &check, &checks);
    if base.config.fast_lane.is_none() {
        refusals.insert(0, Refusal::NotConfigured);
    }
    let head = pr.head_sha.chars().take(7).collect::<String>();
    let eligible = refusals.is_empty();
    if dry_run {
        report(&repo, number, &refusals);
        println!(
            "dry run: nothing merged, nothing commented ({})",
            client.request_counts()
        );
        return Ok(verdict(eligible));
    }
    if eligible {
        let method = lane.merge_method.unwrap_or_default();
        fast_lane::merge(&mut client, &repo, &pr, method)?;
    }
    let said = Comment {
        merged: eligible,
        entries: files.len(),
        author: &pr.author,
        why_author: why_author(listed, in_team),
        check: &check,
        head: &head,
        refusals: &refusals,
    };
    comment::post(&mut client, &repo, number, &said.body(&root)?)?;
    if eligible {
        println!(
            "merged {repo} pull request #{number} at {head} by the fast lane ({})",
            client.request_counts()
        );
    } else {
        report(&repo, number, &refusals);
        println!(
            "left for review; said why on the pull request ({})",
            client.request_counts()
        );
    }
    Ok(verdict(eligible))
}

/// The configuration of the base checked out at `root` and its incidents
/// the pull request's `files` lie in, as validation reads them (a pull
/// request on one incident of thousands reads that one, and `judge` looks
/// up no other); an error when the configuration has errors or a link
/// stands where they are read.
fn checked_base(
    root: &Path,
    files: &[fast_lane::ChangedFile],
) -> Result<crate::model::Repository, CliError> {
    let touched = |_: &[String]| {
        files
            .iter()
            .filter_map(|f| crate::paths::in_incident(&f.path))
            .map(|(id, _)| id.to_string())
            .collect()
    };
    let (outcome, _) = super::authoring::checked_named(root, touched)?;
    outcome.repository.ok_or_else(|| {
        CliError::Usage(format!(
            "{} on the base branch has errors; run `incident validate`",
            crate::repo::CONFIG_FILE
        ))
    })
}

/// Why the author may use the fast lane, for the comment.
fn why_author(listed: bool, in_team: bool) -> &'static str {
    if listed {
        "is a listed responder"
    } else if in_team {
        "is in a fast-lane team"
    } else {
        "leads the incident it updates"
    }
}

/// What the fast lane's comment on the pull request says.
struct Comment<'a> {
    merged: bool,
    /// The number of files the pull request adds.
    entries: usize,
    author: &'a str,
    why_author: &'static str,
    check: &'a str,
    /// The head commit, abbreviated.
    head: &'a str,
    refusals: &'a [Refusal],
}

impl Comment<'_> {
    /// The comment, rendered from the repository's templates, marked as the
    /// fast lane's.
    fn body(&self, root: &Path) -> Result<String, CliError> {
        let templates = Templates::load(Some(root))?;
        let entries = self.entries;
        let context = minijinja::context! {
            merged => self.merged,
            summary => format!("{entries} new file{}", if entries == 1 { "" } else { "s" }),
            author => crate::text::markdown_inline(self.author),
            why_author => self.why_author,
            check => crate::text::markdown_inline(self.check),
            head => self.head.to_string(),
            refusals => self.refusals.iter().map(|r| crate::text::one_line(&r.to_string())).collect::<Vec<_>>(),
        };
        Ok(comment::body_marked(
            comment::FAST_LANE_MARKER,
            &templates.render("github/fast-lane.md", context)?,
        ))
    }
}

fn report(repo: &crate::github::Repo, number: u64, refusals: &[Refusal]) {
    if refusals.is_empty() {
        println!("{repo} pull request #{number} qualifies for the fast lane");
        return;
    }
    println!("{repo} pull request #{number} does not qualify for the fast lane:");
    for r in refusals {
        println!("  - {}", crate::text::one_line(&r.to_string()));
    }
}

fn verdict(eligible: bool) -> ExitCode {
    if eligible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::exit::NOT_ELIGIBLE)
    }
}
