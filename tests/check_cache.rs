//! A whole check (`build`, `stats`, `notify`) keeps what it parsed of each
//! incident in `.git/incidentkit/check-cache/` and takes it again while the
//! incident's files are unchanged: the same site and the same findings,
//! kept or read.

use crate::support::{age, example_repository, git, incident, outside_git, read_tree, set_mtime};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const KEPT: &str = ".git/incidentkit/check-cache";
const CHECKOUT: &str = "2026-11-26-checkout-502s";
/// 2026-12-05: after every entry of the example and the generated repository.
const NOW: &str = "1796500000";

/// The example in git after two builds into `<out>/site`: every incident
/// recorded.
fn recorded() -> (TempDir, TempDir) {
    let tmp = example_repository();
    let out = TempDir::new().unwrap();
    build(tmp.path(), &out.path().join("site"));
    build(tmp.path(), &out.path().join("site"));
    (tmp, out)
}

/// `incident build --out <out>` in `root`: its exit code and what it said.
fn build(root: &Path, out: &Path) -> (Option<i32>, String) {
    build_at(root, out, NOW)
}

/// `build` with the clock at `epoch`.
fn build_at(root: &Path, out: &Path, epoch: &str) -> (Option<i32>, String) {
    let done = incident()
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", epoch)
        .arg("build")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&done.stdout).to_string() + &String::from_utf8_lossy(&done.stderr);
    // The time it took differs between runs.
    let said = said
        .lines()
        .filter(|l| !l.starts_with("built "))
        .collect::<Vec<_>>()
        .join("\n");
    (done.status.code(), said)
}

/// The file of the checkout incident's month.
fn november(root: &Path) -> PathBuf {
    root.join(KEPT).join("2026-11.records")
}

/// Every record, by incident id: each month's file is a line naming the
/// build, then a line per incident, its id and its record in JSON.
fn records(root: &Path) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for entry in fs::read_dir(root.join(KEPT)).unwrap() {
        let text = fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("incidentkit check-cache 3\t")
        );
        for line in lines {
            let (id, record) = line.split_once('\t').unwrap();
            all.insert(id.to_string(), serde_json::from_str(record).unwrap());
        }
    }
    all
}

/// The checkout incident's page.
fn page(out: &Path) -> String {
    fs::read_to_string(out.join(format!("incidents/{CHECKOUT}.html"))).unwrap()
}

#[test]
fn a_build_from_kept_incidents_is_the_build_from_their_files() {
    let tmp = example_repository();
    let root = tmp.path();
    let out = TempDir::new().unwrap();
    let (first, second, third) = (
        out.path().join("1"),
        out.path().join("2"),
        out.path().join("3"),
    );
    let files = read_tree(root);
    assert_eq!(build(root, &first).0, Some(0));
    // The first check in a clone only makes the folder.
    assert_eq!(records(root).len(), 0);
    assert_eq!(build(root, &second).0, Some(0));
    let incidents = fs::read_dir(root.join("incidents")).unwrap().count();
    assert_eq!(records(root).len(), incidents, "every incident recorded");
    assert_eq!(build(root, &third).0, Some(0));
    assert_eq!(read_tree(&first), read_tree(&second));
    assert_eq!(
        read_tree(&first),
        read_tree(&third),
        "built from the records"
    );
    assert_eq!(
        outside_git(read_tree(root)),
        outside_git(files),
        "nothing written outside .git"
    );
}

/// A record whose title was changed is what the build shows while the
/// files keep their stamps (how a test can see records are taken); a file
/// written since, a corrupt file or one of another build are read again.
#[test]
fn a_record_is_taken_only_while_its_files_and_the_build_are_unchanged() {
    let (tmp, out) = recorded();
    let (root, site) = (tmp.path(), out.path().join("site"));
    let title = "Checkout fails with 502 for EU customers";
    assert!(page(&site).contains(title));
    let kept = fs::read_to_string(november(root)).unwrap();
    let told = kept.replace(title, "Told by the record");
    fs::write(november(root), &told).unwrap();
    build(root, &site);
    assert!(page(&site).contains("Told by the record"));

    // Rewritten with the same bytes and modification time: read again.
    let declaration = root.join(format!("incidents/{CHECKOUT}/incident.yaml"));
    let modified = fs::metadata(&declaration).unwrap().modified().unwrap();
    fs::write(&declaration, fs::read(&declaration).unwrap()).unwrap();
    set_mtime(&declaration, modified);
    build(root, &site);
    assert!(page(&site).contains(title));
    let rewritten = fs::read_to_string(november(root)).unwrap();
    assert!(
        rewritten.contains(title) && rewritten != kept,
        "recorded again"
    );

    // Another build's records, then a corrupt file.
    let told = rewritten.replace(title, "Told by the record");
    let (header, lines) = told.split_once('\n').unwrap();
    let (format, _build) = header.split_once('\t').unwrap();
    let other = format!("{format}\t0.0.0 another build\n{lines}");
    fs::write(november(root), other).unwrap();
    build(root, &site);
    assert!(page(&site).contains(title));
    // Corrupt: the record cut short, a line without an id.
    let cut: Vec<String> = told
        .lines()
        .map(|line| match line.starts_with(CHECKOUT) {
            true => line[..line.len() - 40].to_string(),
            false => line.to_string(),
        })
        .collect();
    fs::write(november(root), cut.join("\n") + "\n{ not json\n").unwrap();
    build(root, &site);
    assert!(page(&site).contains(title));
    let again = fs::read_to_string(november(root)).unwrap();
    assert!(again.contains(title), "written again");
}

