//! The folders `build` writes: checked before anything is rendered, staged
//! beside the target and swapped in, so a failed build leaves the previous
//! output as it was. The site a build replaces is kept in the git folder
//! (`previous_of`) for the next build to write its pages over (`in_place`).

use super::super::CliError;
use crate::render;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

#[cfg(target_os = "linux")]
use super::in_place::InPlace as Pages;
#[cfg(not(target_os = "linux"))]
use fresh::Fresh as Pages;

/// An output folder, checked before anything is rendered.
pub struct Target {
    flag: &'static str,
    pub path: PathBuf,
    /// Where the output a build replaces is kept for the next one (`previous_of`).
    previous: Option<PathBuf>,
}

/// An output being written into a staging folder beside its target.
pub struct Staged {
    staging: PathBuf,
    pub target: PathBuf,
    previous: Option<PathBuf>,
    pages: Pages,
}

impl Target {
    pub fn new(flag: &'static str, dir: &Path, root: &Path) -> Result<Self, CliError> {
        if let Some(link) = link_on_the_way(dir, root) {
            return Err(CliError::Usage(format!(
                "refusing to build into {}: {} is a link, and a build never writes through one (a pull request can commit `site` as a link to any folder); remove the link (`git rm`) or choose another {flag}",
                dir.display(),
                link.display()
            )));
        }
        let path = resolve(dir)?;
        if resolve(root)?.starts_with(&path) {
            return Err(CliError::Usage(format!(
                "refusing to build into {}: it holds the incident repository; choose another {flag}",
                path.display()
            )));
        }
        if path.is_dir() && !looks_like_an_output(&path)? {
            return Err(CliError::Usage(format!(
                "refusing to replace {}: it is not empty and holds no index.html; choose another {flag}",
                path.display()
            )));
        }
        if path.parent().is_none() {
            return Err(CliError::Usage(format!("{flag} needs a parent folder")));
        }
        Ok(Self {
            flag,
            path,
            previous: None,
        })
    }

    /// Keeps the output a build replaces for the next build to write over
    /// (`previous_of`): for the public site, whose rebuilds write thousands
    /// of pages. Internal documents are not copied around.
    pub fn keeping_previous(self, root: &Path) -> Self {
        Self {
            previous: previous_of(&self.path, root),
            ..self
        }
    }

    /// Internal documents must never end up on the public site, nor the
    /// site inside the internal folder (the swap of one would replace the other).
    pub fn refuse_overlap(&self, internal: &Target) -> Result<(), CliError> {
        if internal.path.starts_with(&self.path) || self.path.starts_with(&internal.path) {
            return Err(CliError::Usage(format!(
                "refusing {} {}: it overlaps the public site folder {} ({}); internal documents must never be published, so choose a folder outside it",
                internal.flag,
                internal.path.display(),
                self.path.display(),
                self.flag,
            )));
        }
        Ok(())
    }

    /// Internal documents in the git work tree must be ignored by git, or
    /// the next `git add -A` commits post-mortem drafts and internal notes.
    pub fn refuse_unignored(&self, root: &Path) -> Result<(), CliError> {
        let Ok(repo) = git2::Repository::discover(root) else {
            return Ok(());
        };
        let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
            return Ok(());
        };
        let Ok(inside) = self.path.strip_prefix(&workdir) else {
            return Ok(());
        };
        let rel = inside.to_string_lossy().replace('\\', "/");
        // The trailing slash asks about the folder, so `/site-internal/`
        // matches before the first build has made it.
        if repo.is_path_ignored(format!("{rel}/")).unwrap_or(false) {
            return Ok(());
        }
        Err(CliError::Usage(format!(
            "refusing {} {}: it lies in the git work tree {} and git does not ignore it, so `git add -A` would commit the post-mortem drafts and internal updates written there; add the line `/{rel}/` to {}, or choose a folder outside the work tree",
            self.flag,
            self.path.display(),
            workdir.display(),
            workdir.join(".gitignore").display(),
        )))
    }

    /// A staging folder beside the target, after removing what builds
    /// killed mid-way left behind: the output kept from the build before
    /// when there is one (its pages are written over), else a new folder.
    pub fn staging(&self) -> Result<Staged, CliError> {
        let parent = self.path.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent)?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".to_string());
        // What builds killed mid-way left behind.
        crate::compose::write::remove_stale(parent, &format!(".{name}.staging-"), "");
        crate::compose::write::remove_stale(parent, &format!(".{name}.old-"), "");
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        let claimed = self
            .previous
            .as_deref()
            .is_some_and(|p| claim(p, &self.path, &staging));
        if !claimed {
            fs::create_dir_all(&staging)?;
        }
        // Opened without following a link: a folder swapped for one since
        // it was claimed is an error, and the next build removes it.
        let pages = Pages::open(&staging)?;
        Ok(Staged {
            staging,
            target: self.path.clone(),
            previous: self.previous.clone(),
            pages,
        })
    }
}

