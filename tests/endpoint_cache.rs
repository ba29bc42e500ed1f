//! The endpoint cache (`crates/stripe-receiver/src/endpoint_cache.rs`): a serving runtime sees
//! endpoint changes made by another process — here a second `Db` opened on the same database,
//! as the CLI's `endpoints disable|enable|roll-secret` does — at once on SQLite, and once the
//! change's notification arrives on PostgreSQL (waited for, at most 5 s). Changes made through
//! the runtime's own endpoint store (`Runtime::endpoints`, the cache in front of the store) are
//! seen by the very next request on both.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use stripe_receiver::db::{Db, PoolSettings};
use stripe_receiver::endpoint::EndpointSecret;
use stripe_receiver::signature::Secret;
use stripe_receiver::store::endpoints;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, postgres_url, TestBackend, TestServer};

/// How long the PostgreSQL half waits for a change to reach the server.
const NOTIFY_WAIT: Duration = Duration::from_secs(5);

/// A new event body each call (so that every accepted delivery is processed, not a duplicate).
fn fresh_event() -> Vec<u8> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    event(
        &format!("evt_cache_{n}"),
        "charge.succeeded",
        charge(&format!("ch_cache_{n}"), 100),
    )
    .into_bytes()
}

/// Sends a fresh event signed with `secret`: status and body.
async fn deliver(s: &TestServer, secret: &Secret) -> (u16, String) {
    let r = s
        .sender
        .send(s.url(), secret, fresh_event(), None)
        .await
        .expect("POST");
    (r.status, r.body)
}

