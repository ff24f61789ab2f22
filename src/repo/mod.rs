//! The incident repository on disk: where it is, which files it holds, and
//! reading and parsing them. It knows nothing of schemas, rules or the model.

pub mod layout;
pub mod locate;
pub mod source;
pub mod yaml;

use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "incidentkit.yaml";

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error(
        "no {CONFIG_FILE} in {0} or any parent folder: run inside an incident repository, pass -C DIR, or create one with `incident init`"
    )]
    NotFound(PathBuf),
    #[error("cannot read {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Walks up from `start` to the folder holding `incidentkit.yaml`, as git
/// finds `.git`.
pub fn discover(start: &Path) -> Result<PathBuf, DiscoverError> {
    let start = start
        .canonicalize()
        .map_err(|e| DiscoverError::Io(start.to_path_buf(), e))?;
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or(DiscoverError::NotFound(start))
}
