//! The delivery ledger: what each target has received, kept in git so it
//! survives a fresh CI checkout and every clone agrees on it.
//!
//! It is one JSON line per event in a file on a branch of its own
//! (`incidentkit-ledger`, with no common history with the incidents), one
//! file per incident repository of the git repository. Commits are made
//! with git2; they travel with the `git` program (`ls-remote`, `fetch`,
//! `push`), which uses the credentials the runner already has (git2 is
//! built without network transports). A push is a compare-and-swap: a
//! commit whose parent is not the remote's tip is refused, and the run
//! reads the ledger again, drops the claims another run made first, and
//! tries again. With a remote, the clone's own branch is never written (a
//! push may move the remote-tracking ref, as git does, which never fails
//! the push), so a run killed midway leaves no lock in the way.
//!
//! A delivery is claimed (pushed) before it is sent and its outcome
//! recorded after. A claim without an outcome whose lease has run out
//! belongs to a run that died while sending: the message may or may not
//! have arrived, and it is never sent again on its own (see the README).

use git2::{ErrorCode, Oid, Repository, Signature};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

pub const BRANCH: &str = "incidentkit-ledger";
const REF: &str = "refs/heads/incidentkit-ledger";
/// Races lost in a row before a run gives up.
const MAX_RACES: usize = 30;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{0} is not inside a git repository: `incident notify` keeps its ledger in git")]
    NotARepository(String),
    #[error("the ledger: git: {0}")]
    Git(#[from] git2::Error),
    #[error("the ledger: {0}")]
    Remote(String),
    #[error(
        "the ledger file {0} on branch {BRANCH} has a line that is not a ledger entry ({1}); fix or remove that line on the branch"
    )]
    Corrupt(String, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// A target was seen for the first time (key: the target's name).
    Joined,
    /// Already in history when the target joined: recorded, never sent.
    Adopted,
    /// A run is sending it (until `until`).
    Claimed,
    Delivered,
    /// Refused or unreachable: the next run tries again.
    Failed,
    /// Its sender died after claiming it: it may have arrived.
    Uncertain,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub state: State,
    pub at: Timestamp,
    pub run: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a key stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    New,
    /// Delivered or adopted: never again.
    Done,
    /// Failed last time: send it.
    Retry,
    /// Claimed by a run whose lease holds: it is sending it now.
    InFlight,
    /// Claimed by a run whose lease ran out without an outcome.
    Stale,
    Uncertain,
}

pub struct Ledger {
    repo: Repository,
    /// The file, in the branch's tree.
    pub file: String,
    remote: Option<String>,
    tip: Option<Oid>,
    text: String,
    standing: BTreeMap<String, (State, Option<Timestamp>)>,
    pub run: String,
    /// Which uncertain notices this run may send again.
    pub retry: Retry,
}

/// `--retry-uncertain [KEY]`: which uncertain notices to send again, once
/// someone has checked that they did not arrive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Retry {
    #[default]
    None,
    All,
    Only(std::collections::BTreeSet<String>),
}

impl Retry {
    pub fn allows(&self, key: &str) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Only(keys) => keys.contains(key),
        }
    }
}

impl Ledger {
    /// The ledger of the incident repository at `root`, read from `remote`
    /// (`None`: this clone only).
    pub fn open(root: &Path, remote: Option<String>) -> Result<Self, LedgerError> {
        let repo = Repository::discover(root)
            .map_err(|_| LedgerError::NotARepository(root.display().to_string()))?;
        let file = crate::git::file_for(root, "deliveries.jsonl");
        let run = format!(
            "{}-{}",
            Timestamp::now().as_nanosecond(),
            std::process::id()
        );
        let mut ledger = Self {
            repo,
            file,
            remote,
            tip: None,
            text: String::new(),
            standing: BTreeMap::new(),
            run,
            retry: Retry::None,
        };
        ledger.sync()?;
        Ok(ledger)
    }

    /// The targets that received, or may have received, any of `entries`
    /// (`<incident>/updates/<file>`), by name, each once, with how sure.
    pub fn receivers(&self, entries: &[String]) -> BTreeMap<String, State> {
        let mut found = BTreeMap::new();
        for (key, (state, _)) in &self.standing {
            let Some((target, entry)) = key.split_once('/') else {
                continue;
            };
            let entry = entry.split('#').next().unwrap_or(entry);
            let reached = matches!(state, State::Delivered | State::Uncertain | State::Claimed);
            if reached && entries.iter().any(|e| e == entry) {
                let sure = found.entry(target.to_string()).or_insert(*state);
                if *state == State::Delivered {
                    *sure = State::Delivered;
                }
            }
        }
        found
    }

    pub fn remote(&self) -> Option<&str> {
        self.remote.as_deref()
    }

