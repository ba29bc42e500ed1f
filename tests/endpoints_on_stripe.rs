//! Endpoints on Stripe (README, "Endpoints on Stripe"): `remote_endpoints::{create, update,
//! delete, sync}` against the in-repo Stripe API test server, on both backends, with a real
//! server receiving the deliveries signed with the secret Stripe returned.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use stripe_api_test_server::{
    KeyMode, RecordedRequest, Scope as ServerScope, TestServer as Stripe,
};
use stripe_receiver::endpoint::{Endpoint, RollError};
use stripe_receiver::event_types::{self, DefaultSource};
use stripe_receiver::prelude::*;
use stripe_receiver::public_url::PublicUrlError;
use stripe_receiver::remote_endpoints::{
    self, CreateOnStripe, OnStripe, RemoteError, RemoteUpdate, METADATA_UUID_KEY,
};
use stripe_receiver::signature::Secret;
use stripe_receiver::store::endpoints::{self, Deleted};
use stripe_receiver::store::events;
use stripe_receiver::stripe_api::{
    ApiError, ApiSettings, NewWebhookEndpoint, Scope, StripeClient, WebhookEndpointUpdate,
    BUNDLED_API_VERSION,
};
use stripe_receiver::ApiKey;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};
use uuid::Uuid;

// ---- this binary's receivers: the default `enabled_events` -----------------------------------

#[stripe_receiver("charge.dispute.*", "invoice.paid")]
fn on_disputes_and_invoices(_: &Event) {}

#[stripe_receiver("customer.created")]
fn on_customer_created(_: &Event) {}

/// What the receivers above subscribe to, patterns expanded: the default of a create.
fn receivers_types() -> Vec<String> {
    let mut want: Vec<String> = event_types::BUNDLED
        .iter()
        .filter(|t| t.starts_with("charge.dispute."))
        .map(|t| (*t).to_owned())
        .collect();
    assert!(want.len() >= 4, "{want:?}");
    want.push("invoice.paid".into());
    want.push("customer.created".into());
    want.sort();
    want
}

// ---- helpers ----------------------------------------------------------------------------------

struct Fixture {
    server: TestServer,
    stripe: Stripe,
    client: StripeClient,
}

async fn fixture(backend: TestBackend) -> Fixture {
    let server = TestServer::start(backend).await;
    let stripe = Stripe::start().await;
    let client = client(&stripe, 2);
    Fixture {
        server,
        stripe,
        client,
    }
}

/// A client of `stripe` with both keys and quick retries.
fn client(stripe: &Stripe, max_retries: u32) -> StripeClient {
    StripeClient::new(ApiSettings {
        base: stripe.base_url().to_owned(),
        version: BUNDLED_API_VERSION.to_owned(),
        test_key: Some(ApiKey::parse("sk_test_remote123").unwrap()),
        live_key: Some(ApiKey::parse("sk_live_remote456").unwrap()),
        rate_limit: 100,
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
    })
    .unwrap()
}

impl Fixture {
    fn db(&self) -> &stripe_receiver::db::Db {
        self.server.db()
    }

    async fn create(&self, base: &str) -> Endpoint {
        remote_endpoints::create(
            &self.client,
            self.db(),
            CreateOnStripe::new(base, receivers_types()),
        )
        .await
        .unwrap()
    }

