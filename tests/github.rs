//! `incident actions` and `incident pr comment` against a stand-in for
//! GitHub on 127.0.0.1: a wiremock server whose responder keeps issues and
//! comments in memory and answers with bodies shaped like GitHub's (octocrab's
//! models deserialise them), paginates with `Link` headers like GitHub, and
//! refuses anything it does not know (recorded, and every test asserts there
//! was none). Faults (rate limits, 5xx, dropped connections) are injected on
//! chosen requests.

use crate::support::git;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate, matchers::any};

const TOKEN: &str = "ghs_testTOKEN0123456789abcdefSECRET";
const OWNER: &str = "acme";
const NAME: &str = "incidents";
/// The example's action items: two post-mortems, seven items.
const KEYS: [&str; 7] = [
    "2026-11-23-search-slow-or-empty/AI-1",
    "2026-11-23-search-slow-or-empty/AI-2",
    "2026-11-23-search-slow-or-empty/AI-3",
    "2026-11-26-checkout-502s/AI-1",
    "2026-11-26-checkout-502s/AI-2",
    "2026-11-26-checkout-502s/AI-3",
    "2026-11-26-checkout-502s/AI-4",
];

/// A fault for the next request of a method (and path suffix).
#[derive(Debug, Clone)]
enum Fault {
    /// 403 with GitHub's secondary-rate-limit message and `retry-after`.
    SecondaryLimit,
    /// 429 with `x-ratelimit-remaining: 0` and a reset a second away.
    TooMany,
    BadGateway,
    /// 403 asking to wait an hour.
    HourLimit,
    /// 400 whose message repeats the request's Authorization header.
    EchoAuth,
}

#[derive(Default)]
struct State {
    issues: Vec<Value>,
    comments: Vec<(u64, Value)>,
    next_number: u64,
    next_comment: u64,
    faults: VecDeque<(&'static str, &'static str, Fault)>,
    /// Drop the connection after carrying out the create that makes issue
    /// number N (the answer is lost on the way back).
    drop_after_creating: Option<u64>,
    /// Every request drops (the network is down).
    down: bool,
    /// (method, path) of every request that got an answer.
    log: Vec<(String, String)>,
    /// When each write (not GET) arrived.
    writes_at: Vec<std::time::Instant>,
    unexpected: Vec<String>,
    /// Seen Authorization headers that were not the token.
    bad_auth: usize,
}

#[derive(Clone)]
struct Github {
    state: Arc<Mutex<State>>,
    base: String,
    /// `/api/v3` for a GitHub Enterprise-shaped API, else empty.
    prefix: String,
}

fn user(login: &str, id: u64) -> Value {
    let api = "https://api.github.com/users";
    json!({
        "login": login, "id": id, "node_id": format!("MDQ6VXNlcj{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "", "url": format!("{api}/{login}"),
        "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{api}/{login}/followers"),
        "following_url": format!("{api}/{login}/following{{/other_user}}"),
        "gists_url": format!("{api}/{login}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/{login}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/{login}/subscriptions"),
        "organizations_url": format!("{api}/{login}/orgs"),
        "repos_url": format!("{api}/{login}/repos"),
        "events_url": format!("{api}/{login}/events{{/privacy}}"),
        "received_events_url": format!("{api}/{login}/received_events"),
        "type": if login.ends_with("[bot]") { "Bot" } else { "User" },
        "user_view_type": "public", "site_admin": false
    })
}

fn label(name: &str) -> Value {
    let id = name.bytes().map(u64::from).sum::<u64>();
    json!({
        "id": id, "node_id": format!("LA_kw{id}"),
        "url": format!("https://api.github.com/repos/{OWNER}/{NAME}/labels/{name}"),
        "name": name, "color": "ededed", "default": false, "description": null
    })
}

fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// An issue as GitHub's REST API returns it.
fn issue(number: u64, title: &str, body: &str, labels: &[String], assignees: &[String]) -> Value {
    let repo = format!("https://api.github.com/repos/{OWNER}/{NAME}");
    let assignees: Vec<Value> = assignees
        .iter()
        .enumerate()
        .map(|(i, a)| user(a, 1000 + i as u64))
        .collect();
    json!({
        "url": format!("{repo}/issues/{number}"),
        "repository_url": repo,
        "labels_url": format!("{repo}/issues/{number}/labels{{/name}}"),
        "comments_url": format!("{repo}/issues/{number}/comments"),
        "events_url": format!("{repo}/issues/{number}/events"),
        "html_url": format!("https://github.com/{OWNER}/{NAME}/issues/{number}"),
        "id": 2_000_000 + number, "node_id": format!("I_kwDO{number}"), "number": number,
        "title": title, "user": user("github-actions[bot]", 41898282),
        "labels": labels.iter().map(|l| label(l)).collect::<Vec<_>>(),
        "state": "open", "state_reason": null, "locked": false,
        "assignee": assignees.first().cloned(), "assignees": assignees,
        "milestone": null, "comments": 0,
        "created_at": now(), "updated_at": now(), "closed_at": null,
        "author_association": "CONTRIBUTOR", "active_lock_reason": null,
        "body": body, "closed_by": null, "timeline_url": format!("{repo}/issues/{number}/timeline"),
        "performed_via_github_app": null
    })
}

fn comment(id: u64, pr: u64, body: &str, login: &str) -> Value {
    let repo = format!("https://api.github.com/repos/{OWNER}/{NAME}");
    json!({
        "url": format!("{repo}/issues/comments/{id}"),
        "html_url": format!("https://github.com/{OWNER}/{NAME}/pull/{pr}#issuecomment-{id}"),
        "issue_url": format!("{repo}/issues/{pr}"),
        "id": id, "node_id": format!("IC_kw{id}"), "user": user(login, 41898282),
        "created_at": now(), "updated_at": now(),
        "author_association": "CONTRIBUTOR", "body": body, "performed_via_github_app": null
    })
}

