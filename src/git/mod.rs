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

mod index_file;
mod kept_links;
mod tree_diff;
mod worktree;

use crate::repo::source::NotRegular;
use git2::{Repository, Signature, StatusOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
///
/// In two steps that each cost what changed, where libgit2's diff of a
/// tree against the working tree would read every tree of the base: the
/// base tree against the index's tree (`tree_diff`: their shared subtrees
/// have the same ids, and the index's tree comes from its cache of trees,
/// which git keeps valid for the folders nothing was staged in), then the
/// index against the working tree in the folders where the stat data says
/// it may differ (`worktree`).
/// When the cache of trees holds the whole index's tree (nothing staged:
/// a clone, a checkout, after a commit) the index is read from its file
/// (`index_file`) and libgit2 compares the few folders in question against
/// their entries alone: loading all 87,000 entries of a 10,000-incident
/// index took libgit2 a core for a tenth of a second and 20 MB.
pub fn changes_since(root: &Path, rev: &str) -> Result<Vec<Changed>, GitError> {
    let repo = Repository::discover(root)
        .map_err(|_| GitError::NotARepository(root.display().to_string()))?;
    let base_tree = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| GitError::UnknownRevision(rev.to_string(), e.message().to_string()))?;
    if repo.workdir().is_none() {
        return Err(GitError::NotARepository(root.display().to_string()));
    }
    let prefix = prefix_in(&repo, root);
    // Only what incidentkit reads: a change elsewhere (the built site, the
    // workflows) cannot matter, and its folders are not even listed.
    let roots = [
        crate::repo::CONFIG_FILE,
        crate::paths::INCIDENTS,
        crate::paths::TEMPLATES,
    ];
    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    for path in roots {
        opts.pathspec(format!("{prefix}{path}"));
    }
    let index_written = std::fs::metadata(repo.path().join("index"))
        .and_then(|m| m.modified())
        .ok();
    let base = Base {
        repo: &repo,
        tree: &base_tree,
        prefix: &prefix,
        roots: &roots,
    };
    let mut sides: BTreeMap<String, Sides> = BTreeMap::new();
    // The working tree is listed while the index is read and the staged
    // change is found.
    let (index, listed) = std::thread::scope(|scope| {
        let listing = scope.spawn(|| worktree::list(root));
        let index = read_index(&base, &mut opts, &mut sides);
        let listed = listing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        index.map(|index| (index, listed))
    })?;
    let entries = match &index {
        IndexSource::File(entries) | IndexSource::Loaded(_, entries) => entries,
    };
    let suspects =
        listed.and_then(|listed| worktree::suspects(listed, entries, index_written, &prefix));
    let unstaged = unstaged(&base, index, suspects, &mut opts, &mut sides)?;
    for delta in unstaged.diff.deltas() {
        if let Some(path) = delta_path(&delta) {
            sides.entry(path).or_default().unstaged = Some(Side::of(&delta));
        }
    }
    let mut out = Vec::new();
    for (path, sides) in sides {
        let Some(path) = path.strip_prefix(&prefix) else {
            continue;
        };
        let on_disk = path_in(&repo, &prefix, path);
        out.extend(sides.resolve(&repo, path, &on_disk)?);
    }
    Ok(out)
}

/// What a change is measured from: the base tree, and what of the working
/// tree incidentkit reads (`roots` of the incident repository at `prefix`).
struct Base<'a, 'r> {
    repo: &'r Repository,
    tree: &'a git2::Tree<'r>,
    prefix: &'a str,
    roots: &'a [&'a str],
}

/// The index as `changes_since` compares it: its entries, and libgit2's
/// index when libgit2 loaded it.
enum IndexSource {
    /// Read from the file (`index_file::read`): its cache of trees held
    /// the tree of the whole index.
    File(Vec<git2::IndexEntry>),
    Loaded(git2::Index, Vec<git2::IndexEntry>),
}

