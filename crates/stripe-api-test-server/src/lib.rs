//! A local stand-in for the part of the Stripe API that stripe-receiver calls, for tests.
//!
//! It answers as Stripe documents (Stripe API reference: "Webhook endpoints", "Events",
//! "Errors", "Idempotent requests", "Pagination", "Connect: making API calls for connected
//! accounts"):
//!
//! - `POST /v1/webhook_endpoints`, `GET /v1/webhook_endpoints` (list),
//!   `GET|POST|DELETE /v1/webhook_endpoints/{id}`;
//! - `GET /v1/events/{id}`, `GET /v1/events` (newest first; `limit`, `starting_after`,
//!   `ending_before`, `type` with a `*` wildcard, `types[]`, `created` / `created[gt|gte|lt|lte]`);
//! - `GET /v1/<plural>/{id}` for objects put in with [`TestServer::put_object`].
//!
//! Requests use Stripe's form encoding (`enabled_events[]=a`, `metadata[k]=v`), the key as
//! `Authorization: Bearer sk_test_...` (a missing or malformed key is a 401), and optionally
//! `Stripe-Account: acct_...`. Data is kept apart per mode (the key's) and account: a live key
//! never sees test objects, a connected account never sees the platform's. Errors have Stripe's
//! shape, `{"error": {"type", "code", "param", "message"}}`. A POST repeated with the same
//! `Idempotency-Key` gets the first answer again (with `Idempotent-Replayed: true`); with other
//! parameters it is a 400 `idempotency_error`. Only 2xx answers are saved for replay (Stripe
//! saves none for a request that failed validation).
//!
//! Answers are built from Stripe's own fixtures (`data/fixtures3.json`, from Stripe's OpenAPI
//! repository, MIT): the fixture object of the resource with the request's values put in.
//!
//! Tests drive it through this API ([`TestServer::fail_next`], [`TestServer::requests`],
//! [`TestServer::insert_event`], ...) or, from a shell, through the same controls over HTTP
//! under `/_test/` (see [`TestServer`]).
//!
//! Where it is stricter than Stripe: a webhook endpoint URL must be `https` in test mode too
//! (Stripe's test mode also takes `http`), and must not name `localhost` or a loopback address.

mod api;
mod fixtures;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use fixtures::{fixture, is_event_type, plural_path};

/// Which data a request sees: the key's mode and the `Stripe-Account` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Scope {
    /// Live mode (an `sk_live_` / `rk_live_` key) or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// A connected account (`acct_...`), or `None` for the platform.
    #[serde(default)]
    pub account: Option<String>,
}

impl Scope {
    /// Test mode, the platform.
    #[must_use]
    pub fn test() -> Self {
        Self::default()
    }

    /// `livemode` and `account`.
    #[must_use]
    pub fn new(livemode: bool, account: Option<&str>) -> Self {
        Self {
            livemode,
            account: account.map(str::to_owned),
        }
    }
}

/// The mode of the key a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyMode {
    /// `sk_test_...` / `rk_test_...`.
    Test,
    /// `sk_live_...` / `rk_live_...`.
    Live,
}

/// One request as the server saw it. The key itself is never kept, only its mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// `GET`, `POST`, `DELETE`.
    pub method: String,
    /// The path, e.g. `/v1/webhook_endpoints`.
    pub path: String,
    /// The query's pairs, decoded, in order (`("limit", "100")`).
    pub query: Vec<(String, String)>,
    /// The form body's pairs, decoded, in order (`("enabled_events[]", "charge.succeeded")`).
    pub form: Vec<(String, String)>,
    /// `Stripe-Account`.
    pub stripe_account: Option<String>,
    /// `Idempotency-Key`.
    pub idempotency_key: Option<String>,
    /// `Stripe-Version`.
    pub stripe_version: Option<String>,
    /// The mode of a well-formed `Authorization: Bearer` key; `None` without one.
    pub key_mode: Option<KeyMode>,
    /// The status answered (0 while the answer is pending).
    pub status: u16,
    /// Whether the answer was a replay of an earlier one with the same `Idempotency-Key`.
    pub idempotent_replayed: bool,
    /// When it arrived, since the server started (tokio's clock: virtual under a paused
    /// clock).
    #[serde(skip)]
    pub at: Duration,
    /// `at` in milliseconds, for the HTTP control route.
    pub at_ms: f64,
}

/// An injected fault, taken by the next request to `/v1/...` (one per request, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with Stripe's error body, and `Retry-After: <seconds>` when given.
    Status {
        /// e.g. 429, 500, 503.
        status: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// Wait this long, then answer as usual (to make a client time out).
    Delay(Duration),
}

/// A stored idempotent answer.
#[derive(Debug, Clone)]
struct Saved {
    method: String,
    path: String,
    form: Vec<(String, String)>,
    status: u16,
    body: Value,
}

/// What one scope holds.
#[derive(Debug, Default)]
struct Data {
    /// Creation order.
    endpoints: Vec<Value>,
    /// (insertion sequence, event), insertion order.
    events: Vec<(u64, Value)>,
    /// Path (`/v1/subscriptions/sub_1`) → object.
    objects: HashMap<String, Value>,
}

