//! `incident notify` against real servers on 127.0.0.1: a recording HTTP
//! receiver that fails on demand (Slack, Teams, Discord, webhook) and a
//! real SMTP server (aiosmtpd). Exactly once is counted at the receiver,
//! per delivery key.

use crate::support::git;
use hmac::{Hmac, Mac};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;

const SECRET_TOKEN: &str = "T0KEN-fake-secret-4a7c9e";
const SIGNING_SECRET: &str = "signing-fake-secret-77b1";
/// 2026-11-26T12:00:00Z
const NOON: &str = "1795694400";

#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// Statuses (with an optional Retry-After, in seconds) to answer next.
type Answers = VecDeque<(u16, Option<u64>)>;

/// A recording HTTP receiver: every request is kept; `fail` queues the
/// statuses (with an optional Retry-After) of the next answers for a path
/// prefix; `delay` slows every answer.
#[derive(Clone)]
struct Receiver {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    fail: Arc<Mutex<BTreeMap<String, Answers>>>,
    delay: Arc<Mutex<Duration>>,
}

impl Receiver {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let r = Receiver {
            port: listener.local_addr().unwrap().port(),
            requests: Arc::default(),
            fail: Arc::default(),
            delay: Arc::default(),
        };
        let me = r.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let me = me.clone();
                std::thread::spawn(move || me.serve(stream));
            }
        });
        r
    }

    fn serve(&self, mut stream: std::net::TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let planned = {
            let mut fail = self.fail.lock().unwrap();
            fail.iter_mut()
                .find(|(prefix, _)| path.starts_with(prefix.as_str()))
                .and_then(|(_, q)| q.pop_front())
        };
        let (status, retry_after) = planned.unwrap_or((200, None));
        if status == 200 {
            self.requests.lock().unwrap().push(Request {
                path,
                headers,
                body,
            });
        }
        std::thread::sleep(*self.delay.lock().unwrap());
        let extra = retry_after
            .map(|s| format!("Retry-After: {s}\r\n"))
            .unwrap_or_default();
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\nok"
        );
    }

    fn url(&self, kind: &str) -> String {
        format!("http://127.0.0.1:{}/{kind}/{SECRET_TOKEN}", self.port)
    }

    fn fail(&self, kind: &str, answers: &[(u16, Option<u64>)]) {
        self.fail
            .lock()
            .unwrap()
            .insert(format!("/{kind}/"), answers.iter().copied().collect());
    }

    fn received(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// Deliveries per key (the X-Incidentkit-Delivery header).
    fn counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in self.received() {
            *out.entry(r.headers["x-incidentkit-delivery"].clone())
                .or_default() += 1;
        }
        out
    }
}

const CONFIG: &str = "site: {name: Acme Shop, url: https://status.acme.example}
components:
  - {id: checkout, name: Checkout}
  - {id: search, name: Search}
notify:
  - {name: war-room, type: slack, url_env: T_SLACK_URL, audience: internal}
  - {name: exec, type: teams, url_env: T_TEAMS_URL, audience: internal, severities: [sev1]}
  - {name: community, type: discord, url_env: T_DISCORD_URL, audience: external}
  - {name: subscribers, type: webhook, url_env: T_HOOK_URL, secret_env: T_HOOK_SECRET, audience: external}
";

fn declaration(title: &str, severity: &str) -> String {
    format!(
        "title: {title}\nseverity: {severity}\ndeclared_at: 2026-11-26T10:02:00Z\ncomponents: [checkout]\nroles: {{commander: \"@alice\", communications: \"@bob\"}}\n"
    )
}

fn update(at: &str, status: &str, message: Option<&str>, next: Option<&str>) -> String {
    let mut text = format!("at: {at}\nstatus: {status}\nauthor: \"@bob\"\n");
    match message {
        Some(m) => text.push_str(&format!("message: {m}\n")),
        None => text.push_str("internal_note: rolled back the canary by hand\n"),
    }
    if let Some(next) = next {
        text.push_str(&format!("next_update_at: {next}\n"));
    }
    if status == "investigating" {
        text.push_str("components: {checkout: major_outage}\n");
    }
    text
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// An incident repository with the config and no incident, committed.
fn repository(dir: &Path) {
    write(dir, "incidentkit.yaml", CONFIG);
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "config"]);
}

