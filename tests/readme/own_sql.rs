#[derive(sqlx::FromRow)]
struct Receipt { charge_id: String, amount: i64, refunded: bool }

#[stripe_receiver("charge.refunded")]
async fn on_charge_refunded(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let charge_id = event.object_id()?;
    let updated: u64 = tx.query("UPDATE receipts SET refunded = $1 WHERE charge_id = $2")
        .bind(true)
        .bind(charge_id)
        .execute().await?;                                   // rows affected
    let refunds: i64 = tx.query_scalar("SELECT COUNT(*) FROM receipts WHERE refunded = $1")
        .bind(true)
        .fetch_one().await?;                                 // the first column
    let receipts: Vec<Receipt> = tx
        .query_as("SELECT charge_id, amount, refunded FROM receipts WHERE charge_id = $1")
        .bind(charge_id)
        .fetch_all().await?;                                 // rows built by sqlx::FromRow
    for receipt in receipts {
        let (charge, amount, refunded) = (receipt.charge_id, receipt.amount, receipt.refunded);
        tracing::info!(charge, amount, refunded, updated, refunds, "refund recorded");
    }
    let row = tx.query("SELECT note FROM receipts WHERE charge_id = $1")
        .bind(charge_id)
        .fetch_optional().await?;                            // Option<Row>
    if let Some(row) = row {
        let note: Option<String> = row.try_get("note")?;     // by column name or position
        tracing::info!(?note, "the receipt's note");
    }
    Ok(())
}