#[derive(Debug, Default)]
struct State {
    data: HashMap<Scope, Data>,
    faults: VecDeque<Fault>,
    requests: Vec<RecordedRequest>,
    idempotency: HashMap<(Scope, String), Saved>,
    sequence: u64,
}

/// State shared by the server's handlers and the [`TestServer`] handle.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    started: tokio::time::Instant,
    /// The Connect application id put in `application` of endpoints created with `connect`.
    application: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running test server. Dropping it stops the server.
///
/// HTTP controls, for driving it from a shell (JSON bodies):
/// - `GET /_test/requests` (the log, [`RecordedRequest`]s), `DELETE /_test/requests` (clear);
/// - `POST /_test/fail_next` `{"count": 2, "status": 503, "retry_after": 1}`;
/// - `POST /_test/delay_next` `{"count": 1, "delay_ms": 5000}`;
/// - `POST /_test/events` an event (`{"type": "customer.created", "data": {...}, "livemode":
///   false, "account": "acct_..."}`), answered with the stored event;
/// - `POST /_test/objects` `{"object": {"object": "subscription", "id": "sub_1", ...},
///   "livemode": false, "account": null, "path": null}`, answered with `{"path", "object"}`;
/// - `GET /_test/webhook_endpoints?livemode=false&account=acct_...`: the stored endpoints.
#[derive(Debug)]
pub struct TestServer {
    base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server on an ephemeral port of 127.0.0.1, on the current tokio runtime.
    ///
    /// # Panics
    /// When no loopback port can be bound (the machine is out of ports).
    pub async fn start() -> Self {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("the test server binds an ephemeral port on 127.0.0.1")
    }

    /// Starts a server on `addr`, on the current tokio runtime.
    ///
    /// # Errors
    /// When `addr` cannot be bound.
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            started: tokio::time::Instant::now(),
            application: format!("ca_{}", api::random_hex(24)),
        });
        let router = api::router(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                eprintln!("stripe-api-test-server stopped: {error}");
            }
        });
        Ok(Self {
            base_url: format!("http://{local}"),
            shared,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`: the value for `STRIPE_API_BASE`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The next `count` requests to `/v1/...` answer `status` with Stripe's error body
    /// (`rate_limit` for 429, `api_error` for 5xx, `invalid_request_error` otherwise), with
    /// `Retry-After: retry_after` when given. Nothing else happens for them: no object is
    /// created, no idempotent answer saved.
    pub fn fail_next(&self, count: usize, status: u16, retry_after: Option<u64>) {
        let mut state = self.shared.lock();
        for _ in 0..count {
            state.faults.push_back(Fault::Status {
                status,
                retry_after,
            });
        }
    }

    /// The next `count` requests wait `delay` (tokio's clock) before being answered as usual.
    pub fn delay_next(&self, count: usize, delay: Duration) {
        let mut state = self.shared.lock();
        for _ in 0..count {
            state.faults.push_back(Fault::Delay(delay));
        }
    }

    /// Every request so far, in arrival order.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the requests so far.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Stores an event: Stripe's fixture event with `event`'s top-level fields put in; an `id`
    /// (`evt_...`) and `created` (now) are made when absent, and without `data` its
    /// `data.object` is the fixture of the type's resource (`customer.subscription.updated`:
    /// `subscription`). An event with the id of a stored one replaces it. Its scope is its `livemode` and
    /// `account` fields. Returns the stored event.
    ///
    /// # Panics
    /// When `event` is not a JSON object.
    pub fn insert_event(&self, event: Value) -> Value {
        api::insert_event(&self.shared, event).expect("insert_event takes a JSON object")
    }

    /// Stores an object for `GET /v1/<plural>/{id}` in `scope`: Stripe's fixture of its
    /// resource (`object` field) with `object`'s fields put in. Returns its path, from
    /// [`plural_path`] and its `id`.
    ///
    /// # Panics
    /// When `object` is not a JSON object with string `object` and `id` fields.
    pub fn put_object(&self, scope: &Scope, object: Value) -> String {
        api::put_object(&self.shared, scope, None, object)
            .expect("put_object takes a JSON object with `object` and `id`")
            .0
    }

    /// As [`TestServer::put_object`], at an explicit `path` (`/v1/accounts/acct_1/persons/p_1`).
    ///
    /// # Panics
    /// When `object` is not a JSON object or `path` does not start with `/v1/`.
    pub fn put_object_at(&self, scope: &Scope, path: &str, object: Value) {
        api::put_object(&self.shared, scope, Some(path), object)
            .expect("put_object_at takes a JSON object and a /v1/ path");
    }

    /// The webhook endpoints stored in `scope`, in creation order (without secrets).
    #[must_use]
    pub fn webhook_endpoints(&self, scope: &Scope) -> Vec<Value> {
        self.shared
            .lock()
            .data
            .get(scope)
            .map(|d| d.endpoints.clone())
            .unwrap_or_default()
    }
}
