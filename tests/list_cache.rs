//! `list` keeps what it read of each incident in `.git/incidentkit/` and
//! takes it again while the incident's files are unchanged (name, size,
//! modification time, as git's index does): same answers, warm or cold.

use crate::support::{
    age, copy_example, example_repository, git, incident, outside_git, read_tree, set_mtime,
};
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};
use tempfile::TempDir;

const UPDATE: &str = "incidents/2026-11-26-checkout-502s/updates/2026-11-26T10-05-00Z.yaml";
const CACHE: &str = ".git/incidentkit/list-cache.json";
const LISTINGS: &str = ".git/incidentkit/listings";

fn list(root: &Path) -> serde_json::Value {
    let out = incident()
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1764500000")
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The checkout incident's row.
fn checkout(rows: &serde_json::Value) -> &serde_json::Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2026-11-26-checkout-502s")
        .unwrap()
}

#[test]
fn warm_and_cold_lists_agree_and_the_cache_stays_in_the_git_folder() {
    let tmp = example_repository();
    let root = tmp.path();
    let tree = read_tree(root);
    let cold = list(root);
    assert!(
        root.join(CACHE).is_file(),
        "the first list writes the cache"
    );
    assert_eq!(list(root), cold, "a warm list says what a cold one said");
    assert_eq!(
        outside_git(read_tree(root)),
        outside_git(tree),
        "nothing written outside .git"
    );

    // A changed file is read again: a severity set in an old update.
    let text = fs::read_to_string(root.join(UPDATE)).unwrap();
    fs::write(root.join(UPDATE), format!("{text}severity: sev2\n")).unwrap();
    let changed = list(root);
    assert_ne!(checkout(&changed)["severity"], checkout(&cold)["severity"]);
    fs::remove_file(root.join(CACHE)).unwrap();
    assert_eq!(list(root), changed, "as a cold list reads it");

    // A new update, and a removed incident, too.
    let updates = root.join("incidents/2026-11-26-checkout-502s/updates");
    fs::write(
        updates.join("2026-11-26T12-00-00Z.yaml"),
        "at: 2026-11-26T12:00:00Z\nstatus: resolved\ninternal_note: closing\nseverity: sev3\nauthor: \"@jonas-weber\"\n",
    )
    .unwrap();
    fs::remove_dir_all(root.join("incidents/2026-10-14-help-center-unavailable")).unwrap();
    let later = list(root);
    assert_eq!(checkout(&later)["severity"], "sev3", "{later:#}");
    assert_eq!(
        later.as_array().unwrap().len(),
        cold.as_array().unwrap().len() - 1
    );
    fs::remove_file(root.join(CACHE)).unwrap();
    assert_eq!(list(root), later);
}

/// Lists once, then puts "Told by the cache" for the checkout incident's
/// title in the cache the list wrote; returns the title.
fn tell_the_cache(root: &Path) -> String {
    let title = checkout(&list(root))["title"].as_str().unwrap().to_string();
    let kept = fs::read_to_string(root.join(CACHE)).unwrap();
    assert!(kept.contains(&title));
    fs::write(root.join(CACHE), kept.replace(&title, "Told by the cache")).unwrap();
    title
}

/// What the cache holds is what a warm list shows while the files keep
/// their stamps (this is how a test can see it is used); a file written
/// since, even to the same size and modification time, is read again (its
/// change time moved), and a corrupt cache is ignored.
#[test]
fn the_cache_answers_for_unchanged_files_only_and_a_corrupt_one_is_ignored() {
    let tmp = example_repository();
    let root = tmp.path();
    let title = tell_the_cache(root);
    assert_eq!(checkout(&list(root))["title"], "Told by the cache");

    // Rewritten with the same bytes and the same modification time.
    let declaration = root.join("incidents/2026-11-26-checkout-502s/incident.yaml");
    let modified = fs::metadata(&declaration).unwrap().modified().unwrap();
    fs::write(&declaration, fs::read(&declaration).unwrap()).unwrap();
    set_mtime(&declaration, modified);
    assert_eq!(checkout(&list(root))["title"], title.as_str());

    fs::write(root.join(CACHE), "{ not json").unwrap();
    assert_eq!(checkout(&list(root))["title"], title.as_str(), "read again");
    let rewritten = fs::read_to_string(root.join(CACHE)).unwrap();
    assert!(rewritten.starts_with('{') && rewritten.contains(&title));
}

