//! What runs inside the webhook's transaction: the event row, the receivers, the delivery row.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;
use tracing::{info_span, Instrument};

use crate::delivery::{Delivery, Outcome};
use crate::effects::Effects;
use crate::error_chain::panic_message;
use crate::event::{Event, EventData};
use crate::hooks::HookKind;
use crate::receiver::{Parts, Receiver};
use crate::store::{deliveries, events};
use crate::tx::Tx;

use super::context::Context;
use super::fault::Fault;
use super::hooks::{hook_deadline, run_hooks, HookInput};
use super::incoming::{body_sha256, with_error, Incoming};

/// A verified event with what storing it needs, computed once per webhook before it waits for
/// the writer (not on the writer's critical path, and not again for a retried attempt).
pub(super) struct Verified {
    pub event: Event,
    /// `data` as stored in `stripe_events.data`.
    pub data_json: String,
    /// SHA-256 of the exact body, hex: tells a redelivery (duplicate) at a glance.
    pub body_hash: String,
}

impl Verified {
    pub(super) fn new(event: Event, body: &[u8]) -> Self {
        let data_json = serde_json::to_string(&event.data).expect("a parsed JSON value serializes");
        let body_hash = body_sha256(body);
        Self {
            event,
            data_json,
            body_hash,
        }
    }
}

/// The part of processing that runs inside the transaction.
pub(super) struct Applied {
    pub outcome: Outcome,
    pub receivers: Vec<&'static str>,
    /// What the committed transaction left to do (filled in after the commit).
    pub effects: Option<Effects>,
    /// The delivery row, written by the caller in the same transaction after the
    /// `webhook_post_process` hooks (one statement for a whole batch with group commit);
    /// `None` once written.
    pub record: Option<Delivery>,
}

/// Stores the event and runs its receivers inside `tx`, and says what the delivery row is. The
/// caller writes that row in the same transaction ([`write_record`]), then commits on `Ok` and
/// rolls back on `Err`.
async fn apply(
    ctx: &Context,
    tx: &mut Tx<'_>,
    incoming: &Incoming,
    event: &Verified,
    deadline: tokio::time::Instant,
) -> Result<Applied, Fault> {
    let Verified {
        event,
        data_json,
        body_hash,
    } = event;
    let mismatch = event.livemode != incoming.endpoint.livemode;
    let inserted = events::insert_if_absent(
        tx,
        event,
        data_json,
        body_hash,
        incoming.received_at,
        mismatch,
    )
    .await?;
    if !inserted {
        let stored = events::identity(tx, &event.id).await?;
        let same = stored.as_ref().is_some_and(|stored| {
            stored.body_hash == *body_hash
                || (stored.type_ == event.type_
                    && stored.created == event.created
                    && same_json(&stored.data, &event.data))
        });
        // An event stored as skipped (it reached an endpoint of the other mode first) is
        // processed by the first delivery to an endpoint of its own mode.
        let claimed = same
            && !mismatch
            && stored.as_ref().is_some_and(|s| s.skipped)
            && events::claim_skipped(tx, &event.id).await?;
        if !claimed {
            return record_repeat(incoming, event, same);
        }
    } else if mismatch {
        let mode = |live: bool| if live { "live" } else { "test" };
        tracing::warn!(event_id = %event.id, "event livemode differs from the endpoint's; stored, skipped");
        let record = incoming.delivery(
            true,
            Outcome::Skipped,
            Some(event.id.clone()),
            Some(event.type_.clone()),
        );
        let detail = format!(
            "{}-mode event on a {}-mode endpoint",
            mode(event.livemode),
            mode(incoming.endpoint.livemode)
        );
        return Ok(Applied {
            outcome: Outcome::Skipped,
            receivers: Vec::new(),
            effects: None,
            record: Some(with_error(record, "livemode_mismatch", detail)),
        });
    }
    let mut ran = Vec::new();
    for receiver in ctx.registry.receivers_for(&event.type_) {
        tokio::time::timeout_at(deadline, run_receiver(ctx, receiver, tx, event))
            .await
            .map_err(|_| {
                #[cfg(feature = "metrics")]
                if let Some(metrics) = &ctx.metrics {
                    let elapsed =
                        std::time::Duration::from_secs(ctx.settings.processing_timeout_secs);
                    metrics.receiver(receiver.path(), elapsed, Some("receiver_timeout"));
                }
                Fault::Timeout {
                    path: receiver.path(),
                    limit_secs: ctx.settings.processing_timeout_secs,
                }
            })??;
        ran.push(receiver.path());
    }
    let record = incoming.delivery(
        true,
        Outcome::Processed,
        Some(event.id.clone()),
        Some(event.type_.clone()),
    );
    Ok(Applied {
        outcome: Outcome::Processed,
        receivers: ran,
        effects: None,
        record: Some(record),
    })
}

