//! The one reader of the repository's files: regular files inside the root
//! only (never through a link), as text, within limits, without ever
//! panicking on what is in it. Every file incidentkit reads from a
//! repository (configuration, incidents, updates, post-mortems, template
//! overrides) and every folder it lists comes through here.

use super::Stamp;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path};

/// Incident files are small; anything larger is a mistake or an attack.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Every file `check` reads, together: room for decades of incidents, while
/// a repository past it (a mistake or an attack) would cost memory in
/// proportion. The variable below moves it.
pub const MAX_REPOSITORY_BYTES: u64 = 256 * 1024 * 1024;
pub(crate) const REPOSITORY_LIMIT_VAR: &str = "INCIDENTKIT_MAX_REPOSITORY_BYTES";

/// The limit in force: `MAX_REPOSITORY_BYTES` unless the variable says.
pub fn repository_limit() -> u64 {
    std::env::var(REPOSITORY_LIMIT_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_REPOSITORY_BYTES)
}

/// How much the incident files hold: summed from a stat of each, or read
/// until past the limit (then only a lower bound is known).
#[derive(Debug, Clone, Copy)]
pub enum Total {
    /// Every file's size, summed.
    Exactly(u64),
    /// What was read before reading stopped.
    AtLeast(u64),
}

/// Refuses a repository whose files total more than the limit.
pub fn within_repository_limit(root: &Path, total: Total) -> io::Result<()> {
    let limit = repository_limit();
    let (bytes, said) = match total {
        Total::Exactly(bytes) => (bytes, format!("{bytes} bytes")),
        Total::AtLeast(bytes) => (bytes, format!("at least {bytes} bytes")),
    };
    if bytes <= limit {
        return Ok(());
    }
    // FileTooLarge: what to act on is the repository, not the disk.
    Err(io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "the incident files in {} total {said}; the limit is {limit} bytes: move old incidents to an archive repository, or set {REPOSITORY_LIMIT_VAR} to a larger number of bytes",
            root.display()
        ),
    ))
}

/// What stands at a path where a regular file or a folder belongs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum NotRegular {
    /// A symbolic link (or git's mode 120000).
    Link,
    /// A git submodule (tree entry mode 160000).
    Submodule,
    /// A named pipe: opening it could block forever.
    Fifo,
    /// A block or character device.
    Device,
    /// A Unix socket.
    Socket,
    /// Anything else that is not a regular file or a folder.
    Other,
}

impl NotRegular {
    /// `None` for a regular file or a folder. Never follows a link: pass the
    /// type from `symlink_metadata` or `DirEntry::file_type`.
    pub fn of(kind: fs::FileType) -> Option<Self> {
        if kind.is_file() || kind.is_dir() {
            return None;
        }
        if kind.is_symlink() {
            return Some(Self::Link);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return Some(Self::Fifo);
            }
            if kind.is_block_device() || kind.is_char_device() {
                return Some(Self::Device);
            }
            if kind.is_socket() {
                return Some(Self::Socket);
            }
        }
        Some(Self::Other)
    }

    /// What the finding says: the path and what to do, never where a link
    /// points nor what is behind it.
    pub fn refusal(self, path: &str) -> String {
        let what = match self {
            Self::Link => {
                return format!(
                    "`{path}` is a symbolic link: incident repositories hold regular files only; replace the link with the file"
                );
            }
            Self::Submodule => "a git submodule",
            Self::Fifo => "a FIFO",
            Self::Device => "a device",
            Self::Socket => "a socket",
            Self::Other => "not a file or a folder",
        };
        format!(
            "`{path}` is {what}, not a regular file: incident repositories hold regular files only; replace it with the file"
        )
    }
}

/// Why a file of the repository was not read as text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The operating system said no.
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    /// Larger than `MAX_FILE_BYTES` (its size in bytes).
    #[error("the file is {0} bytes; the limit is {MAX_FILE_BYTES} bytes (1 MiB)")]
    TooLarge(u64),
    /// Not UTF-8: where the first bad byte is (1-based, column in characters).
    #[error("the file is not valid UTF-8 text")]
    #[allow(missing_docs)] // the fields: named in the doc above
    NotUtf8 { line: usize, column: usize },
    /// Nothing but blank lines, comments and `---`.
    #[error("the file holds no YAML, only blank lines, comments or `---`")]
    Empty,
    /// `path` (the file, or a folder on the way to it) is a link or a
    /// special file: it is neither followed nor opened.
    #[error("{}", what.refusal(path))]
    #[allow(missing_docs)] // the fields: named in the doc above
    NotRegular { path: String, what: NotRegular },
    /// The path would leave the repository (`..`, absolute, a drive).
    #[error("`{0}` is not a path inside the repository")]
    Outside(String),
}

