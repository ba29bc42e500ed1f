//! Lifecycle hooks (issue 5) over real HTTP on both backends: which hooks fire, in which order,
//! how often; which writes survive a rollback; what a failing hook does.
//!
//! The hook functions below are compiled into this test binary, so every server of every test
//! here runs them. Each records what it saw under the delivery's id, and tests look only at the
//! deliveries they sent. Behaviour is switched per event by flags in `data.object.metadata`.

use std::sync::Mutex;

use serde_json::{json, Value};
use stripe_receiver::db::{Backend, Db};
use stripe_receiver::delivery::Outcome;
use stripe_receiver::endpoint::Endpoint;
use stripe_receiver::hooks::{ErrorData, ProcessingError, Validation, WebhookDelivery};
use stripe_receiver::prelude::*;
use stripe_receiver::signature::testing::sign;
use stripe_receiver::signature::Secret;
use stripe_receiver::ApiKey;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};
use uuid::Uuid;

// ---- what the hooks saw -------------------------------------------------------------------------

/// (delivery id, what a hook saw), in call order, for every server of this binary.
static CALLS: Mutex<Vec<(Uuid, String)>> = Mutex::new(Vec::new());

fn saw(delivery: &WebhookDelivery<'_>, what: String) {
    CALLS.lock().unwrap().push((delivery.id(), what));
}

fn calls_for(delivery: &Value) -> Vec<String> {
    let id: Uuid = delivery
        .as_str()
        .expect("the answer names its delivery")
        .parse()
        .unwrap();
    CALLS
        .lock()
        .unwrap()
        .iter()
        .filter(|(d, _)| *d == id)
        .map(|(_, what)| what.clone())
        .collect()
}

fn body_flag(delivery: &WebhookDelivery<'_>, flag: &str) -> bool {
    String::from_utf8_lossy(delivery.body()).contains(&format!("\"{flag}\":\"true\""))
}

const INSERT: &str = "INSERT INTO hook_rows (delivery, what) VALUES ($1, $2)";

/// Inserts a row in the webhook's transaction. (`$1` placeholders work on both backends.)
async fn insert_in_tx(tx: &mut Tx<'_>, delivery: Uuid, what: &str) -> Result<(), BoxError> {
    let delivery = delivery.to_string();
    match tx.backend() {
        Backend::Sqlite => {
            let q = sqlx::query(INSERT).bind(delivery).bind(what);
            q.execute(tx.sqlite()?).await?;
        }
        _ => {
            let q = sqlx::query(INSERT).bind(delivery).bind(what);
            q.execute(tx.postgres()?).await?;
        }
    }
    Ok(())
}

/// Inserts a row in a transaction of its own, through the database handle.
async fn insert_in_db(db: &Db, delivery: Uuid, what: &str) -> Result<(), BoxError> {
    let delivery = delivery.to_string();
    match db {
        Db::Sqlite(db) => {
            let q = sqlx::query(INSERT).bind(delivery).bind(what);
            q.execute(db.writer()).await?;
        }
        Db::Postgres(db) => {
            let q = sqlx::query(INSERT).bind(delivery).bind(what);
            q.execute(db.pool()).await?;
        }
        _ => return Err("a backend this test does not know".into()),
    }
    Ok(())
}

// ---- hooks --------------------------------------------------------------------------------------

#[stripe_hook(webhook_pre_validate)]
fn pre_validate(delivery: &WebhookDelivery<'_>, endpoint: &Endpoint, key: Option<&ApiKey>) {
    let key = if key.is_some_and(|k| !k.livemode()) {
        "test key"
    } else {
        "no key"
    };
    assert!(!endpoint.livemode);
    saw(delivery, format!("pre_validate({key})"));
}

#[stripe_hook("webhook_post_validate")]
async fn post_validate(delivery: &WebhookDelivery<'_>, validation: Validation) {
    let what = match validation.failure {
        None if validation.valid => "post_validate(valid)".to_owned(),
        failure => format!("post_validate(invalid: {})", failure.unwrap_or("?")),
    };
    saw(delivery, what);
}

#[stripe_hook(webhook_pre_process)]
async fn pre_process(delivery: &WebhookDelivery<'_>, event: &Event, tx: &mut Tx<'_>) {
    // Inside the transaction: the event row is not written yet.
    let _ = tx.backend();
    saw(delivery, format!("pre_process({})", event.id));
}

/// Writes an audit row in the webhook's transaction, then records the call.
#[stripe_hook(webhook_post_process)]
async fn post_process_a_audit(
    delivery: &WebhookDelivery<'_>,
    outcome: Outcome,
    tx: &mut Tx<'_>,
) -> Result<(), BoxError> {
    insert_in_tx(tx, delivery.id(), "post_process").await?;
    saw(delivery, format!("post_process({})", outcome.as_str()));
    Ok(())
}

/// Runs after `post_process_a_audit` (path order) and fails on request: the audit row must
/// roll back with the event.
#[stripe_hook(webhook_post_process)]
fn post_process_b_maybe_fail(delivery: &WebhookDelivery<'_>) -> Result<(), String> {
    if body_flag(delivery, "fail_post_process") {
        saw(delivery, "post_process_b(failed)".to_owned());
        return Err("post_process hook failing on purpose".to_owned());
    }
    Ok(())
}

