//! Fields Stripe moved between API versions (README "Synced objects", "Moved fields"), end to
//! end on both backends: each moved field sent through the real router in the current shape
//! (built from Stripe's own 2026 fixtures) and in an old shape (a real delivery from
//! `../shared/data/events/` when present, and an old-shape object written here from Stripe's
//! documented fields either way); the synced row must hold the right value in both. Fields the
//! current version removed with no replacement in the object stay NULL for current payloads.
//! Last, the warning about events in an API version other than the endpoint's pinned one.

use std::sync::Mutex;

use serde_json::{json, Value};
use stripe_api_test_server::fixture;
use stripe_receiver::db::Db;
use stripe_receiver::prelude::{stripe_receiver, BoxError, Event, Tx};
use stripe_receiver::stripe_api::BUNDLED_API_VERSION;
use stripe_receiver::sync::models::Invoice;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{shared_events_dir, TestBackend, TestServer};
use stripe_receiver_workspace::log_capture::LogCapture;

/// The version current-shape events claim and the pinned endpoint is pinned to: this build's
/// (the fixtures are Stripe's objects of 2026).
const CURRENT: &str = BUNDLED_API_VERSION;

// ---- typed reads, from receivers as users write them ------------------------------------------

/// (subscription id, current_period_start, current_period_end, currency) as the typed read
/// API returned them to [`read_subscription`].
type PeriodRead = (String, Option<i64>, Option<i64>, Option<String>);
static SUBSCRIPTIONS_READ: Mutex<Vec<PeriodRead>> = Mutex::new(Vec::new());
/// (invoice id, subscription) as the typed read API returned them to [`read_invoice`].
static INVOICES_READ: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

#[stripe_receiver("customer.subscription.updated")]
async fn read_subscription(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let subscription = tx.subscription(event.object_id()?).await?;
    SUBSCRIPTIONS_READ.lock().unwrap().push((
        subscription.id.clone(),
        subscription.current_period_start,
        subscription.current_period_end,
        subscription.currency.clone(),
    ));
    Ok(())
}

#[stripe_receiver("invoice.updated")]
async fn read_invoice(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let invoice = tx.objects().get::<Invoice>(event.object_id()?).await?;
    INVOICES_READ
        .lock()
        .unwrap()
        .push((invoice.id.clone(), invoice.subscription.clone()));
    Ok(())
}

// ---- helpers ----------------------------------------------------------------------------------

/// Stripe's fixture of `resource` (current shape) with `id` and the given members replaced
/// (pointer → value; the parents must exist in the fixture or be given first).
fn current(resource: &str, id: &str, members: &[(&str, Value)]) -> Value {
    let mut object = fixture(resource).unwrap_or_else(|| panic!("no fixture {resource}"));
    object["id"] = json!(id);
    for (pointer, value) in members {
        *object
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{resource} fixture has no {pointer}")) = value.clone();
    }
    object
}

/// The `data.object` and `api_version` of a real old delivery in the shared payloads, `None`
/// (the harness says why on stderr) when they are not there.
fn old_delivery(file: &str) -> Option<(Value, String)> {
    let path = shared_events_dir()?.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let event: Value = serde_json::from_str(&text).expect("a JSON payload");
    let version = event["api_version"].as_str().expect("an api_version");
    Some((event["data"]["object"].clone(), version.to_owned()))
}

/// Sends `object` in an event of `event_type` rendered in `api_version`; it must be processed.
async fn deliver(s: &TestServer, event_type: &str, api_version: &str, object: &Value) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let body = json!({
        "id": format!("evt_shapes_{n}"), "object": "event", "api_version": api_version,
        "created": 1_780_000_000 + i64::try_from(n).unwrap(), "data": {"object": object},
        "livemode": false, "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
        "type": event_type
    });
    let (status, reply) = s.send(body.to_string()).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed", "{reply}");
}

/// A synced column's value as text (`CAST(... AS TEXT)`: integers and text read alike on both
/// backends), `None` for NULL; panics when the row is missing.
async fn column(s: &TestServer, table: &str, id: &str, column: &str) -> Option<String> {
    let sql = format!("SELECT CAST({column} AS TEXT) FROM {table} WHERE id = $1");
    let value: Option<Option<String>> = match s.db() {
        Db::Sqlite(db) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .fetch_optional(db.reader())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
        Db::Postgres(db) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .fetch_optional(db.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}")),
        _ => unreachable!("a backend the harness does not know"),
    };
    value.unwrap_or_else(|| panic!("no synced row {id} in {table}"))
}