    /// Waits (at most 10 s) until the serving runtime's endpoint cache sees the endpoint as
    /// `pred` wants: these functions write through the store, as another process would, and on
    /// PostgreSQL the cache hears of it by a notification a few milliseconds later (README,
    /// "Endpoint changes reach a running server").
    async fn seen(&self, uuid: Uuid, pred: impl Fn(&Endpoint) -> bool) {
        let start = std::time::Instant::now();
        loop {
            let current = self.server.runtime.endpoints().get(uuid).await.unwrap();
            if current.as_deref().is_some_and(&pred) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the runtime did not see the change of {uuid}: {current:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every endpoint row.
    async fn rows(&self) -> Vec<Endpoint> {
        endpoints::list(self.db()).await.unwrap()
    }

    /// Sends a `customer.created` event to the endpoint's path on the local server, signed with
    /// `secret`.
    async fn deliver(&self, uuid: Uuid, secret: &Secret, event_id: &str) -> (u16, Value) {
        let url = format!("{}/webhooks/{uuid}", self.server.base_url);
        let body = event(
            event_id,
            "customer.created",
            json!({"id": format!("cus_{event_id}"), "object": "customer"}),
        );
        let reply = self
            .server
            .sender
            .send(&url, secret, body.into_bytes(), None)
            .await
            .unwrap();
        (
            reply.status,
            serde_json::from_str(&reply.body).unwrap_or(Value::String(reply.body)),
        )
    }
}

/// The form of a recorded request as a multimap, in order per key.
fn form(request: &RecordedRequest) -> BTreeMap<&str, Vec<&str>> {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in &request.form {
        map.entry(k.as_str()).or_default().push(v.as_str());
    }
    map
}

fn secret_of(endpoint: &Endpoint) -> Secret {
    assert_eq!(endpoint.secrets.len(), 1, "{:?}", endpoint.secrets);
    endpoint.secrets[0].secret.clone()
}

// ---- create -----------------------------------------------------------------------------------

async fn create_sends_the_documented_form_and_stores_the_secret_stripe_returned(
    backend: TestBackend,
) {
    let f = fixture(backend).await;
    // The default: this binary's receivers, the built-in sync not counted.
    let (default, source) = event_types::for_registry(f.server.runtime.registry()).unwrap();
    assert_eq!(source, DefaultSource::Receivers);
    assert_eq!(default, receivers_types());

    let endpoint = f.create("https://shop.example.com/base/").await;
    let requests = f.stripe.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let post = &requests[0];
    assert_eq!(
        (post.method.as_str(), post.path.as_str()),
        ("POST", "/v1/webhook_endpoints")
    );
    assert_eq!(post.status, 200);
    assert_eq!(post.key_mode, Some(KeyMode::Test));
    assert_eq!(post.stripe_account, None);
    assert!(post.idempotency_key.is_some());
    let url = format!("https://shop.example.com/base/webhooks/{}", endpoint.uuid);
    let uuid = endpoint.uuid.to_string();
    let mut want: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    want.insert("url", vec![&url]);
    want.insert(
        "enabled_events[]",
        default.iter().map(String::as_str).collect(),
    );
    want.insert("api_version", vec![BUNDLED_API_VERSION]);
    want.insert("metadata[stripe_receiver_uuid]", vec![&uuid]);
    assert_eq!(form(post), want, "no connect, no description");

    // What Stripe holds is what is stored.
    let on_stripe = f.stripe.webhook_endpoints(&ServerScope::test());
    assert_eq!(on_stripe.len(), 1);
    assert_eq!(on_stripe[0]["url"], url.as_str());
    assert_eq!(on_stripe[0]["metadata"][METADATA_UUID_KEY], uuid.as_str());
    let stored = endpoints::get(f.db(), endpoint.uuid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.stripe_id.as_deref(), on_stripe[0]["id"].as_str());
    assert_eq!(stored.url, url);
    assert_eq!(stored.enabled_events, default);
    assert_eq!(stored.api_version.as_deref(), Some(BUNDLED_API_VERSION));
    assert!(!stored.livemode && stored.enabled && stored.account.is_none());

    // A delivery signed with the stored secret is processed; another secret is refused.
    let secret = secret_of(&stored);
    let (status, reply) = f.deliver(endpoint.uuid, &secret, "evt_remote_1").await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed");
    assert!(events::get(f.db(), "evt_remote_1").await.unwrap().is_some());
    let (status, _) = f
        .deliver(endpoint.uuid, &Secret::generate(), "evt_remote_2")
        .await;
    assert_eq!(status, 400);
}

async fn create_with_account_livemode_connect_version_and_description(backend: TestBackend) {
    let f = fixture(backend).await;
    let mut req = CreateOnStripe::new(
        "https://shop.example.com",
        vec!["charge.dispute.*".into(), "invoice.paid".into()],
    );
    req.scope = Scope::new(true, Some("acct_1Connected".into()));
    req.connect = true;
    req.api_version = Some("2024-06-20".into());
    req.description = Some("orders".into());
    let endpoint = remote_endpoints::create(&f.client, f.db(), req)
        .await
        .unwrap();
    let requests = f.stripe.requests();
    assert_eq!(requests.len(), 1);
    let post = &requests[0];
    assert_eq!(
        post.key_mode,
        Some(KeyMode::Live),
        "the live key for livemode"
    );
    assert_eq!(post.stripe_account.as_deref(), Some("acct_1Connected"));
    let sent = form(post);
    assert_eq!(sent["connect"], ["true"]);
    assert_eq!(sent["api_version"], ["2024-06-20"]);
    assert_eq!(sent["description"], ["orders"]);
    let mut disputes: Vec<&str> = event_types::family_members("charge.dispute.*");
    disputes.push("invoice.paid");
    disputes.sort_unstable();
    assert_eq!(sent["enabled_events[]"], disputes, "the family expanded");
    // Stored in the account's live scope on the server, and so here.
    assert_eq!(
        f.stripe
            .webhook_endpoints(&ServerScope::new(true, Some("acct_1Connected")))
            .len(),
        1
    );
    assert!(f.stripe.webhook_endpoints(&ServerScope::test()).is_empty());
    assert!(endpoint.livemode);
    assert_eq!(endpoint.account.as_deref(), Some("acct_1Connected"));
    assert_eq!(endpoint.api_version.as_deref(), Some("2024-06-20"));
}

async fn a_refusal_by_stripe_stores_nothing_and_gives_its_message(backend: TestBackend) {
    let f = fixture(backend).await;
    let before = f.rows().await.len();
    let mut req = CreateOnStripe::new("https://shop.example.com", vec!["invoice.paid".into()]);
    req.api_version = Some("not-a-version".into());
    let err = remote_endpoints::create(&f.client, f.db(), req)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, RemoteError::Stripe(e) if matches!(**e, ApiError::Refused { status: 400, .. })),
        "{err:?}"
    );
    assert!(
        msg.contains("'not-a-version' is not an API version"),
        "{msg}"
    );
    // A type newer than the list, admitted here, refused there.
    let req = CreateOnStripe::new("https://shop.example.com", vec!["brand_new.thing".into()]);
    let err = remote_endpoints::create(&f.client, f.db(), req)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("'brand_new.thing'"), "{err}");
    assert_eq!(f.rows().await.len(), before);
    assert!(f.stripe.webhook_endpoints(&ServerScope::test()).is_empty());
}