fn error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string()
    }))
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Github {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    fn route(&self, request: &Request) -> String {
        let path = request.url.path();
        path.strip_prefix(self.prefix.as_str())
            .unwrap_or(path)
            .to_string()
    }

    /// Carries out `request` on the state and answers as GitHub does.
    fn handle(&self, request: &Request) -> ResponseTemplate {
        let method = request.method.as_str().to_string();
        let path = self.route(request);
        let mut s = self.lock();
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if auth != Some(&format!("Bearer {TOKEN}")) {
            s.bad_auth += 1;
            return error(401, "Bad credentials");
        }
        s.log.push((method.clone(), path.clone()));
        if method != "GET" {
            s.writes_at.push(std::time::Instant::now());
        }
        if let Some(i) = s
            .faults
            .iter()
            .position(|(m, suffix, _)| *m == method && path.ends_with(suffix))
        {
            let (_, _, fault) = s.faults.remove(i).unwrap();
            return match fault {
                Fault::SecondaryLimit => error(
                    403,
                    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                )
                .insert_header("retry-after", "1"),
                Fault::TooMany => {
                    let reset = jiff::Timestamp::now().as_second() + 1;
                    error(429, "API rate limit exceeded")
                        .insert_header("x-ratelimit-remaining", "0")
                        .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                }
                Fault::BadGateway => ResponseTemplate::new(502).set_body_string("Bad Gateway"),
                Fault::HourLimit => error(403, "You have exceeded a secondary rate limit.")
                    .insert_header("retry-after", "3600"),
                Fault::EchoAuth => error(400, &format!("Problems parsing {}", auth.unwrap_or_default())),
            };
        }
        let repo = format!("/repos/{OWNER}/{NAME}");
        let parts: Vec<&str> = path
            .strip_prefix(&repo)
            .or_else(|| path.strip_prefix("/repositories/4242"))
            .unwrap_or("")
            .split('/')
            .collect();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        match (method.as_str(), parts.as_slice()) {
            ("GET", ["", "issues"]) => self.list_issues(&s, request),
            ("POST", ["", "issues"]) => {
                s.next_number += 1;
                let number = s.next_number;
                let created = issue(
                    number,
                    body["title"].as_str().unwrap_or_default(),
                    body["body"].as_str().unwrap_or_default(),
                    &strings(&body["labels"]),
                    &strings(&body["assignees"]),
                );
                s.issues.push(created.clone());
                ResponseTemplate::new(201).set_body_json(created)
            }
            ("PATCH", ["", "issues", number]) => {
                let number: u64 = number.parse().unwrap_or(0);
                let Some(found) = s.issues.iter_mut().find(|i| i["number"] == number) else {
                    return error(404, "Not Found");
                };
                for key in ["title", "body", "state", "state_reason"] {
                    if !body[key].is_null() {
                        found[key] = body[key].clone();
                    }
                }
                if body["labels"].is_array() {
                    found["labels"] = strings(&body["labels"]).iter().map(|l| label(l)).collect();
                }
                if body["assignees"].is_array() {
                    let users: Vec<Value> = strings(&body["assignees"])
                        .iter()
                        .map(|a| user(a, 7))
                        .collect();
                    found["assignee"] = users.first().cloned().unwrap_or(Value::Null);
                    found["assignees"] = users.into();
                }
                found["updated_at"] = now().into();
                ResponseTemplate::new(200).set_body_json(found.clone())
            }
            ("GET", ["", "issues", pr, "comments"]) => {
                let pr: u64 = pr.parse().unwrap_or(0);
                let list: Vec<Value> = s
                    .comments
                    .iter()
                    .filter(|(n, _)| *n == pr)
                    .map(|(_, c)| c.clone())
                    .collect();
                ResponseTemplate::new(200).set_body_json(list)
            }
            ("POST", ["", "issues", pr, "comments"]) => {
                let pr: u64 = pr.parse().unwrap_or(0);
                s.next_comment += 1;
                let id = 900_000 + s.next_comment;
                let c = comment(
                    id,
                    pr,
                    body["body"].as_str().unwrap_or_default(),
                    "github-actions[bot]",
                );
                s.comments.push((pr, c.clone()));
                ResponseTemplate::new(201).set_body_json(c)
            }
            ("PATCH", ["", "issues", "comments", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let Some((_, found)) = s.comments.iter_mut().find(|(_, c)| c["id"] == id) else {
                    return error(404, "Not Found");
                };
                found["body"] = body["body"].clone();
                ResponseTemplate::new(200).set_body_json(found.clone())
            }
            _ => {
                s.unexpected.push(format!("{method} {}", request.url));
                error(404, "Not Found")
            }
        }
    }

    /// `GET …/issues?labels=&state=all&since=&per_page=&page=`: pull requests
    /// included (as GitHub does), pages linked with `Link`, as GitHub does
    /// with its `/repositories/<id>/` form.
    fn list_issues(&self, s: &State, request: &Request) -> ResponseTemplate {
        let query: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        assert_eq!(
            query.get("state").map(String::as_str),
            Some("all"),
            "lists open and closed"
        );
        let wanted: Vec<&str> = query
            .get("labels")
            .map(|l| l.split(',').collect())
            .unwrap_or_default();
        let since = query.get("since").cloned().unwrap_or_default();
        let per_page: usize = query
            .get("per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(30);
        let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let matching: Vec<&Value> = s
            .issues
            .iter()
            .filter(|i| {
                let names: Vec<&str> = i["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|l| l["name"].as_str())
                    .collect();
                wanted.iter().all(|w| names.contains(w))
                    && i["updated_at"].as_str().unwrap_or_default() >= since.as_str()
            })
            .collect();
        let pages = matching.len().div_ceil(per_page).max(1);
        let chunk: Vec<Value> = matching
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|v| (*v).clone())
            .collect();
        let mut response = ResponseTemplate::new(200).set_body_json(chunk);
        if pages > 1 {
            let link = |p: usize, rel: &str| {
                let mut q = query.clone();
                q.insert("page".into(), p.to_string());
                let q: Vec<String> = q
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.replace(',', "%2C").replace(':', "%3A")))
                    .collect();
                format!(
                    "<{}{}/repositories/4242/issues?{}>; rel=\"{rel}\"",
                    self.base,
                    self.prefix,
                    q.join("&")
                )
            };
            let mut links = Vec::new();
            if page < pages {
                links.push(link(page + 1, "next"));
                links.push(link(pages, "last"));
            }
            if page > 1 {
                links.push(link(1, "first"));
                links.push(link(page - 1, "prev"));
            }
            response = response.insert_header("link", links.join(", ").as_str());
        }
        response
    }
}

