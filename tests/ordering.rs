//! Same-second ordering of the synced objects (README "Ordering guard"), over real HTTP on both
//! backends: events about one object created in the same second are ordered by what they mean
//! (`*.created` < other changes < `*.deleted`), then by their `previous_attributes`, then by
//! arrival — or, with `STRIPE_RECEIVER_REFETCH` / an endpoint's own setting, by Stripe's current
//! copy of the object, fetched from the in-repo Stripe API test server.
//!
//! Event ids are chosen so that comparing them (the old tie rule) would pick the wrong event:
//! each test fails under that rule.

use serde_json::{json, Value};
use stripe_api_test_server::{Scope, TestServer as Stripe};
use stripe_receiver::config::Refetch;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::sync::query::{self, ObjectRow};
use stripe_receiver::ApiKey;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{TestBackend, TestServer};

const T: i64 = 1_700_000_000;

/// A Stripe-shaped event body; `previous` is `data.previous_attributes`, `account` the Connect
/// account.
fn ev(
    id: &str,
    event_type: &str,
    object: Value,
    previous: Option<Value>,
    account: Option<&str>,
) -> String {
    let mut data = json!({"object": object});
    if let Some(previous) = previous {
        data["previous_attributes"] = previous;
    }
    let mut event = json!({
        "id": id, "object": "event", "api_version": "2026-10-28.endive", "created": T,
        "data": data, "livemode": false, "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null}, "type": event_type
    });
    if let Some(account) = account {
        event["account"] = json!(account);
    }
    event.to_string()
}

fn subscription(id: &str, status: &str) -> Value {
    json!({"id": id, "object": "subscription", "customer": "cus_1", "status": status,
           "items": {"object": "list", "data": []}, "metadata": {}})
}

/// A `customer.subscription.<verb>` event without `previous_attributes`, on the platform.
fn sub_event(event_id: &str, verb: &str, id: &str, status: &str) -> String {
    ev(
        event_id,
        &format!("customer.subscription.{verb}"),
        subscription(id, status),
        None,
        None,
    )
}