/// One SEV-1 with a public declaration, an internal entry and a public update.
fn add_incident(dir: &Path, id: &str, severity: &str) {
    let base = format!("incidents/{id}");
    write(
        dir,
        &format!("{base}/incident.yaml"),
        &declaration("Checkout fails", severity),
    );
    write(
        dir,
        &format!("{base}/updates/2026-11-26T10-05-00Z.yaml"),
        &update(
            "2026-11-26T10:05:00Z",
            "investigating",
            Some("Checkout fails for some customers."),
            Some("2026-11-26T10:20:00Z"),
        ),
    );
    write(
        dir,
        &format!("{base}/updates/2026-11-26T10-10-00Z.yaml"),
        &update("2026-11-26T10:10:00Z", "investigating", None, None),
    );
    write(
        dir,
        &format!("{base}/updates/2026-11-26T10-18-00Z.yaml"),
        &update(
            "2026-11-26T10:18:00Z",
            "identified",
            Some("We found the cause & roll back <now>."),
            Some("2026-11-26T10:35:00Z"),
        ),
    );
}

fn notify(dir: &Path, r: &Receiver, args: &[&str]) -> std::process::Output {
    notify_through(dir, r, None, args)
}

/// `notify` with `smtp`, when given, as the email target's server.
fn notify_through(
    dir: &Path,
    r: &Receiver,
    smtp: Option<&str>,
    args: &[&str],
) -> std::process::Output {
    let mut cmd = crate::support::cmd();
    if let Some(smtp) = smtp {
        cmd.env("T_SMTP_URL", smtp);
    }
    cmd.current_dir(dir)
        .env("SOURCE_DATE_EPOCH", NOON)
        .env("T_SLACK_URL", r.url("slack"))
        .env("T_TEAMS_URL", r.url("teams"))
        .env("T_DISCORD_URL", r.url("discord"))
        .env("T_HOOK_URL", r.url("hook"))
        .env("T_HOOK_SECRET", SIGNING_SECRET)
        .arg("notify")
        .args(args)
        .timeout(Duration::from_secs(120));
    // Generous: a loaded CI machine must not turn a slow answer from the
    // loopback receiver into an uncertain delivery. Tests of timeouts pass
    // their own.
    if !args.contains(&"--timeout") {
        cmd.args(["--timeout", "15s"]);
    }
    if !args.contains(&"--max-wait") {
        cmd.args(["--max-wait", "0s"]);
    }
    let out = cmd.output().unwrap();
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in [SECRET_TOKEN, SIGNING_SECRET] {
            assert!(!text.contains(secret), "a secret was printed:\n{text}");
        }
    }
    out
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository whose targets have joined (first run) before the incident.
fn joined_repository(dir: &Path, r: &Receiver) {
    repository(dir);
    let first = notify(dir, r, &[]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        stdout(&first).contains("first run for target `war-room`"),
        "{}",
        stdout(&first)
    );
    add_incident(dir, "2026-11-26-checkout-fails", "sev1");
}

#[test]
fn dry_run_says_what_would_go_to_whom_and_internal_entries_stay_internal() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    let out = notify(tmp.path(), &r, &["--dry-run", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let rows: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let planned = |target: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["target"] == target && r["plan"] == "send")
            .map(|r| r["entry"].as_str().unwrap().to_string())
            .collect()
    };
    let internal = "updates/2026-11-26T10-10-00Z.yaml";
    assert!(planned("war-room").contains(&internal.to_string()));
    assert!(planned("exec").contains(&internal.to_string()));
    assert!(!planned("community").contains(&internal.to_string()));
    assert!(
        !planned("subscribers")
            .iter()
            .any(|e| e.starts_with(internal))
    );
    assert_eq!(planned("community").len(), 2);
    assert!(r.received().is_empty(), "a dry run sends nothing");
    let human = notify(tmp.path(), &r, &["--dry-run"]);
    assert!(stdout(&human).contains("would send"), "{}", stdout(&human));
}