impl wiremock::Respond for Github {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.handle(request)
    }
}

/// Matches the requests whose connection drops: all while the network is
/// down, and the create chosen by `drop_after_creating` (which the
/// error responder then carries out before dropping).
struct Drops(Github);

impl Match for Drops {
    fn matches(&self, request: &Request) -> bool {
        let s = self.0.lock();
        let creates =
            request.method.as_str() == "POST" && self.0.route(request).ends_with("/issues");
        s.down || (creates && s.drop_after_creating == Some(s.next_number + 1))
    }
}

struct Fake {
    github: Github,
    server: MockServer,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    fn start(prefix: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        let github = Github {
            state: Arc::new(Mutex::new(State::default())),
            base: server.uri(),
            prefix: prefix.to_string(),
        };
        let dropper = github.clone();
        runtime.block_on(
            Mock::given(Drops(github.clone()))
                .respond_with_err(move |request: &Request| {
                    let down = dropper.lock().down;
                    if !down {
                        // The create happens; its answer never arrives.
                        dropper.handle(request);
                        dropper.lock().drop_after_creating = None;
                    }
                    std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset")
                })
                .with_priority(1)
                .mount(&server),
        );
        runtime.block_on(
            Mock::given(any())
                .respond_with(github.clone())
                .with_priority(2)
                .mount(&server),
        );
        Self {
            github,
            server,
            _runtime: runtime,
        }
    }

    fn api(&self) -> String {
        format!("{}{}", self.server.uri(), self.github.prefix)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.github.lock()
    }

    /// Someone closes issue `number` on GitHub as completed.
    fn close_as_completed(&self, number: u64) {
        let mut s = self.state();
        let done = s.issues.iter_mut().find(|i| i["number"] == number).unwrap();
        done["state"] = "closed".into();
        done["state_reason"] = "completed".into();
    }

    /// Requests by method since the last call.
    fn take_counts(&self) -> BTreeMap<String, usize> {
        let mut s = self.state();
        let mut counts = BTreeMap::new();
        for (method, _) in s.log.drain(..) {
            *counts.entry(method).or_insert(0) += 1;
        }
        counts
    }

    /// Issue numbers by key, from the markers on their first lines.
    fn issues_by_key(&self) -> BTreeMap<String, Vec<u64>> {
        let mut by_key: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for i in &self.state().issues {
            let body = i["body"].as_str().unwrap_or_default();
            if let Some(key) = body
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("<!-- incidentkit:action "))
                .and_then(|l| l.strip_suffix(" -->"))
            {
                by_key
                    .entry(key.to_string())
                    .or_default()
                    .push(i["number"].as_u64().unwrap());
            }
        }
        by_key
    }

    fn assert_one_issue_per_item(&self) {
        let by_key = self.issues_by_key();
        let keys: Vec<&str> = by_key.keys().map(String::as_str).collect();
        assert_eq!(keys, KEYS, "{by_key:?}");
        for (key, numbers) in &by_key {
            assert_eq!(numbers.len(), 1, "{key}: {numbers:?}");
        }
    }

    fn assert_nothing_unexpected(&self) {
        let s = self.state();
        assert!(
            s.unexpected.is_empty(),
            "unexpected requests: {:?}",
            s.unexpected
        );
        assert_eq!(s.bad_auth, 0, "every request carries the token");
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn example() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("acme");
    crate::support::copy_example(&dir);
    (tmp, dir)
}

fn incident(fake: &Fake, dir: &Path, args: &[&str]) -> Run {
    incident_with_token(fake, dir, args, TOKEN)
}

