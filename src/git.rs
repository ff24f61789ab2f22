//! Everything the crate asks of git (local repositories only, through
//! libgit2): the pull-request flow puts the files a command wrote on a
//! branch of their own, in one commit, touching nothing else
//! (`open_clean`, `commit_on_branch`); `changes_since` says what differs
//! from a revision (`validate --changed-since`, `diff`, `notify`);
//! `export_tree` writes the repository as it was at a revision
//! (`build --as-of REV`); `recorded_links` and `committed_links_at` find the
//! links and submodules git records where a checkout may show plain files;
//! `prefix` places the incident repository inside its git repository, for
//! links to the forge.

use crate::repo::source::NotRegular;
use git2::{Repository, Signature, StatusOptions};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{0} is not inside a git repository: run `git init` first, or leave out --branch")]
    NotARepository(String),
    #[error(
        "the git index has staged changes ({0}); commit or unstage them first (`git restore --staged .`) so the incident commit holds only its own files"
    )]
    StagedChanges(String),
    #[error(
        "the repository has no commit yet: commit what `incident init` wrote first (git add -A && git commit -m \"Start the incident repository\"), then branch from it"
    )]
    NoHead,
    #[error(
        "`{0}` is not a revision in this repository ({1}); in CI, fetch the base branch (actions/checkout with fetch-depth: 0)"
    )]
    UnknownRevision(String, String),
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

pub struct Committed {
    pub branch: String,
    pub commit: String,
}

/// Opens the repository holding `root` and refuses when its index has staged
/// changes: the commit must hold exactly the files incidentkit wrote.
pub fn open_clean(root: &Path) -> Result<Repository, GitError> {
    let repo = Repository::discover(root)
        .map_err(|_| GitError::NotARepository(root.display().to_string()))?;
    // Checked before anything is written: a commit needs a parent.
    repo.head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|_| GitError::NoHead)?;
    let mut opts = StatusOptions::new();
    opts.include_untracked(false).include_ignored(false);
    let staged: Vec<String> = repo
        .statuses(Some(&mut opts))?
        .iter()
        .filter(|s| {
            let st = s.status();
            st.is_index_new()
                || st.is_index_modified()
                || st.is_index_deleted()
                || st.is_index_renamed()
        })
        .filter_map(|s| s.path().ok().map(str::to_string))
        .collect();
    if !staged.is_empty() {
        return Err(GitError::StagedChanges(staged.join(", ")));
    }
    Ok(repo)
}

/// Commits `files` (relative to `root`) on `incident/<id>`: the current branch
/// when it already is one for this incident, otherwise a new branch from HEAD
/// (`incident/<id>-2`, … when the name is taken).
pub fn commit_on_branch(
    repo: &Repository,
    root: &Path,
    id: &str,
    files: &[String],
    message: &str,
) -> Result<Committed, GitError> {
    let head = repo.head().map_err(|_| GitError::NoHead)?;
    let parent = head.peel_to_commit().map_err(|_| GitError::NoHead)?;
    let prefix = format!("incident/{id}");
    let current = head.shorthand().unwrap_or_default().to_string();
    // A second branch of one incident is `incident/<id>_2`: ids are lowercase
    // words joined by dashes, so `_` never makes the branch of another
    // incident (`<id>-2` is the id of a second incident of that title).
    let is_ours = current == prefix
        || current
            .strip_prefix(&format!("{prefix}_"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let branch = if is_ours {
        current
    } else {
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    prefix.clone()
                } else {
                    format!("{prefix}_{n}")
                }
            })
            .find(|name| repo.find_branch(name, git2::BranchType::Local).is_err())
            .unwrap_or(prefix);
        repo.branch(&name, &parent, false)?;
        // Same commit as HEAD, so the working tree does not change.
        repo.set_head(&format!("refs/heads/{name}"))?;
        name
    };
    let workdir = repo
        .workdir()
        .ok_or_else(|| GitError::NotARepository(root.display().to_string()))?;
    let root = root
        .canonicalize()
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    let workdir = workdir
        .canonicalize()
        .map_err(|e| git2::Error::from_str(&e.to_string()))?;
    let base = root.strip_prefix(&workdir).unwrap_or(Path::new(""));
    let mut index = repo.index()?;
    for file in files {
        index.add_path(&base.join(file))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let signature = repo
        .signature()
        .or_else(|_| Signature::now("incidentkit", "incidentkit@localhost"))?;
    let oid = repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &[&parent],
    )?;
    Ok(Committed {
        branch,
        commit: oid.to_string(),
    })
}

