use super::CliError;
use crate::author::emit::SCHEMA_DIR;
use crate::author::write;
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
    let mut files = skeleton(&args.name)?;
    // A person's editor settings are theirs: written only when absent.
    let kept = dir.join(VSCODE_SETTINGS).exists();
    if kept {
        files.remove(VSCODE_SETTINGS);
    }
    write::create_all(&dir, &files)
        .map_err(|e| CliError::Usage(format!("{e}; init only creates new files")))?;
    for file in files.keys() {
        println!("created {file}");
    }
    if kept {
        println!(
            "kept {VSCODE_SETTINGS} (it exists): for completion in YAML files, add its \"yaml.schemas\" from `incident init` in an empty folder"
        );
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
    // The YAML language server (VS Code's YAML extension) maps each file
    // kind to its schema, for files the CLI did not write too.
    files.insert(VSCODE_SETTINGS.to_string(), vscode_settings());
    Ok(files)
}