    pub fn standing(&self, key: &str, now: Timestamp) -> Standing {
        match self.standing.get(key) {
            None => Standing::New,
            Some((State::Delivered | State::Adopted | State::Joined, _)) => Standing::Done,
            Some((State::Failed, _)) => Standing::Retry,
            Some((State::Uncertain, _)) => Standing::Uncertain,
            Some((State::Claimed, until)) => {
                if until.is_some_and(|u| u > now) {
                    Standing::InFlight
                } else {
                    Standing::Stale
                }
            }
        }
    }

    /// Whether this run may claim `key` now.
    fn claimable(&self, key: &str) -> bool {
        match self.standing(key, Timestamp::now()) {
            Standing::New | Standing::Retry => true,
            Standing::Uncertain => self.retry.allows(key),
            _ => false,
        }
    }

    pub fn entry(&self, key: &str, state: State, note: Option<String>) -> Entry {
        Entry {
            key: key.to_string(),
            state,
            at: Timestamp::now(),
            run: self.run.clone(),
            until: None,
            note,
        }
    }

    /// Reads the ledger at the remote's tip (or this clone's).
    pub fn sync(&mut self) -> Result<(), LedgerError> {
        self.tip = match &self.remote {
            Some(remote) => self.fetch(remote)?,
            // No remote: this clone's branch, else the copy of it a fetch
            // of `origin` brought (what `redact` reads, offline).
            None => self
                .repo
                .refname_to_id(REF)
                .or_else(|_| {
                    self.repo
                        .refname_to_id(&format!("refs/remotes/origin/{BRANCH}"))
                })
                .ok(),
        };
        self.text = match self.tip {
            None => String::new(),
            Some(tip) => {
                let tree = self.repo.find_commit(tip)?.tree()?;
                match tree.get_name(&self.file) {
                    None => String::new(),
                    Some(e) => {
                        let blob = self.repo.find_blob(e.id())?;
                        String::from_utf8_lossy(blob.content()).into_owned()
                    }
                }
            }
        };
        self.standing.clear();
        let text = std::mem::take(&mut self.text);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let e: Entry = serde_json::from_str(line)
                .map_err(|err| LedgerError::Corrupt(self.file.clone(), err.to_string()))?;
            self.apply(&e);
        }
        self.text = text;
        Ok(())
    }

    fn apply(&mut self, e: &Entry) {
        let done = matches!(
            self.standing.get(&e.key),
            Some((State::Delivered | State::Adopted | State::Joined, _))
        );
        if !done {
            self.standing.insert(e.key.clone(), (e.state, e.until));
        }
    }

    /// Records `entries`, pushing them to the remote. A claim another run
    /// made first is dropped: the keys of the claims lost are returned.
    pub fn record(&mut self, mut entries: Vec<Entry>) -> Result<Vec<String>, LedgerError> {
        let mut lost = Vec::new();
        for _ in 0..MAX_RACES {
            // What this run read last (at the start, or after a lost race)
            // may show another run claimed it first.
            entries.retain(|e| {
                if e.state == State::Claimed && !self.claimable(&e.key) {
                    lost.push(e.key.clone());
                    false
                } else {
                    true
                }
            });
            if entries.is_empty() {
                return Ok(lost);
            }
            let commit = self.commit(&entries)?;
            if self.publish(commit)? {
                self.tip = Some(commit);
                for e in &entries {
                    self.text.push_str(&line(e));
                    self.apply(e);
                }
                return Ok(lost);
            }
            // Another run pushed first: read what it recorded.
            self.sync()?;
        }
        Err(LedgerError::Remote(format!(
            "{MAX_RACES} pushes in a row lost a race with other runs; try again"
        )))
    }

    fn commit(&self, entries: &[Entry]) -> Result<Oid, LedgerError> {
        let mut text = self.text.clone();
        for e in entries {
            text.push_str(&line(e));
        }
        let blob = self.repo.blob(text.as_bytes())?;
        let parent = match self.tip {
            Some(tip) => Some(self.repo.find_commit(tip)?),
            None => None,
        };
        let base = match &parent {
            Some(p) => Some(p.tree()?),
            None => None,
        };
        let mut builder = self.repo.treebuilder(base.as_ref())?;
        builder.insert(&self.file, blob, 0o100644)?;
        let tree = self.repo.find_tree(builder.write()?)?;
        let signature = Signature::now("incidentkit", "incidentkit@localhost")?;
        let states: Vec<String> = entries
            .iter()
            .map(|e| format!("{:?} {}", e.state, e.key).to_lowercase())
            .collect();
        let message = format!(
            "notify: {} ({})\n\n{}\n",
            self.file,
            entries.len(),
            states.join("\n")
        );
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        Ok(self
            .repo
            .commit(None, &signature, &signature, &message, &tree, &parents)?)
    }

    /// `true` when the commit is now the ledger's tip; `false` when another
    /// run moved it first.
    fn publish(&self, commit: Oid) -> Result<bool, LedgerError> {
        let Some(remote) = &self.remote else {
            let moved = match self.tip {
                None => self.repo.reference(REF, commit, false, "notify"),
                Some(tip) => self
                    .repo
                    .reference_matching(REF, commit, true, tip, "notify"),
            };
            return match moved {
                Ok(_) => Ok(true),
                Err(e) if matches!(e.code(), ErrorCode::Exists | ErrorCode::Modified) => Ok(false),
                Err(e) if e.code() == ErrorCode::Locked => Err(LedgerError::Remote(format!(
                    "branch {BRANCH} is locked: another `incident notify` is writing it, or one was killed while it did; if none is running, delete {}",
                    self.repo.commondir().join(format!("{REF}.lock")).display()
                ))),
                Err(e) => Err(e.into()),
            };
        };
        let out = self.git(&["push", "--porcelain", remote, &format!("{commit}:{REF}")])?;
        if out.status.success() {
            return Ok(true);
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        if stdout.lines().any(|l| l.starts_with('!')) {
            return Ok(false);
        }
        Err(LedgerError::Remote(format!(
            "cannot push branch {BRANCH} to remote `{remote}`: {}; the job needs permission to push (GitHub Actions: `permissions: contents: write`)",
            crate::text::one_line(&String::from_utf8_lossy(&out.stderr))
        )))
    }

    /// The remote's ledger tip, fetched; `None` when it has none yet.
    ///
    /// No ref of the clone is written (the fetched tip is read from
    /// FETCH_HEAD, which git writes without a lock), so a run killed at any
    /// point leaves no lock behind for the next one.
    fn fetch(&self, remote: &str) -> Result<Option<Oid>, LedgerError> {
        for _ in 0..MAX_RACES {
            let listed = self.git(&["ls-remote", "--exit-code", remote, REF])?;
            let tip = match listed.status.code() {
                Some(2) => return Ok(None),
                Some(0) => first_oid(&String::from_utf8_lossy(&listed.stdout)),
                _ => None,
            };
            let Some(tip) = tip else {
                return Err(LedgerError::Remote(format!(
                    "cannot read branch {BRANCH} from remote `{remote}`: {}",
                    crate::text::one_line(&String::from_utf8_lossy(&listed.stderr))
                )));
            };
            if self.repo.find_commit(tip).is_ok() {
                return Ok(Some(tip));
            }
            let fetched = self.git(&[
                "-c",
                "fetch.writeFetchHEAD=true",
                "fetch",
                "--quiet",
                "--no-tags",
                // Nor the remote-tracking branch a plain fetch would update.
                "--refmap=",
                remote,
                REF,
            ])?;
            if !fetched.status.success() {
                return Err(LedgerError::Remote(format!(
                    "cannot fetch branch {BRANCH} from remote `{remote}`: {}",
                    crate::text::one_line(&String::from_utf8_lossy(&fetched.stderr))
                )));
            }
            // The tip fetched may be newer than the one listed: starting
            // from it loses fewer races with a busy run.
            let head = std::fs::read_to_string(self.repo.path().join("FETCH_HEAD"))
                .ok()
                .and_then(|text| {
                    let ours = text.lines().find(|l| l.contains(&format!("'{BRANCH}'")))?;
                    first_oid(ours)
                });
            // FETCH_HEAD is taken only when it is the tip listed or a later
            // one: another fetch in this clone may have written it.
            let later = head
                .filter(|h| *h == tip || self.repo.graph_descendant_of(*h, tip).unwrap_or(false));
            if let Some(newest) = [later, Some(tip)]
                .into_iter()
                .flatten()
                .find(|oid| self.repo.find_commit(*oid).is_ok())
            {
                return Ok(Some(newest));
            }
            // The branch was replaced while it was fetched: list it again.
        }
        Err(LedgerError::Remote(format!(
            "branch {BRANCH} of remote `{remote}` kept changing while it was fetched; try again"
        )))
    }

    fn git(&self, args: &[&str]) -> Result<std::process::Output, LedgerError> {
        Command::new("git")
            .arg("--git-dir")
            .arg(self.repo.path())
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| LedgerError::Remote(format!("cannot run `git` ({e}): install git")))
    }
}

/// The object id a line of `git ls-remote` or FETCH_HEAD starts with.
fn first_oid(text: &str) -> Option<Oid> {
    Oid::from_str(text.split_whitespace().next()?).ok()
}

fn line(e: &Entry) -> String {
    let mut text = serde_json::to_string(e).unwrap_or_default();
    text.push('\n');
    text
}

/// The remote `notify` reads and pushes the ledger to: `asked` when given
/// (it must exist), else `origin` when the repository has one, else none.
pub fn remote_for(root: &Path, asked: Option<&str>) -> Result<Option<String>, LedgerError> {
    let repo = Repository::discover(root)
        .map_err(|_| LedgerError::NotARepository(root.display().to_string()))?;
    match asked {
        Some(name) => {
            repo.find_remote(name).map_err(|_| {
                LedgerError::Remote(format!(
                    "no remote `{name}` in this repository (see `git remote -v`)"
                ))
            })?;
            Ok(Some(name.to_string()))
        }
        None => Ok(repo
            .find_remote("origin")
            .ok()
            .map(|_| "origin".to_string())),
    }
}
