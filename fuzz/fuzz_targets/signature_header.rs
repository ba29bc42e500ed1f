//! `SignatureHeader::parse` on any bytes: it never panics, and what it accepts is meaningful.
//!
//! For every header it accepts:
//! * at least one `v1` was kept (a header without one is `NoV1Signature`);
//! * the timestamp and each kept `v1` occur in the input as `t=` and `v1=` items (the parser
//!   invents nothing: hex is compared case-insensitively, since either case decodes);
//! * the canonical form `t=<t>,v1=<hex>[,v1=<hex>...]` parses back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stripe_receiver::signature::SignatureHeader;

fuzz_target!(|data: &[u8]| {
    // The webhook handler reads the header as lossy UTF-8; the parser sees what it would.
    let value = String::from_utf8_lossy(data);
    let Ok(parsed) = SignatureHeader::parse(&value) else {
        return;
    };
    assert!(!parsed.v1.is_empty(), "accepted without a v1: {value:?}");

    let items: Vec<(&str, &str)> = value
        .split(',')
        .filter_map(|item| item.split_once('='))
        .map(|(key, val)| (key.trim(), val.trim()))
        .collect();
    assert!(
        items
            .iter()
            .any(|&(key, val)| key == "t" && val.parse() == Ok(parsed.timestamp)),
        "timestamp {} is not a `t` item of {value:?}",
        parsed.timestamp
    );
    for sig in &parsed.v1 {
        let hex = hex::encode(sig);
        assert!(
            items
                .iter()
                .any(|&(key, val)| key == "v1" && val.eq_ignore_ascii_case(&hex)),
            "v1 {hex} is not a `v1` item of {value:?}"
        );
    }

    let mut canonical = format!("t={}", parsed.timestamp);
    for sig in &parsed.v1 {
        canonical.push_str(",v1=");
        canonical.push_str(&hex::encode(sig));
    }
    assert_eq!(
        SignatureHeader::parse(&canonical).as_ref(),
        Ok(&parsed),
        "the canonical form {canonical:?} of {value:?} does not parse back"
    );
});
