//! The job worker: takes due jobs, runs their fns, records the outcome.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::FutureExt;
use tokio::sync::Notify;
use tracing::Instrument;

use super::kind::{JobParts, JobRegistry};
use super::store::{self, Claimed};
use crate::config::Config;
use crate::db::Db;
use crate::error_chain::panic_message;
use crate::state::StateMap;

/// How a worker paces itself (from [`Config`]).
#[derive(Debug, Clone, Copy)]
pub struct WorkerSettings {
    /// Wait before the first retry; doubles with each further retry, capped at one hour.
    pub backoff: Duration,
    /// A running attempt's lease; the job fn is cancelled when it ends.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs.
    pub poll: Duration,
    /// Jobs taken (and run concurrently) per round.
    pub batch: u32,
}

impl WorkerSettings {
    /// The settings `config` names.
    #[must_use]
    pub fn from_config(config: &Config) -> Self {
        Self {
            backoff: Duration::from_millis(config.job_backoff_ms),
            lease: Duration::from_secs(config.job_lease_secs.max(1)),
            poll: Duration::from_millis(config.job_poll_ms.max(10)),
            batch: 8,
        }
    }

    /// The wait before retry number `retry` (1 for the first retry): `backoff × 2^(retry-1)`,
    /// capped at one hour.
    #[must_use]
    pub fn retry_delay(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.backoff
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(Duration::from_secs(3600))
    }
}

/// What a worker needs, handed in by whoever starts it (the runtime).
pub(crate) struct Worker {
    pub db: Db,
    /// The job kinds linked into the binary.
    pub jobs: Arc<JobRegistry>,
    /// The values job fns take as `State<T>`.
    pub state: StateMap,
    /// Notified when a committed webhook enqueued jobs, so they run without waiting for the poll.
    pub wakeup: Arc<Notify>,
    pub settings: WorkerSettings,
}

/// Runs jobs until `shutdown` completes: up to [`WorkerSettings::batch`] at once, each in a task
/// of its own, taking new due jobs as soon as a slot is free (a slow job holds one slot, not the
/// others). On shutdown it takes no new job and waits for the running ones (each ends by its
/// lease at the latest; a second Ctrl-C exits at once).
pub(crate) async fn run_worker(worker: Arc<Worker>, shutdown: impl Future<Output = ()>) {
    let settings = worker.settings;
    tokio::pin!(shutdown);
    let kinds: Vec<&str> = worker.jobs.kinds().iter().map(|k| k.name()).collect();
    tracing::info!(kinds = %kinds.join(","), slots = settings.batch, "job worker started");
    let mut running = tokio::task::JoinSet::new();
    loop {
        let free = settings
            .batch
            .saturating_sub(u32::try_from(running.len()).unwrap_or(u32::MAX));
        let mut claimed_any = false;
        if free > 0 {
            let now = Utc::now();
            match store::claim(&worker.db, now, now + settings.lease, free).await {
                Ok(claimed) => {
                    claimed_any = !claimed.is_empty();
                    for job in claimed {
                        let worker = Arc::clone(&worker);
                        running.spawn(async move { run_one(&worker, &settings, job).await });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "job worker: cannot take jobs; trying again"),
            }
        }
        if claimed_any && running.len() < settings.batch as usize {
            continue; // more may be due: fill the free slots first
        }
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = running.join_next(), if !running.is_empty() => {}
            () = worker.wakeup.notified() => {}
            () = tokio::time::sleep(settings.poll) => {}
        }
    }
    if !running.is_empty() {
        tracing::info!(
            running = running.len(),
            "job worker stopping: waiting for the running jobs (a second Ctrl-C exits at once)"
        );
        while running.join_next().await.is_some() {}
    }
    tracing::info!("job worker stopped");
}

/// One attempt at one job, logged under a span of its own.
async fn run_one(worker: &Worker, settings: &WorkerSettings, claimed: Claimed) {
    let span = tracing::info_span!(
        "job",
        id = %claimed.job.id,
        name = %claimed.job.name,
        attempt = claimed.job.attempt
    );
    attempt(worker, settings, claimed).instrument(span).await;
}

async fn attempt(worker: &Worker, settings: &WorkerSettings, claimed: Claimed) {
    let Claimed { job, payload } = claimed;
    let result: Result<(), String> = match worker.jobs.get(&job.name) {
        None => Err(format!(
            "no #[stripe_job(\"{}\")] fn is linked into this binary",
            job.name
        )),
        Some(kind) => {
            let parts = JobParts {
                job: &job,
                db: &worker.db,
                payload: &payload,
                state: &worker.state,
            };
            let run = AssertUnwindSafe(kind.call(parts)).catch_unwind();
            match tokio::time::timeout(settings.lease, run).await {
                Err(_) => Err(format!(
                    "still running when its {:?} lease ended",
                    settings.lease
                )),
                Ok(Err(panic)) => Err(format!("panicked: {}", panic_message(&*panic))),
                Ok(Ok(Err(e))) => Err(e.to_string()),
                Ok(Ok(Ok(()))) => Ok(()),
            }
        }
    };
    let now = Utc::now();
    let outcome = match result {
        Ok(()) => {
            tracing::info!("job done");
            Ok(())
        }
        Err(error) if job.attempt >= job.max_attempts => {
            tracing::error!(%error, "job failed its last attempt; it is dead (jobs list --dead, jobs retry ID)");
            Err((error, None))
        }
        Err(error) => {
            let delay = settings.retry_delay(job.attempt);
            tracing::warn!(%error, retry_in = ?delay, "job failed; it will be retried");
            Err((error, Some(now + delay)))
        }
    };
    match store::finish(&worker.db, &job, outcome, now).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            "job was taken again by another worker (lease expired); its outcome here is dropped"
        ),
        Err(e) => {
            tracing::error!(error = %e, "could not record the job's outcome; it runs again when its lease ends")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_and_cap_at_an_hour() {
        let s = WorkerSettings {
            backoff: Duration::from_secs(2),
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(1),
            batch: 8,
        };
        assert_eq!(s.retry_delay(1), Duration::from_secs(2));
        assert_eq!(s.retry_delay(2), Duration::from_secs(4));
        assert_eq!(s.retry_delay(5), Duration::from_secs(32));
        assert_eq!(s.retry_delay(40), Duration::from_secs(3600));
    }
}
