//! Bad input (issue 14): well over a hundred malformed requests, each sent over a real socket to
//! a real server on both backends, each checked for its exact status and for the delivery row
//! the processing contract says it leaves (README "Processing contract" and "Signature
//! verification"; PRODUCT §4, §5, §6):
//!
//! - a request that never reaches a known, enabled endpoint (404), uses another method (405),
//!   or whose body is over the limit (413) leaves no row;
//! - every other request leaves exactly one row: `valid = false`, outcome `invalid` and the
//!   failure class for what fails validation (400, and the answer does not name the class); the
//!   event committed and outcome `processed` for what is genuine (200).
//!
//! The cases are one table ([`table`]), run in one test per backend. The binary captures every
//! log line (level TRACE) and, after the table ran, checks that the endpoint's signing secret
//! (and the other secret the table signs with) never reached the log, and that the failure class
//! of every invalid delivery did (PRODUCT §4.4).
//!
//! The cases this suite found wrong when it was written (several `Stripe-Signature` lines, a
//! path that is not UTF-8, an announced oversize body, events written as arrays, values
//! PostgreSQL cannot store) were settled in issue 14 and are in the table with the rest.

use std::sync::LazyLock;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::Method;
use serde_json::{json, Value};
use stripe_receiver::delivery::{Delivery, Outcome};
use stripe_receiver::endpoint::{EndpointSecret, NewEndpoint};
use stripe_receiver::signature::testing::{sign, signature_hex};
use stripe_receiver::signature::Secret;
use stripe_receiver::store::deliveries::{self, DeliveryFilter};
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};
use stripe_receiver_workspace::log_capture::LogCapture;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The body limit by default, in bytes (PRODUCT §8, `STRIPE_RECEIVER_MAX_BODY`).
const LIMIT: usize = 2 * 1024 * 1024;

/// How long one request may take before the case counts as hung.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

// ---- the table's vocabulary ----------------------------------------------------------------

/// What a case's request is built from.
struct Ctx {
    /// `http://127.0.0.1:<port>`.
    base: String,
    /// `127.0.0.1:<port>`, for raw connections.
    addr: String,
    /// The endpoint's webhook URL.
    url: String,
    /// The endpoint's UUID, as in its URL.
    uuid: String,
    /// The URL of a second endpoint, disabled.
    disabled_url: String,
    /// The disabled endpoint's signing secret.
    disabled_secret: Secret,
    /// The endpoint's signing secret.
    secret: Secret,
    /// A secret of no endpoint here.
    other_secret: Secret,
    /// The endpoint's second secret, active (as during a secret roll).
    rolled_secret: Secret,
    /// A secret of the endpoint that expired in 1970.
    expired_secret: Secret,
}

impl Ctx {
    /// The path of the endpoint's URL (`/webhooks/<uuid>`).
    fn path(&self) -> &str {
        self.url
            .strip_prefix(&self.base)
            .expect("the URL is under the base")
    }

    /// A `Stripe-Signature` header for `body`, signed now with the endpoint's secret.
    fn sign(&self, body: &[u8]) -> String {
        sign(body, &self.secret, now())
    }

    /// The `v1` value for `body` signed at `t` with the endpoint's secret.
    fn v1(&self, body: &[u8], t: i64) -> String {
        signature_hex(body, &self.secret, t)
    }
}

/// A request as it goes over the wire.
enum Wire {
    /// Sent by reqwest (HTTP/1.1). `headers` are appended in order, so a name may repeat.
    Http {
        method: Method,
        url: String,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Vec<u8>,
    },
    /// Written as they are on a fresh connection, for what an HTTP client will not send (a body
    /// shorter than its `Content-Length`, broken chunked framing). `close_write` shuts the
    /// write half once written (so the server sees the end of input); `body` is the body the
    /// server is to store, if the request leaves a row.
    Raw {
        bytes: Vec<u8>,
        close_write: bool,
        body: Vec<u8>,
    },
}

impl Wire {
    /// The body the delivery row must hold, byte for byte.
    fn stored_body(&self) -> &[u8] {
        match self {
            Wire::Http { body, .. } | Wire::Raw { body, .. } => body,
        }
    }
}

/// The delivery row a case must leave (PRODUCT §4.3).
#[derive(Debug, Clone, Copy)]
enum Row {
    /// No row, and nothing else stored: 404, 405, 413, a request that never completed.
    None,
    /// Exactly one row, `valid = false`, outcome `invalid`, this failure class in `error`;
    /// nothing else stored.
    Invalid(&'static str),
    /// Exactly one row, `valid = true`, outcome `processed`, this event id committed.
    Processed(&'static str),
}

type Build = Box<dyn Fn(&Ctx) -> Wire + Send + Sync>;

/// One malformed (or, as a control, well-formed) request and what it must come to.
struct Case {
    name: String,
    status: u16,
    row: Row,
    build: Build,
}

/// The table under construction.
#[derive(Default)]
struct Table(Vec<Case>);

impl Table {
    fn add(
        &mut self,
        name: impl Into<String>,
        status: u16,
        row: Row,
        build: impl Fn(&Ctx) -> Wire + Send + Sync + 'static,
    ) {
        let name = name.into();
        assert!(
            self.0.iter().all(|c| c.name != name),
            "two cases named {name:?}"
        );
        self.0.push(Case {
            name,
            status,
            row,
            build: Box::new(build),
        });
    }

    /// A body whose `Stripe-Signature` is `header` (built from the context), to the endpoint.
    fn header(
        &mut self,
        name: &str,
        status: u16,
        row: Row,
        header: impl Fn(&Ctx, &[u8]) -> Vec<u8> + Send + Sync + 'static,
    ) {
        let id = match row {
            Row::Processed(id) => id,
            _ => "evt_bad_header",
        };
        self.add(format!("signature: {name}"), status, row, move |c| {
            let body = ev(id);
            let value = header(c, &body);
            post(&c.url, body, vec![json_type(), signature(&value)])
        });
    }

    /// A genuine event, signed now with the endpoint's secret, to a URL that is not the
    /// endpoint's: 404, empty body, no row (PRODUCT §4.1).
    fn route(&mut self, name: &str, url: impl Fn(&Ctx) -> String + Send + Sync + 'static) {
        self.add(format!("route: {name}"), 404, Row::None, move |c| {
            signed_to(c, &url(c), ev("evt_bad_route"))
        });
    }

    /// A body built from the context, signed now, to the endpoint.
    fn signed(
        &mut self,
        name: &str,
        status: u16,
        row: Row,
        body: impl Fn() -> Vec<u8> + Send + Sync + 'static,
    ) {
        self.add(name, status, row, move |c| signed(c, body()));
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        .try_into()
        .expect("fits i64")
}

/// A genuine Stripe-shaped event body (compact JSON), a charge with an id of its own.
fn ev(id: &str) -> Vec<u8> {
    event(id, "charge.failed", charge(&format!("ch_{id}"), 100)).into_bytes()
}

/// [`ev`] as a JSON value, to be changed.
fn ev_value(id: &str) -> Value {
    serde_json::from_slice(&ev(id)).expect("JSON")
}

/// [`ev`] with `data.object.metadata.padding` so that the body is exactly `len` bytes.
fn ev_of_len(id: &str, len: usize) -> Vec<u8> {
    let mut v = ev_value(id);
    v["data"]["object"]["metadata"] = json!({ "padding": "" });
    let bare = serde_json::to_vec(&v).expect("JSON").len();
    v["data"]["object"]["metadata"]["padding"] = json!("x".repeat(len - bare));
    let body = serde_json::to_vec(&v).expect("JSON");
    assert_eq!(body.len(), len);
    body
}

/// [`ev`] as text.
fn ev_text(id: &str) -> String {
    String::from_utf8(ev(id)).expect("UTF-8")
}

fn post(url: &str, body: Vec<u8>, headers: Vec<(HeaderName, HeaderValue)>) -> Wire {
    Wire::Http {
        method: Method::POST,
        url: url.to_owned(),
        headers,
        body,
    }
}

/// `body`, signed now with the endpoint's secret, POSTed to the endpoint.
fn signed(c: &Ctx, body: Vec<u8>) -> Wire {
    signed_to(c, &c.url, body)
}

/// `body`, signed now with the endpoint's secret, POSTed to `url`.
fn signed_to(c: &Ctx, url: &str, body: Vec<u8>) -> Wire {
    let header = c.sign(&body);
    post(url, body, vec![json_type(), signature(header.as_bytes())])
}

fn json_type() -> (HeaderName, HeaderValue) {
    (
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    )
}

fn signature(value: &[u8]) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static("stripe-signature"),
        HeaderValue::from_bytes(value).expect("a header value HTTP allows"),
    )
}

fn header(name: &'static str, value: &[u8]) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static(name),
        HeaderValue::from_bytes(value).expect("a header value HTTP allows"),
    )
}