impl ReadError {
    /// Nothing is there (or a file stands where a folder would be): for
    /// optional files such as template overrides.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Io(e) if matches!(
            e.kind(),
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory
        ))
    }
}

/// The one way incidentkit reads a file of the repository at `root`: `file`
/// is relative to it, with `/`. Refuses a path leaving the root and anything
/// on the way that is not a real folder, or at the end that is not a regular
/// file: links (to anywhere, inside the repository or out), FIFOs, devices.
/// A link is never followed, so what it points at is never read nor shown.
/// Then size, UTF-8 and "not empty", as `decode`.
pub fn read(root: &Path, file: &str) -> Result<String, ReadError> {
    decode(read_bytes(root, file, None)?)
}

/// As `read`, keeping the folders it opens in `opened` for the next files.
pub fn read_in(root: &Path, file: &str, opened: &Opened) -> Result<String, ReadError> {
    decode(read_bytes(root, file, Some(opened))?)
}

/// The last few folders `read_in` opened (every one on the way checked as
/// `read` checks it), so that the files of one folder cost one lookup each
/// instead of a walk from the root. For one pass over the repository (a
/// `check`): a folder moved away meanwhile would still be read from.
#[derive(Debug)]
pub struct Opened {
    /// One list per thread of rayon's pool, the last for any other thread:
    /// each thread reads its own incidents, and one shared list made the
    /// threads take turns on its lock for every file.
    #[cfg(target_os = "linux")]
    folders: Box<[Folders]>,
}

#[cfg(target_os = "linux")]
type Folders = std::sync::Mutex<Vec<(String, std::sync::Arc<std::os::fd::OwnedFd>)>>;

impl Default for Opened {
    fn default() -> Self {
        Self {
            #[cfg(target_os = "linux")]
            folders: (0..=rayon::current_num_threads())
                .map(|_| Folders::default())
                .collect(),
        }
    }
}

/// Enough for the folders a thread reads at once, without holding a file
/// descriptor per folder of a large repository.
#[cfg(target_os = "linux")]
const OPENED_FOLDERS: usize = 8;

#[cfg(target_os = "linux")]
impl Opened {
    /// This thread's list.
    fn mine(&self) -> &Folders {
        let other = self.folders.len() - 1;
        &self.folders[rayon::current_thread_index().map_or(other, |i| i.min(other))]
    }

    /// The folder at `path`, if kept; it is then the last to be dropped.
    fn get(&self, path: &str) -> Option<std::sync::Arc<std::os::fd::OwnedFd>> {
        let mut folders = self.mine().lock().ok()?;
        let at = folders.iter().position(|(p, _)| p == path)?;
        let found = folders.remove(at);
        let fd = found.1.clone();
        folders.push(found);
        Some(fd)
    }

    fn keep(&self, path: String, fd: std::sync::Arc<std::os::fd::OwnedFd>) {
        if let Ok(mut folders) = self.mine().lock() {
            if folders.len() >= OPENED_FOLDERS {
                folders.remove(0);
            }
            folders.push((path, fd));
        }
    }
}

/// As `read`, for text that is not YAML (a template override): size and
/// UTF-8 only; a file of comments is not "empty".
pub fn read_text(root: &Path, file: &str) -> Result<String, ReadError> {
    let bytes = read_bytes(root, file, None)?;
    text(bytes)
}

