// What must compile for hooks and jobs: their argument forms, named lifetime parameters, sync
// and async, and the attribute's two spellings of a hook.
use stripe_receiver::db::Db;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::hooks::{ProcessingError, Validation, WebhookDelivery};
use stripe_receiver::prelude::*;

#[stripe_hook(webhook_post_process)]
async fn audit<'t>(
    delivery: &WebhookDelivery<'_>,
    event: &Event,
    outcome: Outcome,
    tx: &'t mut Tx<'t>,
) -> Result<(), BoxError> {
    let _ = (delivery, event, outcome, tx);
    Ok(())
}

#[stripe_hook("webhook_post_validate")]
fn validated(validation: Validation, db: &Db) {
    let _ = (validation, db);
}

#[stripe_hook(webhook_processing_error)]
async fn failed<'e>(error: &'e ProcessingError, event: Option<&'e Event>) {
    let _ = (error, event);
}

#[stripe_job("send_receipt")]
async fn send_receipt<'j>(
    job: &'j Job,
    Payload(receipt): Payload<String>,
    db: &'j Db,
) -> Result<(), BoxError> {
    let _ = (job, receipt, db);
    Ok(())
}

#[stripe_job("count")]
fn count(State(counter): State<std::sync::atomic::AtomicU32>) {
    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

fn main() {
    let hooks = stripe_receiver::hooks::HookRegistry::from_inventory().expect("hooks");
    assert_eq!(hooks.all().len(), 3);
    let jobs = stripe_receiver::jobs::JobRegistry::from_inventory().expect("jobs");
    let names: Vec<&str> = jobs.kinds().iter().map(|kind| kind.name()).collect();
    assert_eq!(names, ["count", "send_receipt"]);
}