#[test]
fn each_key_is_delivered_once_and_payloads_have_their_shape() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    let first = notify(tmp.path(), &r, &[]);
    assert!(first.status.success(), "{first:?}");
    let again = notify(tmp.path(), &r, &[]);
    assert!(again.status.success(), "{again:?}");
    assert!(
        stdout(&again).contains("notify: 0 sent"),
        "{}",
        stdout(&again)
    );
    let counts = r.counts();
    assert!(counts.values().all(|n| *n == 1), "{counts:#?}");
    // war-room 3, exec 3, community 2, subscribers 2 + 1 component update.
    assert_eq!(counts.len(), 11, "{counts:#?}");

    for req in r.received() {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let text = String::from_utf8_lossy(&req.body);
        let kind = req.path.split('/').nth(1).unwrap();
        if kind == "community" || kind == "discord" || kind == "hook" {
            assert!(
                !text.contains("rolled back the canary"),
                "internal text leaked: {text}"
            );
        }
        match kind {
            "slack" => {
                assert_eq!(body["blocks"][0]["type"], "header");
                assert!(
                    body["blocks"][0]["text"]["text"]
                        .as_str()
                        .unwrap()
                        .chars()
                        .count()
                        <= 150
                );
                assert!(
                    body["blocks"][1]["text"]["text"]
                        .as_str()
                        .unwrap()
                        .chars()
                        .count()
                        <= 3000
                );
            }
            "teams" => {
                let card = &body["attachments"][0];
                assert_eq!(
                    card["contentType"],
                    "application/vnd.microsoft.card.adaptive"
                );
                assert_eq!(card["content"]["type"], "AdaptiveCard");
                assert_eq!(card["content"]["version"], "1.4");
                assert!(
                    text.contains("SEV-1"),
                    "internal audience sees the severity"
                );
            }
            "discord" => {
                let embed = &body["embeds"][0];
                assert!(embed["title"].as_str().unwrap().chars().count() <= 256);
                assert!(embed["description"].as_str().unwrap().chars().count() <= 4096);
                assert_eq!(body["allowed_mentions"]["parse"], Value::Array(vec![]));
                assert!(
                    !text.contains("SEV-1"),
                    "external audience never sees the severity"
                );
            }
            "hook" => {
                let mut mac =
                    <Hmac<sha2::Sha256> as Mac>::new_from_slice(SIGNING_SECRET.as_bytes()).unwrap();
                mac.update(&req.body);
                let hex: String = mac
                    .finalize()
                    .into_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(
                    req.headers["x-incidentkit-signature"],
                    format!("sha256={hex}")
                );
                assert!(body["meta"].is_object() && body["page"]["status_indicator"].is_string());
                if let Some(c) = body.get("component_update") {
                    assert_eq!(c["old_status"], "operational");
                    assert_eq!(c["new_status"], "major_outage");
                } else {
                    assert!(body["incident"]["incident_updates"].is_array());
                }
            }
            other => panic!("unexpected path {other}"),
        }
    }
}

#[test]
fn a_failed_target_is_retried_next_run_without_resending_to_the_others() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    r.fail("discord", &[(500, None), (500, None)]);
    let failing = notify(tmp.path(), &r, &[]);
    assert_eq!(failing.status.code(), Some(1), "{failing:?}");
    assert!(
        stdout(&failing).contains("2 failed"),
        "{}",
        stdout(&failing)
    );
    assert!(!r.counts().keys().any(|k| k.starts_with("community/")));
    let recovered = notify(tmp.path(), &r, &[]);
    assert!(recovered.status.success(), "{recovered:?}");
    assert!(
        stdout(&recovered).contains("notify: 2 sent"),
        "{}",
        stdout(&recovered)
    );
    let counts = r.counts();
    assert_eq!(counts.len(), 11);
    assert!(counts.values().all(|n| *n == 1), "{counts:#?}");
}

