//! The `incident` binary: everything lives in the library (`incidentkit::cli`).

/// The static x86_64 Linux release binary links musl, whose allocator made
/// validate 3.9x and build 5.4x slower than with glibc's: jemalloc there
/// (Cargo.toml says why x86_64 only).
#[cfg(all(target_env = "musl", target_arch = "x86_64"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    incidentkit::cli::run()
}
