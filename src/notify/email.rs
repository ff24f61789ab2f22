//! Email: a multipart message (plain text and HTML from the stakeholder
//! templates) over SMTP with lettre. The URL comes from the environment:
//! `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
//! (STARTTLS), or plain `smtp://host:25` for a relay on the same host or
//! network. `List-Unsubscribe` is set when the target names `unsubscribe`.

use super::Message;
use super::http::Outcome;
use crate::model::config::NotifyTarget;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{SmtpTransport, Transport};
use std::time::Duration;

/// The email for `message`, or why it cannot be built.
pub fn build(
    target: &NotifyTarget,
    message: &Message,
    key: &str,
) -> Result<lettre::Message, String> {
    let parse = |field: &str, value: &str| -> Result<Mailbox, String> {
        value.parse().map_err(|e| {
            format!("`{field}: {value}` of notify target `{}` is not an email address ({e}); fix incidentkit.yaml", target.name)
        })
    };
    let from = parse("from", target.from.as_deref().unwrap_or_default())?;
    let mut builder = lettre::Message::builder()
        .from(from)
        .subject(crate::text::one_line(&message.subject))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Incidentkit-Delivery"),
            key.to_string(),
        ));
    for to in &target.to {
        builder = builder.to(parse("to", to)?);
    }
    if let Some(link) = &target.unsubscribe {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{link}>"),
        ));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
        .map_err(|e| format!("cannot build the email: {e}"))
}

/// Sends `email` through the SMTP server at `url`; `what` names the URL.
pub fn send(url: &str, what: &str, timeout: Duration, email: &lettre::Message) -> Outcome {
    let transport = match SmtpTransport::from_url(url.trim()) {
        Ok(t) => t.timeout(Some(timeout)).build(),
        Err(_) => {
            return Outcome::Failed(format!(
                "{what} is not an SMTP URL such as smtps://user:pass@host:465, smtp://user:pass@host:587?tls=required or smtp://host:25"
            ));
        }
    };
    let unreachable = |why: String| {
        Outcome::Failed(format!(
            "cannot send through the SMTP server in {what} ({})",
            crate::text::one_line(&why)
        ))
    };
    // lettre's errors do not say whether the message was sent before the
    // connection broke: a session opened first tells a server that cannot
    // be reached (failed, retried) from one that broke off while sending,
    // maybe after taking the message (uncertain, never sent twice).
    match transport.test_connection() {
        Ok(true) => {}
        Ok(false) => return unreachable("no session".to_string()),
        Err(e) => return unreachable(e.to_string()),
    }
    match transport.send(email) {
        Ok(_) => Outcome::Delivered,
        // A 4xx or 5xx answer: the server did not take it.
        Err(e) if e.is_permanent() || e.is_transient() => Outcome::Failed(format!(
            "the SMTP server in {what} refused it ({})",
            crate::text::one_line(&e.to_string())
        )),
        Err(e) if e.is_timeout() => Outcome::Uncertain(format!(
            "no answer from the SMTP server in {what} in time: it may have arrived"
        )),
        Err(e) => Outcome::Uncertain(format!(
            "the SMTP server in {what} broke off while it was sent ({}): it may have arrived",
            crate::text::one_line(&e.to_string())
        )),
    }
}