#[test]
fn rate_limits_wait_what_retry_after_says_within_the_budget() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    r.fail("slack", &[(429, Some(1))]);
    let out = notify(tmp.path(), &r, &["--max-wait", "5s"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(r.counts().len(), 11);
    // Over budget: gives up, says so, and exit 1.
    add_incident(tmp.path(), "2026-11-26-search-down", "sev2");
    r.fail("hook", &[(429, Some(30))]);
    let out = notify(tmp.path(), &r, &["--max-wait", "1s"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).contains("--max-wait"), "{}", stdout(&out));
}

#[test]
fn a_missing_secret_fails_that_target_and_names_the_variable() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    let out = crate::support::cmd()
        .current_dir(tmp.path())
        .env("SOURCE_DATE_EPOCH", NOON)
        .env("T_SLACK_URL", r.url("slack"))
        .args(["notify", "--max-wait", "0s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("T_TEAMS_URL"), "{text}");
    assert!(!text.contains(SECRET_TOKEN), "{text}");
    assert_eq!(r.counts().len(), 3, "slack still delivered");
}

#[test]
fn the_first_run_records_history_without_sending_or_sends_what_is_newer_than_since() {
    let r = Receiver::start();
    let with_history = |dir: &Path| {
        repository(dir);
        add_incident(dir, "2026-11-26-checkout-fails", "sev1");
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-qm", "old incident"]);
    };
    let adopting = TempDir::new().unwrap();
    with_history(adopting.path());
    let adopted = notify(adopting.path(), &r, &[]);
    assert!(adopted.status.success(), "{adopted:?}");
    assert!(
        stdout(&adopted).contains("first run for target `war-room`: recorded 3 notification(s) already in history as delivered without sending"),
        "{}",
        stdout(&adopted)
    );
    assert!(r.received().is_empty(), "nothing sent on adoption");
    // --since: only what came after the revision is sent.
    let since = TempDir::new().unwrap();
    with_history(since.path());
    add_incident(since.path(), "2026-11-27-search-down", "sev2");
    let out = notify(since.path(), &r, &["--since", "HEAD"]);
    assert!(out.status.success(), "{out:?}");
    let counts = r.counts();
    assert!(!counts.is_empty());
    assert!(
        counts.keys().all(|k| k.contains("2026-11-27-search-down")),
        "{counts:#?}"
    );
}

#[test]
fn overdue_reminders_go_to_internal_targets_once_per_missed_promise() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    assert!(notify(tmp.path(), &r, &[]).status.success());
    let before = r.counts().len();
    let out = notify(tmp.path(), &r, &["--overdue"]);
    assert!(out.status.success(), "{out:?}");
    let reminders: Vec<Request> = r
        .received()
        .into_iter()
        .filter(|q| q.headers["x-incidentkit-delivery"].contains("/overdue/"))
        .collect();
    assert_eq!(r.counts().len(), before + 2, "war-room and exec");
    let text = String::from_utf8_lossy(&reminders[0].body);
    assert!(
        text.contains(
            "SEV-1 Checkout fails: the next update was due 10:35 UTC, 1h25m ago; comms lead @bob"
        ),
        "{text}"
    );
    assert!(notify(tmp.path(), &r, &["--overdue"]).status.success());
    assert_eq!(r.counts().len(), before + 2, "once per missed promise");
    assert!(r.counts().values().all(|n| *n == 1));
}

#[test]
fn maintenance_starts_and_ends_when_the_time_comes() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    write(
        tmp.path(),
        "incidents/2026-11-26-db-upgrade/incident.yaml",
        "title: Database upgrade\nkind: maintenance\ndeclared_at: 2026-11-20T10:00:00Z\nscheduled_for: 2026-11-26T11:00:00Z\nscheduled_until: 2026-11-26T13:00:00Z\ncomponents: [search]\n",
    );
    write(
        tmp.path(),
        "incidents/2026-11-26-db-upgrade/updates/2026-11-20T10-00-00Z.yaml",
        "at: 2026-11-20T10:00:00Z\nstatus: scheduled\nmessage: We will upgrade the database.\nauthor: \"@bob\"\n",
    );
    assert!(notify(tmp.path(), &r, &[]).status.success());
    let keys = r.counts();
    assert!(keys.contains_key("community/2026-11-26-db-upgrade/maintenance/starting"));
    assert!(
        !keys.keys().any(|k| k.ends_with("maintenance/completed")),
        "not yet 13:00"
    );
    let later = crate::support::cmd()
        .current_dir(tmp.path())
        .env("SOURCE_DATE_EPOCH", "1795703400") // 14:30
        .env("T_SLACK_URL", r.url("slack"))
        .env("T_TEAMS_URL", r.url("teams"))
        .env("T_DISCORD_URL", r.url("discord"))
        .env("T_HOOK_URL", r.url("hook"))
        .env("T_HOOK_SECRET", SIGNING_SECRET)
        .args(["notify", "--max-wait", "0s"])
        .output()
        .unwrap();
    assert!(later.status.success(), "{later:?}");
    assert!(
        r.counts()
            .contains_key("community/2026-11-26-db-upgrade/maintenance/completed")
    );
    assert!(r.counts().values().all(|n| *n == 1));
}

