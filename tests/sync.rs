//! Synced objects end to end (README "Synced objects"), over real HTTP on both backends: every
//! family's lifecycle, the ordering guard (out of order, concurrently; events of one second in
//! tests/ordering.rs), tombstones, the typed
//! read API from receivers written as users write them, lenient models, Connect scoping,
//! re-sync, and the real payloads in `../shared/data/events/`.

use std::sync::Mutex;

use serde_json::{json, Value};
use stripe_receiver::prelude::*;
use stripe_receiver::sync::kinds::{self, KINDS};
use stripe_receiver::sync::models::{
    Charge, ChargeStatus, Customer, PaymentMethod, Subscription, SubscriptionStatus,
};
use stripe_receiver::sync::query::{self, ObjectRow};
use stripe_receiver::sync::resync::resync_stored;
use stripe_receiver::sync::ReadError;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{TestBackend, TestServer};

// ---- receivers, written as users write them -----------------------------------------------------

/// (event id, charge amount) seen by [`on_charge_succeeded`].
static CHARGES_READ: Mutex<Vec<(String, Option<i64>)>> = Mutex::new(Vec::new());
/// (event id, customer) seen by [`on_payment_method_attached`].
static PAYMENT_METHODS_READ: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

/// The seed's first receiver: reads the synced Charge by id, in the webhook's transaction.
#[stripe_receiver("charge.succeeded")]
async fn on_charge_succeeded(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let charge = tx.charge(event.object_id()?).await?;
    CHARGES_READ
        .lock()
        .unwrap()
        .push((event.id.clone(), charge.amount));
    Ok(())
}

/// The seed's second receiver: reads the synced PaymentMethod by id.
#[stripe_receiver("payment_method.attached")]
async fn on_payment_method_attached(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let id = event.object_id()?.to_owned();
    let payment_method = tx.objects().get::<PaymentMethod>(&id).await?;
    PAYMENT_METHODS_READ
        .lock()
        .unwrap()
        .push((event.id.clone(), payment_method.customer.clone()));
    Ok(())
}

/// (event id, what the read returned) for [`read_in_receiver`].
static PROBES: Mutex<Vec<(String, Value)>> = Mutex::new(Vec::new());

/// A test receiver that reads the object its event names with the typed read API.
#[stripe_receiver("balance.available")]
async fn probe(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let o = &event.data.object;
    let id = o["id"].as_str().ok_or("no id")?;
    let objects = match o["scope"].as_str() {
        Some("platform") => tx.objects().platform(),
        Some(account) => tx.objects().account(account),
        None => tx.objects(),
    };
    let seen = match o["read"].as_str() {
        Some("subscription") => objects.find::<Subscription>(id).await?.map(|sub| {
            json!({"status": sub.status.as_ref().map(SubscriptionStatus::as_str),
                   "deleted": sub.deleted, "data": sub.data, "customer": sub.customer})
        }),
        Some("customer") => objects.find::<Customer>(id).await?.map(|c| {
            json!({"email": c.email, "deleted": c.deleted, "deleted_at": c.deleted_at, "id": c.id})
        }),
        Some("charge") => objects.find::<Charge>(id).await?.map(|c| {
            json!({"status": c.status.as_ref().map(ChargeStatus::as_str), "account": c.account,
                   "refunded": c.refunded, "metadata": c.metadata, "amount": c.amount})
        }),
        other => return Err(format!("unknown probe {other:?}").into()),
    };
    // The shorthand and the NotFound error, on a missing id.
    if !matches!(
        tx.charge("ch_never_synced").await,
        Err(ReadError::NotFound { .. })
    ) {
        return Err("a missing charge must be NotFound".into());
    }
    PROBES
        .lock()
        .unwrap()
        .push((event.id.clone(), seen.unwrap_or(Value::Null)));
    Ok(())
}

// ---- helpers ------------------------------------------------------------------------------------

const T: i64 = 1_700_000_000;

/// A Stripe-shaped event body.
fn ev(id: &str, event_type: &str, created: i64, object: Value) -> String {
    json!({
        "id": id, "object": "event", "api_version": "2024-06-20", "created": created,
        "data": {"object": object}, "livemode": false, "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null}, "type": event_type
    })
    .to_string()
}

