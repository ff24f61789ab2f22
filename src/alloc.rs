//! How the allocator gives memory back. glibc's threshold for mapping a
//! block of its own moves: when a mapped block larger than the threshold
//! (up to 32 MiB) is freed, the threshold rises to its size, and the
//! threshold above which the heap is trimmed to twice that. After a build
//! reads its first month of records (a block of megabytes) and frees it,
//! what the build frees later stays with the process. Peak RSS of the
//! build of 10,000 incidents: 82 MB with the threshold moving, 76 MB held
//! (docs/performance.md). glibc builds only: the x86_64 Linux release
//! binary links musl and jemalloc (main.rs), which return memory their own
//! way.

/// Holds the mmap threshold at glibc's default (128 KiB), which keeps it,
/// and the trim threshold, from rising; whether the allocator took it
/// (elsewhere there is nothing to hold). It overrides
/// `MALLOC_MMAP_THRESHOLD_`. To be called before other threads start.
pub fn hold_thresholds() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt sets a parameter of the allocator and touches no
        // memory of ours; glibc reads it unlocked from threads of other
        // arenas, so it is set before any starts (first thing in `build`).
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    /// The harness runs other tests on other threads meanwhile: the value
    /// set is the default, and what they allocate is the same either way.
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn the_allocator_takes_the_threshold() {
        assert!(super::hold_thresholds());
    }
}
