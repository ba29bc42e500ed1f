//! A client that gives up before the answer (Stripe's delivery timeout, a proxy dropping the
//! connection) must not make the delivery vanish: processing finishes in a task of its own, the
//! delivery row is written (§4.3), and a failure still reaches `webhook_processing_error`.
//! On every backend, and on SQLite with group commit off (the path that used to lose it).

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use stripe_receiver::config::GroupCommit;
use stripe_receiver::db::Db;
use stripe_receiver::delivery::{Delivery, Outcome};
use stripe_receiver::hooks::WebhookDelivery;
use stripe_receiver::prelude::*;
use stripe_receiver::signature::testing::sign;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};

/// How long the slow receiver takes: well past the client's timeout below.
const RECEIVER_DELAY: Duration = Duration::from_millis(1500);
/// The client's timeout: it gives up while the receiver still runs.
const CLIENT_TIMEOUT: Duration = Duration::from_millis(300);

/// Delivery ids the `webhook_processing_error` hook was called for.
static ERROR_HOOK_CALLS: Mutex<Option<HashSet<uuid::Uuid>>> = Mutex::new(None);

/// Sleeps past the client's timeout, then writes a row (or fails when `metadata.fail` is
/// "true"); waits on a row lock first when `metadata.lock` is "true".
#[stripe_receiver("charge.succeeded")]
async fn slow_receiver(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let metadata = &event.data.object["metadata"];
    if metadata["lock"] == "true" {
        tx.query("UPDATE test_locked SET n = n + 1 WHERE id = 1")
            .execute()
            .await?;
    } else {
        tokio::time::sleep(RECEIVER_DELAY).await;
    }
    if metadata["fail"] == "true" {
        return Err("failing after the client left, on purpose".into());
    }
    tx.query("INSERT INTO test_runs (event_id) VALUES ($1)")
        .bind(&event.id)
        .execute()
        .await?;
    Ok(())
}

#[stripe_hook(webhook_processing_error)]
fn record_error_hook(delivery: &WebhookDelivery<'_>) {
    ERROR_HOOK_CALLS
        .lock()
        .unwrap()
        .get_or_insert_with(HashSet::new)
        .insert(delivery.id());
}

async fn server(backend: TestBackend, group_commit: Option<GroupCommit>) -> TestServer {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            if let Some(mode) = group_commit {
                b.config_mut().group_commit = mode;
            }
            b
        },
        |e| e,
    )
    .await;
    s.execute("CREATE TABLE test_runs (event_id TEXT NOT NULL)")
        .await;
    s.execute("CREATE TABLE test_locked (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        .await;
    s.execute("INSERT INTO test_locked (id, n) VALUES (1, 0)")
        .await;
    s
}

/// A charge event whose metadata carries `flags` (each set to "true").
fn charge_event(id: &str, flags: &[&str]) -> String {
    let mut object = charge(&format!("ch_{id}"), 100);
    for flag in flags {
        object["metadata"][*flag] = Value::from("true");
    }
    event(id, "charge.succeeded", object)
}

/// POSTs `body`, signed, with a client that gives up after [`CLIENT_TIMEOUT`]; asserts it did.
async fn post_and_give_up(s: &TestServer, body: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let header = sign(
        body.as_bytes(),
        &s.secret,
        i64::try_from(now.as_secs()).unwrap(),
    );
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    let result = client
        .post(s.url())
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await;
    let error = result.expect_err("the client gives up before the answer");
    assert!(error.is_timeout(), "{error}");
}

/// Waits (at most 15 s) for the delivery row of `event_id` (written once processing is over).
async fn delivery_of(s: &TestServer, event_id: &str) -> Delivery {
    for _ in 0..150 {
        let found = s.deliveries().await.into_iter().find(|d| {
            serde_json::from_slice::<Value>(&d.body)
                .ok()
                .as_ref()
                .and_then(|b| b["id"].as_str())
                == Some(event_id)
        });
        if let Some(d) = found {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no delivery row for {event_id} after 15 s");
}

async fn abandoned_success_is_processed_and_recorded(s: &TestServer) {
    let id = format!("evt_abandoned_ok_{}", uuid::Uuid::now_v7().simple());
    post_and_give_up(s, &charge_event(&id, &[])).await;
    let delivery = delivery_of(s, &id).await;
    assert_eq!(delivery.outcome, Outcome::Processed);
    assert!(delivery.valid);
    assert_eq!(delivery.event_id.as_deref(), Some(id.as_str()));
    let runs = format!("SELECT COUNT(*) FROM test_runs WHERE event_id = '{id}'");
    assert_eq!(s.scalar(&runs).await, 1);
    let events = format!("SELECT COUNT(*) FROM stripe_events WHERE id = '{id}'");
    assert_eq!(s.scalar(&events).await, 1);
    // Stripe retries the timed-out delivery: a duplicate now, never a second run.
    let (status, body) = s.send(charge_event(&id, &[])).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("duplicate")));
    assert_eq!(s.scalar(&runs).await, 1);
}

