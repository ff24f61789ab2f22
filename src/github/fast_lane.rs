//! The fast lane: an append-only pull request from a responder merges
//! without a human when it is safe. It is judged only from what GitHub's
//! API says of it (its files, its author, its head commit's check runs) and
//! from the base branch checked out where this runs; the pull request's own
//! files are never read and its code never runs.
//!
//! It qualifies when all of these hold:
//! - it is open, not a draft, and its head is in the repository itself (a
//!   fork's pull request never does);
//! - every file is added, none edited, removed or renamed: update files of
//!   incidents open on the base, or a new incident folder (a declaration
//!   and its updates), nothing else;
//! - its author is a responder (`fast_lane.responders`), a member of a
//!   listed team, or the commander or communications lead on the base of
//!   every incident it touches (never of a new incident: a declaration
//!   cannot name its own author into the lane);
//! - the check run of the validation job is green on its head commit.

use super::{Client, GithubError, Repo};
use crate::model::config::{FastLane, MergeMethod};
use crate::model::{Incident, Repository};
use crate::paths::DECLARATION;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The check run that must be green, unless `fast_lane.check` says another:
/// the validation job of the workflow `incident init` writes.
pub const DEFAULT_CHECK: &str = "check";

/// A pull request, as GitHub's API describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    pub author: String,
    pub head_sha: String,
    /// `owner/name` of the head's repository (`None`: a deleted fork).
    pub head_repo: Option<String>,
    pub base_repo: String,
    pub open: bool,
    pub merged: bool,
    pub draft: bool,
}

/// One file of a pull request: its path and GitHub's status for it
/// (added, modified, removed, renamed, copied, changed, unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChangedFile {
    #[serde(rename = "filename")]
    pub path: String,
    pub status: String,
}

/// What the check runs of the head commit say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checks {
    Green,
    /// No run of that name by GitHub Actions on the head commit.
    Missing,
    Pending,
    Failed(String),
}

/// Why a pull request is left for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `fast_lane:` in incidentkit.yaml: every pull request is reviewed.
    NotConfigured,
    NotOpen,
    Draft,
    Fork,
    NoFiles,
    NotAdded {
        path: String,
        status: String,
    },
    NotAnEntry {
        path: String,
    },
    UnknownIncident {
        id: String,
    },
    Resolved {
        id: String,
    },
    NoFirstUpdate {
        id: String,
    },
    Author {
        login: String,
    },
    Check {
        name: String,
        checks: Checks,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotConfigured => write!(
                f,
                "incidentkit.yaml on the base branch has no `fast_lane:` (who may merge without review)"
            ),
            Self::NotOpen => write!(f, "the pull request is not open"),
            Self::Draft => write!(f, "the pull request is a draft"),
            Self::Fork => write!(
                f,
                "it comes from a fork: only branches of this repository qualify"
            ),
            Self::NoFiles => write!(f, "it changes no file"),
            Self::NotAdded { path, status } => write!(
                f,
                "`{path}` is {status}, not added: published files are changed only with a review"
            ),
            Self::NotAnEntry { path } => write!(
                f,
                "`{path}` is not an update or a declaration: configuration, templates, workflows and post-mortems need a review"
            ),
            Self::UnknownIncident { id } => write!(
                f,
                "`{id}` is not an incident on the base branch and the pull request does not declare it"
            ),
            Self::Resolved { id } => write!(
                f,
                "`{id}` is resolved on the base branch: updates after resolution need a review"
            ),
            Self::NoFirstUpdate { id } => write!(f, "the new incident `{id}` has no first update"),
            Self::Author { login } => write!(
                f,
                "@{login} is not in fast_lane.responders or its teams, nor the commander or communications lead of every incident it touches"
            ),
            Self::Check { name, checks } => match checks {
                Checks::Green => write!(f, "the `{name}` check is green"),
                Checks::Missing => write!(
                    f,
                    "no `{name}` check run by GitHub Actions on the head commit yet"
                ),
                Checks::Pending => write!(f, "the `{name}` check has not finished"),
                Checks::Failed(how) => write!(f, "the `{name}` check {how}"),
            },
        }
    }
}

/// The incidents a pull request adds to, and those it declares.
#[derive(Debug, Default, PartialEq, Eq)]
struct Touched {
    updated: BTreeSet<String>,
    declared: BTreeSet<String>,
}