/// Reads the index and puts the change from the base to it in `sides`:
/// from the index file when its cache of trees holds its tree, else as
/// libgit2 loads it.
fn read_index(
    base: &Base<'_, '_>,
    opts: &mut git2::DiffOptions,
    sides: &mut BTreeMap<String, Sides>,
) -> Result<IndexSource, GitError> {
    let repo = base.repo;
    // Where names ignore case, libgit2 matches them so: its own load.
    let exact_case = !repo
        .config()
        .and_then(|c| c.get_bool("core.ignorecase"))
        .unwrap_or(false);
    let read = exact_case
        .then(|| index_file::read(repo, base.prefix))
        .flatten()
        .and_then(|index| {
            let tree = repo.find_tree(index.tree?).ok()?;
            Some((index.entries, tree))
        });
    if let Some((entries, tree)) = read {
        put_staged(base, &tree, sides)?;
        return Ok(IndexSource::File(entries));
    }
    let index = staged(base, opts, sides)?;
    let entries = index
        .iter()
        .filter(|e| e.path.starts_with(base.prefix.as_bytes()))
        .collect();
    Ok(IndexSource::Loaded(index, entries))
}

/// Puts the change from the base to the index's `tree` in `sides`.
fn put_staged(
    base: &Base<'_, '_>,
    tree: &git2::Tree<'_>,
    sides: &mut BTreeMap<String, Sides>,
) -> Result<(), git2::Error> {
    for (path, side) in tree_diff::changes(base.repo, base.tree, tree, base.prefix, base.roots)? {
        sides.entry(path).or_default().staged = Some(side);
    }
    Ok(())
}

/// Loads the index and puts the change from the base to it in `sides`.
fn staged(
    base: &Base<'_, '_>,
    opts: &mut git2::DiffOptions,
    sides: &mut BTreeMap<String, Sides>,
) -> Result<git2::Index, GitError> {
    let repo = base.repo;
    let mut index = repo.index()?;
    // The index as a tree: from git's cache of trees when nothing is staged
    // (no object written), else written as `git commit` would.
    match index.write_tree().and_then(|oid| repo.find_tree(oid)) {
        Ok(tree) => put_staged(base, &tree, sides)?,
        // A repository we may not write to: compare with the index itself.
        Err(_) => {
            let staged = repo.diff_tree_to_index(Some(base.tree), Some(&index), Some(opts))?;
            for delta in staged.deltas() {
                if let Some(path) = delta_path(&delta) {
                    sides.entry(path).or_default().staged = Some(Side::of(&delta));
                }
            }
        }
    }
    Ok(index)
}

/// The change from the index to the working tree, with the index it was
/// made against, kept while the change is read.
struct Unstaged<'r> {
    diff: git2::Diff<'r>,
    _index: git2::Index,
}

/// The index against the working tree: read from the file, only the
/// `suspects` against their entries alone, in an index in memory (which
/// checks the paths it takes, as loading one does not: one it refuses
/// sends everything to libgit2); else against the index libgit2 loads,
/// both sides from that one load.
fn unstaged<'r>(
    base: &Base<'_, 'r>,
    index: IndexSource,
    suspects: Option<std::collections::BTreeSet<String>>,
    opts: &mut git2::DiffOptions,
    sides: &mut BTreeMap<String, Sides>,
) -> Result<Unstaged<'r>, GitError> {
    let repo = base.repo;
    let refresh = suspects
        .as_ref()
        .is_some_and(|s| s.len() >= REFRESHING_FROM);
    if !refresh
        && let (Some(suspects), IndexSource::File(entries)) = (&suspects, &index)
        && let Ok(mut narrowed) = worktree::narrowed(entries, suspects, base.prefix)
    {
        // As the repository's index: libgit2 would otherwise load the
        // whole file to learn whether names ignore case.
        repo.set_index(&mut narrowed)?;
        let diff = only_in(repo, &narrowed, base.prefix, suspects)?;
        return Ok(Unstaged {
            diff,
            _index: narrowed,
        });
    }
    let mut index = match index {
        IndexSource::Loaded(index, _) => index,
        IndexSource::File(_) => {
            sides.clear();
            staged(base, opts, sides)?
        }
    };
    let diff = match &suspects {
        Some(_) if refresh => refreshing(repo, &mut index, opts)?,
        Some(suspects) => only_in(repo, &index, base.prefix, suspects)?,
        None => repo.diff_index_to_workdir(Some(&index), Some(opts))?,
    };
    Ok(Unstaged {
        diff,
        _index: index,
    })
}

