//! The quickstart: `cargo run --example quickstart`.
//!
//! 1. Opens (creating) `stripe-receiver.db` and runs the migrations; creates this example's own
//!    tables, as your application's migrations would.
//! 2. Makes — or reuses, on later runs — a local webhook endpoint and prints its URL and secret.
//! 3. Starts serving, then delivers the sample events in `examples/events/` to itself over real
//!    HTTP, signed exactly as Stripe signs, and prints for each the status and which receivers
//!    ran. `invoice.payment_failed` fails in a receiver on purpose: the whole webhook rolls back.
//! 4. Keeps serving for `stripe listen --forward-to` or `stripe-receiver send` until Ctrl-C.

use std::process::ExitCode;

use serde_json::Value;
use stripe_receiver::db::{Backend, Db};
use stripe_receiver::endpoint::{Endpoint, NewEndpoint};
use stripe_receiver::prelude::*;
use stripe_receiver::sender::Sender;
use stripe_receiver::signature::Secret;
use stripe_receiver::store::endpoints;
use stripe_receiver::{Config, Runtime};

// ---- receivers ----------------------------------------------------------------------------------
// Receivers for one event run one after another in the order of their paths:
// quickstart::audit_log, quickstart::log_customer, quickstart::notify_dunning, quickstart::record_receipt.

/// One receiver for several event types: an audit row per event, in the webhook's transaction.
#[stripe_receiver(
    "customer.created",
    "payment_method.attached",
    "charge.succeeded",
    "invoice.paid",
    "invoice.payment_failed"
)]
async fn audit_log(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sqlx::query(
        "INSERT INTO quickstart_audit (event_id, event_type, object_id) VALUES (?1, ?2, ?3)",
    )
    .bind(&event.id)
    .bind(&event.type_)
    .bind(event.object_id().ok())
    .execute(tx.sqlite()?)
    .await?;
    Ok(())
}

/// A plain `fn` that only logs: no transaction, no `Result`.
#[stripe_receiver("customer.created")]
fn log_customer(event: &Event) {
    let email = event.data.object["email"].as_str().unwrap_or("?");
    println!("      (log_customer: new customer {email})");
}

/// Fails on purpose: the audit row written before it for the same event is rolled back with the
/// event itself, and Stripe would retry the delivery.
#[stripe_receiver("invoice.payment_failed")]
async fn notify_dunning(event: &Event) -> Result<(), BoxError> {
    Err(format!(
        "the dunning service is unreachable (on purpose, for invoice {})",
        event.object_id()?
    )
    .into())
}

/// A receipt row in this application's own table, in the same transaction as the event. It reads
/// the charge as the built-in sync stored it (the sync runs before any receiver of yours).
#[stripe_receiver("charge.succeeded")]
async fn record_receipt(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let charge = tx.charge(event.object_id()?).await?;
    sqlx::query("INSERT INTO quickstart_receipts (charge_id, amount, currency, event_id) VALUES (?1, ?2, ?3, ?4)")
        .bind(&charge.id)
        .bind(charge.amount.unwrap_or(0))
        .bind(charge.currency.as_deref().unwrap_or("?"))
        .bind(&event.id)
        .execute(tx.sqlite()?)
        .await?;
    Ok(())
}

// ---- the program ----------------------------------------------------------------------------------

