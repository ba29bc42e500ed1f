//! The whole HTTP surface — the runtime's axum `Router`, on a SQLite file with one endpoint —
//! driven with fuzzer-chosen requests (method, path, headers, body, `Stripe-Signature`).
//!
//! Asserts, for every request:
//! * nothing panics (the router, the pipeline, the store, the object sync);
//! * a 2xx answer to anything but `GET`/`HEAD /healthz` or `/metrics` means the request's
//!   `Stripe-Signature` header (its first value, read as lossy UTF-8 as the handler reads it)
//!   verifies for the body with one of the endpoint's active secrets, within its tolerance, at
//!   the runtime's (pinned) time. The endpoint also holds an expired secret that the fuzzer may
//!   sign with: that must never be accepted.
//!
//! The structure (`arbitrary`) lets the fuzzer reach the accepted path: it may sign the body
//! with the endpoint's secret and then alter the body, the timestamp or the header items.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use axum::body::Body as HttpBody;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use axum::Router;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use stripe_receiver::config::Config;
use stripe_receiver::endpoint::{Endpoint, EndpointSecret, NewEndpoint};
use stripe_receiver::signature::testing::signature_hex;
use stripe_receiver::signature::{verify, FixedClock, Secret, SIGNATURE_HEADER};
use stripe_receiver::store::endpoints;
use stripe_receiver::Runtime;
use tower::ServiceExt;

/// The runtime's clock: "now" for every request, Unix seconds.
const NOW: i64 = 1_700_000_000;
/// The endpoint's active secret.
const SECRET: &str = "whsec_fuzz_active_0123456789abcdef";
/// The endpoint's secret that expired an hour before [`NOW`].
const EXPIRED_SECRET: &str = "whsec_fuzz_expired_0123456789abcdef";

/// What every input runs against, built on the first input.
struct Fixture {
    tokio: tokio::runtime::Runtime,
    router: Router,
    endpoint: Endpoint,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        // The defaults (no environment: the fuzzer's own must not change what is fuzzed).
        let mut config = Config::from_lookup(|_| None).expect("the default configuration");
        config.database_url = format!("sqlite://{}", dir.path().join("fuzz.db").display());
        let (router, endpoint) = tokio.block_on(async {
            let runtime = Runtime::builder(config)
                .clock(FixedClock(NOW))
                .build()
                .await
                .expect("runtime starts");
            let mut new = NewEndpoint::local("http://fuzz.invalid", secret(SECRET));
            new.secrets.push(EndpointSecret {
                secret: secret(EXPIRED_SECRET),
                expires_at: Some(NOW - 3_600),
            });
            let endpoint = endpoints::create(runtime.db(), new)
                .await
                .expect("endpoint");
            (runtime.router(), endpoint)
        });
        Fixture {
            tokio,
            router,
            endpoint,
            _dir: dir,
        }
    })
}

fn secret(value: &str) -> Secret {
    Secret::new(value).expect("a valid secret")
}

#[derive(Debug, Arbitrary)]
struct Input {
    method: HttpMethod,
    target: Target,
    body: Body,
    signature: Signature,
    /// Headers added after the signature (a second `stripe-signature` among them is ignored by
    /// the handler, which reads the first).
    headers: Vec<(HeaderChoice, Vec<u8>)>,
}

#[derive(Debug, Arbitrary)]
enum HttpMethod {
    Post,
    Get,
    Head,
    Put,
    Other(String),
}

/// The request's path (and query).
#[derive(Debug, Arbitrary)]
enum Target {
    /// The endpoint's webhook path, its UUID written in one of the forms `Uuid::parse_str` takes.
    Endpoint {
        form: UuidForm,
        trailing_slash: bool,
        query: Option<String>,
    },
    /// A webhook path of another endpoint.
    OtherEndpoint([u8; 16]),
    Healthz,
    Metrics,
    Raw(String),
}

#[derive(Debug, Arbitrary)]
enum UuidForm {
    Hyphenated,
    Simple,
    Upper,
    Braced,
    Urn,
}

#[derive(Debug, Arbitrary)]
enum Body {
    Raw(Vec<u8>),
    /// A body in the shape of a Stripe event.
    Event(EventBody),
    /// One of the Stripe events of the `event_envelope` seed corpus, as they are.
    Sample(u8),
}

