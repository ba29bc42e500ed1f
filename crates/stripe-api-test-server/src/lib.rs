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
    /// Carry the request out as usual, then wait this long before answering: a client that
    /// times out first has had its request done (what a retry with the same `Idempotency-Key`
    /// is for).
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

    /// The next `count` requests are carried out as usual, then answered after `delay`
    /// (tokio's clock): a client that times out first has had its request done.
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEST_KEY: &str = "Bearer sk_test_abc";
    const LIVE_KEY: &str = "Bearer rk_live_abc";

    async fn get(
        server: &TestServer,
        path: &str,
        auth: Option<&str>,
    ) -> (u16, HeaderMapLite, Value) {
        let mut request = reqwest::Client::new().get(format!("{}{path}", server.base_url()));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        answer(request.send().await.unwrap()).await
    }

    type HeaderMapLite = Vec<(String, String)>;

    /// `POST /_test/{control}` with a JSON body; the JSON answer.
    async fn control(server: &TestServer, control: &str, body: Value) -> Value {
        let response = reqwest::Client::new()
            .post(format!("{}/_test/{control}", server.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "/_test/{control}");
        response.json().await.unwrap()
    }

    /// The form of a webhook endpoint create: its URL and one enabled event type.
    fn endpoint_form<'a>(url: &'a str, event_type: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![("url", url), ("enabled_events[]", event_type)]
    }

    async fn answer(response: reqwest::Response) -> (u16, HeaderMapLite, Value) {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn post_form(
        server: &TestServer,
        path: &str,
        form: &[(&str, &str)],
        idempotency_key: Option<&str>,
    ) -> (u16, HeaderMapLite, Value) {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", server.base_url()))
            .header("authorization", TEST_KEY)
            .form(form);
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        answer(request.send().await.unwrap()).await
    }

    fn has_header(headers: &HeaderMapLite, name: &str, value: &str) -> bool {
        headers.iter().any(|(k, v)| k == name && v == value)
    }

    #[tokio::test]
    async fn keys_are_required_and_scope_the_data() {
        let server = TestServer::start().await;
        let (status, _, body) = get(&server, "/v1/webhook_endpoints", None).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["type"], "invalid_request_error");
        let (status, _, body) =
            get(&server, "/v1/webhook_endpoints", Some("Bearer pk_test_abc")).await;
        assert_eq!(status, 401);
        assert!(!body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("pk_test_abc"));

        let form = endpoint_form("https://shop.example.com/w", "charge.succeeded");
        let (status, _, created) = post_form(&server, "/v1/webhook_endpoints", &form, None).await;
        assert_eq!(status, 200, "{created}");
        let (_, _, test_list) = get(&server, "/v1/webhook_endpoints", Some(TEST_KEY)).await;
        let (_, _, live_list) = get(&server, "/v1/webhook_endpoints", Some(LIVE_KEY)).await;
        assert_eq!(test_list["data"][0]["id"], created["id"]);
        assert_eq!(live_list["data"], json!([]));
        let path = format!("/v1/webhook_endpoints/{}", created["id"].as_str().unwrap());
        let (status, _, _) = get(&server, &path, Some(LIVE_KEY)).await;
        assert_eq!(status, 404);
        let (status, _, got) = get(&server, &path, Some(TEST_KEY)).await;
        assert_eq!(status, 200);
        assert_eq!(
            got["secret"],
            Value::Null,
            "the secret comes with the create only"
        );
        let modes: Vec<Option<KeyMode>> = server.requests().iter().map(|r| r.key_mode).collect();
        assert_eq!(
            modes,
            [
                None,
                None,
                Some(KeyMode::Test),
                Some(KeyMode::Test),
                Some(KeyMode::Live),
                Some(KeyMode::Live),
                Some(KeyMode::Test)
            ]
        );
    }

    #[tokio::test]
    async fn idempotent_replay_and_mismatch() {
        let server = TestServer::start().await;
        let form = endpoint_form("https://shop.example.com/w", "*");
        let (_, _, first) = post_form(&server, "/v1/webhook_endpoints", &form, Some("k1")).await;
        let (status, headers, again) =
            post_form(&server, "/v1/webhook_endpoints", &form, Some("k1")).await;
        assert_eq!(status, 200);
        assert_eq!(again, first);
        assert!(has_header(&headers, "idempotent-replayed", "true"));
        assert_eq!(server.webhook_endpoints(&Scope::test()).len(), 1);
        let other = endpoint_form("https://shop.example.com/other", "*");
        let (status, _, body) =
            post_form(&server, "/v1/webhook_endpoints", &other, Some("k1")).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["type"], "idempotency_error");
        // A refused request saves nothing: the same key may be used again.
        server.fail_next(1, 500, None);
        let (status, _, _) = post_form(&server, "/v1/webhook_endpoints", &other, Some("k2")).await;
        assert_eq!(status, 500);
        let (status, _, _) = post_form(&server, "/v1/webhook_endpoints", &other, Some("k2")).await;
        assert_eq!(status, 200);
        assert_eq!(server.webhook_endpoints(&Scope::test()).len(), 2);
    }

    #[tokio::test]
    async fn update_metadata_and_delete() {
        let server = TestServer::start().await;
        let mut form = endpoint_form("https://shop.example.com/w", "charge.succeeded");
        form.extend([("metadata[a]", "1"), ("metadata[b]", "2")]);
        let (_, _, created) = post_form(&server, "/v1/webhook_endpoints", &form, None).await;
        let path = format!("/v1/webhook_endpoints/{}", created["id"].as_str().unwrap());
        let (status, _, updated) = post_form(
            &server,
            &path,
            &[
                ("metadata[a]", ""),
                ("metadata[c]", "3"),
                ("disabled", "true"),
            ],
            None,
        )
        .await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["metadata"], json!({"b": "2", "c": "3"}));
        assert_eq!(updated["status"], "disabled");
        let (status, _, body) = post_form(&server, &path, &[("disabled", "maybe")], None).await;
        assert_eq!(status, 400, "{body}");
        let (status, _, body) = post_form(&server, &path, &[("connect", "true")], None).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "parameter_unknown");
        let deleted = reqwest::Client::new()
            .delete(format!("{}{path}", server.base_url()))
            .header("authorization", TEST_KEY)
            .send()
            .await
            .unwrap();
        let (status, _, body) = answer(deleted).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"id": created["id"], "object": "webhook_endpoint", "deleted": true})
        );
        let (status, _, body) = get(&server, &path, Some(TEST_KEY)).await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "resource_missing");
    }

    #[tokio::test]
    async fn events_list_newest_first_with_cursors_and_filters() {
        let server = TestServer::start().await;
        for (i, kind) in [
            "customer.created",
            "charge.succeeded",
            "customer.updated",
            "charge.refunded",
        ]
        .iter()
        .enumerate()
        {
            server.insert_event(
                json!({"id": format!("evt_{i}"), "type": kind, "created": 1_000 + i}),
            );
        }
        // Another account's event stays there.
        server.insert_event(
            json!({"id": "evt_acct", "type": "customer.created", "account": "acct_1"}),
        );
        let ids = |body: &Value| -> Vec<String> {
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned())
                .collect()
        };
        // (query, the ids listed, has_more)
        let listings: [(&str, &[&str], bool); 6] = [
            ("", &["evt_3", "evt_2", "evt_1", "evt_0"], false),
            ("?limit=2", &["evt_3", "evt_2"], true),
            ("?limit=2&starting_after=evt_2", &["evt_1", "evt_0"], false),
            ("?type=customer.*", &["evt_2", "evt_0"], false),
            (
                "?types%5B%5D=charge.refunded&types%5B%5D=customer.created",
                &["evt_3", "evt_0"],
                false,
            ),
            ("?created%5Bgte%5D=1002", &["evt_3", "evt_2"], false),
        ];
        for (query, listed, has_more) in listings {
            let (status, _, body) =
                get(&server, &format!("/v1/events{query}"), Some(TEST_KEY)).await;
            assert_eq!(status, 200, "{query}");
            assert_eq!(ids(&body), listed, "{query}");
            assert_eq!(body["has_more"], has_more, "{query}");
        }
        let (status, _, _) = get(&server, "/v1/events?limit=500", Some(TEST_KEY)).await;
        assert_eq!(status, 400);
        let (status, _, event) = get(&server, "/v1/events/evt_1", Some(TEST_KEY)).await;
        assert_eq!(status, 200);
        assert_eq!(event["type"], "charge.succeeded");
        assert_eq!(event["data"]["object"]["object"], "charge");
        let connected = reqwest::Client::new()
            .get(format!("{}/v1/events/evt_acct", server.base_url()))
            .header("authorization", TEST_KEY)
            .header("stripe-account", "acct_1")
            .send()
            .await
            .unwrap();
        assert_eq!(connected.status().as_u16(), 200);
        let (status, _, _) = get(&server, "/v1/events/evt_acct", Some(TEST_KEY)).await;
        assert_eq!(status, 404);
    }

    #[tokio::test]
    async fn http_controls() {
        let server = TestServer::start().await;
        let http = reqwest::Client::new();
        let base = server.base_url();
        let status = http
            .post(format!("{base}/_test/fail_next"))
            .json(&json!({"count": 1, "status": 429, "retry_after": 2}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 204);
        let (status, headers, body) = get(&server, "/v1/events/evt_1", Some(TEST_KEY)).await;
        assert_eq!(status, 429);
        assert!(has_header(&headers, "retry-after", "2"));
        assert_eq!(body["error"]["code"], "rate_limit");
        let stored = control(
            &server,
            "events",
            json!({"id": "evt_1", "type": "invoice.paid"}),
        )
        .await;
        assert_eq!(stored["data"]["object"]["object"], "invoice");
        let (status, _, _) = get(&server, "/v1/events/evt_1", Some(TEST_KEY)).await;
        assert_eq!(status, 200);
        let put = control(
            &server,
            "objects",
            json!({"object": {"object": "customer", "id": "cus_1", "email": "a@example.com"}, "livemode": true}),
        )
        .await;
        assert_eq!(put["path"], "/v1/customers/cus_1");
        let (status, _, customer) = get(&server, "/v1/customers/cus_1", Some(LIVE_KEY)).await;
        assert_eq!(status, 200);
        assert_eq!(customer["email"], "a@example.com");
        assert_eq!(customer["livemode"], true);
        let (status, _, _) = get(&server, "/v1/customers/cus_1", Some(TEST_KEY)).await;
        assert_eq!(status, 404);
        let log: Vec<Value> = http
            .get(format!("{base}/_test/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(log.len(), 4);
        assert_eq!(log[0]["status"], 429);
        assert_eq!(log[0]["path"], "/v1/events/evt_1");
        assert_eq!(log[3]["key_mode"], "test");
        http.delete(format!("{base}/_test/requests"))
            .send()
            .await
            .unwrap();
        assert!(server.requests().is_empty());
    }
}
