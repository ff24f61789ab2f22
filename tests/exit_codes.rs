//! Exit codes follow the kind of outcome (README, "Exit codes"): 0 done,
//! 1 findings or a refusal, 2 usage, 3 not eligible for the fast lane
//! (tests/fast_lane.rs), 4 the disk, the network or GitHub failed.

use crate::support::copy_example;
use crate::support::example;
use assert_cmd::Command;
use std::path::Path;

fn incident(dir: &Path) -> Command {
    let mut cmd = crate::support::cmd();
    cmd.env("SOURCE_DATE_EPOCH", "1795788000")
        .env("INCIDENT_AUTHOR", "@alice")
        .arg("-C")
        .arg(dir);
    cmd
}

#[test]
fn findings_and_refusals_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    incident(tmp.path())
        .args(["resolve", "checkout-502s"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is already resolved"));
    std::fs::write(
        tmp.path()
            .join("incidents/2026-11-26-checkout-502s/updates/2026-11-26T12-00-00Z.yaml"),
        "at: [not a time\n",
    )
    .unwrap();
    incident(tmp.path()).arg("validate").assert().code(1);
}

#[test]
fn usage_exits_2() {
    incident(&example())
        .args(["show", "no-such-incident"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no incident"));
    incident(&example())
        .args(["validate", "--format", "nope"])
        .assert()
        .code(2);
    incident(&example())
        .env("GITHUB_TOKEN", "test-token-long-enough-to-be-real-0123")
        .env("GITHUB_API_URL", "not a url")
        .args(["actions", "plan", "--repo", "acme/incidents"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("GITHUB_API_URL `not a url`"));
}

/// A split index cannot say which files git records as links: nothing is
/// read, and the fix is named (not "try again").
#[test]
fn an_index_that_cannot_be_read_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    crate::support::git(tmp.path(), &["init", "-q", "-b", "main"]);
    crate::support::commit_all(tmp.path(), "example");
    crate::support::git(tmp.path(), &["update-index", "--split-index"]);
    incident(tmp.path())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "git update-index --no-split-index",
        ));
    crate::support::git(tmp.path(), &["update-index", "--no-split-index"]);
    incident(tmp.path()).arg("validate").assert().code(0);
}

#[test]
fn the_network_and_the_disk_exit_4() {
    // Nothing listens on port 9 of loopback (discard is never enabled here).
    let out = incident(&example())
        .env("GITHUB_TOKEN", "test-token-long-enough-to-be-real-0123")
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .args([
            "actions",
            "plan",
            "--repo",
            "acme/incidents",
            "--max-wait",
            "0s",
        ])
        .assert()
        .code(4);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("no answer from GitHub"), "{stderr}");
    assert!(!stderr.contains("test-token"), "{stderr}");
    // A full disk under the output.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = crate::support::incident()
        .arg("-C")
        .arg(example())
        .args(["show", "checkout-502s"])
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("No space left on device"), "{stderr}");
}