/// `value` with the first occurrence of `from` replaced by `to`, as bytes.
fn replace_bytes(value: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = value
        .windows(from.len())
        .position(|w| w == from)
        .expect("the pattern is in the body");
    [&value[..at], to, &value[at + from.len()..]].concat()
}

/// A header value from text.
fn bytes(text: String) -> Vec<u8> {
    text.into_bytes()
}

/// A raw HTTP/1.1 request head for `path` with these extra header lines.
fn raw_head(c: &Ctx, method: &str, path: &str, lines: &[String]) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", c.addr);
    for line in lines {
        head.push_str(line);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

// ---- the table -----------------------------------------------------------------------------

/// Every case whose current answer is the contract's.
fn table() -> Vec<Case> {
    let mut t = Table::default();
    routes(&mut t);
    methods(&mut t);
    sizes(&mut t);
    truncated(&mut t);
    encodings(&mut t);
    nesting(&mut t);
    duplicate_keys(&mut t);
    not_events(&mut t);
    syntax(&mut t);
    content_types(&mut t);
    signature_headers(&mut t);
    framing(&mut t);
    extremes(&mut t);
    several_signature_lines(&mut t);
    edges(&mut t);
    t.add(
        "control: a genuine event",
        200,
        Row::Processed("evt_bi_control"),
        |c| signed(c, ev("evt_bi_control")),
    );
    t.0
}

/// §4.1: unknown or disabled endpoint, or no endpoint route at all: 404, empty body, no row.
fn routes(t: &mut Table) {
    for (name, uuid) in [
        (
            "unknown endpoint UUID (v4)",
            "3f1c2a9e-7b4d-4e2a-9c1f-0a1b2c3d4e5f",
        ),
        ("the nil UUID", "00000000-0000-0000-0000-000000000000"),
        ("the max UUID", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
        ("not a UUID", "not-a-uuid"),
        ("a number", "12345"),
        (
            "a UUID with a non-hex digit",
            "3f1c2a9e-7b4d-4e2a-9c1f-0a1b2c3d4e5g",
        ),
        (
            "a UUID with hyphens misplaced",
            "3f1c2a9e7-b4d-4e2a-9c1f-0a1b2c3d4e5f",
        ),
        ("percent-encoded dots", "%2e%2e"),
        ("percent-encoded non-ASCII (valid UTF-8)", "%C3%A9t%C3%A9"),
    ] {
        t.route(name, move |c| format!("{}/webhooks/{uuid}", c.base));
    }
    t.route("a 10,000-character segment", |c| {
        format!("{}/webhooks/{}", c.base, "a".repeat(10_000))
    });
    t.route("the endpoint's UUID without its last digit", |c| {
        c.url[..c.url.len() - 1].to_owned()
    });
    t.route("the endpoint's UUID with a digit more", |c| {
        format!("{}0", c.url)
    });
    t.route("the endpoint's UUID with a path segment after it", |c| {
        format!("{}/extra", c.url)
    });
    t.route("the endpoint's UUID with two trailing slashes", |c| {
        format!("{}//", c.url)
    });
    t.route("/webhooks/ without a UUID", |c| {
        format!("{}/webhooks/", c.base)
    });
    t.route("/webhooks", |c| format!("{}/webhooks", c.base));
    t.route("/webhook/<uuid> (singular)", |c| {
        format!("{}/webhook/{}", c.base, c.uuid)
    });
    t.add(
        "route: a disabled endpoint, signed with its own secret",
        404,
        Row::None,
        |c| {
            let body = ev("evt_bad_route");
            let sig = sign(&body, &c.disabled_secret, now());
            post(
                &c.disabled_url,
                body,
                vec![json_type(), signature(sig.as_bytes())],
            )
        },
    );
    t.add(
        "route: a query string is ignored",
        200,
        Row::Processed("evt_bi_query"),
        |c| signed_to(c, &format!("{}?uuid=0&x=%FF", c.url), ev("evt_bi_query")),
    );
}

/// §6: other methods than POST: 405, no row.
fn methods(t: &mut Table) {
    for method in [
        Method::GET,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::from_bytes(b"PURGE").expect("a method"),
    ] {
        t.add(
            format!("method: {method} on the endpoint"),
            405,
            Row::None,
            move |c| {
                let body = if method == Method::GET || method == Method::HEAD {
                    Vec::new()
                } else {
                    ev("evt_bad_method")
                };
                let sig = c.sign(&body);
                Wire::Http {
                    method: method.clone(),
                    url: c.url.clone(),
                    headers: vec![json_type(), signature(sig.as_bytes())],
                    body,
                }
            },
        );
    }
    t.add(
        "method: GET on the endpoint with a trailing slash",
        405,
        Row::None,
        |c| Wire::Http {
            method: Method::GET,
            url: format!("{}/", c.url),
            headers: Vec::new(),
            body: Vec::new(),
        },
    );
    t.add("method: GET on an unknown endpoint", 405, Row::None, |c| {
        Wire::Http {
            method: Method::GET,
            url: format!("{}/webhooks/3f1c2a9e-7b4d-4e2a-9c1f-0a1b2c3d4e5f", c.base),
            headers: Vec::new(),
            body: Vec::new(),
        }
    });
    t.add("method: POST /healthz", 405, Row::None, |c| {
        signed_to(c, &format!("{}/healthz", c.base), ev("evt_bad_method"))
    });
}

/// §4.2: bodies over the limit: 413, no row, whether signed or not; the limit itself passes.
fn sizes(t: &mut Table) {
    t.signed("size: 3 MiB, signed", 413, Row::None, || {
        ev_of_len("evt_bi_3mib", 3 * 1024 * 1024)
    });
    t.add("size: 3 MiB, unsigned", 413, Row::None, |c| {
        post(
            &c.url,
            ev_of_len("evt_bi_3mib", 3 * 1024 * 1024),
            vec![json_type()],
        )
    });
    t.add("size: 3 MiB of zero bytes, unsigned", 413, Row::None, |c| {
        post(&c.url, vec![0; 3 * 1024 * 1024], Vec::new())
    });
    t.signed("size: the limit + 1 byte, signed", 413, Row::None, || {
        ev_of_len("evt_bi_limit_plus_1", LIMIT + 1)
    });
    t.signed(
        "size: exactly the limit, signed",
        200,
        Row::Processed("evt_bi_limit"),
        || ev_of_len("evt_bi_limit", LIMIT),
    );
}

/// Bodies cut short: signed as cut (not JSON: 400 `body_not_json`) or signed whole and sent cut
/// (400 `no_matching_signature`).
fn truncated(t: &mut Table) {
    let whole = || ev("evt_bad_truncated");
    t.signed(
        "truncated: the first byte only, signed as sent",
        400,
        Row::Invalid("body_not_json"),
        move || whole()[..1].to_vec(),
    );
    t.signed(
        "truncated: half the body, signed as sent",
        400,
        Row::Invalid("body_not_json"),
        move || {
            let b = whole();
            b[..b.len() / 2].to_vec()
        },
    );
    t.signed(
        "truncated: the last byte missing, signed as sent",
        400,
        Row::Invalid("body_not_json"),
        move || {
            let b = whole();
            b[..b.len() - 1].to_vec()
        },
    );
    t.signed(
        "truncated: inside a string, signed as sent",
        400,
        Row::Invalid("body_not_json"),
        move || {
            let b = whole();
            let at = b.windows(4).position(|w| w == b"usd\"").expect("usd");
            b[..at + 2].to_vec()
        },
    );
    t.signed(
        "truncated: the empty body, signed",
        400,
        Row::Invalid("body_not_json"),
        Vec::new,
    );
    t.add(
        "truncated: the empty body, unsigned",
        400,
        Row::Invalid("missing_header"),
        |c| post(&c.url, Vec::new(), vec![json_type()]),
    );
    t.add(
        "truncated: signed whole, sent without its last byte",
        400,
        Row::Invalid("no_matching_signature"),
        move |c| {
            let b = whole();
            let sig = c.sign(&b);
            post(
                &c.url,
                b[..b.len() - 1].to_vec(),
                vec![json_type(), signature(sig.as_bytes())],
            )
        },
    );
    t.add(
        "truncated: signed whole, sent half",
        400,
        Row::Invalid("no_matching_signature"),
        move |c| {
            let b = whole();
            let sig = c.sign(&b);
            post(
                &c.url,
                b[..b.len() / 2].to_vec(),
                vec![json_type(), signature(sig.as_bytes())],
            )
        },
    );
    t.add(
        "truncated: signed whole, sent empty",
        400,
        Row::Invalid("no_matching_signature"),
        move |c| {
            let sig = c.sign(&whole());
            post(
                &c.url,
                Vec::new(),
                vec![json_type(), signature(sig.as_bytes())],
            )
        },
    );
}

/// Bytes that are not UTF-8, or not JSON text: verified, then 400 `body_not_json`.
fn encodings(t: &mut Table) {
    let swap = |from: &'static [u8], to: &'static [u8]| {
        move || replace_bytes(&ev("evt_bad_utf8"), from, to)
    };
    t.signed(
        "UTF-8: 0xFF inside a string",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"u\xffd"),
    );
    t.signed(
        "UTF-8: a lone continuation byte",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"u\x80d"),
    );
    t.signed(
        "UTF-8: an overlong encoding of '/'",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"u\xc0\xafd"),
    );
    t.signed(
        "UTF-8: an encoded surrogate (CESU-8)",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"u\xed\xa0\x80d"),
    );
    t.signed(
        "UTF-8: a multibyte sequence cut before the quote",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd\"", b"usd\xe2\x82\""),
    );
    t.signed(
        "UTF-8: Latin-1 e-acute",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"caf\xe9"),
    );
    t.signed(
        "UTF-8: a code point above U+10FFFF",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"\xf4\x90\x80\x80"),
    );
    t.signed(
        "UTF-8: a byte order mark before the JSON",
        400,
        Row::Invalid("body_not_json"),
        || [b"\xef\xbb\xbf".as_slice(), &ev("evt_bad_utf8")].concat(),
    );
    t.signed(
        "UTF-16LE: the whole body",
        400,
        Row::Invalid("body_not_json"),
        || {
            ev_text("evt_bad_utf8")
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect()
        },
    );
    t.signed(
        "JSON: an escaped lone surrogate",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"\\ud800"),
    );
    t.signed(
        "JSON: a raw NUL byte inside a string",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"u\x00d"),
    );
    t.signed(
        "JSON: a raw newline inside a string",
        400,
        Row::Invalid("body_not_json"),
        swap(b"usd", b"u\nd"),
    );
    t.add(
        "UTF-8: 0xFF inside a string, unsigned",
        400,
        Row::Invalid("missing_header"),
        |c| {
            post(
                &c.url,
                replace_bytes(&ev("evt_bad_utf8"), b"usd", b"u\xffd"),
                vec![json_type()],
            )
        },
    );
    t.signed(
        "UTF-8: multibyte text and escapes (control)",
        200,
        Row::Processed("evt_bi_utf8"),
        || {
            replace_bytes(
                &ev("evt_bi_utf8"),
                b"\"usd\"",
                "\"usd\",\"description\":\"Caf\u{e9} \u{2615} \u{6771}\u{4eac} \u{1f600} \\u00e9\\ud83d\\ude00\""
                    .as_bytes(),
            )
        },
    );
}