/// The sample events, in delivery order (file name, bytes).
const SAMPLES: [(&str, &str); 6] = [
    (
        "customer.created.json",
        include_str!("events/customer.created.json"),
    ),
    (
        "payment_method.attached.json",
        include_str!("events/payment_method.attached.json"),
    ),
    (
        "charge.succeeded.json",
        include_str!("events/charge.succeeded.json"),
    ),
    (
        "invoice.payment_failed.json",
        include_str!("events/invoice.payment_failed.json"),
    ),
    (
        "invoice.paid.json",
        include_str!("events/invoice.paid.json"),
    ),
    (
        "balance.available.json",
        include_str!("events/balance.available.json"),
    ),
];

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "warn");
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
    let config = Config::from_env()?;
    if Db::backend_of_url(&config.database_url)? != Backend::Sqlite {
        return Err(
            "the quickstart's own tables are written for SQLite; unset DATABASE_URL".into(),
        );
    }
    // Bind first: a busy port fails here, before anything is written.
    let listen = config.listen;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        format!("cannot listen on {listen}: {e} (set STRIPE_RECEIVER_LISTEN=127.0.0.1:PORT)")
    })?;
    // stripe-receiver's migrations, then this application's own (its two tables).
    let runtime = Runtime::builder(config)
        .migrations(
            Backend::Sqlite,
            sqlx::migrate!("./examples/migrations/sqlite"),
        )
        .build()
        .await?;

    let (endpoint, reused) = local_endpoint(&runtime).await?;
    let secret = endpoint.secrets[0].secret.clone();
    println!("stripe-receiver quickstart");
    println!("  database:  {}", runtime.config().database_url);
    println!(
        "  endpoint:  {} ({})",
        endpoint.url,
        if reused { "reused" } else { "new" }
    );
    println!("  secret:    {}", secret.expose());
    let builtin =
        runtime.registry().receivers().len() - runtime.registry().application_receivers().count();
    println!(
        "  receivers: {} (and {builtin} built-in ones that sync Stripe objects into stripe_* tables)",
        runtime
            .registry()
            .application_receivers()
            .map(|r| r.path())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let serving = runtime.clone();
    let server = tokio::spawn(async move {
        serving
            .serve(listener, stripe_receiver::shutdown_signal())
            .await
    });

    deliver_samples(&runtime, &endpoint.url, &secret).await?;

    // The CLI reads the same settings from the environment; repeat the non-default ones that
    // matter: the database for every command, the listen address for the URL of a new endpoint.
    let db_env = match std::env::var_os("DATABASE_URL") {
        Some(_) => format!("DATABASE_URL={} ", runtime.config().database_url),
        None => String::new(),
    };
    let listen_env = match std::env::var_os("STRIPE_RECEIVER_LISTEN") {
        Some(_) => format!("STRIPE_RECEIVER_LISTEN={listen} "),
        None => String::new(),
    };
    let cli = format!("{db_env}cargo run -p stripe-receiver-cli --");
    let cli_listen = format!("{db_env}{listen_env}cargo run -p stripe-receiver-cli --");
    println!();
    println!("Send more yourself, e.g.:");
    println!(
        "  {cli} send examples/events/charge.succeeded.json --url {} --secret {}",
        endpoint.url,
        secret.expose()
    );
    println!("  {cli} deliveries list");
    println!(
        "  With the Stripe CLI: `stripe listen` prints a whsec_ secret; make an endpoint with it,"
    );
    println!("    {cli_listen} endpoints add-local --secret whsec_...");
    println!("  and run `stripe listen --forward-to <the url that prints>`.");
    println!(
        "  (Event ids are unique per event: each quickstart run gives its sample events fresh ids,"
    );
    println!("  so they are processed again; re-sending the same file is a duplicate.)");
    println!();
    println!(
        "Serving on http://{listen}: webhooks at {}, health at http://{listen}/healthz. Ctrl-C stops.",
        endpoint.url
    );
    server.await?;
    Ok(())
}

/// The enabled local endpoint for this listen address from an earlier run, or a new one.
async fn local_endpoint(runtime: &Runtime) -> Result<(Endpoint, bool), BoxError> {
    let base = runtime.config().local_base_url();
    let prefix = format!("{base}/webhooks/");
    let existing = endpoints::list(runtime.db()).await?.into_iter().find(|e| {
        e.enabled && e.stripe_id.is_none() && e.url.starts_with(&prefix) && !e.secrets.is_empty()
    });
    if let Some(e) = existing {
        return Ok((e, true));
    }
    let created =
        endpoints::create(runtime.db(), NewEndpoint::local(base, Secret::generate())).await?;
    Ok((created, false))
}