/// Where the output a build replaces is kept: in the git folder
/// (`.git/incidentkit/previous-site`: never committed, published or in
/// `git status`), named by the output's path in the work tree, or by its
/// whole path when it lies outside (`--out /var/www/status`: a deploy host
/// rebuilds there too). Never beside the site, where it could be served
/// with it. What a redaction removed stays in it until the next build, as it
/// stays in git's history. On another file system it cannot be moved there,
/// and is removed.
#[cfg(target_os = "linux")]
fn previous_of(target: &Path, root: &Path) -> Option<PathBuf> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let place = target.strip_prefix(workdir).unwrap_or(target);
    // One name per output: `a/b-c` and `a-b/c` must not meet, nor the work
    // tree's `srv/site` and `/srv/site`.
    let name = place
        .to_string_lossy()
        .replace('%', "%25")
        .replace('/', "%2F");
    let previous = repo
        .path()
        .canonicalize()
        .ok()?
        .join("incidentkit")
        .join(format!("previous-{name}"));
    // A site built into the git folder itself keeps nothing inside it.
    (!previous.starts_with(target)).then_some(previous)
}

/// Pages are written over an earlier output on Linux only.
#[cfg(not(target_os = "linux"))]
fn previous_of(_: &Path, _: &Path) -> Option<PathBuf> {
    None
}

/// A site outside the work tree not built for this long is not kept.
const UNBUILT: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Removes the sites kept beside `previous` for outputs outside the work
/// tree (`previous-%2F…`) that no build has replaced for `UNBUILT`: a
/// `--out` built once (a temporary folder, a host since moved) would keep
/// its copy, redacted text included, for ever. Their marker is written
/// each time a build keeps the site.
fn forget_unbuilt(previous: &Path) {
    let Some(Ok(entries)) = previous.parent().map(fs::read_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let outside = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with("previous-%2F"));
        let unbuilt = fs::symlink_metadata(path.join(KEPT_FOR))
            .and_then(|m| m.modified())
            .map_or(true, |at| at.elapsed().is_ok_and(|age| age > UNBUILT));
        if outside && path != previous && unbuilt {
            // A link by that name goes alone, never followed.
            let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
        }
    }
}

/// The file that says which output a kept folder was: only that output's
/// build claims it. Swept with everything the build does not write.
const KEPT_FOR: &str = ".incidentkit-kept-for";

/// Moves the kept output to `staging`, when it is the one kept for
/// `target`. Anything else by its name (kept for the repository at another
/// path, a link, a folder on another file system) is of no use and goes:
/// the name is this tool's, in the git folder.
fn claim(previous: &Path, target: &Path, staging: &Path) -> bool {
    let Ok(found) = fs::symlink_metadata(previous) else {
        return false;
    };
    let marker = previous.join(KEPT_FOR);
    let ours = found.is_dir()
        && fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file())
        && fs::read(&marker).is_ok_and(|kept| kept == target.as_os_str().as_encoded_bytes());
    if ours {
        match fs::rename(previous, staging) {
            Ok(()) => return true,
            // Claimed by a build running beside this one.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
            Err(_) => {}
        }
    }
    // Not followed if it is a link: the link alone is removed.
    let _ = fs::remove_dir_all(previous);
    false
}

impl render::Sink for Staged {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.pages.write(path, bytes)
    }
}

impl Staged {
    pub fn write_all(&self, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
        for (path, bytes) in files {
            self.pages.write(path, bytes)?;
        }
        Ok(())
    }

    pub fn count(&self) -> usize {
        self.pages.count()
    }