/// Deep nesting: serde_json's recursion limit (128) refuses it: 400 `body_not_json`, the
/// server stays up; moderate nesting in `data.object` is a genuine event.
fn nesting(t: &mut Table) {
    const DEEP: usize = 5_000;
    t.signed(
        "nesting: 5,000 arrays deep",
        400,
        Row::Invalid("body_not_json"),
        || ["[".repeat(DEEP), "]".repeat(DEEP)].concat().into_bytes(),
    );
    t.signed(
        "nesting: 5,000 objects deep",
        400,
        Row::Invalid("body_not_json"),
        || {
            ["{\"a\":".repeat(DEEP), "1".into(), "}".repeat(DEEP)]
                .concat()
                .into_bytes()
        },
    );
    t.signed(
        "nesting: 5,000 deep inside data.object",
        400,
        Row::Invalid("body_not_json"),
        || {
            let deep = ["{\"a\":".repeat(DEEP), "1".into(), "}".repeat(DEEP)].concat();
            replace_bytes(
                &ev("evt_bad_nesting"),
                b"\"metadata\":{}",
                format!("\"metadata\":{deep}").as_bytes(),
            )
        },
    );
    t.signed(
        "nesting: 5,000 unclosed arrays",
        400,
        Row::Invalid("body_not_json"),
        || "[".repeat(DEEP).into_bytes(),
    );
    t.add(
        "nesting: 5,000 arrays deep, unsigned",
        400,
        Row::Invalid("missing_header"),
        |c| {
            post(
                &c.url,
                ["[".repeat(DEEP), "]".repeat(DEEP)].concat().into_bytes(),
                vec![json_type()],
            )
        },
    );
    t.signed(
        "nesting: 100 deep inside data.object (control)",
        200,
        Row::Processed("evt_bi_nest100"),
        || {
            let deep = ["{\"a\":".repeat(100), "1".into(), "}".repeat(100)].concat();
            replace_bytes(
                &ev("evt_bi_nest100"),
                b"\"metadata\":{}",
                format!("\"metadata\":{deep}").as_bytes(),
            )
        },
    );
}

/// Duplicate member names (RFC 8259 §4 leaves them to the parser): the last one wins, as in
/// `JSON.parse`, Python's `json` and Go's `encoding/json` that Stripe's libraries use; the
/// delivery is genuine (signed), so it is processed under the last value.
fn duplicate_keys(t: &mut Table) {
    t.signed(
        "duplicate keys: id twice, the last wins",
        200,
        Row::Processed("evt_bi_dup_id_last"),
        || {
            replace_bytes(
                &ev("evt_bi_dup_id_first"),
                b"\"id\":\"evt_bi_dup_id_first\"",
                b"\"id\":\"evt_bi_dup_id_first\",\"id\":\"evt_bi_dup_id_last\"",
            )
        },
    );
    t.signed(
        "duplicate keys: type twice",
        200,
        Row::Processed("evt_bi_dup_type"),
        || {
            replace_bytes(
                &ev("evt_bi_dup_type"),
                b"\"type\":\"charge.failed\"",
                b"\"type\":\"charge.failed\",\"type\":\"charge.succeeded\"",
            )
        },
    );
    t.signed(
        "duplicate keys: data twice",
        200,
        Row::Processed("evt_bi_dup_data"),
        || {
            replace_bytes(
                &ev("evt_bi_dup_data"),
                b"\"data\":{",
                b"\"data\":{\"object\":{\"object\":\"charge\",\"id\":\"ch_first\"}},\"data\":{",
            )
        },
    );
    t.signed(
        "duplicate keys: inside data.object",
        200,
        Row::Processed("evt_bi_dup_inner"),
        || {
            replace_bytes(
                &ev("evt_bi_dup_inner"),
                b"\"amount\":100,",
                b"\"amount\":100,\"amount\":200,",
            )
        },
    );
    t.signed(
        "duplicate keys: object \"event\" then \"charge\"",
        400,
        Row::Invalid("not_an_event"),
        || {
            replace_bytes(
                &ev("evt_bad_dup_object"),
                b"\"object\":\"event\"",
                b"\"object\":\"event\",\"object\":\"charge\"",
            )
        },
    );
}

