//! Group commit (issue 7, §4 of the processing contract inside one shared transaction): a batch
//! formed while the writer is busy commits together; a failing webhook rolls back only its own
//! savepoint; a second delivery of an event earlier in the batch is a duplicate; a batch that
//! cannot commit runs each webhook again alone, with the outcome it would have had.
//!
//! Run on SQLite (group commit on by default) and on PostgreSQL with it turned on and one
//! writer, so that the batches are exactly the webhooks queued behind a slow one.
//! Every other end-to-end suite runs with group commit too: by default on SQLite, and in its
//! `postgres_group_commit` half on PostgreSQL.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{json, Value};
use stripe_receiver::config::GroupCommit;
use stripe_receiver::db::Backend;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::harness::{charge, event, postgres_url, TestBackend, TestServer};

/// Writes a row for the event; then, on request: sleeps (holding the writer, so that the
/// webhooks sent meanwhile queue into one batch), fails, or writes a row whose deferred foreign
/// key breaks only at COMMIT.
#[stripe_receiver("charge.captured")]
async fn gc_receiver(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let metadata = &event.data.object["metadata"];
    exec(tx, "INSERT INTO gc_runs (event_id) VALUES ($1)", &event.id).await?;
    if let Some(ms) = metadata["sleep_ms"].as_str().and_then(|s| s.parse().ok()) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if metadata["orphan"] == "true" {
        exec(tx, "INSERT INTO gc_child (parent_id) VALUES ($1)", "absent").await?;
    }
    if metadata["fail"] == "true" {
        return Err("failing on purpose after writing a row".into());
    }
    if metadata["after_commit"] == "true" {
        let id = event.id.clone();
        tx.after_commit(async move {
            AFTER_COMMIT.lock().unwrap().push(id);
            Ok(())
        });
    }
    Ok(())
}

/// Event ids whose after-commit action ran, for every server of this binary.
static AFTER_COMMIT: Mutex<Vec<String>> = Mutex::new(Vec::new());

async fn exec(tx: &mut Tx<'_>, sql: &'static str, value: &str) -> Result<(), BoxError> {
    match tx.backend() {
        Backend::Sqlite => {
            sqlx::query(sql).bind(value).execute(tx.sqlite()?).await?;
        }
        _ => {
            sqlx::query(sql).bind(value).execute(tx.postgres()?).await?;
        }
    }
    Ok(())
}

async fn server(backend: TestBackend) -> TestServer {
    server_with_db_timeout(backend, 5).await
}

async fn server_with_db_timeout(backend: TestBackend, db_timeout_secs: u64) -> TestServer {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            let config = b.config_mut();
            config.metrics = true;
            config.group_commit = GroupCommit::On;
            config.group_commit_writers = 1;
            config.db_timeout_secs = db_timeout_secs;
            b
        },
        |e| e,
    )
    .await;
    s.execute(
        "CREATE TABLE gc_runs (event_id TEXT NOT NULL);
         CREATE TABLE gc_parent (id TEXT PRIMARY KEY);
         CREATE TABLE gc_child (parent_id TEXT REFERENCES gc_parent (id) DEFERRABLE INITIALLY DEFERRED);",
    )
    .await;
    s
}

fn captured(id: &str, metadata: Value) -> String {
    let mut c = charge(&format!("ch_{id}"), 100);
    c["metadata"] = metadata;
    event(id, "charge.captured", c)
}

/// Sends `blocker` (whose receiver sleeps), then, while it holds the writer, every body of
/// `batch` at once; returns the replies to `batch`, in its order.
async fn behind_a_slow_webhook(s: &TestServer, batch: &[String]) -> Vec<(u16, Value)> {
    let blocker = captured("evt_gc_blocker", json!({"sleep_ms": "1000"}));
    let first = s.send(blocker);
    let rest = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        join_all(batch.iter().map(|body| s.send(body.clone()))).await
    };
    let ((status, reply), replies) = tokio::join!(first, rest);
    assert_eq!(status, 200, "{reply}");
    replies
}