/// A boolean column: SQLite stores 0/1, PostgreSQL `boolean`.
async fn flag(s: &TestServer, table: &str, id: &str, name: &str) -> Option<bool> {
    column(s, table, id, name)
        .await
        .map(|text| match text.as_str() {
            "1" | "true" => true,
            "0" | "false" => false,
            other => panic!("{table}.{name} of {id} is {other}"),
        })
}

/// `Some(text)`, for comparing columns.
fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

// ---- moved fields -----------------------------------------------------------------------------

/// Since `2025-03-31.basil` a subscription's period is each item's (the column reads the first
/// item's); before, it was the subscription's. Old versions had no `currency` either: it is
/// its items' prices'.
async fn subscription_period_moved_to_its_items(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let table = "stripe_subscriptions";

    let new = current(
        "subscription",
        "sub_shapes_new",
        &[
            ("/items/data/0/current_period_start", json!(1_767_225_600)),
            ("/items/data/0/current_period_end", json!(1_769_904_000)),
            ("/currency", json!("eur")),
        ],
    );
    assert!(
        new.get("current_period_start").is_none(),
        "the current shape"
    );
    deliver(&s, "customer.subscription.updated", CURRENT, &new).await;
    let id = "sub_shapes_new";
    assert_eq!(
        column(&s, table, id, "current_period_start").await,
        some("1767225600")
    );
    assert_eq!(
        column(&s, table, id, "current_period_end").await,
        some("1769904000")
    );
    assert_eq!(column(&s, table, id, "currency").await, some("eur"));

    let old = json!({
        "id": "sub_shapes_old", "object": "subscription", "customer": "cus_shapes",
        "status": "active", "current_period_start": 1_600_000_000,
        "current_period_end": 1_602_592_000,
        "items": {"object": "list", "data": [{
            "id": "si_shapes_old", "object": "subscription_item", "quantity": 1,
            "plan": {"id": "plan_shapes_old", "object": "plan", "amount": 500,
                     "currency": "gbp", "interval": "month", "interval_count": 1}
        }]}
    });
    deliver(&s, "customer.subscription.updated", "2019-12-03", &old).await;
    let id = "sub_shapes_old";
    assert_eq!(
        column(&s, table, id, "current_period_start").await,
        some("1600000000")
    );
    assert_eq!(
        column(&s, table, id, "current_period_end").await,
        some("1602592000")
    );
    assert_eq!(column(&s, table, id, "currency").await, some("gbp"));

    let real = old_delivery("srm__customer.subscription.created.json");
    if let Some((object, version)) = &real {
        deliver(&s, "customer.subscription.updated", version, object).await;
        let id = object["id"].as_str().unwrap();
        let start = object["current_period_start"].to_string();
        assert_eq!(
            column(&s, table, id, "current_period_start").await,
            Some(start)
        );
        let end = object["current_period_end"].to_string();
        assert_eq!(column(&s, table, id, "current_period_end").await, Some(end));
        assert!(
            object.get("currency").is_none(),
            "an old shape without currency"
        );
        assert_eq!(column(&s, table, id, "currency").await, some("usd"));
    }

    // The typed read API reads the same places.
    let reads = SUBSCRIPTIONS_READ.lock().unwrap().clone();
    let read = |id: &str, start: i64, end: i64, currency: &str| {
        (id.to_owned(), Some(start), Some(end), some(currency))
    };
    assert!(reads.contains(&read("sub_shapes_new", 1_767_225_600, 1_769_904_000, "eur")));
    assert!(reads.contains(&read("sub_shapes_old", 1_600_000_000, 1_602_592_000, "gbp")));
    if let Some((object, _)) = &real {
        let start = object["current_period_start"].as_i64().unwrap();
        let end = object["current_period_end"].as_i64().unwrap();
        let id = object["id"].as_str().unwrap();
        assert!(reads.contains(&read(id, start, end, "usd")), "{reads:?}");
    }
}