/// The branch a pull request from here goes into: the branch HEAD is on,
/// unless that is an incident branch; then origin's default branch
/// (`origin/HEAD`), else `main`.
pub fn base_branch(repo: &Repository) -> String {
    let current = repo
        .head()
        .ok()
        .and_then(|h| h.shorthand().ok().map(str::to_string))
        .filter(|b| !b.starts_with("incident/") && b != "HEAD");
    current.unwrap_or_else(|| {
        repo.find_reference("refs/remotes/origin/HEAD")
            .ok()
            .and_then(|r| r.symbolic_target().ok().flatten().map(str::to_string))
            .and_then(|t| t.strip_prefix("refs/remotes/origin/").map(str::to_string))
            .unwrap_or_else(|| "main".to_string())
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

/// A file that differs between a base revision and the working tree.
#[derive(Debug, Clone)]
pub struct Changed {
    /// Relative to the incident repository root, with `/`.
    pub path: String,
    pub change: Change,
    /// The file's content at the base revision, when it was a file there
    /// (the blob of a link holds its target: never read).
    pub base: Option<Vec<u8>>,
    /// Set when git records the entry as a link or a submodule (modes
    /// 120000, 160000), whatever the checkout made of it.
    pub refused: Option<NotRegular>,
}

/// What git's tree entry mode says stands at a path, when it is not a file
/// or a folder.
fn refused(mode: git2::FileMode) -> Option<NotRegular> {
    match mode {
        git2::FileMode::Link => Some(NotRegular::Link),
        git2::FileMode::Commit => Some(NotRegular::Submodule),
        _ => None,
    }
}

fn is_blob(mode: git2::FileMode) -> bool {
    matches!(mode, git2::FileMode::Blob | git2::FileMode::BlobExecutable)
}

/// What differs between `rev` and the working tree (committed, staged,
/// unstaged and untracked), limited to the incident repository at `root`.
pub fn changes_since(root: &Path, rev: &str) -> Result<Vec<Changed>, GitError> {
    let repo = Repository::discover(root)
        .map_err(|_| GitError::NotARepository(root.display().to_string()))?;
    let base_tree = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| GitError::UnknownRevision(rev.to_string(), e.message().to_string()))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| GitError::NotARepository(root.display().to_string()))?;
    let io = |e: std::io::Error| git2::Error::from_str(&e.to_string());
    let root = root.canonicalize().map_err(io)?;
    let workdir = workdir.canonicalize().map_err(io)?;
    let prefix = root
        .strip_prefix(&workdir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    if !prefix.is_empty() {
        opts.pathspec(format!("{prefix}/"));
    }
    let diff = repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let change = match delta.status() {
            git2::Delta::Added | git2::Delta::Untracked => Change::Added,
            git2::Delta::Deleted => Change::Deleted,
            git2::Delta::Modified | git2::Delta::Typechange => Change::Modified,
            _ => continue,
        };
        let file = if change == Change::Deleted {
            delta.old_file()
        } else {
            delta.new_file()
        };
        let Some(path) = file.path().and_then(|p| p.to_str()) else {
            continue;
        };
        let path = match prefix.as_str() {
            "" => path.to_string(),
            p => match path.strip_prefix(&format!("{p}/")) {
                Some(rest) => rest.to_string(),
                None => continue,
            },
        };
        let old = delta.old_file();
        let base = match change {
            Change::Added => None,
            _ if !is_blob(old.mode()) => None,
            _ => Some(repo.find_blob(old.id())?.content().to_vec()),
        };
        out.push(Changed {
            path,
            change,
            base,
            refused: refused(file.mode()),
        });
    }
    Ok(out)
}

/// What a raw git mode (index entry or tree entry) says stands at a path,
/// when it is a link (120000) or a submodule (160000).
fn refused_mode(mode: u32) -> Option<NotRegular> {
    match mode & 0o170000 {
        0o120000 => Some(NotRegular::Link),
        0o160000 => Some(NotRegular::Submodule),
        _ => None,
    }
}

/// The entries git's index records as links (mode 120000) or submodules
/// (160000) inside the incident repository at `root`, relative to it: what
/// a pull request committed, even where the checkout made plain files of
/// them. Empty outside git.
pub fn recorded_links(root: &Path) -> BTreeMap<String, NotRegular> {
    let mut found = BTreeMap::new();
    let Ok(repo) = Repository::discover(root) else {
        return found;
    };
    let Ok(index) = repo.index() else {
        return found;
    };
    let prefix = prefix_in(&repo, root);
    for entry in index.iter() {
        let Some(what) = refused_mode(entry.mode) else {
            continue;
        };
        let path = String::from_utf8_lossy(&entry.path);
        if let Some(path) = path.strip_prefix(&prefix) {
            found.insert(path.to_string(), what);
        }
    }
    found
}

/// `recorded_links` for a few paths (relative to `root`): the links and
/// submodules HEAD records at each of `paths`, under it, or at a folder on
/// the way to it. It reads the trees on those ways, not the whole index, so
/// a command on one incident costs that incident. Empty outside git and
/// before the first commit.
pub fn committed_links_at(root: &Path, paths: &[String]) -> BTreeMap<String, NotRegular> {
    let mut found = BTreeMap::new();
    let Ok(repo) = Repository::discover(root) else {
        return found;
    };
    let Ok(head) = repo.head().and_then(|h| h.peel_to_tree()) else {
        return found;
    };
    let prefix = prefix_in(&repo, root);
    for path in paths {
        let parts: Vec<&str> = path.split('/').collect();
        let mut at = None;
        for n in 1..=parts.len() {
            let way = parts[..n].join("/");
            let Ok(entry) = head.get_path(Path::new(&format!("{prefix}{way}"))) else {
                break;
            };
            if let Some(what) = refused_mode(entry.filemode() as u32) {
                found.insert(way, what);
                break;
            }
            if n == parts.len() {
                at = entry.to_object(&repo).ok().and_then(|o| o.into_tree().ok());
            }
        }
        let Some(tree) = at else {
            continue;
        };
        let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if let (Some(what), Ok(name)) = (refused_mode(entry.filemode() as u32), entry.name()) {
                found.insert(format!("{path}/{dir}{name}"), what);
            }
            git2::TreeWalkResult::Ok
        });
    }
    found
}

