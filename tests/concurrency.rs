//! Exactly-once under concurrency: many deliveries at once over real HTTP, on
//! both backends. On PostgreSQL webhooks run in concurrent transactions; a concurrent duplicate
//! waits on the event row's unique key for the first attempt's outcome. On SQLite they queue for
//! the single writer.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use stripe_receiver::db::Backend;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};

// ---- receivers ----------------------------------------------------------------------------------

/// Attempts (event id, backend) whose first try already failed.
static FAILED_ONCE: Mutex<Option<HashSet<(String, Backend)>>> = Mutex::new(None);

/// One row per committed run; optionally slow, optionally failing its first attempt.
#[stripe_receiver("charge.captured")]
async fn count_runs(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let metadata = &event.data.object["metadata"];
    if let Some(ms) = metadata["sleep_ms"].as_str().and_then(|s| s.parse().ok()) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if metadata["fail_first_attempt"] == "true" {
        let key = (event.id.clone(), tx.backend());
        if FAILED_ONCE
            .lock()
            .unwrap()
            .get_or_insert_with(HashSet::new)
            .insert(key)
        {
            return Err("first attempt fails on purpose".into());
        }
    }
    tx.query("INSERT INTO test_runs (event_id) VALUES ($1)")
        .bind(&event.id)
        .execute()
        .await?;
    Ok(())
}

/// A naive read-then-write upsert of the subscription both event types refer to, as receivers
/// are often written: racing transactions may both see "absent" and one then hits the primary
/// key; the runtime retries that webhook's whole transaction, which then sees the row.
#[stripe_receiver("customer.subscription.created", "checkout.session.completed")]
async fn upsert_subscription(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let object = &event.data.object;
    let sub_id = match event.type_.as_str() {
        "checkout.session.completed" => object["subscription"].as_str(),
        _ => object["id"].as_str(),
    }
    .ok_or("no subscription id")?
    .to_owned();
    let select = "SELECT COUNT(*) FROM test_objects WHERE id = $1";
    let insert = "INSERT INTO test_objects (id, last_event) VALUES ($1, $2)";
    let update = "UPDATE test_objects SET last_event = $2 WHERE id = $1";
    match tx.backend() {
        Backend::Sqlite => {
            let conn = tx.sqlite()?;
            let n: i64 = sqlx::query_scalar(select)
                .bind(&sub_id)
                .fetch_one(&mut *conn)
                .await?;
            let sql = if n == 0 { insert } else { update };
            sqlx::query(sql)
                .bind(&sub_id)
                .bind(&event.id)
                .execute(conn)
                .await?;
        }
        _ => {
            let conn = tx.postgres()?;
            let n: i64 = sqlx::query_scalar(select)
                .bind(&sub_id)
                .fetch_one(&mut *conn)
                .await?;
            // Widen the race window so that the interleaving the test is about happens.
            tokio::time::sleep(Duration::from_millis(2)).await;
            let sql = if n == 0 { insert } else { update };
            sqlx::query(sql)
                .bind(&sub_id)
                .bind(&event.id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

// ---- helpers ------------------------------------------------------------------------------------

async fn server(backend: TestBackend) -> TestServer {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            b.config_mut().db_max_connections = 16;
            b
        },
        |e| e,
    )
    .await;
    s.execute(
        "CREATE TABLE test_runs (event_id TEXT NOT NULL);
         CREATE TABLE test_objects (id TEXT PRIMARY KEY, last_event TEXT NOT NULL);",
    )
    .await;
    s
}

fn captured(id: &str, metadata: Value) -> String {
    let mut c = charge("ch_conc", 100);
    c["metadata"] = metadata;
    event(id, "charge.captured", c)
}

// ---- tests --------------------------------------------------------------------------------------

async fn fifty_concurrent_deliveries_of_one_event_commit_once(backend: TestBackend) {
    let s = server(backend).await;
    let body = captured("evt_fifty", json!({"sleep_ms": "20"}));
    let replies: Vec<(u16, Value)> = stream::iter(0..50)
        .map(|_| s.send(body.clone()))
        .buffer_unordered(50)
        .collect()
        .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.0).collect();
    assert!(statuses.iter().all(|&st| st == 200), "{statuses:?}");
    let processed = replies
        .iter()
        .filter(|r| r.1["outcome"] == "processed")
        .count();
    let duplicates = replies
        .iter()
        .filter(|r| r.1["outcome"] == "duplicate")
        .count();
    assert_eq!((processed, duplicates), (1, 49));
    assert_eq!(s.scalar("SELECT COUNT(*) FROM test_runs").await, 1);
    assert_eq!(s.deliveries().await.len(), 50);
    assert_eq!(s.scalar("SELECT COUNT(*) FROM stripe_events").await, 1);
}

async fn a_duplicate_waiting_on_a_failing_first_attempt_then_runs_in_full(backend: TestBackend) {
    let s = server(backend).await;
    // The id names the test backend: FAILED_ONCE is shared by the variants running in parallel.
    let body = captured(
        &format!("evt_wait_{backend:?}"),
        json!({"sleep_ms": "400", "fail_first_attempt": "true"}),
    );
    let first = s.send(body.clone());
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        s.send(body.clone()).await
    };
    let ((st1, r1), (st2, r2)) = tokio::join!(first, second);
    assert_eq!(st1, 500, "{r1}");
    assert_eq!(st2, 200, "{r2}");
    assert_eq!(
        r2["outcome"], "processed",
        "the waiting duplicate ran in full"
    );
    assert_eq!(s.scalar("SELECT COUNT(*) FROM test_runs").await, 1);
    let outcomes: Vec<Outcome> = s.deliveries().await.iter().map(|d| d.outcome).collect();
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes.contains(&Outcome::Failed) && outcomes.contains(&Outcome::Processed));
}

