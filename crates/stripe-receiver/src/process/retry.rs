//! The webhook's transaction, and running it again after a transient conflict.

use std::sync::Arc;
use std::time::Duration;

use crate::tx::Tx;

use super::apply::{apply_hooked, write_record, Applied, Verified};
use super::context::Context;
use super::fault::Fault;
use super::group::{Batched, GroupCommitter};
use super::incoming::Incoming;

/// How many times one webhook's transaction is tried before giving up.
const MAX_ATTEMPTS: u32 = 4;

/// Runs the webhook's transaction, again (with a short randomized backoff) after a transient
/// conflict, at most [`MAX_ATTEMPTS`] times. Every attempt starts from scratch: the previous one
/// rolled back entirely.
pub(super) async fn run_with_retries(
    ctx: &Context,
    group_commit: Option<&GroupCommitter>,
    incoming: &Arc<Incoming>,
    verified: &Arc<Verified>,
) -> Result<Applied, Fault> {
    let mut attempt = 1;
    loop {
        let result = run_once(ctx, group_commit, incoming, verified).await;
        match result {
            Err(fault) if attempt < MAX_ATTEMPTS && fault.is_retryable() => {
                let backoff =
                    Duration::from_millis(5 * (1 << attempt) + rand::random::<u64>() % 10);
                tracing::warn!(
                    attempt,
                    sqlstate = fault.sqlstate().unwrap_or("?"),
                    "transient conflict; the whole transaction runs again in {backoff:?}"
                );
                tokio::time::sleep(backoff).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// One attempt: in the next group commit when it is on ([`super::group`]), else (or when the
/// batch could not commit) in a transaction of its own.
async fn run_once(
    ctx: &Context,
    group_commit: Option<&GroupCommitter>,
    incoming: &Arc<Incoming>,
    verified: &Arc<Verified>,
) -> Result<Applied, Fault> {
    if let Some(group) = group_commit {
        if let Batched::Done(result) = group.submit(incoming, verified).await {
            return result;
        }
    }
    in_transaction(ctx, incoming, verified).await
}

/// One attempt: begin, [`apply_hooked`], write the delivery row, commit — or roll back on
/// failure.
async fn in_transaction(
    ctx: &Context,
    incoming: &Incoming,
    verified: &Verified,
) -> Result<Applied, Fault> {
    let mut txn = ctx.db.begin().await?;
    let mut effects = ctx.effects(incoming, &verified.event.id);
    let applied = {
        let mut tx = Tx::new(txn.conn(), &mut effects);
        match apply_hooked(ctx, &mut tx, incoming, verified).await {
            Ok(mut applied) => write_record(&mut tx, &mut applied).await.map(|()| applied),
            Err(fault) => Err(fault),
        }
    };
    match applied {
        Ok(mut applied) => {
            txn.commit().await?;
            applied.effects = Some(effects);
            Ok(applied)
        }
        Err(fault) => {
            if let Err(e) = txn.rollback().await {
                tracing::error!(error = %e, "rollback failed; the connection is discarded");
            }
            Err(fault)
        }
    }
}