fn read_bytes(root: &Path, file: &str, folders: Option<&Opened>) -> Result<Vec<u8>, ReadError> {
    let parts = components(file)?;
    let opened = open_beneath(root, &parts, folders)?;
    // Checked again on what was opened: a swap after the check is caught.
    let meta = opened.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory).into());
    }
    if !meta.is_file() {
        let what = NotRegular::of(meta.file_type()).unwrap_or(NotRegular::Other);
        return Err(ReadError::NotRegular {
            path: parts.join("/"),
            what,
        });
    }
    let len = meta.len();
    if len > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(len));
    }
    // The length the descriptor showed, no more: a file growing meanwhile
    // cannot pass the limit, and no read is spent to find the end.
    let mut bytes = Vec::with_capacity(len as usize);
    opened.take(len).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What a folder `dir` of the repository holds (relative to `root`, with
/// `/`; hidden entries included), each with its kind, never following a
/// link. The folder and every folder on the way to it must be real folders.
pub(crate) fn list(root: &Path, dir: &str) -> Result<Vec<(String, Kind)>, ReadError> {
    list_in(root, dir, &Opened::default(), Stamping::No).map(|(entries, _)| entries)
}

/// Where a listing's entries came from.
#[derive(Debug)]
pub(crate) enum Origin {
    /// The `Recorded` given (`Stamping::Kept`): the folder is unchanged.
    Recalled,
    /// The folder, with what to record of it when the listing is kept
    /// (`Stamping::Kept`) and the file system keeps times.
    Read(Option<Recorded>),
}

/// What a listing takes besides each entry's name and kind; `K` is what
/// was kept of the folder (a `Recorded`, or `layout`'s record of an incident
/// folder and the folders in it).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stamping<K> {
    /// Nothing.
    No,
    /// Each regular file's stamp.
    Files,
    /// Each regular file's stamp, and the folder's own for a `Recorded` to
    /// keep: while the folder's stamp is the one kept, the names and kinds
    /// are taken from what was kept instead of read from the folder.
    Kept(Option<K>),
}

/// A folder's entries as a stamped listing read them (`list_in`), kept for
/// the next listing. Creating, removing or renaming an entry updates its
/// folder's modification and change times (POSIX), which its stamp holds:
/// while the stamp is unchanged, so are the names and kinds (an entry's
/// kind cannot change without its name being removed and made again).
/// Each file's stamp is taken again every time: writing a file in place
/// leaves its folder alone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Recorded {
    /// The folder's stamp, hashed.
    stamp: u64,
    files: Vec<String>,
    folders: Vec<String>,
    refused: Vec<(String, NotRegular)>,
    /// The folder's modification time when it was read; the epoch for one
    /// read back from a file (recorded, so settled, then).
    #[serde(skip, default = "epoch")]
    pub(crate) modified: std::time::SystemTime,
}

fn epoch() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH
}

impl Recorded {
    /// What a listing of a folder stamped `stamp` read; `None` where the
    /// file system keeps no modification time (nothing would tell an entry
    /// made in the same tick as the record).
    fn of(stamp: &Stamp, entries: &[(String, Kind)]) -> Option<Self> {
        let mut recorded = Self {
            stamp: stamp.hashed(),
            files: Vec::new(),
            folders: Vec::new(),
            refused: Vec::new(),
            modified: stamp.modified?,
        };
        for (name, kind) in entries {
            match kind {
                Kind::File(_) => recorded.files.push(name.clone()),
                Kind::Folder => recorded.folders.push(name.clone()),
                Kind::Refused(what) => recorded.refused.push((name.clone(), *what)),
            }
        }
        Some(recorded)
    }
}

