//! The incident repository on disk: where it is, which files it holds, and
//! reading and parsing them. It knows nothing of schemas, rules or the model.

pub(crate) mod keep;
pub mod layout;
pub(crate) mod locate;
pub mod source;
pub mod yaml;

use rayon::prelude::*;
use source::{NotRegular, Total};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::paths::CONFIG as CONFIG_FILE;
use crate::paths::INCIDENTS;

#[derive(Debug, thiserror::Error)]
pub(crate) enum DiscoverError {
    #[error(
        "no {CONFIG_FILE} in {0} or any parent folder: run inside an incident repository, pass -C DIR, or create one with `incident init`"
    )]
    NotFound(PathBuf),
    #[error("cannot read {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Walks up from `start` to the folder holding `incidentkit.yaml`, as git
/// finds `.git`.
pub(crate) fn discover(start: &Path) -> Result<PathBuf, DiscoverError> {
    let start = start
        .canonicalize()
        .map_err(|e| DiscoverError::Io(start.to_path_buf(), e))?;
    start
        .ancestors()
        // Not followed: a linked configuration is found, then refused.
        .find(|dir| std::fs::symlink_metadata(dir.join(CONFIG_FILE)).is_ok_and(|m| !m.is_dir()))
        .map(Path::to_path_buf)
        .ok_or(DiscoverError::NotFound(start))
}

/// What a file's metadata says of its content without reading it, as git's
/// index compares it: size, modification time and, on Unix, the change time
/// (moved by any write, `chmod` or `touch -r`), inode and device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Bytes.
    pub len: u64,
    /// `None` where the file system keeps no modification time.
    pub modified: Option<std::time::SystemTime>,
    /// Change time (seconds, nanoseconds); zero where not Unix.
    pub changed: (i64, i64),
    /// Inode and device; zero where not Unix.
    pub inode: (u64, u64),
}

/// All of a stamp in one write, as `Found` hashes it: a hasher's cost is
/// per write.
impl std::hash::Hash for Stamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(&self.bytes());
    }
}

impl Stamp {
    /// Every field, in a fixed order: equal stamps give equal bytes.
    fn bytes(&self) -> [u8; 53] {
        use std::time::UNIX_EPOCH;
        let modified = self.modified.map(|t| match t.duration_since(UNIX_EPOCH) {
            Ok(after) => (1u8, after),
            Err(before) => (2, before.duration()),
        });
        let (tag, since) = modified.unwrap_or_default();
        let fields = [
            &self.len.to_le_bytes()[..],
            &[tag],
            &since.as_secs().to_le_bytes(),
            &since.subsec_nanos().to_le_bytes(),
            &self.changed.0.to_le_bytes(),
            &self.changed.1.to_le_bytes(),
            &self.inode.0.to_le_bytes(),
            &self.inode.1.to_le_bytes(),
        ];
        let mut bytes = [0u8; 53];
        let mut at = 0;
        for field in fields {
            bytes[at..at + field.len()].copy_from_slice(field);
            at += field.len();
        }
        bytes
    }

    pub(crate) fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            ((meta.ctime(), meta.ctime_nsec()), (meta.ino(), meta.dev()))
        };
        #[cfg(not(unix))]
        let (changed, inode) = ((0, 0), (0, 0));
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            changed,
            inode,
        }
    }

    /// The stamp as one number, the same in every run (fixed keys).
    pub(crate) fn hashed(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// The same stamp from a stat the listing took (`source::list_in`),
    /// with the same system call std makes.
    #[cfg(target_os = "linux")]
    fn of_statx(st: &rustix::fs::Statx) -> Self {
        use std::time::{Duration, UNIX_EPOCH};
        let (secs, nanos) = (st.stx_mtime.tv_sec, st.stx_mtime.tv_nsec);
        let kept = rustix::fs::StatxFlags::from_bits_retain(st.stx_mask);
        // None where the file system keeps no modification time, as std
        // says; else built as std builds a `SystemTime` from a timespec,
        // before the epoch too.
        let modified = if !kept.contains(rustix::fs::StatxFlags::MTIME) {
            None
        } else if secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(secs.unsigned_abs(), nanos))
        } else {
            UNIX_EPOCH
                .checked_sub(Duration::from_secs(secs.unsigned_abs()))
                .and_then(|t| t.checked_add(Duration::from_nanos(nanos.into())))
        };
        Self {
            len: st.stx_size,
            modified,
            changed: (st.stx_ctime.tv_sec, st.stx_ctime.tv_nsec.into()),
            inode: (
                st.stx_ino,
                rustix::fs::makedev(st.stx_dev_major, st.stx_dev_minor),
            ),
        }
    }
}

