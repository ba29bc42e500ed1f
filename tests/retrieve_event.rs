//! Validation mode `retrieve_event` (README, "Validation modes"): the delivered body is not
//! trusted, the event is fetched from Stripe's API by its id, and Stripe's copy is stored and
//! dispatched. Against the in-repo Stripe API test server, on both backends.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};
use stripe_api_test_server::TestServer as Stripe;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::endpoint::ValidationMode;
use stripe_receiver::prelude::*;
use stripe_receiver::store::events;
use stripe_receiver::stripe_api::{ApiSettings, BUNDLED_API_VERSION};
use stripe_receiver::ApiKey;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};

/// What the receiver below saw: event id → the customer's `name`.
static SEEN: Mutex<Option<HashMap<String, Value>>> = Mutex::new(None);

#[stripe_receiver("customer.updated")]
fn remember_name(event: &Event) {
    let name = event.data.object["name"].clone();
    SEEN.lock()
        .unwrap()
        .get_or_insert_with(HashMap::new)
        .insert(event.id.clone(), name);
}

fn seen(event_id: &str) -> Option<Value> {
    SEEN.lock()
        .unwrap()
        .as_ref()
        .and_then(|m| m.get(event_id).cloned())
}

/// Client settings for `base`: quick retries and a short per-attempt timeout, so the failure
/// tests take milliseconds.
fn api_settings(base: &str, test_key: bool) -> ApiSettings {
    ApiSettings {
        base: base.to_owned(),
        version: BUNDLED_API_VERSION.to_owned(),
        test_key: test_key.then(|| ApiKey::parse("sk_test_retrieve123").unwrap()),
        live_key: None,
        rate_limit: 1000,
        max_retries: 2,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        timeout: Duration::from_millis(500),
    }
}

/// A server whose endpoint (test mode) validates with `retrieve_event` against `base`.
async fn server(backend: TestBackend, base: &str, test_key: bool) -> TestServer {
    let settings = api_settings(base, test_key);
    TestServer::start_with(
        backend,
        move |b| b.stripe_api_settings(settings),
        |mut e| {
            e.validation = ValidationMode::RetrieveEvent;
            e
        },
    )
    .await
}

/// A unique event id for one test run.
fn evt(name: &str) -> String {
    format!("evt_{name}{}", uuid::Uuid::new_v4().simple())
}

/// Stores in the test server a `customer.updated` event named `name` (in `account` if given).
fn stripe_event(stripe: &Stripe, id: &str, name: &str, account: Option<&str>) -> Value {
    stripe.insert_event(json!({
        "id": id,
        "type": "customer.updated",
        "livemode": false,
        "account": account,
        "data": {"object": {"id": format!("cus_{}", &id[4..]), "object": "customer", "name": name}},
    }))
}

/// A delivered body that claims `id` with forged data.
fn forged(id: &str, account: Option<&str>) -> Vec<u8> {
    let mut body: Value = serde_json::from_str(&event(
        id,
        "customer.updated",
        json!({"id": "cus_forged", "object": "customer", "name": "Mallory"}),
    ))
    .unwrap();
    if let Some(account) = account {
        body["account"] = json!(account);
    }
    body.to_string().into_bytes()
}

/// Requests the test server saw for `/v1/events/{id}`.
fn fetches(stripe: &Stripe, id: &str) -> Vec<stripe_api_test_server::RecordedRequest> {
    let path = format!("/v1/events/{id}");
    stripe
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect()
}

async fn events_count(s: &TestServer) -> i64 {
    s.scalar("SELECT COUNT(*) FROM stripe_events").await
}

// ---- Stripe's copy is stored and dispatched ---------------------------------------------------

async fn a_forged_body_stores_and_dispatches_stripes_copy(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("forged");
    let genuine = stripe_event(&stripe, &id, "Jenny Rosen", None);

    // No signature at all: retrieve_event does not need one.
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["outcome"], "processed");
    assert_eq!(body["event"], id.as_str());

    let stored = events::get(s.db(), &id).await.unwrap().expect("stored");
    assert_eq!(stored.data, genuine["data"]);
    assert_eq!(stored.data["object"]["name"], "Jenny Rosen");
    assert_eq!(stored.type_, "customer.updated");
    assert_eq!(stored.created, genuine["created"].as_i64().unwrap());
    assert_eq!(seen(&id), Some(json!("Jenny Rosen")));

    let requests = fetches(&stripe, &id);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].stripe_account, None);
    assert_eq!(
        requests[0].stripe_version.as_deref(),
        Some(BUNDLED_API_VERSION)
    );

    // The delivery row keeps what was delivered.
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Processed);
    assert!(d.valid);
    assert_eq!(d.body, forged(&id, None));
}

async fn a_connect_event_is_fetched_with_stripe_account(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("connect");
    let genuine = stripe_event(&stripe, &id, "Connected Customer", Some("acct_1Connected"));

    let (status, body) = s
        .post_raw(s.url(), forged(&id, Some("acct_1Connected")), None)
        .await;
    assert_eq!(status, 200, "{body}");
    let requests = fetches(&stripe, &id);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].stripe_account.as_deref(),
        Some("acct_1Connected")
    );
    let stored = events::get(s.db(), &id).await.unwrap().expect("stored");
    assert_eq!(stored.account.as_deref(), Some("acct_1Connected"));
    assert_eq!(stored.data, genuine["data"]);
    assert_eq!(seen(&id), Some(json!("Connected Customer")));

    // The same id claimed on the platform: Stripe keeps accounts apart, so it is unknown there.
    let (status, _) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 400);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("event_not_found")
    );
}

