//! Building valid `Stripe-Signature` headers, for tests of receivers and for `stripe-receiver send`.
//!
//! Always available (the `send` command uses it too). This signs exactly as Stripe does, so a
//! body signed here verifies in production code paths.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Secret;

/// The lowercase hex HMAC-SHA256 of `"{timestamp}." + payload`, keyed with the whole secret
/// string (`whsec_` prefix included): the value of one `v1` item.
#[must_use]
pub fn signature_hex(payload: &[u8], secret: &Secret, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    hex::encode(mac.finalize().into_bytes())
}

/// A complete `Stripe-Signature` header value, `t=<timestamp>,v1=<hex>`, for `payload` signed
/// with `secret` at `timestamp` (Unix seconds).
///
/// ```
/// use stripe_receiver::signature::{testing::sign, verify, Secret};
/// let secret = Secret::new("whsec_example").unwrap();
/// let body = br#"{"id":"evt_1","object":"event","type":"charge.succeeded"}"#;
/// let header = sign(body, &secret, 1_700_000_000);
/// assert!(verify(body, Some(&header), &[&secret], 300, 1_700_000_010).is_ok());
/// ```
#[must_use]
pub fn sign(payload: &[u8], secret: &Secret, timestamp: i64) -> String {
    format!(
        "t={timestamp},v1={}",
        signature_hex(payload, secret, timestamp)
    )
}
