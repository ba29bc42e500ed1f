//! The application `bench/load.sh` measures: stripe-receiver with one user receiver that writes a
//! row of its own for each `charge.succeeded`, in the webhook's transaction — the budget's setup.

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

fn main() -> std::process::ExitCode {
    stripe_receiver::cli::main_with(|runtime| {
        runtime
            .migrations(Backend::Sqlite, sqlx::migrate!("./migrations/sqlite"))
            .migrations(Backend::Postgres, sqlx::migrate!("./migrations/postgres"))
    })
}
