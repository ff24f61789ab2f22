//! Which files make up the repository: `incidents/<id>/incident.yaml`,
//! `updates/<timestamp>.yaml`, `postmortem.yaml`, the correction and
//! redaction records, and anything else (strays).

use super::Stamp;
use super::source::{self, Kind, NotRegular, Origin, ReadError, Stamping};
use crate::paths::{
    CORRECTIONS, DECLARATION, INCIDENTS, POSTMORTEM, REDACTIONS, TEMPLATES, UPDATES, incident_dir,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

mod listings;
use listings::{Folders, Listed};
pub use listings::{LISTINGS_FILE, Listings};

/// One folder under `incidents/`; paths relative to the repository root.
#[derive(Debug, Clone, Default)]
pub struct IncidentDir {
    /// The folder name, which is the incident id.
    pub id: String,
    /// Its `incident.yaml`, if there.
    pub incident: Option<String>,
    /// Update files in name order, which is time order.
    pub updates: Vec<String>,
    /// Its `postmortem.yaml`, if there.
    pub postmortem: Option<String>,
    /// Correction records in name order (by update, then time).
    pub corrections: Vec<String>,
    /// Redaction records in name order.
    pub redactions: Vec<String>,
    /// Files in it that incidentkit does not read.
    pub strays: Vec<String>,
    /// Links and special files in the folder (or the folder itself), never read.
    pub refused: Vec<(String, NotRegular)>,
    /// The stamps the listing took of `read_files`, in their order (`scan`
    /// with `stamped`); empty when it took none or the lists changed since.
    stamps: Vec<Option<Stamp>>,
    /// What a stamped scan read of the folder, for the next (`Listings`).
    listed: Listed,
}

impl IncidentDir {
    /// The files of the folder that a check reads: the declaration, the
    /// updates, the post-mortem, the correction and redaction records.
    pub fn read_files(&self) -> impl Iterator<Item = &String> {
        self.incident
            .iter()
            .chain(&self.updates)
            .chain(&self.postmortem)
            .chain(&self.corrections)
            .chain(&self.redactions)
    }

    /// `read_files` with the stamps the listing took of them, when it took
    /// them (`None` for a file it found replaced by something else).
    pub fn stamped_files(&self) -> Option<impl Iterator<Item = (&String, Option<Stamp>)>> {
        let listed = self.read_files().count() == self.stamps.len() && !self.stamps.is_empty();
        listed.then(|| self.read_files().zip(self.stamps.iter().copied()))
    }
}

/// The files of a repository, as listed (none read yet).
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// In folder-name order, which is id order.
    pub incidents: Vec<IncidentDir>,
    /// Files directly in `incidents/` that belong to no incident.
    pub strays: Vec<String>,
    /// Links and special files outside incident folders: `incidents` or
    /// `templates` itself, an incident folder, anything under `templates/`.
    pub refused: Vec<(String, NotRegular)>,
}

impl Layout {
    /// Adds a file that is about to be written where `scan` would list it.
    pub fn insert(&mut self, path: &str) {
        let parts: Vec<&str> = path.split('/').collect();
        // As `scan` lists them: hidden names are skipped, and a file right
        // under incidents/ is a stray, not an incident folder.
        if parts.iter().any(|p| is_hidden(p)) {
            return;
        }
        let [INCIDENTS, id, rest @ ..] = parts.as_slice() else {
            return;
        };
        if rest.is_empty() {
            self.strays.push(path.to_string());
            return;
        }
        let at = match self.incidents.binary_search_by(|d| d.id.as_str().cmp(id)) {
            Ok(at) => at,
            Err(at) => {
                let dir = IncidentDir {
                    id: id.to_string(),
                    ..Default::default()
                };
                self.incidents.insert(at, dir);
                at
            }
        };
        let dir = &mut self.incidents[at];
        // A file added to the lists has no stamp: the folder's are dropped.
        dir.stamps.clear();
        match rest {
            [DECLARATION] => dir.incident = Some(path.to_string()),
            [POSTMORTEM] => dir.postmortem = Some(path.to_string()),
            [folder @ (UPDATES | CORRECTIONS | REDACTIONS), _] => {
                let list = match *folder {
                    UPDATES => &mut dir.updates,
                    CORRECTIONS => &mut dir.corrections,
                    _ => &mut dir.redactions,
                };
                if let Err(i) = list.binary_search_by(|u| u.as_str().cmp(path)) {
                    list.insert(i, path.to_string());
                }
            }
            _ => dir.strays.push(path.to_string()),
        }
    }

