//! Request headers as stored on a delivery.

use axum::http::HeaderMap;
use serde_json::{Map, Value};

/// Headers whose values are credentials of the caller and never stored. (`Stripe-Signature` is
/// not one: it proves the body, and is kept so that a delivery can be re-verified.)
const REDACTED: [&str; 8] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-access-token",
];

/// The headers as a JSON object, name (lowercase) → value. A name sent several times has its
/// values joined with `", "` (RFC 9110 §5.3); bytes that are not UTF-8 are replaced with U+FFFD.
/// Credentials (`Authorization`, `Proxy-Authorization`, `Cookie`, `X-Api-Key`, ... — see
/// `REDACTED`) are stored as `[redacted]`.
pub(crate) fn to_json(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for (name, value) in headers {
        let value = if REDACTED.contains(&name.as_str()) {
            "[redacted]".into()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        match map.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                map.insert(name.as_str().to_owned(), Value::String(value));
            }
        }
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn joins_repeats_and_redacts_credentials() {
        let mut h = HeaderMap::new();
        h.append("x-a", HeaderValue::from_static("1"));
        h.append("x-a", HeaderValue::from_static("2"));
        h.append(
            "authorization",
            HeaderValue::from_static("Bearer sk_live_x"),
        );
        h.append("x-bin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let j = to_json(&h);
        assert_eq!(j["x-a"], "1, 2");
        assert_eq!(j["authorization"], "[redacted]");
        assert_eq!(j["x-bin"], "caf\u{fffd}");
    }
}
