//! `--pr` on the authoring commands: after `--branch` committed the new
//! files on the incident's branch, push it and open its pull request (or
//! add the commit to the one already open), so one command puts an update
//! in front of reviewers, or of the fast lane.
//!
//! The push goes through the user's own `git`, so their credential helper,
//! SSH agent and `insteadOf` rules work as they do for every other push;
//! git2 would have to re-implement each of them. The pull request is opened
//! through the GitHub API (`GITHUB_TOKEN`, `GITHUB_API_URL` for Enterprise).

use super::CliError;
use crate::github::{Client, Pacing, Repo};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[derive(Serialize)]
struct NewPull<'a> {
    title: &'a str,
    head: &'a str,
    base: &'a str,
    body: &'a str,
}

#[derive(Deserialize)]
struct Pull {
    number: u64,
    html_url: String,
}

/// The GitHub repository of a remote URL: `git@host:owner/name.git`,
/// `ssh://git@host/owner/name.git`, `https://host/owner/name(.git)`.
pub fn repo_of_remote(url: &str) -> Option<Repo> {
    let url = url.trim().trim_end_matches('/');
    let path = if let Some((_, rest)) = url.split_once("://") {
        rest.split_once('/')?.1
    } else {
        // scp-like syntax: [user@]host:owner/name
        let (host, path) = url.split_once(':')?;
        if host.contains('/') {
            return None;
        }
        path
    };
    let path = path.trim_end_matches(".git");
    let mut parts = path.rsplitn(3, '/');
    let name = parts.next()?;
    let owner = parts.next()?;
    Repo::parse(&format!("{owner}/{name}"))
}

/// `git push -u origin <branch>` in `root`, with the user's git.
fn push(root: &Path, branch: &str) -> Result<(), CliError> {
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["push", "--quiet", "-u", "origin", branch])
        .status()
        .map_err(|e| CliError::Usage(format!("cannot run git to push {branch}: {e}")))?;
    if !status.success() {
        return Err(CliError::Refused(format!(
            "git push -u origin {branch} failed (see git's message above); the commit is on the branch: push it yourself and open the pull request, or fix the remote and run `git push`"
        )));
    }
    Ok(())
}

/// The repository the pull request goes to: `GITHUB_REPOSITORY` when set,
/// else the one `origin` points at.
fn target(root: &Path) -> Result<Repo, CliError> {
    if let Some(repo) = std::env::var("GITHUB_REPOSITORY")
        .ok()
        .and_then(|r| Repo::parse(r.trim()))
    {
        return Ok(repo);
    }
    let git = git2::Repository::discover(root).map_err(crate::git::GitError::from)?;
    let remote = git.find_remote("origin").map_err(|_| {
        CliError::Usage(
            "--pr needs a remote named origin on GitHub (git remote add origin https://github.com/OWNER/NAME)"
                .into(),
        )
    })?;
    let url = remote.url().unwrap_or_default().to_string();
    repo_of_remote(&url).ok_or_else(|| {
        CliError::Usage(format!(
            "origin ({}) is not a GitHub repository URL such as https://github.com/OWNER/NAME; set GITHUB_REPOSITORY=OWNER/NAME",
            crate::text::one_line(&url)
        ))
    })
}

fn client() -> Result<Client, CliError> {
    let pacing = Pacing {
        write_interval: Duration::ZERO,
        max_wait: Duration::from_secs(60),
        timeout: Duration::from_secs(30),
    };
    super::actions::github_client("GITHUB_TOKEN", pacing, "--pr opens the pull request through the GitHub API: set GITHUB_TOKEN (a token with pull-requests: write), or use --branch and open it yourself".into())
}

/// Pushes `branch` and opens its pull request against `base`, titled
/// `title` with what the change publishes as its body; or, when one is
/// open already, leaves it to show the new commit. Prints its URL.
pub fn open(root: &Path, branch: &str, base: &str, title: &str) -> Result<(), CliError> {
    let repo = target(root)?;
    let mut client = client()?;
    push(root, branch)?;
    let head = format!("{}:{branch}", repo.owner);
    let open: Vec<Pull> = client.list(&repo.path(&format!(
        "/pulls?state=open&head={}",
        crate::github::query_value(&head)
    )))?;
    if let Some(pr) = open.first() {
        println!("pushed to pull request #{}: {}", pr.number, pr.html_url);
        return Ok(());
    }
    let (body, _) = super::diff::markdown(root, base)?;
    let pr: Pull = client.post(
        &repo.path("/pulls"),
        &NewPull {
            title,
            head: branch,
            base,
            body: &body,
        },
    )?;
    println!("opened pull request #{}: {}", pr.number, pr.html_url);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_and_enterprise_remotes() {
        for url in [
            "git@github.com:acme/status.git",
            "https://github.com/acme/status",
            "https://github.com/acme/status.git/",
            "ssh://git@ghe.acme.example:2222/acme/status.git",
            "https://ghe.acme.example/acme/status",
        ] {
            assert_eq!(
                repo_of_remote(url).map(|r| r.to_string()).as_deref(),
                Some("acme/status"),
                "{url}"
            );
        }
        assert!(repo_of_remote("/srv/git/status.git").is_none());
    }
}
