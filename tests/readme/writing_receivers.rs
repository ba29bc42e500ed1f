use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
async fn on_charge_succeeded(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    #[derive(serde::Deserialize)]
    struct Charge { id: String, amount: i64 }
    let charge: Charge = event.object_as()?;                 // data.object, typed
    tx.query("INSERT INTO receipts (charge_id, amount) VALUES ($1, $2)")
        .bind(&charge.id)                                     // your table, the webhook's transaction,
        .bind(charge.amount)                                  // on SQLite and on PostgreSQL alike
        .execute()
        .await?;
    Ok(())
}

#[stripe_receiver("customer.created", "customer.updated")]  // several types
fn log_customer(event: &Event) {                              // a plain fn; no transaction, no Result
    tracing::info!(id = %event.id, kind = %event.type_, "customer changed");
}

#[stripe_receiver("invoice.paid")]
async fn receipt_mail(event: &Event, State(mailer): State<Mailer>) -> Result<(), BoxError> {
    mailer.queue(event.object_id()?).await?;                 // state registered at start-up
    Ok(())
}
