//! Editor support: stable `$id`s, the SchemaStore entries in
//! docs/schemastore.md, and the `.vscode/settings.json` that `init` writes
//! only when there is none.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

const KINDS: [&str; 6] = [
    "config",
    "incident",
    "update",
    "postmortem",
    "correction",
    "redaction",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn incident(dir: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.current_dir(dir).env_remove("GITHUB_ACTIONS");
    cmd
}

#[test]
fn schemas_have_stable_ids_and_the_schemastore_entries_name_them() {
    let doc = fs::read_to_string(root().join("docs/schemastore.md")).unwrap();
    let start = doc.find("```json\n").unwrap() + 8;
    let end = start + doc[start..].find("```").unwrap();
    let entries: Vec<Value> = serde_json::from_str(&doc[start..end]).unwrap();
    assert_eq!(entries.len(), KINDS.len());
    for kind in KINDS {
        let text = fs::read_to_string(root().join(format!("schemas/{kind}.schema.json"))).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        let id = format!(
            "https://raw.githubusercontent.com/incidentkit/incidentkit/main/schemas/{kind}.schema.json"
        );
        assert_eq!(schema["$id"], id.as_str(), "{kind}");
        let entry = entries.iter().find(|e| e["url"] == id.as_str());
        let entry = entry.unwrap_or_else(|| panic!("no SchemaStore entry for {id}"));
        // Only names the tool reads (it reads no `incidentkit.yml`).
        let patterns = entry["fileMatch"].as_array().unwrap();
        assert!(!patterns.is_empty());
        assert!(
            patterns
                .iter()
                .all(|p| p.as_str().unwrap().ends_with(".yaml")),
            "{entry}"
        );
    }
}

#[test]
fn init_writes_vscode_settings_only_when_absent() {
    let tmp = tempfile::tempdir().unwrap();
    incident(tmp.path()).args(["init", "a"]).assert().success();
    let settings: Value = serde_json::from_str(
        &fs::read_to_string(tmp.path().join("a/.vscode/settings.json")).unwrap(),
    )
    .unwrap();
    let map = settings["yaml.schemas"].as_object().unwrap();
    for kind in KINDS {
        let schema = format!(".incidentkit/schemas/{kind}.schema.json");
        assert!(tmp.path().join("a").join(&schema).is_file(), "{schema}");
        assert!(map.contains_key(&schema), "{schema} in {map:?}");
    }
    assert_eq!(
        map[".incidentkit/schemas/update.schema.json"],
        "incidents/*/updates/*.yaml"
    );

    let mine = "{\"editor.tabSize\": 2}\n";
    fs::create_dir_all(tmp.path().join("b/.vscode")).unwrap();
    fs::write(tmp.path().join("b/.vscode/settings.json"), mine).unwrap();
    incident(tmp.path())
        .args(["init", "b"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "kept .vscode/settings.json as it is",
        ))
        .stdout(predicates::str::contains("add its \"yaml.schemas\""));
    assert_eq!(
        fs::read_to_string(tmp.path().join("b/.vscode/settings.json")).unwrap(),
        mine
    );
    assert!(tmp.path().join("b/incidentkit.yaml").is_file());
}