async fn a_failed_local_save_deletes_the_endpoint_on_stripe_again(backend: TestBackend) {
    let f = fixture(backend).await;
    // The save fails: the table is away.
    f.server
        .execute("ALTER TABLE stripe_webhook_endpoints RENAME TO away")
        .await;
    let err = remote_endpoints::create(
        &f.client,
        f.db(),
        CreateOnStripe::new("https://shop.example.com", vec!["invoice.paid".into()]),
    )
    .await
    .unwrap_err();
    f.server
        .execute("ALTER TABLE away RENAME TO stripe_webhook_endpoints")
        .await;
    let RemoteError::NotStored {
        stripe_id, cleanup, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(cleanup.is_none(), "{err}");
    assert!(err.to_string().contains("deleted on Stripe again"), "{err}");
    let requests = f.stripe.requests();
    let calls: Vec<(&str, &str, u16)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.status))
        .collect();
    let delete_path = format!("/v1/webhook_endpoints/{stripe_id}");
    assert_eq!(
        calls,
        [
            ("POST", "/v1/webhook_endpoints", 200),
            ("DELETE", delete_path.as_str(), 200)
        ]
    );
    assert!(f.stripe.webhook_endpoints(&ServerScope::test()).is_empty());
    assert_eq!(f.rows().await.len(), 1, "only the harness's local endpoint");

    // The clean-up fails too: the error names the Stripe id to delete by hand.
    f.stripe.clear_requests();
    let client = client(&f.stripe, 0);
    f.stripe.delay_next(1, Duration::ZERO); // the POST goes through
    f.stripe.fail_next(1, 500, None); // the DELETE fails
    f.server
        .execute("ALTER TABLE stripe_webhook_endpoints RENAME TO away")
        .await;
    let err = remote_endpoints::create(
        &client,
        f.db(),
        CreateOnStripe::new("https://shop.example.com", vec!["invoice.paid".into()]),
    )
    .await
    .unwrap_err();
    f.server
        .execute("ALTER TABLE away RENAME TO stripe_webhook_endpoints")
        .await;
    let RemoteError::NotStored {
        stripe_id, cleanup, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(cleanup.is_some());
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("{stripe_id} still exists on Stripe"))
            && msg.contains(&format!("DELETE /v1/webhook_endpoints/{stripe_id}")),
        "{msg}"
    );
    let left = f.stripe.webhook_endpoints(&ServerScope::test());
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], stripe_id.as_str());
    assert_eq!(f.rows().await.len(), 1);
}