/// Delivers until the answer is `expected`. On SQLite (and for `immediate`) the first answer
/// must be it; on PostgreSQL the answers may lag a change made elsewhere until its
/// notification arrives, for at most [`NOTIFY_WAIT`].
async fn expect_status(
    s: &TestServer,
    backend: TestBackend,
    immediate: bool,
    secret: &Secret,
    expected: u16,
) {
    let deadline = Instant::now() + NOTIFY_WAIT;
    let mut attempts = 0;
    loop {
        let (status, body) = deliver(s, secret).await;
        attempts += 1;
        if status == expected {
            if expected == 404 {
                assert_eq!(body, "", "a 404 has an empty body");
            }
            return;
        }
        // PostgreSQL (in any configuration of the harness) hears of changes by NOTIFY.
        let may_wait = backend != TestBackend::Sqlite && !immediate;
        assert!(
            may_wait && Instant::now() < deadline,
            "expected {expected}, got {status} {body} (attempt {attempts} on {backend:?})"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Another process's handle on the server's database.
async fn other_process(s: &TestServer) -> Db {
    Db::connect(&s.runtime.config().database_url, &PoolSettings::default())
        .await
        .expect("second handle")
}

/// The endpoint's secrets as `endpoints roll-secret` leaves them, except that the old ones
/// (`current`) expire at once: only `new` is accepted afterwards.
fn rolled(current: Vec<EndpointSecret>, new: &Secret) -> Vec<EndpointSecret> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut secrets: Vec<EndpointSecret> = current
        .into_iter()
        .map(|mut old| {
            old.expires_at = Some(i64::try_from(now).unwrap() - 1);
            old
        })
        .collect();
    secrets.push(EndpointSecret {
        secret: new.clone(),
        expires_at: None,
    });
    secrets
}

/// Rolls the endpoint's secrets to `new` through another process's handle, `db`.
async fn roll_to(db: &Db, s: &TestServer, new: &Secret) {
    let current = endpoints::get(db, s.endpoint.uuid)
        .await
        .unwrap()
        .expect("the endpoint");
    let secrets = rolled(current.secrets, new);
    assert!(endpoints::set_secrets(db, s.endpoint.uuid, &secrets)
        .await
        .unwrap());
}

async fn changes_by_another_process_reach_the_server(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    // Cached by the first delivery.
    expect_status(&s, backend, true, &s.secret, 200).await;
    expect_status(&s, backend, true, &s.secret, 200).await;

    let other = other_process(&s).await;
    assert!(endpoints::set_enabled(&other, s.endpoint.uuid, false)
        .await
        .unwrap());
    expect_status(&s, backend, false, &s.secret, 404).await;
    expect_status(&s, backend, true, &s.secret, 404).await;

    assert!(endpoints::set_enabled(&other, s.endpoint.uuid, true)
        .await
        .unwrap());
    expect_status(&s, backend, false, &s.secret, 200).await;

    let new = Secret::generate();
    roll_to(&other, &s, &new).await;
    expect_status(&s, backend, false, &new, 200).await;
    expect_status(&s, backend, true, &new, 200).await;
    expect_status(&s, backend, true, &s.secret, 400).await;
    other.close().await;
}

async fn changes_through_the_runtimes_own_store_are_seen_at_once(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let own = s.runtime.endpoints();
    expect_status(&s, backend, true, &s.secret, 200).await;
    assert!(own.set_enabled(s.endpoint.uuid, false).await.unwrap());
    expect_status(&s, backend, true, &s.secret, 404).await;
    assert!(own.set_enabled(s.endpoint.uuid, true).await.unwrap());
    expect_status(&s, backend, true, &s.secret, 200).await;
    let new = Secret::generate();
    let current = own
        .get(s.endpoint.uuid)
        .await
        .unwrap()
        .expect("the endpoint");
    let secrets = rolled(current.secrets.clone(), &new);
    assert!(own.set_secrets(s.endpoint.uuid, &secrets).await.unwrap());
    expect_status(&s, backend, true, &new, 200).await;
    expect_status(&s, backend, true, &s.secret, 400).await;
}

async fn unknown_endpoints_answer_404_every_time(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let unknown = format!("{}/webhooks/{}", s.base_url, uuid::Uuid::new_v4());
    for _ in 0..3 {
        let r = s
            .sender
            .send(&unknown, &s.secret, fresh_event(), None)
            .await
            .expect("POST");
        assert_eq!((r.status, r.body.as_str()), (404, ""));
    }
    expect_status(&s, backend, true, &s.secret, 200).await;
}

both_backends!(
    changes_by_another_process_reach_the_server,
    changes_through_the_runtimes_own_store_are_seen_at_once,
    unknown_endpoints_answer_404_every_time,
);

/// The rows of `pg_stat_activity` for the server's endpoint listener.
async fn listeners(db: &Db) -> i64 {
    let Db::Postgres(pg) = db else {
        unreachable!("PostgreSQL only")
    };
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND application_name = 'stripe-receiver endpoint listener'",
    )
    .fetch_one(pg.pool())
    .await
    .expect("pg_stat_activity")
}

/// A killed listener connection (its notifications lost meanwhile) empties and bypasses the
/// cache; the listener subscribes again by itself and changes are seen again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_lost_listener_connection_does_not_serve_stale_endpoints() {
    if postgres_url().is_none() {
        return;
    }
    let backend = TestBackend::Postgres;
    let s = TestServer::start(backend).await;
    expect_status(&s, backend, true, &s.secret, 200).await;
    let other = other_process(&s).await;
    assert_eq!(listeners(&other).await, 1);
    let Db::Postgres(pg) = &other else {
        unreachable!()
    };
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() \
         AND application_name = 'stripe-receiver endpoint listener') AS t",
    )
    .fetch_one(pg.pool())
    .await
    .unwrap();
    assert_eq!(killed, 1);
    // Changed while the listener is down or coming back: its notification may be lost.
    assert!(endpoints::set_enabled(&other, s.endpoint.uuid, false)
        .await
        .unwrap());
    expect_status(&s, backend, false, &s.secret, 404).await;

    let deadline = Instant::now() + NOTIFY_WAIT;
    while listeners(&other).await != 1 {
        assert!(Instant::now() < deadline, "the listener did not come back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(endpoints::set_enabled(&other, s.endpoint.uuid, true)
        .await
        .unwrap());
    expect_status(&s, backend, false, &s.secret, 200).await;
    assert!(endpoints::set_enabled(&other, s.endpoint.uuid, false)
        .await
        .unwrap());
    expect_status(&s, backend, false, &s.secret, 404).await;
    other.close().await;
}