/// The rules run on kept incidents too, and their findings are placed in
/// the files: a configuration change that breaks old incidents says the
/// same, kept or read.
#[test]
fn findings_about_kept_incidents_are_the_findings_about_their_files() {
    let (tmp, out) = recorded();
    let (root, site) = (tmp.path(), out.path().join("site"));
    let config = root.join("incidentkit.yaml");
    let text = fs::read_to_string(&config).unwrap();
    // The component the checkout incident is declared on is renamed.
    fs::write(&config, text.replace("id: checkout", "id: check-out")).unwrap();
    let kept = build(root, &site);
    assert_eq!(kept.0, Some(1), "{}", kept.1);
    assert!(kept.1.contains(CHECKOUT), "{}", kept.1);
    assert!(kept.1.contains("incident.yaml:"), "placed: {}", kept.1);
    fs::remove_dir_all(root.join(KEPT)).unwrap();
    assert_eq!(build(root, &site), kept, "as read from the files");
}

#[test]
fn records_go_with_their_incident_and_a_broken_incident_is_not_recorded() {
    let (tmp, out) = recorded();
    let (root, site) = (tmp.path(), out.path().join("site"));
    let gone = "2026-11-12-finance-report-missing";
    assert!(records(root).contains_key(gone));
    fs::remove_dir_all(root.join("incidents").join(gone)).unwrap();
    build(root, &site);
    assert!(!records(root).contains_key(gone));
    // A month no incident is in any more goes whole.
    let october = "2026-10-14-help-center-unavailable";
    fs::remove_dir_all(root.join("incidents").join(october)).unwrap();
    build(root, &site);
    assert!(!root.join(KEPT).join("2026-10.records").exists());

    let kept = records(root)[CHECKOUT].clone();
    let update = root.join(format!(
        "incidents/{CHECKOUT}/updates/2026-11-26T10-05-00Z.yaml"
    ));
    fs::write(&update, "at: [unclosed\n").unwrap();
    age(root);
    assert_eq!(build(root, &site).0, Some(1));
    assert_eq!(records(root)[CHECKOUT], kept, "not recorded while broken");
}

/// Every kind of incident the benchmark generator writes comes back from
/// its record as it was read.
#[test]
fn a_generated_repository_builds_the_same_from_its_records() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    crate::support::gen_corpus::generate(root, 300, 11).unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    age(root);
    let out = TempDir::new().unwrap();
    let (read, kept) = (out.path().join("read"), out.path().join("kept"));
    build(root, &read);
    build(root, &read);
    assert_eq!(records(root).len(), 300);
    let said = build(root, &kept);
    assert_eq!(said.0, Some(0), "{}", said.1);
    assert_eq!(read_tree(&read), read_tree(&kept));
    // Every incident page was made from its record: marked in every one.
    for entry in fs::read_dir(root.join(KEPT)).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("\"title\":\"", "\"title\":\"Kept: ")).unwrap();
    }
    build(root, &kept);
    let pages: Vec<String> = read_tree(&kept)
        .into_iter()
        .filter(|(path, _)| path.starts_with("incidents/") && path.ends_with(".html"))
        .map(|(_, page)| String::from_utf8(page).unwrap())
        .collect();
    assert!(pages.len() > 100, "{} incident pages", pages.len());
    assert!(pages.iter().all(|page| page.contains("Kept: ")));
}

/// `stats` is a whole check too: it records from its second run, and says
/// the same from the records.
#[test]
fn stats_keeps_and_takes_records_as_build_does() {
    let tmp = example_repository();
    let root = tmp.path();
    let stats = || {
        let done = incident()
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", NOW)
            .arg("stats")
            .output()
            .unwrap();
        assert!(done.status.success(), "{done:?}");
        done.stdout
    };
    let first = stats();
    stats();
    let incidents = fs::read_dir(root.join("incidents")).unwrap().count();
    assert_eq!(records(root).len(), incidents);
    assert_eq!(stats(), first);
}

/// `build --as-of REV` checks the revision's files written out to a scratch
/// folder under `$TMPDIR`: when that lies inside another git repository,
/// nothing goes into that repository's git folder, however often it runs.
#[test]
fn a_build_of_a_revision_keeps_nothing_in_a_repository_around_its_scratch_folder() {
    let (tmp, out) = recorded();
    let outer = TempDir::new().unwrap();
    git(outer.path(), &["init", "-q"]);
    let scratch = outer.path().join("tmp");
    fs::create_dir(&scratch).unwrap();
    for _ in 0..3 {
        incident()
            .current_dir(tmp.path())
            .env("TMPDIR", &scratch)
            .args(["build", "--as-of", "HEAD", "--out"])
            .arg(out.path().join("then"))
            .output()
            .unwrap();
    }
    assert!(page(&out.path().join("then")).contains("Checkout fails"));
    assert!(!outer.path().join(".git/incidentkit").exists());
    assert_eq!(
        fs::read_dir(&scratch).unwrap().count(),
        0,
        "scratch removed"
    );
}