/// JSON that is no event: 400 `not_an_event` (PRODUCT §5, "body not JSON / not an event").
fn not_events(t: &mut Table) {
    let text = |s: &'static str| move || s.as_bytes().to_vec();
    for (name, body) in [
        ("an empty array", "[]"),
        ("a string", "\"evt_1\""),
        ("a number", "42"),
        ("a negative float", "-1.5e3"),
        ("null", "null"),
        ("true", "true"),
        ("an empty object", "{}"),
    ] {
        t.signed(
            &format!("not an event: {name}"),
            400,
            Row::Invalid("not_an_event"),
            text(body),
        );
    }
    t.signed(
        "not an event: an array holding a genuine event",
        400,
        Row::Invalid("not_an_event"),
        || [b"[".as_slice(), &ev("evt_bad_in_array"), b"]"].concat(),
    );
    type Change = fn(&mut Value);
    let changes: [(&str, Change); 17] = [
        ("no id", |v| drop(v.as_object_mut().unwrap().remove("id"))),
        ("no type", |v| {
            drop(v.as_object_mut().unwrap().remove("type"))
        }),
        ("no data", |v| {
            drop(v.as_object_mut().unwrap().remove("data"))
        }),
        ("no data.object", |v| v["data"] = json!({})),
        ("no created", |v| {
            drop(v.as_object_mut().unwrap().remove("created"))
        }),
        ("id null", |v| v["id"] = Value::Null),
        ("id a number", |v| v["id"] = json!(123)),
        ("id empty", |v| v["id"] = json!("")),
        ("type null", |v| v["type"] = Value::Null),
        ("type empty", |v| v["type"] = json!("")),
        ("type an array", |v| v["type"] = json!(["charge.failed"])),
        ("data.object an array", |v| v["data"]["object"] = json!([])),
        ("data.object null", |v| v["data"]["object"] = Value::Null),
        ("data.object a string", |v| {
            v["data"]["object"] = json!("ch_1")
        }),
        ("object \"charge\"", |v| v["object"] = json!("charge")),
        ("created a string", |v| v["created"] = json!("1700000000")),
        ("created a float", |v| v["created"] = json!(1.7e9)),
    ];
    for (name, change) in changes {
        t.signed(
            &format!("not an event: {name}"),
            400,
            Row::Invalid("not_an_event"),
            move || {
                let mut v = ev_value("evt_bad_not_event");
                change(&mut v);
                serde_json::to_vec(&v).expect("JSON")
            },
        );
    }
}

/// Text that is not JSON: 400 `body_not_json`; whitespace around JSON is JSON.
fn syntax(t: &mut Table) {
    let around = |before: &'static str, after: &'static str| {
        move || [before.as_bytes(), &ev("evt_bad_syntax"), after.as_bytes()].concat()
    };
    t.signed(
        "syntax: garbage after the object",
        400,
        Row::Invalid("body_not_json"),
        around("", "xyz"),
    );
    t.signed(
        "syntax: two objects",
        400,
        Row::Invalid("body_not_json"),
        around("", "{}"),
    );
    t.signed(
        "syntax: a comment before the object",
        400,
        Row::Invalid("body_not_json"),
        around("/* hi */", ""),
    );
    t.signed(
        "syntax: a trailing comma",
        400,
        Row::Invalid("body_not_json"),
        || replace_bytes(&ev("evt_bad_syntax"), b"}}", b",}}"),
    );
    t.signed(
        "syntax: single quotes",
        400,
        Row::Invalid("body_not_json"),
        || ev_text("evt_bad_syntax").replace('"', "'").into_bytes(),
    );
    t.signed(
        "syntax: an unquoted member name",
        400,
        Row::Invalid("body_not_json"),
        || replace_bytes(&ev("evt_bad_syntax"), b"\"livemode\"", b"livemode"),
    );
    t.signed("syntax: NaN", 400, Row::Invalid("body_not_json"), || {
        replace_bytes(&ev("evt_bad_syntax"), b"\"amount\":100", b"\"amount\":NaN")
    });
    t.signed(
        "syntax: a number out of range (1e400)",
        400,
        Row::Invalid("body_not_json"),
        || {
            replace_bytes(
                &ev("evt_bad_syntax"),
                b"\"amount\":100",
                b"\"amount\":1e400",
            )
        },
    );
    t.signed(
        "syntax: form-encoded",
        400,
        Row::Invalid("body_not_json"),
        || b"id=evt_1&type=charge.failed".to_vec(),
    );
    t.signed(
        "syntax: whitespace around the object (control)",
        200,
        Row::Processed("evt_bi_ws"),
        || [b" \r\n\t".as_slice(), &ev("evt_bi_ws"), b"\n\n"].concat(),
    );
}

/// The content type is not signed and not read: a signed body is judged by its bytes alone,
/// whatever `Content-Type` says; an unsigned one is refused for its missing signature.
fn content_types(t: &mut Table) {
    for (content_type, id) in [
        (Some("text/plain"), "evt_bi_ct_text"),
        (Some("application/x-www-form-urlencoded"), "evt_bi_ct_form"),
        (
            Some("multipart/form-data; boundary=xyz"),
            "evt_bi_ct_multipart",
        ),
        (Some("application/xml"), "evt_bi_ct_xml"),
        (Some("application/json; charset=utf-16"), "evt_bi_ct_utf16"),
        (Some("???"), "evt_bi_ct_junk"),
        (None, "evt_bi_ct_none"),
    ] {
        t.add(
            format!("content type: {}", content_type.unwrap_or("none")),
            200,
            Row::Processed(id),
            move |c| {
                let body = ev(id);
                let sig = c.sign(&body);
                let mut headers = vec![signature(sig.as_bytes())];
                if let Some(ct) = content_type {
                    headers.push(header("content-type", ct.as_bytes()));
                }
                post(&c.url, body, headers)
            },
        );
    }
    t.add(
        "content type: two Content-Type lines",
        200,
        Row::Processed("evt_bi_ct_two"),
        |c| {
            let body = ev("evt_bi_ct_two");
            let sig = c.sign(&body);
            post(
                &c.url,
                body,
                vec![
                    header("content-type", b"text/plain"),
                    header("content-type", b"application/json"),
                    signature(sig.as_bytes()),
                ],
            )
        },
    );
    t.add(
        "content type: a form post, unsigned",
        400,
        Row::Invalid("missing_header"),
        |c| {
            post(
                &c.url,
                b"id=evt_1&type=charge.failed".to_vec(),
                vec![header("content-type", b"application/x-www-form-urlencoded")],
            )
        },
    );
    t.add(
        "content type: multipart, unsigned",
        400,
        Row::Invalid("missing_header"),
        |c| {
            post(
                &c.url,
                b"--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--\r\n"
                    .to_vec(),
                vec![header("content-type", b"multipart/form-data; boundary=xyz")],
            )
        },
    );
}

