//! Which base URLs an endpoint created on Stripe may have: an `https` URL whose host Stripe can
//! reach on the public Internet. Checked before any call to Stripe
//! ([`check_public_base_url`]); a URL that fails is one for `stripe-receiver endpoints
//! add-local` (with `stripe listen --forward-to`, or a tunnel whose public URL is then given
//! here).
//!
//! The host is read by the `url` crate's WHATWG parser, which normalises every spelling of an
//! IPv4 address (`127.1`, `0x7f.1`, `2130706433`, `0177.0.0.1`, a trailing dot) into one
//! [`Ipv4Addr`], and bracketed IPv6 (`[::ffff:127.0.0.1]`, `[::ffff:7f00:1]`) into one
//! [`Ipv6Addr`]; the address is then classified here, so no spelling escapes the check. Host
//! names are not resolved: a public name that resolves to a private address is Stripe's to
//! refuse.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// The command to use instead, named by every refusal.
const ADD_LOCAL_HINT: &str = "Stripe delivers only to public https URLs; for a receiver it \
    cannot reach, use `stripe-receiver endpoints add-local` (with `stripe listen --forward-to`), \
    or give here the public https URL of a tunnel to it";

/// Why a base URL cannot be the base of an endpoint on Stripe. Every message ends with a pointer
/// to `stripe-receiver endpoints add-local`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicUrlError {
    /// Not an absolute URL.
    #[error("base URL {url:?} does not parse: {reason}. {ADD_LOCAL_HINT}")]
    Parse {
        /// The URL as given.
        url: String,
        /// The parser's reason.
        reason: String,
    },
    /// A scheme other than `https` (Stripe requires TLS for live-mode endpoints, and this
    /// project for all of them).
    #[error("base URL {url:?} is not https (scheme {scheme:?}). {ADD_LOCAL_HINT}")]
    NotHttps {
        /// The URL as given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// `localhost`, a `*.localhost` name, or another special-use name that never resolves on the
    /// public Internet (RFC 6761 `test`, `invalid`, `example`; RFC 6762 `local`; RFC 8375
    /// `home.arpa`; ICANN's `internal`; RFC 7686 `onion`), or a single-label name (`intranet`).
    #[error(
        "base URL {url:?}: host {host:?} is {why}, which Stripe cannot reach. {ADD_LOCAL_HINT}"
    )]
    NonPublicName {
        /// The URL as given.
        url: String,
        /// The host, as normalised by the parser (lowercase, punycode).
        host: String,
        /// Which rule refused it.
        why: &'static str,
    },
    /// An IP address that is not globally reachable (loopback, private, link-local, ...).
    #[error("base URL {url:?}: host {address} is {range}, not a public address. {ADD_LOCAL_HINT}")]
    NonPublicAddress {
        /// The URL as given.
        url: String,
        /// The address, as normalised by the parser (`127.1` reads `127.0.0.1`).
        address: String,
        /// The range it falls in, with its source, e.g. `loopback (127.0.0.0/8, RFC 1122)`.
        range: &'static str,
    },
    /// A `?query` or `#fragment`: the webhook path is appended to the base, so these would end up
    /// in the middle of the endpoint's URL.
    #[error(
        "base URL {url:?} has a {part}: give the base alone (scheme, host, optional port and \
         path); the endpoint's URL is <base>/webhooks/<uuid>"
    )]
    QueryOrFragment {
        /// The URL as given.
        url: String,
        /// `query` or `fragment`.
        part: &'static str,
    },
    /// `user:password@` in the URL: deliveries are authenticated by their signature; credentials
    /// in the URL would be stored and printed with it.
    #[error(
        "base URL {url:?} has a user name or password: deliveries are authenticated by \
         Stripe's signature, and credentials in the URL would be stored and listed with it"
    )]
    Credentials {
        /// The URL as given, credentials redacted.
        url: String,
    },
}