/// The transaction of one attempt, with its hooks: `webhook_pre_process`, then [`apply`] (event
/// row, receivers, delivery row), then `webhook_post_process` with the outcome — all inside
/// `tx` and within one processing timeout. A failing hook fails the attempt (rollback).
pub(super) async fn apply_hooked(
    ctx: &Context,
    tx: &mut Tx<'_>,
    incoming: &Incoming,
    verified: &Verified,
) -> Result<Applied, Fault> {
    let event = &verified.event;
    let deadline = hook_deadline(ctx);
    let pre_process = HookInput {
        event: Some(event),
        ..HookInput::default()
    };
    run_hooks(
        ctx,
        HookKind::PreProcess,
        incoming,
        pre_process,
        Some(&mut *tx),
        deadline,
    )
    .await
    .map_err(Fault::Hook)?;
    let applied = apply(ctx, tx, incoming, verified, deadline).await?;
    let post_process = HookInput {
        event: Some(event),
        outcome: Some(applied.outcome),
        ..HookInput::default()
    };
    run_hooks(
        ctx,
        HookKind::PostProcess,
        incoming,
        post_process,
        Some(tx),
        deadline,
    )
    .await
    .map_err(Fault::Hook)?;
    Ok(applied)
}

/// Writes the delivery row [`apply`] left in `applied`, inside `tx`.
pub(super) async fn write_record(tx: &mut Tx<'_>, applied: &mut Applied) -> Result<(), Fault> {
    if let Some(record) = applied.record.take() {
        deliveries::insert(tx, &record).await?;
    }
    Ok(())
}

/// Records a delivery of an already stored event: `duplicate` when the content is the same,
/// `conflict` (and a warning) when it differs. No receiver runs.
fn record_repeat(incoming: &Incoming, event: &Event, same: bool) -> Result<Applied, Fault> {
    let outcome = if same {
        Outcome::Duplicate
    } else {
        Outcome::Conflict
    };
    let mut record = incoming.delivery(
        true,
        outcome,
        Some(event.id.clone()),
        Some(event.type_.clone()),
    );
    if outcome == Outcome::Conflict {
        tracing::warn!(event_id = %event.id, "event id already stored with different content; recorded as conflict, no receiver runs");
        record = with_error(
            record,
            "event_id_conflict",
            "an event with this id and different content was stored earlier".into(),
        );
    }
    Ok(Applied {
        outcome,
        receivers: Vec::new(),
        effects: None,
        record: Some(record),
    })
}

async fn run_receiver(
    ctx: &Context,
    receiver: &'static Receiver,
    tx: &mut Tx<'_>,
    event: &Event,
) -> Result<(), Fault> {
    let span = info_span!(
        "receiver",
        path = receiver.path(),
        duration_us = tracing::field::Empty
    );
    let started = Instant::now();
    tx.effects().current_receiver = receiver.path();
    let mut rtx = tx.reborrow();
    let parts = Parts {
        event,
        tx: Some(&mut rtx),
        state: &ctx.state,
    };
    let result = AssertUnwindSafe(receiver.call(parts))
        .catch_unwind()
        .instrument(span.clone())
        .await;
    let elapsed = started.elapsed();
    span.record("duration_us", elapsed.as_micros());
    span.in_scope(|| tracing::debug!(elapsed_us = elapsed.as_micros(), "receiver done"));
    #[cfg(feature = "metrics")]
    if let Some(metrics) = &ctx.metrics {
        let failure = match &result {
            Ok(Ok(())) => None,
            Ok(Err(_)) => Some("receiver_error"),
            Err(_) => Some("receiver_panic"),
        };
        metrics.receiver(receiver.path(), elapsed, failure);
    }
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(Fault::Receiver {
            path: receiver.path(),
            error,
        }),
        Err(panic) => Err(Fault::Panic {
            path: receiver.path(),
            message: panic_message(&*panic),
        }),
    }
}

fn same_json(stored: &str, data: &EventData) -> bool {
    serde_json::from_str::<serde_json::Value>(stored)
        .ok()
        .zip(serde_json::to_value(data).ok())
        .is_some_and(|(a, b)| a == b)
}
