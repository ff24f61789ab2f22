//! `incident init [DIR]`: a new incident repository; creates what is
//! missing and never touches a file that is there.

use super::CliError;
use crate::compose::emit::SCHEMA_DIR;
use crate::compose::write;
use crate::schemas::FileKind;
use crate::templates::Templates;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const VSCODE_SETTINGS: &str = ".vscode/settings.json";

/// `yaml.schemas`: schema file → the files it describes.
fn vscode_settings() -> String {
    let globs = [
        (FileKind::Config, "incidentkit.yaml"),
        (FileKind::Incident, "incidents/*/incident.yaml"),
        (FileKind::Update, "incidents/*/updates/*.yaml"),
        (FileKind::Postmortem, "incidents/*/postmortem.yaml"),
        (FileKind::Correction, "incidents/*/corrections/*.yaml"),
        (FileKind::Redaction, "incidents/*/redactions/*.yaml"),
    ];
    let schemas: serde_json::Map<String, serde_json::Value> = globs
        .iter()
        .map(|(kind, glob)| {
            (
                format!("{SCHEMA_DIR}/{}", kind.schema_file()),
                (*glob).into(),
            )
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({ "yaml.schemas": schemas }))
        .unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Example: incident init my-incidents --name \"Acme Shop\"")]
pub struct Args {
    /// Where to create it (default: the current folder).
    // Its own id: sharing `dir` with the global -C would make clap copy the
    // value into -C too, so `init foo` created foo/foo.
    #[arg(id = "new_dir", value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The product or company name shown on the status page.
    #[arg(long, default_value = "Our product")]
    name: String,
}

pub fn run(start: &Path, args: &Args) -> Result<ExitCode, CliError> {
    let dir = start.join(args.dir.as_deref().unwrap_or(Path::new(".")));
    let files = skeleton(&args.name)?;
    // A repository created on GitHub already has a README and a .gitignore,
    // a person's editor settings are theirs: create what is missing, never
    // touch what is there. Only an existing configuration means this is an
    // incident repository already.
    if dir.join(crate::repo::CONFIG_FILE).exists() {
        return Err(CliError::Usage(format!(
            "{} already exists; incidentkit never overwrites a file (this folder is an incident repository already)",
            crate::repo::CONFIG_FILE
        )));
    }
    let (kept, new): (BTreeMap<String, String>, BTreeMap<String, String>) = files
        .into_iter()
        .partition(|(file, _)| dir.join(file).exists());
    write::create_all(&dir, &new)
        .map_err(|e| CliError::Usage(format!("{e}; init only creates new files")))?;
    for file in new.keys() {
        println!("created {file}");
    }
    for (file, text) in &kept {
        println!("kept {file} as it is");
        by_hand(&dir, file, text);
    }
    println!(
        "\nnext: edit incidentkit.yaml (site name, components), then `incident declare --help`"
    );
    Ok(ExitCode::SUCCESS)
}

/// The files of a new repository (`import` replaces incidentkit.yaml).
pub(super) fn skeleton(name: &str) -> Result<BTreeMap<String, String>, CliError> {
    let templates = Templates::load(None)?;
    let context = minijinja::context! { name => name };
    let mut files = BTreeMap::new();
    files.insert(
        crate::repo::CONFIG_FILE.to_string(),
        templates.render("new/incidentkit.yaml", context.clone())?,
    );
    files.insert(
        "README.md".to_string(),
        templates.render("new/README.md", context.clone())?,
    );
    files.insert(
        ".gitignore".to_string(),
        templates.render("new/gitignore", context)?,
    );
    files.insert("incidents/.gitkeep".to_string(), String::new());
    for kind in FileKind::ALL {
        files.insert(
            format!("{SCHEMA_DIR}/{}", kind.schema_file()),
            kind.schema_text().to_string(),
        );
    }
    // Pull requests validated, the status page deployed on merge, overdue
    // updates reported: the incidentkit action, wired for this repository.
    files.insert(
        ".github/workflows/incidents.yml".to_string(),
        templates.render("new/incidents.yml", minijinja::context! {})?,
    );
    // Append-only pull requests of responders merged without a review, from
    // a workflow that never runs the pull request's code.
    files.insert(
        ".github/workflows/fast-lane.yml".to_string(),
        templates.render("new/fast-lane.yml", minijinja::context! {})?,
    );
    // The YAML language server (VS Code's YAML extension) maps each file
    // kind to its schema, for files the CLI did not write too.
    files.insert(VSCODE_SETTINGS.to_string(), vscode_settings());
    Ok(files)
}

/// What to add by hand to a file that was already there.
fn by_hand(dir: &Path, file: &str, ours: &str) {
    let theirs = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
    match file {
        ".gitignore" => {
            let missing: Vec<&str> = ours
                .lines()
                .filter(|l| !l.trim().is_empty() && !theirs.lines().any(|t| t.trim() == l.trim()))
                .collect();
            if !missing.is_empty() {
                println!("  add these lines to .gitignore (the built sites are not committed):");
                for line in missing {
                    println!("    {line}");
                }
            }
        }
        VSCODE_SETTINGS => println!(
            "  for completion in YAML files, add its \"yaml.schemas\" from `incident init` in an empty folder"
        ),
        "README.md" => println!(
            "  README.md is yours: to tell responders what to do, copy in the sections of the README `incident init` writes into an empty folder (During an incident, Severities, After an incident)"
        ),
        _ if theirs != ours => println!(
            "  it differs from what incidentkit would write; compare it with `incident init` into an empty folder"
        ),
        _ => {}
    }
}