/// `stripe_receiver_group_commit_batch_size` `_count` and `_sum`: commits, webhooks committed.
async fn group_commits(s: &TestServer) -> (u64, u64) {
    let (status, text) = s.get("/metrics").await;
    assert_eq!(status, 200);
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok())
            .unwrap_or_else(|| panic!("{name} missing in\n{text}")) as u64
    };
    (
        value("stripe_receiver_group_commit_batch_size_count"),
        value("stripe_receiver_group_commit_batch_size_sum"),
    )
}

async fn runs(s: &TestServer, id: &str) -> i64 {
    s.scalar(&format!(
        "SELECT COUNT(*) FROM gc_runs WHERE event_id = '{id}'"
    ))
    .await
}

async fn stored(s: &TestServer, id: &str) -> i64 {
    s.scalar(&format!(
        "SELECT COUNT(*) FROM stripe_events WHERE id = '{id}'"
    ))
    .await
}

async fn a_batch_commits_together_and_a_failure_rolls_back_only_its_own_savepoint(
    backend: TestBackend,
) {
    let s = server(backend).await;
    let ok1 = captured("evt_gc_ok1", json!({}));
    let batch = [
        ok1.clone(),
        captured("evt_gc_fail", json!({"fail": "true"})),
        captured("evt_gc_ok2", json!({})),
        ok1, // the same delivery again, inside the same batch
        captured("evt_gc_ok3", json!({})),
    ];
    let replies = behind_a_slow_webhook(&s, &batch).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.0).collect();
    assert_eq!(statuses, [200, 500, 200, 200, 200], "{replies:?}");
    assert_eq!(replies[1].1["failed_receiver"], "group_commit::gc_receiver");
    let mut repeat: Vec<&str> = [&replies[0].1, &replies[3].1]
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    repeat.sort_unstable();
    assert_eq!(repeat, ["duplicate", "processed"]);

    // The failing webhook's row and event are gone; everyone else's are there, once.
    assert_eq!(runs(&s, "evt_gc_fail").await, 0);
    assert_eq!(stored(&s, "evt_gc_fail").await, 0);
    for id in ["evt_gc_blocker", "evt_gc_ok1", "evt_gc_ok2", "evt_gc_ok3"] {
        assert_eq!(runs(&s, id).await, 1, "{id}");
        assert_eq!(stored(&s, id).await, 1, "{id}");
    }
    assert_eq!(s.deliveries().await.len(), 6);

    // Two commits: the blocker alone, then the five queued behind it (the failed one not
    // among the committed: its delivery row is written after the rollback, on its own).
    assert_eq!(group_commits(&s).await, (2, 5));
}

async fn a_batch_that_cannot_commit_runs_each_webhook_alone(backend: TestBackend) {
    let s = server(backend).await;
    // The orphan row passes every statement and breaks the deferred foreign key at COMMIT.
    let batch = [
        captured("evt_gc_a", json!({})),
        captured("evt_gc_orphan", json!({"orphan": "true"})),
        captured("evt_gc_b", json!({})),
    ];
    let replies = behind_a_slow_webhook(&s, &batch).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.0).collect();
    // Alone, the orphan's own commit fails (a database error, 503 so Stripe retries); the
    // others commit as if they had never shared a transaction with it.
    assert_eq!(statuses, [200, 503, 200], "{replies:?}");
    assert_eq!(replies[0].1["outcome"], "processed");
    assert_eq!(replies[2].1["outcome"], "processed");
    assert_eq!(replies[1].1["error"], "database_error");
    for (id, n) in [("evt_gc_a", 1), ("evt_gc_orphan", 0), ("evt_gc_b", 1)] {
        assert_eq!(runs(&s, id).await, n, "{id}");
        assert_eq!(stored(&s, id).await, n, "{id}");
    }
    assert_eq!(s.scalar("SELECT COUNT(*) FROM gc_child").await, 0);
    // The blocker's batch committed; the failed batch did not count; the two good webhooks
    // then committed alone.
    let (commits, webhooks) = group_commits(&s).await;
    assert_eq!((commits, webhooks), (1, 1));
}

