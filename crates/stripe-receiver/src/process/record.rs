//! Recording a delivery from what processing came to, and the typed result of it.

use crate::delivery::Outcome;
use crate::event::Event;
use crate::hooks::ProcessingError;
use crate::store::deliveries;

use super::apply::Applied;
use super::context::Context;
use super::hooks::fire_processing_error;
use super::incoming::{with_error, Incoming};
use super::result::{Failure, FailureKind, Processed};

/// Why a delivery is not processed, as it is about to be recorded.
pub(super) struct Unprocessed<'a> {
    /// [`FailureKind::Unavailable`]: nothing can be recorded.
    pub kind: FailureKind,
    /// Whether the delivery passed validation (as far as validation got).
    pub valid: bool,
    /// The failure class, stored in the row's `error`.
    pub class: &'static str,
    /// The full error, stored in the row's `error_detail`.
    pub detail: String,
    /// The event, when the body had verified as one.
    pub event: Option<&'a Event>,
    pub failed_receiver: Option<&'static str>,
    pub failed_hook: Option<&'static str>,
}

/// Records the delivery from what processing came to, and returns the typed result.
///
/// - Committed (`Ok`): the delivery row was written inside the webhook's transaction and
///   committed with it; the after-commit actions start.
/// - Not processed (`Err`): the delivery row (`invalid`, or `failed` with the class and detail)
///   is written in a transaction of its own; if the database refuses it, the failure becomes
///   [`FailureKind::Unavailable`] (the sender must retry so that it gets recorded). Then, unless
///   the request was invalid, `webhook_processing_error` fires.
pub(super) async fn record(
    ctx: &Context,
    incoming: &Incoming,
    result: Result<(Applied, &Event), Unprocessed<'_>>,
) -> Result<Processed, Failure> {
    let span = tracing::Span::current();
    let unprocessed = match result {
        Ok((applied, event)) => {
            span.record("outcome", applied.outcome.as_str());
            if let Some(effects) = applied.effects {
                ctx.after_commit.start(incoming.delivery_id, effects);
            }
            return Ok(Processed {
                delivery: incoming.delivery_id,
                outcome: applied.outcome,
                event: event.id.clone(),
                event_type: event.type_.clone(),
                receivers: applied.receivers,
            });
        }
        Err(unprocessed) => unprocessed,
    };
    let Unprocessed {
        mut kind,
        valid,
        class,
        detail,
        event,
        failed_receiver,
        failed_hook,
    } = unprocessed;
    let outcome = match kind {
        FailureKind::Invalid => Outcome::Invalid,
        _ => Outcome::Failed,
    };
    let mut delivery = None;
    if kind == FailureKind::Unavailable {
        span.record("outcome", "unavailable");
    } else {
        let event_type = event.map(|e| e.type_.clone());
        let row = incoming.delivery(valid, outcome, None, event_type);
        let row = with_error(row, class, detail.clone());
        match deliveries::insert_alone(&ctx.db, &row).await {
            Ok(()) => delivery = Some(row.id),
            Err(e) => {
                tracing::error!(error = %e, delivery = %row.id, "could not record the delivery");
                kind = FailureKind::Unavailable;
            }
        }
        span.record("outcome", outcome.as_str());
    }
    let failure = Failure {
        kind,
        delivery,
        outcome,
        class,
        event: event.map(|e| e.id.clone()),
        event_type: event.map(|e| e.type_.clone()),
        failed_receiver,
        failed_hook,
    };
    if outcome != Outcome::Invalid {
        let error = ProcessingError {
            class,
            path: failed_receiver.or(failed_hook),
            message: detail,
            status: (ctx.status_of)(&failure),
            event_id: failure.event.clone(),
            event_type: failure.event_type.clone(),
        };
        fire_processing_error(ctx, incoming, event, error).await;
    }
    Err(failure)
}
