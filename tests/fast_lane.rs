//! `incident pr fast-lane` against a loopback stand-in for GitHub's REST
//! API: the requests it makes (read the pull request, its files and its
//! checks; merge; one comment), idempotence (a second run merges nothing and
//! never errors on a merged pull request), a merge whose answer is lost, a
//! rate limit, the refusal messages, and a token never printed. And `--pr`
//! on the authoring commands: push to a real (bare, local) origin with git,
//! open the pull request once, add to it after.

use crate::support::copy_example;
use crate::support::git;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

const TOKEN: &str = "ghs_fastLANEtoken0123456789abcdefSECRET";
const REPO: &str = "acme/status";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
/// The example's open incident; @ahmed-karim is its commander.
const OPEN: &str = "2026-11-27-order-emails-delayed";

#[derive(Default)]
struct State {
    author: String,
    files: Vec<(String, String)>,
    check: Option<(&'static str, Option<&'static str>)>,
    merged: bool,
    /// The next merge goes through but its answer is lost (502).
    lose_merge_answer: bool,
    /// The next files request is rate limited with Retry-After: 1.
    limit_files: bool,
    comments: Vec<(u64, String)>,
    /// Pull requests opened through the API: (head, base, title, body).
    opened: Vec<(String, String, String, String)>,
    log: Vec<String>,
}

#[derive(Clone)]
struct Github(Arc<Mutex<State>>);

fn user(login: &str) -> Value {
    let api = format!("https://api.github.com/users/{login}");
    json!({"login": login, "id": 1, "node_id": "U_1",
        "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4", "gravatar_id": "",
        "url": api, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{api}/followers"), "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"), "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"), "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"), "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"), "type": "User", "site_admin": false})
}

fn comment(id: u64, body: &str) -> Value {
    json!({"url": format!("https://api.github.com/repos/{REPO}/issues/comments/{id}"),
        "html_url": format!("https://github.com/{REPO}/pull/7#issuecomment-{id}"),
        "issue_url": format!("https://api.github.com/repos/{REPO}/issues/7"),
        "id": id, "node_id": format!("IC_{id}"), "user": user("github-actions[bot]"),
        "created_at": "2026-11-27T10:00:00Z", "updated_at": "2026-11-27T10:00:00Z",
        "author_association": "NONE", "body": body})
}

impl Respond for Github {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.0.lock().unwrap();
        let path = request.url.path().to_string();
        let method = request.method.to_string();
        s.log.push(format!("{method} {path}"));
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !auth.ends_with(TOKEN) {
            return ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"}));
        }
        let base = format!("/repos/{REPO}");
        match (method.as_str(), path.strip_prefix(&base).unwrap_or(&path)) {
            ("GET", "/pulls/7") => ResponseTemplate::new(200).set_body_json(json!({
                "number": 7, "state": if s.merged { "closed" } else { "open" },
                "merged": s.merged, "draft": false, "user": user(&s.author),
                "head": {"sha": SHA, "ref": "incident/x", "repo": {"full_name": REPO}},
                "base": {"sha": "fff", "ref": "main", "repo": {"full_name": REPO}},
            })),
            ("GET", "/pulls/7/files") => {
                if std::mem::take(&mut s.limit_files) {
                    return ResponseTemplate::new(429)
                        .insert_header("retry-after", "1")
                        .set_body_json(json!({"message": "API rate limit exceeded"}));
                }
                let files: Vec<Value> = s
                    .files
                    .iter()
                    .map(|(f, st)| json!({"filename": f, "status": st, "sha": "1", "additions": 5, "deletions": 0, "changes": 5}))
                    .collect();
                ResponseTemplate::new(200).set_body_json(files)
            }
            ("GET", p) if p == format!("/commits/{SHA}/check-runs") => {
                let runs: Vec<Value> = s
                    .check
                    .iter()
                    .map(|(status, conclusion)| json!({"name": "check", "status": status, "conclusion": conclusion, "app": {"slug": "github-actions"}}))
                    .collect();
                ResponseTemplate::new(200)
                    .set_body_json(json!({"total_count": runs.len(), "check_runs": runs}))
            }
            ("PUT", "/pulls/7/merge") => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                assert_eq!(body["sha"], SHA, "merges exactly the head it judged");
                if s.merged {
                    return ResponseTemplate::new(405)
                        .set_body_json(json!({"message": "Pull Request is not mergeable"}));
                }
                s.merged = true;
                if std::mem::take(&mut s.lose_merge_answer) {
                    return ResponseTemplate::new(502);
                }
                ResponseTemplate::new(200).set_body_json(json!({"sha": "m3rg3d", "merged": true, "message": "Pull Request successfully merged"}))
            }
            ("GET", "/pulls") => {
                let head = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "head")
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default();
                let open: Vec<Value> = s
                    .opened
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| format!("acme:{}", p.0) == head)
                    .map(|(n, _)| json!({"number": 12 + n, "html_url": format!("https://github.com/{REPO}/pull/{}", 12 + n)}))
                    .collect();
                ResponseTemplate::new(200).set_body_json(open)
            }
            ("POST", "/pulls") => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let text = |k: &str| body[k].as_str().unwrap_or_default().to_string();
                s.opened
                    .push((text("head"), text("base"), text("title"), text("body")));
                let n = 11 + s.opened.len();
                ResponseTemplate::new(201).set_body_json(
                    json!({"number": n, "html_url": format!("https://github.com/{REPO}/pull/{n}")}),
                )
            }
            ("GET", "/issues/7/comments") => {
                let all: Vec<Value> = s.comments.iter().map(|(id, b)| comment(*id, b)).collect();
                ResponseTemplate::new(200).set_body_json(all)
            }
            ("POST", "/issues/7/comments") => {
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let id = 900 + s.comments.len() as u64;
                let text = body["body"].as_str().unwrap().to_string();
                s.comments.push((id, text.clone()));
                ResponseTemplate::new(201).set_body_json(comment(id, &text))
            }
            ("PATCH", p) if p.starts_with("/issues/comments/") => {
                let id: u64 = p.rsplit('/').next().unwrap().parse().unwrap();
                let body: Value = serde_json::from_slice(&request.body).unwrap();
                let text = body["body"].as_str().unwrap().to_string();
                for c in s.comments.iter_mut().filter(|c| c.0 == id) {
                    c.1 = text.clone();
                }
                ResponseTemplate::new(200).set_body_json(comment(id, &text))
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

struct Fake {
    github: Github,
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    fn start(author: &str, files: &[(&str, &str)]) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        let github = Github(Arc::new(Mutex::new(State {
            author: author.into(),
            files: files
                .iter()
                .map(|(f, s)| (f.to_string(), s.to_string()))
                .collect(),
            check: Some(("completed", Some("success"))),
            ..State::default()
        })));
        runtime.block_on(
            Mock::given(any())
                .respond_with(github.clone())
                .mount(&server),
        );
        Self {
            github,
            server,
            _runtime: runtime,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.github.0.lock().unwrap()
    }

    fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut self.state().log)
    }
}

