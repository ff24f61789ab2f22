//! git's index read from the index file itself. libgit2 loads every entry
//! (each path allocated, the checksum of the whole file computed, a map of
//! paths built) where incidentkit needs less: the links and submodules it
//! records (on 87,000 entries libgit2 took a core for as long as listing
//! the folders it runs alongside), and for `validate --changed-since` the
//! stat data of the entries and the tree its cache of trees holds. An index
//! this reader does not know (another version, a required extension such
//! as a split or sparse index's, an object format other than SHA-1, entries
//! that disagree with their own lengths) is `None`: the caller asks libgit2
//! then, and refuses to read any file when libgit2 cannot read it either.
//!
//! The format: git's Documentation/gitformat-index.txt.

use git2::{IndexEntry, IndexTime, Oid, Repository};

/// Bytes of an object name in a SHA-1 repository.
const SHA1: usize = 20;
/// ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields.
const STAT_DATA: usize = 40;
/// In an entry's flags: two more bytes of flags follow (version 3 and on).
const EXTENDED: u16 = 0x4000;
/// In an entry's flags: the path's length, or all ones from 0xFFF bytes on.
const NAME_LENGTH: u16 = 0x0FFF;

/// (path, mode) of every entry of the repository's index whose mode is
/// `wanted`; empty when there is no index yet.
pub(super) fn entries_with(repo: &Repository, wanted: impl Fn(u32) -> bool) -> Option<Entries> {
    let mut found = Vec::new();
    let Some(bytes) = index_bytes(repo)? else {
        return Some(found);
    };
    parse(&bytes, |entry| {
        if wanted(entry.mode()) {
            found.push((entry.path.to_vec(), entry.mode()));
        }
    })?;
    Some(found)
}

/// (path, mode) pairs, in the index's order.
pub(super) type Entries = Vec<(Vec<u8>, u32)>;

/// What `validate --changed-since` needs of the index: its entries under
/// a path (and the attribute and submodule files anywhere, which libgit2
/// consults when it compares them), and the tree of the whole index when
/// its cache of trees holds it (git keeps it valid until something is
/// staged).
pub(super) struct Contents {
    pub entries: Vec<IndexEntry>,
    pub tree: Option<Oid>,
}

/// The entries of the repository's index whose path starts with `under`,
/// and its `.gitattributes` and `.gitmodules` files, with all they record,
/// and the index's tree; `None` when there is no index or this reader does
/// not know it.
pub(super) fn read(repo: &Repository, under: &str) -> Option<Contents> {
    let bytes = index_bytes(repo)??;
    let mut entries = Vec::new();
    let extensions = parse(&bytes, |entry| {
        if entry.path.starts_with(under.as_bytes()) || consulted(entry.path) {
            entries.push(entry.to_index_entry());
        }
    })?;
    Some(Contents {
        entries,
        tree: cached_root(&extensions),
    })
}

/// Whether `path` is a file libgit2 reads from the index, when the working
/// tree lacks it, to compare other files: attributes (line endings,
/// filters) and submodules.
pub(super) fn consulted(path: &[u8]) -> bool {
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    matches!(name, b".gitattributes" | b".gitmodules")
}

/// The index file's bytes; `Some(None)` when there is none yet, `None` when
/// the repository is not one this reader knows (another object format).
fn index_bytes(repo: &Repository) -> Option<Option<Vec<u8>>> {
    let sha1 = repo
        .config()
        .ok()?
        .get_string("extensions.objectformat")
        .map_or(true, |format| format.eq_ignore_ascii_case("sha1"));
    if !sha1 {
        return None;
    }
    match std::fs::read(repo.path().join("index")) {
        Ok(bytes) => Some(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
        Err(_) => None,
    }
}

/// One entry as the index file holds it.
struct Raw<'b> {
    /// The ten 32-bit fields of stat data, as written (the mode among them).
    stat: &'b [u8],
    id: &'b [u8],
    flags: u16,
    extended: u16,
    path: &'b [u8],
}

impl Raw<'_> {
    /// Field `n` of the stat data (`parse` took all ten).
    fn field(&self, n: usize) -> u32 {
        u32_at(self.stat, n * 4).unwrap_or_default()
    }

    fn mode(&self) -> u32 {
        self.field(6)
    }

    fn to_index_entry(&self) -> IndexEntry {
        let time = |n: usize| IndexTime::new(self.field(n) as i32, self.field(n + 1));
        IndexEntry {
            ctime: time(0),
            mtime: time(2),
            dev: self.field(4),
            ino: self.field(5),
            mode: self.mode(),
            uid: self.field(7),
            gid: self.field(8),
            file_size: self.field(9),
            id: Oid::from_bytes(self.id).unwrap_or(Oid::ZERO_SHA1),
            flags: self.flags,
            flags_extended: self.extended,
            path: self.path.to_vec(),
        }
    }
}

