//! An application's own migrations, run by the runtime after stripe-receiver's, sharing sqlx's
//! migrations table without either refusing the other's versions.

use serde_json::json;
use stripe_receiver::db::Backend;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};

#[stripe_receiver("invoice.paid")]
async fn mark_paid(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let sql = "INSERT INTO app_orders (id, paid) VALUES ($1, TRUE)";
    let id = event.object_id()?;
    match tx.backend() {
        Backend::Sqlite => {
            sqlx::query(sql).bind(id).execute(tx.sqlite()?).await?;
        }
        _ => {
            sqlx::query(sql).bind(id).execute(tx.postgres()?).await?;
        }
    }
    Ok(())
}

async fn own_tables_exist_before_the_first_event(backend: TestBackend) {
    let s = TestServer::start_with(
        backend,
        |b| {
            b.migrations(Backend::Sqlite, sqlx::migrate!("./tests/migrations/sqlite"))
                .migrations(
                    Backend::Postgres,
                    sqlx::migrate!("./tests/migrations/postgres"),
                )
        },
        |e| e,
    )
    .await;
    let (status, reply) = s
        .send(event(
            "evt_app",
            "invoice.paid",
            json!({"id": "in_app", "object": "invoice"}),
        ))
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(s.scalar("SELECT COUNT(*) FROM app_orders").await, 1);
    // Both sets are recorded in the one migrations table: ours and the application's.
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 20260101000001")
            .await,
        1
    );
    assert!(s.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await >= 3);
    // A process without the application's migrations (e.g. the shipped CLI) still starts.
    let mut config = stripe_receiver::Config::from_env().unwrap();
    config.database_url = s.runtime.config().database_url.clone();
    stripe_receiver::Runtime::builder(config)
        .build()
        .await
        .expect("our migrator ignores the application's versions");
}

both_backends!(own_tables_exist_before_the_first_event);