/// Since `2025-03-31.basil` an invoice names its subscription under
/// `parent.subscription_details`; before, at the top level.
async fn invoice_subscription_moved_to_its_parent(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let table = "stripe_invoices";

    let new = current(
        "invoice",
        "in_shapes_new",
        &[(
            "/parent/subscription_details/subscription",
            json!("sub_parent"),
        )],
    );
    assert!(new["subscription"].is_null(), "the current shape");
    deliver(&s, "invoice.updated", CURRENT, &new).await;
    assert_eq!(
        column(&s, table, "in_shapes_new", "subscription").await,
        some("sub_parent")
    );

    // A one-off invoice of the current shape has no subscription.
    let one_off = current("invoice", "in_shapes_one_off", &[("/parent", Value::Null)]);
    deliver(&s, "invoice.updated", CURRENT, &one_off).await;
    assert_eq!(
        column(&s, table, "in_shapes_one_off", "subscription").await,
        None
    );

    let old = json!({
        "id": "in_shapes_old", "object": "invoice", "customer": "cus_shapes",
        "subscription": "sub_top_level", "status": "open", "amount_due": 700, "currency": "usd"
    });
    deliver(&s, "invoice.updated", "2020-08-27", &old).await;
    assert_eq!(
        column(&s, table, "in_shapes_old", "subscription").await,
        some("sub_top_level")
    );

    let real = old_delivery("srm__invoice.updated.json");
    if let Some((object, version)) = &real {
        deliver(&s, "invoice.updated", version, object).await;
        let id = object["id"].as_str().unwrap();
        let expected = object["subscription"].as_str().map(str::to_owned);
        assert!(expected.is_some(), "this payload names its subscription");
        assert_eq!(column(&s, table, id, "subscription").await, expected);
    }

    let reads = INVOICES_READ.lock().unwrap().clone();
    assert!(reads.contains(&("in_shapes_new".to_owned(), some("sub_parent"))));
    assert!(reads.contains(&("in_shapes_one_off".to_owned(), None)));
    assert!(reads.contains(&("in_shapes_old".to_owned(), some("sub_top_level"))));
}

/// `2025-03-31.basil` removed an invoice's `paid`, `charge` and `payment_intent` (its payments
/// are `invoice_payment` objects now): NULL for current payloads, the values for old ones.
async fn invoice_payment_fields_were_removed(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let table = "stripe_invoices";

    let new = current(
        "invoice",
        "in_shapes_paid_new",
        &[("/status", json!("paid"))],
    );
    for gone in ["paid", "charge", "payment_intent"] {
        assert!(new.get(gone).is_none(), "the current shape has no {gone}");
    }
    deliver(&s, "invoice.paid", CURRENT, &new).await;
    let id = "in_shapes_paid_new";
    assert_eq!(flag(&s, table, id, "paid").await, None);
    assert_eq!(column(&s, table, id, "charge").await, None);
    assert_eq!(column(&s, table, id, "payment_intent").await, None);
    assert_eq!(column(&s, table, id, "status").await, some("paid"));
    assert_eq!(column(&s, table, id, "amount_due").await, some("1000"));

    let old = json!({
        "id": "in_shapes_paid_old", "object": "invoice", "status": "paid", "paid": true,
        "charge": "ch_of_invoice", "payment_intent": "pi_of_invoice"
    });
    deliver(&s, "invoice.paid", "2020-08-27", &old).await;
    let id = "in_shapes_paid_old";
    assert_eq!(flag(&s, table, id, "paid").await, Some(true));
    assert_eq!(column(&s, table, id, "charge").await, some("ch_of_invoice"));
    assert_eq!(
        column(&s, table, id, "payment_intent").await,
        some("pi_of_invoice")
    );

    if let Some((object, version)) = old_delivery("srm__invoice.finalized.json") {
        deliver(&s, "invoice.finalized", &version, &object).await;
        let id = object["id"].as_str().unwrap();
        let text = |name: &str| object[name].as_str().map(str::to_owned);
        assert!(text("charge").is_some() && text("payment_intent").is_some());
        assert_eq!(flag(&s, table, id, "paid").await, object["paid"].as_bool());
        assert_eq!(column(&s, table, id, "charge").await, text("charge"));
        assert_eq!(
            column(&s, table, id, "payment_intent").await,
            text("payment_intent")
        );
    }
}