/// A bare origin and `n` clones of it, each with the incidents.
fn clones(tmp: &Path, r: &Receiver, n: usize) -> Vec<PathBuf> {
    let seed = tmp.join("seed");
    fs::create_dir_all(&seed).unwrap();
    repository(&seed);
    let origin = tmp.join("origin.git");
    git(
        tmp,
        &[
            "clone",
            "-q",
            "--bare",
            seed.to_str().unwrap(),
            origin.to_str().unwrap(),
        ],
    );
    // The targets join on the origin's ledger first.
    git(
        &seed,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    let joined = notify(&seed, r, &[]);
    assert!(joined.status.success(), "{joined:?}");
    (0..n)
        .map(|i| {
            let dir = tmp.join(format!("clone-{i}"));
            git(
                tmp,
                &[
                    "clone",
                    "-q",
                    origin.to_str().unwrap(),
                    dir.to_str().unwrap(),
                ],
            );
            for (id, sev) in [
                ("2026-11-26-checkout-fails", "sev1"),
                ("2026-11-26-search-slow", "sev2"),
                ("2026-11-26-api-errors", "sev1"),
            ] {
                add_incident(&dir, id, sev);
            }
            dir
        })
        .collect()
}

#[test]
fn two_runs_at_once_on_clones_deliver_each_key_once() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    let dirs = clones(tmp.path(), &r, 2);
    let handles: Vec<_> = dirs
        .into_iter()
        .map(|d| {
            let r = r.clone();
            std::thread::spawn(move || notify(&d, &r, &[]))
        })
        .collect();
    for h in handles {
        let out = h.join().unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    let counts = r.counts();
    assert_eq!(counts.len(), 30, "{counts:#?}");
    assert!(counts.values().all(|n| *n == 1), "{counts:#?}");
}

/// A run killed while a ref of its clone was being written leaves the
/// ref's lock file behind (git removes it only on a clean exit). With a
/// remote the clone's refs are not the ledger: the next run must not care.
#[test]
fn a_lock_left_by_a_killed_run_does_not_stop_the_next_one() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    let dirs = clones(tmp.path(), &r, 1);
    let heads = dirs[0].join(".git/refs/heads");
    fs::write(heads.join("incidentkit-ledger.lock"), "").unwrap();
    let tracking = dirs[0].join(".git/refs/remotes/origin");
    fs::create_dir_all(&tracking).unwrap();
    fs::write(tracking.join("incidentkit-ledger.lock"), "").unwrap();
    let out = notify(&dirs[0], &r, &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("notify: 30 sent"), "{}", stdout(&out));
    assert!(
        !heads.join("incidentkit-ledger").exists(),
        "the clone's own branch is not written"
    );
    assert_eq!(r.counts().len(), 30);
}

