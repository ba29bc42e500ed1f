//! The verification itself: timestamp tolerance, then HMAC-SHA256 over `t.` + raw body.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Secret, SignatureHeader};

type HmacSha256 = Hmac<Sha256>;

/// Stripe's default tolerance between the signed timestamp and now: 300 seconds (five minutes),
/// the value Stripe's libraries use.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Why a delivery failed verification. The variants are the failure classes of Stripe's signature scheme;
/// [`SignatureError::class`] gives the stable snake_case name stored on the delivery and logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Stripe-Signature` header on the request.
    #[error("the Stripe-Signature header is missing")]
    MissingHeader,
    /// The header has no `t=`, a non-integer `t`, or `t` twice.
    #[error("the Stripe-Signature header is malformed")]
    MalformedHeader,
    /// The header carries no well-formed `v1` signature (only `v0`, or none).
    #[error("the Stripe-Signature header has no v1 signature")]
    NoV1Signature,
    /// `|now - t|` exceeds the endpoint's tolerance (stale, replayed, or signed in the future).
    #[error("the signature timestamp is outside the tolerance")]
    TimestampOutsideTolerance,
    /// No `v1` matches any active secret (wrong secret, or the body was altered).
    #[error("no signature matches the payload")]
    NoMatchingSignature,
}

impl SignatureError {
    /// The stable name of the failure class: `missing_header`, `malformed_header`,
    /// `no_v1_signature`, `timestamp_outside_tolerance`, `no_matching_signature`.
    #[must_use]
    pub const fn class(self) -> &'static str {
        match self {
            Self::MissingHeader => "missing_header",
            Self::MalformedHeader => "malformed_header",
            Self::NoV1Signature => "no_v1_signature",
            Self::TimestampOutsideTolerance => "timestamp_outside_tolerance",
            Self::NoMatchingSignature => "no_matching_signature",
        }
    }
}