async fn a_webhook_no_writer_takes_within_the_db_timeout_is_503_and_never_runs(
    backend: TestBackend,
) {
    let s = server_with_db_timeout(backend, 1).await;
    let blocker = s.send(captured("evt_gc_hold", json!({"sleep_ms": "3000"})));
    let late = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        let reply = s.send(captured("evt_gc_late", json!({}))).await;
        (reply, started.elapsed())
    };
    let ((status, reply), ((late_status, late_reply), waited)) = tokio::join!(blocker, late);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(late_status, 503, "{late_reply}");
    assert_eq!(late_reply["error"], "database_unavailable");
    assert!(
        waited < Duration::from_millis(2500),
        "gave up after {waited:?}"
    );
    // It was not run later either: the writer skips a job its caller gave up on.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(runs(&s, "evt_gc_late").await, 0);
    assert_eq!(stored(&s, "evt_gc_late").await, 0);
}

async fn a_committed_webhook_whose_client_left_still_runs_its_after_commit_actions(
    backend: TestBackend,
) {
    let s = server(backend).await;
    let id = format!("evt_gc_gone_{backend:?}");
    let body = captured(&id, json!({"sleep_ms": "1500", "after_commit": "true"}));
    let gave_up = tokio::time::timeout(Duration::from_millis(500), s.send(body)).await;
    assert!(gave_up.is_err(), "the client was meant to leave first");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !AFTER_COMMIT.lock().unwrap().contains(&id) {
        assert!(
            Instant::now() < deadline,
            "the after-commit action never ran"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(runs(&s, &id).await, 1);
    assert_eq!(stored(&s, &id).await, 1);
}

mod sqlite {
    use super::TestBackend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_commits_together_and_a_failure_rolls_back_only_its_own_savepoint() {
        super::a_batch_commits_together_and_a_failure_rolls_back_only_its_own_savepoint(
            TestBackend::Sqlite,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_that_cannot_commit_runs_each_webhook_alone() {
        super::a_batch_that_cannot_commit_runs_each_webhook_alone(TestBackend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_webhook_no_writer_takes_within_the_db_timeout_is_503_and_never_runs() {
        super::a_webhook_no_writer_takes_within_the_db_timeout_is_503_and_never_runs(
            TestBackend::Sqlite,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_committed_webhook_whose_client_left_still_runs_its_after_commit_actions() {
        super::a_committed_webhook_whose_client_left_still_runs_its_after_commit_actions(
            TestBackend::Sqlite,
        )
        .await;
    }
}

mod postgres {
    use super::{postgres_url, TestBackend};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_commits_together_and_a_failure_rolls_back_only_its_own_savepoint() {
        if postgres_url().is_some() {
            super::a_batch_commits_together_and_a_failure_rolls_back_only_its_own_savepoint(
                TestBackend::PostgresGroupCommit,
            )
            .await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_that_cannot_commit_runs_each_webhook_alone() {
        if postgres_url().is_some() {
            super::a_batch_that_cannot_commit_runs_each_webhook_alone(
                TestBackend::PostgresGroupCommit,
            )
            .await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_webhook_no_writer_takes_within_the_db_timeout_is_503_and_never_runs() {
        if postgres_url().is_some() {
            super::a_webhook_no_writer_takes_within_the_db_timeout_is_503_and_never_runs(
                TestBackend::PostgresGroupCommit,
            )
            .await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_committed_webhook_whose_client_left_still_runs_its_after_commit_actions() {
        if postgres_url().is_some() {
            super::a_committed_webhook_whose_client_left_still_runs_its_after_commit_actions(
                TestBackend::PostgresGroupCommit,
            )
            .await;
        }
    }
}