async fn a_base_url_stripe_cannot_reach_is_refused_before_any_request(backend: TestBackend) {
    let f = fixture(backend).await;
    for base in [
        "http://shop.example.com",
        "https://localhost",
        "https://app.localhost",
        "https://127.1",
        "https://0x7f.1",
        "https://2130706433",
        "https://0177.0.0.1",
        "https://[::1]",
        "https://[::ffff:127.0.0.1]",
        "https://[::ffff:7f00:1]",
        "https://10.1.2.3",
        "https://172.20.0.1",
        "https://192.168.0.10",
        "https://169.254.169.254",
        "https://100.64.1.1",
        "https://0.0.0.0",
        "https://[fc00::1]",
        "https://[fd00::1]",
        "https://[fe80::1]",
        "https://shop.example.com/?x=1",
        "https://shop.example.com/#x",
    ] {
        let err = remote_endpoints::create(
            &f.client,
            f.db(),
            CreateOnStripe::new(base, vec!["invoice.paid".into()]),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, RemoteError::BaseUrl(_)), "{base}: {err:?}");
        if !matches!(
            err,
            RemoteError::BaseUrl(PublicUrlError::QueryOrFragment { .. })
        ) {
            assert!(
                err.to_string()
                    .contains("stripe-receiver endpoints add-local"),
                "{base}: {err}"
            );
        }
    }
    assert!(f.stripe.requests().is_empty(), "{:#?}", f.stripe.requests());
    assert_eq!(f.rows().await.len(), 1);
}

// ---- update -----------------------------------------------------------------------------------

