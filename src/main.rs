//! The `incident` binary: everything lives in the library (`incidentkit::cli`).

fn main() -> std::process::ExitCode {
    incidentkit::cli::run()
}
