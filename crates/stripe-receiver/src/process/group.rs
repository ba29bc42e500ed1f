//! Group commit: webhooks that wait for the writer at the same time share one transaction, each
//! inside its own savepoint, and one durable commit ([`crate::config::GroupCommit`]).
//!
//! A request hands its verified event to a queue ([`GroupCommitter::submit`]) and waits. A
//! writer task takes the first queued webhook and every other one already queued (at most
//! `STRIPE_RECEIVER_GROUP_COMMIT_MAX_BATCH`), begins one transaction and runs, for each webhook
//! in arrival order, the same work as a transaction of its own would run
//! ([`super::apply::apply_hooked`])
//! inside a savepoint:
//!
//! - success: the savepoint is released and the webhook waits for the batch's commit; its
//!   answer (and its after-commit actions) come only after that commit is durable;
//! - failure: the transaction rolls back to the savepoint, so only that webhook's work vanishes;
//!   it is answered at once (the caller records the failed delivery as usual);
//! - a second delivery of an event stored earlier in the batch sees that row, as it would see a
//!   committed one: a duplicate;
//! - when a savepoint statement or the commit fails, the batch's work is lost together: every
//!   webhook of it not yet answered runs again in a transaction of its own
//!   ([`Batched::Alone`]), so the outcome is the one it would have had without group commit.
//!
//! The batch is whatever queued while the previous batch ran: under light load a batch holds one
//! webhook and costs what a plain transaction costs, plus a savepoint; under load it amortizes
//! the commit's fsync over many webhooks.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU8, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::{mpsc, oneshot, Mutex};
use tracing::Instrument;

use crate::config::Config;
use crate::db::Backend;
use crate::delivery::Delivery;
use crate::error_chain::panic_message;
use crate::store::deliveries;
use crate::tx::Tx;

use super::apply::{apply_hooked, Applied, Verified};
use super::context::Context;
use super::fault::Fault;
use super::incoming::Incoming;

/// How many webhooks may wait in the queue before `submit` itself waits (back-pressure).
const QUEUE_DEPTH: usize = 4096;

/// The queue of webhooks waiting for a group commit, and its writer tasks.
pub(crate) struct GroupCommitter {
    queue: mpsc::Sender<Job>,
    /// `STRIPE_RECEIVER_DB_TIMEOUT`: the longest a webhook waits for a writer to take it, as
    /// it would wait for a pooled connection without group commit.
    wait_limit: Duration,
}

/// A webhook waiting for a batch.
struct Job {
    incoming: Arc<Incoming>,
    verified: Arc<Verified>,
    /// The request's span, so that receivers' logs keep the delivery's fields.
    span: tracing::Span,
    /// Who decided the job's fate first: a writer taking it, or the caller giving up waiting.
    claim: Arc<AtomicU8>,
    done: oneshot::Sender<Batched>,
}

const WAITING: u8 = 0;
const TAKEN: u8 = 1;
const ABANDONED: u8 = 2;

/// What became of a submitted webhook.
// Moved once, through a oneshot channel: boxing the large variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(super) enum Batched {
    /// It ran in a batch: `Ok` once the batch committed, `Err` when its savepoint was rolled back.
    Done(Result<Applied, Fault>),
    /// The batch could not commit (or the writer is gone): nothing of this webhook was written;
    /// run it in a transaction of its own.
    Alone,
}