async fn update_changes_stripe_then_the_row(backend: TestBackend) {
    let f = fixture(backend).await;
    let endpoint = f.create("https://shop.example.com").await;
    let secret = secret_of(&endpoint);
    f.stripe.clear_requests();
    let updated = remote_endpoints::update(
        &f.client,
        f.db(),
        endpoint.uuid,
        &RemoteUpdate {
            base_url: Some("https://new.example.com/hooks/".into()),
            enabled_events: Some(vec!["invoice.paid".into()]),
            enabled: Some(false),
            description: None,
        },
    )
    .await
    .unwrap();
    let url = format!("https://new.example.com/hooks/webhooks/{}", endpoint.uuid);
    let requests = f.stripe.requests();
    assert_eq!(requests.len(), 1);
    let stripe_id = endpoint.stripe_id.clone().unwrap();
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        (
            "POST",
            format!("/v1/webhook_endpoints/{stripe_id}").as_str()
        )
    );
    let mut want: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    want.insert("url", vec![&url]);
    want.insert("enabled_events[]", vec!["invoice.paid"]);
    want.insert("disabled", vec!["true"]);
    assert_eq!(form(&requests[0]), want);
    assert_eq!(updated.url, url);
    assert_eq!(updated.enabled_events, ["invoice.paid"]);
    assert!(!updated.enabled);
    assert_eq!(updated.secrets, endpoint.secrets, "secrets kept");
    assert_eq!(
        f.stripe.webhook_endpoints(&ServerScope::test())[0]["status"],
        "disabled"
    );
    // Disabled: its URL answers 404.
    f.seen(endpoint.uuid, |e| !e.enabled).await;
    let (status, _) = f.deliver(endpoint.uuid, &secret, "evt_upd_1").await;
    assert_eq!(status, 404);

    // Enabled again, on Stripe too.
    let enabled = remote_endpoints::update(
        &f.client,
        f.db(),
        endpoint.uuid,
        &RemoteUpdate {
            enabled: Some(true),
            ..RemoteUpdate::default()
        },
    )
    .await
    .unwrap();
    assert!(enabled.enabled);
    assert_eq!(
        form(f.stripe.requests().last().unwrap())["disabled"],
        ["false"]
    );
    f.seen(endpoint.uuid, |e| e.enabled).await;
    let (status, _) = f.deliver(endpoint.uuid, &secret, "evt_upd_2").await;
    assert_eq!(status, 200);

    // Stripe refuses: the row is as it was.
    f.stripe.fail_next(1, 400, None);
    let err = remote_endpoints::update(
        &f.client,
        f.db(),
        endpoint.uuid,
        &RemoteUpdate {
            enabled: Some(false),
            ..RemoteUpdate::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, RemoteError::Stripe(_)), "{err:?}");
    assert!(
        endpoints::get(f.db(), endpoint.uuid)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );

    // A bad base URL: refused before the call.
    f.stripe.clear_requests();
    let err = remote_endpoints::update(
        &f.client,
        f.db(),
        endpoint.uuid,
        &RemoteUpdate {
            base_url: Some("https://192.168.1.1".into()),
            ..RemoteUpdate::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, RemoteError::BaseUrl(_)), "{err:?}");
    assert!(f.stripe.requests().is_empty());

    // A local-only endpoint has nothing on Stripe.
    let err = remote_endpoints::update(
        &f.client,
        f.db(),
        f.server.endpoint.uuid,
        &RemoteUpdate {
            enabled: Some(false),
            ..RemoteUpdate::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, RemoteError::NotOnStripe(u) if u == f.server.endpoint.uuid));

    // Gone from Stripe (deleted in the Dashboard): said so.
    f.client
        .delete_webhook_endpoint(&Scope::test(), &stripe_id)
        .await
        .unwrap();
    let err = remote_endpoints::update(
        &f.client,
        f.db(),
        endpoint.uuid,
        &RemoteUpdate {
            enabled: Some(false),
            ..RemoteUpdate::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, RemoteError::GoneFromStripe { .. }), "{err:?}");
}

// ---- delete -----------------------------------------------------------------------------------