/// As `list`, keeping the folders it opens in `opened`: the subfolders of a
/// folder just listed cost one lookup each instead of a walk from the root.
/// The entries are read from the folder opened, so no check after listing
/// is needed: a folder swapped for a link meanwhile was not opened. With
/// `Stamping::Files`, each regular file's stamp is taken from the open
/// folder too (a stat by name in it, not a walk of the whole path from `/`);
/// with `Stamping::Kept`, what was read is returned as a `Recorded` for the
/// next listing, or taken from the one given when the folder is unchanged.
#[cfg(target_os = "linux")]
pub(crate) fn list_in(
    root: &Path,
    dir: &str,
    opened: &Opened,
    stamping: Stamping<&Recorded>,
) -> Result<(Vec<(String, Kind)>, Origin), ReadError> {
    use rustix::fs::{AtFlags, FileType, Mode, OFlags, openat, statx};
    let parts = components(dir)?;
    let (name, way) = parts
        .split_last()
        .ok_or_else(|| ReadError::Outside(String::new()))?;
    let parent = open_folder(root, way, Some(opened))?;
    // Opened afresh, never taken from `opened`: its position in the listing
    // is its own.
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let folder = openat(&*parent, *name, flags, Mode::empty())
        .map_err(|e| refusal(root, &parts, parts.len(), e))?;
    let stamped = !matches!(stamping, Stamping::No);
    // Taken before the entries are read: one made meanwhile moves it, so
    // the record is not trusted next time.
    let stamp = matches!(stamping, Stamping::Kept(_))
        .then(|| statx(&folder, "", AtFlags::EMPTY_PATH, STAMPED).ok())
        .flatten()
        .map(|st| Stamp::of_statx(&st));
    if let (Stamping::Kept(Some(known)), Some(stamp)) = (stamping, stamp)
        && known.stamp == stamp.hashed()
        && let Some(found) = recall(&folder, known)
    {
        opened.keep(dir.to_string(), std::sync::Arc::new(folder));
        return Ok((found, Origin::Recalled));
    }
    let mut found = Vec::new();
    each_entry(&folder, |name, kind| {
        let kind = match kind {
            FileType::Directory => Kind::Folder,
            // A file replaced since the listing gets no stamp: it is
            // stat'ed by path later, as any unstamped file.
            FileType::RegularFile => Kind::File(stamped.then(|| stamp_in(&folder, name)).flatten()),
            FileType::Symlink => Kind::Refused(NotRegular::Link),
            FileType::Fifo => Kind::Refused(NotRegular::Fifo),
            FileType::CharacterDevice | FileType::BlockDevice => Kind::Refused(NotRegular::Device),
            FileType::Socket => Kind::Refused(NotRegular::Socket),
            FileType::Unknown => Kind::Refused(NotRegular::Other),
        };
        found.push((name.to_string_lossy().into_owned(), kind));
    })
    .map_err(|e| ReadError::Io(e.into()))?;
    opened.keep(dir.to_string(), std::sync::Arc::new(folder));
    let recorded = stamp.and_then(|stamp| Recorded::of(&stamp, &found));
    Ok((found, Origin::Read(recorded)))
}

/// What a stamp holds: std asks for these too (and more).
#[cfg(target_os = "linux")]
const STAMPED: rustix::fs::StatxFlags = rustix::fs::StatxFlags::TYPE
    .union(rustix::fs::StatxFlags::SIZE)
    .union(rustix::fs::StatxFlags::MTIME)
    .union(rustix::fs::StatxFlags::CTIME)
    .union(rustix::fs::StatxFlags::INO);

/// The stamp of the regular file `name` in the open folder; `None` when it
/// is not one (any more).
#[cfg(target_os = "linux")]
fn stamp_in(folder: &std::os::fd::OwnedFd, name: impl rustix::path::Arg) -> Option<Stamp> {
    use rustix::fs::{AtFlags, FileType, statx};
    statx(folder, name, AtFlags::SYMLINK_NOFOLLOW, STAMPED)
        .ok()
        .filter(|st| FileType::from_raw_mode(st.stx_mode.into()) == FileType::RegularFile)
        .map(|st| Stamp::of_statx(&st))
}

/// The entries `known` records, each file stamped afresh; `None` when a
/// file is no longer a regular file (then the folder is read).
#[cfg(target_os = "linux")]
fn recall(folder: &std::os::fd::OwnedFd, known: &Recorded) -> Option<Vec<(String, Kind)>> {
    let mut found = Vec::with_capacity(known.files.len() + known.folders.len());
    for name in &known.files {
        // A short name goes to the system call from the stack, unallocated.
        let stamp = stamp_in(folder, name.as_str())?;
        found.push((name.clone(), Kind::File(Some(stamp))));
    }
    found.extend(
        known
            .folders
            .iter()
            .map(|name| (name.clone(), Kind::Folder)),
    );
    found.extend((known.refused.iter()).map(|(name, what)| (name.clone(), Kind::Refused(*what))));
    Some(found)
}