/// Every reason to leave the pull request for review; none: it qualifies.
/// `in_team` says whether the author is a member of a `fast_lane.teams`
/// team (asked of GitHub before).
pub fn judge(
    pr: &PullRequest,
    files: &[ChangedFile],
    base: &Repository,
    lane: &FastLane,
    in_team: bool,
    check: &str,
    checks: &Checks,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    if !pr.open {
        out.push(Refusal::NotOpen);
    }
    if pr.draft {
        out.push(Refusal::Draft);
    }
    if pr.head_repo.as_deref() != Some(pr.base_repo.as_str()) {
        out.push(Refusal::Fork);
    }
    if files.is_empty() {
        out.push(Refusal::NoFiles);
    }
    let incidents: BTreeMap<&str, &Incident> =
        base.incidents.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut touched = Touched::default();
    for file in files {
        if file.status != "added" {
            out.push(Refusal::NotAdded {
                path: file.path.clone(),
                status: file.status.clone(),
            });
            continue;
        }
        match entry(&file.path) {
            Some((id, Entry::Declaration)) => {
                touched.declared.insert(id.to_string());
            }
            Some((id, Entry::Update)) => {
                touched.updated.insert(id.to_string());
            }
            None => out.push(Refusal::NotAnEntry {
                path: file.path.clone(),
            }),
        }
    }
    for id in &touched.declared {
        if incidents.contains_key(id.as_str()) {
            // A declaration where one exists is an edit in disguise.
            out.push(Refusal::NotAdded {
                path: crate::paths::declaration(id),
                status: "declared again".into(),
            });
        } else if !touched.updated.contains(id) {
            out.push(Refusal::NoFirstUpdate { id: id.clone() });
        }
    }
    for id in touched.updated.difference(&touched.declared) {
        match incidents.get(id.as_str()) {
            None => out.push(Refusal::UnknownIncident { id: id.clone() }),
            Some(i) if i.is_resolved() => out.push(Refusal::Resolved { id: id.clone() }),
            Some(_) => {}
        }
    }
    if !author_may(&pr.author, lane, in_team, &touched, &incidents) {
        out.push(Refusal::Author {
            login: pr.author.clone(),
        });
    }
    if *checks != Checks::Green {
        out.push(Refusal::Check {
            name: check.to_string(),
            checks: checks.clone(),
        });
    }
    out
}

enum Entry {
    Declaration,
    Update,
}

/// `incidents/<id>/incident.yaml` or `incidents/<id>/updates/<name>.yaml`.
fn entry(path: &str) -> Option<(&str, Entry)> {
    let (id, rest) = crate::paths::in_incident(path)?;
    if rest == DECLARATION {
        return Some((id, Entry::Declaration));
    }
    crate::paths::is_update(path).then_some((id, Entry::Update))
}

fn handle(h: &str) -> String {
    h.trim().trim_start_matches('@').to_ascii_lowercase()
}

fn author_may(
    login: &str,
    lane: &FastLane,
    in_team: bool,
    touched: &Touched,
    incidents: &BTreeMap<&str, &Incident>,
) -> bool {
    let login = handle(login);
    if in_team || lane.responders.iter().any(|r| handle(r) == login) {
        return true;
    }
    // The roles on the base, of every incident touched; never a new one's.
    touched.declared.is_empty()
        && !touched.updated.is_empty()
        && touched.updated.iter().all(|id| {
            incidents.get(id.as_str()).is_some_and(|i| {
                let roles = &i.declaration.roles;
                [&roles.commander, &roles.communications]
                    .into_iter()
                    .flatten()
                    .any(|r| handle(r) == login)
            })
        })
}

#[derive(Deserialize)]
struct User {
    login: String,
}

#[derive(Deserialize)]
struct RepoRef {
    full_name: String,
}

#[derive(Deserialize)]
struct Head {
    sha: String,
    repo: Option<RepoRef>,
}

#[derive(Deserialize)]
struct Base {
    repo: RepoRef,
}

#[derive(Deserialize)]
struct PullJson {
    number: u64,
    state: String,
    #[serde(default)]
    merged: bool,
    #[serde(default)]
    draft: bool,
    user: User,
    head: Head,
    base: Base,
}

/// The pull request as GitHub describes it now.
pub fn pull_request(
    client: &mut Client,
    repo: &Repo,
    number: u64,
) -> Result<PullRequest, GithubError> {
    let pr: PullJson = client.get(&repo.path(&format!("/pulls/{number}")))?;
    Ok(PullRequest {
        number: pr.number,
        author: pr.user.login,
        head_sha: pr.head.sha,
        head_repo: pr.head.repo.map(|r| r.full_name),
        base_repo: pr.base.repo.full_name,
        open: pr.state == "open",
        merged: pr.merged,
        draft: pr.draft,
    })
}

/// Every file of the pull request (GitHub lists up to 3,000).
pub fn files(
    client: &mut Client,
    repo: &Repo,
    number: u64,
) -> Result<Vec<ChangedFile>, GithubError> {
    client.list(&repo.path(&format!("/pulls/{number}/files")))
}

#[derive(Deserialize)]
struct App {
    slug: String,
}

