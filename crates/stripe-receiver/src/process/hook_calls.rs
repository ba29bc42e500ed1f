//! Calling the lifecycle hooks from the pipeline: deadlines, aborts, the processing-error hook.

use super::*;

/// The deadline of a hook phase outside the transaction, and of one attempt's transaction
/// (pre_process hooks, receivers and post_process hooks together): the processing timeout from
/// now.
pub(super) fn hook_deadline(rt: &Inner) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(rt.config.processing_timeout_secs)
}

/// A `webhook_pre_validate` or `webhook_post_validate` hook failed: the delivery is recorded
/// `failed` with the hook's class (`valid` as far as validation got), `webhook_processing_error`
/// fires, and the answer is 500 so that Stripe retries.
pub(super) async fn hook_aborted(
    rt: &Inner,
    incoming: &Incoming,
    fault: HookFault,
    valid: bool,
    event: Option<&Event>,
) -> Reply {
    let class = fault.class();
    let detail = match event {
        Some(event) => format!("event {}: {}", event.id, fault.detail()),
        None => fault.detail(),
    };
    let event_type = event.map(|e| e.type_.clone());
    let record = incoming.delivery(valid, Outcome::Failed, None, event_type.clone());
    let record = with_error(record, class, detail.clone());
    let mut reply = record_alone(&rt.db, &record, 500, Some(class)).await;
    let error = ProcessingError {
        class,
        path: Some(fault.path),
        message: detail,
        status: reply.status,
        event_id: event.map(|e| e.id.clone()),
        event_type: event_type.clone(),
    };
    fire_processing_error(rt, incoming, event, error).await;
    reply.event = event.map(|e| e.id.clone());
    reply.event_type = event_type;
    reply.failed_hook = Some(fault.path);
    reply
}

/// Runs every `webhook_processing_error` function, after the rollback and after the failed
/// delivery row is written. Their failures and panics are logged inside [`run_hooks`] and change
/// neither the record nor the answer.
pub(super) async fn fire_processing_error(
    rt: &Inner,
    incoming: &Incoming,
    event: Option<&Event>,
    error: ProcessingError,
) {
    let input = HookInput {
        event,
        error: Some(&error),
        ..HookInput::default()
    };
    let deadline = hook_deadline(rt);
    // Never an `Err` for this hook: every function runs and failures are only logged.
    let _ = run_hooks(
        rt,
        HookKind::ProcessingError,
        incoming,
        input,
        None,
        deadline,
    )
    .await;
}