fn incident_with_token(fake: &Fake, dir: &Path, args: &[&str], token: &str) -> Run {
    // `actions status` only reads: it has no --write-interval.
    let writes = args.get(1) != Some(&"status");
    let out = crate::support::cmd()
        .current_dir(dir)
        .env("GITHUB_TOKEN", token)
        .env("GITHUB_API_URL", fake.api())
        .args(args)
        .args(["--write-interval", "0s"].iter().filter(|_| writes))
        .args(["--max-wait", "20s", "--timeout", "5s"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "the token leaked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn ok(run: &Run) {
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(m, n)| (m.to_string(), *n)).collect()
}

#[test]
fn apply_creates_one_issue_per_item_and_a_second_apply_writes_nothing() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();

    let plan = incident(&fake, &dir, &["actions", "plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 2,
        "changes planned: {}{}",
        plan.stdout, plan.stderr
    );
    assert_eq!(
        plan.stdout.matches("+ create").count(),
        7,
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .ends_with("Plan: 7 to create, 0 to update, 0 orphaned.\n"),
        "{}",
        plan.stdout
    );
    assert_eq!(fake.take_counts(), counts(&[("GET", 1)]));

    let first = incident(&fake, &dir, &["actions", "apply"]);
    ok(&first);
    assert_eq!(
        first.stdout.matches("created #").count(),
        7,
        "{}",
        first.stdout
    );
    // One list, then per create a re-check (since) and the POST.
    assert_eq!(fake.take_counts(), counts(&[("GET", 8), ("POST", 7)]));
    fake.assert_one_issue_per_item();

    // The issue carries the item's context, labels and owner.
    let s = fake.state();
    let checkout = s
        .issues
        .iter()
        .find(|i| {
            i["body"]
                .as_str()
                .unwrap()
                .starts_with("<!-- incidentkit:action 2026-11-26-checkout-502s/AI-1 -->")
        })
        .unwrap()
        .clone();
    drop(s);
    let title = checkout["title"].as_str().unwrap();
    assert!(title.starts_with("AI-1: Block migrations"), "{title}");
    assert!(title.ends_with("(2026-11-26-checkout-502s)"), "{title}");
    let body = checkout["body"].as_str().unwrap();
    assert!(
        body.lines()
            .nth(1)
            .unwrap()
            .contains("`2026-11-26-checkout-502s/AI-1`"),
        "{body}"
    );
    for expected in [
        "| Severity | SEV-1 (Critical) |",
        "| Type | prevent |",
        "| Owner | @\u{2060}priya-nair |",
        "| Due | 2026-12-18 |",
        "| Priority | p0 |",
        "(https://github.com/acme/incidents/blob/HEAD/incidents/2026-11-26-checkout-502s/postmortem.yaml)",
        "(https://status.acme.example/incidents/2026-11-26-checkout-502s.html)",
    ] {
        assert!(body.contains(expected), "{expected} in\n{body}");
    }
    let labels: Vec<&str> = checkout["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["incident-action", "prevent", "sev1"]);
    assert_eq!(checkout["assignees"][0]["login"], "priya-nair");

    let second = incident(&fake, &dir, &["actions", "apply"]);
    ok(&second);
    assert!(
        second
            .stdout
            .contains("Apply: 0 created, 0 updated, 0 closed, 7 unchanged"),
        "{}",
        second.stdout
    );
    assert_eq!(
        fake.take_counts(),
        counts(&[("GET", 1)]),
        "a no-op run only lists"
    );
    let plan = incident(&fake, &dir, &["actions", "plan", "--detailed-exitcode"]);
    ok(&plan);
    assert_eq!(
        plan.stdout.matches("= unchanged").count(),
        7,
        "{}",
        plan.stdout
    );
    fake.assert_one_issue_per_item();
    fake.assert_nothing_unexpected();
}

#[test]
fn plan_shows_drift_and_orphans_and_prune_closes_them() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    ok(&incident(&fake, &dir, &["actions", "apply"]));
    {
        let mut s = fake.state();
        // Someone edits an issue's body by hand and adds a label of their own.
        let edited = &mut s.issues[0];
        edited["body"] = format!("{}\nedited on GitHub", edited["body"].as_str().unwrap()).into();
        let mut labels = edited["labels"].as_array().unwrap().clone();
        labels.push(label("needs-design"));
        edited["labels"] = labels.into();
        // An issue for an item since removed from its post-mortem, a pull
        // request with the label, and an issue people opened with it.
        let n = s.next_number;
        let labels = ["incident-action".to_string(), "sev2".to_string()];
        s.issues.push(issue(
            n + 1,
            "AI-9: gone",
            "<!-- incidentkit:action 2026-11-26-checkout-502s/AI-9 -->\nx",
            &labels,
            &[],
        ));
        let mut pr = issue(
            n + 2,
            "A pull request",
            "<!-- incidentkit:action 2026-11-26-checkout-502s/AI-1 -->",
            &labels,
            &[],
        );
        pr["pull_request"] = json!({
            "url": "https://api.github.com/repos/acme/incidents/pulls/1",
            "html_url": "https://github.com/acme/incidents/pull/1",
            "diff_url": "https://github.com/acme/incidents/pull/1.diff",
            "patch_url": "https://github.com/acme/incidents/pull/1.patch",
            "merged_at": null
        });
        s.issues.push(pr);
        s.issues.push(issue(
            n + 3,
            "Follow-up from the retro",
            "by hand",
            &labels,
            &[],
        ));
        s.next_number = n + 3;
    }
    fake.take_counts();

    let plan = incident(&fake, &dir, &["actions", "plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains(
            "~ update    #1    2026-11-23-search-slow-or-empty/AI-1 (body drifted from the files)"
        ),
        "{}",
        plan.stdout
    );
    assert_eq!(
        plan.stdout.matches("= unchanged").count(),
        6,
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("! orphan    #8    2026-11-26-checkout-502s/AI-9 \"AI-9: gone\""),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .ends_with("Plan: 0 to create, 1 to update, 1 orphaned.\n"),
        "{}",
        plan.stdout
    );

    let json = incident(&fake, &dir, &["actions", "plan", "--format", "json"]);
    ok(&json);
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        report["summary"],
        json!({"create": 0, "update": 1, "reopen": 0, "unchanged": 6, "orphaned": 1, "close": 0, "skipped": 0})
    );
    assert_eq!(report["steps"][0]["action"], "update");
    assert_eq!(report["steps"][0]["changes"], json!(["body"]));

    // An item that lost its issue is planned again.
    fake.state().issues.retain(|i| i["number"] != 7);
    let plan = incident(&fake, &dir, &["actions", "plan"]);
    ok(&plan);
    assert!(
        plan.stdout
            .contains("+ create          2026-11-26-checkout-502s/AI-4"),
        "{}",
        plan.stdout
    );

    fake.take_counts();
    let apply = incident(&fake, &dir, &["actions", "apply", "--prune"]);
    ok(&apply);
    assert!(
        apply
            .stdout
            .contains("updated #1 2026-11-23-search-slow-or-empty/AI-1 (body)"),
        "{}",
        apply.stdout
    );
    assert!(
        apply
            .stdout
            .contains("closed  #8 2026-11-26-checkout-502s/AI-9"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        fake.take_counts(),
        counts(&[("GET", 2), ("PATCH", 2), ("POST", 1)])
    );
    let s = fake.state();
    let edited = s.issues.iter().find(|i| i["number"] == 1).unwrap();
    assert!(
        !edited["body"]
            .as_str()
            .unwrap()
            .contains("edited on GitHub")
    );
    let names: Vec<&str> = edited["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"needs-design"),
        "people's labels stay: {names:?}"
    );
    let orphan = s.issues.iter().find(|i| i["number"] == 8).unwrap();
    assert_eq!(orphan["state"], "closed");
    assert_eq!(orphan["state_reason"], "not_planned");
    let by_hand = s.issues.iter().find(|i| i["number"] == 10).unwrap();
    assert_eq!(
        by_hand["state"], "open",
        "issues incidentkit did not write are left alone"
    );
    drop(s);
    fake.assert_nothing_unexpected();
}

#[test]
fn an_issue_prune_closed_is_reopened_when_its_item_comes_back() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    ok(&incident(&fake, &dir, &["actions", "apply"]));
    // Someone finishes search AI-1 and closes its issue as completed.
    fake.close_as_completed(1);
    // AI-4 is dropped from its post-mortem, and --prune closes its issue.
    let pm = dir.join("incidents/2026-11-26-checkout-502s/postmortem.yaml");
    let original = fs::read_to_string(&pm).unwrap();
    let start = original.find("  - id: AI-4\n").unwrap();
    let end = original.find("\nlessons:").unwrap();
    fs::write(&pm, format!("{}{}", &original[..start], &original[end..])).unwrap();
    let prune = incident(&fake, &dir, &["actions", "apply", "--prune"]);
    ok(&prune);
    assert!(
        prune
            .stdout
            .contains("closed  #7 2026-11-26-checkout-502s/AI-4"),
        "{}",
        prune.stdout
    );

    // The change is reverted: the item is back, and so is its issue.
    fs::write(&pm, &original).unwrap();
    let plan = incident(&fake, &dir, &["actions", "plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains(
            "~ reopen    #7    2026-11-26-checkout-502s/AI-4 (closed as not planned; its action item is back)"
        ),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("= unchanged #1    2026-11-23-search-slow-or-empty/AI-1"),
        "people's close stays: {}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .ends_with("Plan: 0 to create, 1 to update (1 to reopen), 0 orphaned.\n"),
        "{}",
        plan.stdout
    );
    fake.take_counts();
    let apply = incident(&fake, &dir, &["actions", "apply"]);
    ok(&apply);
    assert!(
        apply.stdout.contains(
            "updated #7 2026-11-26-checkout-502s/AI-4 (reopened: its action item is back)"
        ),
        "{}",
        apply.stdout
    );
    assert_eq!(fake.take_counts(), counts(&[("GET", 1), ("PATCH", 1)]));
    let status = incident(&fake, &dir, &["actions", "status"]);
    ok(&status);
    let line = |key: &str| {
        status
            .stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key}: {}", status.stdout))
            .to_string()
    };
    let back = line("2026-11-26-checkout-502s/AI-4");
    assert!(back.contains("#7     open"), "{back}");
    let done = line("2026-11-23-search-slow-or-empty/AI-1");
    assert!(done.contains("closed (completed)"), "{done}");
    fake.assert_one_issue_per_item();
    fake.assert_nothing_unexpected();
}