/// Where `root` sits inside its git repository, as `examples/acme/` (empty
/// at the top or outside git): for links to files on the forge.
pub fn prefix(root: &Path) -> String {
    Repository::discover(root).map_or_else(|_| String::new(), |repo| prefix_in(&repo, root))
}

fn prefix_in(repo: &Repository, root: &Path) -> String {
    let (Some(workdir), Ok(root)) = (repo.workdir(), root.canonicalize()) else {
        return String::new();
    };
    let Ok(workdir) = workdir.canonicalize() else {
        return String::new();
    };
    root.strip_prefix(&workdir)
        .ok()
        .and_then(Path::to_str)
        .filter(|p| !p.is_empty())
        .map(|p| format!("{}/", p.replace('\\', "/")))
        .unwrap_or_default()
}

/// Writes the incident repository at `root` as it was at revision `rev`
/// into `dest` (an empty folder), for building the page as it was then.
/// Returns the time of the commit.
pub fn export_tree(root: &Path, rev: &str, dest: &Path) -> Result<jiff::Timestamp, GitError> {
    let repo = Repository::discover(root)
        .map_err(|_| GitError::NotARepository(root.display().to_string()))?;
    let commit = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| GitError::UnknownRevision(rev.to_string(), e.message().to_string()))?;
    let prefix = prefix(root);
    let tree = commit.tree()?;
    let io = |e: std::io::Error| git2::Error::from_str(&e.to_string());
    let mut failed: Option<git2::Error> = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return git2::TreeWalkResult::Ok;
        }
        let path = format!("{dir}{}", entry.name().unwrap_or_default());
        let Some(rel) = path.strip_prefix(&prefix) else {
            return git2::TreeWalkResult::Ok;
        };
        let written = repo.find_blob(entry.id()).and_then(|blob| {
            let file = dest.join(rel);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&file, blob.content()).map_err(io)
        });
        match written {
            Ok(()) => git2::TreeWalkResult::Ok,
            Err(e) => {
                failed = Some(e);
                git2::TreeWalkResult::Abort
            }
        }
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    jiff::Timestamp::from_second(commit.time().seconds())
        .map_err(|e| GitError::Git(git2::Error::from_str(&e.to_string())))
}