/// Each name in the opened folder `dir` (`.` and `..` left out) with its
/// kind, never following a link: the kind the listing gives, else the
/// folder's own look at the name.
#[cfg(target_os = "linux")]
pub(crate) fn each_entry(
    dir: &std::os::fd::OwnedFd,
    mut found: impl FnMut(&std::ffi::CStr, rustix::fs::FileType),
) -> rustix::io::Result<()> {
    use rustix::fs::{AtFlags, FileType, RawDir, statat};
    // Room for any entry: a name is at most 255 bytes on Linux.
    let mut buffer = Vec::with_capacity(8192);
    let mut entries = RawDir::new(dir, buffer.spare_capacity_mut());
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name();
        if matches!(name.to_bytes(), b"." | b"..") {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::Unknown => {
                FileType::from_raw_mode(statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode)
            }
            known => known,
        };
        found(name, kind);
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn list_in(
    root: &Path,
    dir: &str,
    _: &Opened,
    _: Stamping<&Recorded>,
) -> Result<(Vec<(String, Kind)>, Origin), ReadError> {
    let parts = components(dir)?;
    check_path(root, &parts, Expect::Folder)?;
    let path = parts.iter().fold(root.to_path_buf(), |p, c| p.join(c));
    let mut found = Vec::new();
    for entry in fs::read_dir(&path)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let kind = match NotRegular::of(kind) {
            Some(what) => Kind::Refused(what),
            None if kind.is_dir() => Kind::Folder,
            None => Kind::File(None),
        };
        found.push((entry.file_name().to_string_lossy().into_owned(), kind));
    }
    // Checked again after listing: names from a folder swapped for a link
    // meanwhile are not returned.
    check_path(root, &parts, Expect::Folder)?;
    Ok((found, Origin::Read(None)))
}

/// An entry of a folder, as `list` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// With its stamp when the listing took one.
    File(Option<Stamp>),
    Folder,
    Refused(NotRegular),
}

/// The components of a relative path: each a plain name (no `..`, no
/// root, no drive), so the path cannot leave the root.
fn components(file: &str) -> Result<Vec<&str>, ReadError> {
    let plain = |part: &&str| {
        let mut components = Path::new(part).components();
        matches!(components.next(), Some(Component::Normal(c)) if c == std::ffi::OsStr::new(part))
            && components.next().is_none()
    };
    let parts: Vec<&str> = file.split('/').collect();
    if file.is_empty() || !parts.iter().all(plain) {
        return Err(ReadError::Outside(file.to_string()));
    }
    Ok(parts)
}

/// On Linux a way is checked as it is opened (`open_folder`).
#[cfg(not(target_os = "linux"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    File,
    Folder,
}

/// Walks `parts` from `root` without following links: every component but
/// the last must be a folder, the last a regular file or a folder as
/// `expect` says. Names the first component that is a link or special.
#[cfg(not(target_os = "linux"))]
fn check_path(root: &Path, parts: &[&str], expect: Expect) -> Result<(), ReadError> {
    let mut path = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = fs::symlink_metadata(&path)?;
        if let Some(what) = NotRegular::of(meta.file_type()) {
            return Err(ReadError::NotRegular {
                path: parts[..=i].join("/"),
                what,
            });
        }
        let last = i + 1 == parts.len();
        let folder = !last || expect == Expect::Folder;
        if folder && !meta.is_dir() {
            return Err(io::Error::from(io::ErrorKind::NotADirectory).into());
        }
        if !folder && meta.is_dir() {
            return Err(io::Error::from(io::ErrorKind::IsADirectory).into());
        }
    }
    Ok(())
}

/// Opens the file at `parts` under `root` one component at a time, each
/// relative to the folder opened before and with `O_NOFOLLOW`, so no link
/// is followed, and `O_DIRECTORY`, so nothing but a folder is opened on the
/// way: what `check_path` does, with one lookup of one name instead of a
/// walk of the whole path per component. The file is opened non-blocking
/// and the caller refuses what the open descriptor shows is not a regular
/// file, closed unread: a FIFO opens at once, and git cannot carry a FIFO
/// or a device, so only someone who can already write the work tree could
/// put one there. (A look by name before opening cost a path lookup per
/// file, 4 % of a whole check.)
#[cfg(target_os = "linux")]
fn open_beneath(root: &Path, parts: &[&str], opened: Option<&Opened>) -> Result<File, ReadError> {
    use rustix::fs::{Mode, OFlags, openat};
    let (last, folders) = parts
        .split_last()
        .ok_or_else(|| ReadError::Outside(String::new()))?;
    let dir = open_folder(root, folders, opened)?;
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = openat(&*dir, *last, flags, Mode::empty())
        .map_err(|e| refusal(root, parts, parts.len(), e))?;
    Ok(File::from(fd))
}