    /// Refuses `path` (and what lies under it) as a link, though the scan
    /// found a file there: git records a link or a submodule.
    pub fn refuse(&mut self, path: &str, what: NotRegular) {
        let outside = |p: &String| !is_within(p.trim_end_matches('/'), path);
        self.strays.retain(outside);
        self.incidents
            .retain(|d| !is_within(&incident_dir(&d.id), path));
        let within = crate::paths::in_incident(path).map(|(id, _)| id);
        for dir in &mut self.incidents {
            if within == Some(dir.id.as_str()) {
                // Its lists change: their stamps no longer line up.
                dir.stamps.clear();
            }
            dir.incident = dir.incident.take().filter(outside);
            dir.postmortem = dir.postmortem.take().filter(outside);
            dir.updates.retain(outside);
            dir.corrections.retain(outside);
            dir.redactions.retain(outside);
            dir.strays.retain(outside);
        }
        self.refused.push((path.to_string(), what));
    }

    /// Every refused path, once, in path order.
    pub fn refused(&self) -> BTreeMap<&str, NotRegular> {
        self.refused
            .iter()
            .chain(self.incidents.iter().flat_map(|d| &d.refused))
            .map(|(path, what)| (path.as_str(), *what))
            .collect()
    }
}

/// The file name of an update posted at `at`: its time in UTC, with dashes
/// for colons (`2026-11-26T10-20-00Z.yaml`), so names sort in time order.
pub fn update_file_name(at: jiff::Timestamp) -> String {
    format!("{}.yaml", at.strftime("%Y-%m-%dT%H-%M-%SZ"))
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Whether `file` is `path` or lies under the folder `path`.
pub fn is_within(file: &str, path: &str) -> bool {
    file.strip_prefix(path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Links and special files found on the way, never followed nor read.
pub type Refused = Vec<(String, NotRegular)>;

/// A folder's file names, each with the stamp the listing took, if any.
type Named = Vec<(String, Option<Stamp>)>;

/// Sorted file names (with their stamps, when `stamping` and the listing
/// took them) and folder names of `dir` (relative to `root`), hidden
/// entries skipped, listed by the one reader: links and special files go to
/// `refused` (the folder itself when it is one), an absent folder is empty.
/// Then where they came from (`source::list_in`).
fn entries(
    root: &Path,
    opened: &source::Opened,
    dir: &str,
    refused: &mut Refused,
    stamping: Stamping<&source::Recorded>,
) -> io::Result<(Named, Vec<String>, Origin)> {
    let nothing = || (Vec::new(), Vec::new(), Origin::Read(None));
    let (listed, origin) = match source::list_in(root, dir, opened, stamping) {
        Ok(listed) => listed,
        Err(ReadError::NotRegular { path, what }) => {
            refused.push((path, what));
            return Ok(nothing());
        }
        Err(e) if e.is_absent() => return Ok(nothing()),
        Err(ReadError::Io(e)) => return Err(e),
        Err(e) => return Err(io::Error::other(e.to_string())),
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for (name, kind) in listed {
        if is_hidden(&name) {
            continue;
        }
        match kind {
            Kind::File(stamp) => files.push((name, stamp)),
            Kind::Folder => dirs.push(name),
            Kind::Refused(what) => refused.push((format!("{dir}/{name}"), what)),
        }
    }
    files.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    dirs.sort();
    Ok((files, dirs, origin))
}

/// Lists `incidents/` under `root`, and the links in `templates/`. Paths are
/// relative to `root`, with `/`. Incident folders are listed in parallel: a
/// repository keeps thousands. With `stamped`, each incident file's stamp is
/// taken as its folder is listed (`IncidentDir::stamped_files`); with
/// `kept` listings too, the names of a folder they record unchanged are
/// taken from them, and what was read is recorded for `Listings::keep`.
pub fn scan(root: &Path, stamped: bool, kept: Option<&Listings>) -> io::Result<Layout> {
    let opened = &source::Opened::default();
    let mut refused = templates(root, opened)?;
    let (files, dirs, _) = entries(root, opened, INCIDENTS, &mut refused, Stamping::No)?;
    let strays = files
        .iter()
        .map(|(f, _)| format!("{INCIDENTS}/{f}"))
        .collect();
    let incidents = dirs
        .into_par_iter()
        .map(|id| {
            // Parsed here, in parallel: each folder's line, not the file.
            let known = kept.filter(|_| stamped).map(|kept| kept.get(&id));
            let stamping = match &known {
                Some(known) => Stamping::Kept(known.as_ref()),
                None if stamped => Stamping::Files,
                None => Stamping::No,
            };
            scan_incident(root, opened, id, stamping)
        })
        .collect::<io::Result<_>>()?;
    Ok(Layout {
        incidents,
        strays,
        refused,
    })
}

/// Like `scan`, for the incident folders named in `ids` that exist, and no
/// strays of `incidents/` itself: a change costs what it touches.
pub fn scan_only(root: &Path, ids: &BTreeSet<String>) -> io::Result<Layout> {
    let opened = &source::Opened::default();
    let incidents_dir = root.join(INCIDENTS);
    let incidents = ids
        .par_iter()
        // Any kind of entry: a link where a folder belongs is refused.
        .filter(|id| fs::symlink_metadata(incidents_dir.join(id)).is_ok())
        .map(|id| scan_incident(root, opened, id.clone(), Stamping::No))
        .collect::<io::Result<_>>()?;
    Ok(Layout {
        incidents,
        strays: Vec::new(),
        refused: templates(root, opened)?,
    })
}

/// The incident folders in `incidents/`, by name, the plain files there
/// (paths), and the links and special files there (or `incidents` itself,
/// when it is one): one folder listed, nothing read, for commands on one
/// incident of thousands.
pub fn incident_folders(root: &Path) -> io::Result<(Vec<String>, Vec<String>, Refused)> {
    let mut refused = Vec::new();
    let (files, dirs, _) = entries(
        root,
        &source::Opened::default(),
        INCIDENTS,
        &mut refused,
        Stamping::No,
    )?;
    let files = files
        .iter()
        .map(|(f, _)| format!("{INCIDENTS}/{f}"))
        .collect();
    Ok((dirs, files, refused))
}

/// The links and special files anywhere under `templates/` (overrides are
/// read only when a template is rendered; a link is an error before that).
fn templates(root: &Path, opened: &source::Opened) -> io::Result<Refused> {
    let mut refused = Vec::new();
    let mut folders = vec![TEMPLATES.to_string()];
    while let Some(dir) = folders.pop() {
        let (_, dirs, _) = entries(root, opened, &dir, &mut refused, Stamping::No)?;
        folders.extend(dirs.iter().map(|d| format!("{dir}/{d}")));
    }
    Ok(refused)
}

/// One incident folder, stamped as `stamping` says (with what `Listings`
/// kept of it, if anything).
fn scan_incident(
    root: &Path,
    opened: &source::Opened,
    id: String,
    stamping: Stamping<&Folders>,
) -> io::Result<IncidentDir> {
    let stamped = !matches!(stamping, Stamping::No);
    let known = match stamping {
        Stamping::Kept(known) => known,
        _ => None,
    };
    let stamping_of = |below: &str| match stamping {
        Stamping::No => Stamping::No,
        Stamping::Files => Stamping::Files,
        Stamping::Kept(known) => Stamping::Kept(known.and_then(|k| k.get(below))),
    };
    let base = incident_dir(&id);
    let mut refused = Vec::new();
    let (files, dirs, origin) = entries(root, opened, &base, &mut refused, stamping_of(""))?;
    let mut origins = vec![(String::new(), origin)];
    let mut found = IncidentDir {
        id,
        ..Default::default()
    };
    // Stamps by list, put in `read_files` order at the end.
    let (mut incident, mut postmortem) = (None, None);
    let mut listed: [Vec<Option<Stamp>>; 3] = Default::default();
    for (file, stamp) in files {
        let path = crate::paths::join(&base, &file);
        match file.as_str() {
            DECLARATION => (found.incident, incident) = (Some(path), Some(stamp)),
            POSTMORTEM => (found.postmortem, postmortem) = (Some(path), Some(stamp)),
            _ => found.strays.push(path),
        }
    }
    for sub in dirs {
        let (list, stamps) = match sub.as_str() {
            UPDATES => (&mut found.updates, &mut listed[0]),
            CORRECTIONS => (&mut found.corrections, &mut listed[1]),
            REDACTIONS => (&mut found.redactions, &mut listed[2]),
            _ => {
                found.strays.push(format!("{base}/{sub}/"));
                continue;
            }
        };
        let folder = crate::paths::join(&base, &sub);
        let (files, dirs, origin) =
            entries(root, opened, &folder, &mut refused, stamping_of(&sub))?;
        origins.push((sub, origin));
        for (file, stamp) in files {
            let path = crate::paths::join(&folder, &file);
            if file.ends_with(".yaml") {
                list.push(path);
                stamps.push(stamp);
            } else {
                found.strays.push(path);
            }
        }
        found
            .strays
            .extend(dirs.iter().map(|d| format!("{folder}/{d}/")));
    }
    found.refused = refused;
    found.listed = Listed::of(origins, known);
    if stamped {
        let [updates, corrections, redactions] = listed;
        found.stamps = incident
            .into_iter()
            .chain(updates)
            .chain(postmortem)
            .chain(corrections)
            .chain(redactions)
            .collect();
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn touch(root: &Path, path: &str) {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, "x: 1\n").unwrap();
    }

    #[test]
    fn a_pending_file_is_placed_as_scan_would_place_it() {
        let mut layout = Layout::default();
        layout.insert("incidents/.gitkeep");
        layout.insert("incidents/notes.txt");
        layout.insert("incidents/2026-11-26-a/incident.yaml");
        assert_eq!(layout.incidents.len(), 1);
        assert_eq!(layout.incidents[0].id, "2026-11-26-a");
        assert_eq!(layout.strays, ["incidents/notes.txt"]);
    }

    #[test]
    fn a_stamped_scan_stamps_the_read_files_in_their_order_until_the_lists_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let id = "2026-01-01-a";
        for file in [
            "incident.yaml",
            "postmortem.yaml",
            "updates/2026-01-01T10-00-00Z.yaml",
            "updates/2026-01-01T09-00-00Z.yaml",
            "updates/notes.txt",
            "corrections/2026-01-01T09-00-00Z-1.yaml",
            "notes.md",
        ] {
            touch(root, &format!("incidents/{id}/{file}"));
        }
        let stamp_of =
            |file: &str| super::super::Stamp::of(&fs::symlink_metadata(root.join(file)).unwrap());
        let mut layout = scan(root, true, None).unwrap();
        let stamped: Vec<(String, Option<Stamp>)> = layout.incidents[0]
            .stamped_files()
            .unwrap()
            .map(|(file, stamp)| (file.clone(), stamp))
            .collect();
        let expected: Vec<(String, Option<Stamp>)> = layout.incidents[0]
            .read_files()
            .map(|file| (file.clone(), Some(stamp_of(file))))
            .collect();
        assert_eq!(stamped.len(), 5);
        assert_eq!(stamped, expected);
        assert!(
            scan(root, false, None).unwrap().incidents[0]
                .stamped_files()
                .is_none()
        );
        // A file added to the lists (about to be written) has no stamp.
        layout.insert(&format!("incidents/{id}/updates/2026-01-01T11-00-00Z.yaml"));
        assert!(layout.incidents[0].stamped_files().is_none());
    }

    #[test]
    fn scan_only_lists_the_named_folders_that_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for id in ["2026-01-01-a", "2026-01-02-b", "2026-01-03-c"] {
            touch(root, &format!("incidents/{id}/incident.yaml"));
            touch(
                root,
                &format!("incidents/{id}/updates/2026-01-03T10-00-00Z.yaml"),
            );
        }
        touch(root, "incidents/stray.txt");
        let ids: BTreeSet<String> = ["2026-01-03-c", "2026-01-01-a", "2026-01-09-gone"]
            .map(String::from)
            .into();
        let only = scan_only(root, &ids).unwrap();
        let listed: Vec<&str> = only.incidents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(listed, ["2026-01-01-a", "2026-01-03-c"]);
        assert!(only.strays.is_empty());
        let all = scan(root, false, None).unwrap();
        assert_eq!(all.incidents.len(), 3);
        assert_eq!(all.strays, ["incidents/stray.txt"]);
        // The same folder is listed the same way by both.
        assert_eq!(
            format!("{:?}", only.incidents[1]),
            format!("{:?}", all.incidents[2])
        );
    }
}
