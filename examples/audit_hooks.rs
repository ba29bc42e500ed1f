//! Lifecycle hooks for auditing and failure counting: `cargo run --example audit_hooks`.
//!
//! - `webhook_post_process` writes one audit row per webhook (delivery, event, outcome, client
//!   IP) inside the webhook's transaction: the row exists exactly when the event committed.
//! - `webhook_processing_error` counts failures by class in application state and logs them;
//!   it runs after the rollback, so what it does persists.
//!
//! The example serves on an ephemeral port over a scratch SQLite database in a temporary
//! directory, posts the sample events of `examples/events/` to itself signed as Stripe signs them — one of which
//! fails in a receiver on purpose — prints the audit table, the failure counts and the metrics,
//! and exits.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use stripe_receiver::db::Db;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::endpoint::NewEndpoint;
use stripe_receiver::hooks::{ProcessingError, WebhookDelivery};
use stripe_receiver::prelude::*;
use stripe_receiver::sender::Sender;
use stripe_receiver::signature::Secret;
use stripe_receiver::store::endpoints;
use stripe_receiver::{Config, Runtime};

/// Failures seen by `webhook_processing_error`, by class (shared with `main`, which prints them).
#[derive(Clone, Default)]
struct FailureCounts(Arc<Mutex<BTreeMap<&'static str, u64>>>);

// ---- hooks --------------------------------------------------------------------------------------

/// One audit row per committed webhook, in the webhook's own transaction.
#[stripe_hook(webhook_post_process)]
async fn audit_row(
    delivery: &WebhookDelivery<'_>,
    event: &Event,
    outcome: Outcome,
    tx: &mut Tx<'_>,
) -> Result<(), BoxError> {
    sqlx::query(
        "INSERT INTO audit_webhooks (delivery_id, event_id, event_type, outcome, remote_ip) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(delivery.id().to_string())
    .bind(&event.id)
    .bind(&event.type_)
    .bind(outcome.as_str())
    .bind(delivery.remote_ip())
    .execute(tx.sqlite()?)
    .await?;
    Ok(())
}

/// Counts failures by class (after the rollback: nothing of the failed webhook is left).
#[stripe_hook(webhook_processing_error)]
fn count_failure(error: &ProcessingError, State(counts): State<FailureCounts>) {
    *counts.0.lock().unwrap().entry(error.class()).or_default() += 1;
    eprintln!(
        "  processing_error hook: {} at {} (status {})",
        error.class(),
        error.path().unwrap_or("-"),
        error.status()
    );
}

// ---- receivers ----------------------------------------------------------------------------------

/// Fails on purpose: the webhook rolls back, so no audit row is written for it.
#[stripe_receiver("invoice.payment_failed")]
fn dunning_unreachable(event: &Event) -> Result<(), BoxError> {
    Err(format!(
        "the dunning service is unreachable (on purpose, {})",
        event.id
    )
    .into())
}

// ---- main ---------------------------------------------------------------------------------------

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("audit_hooks: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let dir = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = Config::from_env()?;
    config.database_url = format!("sqlite://{}", dir.path().join("audit.db").display());
    config.listen = addr;
    config.metrics = true;
    let failures = FailureCounts::default();
    let runtime = Runtime::builder(config)
        .state(failures.clone())
        .build()
        .await?;
    let Db::Sqlite(db) = runtime.db() else {
        return Err("this example runs on SQLite".into());
    };
    // The application's own table (a real application would ship it as a migration).
    sqlx::raw_sql(
        "CREATE TABLE audit_webhooks (delivery_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, \
         event_type TEXT NOT NULL, outcome TEXT NOT NULL, remote_ip TEXT)",
    )
    .execute(db.writer())
    .await?;

    let secret = Secret::generate();
    let endpoint = endpoints::create(
        runtime.db(),
        NewEndpoint::local(format!("http://{addr}"), secret.clone()),
    )
    .await?;
    let serving = runtime.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        serving
            .serve(listener, async {
                let _ = stopped.await;
            })
            .await
    });

    println!("posting the sample events to {}", endpoint.url);
    let sender = Sender::new();
    let mut files: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/events"))?
            .collect::<Result<Vec<_>, _>>()?;
    files.sort_by_key(std::fs::DirEntry::file_name);
    for file in files {
        let body = std::fs::read(file.path())?;
        let reply = sender.send(&endpoint.url, &secret, body, None).await?;
        println!(
            "  {:<28} {}",
            file.file_name().to_string_lossy(),
            reply.status
        );
    }
    // The same event again: a duplicate, audited with its outcome.
    let again = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/events/charge.succeeded.json"
    ))?;
    let reply = sender.send(&endpoint.url, &secret, again, None).await?;
    println!("  {:<28} {} (again)", "charge.succeeded.json", reply.status);

    println!("\naudit_webhooks (written by the webhook_post_process hook):");
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT event_id, event_type, outcome FROM audit_webhooks ORDER BY delivery_id",
    )
    .fetch_all(db.reader())
    .await?;
    for (event_id, event_type, outcome) in &rows {
        println!("  {event_id:<32} {event_type:<26} {outcome}");
    }
    let counts = failures.0.lock().unwrap().clone();
    println!("\nfailures counted by the webhook_processing_error hook: {counts:?}");

    println!("\nfrom GET /metrics:");
    let metrics = reqwest::get(format!("http://{addr}/metrics"))
        .await?
        .text()
        .await?;
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("stripe_receiver_deliveries_total") && !l.ends_with(" 0"))
    {
        println!("  {line}");
    }

    let _ = stop.send(());
    server.await?;
    Ok(())
}
