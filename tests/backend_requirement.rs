//! A receiver that takes PostgreSQL's native connection: refused at start-up on SQLite, naming
//! it; on PostgreSQL it runs in the webhook's transaction.

use serde_json::json;
use stripe_receiver::db::Backend;
use stripe_receiver::prelude::*;
use stripe_receiver::registry::{RegistryError, RegistryProblem};
use stripe_receiver::StartError;
use stripe_receiver_workspace::harness::{event, postgres_url, TestBackend, TestServer};

#[stripe_receiver("payout.paid")]
async fn record_payout(event: &Event, conn: &mut sqlx::PgConnection) -> Result<(), BoxError> {
    sqlx::query("INSERT INTO payouts (id, amount) VALUES ($1, $2)")
        .bind(event.object_id()?)
        .bind(event.data.object["amount"].as_i64())
        .execute(conn)
        .await?;
    Ok(())
}

#[tokio::test]
async fn refused_on_sqlite_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = stripe_receiver::Config::from_env().unwrap();
    config.database_url = format!("sqlite://{}", dir.path().join("b.db").display());
    let err = match stripe_receiver::Runtime::builder(config).build().await {
        Err(e) => e,
        Ok(_) => panic!("a PostgreSQL receiver started on SQLite"),
    };
    assert!(matches!(
        err,
        StartError::Registry(RegistryError {
            problem: RegistryProblem::WrongBackend {
                wanted: Backend::Postgres,
                actual: Backend::Sqlite,
            },
            registration,
            ..
        }) if registration.path() == "backend_requirement::record_payout"
    ));
    let message = err.to_string();
    assert!(
        message.contains("backend_requirement::record_payout"),
        "{message}"
    );
    assert!(
        message.contains("PostgreSQL") && message.contains("SQLite"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_on_postgres_in_the_webhook_transaction() {
    if postgres_url().is_none() {
        return;
    }
    let s = TestServer::start(TestBackend::Postgres).await;
    s.execute("CREATE TABLE payouts (id TEXT PRIMARY KEY, amount BIGINT)")
        .await;
    let body = event(
        "evt_payout",
        "payout.paid",
        json!({"id": "po_1", "object": "payout", "amount": 9900}),
    );
    let (status, reply) = s.send(body.clone()).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        s.scalar("SELECT amount FROM payouts WHERE id = 'po_1'")
            .await,
        9900
    );
    // A second payout with the same id violates the primary key in the receiver: rolled back.
    let (status, _) = s
        .send(event(
            "evt_payout_2",
            "payout.paid",
            json!({"id": "po_1", "object": "payout", "amount": 1}),
        ))
        .await;
    assert_eq!(status, 500);
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_events WHERE id = 'evt_payout_2'")
            .await,
        0
    );
}