/// The cache is written whole when an incident changes: the records of the
/// others, taken from it for this list, are in it again.
#[test]
fn a_change_to_one_incident_keeps_the_records_of_the_others() {
    let tmp = example_repository();
    let root = tmp.path();
    tell_the_cache(root);
    let other = root.join("incidents/2026-10-14-help-center-unavailable/incident.yaml");
    let text = fs::read_to_string(&other).unwrap();
    fs::write(&other, text.replace("title: ", "title: Renamed ")).unwrap();
    // Old enough to be recorded; the other files keep their stamps.
    set_mtime(&other, SystemTime::now() - Duration::from_secs(3600));
    let rows = list(root);
    let renamed = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2026-10-14-help-center-unavailable")
        .unwrap();
    assert!(renamed["title"].as_str().unwrap().starts_with("Renamed "));
    let rewritten = fs::read_to_string(root.join(CACHE)).unwrap();
    assert!(
        rewritten.contains("Renamed Help"),
        "rewritten with the change"
    );
    assert!(
        rewritten.contains("Told by the cache"),
        "and the others kept"
    );
    assert_eq!(checkout(&list(root))["title"], "Told by the cache");
}

/// The names in a folder unchanged since the last list are taken from what
/// that list kept (`.git/incidentkit/listings`): a record told to leave the
/// newest update out is believed while the folder keeps its stamp, and no
/// longer once an entry is made or removed in it.
#[test]
fn a_folder_unchanged_since_the_last_list_is_not_read_again() {
    let tmp = example_repository();
    let root = tmp.path();
    let cold = list(root);
    let kept = fs::read_to_string(root.join(LISTINGS)).unwrap();
    let newest = "\"2026-11-26T11-25-00Z.yaml\"";
    let told = kept.replace(&format!(",{newest}"), "");
    assert_ne!(told, kept, "{kept}");
    fs::write(root.join(LISTINGS), told).unwrap();
    let believed = list(root);
    assert_eq!(checkout(&cold)["status"], "resolved");
    assert_ne!(checkout(&believed)["status"], "resolved");

    let scratch = root.join("incidents/2026-11-26-checkout-502s/updates/scratch.txt");
    fs::write(&scratch, "").unwrap();
    fs::remove_file(&scratch).unwrap();
    assert_eq!(list(root), cold, "the folder is read again");
}

#[test]
fn files_just_written_are_read_every_time() {
    let tmp = example_repository();
    let root = tmp.path();
    let text = fs::read_to_string(root.join(UPDATE)).unwrap();
    fs::write(root.join(UPDATE), format!("{text}severity: sev2\n")).unwrap();
    assert_eq!(checkout(&list(root))["severity"], "sev2");
    // Within the same clock tick as the list: same length, same time.
    let written = fs::metadata(root.join(UPDATE)).unwrap().modified().unwrap();
    fs::write(root.join(UPDATE), format!("{text}severity: sev3\n")).unwrap();
    set_mtime(&root.join(UPDATE), written);
    assert_eq!(checkout(&list(root))["severity"], "sev3");
}

#[test]
fn outside_git_nothing_is_kept() {
    let tmp = TempDir::new().unwrap();
    copy_example(tmp.path());
    age(tmp.path());
    let before = read_tree(tmp.path());
    list(tmp.path());
    assert_eq!(read_tree(tmp.path()), before);
}

/// Every kind of incident the benchmark generator writes comes back from
/// the cache as it was read.
#[test]
fn a_generated_repository_lists_the_same_warm() {
    let tmp = TempDir::new().unwrap();
    crate::support::gen_corpus::generate(tmp.path(), 300, 11).unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    age(tmp.path());
    let cold = list(tmp.path());
    let kept = fs::read_to_string(tmp.path().join(CACHE)).unwrap();
    assert!(
        kept.matches("\"fingerprint\"").count() >= 300,
        "every incident kept"
    );
    assert_eq!(list(tmp.path()), cold);
}
