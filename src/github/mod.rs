//! GitHub: post-mortem action items as issues (`issues`, diffed into a
//! `plan` that `apply` carries out), the pull request comment (`comment`),
//! and the fast lane that merges a responder's append-only pull request
//! (`fast_lane`). This module is the client they share: authentication,
//! the API base, pagination, and a policy for a shared API (writes paced,
//! rate limits honoured, transient failures retried within a bounded wait).
//! Requests go through octocrab on a current-thread tokio runtime owned by
//! the client, so the rest of the program stays synchronous.

pub mod apply;
pub mod comment;
pub mod fast_lane;
pub mod issues;
pub mod plan;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode, Uri};
use octocrab::Octocrab;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const DEFAULT_API: &str = "https://api.github.com";
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How the client treats GitHub: at least `write_interval` between two
/// writes (GitHub's secondary limit allows 80 content-creating requests a
/// minute), at most `max_wait` spent waiting on rate limits and retries over
/// the whole run, at most `timeout` for one request.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    pub write_interval: Duration,
    pub max_wait: Duration,
    pub timeout: Duration,
}

/// An `owner/name` repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    pub fn parse(text: &str) -> Option<Self> {
        let (owner, name) = text.split_once('/')?;
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        (ok(owner) && ok(name) && name != "." && name != "..").then(|| Self {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    /// `/repos/owner/name` + `rest`.
    pub fn path(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.owner, self.name)
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// A request that did not succeed. The message never holds the token: it
/// is built from the status, GitHub's own `message` and the transport
/// error's text, with the token redacted once more for good measure.
#[derive(Debug)]
pub struct GithubError {
    pub message: String,
    /// The request may have been carried out although no answer came (a
    /// connection dropped, a 5xx): a create must look before trying again.
    pub uncertain: bool,
    /// The HTTP status of a refusal (404, 405, 409, 422 …), when GitHub
    /// answered with one.
    pub status: Option<u16>,
}

impl fmt::Display for GithubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for GithubError {}

/// What one attempt came to.
enum Attempt {
    Done(HeaderMap, Vec<u8>),
    /// Wait this long (GitHub said so), then try again.
    RateLimited(Option<Duration>, String),
    /// A transient failure: back off and try again.
    Transient(String),
    /// Refused, with the status: not retried.
    Failed(u16, String),
}

pub struct Client {
    octocrab: Octocrab,
    runtime: tokio::runtime::Runtime,
    base: Uri,
    token: String,
    pacing: Pacing,
    waited: Duration,
    last_write: Option<Instant>,
    /// Requests sent, by method (retries included).
    requests: BTreeMap<String, usize>,
}

/// Why a client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("GITHUB_API_URL `{0}` is not a URL such as https://api.github.com")]
    BadUrl(String),
    #[error("cannot set up the GitHub client: {0}")]
    Setup(String),
}

impl Client {
    /// A client for `api` (GITHUB_API_URL; GitHub Enterprise adds a path
    /// such as `/api/v3`) authenticated with `token`.
    pub fn new(api: &str, token: String, pacing: Pacing) -> Result<Self, ClientError> {
        let bad_url = || ClientError::BadUrl(api.to_string());
        let base: Uri = api.trim_end_matches('/').parse().map_err(|_| bad_url())?;
        if base.scheme().is_none() || base.authority().is_none() {
            return Err(bad_url());
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        // octocrab's service stack spawns its worker: build it on the runtime.
        let octocrab = runtime.block_on(async {
            Octocrab::builder()
                .base_uri(base.clone())
                .map_err(|_| bad_url())?
                .personal_token(token.clone())
                .add_header(
                    HeaderName::from_static("x-github-api-version"),
                    "2022-11-28".to_string(),
                )
                .add_header(
                    http::header::ACCEPT,
                    "application/vnd.github+json".to_string(),
                )
                .set_connect_timeout(Some(pacing.timeout))
                .set_read_timeout(Some(pacing.timeout))
                .set_write_timeout(Some(pacing.timeout))
                .build()
                .map_err(|e| ClientError::Setup(e.to_string()))
        })?;
        Ok(Self {
            octocrab,
            runtime,
            base,
            token,
            pacing,
            waited: Duration::ZERO,
            last_write: None,
            requests: BTreeMap::new(),
        })
    }

    /// `GET path`: one object.
    pub fn get<T: DeserializeOwned>(&mut self, path: &str) -> Result<T, GithubError> {
        let (_, body) = self.send(Method::GET, path, None::<&()>, true)?;
        self.decode(&Method::GET, path, &body)
    }

    /// `PUT path`, not retried when the outcome is uncertain: the caller
    /// looks at what happened (a merge that went through).
    pub fn put<B: Serialize, T: DeserializeOwned>(
        &mut self,
        path: &str,
        body: &B,
    ) -> Result<T, GithubError> {
        let (_, reply) = self.send(Method::PUT, path, Some(body), false)?;
        self.decode(&Method::PUT, path, &reply)
    }

    /// Every item of a paginated list, following the `Link: rel="next"`
    /// header GitHub sends (100 per page).
    pub fn list<T: DeserializeOwned>(&mut self, path: &str) -> Result<Vec<T>, GithubError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{path}{sep}per_page=100"));
        let mut all = Vec::new();
        while let Some(page) = next.take() {
            let (headers, body) = self.send(Method::GET, &page, None::<&()>, true)?;
            let items: Vec<T> = self.decode(&Method::GET, &page, &body)?;
            all.extend(items);
            next = match next_link(&headers) {
                Some(url) => Some(self.relative(&url)?),
                None => None,
            };
        }
        Ok(all)
    }

    /// `POST path` (not retried when the outcome is uncertain: the caller
    /// checks whether it was carried out).
    pub fn post<B: Serialize, T: DeserializeOwned>(
        &mut self,
        path: &str,
        body: &B,
    ) -> Result<T, GithubError> {
        let (_, reply) = self.send(Method::POST, path, Some(body), false)?;
        self.decode(&Method::POST, path, &reply)
    }

    /// `PATCH path`: setting fields is idempotent, so it is retried.
    pub fn patch<B: Serialize, T: DeserializeOwned>(
        &mut self,
        path: &str,
        body: &B,
    ) -> Result<T, GithubError> {
        let (_, reply) = self.send(Method::PATCH, path, Some(body), true)?;
        self.decode(&Method::PATCH, path, &reply)
    }

    /// Waits before another try after an uncertain failure; `false` when
    /// the run's waiting budget is spent.
    pub fn back_off(&mut self, attempt: u32) -> bool {
        self.wait(backoff(attempt))
    }

    /// "12 GET, 4 POST": the requests sent so far.
    pub fn request_counts(&self) -> String {
        if self.requests.is_empty() {
            return "no requests".to_string();
        }
        self.requests
            .iter()
            .map(|(m, n)| format!("{n} {m}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn send<B: Serialize>(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&B>,
        retry_uncertain: bool,
    ) -> Result<(HeaderMap, Vec<u8>), GithubError> {
        let write = method != Method::GET;
        let mut attempt = 0;
        loop {
            if write {
                self.pace();
            }
            *self.requests.entry(method.to_string()).or_default() += 1;
            let outcome = self.attempt(&method, path, body);
            let what = format!("{method} {}", self.shown(path));
            let (wait, why, uncertain) = match outcome {
                Attempt::Done(headers, body) => return Ok((headers, body)),
                Attempt::Failed(status, why) => {
                    let mut e = self.error(format!("{what}: {why}"), false);
                    e.status = Some(status);
                    return Err(e);
                }
                Attempt::RateLimited(wait, why) => (wait, why, false),
                Attempt::Transient(why) => (None, why, true),
            };
            if uncertain && !retry_uncertain {
                return Err(self.error(format!("{what}: {why}"), true));
            }
            attempt += 1;
            let wait = wait.unwrap_or_else(|| backoff(attempt));
            if !self.wait(wait) {
                return Err(self.error(
                    format!(
                        "{what}: {why}; gave up: waiting {} more would pass --max-wait {} (waited {} already); try again later or raise --max-wait",
                        secs(wait),
                        secs(self.pacing.max_wait),
                        secs(self.waited)
                    ),
                    uncertain,
                ));
            }
        }
    }

    fn attempt<B: Serialize>(&self, method: &Method, path: &str, body: Option<&B>) -> Attempt {
        let octocrab = &self.octocrab;
        let result = self.runtime.block_on(async {
            let response = match *method {
                Method::POST => octocrab._post(path, body).await,
                Method::PATCH => octocrab._patch(path, body).await,
                Method::PUT => octocrab._put(path, body).await,
                _ => octocrab._get(path).await,
            }?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = octocrab.body_to_string(response).await?;
            Ok::<_, octocrab::Error>((status, headers, body))
        });
        match result {
            Err(e) => Attempt::Transient(format!("no answer from GitHub ({})", transport(&e))),
            Ok((status, headers, body)) => classify(status, headers, body.into_bytes()),
        }
    }

    /// Sleeps until `write_interval` has passed since the last write.
    fn pace(&mut self) {
        if let Some(last) = self.last_write {
            let due = last + self.pacing.write_interval;
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        self.last_write = Some(Instant::now());
    }

    /// Sleeps `wait` if the budget allows; `false` (without sleeping) when not.
    fn wait(&mut self, wait: Duration) -> bool {
        if self.waited + wait > self.pacing.max_wait {
            return false;
        }
        std::thread::sleep(wait);
        self.waited += wait;
        true
    }

    fn decode<T: DeserializeOwned>(
        &self,
        method: &Method,
        path: &str,
        body: &[u8],
    ) -> Result<T, GithubError> {
        serde_json::from_slice(body).map_err(|e| {
            self.error(
                format!(
                    "{method} {}: GitHub's answer is not what incidentkit expects ({e}); is GITHUB_API_URL a GitHub API?",
                    self.shown(path)
                ),
                false,
            )
        })
    }

    /// The path and query of a link GitHub gave, relative to the API base
    /// (a link to another host is refused: the token goes only to the API).
    fn relative(&self, url: &str) -> Result<String, GithubError> {
        let uri: Uri = url.parse().map_err(|_| {
            self.error(
                format!("GitHub sent a pagination link that is not a URL: {url}"),
                false,
            )
        })?;
        if uri.scheme() != self.base.scheme() || uri.authority() != self.base.authority() {
            return Err(self.error(
                format!("GitHub sent a pagination link to another host ({url}); not followed"),
                false,
            ));
        }
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        let prefix = self.base.path().trim_end_matches('/');
        Ok(path_and_query
            .strip_prefix(prefix)
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or(path_and_query)
            .to_string())
    }

    /// The path for messages: without the query string.
    fn shown(&self, path: &str) -> String {
        path.split('?').next().unwrap_or(path).to_string()
    }

    fn error(&self, message: String, uncertain: bool) -> GithubError {
        let message = crate::text::redact(&message, &self.token);
        GithubError {
            message,
            uncertain,
            status: None,
        }
    }
}

/// The transport error's own text, without octocrab's backtrace.
fn transport(e: &octocrab::Error) -> String {
    let text = e.to_string();
    text.lines()
        .next()
        .unwrap_or("connection failed")
        .to_string()
}

/// Sorts a response into done, rate limited, transient or failed, as
/// GitHub documents its limits: `retry-after` first, then
/// `x-ratelimit-remaining: 0` with `x-ratelimit-reset`, else back off.
fn classify(status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Attempt {
    if status.is_success() {
        return Attempt::Done(headers, body);
    }
    let said = github_message(&body);
    let why = format!(
        "{}{}",
        status,
        said.as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    );
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let limited = status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::FORBIDDEN
            && (header("retry-after").is_some()
                || header("x-ratelimit-remaining") == Some("0")
                || said
                    .as_deref()
                    .is_some_and(|m| m.to_ascii_lowercase().contains("rate limit"))));
    if limited {
        let wait = if let Some(secs) = header("retry-after").and_then(|s| s.trim().parse().ok()) {
            Some(Duration::from_secs(secs))
        } else if header("x-ratelimit-remaining") == Some("0") {
            header("x-ratelimit-reset")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(until_epoch)
        } else {
            None
        };
        return Attempt::RateLimited(wait, format!("rate limited ({why})"));
    }
    if status.is_server_error() {
        return Attempt::Transient(why);
    }
    let hint = match status {
        StatusCode::UNAUTHORIZED => {
            "; the token is missing, expired or wrong (GITHUB_TOKEN or --token-env)"
        }
        StatusCode::FORBIDDEN => {
            "; the token lacks a permission (issues: write for actions, pull-requests: write for pr comment)"
        }
        StatusCode::NOT_FOUND => {
            "; check the repository (github.repo in incidentkit.yaml or --repo) and that the token can see it"
        }
        _ => "",
    };
    Attempt::Failed(status.as_u16(), format!("{why}{hint}"))
}

/// GitHub's `{"message": …}` in an error body, with what its `errors`
/// name ("Validation Failed" alone does not say which field).
fn github_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut message = value.get("message")?.as_str()?.to_string();
    let details: Vec<String> = value
        .get("errors")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let said = |key: &str| e.get(key).and_then(|v| v.as_str());
            match (said("field"), said("code"), said("message")) {
                (_, _, Some(m)) => Some(m.to_string()),
                (Some(field), Some(code), None) => Some(format!("{field}: {code}")),
                _ => None,
            }
        })
        .collect();
    if !details.is_empty() {
        message = format!("{message} ({})", details.join("; "));
    }
    Some(crate::text::one_line(&message).chars().take(300).collect())
}

/// How long until the epoch second `reset` (at least one second).
fn until_epoch(reset: u64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    Duration::from_secs(reset.saturating_sub(now).max(1))
}

/// 1 s, 2 s, 4 s, … up to a minute.
fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(MAX_BACKOFF)
}

fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs())
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(http::header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        is_next.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// RFC 3986's unreserved characters stay; everything else is encoded.
const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` percent-encoded for a query string value or a path segment.
pub fn query_value(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, ENCODED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::LINK,
            HeaderValue::from_static(
                "<https://api.github.com/repositories/1/issues?page=1>; rel=\"prev\", <https://api.github.com/repositories/1/issues?page=3>; rel=\"next\", <https://api.github.com/repositories/1/issues?page=5>; rel=\"last\"",
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=3")
        );
        headers.insert(
            http::header::LINK,
            HeaderValue::from_static("<https://x/y?page=1>; rel=\"first\""),
        );
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn rate_limits_follow_githubs_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        let body = br#"{"message":"You have exceeded a secondary rate limit."}"#.to_vec();
        match classify(StatusCode::FORBIDDEN, headers, body) {
            Attempt::RateLimited(Some(wait), why) => {
                assert_eq!(wait, Duration::from_secs(7));
                assert!(why.contains("secondary rate limit"), "{why}");
            }
            _ => panic!("a 403 with retry-after is a rate limit"),
        }
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1"));
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, headers, Vec::new()),
            Attempt::RateLimited(Some(wait), _) if wait == Duration::from_secs(1)
        ));
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, HeaderMap::new(), Vec::new()),
            Attempt::RateLimited(None, _)
        ));
        let denied = br#"{"message":"Resource not accessible by integration"}"#.to_vec();
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, HeaderMap::new(), denied),
            Attempt::Failed(403, why) if why.contains("lacks a permission")
        ));
        assert!(matches!(
            classify(StatusCode::BAD_GATEWAY, HeaderMap::new(), Vec::new()),
            Attempt::Transient(_)
        ));
    }

    #[test]
    fn a_validation_failure_names_the_field() {
        let body = br#"{"message":"Validation Failed","errors":[{"resource":"Issue","code":"invalid","field":"assignees"},{"message":"title is too long"}]}"#;
        assert_eq!(
            github_message(body).as_deref(),
            Some("Validation Failed (assignees: invalid; title is too long)")
        );
        assert_eq!(
            github_message(br#"{"message":"Not Found"}"#).as_deref(),
            Some("Not Found")
        );
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let waits: Vec<u64> = (1..=9).map(|a| backoff(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn repo_names_are_checked() {
        assert_eq!(
            Repo::parse("acme/incidents").unwrap().path("/issues"),
            "/repos/acme/incidents/issues"
        );
        for bad in ["acme", "acme/", "/x", "a/b/c", "a/..", "a b/c"] {
            assert!(Repo::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            query_value("incident action&x=1"),
            "incident%20action%26x%3D1"
        );
    }
}