/// The example as the base branch, with a fast lane for @alice.
fn base() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_example(&dir);
    let config = dir.join("incidentkit.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\nfast_lane: {{responders: [\"@alice\"]}}\n"),
    )
    .unwrap();
    (tmp, dir)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fast_lane(fake: &Fake, dir: &Path, extra: &[&str]) -> Run {
    fast_lane_env(fake, dir, extra, &[])
}

fn fast_lane_env(fake: &Fake, dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
    let out = crate::support::cmd()
        .envs(env.iter().copied())
        .current_dir(dir)
        .env("GITHUB_REPOSITORY", REPO)
        .env("SOURCE_DATE_EPOCH", "1795788000")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", fake.server.uri())
        .args([
            "pr",
            "fast-lane",
            "--pr",
            "7",
            "--write-interval",
            "0s",
            "--max-wait",
            "20s",
        ])
        .args(extra)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "the token was printed"
    );
    run
}

fn update(id: &str) -> String {
    format!("incidents/{id}/updates/2026-11-27T13-30-00Z.yaml")
}

#[test]
fn an_update_by_a_responder_merges_once_and_says_so() {
    let fake = Fake::start("alice", &[(&update(OPEN), "added")]);
    let (_tmp, dir) = base();
    let run = fast_lane(&fake, &dir, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("merged acme/status pull request #7 at 0123456 by the fast lane"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fake.take_log(),
        [
            "GET /repos/acme/status/pulls/7",
            "GET /repos/acme/status/pulls/7/files",
            &format!("GET /repos/acme/status/commits/{SHA}/check-runs"),
            "PUT /repos/acme/status/pulls/7/merge",
            "GET /repos/acme/status/issues/7/comments",
            "POST /repos/acme/status/issues/7/comments",
        ]
    );
    let comment = fake.state().comments[0].1.clone();
    assert!(
        comment.starts_with("<!-- incidentkit:fast-lane -->\n**Merged by the fast lane.**"),
        "{comment}"
    );

    // Again (a re-run of the job): merged already, nothing else sent.
    let again = fast_lane(&fake, &dir, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.contains("merged already"), "{}", again.stdout);
    assert_eq!(fake.take_log(), ["GET /repos/acme/status/pulls/7"]);
}

/// The base is judged by the incidents the pull request touches: another
/// incident of the base is never read (here it would put the base past a
/// lowered size limit, which a read of the whole base refuses).
#[test]
fn the_base_is_read_as_far_as_the_pull_request_touches_it() {
    let fake = Fake::start("alice", &[(&update(OPEN), "added")]);
    let (_tmp, dir) = base();
    let limit = [("INCIDENTKIT_MAX_REPOSITORY_BYTES", "200000")];
    let other = dir.join("incidents/2026-11-26-checkout-502s/updates");
    let first = std::fs::read_dir(&other)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&first).unwrap();
    let padding = format!("# {}\n", "x".repeat(250_000));
    std::fs::write(&first, padding + &text).unwrap();
    let whole = crate::support::cmd()
        .envs(limit)
        .current_dir(&dir)
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(
        whole.status.code(),
        Some(2),
        "the whole base is past the limit"
    );
    let run = fast_lane_env(&fake, &dir, &[], &limit);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("by the fast lane"), "{}", run.stdout);
}