/// Verifies a delivery's `Stripe-Signature` header against its raw body.
///
/// * `payload` — the exact request body bytes as received (never a re-serialization);
/// * `header` — the header value, `None` if the request had none;
/// * `secrets` — the endpoint's active secrets; any one may match (secret roll);
/// * `tolerance_secs` — maximum `|now - t|` in seconds; `0` disables the time check;
/// * `now_unix` — the current time in Unix seconds (from a [`super::Clock`]).
///
/// The tolerance is checked before any HMAC is computed, so stale replays cost no hashing.
/// Each secret's HMAC is computed once and compared against every `v1` in constant time.
///
/// # Errors
/// The first failing check, as a [`SignatureError`]. An empty `secrets` slice yields
/// [`SignatureError::NoMatchingSignature`]; callers that can tell "no usable secret" (a server
/// fault) apart should do so before calling.
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&Secret],
    tolerance_secs: u64,
    now_unix: i64,
) -> Result<SignatureHeader, SignatureError> {
    let header = SignatureHeader::parse(header.ok_or(SignatureError::MissingHeader)?)?;
    if tolerance_secs > 0 && now_unix.abs_diff(header.timestamp) > tolerance_secs {
        return Err(SignatureError::TimestampOutsideTolerance);
    }
    let timestamp = header.timestamp.to_string();
    for secret in secrets {
        let mut mac = HmacSha256::new_from_slice(secret.expose().as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(payload);
        for candidate in &header.v1 {
            if mac.clone().verify_slice(candidate).is_ok() {
                return Ok(header);
            }
        }
    }
    Err(SignatureError::NoMatchingSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::testing::{sign, signature_hex};

    const NOW: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","object":"event"}"#;

    fn secret() -> Secret {
        Secret::new("whsec_test_secret").unwrap()
    }

    fn check(header: &str, tolerance: u64) -> Result<SignatureHeader, SignatureError> {
        verify(BODY, Some(header), &[&secret()], tolerance, NOW)
    }

    #[test]
    fn good_signature_passes() {
        assert!(check(&sign(BODY, &secret(), NOW), 300).is_ok());
    }

    #[test]
    fn known_vector() {
        // Computed independently: printf '%s' '1700000000.{"id":"evt_1","object":"event"}' |
        //   openssl dgst -sha256 -hmac whsec_test_secret
        assert_eq!(
            signature_hex(BODY, &secret(), NOW),
            "0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"
        );
    }

    #[test]
    fn any_v1_may_match_in_any_position() {
        let good = signature_hex(BODY, &secret(), NOW);
        let bad = "0".repeat(64);
        assert!(check(&format!("t={NOW},v1={good},v1={bad}"), 300).is_ok());
        assert!(check(&format!("t={NOW},v1={bad},v1={good}"), 300).is_ok());
    }

    #[test]
    fn v0_is_ignored() {
        let good = signature_hex(BODY, &secret(), NOW);
        let bad = "0".repeat(64);
        assert_eq!(
            check(&format!("t={NOW},v0={good}"), 300).unwrap_err(),
            SignatureError::NoV1Signature
        );
        assert_eq!(
            check(&format!("t={NOW},v1={bad},v0={good}"), 300).unwrap_err(),
            SignatureError::NoMatchingSignature
        );
    }

    #[test]
    fn unknown_items_do_not_hurt() {
        let good = signature_hex(BODY, &secret(), NOW);
        assert!(check(&format!("t={NOW},foo,x=1,v1={good}"), 300).is_ok());
    }

    #[test]
    fn tolerance_is_inclusive_and_symmetric() {
        for (t, ok) in [
            (NOW - 299, true),
            (NOW - 300, true),
            (NOW - 301, false),
            (NOW + 299, true),
            (NOW + 301, false),
        ] {
            let r = check(&sign(BODY, &secret(), t), 300);
            assert_eq!(r.is_ok(), ok, "t = now{:+}", t - NOW);
            if !ok {
                assert_eq!(r.unwrap_err(), SignatureError::TimestampOutsideTolerance);
            }
        }
    }

    #[test]
    fn zero_tolerance_disables_the_time_check() {
        assert!(check(&sign(BODY, &secret(), NOW - 86_400 * 365), 0).is_ok());
    }

    #[test]
    fn any_active_secret_may_match() {
        let old = Secret::new("whsec_old").unwrap();
        let new = Secret::new("whsec_new").unwrap();
        let header = sign(BODY, &new, NOW);
        assert!(verify(BODY, Some(&header), &[&old, &new], 300, NOW).is_ok());
        assert_eq!(
            verify(BODY, Some(&header), &[&old], 300, NOW).unwrap_err(),
            SignatureError::NoMatchingSignature
        );
        assert_eq!(
            verify(BODY, Some(&header), &[], 300, NOW).unwrap_err(),
            SignatureError::NoMatchingSignature
        );
    }

    #[test]
    fn altered_body_fails() {
        let header = sign(BODY, &secret(), NOW);
        let altered = br#"{"id":"evt_2","object":"event"}"#;
        assert_eq!(
            verify(altered, Some(&header), &[&secret()], 300, NOW).unwrap_err(),
            SignatureError::NoMatchingSignature
        );
    }

    #[test]
    fn missing_header() {
        assert_eq!(
            verify(BODY, None, &[&secret()], 300, NOW).unwrap_err(),
            SignatureError::MissingHeader
        );
    }

    proptest::proptest! {
        #[test]
        fn signed_bodies_verify_and_any_flip_fails(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512), idx in 0usize..512, bit in 0u8..8) {
            let s = secret();
            let header = sign(&body, &s, NOW);
            proptest::prop_assert!(verify(&body, Some(&header), &[&s], 300, NOW).is_ok());
            if !body.is_empty() {
                let mut altered = body.clone();
                let i = idx % altered.len();
                altered[i] ^= 1 << bit;
                proptest::prop_assert_eq!(verify(&altered, Some(&header), &[&s], 300, NOW).unwrap_err(), SignatureError::NoMatchingSignature);
            }
        }

        #[test]
        fn arbitrary_headers_never_panic(header in ".*") {
            let _ = verify(BODY, Some(&header), &[&secret()], 300, NOW);
        }
    }
}