async fn send_ok(s: &TestServer, body: String) -> Value {
    let (status, reply) = s.send(body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed", "{reply}");
    reply
}

async fn row(s: &TestServer, id: &str) -> Option<ObjectRow> {
    query::show(s.db(), None, id).await.expect("query")
}

async fn must_row(s: &TestServer, id: &str) -> ObjectRow {
    row(s, id)
        .await
        .unwrap_or_else(|| panic!("no synced row {id}"))
}

/// Reads one synced object through the read API from inside a receiver ([`probe`]), and returns
/// what the receiver saw.
async fn read_in_receiver(s: &TestServer, read: &str, id: &str, scope: Value) -> Value {
    let n = PROBE_COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let event_id = format!("evt_probe_{n}");
    let object = json!({"id": id, "object": "balance", "read": read, "scope": scope});
    send_ok(s, ev(&event_id, "balance.available", T, object)).await;
    let probes = PROBES.lock().unwrap();
    let found = probes.iter().find(|(e, _)| *e == event_id);
    found
        .map(|(_, v)| v.clone())
        .expect("the probe receiver ran")
}

static PROBE_COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A generic Stripe-shaped object of type `object`, at lifecycle step `step`.
fn object(object: &str, id: &str, step: u32) -> Value {
    json!({
        "id": id, "object": object, "created": T, "livemode": false,
        "customer": "cus_family", "amount": 100 * i64::from(step), "currency": "usd",
        "status": format!("status_{step}"), "metadata": {"step": step.to_string()}
    })
}

// ---- every family: created / updated / deleted (or its equivalent) ------------------------------

/// (object, id, three event types in lifecycle order).
const FAMILIES: &[(&str, &str, [&str; 3])] = &[
    (
        "customer",
        "cus_f",
        ["customer.created", "customer.updated", "customer.deleted"],
    ),
    (
        "charge",
        "ch_f",
        ["charge.pending", "charge.succeeded", "charge.refunded"],
    ),
    (
        "refund",
        "re_f",
        ["refund.created", "refund.updated", "charge.refund.updated"],
    ),
    (
        "dispute",
        "dp_f",
        [
            "charge.dispute.created",
            "charge.dispute.updated",
            "charge.dispute.closed",
        ],
    ),
    (
        "payment_method",
        "pm_f",
        [
            "payment_method.attached",
            "payment_method.updated",
            "payment_method.detached",
        ],
    ),
    (
        "payment_intent",
        "pi_f",
        [
            "payment_intent.created",
            "payment_intent.processing",
            "payment_intent.succeeded",
        ],
    ),
    (
        "setup_intent",
        "seti_f",
        [
            "setup_intent.created",
            "setup_intent.requires_action",
            "setup_intent.succeeded",
        ],
    ),
    (
        "subscription",
        "sub_f",
        [
            "customer.subscription.created",
            "customer.subscription.updated",
            "customer.subscription.deleted",
        ],
    ),
    (
        "subscription_schedule",
        "sub_sched_f",
        [
            "subscription_schedule.created",
            "subscription_schedule.updated",
            "subscription_schedule.canceled",
        ],
    ),
    (
        "invoice",
        "in_f",
        ["invoice.created", "invoice.finalized", "invoice.deleted"],
    ),
    (
        "invoiceitem",
        "ii_f",
        [
            "invoiceitem.created",
            "invoiceitem.created",
            "invoiceitem.deleted",
        ],
    ),
    (
        "product",
        "prod_f",
        ["product.created", "product.updated", "product.deleted"],
    ),
    (
        "price",
        "price_f",
        ["price.created", "price.updated", "price.deleted"],
    ),
    (
        "plan",
        "plan_f",
        ["plan.created", "plan.updated", "plan.deleted"],
    ),
    (
        "coupon",
        "co_f",
        ["coupon.created", "coupon.updated", "coupon.deleted"],
    ),
    (
        "promotion_code",
        "promo_f",
        [
            "promotion_code.created",
            "promotion_code.updated",
            "promotion_code.updated",
        ],
    ),
    (
        "tax_rate",
        "txr_f",
        ["tax_rate.created", "tax_rate.updated", "tax_rate.updated"],
    ),
    (
        "tax_id",
        "txi_f",
        [
            "customer.tax_id.created",
            "customer.tax_id.updated",
            "customer.tax_id.deleted",
        ],
    ),
    (
        "checkout.session",
        "cs_f",
        [
            "checkout.session.completed",
            "checkout.session.async_payment_succeeded",
            "checkout.session.expired",
        ],
    ),
    (
        "account",
        "acct_f",
        ["account.updated", "account.updated", "account.updated"],
    ),
    (
        "bank_account",
        "ba_f",
        [
            "account.external_account.created",
            "account.external_account.updated",
            "account.external_account.deleted",
        ],
    ),
    (
        "payout",
        "po_f",
        ["payout.created", "payout.updated", "payout.paid"],
    ),
    (
        "transfer",
        "tr_f",
        ["transfer.created", "transfer.updated", "transfer.reversed"],
    ),
    (
        "file",
        "file_f",
        ["file.created", "file.created", "file.created"],
    ),
];

async fn every_family_follows_its_lifecycle(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    assert_eq!(FAMILIES.len(), KINDS.len(), "one case per family");
    for &(name, id, types) in FAMILIES {
        let kind = kinds::by_object(name).unwrap();
        for (step, event_type) in (1u32..).zip(types) {
            let event_id = format!("evt_{id}_{step}");
            let created = T + 10 * i64::from(step);
            let reply = send_ok(
                &s,
                ev(&event_id, event_type, created, object(name, id, step)),
            )
            .await;
            let builtin = format!("stripe_receiver::sync::builtin::{}", kind.name);
            let ran: Vec<&str> = reply["receivers"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(ran.contains(&builtin.as_str()), "{event_type}: {reply}");
            let is_builtin = |r: &str| r.starts_with("stripe_receiver::sync::builtin::");
            let builtins = ran.iter().take_while(|r| is_builtin(r)).count();
            assert!(
                !ran[builtins..].iter().any(|r| is_builtin(r)),
                "built-ins run first: {reply}"
            );

            let r = must_row(&s, id).await;
            assert_eq!(r.table, kind.table);
            assert_eq!(r.object, name);
            assert_eq!(
                (r.event_id.as_str(), r.event_created),
                (event_id.as_str(), created),
                "{event_type}"
            );
            assert_eq!(r.data["metadata"]["step"], step.to_string(), "{event_type}");
            let deletes = event_type.ends_with(".deleted") && name != "subscription";
            assert_eq!(r.deleted, deletes, "{event_type}");
            assert_eq!(r.deleted_at, deletes.then_some(created), "{event_type}");
            match event_type {
                "customer.subscription.deleted" => assert_eq!(r.data["status"], "canceled"),
                "payment_method.detached" => assert!(r.data["customer"].is_null(), "{r:?}"),
                _ => assert_eq!(r.data["status"], format!("status_{step}")),
            }
        }
        let listed = query::list(s.db(), kind, None, 10).await.unwrap();
        assert_eq!(listed.len(), 1, "{}", kind.table);
    }
    // Declared columns are filled from the object.
    assert_eq!(
        s.scalar("SELECT amount FROM stripe_charges WHERE id = 'ch_f'")
            .await,
        300
    );
    assert_eq!(
        s.scalar(
            "SELECT COUNT(*) FROM stripe_payment_methods WHERE id = 'pm_f' AND customer IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_charges WHERE customer = 'cus_family' AND currency = 'usd'").await,
        1
    );
}

// ---- ordering guard -----------------------------------------------------------------------------

fn subscription(status: &str) -> Value {
    json!({"id": "sub_ooo", "object": "subscription", "customer": "cus_1", "status": status,
           "items": {"object": "list", "data": []}})
}

async fn subscription_updated_before_created_ends_active(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    send_ok(
        &s,
        ev(
            "evt_sub_upd",
            "customer.subscription.updated",
            T + 1,
            subscription("active"),
        ),
    )
    .await;
    send_ok(
        &s,
        ev(
            "evt_sub_new",
            "customer.subscription.created",
            T,
            subscription("incomplete"),
        ),
    )
    .await;
    let r = must_row(&s, "sub_ooo").await;
    assert_eq!(r.data["status"], "active");
    assert_eq!(r.event_id, "evt_sub_upd");
    let seen = read_in_receiver(&s, "subscription", "sub_ooo", Value::Null).await;
    assert_eq!(seen["status"], "active");
}

fn customer(email: &str) -> Value {
    json!({"id": "cus_gone", "object": "customer", "email": email, "metadata": {}})
}

async fn customer_updated_after_deleted_does_not_resurrect(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    send_ok(
        &s,
        ev("evt_c1", "customer.created", T, customer("a@example.com")),
    )
    .await;
    send_ok(
        &s,
        ev(
            "evt_c3",
            "customer.deleted",
            T + 2,
            customer("a@example.com"),
        ),
    )
    .await;
    // Late, older update, then a later one: neither brings the customer back.
    send_ok(
        &s,
        ev(
            "evt_c2",
            "customer.updated",
            T + 1,
            customer("b@example.com"),
        ),
    )
    .await;
    send_ok(
        &s,
        ev(
            "evt_c4",
            "customer.updated",
            T + 3,
            customer("c@example.com"),
        ),
    )
    .await;
    let r = must_row(&s, "cus_gone").await;
    assert!(r.deleted);
    assert_eq!(r.deleted_at, Some(T + 2));
    assert_eq!(r.data["email"], "a@example.com");
    // Soft delete: still readable, flagged.
    let seen = read_in_receiver(&s, "customer", "cus_gone", Value::Null).await;
    assert_eq!(
        seen,
        json!({"email": "a@example.com", "deleted": true, "deleted_at": T + 2, "id": "cus_gone"})
    );
}

async fn a_deleted_stub_before_anything_leaves_a_tombstone(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let stub = json!({"id": "prod_x", "object": "product", "deleted": true});
    send_ok(&s, ev("evt_p2", "product.deleted", T + 5, stub)).await;
    let full = json!({"id": "prod_x", "object": "product", "name": "Late", "active": true});
    send_ok(&s, ev("evt_p1", "product.created", T, full)).await;
    let r = must_row(&s, "prod_x").await;
    assert!(r.deleted);
    assert_eq!(
        r.data.get("name"),
        None,
        "the late create did not overwrite the tombstone"
    );
}

/// The same two events at once, many times over: the end state never depends on who commits
/// first (PostgreSQL runs them in concurrent transactions; SQLite queues them).
async fn concurrent_out_of_order_events_end_the_same_way(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    for round in 0..8 {
        let sub = |status: &str| {
            let mut o = subscription(status);
            o["id"] = json!(format!("sub_race_{round}"));
            o
        };
        let created = ev(
            &format!("evt_rc_{round}"),
            "customer.subscription.created",
            T,
            sub("incomplete"),
        );
        let updated = ev(
            &format!("evt_ru_{round}"),
            "customer.subscription.updated",
            T + 1,
            sub("active"),
        );
        let mut c = customer("x@example.com");
        c["id"] = json!(format!("cus_race_{round}"));
        let deleted = ev(
            &format!("evt_cd_{round}"),
            "customer.deleted",
            T + 1,
            c.clone(),
        );
        let update = ev(&format!("evt_cu_{round}"), "customer.updated", T, c);
        let (a, b, d, u) = tokio::join!(
            s.send(updated),
            s.send(created),
            s.send(deleted),
            s.send(update)
        );
        for (status, reply) in [a, b, d, u] {
            assert_eq!(status, 200, "{reply}");
        }
        let r = must_row(&s, &format!("sub_race_{round}")).await;
        assert_eq!(r.data["status"], "active", "round {round}");
        let r = must_row(&s, &format!("cus_race_{round}")).await;
        assert!(r.deleted, "round {round}");
    }
}

// ---- nested objects -----------------------------------------------------------------------------

async fn nested_full_objects_are_synced_under_the_same_guard(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let price = |amount: i64| json!({"id": "price_n", "object": "price", "unit_amount": amount, "currency": "eur", "product": "prod_n"});
    let sub = json!({
        "id": "sub_n", "object": "subscription", "status": "active",
        "items": {"object": "list", "data": [{"id": "si_1", "object": "subscription_item", "price": price(900)}]}
    });
    send_ok(
        &s,
        ev("evt_n2", "customer.subscription.updated", T + 2, sub),
    )
    .await;
    // An older price.updated arrives late: the nested, newer snapshot stays.
    send_ok(&s, ev("evt_n1", "price.updated", T + 1, price(500))).await;
    let r = must_row(&s, "price_n").await;
    assert_eq!(r.table, "stripe_prices");
    assert_eq!(
        (r.data["unit_amount"].as_i64(), r.event_id.as_str()),
        (Some(900), "evt_n2")
    );
    // An expanded payment method inside a payment intent.
    let pi = json!({"id": "pi_n", "object": "payment_intent", "status": "succeeded",
        "payment_method": {"id": "pm_n", "object": "payment_method", "type": "card", "card": {"brand": "visa", "last4": "4242"}}});
    send_ok(&s, ev("evt_n3", "payment_intent.succeeded", T, pi)).await;
    assert_eq!(
        s.scalar(
            "SELECT COUNT(*) FROM stripe_payment_methods WHERE id = 'pm_n' AND card_last4 = '4242'"
        )
        .await,
        1
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_payment_intents WHERE payment_method = 'pm_n'")
            .await,
        1
    );
}

// ---- the read API from receivers ----------------------------------------------------------------

async fn the_seed_receivers_find_their_rows(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let charge = json!({"id": "ch_seed", "object": "charge", "amount": 4200, "currency": "usd", "status": "succeeded"});
    let reply = send_ok(&s, ev("evt_seed_charge", "charge.succeeded", T, charge)).await;
    assert_eq!(
        reply["receivers"],
        json!([
            "stripe_receiver::sync::builtin::charges",
            "sync::on_charge_succeeded"
        ])
    );
    assert!(CHARGES_READ
        .lock()
        .unwrap()
        .contains(&("evt_seed_charge".into(), Some(4200))));

    let pm = json!({"id": "pm_seed", "object": "payment_method", "type": "card", "customer": {"id": "cus_seed", "object": "customer"}});
    send_ok(&s, ev("evt_seed_pm", "payment_method.attached", T, pm)).await;
    assert!(PAYMENT_METHODS_READ
        .lock()
        .unwrap()
        .contains(&("evt_seed_pm".into(), Some("cus_seed".into()))));
}

async fn lenient_payloads_sync_and_read(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    // Unknown members, most optional members missing, an unknown status, and "self".
    let sub = json!({"id": "sub_odd", "object": "subscription", "status": "self",
                     "brand_new_field": {"nested": [1, 2, 3]}, "customer": null});
    send_ok(&s, ev("evt_odd_1", "customer.subscription.updated", T, sub)).await;
    let charge =
        json!({"id": "ch_odd", "object": "charge", "status": "under_investigation", "amount": 5});
    send_ok(&s, ev("evt_odd_2", "charge.updated", T, charge)).await;
    let bare = json!({"id": "cus_bare"});
    send_ok(&s, ev("evt_odd_3", "customer.created", T, bare)).await;
    let sub = read_in_receiver(&s, "subscription", "sub_odd", Value::Null).await;
    assert_eq!(sub["status"], "self");
    assert_eq!(sub["data"]["brand_new_field"]["nested"][2], 3);
    assert!(sub["customer"].is_null());
    let charge = read_in_receiver(&s, "charge", "ch_odd", Value::Null).await;
    assert_eq!(
        charge,
        json!({"status": "under_investigation", "account": null, "refunded": null, "metadata": {}, "amount": 5})
    );
    let customer = read_in_receiver(&s, "customer", "cus_bare", Value::Null).await;
    assert_eq!(customer["id"], "cus_bare");
    assert!(customer["email"].is_null());
    // No id: nothing to sync, and no error.
    send_ok(
        &s,
        ev(
            "evt_upcoming",
            "invoice.upcoming",
            T,
            json!({"object": "invoice", "total": 1}),
        ),
    )
    .await;
    assert_eq!(s.scalar("SELECT COUNT(*) FROM stripe_invoices").await, 0);
}

async fn connect_rows_carry_the_account_and_reads_can_be_scoped(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let mut body: Value = serde_json::from_str(&ev(
        "evt_conn",
        "charge.succeeded",
        T,
        json!({"id": "ch_conn", "object": "charge", "amount": 1}),
    ))
    .unwrap();
    body["account"] = json!("acct_conn");
    send_ok(&s, body.to_string()).await;
    assert_eq!(
        must_row(&s, "ch_conn").await.account.as_deref(),
        Some("acct_conn")
    );
    let in_account = read_in_receiver(&s, "charge", "ch_conn", json!("acct_conn")).await;
    assert_eq!(in_account["account"], "acct_conn");
    assert!(
        read_in_receiver(&s, "charge", "ch_conn", json!("acct_other"))
            .await
            .is_null()
    );
    assert!(read_in_receiver(&s, "charge", "ch_conn", json!("platform"))
        .await
        .is_null());
    assert_eq!(
        read_in_receiver(&s, "charge", "ch_conn", Value::Null).await["amount"],
        1
    );
    let listed = query::list(s.db(), &kinds::CHARGES, Some("acct_conn"), 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
}

async fn resync_restores_a_row_from_its_stored_event(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    send_ok(
        &s,
        ev(
            "evt_rs_1",
            "customer.subscription.created",
            T,
            subscription("incomplete"),
        ),
    )
    .await;
    send_ok(
        &s,
        ev(
            "evt_rs_2",
            "customer.subscription.updated",
            T + 1,
            subscription("active"),
        ),
    )
    .await;
    s.execute("DELETE FROM stripe_subscriptions WHERE id = 'sub_ooo'")
        .await;
    let done = resync_stored(s.db(), "evt_rs_2", Some("sub_ooo"))
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert!(done[0].changed);
    assert_eq!(must_row(&s, "sub_ooo").await.data["status"], "active");
    // The older event changes nothing: the guard holds for re-syncs too.
    let done = resync_stored(s.db(), "evt_rs_1", None).await.unwrap();
    assert!(!done[0].changed);
    assert_eq!(must_row(&s, "sub_ooo").await.data["status"], "active");
    assert!(resync_stored(s.db(), "evt_none", None).await.is_err());
    assert!(resync_stored(s.db(), "evt_rs_2", Some("sub_other"))
        .await
        .is_err());
}

// ---- the real payloads in ../shared/data/events -------------------------------------------------

async fn the_shared_payloads_parse_and_sync(backend: TestBackend) {
    let Some(dir) = stripe_receiver_workspace::harness::shared_events_dir() else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "{} files", files.len());
    let s = TestServer::start(backend).await;
    let mut synced = 0;
    for (i, path) in files.iter().enumerate() {
        let mut body: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        body["id"] = json!(format!("evt_shared_{i}"));
        body["livemode"] = json!(false);
        let (status, reply) = s.send(body.to_string()).await;
        assert_eq!(status, 200, "{}: {reply}", path.display());
        assert_eq!(reply["outcome"], "processed", "{}: {reply}", path.display());
        let object = &body["data"]["object"];
        let (Some(id), Some(name)) = (object["id"].as_str(), object["object"].as_str()) else {
            continue;
        };
        let Some(kind) = kinds::by_object(name) else {
            continue;
        };
        let builtin = format!("stripe_receiver::sync::builtin::{}", kind.name);
        let ran = reply["receivers"]
            .as_array()
            .is_some_and(|ran| ran.iter().any(|r| r == builtin.as_str()));
        if ran {
            let r = query::show(s.db(), Some(kind), id).await.unwrap();
            let r = r.unwrap_or_else(|| panic!("{}: {id} not in {}", path.display(), kind.table));
            assert!(r.event_id.starts_with("evt_shared_"), "{r:?}");
            synced += 1;
        }
    }
    assert!(synced >= 35, "only {synced} payloads synced an object");
}

both_backends!(
    every_family_follows_its_lifecycle,
    subscription_updated_before_created_ends_active,
    customer_updated_after_deleted_does_not_resurrect,
    a_deleted_stub_before_anything_leaves_a_tombstone,
    concurrent_out_of_order_events_end_the_same_way,
    nested_full_objects_are_synced_under_the_same_guard,
    the_seed_receivers_find_their_rows,
    lenient_payloads_sync_and_read,
    connect_rows_carry_the_account_and_reads_can_be_scoped,
    resync_restores_a_row_from_its_stored_event,
    the_shared_payloads_parse_and_sync,
);