/// From how many folders whose stat data the index cannot vouch for the
/// stat data libgit2 finds unchanged by content is written back to git's
/// index, as `git status` does. A checkout copied or restored from a cache
/// has every file's inode and times new: each run hashed all 87,000 files
/// of a 10,000-incident repository again (5.8 s every run); refreshed, the
/// first run takes 7.3 s and the next 0.26 s. A few folders cost less to
/// hash than the whole index costs to load and write.
const REFRESHING_FROM: usize = 256;

/// The index (`index`, the repository's own, as loaded) against the
/// working tree in all that incidentkit reads (`opts`), writing back the
/// stat data of the files found unchanged, and the cache of trees that
/// writing each one invalidates (an index without it is loaded whole by
/// the next run). Over all of it rather than by suspect folder: the stat
/// data of the rest still holds, so only the suspects are hashed.
/// When the index cannot be written (git holds its lock, the repository is
/// read-only) the comparison is made again without writing.
fn refreshing<'r>(
    repo: &'r Repository,
    index: &mut git2::Index,
    opts: &mut git2::DiffOptions,
) -> Result<git2::Diff<'r>, git2::Error> {
    let refreshed = repo.diff_index_to_workdir(Some(index), Some(opts.update_index(true)));
    opts.update_index(false);
    match refreshed {
        Ok(diff) => {
            // Only the stat data changed: the same tree, its objects known.
            if index.write_tree().is_ok() {
                // Best effort: unwritten, the next run loads the index whole.
                let _ = index.write();
            }
            Ok(diff)
        }
        Err(_) => repo.diff_index_to_workdir(Some(index), Some(opts)),
    }
}

/// The index against the working tree in the configuration, `templates/`
/// and the folders `suspects` names, by literal path: libgit2 then walks
/// only these.
fn only_in<'r>(
    repo: &'r Repository,
    index: &git2::Index,
    prefix: &str,
    suspects: &std::collections::BTreeSet<String>,
) -> Result<git2::Diff<'r>, git2::Error> {
    let mut only = git2::DiffOptions::new();
    only.include_untracked(true)
        .recurse_untracked_dirs(true)
        .disable_pathspec_match(true);
    let always = [crate::repo::CONFIG_FILE, crate::paths::TEMPLATES];
    for path in always
        .iter()
        .copied()
        .chain(suspects.iter().map(String::as_str))
    {
        only.pathspec(format!("{prefix}{path}"));
    }
    repo.diff_index_to_workdir(Some(index), Some(&mut only))
}

/// One side of a path's change: before and after, as git's delta says.
#[derive(Debug, Clone, Copy)]
struct Side {
    status: git2::Delta,
    old: (git2::Oid, git2::FileMode),
    new: (git2::Oid, git2::FileMode),
}

impl Side {
    fn of(delta: &git2::DiffDelta<'_>) -> Self {
        let (old, new) = (delta.old_file(), delta.new_file());
        Side {
            status: delta.status(),
            old: (old.id(), old.mode()),
            new: (new.id(), new.mode()),
        }
    }

    fn before_exists(&self) -> bool {
        !matches!(self.status, git2::Delta::Added | git2::Delta::Untracked)
    }

    fn after_exists(&self) -> bool {
        self.status != git2::Delta::Deleted
    }
}

/// A path's change from the base to the index, and from the index to the
/// working tree.
#[derive(Debug, Default)]
struct Sides {
    staged: Option<Side>,
    unstaged: Option<Side>,
}

