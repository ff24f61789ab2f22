//! The integration tests: one binary over the real `incident` binary, with
//! the helpers every file shares in `support` (one build and one link
//! instead of one per file). Each file under tests/ is a module here; the
//! test at the end fails when a file is added without being declared, so a
//! test cannot silently stop running.

mod support;

mod authoring;
mod browser;
mod build;
mod check_cache;
mod concurrent;
mod corpus;
mod crash;
mod editor;
mod exit_codes;
mod fast_lane;
mod github;
mod hostile;
mod import;
mod import_cstate;
mod init_workflow;
mod install_script;
mod limits;
mod list_cache;
mod notify;
mod one_story;
mod practice;
mod properties;
mod pull_request;
mod readme;
mod shell;
mod snapshots;
mod stats;
mod status_page;
mod symlinks;
mod validate;
mod yaml_hints;

#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let main = include_str!("main.rs");
    let dir = support::project("tests");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(module) = name.strip_suffix(".rs")
            && module != "main"
            && !main.contains(&format!("\nmod {module};\n"))
        {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "tests/main.rs does not declare {missing:?}: cargo would not run them (autotests = false)"
    );
}
