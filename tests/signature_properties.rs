//! Properties of Stripe's signature scheme as the library implements it (README, "Signature
//! verification"; Stripe, "Verify webhook signatures manually"), over generated inputs:
//!
//! * a `Stripe-Signature` header written from any timestamp and any list of `v1`/`v0` items
//!   parses back to that timestamp and exactly its `v1` signatures, in order;
//! * with an endpoint holding several secrets, some expired, a delivery whose header carries
//!   signatures from any subset of them verifies if and only if one of the subset is active and
//!   the timestamp is within the endpoint's tolerance, and otherwise fails for the right reason.

use chrono::Utc;
use proptest::prelude::{
    any, prop, prop_assert, prop_assert_eq, prop_oneof, proptest, Just, Strategy,
};
use stripe_receiver::endpoint::{Endpoint, EndpointSecret, ValidationMode};
use stripe_receiver::signature::testing::signature_hex;
use stripe_receiver::signature::{verify, Secret, SignatureError, SignatureHeader};

/// "Now" for every check, Unix seconds.
const NOW: i64 = 1_700_000_000;

/// One item of a generated header.
#[derive(Debug, Clone)]
enum Scheme {
    V1,
    V0,
}

/// How a generated header is written: where the `t` item goes among the signatures, whether
/// hex is uppercase, whether items are padded with spaces (all three are accepted by Stripe's
/// libraries and by ours).
#[derive(Debug, Clone)]
struct Layout {
    t_position: usize,
    uppercase: bool,
    spaced: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (any::<usize>(), any::<bool>(), any::<bool>()).prop_map(|(t_position, uppercase, spaced)| {
        Layout {
            t_position,
            uppercase,
            spaced,
        }
    })
}

fn write_header(timestamp: i64, items: &[(Scheme, [u8; 32])], layout: &Layout) -> String {
    let mut written: Vec<String> = items
        .iter()
        .map(|(scheme, sig)| {
            let key = match scheme {
                Scheme::V1 => "v1",
                Scheme::V0 => "v0",
            };
            let hex = hex::encode(sig);
            let hex = if layout.uppercase {
                hex.to_uppercase()
            } else {
                hex
            };
            format!("{key}={hex}")
        })
        .collect();
    written.insert(
        layout.t_position % (written.len() + 1),
        format!("t={timestamp}"),
    );
    let separator = if layout.spaced { " , " } else { "," };
    written.join(separator)
}

/// A generated secret of the endpoint: its index makes it distinct, `expiry` is its
/// `expires_at` relative to [`NOW`] (`None`: never expires).
#[derive(Debug, Clone)]
struct GeneratedSecret {
    secret: Secret,
    expiry: Option<i64>,
}

impl GeneratedSecret {
    /// Active per the endpoint's documented rule: accepted until `expires_at`, exclusive.
    fn expected_active(&self) -> bool {
        match self.expiry {
            None => true,
            Some(offset) => offset > 0,
        }
    }
}

fn secrets() -> impl Strategy<Value = Vec<GeneratedSecret>> {
    prop::collection::vec(
        (
            "[A-Za-z0-9]{1,40}",
            prop_oneof![Just(None), (-600i64..=600).prop_map(Some)],
        ),
        1..6,
    )
    .prop_map(|generated| {
        generated
            .into_iter()
            .enumerate()
            .map(|(i, (tail, expiry))| GeneratedSecret {
                secret: Secret::new(format!("whsec_{i}_{tail}")).expect("a valid secret"),
                expiry,
            })
            .collect()
    })
}

fn endpoint(secrets: &[GeneratedSecret], tolerance_secs: u64) -> Endpoint {
    let now = Utc::now();
    Endpoint {
        uuid: uuid::Uuid::new_v4(),
        stripe_id: None,
        url: "http://127.0.0.1:8000/webhooks/properties".into(),
        secrets: secrets
            .iter()
            .map(|s| EndpointSecret {
                secret: s.secret.clone(),
                expires_at: s.expiry.map(|offset| NOW + offset),
            })
            .collect(),
        livemode: false,
        tolerance_secs,
        validation: ValidationMode::VerifySignature,
        api_version: None,
        enabled_events: vec!["*".into()],
        account: None,
        enabled: true,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        refetch: None,
    }
}

proptest! {
    #[test]
    fn written_headers_parse_back(
        timestamp in any::<i64>(),
        items in prop::collection::vec(
            (prop_oneof![Just(Scheme::V1), Just(Scheme::V0)], any::<[u8; 32]>()),
            0..8,
        ),
        layout in layout(),
    ) {
        let header = write_header(timestamp, &items, &layout);
        let v1: Vec<[u8; 32]> = items
            .iter()
            .filter(|(scheme, _)| matches!(scheme, Scheme::V1))
            .map(|(_, sig)| *sig)
            .collect();
        let parsed = SignatureHeader::parse(&header);
        if timestamp < 0 {
            // Unix seconds before 1970 are not a Stripe timestamp: `t` must be digits only.
            prop_assert_eq!(parsed, Err(SignatureError::MalformedHeader), "{}", header);
        } else if v1.is_empty() {
            prop_assert_eq!(parsed, Err(SignatureError::NoV1Signature), "{}", header);
        } else {
            prop_assert_eq!(parsed, Ok(SignatureHeader { timestamp, v1 }), "{}", header);
        }
    }

    #[test]
    fn any_v1_of_any_active_secret_verifies(
        secrets in secrets(),
        subset in prop::collection::vec(any::<bool>(), 6),
        junk in prop::collection::vec(any::<[u8; 32]>(), 0..3),
        tolerance_secs in prop_oneof![Just(0u64), 1u64..=600],
        offset in -1_200i64..=1_200,
        body in prop::collection::vec(any::<u8>(), 0..256),
        layout in layout(),
    ) {
        let endpoint = endpoint(&secrets, tolerance_secs);
        let timestamp = NOW + offset;
        let signers: Vec<&GeneratedSecret> = secrets
            .iter()
            .zip(&subset)
            .filter(|(_, &chosen)| chosen)
            .map(|(s, _)| s)
            .collect();
        let mut items: Vec<(Scheme, [u8; 32])> = signers
            .iter()
            .map(|s| {
                let mut sig = [0u8; 32];
                hex::decode_to_slice(signature_hex(&body, &s.secret, timestamp), &mut sig)
                    .expect("64 hex digits");
                (Scheme::V1, sig)
            })
            .collect();
        // Signatures that match nothing (a secret of another endpoint, noise), and a header
        // that has at least one v1 even when no secret signed.
        items.extend(junk.iter().map(|sig| (Scheme::V1, *sig)));
        if items.is_empty() {
            items.push((Scheme::V1, [0u8; 32]));
        }
        let header = write_header(timestamp, &items, &layout);

        let in_time = tolerance_secs == 0 || offset.unsigned_abs() <= tolerance_secs;
        let signed_by_active = signers.iter().any(|s| s.expected_active());
        let result = verify(&body, Some(&header), &endpoint.active_secrets(NOW), tolerance_secs, NOW);
        match (in_time, signed_by_active) {
            (true, true) => prop_assert!(result.is_ok(), "{header}: {result:?}"),
            (false, _) => prop_assert_eq!(result, Err(SignatureError::TimestampOutsideTolerance)),
            (true, false) => prop_assert_eq!(result, Err(SignatureError::NoMatchingSignature)),
        }
    }
}