#[derive(Deserialize)]
struct CheckRun {
    status: String,
    conclusion: Option<String>,
    app: Option<App>,
}

#[derive(Deserialize)]
struct CheckRuns {
    check_runs: Vec<CheckRun>,
}

/// The runs of check `name` by GitHub Actions on `sha`: green only when
/// there is one and every one succeeded (a run by another app, which any
/// token with checks: write could make, does not count).
pub fn checks(
    client: &mut Client,
    repo: &Repo,
    sha: &str,
    name: &str,
) -> Result<Checks, GithubError> {
    let path = repo.path(&format!(
        "/commits/{sha}/check-runs?check_name={}&filter=latest",
        super::query_value(name)
    ));
    let runs: CheckRuns = client.get(&path)?;
    let ours: Vec<&CheckRun> = runs
        .check_runs
        .iter()
        .filter(|r| r.app.as_ref().is_some_and(|a| a.slug == "github-actions"))
        .collect();
    if ours.is_empty() {
        return Ok(Checks::Missing);
    }
    if ours.iter().any(|r| r.status != "completed") {
        return Ok(Checks::Pending);
    }
    match ours
        .iter()
        .find(|r| r.conclusion.as_deref() != Some("success"))
    {
        Some(r) => Ok(Checks::Failed(format!(
            "ended {}",
            r.conclusion.as_deref().unwrap_or("without a conclusion")
        ))),
        None => Ok(Checks::Green),
    }
}

#[derive(Deserialize)]
struct Membership {
    state: String,
}

