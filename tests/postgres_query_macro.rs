//! `sqlx::query!` / `query_as!` in a receiver, on the webhook's PostgreSQL connection, in the
//! same transaction as the event (the README's example). The queries are checked at compile
//! time against the cached descriptions in `.sqlx/` (see scripts/prepare-sqlx-cache.sh).

use serde_json::json;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::harness::{event, postgres_url, TestBackend, TestServer};

struct Order {
    stripe_invoice: String,
    amount: i64,
    paid: bool,
}

#[stripe_receiver("invoice.paid")]
async fn mark_paid(event: &Event, conn: &mut sqlx::PgConnection) -> Result<(), BoxError> {
    let invoice = event.object_id()?;
    sqlx::query!(
        "UPDATE test_orders SET paid_at = now() WHERE stripe_invoice = $1",
        invoice
    )
    .execute(&mut *conn)
    .await?;
    let order = sqlx::query_as!(
        Order,
        r#"SELECT stripe_invoice, amount, paid_at IS NOT NULL AS "paid!" FROM test_orders WHERE stripe_invoice = $1"#,
        invoice
    )
    .fetch_one(&mut *conn)
    .await?;
    if !order.paid || order.stripe_invoice != invoice {
        return Err("the update is not visible in the same transaction".into());
    }
    if event.data.object["amount_paid"].as_i64() != Some(order.amount) {
        return Err(format!(
            "{invoice}: paid amount differs from the order's {}",
            order.amount
        )
        .into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_macros_run_in_the_webhook_transaction() {
    if postgres_url().is_none() {
        return;
    }
    let s = TestServer::start(TestBackend::Postgres).await;
    s.execute(include_str!("sql/test_orders.sql")).await;
    s.execute("INSERT INTO test_orders (id, stripe_invoice, amount) VALUES (1, 'in_ok', 1200), (2, 'in_short', 1200)")
        .await;

    let paid = |id: &str, invoice: &str, amount: i64| {
        event(
            id,
            "invoice.paid",
            json!({"id": invoice, "object": "invoice", "amount_paid": amount}),
        )
    };
    let (status, reply) = s.send(paid("evt_inv_ok", "in_ok", 1200)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM test_orders WHERE paid_at IS NOT NULL")
            .await,
        1
    );

    // The receiver's own check fails after its UPDATE: the UPDATE rolls back with the event.
    let (status, _) = s.send(paid("evt_inv_short", "in_short", 999)).await;
    assert_eq!(status, 500);
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM test_orders WHERE stripe_invoice = 'in_short' AND paid_at IS NOT NULL")
            .await,
        0
    );
}
