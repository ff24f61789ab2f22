//! The floor under `incident validate`: list the repository, read every YAML
//! file and parse it with serde_yaml into a serde_json::Value, in parallel
//! per incident as validate does, and nothing else (no schema, no rules, no
//! model). The benchmark compares validate against this.
//!
//! cargo run --release --example parse_floor -- REPO_DIR

use incidentkit::repo::layout;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn parse(root: &Path, file: &str) -> Result<usize, String> {
    let text = std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let value: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    // Uses the value, so the parse cannot be optimised away.
    Ok(value.as_object().map_or(0, |o| o.len()))
}

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: parse_floor REPO_DIR");
        return ExitCode::from(2);
    };
    let run = || -> Result<(usize, usize), String> {
        let listed = layout::scan(&root, false, None).map_err(|e| e.to_string())?;
        let keys = parse(&root, incidentkit::repo::CONFIG_FILE)?;
        let per_incident: Vec<(usize, usize)> = listed
            .incidents
            .par_iter()
            .map(|dir| {
                let mut files = dir
                    .incident
                    .iter()
                    .chain(&dir.updates)
                    .chain(&dir.postmortem);
                files.try_fold((0, 0), |(n, k), f| Ok((n + 1, k + parse(&root, f)?)))
            })
            .collect::<Result<_, String>>()?;
        Ok(per_incident
            .iter()
            .fold((1, keys), |(n, k), (dn, dk)| (n + dn, k + dk)))
    };
    match run() {
        Ok((files, keys)) => {
            eprintln!("parsed {files} files ({keys} top-level keys)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
