//! The benchmark corpus (examples/gen_corpus.rs): it must validate with no
//! findings, or the benchmark times error paths, and the same seed must give
//! the same bytes, or runs cannot be compared.

use crate::support::gen_corpus;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn contents(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_corpus_validates_cleanly_and_the_seed_fixes_its_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let written = gen_corpus::generate(&a, 120, 7).unwrap();
    assert_eq!(gen_corpus::generate(&b, 120, 7).unwrap(), written);
    let files = contents(&a);
    assert_eq!(files.len(), written);
    assert!(files == contents(&b), "the same seed wrote different files");

    crate::support::cmd()
        .args(["validate", "--deny-warnings", "-C"])
        .arg(&a)
        .assert()
        .success()
        .stderr(predicates::str::contains("120 incidents"))
        .stderr(predicates::str::contains("no findings"));

    // The shape the benchmark promises: 3–12 updates, post-mortems, both visibilities.
    let incidents = fs::read_dir(a.join("incidents")).unwrap();
    for dir in incidents {
        let updates = fs::read_dir(dir.unwrap().path().join("updates"))
            .unwrap()
            .count();
        assert!((3..=12).contains(&updates), "{updates} updates");
    }
    let count = |needle: &str| {
        files
            .iter()
            .filter(|(p, t)| {
                p.ends_with("incident.yaml") && String::from_utf8_lossy(t).contains(needle)
            })
            .count()
    };
    assert!(count("visibility: internal") > 0 && count("visibility: public") > 0);
    assert!(count("kind: maintenance") > 0);
    assert!(files.keys().any(|p| p.ends_with("postmortem.yaml")));
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    assert!(gen_corpus::generate(tmp.path(), 3, 1).is_err());
    assert_eq!(
        fs::read_to_string(tmp.path().join("keep.txt")).unwrap(),
        "mine"
    );
}
