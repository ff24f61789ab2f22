//! Where a build keeps the public messages of its incidents while it
//! renders: in a file of its own in the repository's folder, rather than in
//! the process. Messages are most of what a build holds (71 of 85 MB at
//! 10,000 incidents), and each is read by the few outputs that show it, so
//! holding them all made a build's memory grow with the history. The kernel
//! caches the file, and may write it out and drop it under pressure. On
//! Linux it has no name (`O_TMPFILE`): no one else can open it, and it is
//! gone when the build ends, even by a crash; elsewhere it is unlinked as
//! soon as it is made. Not in the system's temporary folder, which is often
//! memory itself (tmpfs).
//!
//! An update's `message` goes (translations, few, stay); what stays in the
//! model in its place is empty, and every public output reads a message
//! through `PublicIncident::text` (`render::amend::message`). A corrected
//! entry shows its correction's text, which stays in the model.

use crate::model::Incident;
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The file the messages are written to, shared by the threads of a check.
#[derive(Debug, Clone)]
pub struct Spill {
    file: Arc<File>,
    /// Where the next incident's messages go.
    end: Arc<AtomicU64>,
}

/// Where one message was put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    offset: u64,
    /// A file incidentkit reads is at most `repo::source::MAX_FILE_BYTES`.
    len: u32,
}

impl Spill {
    /// A file in `dir` (see the module); `None` when none can be made there
    /// or positioned writes are not available, and the messages stay in
    /// memory.
    pub fn beside(dir: &Path) -> Option<Self> {
        if !cfg!(unix) {
            return None;
        }
        let file = tempfile::tempfile_in(dir).ok()?;
        Some(Spill {
            file: Arc::new(file),
            end: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Writes the messages of `incident`'s updates into the file, in one
    /// write, and leaves each empty in the model; by update, where its
    /// message went. On a failed write the incident is left as it was.
    pub(crate) fn hold(&self, incident: &mut Incident) -> io::Result<Vec<Option<At>>> {
        let mut bytes = Vec::new();
        let mut spans = Vec::with_capacity(incident.updates.len());
        for update in &incident.updates {
            spans.push(match &update.message {
                Some(text) => {
                    let at = At {
                        offset: bytes.len() as u64,
                        len: u32::try_from(text.len()).map_err(io::Error::other)?,
                    };
                    bytes.extend_from_slice(text.as_bytes());
                    Some(at)
                }
                None => None,
            });
        }
        if bytes.is_empty() {
            return Ok(spans);
        }
        let start = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, &bytes, start)?;
        for (update, span) in incident.updates.iter_mut().zip(&mut spans) {
            if let Some(at) = span {
                at.offset += start;
                update.message = Some(String::new());
            }
        }
        Ok(spans)
    }

    /// The message put at `at`.
    pub(crate) fn read(&self, at: At) -> io::Result<String> {
        let mut bytes = vec![0; at.len as usize];
        read_at(&self.file, &mut bytes, at.offset)?;
        String::from_utf8(bytes).map_err(io::Error::other)
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

// `Spill::beside` makes none elsewhere.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
impl Spill {
    /// Loses what was written, as a disk that failed would.
    pub(crate) fn lose_everything(&self) {
        self.file.set_len(0).unwrap();
    }
}

/// The file and where each incident's messages are in it: what a build
/// renders with beside the model the check kept.
#[derive(Debug)]
pub struct Spilled {
    pub(crate) spill: Spill,
    /// By incident id, by update (`None`: still in the model).
    of: HashMap<String, Vec<Option<At>>>,
}

impl Spilled {
    pub(crate) fn new(spill: Spill, of: HashMap<String, Vec<Option<At>>>) -> Self {
        Spilled { spill, of }
    }

    /// Where the messages of incident `id` are, by update.
    pub(crate) fn of(&self, id: &str) -> Option<&[Option<At>]> {
        self.of.get(id).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::amend::Amendments;

    fn incident(messages: &[Option<&str>]) -> Incident {
        let updates = messages
            .iter()
            .enumerate()
            .map(|(n, m)| {
                serde_json::from_value(serde_json::json!({
                    "at": format!("2026-11-0{}T10:00:00Z", n + 1),
                    "status": "investigating",
                    "message": m,
                    "author": "@sam",
                }))
                .unwrap()
            })
            .collect();
        Incident {
            id: "2026-11-01-a".into(),
            declaration: serde_json::from_value(serde_json::json!({
                "title": "A", "severity": "sev3", "declared_at": "2026-11-01T10:00:00Z",
                "visibility": "public", "components": ["api"],
            }))
            .unwrap(),
            updates,
            postmortem: None,
            amendments: Amendments::default(),
        }
    }

    #[test]
    fn messages_come_back_as_they_went_and_leave_the_model_empty() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::beside(dir.path()).unwrap();
        let mut a = incident(&[Some("First *one*"), None, Some("Ünïcode — third")]);
        let mut b = incident(&[Some("Other incident")]);
        let at_a = spill.hold(&mut a).unwrap();
        let at_b = spill.hold(&mut b).unwrap();
        assert_eq!(at_a[1], None, "an internal entry has no message");
        assert_eq!(spill.read(at_a[0].unwrap()).unwrap(), "First *one*");
        assert_eq!(spill.read(at_a[2].unwrap()).unwrap(), "Ünïcode — third");
        assert_eq!(spill.read(at_b[0].unwrap()).unwrap(), "Other incident");
        assert_eq!(a.updates[0].message.as_deref(), Some(""));
        assert_eq!(a.updates[1].message, None);
        // Nothing in the folder: the file has no name.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_write_that_fails_leaves_the_incident_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("read-only");
        std::fs::write(&path, "").unwrap();
        let spill = Spill {
            file: Arc::new(File::open(&path).unwrap()),
            end: Arc::new(AtomicU64::new(0)),
        };
        let mut a = incident(&[Some("kept here")]);
        assert!(spill.hold(&mut a).is_err());
        assert_eq!(a.updates[0].message.as_deref(), Some("kept here"));
    }
}
