fn main() -> std::process::ExitCode {
    incidentkit::cli::run()
}
