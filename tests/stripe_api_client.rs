//! The Stripe API client (`stripe_receiver::stripe_api`) against the in-repo test server
//! (`stripe-api-test-server`): headers, keys by mode, retries and their waits, the rate limit,
//! pagination, Stripe's errors, and keys kept out of the logs.
//!
//! Every test logs at TRACE level into one buffer, which must never hold a key.
//!
//! Waits are checked on tokio's paused clock (`start_paused`): the server records each
//! request's arrival on the same clock, so "waited at least N seconds" is exact, not timed.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use stripe_api_test_server::{KeyMode, RecordedRequest, TestServer};
use stripe_receiver::stripe_api::{
    ApiError, ApiSettings, NewWebhookEndpoint, Scope, StripeClient, WebhookEndpointUpdate,
};
use stripe_receiver::ApiKey;

const TEST_KEY: &str = "sk_test_51TopSecretTestKeyValue";
const LIVE_KEY: &str = "sk_live_51TopSecretLiveKeyValue";
const VERSION: &str = "2026-10-28.endive";

fn settings(base: &str) -> ApiSettings {
    ApiSettings {
        base: base.to_owned(),
        version: VERSION.to_owned(),
        test_key: Some(ApiKey::parse_test(TEST_KEY).unwrap()),
        live_key: Some(ApiKey::parse_live(LIVE_KEY).unwrap()),
        rate_limit: 20,
        max_retries: 3,
        initial_backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(30),
        timeout: Duration::from_secs(30),
    }
}

fn client(server: &TestServer) -> StripeClient {
    StripeClient::new(settings(server.base_url())).unwrap()
}

fn new_endpoint(url: &str) -> NewWebhookEndpoint {
    NewWebhookEndpoint {
        url: url.to_owned(),
        enabled_events: vec!["charge.succeeded".into(), "customer.created".into()],
        api_version: Some(VERSION.to_owned()),
        connect: false,
        description: None,
        metadata: BTreeMap::from([("stripe_receiver_uuid".into(), "u-1".into())]),
    }
}

fn form_values<'a>(request: &'a RecordedRequest, key: &str) -> Vec<&'a str> {
    request
        .form
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn create_sends_stripe_form_and_headers() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    let mut new = new_endpoint("https://shop.example.com/webhooks/u-1");
    new.connect = true;
    new.description = Some("orders".into());
    let created = client
        .create_webhook_endpoint(&Scope::test(), &new)
        .await
        .unwrap();
    assert!(created.id.starts_with("we_"), "{}", created.id);
    assert_eq!(created.url, "https://shop.example.com/webhooks/u-1");
    assert_eq!(
        created.enabled_events,
        ["charge.succeeded", "customer.created"]
    );
    assert_eq!(created.api_version.as_deref(), Some(VERSION));
    assert_eq!(created.status, "enabled");
    assert!(!created.livemode);
    assert!(created.application.is_some(), "connect=true");
    assert_eq!(created.description.as_deref(), Some("orders"));
    assert_eq!(created.metadata["stripe_receiver_uuid"], "u-1");
    assert!(created.secret.as_deref().unwrap().starts_with("whsec_"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/webhook_endpoints");
    assert_eq!(request.stripe_version.as_deref(), Some(VERSION));
    assert_eq!(request.key_mode, Some(KeyMode::Test));
    assert_eq!(request.stripe_account, None);
    let key = request.idempotency_key.as_deref().unwrap();
    assert!(
        uuid::Uuid::parse_str(key).is_ok_and(|u| u.get_version_num() == 4),
        "{key}"
    );
    assert_eq!(
        form_values(request, "enabled_events[]"),
        ["charge.succeeded", "customer.created"]
    );
    assert_eq!(form_values(request, "connect"), ["true"]);
    assert_eq!(form_values(request, "api_version"), [VERSION]);
    assert_eq!(
        form_values(request, "metadata[stripe_receiver_uuid]"),
        ["u-1"]
    );

    // The secret comes with the create only.
    let listed = client.list_webhook_endpoints(&Scope::test()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, created.id);
    assert_eq!(listed[0].secret, None);
    // A GET carries no Idempotency-Key; each POST has its own.
    let second = client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("https://shop.example.com/b"))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[1].method, "GET");
    assert_eq!(requests[1].idempotency_key, None);
    assert_ne!(requests[2].idempotency_key.as_deref(), Some(key));
    assert_ne!(second.id, created.id);
}