async fn delete_goes_to_stripe_first_and_keeps_the_delivery_history(backend: TestBackend) {
    let f = fixture(backend).await;
    // With deliveries: a tombstone.
    let delivered = f.create("https://shop.example.com").await;
    let secret = secret_of(&delivered);
    let (status, _) = f.deliver(delivered.uuid, &secret, "evt_del_1").await;
    assert_eq!(status, 200);
    f.stripe.clear_requests();
    let done = remote_endpoints::delete(&f.client, f.db(), delivered.uuid)
        .await
        .unwrap();
    let stripe_id = delivered.stripe_id.clone().unwrap();
    assert_eq!(done.on_stripe, OnStripe::Deleted);
    assert_eq!(done.local, Deleted::KeptForDeliveries);
    let requests = f.stripe.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        (
            "DELETE",
            format!("/v1/webhook_endpoints/{stripe_id}").as_str()
        )
    );
    assert!(f.stripe.webhook_endpoints(&ServerScope::test()).is_empty());
    let tomb = endpoints::get(f.db(), delivered.uuid)
        .await
        .unwrap()
        .unwrap();
    assert!(tomb.deleted_at.is_some() && !tomb.enabled && tomb.secrets.is_empty());
    let history = f.server.deliveries().await;
    assert!(history
        .iter()
        .any(|d| d.endpoint_uuid == delivered.uuid && d.event_id.as_deref() == Some("evt_del_1")));
    assert!(events::get(f.db(), "evt_del_1").await.unwrap().is_some());
    f.seen(delivered.uuid, |e| !e.enabled).await;
    let (status, _) = f.deliver(delivered.uuid, &secret, "evt_del_2").await;
    assert_eq!(status, 404);
    // Deleted: nothing more to do with it.
    let err = remote_endpoints::delete(&f.client, f.db(), delivered.uuid)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Deleted(_)), "{err:?}");
    assert!(!endpoints::set_enabled(f.db(), delivered.uuid, true)
        .await
        .unwrap());

    // Without deliveries: the row goes.
    let quiet = f.create("https://shop.example.com").await;
    let done = remote_endpoints::delete(&f.client, f.db(), quiet.uuid)
        .await
        .unwrap();
    assert_eq!(
        (done.on_stripe, done.local),
        (OnStripe::Deleted, Deleted::Removed)
    );
    assert!(endpoints::get(f.db(), quiet.uuid).await.unwrap().is_none());

    // Deleted in the Dashboard first: Stripe's 404 is "already gone".
    let gone = f.create("https://shop.example.com").await;
    f.client
        .delete_webhook_endpoint(&Scope::test(), gone.stripe_id.as_deref().unwrap())
        .await
        .unwrap();
    let done = remote_endpoints::delete(&f.client, f.db(), gone.uuid)
        .await
        .unwrap();
    assert_eq!(
        (done.on_stripe, done.local),
        (OnStripe::AlreadyGone, Deleted::Removed)
    );

    // Stripe failing: nothing deleted here.
    let kept = f.create("https://shop.example.com").await;
    let client = client(&f.stripe, 0);
    f.stripe.fail_next(1, 500, None);
    let err = remote_endpoints::delete(&client, f.db(), kept.uuid)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::Stripe(_)), "{err:?}");
    assert!(
        endpoints::get(f.db(), kept.uuid)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );

    // A local-only endpoint is the store's to delete.
    let err = remote_endpoints::delete(&f.client, f.db(), f.server.endpoint.uuid)
        .await
        .unwrap_err();
    assert!(matches!(err, RemoteError::NotOnStripe(_)), "{err:?}");
}

// ---- sync -------------------------------------------------------------------------------------