/// Panics on request, before the other processing_error hook (path order).
#[stripe_hook(webhook_processing_error)]
fn processing_error_a_maybe_panic(delivery: &WebhookDelivery<'_>) {
    if body_flag(delivery, "panic_in_error_hook") {
        saw(delivery, "processing_error_a(panicking)".to_owned());
        panic!("processing_error hook panicking on purpose");
    }
}

/// Writes a row outside the (rolled back) transaction, and records what it was told.
#[stripe_hook(webhook_processing_error)]
async fn processing_error_b_record(
    delivery: &WebhookDelivery<'_>,
    error: &ProcessingError,
    data: ErrorData<'_>,
    event: Option<&Event>,
    db: &Db,
) -> Result<(), BoxError> {
    assert_eq!(data.bytes(), delivery.body());
    insert_in_db(db, delivery.id(), "processing_error").await?;
    let event = event.map_or("-", |e| e.id.as_str());
    saw(
        delivery,
        format!(
            "processing_error({}, {}, {event})",
            error.class(),
            error.path().unwrap_or("-")
        ),
    );
    Ok(())
}

// ---- receivers ----------------------------------------------------------------------------------

#[stripe_receiver("balance.available")]
fn maybe_fail(event: &Event) -> Result<(), BoxError> {
    if event.data.object["metadata"]["fail_receiver"] == "true" {
        return Err("receiver failing on purpose".into());
    }
    Ok(())
}

// ---- helpers ------------------------------------------------------------------------------------

async fn server(backend: TestBackend) -> TestServer {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            b.config_mut().stripe_test_secret_key =
                Some(ApiKey::parse_test("sk_test_hooks0000000000").unwrap());
            b
        },
        |e| e,
    )
    .await;
    s.execute("CREATE TABLE hook_rows (delivery TEXT NOT NULL, what TEXT NOT NULL)")
        .await;
    s
}

/// A `balance.available` event (its object has no id, so no built-in sync touches it) with
/// `metadata` flags.
fn flagged_event(id: &str, metadata: Value) -> String {
    event(
        id,
        "balance.available",
        json!({"object": "balance", "livemode": false, "metadata": metadata}),
    )
}

async fn rows(s: &TestServer, delivery: &Value, what: &str) -> i64 {
    s.scalar(&format!(
        "SELECT COUNT(*) FROM hook_rows WHERE delivery = '{}' AND what = '{what}'",
        delivery.as_str().unwrap()
    ))
    .await
}

// ---- tests --------------------------------------------------------------------------------------

async fn a_valid_delivery_fires_the_four_hooks_once_each_in_order(backend: TestBackend) {
    let s = server(backend).await;
    let (status, reply) = s.send(flagged_event("evt_hook_ok", json!({}))).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        calls_for(&reply["delivery"]),
        [
            "pre_validate(test key)",
            "post_validate(valid)",
            "pre_process(evt_hook_ok)",
            "post_process(processed)",
        ]
    );
    assert_eq!(rows(&s, &reply["delivery"], "post_process").await, 1);
}

async fn a_bad_signature_fires_pre_and_post_validate_only(backend: TestBackend) {
    let s = server(backend).await;
    let body = flagged_event("evt_hook_bad_sig", json!({})).into_bytes();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let wrong = sign(&body, &Secret::generate(), now);
    let (status, text) = s.post_raw(s.url(), body, Some(&wrong)).await;
    assert_eq!(status, 400, "{text}");
    let reply: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        calls_for(&reply["delivery"]),
        [
            "pre_validate(test key)",
            "post_validate(invalid: no_matching_signature)"
        ]
    );
    let (status, text) = s.post_raw(s.url(), b"{}".to_vec(), None).await;
    assert_eq!(status, 400);
    let reply: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        calls_for(&reply["delivery"]),
        [
            "pre_validate(test key)",
            "post_validate(invalid: missing_header)"
        ]
    );
}

async fn a_failing_receiver_fires_processing_error_and_no_post_process(backend: TestBackend) {
    let s = server(backend).await;
    let (status, reply) = s
        .send(flagged_event(
            "evt_hook_receiver_fails",
            json!({"fail_receiver": "true"}),
        ))
        .await;
    assert_eq!(status, 500, "{reply}");
    assert_eq!(
        calls_for(&reply["delivery"]),
        [
            "pre_validate(test key)",
            "post_validate(valid)",
            "pre_process(evt_hook_receiver_fails)",
            "processing_error(receiver_error, hooks::maybe_fail, evt_hook_receiver_fails)",
        ]
    );
}