/// A link where the pull request's incident stands in the base stops the
/// fast lane, as a check of the whole base did: nothing merges.
#[test]
fn a_link_in_the_base_where_the_pull_request_writes_stops_it() {
    let fake = Fake::start("alice", &[(&update(OPEN), "added")]);
    let (tmp, dir) = base();
    let folder = dir.join("incidents").join(OPEN);
    let moved = tmp.path().join("elsewhere");
    std::fs::rename(&folder, &moved).unwrap();
    std::os::unix::fs::symlink(&moved, &folder).unwrap();
    let run = fast_lane(&fake, &dir, &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains(&format!("incidents/{OPEN} is not a regular file")),
        "{}",
        run.stderr
    );
    assert_eq!(
        fake.take_log(),
        Vec::<String>::new(),
        "nothing asked of GitHub"
    );
}

#[test]
fn a_merge_whose_answer_is_lost_is_found_merged() {
    let fake = Fake::start("alice", &[(&update(OPEN), "added")]);
    fake.state().lose_merge_answer = true;
    fake.state().limit_files = true;
    let (_tmp, dir) = base();
    let run = fast_lane(&fake, &dir, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let log = fake.take_log();
    let count = |what: &str| log.iter().filter(|l| l.as_str() == what).count();
    assert_eq!(count("PUT /repos/acme/status/pulls/7/merge"), 1, "{log:?}");
    assert_eq!(
        count("GET /repos/acme/status/pulls/7/files"),
        2,
        "the rate limit was waited out: {log:?}"
    );
    assert_eq!(
        count("GET /repos/acme/status/pulls/7"),
        2,
        "asked whether it merged: {log:?}"
    );
}

#[test]
fn the_commander_of_the_incident_qualifies_without_being_listed() {
    let fake = Fake::start("ahmed-karim", &[(&update(OPEN), "added")]);
    let (_tmp, dir) = base();
    let run = fast_lane(&fake, &dir, &["--dry-run"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("qualifies for the fast lane"),
        "{}",
        run.stdout
    );
    assert!(
        !fake
            .take_log()
            .iter()
            .any(|l| l.starts_with("PUT") || l.starts_with("POST"))
    );
}

#[test]
fn each_refusal_is_said_on_the_pull_request_and_nothing_merges() {
    let resolved = "2026-11-26-checkout-502s";
    // (author, files with their status, what the refusal says)
    type Case<'a> = (&'a str, Vec<(String, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "mallory",
            vec![(update(OPEN), "added")],
            "@mallory is not in fast_lane.responders",
        ),
        (
            "alice",
            vec![(
                format!("incidents/{OPEN}/updates/2026-11-27T12-45-00Z.yaml"),
                "modified",
            )],
            "is modified, not added: published files are changed only with a review",
        ),
        (
            "alice",
            vec![(".github/workflows/incidents.yml".into(), "added")],
            "is not an update or a declaration",
        ),
        (
            "alice",
            vec![("incidentkit.yaml".into(), "modified")],
            "is modified, not added",
        ),
        (
            "alice",
            vec![(update(resolved), "added")],
            "is resolved on the base branch",
        ),
    ];
    for (author, files, why) in cases {
        let files: Vec<(&str, &str)> = files.iter().map(|(f, s)| (f.as_str(), *s)).collect();
        let fake = Fake::start(author, &files);
        let (_tmp, dir) = base();
        let run = fast_lane(&fake, &dir, &[]);
        assert_eq!(run.code, 3, "{why}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains(why), "{why}:\n{}", run.stdout);
        let log = fake.take_log();
        assert!(
            !log.iter().any(|l| l.starts_with("PUT")),
            "{why}: merged: {log:?}"
        );
        let comment = fake.state().comments[0].1.clone();
        assert!(
            comment.contains("**Left for review.**") && comment.contains(why),
            "{comment}"
        );
        // A second run edits nothing: the same verdict is already there.
        let again = fast_lane(&fake, &dir, &[]);
        assert_eq!(again.code, 3);
        let log = fake.take_log();
        assert!(
            !log.iter()
                .any(|l| l.starts_with("PATCH") || l.starts_with("POST")),
            "{log:?}"
        );
    }
}

#[test]
fn a_red_or_missing_check_leaves_it_for_review() {
    for (check, why) in [
        (
            Some(("completed", Some("failure"))),
            "the `check` check ended failure",
        ),
        (
            Some(("in_progress", None)),
            "the `check` check has not finished",
        ),
        (
            None,
            "no `check` check run by GitHub Actions on the head commit yet",
        ),
    ] {
        let fake = Fake::start("alice", &[(&update(OPEN), "added")]);
        fake.state().check = check;
        let (_tmp, dir) = base();
        let run = fast_lane(&fake, &dir, &["--dry-run"]);
        assert_eq!(run.code, 3, "{}", run.stderr);
        assert!(run.stdout.contains(why), "{}", run.stdout);
    }
}

#[test]
fn without_a_fast_lane_in_the_config_every_pull_request_is_reviewed() {
    let fake = Fake::start("alice", &[(&update(OPEN), "added")]);
    let dir = crate::support::example();
    let run = fast_lane(&fake, &dir, &["--dry-run"]);
    assert_eq!(run.code, 3);
    assert!(run.stdout.contains("has no `fast_lane:`"), "{}", run.stdout);
}

#[test]
fn pr_pushes_the_branch_and_opens_its_pull_request_once() {
    let fake = Fake::start("alice", &[]);
    let tmp = tempfile::tempdir().unwrap();
    let origin = tmp.path().join("origin.git");
    git(
        tmp.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    let dir = tmp.path().join("status");
    crate::support::cmd()
        .arg("init")
        .arg(&dir)
        .assert()
        .success();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.name", "Alice"]);
    git(&dir, &["config", "user.email", "alice@example.com"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "Start"]);
    git(&dir, &["remote", "add", "origin", origin.to_str().unwrap()]);
    git(&dir, &["push", "-q", "-u", "origin", "main"]);
    let run = |at: &str, args: &[&str]| {
        let out = crate::support::cmd()
            .current_dir(&dir)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", fake.server.uri())
            .env("INCIDENT_AUTHOR", "@alice")
            .env(
                "SOURCE_DATE_EPOCH",
                at.parse::<jiff::Timestamp>()
                    .unwrap()
                    .as_second()
                    .to_string(),
            )
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        );
        assert!(out.status.success(), "{args:?}: {stdout}{stderr}");
        assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
        stdout
    };
    let declared = run(
        "2026-11-26T10:00:00Z",
        &[
            "declare",
            "--title",
            "Search is slow",
            "--severity",
            "sev3",
            "--component",
            "website",
            "--pr",
        ],
    );
    assert!(
        declared.contains("opened pull request #12: https://github.com/acme/status/pull/12"),
        "{declared}"
    );
    {
        let s = fake.state();
        let (head, base, title, body) = &s.opened[0];
        assert_eq!(head, "incident/2026-11-26-search-is-slow");
        assert_eq!(base, "main");
        assert!(title.contains("declare"), "{title}");
        assert!(body.contains("what this change publishes"), "{body}");
    }
    let updated = run(
        "2026-11-26T10:20:00Z",
        &[
            "update",
            "search-is-slow",
            "--message",
            "Still looking.",
            "--pr",
        ],
    );
    assert!(updated.contains("pushed to pull request #12"), "{updated}");
    assert_eq!(
        fake.state().opened.len(),
        1,
        "one pull request for the incident"
    );
    // The origin holds the branch with both commits.
    let log = std::process::Command::new("git")
        .arg("-C")
        .arg(&origin)
        .args(["log", "--format=%s", "incident/2026-11-26-search-is-slow"])
        .output()
        .unwrap();
    let subjects = String::from_utf8(log.stdout).unwrap();
    assert_eq!(subjects.lines().count(), 3, "{subjects}");
    assert!(
        subjects.starts_with("incident(2026-11-26-search-is-slow): update"),
        "{subjects}"
    );
}