/// Every malformation of `Stripe-Signature` (PRODUCT §5) on a genuine event body.
fn signature_headers(t: &mut Table) {
    t.add(
        "signature: missing",
        400,
        Row::Invalid("missing_header"),
        |c| post(&c.url, ev("evt_bad_header"), vec![json_type()]),
    );
    t.add(
        "signature: under another name (Stripe-Signatures)",
        400,
        Row::Invalid("missing_header"),
        |c| {
            let body = ev("evt_bad_header");
            let sig = c.sign(&body);
            post(
                &c.url,
                body,
                vec![json_type(), header("stripe-signatures", sig.as_bytes())],
            )
        },
    );
    t.add(
        "signature: under another name (X-Stripe-Signature)",
        400,
        Row::Invalid("missing_header"),
        |c| {
            let body = ev("evt_bad_header");
            let sig = c.sign(&body);
            post(
                &c.url,
                body,
                vec![json_type(), header("x-stripe-signature", sig.as_bytes())],
            )
        },
    );
    let malformed = Row::Invalid("malformed_header");
    t.header("empty", 400, malformed, |_, _| Vec::new());
    t.header("spaces only", 400, malformed, |_, _| b"   ".to_vec());
    t.header("commas only", 400, malformed, |_, _| b",,,".to_vec());
    t.header("no t=", 400, malformed, move |c, b| {
        bytes(format!("v1={}", c.v1(b, now())))
    });
    t.header("t not a number", 400, malformed, move |c, b| {
        bytes(format!("t=abc,v1={}", c.v1(b, now())))
    });
    t.header("t empty", 400, malformed, move |c, b| {
        bytes(format!("t=,v1={}", c.v1(b, now())))
    });
    t.header(
        "t negative (signed as such)",
        400,
        malformed,
        move |c, b| bytes(sign(b, &c.secret, -now())),
    );
    t.header("t with a plus sign", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("t=+{n},v1={}", c.v1(b, n)))
    });
    t.header("t with a fraction", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("t={n}.5,v1={}", c.v1(b, n)))
    });
    t.header("t in hex", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("t={n:#x},v1={}", c.v1(b, n)))
    });
    t.header("t past i64", 400, malformed, move |c, b| {
        bytes(format!("t=99999999999999999999,v1={}", c.v1(b, now())))
    });
    t.header("T= in upper case", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("T={n},v1={}", c.v1(b, n)))
    });
    t.header("semicolons for commas", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("t={n};v1={}", c.v1(b, n)))
    });
    t.header("t twice, the same value", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("t={n},t={n},v1={}", c.v1(b, n)))
    });
    t.header("t twice, two values", 400, malformed, move |c, b| {
        let n = now();
        bytes(format!("t={},t={n},v1={}", n - 1, c.v1(b, n)))
    });
    t.header("non-ASCII bytes in t", 400, malformed, move |c, b| {
        let n = now();
        [
            b"t=".as_slice(),
            n.to_string().as_bytes(),
            b"\xe9",
            format!(",v1={}", c.v1(b, n)).as_bytes(),
        ]
        .concat()
    });
    t.header("only non-ASCII bytes", 400, malformed, |_, _| {
        b"\xe9\xff\x80\xc3\xa9".to_vec()
    });
    t.header("64 KiB of junk", 400, malformed, |_, _| {
        "x".repeat(64 * 1024).into_bytes()
    });

    let tolerance = Row::Invalid("timestamp_outside_tolerance");
    t.header("t an hour in the future", 400, tolerance, move |c, b| {
        bytes(sign(b, &c.secret, now() + 3600))
    });
    t.header("t 400 s in the future", 400, tolerance, move |c, b| {
        bytes(sign(b, &c.secret, now() + 400))
    });
    t.header("t in the year 2100", 400, tolerance, move |c, b| {
        bytes(sign(b, &c.secret, 4_102_444_800))
    });
    t.header("t 400 s old", 400, tolerance, move |c, b| {
        bytes(sign(b, &c.secret, now() - 400))
    });
    t.header("t a day old", 400, tolerance, move |c, b| {
        bytes(sign(b, &c.secret, now() - 86_400))
    });
    t.header("t zero", 400, tolerance, move |c, b| {
        bytes(sign(b, &c.secret, 0))
    });

    let no_v1 = Row::Invalid("no_v1_signature");
    t.header("no v1", 400, no_v1, |_, _| bytes(format!("t={}", now())));
    t.header("v1 empty", 400, no_v1, |_, _| {
        bytes(format!("t={},v1=", now()))
    });
    t.header("v1 without a value", 400, no_v1, |_, _| {
        bytes(format!("t={},v1", now()))
    });
    t.header("v1 not hex", 400, no_v1, |_, _| {
        bytes(format!("t={},v1={}", now(), "z".repeat(64)))
    });
    t.header("v1 one digit short", 400, no_v1, move |c, b| {
        let n = now();
        let v1 = c.v1(b, n);
        bytes(format!("t={n},v1={}", &v1[..63]))
    });
    t.header("v1 one digit long", 400, no_v1, move |c, b| {
        let n = now();
        bytes(format!("t={n},v1={}0", c.v1(b, n)))
    });
    t.header("v1 twice over in one item", 400, no_v1, move |c, b| {
        let n = now();
        let v1 = c.v1(b, n);
        bytes(format!("t={n},v1={v1}{v1}"))
    });
    t.header("v1 with a space inside", 400, no_v1, move |c, b| {
        let n = now();
        let v1 = c.v1(b, n);
        bytes(format!("t={n},v1={} {}", &v1[..32], &v1[32..]))
    });
    t.header("v1 with a 0x prefix", 400, no_v1, move |c, b| {
        let n = now();
        bytes(format!("t={n},v1=0x{}", c.v1(b, n)))
    });
    t.header("V1= in upper case", 400, no_v1, move |c, b| {
        let n = now();
        bytes(format!("t={n},V1={}", c.v1(b, n)))
    });
    t.header(
        "only v0, carrying the right MAC",
        400,
        no_v1,
        move |c, b| {
            let n = now();
            bytes(format!("t={n},v0={}", c.v1(b, n)))
        },
    );
    t.header("v1 with a sha256= prefix", 400, no_v1, move |c, b| {
        let n = now();
        bytes(format!("t={n},v1=sha256={}", c.v1(b, n)))
    });
    t.header("non-ASCII bytes in v1", 400, no_v1, move |c, b| {
        let n = now();
        let v1 = c.v1(b, n);
        [
            format!("t={n},v1={}", &v1[..63]).as_bytes(),
            b"\xe9".as_slice(),
        ]
        .concat()
    });

    let mismatch = Row::Invalid("no_matching_signature");
    t.header("v1 for another secret", 400, mismatch, move |c, b| {
        bytes(sign(b, &c.other_secret, now()))
    });
    t.header(
        "v1 for a secret of the endpoint that expired",
        400,
        mismatch,
        move |c, b| bytes(sign(b, &c.expired_secret, now())),
    );
    t.header("v1 for another body", 400, mismatch, move |c, _| {
        bytes(sign(&ev("evt_another"), &c.secret, now()))
    });
    t.header(
        "v1 for the body re-serialized with spaces",
        400,
        mismatch,
        move |c, b| {
            let v: Value = serde_json::from_slice(b).expect("JSON");
            let pretty = serde_json::to_vec_pretty(&v).expect("JSON");
            bytes(sign(&pretty, &c.secret, now()))
        },
    );
    t.header(
        "v1 for another timestamp than t",
        400,
        mismatch,
        move |c, b| {
            let n = now();
            bytes(format!("t={n},v1={}", c.v1(b, n - 1)))
        },
    );
    t.header("v1 all zeros", 400, mismatch, |_, _| {
        bytes(format!("t={},v1={}", now(), "0".repeat(64)))
    });
    t.header(
        "a wrong v1 and the right MAC as v0",
        400,
        mismatch,
        move |c, b| {
            let n = now();
            bytes(format!("t={n},v1={},v0={}", "0".repeat(64), c.v1(b, n)))
        },
    );
    t.header("64 KiB of wrong v1 items", 400, mismatch, move |_, _| {
        let n = now();
        let mut h = format!("t={n}");
        while h.len() < 64 * 1024 {
            h.push_str(&format!(",v1={}", "0".repeat(64)));
        }
        h.into_bytes()
    });

    // Shapes that carry the right MAC in a well-formed v1: any v1 may match (PRODUCT §5),
    // unknown items and empty items are skipped, items are trimmed.
    t.header(
        "a wrong v1 before the right one",
        200,
        Row::Processed("evt_bi_h_two_v1"),
        move |c, b| {
            let n = now();
            bytes(format!("t={n},v1={},v1={}", "0".repeat(64), c.v1(b, n)))
        },
    );
    t.header(
        "v1 for the endpoint's second active secret (a roll)",
        200,
        Row::Processed("evt_bi_h_rolled"),
        move |c, b| bytes(sign(b, &c.rolled_secret, now())),
    );
    t.header(
        "the right v1 twice",
        200,
        Row::Processed("evt_bi_h_v1_twice"),
        move |c, b| {
            let n = now();
            let v1 = c.v1(b, n);
            bytes(format!("t={n},v1={v1},v1={v1}"))
        },
    );
    t.header(
        "the right v1 and one for another secret",
        200,
        Row::Processed("evt_bi_h_roll"),
        move |c, b| {
            let n = now();
            bytes(format!(
                "t={n},v1={},v1={}",
                signature_hex(b, &c.other_secret, n),
                c.v1(b, n)
            ))
        },
    );
    t.header(
        "a space after each comma",
        200,
        Row::Processed("evt_bi_h_spaces"),
        move |c, b| {
            let n = now();
            bytes(format!("t={n}, v1={}", c.v1(b, n)))
        },
    );
    t.header(
        "spaces around items and =",
        200,
        Row::Processed("evt_bi_h_spaces_eq"),
        move |c, b| {
            let n = now();
            bytes(format!(" t = {n} , v1 = {} ", c.v1(b, n)))
        },
    );
    t.header(
        "a trailing comma",
        200,
        Row::Processed("evt_bi_h_trailing"),
        move |c, b| {
            let n = now();
            bytes(format!("t={n},v1={},", c.v1(b, n)))
        },
    );
    t.header(
        "leading and doubled commas",
        200,
        Row::Processed("evt_bi_h_commas"),
        move |c, b| {
            let n = now();
            bytes(format!(",t={n},,v1={},,", c.v1(b, n)))
        },
    );
    t.header(
        "unknown items and a bare word",
        200,
        Row::Processed("evt_bi_h_unknown"),
        move |c, b| {
            let n = now();
            bytes(format!("t={n},foo,x=1,v2=abc,v1={}", c.v1(b, n)))
        },
    );
    t.header(
        "an unknown item with non-ASCII bytes",
        200,
        Row::Processed("evt_bi_h_latin1"),
        move |c, b| {
            let n = now();
            [
                format!("t={n},v1={},x=", c.v1(b, n)).as_bytes(),
                b"caf\xe9".as_slice(),
            ]
            .concat()
        },
    );
    t.header(
        "v1 in upper-case hex (the same MAC)",
        200,
        Row::Processed("evt_bi_h_upper"),
        move |c, b| {
            let n = now();
            bytes(format!("t={n},v1={}", c.v1(b, n).to_uppercase()))
        },
    );
    t.header(
        "64 KiB: 1,000 wrong v1 items, then the right one",
        200,
        Row::Processed("evt_bi_h_64k"),
        move |c, b| {
            let n = now();
            let mut h = format!("t={n}");
            while h.len() < 64 * 1024 - 70 {
                h.push_str(&format!(",v1={}", "0".repeat(64)));
            }
            h.push_str(&format!(",v1={}", c.v1(b, n)));
            h.into_bytes()
        },
    );
}