/// Each entry of an index file, in its order, then its extensions; `None`
/// when the file is not an index this reader knows, whole.
fn parse(bytes: &[u8], mut each: impl FnMut(&Raw<'_>)) -> Option<Vec<Extension<'_>>> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = u32_at(bytes, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = u32_at(bytes, 8)?;
    let mut at = 12;
    // Version 4 writes each path as a change of the one before.
    let mut path: Vec<u8> = Vec::new();
    for _ in 0..count {
        let stat = bytes.get(at..at + STAT_DATA)?;
        let id = bytes.get(at + STAT_DATA..at + STAT_DATA + SHA1)?;
        let flag_bytes = |at: usize| -> Option<u16> {
            Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
        };
        let flags = flag_bytes(at + STAT_DATA + SHA1)?;
        let mut name = at + STAT_DATA + SHA1 + 2;
        let mut extended = 0;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return None;
            }
            extended = flag_bytes(name)?;
            name += 2;
        }
        if version == 4 {
            let (strip, used) = varint(bytes.get(name..)?)?;
            name += used;
            let end = name + nul(bytes.get(name..)?)?;
            path.truncate(path.len().checked_sub(strip)?);
            path.extend_from_slice(&bytes[name..end]);
            at = end + 1;
        } else {
            let end = name + nul(bytes.get(name..)?)?;
            path.clear();
            path.extend_from_slice(&bytes[name..end]);
            // 1 to 8 NULs end the entry at a multiple of 8 bytes.
            at += (end - at + 8) & !7;
        }
        // The flags hold the path's length below 0xFFF: git reads the path
        // by it, so a path that disagrees is not one this reader knows.
        let length = usize::from(flags & NAME_LENGTH);
        if length < usize::from(NAME_LENGTH) && length != path.len() {
            return None;
        }
        each(&Raw {
            stat,
            id,
            flags,
            extended,
            path: &path,
        });
    }
    extensions(bytes.get(at..bytes.len().checked_sub(SHA1)?)?)
}

