//! What stamped scans read of each incident folder, kept between runs (in
//! the git folder: `Files::keeping_listings`) so that a scan takes the names
//! of a folder unchanged since from here instead of reading the folder
//! (`source::Recorded`): opening a folder and taking its stamp costs half
//! of reading its entries too, and a warm `list` or `--changed-since` is
//! mostly that, 20,000 times.
//!
//! One line per incident folder, in id order: its id, a tab, and its
//! folders' records as JSON. A scan parses the line of each folder it
//! lists, in parallel, and a line not read again is written back as it was.

use super::super::keep;
use super::super::source::{Origin, Recorded};
use super::Layout;
use std::fs;
use std::ops::Range;
use std::path::Path;
use std::time::SystemTime;

/// The name of the file `Listings` are kept in.
pub const LISTINGS_FILE: &str = "listings";

/// The first line; raised when what a line holds changes meaning.
const HEADER: &str = "incidentkit listings 1";

/// The records of an incident folder (`""`) and of the folders read in it,
/// by path below it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub(super) struct Folders(Vec<(String, Recorded)>);

impl Folders {
    pub(super) fn get(&self, below: &str) -> Option<&Recorded> {
        self.0
            .iter()
            .find(|(path, _)| path == below)
            .map(|(_, recorded)| recorded)
    }
}

/// What a stamped scan made of an incident folder's listings.
#[derive(Debug, Clone, Default)]
pub(super) enum Listed {
    /// Nothing to record: an unstamped scan, or a folder without times.
    #[default]
    Nothing,
    /// Every folder was as recorded.
    Recalled,
    /// Read afresh: what to record now.
    Read(Box<Folders>),
}

impl Listed {
    /// What to record of an incident folder whose folders came from
    /// `origins` (`known`: what was recorded before).
    pub(super) fn of(origins: Vec<(String, Origin)>, known: Option<&Folders>) -> Self {
        if origins.iter().all(|(_, o)| matches!(o, Origin::Recalled)) {
            return Self::Recalled;
        }
        let folders = origins.into_iter().map(|(below, origin)| {
            let recorded = match origin {
                Origin::Read(recorded) => recorded,
                Origin::Recalled => known.and_then(|k| k.get(&below)).cloned(),
            };
            recorded.map(|r| (below, r))
        });
        match folders.collect() {
            Some(folders) => Self::Read(Box::new(Folders(folders))),
            None => Self::Nothing,
        }
    }
}

/// The kept listings, as read: the text and where each line's id and
/// record lie in it.
#[derive(Debug, Default)]
pub struct Listings {
    text: String,
    lines: Vec<(Range<usize>, Range<usize>)>,
}

impl Listings {
    /// As kept in `file`; none when there are none yet or they cannot be
    /// read.
    pub fn read(file: &Path) -> Self {
        let Ok(text) = fs::read_to_string(file) else {
            return Self::default();
        };
        let Some(body) = text
            .strip_prefix(HEADER)
            .and_then(|rest| rest.strip_prefix('\n'))
        else {
            return Self::default();
        };
        let mut at = HEADER.len() + 1;
        let mut lines = Vec::new();
        for line in body.split_terminator('\n') {
            if let Some(tab) = line.find('\t') {
                lines.push((at..at + tab, at + tab + 1..at + line.len()));
            }
            at += line.len() + 1;
        }
        Self { text, lines }
    }

    /// The line of `id`, when there is one.
    fn line(&self, id: &str) -> Option<(Range<usize>, Range<usize>)> {
        let at = self
            .lines
            .binary_search_by(|(name, _)| self.text[name.clone()].cmp(id))
            .ok()?;
        Some(self.lines[at].clone())
    }

    /// What was recorded of the incident folder `id`.
    pub(super) fn get(&self, id: &str) -> Option<Folders> {
        let (_, record) = self.line(id)?;
        serde_json::from_str(&self.text[record]).ok()
    }

