use stripe_receiver::prelude::*;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::hooks::{ProcessingError, WebhookDelivery};

#[stripe_hook(webhook_post_process)]                 // or #[stripe_hook("webhook_post_process")]
async fn audit(delivery: &WebhookDelivery<'_>, event: &Event, outcome: Outcome, tx: &mut Tx<'_>)
    -> Result<(), BoxError> {
    tx.query("INSERT INTO audit (delivery_id, event_id, outcome) VALUES ($1, $2, $3)")
        .bind(delivery.id().to_string()).bind(&event.id).bind(outcome.as_str())
        .execute().await?;                            // commits or rolls back with the event
    Ok(())
}

#[stripe_hook(webhook_processing_error)]
fn count_failure(error: &ProcessingError, State(stats): State<Stats>) {
    stats.failed(error.class());                      // runs after the rollback
}
