//! Crash safety: `declare`, `update` and `build` killed with SIGKILL at
//! random moments (a fixed seed, so a failure replays). After every kill the
//! repository validates and the site is the previous one or a complete new
//! one; after the next run no temporary file or folder is left.

use crate::support::copy_dir;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// 2026-11-27T14:00:00Z, after every time written below.
const NOW: &str = "1795788000";
const OPEN: &str = "2026-11-27-order-emails-delayed";
const KILL_POINTS: usize = 60;

fn incident(repo: &Path) -> Command {
    let mut cmd = crate::support::incident();
    cmd.env("SOURCE_DATE_EPOCH", NOW)
        .env("INCIDENT_AUTHOR", "@crash-test")
        .arg("-C")
        .arg(repo)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// splitmix64: a deterministic sequence without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The command of kill point `i`, at a time after every earlier one.
fn command(i: usize) -> (&'static str, Vec<String>) {
    let at = jiff::Timestamp::from_second(1795783560 + 60 * i as i64) // 12:46Z + i min
        .unwrap()
        .to_string();
    match i % 3 {
        0 => (
            "declare",
            vec![
                "declare".into(),
                "--title".into(),
                format!("Kill point {i} breaks search"),
                "--severity".into(),
                "sev3".into(),
                "--component".into(),
                "search".into(),
                "--at".into(),
                at,
            ],
        ),
        1 => (
            "update",
            vec![
                "update".into(),
                OPEN.into(),
                "--message".into(),
                format!("Still working on it (kill point {i})."),
                "--at".into(),
                at,
            ],
        ),
        _ => ("build", vec!["build".into()]),
    }
}

/// The folder's files, or `None` when there is no folder at all.
fn read_tree(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    dir.is_dir().then(|| crate::support::read_tree(dir))
}

/// Hidden names the writers use for work in progress.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".git" {
            continue;
        }
        if name.starts_with('.')
            && (name.ends_with(".tmp") || name.contains(".staging-") || name.contains(".old-"))
        {
            found.push(entry.path());
        } else if entry.file_type().unwrap().is_dir() {
            found.extend(temporaries(&entry.path()));
        }
    }
    found
}

fn validates(repo: &Path) -> bool {
    incident(repo).arg("validate").status().unwrap().success()
}

#[test]
fn killed_writers_leave_a_valid_repository_and_no_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    crate::support::copy_example(&repo);
    assert!(incident(&repo).arg("build").status().unwrap().success());
    let mut site = read_tree(&repo.join("site")).unwrap();

    // How long each command takes uninterrupted bounds the kill delays: the
    // fastest of three runs, so a moment of load on a shared machine does
    // not stretch the delays past the end of the command.
    let mut span = BTreeMap::new();
    for kind in ["declare", "update", "build"] {
        let i = match kind {
            "declare" => 0,
            "update" => 1,
            _ => 2,
        };
        let fastest = (0..3)
            .map(|_| {
                let probe = tempfile::tempdir().unwrap();
                copy_dir(&repo, probe.path());
                let started = Instant::now();
                assert!(
                    incident(probe.path())
                        .args(command(i).1)
                        .status()
                        .unwrap()
                        .success(),
                    "{kind} works uninterrupted"
                );
                started.elapsed()
            })
            .min()
            .unwrap();
        span.insert(kind, fastest);
    }

    let mut rng = Rng(0x5EED_CAFE);
    let mut killed = 0;
    for i in 0..KILL_POINTS {
        let (kind, args) = command(i);
        let delay = Duration::from_micros(rng.next() % (span[kind].as_micros() as u64 * 6 / 5));
        let mut child = incident(&repo).args(&args).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if !status.success() {
            killed += 1;
        }
        assert!(
            validates(&repo),
            "kill point {i} ({kind} after {delay:?}) left a repository that does not validate"
        );
        if kind == "build" {
            let now = read_tree(&repo.join("site"));
            let out = tmp.path().join("reference");
            let _ = fs::remove_dir_all(&out);
            assert!(
                incident(&repo)
                    .arg("build")
                    .arg("--out")
                    .arg(&out)
                    .status()
                    .unwrap()
                    .success()
            );
            let complete = read_tree(&out).unwrap();
            let now = now.unwrap_or_else(|| {
                panic!("kill point {i} (build after {delay:?}) left no site at all")
            });
            assert!(
                now == site || now == complete,
                "kill point {i} (build after {delay:?}) left a site that is neither the previous nor a complete one"
            );
            site = now;
        }
    }
    eprintln!("{KILL_POINTS} kill points, {killed} killed mid-run, spans {span:?}");
    // Delays reach 1.2× the uninterrupted time, so some runs finish first;
    // a third landing mid-run still tests dozens of kill points, and leaves
    // room for a loaded machine running the commands faster than it probed.
    assert!(
        killed >= KILL_POINTS / 3,
        "only {killed} of {KILL_POINTS} kill points landed mid-run (spans {span:?})"
    );

    // The next run of each writer removes what killed runs left.
    let (_, declare) = command(KILL_POINTS);
    assert!(incident(&repo).args(declare).status().unwrap().success());
    let (_, update) = command(KILL_POINTS + 1);
    assert!(incident(&repo).args(update).status().unwrap().success());
    assert!(incident(&repo).arg("build").status().unwrap().success());
    assert_eq!(temporaries(&repo), Vec::<PathBuf>::new());
    assert!(validates(&repo));
}