async fn sync_reconciles_matches_and_reports_the_rest(backend: TestBackend) {
    let f = fixture(backend).await;
    let changed = f.create("https://shop.example.com").await;
    let gone = f.create("https://shop.example.com").await;
    let steady = f.create("https://shop.example.com").await;
    let changed_id = changed.stripe_id.clone().unwrap();
    let test = Scope::test();
    // Changed in the Dashboard.
    f.client
        .update_webhook_endpoint(
            &test,
            &changed_id,
            &WebhookEndpointUpdate {
                url: Some(format!(
                    "https://moved.example.com/webhooks/{}",
                    changed.uuid
                )),
                enabled_events: Some(vec!["invoice.paid".into()]),
                disabled: Some(true),
                description: None,
            },
        )
        .await
        .unwrap();
    // Deleted in the Dashboard.
    f.client
        .delete_webhook_endpoint(&test, gone.stripe_id.as_deref().unwrap())
        .await
        .unwrap();
    // Created by someone else.
    let foreign = f
        .client
        .create_webhook_endpoint(&test, &new_remote("https://other.example.com/hook", None))
        .await
        .unwrap();
    // Created by stripe-receiver for the harness's local endpoint (no Stripe id yet): linked.
    let local = f.server.endpoint.uuid;
    let claims_local = f
        .client
        .create_webhook_endpoint(
            &test,
            &new_remote(
                &format!("https://shop.example.com/webhooks/{local}"),
                Some(local),
            ),
        )
        .await
        .unwrap();
    // Created by stripe-receiver for an endpoint this database does not have.
    let stranger = Uuid::new_v4();
    let orphan = f
        .client
        .create_webhook_endpoint(
            &test,
            &new_remote("https://shop.example.com/webhooks/x", Some(stranger)),
        )
        .await
        .unwrap();
    // Another mode: not looked at.
    let live = f
        .client
        .create_webhook_endpoint(
            &Scope::new(true, None),
            &new_remote("https://live.example.com/h", None),
        )
        .await
        .unwrap();

    let report = remote_endpoints::sync(&f.client, f.db(), &test)
        .await
        .unwrap();
    assert!(!report.livemode && report.account.is_none());
    let matched: BTreeMap<Uuid, (String, Vec<&str>)> = report
        .matched
        .iter()
        .map(|m| (m.uuid, (m.stripe_id.clone(), m.changed.clone())))
        .collect();
    assert_eq!(matched.len(), 3, "{report:#?}");
    assert_eq!(
        matched[&changed.uuid],
        (changed_id.clone(), vec!["url", "enabled_events", "enabled"])
    );
    assert_eq!(
        matched[&steady.uuid],
        (steady.stripe_id.clone().unwrap(), vec![])
    );
    assert_eq!(
        matched[&local],
        (
            claims_local.id.clone(),
            vec!["stripe_id", "url", "enabled_events"]
        )
    );
    let unknown: BTreeMap<&str, (Option<Uuid>, &str)> = report
        .unknown_on_stripe
        .iter()
        .map(|u| (u.stripe_id.as_str(), (u.claimed_uuid, u.note.as_str())))
        .collect();
    assert_eq!(unknown.len(), 2, "{report:#?}");
    assert_eq!(unknown[foreign.id.as_str()].0, None);
    assert!(unknown[foreign.id.as_str()]
        .1
        .contains("not created by stripe-receiver"));
    assert_eq!(unknown[orphan.id.as_str()].0, Some(stranger));
    assert!(unknown[orphan.id.as_str()].1.contains("does not have"));
    assert!(!unknown.contains_key(live.id.as_str()));
    assert_eq!(report.gone_from_stripe.len(), 1);
    assert_eq!(report.gone_from_stripe[0].uuid, gone.uuid);

    // The rows: brought in line, secrets kept; the gone one untouched; the linked one linked.
    let row = endpoints::get(f.db(), changed.uuid).await.unwrap().unwrap();
    assert_eq!(
        row.url,
        format!("https://moved.example.com/webhooks/{}", changed.uuid)
    );
    assert_eq!(row.enabled_events, ["invoice.paid"]);
    assert!(!row.enabled);
    assert_eq!(row.secrets, changed.secrets);
    let row = endpoints::get(f.db(), gone.uuid).await.unwrap().unwrap();
    assert!(
        row.enabled && row.deleted_at.is_none(),
        "never deleted silently"
    );
    let row = endpoints::get(f.db(), local).await.unwrap().unwrap();
    assert_eq!(row.stripe_id.as_deref(), Some(claims_local.id.as_str()));
    assert_eq!(row.secrets, f.server.endpoint.secrets);
    // Nothing imported.
    assert_eq!(f.rows().await.len(), 4);

    // Again: everything is in line already.
    let again = remote_endpoints::sync(&f.client, f.db(), &test)
        .await
        .unwrap();
    assert!(
        again.matched.iter().all(|m| m.changed.is_empty()),
        "{again:#?}"
    );
    assert_eq!(again.matched.len(), 3);

    // Live mode: only the live endpoint, unknown here; the test rows are not "gone".
    let live_report = remote_endpoints::sync(&f.client, f.db(), &Scope::new(true, None))
        .await
        .unwrap();
    assert!(live_report.matched.is_empty() && live_report.gone_from_stripe.is_empty());
    assert_eq!(live_report.unknown_on_stripe.len(), 1);
    let list_calls: Vec<(Option<KeyMode>, Option<String>)> = f
        .stripe
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/v1/webhook_endpoints")
        .map(|r| (r.key_mode, r.stripe_account.clone()))
        .collect();
    assert_eq!(
        list_calls,
        [
            (Some(KeyMode::Test), None),
            (Some(KeyMode::Test), None),
            (Some(KeyMode::Live), None)
        ]
    );
}

fn new_remote(url: &str, claims: Option<Uuid>) -> NewWebhookEndpoint {
    NewWebhookEndpoint {
        url: url.to_owned(),
        enabled_events: vec!["invoice.paid".into()],
        api_version: None,
        connect: false,
        description: None,
        metadata: claims
            .map(|u| (METADATA_UUID_KEY.to_owned(), u.to_string()))
            .into_iter()
            .collect(),
    }
}