impl GroupCommitter {
    /// Starts the writer tasks on `context`'s database: one for SQLite, `group_commit_writers`
    /// for PostgreSQL. They stop when the committer is dropped (the queue closes).
    pub(crate) fn start(context: Arc<Context>, config: &Config) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_DEPTH);
        let receiver = Arc::new(Mutex::new(receiver));
        let writers = match context.db.backend() {
            Backend::Sqlite => 1,
            _ => config.group_commit_writers.max(1),
        };
        let max_batch = config.group_commit_max_batch.max(1) as usize;
        // On the shared runtime, like every other task: receivers run where they run without
        // group commit (multi-threaded; `block_in_place` and `tokio::spawn` behave the same).
        // A writer on a thread of its own measured no faster (BENCHMARKS.md).
        for _ in 0..writers {
            tokio::spawn(writer(
                Arc::clone(&context),
                Arc::clone(&receiver),
                max_batch,
            ));
        }
        Self {
            queue,
            wait_limit: config.db_timeout(),
        }
    }

    /// Queues a webhook and waits until its batch has committed, or its savepoint has been
    /// rolled back.
    pub(super) async fn submit(
        &self,
        incoming: &Arc<Incoming>,
        verified: &Arc<Verified>,
    ) -> Batched {
        let (done, mut answer) = oneshot::channel();
        let claim = Arc::new(AtomicU8::new(WAITING));
        let job = Job {
            incoming: Arc::clone(incoming),
            verified: Arc::clone(verified),
            span: tracing::Span::current(),
            claim: Arc::clone(&claim),
            done,
        };
        if self.queue.send(job).await.is_err() {
            return Batched::Alone;
        }
        match tokio::time::timeout(self.wait_limit, &mut answer).await {
            Ok(answered) => answered.unwrap_or(Batched::Alone),
            // No writer took the webhook within the database timeout: give up as a pool
            // timeout would (503, nothing written) — unless a writer took it meanwhile; then
            // its batch decides, bounded by the processing timeout.
            Err(_) => match claim.compare_exchange(WAITING, ABANDONED, SeqCst, SeqCst) {
                Ok(_) => Batched::Done(Err(Fault::Database(sqlx::Error::PoolTimedOut))),
                Err(_) => answer.await.unwrap_or(Batched::Alone),
            },
        }
    }
}

/// One writer: takes a batch from the queue, runs it, and again, until the queue closes.
async fn writer(ctx: Arc<Context>, queue: Arc<Mutex<mpsc::Receiver<Job>>>, max_batch: usize) {
    loop {
        let batch = {
            let mut receiver = queue.lock().await;
            let Some(first) = receiver.recv().await else {
                return;
            };
            let mut batch = Vec::with_capacity(max_batch.min(64));
            batch.extend(take(first));
            while batch.len() < max_batch {
                match receiver.try_recv() {
                    Ok(job) => batch.extend(take(job)),
                    Err(_) => break,
                }
            }
            if batch.is_empty() {
                continue;
            }
            batch
        };
        let size = batch.len();
        let run = run_batch(&ctx, batch).boxed();
        // A panic outside a receiver (receivers' panics are caught where they run) must not
        // stop the writer: the batch's jobs are dropped, so their callers run alone.
        if let Err(panic) = AssertUnwindSafe(run).catch_unwind().await {
            tracing::error!(
                batch = size,
                panic = %panic_message(&*panic),
                "group commit batch panicked; its webhooks run again alone"
            );
        }
    }
}

/// The job, unless its caller stopped waiting for it (it was answered 503 and must not run).
fn take(job: Job) -> Option<Job> {
    job.claim
        .compare_exchange(WAITING, TAKEN, SeqCst, SeqCst)
        .is_ok()
        .then_some(job)
}

/// The savepoint every webhook of a batch runs under (one name, reused: see [`run_batch`]).
const SAVEPOINT: &str = "SAVEPOINT stripe_receiver_webhook";
/// Keeps the previous webhook's work and opens the next webhook's savepoint, in one round trip.
const NEXT_SAVEPOINT: &str =
    "RELEASE SAVEPOINT stripe_receiver_webhook; SAVEPOINT stripe_receiver_webhook";
/// Undoes the current webhook's work; the savepoint stays, ready for the next webhook.
const ROLLBACK_SAVEPOINT: &str = "ROLLBACK TO SAVEPOINT stripe_receiver_webhook";

/// Where the batch's savepoint stands before the next webhook.
#[derive(Clone, Copy)]
enum Savepoint {
    /// None opened yet.
    None,
    /// Open, with nothing done under it (just opened, or just rolled back to).
    Clean,
    /// Open, holding a webhook that succeeded: release it and open a fresh one.
    Holding,
}