/// The folder at `parts` under `root`, opened one component at a time from
/// the nearest folder on the way that `opened` holds (else from the root),
/// each relative to the one before, with `O_NOFOLLOW` and `O_DIRECTORY`: no
/// link is followed and nothing but a folder is opened. Kept in `opened`.
#[cfg(target_os = "linux")]
fn open_folder(
    root: &Path,
    parts: &[&str],
    opened: Option<&Opened>,
) -> Result<std::sync::Arc<std::os::fd::OwnedFd>, ReadError> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    let folder = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let nearest = opened.and_then(|o| {
        (0..=parts.len())
            .rev()
            .find_map(|n| o.get(&parts[..n].join("/")).map(|fd| (n, fd)))
    });
    let (from, mut dir) = match nearest {
        Some(found) => found,
        None => {
            let fd =
                openat(CWD, root, folder, Mode::empty()).map_err(|e| ReadError::Io(e.into()))?;
            (0, std::sync::Arc::new(fd))
        }
    };
    // Every folder on the way is kept, not only the last: the next
    // incident's files start from `incidents` instead of the root.
    for (i, part) in parts.iter().enumerate().skip(from) {
        let fd = openat(&*dir, *part, folder | OFlags::NOFOLLOW, Mode::empty())
            .map_err(|e| refusal(root, parts, i + 1, e))?;
        dir = std::sync::Arc::new(fd);
        if let Some(opened) = opened {
            opened.keep(parts[..=i].join("/"), dir.clone());
        }
    }
    Ok(dir)
}

/// Why opening `parts[..upto]` failed: the link or special file it met (a
/// link to a folder fails with ENOTDIR, to a file with ELOOP), else the
/// error, as `check_path` words it.
#[cfg(target_os = "linux")]
fn refusal(root: &Path, parts: &[&str], upto: usize, e: rustix::io::Errno) -> ReadError {
    let path = parts[..upto]
        .iter()
        .fold(root.to_path_buf(), |p, c| p.join(c));
    match fs::symlink_metadata(path)
        .ok()
        .and_then(|m| NotRegular::of(m.file_type()))
    {
        Some(what) => ReadError::NotRegular {
            path: parts[..upto].join("/"),
            what,
        },
        None if e == rustix::io::Errno::LOOP => ReadError::NotRegular {
            path: parts[..upto].join("/"),
            what: NotRegular::Link,
        },
        None if e == rustix::io::Errno::NOTDIR => {
            ReadError::Io(io::Error::from(io::ErrorKind::NotADirectory))
        }
        None => ReadError::Io(e.into()),
    }
}

/// Without `openat` at hand: opens the path just checked, then checks it
/// again and that the path still names what was opened.
#[cfg(not(target_os = "linux"))]
fn open_beneath(root: &Path, parts: &[&str], _: Option<&Opened>) -> Result<File, ReadError> {
    check_path(root, parts, Expect::File)?;
    let path = parts.iter().fold(root.to_path_buf(), |p, c| p.join(c));
    let file = File::open(&path)?;
    check_path(root, parts, Expect::File)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (opened, named) = (file.metadata()?, fs::symlink_metadata(&path)?);
        if (opened.dev(), opened.ino()) != (named.dev(), named.ino()) {
            return Err(ReadError::NotRegular {
                path: parts.join("/"),
                what: NotRegular::Link,
            });
        }
    }
    Ok(file)
}