#[test]
fn more_than_a_hundred_issues_are_read_page_by_page_on_an_enterprise_api() {
    let fake = Fake::start("/api/v3");
    let (_tmp, dir) = example();
    {
        let mut s = fake.state();
        let labels = ["incident-action".to_string()];
        for n in 1..=230 {
            s.issues.push(issue(
                n,
                &format!("Older item {n}"),
                "closed long ago",
                &labels,
                &[],
            ));
        }
        s.next_number = 230;
    }
    ok(&incident(&fake, &dir, &["actions", "apply"]));
    fake.assert_one_issue_per_item();
    fake.take_counts();
    // The four issues are on the third page: found, so nothing to create.
    let plan = incident(&fake, &dir, &["actions", "plan", "--detailed-exitcode"]);
    ok(&plan);
    assert_eq!(
        plan.stdout.matches("= unchanged").count(),
        7,
        "{}",
        plan.stdout
    );
    let pages: Vec<String> = fake.state().log.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(
        pages,
        [
            "/repos/acme/incidents/issues",
            "/repositories/4242/issues",
            "/repositories/4242/issues"
        ],
        "GitHub's next links are followed, under the API's own path"
    );
    assert_eq!(fake.take_counts(), counts(&[("GET", 3)]));
    fake.assert_nothing_unexpected();
}

#[test]
fn rate_limits_server_errors_and_a_dropped_connection_make_no_duplicate() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    {
        let mut s = fake.state();
        s.faults.push_back(("GET", "/issues", Fault::TooMany));
        s.faults
            .push_back(("POST", "/issues", Fault::SecondaryLimit));
        s.faults.push_back(("POST", "/issues", Fault::BadGateway));
        // The second issue is created, but the answer is lost.
        s.drop_after_creating = Some(2);
    }
    let run = incident(&fake, &dir, &["actions", "apply"]);
    ok(&run);
    assert!(
        run.stdout.contains("found   #2"),
        "the retry finds the issue it made: {}",
        run.stdout
    );
    assert!(fake.state().faults.is_empty(), "every fault was met");
    fake.assert_one_issue_per_item();
    fake.take_counts();
    let again = incident(&fake, &dir, &["actions", "apply"]);
    ok(&again);
    assert_eq!(fake.take_counts(), counts(&[("GET", 1)]));
    fake.assert_nothing_unexpected();
}