/// Runs one batch in one transaction, a savepoint per webhook, and answers every webhook.
///
/// The savepoint statements cost one round trip per webhook: a webhook that succeeded is kept
/// by releasing its savepoint in the same statement that opens the next one; a webhook that
/// failed is undone by `ROLLBACK TO SAVEPOINT`, which leaves the savepoint open for the next;
/// the last one is released by the COMMIT.
async fn run_batch(ctx: &Context, batch: Vec<Job>) {
    let size = batch.len();
    let started = std::time::Instant::now();
    let mut txn = match ctx.db.begin().await {
        Ok(txn) => txn,
        Err(e) => return fail_all(batch, &e),
    };
    let mut committed_later: Vec<(Job, Applied)> = Vec::with_capacity(size);
    let mut jobs = batch.into_iter();
    let mut savepoint = Savepoint::None;
    let mut broken = false;
    for job in jobs.by_ref() {
        let open = match savepoint {
            Savepoint::None => Some(SAVEPOINT),
            Savepoint::Holding => Some(NEXT_SAVEPOINT),
            Savepoint::Clean => None,
        };
        if let Some(sql) = open {
            if let Err(e) = txn.conn().execute_script(sql).await {
                tracing::error!(error = %e, "group commit: SAVEPOINT failed; the batch runs again alone");
                alone(job);
                broken = true;
                break;
            }
        }
        savepoint = Savepoint::Clean;
        let mut effects = ctx.effects(&job.incoming, &job.verified.event.id);
        let result = {
            let mut tx = Tx::new(txn.conn(), &mut effects);
            apply_hooked(ctx, &mut tx, &job.incoming, &job.verified)
                .instrument(job.span.clone())
                .await
        };
        match result {
            Ok(mut applied) => {
                applied.effects = Some(effects);
                committed_later.push((job, applied));
                savepoint = Savepoint::Holding;
            }
            Err(failure) => {
                let rolled_back = txn.conn().execute_script(ROLLBACK_SAVEPOINT).await;
                let _ = job.done.send(Batched::Done(Err(failure)));
                if let Err(e) = rolled_back {
                    // The transaction is unusable (SQLite may have rolled it back entirely).
                    tracing::error!(error = %e, "group commit: ROLLBACK TO SAVEPOINT failed; the batch runs again alone");
                    broken = true;
                    break;
                }
            }
        }
    }
    if !broken && !committed_later.is_empty() {
        // The batch's delivery rows, in one statement.
        let records: Vec<Delivery> = committed_later
            .iter_mut()
            .filter_map(|(_, applied)| applied.record.take())
            .collect();
        if let Err(e) = deliveries::insert_many(&mut txn.conn(), &records).await {
            tracing::error!(error = %e, "group commit: the delivery rows failed; the batch runs again alone");
            broken = true;
        }
    }
    if broken {
        if let Err(e) = txn.rollback().await {
            tracing::debug!(error = %e, "group commit: rollback of a broken batch failed");
        }
        jobs.for_each(alone);
        committed_later.into_iter().for_each(|(job, _)| alone(job));
        return;
    }
    let worked = started.elapsed();
    match txn.commit().await {
        Ok(()) => {
            // bench/profile.sh reads these fields.
            tracing::debug!(
                batch = size,
                committed = committed_later.len(),
                work_us = worked.as_micros(),
                commit_us = (started.elapsed() - worked).as_micros(),
                "group commit"
            );
            #[cfg(feature = "metrics")]
            if let (Some(metrics), false) = (&ctx.metrics, committed_later.is_empty()) {
                metrics.group_commit(committed_later.len());
            }
            for (job, applied) in committed_later {
                let delivery = job.incoming.delivery_id;
                if let Err(Batched::Done(Ok(applied))) = job.done.send(Batched::Done(Ok(applied))) {
                    // The request is gone (the client disconnected) but its work committed:
                    // its after-commit actions still run, as they would have.
                    if let Some(effects) = applied.effects {
                        ctx.after_commit.start(delivery, effects);
                    }
                }
            }
        }
        Err(e) => {
            tracing::error!(error = %e, batch = size, "group commit: COMMIT failed; the batch's webhooks run again alone");
            committed_later.into_iter().for_each(|(job, _)| alone(job));
        }
    }
}

fn alone(job: Job) {
    let _ = job.done.send(Batched::Alone);
}

/// No connection or no transaction for the batch: every webhook of it fails as its own
/// transaction would have (a pool timeout stays a pool timeout: 503, "database unavailable").
fn fail_all(batch: Vec<Job>, e: &sqlx::Error) {
    tracing::error!(error = %e, batch = batch.len(), "group commit: no transaction for the batch");
    for job in batch {
        let _ = job
            .done
            .send(Batched::Done(Err(Fault::Database(same_error(e)))));
    }
}

/// An equivalent of `e` for each webhook of a batch (`sqlx::Error` is not `Clone`): the kinds the
/// failure path tells apart are kept; anything else keeps its message.
fn same_error(e: &sqlx::Error) -> sqlx::Error {
    match e {
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        sqlx::Error::Io(io) => sqlx::Error::Io(std::io::Error::new(io.kind(), io.to_string())),
        other => sqlx::Error::Protocol(other.to_string()),
    }
}
