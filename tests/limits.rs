//! Limits: deep nesting and alias bombs are rejected fast and in bounded
//! memory (peak RSS measured with GNU time), and a repository larger than its
//! limit is refused with a clear error.

use crate::support::copy_example;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const UPDATE: &str = "incidents/2026-11-26-checkout-502s/updates/2026-11-26T10-05-00Z.yaml";

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_example(tmp.path());
    // The README's quick start builds the example in place: a site from
    // that run is not this test's.
    let _ = fs::remove_dir_all(tmp.path().join("site"));
    tmp
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    peak_kib: u64,
}

/// Runs `incident ARGS` under GNU time for its peak resident memory.
fn measured(repo: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let time = PathBuf::from("/usr/bin/time");
    assert!(
        time.is_file(),
        "these tests measure peak memory with GNU time: install it (apt-get install time)"
    );
    let report = tempfile::NamedTempFile::new().unwrap();
    let started = Instant::now();
    let out = Command::new(time)
        .args(["-f", "%M", "-o"])
        .arg(report.path())
        .arg(crate::support::bin())
        .arg("-C")
        .arg(repo)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let took = started.elapsed();
    let peak_kib = fs::read_to_string(report.path())
        .unwrap()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("GNU time's %M");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took,
        peak_kib,
    }
}

/// Peak memory of validating the plain example, the yardstick for the rest.
fn baseline_kib() -> u64 {
    let repo = example_copy();
    let run = measured(repo.path(), &["validate"], &[]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    run.peak_kib
}

/// Each hostile document (all under the 1 MiB file limit) must give a clear
/// finding on the file, fast, with peak memory close to the plain run's.
#[test]
fn bombs_and_deep_nesting_are_rejected_fast_in_bounded_memory() {
    let mut billion_laughs = String::from(
        "at: 2026-11-26T10:05:00Z\nlol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..=9 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        billion_laughs.push_str(&format!("lol{i}: &l{i} [{refs}]\n"));
    }
    let block_nesting: String = (0..1_000)
        .map(|depth| format!("{}- \n", "  ".repeat(depth)))
        .collect();
    let cases: Vec<(&str, String)> = vec![
        ("alias bomb (10^10 values)", billion_laughs),
        (
            "wide alias fan-out",
            format!(
                "a: &a [{}]\nb: [{}]\n",
                vec!["x"; 10_000].join(","),
                vec!["*a"; 50_000].join(",")
            ),
        ),
        (
            "flow sequences nested 500,000 deep",
            format!("message: {}", "[".repeat(500_000)),
        ),
        (
            "flow mappings nested 200,000 deep",
            format!("message: {}", "{a: ".repeat(200_000)),
        ),
        ("block sequences nested 1,000 deep", block_nesting),
        // Compact nesting took memory quadratic in its depth: 886 MB for
        // 20,000 levels, killed at 23 GB for these 500,000.
        (
            "block sequences nested 500,000 deep on one line",
            format!("x:\n{}x\n", "- ".repeat(500_000)),
        ),
        (
            "block sequences 500 deep on each of 1,000 lines",
            format!("x:\n{}", format!("{}x\n", "- ".repeat(500)).repeat(1_000)),
        ),
        (
            "a merge-key chain",
            (0..20_000)
                .map(|i| {
                    if i == 0 {
                        "k0: &k0 {a: 1}\n".to_string()
                    } else {
                        format!("k{i}: &k{i} {{<<: *k{}, a{i}: 1}}\n", i - 1)
                    }
                })
                .collect(),
        ),
    ];
    let baseline = baseline_kib();
    let budget_kib = baseline + 64 * 1024;
    let mut peaks = Vec::new();
    for (name, text) in cases {
        assert!(
            text.len() < 1024 * 1024,
            "{name} must be under the file limit"
        );
        let repo = example_copy();
        fs::write(repo.path().join(UPDATE), &text).unwrap();
        let run = measured(repo.path(), &["validate", "--format", "json"], &[]);
        assert_eq!(run.code, Some(1), "{name}: {}{}", run.stdout, run.stderr);
        let report: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", run.stdout));
        let on_file: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == UPDATE)
            .collect();
        assert!(
            on_file.iter().any(|d| d["rule"] == "yaml/syntax"
                || d["rule"].as_str().unwrap().starts_with("schema/")),
            "{name}: no finding on the file: {}",
            run.stdout
        );
        assert!(
            run.took < Duration::from_secs(5),
            "{name} took {:?}",
            run.took
        );
        assert!(
            run.peak_kib < budget_kib,
            "{name}: peak {} KiB, the plain example needs {baseline} KiB",
            run.peak_kib
        );
        peaks.push(format!("{name}: {} KiB in {:?}", run.peak_kib, run.took));
    }
    eprintln!("baseline {baseline} KiB\n{}", peaks.join("\n"));
}

/// Two updates of the checkout incident, padded with 99 kB of comment each:
/// past a limit of 200,000 bytes.
fn pad_checkout(root: &Path) {
    let padding = format!("# {}\n", "x".repeat(99_000));
    for n in 0..2 {
        let path = root.join(format!(
            "incidents/2026-11-26-checkout-502s/updates/2026-11-26T12-0{n}-00Z.yaml"
        ));
        let text = fs::read_to_string(root.join(UPDATE)).unwrap();
        let text = text.replace("2026-11-26T10:05:00Z", &format!("2026-11-26T12:0{n}:00Z"));
        fs::write(path, padding.clone() + &text).unwrap();
    }
}

#[test]
fn a_repository_past_its_size_limit_is_refused_with_what_to_do() {
    let repo = example_copy();
    // Lower the limit rather than write hundreds of megabytes.
    let limit = [("INCIDENTKIT_MAX_REPOSITORY_BYTES", "200000")];
    let ok = measured(repo.path(), &["validate"], &limit);
    assert_eq!(ok.code, Some(0), "{}{}", ok.stdout, ok.stderr);

    pad_checkout(repo.path());
    for args in [&["validate"][..], &["build"][..], &["list"][..]] {
        let run = measured(repo.path(), args, &limit);
        assert_eq!(run.code, Some(2), "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("the incident files in")
                && run.stderr.contains("the limit is 200000 bytes")
                && run.stderr.contains("INCIDENTKIT_MAX_REPOSITORY_BYTES"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!repo.path().join("site").exists(), "nothing was built");
}

/// A command about one incident reads that incident (and the
/// configuration), never the others: the repository past its limit
/// elsewhere does not stop it, and what it prints is the same.
#[test]
fn commands_on_one_incident_read_only_that_incident() {
    let repo = example_copy();
    let limit = [("INCIDENTKIT_MAX_REPOSITORY_BYTES", "200000")];
    let one = "2026-11-27-order-emails-delayed";
    let commands: [&[&str]; 4] = [
        &["render", "update", one],
        &["render", "postmortem", "2026-11-23-search-slow-or-empty"],
        &["render", "report", "2026-11-23-search-slow-or-empty"],
        &["show", "order-emails"],
    ];
    let before: Vec<Run> = commands
        .iter()
        .map(|args| measured(repo.path(), args, &limit))
        .collect();
    pad_checkout(repo.path());
    assert_eq!(measured(repo.path(), &["validate"], &limit).code, Some(2));
    for (args, before) in commands.iter().zip(before) {
        let run = measured(repo.path(), args, &limit);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty(), "{args:?}");
        assert_eq!(run.stdout, before.stdout, "{args:?}");
    }
}
