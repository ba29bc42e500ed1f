//! Running a committed webhook's after-commit actions ([`crate::Tx::after_commit`]).

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use uuid::Uuid;

use crate::effects::{AfterCommit, Effects};
use crate::runtime::Inner;
use crate::store::deliveries;

/// Starts the actions of a committed webhook, in registration order, on the runtime's task
/// tracker (so a graceful shutdown waits for them), and wakes the job worker if jobs were
/// enqueued. Returns at once: the response does not wait for the actions.
pub(crate) fn start(rt: &std::sync::Arc<Inner>, delivery_id: Uuid, effects: Effects) {
    if effects.jobs_enqueued > 0 {
        rt.jobs_wakeup.notify_waiters();
        rt.jobs_wakeup.notify_one();
    }
    if effects.after_commit.is_empty() {
        return;
    }
    let rt = std::sync::Arc::clone(rt);
    let tracker = rt.tasks.clone();
    tracker.spawn(async move {
        let mut errors = Vec::new();
        for AfterCommit {
            registered_by,
            action,
        } in effects.after_commit
        {
            let outcome = AssertUnwindSafe(action).catch_unwind().await;
            let error = match outcome {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e.to_string(),
                Err(panic) => format!("panicked: {}", crate::process::panic_message(&*panic)),
            };
            tracing::error!(delivery = %delivery_id, registered_by, error = %error, "after-commit action failed (the event stays committed; use a job for what must not be lost)");
            errors.push(format!("{registered_by}: {error}"));
        }
        if !errors.is_empty() {
            let text = errors.join("\n");
            if let Err(e) = deliveries::record_after_commit_error(&rt.db, delivery_id, &text).await {
                tracing::error!(delivery = %delivery_id, error = %e, "could not record the after-commit failure");
            }
        }
    });
}