/// Without a remote the clone's branch is the ledger: a lock on it stops
/// the run before anything is sent, and the error says which file to
/// delete once no other run is writing.
#[test]
fn without_a_remote_a_locked_ledger_names_the_lock_to_remove() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    let lock = tmp.path().join(".git/refs/heads/incidentkit-ledger.lock");
    fs::write(&lock, "").unwrap();
    let out = notify(tmp.path(), &r, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{out:?}");
    assert!(err.contains("is locked"), "{err}");
    assert!(err.contains("incidentkit-ledger.lock"), "{err}");
    assert!(r.counts().is_empty(), "nothing sent without a claim");
    fs::remove_file(&lock).unwrap();
    let out = notify(tmp.path(), &r, &[]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn a_run_killed_at_random_points_never_sends_a_key_twice() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    *r.delay.lock().unwrap() = Duration::from_millis(20);
    let dirs = clones(tmp.path(), &r, 4);
    let mut kills = 0;
    for dir in &dirs[..3] {
        let mut child = crate::support::incident()
            .current_dir(dir)
            .env("SOURCE_DATE_EPOCH", NOON)
            .env("T_SLACK_URL", r.url("slack"))
            .env("T_TEAMS_URL", r.url("teams"))
            .env("T_DISCORD_URL", r.url("discord"))
            .env("T_HOOK_URL", r.url("hook"))
            .env("T_HOOK_SECRET", SIGNING_SECRET)
            .args(["notify", "--timeout", "1s", "--max-wait", "0s"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(fastrand::u64(100..1500)));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    // Past the claims' lease (--timeout 1s --max-wait 0s: 2 s).
    std::thread::sleep(Duration::from_millis(2500));
    let last = notify(&dirs[3], &r, &["--timeout", "1s"]);
    let text = stdout(&last);
    eprintln!("{text}");
    let uncertain: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("uncertain "))
        .filter_map(|l| l.split(':').next())
        .collect();
    let counts = r.counts();
    eprintln!(
        "kill test: {kills} kill(s), {} key(s), {} delivered once, {} uncertain {:?}, max per key {}",
        counts.len(),
        counts.values().filter(|n| **n == 1).count(),
        uncertain.len(),
        uncertain,
        counts.values().max().unwrap_or(&0)
    );
    assert!(counts.values().all(|n| *n == 1), "never twice: {counts:#?}");
    assert!(
        uncertain.len() <= kills,
        "at most one uncertain key per kill: {text}"
    );
    assert_eq!(
        counts.len()
            + uncertain
                .iter()
                .filter(|k| !counts.contains_key(**k))
                .count(),
        30,
        "every key delivered once, except an uncertain one its killed run never sent: {text}"
    );
    assert_eq!(
        last.status.code(),
        Some(if uncertain.is_empty() { 0 } else { 1 }),
        "{text}"
    );
    // And once more: nothing left, nothing twice; what is uncertain is
    // still said, and the run is red while it is.
    let again = notify(&dirs[0], &r, &[]);
    assert_eq!(
        again.status.code(),
        Some(if uncertain.is_empty() { 0 } else { 1 }),
        "{again:?}"
    );
    assert!(
        stdout(&again).contains(&format!(
            "{} still uncertain from earlier runs",
            uncertain.len()
        )),
        "{}",
        stdout(&again)
    );
    assert!(
        stdout(&again).contains("notify: 0 sent"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn email_reaches_a_real_smtp_server_with_text_and_html() {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/smtp");
    let available = std::process::Command::new("python3")
        .env("PYTHONPATH", &py)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "aiosmtpd is missing: .ci/run installs it into .ci/smtp"
        );
        eprintln!(
            "skipped: aiosmtpd not installed (python3 -m pip install --target .ci/smtp aiosmtpd)"
        );
        return;
    }
    let tmp = TempDir::new().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = tmp.path().join("mail");
    let mut server = std::process::Command::new("python3")
        .env("PYTHONPATH", &py)
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .spawn()
        .unwrap();
    let repo = email_repository(tmp.path());
    let r = Receiver::start();
    let smtp = format!("smtp://user:{SECRET_TOKEN}@127.0.0.1:{port}");
    let run =
        |args: &[&str]| notify_through(&repo, &r, Some(&format!("smtp://127.0.0.1:{port}")), args);
    // Wait for the server.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(run(&[]).status.success());
    add_incident(&repo, "2026-11-26-checkout-fails", "sev1");
    let out = run(&[]);
    assert!(out.status.success(), "{out:?}");
    let mails: Vec<String> = fs::read_dir(maildir.join("new"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(mails.len(), 2, "declaration and the public update");
    for mail in &mails {
        assert!(mail.contains("multipart/alternative"), "{mail}");
        assert!(mail.contains("text/plain"), "{mail}");
        assert!(mail.contains("text/html"), "{mail}");
        assert!(
            mail.contains("List-Unsubscribe: <https://acme.example/unsubscribe>"),
            "{mail}"
        );
        assert!(!mail.contains("rolled back the canary"), "{mail}");
    }
    // A server that refuses (nothing listening): failed, retried next run,
    // and the password in the URL is never printed.
    server.kill().unwrap();
    server.wait().unwrap();
    add_incident(&repo, "2026-11-27-checkout-again", "sev1");
    let refused = notify_through(&repo, &r, Some(&smtp), &["--timeout", "2s"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        stdout(&refused).contains("2 failed"),
        "{}",
        stdout(&refused)
    );
}

#[test]
fn the_page_has_a_subscribe_section_with_the_feeds_and_the_invite_link() {
    let tmp = TempDir::new().unwrap();
    write(
        tmp.path(),
        "incidentkit.yaml",
        "site:\n  name: Acme\n  subscribe: {url: \"https://lists.acme.example/status\", label: Join the list}\ncomponents: [{id: checkout, name: Checkout}]\n",
    );
    crate::support::cmd()
        .current_dir(tmp.path())
        .env("SOURCE_DATE_EPOCH", NOON)
        .arg("build")
        .assert()
        .success();
    let index = fs::read_to_string(tmp.path().join("site/index.html")).unwrap();
    // The template engine writes `/` in attributes as `&#x2f;`.
    let index = index.replace("&#x2f;", "/");
    let section = &index[index
        .find("<h2 id=\"subscribe\">")
        .expect("a Subscribe section")..];
    assert!(
        section.contains("history.atom") && section.contains("history.rss"),
        "{section}"
    );
    assert!(
        section.contains(
            "<a href=\"https://lists.acme.example/status\" rel=\"noopener\">Join the list</a>"
        ),
        "{section}"
    );
}

/// A repository in `tmp` whose targets are the chat and webhook ones and an
/// email target `customers`, through the server in `T_SMTP_URL`.
fn email_repository(tmp: &Path) -> PathBuf {
    let repo = tmp.join("repo");
    fs::create_dir_all(&repo).unwrap();
    write(&repo, "incidentkit.yaml", &CONFIG.replace(
        "notify:\n",
        "notify:\n  - {name: customers, type: email, to: [status-updates@example.com], from: status@example.com, smtp_url_env: T_SMTP_URL, audience: external, components: [checkout], unsubscribe: \"https://acme.example/unsubscribe\"}\n",
    ));
    git(&repo, &["init", "-q"]);
    repo
}

/// An SMTP server that takes the whole message, then drops the connection
/// before its answer (counting what it took).
fn smtp_dropping_after_data() -> (u16, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let taken = Arc::new(Mutex::new(0));
    let counter = taken.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut out = stream;
            let _ = out.write_all(b"220 dropper\r\n");
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                line.clear();
                let reply: &[u8] = match verb.as_str() {
                    "DATA" => {
                        let _ = out.write_all(b"354 go on\r\n");
                        while reader.read_line(&mut line).unwrap_or(0) > 0 && line != ".\r\n" {
                            line.clear();
                        }
                        *counter.lock().unwrap() += 1;
                        break;
                    }
                    "QUIT" => b"221 bye\r\n",
                    _ => b"250 ok\r\n",
                };
                let _ = out.write_all(reply);
            }
        }
    });
    (port, taken)
}

/// The server may have taken a message whose answer never came: uncertain,
/// reported, and not sent again (it was failed and sent on every run).
#[test]
fn an_email_whose_answer_never_came_is_uncertain_and_not_sent_again() {
    let tmp = TempDir::new().unwrap();
    let repo = email_repository(tmp.path());
    let r = Receiver::start();
    let (port, taken) = smtp_dropping_after_data();
    let run = || {
        notify_through(
            &repo,
            &r,
            Some(&format!("smtp://127.0.0.1:{port}")),
            &["--timeout", "15s"],
        )
    };
    assert!(run().status.success());
    add_incident(&repo, "2026-11-26-checkout-fails", "sev1");
    let first = run();
    assert_eq!(first.status.code(), Some(1), "{first:?}");
    assert!(
        stdout(&first).contains("broke off while it was sent"),
        "{}",
        stdout(&first)
    );
    let sent = *taken.lock().unwrap();
    assert!(sent >= 1);
    // Not sent again, and still said (and red) until someone settles it.
    let again = run();
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let said = stdout(&again);
    assert!(
        said.contains("0 failed, 0 uncertain, ")
            && said.contains("still uncertain from earlier runs (check those targets")
            && said.contains("still uncertain customers/"),
        "{said}"
    );
    assert_eq!(*taken.lock().unwrap(), sent, "sent again");

    // Four uncertain (two updates each); the one checked is sent again by
    // its key, alone.
    add_incident(&repo, "2026-11-26-search-slow", "sev1");
    assert_eq!(run().status.code(), Some(1));
    let keys: Vec<String> = stdout(&run())
        .lines()
        .filter_map(|l| l.strip_prefix("still uncertain "))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    let before = *taken.lock().unwrap();
    let retry = |extra: &[&str]| {
        let mut args = vec!["--timeout", "15s"];
        args.extend(extra);
        notify_through(&repo, &r, Some(&format!("smtp://127.0.0.1:{port}")), &args)
    };
    let one = retry(&["--retry-uncertain", &keys[1]]);
    assert_eq!(*taken.lock().unwrap(), before + 1, "{}", stdout(&one));
    let said = stdout(&one);
    for other in [&keys[0], &keys[2], &keys[3]] {
        assert!(said.contains(&format!("still uncertain {other}")), "{said}");
    }
    let unknown = retry(&["--retry-uncertain", "customers/no-such-key"]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert_eq!(*taken.lock().unwrap(), before + 1);
}

/// A redaction changes what is published, not what was sent: it names the
/// targets this clone's ledger says received the removed text.
#[test]
fn redact_names_who_already_received_the_removed_text() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    assert!(notify(tmp.path(), &r, &[]).status.success());
    let redact = |update: &str| {
        let out = crate::support::cmd()
            .current_dir(tmp.path())
            .env("SOURCE_DATE_EPOCH", NOON)
            .env("INCIDENT_AUTHOR", "@alice")
            .args(["redact", "2026-11-26-checkout-fails", update])
            .args(["--field", "message", "--reason", "a customer's name"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
    };
    let named = "already sent with the removed text to: community, exec, subscribers, war-room (this clone's notification ledger)";
    let said = redact("2026-11-26T10-18-00Z");
    assert!(said.contains(named), "{said}");
    // A clone that only fetched the ledger holds origin's copy of the branch.
    let tip = git(tmp.path(), &["rev-parse", "incidentkit-ledger"]);
    git(
        tmp.path(),
        &[
            "update-ref",
            "refs/remotes/origin/incidentkit-ledger",
            tip.trim(),
        ],
    );
    git(tmp.path(), &["branch", "-q", "-D", "incidentkit-ledger"]);
    let said = redact("2026-11-26T10-05-00Z");
    assert!(said.contains(named), "{said}");
}

/// An entry written a moment ahead of the clock (two commands in one
/// second, a writer's clock a little fast) goes out with this run, not
/// the next: the next run may be the next merge, hours later.
#[test]
fn an_entry_a_moment_ahead_of_the_clock_goes_out_now() {
    let tmp = TempDir::new().unwrap();
    let r = Receiver::start();
    joined_repository(tmp.path(), &r);
    // NOON is 12:00:00; thirty seconds later is within the clock skew a
    // check allows.
    let ahead = "updates/2026-11-26T12-00-30Z.yaml";
    write(
        tmp.path(),
        &format!("incidents/2026-11-26-checkout-fails/{ahead}"),
        &update(
            "2026-11-26T12:00:30Z",
            "monitoring",
            Some("A fix is out; we are watching."),
            Some("2026-11-26T12:30:00Z"),
        ),
    );
    let out = notify(tmp.path(), &r, &["--dry-run", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let rows: Vec<Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(
        rows.iter()
            .any(|r| r["target"] == "community" && r["plan"] == "send" && r["entry"] == ahead),
        "{rows:#?}"
    );
}
