//! The action's download path (.github/action/install.sh) against a local
//! "release": a good archive installs, a bad checksum is a clear error that
//! installs nothing, and a ref or version without a release falls back to
//! building from source.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/action/install.sh")
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// A release folder holding `incident-<tag>-<target>.tar.gz` (a stand-in
/// binary that prints a marker) and SHA256SUMS.
fn release(dir: &Path, tag: &str) -> PathBuf {
    let stage = dir.join("stage");
    fs::create_dir_all(&stage).unwrap();
    fs::write(
        stage.join("incident"),
        "#!/bin/sh\necho released-incident\n",
    )
    .unwrap();
    fs::write(stage.join("README.md"), "readme\n").unwrap();
    let rel = dir.join("release");
    fs::create_dir_all(&rel).unwrap();
    let archive = format!("incident-{tag}-{TARGET}.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(rel.join(&archive))
        .arg("-C")
        .arg(&stage)
        .args(["incident", "README.md"])
        .status()
        .unwrap();
    assert!(status.success());
    let sum = sha256(&rel.join(&archive));
    fs::write(
        rel.join("SHA256SUMS"),
        format!("{}  other.tar.gz\n{sum}  {archive}\n", "0".repeat(64)),
    )
    .unwrap();
    rel
}

fn run(dir: &Path, reference: &str, base: &Path) -> (Output, String) {
    let out_file = dir.join("github_output");
    let _ = fs::remove_file(&out_file);
    let out = Command::new("bash")
        .arg(script())
        .env("ACTION_REF", reference)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env(
            "INCIDENTKIT_DOWNLOAD_BASE",
            format!("file://{}", base.display()),
        )
        .env("DEST", dir.join("bin"))
        .env("GITHUB_OUTPUT", &out_file)
        .output()
        .unwrap();
    (out, fs::read_to_string(&out_file).unwrap_or_default())
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_release_tag_installs_the_verified_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let rel = release(tmp.path(), "v0.1.0");
    let (out, outputs) = run(tmp.path(), "v0.1.0", &rel);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outputs, "installed=true\n");
    assert!(text(&out).contains("installed incident v0.1.0 (x86_64-unknown-linux-musl)"));
    let ran = Command::new(tmp.path().join("bin/incident"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "released-incident\n");
}

#[test]
fn a_major_tag_means_the_version_in_cargo_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let rel = release(tmp.path(), &format!("v{version}"));
    let (out, outputs) = run(tmp.path(), "v0", &rel);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outputs, "installed=true\n");
}

#[test]
fn a_bad_checksum_is_a_clear_error_and_installs_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let rel = release(tmp.path(), "v0.1.0");
    let archive = rel.join(format!("incident-v0.1.0-{TARGET}.tar.gz"));
    let mut bytes = fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    fs::write(&archive, bytes).unwrap();
    let (out, outputs) = run(tmp.path(), "v0.1.0", &rel);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("::error title=incidentkit::checksum mismatch for incident-v0.1.0-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        text(&out)
    );
    assert!(
        outputs.is_empty(),
        "no fallback on a bad checksum: {outputs}"
    );
    assert!(!tmp.path().join("bin/incident").exists());
}

#[test]
fn no_release_falls_back_to_building_from_source() {
    let tmp = tempfile::tempdir().unwrap();
    let rel = release(tmp.path(), "v0.1.0");
    // A tag that has no release.
    let (out, outputs) = run(tmp.path(), "v9.9.9", &rel);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outputs, "installed=false\n");
    assert!(
        text(&out).contains("no release archive incident-v9.9.9-x86_64-unknown-linux-musl.tar.gz"),
        "{}",
        text(&out)
    );
    // A branch or a commit: no download is tried.
    for reference in ["main", "3f2c1d0e9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", ""] {
        let (out, outputs) = run(tmp.path(), reference, &rel);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(outputs, "installed=false\n");
        assert!(
            text(&out).contains("which is not a release tag"),
            "{}",
            text(&out)
        );
    }
    assert!(!tmp.path().join("bin/incident").exists());
}