impl Sides {
    /// The change of `path` from the base to the working tree (`on_disk`),
    /// with the base's blob when it was a file there and what git says
    /// stands at the path now (the working tree's mode, or the index's for
    /// a path left as staged). `None` when the working tree holds what the
    /// base held.
    fn resolve(
        &self,
        repo: &Repository,
        path: &str,
        on_disk: &Path,
    ) -> Result<Option<Changed>, GitError> {
        let (in_base, base) = match (self.staged, self.unstaged) {
            (Some(s), _) => (s.before_exists(), s.old),
            // Untracked: neither in the index nor, as nothing was staged, in
            // the base.
            (None, Some(u)) => (u.before_exists(), u.old),
            (None, None) => return Ok(None),
        };
        let (in_workdir, now) = match (self.unstaged, self.staged) {
            (Some(u), _) => (u.after_exists(), u.new.1),
            (None, Some(s)) => (s.after_exists(), s.new.1),
            (None, None) => return Ok(None),
        };
        let change = match (in_base, in_workdir) {
            (false, false) => return Ok(None),
            (false, true) => Change::Added,
            (true, false) => Change::Deleted,
            (true, true) => Change::Modified,
        };
        let base_blob = match change {
            Change::Added => None,
            _ if !is_blob(base.1) => None,
            _ => Some(repo.find_blob(base.0)?.content().to_vec()),
        };
        // Staged one way and changed back in the working tree.
        if change == Change::Modified && self.staged.is_some() && self.unstaged.is_some() {
            let same = base_blob.as_deref().is_some_and(|blob| {
                std::fs::read(on_disk).is_ok_and(|text| text == blob) && base.1 == now
            });
            if same {
                return Ok(None);
            }
        }
        Ok(Some(Changed {
            path: path.to_string(),
            change,
            base: base_blob,
            refused: refused(now),
        }))
    }
}

fn delta_path(delta: &git2::DiffDelta<'_>) -> Option<String> {
    let file = if delta.status() == git2::Delta::Deleted {
        delta.old_file()
    } else {
        delta.new_file()
    };
    file.path().and_then(|p| p.to_str()).map(str::to_string)
}

/// Where a path of the incident repository lies on disk.
fn path_in(repo: &Repository, prefix: &str, path: &str) -> std::path::PathBuf {
    repo.workdir()
        .unwrap_or(Path::new("."))
        .join(format!("{prefix}{path}"))
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
/// them. Empty outside git (or in a repository libgit2 cannot open). An
/// index that cannot be read (split, sparse) is an error: what it records
/// must be known before any file is read. With `keeping`, what was found
/// is kept in the git folder for the next run (`kept_links`): not for a
/// revision written out to a folder inside some other repository.
pub fn recorded_links(root: &Path, keeping: bool) -> std::io::Result<kept_links::Links> {
    let Ok(repo) = Repository::discover(root) else {
        return Ok(BTreeMap::new());
    };
    let prefix = prefix_in(&repo, root);
    let index = keeping
        .then(|| std::fs::metadata(repo.path().join("index")).ok())
        .flatten()
        .map(|meta| crate::repo::Stamp::of(&meta));
    let kept = index.map(|index| (kept_in(&repo, &prefix, "links.json"), index));
    if let Some(links) = kept
        .as_ref()
        .and_then(|(file, index)| kept_links::read(file, index))
    {
        return Ok(links);
    }
    let found = links_in_index(&repo, &prefix)?;
    if let Some((file, index)) = kept {
        kept_links::keep(&file, &index, &found);
    }
    Ok(found)
}

/// `recorded_links`, read from the index.
fn links_in_index(repo: &Repository, prefix: &str) -> std::io::Result<kept_links::Links> {
    let mut found = BTreeMap::new();
    let refused = |mode| refused_mode(mode).is_some();
    let entries = match index_file::entries_with(repo, refused) {
        Some(entries) => entries,
        None => match repo.index() {
            Ok(index) => index
                .iter()
                .filter(|e| refused(e.mode))
                .map(|e| (e.path, e.mode))
                .collect(),
            Err(e) => {
                // Not "try again": the index needs turning back (exit 2).
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    format!(
                        "cannot read git's index {} ({}): which files git records as links is unknown, so none is read; \
                     turn a split or sparse index off: `git update-index --no-split-index`, `git sparse-checkout disable`",
                        repo.path().join("index").display(),
                        e.message()
                    ),
                ));
            }
        },
    };
    for (path, mode) in entries {
        let path = String::from_utf8_lossy(&path);
        if let (Some(path), Some(what)) = (path.strip_prefix(prefix), refused_mode(mode)) {
            found.insert(path.to_string(), what);
        }
    }
    Ok(found)
}