/// An event id of 10,000 characters that do not compress (fresh UUIDs in hex): longer than a
/// PostgreSQL B-tree entry may be (about 2,700 bytes).
static LONG_ID: LazyLock<String> = LazyLock::new(|| long_text("evt_"));

/// An event type as long as [`LONG_ID`].
static LONG_TYPE: LazyLock<String> = LazyLock::new(|| long_text("x."));

fn long_text(prefix: &str) -> String {
    let mut text = prefix.to_owned();
    while text.len() < 10_000 {
        text.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    text
}

/// Signed events with values at the edges of what the storage takes, the same on both backends
/// (PostgreSQL's `jsonb` and `text` refuse NUL; a B-tree entry holds about 2,700 bytes, and
/// `stripe_events.id` and `(type, created)` are indexed — before issue 14 PostgreSQL answered
/// these 503, so Stripe would retry for days what could never land, and a NUL in the type left
/// no delivery row at all):
/// - a NUL in a free-text value (a description, metadata: users set these, so a genuine event
///   can carry one) is stored as U+FFFD, and the event processed;
/// - an `id` or `type` with a control character or longer than 255 bytes is not Stripe's:
///   400 `not_an_event` (README, "Processing contract").
fn extremes(t: &mut Table) {
    t.signed(
        "extreme: an escaped NUL (\\u0000) in data.object",
        200,
        Row::Processed("evt_bi_nul_escape"),
        || {
            replace_bytes(
                &ev("evt_bi_nul_escape"),
                b"\"usd\"",
                b"\"usd\",\"description\":\"a\\u0000b\"",
            )
        },
    );
    t.signed(
        "extreme: an escaped NUL (\\u0000) in the event type",
        400,
        Row::Invalid("not_an_event"),
        || {
            replace_bytes(
                &ev("evt_bi_nul_type"),
                b"\"type\":\"charge.failed\"",
                b"\"type\":\"x.nul\\u0000\"",
            )
        },
    );
    t.signed(
        "extreme: an event id of 10,000 characters",
        400,
        Row::Invalid("not_an_event"),
        || ev(&LONG_ID),
    );
    t.signed(
        "extreme: an event type of 10,000 characters",
        400,
        Row::Invalid("not_an_event"),
        || {
            let mut v = ev_value("evt_bi_long_type");
            v["type"] = json!(LONG_TYPE.as_str());
            serde_json::to_vec(&v).expect("JSON")
        },
    );
}

/// Wire-level framing, over a raw connection.
fn framing(t: &mut Table) {
    t.add(
        "framing: chunked transfer encoding (control)",
        200,
        Row::Processed("evt_bi_chunked"),
        |c| {
            let body = ev("evt_bi_chunked");
            let sig = c.sign(&body);
            let (first, second) = body.split_at(body.len() / 3);
            let mut bytes = raw_head(
                c,
                "POST",
                c.path(),
                &[
                    "Transfer-Encoding: chunked".into(),
                    "Content-Type: application/json".into(),
                    format!("Stripe-Signature: {sig}"),
                    "Connection: close".into(),
                ],
            );
            for chunk in [first, second] {
                bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                bytes.extend_from_slice(chunk);
                bytes.extend_from_slice(b"\r\n");
            }
            bytes.extend_from_slice(b"0\r\n\r\n");
            Wire::Raw {
                bytes,
                close_write: false,
                body,
            }
        },
    );
    t.add(
        "framing: a body shorter than its Content-Length, then the end of input",
        400,
        Row::None,
        |c| {
            // A body that never completed is not a delivery: no row.
            let body = ev("evt_bad_framing");
            let sig = c.sign(&body);
            let mut bytes = raw_head(
                c,
                "POST",
                c.path(),
                &[
                    format!("Content-Length: {}", body.len() + 100),
                    format!("Stripe-Signature: {sig}"),
                    "Connection: close".into(),
                ],
            );
            bytes.extend_from_slice(&body);
            Wire::Raw {
                bytes,
                close_write: true,
                body: Vec::new(),
            }
        },
    );
    t.add("framing: a broken chunk size", 400, Row::None, |c| {
        let body = ev("evt_bad_framing");
        let sig = c.sign(&body);
        let mut bytes = raw_head(
            c,
            "POST",
            c.path(),
            &[
                "Transfer-Encoding: chunked".into(),
                format!("Stripe-Signature: {sig}"),
                "Connection: close".into(),
            ],
        );
        bytes.extend_from_slice(b"zz\r\n");
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(b"\r\n0\r\n\r\n");
        Wire::Raw {
            bytes,
            close_write: false,
            body: Vec::new(),
        }
    });
    t.add(
        "framing: a header line without a colon",
        400,
        Row::None,
        |c| {
            let body = ev("evt_bad_framing");
            let sig = c.sign(&body);
            let mut bytes = raw_head(
                c,
                "POST",
                c.path(),
                &[
                    format!("Content-Length: {}", body.len()),
                    format!("Stripe-Signature: {sig}"),
                    "this line has no colon".into(),
                    "Connection: close".into(),
                ],
            );
            bytes.extend_from_slice(&body);
            Wire::Raw {
                bytes,
                close_write: false,
                body: Vec::new(),
            }
        },
    );
    t.add(
        "framing: a Content-Length that is not a number",
        400,
        Row::None,
        |c| {
            let body = ev("evt_bad_framing");
            let sig = c.sign(&body);
            let mut bytes = raw_head(
                c,
                "POST",
                c.path(),
                &[
                    "Content-Length: lots".into(),
                    format!("Stripe-Signature: {sig}"),
                    "Connection: close".into(),
                ],
            );
            bytes.extend_from_slice(&body);
            Wire::Raw {
                bytes,
                close_write: false,
                body: Vec::new(),
            }
        },
    );
    t.add(
        "framing: two different Content-Lengths",
        400,
        Row::None,
        |c| {
            let body = ev("evt_bad_framing");
            let sig = c.sign(&body);
            let mut bytes = raw_head(
                c,
                "POST",
                c.path(),
                &[
                    format!("Content-Length: {}", body.len()),
                    format!("Content-Length: {}", body.len() - 1),
                    format!("Stripe-Signature: {sig}"),
                    "Connection: close".into(),
                ],
            );
            bytes.extend_from_slice(&body);
            Wire::Raw {
                bytes,
                close_write: false,
                body: Vec::new(),
            }
        },
    );
}

/// Several `Stripe-Signature` lines (README, "Signature verification"): the lines are one
/// field, combined as RFC 9110 §5.3 allows and as the row stores them; two lines each with
/// `t=` are then a `t` given twice: 400 `malformed_header`, whichever line comes first.
fn several_signature_lines(t: &mut Table) {
    let two_lines = |good_first: bool, id: &'static str| {
        move |c: &Ctx| {
            let body = ev(id);
            let good = c.sign(&body);
            let junk = format!("t={},v1={}", now(), "0".repeat(64));
            let (a, b) = if good_first {
                (good, junk)
            } else {
                (junk, good)
            };
            post(
                &c.url,
                body,
                vec![
                    json_type(),
                    signature(a.as_bytes()),
                    signature(b.as_bytes()),
                ],
            )
        }
    };
    t.add(
        "signature: two lines, the right one first",
        400,
        Row::Invalid("malformed_header"),
        two_lines(true, "evt_bad_two_lines_good_first"),
    );
    t.add(
        "signature: two lines, the right one second",
        400,
        Row::Invalid("malformed_header"),
        two_lines(false, "evt_bad_two_lines_good_second"),
    );
    t.add(
        "signature: the same right line twice",
        400,
        Row::Invalid("malformed_header"),
        |c| {
            let body = ev("evt_bad_two_lines_same");
            let good = c.sign(&body);
            post(
                &c.url,
                body,
                vec![
                    json_type(),
                    signature(good.as_bytes()),
                    signature(good.as_bytes()),
                ],
            )
        },
    );
}