/// An incident folder's files as found on disk: a hash of their names and
/// stamps (equal while none of them changed, in every run of a build), and
/// when the newest of them was modified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The names and stamps, hashed.
    pub fingerprint: u64,
    /// The newest modification time among them.
    pub newest: std::time::SystemTime,
}

impl Found {
    /// `files` with their stamps; `None` when one has none (pending, not a
    /// regular file, refused, or on a file system without times), and off
    /// Unix, where a stamp holds no change time or inode: a same-size edit
    /// that keeps the modification time would look unchanged to a cache.
    fn of<'a>(files: impl Iterator<Item = (&'a String, &'a Option<Stamp>)>) -> Option<Self> {
        if !cfg!(unix) {
            return None;
        }
        use std::hash::Hasher;
        // Names and stamps hashed in one write (the cost is per write), each
        // name ended as a `str` hash ends it; fixed keys: the same files give
        // the same hash in every run.
        let mut bytes = Vec::with_capacity(1024);
        let mut newest = std::time::SystemTime::UNIX_EPOCH;
        for (file, stamp) in files {
            let stamp = stamp.as_ref()?;
            newest = newest.max(stamp.modified?);
            bytes.extend_from_slice(file.as_bytes());
            bytes.push(0xff);
            bytes.extend_from_slice(&stamp.bytes());
        }
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(&bytes);
        Some(Self {
            fingerprint: hasher.finish(),
            newest,
        })
    }
}

/// The `Found` of every incident folder a scan listed whose files all have
/// stamps and that holds no link or special file, by id: what the caches
/// of `list` and of a check compare, without a stamp kept per file.
pub type Fingerprints = std::collections::HashMap<String, Found>;

/// What a scan keeps of the one stat of each file it lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stat {
    /// Their total size only.
    Sizes,
    /// Each file's stamp, in the layout (`IncidentDir::stamped_files`).
    Stamps,
    /// Each incident folder's `Found` too.
    Fingerprints,
}

/// The repository's files as they are on disk, plus files about to be
/// written, so a command can check what it would write before writing it.
#[derive(Debug, Clone)]
pub struct Files {
    root: PathBuf,
    pending: BTreeMap<String, String>,
    /// Paths git records as links or submodules: refused without reading,
    /// whatever the checkout made of them (a plain file holding the link's
    /// target where links are not supported).
    refused: BTreeMap<String, NotRegular>,
    /// Folders kept open for the next files, during one pass (`reading_all`).
    opened: Option<Arc<source::Opened>>,
    /// The bytes read so far, when the repository's size limit is kept as
    /// files are read rather than by a stat of each beforehand (`counting`).
    counted: Option<Arc<Counted>>,
    /// A revision's files written out to a scratch folder (`exported`).
    exported: bool,
    /// Where a stamped scan keeps its listings (`keeping_listings`).
    listings: Option<PathBuf>,
}

/// What a `counting` pass has read, against the limit in force when it
/// began (read once: not an environment lookup per file).
#[derive(Debug)]
struct Counted {
    read: AtomicU64,
    limit: u64,
}

impl Counted {
    fn past_limit(&self) -> bool {
        self.read.load(Ordering::Relaxed) > self.limit
    }
}

