//! PostgreSQL stores the large values of every webhook (event data, delivery body and headers,
//! synced objects' data) with lz4 TOAST compression where the server has lz4 (migration
//! 20261129000031; pglz cost most of PostgreSQL's CPU per webhook in the load benchmark).

use stripe_receiver_workspace::harness::{postgres_url, TestBackend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_columns_use_lz4_where_the_server_has_it() {
    if postgres_url().is_none() {
        return;
    }
    let s = TestServer::start(TestBackend::Postgres).await;
    let has_lz4 = s
        .scalar(
            "SELECT COUNT(*) FROM pg_settings WHERE name = 'default_toast_compression' \
             AND 'lz4' = ANY(enumvals)",
        )
        .await
        == 1;
    let compressed = |table: &str, column: &str| {
        format!(
            "SELECT COUNT(*) FROM pg_attribute WHERE attrelid = '{table}'::regclass \
             AND attname = '{column}' AND attcompression = 'l'"
        )
    };
    let expected = i64::from(has_lz4);
    for (table, column) in [
        ("stripe_events", "data"),
        ("stripe_webhook_deliveries", "body"),
        ("stripe_webhook_deliveries", "headers"),
        ("stripe_charges", "data"),
        ("stripe_subscriptions", "data"),
    ] {
        assert_eq!(
            s.scalar(&compressed(table, column)).await,
            expected,
            "{table}.{column}"
        );
    }
    let all = s
        .scalar(
            "SELECT COUNT(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relname LIKE 'stripe\\_%' AND c.relkind = 'r' AND a.attname = 'data' \
             AND a.attcompression <> 'l' AND a.atttypid = 'jsonb'::regtype",
        )
        .await;
    if has_lz4 {
        assert_eq!(all, 0, "every synced table's data column uses lz4");
    }
}