async fn two_event_types_upserting_one_object_concurrently(backend: TestBackend) {
    let s = server(backend).await;
    let bodies: Vec<String> = (0..100)
        .map(|i| {
            if i % 2 == 0 {
                event(
                    &format!("evt_sub_{i}"),
                    "customer.subscription.created",
                    json!({"id": "sub_shared", "object": "subscription", "status": "active"}),
                )
            } else {
                event(
                    &format!("evt_cs_{i}"),
                    "checkout.session.completed",
                    json!({"id": format!("cs_{i}"), "object": "checkout.session", "subscription": "sub_shared"}),
                )
            }
        })
        .collect();
    let server = &s;
    let replies: Vec<(u16, Value)> = stream::iter(bodies)
        .map(|b| async move { server.send(b).await })
        .buffer_unordered(32)
        .collect()
        .await;
    let refused: Vec<&(u16, Value)> = replies.iter().filter(|r| r.0 != 200).collect();
    assert!(refused.is_empty(), "{} not 200: {refused:?}", refused.len());
    assert_eq!(s.scalar("SELECT COUNT(*) FROM test_objects").await, 1);
    assert_eq!(s.scalar("SELECT COUNT(*) FROM stripe_events").await, 100);
}

async fn a_thousand_distinct_events_over_32_connections(backend: TestBackend) {
    let s = server(backend).await;
    let statuses: Vec<u16> = stream::iter(0..1000)
        .map(|i| {
            let body = captured(&format!("evt_k_{i:04}"), json!({}));
            let s = &s;
            async move { s.send(body).await.0 }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let bad: Vec<&u16> = statuses.iter().filter(|&&st| st != 200).collect();
    assert!(bad.is_empty(), "non-200 answers: {bad:?}");
    assert_eq!(s.scalar("SELECT COUNT(*) FROM stripe_events").await, 1000);
    assert_eq!(s.scalar("SELECT COUNT(*) FROM test_runs").await, 1000);
    assert_eq!(
        s.scalar("SELECT COUNT(DISTINCT event_id) FROM test_runs")
            .await,
        1000
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_webhook_deliveries WHERE outcome = 'processed'")
            .await,
        1000
    );
}

both_backends!(
    fifty_concurrent_deliveries_of_one_event_commit_once,
    a_duplicate_waiting_on_a_failing_first_attempt_then_runs_in_full,
    two_event_types_upserting_one_object_concurrently,
    a_thousand_distinct_events_over_32_connections,
);