async fn abandoned_failure_is_recorded_and_hooked(s: &TestServer) {
    let id = format!("evt_abandoned_fail_{}", uuid::Uuid::now_v7().simple());
    post_and_give_up(s, &charge_event(&id, &["fail"])).await;
    let delivery = delivery_of(s, &id).await;
    assert_eq!(delivery.outcome, Outcome::Failed);
    assert_eq!(delivery.error.as_deref(), Some("receiver_error"));
    assert_eq!(delivery.event_id, None, "the event row was rolled back");
    let events = format!("SELECT COUNT(*) FROM stripe_events WHERE id = '{id}'");
    assert_eq!(s.scalar(&events).await, 0);
    let hooked = ERROR_HOOK_CALLS
        .lock()
        .unwrap()
        .as_ref()
        .is_some_and(|calls| calls.contains(&delivery.id));
    assert!(
        hooked,
        "webhook_processing_error ran for the abandoned failure"
    );
}

async fn client_gives_up_on_a_slow_receiver(backend: TestBackend) {
    let s = server(backend, None).await;
    abandoned_success_is_processed_and_recorded(&s).await;
    abandoned_failure_is_recorded_and_hooked(&s).await;
}

async fn client_gives_up_without_group_commit(backend: TestBackend) {
    let s = server(backend, Some(GroupCommit::Off)).await;
    abandoned_success_is_processed_and_recorded(&s).await;
    abandoned_failure_is_recorded_and_hooked(&s).await;
}

/// The webhook waits on a lock another transaction holds (a row lock on PostgreSQL, the write
/// lock of the database file on SQLite); the client gives up meanwhile; once the lock goes, the
/// delivery commits and is recorded.
async fn client_gives_up_while_a_lock_is_held(backend: TestBackend) {
    let s = server(backend, Some(GroupCommit::Off)).await;
    let id = format!("evt_abandoned_lock_{}", uuid::Uuid::now_v7().simple());
    let release = match s.db() {
        Db::Postgres(pg) => {
            let mut holder = pg.pool().begin().await.unwrap();
            sqlx::query("UPDATE test_locked SET n = n WHERE id = 1")
                .execute(&mut *holder)
                .await
                .unwrap();
            post_and_give_up(&s, &charge_event(&id, &["lock"])).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            Box::pin(async move { holder.commit().await.unwrap() })
                as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
        }
        _ => {
            use sqlx::Connection as _;
            let url = &s.runtime.config().database_url;
            let mut holder = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut holder)
                .await
                .unwrap();
            post_and_give_up(&s, &charge_event(&id, &["lock"])).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            Box::pin(async move {
                sqlx::raw_sql("COMMIT").execute(&mut holder).await.unwrap();
            })
        }
    };
    release.await;
    let delivery = delivery_of(&s, &id).await;
    assert_eq!(delivery.outcome, Outcome::Processed);
    let bumped = "SELECT COUNT(*) FROM test_locked WHERE id = 1 AND n = 1";
    assert_eq!(
        s.scalar(bumped).await,
        1,
        "the receiver ran once the lock went"
    );
}

/// Graceful shutdown waits for a delivery whose client has gone: its row is there once
/// `finish_after_commit_actions` (what `serve` calls on its way out) returns.
async fn shutdown_waits_for_abandoned_deliveries(backend: TestBackend) {
    let s = server(backend, None).await;
    let id = format!("evt_abandoned_shutdown_{}", uuid::Uuid::now_v7().simple());
    post_and_give_up(&s, &charge_event(&id, &[])).await;
    s.runtime.finish_after_commit_actions().await;
    let runs = format!("SELECT COUNT(*) FROM test_runs WHERE event_id = '{id}'");
    assert_eq!(
        s.scalar(&runs).await,
        1,
        "processed before the wait returned"
    );
    let processed = s
        .deliveries()
        .await
        .into_iter()
        .filter(|d| d.event_id.as_deref() == Some(id.as_str()))
        .count();
    assert_eq!(processed, 1);
}

both_backends!(
    client_gives_up_on_a_slow_receiver,
    client_gives_up_without_group_commit,
    client_gives_up_while_a_lock_is_held,
    shutdown_waits_for_abandoned_deliveries,
);