#[tokio::test(start_paused = true)]
async fn rate_limited_then_success_waits_retry_after() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    server.fail_next(1, 429, Some(3));
    let created = client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("https://shop.example.com/w"))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].status, 429);
    assert_eq!(requests[1].status, 200);
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_secs(3), "waited {waited:?}");
    // The backoff of a first retry is at most 500 ms: Retry-After set the wait.
    assert!(waited < Duration::from_secs(4), "waited {waited:?}");
    assert_eq!(requests[0].idempotency_key, requests[1].idempotency_key);
    assert_eq!(
        server
            .webhook_endpoints(&stripe_api_test_server::Scope::test())
            .len(),
        1
    );
    assert!(created.secret.is_some());
}

#[tokio::test(start_paused = true)]
async fn server_errors_retried_with_the_same_idempotency_key() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    server.fail_next(2, 503, None);
    client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("https://shop.example.com/w"))
        .await
        .unwrap();
    let requests = server.requests();
    let statuses: Vec<u16> = requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);
    let key = requests[0].idempotency_key.clone().unwrap();
    assert!(requests
        .iter()
        .all(|r| r.idempotency_key.as_deref() == Some(&key)));
    assert!(requests.iter().all(|r| r.form == requests[0].form));
    // Exponential backoff with equal jitter: 250..=500 ms, then 500..=1000 ms.
    let first = requests[1].at - requests[0].at;
    let second = requests[2].at - requests[1].at;
    assert!(
        first >= Duration::from_millis(250) && first <= Duration::from_millis(500),
        "{first:?}"
    );
    assert!(
        second >= Duration::from_millis(500) && second <= Duration::from_millis(1000),
        "{second:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_create_is_retried_and_stripe_creates_one_endpoint() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    // Stripe creates the endpoint but answers after the client's 30 s timeout.
    server.delay_next(1, Duration::from_secs(60));
    let created = client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("https://shop.example.com/w"))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].idempotency_key, requests[1].idempotency_key);
    assert!(!requests[0].idempotent_replayed);
    assert!(
        requests[1].idempotent_replayed,
        "the retry got Stripe's first answer"
    );
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(30));
    let stored = server.webhook_endpoints(&stripe_api_test_server::Scope::test());
    assert_eq!(stored.len(), 1, "one endpoint, not two");
    assert_eq!(stored[0]["id"], created.id.as_str());
    assert!(created.secret.is_some(), "the replay carries the secret");
}

#[tokio::test(start_paused = true)]
async fn a_refusal_is_not_retried_and_its_message_surfaces() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    let mut new = new_endpoint("https://shop.example.com/w");
    new.enabled_events = vec!["charge.exploded".into()];
    let error = client
        .create_webhook_endpoint(&Scope::test(), &new)
        .await
        .unwrap_err();
    let ApiError::Refused {
        status,
        error: body,
        request_id,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 400);
    assert_eq!(body.type_, "invalid_request_error");
    assert_eq!(body.param.as_deref(), Some("enabled_events[0]"));
    let message = body.message.as_deref().unwrap();
    assert!(message.contains("charge.exploded"), "{message}");
    assert!(error.to_string().contains(message), "{error}");
    assert!(request_id.as_deref().unwrap().starts_with("req_"));
    assert!(!error.is_not_found() && !error.is_unavailable());
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");

    // An injected 409 (another 4xx) is not retried either.
    server.clear_requests();
    server.fail_next(1, 409, None);
    let error = client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("https://shop.example.com/w"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::Refused { status: 409, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);

    // Stripe's url_invalid.
    let error = client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("http://shop.example.com/w"))
        .await
        .unwrap_err();
    let ApiError::Refused { error: body, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(body.code.as_deref(), Some("url_invalid"));
    assert_eq!(body.param.as_deref(), Some("url"));
}