    /// Moves the staged folder into place, putting the previous one back if
    /// that fails. What an earlier output left that this build did not
    /// write is removed first.
    pub fn swap(&self) -> Result<(), CliError> {
        self.pages.sweep()?;
        if self.target.exists() && exchange(&self.staging, &self.target).is_ok() {
            // The previous output now sits where the staging folder was.
            self.retire(&self.staging)?;
            return Ok(());
        }
        // No atomic exchange here (not Linux, or a file system without it):
        // two renames, with a moment in which the target is missing.
        let old = self.staging.with_file_name(
            self.staging
                .file_name()
                .map(|n| n.to_string_lossy().replace(".staging-", ".old-"))
                .unwrap_or_default(),
        );
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            let _ = fs::remove_dir_all(&self.staging);
            return Err(e.into());
        }
        if had_old {
            self.retire(&old)?;
        }
        Ok(())
    }

    /// The output just replaced: kept for the next build to write over,
    /// else removed.
    fn retire(&self, old: &Path) -> std::io::Result<()> {
        let kept = self.previous.as_deref().is_some_and(|previous| {
            // A new file: never through a link the replaced folder held.
            let marked = fs::File::create_new(old.join(KEPT_FOR)).and_then(|mut f| {
                std::io::Write::write_all(&mut f, self.target.as_os_str().as_encoded_bytes())
            });
            marked.is_ok()
                && previous
                    .parent()
                    .is_some_and(|p| fs::create_dir_all(p).is_ok())
                && fs::rename(old, previous).is_ok()
        });
        if !kept {
            return fs::remove_dir_all(old);
        }
        if let Some(previous) = &self.previous {
            forget_unbuilt(previous);
        }
        Ok(())
    }

    /// Removes the staging folder after `error`, and returns it.
    pub fn discard_with(&self, error: CliError) -> CliError {
        let _ = fs::remove_dir_all(&self.staging);
        error
    }
}

/// Swaps two paths in one step, so neither a reader of the site nor a kill
/// mid-build ever finds the folder missing.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    Ok(renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)?)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The output folder itself when it is a link, or a folder on its way
/// inside the repository at `root` that is one.
fn link_on_the_way(dir: &Path, root: &Path) -> Option<PathBuf> {
    let (dir, root) = (
        std::path::absolute(dir).ok()?,
        std::path::absolute(root).ok()?,
    );
    let mut checked = dir.as_path();
    loop {
        if fs::symlink_metadata(checked).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(checked.to_path_buf());
        }
        match checked.parent() {
            Some(parent) if parent.starts_with(&root) && parent != root => checked = parent,
            _ => return None,
        }
    }
}

fn looks_like_an_output(dir: &Path) -> std::io::Result<bool> {
    Ok(dir.join("index.html").is_file() || fs::read_dir(dir)?.next().is_none())
}

/// The absolute path with symlinks resolved as far as it exists, so two
/// spellings of one folder compare equal.
fn resolve(given: &Path) -> std::io::Result<PathBuf> {
    // `..` of a folder on disk is its real parent (symlinks followed); of a
    // folder that does not exist yet, the lexical one.
    let mut path = PathBuf::new();
    for part in std::path::absolute(given)?.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if path.exists() => {
                path = path.canonicalize()?;
                path.pop();
            }
            std::path::Component::ParentDir => {
                path.pop();
            }
            other => path.push(other),
        }
    }
    let mut existing = path.as_path();
    let mut missing = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(missing.iter().rev());
    Ok(out)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_folders_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, staging) = (tmp.path().join("site"), tmp.path().join(".staging"));
        for (dir, page) in [(&site, "old"), (&staging, "new")] {
            fs::create_dir(dir).unwrap();
            fs::write(dir.join("index.html"), page).unwrap();
        }
        exchange(&staging, &site).unwrap();
        assert_eq!(fs::read_to_string(site.join("index.html")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(staging.join("index.html")).unwrap(),
            "old"
        );
    }
}

/// Pages written into a new folder, where no earlier output is written over.
#[cfg(not(target_os = "linux"))]
mod fresh {
    use std::collections::BTreeSet;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Fresh {
        dir: PathBuf,
        written: AtomicUsize,
        /// Folders made so far: thousands of pages share a few.
        folders: Mutex<BTreeSet<PathBuf>>,
    }

    impl Fresh {
        pub fn open(dir: &Path) -> std::io::Result<Self> {
            Ok(Self {
                dir: dir.to_path_buf(),
                written: AtomicUsize::new(0),
                folders: Mutex::default(),
            })
        }

        pub fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
            let file = self.dir.join(path);
            if let Some(parent) = file.parent()
                && !self.folders.lock().is_ok_and(|f| f.contains(parent))
            {
                fs::create_dir_all(parent)?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(parent.to_path_buf());
                }
            }
            fs::write(file, bytes)?;
            self.written.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }

        pub fn count(&self) -> usize {
            self.written.load(Ordering::Relaxed)
        }

        /// A new folder holds only what was written.
        pub fn sweep(&self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
