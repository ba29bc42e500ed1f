//! Parsing of the `Stripe-Signature` header.

use super::SignatureError;

/// Name of the HTTP header Stripe signs deliveries with (lowercase, as HTTP/2 sends it).
pub const SIGNATURE_HEADER: &str = "stripe-signature";

/// A parsed `Stripe-Signature` header: `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`.
///
/// Only the timestamp and the `v1` signatures are kept; `v0` and unknown items are ignored, as
/// Stripe's own libraries do. A `v1` value that is not 64 hex digits cannot match any HMAC-SHA256
/// and is dropped (it is not an error by itself: another `v1` may still match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The `t` item: when Stripe signed the payload, Unix seconds.
    pub timestamp: i64,
    /// Every well-formed `v1` signature, decoded (32 bytes each), in header order.
    pub v1: Vec<[u8; 32]>,
}

impl SignatureHeader {
    /// Parses a header value.
    ///
    /// # Errors
    /// * [`SignatureError::MalformedHeader`] — no `t`, a `t` that is not an integer, `t` given twice,
    ///   or an item without `=`;
    /// * [`SignatureError::NoV1Signature`] — no well-formed `v1` item at all (a header carrying only
    ///   `v0` lands here).
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let mut timestamp: Option<i64> = None;
        let mut v1 = Vec::new();
        for item in value.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let Some((key, val)) = item.split_once('=') else {
                // Stripe's libraries skip such items too; an item that is only a bare word
                // carries no signature, so ignoring it cannot make a forged request pass.
                continue;
            };
            match key.trim() {
                "t" => {
                    if timestamp.is_some() {
                        return Err(SignatureError::MalformedHeader);
                    }
                    let t = val.trim();
                    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(SignatureError::MalformedHeader);
                    }
                    timestamp = Some(t.parse().map_err(|_| SignatureError::MalformedHeader)?);
                }
                "v1" => {
                    let mut sig = [0u8; 32];
                    if hex::decode_to_slice(val.trim(), &mut sig).is_ok() {
                        v1.push(sig);
                    }
                }
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or(SignatureError::MalformedHeader)?;
        if v1.is_empty() {
            return Err(SignatureError::NoV1Signature);
        }
        Ok(Self { timestamp, v1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";

    #[test]
    fn parses_timestamp_and_every_v1() {
        let h = SignatureHeader::parse(&format!("t=1492774577,v1={SIG},v0=abc,v1={SIG}")).unwrap();
        assert_eq!(h.timestamp, 1_492_774_577);
        assert_eq!(h.v1.len(), 2);
        assert_eq!(hex::encode(h.v1[0]), SIG);
    }

    #[test]
    fn unknown_items_are_ignored() {
        let h = SignatureHeader::parse(&format!("t=1,foo,x=1,v1={SIG}")).unwrap();
        assert_eq!(h.v1.len(), 1);
    }

    #[test]
    fn missing_or_bad_timestamp_is_malformed() {
        assert_eq!(
            SignatureHeader::parse(&format!("v1={SIG}")),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            SignatureHeader::parse(&format!("t=12abc,v1={SIG}")),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            SignatureHeader::parse(&format!("t=-5,v1={SIG}")),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            SignatureHeader::parse(&format!("t=1,t=2,v1={SIG}")),
            Err(SignatureError::MalformedHeader)
        );
        assert_eq!(
            SignatureHeader::parse(""),
            Err(SignatureError::MalformedHeader)
        );
    }

    #[test]
    fn only_v0_means_no_v1() {
        assert_eq!(
            SignatureHeader::parse(&format!("t=1,v0={SIG}")),
            Err(SignatureError::NoV1Signature)
        );
        assert_eq!(
            SignatureHeader::parse("t=1,v1=nothex"),
            Err(SignatureError::NoV1Signature)
        );
    }
}
