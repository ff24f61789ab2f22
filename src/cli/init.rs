use super::CliError;
use crate::author::emit::SCHEMA_DIR;
use crate::author::write;
use crate::schemas::FileKind;
use crate::templates::Templates;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    let files = skeleton(&args.name)?;
    write::create_all(&dir, &files)
        .map_err(|e| CliError::Usage(format!("{e}; init only creates new files")))?;
    for file in files.keys() {
        println!("created {file}");
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
    Ok(files)
}
