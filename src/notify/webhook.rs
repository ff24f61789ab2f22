//! Webhook: Statuspage's webhook notification shape (`meta`, `page`, and
//! `incident` with its `incident_updates`, or `component_update` with
//! `old_status` / `new_status` and the `component`), from the public view
//! only, signed so a receiver can tell it came from us:
//!
//! `X-Incidentkit-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed
//! with the secret in secret_env>`, and `X-Incidentkit-Delivery: <key>`,
//! the same for a delivery every time (a receiver may drop repeats).

use super::{Notice, What};
use crate::model::Repository;
use crate::model::config::NotifyTarget;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "x-incidentkit-signature";
pub const DELIVERY_HEADER: &str = "x-incidentkit-delivery";

/// The notification body; `None` when the public cannot see the notice
/// (the webhook is never told of an internal entry).
pub fn payload(repo: &Repository, target: &NotifyTarget, notice: &Notice<'_>) -> Option<Vec<u8>> {
    let id = &notice.incident.id;
    let unsubscribe = target.unsubscribe.as_deref();
    let body: Value = match (notice.what, notice.update, &notice.component) {
        (What::ComponentUpdate, Some(u), Some(c)) => {
            crate::render::api::component_notification(repo, id, u, c, unsubscribe)?
        }
        _ => crate::render::api::incident_notification(repo, id, notice.at, unsubscribe)?,
    };
    serde_json::to_vec_pretty(&body).ok()
}

/// `sha256=<hex>`: HMAC-SHA256 of `body` keyed with `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            super::signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