/// Checks that `base` can be the base of an endpoint created on Stripe, and returns it
/// normalised (the parser's serialisation: lowercase scheme and host, punycode, default port
/// dropped), without a trailing `/`, ready for [`webhook_url`](crate::endpoint::webhook_url).
///
/// Accepted: `https` with a public host name of at least two labels, or a globally reachable
/// IPv4/IPv6 address; any port; a path (kept: `https://shop.example.com/base/` gives
/// `https://shop.example.com/base`).
///
/// Refused, each with [`PublicUrlError`] naming `stripe-receiver endpoints add-local`: another
/// scheme; `localhost`, `*.localhost` and the other special-use names; single-label names; IPv4
/// in `0/8`, `10/8`, `100.64/10`, `127/8`, `169.254/16`, `172.16/12`, `192.0.0/24`, `192.0.2/24`,
/// `192.88.99/24`, `192.168/16`, `198.18/15`, `198.51.100/24`, `203.0.113/24`, `224/4`, `240/4`
/// (IANA IPv4 Special-Purpose Address Registry, RFC 6890); IPv6 outside `2000::/3` global
/// unicast, or in its special blocks `2001::/23`, `2001:db8::/32`, `3fff::/20`, and an IPv4
/// address embedded in IPv6 (`::ffff:0:0/96` mapped, `::/96` compatible, `64:ff9b::/96` NAT64,
/// `2002::/16` 6to4) judged as IPv4 (IANA IPv6 Special-Purpose Address Registry); a query, a
/// fragment, credentials.
///
/// # Errors
/// [`PublicUrlError`], whose message says which rule refused the URL.
pub fn check_public_base_url(base: &str) -> Result<String, PublicUrlError> {
    let url = Url::parse(base.trim()).map_err(|e| PublicUrlError::Parse {
        url: base.to_owned(),
        reason: e.to_string(),
    })?;
    if url.scheme() != "https" {
        return Err(PublicUrlError::NotHttps {
            url: base.to_owned(),
            scheme: url.scheme().to_owned(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        let mut redacted = url.clone();
        let _ = redacted.set_username("");
        let _ = redacted.set_password(None);
        return Err(PublicUrlError::Credentials {
            url: redacted.to_string(),
        });
    }
    if url.query().is_some() {
        return Err(PublicUrlError::QueryOrFragment {
            url: base.to_owned(),
            part: "query",
        });
    }
    if url.fragment().is_some() {
        return Err(PublicUrlError::QueryOrFragment {
            url: base.to_owned(),
            part: "fragment",
        });
    }
    match url.host() {
        // `https` is a special scheme: the parser refuses it without a host.
        None => {
            return Err(PublicUrlError::Parse {
                url: base.to_owned(),
                reason: "no host".into(),
            })
        }
        Some(Host::Domain(name)) => {
            if let Some(why) = non_public_name(name) {
                return Err(PublicUrlError::NonPublicName {
                    url: base.to_owned(),
                    host: name.to_owned(),
                    why,
                });
            }
        }
        Some(Host::Ipv4(ip)) => {
            if let Some(range) = non_public_ipv4(ip) {
                return Err(PublicUrlError::NonPublicAddress {
                    url: base.to_owned(),
                    address: ip.to_string(),
                    range,
                });
            }
        }
        Some(Host::Ipv6(ip)) => {
            if let Some(range) = non_public_ipv6(ip) {
                return Err(PublicUrlError::NonPublicAddress {
                    url: base.to_owned(),
                    address: ip.to_string(),
                    range,
                });
            }
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Why a host name is not public, if it is not: special-use top-level names and single labels.
fn non_public_name(name: &str) -> Option<&'static str> {
    // The parser lowercases and keeps a trailing dot (the root): `localhost.` is `localhost`.
    let name = name.strip_suffix('.').unwrap_or(name);
    let last = name.rsplit('.').next().unwrap_or(name);
    let reserved = match last {
        "localhost" => Some("localhost (RFC 6761: always the local machine)"),
        "local" => Some("a .local name (RFC 6762: multicast DNS on the local link)"),
        "internal" => Some("an .internal name (reserved by ICANN for private networks)"),
        "test" | "invalid" | "example" => {
            Some("under a special-use top-level name (RFC 6761: never delegated)")
        }
        "onion" => Some("an .onion name (RFC 7686: reachable through Tor only)"),
        _ => None,
    };
    if reserved.is_some() {
        return reserved;
    }
    if name == "home.arpa" || name.ends_with(".home.arpa") {
        return Some("a .home.arpa name (RFC 8375: home networks)");
    }
    if !name.contains('.') {
        return Some("a single-label name, which public DNS does not resolve");
    }
    None
}

/// The special-purpose range an IPv4 address falls in, if it is not globally reachable (IANA
/// IPv4 Special-Purpose Address Registry, RFC 6890 and its updates).
fn non_public_ipv4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: &[([u8; 4], u8, &str)] = &[
        (
            [0, 0, 0, 0],
            8,
            "\"this network\" (0.0.0.0/8, RFC 791), unspecified",
        ),
        ([10, 0, 0, 0], 8, "private (10.0.0.0/8, RFC 1918)"),
        (
            [100, 64, 0, 0],
            10,
            "shared address space (100.64.0.0/10, RFC 6598: carrier-grade NAT)",
        ),
        ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8, RFC 1122)"),
        (
            [169, 254, 0, 0],
            16,
            "link-local (169.254.0.0/16, RFC 3927)",
        ),
        ([172, 16, 0, 0], 12, "private (172.16.0.0/12, RFC 1918)"),
        (
            [192, 0, 0, 0],
            24,
            "IETF protocol assignments (192.0.0.0/24, RFC 6890)",
        ),
        ([192, 0, 2, 0], 24, "documentation (192.0.2.0/24, RFC 5737)"),
        (
            [192, 88, 99, 0],
            24,
            "6to4 relay anycast (192.88.99.0/24, RFC 7526: deprecated)",
        ),
        ([192, 168, 0, 0], 16, "private (192.168.0.0/16, RFC 1918)"),
        (
            [198, 18, 0, 0],
            15,
            "benchmarking (198.18.0.0/15, RFC 2544)",
        ),
        (
            [198, 51, 100, 0],
            24,
            "documentation (198.51.100.0/24, RFC 5737)",
        ),
        (
            [203, 0, 113, 0],
            24,
            "documentation (203.0.113.0/24, RFC 5737)",
        ),
        ([224, 0, 0, 0], 4, "multicast (224.0.0.0/4, RFC 5771)"),
        (
            [240, 0, 0, 0],
            4,
            "reserved (240.0.0.0/4, RFC 1112) or broadcast",
        ),
    ];
    let bits = u32::from(ip);
    RANGES.iter().find_map(|(net, len, what)| {
        let mask = u32::MAX << (32 - u32::from(*len));
        (bits & mask == u32::from(Ipv4Addr::from(*net))).then_some(*what)
    })
}

/// The special-purpose range an IPv6 address falls in, if it is not globally reachable. An
/// IPv4 address embedded in IPv6 (mapped, compatible, NAT64, 6to4) is judged as that IPv4
/// address (IANA IPv6 Special-Purpose Address Registry).
fn non_public_ipv6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    let segments = ip.segments();
    let low32 = Ipv4Addr::from(u32::try_from(bits & 0xffff_ffff).expect("masked to 32 bits"));
    if ip.is_unspecified() {
        return Some("unspecified (::/128, RFC 4291)");
    }
    if ip.is_loopback() {
        return Some("loopback (::1/128, RFC 4291)");
    }
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the IPv4 address decides.
    if bits >> 32 == 0xffff || bits >> 32 == 0 {
        return non_public_ipv4(low32).or(Some(
            "an IPv4-mapped or IPv4-compatible IPv6 address (::ffff:0:0/96, ::/96); give the \
             IPv4 address itself",
        ));
    }
    // 64:ff9b::a.b.c.d, NAT64's well-known prefix (RFC 6052): the IPv4 address decides.
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        return non_public_ipv4(low32);
    }
    // 2002:AABB:CCDD::/48, 6to4 (RFC 3056): the embedded IPv4 address AA.BB.CC.DD decides.
    if segments[0] == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return non_public_ipv4(Ipv4Addr::new(a, b, c, d));
    }
    const RANGES: &[(u128, u8, &str)] = &[
        (0xfc00 << 112, 7, "unique local (fc00::/7, RFC 4193)"),
        (0xfe80 << 112, 10, "link-local (fe80::/10, RFC 4291)"),
        (
            0xfec0 << 112,
            10,
            "site-local (fec0::/10, RFC 3879: deprecated)",
        ),
        (0xff00 << 112, 8, "multicast (ff00::/8, RFC 4291)"),
        (
            0x0064_ff9b_0001 << 80,
            48,
            "local-use NAT64 (64:ff9b:1::/48, RFC 8215)",
        ),
        (0x0100 << 112, 64, "discard-only (100::/64, RFC 6666)"),
        (
            0x2001_0db8 << 96,
            32,
            "documentation (2001:db8::/32, RFC 3849)",
        ),
        (
            0x2001 << 112,
            23,
            "IETF protocol assignments (2001::/23, RFC 2928)",
        ),
        (0x3fff << 112, 20, "documentation (3fff::/20, RFC 9637)"),
    ];
    let special = RANGES.iter().find_map(|(net, len, what)| {
        let mask = u128::MAX << (128 - u32::from(*len));
        (bits & mask == *net).then_some(*what)
    });
    if special.is_some() {
        return special;
    }
    // Global unicast is 2000::/3 (RFC 4291); the rest is unassigned or reserved.
    if segments[0] & 0xe000 != 0x2000 {
        return Some("outside global unicast (2000::/3, RFC 4291)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert, prop_oneof, proptest, Just, Strategy};

    /// Every spelling the issue lists, and more, each refused with the rule that refuses it.
    #[test]
    fn non_public_hosts_in_any_spelling_are_refused() {
        let cases: &[(&str, &str)] = &[
            ("https://localhost", "localhost"),
            ("https://LOCALHOST:8443/x", "localhost"),
            ("https://localhost./", "localhost"),
            ("https://shop.localhost", "localhost"),
            ("https://printer.local", ".local"),
            ("https://db.internal", ".internal"),
            ("https://router.home.arpa", "home.arpa"),
            ("https://shop.test", "special-use"),
            ("https://intranet/", "single-label"),
            ("https://127.0.0.1", "loopback"),
            ("https://127.1", "loopback"),
            ("https://127.0.1", "loopback"),
            ("https://0x7f.1", "loopback"),
            ("https://0x7F000001", "loopback"),
            ("https://2130706433", "loopback"),
            ("https://0177.0.0.1", "loopback"),
            ("https://017700000001", "loopback"),
            ("https://127.0.0.1.", "loopback"),
            ("https://[::1]", "loopback (::1"),
            ("https://[0:0:0:0:0:0:0:1]:8443", "loopback (::1"),
            ("https://[::ffff:127.0.0.1]", "loopback (127"),
            ("https://[::ffff:7f00:1]", "loopback (127"),
            ("https://[::127.0.0.1]", "loopback (127"),
            ("https://[64:ff9b::10.0.0.1]", "private (10"),
            ("https://[2002:c0a8:0101::1]", "private (192.168"),
            ("https://10.0.0.1", "private (10"),
            ("https://10.255.255.255", "private (10"),
            ("https://012.1", "private (10"),
            ("https://172.16.0.1", "private (172.16"),
            ("https://172.31.255.254", "private (172.16"),
            ("https://192.168.1.10", "private (192.168"),
            ("https://0xc0a80101", "private (192.168"),
            ("https://169.254.169.254", "link-local (169.254"),
            ("https://100.64.0.1", "shared address space"),
            ("https://100.127.255.255", "shared address space"),
            ("https://0.0.0.0", "unspecified"),
            ("https://0", "unspecified"),
            ("https://[::]", "unspecified (::/128"),
            ("https://[fc00::1]", "unique local"),
            ("https://[fd12:3456::1]", "unique local"),
            ("https://[fe80::1]", "link-local (fe80"),
            ("https://[febf::1]", "link-local (fe80"),
            ("https://[ff02::1]", "multicast"),
            ("https://[2001:db8::1]", "documentation (2001:db8"),
            ("https://192.0.2.1", "documentation"),
            ("https://224.0.0.1", "multicast"),
            ("https://255.255.255.255", "broadcast"),
        ];
        for (url, rule) in cases {
            let err = check_public_base_url(url).expect_err(url);
            let msg = err.to_string();
            assert!(msg.contains(rule), "{url}: {msg}");
            assert!(
                msg.contains("stripe-receiver endpoints add-local"),
                "{url}: {msg}"
            );
        }
    }

    #[test]
    fn the_address_is_named_in_its_normal_form() {
        let err = check_public_base_url("https://0x7f.1").unwrap_err();
        assert_eq!(
            err,
            PublicUrlError::NonPublicAddress {
                url: "https://0x7f.1".into(),
                address: "127.0.0.1".into(),
                range: "loopback (127.0.0.0/8, RFC 1122)",
            }
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        for url in [
            "http://shop.example.com",
            "ftp://shop.example.com",
            "HTTP://shop.example.com",
        ] {
            let err = check_public_base_url(url).expect_err(url);
            assert!(matches!(err, PublicUrlError::NotHttps { .. }), "{url}");
            assert!(err.to_string().contains("endpoints add-local"), "{err}");
        }
        for url in ["shop.example.com", "", "https://", "https://exa mple.com"] {
            let err = check_public_base_url(url).expect_err(url);
            assert!(
                matches!(err, PublicUrlError::Parse { .. }),
                "{url}: {err:?}"
            );
        }
    }

    #[test]
    fn query_fragment_and_credentials_are_refused() {
        let err = check_public_base_url("https://shop.example.com/?a=1").unwrap_err();
        assert!(
            matches!(err, PublicUrlError::QueryOrFragment { part: "query", .. }),
            "{err:?}"
        );
        // An empty query is a query still: `?` would sit inside the endpoint's URL.
        let err = check_public_base_url("https://shop.example.com/base?").unwrap_err();
        assert!(
            matches!(err, PublicUrlError::QueryOrFragment { part: "query", .. }),
            "{err:?}"
        );
        let err = check_public_base_url("https://shop.example.com/#top").unwrap_err();
        assert!(
            matches!(
                err,
                PublicUrlError::QueryOrFragment {
                    part: "fragment",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = check_public_base_url("https://u:hunter2@shop.example.com/").unwrap_err();
        assert!(matches!(err, PublicUrlError::Credentials { .. }), "{err:?}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn public_bases_are_accepted_and_normalised() {
        let cases = [
            ("https://shop.example.com", "https://shop.example.com"),
            ("https://shop.example.com/", "https://shop.example.com"),
            (
                "https://shop.example.com/base/",
                "https://shop.example.com/base",
            ),
            (
                "https://shop.example.com/a/b",
                "https://shop.example.com/a/b",
            ),
            ("https://SHOP.Example.COM:443/", "https://shop.example.com"),
            (
                "https://shop.example.com:8443",
                "https://shop.example.com:8443",
            ),
            ("  https://shop.example.com  ", "https://shop.example.com"),
            (
                "https://bücher.example.com",
                "https://xn--bcher-kva.example.com",
            ),
            ("https://8.8.8.8/", "https://8.8.8.8"),
            ("https://134744072", "https://8.8.8.8"),
            ("https://93.184.215.14/hooks", "https://93.184.215.14/hooks"),
            ("https://172.32.0.1", "https://172.32.0.1"),
            ("https://100.128.0.1", "https://100.128.0.1"),
            ("https://[2606:4700::1111]", "https://[2606:4700::1111]"),
            ("https://[2002:0808:0808::1]", "https://[2002:808:808::1]"),
        ];
        for (base, normalised) in cases {
            assert_eq!(
                check_public_base_url(base).as_deref(),
                Ok(normalised),
                "{base}"
            );
        }
    }

    #[test]
    fn the_webhook_url_built_on_a_checked_base_has_no_double_slash() {
        let uuid = uuid::Uuid::nil();
        for base in ["https://shop.example.com", "https://shop.example.com/base/"] {
            let checked = check_public_base_url(base).unwrap();
            let url = crate::endpoint::webhook_url(&checked, uuid);
            assert!(!url["https://".len()..].contains("//"), "{url}");
            assert!(url.ends_with("/webhooks/00000000-0000-0000-0000-000000000000"));
        }
    }

    /// An IPv4 address in one of the WHATWG spellings: dotted decimal, one 32-bit number in
    /// decimal, hex or octal, dotted hex or octal parts, and the short forms `a.b.c` (last part
    /// 16 bits) and `a.b` (last part 24 bits).
    fn spelling(ip: Ipv4Addr) -> impl Strategy<Value = String> {
        let [a, b, c, d] = ip.octets();
        let n = u32::from(ip);
        let last16 = u32::from(c) << 8 | u32::from(d);
        let last24 = u32::from(b) << 16 | last16;
        prop_oneof![
            Just(format!("{a}.{b}.{c}.{d}")),
            Just(format!("{n}")),
            Just(format!("0x{n:x}")),
            Just(format!("0X{n:X}")),
            Just(format!("0{n:o}")),
            Just(format!("0x{a:x}.0x{b:x}.0x{c:x}.0x{d:x}")),
            Just(format!("0{a:o}.0{b:o}.0{c:o}.0{d:o}")),
            Just(format!("{a}.{b}.{last16}")),
            Just(format!("{a}.0x{last24:x}")),
            Just(format!("{a}.{b}.{c}.{d}.")),
        ]
    }

    /// A non-public IPv4 address: loopback, the three private ranges, link-local, shared,
    /// "this network".
    fn non_public() -> impl Strategy<Value = Ipv4Addr> {
        let in_net = |net: [u8; 4], len: u32| {
            let base = u32::from(Ipv4Addr::from(net));
            (0..=(u32::MAX >> len)).prop_map(move |host| Ipv4Addr::from(base | host))
        };
        prop_oneof![
            in_net([127, 0, 0, 0], 8),
            in_net([10, 0, 0, 0], 8),
            in_net([172, 16, 0, 0], 12),
            in_net([192, 168, 0, 0], 16),
            in_net([169, 254, 0, 0], 16),
            in_net([100, 64, 0, 0], 10),
            in_net([0, 0, 0, 0], 8),
        ]
    }

    proptest! {
        #[test]
        fn every_spelling_of_a_non_public_ipv4_is_refused(
            (ip, spelled) in non_public().prop_flat_map(|ip| (Just(ip), spelling(ip)))
        ) {
            let url = format!("https://{spelled}/base");
            let refused = matches!(
                check_public_base_url(&url),
                Err(PublicUrlError::NonPublicAddress { ref address, .. }) if *address == ip.to_string()
            );
            prop_assert!(refused, "{} ({}) accepted or refused for another reason: {:?}", url, ip, check_public_base_url(&url));
            // The same address inside IPv6, mapped.
            let mapped = format!("https://[::ffff:{ip}]");
            prop_assert!(check_public_base_url(&mapped).is_err(), "{}", mapped);
        }

        #[test]
        fn every_spelling_of_a_public_ipv4_is_accepted(
            (ip, spelled) in (0u32..=0x00ff_ffff)
                .prop_flat_map(|host| prop_oneof![Just(8u32), Just(34), Just(52), Just(151)]
                    .prop_map(move |net| Ipv4Addr::from(net << 24 | host)))
                .prop_flat_map(|ip| (Just(ip), spelling(ip)))
        ) {
            let url = format!("https://{spelled}");
            prop_assert!(
                check_public_base_url(&url) == Ok(format!("https://{ip}")),
                "{} ({}): {:?}", url, ip, check_public_base_url(&url)
            );
        }
    }
}