#[test]
fn a_network_down_mid_apply_is_finished_by_the_next_apply() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    // The second create happens, then the network goes down for good.
    fake.state().drop_after_creating = Some(2);
    let dropper = fake.github.clone();
    let watcher = std::thread::spawn(move || {
        for _ in 0..2000 {
            if dropper.lock().issues.len() >= 2 {
                dropper.lock().down = true;
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", fake.api())
        .args([
            "actions",
            "apply",
            "--write-interval",
            "0s",
            "--max-wait",
            "3s",
            "--timeout",
            "2s",
        ])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    watcher.join().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("failed  2026-11-23-search-slow-or-empty/AI-2"),
        "{stdout}"
    );
    assert!(stdout.contains("gave up"), "{stdout}");
    assert!(
        stderr.contains("the next `incident actions apply` retries them"),
        "{stderr}"
    );
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    assert_eq!(fake.issues_by_key().len(), 2);

    fake.state().down = false;
    let next = incident(&fake, &dir, &["actions", "apply"]);
    ok(&next);
    assert_eq!(
        next.stdout.matches("created #").count(),
        5,
        "{}",
        next.stdout
    );
    fake.assert_one_issue_per_item();
    fake.assert_nothing_unexpected();
}

#[test]
fn status_shows_issue_state_and_overdue_items() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    ok(&incident(&fake, &dir, &["actions", "apply"]));
    fake.close_as_completed(2);
    // 2026-12-05: search AI-1 (due 12-02) is late; AI-2 (due 11-30) is closed.
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env("SOURCE_DATE_EPOCH", "1796464800")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", fake.api())
        .args(["actions", "status"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    let line = |key: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key}: {stdout}"))
            .to_string()
    };
    let late = line("2026-11-23-search-slow-or-empty/AI-1");
    assert!(
        late.contains("#1") && late.contains("open") && late.contains("OVERDUE by 3d"),
        "{late}"
    );
    let closed = line("2026-11-23-search-slow-or-empty/AI-2");
    assert!(
        closed.contains("closed (completed)") && !closed.contains("OVERDUE"),
        "{closed}"
    );
    assert!(line("2026-11-26-checkout-502s/AI-1").contains("@priya-nair"));
    // Past due, but the post-mortem marks it done.
    let done = line("2026-11-26-checkout-502s/AI-2");
    assert!(
        done.contains("open (marked done)") && !done.contains("OVERDUE"),
        "{done}"
    );
    fake.assert_nothing_unexpected();
}

#[test]
fn status_without_a_token_lists_the_items_from_the_files() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    // 2026-12-05, as above; no token, and no GitHub asked.
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env("SOURCE_DATE_EPOCH", "1796464800")
        .env_remove("GITHUB_TOKEN")
        .env("GITHUB_API_URL", fake.api())
        .args(["actions", "status"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    for key in KEYS {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key}: {stdout}"));
        assert!(line.contains("  -      unknown"), "{line}");
    }
    let late = stdout
        .lines()
        .find(|l| l.starts_with("2026-11-23-search-slow-or-empty/AI-1"))
        .unwrap();
    assert!(
        late.contains("2026-12-02") && late.contains("OVERDUE by 3d"),
        "{late}"
    );
    assert!(stdout.contains("@priya-nair"), "{stdout}");
    assert_eq!(
        stderr,
        "note: the issues' state is not known without a GitHub token: set $GITHUB_TOKEN (in GitHub Actions: `GITHUB_TOKEN: ${{ github.token }}`) or name another variable with --token-env\n"
    );
    assert!(fake.take_counts().is_empty(), "nothing was asked of GitHub");

    // It never writes, so it has no pace for writes.
    let paced = crate::support::cmd()
        .current_dir(&dir)
        .args(["actions", "status", "--write-interval", "1s"])
        .output()
        .unwrap();
    assert_eq!(paced.status.code(), Some(2));
    let stderr = String::from_utf8(paced.stderr).unwrap();
    assert!(
        stderr.contains("unexpected argument '--write-interval'"),
        "{stderr}"
    );
    fake.assert_nothing_unexpected();
}

#[test]
fn text_people_wrote_cannot_forge_a_key_or_break_the_body() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    let pm = dir.join("incidents/2026-11-26-checkout-502s/postmortem.yaml");
    let text = fs::read_to_string(&pm).unwrap();
    let hostile = "title: \"Fix <!-- incidentkit:action 2026-11-23-search-slow-or-empty/AI-1 --> | x | {{ 7*7 }} {% if true %}yes{% endif %}\\n*Action item `other/x`\"";
    let text = text.replacen(
        "title: Make payments service reject a single request on an unparseable tax rule instead of exiting",
        hostile,
        1,
    );
    fs::write(&pm, text).unwrap();
    ok(&incident(&fake, &dir, &["actions", "apply"]));
    fake.assert_one_issue_per_item();
    let s = fake.state();
    let body = s
        .issues
        .iter()
        .map(|i| i["body"].as_str().unwrap().to_string())
        .find(|b| b.starts_with("<!-- incidentkit:action 2026-11-26-checkout-502s/AI-2 -->"))
        .unwrap();
    drop(s);
    let comments = body.matches("<!--").count() - body.matches("\\<!--").count();
    assert_eq!(comments, 1, "one marker, ours:\n{body}");
    assert!(
        body.contains("{{ 7\\*7 }} {% if true %}yes{% endif %}"),
        "never evaluated:\n{body}"
    );
    assert!(!body.contains("49"), "{body}");
    for row in body.lines().filter(|l| l.starts_with("| ")) {
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 3, "a table row stays two cells: {row}");
    }
    assert!(
        !body.lines().skip(2).any(|l| l.starts_with("*Action item")),
        "{body}"
    );
    let plan = incident(&fake, &dir, &["actions", "plan", "--detailed-exitcode"]);
    ok(&plan);
    assert_eq!(
        plan.stdout.matches("= unchanged").count(),
        7,
        "{}",
        plan.stdout
    );
    fake.assert_nothing_unexpected();
}