/// Since `2025-03-31.basil` an invoice item names its subscription under
/// `parent.subscription_details` and its price under `pricing.price_details`; before, at the
/// top level (the price expanded).
async fn invoice_item_subscription_and_price_moved(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let table = "stripe_invoice_items";

    let pricing = json!({
        "type": "price_details", "unit_amount_decimal": "1000",
        "price_details": {"price": "price_ii_new", "product": "prod_ii_new"}
    });
    let new = current(
        "invoiceitem",
        "ii_shapes_new",
        &[
            ("/pricing", pricing),
            (
                "/parent/subscription_details/subscription",
                json!("sub_ii_new"),
            ),
        ],
    );
    assert!(new.get("price").is_none() && new.get("subscription").is_none());
    deliver(&s, "invoiceitem.updated", CURRENT, &new).await;
    assert_eq!(
        column(&s, table, "ii_shapes_new", "price").await,
        some("price_ii_new")
    );
    assert_eq!(
        column(&s, table, "ii_shapes_new", "subscription").await,
        some("sub_ii_new")
    );

    let old = json!({
        "id": "ii_shapes_old", "object": "invoiceitem", "customer": "cus_shapes",
        "amount": 1000, "currency": "usd", "subscription": "sub_ii_old",
        "price": {"id": "price_ii_old", "object": "price", "currency": "usd",
                  "unit_amount": 1000, "product": "prod_ii_old", "type": "one_time"}
    });
    deliver(&s, "invoiceitem.updated", "2020-08-27", &old).await;
    assert_eq!(
        column(&s, table, "ii_shapes_old", "price").await,
        some("price_ii_old")
    );
    assert_eq!(
        column(&s, table, "ii_shapes_old", "subscription").await,
        some("sub_ii_old")
    );
}

/// Since `2025-09-30.clover` a promotion code names its coupon under `promotion` (an id); before,
/// `coupon` was the expanded coupon.
async fn promotion_code_coupon_moved_to_promotion(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let table = "stripe_promotion_codes";

    let new = current(
        "promotion_code",
        "promo_shapes_new",
        &[("/promotion/coupon", json!("SPRING25"))],
    );
    assert!(new.get("coupon").is_none(), "the current shape");
    deliver(&s, "promotion_code.updated", CURRENT, &new).await;
    assert_eq!(
        column(&s, table, "promo_shapes_new", "coupon").await,
        some("SPRING25")
    );

    let old = json!({
        "id": "promo_shapes_old", "object": "promotion_code", "code": "OLDCODE", "active": true,
        "coupon": {"id": "OLD25", "object": "coupon", "percent_off": 25.0, "duration": "once",
                   "valid": true}
    });
    deliver(&s, "promotion_code.updated", "2020-08-27", &old).await;
    assert_eq!(
        column(&s, table, "promo_shapes_old", "coupon").await,
        some("OLD25")
    );
}