async fn a_post_process_row_rolls_back_when_a_later_hook_fails(backend: TestBackend) {
    let s = server(backend).await;
    let (status, reply) = s
        .send(flagged_event(
            "evt_hook_post_fails",
            json!({"fail_post_process": "true"}),
        ))
        .await;
    assert_eq!(status, 500, "{reply}");
    assert_eq!(
        reply["failed_hook"], "hooks::post_process_b_maybe_fail",
        "{reply}"
    );
    let calls = calls_for(&reply["delivery"]);
    assert!(
        calls.contains(&"post_process(processed)".to_owned()),
        "the audit hook ran and wrote its row: {calls:?}"
    );
    assert_eq!(
        rows(&s, &reply["delivery"], "post_process").await,
        0,
        "the audit row rolled back with the event"
    );
    assert!(
        stripe_receiver::store::events::get(s.db(), "evt_hook_post_fails")
            .await
            .unwrap()
            .is_none()
    );
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!(d.error.as_deref(), Some("hook_error"));
    let detail = d.error_detail.as_deref().unwrap();
    assert!(
        detail.contains("webhook_post_process hook hooks::post_process_b_maybe_fail: post_process hook failing on purpose"),
        "{detail}"
    );
    assert_eq!(
        calls.last().unwrap(),
        "processing_error(hook_error, hooks::post_process_b_maybe_fail, evt_hook_post_fails)"
    );
}

async fn a_processing_error_row_persists_after_the_rollback(backend: TestBackend) {
    let s = server(backend).await;
    let (status, reply) = s
        .send(flagged_event(
            "evt_hook_error_row",
            json!({"fail_receiver": "true"}),
        ))
        .await;
    assert_eq!(status, 500, "{reply}");
    assert_eq!(rows(&s, &reply["delivery"], "processing_error").await, 1);
    // The transaction's own writes did roll back: no event, no audit row.
    assert_eq!(rows(&s, &reply["delivery"], "post_process").await, 0);
    assert!(
        stripe_receiver::store::events::get(s.db(), "evt_hook_error_row")
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_panicking_processing_error_hook_changes_neither_answer_nor_record(backend: TestBackend) {
    let s = server(backend).await;
    let (status, reply) = s
        .send(flagged_event(
            "evt_hook_error_panics",
            json!({"fail_receiver": "true", "panic_in_error_hook": "true"}),
        ))
        .await;
    assert_eq!(status, 500, "{reply}");
    assert_eq!(reply["outcome"], "failed");
    assert_eq!(reply["failed_receiver"], "hooks::maybe_fail");
    let d = &s.deliveries().await[0];
    assert_eq!(d.id.to_string(), reply["delivery"].as_str().unwrap());
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!(d.error.as_deref(), Some("receiver_error"));
    assert!(d
        .error_detail
        .as_deref()
        .unwrap()
        .contains("receiver failing on purpose"));
    // The panic did not stop the next processing_error hook.
    let calls = calls_for(&reply["delivery"]);
    assert_eq!(
        &calls[calls.len() - 2..],
        [
            "processing_error_a(panicking)",
            "processing_error(receiver_error, hooks::maybe_fail, evt_hook_error_panics)"
        ]
    );
    assert_eq!(rows(&s, &reply["delivery"], "processing_error").await, 1);
}

async fn duplicates_fire_post_process_with_their_outcome(backend: TestBackend) {
    let s = server(backend).await;
    let body = flagged_event("evt_hook_dup", json!({}));
    let (status, _) = s.send(body.clone()).await;
    assert_eq!(status, 200);
    let (status, reply) = s.send(body).await;
    assert_eq!(status, 200);
    assert_eq!(reply["outcome"], "duplicate");
    assert_eq!(
        calls_for(&reply["delivery"]),
        [
            "pre_validate(test key)",
            "post_validate(valid)",
            "pre_process(evt_hook_dup)",
            "post_process(duplicate)",
        ]
    );
}

both_backends!(
    a_valid_delivery_fires_the_four_hooks_once_each_in_order,
    a_bad_signature_fires_pre_and_post_validate_only,
    a_failing_receiver_fires_processing_error_and_no_post_process,
    a_post_process_row_rolls_back_when_a_later_hook_fails,
    a_processing_error_row_persists_after_the_rollback,
    a_panicking_processing_error_hook_changes_neither_answer_nor_record,
    duplicates_fire_post_process_with_their_outcome,
);

#[tokio::test]
async fn every_hook_is_registered_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = stripe_receiver::Config::from_env().unwrap();
    config.database_url = format!("sqlite://{}", dir.path().join("h.db").display());
    let runtime = stripe_receiver::Runtime::builder(config)
        .build()
        .await
        .unwrap();
    let hooks: Vec<(&str, &str)> = runtime
        .hooks()
        .all()
        .map(|h| (h.kind().as_str(), h.path()))
        .collect();
    assert_eq!(
        hooks,
        [
            ("webhook_pre_validate", "hooks::pre_validate"),
            ("webhook_post_validate", "hooks::post_validate"),
            ("webhook_pre_process", "hooks::pre_process"),
            ("webhook_post_process", "hooks::post_process_a_audit"),
            ("webhook_post_process", "hooks::post_process_b_maybe_fail"),
            (
                "webhook_processing_error",
                "hooks::processing_error_a_maybe_panic"
            ),
            (
                "webhook_processing_error",
                "hooks::processing_error_b_record"
            ),
        ]
    );
}