/// Objects are read as git reads them: taken to be what their ids say,
/// without hashing each again. libgit2 hashes every object it reads with
/// collision-detecting SHA-1 unless told not to: the tree of 10,000
/// incident folders (600 kB) cost a command on one incident half its time.
/// What reaches the object store was hashed when it came (commit, fetch);
/// checking it again is `git fsck`'s work.
pub fn read_as_git_does() {
    git2::opts::strict_hash_verification(false);
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

/// A file named `name` for the incident repository at `root`, in a place
/// the whole git repository shares (the ledger branch, `.git/incidentkit/`):
/// `name` itself, or `<folder>.name` for an incident repository in a folder.
pub fn file_for(root: &Path, name: &str) -> String {
    named_for(&prefix(root), name)
}

fn named_for(prefix: &str, name: &str) -> String {
    match prefix.trim_end_matches('/') {
        "" => name.to_string(),
        folder => format!("{}.{name}", folder.replace('/', "-")),
    }
}

/// The file `name` incidentkit keeps for the incident repository at `root`
/// in the git folder (`.git/incidentkit/`, `file_for`); `None` outside git.
pub fn kept_file(root: &Path, name: &str) -> Option<PathBuf> {
    let repo = Repository::discover(root).ok()?;
    Some(kept_in(&repo, &prefix_in(&repo, root), name))
}

/// `kept_file` in `repo`, for the incident repository at `prefix` in it.
fn kept_in(repo: &Repository, prefix: &str, name: &str) -> PathBuf {
    repo.path()
        .join("incidentkit")
        .join(named_for(prefix, name))
}

/// `files`, their stamped scans keeping what they listed in the git folder
/// (`layout::Listings`) and taking it again.
pub fn keeping_listings(files: crate::repo::Files) -> crate::repo::Files {
    let kept = kept_file(files.root(), crate::repo::layout::LISTINGS_FILE);
    files.keeping_listings(kept)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_file_for_an_incident_repository_in_a_folder_is_named_after_it() {
        let tmp = tempfile::tempdir().unwrap();
        let nested = tmp.path().join("ops/incidents-repo");
        fs::create_dir_all(&nested).unwrap();
        assert_eq!(file_for(tmp.path(), "x.json"), "x.json", "outside git");
        Repository::init(tmp.path()).unwrap();
        assert_eq!(file_for(tmp.path(), "x.json"), "x.json");
        assert_eq!(file_for(&nested, "x.json"), "ops-incidents-repo.x.json");
    }

    /// The git program run in `dir`, which must succeed: its output.
    pub(super) fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn commit_all(repo: &Repository) {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::now("test", "test@example.invalid").unwrap();
        let parents: Vec<git2::Commit> = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &parents)
            .unwrap();
    }

    #[test]
    fn changes_since_sees_committed_staged_unstaged_and_untracked_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let repo = Repository::init(root).unwrap();
        let write = |path: &str, text: &str| {
            let file = root.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, text).unwrap();
        };
        write("incidentkit.yaml", "site: {name: x}\n");
        write("README.md", "hello\n");
        write("incidents/a/incident.yaml", "title: A\n");
        write("incidents/a/updates/1.yaml", "status: resolved\n");
        write("incidents/b/incident.yaml", "title: B\n");
        commit_all(&repo);
        // Committed after the base.
        write("incidents/c/incident.yaml", "title: C\n");
        commit_all(&repo);
        // Staged.
        write("incidents/d/incident.yaml", "title: D\n");
        let mut index = repo.index().unwrap();
        index
            .add_path(Path::new("incidents/d/incident.yaml"))
            .unwrap();
        index.write().unwrap();
        // Staged, then changed back in the working tree: no change.
        write("incidents/b/incident.yaml", "title: B2\n");
        index
            .add_path(Path::new("incidents/b/incident.yaml"))
            .unwrap();
        index.write().unwrap();
        write("incidents/b/incident.yaml", "title: B\n");
        // Unstaged, outside incidents/: the configuration.
        write("incidentkit.yaml", "site: {name: y}\n");
        // Untracked.
        write("incidents/e/incident.yaml", "title: E\n");
        // Deleted.
        fs::remove_file(root.join("incidents/a/updates/1.yaml")).unwrap();
        // Outside what incidentkit reads.
        write("README.md", "changed\n");
        write("site/index.html", "built\n");

        let changes = changes_since(root, "HEAD~1").unwrap();
        let seen: Vec<(&str, Change, Option<&[u8]>)> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.change, c.base.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "incidentkit.yaml",
                    Change::Modified,
                    Some(&b"site: {name: x}\n"[..])
                ),
                (
                    "incidents/a/updates/1.yaml",
                    Change::Deleted,
                    Some(&b"status: resolved\n"[..])
                ),
                ("incidents/c/incident.yaml", Change::Added, None),
                ("incidents/d/incident.yaml", Change::Added, None),
                ("incidents/e/incident.yaml", Change::Added, None),
            ]
        );
    }

    fn write_in(root: &Path, path: &str, text: &str) {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
    }

    /// What libgit2's own diffs say, each path with its change: the
    /// reference the faster walks must agree with.
    fn deltas(diff: &git2::Diff<'_>) -> Vec<(String, git2::Delta, git2::Oid, git2::Oid)> {
        let mut found: Vec<_> = diff
            .deltas()
            .map(|d| {
                let status = match d.status() {
                    git2::Delta::Typechange => git2::Delta::Modified,
                    git2::Delta::Untracked => git2::Delta::Added,
                    other => other,
                };
                (
                    delta_path(&d).unwrap(),
                    status,
                    d.old_file().id(),
                    d.new_file().id(),
                )
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    /// libgit2 names no id for the missing side of an added or deleted file.
    fn known_ids(
        found: &[(String, git2::Delta, git2::Oid, git2::Oid)],
    ) -> Vec<(String, git2::Delta, git2::Oid, git2::Oid)> {
        let zero = git2::Oid::ZERO_SHA1;
        found
            .iter()
            .map(|(p, s, a, b)| {
                let a = if *s == git2::Delta::Added { zero } else { *a };
                let b = if *s == git2::Delta::Deleted { zero } else { *b };
                (p.clone(), *s, a, b)
            })
            .collect()
    }

    #[test]
    fn the_tree_walk_finds_what_libgit2s_tree_diff_finds() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let repo = Repository::init(root).unwrap();
        let w = |path: &str, text: &str| write_in(root, &format!("ops/{path}"), text);
        w("incidentkit.yaml", "site: {name: x}\n");
        w("incidents/a/incident.yaml", "title: A\n");
        w("incidents/a/updates/1.yaml", "status: investigating\n");
        w("incidents/a/notes", "a file, then a folder\n");
        w("incidents/b/incident.yaml", "title: B\n");
        w("incidents/b/updates/1.yaml", "status: resolved\n");
        w("incidents/c/incident.yaml", "title: C\n");
        w("templates/page.html", "<p>1</p>\n");
        w("README.md", "outside\n");
        write_in(root, "elsewhere/incidents/x.yaml", "not ours\n");
        commit_all(&repo);
        let before = repo.head().unwrap().peel_to_tree().unwrap();
        w("incidents/a/updates/1.yaml", "status: identified\n");
        w("incidents/a/updates/2.yaml", "status: monitoring\n");
        fs::remove_file(root.join("ops/incidents/a/notes")).unwrap();
        w("incidents/a/notes/n.md", "now a folder\n");
        fs::remove_dir_all(root.join("ops/incidents/b")).unwrap();
        w("incidents/d/incident.yaml", "title: D\n");
        fs::remove_file(root.join("ops/incidents/c/incident.yaml")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("ops/incidents/c/incident.yaml"))
            .unwrap();
        w("templates/page.html", "<p>2</p>\n");
        w("README.md", "changed, outside\n");
        write_in(root, "elsewhere/incidents/x.yaml", "changed, not ours\n");
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        let after = repo.find_tree(index.write_tree().unwrap()).unwrap();

        let roots = [
            crate::repo::CONFIG_FILE,
            crate::paths::INCIDENTS,
            crate::paths::TEMPLATES,
        ];
        let mut walked: Vec<_> = tree_diff::changes(&repo, &before, &after, "ops/", &roots)
            .unwrap()
            .into_iter()
            .map(|(path, side)| (path, side.status, side.old.0, side.new.0))
            .collect();
        walked.sort_by(|a, b| a.0.cmp(&b.0));
        let mut opts = git2::DiffOptions::new();
        for path in roots {
            opts.pathspec(format!("ops/{path}"));
        }
        let diffed = repo
            .diff_tree_to_tree(Some(&before), Some(&after), Some(&mut opts))
            .unwrap();
        let expected = deltas(&diffed);
        assert_eq!(expected.len(), 10, "{expected:?}");
        assert_eq!(known_ids(&walked), known_ids(&expected));
        assert!(
            tree_diff::changes(&repo, &before, &before, "ops/", &roots)
                .unwrap()
                .is_empty()
        );
    }

    /// What `changes_since` says, each path with its change.
    fn paths_changed_since(root: &Path, rev: &str) -> Vec<(String, Change)> {
        changes_since(root, rev)
            .unwrap()
            .into_iter()
            .map(|c| (c.path, c.change))
            .collect()
    }

    /// The index read from its file when it holds its cache of trees (as git
    /// writes it after a commit), else loaded by libgit2: the same answer.
    #[test]
    fn the_working_tree_is_compared_as_libgit2_compares_it() {
        compare_working_tree(false);
        compare_working_tree(true);
    }

    fn compare_working_tree(cached_tree: bool) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let repo = Repository::init(root).unwrap();
        let w = |path: &str, text: &str| write_in(root, path, text);
        w("incidentkit.yaml", "site: {name: x}\n");
        for id in ["a", "b", "c", "d", "e", "f"] {
            w(
                &format!("incidents/{id}/incident.yaml"),
                &format!("title: {id}\n"),
            );
            w(
                &format!("incidents/{id}/updates/1.yaml"),
                "status: resolved\n",
            );
        }
        w("incidents/g/.keep", "");
        // Modified long before the index was written: not racy.
        let file = root.join("incidents/a/updates/1.yaml");
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        let set_modified = || {
            let opened = fs::File::options().write(true).open(&file).unwrap();
            opened.set_modified(long_ago).unwrap();
        };
        set_modified();
        // The index written a second after every file: none is racy (a racy
        // entry is recorded with no size, and its whole folder diffed).
        std::thread::sleep(std::time::Duration::from_millis(1100));
        commit_all(&repo);
        if cached_tree {
            let mut index = repo.index().unwrap();
            index.write_tree().unwrap();
            index.write().unwrap();
        }
        let tree = index_file::read(&repo, "").and_then(|i| i.tree);
        assert_eq!(tree.is_some(), cached_tree);
        assert!(tree.is_none_or(|tree| repo.find_tree(tree).is_ok()));
        // Same size and inode, modification time put back: only the change
        // time tells.
        fs::write(&file, "status: RESOLVED\n").unwrap();
        set_modified();
        w("incidents/b/updates/2.yaml", "status: resolved\n");
        fs::remove_file(root.join("incidents/c/updates/1.yaml")).unwrap();
        fs::remove_dir_all(root.join("incidents/d/updates")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("incidents/d/updates")).unwrap();
        w("incidents/h/incident.yaml", "title: h\n");
        w("incidents/stray.txt", "x\n");
        w("incidentkit.yaml", "site: {name: y}\n");
        // Touched, same content: not a change.
        let same = root.join("incidents/e/incident.yaml");
        fs::write(&same, fs::read(&same).unwrap()).unwrap();
        w("incidents/g/.keep", "hidden: never read\n");

        let found = paths_changed_since(root, "HEAD");
        let mut opts = git2::DiffOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true);
        let index = repo.index().unwrap();
        let full = repo
            .diff_index_to_workdir(Some(&index), Some(&mut opts))
            .unwrap();
        let expected: Vec<(String, Change)> = deltas(&full)
            .into_iter()
            .filter(|(path, ..)| !path.contains("/."))
            .map(|(path, status, ..)| {
                let change = match status {
                    git2::Delta::Added => Change::Added,
                    git2::Delta::Deleted => Change::Deleted,
                    _ => Change::Modified,
                };
                (path, change)
            })
            .collect();
        assert_eq!(expected.len(), 8, "{expected:?}");
        assert_eq!(found, expected);
    }

    /// As git itself leaves a repository: the incident repository in a
    /// folder, a commit taken back into the index (`reset --soft`: staged,
    /// the cache of trees still whole), a file changed and one added.
    #[test]
    fn an_index_git_wrote_is_read_from_its_file_with_the_same_answer() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        git(top, &["init", "-q", "-b", "main"]);
        let root = top.join("ops/status");
        write_in(&root, "incidentkit.yaml", "site: {name: x}\n");
        write_in(&root, "incidents/a/incident.yaml", "title: a\n");
        write_in(&root, "incidents/b/incident.yaml", "title: b\n");
        write_in(top, ".gitattributes", "*.yaml text\n");
        git(top, &["add", "-A"]);
        git(top, &["commit", "-q", "-m", "one"]);
        write_in(&root, "incidents/a/updates/1.yaml", "status: resolved\n");
        git(top, &["add", "-A"]);
        git(top, &["commit", "-q", "-m", "two"]);
        git(top, &["reset", "-q", "--soft", "HEAD~1"]);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        write_in(&root, "incidents/b/incident.yaml", "title: B\n");
        write_in(&root, "incidents/c/incident.yaml", "title: c\n");
        let repo = Repository::open(top).unwrap();
        let read = index_file::read(&repo, "ops/status/").unwrap();
        let tree = read.tree.expect("git keeps its cache of trees whole");
        assert!(repo.find_tree(tree).is_ok());
        assert!(read.entries.iter().any(|e| e.path == b".gitattributes"));
        assert_eq!(
            paths_changed_since(&root, "HEAD"),
            [
                ("incidents/a/updates/1.yaml".to_string(), Change::Added),
                ("incidents/b/incident.yaml".to_string(), Change::Modified),
                ("incidents/c/incident.yaml".to_string(), Change::Added),
            ]
        );
    }

    #[test]
    fn incidents_replaced_by_a_file_is_seen_as_libgit2_sees_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let repo = Repository::init(root).unwrap();
        write_in(root, "incidents/a/incident.yaml", "title: a\n");
        commit_all(&repo);
        fs::remove_dir_all(root.join("incidents")).unwrap();
        write_in(root, "incidents", "not a folder\n");
        let found = paths_changed_since(root, "HEAD");
        assert_eq!(
            found,
            [
                ("incidents".to_string(), Change::Added),
                ("incidents/a/incident.yaml".to_string(), Change::Deleted),
            ]
        );
    }
}
