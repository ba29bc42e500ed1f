//! The client IP recorded on a delivery.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The client IP, without port: from `trusted_header` when configured (its last comma-separated
/// entry — the address your proxy saw; entries to its left are client-supplied and forgeable),
/// else from the TCP peer. `None` when neither is known or the header does not hold an IP.
pub(crate) fn remote_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trusted_header: Option<&str>,
) -> Option<String> {
    match trusted_header {
        Some(name) => headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|entry| parse_ip(entry.trim()))
            .map(|ip| ip.to_string()),
        None => peer.map(|p| p.ip().to_canonical().to_string()),
    }
}

/// Accepts `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]` and `[::1]:80`.
fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn peer_port_is_stripped() {
        let h = HeaderMap::new();
        let peer: SocketAddr = "127.0.0.1:53211".parse().unwrap();
        assert_eq!(
            remote_ip(&h, Some(peer), None).as_deref(),
            Some("127.0.0.1")
        );
        let peer: SocketAddr = "[::ffff:10.0.0.1]:80".parse().unwrap();
        assert_eq!(remote_ip(&h, Some(peer), None).as_deref(), Some("10.0.0.1"));
    }

    #[test]
    fn proxy_header_only_when_trusted() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7:4433"),
        );
        let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(
            remote_ip(&h, Some(peer), None).as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(
            remote_ip(&h, Some(peer), Some("x-forwarded-for")).as_deref(),
            Some("203.0.113.7")
        );
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::1]:80"),
        );
        assert_eq!(
            remote_ip(&h, Some(peer), Some("x-forwarded-for")).as_deref(),
            Some("2001:db8::1")
        );
        h.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(remote_ip(&h, Some(peer), Some("x-forwarded-for")), None);
    }
}
