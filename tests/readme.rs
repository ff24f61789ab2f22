//! The README's "During an incident" block, run as written: every `$` line
//! (with its `\` continuations) in one shell, in a temporary folder, with
//! the `incident` binary on the PATH and the clock fixed. Every step must
//! succeed, and every output line the README shows must be printed (`…`
//! stands for anything).

use std::path::Path;
use std::process::Command;

fn block() -> String {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## During an incident").unwrap()..];
    let start = section.find("```console\n").unwrap() + "```console\n".len();
    let end = start + section[start..].find("```").unwrap();
    section[start..end].to_string()
}

/// The commands (continuations joined) and the output lines shown.
fn split(block: &str) -> (Vec<String>, Vec<String>) {
    let (mut commands, mut shown) = (Vec::new(), Vec::new());
    let mut lines = block.lines();
    while let Some(line) = lines.next() {
        if let Some(command) = line.strip_prefix("$ ") {
            let mut command = command.to_string();
            while command.ends_with('\\') {
                command.pop();
                command.push_str(lines.next().unwrap().trim_start());
            }
            commands.push(command);
        } else if !line.trim().is_empty() {
            shown.push(line.to_string());
        }
    }
    (commands, shown)
}

/// `line` as printed matches `shown`, where `…` stands for anything.
fn matches(shown: &str, line: &str) -> bool {
    let parts: Vec<&str> = shown.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return line == shown;
    }
    if !line.starts_with(first) || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn the_during_an_incident_flow_runs_as_written() {
    let (commands, shown) = split(&block());
    assert!(commands.len() >= 8, "{commands:?}");
    assert!(!shown.is_empty(), "the block shows what the commands print");
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Alice Responder\n\temail = alice@example.com\n",
    )
    .unwrap();
    let bin = Path::new(crate::support::bin())
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    // Each command echoed before it runs, so a failure names its step.
    let script: String = commands
        .iter()
        .map(|c| format!("echo '>>> {}' >&2\n{c}\n", c.replace('\'', "'\\''")))
        .collect();
    let out = Command::new("sh")
        .args(["-e", "-c", &script])
        .current_dir(tmp.path())
        .env("PATH", path)
        .env("HOME", &home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("SOURCE_DATE_EPOCH", "1795687320") // 2026-11-26T10:02:00Z
        .env_remove("INCIDENT_AUTHOR")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "a step failed:\n{stdout}\n{stderr}");
    let printed: Vec<&str> = stdout.lines().chain(stderr.lines()).collect();
    for line in &shown {
        assert!(
            printed.iter().any(|p| matches(line, p)),
            "the README shows `{line}`, which was not printed:\n{stdout}\n{stderr}"
        );
    }
    // What the flow wrote validates.
    let validate = crate::support::incident()
        .args(["validate", "-C"])
        .arg(tmp.path().join("my-incidents"))
        .env("SOURCE_DATE_EPOCH", "1795687320")
        .output()
        .unwrap();
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&validate.stdout)
    );
}

#[test]
fn the_matcher_takes_an_ellipsis_for_anything() {
    assert!(matches(
        "committed … on branch x: …",
        "committed 1234abcd on branch x: y"
    ));
    assert!(!matches(
        "committed … on branch x",
        "committed 1234abcd on branch y"
    ));
    assert!(matches("exact", "exact"));
    assert!(!matches("exact", "exactly"));
}
