//! Side effects done right: `cargo run --example outbox`.
//!
//! `invoice.paid` must e-mail a receipt. Sending it from the receiver would send it even when the
//! webhook later rolls back (and again on Stripe's retry). Instead the receiver enqueues a
//! `send_receipt` job in the webhook's transaction: the job exists only if the webhook commits,
//! and the worker inside `serve` runs it afterwards — at least once, retried with backoff; the
//! job id is the idempotency key. Here the "mail service" is a table, and it fails the first
//! attempt so that the retry shows.
//!
//! The example serves on `STRIPE_RECEIVER_LISTEN` (default 127.0.0.1:8000), delivers one signed
//! `invoice.paid` to itself, waits for the receipt, prints what happened, and keeps serving.

use std::process::ExitCode;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use stripe_receiver::db::{Backend, Db};
use stripe_receiver::endpoint::NewEndpoint;
use stripe_receiver::jobs::{self, JobFilter};
use stripe_receiver::prelude::*;
use stripe_receiver::sender::Sender;
use stripe_receiver::signature::Secret;
use stripe_receiver::store::endpoints;
use stripe_receiver::{Config, Runtime};

#[derive(Serialize, Deserialize)]
struct Receipt {
    invoice: String,
    email: String,
}

/// In the webhook's transaction: enqueue the e-mail, don't send it.
#[stripe_receiver("invoice.paid")]
async fn on_invoice_paid(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let receipt = Receipt {
        invoice: event.object_id()?.to_owned(),
        email: event.data.object["customer_email"]
            .as_str()
            .unwrap_or("unknown@example.com")
            .to_owned(),
    };
    let job = tx.enqueue_job("send_receipt", &receipt).await?;
    println!("  receiver: enqueued send_receipt job {job} (commits with the event)");
    Ok(())
}

/// After the commit, in the worker: "send" the e-mail. The mail service is down on the first
/// attempt; the worker retries. `job.id` makes the send idempotent.
#[stripe_job("send_receipt")]
async fn send_receipt(
    job: &Job,
    Payload(receipt): Payload<Receipt>,
    db: &Db,
) -> Result<(), BoxError> {
    if job.attempt == 1 {
        println!("  job attempt 1: the mail service is unreachable -> retried with backoff");
        return Err("mail service unreachable (on purpose, first attempt)".into());
    }
    let Db::Sqlite(db) = db else {
        return Err("this example's table is written for SQLite".into());
    };
    sqlx::query(
        "INSERT INTO outbox_example_mail (job_id, invoice, email, attempt) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (job_id) DO NOTHING",
    )
    .bind(job.id.to_string())
    .bind(&receipt.invoice)
    .bind(&receipt.email)
    .bind(i64::from(job.attempt))
    .execute(db.writer())
    .await?;
    println!(
        "  job attempt {}: receipt for {} sent to {}",
        job.attempt, receipt.invoice, receipt.email
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    stripe_receiver::cli::init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let mut config = Config::from_env()?;
    if Db::backend_of_url(&config.database_url)? != Backend::Sqlite {
        return Err("this example's table is written for SQLite; unset DATABASE_URL".into());
    }
    if std::env::var_os("STRIPE_RECEIVER_JOB_BACKOFF_MS").is_none() {
        config.job_backoff_ms = 500; // a quick retry for the demonstration
    }
    let listen = config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e} (set STRIPE_RECEIVER_LISTEN)"))?;
    let runtime = Runtime::builder(config)
        .migrations(
            Backend::Sqlite,
            sqlx::migrate!("./examples/migrations/outbox"),
        )
        .build()
        .await?;
    let secret = Secret::generate();
    let endpoint = endpoints::create(
        runtime.db(),
        NewEndpoint::local(runtime.config().local_base_url(), secret.clone()),
    )
    .await?;

    let stop = tokio_util::sync::CancellationToken::new();
    let worker = {
        let (runtime, stop) = (runtime.clone(), stop.clone());
        tokio::spawn(async move { runtime.run_jobs(stop.cancelled_owned()).await })
    };
    let server = {
        let runtime = runtime.clone();
        tokio::spawn(async move {
            runtime
                .serve(listener, stripe_receiver::shutdown_signal())
                .await
        })
    };

    let event_id = format!("evt_1OutboxExample{}", uuid::Uuid::now_v7().simple());
    let body = include_str!("events/invoice.paid.json").replacen(
        "evt_1QsmplInvoicePaid000001",
        &event_id,
        1,
    );
    println!(
        "Delivering a signed invoice.paid ({event_id}) to {}",
        endpoint.url
    );
    let response = Sender::new()
        .send(&endpoint.url, &secret, body.into_bytes(), None)
        .await?;
    println!("  answer: {} {}", response.status, response.body);

    for _ in 0..100 {
        let jobs = jobs::list(
            runtime.db(),
            &JobFilter {
                status: None,
                limit: 10,
            },
        )
        .await?;
        if let Some(job) = jobs
            .iter()
            .find(|j| j.event_id.as_deref() == Some(event_id.as_str()))
        {
            if job.status == jobs::JobStatus::Done {
                println!(
                    "  job {}: done after {} attempts (last error: {})",
                    job.id,
                    job.attempts,
                    job.last_error.as_deref().unwrap_or("-")
                );
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!();
    println!("Jobs: cargo run -p stripe-receiver-cli -- jobs list   (or --dead; jobs retry ID)");
    println!(
        "Serving on http://{listen}: webhooks at {}. Ctrl-C stops.",
        endpoint.url
    );
    server.await?;
    stop.cancel();
    let _ = worker.await;
    Ok(())
}