/// Stripe event bodies as Stripe sends them (the seeds of the `event_envelope` target).
const SAMPLES: [&[u8]; 4] = [
    include_bytes!("../corpus/event_envelope/charge_succeeded.json"),
    include_bytes!("../corpus/event_envelope/subscription_updated.json"),
    include_bytes!("../corpus/event_envelope/legacy_request_string.json"),
    include_bytes!("../corpus/event_envelope/invoice_upcoming_no_id.json"),
];

#[derive(Debug, Arbitrary)]
struct EventBody {
    /// `evt_fuzz_<n>`: few ids, so redeliveries and conflicts happen.
    id: u8,
    event_type: EventType,
    created: i64,
    livemode: bool,
    object_id: Option<u8>,
    amount: i64,
    metadata: Vec<(String, String)>,
    previous_amount: Option<i64>,
    request: Option<String>,
    /// Members added at the top level.
    extra: Vec<(String, String)>,
}

#[derive(Debug, Arbitrary)]
enum EventType {
    ChargeSucceeded,
    CustomerUpdated,
    CustomerDeleted,
    InvoiceUpcoming,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Signature {
    Absent,
    /// Any header value bytes.
    Raw(Vec<u8>),
    /// Signed as Stripe signs, with `which` secret, `offset` seconds from now; then the body may
    /// be altered (`tamper`: index and XOR mask) and items added around the signature.
    Signed {
        which: WhichSecret,
        offset: i32,
        tamper: Option<(u16, u8)>,
        before: Vec<Item>,
        after: Vec<Item>,
    },
}

#[derive(Debug, Arbitrary)]
enum WhichSecret {
    Active,
    Expired,
    Unknown(u64),
}

#[derive(Debug, Arbitrary)]
enum Item {
    T(i64),
    V1([u8; 32]),
    V0([u8; 32]),
    Raw(String),
}

#[derive(Debug, Arbitrary)]
enum HeaderChoice {
    StripeSignature,
    ContentType,
    ContentLength,
    ForwardedFor,
    Other(String),
}

impl EventBody {
    fn to_json(&self) -> Vec<u8> {
        let event_type = match &self.event_type {
            EventType::ChargeSucceeded => "charge.succeeded",
            EventType::CustomerUpdated => "customer.updated",
            EventType::CustomerDeleted => "customer.deleted",
            EventType::InvoiceUpcoming => "invoice.upcoming",
            EventType::Other(other) => other,
        };
        let kind = event_type.split('.').next().unwrap_or_default();
        let mut object = json!({
            "object": kind,
            "amount": self.amount,
            "livemode": self.livemode,
            "metadata": self
                .metadata
                .iter()
                .map(|(key, value)| (key.clone(), Value::from(value.as_str())))
                .collect::<serde_json::Map<String, Value>>(),
        });
        if let Some(n) = self.object_id {
            object["id"] = json!(format!("{}_fuzz_{n}", &kind[..kind.len().min(3)]));
        }
        let mut event = json!({
            "id": format!("evt_fuzz_{}", self.id),
            "object": "event",
            "api_version": "2024-06-20",
            "created": self.created,
            "livemode": self.livemode,
            "pending_webhooks": 1,
            "request": self.request,
            "type": event_type,
            "data": { "object": object },
        });
        if let Some(previous) = self.previous_amount {
            event["data"]["previous_attributes"] = json!({ "amount": previous });
        }
        for (key, value) in &self.extra {
            event[key] = json!(value);
        }
        serde_json::to_vec(&event).expect("JSON serializes")
    }
}

fn item(item: &Item) -> String {
    match item {
        Item::T(t) => format!("t={t}"),
        Item::V1(sig) => format!("v1={}", hex::encode(sig)),
        Item::V0(sig) => format!("v0={}", hex::encode(sig)),
        Item::Raw(raw) => raw.clone(),
    }
}

/// The request, and the body it carries (after any tampering).
fn request(input: &Input, endpoint: &Endpoint) -> Option<(Request<HttpBody>, Vec<u8>)> {
    let method = match &input.method {
        HttpMethod::Post => Method::POST,
        HttpMethod::Get => Method::GET,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Other(other) => Method::from_bytes(other.as_bytes()).ok()?,
    };
    let uri = match &input.target {
        Target::Endpoint {
            form,
            trailing_slash,
            query,
        } => {
            let uuid = endpoint.uuid;
            let id = match form {
                UuidForm::Hyphenated => uuid.hyphenated().to_string(),
                UuidForm::Simple => uuid.simple().to_string(),
                UuidForm::Upper => uuid.hyphenated().to_string().to_uppercase(),
                UuidForm::Braced => uuid.braced().to_string(),
                UuidForm::Urn => uuid.urn().to_string(),
            };
            let slash = if *trailing_slash { "/" } else { "" };
            match query {
                Some(query) => format!("/webhooks/{id}{slash}?{query}"),
                None => format!("/webhooks/{id}{slash}"),
            }
        }
        Target::OtherEndpoint(bytes) => {
            format!("/webhooks/{}", uuid_text(*bytes))
        }
        Target::Healthz => "/healthz".into(),
        Target::Metrics => "/metrics".into(),
        Target::Raw(raw) => raw.clone(),
    };
    let mut body = match &input.body {
        Body::Raw(bytes) => bytes.clone(),
        Body::Event(event) => event.to_json(),
        Body::Sample(n) => SAMPLES[usize::from(*n) % SAMPLES.len()].to_vec(),
    };
    let signature = match &input.signature {
        Signature::Absent => None,
        Signature::Raw(bytes) => Some(bytes.clone()),
        Signature::Signed {
            which,
            offset,
            tamper,
            before,
            after,
        } => {
            let key = match which {
                WhichSecret::Active => secret(SECRET),
                WhichSecret::Expired => secret(EXPIRED_SECRET),
                WhichSecret::Unknown(n) => secret(&format!("whsec_fuzz_unknown_{n}")),
            };
            let t = NOW + i64::from(*offset);
            let mut items: Vec<String> = before.iter().map(item).collect();
            items.push(format!("t={t}"));
            items.push(format!("v1={}", signature_hex(&body, &key, t)));
            items.extend(after.iter().map(item));
            if let Some((index, mask)) = tamper {
                if !body.is_empty() {
                    let i = usize::from(*index) % body.len();
                    body[i] ^= mask;
                }
            }
            Some(items.join(",").into_bytes())
        }
    };
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(signature) = signature {
        builder = builder.header(SIGNATURE_HEADER, HeaderValue::from_bytes(&signature).ok()?);
    }
    for (name, value) in &input.headers {
        let name = match name {
            HeaderChoice::StripeSignature => HeaderName::from_static(SIGNATURE_HEADER),
            HeaderChoice::ContentType => HeaderName::from_static("content-type"),
            HeaderChoice::ContentLength => HeaderName::from_static("content-length"),
            HeaderChoice::ForwardedFor => HeaderName::from_static("x-forwarded-for"),
            HeaderChoice::Other(other) => match HeaderName::from_bytes(other.as_bytes()) {
                Ok(name) => name,
                Err(_) => continue,
            },
        };
        let Ok(value) = HeaderValue::from_bytes(value) else {
            continue;
        };
        builder = builder.header(name, value);
    }
    let request = builder.body(HttpBody::from(body.clone())).ok()?;
    Some((request, body))
}

/// A UUID from 16 bytes, as text (random bytes are not necessarily a valid version: the router
/// must not care).
fn uuid_text(bytes: [u8; 16]) -> String {
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fuzz_target!(|input: Input| {
    let fixture = fixture();
    let Some((request, body)) = request(&input, &fixture.endpoint) else {
        return;
    };
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let signature = request
        .headers()
        .get(SIGNATURE_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let response = fixture
        .tokio
        .block_on(fixture.router.clone().oneshot(request))
        .expect("the router is infallible");
    let status = response.status();
    // Read the whole answer: producing it must not panic either.
    let answer = fixture
        .tokio
        .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
        .expect("the answer's body");
    if !status.is_success() {
        return;
    }
    let unsigned_route = (method == Method::GET || method == Method::HEAD)
        && (path == "/healthz" || path == "/metrics");
    if unsigned_route {
        return;
    }
    let verdict = verify(
        &body,
        signature.as_deref(),
        &fixture.endpoint.active_secrets(NOW),
        fixture.endpoint.tolerance_secs,
        NOW,
    );
    assert!(
        verdict.is_ok(),
        "{method} {path} answered {status} ({}) although the signature does not verify ({verdict:?}); \
         signature {signature:?}, body {:?}",
        String::from_utf8_lossy(&answer),
        String::from_utf8_lossy(&body),
    );
});
