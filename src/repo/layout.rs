//! Which files make up the repository: `incidents/<id>/incident.yaml`,
//! `updates/<timestamp>.yaml`, `postmortem.yaml`, and anything else (strays).

use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct IncidentDir {
    /// The folder name, which is the incident id.
    pub id: String,
    pub incident: Option<String>,
    /// Update files in name order, which is time order.
    pub updates: Vec<String>,
    pub postmortem: Option<String>,
    pub strays: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub incidents: Vec<IncidentDir>,
    /// Files directly in `incidents/` that belong to no incident.
    pub strays: Vec<String>,
}

impl Layout {
    /// Adds a file that is about to be written where `scan` would list it.
    pub fn insert(&mut self, path: &str) {
        let parts: Vec<&str> = path.split('/').collect();
        let ["incidents", id, rest @ ..] = parts.as_slice() else {
            return;
        };
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
        match rest {
            ["incident.yaml"] => dir.incident = Some(path.to_string()),
            ["postmortem.yaml"] => dir.postmortem = Some(path.to_string()),
            ["updates", _] => {
                if let Err(i) = dir.updates.binary_search_by(|u| u.as_str().cmp(path)) {
                    dir.updates.insert(i, path.to_string());
                }
            }
            _ => dir.strays.push(path.to_string()),
        }
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

/// Sorted file names and folder names of `dir`, hidden entries skipped.
fn entries(dir: &Path) -> io::Result<(Vec<String>, Vec<String>)> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_hidden(&name) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            dirs.push(name);
        } else {
            files.push(name);
        }
    }
    files.sort();
    dirs.sort();
    Ok((files, dirs))
}

/// Lists `incidents/` under `root`. Paths are relative to `root`, with `/`.
/// Incident folders are listed in parallel: a repository keeps thousands.
pub fn scan(root: &Path) -> io::Result<Layout> {
    let incidents_dir = root.join("incidents");
    if !incidents_dir.is_dir() {
        return Ok(Layout::default());
    }
    let (files, dirs) = entries(&incidents_dir)?;
    let strays = files.iter().map(|f| format!("incidents/{f}")).collect();
    let incidents = dirs
        .into_par_iter()
        .map(|id| scan_incident(&incidents_dir, id))
        .collect::<io::Result<_>>()?;
    Ok(Layout { incidents, strays })
}

/// Like `scan`, for the incident folders named in `ids` that exist, and no
/// strays of `incidents/` itself: a change costs what it touches.
pub fn scan_only(root: &Path, ids: &BTreeSet<String>) -> io::Result<Layout> {
    let incidents_dir = root.join("incidents");
    let incidents = ids
        .par_iter()
        .filter(|id| incidents_dir.join(id).is_dir())
        .map(|id| scan_incident(&incidents_dir, id.clone()))
        .collect::<io::Result<_>>()?;
    Ok(Layout {
        incidents,
        strays: Vec::new(),
    })
}

fn scan_incident(incidents_dir: &Path, id: String) -> io::Result<IncidentDir> {
    let base = format!("incidents/{id}");
    let dir = incidents_dir.join(&id);
    let (files, dirs) = entries(&dir)?;
    let mut found = IncidentDir {
        id,
        ..Default::default()
    };
    for file in files {
        let path = format!("{base}/{file}");
        match file.as_str() {
            "incident.yaml" => found.incident = Some(path),
            "postmortem.yaml" => found.postmortem = Some(path),
            _ => found.strays.push(path),
        }
    }
    for sub in dirs {
        if sub == "updates" {
            let (files, dirs) = entries(&dir.join("updates"))?;
            for file in files {
                let path = format!("{base}/updates/{file}");
                if file.ends_with(".yaml") {
                    found.updates.push(path);
                } else {
                    found.strays.push(path);
                }
            }
            found
                .strays
                .extend(dirs.iter().map(|d| format!("{base}/updates/{d}/")));
        } else {
            found.strays.push(format!("{base}/{sub}/"));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, path: &str) {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, "x: 1\n").unwrap();
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
        let all = scan(root).unwrap();
        assert_eq!(all.incidents.len(), 3);
        assert_eq!(all.strays, ["incidents/stray.txt"]);
        // The same folder is listed the same way by both.
        assert_eq!(
            format!("{:?}", only.incidents[1]),
            format!("{:?}", all.incidents[2])
        );
    }
}