impl Files {
    /// The files under `root`, nothing pending.
    pub fn on_disk(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            pending: BTreeMap::new(),
            refused: BTreeMap::new(),
            opened: None,
            counted: None,
            exported: false,
            listings: None,
        }
    }

    /// The files of a revision that `git::export_tree` wrote under `root`
    /// (`build --as-of REV`): a scratch folder, which may lie inside some
    /// other git repository (a `$TMPDIR` in a work tree). That repository
    /// is not theirs: nothing is kept for them in its git folder.
    pub fn exported(root: &Path) -> Self {
        Self {
            exported: true,
            ..Self::on_disk(root)
        }
    }

    /// `pending` maps paths relative to the root to their future content.
    pub fn with_pending(root: &Path, pending: BTreeMap<String, String>) -> Self {
        Self {
            root: root.to_path_buf(),
            pending,
            refused: BTreeMap::new(),
            opened: None,
            counted: None,
            exported: false,
            listings: None,
        }
    }

    /// The same files, for scans that keep their listings in `file` (in the
    /// git folder, `layout::Listings`) and take them again: none for a
    /// revision written out, which has no git folder of its own.
    pub(crate) fn keeping_listings(mut self, file: Option<PathBuf>) -> Self {
        self.listings = file.filter(|_| !self.exported);
        self
    }

    /// The same files, with `refused` (paths relative to the root, from git's
    /// tree entry modes) refused as `source::read` refuses a link on disk.
    pub fn refusing(mut self, refused: BTreeMap<String, NotRegular>) -> Self {
        self.refused.extend(refused);
        self
    }

    /// The same files, for one pass that reads them all: folders stay open
    /// from one file to the next of the same folder.
    pub(crate) fn reading_all(mut self) -> Self {
        self.opened = Some(Arc::default());
        self
    }

    /// The same files, for a pass that reads each once and keeps none (a
    /// check keeping its findings only): the repository's size limit is
    /// kept by counting what is read, and reading stops past it, so the
    /// listing needs no stat of every file (`scan`, `within_limit`).
    pub(crate) fn counting(mut self) -> Self {
        self.counted = Some(Arc::new(Counted {
            read: AtomicU64::new(0),
            limit: source::repository_limit(),
        }));
        self
    }

    /// With `counting`: refuses the repository once what was read passed
    /// the limit, as `scan` refuses it beforehand.
    pub(crate) fn within_limit(&self) -> std::io::Result<()> {
        let Some(counted) = &self.counted else {
            return Ok(());
        };
        let read = counted.read.load(Ordering::Relaxed);
        source::within_repository_limit(&self.root, Total::AtLeast(read))
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Whether these are a revision's files written out (`exported`).
    pub(crate) fn is_exported(&self) -> bool {
        self.exported
    }

    /// A file as text, through the one reader (`source::read`).
    pub fn read(&self, file: &str) -> Result<String, source::ReadError> {
        if let Some((path, what)) = self.refused_at(file) {
            return Err(source::ReadError::NotRegular {
                path: path.to_string(),
                what,
            });
        }
        if self.counted.as_ref().is_some_and(|c| c.past_limit()) {
            return Err(source::ReadError::Io(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "not read: the repository is past its size limit",
            )));
        }
        let text = match self.pending.get(file) {
            Some(text) => source::decode(text.clone().into_bytes()),
            None => match &self.opened {
                Some(opened) => source::read_in(&self.root, file, opened),
                None => source::read(&self.root, file),
            },
        };
        if let (Some(counted), Ok(text)) = (&self.counted, &text) {
            counted.read.fetch_add(text.len() as u64, Ordering::Relaxed);
        }
        text
    }

    /// The refused path `file` is or lies under.
    fn refused_at(&self, file: &str) -> Option<(&str, NotRegular)> {
        self.refused
            .iter()
            .find(|(path, _)| layout::is_within(file, path))
            .map(|(path, what)| (path.as_str(), *what))
    }

    pub(crate) fn scan(&self) -> std::io::Result<layout::Layout> {
        self.scan_with(Stat::Sizes).map(|(layout, ..)| layout)
    }

    /// `scan`, with the stamp of every regular file on disk it reads taken
    /// as its folder is listed (`IncidentDir::stamped_files`; the one stat
    /// each that the repository's size limit needs anyway).
    pub(crate) fn scan_stamped(&self) -> std::io::Result<layout::Layout> {
        self.scan_with(Stat::Stamps).map(|(layout, _)| layout)
    }

    /// `scan`, with the `Found` of each incident folder (`Fingerprints`).
    pub(crate) fn scan_fingerprinted(&self) -> std::io::Result<(layout::Layout, Fingerprints)> {
        self.scan_with(Stat::Fingerprints)
    }

    /// `scan`, keeping what `stat` asks of each file's stat.
    fn scan_with(&self, stat: Stat) -> std::io::Result<(layout::Layout, Fingerprints)> {
        // Counting files keep the limit as they are read (`counting`), and
        // need no stat at all.
        let unstated = self.counted.is_some() && stat == Stat::Sizes;
        // Listings are kept where folders keep their times, and only taken
        // with stamps: recalling a folder's names costs its stamp.
        let keeping = (self.listings.as_deref())
            .filter(|_| !unstated && keep::keeps_folder_times(&self.root.join(INCIDENTS)));
        let settled_before = std::time::SystemTime::now() - keep::SETTLED;
        let kept = keeping.map(|file| (file, layout::Listings::read(file)));
        let mut layout = layout::scan(&self.root, !unstated, kept.as_ref().map(|(_, k)| k))?;
        if let Some((file, kept)) = kept {
            kept.keep(file, &mut layout, settled_before);
        }
        self.add_pending_and_refused(&mut layout);
        if unstated {
            return Ok((layout, Fingerprints::new()));
        }
        let (total, found) = self.sizes(&layout, stat);
        source::within_repository_limit(&self.root, Total::Exactly(total))?;
        Ok((layout, found))
    }

    fn add_pending_and_refused(&self, layout: &mut layout::Layout) {
        for file in self.pending.keys() {
            layout.insert(file);
        }
        for (path, what) in &self.refused {
            layout.refuse(path, *what);
        }
    }

    /// The incident folders named in `ids` only, as `scan` lists them.
    pub fn scan_only(&self, ids: &BTreeSet<String>) -> std::io::Result<layout::Layout> {
        let mut layout = layout::scan_only(&self.root, ids)?;
        let in_scope = |file: &&String| {
            crate::paths::in_incident(file).is_some_and(|(id, _)| ids.contains(id))
        };
        for file in self.pending.keys().filter(in_scope) {
            layout.insert(file);
        }
        for (path, what) in &self.refused {
            layout.refuse(path, *what);
        }
        Ok(layout)
    }

    /// The size of every file `check` would read, in total, and with
    /// `Fingerprints` each folder's `Found`: from the stamps the listing
    /// took, else one stat each (no reads; in parallel, as the stats of a
    /// large repository add up).
    fn sizes(&self, layout: &layout::Layout, stat: Stat) -> (u64, Fingerprints) {
        // A refused file is not read, so not kept either.
        let kept =
            |file: &String, stamp: Option<Stamp>| stamp.filter(|_| self.refused_at(file).is_none());
        let size = |file: &String| -> (u64, Option<Stamp>) {
            if let Some(text) = self.pending.get(file) {
                return (text.len() as u64, None);
            }
            // Unreadable files are reported when read; a link is not followed.
            let Ok(meta) = std::fs::symlink_metadata(self.root.join(file)) else {
                return (0, None);
            };
            (
                meta.len(),
                kept(file, meta.is_file().then(|| Stamp::of(&meta))),
            )
        };
        let config = size(&CONFIG_FILE.to_string()).0;
        // Per folder: its files' sizes and, for fingerprints, their stamps
        // in `read_files` order, hashed.
        let sized: Vec<(u64, Option<(String, Found)>)> = layout
            .incidents
            .par_iter()
            .map(|d| {
                let stats: Vec<(u64, Option<Stamp>)> = match d.stamped_files() {
                    // A file the listing found replaced has no stamp: stat'ed.
                    Some(listed) => listed
                        .map(|(file, stamp)| match stamp {
                            Some(stamp) => (stamp.len, kept(file, Some(stamp))),
                            None => size(file),
                        })
                        .collect(),
                    None => d.read_files().map(size).collect(),
                };
                let found = (stat == Stat::Fingerprints && d.refused.is_empty())
                    .then(|| Found::of(d.read_files().zip(stats.iter().map(|(_, s)| s))))
                    .flatten();
                let total = stats.iter().map(|(len, _)| len).sum::<u64>();
                (total, found.map(|found| (d.id.clone(), found)))
            })
            .collect();
        let total = config + sized.iter().map(|(len, _)| len).sum::<u64>();
        let found = sized.into_iter().filter_map(|(_, f)| f).collect();
        (total, found)
    }
}