async fn sync_of_a_connected_account_sends_its_id(backend: TestBackend) {
    let f = fixture(backend).await;
    let mut req = CreateOnStripe::new("https://shop.example.com", vec!["invoice.paid".into()]);
    req.scope = Scope::new(false, Some("acct_1Sync".into()));
    let endpoint = remote_endpoints::create(&f.client, f.db(), req)
        .await
        .unwrap();
    f.stripe.clear_requests();
    let report = remote_endpoints::sync(
        &f.client,
        f.db(),
        &Scope::new(false, Some("acct_1Sync".into())),
    )
    .await
    .unwrap();
    assert_eq!(report.matched.len(), 1);
    assert_eq!(report.matched[0].uuid, endpoint.uuid);
    assert_eq!(
        f.stripe.requests()[0].stripe_account.as_deref(),
        Some("acct_1Sync")
    );
    // The platform's sync does not see it, nor report it gone.
    let platform = remote_endpoints::sync(&f.client, f.db(), &Scope::test())
        .await
        .unwrap();
    assert!(platform.matched.is_empty() && platform.gone_from_stripe.is_empty());
}

// ---- roll-secret ------------------------------------------------------------------------------

async fn rolling_the_secret_of_an_endpoint_on_stripe_takes_the_dashboard_s_new_secret(
    backend: TestBackend,
) {
    let f = fixture(backend).await;
    let endpoint = f.create("https://shop.example.com").await;
    let old = secret_of(&endpoint);
    f.stripe.clear_requests();
    let now = chrono::Utc::now().timestamp();
    // Stripe's API cannot roll it: no secret invented here.
    let err = endpoint.roll_secret(None, now, 3600).unwrap_err();
    assert!(
        matches!(err, RollError::StripeSecretNeeded { .. }),
        "{err:?}"
    );
    // The secret the Dashboard shows after its roll, the old one valid for an hour.
    let dashboard = Secret::new("whsec_fromthedashboardroll").unwrap();
    let (new, secrets) = endpoint
        .roll_secret(Some(dashboard.clone()), now, 3600)
        .unwrap();
    assert_eq!(new, dashboard);
    assert!(endpoints::set_secrets(f.db(), endpoint.uuid, &secrets)
        .await
        .unwrap());
    assert!(f.stripe.requests().is_empty(), "no call to Stripe");
    let (status, _) = f.deliver(endpoint.uuid, &dashboard, "evt_roll_new").await;
    assert_eq!(status, 200);
    let (status, _) = f.deliver(endpoint.uuid, &old, "evt_roll_old").await;
    assert_eq!(status, 200, "the old secret until it expires");
    // Expired: refused.
    let (_, secrets) = endpoints::get(f.db(), endpoint.uuid)
        .await
        .unwrap()
        .unwrap()
        .roll_secret(Some(dashboard.clone()), now, 0)
        .unwrap();
    endpoints::set_secrets(f.db(), endpoint.uuid, &secrets)
        .await
        .unwrap();
    f.seen(endpoint.uuid, |e| e.secrets == secrets).await;
    let (status, _) = f.deliver(endpoint.uuid, &old, "evt_roll_old2").await;
    assert_eq!(status, 400);
}

both_backends!(
    create_sends_the_documented_form_and_stores_the_secret_stripe_returned,
    create_with_account_livemode_connect_version_and_description,
    a_refusal_by_stripe_stores_nothing_and_gives_its_message,
    a_failed_local_save_deletes_the_endpoint_on_stripe_again,
    a_base_url_stripe_cannot_reach_is_refused_before_any_request,
    update_changes_stripe_then_the_row,
    delete_goes_to_stripe_first_and_keeps_the_delivery_history,
    sync_reconciles_matches_and_reports_the_rest,
    sync_of_a_connected_account_sends_its_id,
    rolling_the_secret_of_an_endpoint_on_stripe_takes_the_dashboard_s_new_secret,
);
