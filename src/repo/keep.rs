//! What incidentkit keeps for itself between runs (caches of what it read
//! and listed), in the git folder (`.git/incidentkit/`: never in the work
//! tree, so never committed nor brought by a pull request). Each only saves
//! time: one that cannot be read is ignored, and one that cannot be written
//! is not.

use std::path::Path;
use std::time::Duration;

/// A file or folder modified this recently is not recorded: a change in the
/// same clock tick as the record would leave its stamp as recorded.
pub(crate) const SETTLED: Duration = Duration::from_secs(2);

/// Writes a cache file whole (a temporary file renamed over it), or not at
/// all; not synced: a cache lost in a crash only costs time.
pub(crate) fn write_whole(file: &Path, bytes: &[u8]) {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return;
    };
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    if std::fs::write(&temporary, bytes).is_err() || std::fs::rename(&temporary, file).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

/// Whether the file system holding `folder` updates a folder's times when
/// an entry is made, removed or renamed in it, as POSIX asks and as
/// `layout::Listings` relies on: the local Linux file systems known to, not
/// a network or FUSE one that might not.
#[cfg(target_os = "linux")]
pub(crate) fn keeps_folder_times(folder: &Path) -> bool {
    // From statfs(2).
    const KNOWN: [u64; 7] = [
        0xEF53,      // ext2, ext3, ext4
        0x5846_5342, // xfs
        0x9123_683E, // btrfs
        0x0102_1994, // tmpfs
        0x794C_7630, // overlayfs
        0x2FC1_2FC1, // zfs
        0xF2F5_2010, // f2fs
    ];
    rustix::fs::statfs(folder).is_ok_and(|fs| {
        let kind = fs.f_type as u64 & 0xFFFF_FFFF;
        KNOWN.contains(&kind)
    })
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn keeps_folder_times(_: &Path) -> bool {
    false
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::keeps_folder_times;
    use std::path::Path;

    /// What cannot tell a folder's changes by its times is not trusted:
    /// /proc's folders, a path that is not there.
    #[test]
    fn only_file_systems_known_to_keep_folder_times_are_trusted() {
        assert!(!keeps_folder_times(Path::new("/proc/self")));
        assert!(!keeps_folder_times(Path::new("/no/such/folder")));
        // tmpfs, which Linux always has for shared memory.
        if Path::new("/dev/shm").is_dir() {
            assert!(keeps_folder_times(Path::new("/dev/shm")));
        }
    }
}
