//! SQLite unable to write mid-load: the deliveries that cannot be written are answered 5xx, and
//! every delivery answered 200 — before, during and after — is committed, seen from a connection
//! of its own. The fault matrix (RELIABILITY.md) fills a tmpfs; here the process's file-size
//! limit (`RLIMIT_FSIZE`, with `SIGXFSZ` caught) stops the WAL from growing, which fails
//! `COMMIT` the same way without root: SQLite rolls the transaction back by itself. Regression
//! test for a writer connection that, after that, acknowledged webhooks it never committed.
//! One test binary of its own: the limit is the whole process's.

use rlimit::Resource;
use serde_json::json;
use sqlx::Connection as _;
use stripe_receiver::config::GroupCommit;
use stripe_receiver::db::Db;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};
use tokio::signal::unix::SignalKind;

/// A `charge.succeeded` of about 16 KiB (padding in its metadata), so that a few reach the
/// file-size limit quickly.
fn big_event(id: &str) -> String {
    let mut object = charge(&format!("ch_{id}"), 100);
    object["metadata"] = json!({ "padding": "x".repeat(16 * 1024) });
    event(id, "charge.succeeded", object)
}

/// One test at a time: the file-size limit is the process's.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn full_then_space_again(group_commit: GroupCommit) {
    let _one = ONE_AT_A_TIME.lock().await;
    let s = TestServer::start_with(
        TestBackend::Sqlite,
        |mut b| {
            b.config_mut().group_commit = group_commit;
            b
        },
        |e| e,
    )
    .await;
    let Db::Sqlite(_) = s.db() else {
        unreachable!("a SQLite test server")
    };
    for n in 0..5 {
        let (status, _) = s.send(big_event(&format!("evt_before_{n:03}"))).await;
        assert_eq!(status, 200);
    }
    // Writes past a file's current size fail (EFBIG) instead of killing the process.
    let mut xfsz = tokio::signal::unix::signal(SignalKind::from_raw(25)).expect("SIGXFSZ");
    tokio::spawn(async move { while xfsz.recv().await.is_some() {} });
    let path = s
        .runtime
        .config()
        .database_url
        .trim_start_matches("sqlite://")
        .to_owned();
    let largest = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{path}{suffix}")).ok())
        .map(|m| m.len())
        .max()
        .unwrap();
    let (_, hard) = Resource::FSIZE.get().unwrap();
    Resource::FSIZE.set(largest + 48 * 1024, hard).unwrap();

    let mut acknowledged: Vec<String> = (0..5).map(|n| format!("evt_before_{n:03}")).collect();
    let mut refused = 0;
    for n in 0..200 {
        let id = format!("evt_full_{n:03}");
        let (status, answer) = s.send(big_event(&id)).await;
        match status {
            200 => acknowledged.push(id),
            500 | 503 => refused += 1,
            other => panic!("{id}: unexpected {other}: {answer}"),
        }
        if refused >= 5 {
            break;
        }
    }
    assert!(refused >= 5, "the file-size limit was never reached");

    // Room again.
    Resource::FSIZE.set(hard, hard).unwrap();
    for n in 0..20 {
        let id = format!("evt_after_{n:03}");
        let (status, answer) = s.send(big_event(&id)).await;
        assert_eq!(status, 200, "{id} after space came back: {answer}");
        acknowledged.push(id);
    }

    // Every 200 is a commit, seen from a connection outside the runtime's pools.
    let url = &s.runtime.config().database_url;
    let mut outside = sqlx::SqliteConnection::connect(url).await.unwrap();
    let mut missing = Vec::new();
    for id in &acknowledged {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stripe_events WHERE id = $1")
            .bind(id)
            .fetch_one(&mut outside)
            .await
            .unwrap();
        if found != 1 {
            missing.push(id.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged events are not committed: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut outside)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_full_with_group_commit() {
    full_then_space_again(GroupCommit::On).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_full_without_group_commit() {
    full_then_space_again(GroupCommit::Off).await;
}
