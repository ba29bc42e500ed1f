//! Running a committed webhook's after-commit actions ([`crate::Tx::after_commit`]).

use std::panic::AssertUnwindSafe;
#[cfg(feature = "jobs")]
use std::sync::Arc;

use futures_util::FutureExt;
#[cfg(feature = "jobs")]
use tokio::sync::Notify;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::db::Db;
use crate::effects::{AfterCommit, Effects};
use crate::error_chain::panic_message;
use crate::store::deliveries;

/// Where committed webhooks' after-commit actions run, and whom enqueued jobs wake.
#[derive(Clone)]
pub(crate) struct AfterCommitTasks {
    /// The actions in flight; a graceful shutdown waits for them.
    tasks: TaskTracker,
    /// The job worker's wake-up, notified when a committed webhook enqueued jobs.
    #[cfg(feature = "jobs")]
    jobs_wakeup: Arc<Notify>,
    /// Where an action's failure is recorded (on the delivery row).
    db: Db,
}

impl AfterCommitTasks {
    /// Actions run on `tasks`; enqueued jobs notify `jobs_wakeup`; failures are recorded in `db`.
    pub(crate) fn new(
        tasks: TaskTracker,
        #[cfg(feature = "jobs")] jobs_wakeup: Arc<Notify>,
        db: Db,
    ) -> Self {
        Self {
            tasks,
            #[cfg(feature = "jobs")]
            jobs_wakeup,
            db,
        }
    }

    /// Starts the actions of a committed webhook, in registration order, on the task tracker
    /// (so a graceful shutdown waits for them), and wakes the job worker if jobs were enqueued.
    /// Returns at once: the response does not wait for the actions.
    pub(crate) fn start(&self, delivery_id: Uuid, effects: Effects) {
        #[cfg(feature = "jobs")]
        if effects.jobs_enqueued > 0 {
            self.jobs_wakeup.notify_waiters();
            self.jobs_wakeup.notify_one();
        }
        if effects.after_commit.is_empty() {
            return;
        }
        let db = self.db.clone();
        self.tasks.spawn(async move {
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
                    Err(panic) => format!("panicked: {}", panic_message(&*panic)),
                };
                tracing::error!(delivery = %delivery_id, registered_by, error = %error, "after-commit action failed (the event stays committed; use a job for what must not be lost)");
                errors.push(format!("{registered_by}: {error}"));
            }
            if !errors.is_empty() {
                let text = errors.join("\n");
                if let Err(e) = deliveries::record_after_commit_error(&db, delivery_id, &text).await
                {
                    tracing::error!(delivery = %delivery_id, error = %e, "could not record the after-commit failure");
                }
            }
        });
    }
}