/// Edges found by this suite and settled in issue 14.
fn edges(t: &mut Table) {
    // PRODUCT §4.1: an unknown endpoint UUID is 404 with an empty body, and a path segment
    // that is not even UTF-8 is no known UUID (axum's `Path<String>` answered 400 before).
    t.add(
        "route: percent-encoded bytes that are not UTF-8",
        404,
        Row::None,
        |c| {
            let body = ev("evt_bad_route");
            let sig = c.sign(&body);
            post(
                &format!("{}/webhooks/%FF%FE", c.base),
                body,
                vec![json_type(), signature(sig.as_bytes())],
            )
        },
    );

    // PRODUCT §4.2 / issue 14 ("a 3 MiB body gets 413 in 11 ms"): a Content-Length over the
    // limit is refused from the head alone, without waiting for a body.
    t.add(
        "size: 3 MiB announced by Content-Length, no body sent",
        413,
        Row::None,
        |c| {
            // The limit is known from the head alone: the answer must not wait for the body.
            let head = raw_head(
                c,
                "POST",
                c.path(),
                &[
                    format!("Content-Length: {}", 3 * 1024 * 1024),
                    "Content-Type: application/json".into(),
                    "Connection: close".into(),
                ],
            );
            Wire::Raw {
                bytes: head,
                close_write: false,
                body: Vec::new(),
            }
        },
    );

    // PRODUCT §5 "body not JSON / not an event" and the event rules (`data.object` a JSON
    // object inside a `data` object): serde's derived `Deserialize` also reads a struct from a
    // JSON array, field by field; `Event::from_slice` takes only objects (it processed both
    // before issue 14).
    t.signed(
        "not an event: data an array",
        400,
        Row::Invalid("not_an_event"),
        || {
            let mut v = ev_value("evt_bad_data_array");
            v["data"] = json!([{"object": {}}]);
            serde_json::to_vec(&v).expect("JSON")
        },
    );
    t.signed(
        "not an event: the event's members as an array, in field order",
        400,
        Row::Invalid("not_an_event"),
        || {
            serde_json::to_vec(&json!([
                "event",
                "evt_bad_event_array",
                "charge.failed",
                "2024-06-20",
                false,
                null,
                1_700_000_000,
                null,
                {"object": {"id": "ch_bad_event_array", "object": "charge"}}
            ]))
            .expect("JSON")
        },
    );
}

// ---- running the table ---------------------------------------------------------------------

/// The log of this binary, captured from the first call on (level TRACE, every target).
fn logs() -> &'static LogCapture {
    LogCapture::install(tracing::Level::TRACE)
}

/// What came back: the status and the body.
struct Reply {
    status: u16,
    body: Vec<u8>,
}

async fn send(http: &reqwest::Client, c: &Ctx, wire: &Wire) -> Result<Reply, String> {
    match wire {
        Wire::Http {
            method,
            url,
            headers,
            body,
        } => {
            let mut request = http.request(method.clone(), url).body(body.clone());
            for (name, value) in headers {
                request = request.header(name.clone(), value.clone());
            }
            let response = request.send().await.map_err(|e| format!("{e:?}"))?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|e| format!("{e:?}"))?;
            Ok(Reply {
                status,
                body: body.to_vec(),
            })
        }
        Wire::Raw {
            bytes, close_write, ..
        } => {
            let mut stream = tokio::net::TcpStream::connect(&c.addr)
                .await
                .map_err(|e| e.to_string())?;
            stream.write_all(bytes).await.map_err(|e| e.to_string())?;
            if *close_write {
                stream.shutdown().await.map_err(|e| e.to_string())?;
            }
            let mut answer = Vec::new();
            // The server closes the connection after answering (`Connection: close`, or an
            // error); read up to that.
            let mut buf = [0u8; 8192];
            loop {
                let n = stream.read(&mut buf).await.map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                answer.extend_from_slice(&buf[..n]);
            }
            let text = String::from_utf8_lossy(&answer);
            let status = text
                .strip_prefix("HTTP/1.1 ")
                .and_then(|rest| rest.get(..3))
                .and_then(|code| code.parse().ok())
                .ok_or_else(|| format!("no HTTP/1.1 status line in {text:?}"))?;
            let body = answer
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|at| answer[at + 4..].to_vec())
                .unwrap_or_default();
            Ok(Reply { status, body })
        }
    }
}

const ROWS: &str = "SELECT COUNT(*) FROM stripe_webhook_deliveries";

/// The newest `n` delivery rows (the cases run one at a time: a case's rows are the newest).
async fn newest(s: &TestServer, n: i64) -> Vec<Delivery> {
    if n <= 0 {
        return Vec::new();
    }
    let filter = DeliveryFilter {
        limit: n.try_into().expect("a row count"),
        ..DeliveryFilter::default()
    };
    deliveries::list(s.db(), &filter).await.expect("deliveries")
}

/// A failure class named in an answer would tell a prober which check failed (PRODUCT §4.4).
const CLASSES: [&str; 7] = [
    "missing_header",
    "malformed_header",
    "no_v1_signature",
    "timestamp_outside_tolerance",
    "no_matching_signature",
    "body_not_json",
    "not_an_event",
];