async fn a_second_delivery_of_the_same_event_is_a_duplicate(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("dup");
    stripe_event(&stripe, &id, "Twice", None);
    let (first, _) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(first, 200);
    let (second, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(second, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["outcome"], "duplicate");
    let outcomes: Vec<Outcome> = s.deliveries().await.iter().map(|d| d.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Duplicate, Outcome::Processed]);
    assert_eq!(events_count(&s).await, 1);
    assert_eq!(fetches(&stripe, &id).len(), 2);
}

// ---- ids Stripe does not know: 400 -----------------------------------------------------------

async fn an_unknown_id_is_400_and_recorded_invalid(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("unknown");
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 400, "{body}");
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Invalid);
    assert!(!d.valid);
    assert_eq!(d.error.as_deref(), Some("event_not_found"));
    assert_eq!(d.event_id, None);
    assert_eq!(events_count(&s).await, 0);
    assert_eq!(fetches(&stripe, &id).len(), 1);

    // An id that cannot be Stripe's is refused before any request.
    let before = stripe.requests().len();
    let (status, _) = s
        .post_raw(s.url(), forged("evt_1/../../v1/customers", None), None)
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("event_not_found")
    );
    assert_eq!(stripe.requests().len(), before);

    // A body without an id, and one that is not JSON.
    let (status, _) = s
        .post_raw(s.url(), b"{\"type\":\"x\"}".to_vec(), None)
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("not_an_event")
    );
    let (status, _) = s.post_raw(s.url(), b"not json".to_vec(), None).await;
    assert_eq!(status, 400);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("body_not_json")
    );
    assert_eq!(stripe.requests().len(), before);
}

// ---- Stripe failing on its side: 503, and the retry succeeds ---------------------------------

/// Asserts the last delivery was answered 503 and recorded `failed` with nothing stored.
async fn assert_unavailable(s: &TestServer, status: u16, body: &str) {
    assert_eq!(status, 503, "{body}");
    let answer: Value = serde_json::from_str(body).unwrap();
    assert_eq!(answer["outcome"], "failed");
    assert_eq!(answer["error"], "stripe_unavailable");
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Failed);
    assert!(!d.valid);
    assert_eq!(d.error.as_deref(), Some("stripe_unavailable"));
    assert_eq!(events_count(s).await, 0);
}

async fn stripe_500s_answer_503_and_a_later_retry_succeeds(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("fivehundred");
    stripe_event(&stripe, &id, "After The Outage", None);
    // The first attempt and both retries.
    stripe.fail_next(3, 500, None);
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_unavailable(&s, status, &body).await;
    let statuses: Vec<u16> = fetches(&stripe, &id).iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![500, 500, 500]);
    assert_eq!(seen(&id), None);

    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(events_count(&s).await, 1);
    assert_eq!(seen(&id), Some(json!("After The Outage")));
}

async fn a_429_that_outlasts_the_retries_answers_503(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("ratelimited");
    stripe_event(&stripe, &id, "Rate Limited", None);
    stripe.fail_next(3, 429, None);
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_unavailable(&s, status, &body).await;
    let (status, _) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 200);
}

async fn a_timeout_answers_503_and_a_later_retry_succeeds(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), true).await;
    let id = evt("slow");
    stripe_event(&stripe, &id, "Slow Stripe", None);
    // Each attempt waits 500 ms for an answer that takes 2 s.
    stripe.delay_next(3, Duration::from_secs(2));
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_unavailable(&s, status, &body).await;
    assert_eq!(fetches(&stripe, &id).len(), 3);
    let (status, _) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 200);
    assert_eq!(seen(&id), Some(json!("Slow Stripe")));
}

async fn connection_refused_answers_503_and_a_later_retry_succeeds(backend: TestBackend) {
    // A port nothing listens on: bound, then released.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let s = server(backend, &format!("http://127.0.0.1:{port}"), true).await;
    let id = evt("refused");
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_unavailable(&s, status, &body).await;
    let detail = s.deliveries().await[0].error_detail.clone().unwrap();
    assert!(detail.contains(&id), "{detail}");

    // Stripe is back, on that port.
    let stripe = Stripe::bind(([127, 0, 0, 1], port).into()).await.unwrap();
    stripe_event(&stripe, &id, "Back Again", None);
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(seen(&id), Some(json!("Back Again")));
}

// ---- the endpoint cannot validate: 500 -------------------------------------------------------

async fn no_key_for_the_endpoints_mode_answers_500(backend: TestBackend) {
    let stripe = Stripe::start().await;
    let s = server(backend, stripe.base_url(), false).await;
    let id = evt("nokey");
    stripe_event(&stripe, &id, "Nobody", None);
    let (status, body) = s.post_raw(s.url(), forged(&id, None), None).await;
    assert_eq!(status, 500, "{body}");
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!(d.error.as_deref(), Some("no_api_key"));
    assert!(
        d.error_detail
            .as_deref()
            .unwrap()
            .contains("STRIPE_TEST_SECRET_KEY"),
        "{:?}",
        d.error_detail
    );
    assert_eq!(events_count(&s).await, 0);
    assert!(stripe.requests().is_empty());
}

both_backends!(
    a_forged_body_stores_and_dispatches_stripes_copy,
    a_connect_event_is_fetched_with_stripe_account,
    a_second_delivery_of_the_same_event_is_a_duplicate,
    an_unknown_id_is_400_and_recorded_invalid,
    stripe_500s_answer_503_and_a_later_retry_succeeds,
    a_429_that_outlasts_the_retries_answers_503,
    a_timeout_answers_503_and_a_later_retry_succeeds,
    connection_refused_answers_503_and_a_later_retry_succeeds,
    no_key_for_the_endpoints_mode_answers_500,
);