#[tokio::test(start_paused = true)]
async fn failing_every_time_is_unavailable_after_the_retries() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    server.fail_next(10, 500, None);
    let error = client
        .retrieve_event(&Scope::test(), "evt_1")
        .await
        .unwrap_err();
    assert!(error.is_unavailable(), "{error:?}");
    assert!(matches!(
        error,
        ApiError::Unavailable {
            status: Some(500),
            ..
        }
    ));
    assert_eq!(
        server.requests().len(),
        4,
        "the first attempt and 3 retries"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_longer_than_the_longest_wait_gives_up_at_once() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    server.fail_next(1, 429, Some(120));
    let error = client
        .retrieve_event(&Scope::test(), "evt_1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::Unavailable {
                status: Some(429),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("Retry-After 120 s"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn connection_refused_is_unavailable_after_the_retries() {
    capture();
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = StripeClient::new(settings(&base)).unwrap();
    let start = tokio::time::Instant::now();
    let error = client
        .retrieve_event(&Scope::test(), "evt_1")
        .await
        .unwrap_err();
    let ApiError::Unavailable { status, detail } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, None);
    assert!(detail.to_lowercase().contains("connect"), "{detail}");
    // Three backoffs of at least 250, 500 and 1000 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(1750),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn stripe_account_is_sent_and_scopes_the_data() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    let connected = Scope::new(false, Some("acct_1Connected".into()));
    let created = client
        .create_webhook_endpoint(&connected, &new_endpoint("https://shop.example.com/c"))
        .await
        .unwrap();
    let on_platform = client.list_webhook_endpoints(&Scope::test()).await.unwrap();
    let on_account = client.list_webhook_endpoints(&connected).await.unwrap();
    assert!(on_platform.is_empty());
    assert_eq!(on_account.len(), 1);
    assert_eq!(on_account[0].id, created.id);
    let requests = server.requests();
    let accounts: Vec<Option<&str>> = requests
        .iter()
        .map(|r| r.stripe_account.as_deref())
        .collect();
    assert_eq!(
        accounts,
        [Some("acct_1Connected"), None, Some("acct_1Connected")]
    );
}

#[tokio::test(start_paused = true)]
async fn the_scope_picks_the_key_of_its_mode() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    let live = Scope::new(true, None);
    let created = client
        .create_webhook_endpoint(&live, &new_endpoint("https://shop.example.com/live"))
        .await
        .unwrap();
    assert!(created.livemode);
    assert!(client
        .list_webhook_endpoints(&Scope::test())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(client.list_webhook_endpoints(&live).await.unwrap().len(), 1);
    let modes: Vec<Option<KeyMode>> = server.requests().iter().map(|r| r.key_mode).collect();
    assert_eq!(
        modes,
        [
            Some(KeyMode::Live),
            Some(KeyMode::Test),
            Some(KeyMode::Live)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn no_key_for_the_mode_fails_before_any_request() {
    capture();
    let server = TestServer::start().await;
    let mut only_test = settings(server.base_url());
    only_test.live_key = None;
    let client = StripeClient::new(only_test).unwrap();
    let error = client
        .list_webhook_endpoints(&Scope::new(true, None))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::NoKey { livemode: true }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("STRIPE_LIVE_SECRET_KEY"),
        "{error}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_holds_back_the_request_past_the_burst() {
    capture();
    let server = TestServer::start().await;
    let mut five = settings(server.base_url());
    five.rate_limit = 5;
    let client = StripeClient::new(five).unwrap();
    for _ in 0..6 {
        client.list_webhook_endpoints(&Scope::test()).await.unwrap();
    }
    let at: Vec<Duration> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(at.len(), 6);
    assert!(at[4] - at[0] < Duration::from_millis(200), "{at:?}");
    assert!(at[5] - at[0] >= Duration::from_millis(200), "{at:?}");
    // Another account has a bucket of its own: not held back.
    let before = tokio::time::Instant::now();
    client
        .list_webhook_endpoints(&Scope::new(false, Some("acct_other".into())))
        .await
        .unwrap();
    assert!(before.elapsed() < Duration::from_millis(200));
}

#[tokio::test(start_paused = true)]
async fn list_pages_with_starting_after_until_has_more_is_false() {
    capture();
    let server = TestServer::start().await;
    let mut fast = settings(server.base_url());
    fast.rate_limit = 1000;
    let client = StripeClient::new(fast).unwrap();
    let mut ids = Vec::new();
    for i in 0..230 {
        let created = client
            .create_webhook_endpoint(
                &Scope::test(),
                &new_endpoint(&format!("https://shop.example.com/w/{i}")),
            )
            .await
            .unwrap();
        ids.push(created.id);
    }
    server.clear_requests();
    let listed = client.list_webhook_endpoints(&Scope::test()).await.unwrap();
    // Stripe lists newest first.
    ids.reverse();
    assert_eq!(listed.iter().map(|e| e.id.clone()).collect::<Vec<_>>(), ids);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let query = |i: usize| requests[i].query.clone();
    assert_eq!(query(0), [("limit".to_owned(), "100".to_owned())]);
    assert_eq!(
        query(1),
        [
            ("limit".to_owned(), "100".to_owned()),
            ("starting_after".to_owned(), ids[99].clone())
        ]
    );
    assert_eq!(query(2)[1], ("starting_after".to_owned(), ids[199].clone()));
}

#[tokio::test(start_paused = true)]
async fn update_delete_and_not_found() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    let scope = Scope::test();
    let created = client
        .create_webhook_endpoint(&scope, &new_endpoint("https://shop.example.com/w"))
        .await
        .unwrap();
    let updated = client
        .update_webhook_endpoint(
            &scope,
            &created.id,
            &WebhookEndpointUpdate {
                url: Some("https://shop.example.com/moved".into()),
                enabled_events: Some(vec!["*".into()]),
                disabled: Some(true),
                description: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.url, "https://shop.example.com/moved");
    assert_eq!(updated.enabled_events, ["*"]);
    assert_eq!(updated.status, "disabled");
    assert_eq!(updated.secret, None);
    let request = server.requests().pop().unwrap();
    assert_eq!(
        request.path,
        format!("/v1/webhook_endpoints/{}", created.id)
    );
    assert_eq!(form_values(&request, "disabled"), ["true"]);

    client
        .delete_webhook_endpoint(&scope, &created.id)
        .await
        .unwrap();
    let again = client
        .delete_webhook_endpoint(&scope, &created.id)
        .await
        .unwrap_err();
    assert!(again.is_not_found(), "{again:?}");
    let ApiError::Refused { error, .. } = &again else {
        panic!("{again:?}");
    };
    assert_eq!(error.code.as_deref(), Some("resource_missing"));
    let missing = client
        .update_webhook_endpoint(&scope, &created.id, &WebhookEndpointUpdate::default())
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
    // An id that cannot be Stripe's never leaves the process.
    let requests = server.requests().len();
    let forged = client
        .retrieve_event(&scope, "../webhook_endpoints")
        .await
        .unwrap_err();
    assert!(matches!(forged, ApiError::InvalidId { .. }));
    assert!(forged.is_not_found());
    assert_eq!(server.requests().len(), requests);
}

#[tokio::test(start_paused = true)]
async fn retrieve_event_returns_stripes_bytes_and_objects_as_json() {
    capture();
    let server = TestServer::start().await;
    let client = client(&server);
    let connected = Scope::new(false, Some("acct_1Connected".into()));
    let stored = server.insert_event(serde_json::json!({
        "id": "evt_1Connect",
        "type": "customer.created",
        "account": "acct_1Connected",
        "api_version": "2020-08-27",
    }));
    let body = client
        .retrieve_event(&connected, "evt_1Connect")
        .await
        .unwrap();
    let got: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(got, stored);
    assert_eq!(got["data"]["object"]["object"], "customer");
    assert_eq!(got["api_version"], "2020-08-27");
    // The platform does not see a connected account's event.
    let error = client
        .retrieve_event(&Scope::test(), "evt_1Connect")
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");

    let path = server.put_object(
        &stripe_api_test_server::Scope::test(),
        serde_json::json!({"object": "subscription", "id": "sub_1", "status": "past_due"}),
    );
    assert_eq!(path, "/v1/subscriptions/sub_1");
    let object = client.retrieve_object(&Scope::test(), &path).await.unwrap();
    assert_eq!(object["id"], "sub_1");
    assert_eq!(object["status"], "past_due");
    assert_eq!(object["object"], "subscription");
    assert!(
        object["items"].is_object(),
        "the rest from Stripe's fixture"
    );
    let missing = client
        .retrieve_object(&Scope::test(), "/v1/subscriptions/sub_2")
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
}

/// The logs of every test of this file, at TRACE level (the client's spans and events,
/// reqwest's and hyper's). One global subscriber: a per-test `set_default` misses events whose
/// callsites another test thread registered first.
fn capture() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .init();
            captured
        })
        .clone()
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn keys_never_reach_the_logs() {
    let captured = capture();
    let server = TestServer::start().await;
    let client = client(&server);
    server.fail_next(1, 503, Some(1));
    let created = client
        .create_webhook_endpoint(&Scope::test(), &new_endpoint("https://shop.example.com/w"))
        .await
        .unwrap();
    let refused = client
        .create_webhook_endpoint(&Scope::new(true, None), &new_endpoint("http://x.example"))
        .await
        .unwrap_err();
    client
        .retrieve_event(&Scope::new(false, Some("acct_1".into())), "evt_nope")
        .await
        .unwrap_err();

    // Every test's logs so far (the subscriber is global), this one's included.
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("stripe_api"),
        "the client's span was captured: {logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    for text in [
        logs.as_str(),
        &format!("{client:?}"),
        &format!("{:?}", client.settings()),
        &format!("{refused:?} {refused}"),
        &format!("{created:?}"),
    ] {
        assert!(!text.contains("TopSecret"), "a key leaked: {text}");
    }
}