/// Runs one case against `s` and says what is wrong with the outcome, if anything. `invalid`
/// collects (delivery id, class) of each invalid row, for the log check.
async fn check(
    s: &TestServer,
    http: &reqwest::Client,
    c: &Ctx,
    case: &Case,
    invalid: &mut Vec<(String, &'static str)>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let rows_before = s.scalar(ROWS).await;
    let events_before = s.scalar("SELECT COUNT(*) FROM stripe_events").await;
    let wire = (case.build)(c);
    let reply = match tokio::time::timeout(REQUEST_TIMEOUT, send(http, c, &wire)).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(e)) => return vec![format!("no answer: {e}")],
        Err(_) => return vec![format!("no answer within {REQUEST_TIMEOUT:?}")],
    };
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    if reply.status != case.status {
        wrong.push(format!(
            "status {} instead of {} (body {:?})",
            reply.status,
            case.status,
            text.chars().take(200).collect::<String>()
        ));
    }
    let new = newest(s, s.scalar(ROWS).await - rows_before).await;
    let events_added = s.scalar("SELECT COUNT(*) FROM stripe_events").await - events_before;
    match case.row {
        Row::None => {
            if !new.is_empty() {
                wrong.push(format!(
                    "{} delivery rows instead of none: {:?}",
                    new.len(),
                    new.iter()
                        .map(|d| (d.outcome, &d.error))
                        .collect::<Vec<_>>()
                ));
            }
            if events_added != 0 {
                wrong.push(format!("{events_added} events stored instead of none"));
            }
            if case.status == 404 && !reply.body.is_empty() {
                wrong.push(format!("a 404 with a body: {text:?}"));
            }
            if case.status == 413 && !text.contains("larger than the limit of 2097152 bytes") {
                wrong.push(format!("a 413 that does not name the limit: {text:?}"));
            }
        }
        Row::Invalid(class) => {
            if events_added != 0 {
                wrong.push(format!(
                    "{events_added} events stored for an invalid delivery"
                ));
            }
            let answer: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
            if answer["outcome"] != "invalid" || answer["error"] != "invalid webhook" {
                wrong.push(format!("answer {text:?} is not the generic invalid answer"));
            }
            if let Some(named) = CLASSES.iter().find(|k| text.contains(*k)) {
                wrong.push(format!(
                    "the answer names the failure class {named}: {text:?}"
                ));
            }
            match new.as_slice() {
                [d] => {
                    check_row(&mut wrong, s, d, &wire);
                    if (d.valid, d.outcome) != (false, Outcome::Invalid) {
                        wrong.push(format!(
                            "row valid={} outcome={:?} instead of valid=false invalid",
                            d.valid, d.outcome
                        ));
                    }
                    if d.error.as_deref() != Some(class) {
                        wrong.push(format!("row error {:?} instead of {class:?}", d.error));
                    }
                    if d.event_id.is_some() {
                        wrong.push(format!("row event_id {:?} on an invalid row", d.event_id));
                    }
                    if answer["delivery"] != d.id.to_string() {
                        wrong.push(format!("answer {text:?} does not carry the row's id"));
                    }
                    invalid.push((d.id.to_string(), class));
                }
                rows => wrong.push(format!(
                    "{} delivery rows instead of one: {:?}",
                    rows.len(),
                    rows.iter()
                        .map(|d| (d.outcome, &d.error))
                        .collect::<Vec<_>>()
                )),
            }
        }
        Row::Processed(id) => {
            if events_added != 1 {
                wrong.push(format!("{events_added} events stored instead of one"));
            }
            let answer: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
            if answer["outcome"] != "processed" || answer["event"] != id {
                wrong.push(format!("answer {text:?} is not processed {id}"));
            }
            match new.as_slice() {
                [d] => {
                    check_row(&mut wrong, s, d, &wire);
                    if (d.valid, d.outcome) != (true, Outcome::Processed) {
                        wrong.push(format!(
                            "row valid={} outcome={:?} ({:?}) instead of valid=true processed",
                            d.valid, d.outcome, d.error
                        ));
                    }
                    if d.event_id.as_deref() != Some(id) {
                        wrong.push(format!("row event_id {:?} instead of {id}", d.event_id));
                    }
                }
                rows => wrong.push(format!(
                    "{} delivery rows instead of one: {:?}",
                    rows.len(),
                    rows.iter()
                        .map(|d| (d.outcome, &d.error))
                        .collect::<Vec<_>>()
                )),
            }
        }
    }
    wrong
}

/// What every row holds (PRODUCT §4.3): the endpoint, the exact raw body, the remote IP.
fn check_row(wrong: &mut Vec<String>, s: &TestServer, d: &Delivery, wire: &Wire) {
    if d.endpoint_uuid != s.endpoint.uuid {
        wrong.push(format!("row for endpoint {}", d.endpoint_uuid));
    }
    if d.body != wire.stored_body() {
        wrong.push(format!(
            "row body of {} bytes is not the {} bytes sent",
            d.body.len(),
            wire.stored_body().len()
        ));
    }
    if d.remote_ip.as_deref() != Some("127.0.0.1") {
        wrong.push(format!("row remote_ip {:?}", d.remote_ip));
    }
}

/// A server with a second, disabled endpoint, and the context the table builds from.
async fn start(backend: TestBackend) -> (TestServer, Ctx) {
    let rolled_secret = Secret::generate();
    let expired_secret = Secret::generate();
    let (rolled, expired) = (rolled_secret.clone(), expired_secret.clone());
    let s = TestServer::start_with(
        backend,
        |b| b,
        move |mut e| {
            e.secrets.push(EndpointSecret {
                secret: rolled,
                expires_at: None,
            });
            e.secrets.push(EndpointSecret {
                secret: expired,
                expires_at: Some(1),
            });
            e
        },
    )
    .await;
    assert_eq!(
        s.runtime.config().max_body,
        LIMIT,
        "the table is written for the default body limit"
    );
    let disabled_secret = Secret::generate();
    let disabled = s
        .runtime
        .endpoints()
        .create(NewEndpoint::local(
            s.base_url.clone(),
            disabled_secret.clone(),
        ))
        .await
        .expect("second endpoint");
    s.runtime
        .endpoints()
        .set_enabled(disabled.uuid, false)
        .await
        .expect("disable");
    let c = Ctx {
        base: s.base_url.clone(),
        addr: s
            .base_url
            .strip_prefix("http://")
            .expect("http://")
            .to_owned(),
        url: s.url().to_owned(),
        uuid: s.endpoint.uuid.to_string(),
        disabled_url: disabled.url.clone(),
        disabled_secret,
        secret: s.secret.clone(),
        other_secret: Secret::generate(),
        rolled_secret,
        expired_secret,
    };
    (s, c)
}

/// Runs `cases` in order on a fresh server on `backend`; returns what went wrong, per case.
async fn run(backend: TestBackend, cases: &[Case]) -> Vec<String> {
    let logs = logs();
    let (s, c) = start(backend).await;
    let http = reqwest::Client::new();
    let mut invalid = Vec::new();
    let mut failures = Vec::new();
    for case in cases {
        for problem in check(&s, &http, &c, case, &mut invalid).await {
            failures.push(format!("{backend:?} / {}: {problem}", case.name));
        }
    }
    // The server is still up and still processes a genuine event.
    assert_eq!(
        s.get("/healthz").await.0,
        200,
        "{backend:?}: /healthz after the table"
    );
    let (status, reply) = s.send(ev("evt_bi_after_table")).await;
    assert_eq!(
        status, 200,
        "{backend:?}: a genuine event after the table: {reply}"
    );

    // Secrets never reach the log; the failure class of each invalid delivery does (§4.4).
    let text = logs.text();
    assert!(
        !text.contains(c.secret.expose()),
        "{backend:?}: the endpoint's signing secret reached the log"
    );
    for other in [
        &c.other_secret,
        &c.disabled_secret,
        &c.rolled_secret,
        &c.expired_secret,
    ] {
        assert!(
            !text.contains(other.expose()),
            "{backend:?}: a signing secret reached the log"
        );
    }
    for (delivery, class) in &invalid {
        let delivery = format!("delivery={delivery}");
        let class_field = format!("class=\"{class}\"");
        if !text
            .lines()
            .any(|l| l.contains(&delivery) && l.contains(&class_field))
        {
            failures.push(format!(
                "{backend:?}: no log line with {delivery} and {class_field}"
            ));
        }
    }
    failures
}

async fn malformed_requests_get_their_status_and_their_row(backend: TestBackend) {
    let cases = table();
    println!("{backend:?}: {} cases", cases.len());
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let failures = run(backend, &cases).await;
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

both_backends!(malformed_requests_get_their_status_and_their_row);
