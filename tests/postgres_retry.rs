//! PostgreSQL's transient errors inside a webhook's transaction: a serialization failure (40001),
//! a deadlock (40P01) or a receiver's unique violation (23505) runs the whole transaction again,
//! at most 4 times; serialization failures that persist answer 503, a unique violation that
//! persists is the receiver's error (500). Nothing is half-written either way.
//!
//! The receiver raises the real SQLSTATE from PostgreSQL (`RAISE ... USING ERRCODE`), through the
//! same path as any failing query.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::json;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::harness::{event, postgres_url, TestBackend, TestServer};

/// Attempts per event id.
static ATTEMPTS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

fn attempt(event_id: &str) -> u32 {
    let mut map = ATTEMPTS.lock().unwrap();
    let n = map
        .get_or_insert_with(HashMap::new)
        .entry(event_id.to_owned())
        .or_default();
    *n += 1;
    *n
}

fn attempts(event_id: &str) -> u32 {
    ATTEMPTS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|m| m.get(event_id).copied())
        .unwrap_or(0)
}

/// `data.object.metadata`: `errcode` (a SQLSTATE condition name) raised on the attempts up to
/// `fail_attempts` (a number as a string).
#[stripe_receiver("charge.refunded")]
async fn flaky(event: &Event, conn: &mut sqlx::PgConnection) -> Result<(), BoxError> {
    let n = attempt(&event.id);
    let metadata = &event.data.object["metadata"];
    let fail_attempts: u32 = metadata["fail_attempts"].as_str().unwrap_or("0").parse()?;
    let errcode = metadata["errcode"]
        .as_str()
        .unwrap_or("serialization_failure");
    // Raises the SQLSTATE on the failing attempts; a no-op statement on the others.
    let sql = if n <= fail_attempts && errcode == "terminate_own_connection" {
        // The server ends this very connection, as a shutdown or a crash would.
        "SELECT pg_terminate_backend(pg_backend_pid())".to_owned()
    } else if n <= fail_attempts {
        format!(
            "DO $$ BEGIN RAISE EXCEPTION 'injected {errcode}' USING ERRCODE = '{errcode}'; END $$"
        )
    } else {
        "SELECT 1".to_owned()
    };
    sqlx::query("INSERT INTO test_runs (event_id) VALUES ($1)")
        .bind(&event.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn refunded(id: &str, errcode: &str, fail_attempts: u32) -> String {
    event(
        id,
        "charge.refunded",
        json!({"id": "ch_r", "object": "charge", "metadata": {
            "errcode": errcode, "fail_attempts": fail_attempts.to_string()}}),
    )
}

async fn server() -> Option<TestServer> {
    postgres_url()?;
    let s = TestServer::start(TestBackend::Postgres).await;
    s.execute("CREATE TABLE test_runs (event_id TEXT NOT NULL)")
        .await;
    Some(s)
}

async fn runs(s: &TestServer, id: &str) -> i64 {
    s.scalar(&format!(
        "SELECT COUNT(*) FROM test_runs WHERE event_id = '{id}'"
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_errors_run_the_transaction_again() {
    let Some(s) = server().await else { return };
    for (id, errcode) in [
        ("evt_ser", "serialization_failure"),
        ("evt_dead", "deadlock_detected"),
        ("evt_uniq", "unique_violation"),
    ] {
        let (status, reply) = s.send(refunded(id, errcode, 2)).await;
        assert_eq!(status, 200, "{id}: {reply}");
        assert_eq!(reply["outcome"], "processed");
        assert_eq!(
            attempts(id),
            3,
            "{id}: two failed attempts, then the one that commits"
        );
        assert_eq!(
            runs(&s, id).await,
            1,
            "{id}: only the committed attempt's write remains"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_serialization_failures_answer_503_after_4_attempts() {
    let Some(s) = server().await else { return };
    let (status, reply) = s
        .send(refunded("evt_ser_always", "serialization_failure", 99))
        .await;
    assert_eq!(status, 503, "{reply}");
    assert_eq!(attempts("evt_ser_always"), 4);
    assert_eq!(runs(&s, "evt_ser_always").await, 0);
    let d = &s.deliveries().await[0];
    assert_eq!(d.error.as_deref(), Some("serialization_failure"));
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_events WHERE id = 'evt_ser_always'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persistent_unique_violation_is_the_receivers_error() {
    let Some(s) = server().await else { return };
    let (status, reply) = s
        .send(refunded("evt_uniq_always", "unique_violation", 99))
        .await;
    assert_eq!(status, 500, "{reply}");
    assert_eq!(attempts("evt_uniq_always"), 4);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("receiver_error")
    );
    assert_eq!(runs(&s, "evt_uniq_always").await, 0);
}

/// A receiver whose connection the server ends under it (an administrator's shutdown, a crash,
/// a terminated backend) met the database's failure, not its own: 503 so that Stripe retries,
/// recorded as `database_error` with the receiver named, nothing committed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_lost_under_a_receiver_is_a_database_failure() {
    let Some(s) = server().await else { return };
    for (id, errcode) in [
        ("evt_admin_shutdown", "admin_shutdown"),
        ("evt_terminated", "terminate_own_connection"),
    ] {
        let (status, reply) = s.send(refunded(id, errcode, 1)).await;
        assert_eq!(status, 503, "{id}: {reply}");
        assert_eq!(
            reply["failed_receiver"], "postgres_retry::flaky",
            "{id}: {reply}"
        );
        assert_eq!(attempts(id), 1, "{id}: not a transient error: no retry");
        assert_eq!(runs(&s, id).await, 0, "{id}");
        let deliveries = s.deliveries().await;
        let d = deliveries
            .iter()
            .find(|d| d.error_detail.as_deref().is_some_and(|e| e.contains(id)))
            .unwrap_or_else(|| panic!("{id}: no delivery recorded: {deliveries:?}"));
        assert_eq!(d.error.as_deref(), Some("database_error"), "{id}");
        assert_eq!(
            s.scalar(&format!(
                "SELECT COUNT(*) FROM stripe_events WHERE id = '{id}'"
            ))
            .await,
            0,
            "{id}"
        );
        // The server goes on: the retry of the same event commits.
        let (status, reply) = s.send(refunded(id, errcode, 1)).await;
        assert_eq!(status, 200, "{id} retried: {reply}");
        assert_eq!(runs(&s, id).await, 1, "{id} retried");
    }
}
