//! Writing a site over the files of an earlier one: each page is opened
//! where that build wrote it and written over from its start, then cut to
//! length (its blocks are reused, not freed and allocated again), instead
//! of a file being created for it and the old one removed. A file system pays for every file it
//! creates and removes (ext4 without a journal even steps over each inode
//! freed in the last minutes), and a rebuild writes thousands of pages.
//!
//! The earlier site is this tool's own output, but nothing in it is
//! trusted: every name is opened relative to its folder without following
//! a link, and whatever is not a real folder, or not a regular file with one
//! name (a link, a FIFO, a file hard-linked elsewhere), is removed and made
//! anew, so nothing outside the folder is ever written. What the build did
//! not write is removed at the end (`sweep`).

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::fs::{fstat, mkdirat, openat, unlinkat};
use rustix::io::Errno;
use std::collections::{HashMap, HashSet};
use std::ffi::{CStr, CString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::{Arc, Mutex};

const FOLDER: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// Non-blocking: a FIFO in place of a page is opened (or refused) without
/// waiting for a reader, then replaced; a terminal never becomes ours.
const PAGE: OFlags = OFlags::WRONLY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::NONBLOCK)
    .union(OFlags::NOCTTY)
    .union(OFlags::CLOEXEC);

/// Deeper than any site: a folder nested further is refused, not recursed.
const MAX_DEPTH: usize = 32;

/// A folder being written into, page by page, from several threads.
pub struct InPlace {
    root: Arc<OwnedFd>,
    /// Folders opened so far, by path: thousands of pages share a few.
    folders: Mutex<HashMap<String, Arc<OwnedFd>>>,
    /// Every page written, for `sweep`.
    written: Mutex<HashSet<String>>,
}

impl InPlace {
    /// The folder at `dir`, which must be a real folder (not a link).
    pub fn open(dir: &Path) -> io::Result<Self> {
        let root = openat(rustix::fs::CWD, dir, FOLDER, Mode::empty())?;
        Ok(Self {
            root: Arc::new(root),
            folders: Mutex::default(),
            written: Mutex::default(),
        })
    }

    /// Writes `bytes` at `path` (relative, with `/`), over what is there.
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let (folder, name) = match path.rsplit_once('/') {
            Some((folder, name)) => (self.folder(folder)?, name),
            None => (self.root.clone(), path),
        };
        let (mut file, was) = page(&folder, &name_of(name)?)?;
        file.write_all(bytes)?;
        // Cut after writing, not before: the page's blocks are overwritten
        // rather than freed and allocated again. Only a longer page leaves
        // bytes to cut.
        if was > bytes.len() as u64 {
            file.set_len(bytes.len() as u64)?;
        }
        lock(&self.written).insert(path.to_string());
        Ok(())
    }

    /// How many pages were written.
    pub fn count(&self) -> usize {
        lock(&self.written).len()
    }

    /// Removes everything the build did not write: pages of incidents that
    /// are gone, and whatever else the earlier folder held.
    pub fn sweep(&self) -> io::Result<()> {
        let written = lock(&self.written);
        let folders = lock(&self.folders);
        sweep(&self.root, "", &written, &folders, 0)
    }

    /// The folder at `path`, each part opened (or made) in the one before.
    /// Under the lock: two threads replacing the same link with a folder
    /// would each remove the other's.
    fn folder(&self, path: &str) -> io::Result<Arc<OwnedFd>> {
        let mut folders = lock(&self.folders);
        if let Some(found) = folders.get(path) {
            return Ok(found.clone());
        }
        let mut at = self.root.clone();
        let mut walked = 0;
        for part in path.split('/') {
            walked += part.len() + usize::from(walked > 0);
            let here = &path[..walked];
            at = match folders.get(here) {
                Some(fd) => fd.clone(),
                None => {
                    let fd = Arc::new(folder(&at, &name_of(part)?)?);
                    folders.insert(here.to_string(), fd.clone());
                    fd
                }
            };
        }
        Ok(at)
    }
}

/// One part of a page's path as the system takes it: never empty, `.` or
/// `..` (a page is always below the folder), never holding a NUL.
fn name_of(part: &str) -> io::Result<CString> {
    let refused = || io::Error::new(io::ErrorKind::InvalidInput, format!("page name {part:?}"));
    if matches!(part, "" | "." | "..") {
        return Err(refused());
    }
    CString::new(part).map_err(|_| refused())
}