async fn send_ok(s: &TestServer, body: String) {
    let (status, reply) = s.send(body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed", "{reply}");
}

async fn row(s: &TestServer, id: &str) -> ObjectRow {
    query::show(s.db(), None, id)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no synced row {id}"))
}

/// The status and the event that wrote the row.
async fn state(s: &TestServer, id: &str) -> (String, String) {
    let r = row(s, id).await;
    (r.data["status"].as_str().unwrap().to_owned(), r.event_id)
}

// ---- by meaning ---------------------------------------------------------------------------------

async fn created_and_updated_in_one_second_end_updated_in_either_order(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    // The created event's id is the greater one: the old rule kept `incomplete`.
    let created = |id: &str| sub_event("evt_z_created", "created", id, "incomplete");
    let updated = |id: &str| {
        ev(
            "evt_a_updated",
            "customer.subscription.updated",
            subscription(id, "active"),
            Some(json!({"status": "incomplete"})),
            None,
        )
    };
    // In order.
    send_ok(&s, created("sub_in_order")).await;
    send_ok(&s, updated("sub_in_order")).await;
    // Out of order (other event ids: an event id is stored once).
    let reversed = |body: String| body.replace("evt_", "evt_r_");
    send_ok(&s, reversed(updated("sub_reversed"))).await;
    send_ok(&s, reversed(created("sub_reversed"))).await;
    assert_eq!(
        state(&s, "sub_in_order").await,
        ("active".into(), "evt_a_updated".into())
    );
    assert_eq!(
        state(&s, "sub_reversed").await,
        ("active".into(), "evt_r_a_updated".into())
    );
    // Without previous_attributes (only *.updated events carry them) the meaning alone
    // decides: a payment intent's succeeded, delivered before its created.
    let intent = |status: &str| json!({"id": "pi_1", "object": "payment_intent", "amount": 500, "status": status});
    send_ok(
        &s,
        ev(
            "evt_a_succeeded",
            "payment_intent.succeeded",
            intent("succeeded"),
            None,
            None,
        ),
    )
    .await;
    send_ok(
        &s,
        ev(
            "evt_z_pi_created",
            "payment_intent.created",
            intent("requires_payment_method"),
            None,
            None,
        ),
    )
    .await;
    assert_eq!(
        state(&s, "pi_1").await,
        ("succeeded".into(), "evt_a_succeeded".into())
    );
}

async fn a_late_update_of_the_deleting_second_does_not_undo_the_delete(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    // customer.subscription.deleted keeps the row, canceled; a late update of the same second
    // (with the greater id) must not bring `active` back.
    send_ok(
        &s,
        sub_event("evt_a_deleted", "deleted", "sub_del", "canceled"),
    )
    .await;
    send_ok(
        &s,
        ev(
            "evt_z_updated",
            "customer.subscription.updated",
            subscription("sub_del", "active"),
            Some(json!({"status": "past_due"})),
            None,
        ),
    )
    .await;
    assert_eq!(
        state(&s, "sub_del").await,
        ("canceled".into(), "evt_a_deleted".into())
    );
    // A deleted customer (a tombstone) stays deleted too.
    let customer = json!({"id": "cus_del", "object": "customer", "email": "a@example.com"});
    send_ok(
        &s,
        ev(
            "evt_a_cus_del",
            "customer.deleted",
            customer.clone(),
            None,
            None,
        ),
    )
    .await;
    let mut changed = customer;
    changed["email"] = json!("b@example.com");
    send_ok(
        &s,
        ev("evt_z_cus_upd", "customer.updated", changed, None, None),
    )
    .await;
    let r = row(&s, "cus_del").await;
    assert!(r.deleted);
    assert_eq!(r.data["email"], "a@example.com");
}

// ---- by previous_attributes ---------------------------------------------------------------------

/// incomplete -> trialing (the event with the greater id), then trialing -> active.
fn chain(id: &str) -> [String; 2] {
    let first = ev(
        &format!("evt_z_{id}"),
        "customer.subscription.updated",
        subscription(id, "trialing"),
        Some(json!({"status": "incomplete"})),
        None,
    );
    let second = ev(
        &format!("evt_a_{id}"),
        "customer.subscription.updated",
        subscription(id, "active"),
        Some(json!({"status": "trialing"})),
        None,
    );
    [first, second]
}

async fn previous_attributes_order_two_updates_of_one_second(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    for (id, reversed) in [("sub_chain", false), ("sub_chain_rev", true)] {
        send_ok(
            &s,
            sub_event(&format!("evt_0_{id}"), "created", id, "incomplete"),
        )
        .await;
        let [first, second] = chain(id);
        if reversed {
            send_ok(&s, second).await;
            send_ok(&s, first).await;
        } else {
            send_ok(&s, first).await;
            send_ok(&s, second).await;
        }
        assert_eq!(
            state(&s, id).await,
            ("active".into(), format!("evt_a_{id}")),
            "reversed: {reversed}"
        );
    }
}

async fn a_remaining_tie_goes_to_the_later_delivery(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    // Nothing orders these two (no previous_attributes naming the other's state): the one
    // delivered last wins, whatever the ids.
    for (first, second) in [("evt_b", "evt_a"), ("evt_c", "evt_d")] {
        let id = format!("sub_tie_{first}");
        send_ok(&s, sub_event(first, "updated", &id, "past_due")).await;
        send_ok(&s, sub_event(second, "updated", &id, "active")).await;
        assert_eq!(state(&s, &id).await, ("active".into(), second.to_owned()));
    }
    // Re-delivering the first event is a duplicate: nothing changes.
    let (status, reply) = s
        .send(sub_event("evt_b", "updated", "sub_tie_evt_b", "past_due"))
        .await;
    assert_eq!(
        (status, reply["outcome"].as_str()),
        (200, Some("duplicate"))
    );
    assert_eq!(state(&s, "sub_tie_evt_b").await.0, "active");
}

// ---- re-fetching --------------------------------------------------------------------------------

/// A server whose runtime calls `stripe` with a test key, re-fetching `global`ly and, for the
/// test's endpoint, as `endpoint` says.
async fn with_stripe(
    backend: TestBackend,
    stripe: &Stripe,
    global: Refetch,
    endpoint: Option<Refetch>,
) -> TestServer {
    let base = stripe.base_url().to_owned();
    TestServer::start_with(
        backend,
        move |mut builder| {
            let config = builder.config_mut();
            config.stripe_api_base = base;
            config.stripe_test_secret_key = Some(ApiKey::parse("sk_test_ordering").unwrap());
            config.refetch = global;
            builder
        },
        move |mut new| {
            new.refetch = endpoint;
            new
        },
    )
    .await
}

/// The GETs the runtime made of `path`, with their `Stripe-Account`.
fn gets(stripe: &Stripe, path: &str) -> Vec<Option<String>> {
    stripe
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .map(|r| r.stripe_account)
        .collect()
}

/// Two updates of one second that nothing orders.
fn tie(id: &str, account: Option<&str>) -> [String; 2] {
    ["evt_t1", "evt_t2"].map(|event| {
        ev(
            &format!("{event}_{id}"),
            "customer.subscription.updated",
            subscription(
                id,
                if event == "evt_t1" {
                    "active"
                } else {
                    "trialing"
                },
            ),
            None,
            account,
        )
    })
}

async fn refetch_ties_stores_stripes_copy_when_a_tie_remains(backend: TestBackend) {
    let stripe = Stripe::start().await;
    stripe.put_object(&Scope::test(), subscription("sub_rf", "past_due"));
    let connected = Scope::new(false, Some("acct_1RF"));
    stripe.put_object(&connected, subscription("sub_rf_connect", "unpaid"));
    let s = with_stripe(backend, &stripe, Refetch::Ties, None).await;

    // No tie, no call.
    send_ok(&s, sub_event("evt_rf_0", "created", "sub_rf", "incomplete")).await;
    assert!(gets(&stripe, "/v1/subscriptions/sub_rf").is_empty());

    let [a, b] = tie("sub_rf", None);
    send_ok(&s, a).await;
    assert!(gets(&stripe, "/v1/subscriptions/sub_rf").is_empty());
    send_ok(&s, b).await;
    assert_eq!(gets(&stripe, "/v1/subscriptions/sub_rf"), [None]);
    let r = row(&s, "sub_rf").await;
    assert_eq!(
        r.data["status"], "past_due",
        "Stripe's copy, not either event's"
    );
    assert_eq!(r.event_id, "evt_t2_sub_rf");

    // A Connect event's object is fetched from its account.
    let [a, b] = tie("sub_rf_connect", Some("acct_1RF"));
    send_ok(&s, a).await;
    send_ok(&s, b).await;
    assert_eq!(
        gets(&stripe, "/v1/subscriptions/sub_rf_connect"),
        [Some("acct_1RF".to_owned())]
    );
    assert_eq!(row(&s, "sub_rf_connect").await.data["status"], "unpaid");
}

async fn refetch_always_fetches_every_object_but_deletes(backend: TestBackend) {
    let stripe = Stripe::start().await;
    stripe.put_object(&Scope::test(), subscription("sub_always", "active"));
    let s = with_stripe(backend, &stripe, Refetch::Always, None).await;
    send_ok(
        &s,
        sub_event("evt_al_1", "created", "sub_always", "incomplete"),
    )
    .await;
    assert_eq!(gets(&stripe, "/v1/subscriptions/sub_always").len(), 1);
    assert_eq!(row(&s, "sub_always").await.data["status"], "active");
    // A delete is not fetched (dj-stripe does not either): the event says it all.
    let customer = json!({"id": "cus_always", "object": "customer", "deleted": true});
    send_ok(&s, ev("evt_al_2", "customer.deleted", customer, None, None)).await;
    assert!(gets(&stripe, "/v1/customers/cus_always").is_empty());
    assert!(row(&s, "cus_always").await.deleted);
    // An object Stripe does not know (404): the event's copy is kept.
    send_ok(
        &s,
        sub_event("evt_al_3", "created", "sub_unknown", "trialing"),
    )
    .await;
    assert_eq!(gets(&stripe, "/v1/subscriptions/sub_unknown").len(), 1);
    assert_eq!(row(&s, "sub_unknown").await.data["status"], "trialing");
}

async fn an_endpoints_own_setting_overrides_the_global_one(backend: TestBackend) {
    let stripe = Stripe::start().await;
    stripe.put_object(&Scope::test(), subscription("sub_own", "active"));
    // Globally never; this endpoint always.
    let s = with_stripe(backend, &stripe, Refetch::Never, Some(Refetch::Always)).await;
    assert_eq!(s.endpoint.refetch, Some(Refetch::Always));
    send_ok(
        &s,
        sub_event("evt_own_1", "created", "sub_own", "incomplete"),
    )
    .await;
    assert_eq!(gets(&stripe, "/v1/subscriptions/sub_own").len(), 1);
    assert_eq!(row(&s, "sub_own").await.data["status"], "active");

    // Globally always; this endpoint never: a tie goes to the later delivery, no call.
    let stripe = Stripe::start().await;
    let s = with_stripe(backend, &stripe, Refetch::Always, Some(Refetch::Never)).await;
    let [a, b] = tie("sub_never", None);
    send_ok(&s, a).await;
    send_ok(&s, b).await;
    assert!(stripe.requests().is_empty(), "{:?}", stripe.requests());
    assert_eq!(row(&s, "sub_never").await.data["status"], "trialing");
}

async fn a_failed_refetch_fails_the_webhook_and_stores_nothing(backend: TestBackend) {
    let stripe = Stripe::start().await;
    stripe.put_object(&Scope::test(), subscription("sub_down", "past_due"));
    let s = with_stripe(backend, &stripe, Refetch::Ties, None).await;
    let [a, b] = tie("sub_down", None);
    send_ok(&s, a).await;
    // Stripe answers 503 to the first attempt and each of the client's 3 retries.
    stripe.fail_next(4, 503, None);
    let (status, reply) = s.send(b.clone()).await;
    assert_eq!(status, 500, "{reply}");
    let failed = &s.deliveries().await[0];
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(failed.error.as_deref(), Some("receiver_error"));
    assert!(
        failed
            .error_detail
            .as_deref()
            .is_some_and(|d| d.contains("/v1/subscriptions/sub_down")),
        "{failed:?}"
    );
    // Rolled back: the first event's state, and the second event not stored.
    assert_eq!(
        state(&s, "sub_down").await,
        ("active".into(), "evt_t1_sub_down".into())
    );
    assert_eq!(
        s.scalar("SELECT count(*) FROM stripe_events WHERE id = 'evt_t2_sub_down'")
            .await,
        0
    );
    assert_eq!(gets(&stripe, "/v1/subscriptions/sub_down").len(), 4);
    // Stripe's retry, once the API answers again, stores Stripe's copy.
    send_ok(&s, b).await;
    assert_eq!(row(&s, "sub_down").await.data["status"], "past_due");
}

both_backends!(
    created_and_updated_in_one_second_end_updated_in_either_order,
    a_late_update_of_the_deleting_second_does_not_undo_the_delete,
    previous_attributes_order_two_updates_of_one_second,
    a_remaining_tie_goes_to_the_later_delivery,
    refetch_ties_stores_stripes_copy_when_a_tie_remains,
    refetch_always_fetches_every_object_but_deletes,
    an_endpoints_own_setting_overrides_the_global_one,
    a_failed_refetch_fails_the_webhook_and_stores_nothing,
);