/// The checks every file's content gets, whether read from disk or about to
/// be written: size, UTF-8, not empty.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    let text = text(bytes)?;
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "---");
    if !meaningful {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

/// Size and UTF-8, without a leading byte-order mark: editors on Windows
/// (Notepad) write one, and before a first key YAML parsers take it for a
/// second document. Every file read becomes text here.
fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // `valid` is UTF-8 by definition of valid_up_to.
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError::NotUtf8 { line, column }
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn refused(result: Result<String, ReadError>) -> Option<(String, NotRegular)> {
        match result {
            Err(ReadError::NotRegular { path, what }) => Some((path, what)),
            _ => None,
        }
    }

    #[test]
    fn reads_a_regular_file_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        fs::create_dir_all(root.join("incidents/a")).unwrap();
        fs::write(root.join("incidents/a/incident.yaml"), "title: x\n").unwrap();
        fs::write(tmp.path().join("secret"), "KEY=secret\n").unwrap();
        assert_eq!(
            read(&root, "incidents/a/incident.yaml").unwrap(),
            "title: x\n"
        );

        std::os::unix::fs::symlink(tmp.path().join("secret"), root.join("incidents/a/x.yaml"))
            .unwrap();
        assert_eq!(
            refused(read(&root, "incidents/a/x.yaml")),
            Some(("incidents/a/x.yaml".to_string(), NotRegular::Link))
        );
        // A link to a folder, on the way to a file: named, not followed.
        std::os::unix::fs::symlink(root.join("incidents/a"), root.join("incidents/b")).unwrap();
        assert_eq!(
            refused(read(&root, "incidents/b/incident.yaml")),
            Some(("incidents/b".to_string(), NotRegular::Link))
        );
        assert!(matches!(
            list(&root, "incidents/b"),
            Err(ReadError::NotRegular { .. })
        ));
        // A FIFO is refused before it is opened (opening it would block).
        mkfifo(&root.join("incidents/a/fifo.yaml"));
        assert_eq!(
            refused(read(&root, "incidents/a/fifo.yaml")),
            Some(("incidents/a/fifo.yaml".to_string(), NotRegular::Fifo))
        );
        // Listed with their kinds, from a folder opened before or not.
        let opened = Opened::default();
        for _ in 0..2 {
            let (mut listed, _) = list_in(&root, "incidents/a", &opened, Stamping::No).unwrap();
            listed.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(
                listed,
                [
                    ("fifo.yaml".to_string(), Kind::Refused(NotRegular::Fifo)),
                    ("incident.yaml".to_string(), Kind::File(None)),
                    ("x.yaml".to_string(), Kind::Refused(NotRegular::Link)),
                ]
            );
            // The stamp the listing takes is the one a stat by path gives.
            let (stamped, _) = list_in(&root, "incidents/a", &opened, Stamping::Files).unwrap();
            let by_path =
                Stamp::of(&fs::symlink_metadata(root.join("incidents/a/incident.yaml")).unwrap());
            assert!(stamped.contains(&("incident.yaml".to_string(), Kind::File(Some(by_path)))));
            assert!(stamped.contains(&("x.yaml".to_string(), Kind::Refused(NotRegular::Link))));
            assert!(matches!(
                list_in(&root, "incidents/b", &opened, Stamping::No),
                Err(ReadError::NotRegular { ref path, what: NotRegular::Link }) if path == "incidents/b"
            ));
        }
        for escape in [
            "../secret",
            "/etc/passwd",
            "incidents/../../secret",
            "",
            "a//b",
        ] {
            assert!(
                matches!(read(&root, escape), Err(ReadError::Outside(_))),
                "{escape}"
            );
        }
        assert!(read(&root, "incidents/none.yaml").unwrap_err().is_absent());
    }

    /// A link is not followed by the open, wherever it is on the way.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_open_itself_follows_no_link() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        fs::create_dir_all(root.join("real")).unwrap();
        fs::write(root.join("real/f.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("dir")).unwrap();
        std::os::unix::fs::symlink(root.join("real/f.yaml"), root.join("real/g.yaml")).unwrap();
        assert!(open_beneath(&root, &["real", "f.yaml"], None).is_ok());
        for parts in [&["dir", "f.yaml"][..], &["real", "g.yaml"]] {
            assert!(
                matches!(
                    open_beneath(&root, parts, None),
                    Err(ReadError::NotRegular {
                        what: NotRegular::Link,
                        ..
                    })
                ),
                "{parts:?}"
            );
        }
    }

    /// Folders kept open between files change nothing of what is refused.
    #[cfg(target_os = "linux")]
    #[test]
    fn reading_with_folders_kept_open_refuses_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        fs::create_dir_all(root.join("incidents/a/updates")).unwrap();
        fs::write(root.join("incidents/a/incident.yaml"), "title: x\n").unwrap();
        fs::write(root.join("incidents/a/updates/1.yaml"), "at: 1\n").unwrap();
        std::os::unix::fs::symlink(
            root.join("incidents/a/incident.yaml"),
            root.join("incidents/a/l.yaml"),
        )
        .unwrap();
        mkfifo(&root.join("incidents/a/fifo.yaml"));
        let opened = Opened::default();
        for _ in 0..2 {
            assert_eq!(
                read_in(&root, "incidents/a/incident.yaml", &opened).unwrap(),
                "title: x\n"
            );
            assert_eq!(
                read_in(&root, "incidents/a/updates/1.yaml", &opened).unwrap(),
                "at: 1\n"
            );
            assert_eq!(
                refused(read_in(&root, "incidents/a/l.yaml", &opened)),
                Some(("incidents/a/l.yaml".to_string(), NotRegular::Link))
            );
            assert_eq!(
                refused(read_in(&root, "incidents/a/fifo.yaml", &opened)),
                Some(("incidents/a/fifo.yaml".to_string(), NotRegular::Fifo))
            );
            let folder = read_in(&root, "incidents/a/updates", &opened).unwrap_err();
            assert!(folder.is_absent(), "{folder:?}");
        }
    }

    /// A folder whose stamp is the one recorded is not read again: its
    /// names come from the record, each file stamped afresh. Once an entry
    /// is made in it, it is read.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_unchanged_since_its_record_is_taken_from_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let folder = root.join("incidents/a");
        fs::create_dir_all(folder.join("updates")).unwrap();
        fs::write(folder.join("incident.yaml"), "title: x\n").unwrap();
        fs::write(folder.join("notes.txt"), "n\n").unwrap();
        std::os::unix::fs::symlink("incident.yaml", folder.join("l.yaml")).unwrap();
        let opened = Opened::default();
        let list = |known: Option<&Recorded>| {
            let (mut entries, origin) =
                list_in(root, "incidents/a", &opened, Stamping::Kept(known)).unwrap();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            (entries, origin)
        };
        let (read, Origin::Read(Some(recorded))) = list(None) else {
            panic!("a stamped listing is recorded")
        };
        let (again, origin) = list(Some(&recorded));
        assert!(matches!(origin, Origin::Recalled), "{origin:?}");
        assert_eq!(again, read);
        // Recalled, not read: a record without a name leaves it out.
        let mut partial = recorded.clone();
        partial.files.retain(|f| f != "notes.txt");
        assert!(!list(Some(&partial)).0.iter().any(|(n, _)| n == "notes.txt"));
        // A file written in place: the folder is the same, the stamp new.
        fs::write(folder.join("incident.yaml"), "title: a longer one\n").unwrap();
        let (rewritten, origin) = list(Some(&recorded));
        assert!(matches!(origin, Origin::Recalled));
        let now = Stamp::of(&fs::symlink_metadata(folder.join("incident.yaml")).unwrap());
        assert!(rewritten.contains(&("incident.yaml".to_string(), Kind::File(Some(now)))));
        // A recorded file gone without the folder's stamp moving (a record
        // that does not match): the folder is read.
        let mut ghost = recorded.clone();
        ghost.files.push("ghost.yaml".to_string());
        let (found, origin) = list(Some(&ghost));
        assert!(matches!(origin, Origin::Read(Some(_))));
        assert!(!found.iter().any(|(n, _)| n == "ghost.yaml"));
        // An entry made: the folder's stamp moved, so it is read.
        fs::write(folder.join("2.yaml"), "at: 2\n").unwrap();
        let (found, origin) = list(Some(&recorded));
        assert!(matches!(origin, Origin::Read(Some(_))), "{origin:?}");
        assert!(found.iter().any(|(n, _)| n == "2.yaml"));
        // Listings not kept neither take a record nor make one.
        for stamping in [Stamping::No, Stamping::Files] {
            let (_, origin) = list_in(root, "incidents/a", &opened, stamping).unwrap();
            assert!(matches!(origin, Origin::Read(None)), "{stamping:?}");
        }
    }

    /// `mkfifo` through the system tool: no FFI in the tests.
    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }
}
