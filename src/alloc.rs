//! How the allocator gives memory back. glibc raises its mmap threshold,
//! and with it the threshold above which it trims the heap, each time a
//! block it mapped is freed: after a build reads its first month of
//! records (a block of megabytes) and frees it, what the build frees later
//! stays with the process. Peak RSS of the build of 10,000 incidents:
//! 82 MB with the threshold moving, 76 MB held (docs/performance.md).

/// Holds the mmap threshold at glibc's default (128 KiB), which stops it,
/// and the trim threshold, from rising; whether the allocator took it
/// (elsewhere there is nothing to hold).
pub fn hold_thresholds() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt sets a parameter of the allocator; it touches no
        // memory of ours, and glibc serialises it with allocations.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn the_allocator_takes_the_threshold() {
        assert!(super::hold_thresholds());
    }
}
