//! Reading a file as text, within limits, without ever panicking on what is
//! in it.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Incident files are small; anything larger is a mistake or an attack.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Every file `check` reads, together: room for decades of incidents, while
/// a repository past it (a mistake or an attack) would cost memory in
/// proportion. The variable below moves it.
pub const MAX_REPOSITORY_BYTES: u64 = 256 * 1024 * 1024;
pub const REPOSITORY_LIMIT_VAR: &str = "INCIDENTKIT_MAX_REPOSITORY_BYTES";

/// Refuses a repository whose files total more than the limit.
pub fn within_repository_limit(root: &Path, total: u64) -> std::io::Result<()> {
    let limit = std::env::var(REPOSITORY_LIMIT_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_REPOSITORY_BYTES);
    if total <= limit {
        return Ok(());
    }
    Err(std::io::Error::other(format!(
        "the incident files in {} total {total} bytes; the limit is {limit} bytes: move old incidents to an archive repository, or set {REPOSITORY_LIMIT_VAR} to a larger number of bytes",
        root.display()
    )))
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is {0} bytes; the limit is {MAX_FILE_BYTES} bytes (1 MiB)")]
    TooLarge(u64),
    #[error("the file is not valid UTF-8 text")]
    NotUtf8 { line: usize, column: usize },
    #[error("the file is empty")]
    Empty,
}

pub fn read(path: &Path) -> Result<String, ReadError> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows between stat and read.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    decode(bytes)
}

/// The checks every file's content gets, whether read from disk or about to
/// be written: size, UTF-8, not empty.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // `valid` is UTF-8 by definition of valid_up_to.
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadError::NotUtf8 { line, column }
    })?;
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && l.trim() != "---");
    if !meaningful {
        return Err(ReadError::Empty);
    }
    Ok(text)
}