async fn deliver_samples(runtime: &Runtime, url: &str, secret: &Secret) -> Result<(), BoxError> {
    // Event ids are unique per event; give this run's copies their own ids so that every run
    // processes them afresh (a re-sent id would be a duplicate, shown at the end).
    let run_tag = uuid_tag();
    let sender = Sender::new();
    println!();
    println!(
        "Delivering {} sample events to {url}, signed as Stripe signs them:",
        SAMPLES.len()
    );
    let mut first_charge: Option<Vec<u8>> = None;
    for (file, raw) in SAMPLES {
        let original: Value = serde_json::from_str(raw)?;
        let id = original["id"].as_str().ok_or("sample without id")?;
        let body = raw.replacen(&format!("\"{id}\""), &format!("\"{id}_{run_tag}\""), 1);
        let response = sender
            .send(url, secret, body.clone().into_bytes(), None)
            .await?;
        let reply: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
        print_reply(file, response.status, &reply);
        if reply["outcome"] == "failed" {
            let event_id = format!("{id}_{run_tag}");
            let audit = count(runtime, "quickstart_audit", &event_id).await?;
            println!(
                "      rolled back: event stored? {}; audit rows for it: {audit} (audit_log ran first, its row is gone)",
                if stripe_receiver::store::events::get(runtime.db(), &event_id).await?.is_some() { "yes" } else { "no" },
            );
        }
        if file.starts_with("charge.succeeded") {
            first_charge = Some(body.into_bytes());
        }
    }
    if let Some(body) = first_charge {
        println!("Re-sending the same charge.succeeded (Stripe redelivers; the event id decides):");
        let response = sender.send(url, secret, body, None).await?;
        let reply: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
        print_reply("charge.succeeded.json", response.status, &reply);
    }
    let Db::Sqlite(db) = runtime.db() else {
        unreachable!()
    };
    let receipts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quickstart_receipts")
        .fetch_one(db.reader())
        .await?;
    println!("quickstart_receipts now holds {receipts} row(s) (one per processed charge.succeeded, across runs).");
    Ok(())
}

fn print_reply(file: &str, status: u16, reply: &Value) {
    let outcome = reply["outcome"].as_str().unwrap_or("?");
    // Built-in sync receivers are shown by the object family they sync.
    let ran: Vec<String> = reply["receivers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(
                    |path| match path.strip_prefix("stripe_receiver::sync::builtin::") {
                        Some(family) => format!("[sync {family}]"),
                        None => path.to_owned(),
                    },
                )
                .collect()
        })
        .unwrap_or_default();
    let what = match outcome {
        "processed" if ran.is_empty() => "stored; no receiver matches this type".to_owned(),
        "processed" => format!("ran: {}", ran.join(", ")),
        "duplicate" => "already processed; no receiver ran".to_owned(),
        "failed" => format!(
            "FAILED in {} -> rolled back, Stripe would retry",
            reply["failed_receiver"].as_str().unwrap_or("?")
        ),
        other => other.to_owned(),
    };
    println!("  {status} {outcome:<9} {file:<30} {what}");
}

async fn count(runtime: &Runtime, table: &str, event_id: &str) -> Result<i64, BoxError> {
    let Db::Sqlite(db) = runtime.db() else {
        unreachable!()
    };
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {table} WHERE event_id = ?1"
    )))
    .bind(event_id)
    .fetch_one(db.reader())
    .await?)
}

/// A short tag unique to this run (seconds and nanoseconds of the clock, base 36).
fn uuid_tag() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut n = now.as_secs() * 1_000 + u64::from(now.subsec_millis());
    let mut out = Vec::new();
    while n > 0 {
        let d = (n % 36) as u8;
        out.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