/// Whether `login` is an active member of any of `teams` (`org/slug`).
pub fn in_any_team(
    client: &mut Client,
    teams: &[String],
    login: &str,
) -> Result<bool, GithubError> {
    for team in teams {
        let Some((org, slug)) = team.split_once('/') else {
            continue;
        };
        let path = format!(
            "/orgs/{}/teams/{}/memberships/{}",
            super::query_value(org),
            super::query_value(slug),
            super::query_value(login)
        );
        match client.get::<Membership>(&path) {
            Ok(m) if m.state == "active" => return Ok(true),
            Ok(_) => {}
            Err(e) if e.status == Some(404) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

#[derive(Serialize)]
struct MergeRequest<'a> {
    sha: &'a str,
    merge_method: MergeMethod,
}

#[derive(Deserialize)]
struct Merged {
    #[serde(default)]
    merged: bool,
    #[serde(default)]
    message: String,
}

/// Merges the pull request at `sha` exactly (GitHub refuses with 409 when
/// the head moved since it was judged). An answer lost on the way is
/// settled by asking whether it merged.
pub fn merge(
    client: &mut Client,
    repo: &Repo,
    pr: &PullRequest,
    method: MergeMethod,
) -> Result<(), GithubError> {
    let path = repo.path(&format!("/pulls/{}/merge", pr.number));
    let request = MergeRequest {
        sha: &pr.head_sha,
        merge_method: method,
    };
    match client.put::<_, Merged>(&path, &request) {
        Ok(m) if m.merged => Ok(()),
        Ok(m) => Err(GithubError {
            message: format!(
                "PUT {path}: not merged: {}",
                crate::text::one_line(&m.message)
            ),
            uncertain: false,
            status: None,
        }),
        Err(e) if e.uncertain => {
            if pull_request(client, repo, pr.number)?.merged {
                Ok(())
            } else {
                Err(e)
            }
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Config, Declaration, Update};

    fn base() -> Repository {
        let config: Config =
            serde_yaml::from_str("site: {name: x}\ncomponents: [{id: api, name: API}]\n").unwrap();
        let incident = |id: &str, resolved: bool| {
            Incident {
            id: id.into(),
            declaration: serde_yaml::from_str::<Declaration>(
                "title: x\nseverity: sev2\ndeclared_at: 2026-11-26T10:00:00Z\nroles: {commander: \"@Carol\", communications: \"@dan\"}\n",
            )
            .unwrap(),
            updates: vec![
                serde_yaml::from_str::<Update>(&format!(
                    "at: 2026-11-26T10:05:00Z\nstatus: {}\nmessage: m\nauthor: x\n",
                    if resolved { "resolved" } else { "investigating" }
                ))
                .unwrap(),
            ],
            postmortem: None,
            amendments: Default::default(),
        }
        };
        Repository {
            config,
            incidents: vec![
                incident("2026-11-26-open", false),
                incident("2026-11-26-done", true),
            ],
        }
    }

    fn pr(author: &str) -> PullRequest {
        PullRequest {
            number: 7,
            author: author.into(),
            head_sha: "abc".into(),
            head_repo: Some("acme/status".into()),
            base_repo: "acme/status".into(),
            open: true,
            merged: false,
            draft: false,
        }
    }

    fn added(path: &str) -> ChangedFile {
        ChangedFile {
            path: path.into(),
            status: "added".into(),
        }
    }

    fn lane() -> FastLane {
        FastLane {
            responders: vec!["@alice".into()],
            ..FastLane::default()
        }
    }

    fn judged(pr: &PullRequest, files: &[ChangedFile], checks: Checks) -> Vec<Refusal> {
        judge(pr, files, &base(), &lane(), false, DEFAULT_CHECK, &checks)
    }

    const UPDATE: &str = "incidents/2026-11-26-open/updates/2026-11-26T10-20-00Z.yaml";

    #[test]
    fn an_update_to_an_open_incident_by_a_responder_qualifies() {
        assert_eq!(judged(&pr("Alice"), &[added(UPDATE)], Checks::Green), []);
    }

    #[test]
    fn a_new_incident_folder_qualifies_with_its_first_update() {
        let files = [
            added("incidents/2026-11-27-new/incident.yaml"),
            added("incidents/2026-11-27-new/updates/2026-11-27T09-00-00Z.yaml"),
        ];
        assert_eq!(judged(&pr("alice"), &files, Checks::Green), []);
        assert_eq!(
            judged(&pr("alice"), &files[..1], Checks::Green),
            [Refusal::NoFirstUpdate {
                id: "2026-11-27-new".into()
            }]
        );
    }

    #[test]
    fn the_commander_or_comms_lead_of_the_incident_qualifies_but_not_for_a_new_one() {
        assert_eq!(judged(&pr("carol"), &[added(UPDATE)], Checks::Green), []);
        assert_eq!(judged(&pr("dan"), &[added(UPDATE)], Checks::Green), []);
        let new = [
            added("incidents/2026-11-27-new/incident.yaml"),
            added("incidents/2026-11-27-new/updates/2026-11-27T09-00-00Z.yaml"),
        ];
        assert_eq!(
            judged(&pr("carol"), &new, Checks::Green),
            [Refusal::Author {
                login: "carol".into()
            }]
        );
    }

    #[test]
    fn each_refused_shape_says_why() {
        let edit = ChangedFile {
            path: "incidents/2026-11-26-open/updates/2026-11-26T10-05-00Z.yaml".into(),
            status: "modified".into(),
        };
        assert!(matches!(
            judged(&pr("alice"), &[edit], Checks::Green)[..],
            [Refusal::NotAdded { .. }]
        ));
        for path in [
            "incidentkit.yaml",
            "templates/page/index.html",
            ".github/workflows/incidents.yml",
            "incidents/2026-11-26-open/postmortem.yaml",
            "incidents/2026-11-26-open/notes.txt",
            "incidents/2026-11-26-open/updates/deeper/x.yaml",
        ] {
            assert_eq!(
                judged(&pr("alice"), &[added(path)], Checks::Green),
                [Refusal::NotAnEntry { path: path.into() }],
                "{path}"
            );
        }
        assert_eq!(
            judged(
                &pr("alice"),
                &[added(
                    "incidents/2026-11-26-done/updates/2026-11-27T10-00-00Z.yaml"
                )],
                Checks::Green
            ),
            [Refusal::Resolved {
                id: "2026-11-26-done".into()
            }]
        );
        assert_eq!(
            judged(&pr("mallory"), &[added(UPDATE)], Checks::Green),
            [Refusal::Author {
                login: "mallory".into()
            }]
        );
        for checks in [
            Checks::Missing,
            Checks::Pending,
            Checks::Failed("ended failure".into()),
        ] {
            assert_eq!(
                judged(&pr("alice"), &[added(UPDATE)], checks.clone()),
                [Refusal::Check {
                    name: "check".into(),
                    checks
                }]
            );
        }
        let mut fork = pr("alice");
        fork.head_repo = Some("mallory/status".into());
        assert_eq!(
            judged(&fork, &[added(UPDATE)], Checks::Green),
            [Refusal::Fork]
        );
        let mut closed = pr("alice");
        closed.open = false;
        closed.draft = true;
        assert_eq!(
            judged(&closed, &[added(UPDATE)], Checks::Green),
            [Refusal::NotOpen, Refusal::Draft]
        );
        assert_eq!(
            judged(
                &pr("alice"),
                &[added("incidents/2026-11-26-open/incident.yaml")],
                Checks::Green
            ),
            [Refusal::NotAdded {
                path: "incidents/2026-11-26-open/incident.yaml".into(),
                status: "declared again".into()
            }]
        );
    }

    #[test]
    fn a_team_member_qualifies() {
        let refusals = judge(
            &pr("erin"),
            &[added(UPDATE)],
            &base(),
            &lane(),
            true,
            DEFAULT_CHECK,
            &Checks::Green,
        );
        assert_eq!(refusals, []);
    }
}