/// A lock that a panicked writer does not poison for the others.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The folder `name` in `dir`, made when missing; anything else by that
/// name (a file, a link) is removed first.
fn folder(dir: &OwnedFd, name: &CStr) -> io::Result<OwnedFd> {
    match openat(dir, name, FOLDER, Mode::empty()) {
        Ok(fd) => return Ok(fd),
        Err(Errno::NOENT) => {}
        Err(Errno::NOTDIR | Errno::LOOP) => remove(dir, name, 0)?,
        Err(e) => return Err(e.into()),
    }
    match mkdirat(dir, name, Mode::from_raw_mode(0o777)) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(openat(dir, name, FOLDER, Mode::empty())?)
}

/// The page `name` in `dir`, to be written from its start (and cut to
/// length after), and its length: the file there when it is a regular file
/// with no other name, else a new one.
fn page(dir: &OwnedFd, name: &CStr) -> io::Result<(File, u64)> {
    match openat(dir, name, PAGE, Mode::empty()) {
        Ok(fd) => {
            let stat = fstat(&fd)?;
            let regular = FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile;
            // Another name for the file (a deployed copy made with hard
            // links) would see the rewrite: such a file is replaced.
            if regular && stat.st_nlink == 1 {
                return Ok((File::from(fd), stat.st_size.try_into().unwrap_or(u64::MAX)));
            }
            drop(fd);
            remove(dir, name, 0)?;
        }
        Err(Errno::NOENT) => {}
        // A link, a folder, a FIFO without a reader, a file not writable.
        Err(_) => remove(dir, name, 0)?,
    }
    let create =
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = openat(dir, name, create, Mode::from_raw_mode(0o666))?;
    Ok((File::from(fd), 0))
}

/// Removes `name` from `dir`, a folder with everything in it; never
/// following a link. Names are as the folder holds them (any bytes).
fn remove(dir: &OwnedFd, name: &CStr, depth: usize) -> io::Result<()> {
    if matches!(name.to_bytes(), b"." | b"..") {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "removing . or ..",
        ));
    }
    match unlinkat(dir, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) => return Ok(()),
        Err(Errno::ISDIR | Errno::PERM) => {}
        Err(e) => return Err(e.into()),
    }
    if depth >= MAX_DEPTH {
        return Err(io::Error::other(format!(
            "{}: folders nested deeper than {MAX_DEPTH}; remove it by hand",
            name.to_string_lossy()
        )));
    }
    let inner = openat(dir, name, FOLDER, Mode::empty())?;
    for (entry, _) in entries(&inner)? {
        remove(&inner, &entry, depth + 1)?;
    }
    Ok(unlinkat(dir, name, AtFlags::REMOVEDIR)?)
}

/// The names in `dir` with their kinds, `.` and `..` left out.
fn entries(dir: &OwnedFd) -> io::Result<Vec<(CString, FileType)>> {
    let mut found = Vec::new();
    crate::repo::source::each_entry(dir, |name, kind| found.push((name.to_owned(), kind)))?;
    Ok(found)
}