#[test]
fn no_text_from_the_files_mentions_anyone_on_github() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    let folder = dir.join("incidents/2026-11-26-checkout-502s");
    let edit = |file: &str, from: &str, to: &str| {
        let text = fs::read_to_string(folder.join(file)).unwrap();
        assert!(text.contains(from), "{from}");
        fs::write(folder.join(file), text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "incident.yaml",
        "title: Checkout fails with 502 for EU customers",
        "title: \"Checkout fails for @acme/everyone\"",
    );
    edit(
        "postmortem.yaml",
        "title: Add a per-minute synthetic EU checkout and a crash-loop alert for the payments service",
        "title: \"@acme/oncall and @alice: add a per-minute synthetic EU checkout\"",
    );
    edit(
        "postmortem.yaml",
        "owner: \"@lena-fischer\"",
        "owner: \"@acme/sre\"",
    );
    ok(&incident(&fake, &dir, &["actions", "apply"]));
    fake.assert_one_issue_per_item();
    let s = fake.state();
    for issue in &s.issues {
        for field in ["title", "body"] {
            let text = issue[field].as_str().unwrap();
            let bare = text
                .match_indices('@')
                .filter(|(at, _)| !text[at + 1..].starts_with('\u{2060}'));
            assert_eq!(bare.count(), 0, "a mention in the {field}:\n{text}");
        }
    }
    let checkout = |item: &str| {
        s.issues
            .iter()
            .find(|i| {
                i["body"].as_str().unwrap().starts_with(&format!(
                    "<!-- incidentkit:action 2026-11-26-checkout-502s/{item} -->"
                ))
            })
            .unwrap()
            .clone()
    };
    let crafted = checkout("AI-3");
    let body = crafted["body"].as_str().unwrap();
    assert!(
        body.contains("@\u{2060}acme/oncall and @\u{2060}alice: add"),
        "shown as written:\n{body}"
    );
    assert!(body.contains("| Owner | @\u{2060}acme/sre |"), "{body}");
    assert!(body.contains("@\u{2060}acme/everyone"), "{body}");
    assert!(
        crafted["assignees"].as_array().unwrap().is_empty(),
        "a team is no assignee"
    );
    // The owner's handle is still assigned: GitHub's own, intended way.
    assert_eq!(checkout("AI-1")["assignees"][0]["login"], "priya-nair");
    drop(s);
    fake.assert_nothing_unexpected();
}

#[test]
fn no_token_no_repository_and_a_refused_token_are_clear_errors() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env_remove("GITHUB_TOKEN")
        .env("GITHUB_API_URL", fake.api())
        .args(["actions", "plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no GitHub token in $GITHUB_TOKEN"),
        "{stderr}"
    );

    let config = dir.join("incidentkit.yaml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replace("  repo: acme/incidents\n", "");
    fs::write(&config, text).unwrap();
    // Both missing: one run names both.
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_REPOSITORY")
        .env("GITHUB_API_URL", fake.api())
        .args(["actions", "plan"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: no GitHub repository: set `github: {repo: owner/name}`")
            && stderr.contains("\nerror: no GitHub token in $GITHUB_TOKEN: set $GITHUB_TOKEN"),
        "{stderr}"
    );
    let run = incident(&fake, &dir, &["actions", "plan"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no GitHub repository: set `github: {repo: owner/name}`"),
        "{}",
        run.stderr
    );

    // A wrong token: GitHub's 401, with what to do, and the token unprinted.
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env("GITHUB_TOKEN", "wrong-token-value")
        .env("GITHUB_API_URL", fake.api())
        .args(["actions", "plan", "--repo", "acme/incidents"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a setup to fix, not findings");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .contains("401 Unauthorized: Bad credentials; the token is missing, expired or wrong"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong-token-value"), "{stderr}");
    fake.state().bad_auth = 0;
    fake.assert_nothing_unexpected();
}

#[test]
fn the_pull_request_comment_is_posted_once_then_updated() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    // Someone else's comment quoting the marker further down is not ours.
    {
        let mut s = fake.state();
        let quoted = "Look:\n<!-- incidentkit:pr-comment -->\n";
        s.comments.push((7, comment(1, 7, quoted, "carol")));
    }
    let update =
        dir.join("incidents/2026-11-27-order-emails-delayed/updates/2026-11-27T13-30-00Z.yaml");
    fs::write(
        &update,
        "at: 2026-11-27T13:30:00Z\nstatus: monitoring\nmessage: \"Emails are flowing again; we are watching the queue. <!-- </details>\"\nauthor: \"@bob\"\nnext_update_at: 2026-11-27T14:30:00Z\n",
    )
    .unwrap();
    let first = incident(
        &fake,
        &dir,
        &["pr", "comment", "--pr", "7", "--since", "main"],
    );
    ok(&first);
    assert!(
        first
            .stdout
            .starts_with("created comment 900001 on acme/incidents pull request #7"),
        "{}",
        first.stdout
    );
    let body = |fake: &Fake| {
        let s = fake.state();
        let ours: Vec<&Value> = s
            .comments
            .iter()
            .map(|(_, c)| c)
            .filter(|c| c["id"] != 1)
            .collect();
        assert_eq!(ours.len(), 1, "one comment: {ours:?}");
        ours[0]["body"].as_str().unwrap().to_string()
    };
    let posted = body(&fake);
    assert!(
        posted.starts_with(
            "<!-- incidentkit:pr-comment -->\n## incidentkit: what this change publishes"
        ),
        "{posted}"
    );
    assert!(posted.contains("adds update"), "{posted}");
    assert!(posted.contains("Stakeholder update preview"), "{posted}");
    assert!(posted.contains("✅ validation passed"), "{posted}");
    // People's raw HTML is text: it hides nothing and closes nothing.
    assert_eq!(posted.matches("<!--").count(), 1, "{posted}");
    assert_eq!(posted.matches("</details>").count(), 1, "{posted}");
    assert!(posted.contains("queue. &lt;!-- &lt;/details>"), "{posted}");
    assert_eq!(fake.take_counts(), counts(&[("GET", 1), ("POST", 1)]));

    let same = incident(
        &fake,
        &dir,
        &["pr", "comment", "--pr", "7", "--since", "main"],
    );
    ok(&same);
    assert!(
        same.stdout.starts_with("comment 900001 is up to date"),
        "{}",
        same.stdout
    );
    assert_eq!(fake.take_counts(), counts(&[("GET", 1)]));

    // A new push: the same comment is edited.
    fs::write(
        &update,
        fs::read_to_string(&update)
            .unwrap()
            .replace("watching the queue", "watching the queue closely"),
    )
    .unwrap();
    let edited = incident(
        &fake,
        &dir,
        &["pr", "comment", "--pr", "7", "--since", "main"],
    );
    ok(&edited);
    assert!(
        edited.stdout.starts_with("updated comment 900001"),
        "{}",
        edited.stdout
    );
    assert!(body(&fake).contains("watching the queue closely"));
    assert_eq!(fake.take_counts(), counts(&[("GET", 1), ("PATCH", 1)]));
    assert_eq!(
        fake.state().comments[0].1["body"],
        "Look:\n<!-- incidentkit:pr-comment -->\n"
    );
    fake.assert_nothing_unexpected();
}

#[test]
fn a_long_rate_limit_and_a_server_echoing_the_token_fail_clearly() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    fake.state()
        .faults
        .push_back(("GET", "/issues", Fault::HourLimit));
    let started = std::time::Instant::now();
    let limited = incident(&fake, &dir, &["actions", "plan"]);
    assert_eq!(
        limited.code, 4,
        "GitHub unavailable: {}{}",
        limited.stdout, limited.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "no hour-long wait"
    );
    assert!(
        limited.stderr.contains("rate limited (403 Forbidden: You have exceeded a secondary rate limit.); gave up: waiting 3600s more would pass --max-wait 20s"),
        "{}",
        limited.stderr
    );

    fake.state()
        .faults
        .push_back(("GET", "/issues", Fault::EchoAuth));
    let echoed = incident(&fake, &dir, &["actions", "plan"]);
    assert_eq!(echoed.code, 2, "GitHub refused the request");
    assert!(
        echoed
            .stderr
            .contains("400 Bad Request: Problems parsing Bearer [token]"),
        "{}",
        echoed.stderr
    );
    fake.assert_nothing_unexpected();
}