/// A payment intent's latest charge: `latest_charge` since `2022-11-15`, the first (newest) of
/// the list `charges` before. Its `invoice`, and a charge's, were removed in
/// `2025-03-31.basil`: NULL for current payloads.
async fn payment_intent_and_charge_links(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let (intents, charges) = ("stripe_payment_intents", "stripe_charges");

    let new = current(
        "payment_intent",
        "pi_shapes_new",
        &[("/latest_charge", json!("ch_latest"))],
    );
    assert!(new.get("invoice").is_none() && new.get("charges").is_none());
    deliver(&s, "payment_intent.succeeded", CURRENT, &new).await;
    assert_eq!(
        column(&s, intents, "pi_shapes_new", "latest_charge").await,
        some("ch_latest")
    );
    assert_eq!(column(&s, intents, "pi_shapes_new", "invoice").await, None);

    let old = json!({
        "id": "pi_shapes_old", "object": "payment_intent", "amount": 1000, "currency": "usd",
        "status": "succeeded", "invoice": "in_of_intent",
        "charges": {"object": "list", "has_more": false, "total_count": 2, "data": [
            {"id": "ch_second_attempt", "object": "charge", "amount": 1000, "currency": "usd",
             "status": "succeeded", "payment_intent": "pi_shapes_old", "created": 1_600_000_100},
            {"id": "ch_first_attempt", "object": "charge", "amount": 1000, "currency": "usd",
             "status": "failed", "payment_intent": "pi_shapes_old", "created": 1_600_000_000}
        ]}
    });
    deliver(&s, "payment_intent.succeeded", "2020-08-27", &old).await;
    assert_eq!(
        column(&s, intents, "pi_shapes_old", "latest_charge").await,
        some("ch_second_attempt")
    );
    assert_eq!(
        column(&s, intents, "pi_shapes_old", "invoice").await,
        some("in_of_intent")
    );

    if let Some((object, version)) = old_delivery("srm__payment_intent.requires_action.json") {
        deliver(&s, "payment_intent.requires_action", &version, &object).await;
        let id = object["id"].as_str().unwrap();
        let newest = object["charges"]["data"][0]["id"]
            .as_str()
            .map(str::to_owned);
        assert!(newest.is_some() && object.get("latest_charge").is_none());
        assert_eq!(column(&s, intents, id, "latest_charge").await, newest);
        let invoice = object["invoice"].as_str().map(str::to_owned);
        assert_eq!(column(&s, intents, id, "invoice").await, invoice);
    }

    let new = current("charge", "ch_shapes_new", &[]);
    assert!(new.get("invoice").is_none(), "the current shape");
    deliver(&s, "charge.updated", CURRENT, &new).await;
    assert_eq!(column(&s, charges, "ch_shapes_new", "invoice").await, None);
    assert_eq!(
        column(&s, charges, "ch_shapes_new", "amount").await,
        some("100")
    );

    let old = json!({
        "id": "ch_shapes_old", "object": "charge", "amount": 500, "currency": "usd",
        "status": "succeeded", "invoice": "in_of_charge"
    });
    deliver(&s, "charge.updated", "2020-08-27", &old).await;
    assert_eq!(
        column(&s, charges, "ch_shapes_old", "invoice").await,
        some("in_of_charge")
    );
}

// ---- the API version warning ------------------------------------------------------------------

/// The log lines of this binary (level WARN and above), captured from the first call on.
fn logs() -> &'static LogCapture {
    LogCapture::install(tracing::Level::WARN)
}

/// The version warnings logged about `endpoint` so far.
fn version_warnings(endpoint: &str) -> Vec<String> {
    let text = logs().text();
    text.lines()
        .filter(|line| line.contains(endpoint) && line.contains("API version other than"))
        .map(str::to_owned)
        .collect()
}

/// Events in a version other than the endpoint's pinned one are logged once per endpoint and
/// version; an endpoint with no pinned version logs nothing.
async fn a_version_other_than_the_pinned_one_is_logged_once(backend: TestBackend) {
    logs();
    let pinned = TestServer::start_with(
        backend,
        |builder| builder,
        |endpoint| stripe_receiver::endpoint::NewEndpoint {
            api_version: Some(CURRENT.to_owned()),
            ..endpoint
        },
    )
    .await;
    let unpinned = TestServer::start(backend).await;
    for s in [&pinned, &unpinned] {
        for (n, version) in ["2020-08-27", "2020-08-27", "2025-03-31.basil", CURRENT]
            .into_iter()
            .enumerate()
        {
            let customer = current("customer", &format!("cus_version_{n}"), &[]);
            deliver(s, "customer.updated", version, &customer).await;
        }
    }
    let uuid = pinned.endpoint.uuid.to_string();
    let warnings = version_warnings(&uuid);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    for (warning, version) in warnings.iter().zip(["2020-08-27", "2025-03-31.basil"]) {
        assert!(warning.contains("WARN"), "{warning}");
        assert!(
            warning.contains(&format!("event_api_version=\"{version}\"")),
            "{warning}"
        );
        assert!(
            warning.contains(&format!("pinned_api_version=\"{CURRENT}\"")),
            "{warning}"
        );
    }
    let uuid = unpinned.endpoint.uuid.to_string();
    assert_eq!(version_warnings(&uuid), Vec::<String>::new());
}

both_backends!(
    subscription_period_moved_to_its_items,
    invoice_subscription_moved_to_its_parent,
    invoice_payment_fields_were_removed,
    invoice_item_subscription_and_price_moved,
    promotion_code_coupon_moved_to_promotion,
    payment_intent_and_charge_links,
    a_version_other_than_the_pinned_one_is_logged_once,
);