/// The record of `id` as stored, and the month file it is in.
fn record_line(root: &Path, id: &str) -> (PathBuf, Value) {
    for entry in fs::read_dir(root.join(KEPT)).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        if let Some(line) = text.lines().find(|l| l.starts_with(&format!("{id}\t"))) {
            let record = serde_json::from_str(line.split_once('\t').unwrap().1).unwrap();
            return (path, record);
        }
    }
    panic!("no record of {id}");
}

/// The rules that do not see the clock found nothing in a kept incident
/// under this incidentkit.yaml: they are not run on it again (a record
/// whose customer report lost a part builds) until incidentkit.yaml
/// changes. The clocked ones run every time, kept or read.
#[test]
fn rules_that_found_nothing_run_again_only_under_another_configuration() {
    let (tmp, out) = recorded();
    let (root, site) = (tmp.path(), out.path().join("site"));
    let (file, mut record) = record_line(root, CHECKOUT);
    let settled = record[1].clone();
    assert!(settled.is_u64(), "found clean: {record}");

    // What the record says is not judged again.
    assert!(page(&site).contains("What we are changing"));
    let report = record[4]["customer_report"].as_object_mut().unwrap();
    assert!(report.remove("prevention").is_some());
    let text = fs::read_to_string(&file).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|line| match line.starts_with(&format!("{CHECKOUT}\t")) {
            true => format!("{CHECKOUT}\t{record}"),
            false => line.to_string(),
        })
        .collect();
    fs::write(&file, lines.join("\n") + "\n").unwrap();
    let said = build(root, &site);
    assert_eq!(said.0, Some(0), "{}", said.1);
    assert!(
        !page(&site).contains("What we are changing"),
        "built from the record"
    );

    // incidentkit.yaml changed, if only by a comment: judged again.
    let config = root.join("incidentkit.yaml");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str("# reviewed\n");
    fs::write(&config, text).unwrap();
    let said = build(root, &site);
    assert_eq!(said.0, Some(1), "{}", said.1);
    assert!(finds(&said.1, "report/incomplete", CHECKOUT), "{}", said.1);
    // Not clean under it: recorded as it was, and judged in every build.
    assert_eq!(record_line(root, CHECKOUT).1[1], settled);
    let again = build(root, &site);
    assert!(
        finds(&again.1, "report/incomplete", CHECKOUT),
        "{}",
        again.1
    );

    // Clean under the new one, the other incidents are recorded again.
    let other = "2026-11-27-order-emails-delayed";
    let now = record_line(root, other).1[1].clone();
    assert!(now.is_u64() && now != settled, "{now} after {settled}");

    // By the clock: kept and clean, the incidents are judged by it in a
    // build as of 2026-11-17: their times are later than then.
    fs::remove_dir_all(root.join(KEPT)).unwrap();
    build(root, &site);
    build(root, &site);
    assert!(record_line(root, CHECKOUT).1[1].is_u64());
    let kept = build_at(root, &site, "1795000000");
    assert!(finds(&kept.1, "timeline/future", CHECKOUT), "{}", kept.1);
    fs::remove_dir_all(root.join(KEPT)).unwrap();
    assert_eq!(build_at(root, &site, "1795000000"), kept, "as read");
}

/// While incidentkit.yaml is broken there is no configuration to have
/// found an incident clean under: every rule that can run runs, on kept
/// incidents too, whatever their record says.
#[test]
fn a_broken_configuration_judges_every_kept_incident() {
    let (tmp, out) = recorded();
    let (root, site) = (tmp.path(), out.path().join("site"));
    let id = "2026-11-20-product-images-misaligned";
    let first = fs::read_dir(root.join(format!("incidents/{id}/updates")))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let mut text = fs::read_to_string(&first).unwrap();
    text.push_str("reopen: true\n");
    fs::write(&first, text).unwrap();
    age(root);
    let said = build(root, &site);
    assert_eq!(said.0, Some(0), "{}", said.1);
    assert!(record_line(root, id).1[1].is_null(), "recorded, not clean");
    assert!(record_line(root, CHECKOUT).1[1].is_u64());

    fs::write(root.join("incidentkit.yaml"), "site: [unclosed\n").unwrap();
    let said = build(root, &site);
    assert_eq!(said.0, Some(1), "{}", said.1);
    assert!(finds(&said.1, "timeline/needless-reopen", id), "{}", said.1);
}

/// Whether `said` holds a finding of `rule` about a file of incident `id`.
fn finds(said: &str, rule: &str, id: &str) -> bool {
    said.split("\n\n")
        .any(|finding| finding.contains(&format!("[{rule}]")) && finding.contains(id))
}