/// The tree of the whole index, from the first entry of its cache of trees
/// (`TREE`: path, entry count, subtree count, then the tree's id when the
/// count is not -1, i.e. nothing was staged in it since it was written).
fn cached_root(extensions: &[Extension<'_>]) -> Option<Oid> {
    let (_, data) = extensions
        .iter()
        .find(|(signature, _)| *signature == b"TREE")?;
    // The root's path is empty.
    let (b"", rest) = data.split_at(nul(data)?) else {
        return None;
    };
    let line = &rest[1..];
    let end = line.iter().position(|&b| b == b'\n')?;
    let (count, _subtrees) = std::str::from_utf8(&line[..end]).ok()?.split_once(' ')?;
    if count.parse::<i64>().ok()? < 0 {
        return None;
    }
    Oid::from_bytes(line.get(end + 1..end + 1 + SHA1)?).ok()
}

/// An extension after the entries: its signature and its data.
type Extension<'b> = (&'b [u8], &'b [u8]);

/// The extensions after the entries, when they are whole and all optional:
/// one whose name starts with a lowercase letter changes what the entries
/// mean (a split index's `link` keeps entries in another file, a sparse
/// index's `sdir` makes an entry stand for a whole folder), and git itself
/// refuses an index with one it does not know.
fn extensions(mut rest: &[u8]) -> Option<Vec<Extension<'_>>> {
    let mut found = Vec::new();
    while !rest.is_empty() {
        let (signature, size) = (rest.get(..4)?, u32_at(rest, 4)? as usize);
        if !signature[0].is_ascii_uppercase() {
            return None;
        }
        found.push((signature, rest.get(8..8 + size)?));
        rest = &rest[8 + size..];
    }
    Some(found)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// git's offset encoding (varint.c): the value and the bytes it took.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut used = 0;
    let mut byte = *bytes.get(used)?;
    used += 1;
    let mut value = usize::from(byte & 127);
    while byte & 128 != 0 {
        value = value.checked_add(1)?.checked_mul(128)?;
        byte = *bytes.get(used)?;
        used += 1;
        value += usize::from(byte & 127);
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::tests::git;
    use git2::{IndexEntry, IndexTime, Oid};

    /// An entry of the empty blob (which `Repository::init`'s callers
    /// write first: libgit2 adds no entry for an object it lacks).
    fn entry(path: &str, mode: u32, extended: u16) -> IndexEntry {
        IndexEntry {
            ctime: IndexTime::new(0, 0),
            mtime: IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: Oid::from_str("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391").unwrap(),
            flags: 0,
            flags_extended: extended,
            path: path.as_bytes().to_vec(),
        }
    }

    /// What libgit2 reads of the same index, for comparison.
    fn libgit2_entries(repo: &Repository, wanted: impl Fn(u32) -> bool) -> Entries {
        repo.index()
            .unwrap()
            .iter()
            .filter(|e| wanted(e.mode))
            .map(|e| (e.path, e.mode))
            .collect()
    }

    #[test]
    fn reads_the_links_and_submodules_of_every_index_version_as_libgit2_does() {
        let links = |mode: u32| matches!(mode & 0o170000, 0o120000 | 0o160000);
        for version in [2, 3, 4] {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init(dir.path()).unwrap();
            repo.blob(b"").unwrap();
            let mut index = repo.index().unwrap();
            // Paths of every length around the 8-byte padding, shared
            // prefixes for version 4, a link, a submodule.
            for n in 0..40 {
                let name = format!("incidents/2026-11-{n:02}-{}/incident.yaml", "x".repeat(n));
                index.add(&entry(&name, 0o100644, 0)).unwrap();
            }
            index
                .add(&entry("incidents/a/updates/link.yaml", 0o120000, 0))
                .unwrap();
            index.add(&entry("incidents/b", 0o160000, 0)).unwrap();
            index
                .add(&entry("incidents/ü/ünicode.yaml", 0o120000, 0))
                .unwrap();
            if version == 3 {
                // Intent to add: an entry with extended flags.
                let intent = entry("incidents/c/incident.yaml", 0o100644, 1 << 13);
                index.add(&intent).unwrap();
            }
            index.set_version(version).unwrap();
            index.write().unwrap();
            let bytes = std::fs::read(repo.path().join("index")).unwrap();
            assert_eq!(
                u32_at(&bytes, 4),
                Some(version),
                "written as version {version}"
            );
            let ours = entries_with(&repo, links).unwrap();
            assert_eq!(ours.len(), 3, "version {version}");
            assert_eq!(ours, libgit2_entries(&repo, links), "version {version}");
            let every = entries_with(&repo, |_| true).unwrap();
            assert_eq!(every, libgit2_entries(&repo, |_| true), "version {version}");
        }
    }

    #[test]
    fn an_index_it_does_not_know_is_left_to_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        // No index yet: nothing recorded.
        assert_eq!(entries_with(&repo, |_| true), Some(Vec::new()));
        repo.blob(b"").unwrap();
        let mut index = repo.index().unwrap();
        index.add(&entry("a", 0o120000, 0)).unwrap();
        index.write().unwrap();
        let good = std::fs::read(repo.path().join("index")).unwrap();
        assert!(parse(&good, |_| ()).is_some());
        // Cut short anywhere, or with another version or signature.
        for cut in [0, 3, 11, 20, 70, good.len() - 21] {
            assert_eq!(parse(&good[..cut], |_| ()), None, "cut at {cut}");
        }
        let mut other = good.clone();
        other[7] = 5;
        assert_eq!(parse(&other, |_| ()), None);
        other[..4].copy_from_slice(b"DIRX");
        assert_eq!(parse(&other, |_| ()), None);
        // A split index keeps its entries in another file.
        let mut split = good[..good.len() - SHA1].to_vec();
        split.extend_from_slice(b"link");
        split.extend_from_slice(&20u32.to_be_bytes());
        split.extend_from_slice(&[0; 20]);
        split.extend_from_slice(&[0; SHA1]);
        assert_eq!(parse(&split, |_| ()), None);
    }

    /// Indexes as git itself writes them (a tree cache, version 4, a split
    /// index), against `git ls-files --stage`.
    #[test]
    fn reads_the_indexes_git_writes_and_refuses_a_split_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        let updates = root.join("incidents/a/updates");
        std::fs::create_dir_all(&updates).unwrap();
        std::fs::write(root.join("incidents/a/incident.yaml"), "title: A\n").unwrap();
        std::fs::write(updates.join("x.yaml"), "at: 1\n").unwrap();
        std::os::unix::fs::symlink("../../../../secret", updates.join("link.yaml")).unwrap();
        git(root, &["add", "-A"]);
        let gitlink = "160000,0123456789abcdef0123456789abcdef01234567,incidents/sub";
        git(root, &["update-index", "--add", "--cacheinfo", gitlink]);
        git(root, &["commit", "-q", "-m", "x"]);
        let links = |mode: u32| matches!(mode & 0o170000, 0o120000 | 0o160000);
        // "<mode> <object> <stage>\t<path>"
        let stage: Entries = git(root, &["ls-files", "--stage"])
            .lines()
            .map(|line| {
                let (meta, path) = line.split_once('\t').unwrap();
                let mode = u32::from_str_radix(meta.split(' ').next().unwrap(), 8).unwrap();
                (path.as_bytes().to_vec(), mode)
            })
            .filter(|(_, mode)| links(*mode))
            .collect();
        assert_eq!(stage.len(), 2);
        let repo = Repository::open(root).unwrap();
        for version in ["2", "4", "3"] {
            git(root, &["update-index", "--index-version", version]);
            assert_eq!(
                entries_with(&repo, links),
                Some(stage.clone()),
                "v{version}"
            );
        }
        git(root, &["update-index", "--split-index"]);
        assert_eq!(entries_with(&repo, links), None);
        let refused = crate::git::recorded_links(root, false).unwrap_err();
        assert_eq!(refused.kind(), std::io::ErrorKind::Unsupported);
        assert!(
            refused.to_string().contains("--no-split-index"),
            "{refused}"
        );
        git(root, &["update-index", "--no-split-index"]);
        assert_eq!(crate::git::recorded_links(root, false).unwrap().len(), 2);
    }

    /// Every field of every entry as libgit2 reads it, and the tree of the
    /// whole index from git's cache of trees until something is staged.
    #[test]
    fn reads_every_entry_and_the_cached_tree_as_git_wrote_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        for id in ["a", "b"] {
            let updates = root.join(format!("incidents/{id}/updates"));
            std::fs::create_dir_all(&updates).unwrap();
            std::fs::write(updates.join("x.yaml"), format!("at: {id}\n")).unwrap();
        }
        std::fs::write(root.join("incidentkit.yaml"), "site: {}\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "x"]);
        let fields = |e: &IndexEntry| {
            let time = |t: &IndexTime| (t.seconds(), t.nanoseconds());
            (
                (time(&e.ctime), time(&e.mtime), e.dev, e.ino, e.mode, e.uid),
                (e.gid, e.file_size, e.id, e.flags, e.flags_extended),
                e.path.clone(),
            )
        };
        for version in ["2", "4", "3"] {
            git(root, &["update-index", "--index-version", version]);
            let repo = Repository::open(root).unwrap();
            let head = repo.head().unwrap().peel_to_tree().unwrap().id();
            let ours = read(&repo, "").unwrap();
            assert_eq!(ours.tree, Some(head), "v{version}");
            let theirs: Vec<_> = repo.index().unwrap().iter().map(|e| fields(&e)).collect();
            let ours: Vec<_> = ours.entries.iter().map(fields).collect();
            assert_eq!(ours.len(), 3);
            assert_eq!(ours, theirs, "v{version}");
            let under = read(&repo, "incidents/b/").unwrap().entries;
            assert_eq!(under.len(), 1);
            assert_eq!(under[0].path, b"incidents/b/updates/x.yaml");
        }
        std::fs::write(root.join("incidents/a/updates/y.yaml"), "at: y\n").unwrap();
        git(root, &["add", "incidents/a/updates/y.yaml"]);
        let repo = Repository::open(root).unwrap();
        let staged = read(&repo, "").unwrap();
        assert_eq!(staged.entries.len(), 4);
        assert_eq!(staged.tree, None, "the cache of trees no longer holds it");
    }

    #[test]
    fn decodes_gits_varints() {
        assert_eq!(varint(&[0]), Some((0, 1)));
        assert_eq!(varint(&[127]), Some((127, 1)));
        // git's encoding of 128 and 16511.
        assert_eq!(varint(&[0x80, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xff, 0x7f]), Some((16511, 2)));
        assert_eq!(varint(&[0x80]), None);
        assert_eq!(varint(&[0xff; 20]), None);
    }
}
