#[stripe_receiver("charge.succeeded", "charge.failed")]
async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    record_charge(tx, &event.id).await?;
    Ok(())
}