#[test]
fn a_token_too_short_to_be_real_is_not_redacted_out_of_other_words() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    // A token too short to be real (GitHub refuses it) is not redacted out
    // of other words: "expired" stays whole.
    let short = incident_with_token(&fake, &dir, &["actions", "plan"], "x");
    assert_eq!(short.code, 2);
    assert!(
        short
            .stderr
            .contains("the token is missing, expired or wrong (GITHUB_TOKEN or --token-env)")
            && !short.stderr.contains("[token]"),
        "{}",
        short.stderr
    );

    assert_eq!(fake.state().bad_auth, 1, "GitHub refused it, once");
}

#[test]
fn draft_post_mortems_count_only_when_asked() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    let pm = dir.join("incidents/2026-11-23-search-slow-or-empty/postmortem.yaml");
    let text = fs::read_to_string(&pm).unwrap();
    fs::write(&pm, text.replacen("status: in_review", "status: draft", 1)).unwrap();
    let plan = incident(&fake, &dir, &["actions", "plan"]);
    ok(&plan);
    assert!(plan.stdout.starts_with("4 action items"), "{}", plan.stdout);
    assert!(
        !plan.stdout.contains("2026-11-23-search-slow-or-empty"),
        "{}",
        plan.stdout
    );
    let drafts = incident(&fake, &dir, &["actions", "plan", "--include-drafts"]);
    ok(&drafts);
    assert!(
        drafts
            .stdout
            .ends_with("Plan: 7 to create, 0 to update, 0 orphaned.\n"),
        "{}",
        drafts.stdout
    );
    fake.assert_nothing_unexpected();
}

#[test]
fn the_issues_of_a_draft_post_mortem_are_skipped_never_orphaned() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    let pm = dir.join("incidents/2026-11-23-search-slow-or-empty/postmortem.yaml");
    let text = fs::read_to_string(&pm).unwrap();
    fs::write(&pm, text.replacen("status: in_review", "status: draft", 1)).unwrap();
    ok(&incident(
        &fake,
        &dir,
        &["actions", "apply", "--include-drafts"],
    ));
    fake.assert_one_issue_per_item();

    // Without --include-drafts the draft's three issues are held as they are.
    let plan = incident(
        &fake,
        &dir,
        &["actions", "plan", "--prune", "--detailed-exitcode"],
    );
    ok(&plan);
    assert!(!plan.stdout.contains("orphan "), "{}", plan.stdout);
    assert!(
        plan.stdout.contains(
            "- skipped   #1    2026-11-23-search-slow-or-empty/AI-1 (its post-mortem is a draft"
        ),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.ends_with(
            "Plan: 0 to create, 0 to update, 0 orphaned, 3 skipped (draft post-mortems).\n"
        ),
        "{}",
        plan.stdout
    );
    fake.take_counts();
    let apply = incident(&fake, &dir, &["actions", "apply", "--prune"]);
    ok(&apply);
    assert!(
        apply.stdout.contains(
            "skipped #2 2026-11-23-search-slow-or-empty/AI-2 (its post-mortem is a draft)"
        ),
        "{}",
        apply.stdout
    );
    assert_eq!(fake.take_counts(), counts(&[("GET", 1)]), "nothing closed");
    assert!(fake.state().issues.iter().all(|i| i["state"] == "open"));
    fake.assert_nothing_unexpected();
}

#[test]
fn a_repository_with_errors_makes_no_request() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    let pm = dir.join("incidents/2026-11-26-checkout-502s/postmortem.yaml");
    let text = fs::read_to_string(&pm).unwrap();
    fs::write(
        &pm,
        text.replacen("    type: prevent\n", "    type: prevnt\n", 1),
    )
    .unwrap();
    let run = incident(&fake, &dir, &["actions", "apply"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("postmortem.yaml:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("before syncing issues"),
        "{}",
        run.stderr
    );
    assert!(fake.take_counts().is_empty(), "nothing was asked of GitHub");
}

#[test]
fn writes_are_paced_by_the_write_interval() {
    let fake = Fake::start("");
    let (_tmp, dir) = example();
    // Without the test helper's `--write-interval 0s`: 300 ms asked for.
    let out = crate::support::cmd()
        .current_dir(&dir)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", fake.api())
        .args(["actions", "apply", "--write-interval", "300ms"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let at = fake.state().writes_at.clone();
    assert_eq!(at.len(), 7, "one create per action item");
    // Arrival times carry the scheduler's jitter (one late arrival shortens
    // the next gap), so each gap has slack and the whole run has little.
    for pair in at.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(200), "writes {gap:?} apart");
    }
    let span = at[at.len() - 1] - at[0];
    assert!(
        span >= Duration::from_millis(6 * 250),
        "7 writes in {span:?}"
    );
    fake.assert_one_issue_per_item();
}