/// Removes from `dir` (at `prefix`) what is neither a page written nor a
/// folder pages were written into, and sweeps those folders in turn.
fn sweep(
    dir: &OwnedFd,
    prefix: &str,
    written: &HashSet<String>,
    folders: &HashMap<String, Arc<OwnedFd>>,
    depth: usize,
) -> io::Result<()> {
    for (name, kind) in entries(dir)? {
        // A name that is not UTF-8 was never written.
        let Some(path) = name.to_str().ok().map(|n| format!("{prefix}{n}")) else {
            remove(dir, &name, 0)?;
            continue;
        };
        match folders.get(&path) {
            Some(inner) if kind == FileType::Directory && depth < MAX_DEPTH => {
                sweep(inner, &format!("{path}/"), written, folders, depth + 1)?;
            }
            _ if kind == FileType::RegularFile && written.contains(&path) => {}
            _ => remove(dir, &name, 0)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn pages_are_rewritten_in_place_and_what_was_not_written_is_swept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        fs::create_dir_all(dir.join("incidents/old")).unwrap();
        fs::write(dir.join("index.html"), "an earlier, longer page").unwrap();
        fs::write(dir.join("incidents/gone.html"), "gone").unwrap();
        fs::write(dir.join("incidents/old/page.html"), "gone").unwrap();
        fs::create_dir(dir.join("months")).unwrap();
        let inode = fs::metadata(dir.join("index.html")).unwrap().ino();

        let site = InPlace::open(&dir).unwrap();
        site.write("index.html", b"new").unwrap();
        site.write("incidents/a.html", b"a").unwrap();
        site.write("feeds/deep/x.xml", b"x").unwrap();
        site.sweep().unwrap();

        assert_eq!(fs::read(dir.join("index.html")).unwrap(), b"new");
        assert_eq!(fs::metadata(dir.join("index.html")).unwrap().ino(), inode);
        assert_eq!(fs::read(dir.join("feeds/deep/x.xml")).unwrap(), b"x");
        let left = walk(&dir);
        assert_eq!(
            left,
            ["feeds/deep/x.xml", "incidents/a.html", "index.html"],
            "{left:?}"
        );
        assert_eq!(site.count(), 3);
    }

    #[test]
    fn links_fifos_and_shared_files_are_replaced_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, outside) = (tmp.path().join("site"), tmp.path().join("outside"));
        fs::create_dir_all(&outside).unwrap();
        fs::create_dir_all(&dir).unwrap();
        fs::write(outside.join("secret"), "keep").unwrap();
        fs::write(outside.join("shared"), "keep").unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), dir.join("index.html")).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("incidents")).unwrap();
        fs::hard_link(outside.join("shared"), dir.join("feed.xml")).unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.join("fifo.html"),
            Mode::from_raw_mode(0o644),
        )
        .unwrap();

        let site = InPlace::open(&dir).unwrap();
        for page in ["index.html", "incidents/a.html", "feed.xml", "fifo.html"] {
            site.write(page, b"page").unwrap();
        }
        site.sweep().unwrap();

        for page in ["index.html", "incidents/a.html", "feed.xml", "fifo.html"] {
            let meta = fs::symlink_metadata(dir.join(page)).unwrap();
            assert!(meta.is_file() && meta.nlink() == 1, "{page}");
            assert_eq!(fs::read(dir.join(page)).unwrap(), b"page", "{page}");
        }
        assert!(
            fs::symlink_metadata(dir.join("incidents"))
                .unwrap()
                .is_dir()
        );
        assert_eq!(fs::read_to_string(outside.join("secret")).unwrap(), "keep");
        assert_eq!(fs::read_to_string(outside.join("shared")).unwrap(), "keep");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 2);
    }

    #[test]
    fn a_link_in_place_of_the_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(tmp.path(), tmp.path().join("site")).unwrap();
        assert!(InPlace::open(&tmp.path().join("site")).is_err());
    }

    #[test]
    fn a_folder_in_place_of_a_page_and_names_not_utf8_are_removed() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        fs::create_dir_all(dir.join("index.html/inner")).unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"page-\xff.html");
        fs::write(dir.join(odd), "stale").unwrap();
        let site = InPlace::open(&dir).unwrap();
        site.write("index.html", b"page").unwrap();
        site.sweep().unwrap();
        assert_eq!(walk(&dir), ["index.html"]);
        assert_eq!(fs::read(dir.join("index.html")).unwrap(), b"page");
    }

    #[test]
    fn a_page_never_names_its_folder_or_the_one_above() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        fs::create_dir_all(&dir).unwrap();
        fs::write(tmp.path().join("keep"), "keep").unwrap();
        let site = InPlace::open(&dir).unwrap();
        for path in ["..", ".", "a/../x.html", "a//x.html", "", "a/\0.html"] {
            assert!(site.write(path, b"x").is_err(), "{path:?}");
        }
        assert_eq!(fs::read_to_string(tmp.path().join("keep")).unwrap(), "keep");
        assert!(dir.is_dir());
    }

    #[test]
    fn threads_replacing_one_link_with_a_folder_keep_every_page() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(tmp.path(), dir.join("incidents")).unwrap();
        let site = InPlace::open(&dir).unwrap();
        std::thread::scope(|s| {
            for t in 0..8 {
                let site = &site;
                s.spawn(move || {
                    for n in 0..50 {
                        site.write(&format!("incidents/{t}-{n}.html"), b"x")
                            .unwrap();
                    }
                });
            }
        });
        site.sweep().unwrap();
        assert_eq!(walk(&dir).len(), 400);
        assert_eq!(site.count(), 400);
    }

    /// Every file and folder under `dir` (folders end in `/`), sorted.
    fn walk(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().unwrap().is_dir() {
                let inner = walk(&entry.path());
                if inner.is_empty() {
                    out.push(format!("{name}/"));
                }
                out.extend(inner.into_iter().map(|p| format!("{name}/{p}")));
            } else {
                out.push(name);
            }
        }
        out.sort();
        out
    }
}
