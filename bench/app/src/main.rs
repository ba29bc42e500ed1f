//! The application `bench/load.sh` measures: stripe-receiver with one user receiver that writes a
//! row of its own for each `charge.succeeded`, in the webhook's transaction — the budget's setup.
//! A second receiver, on `charge.updated` only (so the benchmarked path is unchanged), serves the
//! fault matrix (`scripts/fault-matrix.sh`): it can be made slower than Stripe's delivery timeout.

use stripe_receiver::db::Backend;
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
async fn record_receipt(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let sql = "INSERT INTO bench_receipts (charge_id, amount, event_id) VALUES ($1, $2, $3)";
    let charge_id = event.object_id()?;
    let amount = event.data.object["amount"].as_i64().unwrap_or(0);
    match tx.backend() {
        Backend::Sqlite => {
            let q = sqlx::query(sql)
                .bind(charge_id)
                .bind(amount)
                .bind(&event.id);
            q.execute(tx.sqlite()?).await?;
        }
        _ => {
            let q = sqlx::query(sql)
                .bind(charge_id)
                .bind(amount)
                .bind(&event.id);
            q.execute(tx.postgres()?).await?;
        }
    }
    Ok(())
}

/// The fault matrix's slow receiver (`scripts/fault-matrix.sh`, RELIABILITY.md): for a
/// `charge.updated` whose `data.object.metadata.sleep_ms` is set (milliseconds, a string as
/// Stripe's metadata values are, or a number), it waits that long inside the webhook's transaction,
/// then writes a `bench_receipts` row like `record_receipt`, so a side effect applied twice for one
/// event shows as two rows. Errors: the event has no object id, or the insert fails.
#[stripe_receiver("charge.updated")]
async fn slow_receipt(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let sql = "INSERT INTO bench_receipts (charge_id, amount, event_id) VALUES ($1, $2, $3)";
    let object = &event.data.object;
    let sleep = &object["metadata"]["sleep_ms"];
    let sleep_ms = sleep
        .as_str()
        .and_then(|text| text.parse::<u64>().ok())
        .or_else(|| sleep.as_u64())
        .unwrap_or(0);
    let charge_id = event.object_id()?.to_owned();
    let amount = object["amount"].as_i64().unwrap_or(0);
    let event_id = event.id.clone();
    if sleep_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(sleep_ms)).await;
    }
    match tx.backend() {
        Backend::Sqlite => {
            let q = sqlx::query(sql).bind(charge_id).bind(amount).bind(event_id);
            q.execute(tx.sqlite()?).await?;
        }
        _ => {
            let q = sqlx::query(sql).bind(charge_id).bind(amount).bind(event_id);
            q.execute(tx.postgres()?).await?;
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    stripe_receiver::cli::main_with(|runtime| {
        runtime
            .migrations(Backend::Sqlite, sqlx::migrate!("./migrations/sqlite"))
            .migrations(Backend::Postgres, sqlx::migrate!("./migrations/postgres"))
    })
}
