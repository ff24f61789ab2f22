//! POSTing to webhooks: one request at a time on a current-thread tokio
//! runtime (hyper, with rustls for https), a timeout per request, and a
//! retry policy modelled on the GitHub client's: 429 waits what
//! `Retry-After` says, 5xx and refused connections back off (1 s, 2 s,
//! 4 s, …), all within one waiting budget for the whole run. A request that
//! may have arrived (a timeout or a dropped connection after it was sent)
//! is never sent again: it is uncertain.
//!
//! Messages never name the URL: the caller names the variable it came from.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What a delivery came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Not accepted (the target said so, or it could not be reached): the
    /// next run tries again.
    Failed(String),
    /// It may have arrived: never sent again on its own.
    Uncertain(String),
}

pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: Option<HttpsClient>,
    timeout: Duration,
    max_wait: Duration,
    waited: Duration,
}

impl Http {
    pub fn new(timeout: Duration, max_wait: Duration) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        Ok(Self {
            runtime,
            client: None,
            timeout,
            max_wait,
            waited: Duration::ZERO,
        })
    }

    fn client(&mut self) -> Result<HttpsClient, String> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let _guard = self.runtime.enter();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| {
                format!("no TLS root certificates on this machine ({e}): install ca-certificates")
            })?
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(https);
        self.client = Some(client.clone());
        Ok(client)
    }

    /// POSTs `body` to `url`; `what` names the URL in messages
    /// ("the URL in $SLACK_WEBHOOK_URL").
    pub fn post(
        &mut self,
        url: &str,
        what: &str,
        content_type: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> Outcome {
        let uri: http::Uri = match url.trim().parse() {
            Ok(u) => u,
            Err(_) => return Outcome::Failed(format!("{what} is not a URL")),
        };
        if !matches!(uri.scheme_str(), Some("https" | "http")) || uri.authority().is_none() {
            return Outcome::Failed(format!("{what} is not an http(s) URL"));
        }
        let client = match self.client() {
            Ok(c) => c,
            Err(e) => return Outcome::Failed(e),
        };
        let mut attempt = 0;
        loop {
            let mut request = http::Request::post(uri.clone())
                .header(http::header::CONTENT_TYPE, content_type)
                .header(http::header::USER_AGENT, "incidentkit");
            for (name, value) in headers {
                request = request.header(*name, value.as_str());
            }
            let request = match request.body(Full::new(Bytes::copy_from_slice(body))) {
                Ok(r) => r,
                Err(e) => return Outcome::Failed(format!("cannot build the request: {e}")),
            };
            let result = self.exchange(&client, request);
            attempt += 1;
            let (why, wait) = match retry(result, what, attempt, self.timeout) {
                Ok(retry) => retry,
                Err(outcome) => return outcome,
            };
            if self.waited + wait > self.max_wait {
                return Outcome::Failed(format!(
                    "{why}; gave up after {attempt} attempt(s): waiting {:.0}s more would pass --max-wait {:.0}s; the next run tries again",
                    wait.as_secs_f64(),
                    self.max_wait.as_secs_f64()
                ));
            }
            std::thread::sleep(wait);
            self.waited += wait;
        }
    }

    /// One request: the answer's status, `Retry-After` and body, or why
    /// none came (`Err` outside: no answer within the timeout).
    fn exchange(&self, client: &HttpsClient, request: http::Request<Full<Bytes>>) -> Answer {
        let timeout = self.timeout;
        self.runtime.block_on(async {
            tokio::time::timeout(timeout, async {
                let response = client.request(request).await?;
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(Duration::from_secs_f64);
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                Ok::<_, hyper_util::client::legacy::Error>((status, retry_after, body))
            })
            .await
        })
    }
}

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// What one request came to: the answer (status, `Retry-After`, body) or a
/// connection error, within the timeout or not.
type Answer = Result<
    Result<(http::StatusCode, Option<Duration>, Bytes), hyper_util::client::legacy::Error>,
    tokio::time::error::Elapsed,
>;

/// An answer worth trying again, as why and how long to wait first; or
/// what the delivery came to.
fn retry(
    answer: Answer,
    what: &str,
    attempt: u32,
    timeout: Duration,
) -> Result<(String, Duration), Outcome> {
    match answer {
        Err(_) => Err(Outcome::Uncertain(format!(
            "no answer from {what} within {}s: it may have arrived",
            timeout.as_secs_f64()
        ))),
        Ok(Err(e)) if e.is_connect() => Ok((format!("cannot connect to {what}"), backoff(attempt))),
        Ok(Err(_)) => Err(Outcome::Uncertain(format!(
            "the connection to {what} broke before it answered: it may have arrived"
        ))),
        Ok(Ok((status, _, _))) if status.is_success() => Err(Outcome::Delivered),
        Ok(Ok((status, retry_after, _))) if status.as_u16() == 429 => Ok((
            format!("{what} answered {status} (rate limited)"),
            retry_after.unwrap_or_else(|| backoff(attempt)),
        )),
        Ok(Ok((status, _, _))) if status.is_server_error() => {
            Ok((format!("{what} answered {status}"), backoff(attempt)))
        }
        Ok(Ok((status, _, body))) => {
            let said = crate::text::one_line(&String::from_utf8_lossy(&body));
            let said: String = said.chars().take(200).collect();
            Err(Outcome::Failed(format!(
                "{what} refused it: {status}{}",
                if said.is_empty() {
                    String::new()
                } else {
                    format!(" ({said})")
                }
            )))
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(1 << attempt.saturating_sub(1).min(10))
        .min(MAX_BACKOFF)
}