    /// Writes to `file` what the scan of `layout` (made with these) read,
    /// when it read a folder afresh that was last modified before
    /// `settled_before`, or an incident folder is gone; the lines of the
    /// others are kept as they were. A folder modified within the last
    /// seconds is not recorded: an entry made in the same clock tick as the
    /// record would leave its stamp as recorded.
    pub fn keep(self, file: &Path, layout: &mut Layout, settled_before: SystemTime) {
        let settled = |read: &Folders| read.0.iter().all(|(_, r)| r.modified < settled_before);
        let fresh = (layout.incidents.iter())
            .any(|dir| matches!(&dir.listed, Listed::Read(read) if settled(read)));
        let still = (layout.incidents.iter())
            .filter(|dir| self.line(&dir.id).is_some())
            .count();
        if !fresh && still == self.lines.len() {
            return;
        }
        let mut kept = String::with_capacity(self.text.len());
        kept.push_str(HEADER);
        kept.push('\n');
        for dir in &mut layout.incidents {
            let fresh = match std::mem::take(&mut dir.listed) {
                Listed::Read(read) if settled(&read) => serde_json::to_string(&read).ok(),
                _ => None,
            };
            // A line is one incident: such a name is never recorded.
            if dir.id.contains(['\n', '\t']) {
                continue;
            }
            match (fresh, self.line(&dir.id)) {
                (Some(json), _) => {
                    kept.push_str(&dir.id);
                    kept.push('\t');
                    kept.push_str(&json);
                    kept.push('\n');
                }
                // A record no longer true is kept as it is: it costs a
                // read of the folder, not a write of the file.
                (None, Some((id, record))) => {
                    kept.push_str(&self.text[id.start..record.end]);
                    kept.push('\n');
                }
                (None, None) => {}
            }
        }
        if let Some(dir) = file.parent() {
            let _ = fs::create_dir_all(dir);
        }
        keep::write_whole(file, kept.as_bytes());
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::super::scan;
    use super::super::tests::touch;
    use super::*;
    use std::time::Duration;

    fn age(folder: &Path) {
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        fs::File::open(folder)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }

    /// Each folder's files with their stamps, as a check would see them.
    fn files(layout: &Layout) -> Vec<String> {
        let each = layout.incidents.iter().map(|dir| {
            let stamped: Vec<_> = dir.stamped_files().unwrap().collect();
            format!("{} {stamped:?} {:?} {:?}", dir.id, dir.strays, dir.refused)
        });
        each.collect()
    }

    #[test]
    fn settled_folders_are_kept_and_taken_again_until_they_change() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for id in ["a", "b", "c"] {
            touch(root, &format!("incidents/{id}/incident.yaml"));
            touch(root, &format!("incidents/{id}/updates/1.yaml"));
            touch(root, &format!("incidents/{id}/notes.txt"));
        }
        for folder in ["a", "a/updates", "c", "c/updates"] {
            age(&root.join("incidents").join(folder));
        }
        let file = root.join("kept/listings");
        let settled_before = SystemTime::now() - keep::SETTLED;
        let mut first = scan(root, true, Some(&Listings::default())).unwrap();
        Listings::default().keep(&file, &mut first, settled_before);
        let kept = Listings::read(&file);
        assert!(kept.get("a").is_some() && kept.get("c").is_some());
        assert!(
            kept.get("b").is_none(),
            "a folder made just now is not kept"
        );

        let mut again = scan(root, true, Some(&kept)).unwrap();
        assert!(matches!(again.incidents[0].listed, Listed::Recalled));
        assert!(matches!(again.incidents[1].listed, Listed::Read(_)));
        assert_eq!(files(&again), files(&first));
        // Nothing settled read afresh, nothing gone: not written again.
        let written = fs::metadata(&file).unwrap();
        kept.keep(&file, &mut again, settled_before);
        let unchanged = fs::metadata(&file).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(unchanged.ino(), written.ino());

        // An update added to `a` and `c` gone: `a` is read, `c`'s line goes.
        touch(root, "incidents/a/updates/2.yaml");
        fs::remove_dir_all(root.join("incidents/c")).unwrap();
        let kept = Listings::read(&file);
        let mut later = scan(root, true, Some(&kept)).unwrap();
        assert!(matches!(later.incidents[0].listed, Listed::Read(_)));
        let a = &later.incidents[0];
        assert_eq!(a.updates.len(), 2, "{a:?}");
        assert_eq!(files(&later), files(&scan(root, true, None).unwrap()));
        kept.keep(&file, &mut later, settled_before);
        let kept = Listings::read(&file);
        assert!(kept.get("c").is_none(), "a folder gone is dropped");
        assert!(
            kept.get("a").is_some(),
            "its unsettled record kept as it was"
        );
    }

    #[test]
    fn a_file_of_another_format_or_none_holds_no_listing() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("listings");
        assert!(Listings::read(&file).lines.is_empty());
        fs::write(&file, "incidentkit listings 0\na\t[]\n").unwrap();
        assert!(Listings::read(&file).get("a").is_none());
        fs::write(&file, format!("{HEADER}\na\tnot json\nb\t[]\n")).unwrap();
        let read = Listings::read(&file);
        assert!(read.get("a").is_none(), "a broken line is no record");
        assert!(read.get("b").is_some());
    }
}
