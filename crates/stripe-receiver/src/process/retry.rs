//! The webhook's transaction, and running it again after a transient conflict.

use super::*;

/// SQLSTATEs after which the whole transaction is run again: serialization failure and
/// deadlock (PostgreSQL's documented "retry the transaction" errors,
/// <https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html>).
pub(super) const SERIALIZATION_FAILURES: [&str; 2] = ["40001", "40P01"];
/// A unique violation raised by a receiver's own query (e.g. a naive select-then-insert racing
/// a concurrent webhook) is retried too: the retry sees the other transaction's committed row.
pub(super) const UNIQUE_VIOLATION: &str = "23505";
/// How many times one webhook's transaction is tried before giving up.
pub(crate) const MAX_ATTEMPTS: u32 = 4;

/// Runs the webhook's transaction, again (with a short randomized backoff) after a transient
/// conflict, at most [`MAX_ATTEMPTS`] times. Every attempt starts from scratch: the previous one
/// rolled back entirely.
pub(super) async fn run_with_retries(
    rt: &Inner,
    incoming: &Arc<Incoming>,
    verified: &Arc<Verified>,
) -> Result<Applied, Failure> {
    let mut attempt = 1;
    loop {
        let result = run_once(rt, incoming, verified).await;
        match result {
            Err(failure) if attempt < MAX_ATTEMPTS && failure.is_retryable() => {
                let backoff = std::time::Duration::from_millis(
                    5 * (1 << attempt) + rand::random::<u64>() % 10,
                );
                tracing::warn!(
                    attempt,
                    sqlstate = failure.sqlstate().unwrap_or("?"),
                    "transient conflict; the whole transaction runs again in {backoff:?}"
                );
                tokio::time::sleep(backoff).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// One attempt: in the next group commit when it is on ([`group`]), else (or when the batch
/// could not commit) in a transaction of its own.
async fn run_once(
    rt: &Inner,
    incoming: &Arc<Incoming>,
    verified: &Arc<Verified>,
) -> Result<Applied, Failure> {
    if let Some(group) = &rt.group_commit {
        if let Batched::Done(result) = group.submit(incoming, verified).await {
            return result;
        }
    }
    in_transaction(rt, incoming, verified).await
}

/// One attempt: begin, [`apply`], commit — or roll back on failure.
pub(super) async fn in_transaction(
    rt: &Inner,
    incoming: &Incoming,
    verified: &Verified,
) -> Result<Applied, Failure> {
    let mut txn = rt.db.begin().await?;
    let mut effects = Effects::new(rt.jobs_handle(), &verified.event.id);
    let applied = {
        let mut tx = Tx::new(txn.conn(), &mut effects);
        match apply_hooked(rt, &mut tx, incoming, verified).await {
            Ok(mut applied) => write_record(&mut tx, &mut applied).await.map(|()| applied),
            Err(failure) => Err(failure),
        }
    };
    match applied {
        Ok(mut applied) => {
            txn.commit().await?;
            applied.effects = Some(effects);
            Ok(applied)
        }
        Err(failure) => {
            if let Err(e) = txn.rollback().await {
                tracing::error!(error = %e, "rollback failed; the connection is discarded");
            }
            Err(failure)
        }
    }
}
