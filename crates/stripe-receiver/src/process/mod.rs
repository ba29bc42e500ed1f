//! The processing contract of one webhook delivery, from the request's bytes to a typed result
//! ([`Processed`] or [`Failure`]); the HTTP layer turns that result into a status and a body.
//!
//! 1. Validate the exact raw bytes (signature per the endpoint's mode) — pure, no I/O.
//!    Invalid: one delivery row (`valid = false`, `invalid`), [`FailureKind::Invalid`].
//!    Mode `retrieve_event` instead fetches the event by the body's id from Stripe's API
//!    (`retrieve`), and Stripe's copy replaces the body from here on; Stripe failing on its
//!    side is [`FailureKind::StripeUnavailable`], with a `failed` delivery row.
//! 2. Parse the verified body into an [`Event`]. Only now is the body treated as JSON.
//! 3. In ONE transaction ([`apply`]): insert the event (unique on its id); if the id was already
//!    committed, record a `duplicate` (same content) or `conflict` (different content) delivery
//!    and stop; if the event's `livemode` differs from the endpoint's, record `skipped` and stop;
//!    otherwise run every matching receiver in run order, then record the delivery `processed`.
//!    Commit: [`Processed`]. A processed webhook costs exactly one commit.
//! 4. A receiver error or panic: roll back (event row and every receiver write vanish), then
//!    record a `failed` delivery in its own short transaction ([`FailureKind::Internal`], so the
//!    sender retries). The retry is not a duplicate (nothing was committed) and runs in full.
//! 5. A database failure: roll back, record the failure if the database still answers
//!    ([`FailureKind::Database`]), else record nothing ([`FailureKind::Unavailable`]).
//!
//! The delivery row of a processed webhook is written inside the webhook's transaction, so a
//! crash before the commit loses the record of that attempt together with its effects; Stripe
//! got no 2xx and will retry, and the retry is recorded. Every other row is written by
//! [`record`], the one place that turns what processing came to into the typed result.
//!
//! [`apply`] works on a transaction it is handed (a [`Tx`](crate::Tx)), so a writer may run
//! several webhooks inside one transaction, each under its own savepoint, and commit them
//! together ([`group`]).
//!
//! Dependencies point down: this module gets what it needs in a [`Context`] built by the
//! runtime, and knows nothing of the runtime or of HTTP.

use std::sync::Arc;

#[cfg(feature = "stripe-api")]
use crate::endpoint::ValidationMode;
use crate::error_chain::error_chain;
use crate::event::Event;
use crate::hooks::HookKind;

mod api_version;
mod apply;
mod context;
mod fault;
mod group;
mod hooks;
mod incoming;
mod record;
mod result;
#[cfg(feature = "stripe-api")]
mod retrieve;
mod retry;
mod validate;

use apply::Verified;
use fault::{is_unavailable, Fault};
use hooks::{hook_deadline, run_hooks, HookFault, HookInput};
use incoming::body_sha256;
use record::{record, Unprocessed};
use retry::run_with_retries;
use validate::{validate, Verdict};

pub(crate) use context::{Context, Settings};
pub(crate) use group::GroupCommitter;
pub(crate) use incoming::Incoming;
pub(crate) use result::{Failure, FailureKind, Processed};

/// The processing of deliveries: the [`Context`], and the group-commit queue when group commit
/// is on.
pub(crate) struct Pipeline {
    context: Arc<Context>,
    group_commit: Option<GroupCommitter>,
}

impl Pipeline {
    /// A pipeline on `context`, committing through `group_commit` when given.
    pub(crate) fn new(context: Arc<Context>, group_commit: Option<GroupCommitter>) -> Self {
        Self {
            context,
            group_commit,
        }
    }

    /// What processing reads.
    pub(crate) fn context(&self) -> &Context {
        &self.context
    }

    /// Processes one delivery end to end: its delivery row is recorded (unless the database is
    /// unavailable) and the result says what became of it. Never panics on input.
    pub(crate) async fn process(&self, incoming: Incoming) -> Result<Processed, Failure> {
        let ctx = &*self.context;
        let incoming = Arc::new(incoming);
        let pre_validate = run_hooks(
            ctx,
            HookKind::PreValidate,
            &incoming,
            HookInput::default(),
            None,
            hook_deadline(ctx),
        );
        if let Err(fault) = pre_validate.await {
            return record(ctx, &incoming, Err(hook_aborted(fault, false, None))).await;
        }
        let verdict = match incoming.endpoint.validation {
            // The one mode that calls Stripe: boxed, so that the other modes' futures do not
            // carry the HTTP call's state.
            #[cfg(feature = "stripe-api")]
            ValidationMode::RetrieveEvent => {
                Box::pin(retrieve::retrieve_event(ctx, &incoming)).await
            }
            _ => validate(
                &incoming.endpoint,
                incoming.signature.as_deref(),
                &incoming.body,
                ctx.clock.now_unix(),
            ),
        };
        let validation = verdict.validation();
        #[cfg(feature = "metrics")]
        if let (Some(metrics), Some(class)) = (&ctx.metrics, validation.failure) {
            metrics.validation_failure(class);
        }
        let post_validate = HookInput {
            validation: Some(validation),
            ..HookInput::default()
        };
        let post_validate = run_hooks(
            ctx,
            HookKind::PostValidate,
            &incoming,
            post_validate,
            None,
            hook_deadline(ctx),
        );
        if let Err(fault) = post_validate.await {
            let aborted = hook_aborted(fault, validation.valid, verdict.event());
            return record(ctx, &incoming, Err(aborted)).await;
        }
        let verified = match verdict {
            Verdict::Valid(event) => Arc::new(Verified::new(event, &incoming.body)),
            // Stripe's copy is stored: its data, and the hash of Stripe's bytes.
            #[cfg(feature = "stripe-api")]
            Verdict::Fetched { event, body } => Arc::new(Verified::new(event, &body)),
            Verdict::Invalid { class, detail } => {
                // The body's length and hash, never the body (see `body_sha256`).
                tracing::warn!(
                    class,
                    body_bytes = incoming.body.len(),
                    body_sha256 = %body_sha256(&incoming.body),
                    "delivery failed validation"
                );
                let invalid = unprocessed(FailureKind::Invalid, false, class, detail, None);
                return record(ctx, &incoming, Err(invalid)).await;
            }
            Verdict::Misconfigured { class, detail } => {
                tracing::error!(class, %detail, endpoint = %incoming.endpoint.uuid, "endpoint cannot validate deliveries");
                let failed = unprocessed(FailureKind::Internal, false, class, detail, None);
                return record(ctx, &incoming, Err(failed)).await;
            }
            #[cfg(feature = "stripe-api")]
            Verdict::StripeUnavailable { class, detail } => {
                tracing::warn!(class, %detail, "Stripe's API is unavailable: the event cannot be fetched; the sender will retry");
                let failed =
                    unprocessed(FailureKind::StripeUnavailable, false, class, detail, None);
                return record(ctx, &incoming, Err(failed)).await;
            }
        };
        let event = &verified.event;
        api_version::warn_on_version_mismatch(&incoming.endpoint, event);
        let span = tracing::Span::current();
        span.record("event_id", event.id.as_str());
        span.record("event_type", event.type_.as_str());

        let group_commit = self.group_commit.as_ref();
        let result = match run_with_retries(ctx, group_commit, &incoming, &verified).await {
            Ok(applied) => Ok((applied, event)),
            Err(fault) => Err(rolled_back(fault, event)),
        };
        record(ctx, &incoming, result).await
    }
}

/// A failure with no receiver or hook at fault.
fn unprocessed<'a>(
    kind: FailureKind,
    valid: bool,
    class: &'static str,
    detail: String,
    event: Option<&'a Event>,
) -> Unprocessed<'a> {
    Unprocessed {
        kind,
        valid,
        class,
        detail,
        event,
        failed_receiver: None,
        failed_hook: None,
    }
}

/// A `webhook_pre_validate` or `webhook_post_validate` hook failed: the delivery is recorded
/// `failed` with the hook's class (`valid` as far as validation got).
fn hook_aborted(fault: HookFault, valid: bool, event: Option<&Event>) -> Unprocessed<'_> {
    let detail = match event {
        Some(event) => format!("event {}: {}", event.id, fault.detail()),
        None => fault.detail(),
    };
    Unprocessed {
        failed_hook: Some(fault.path),
        ..unprocessed(FailureKind::Internal, valid, fault.class(), detail, event)
    }
}

/// The event's transaction failed and was rolled back: what is recorded, and logged.
fn rolled_back(fault: Fault, event: &Event) -> Unprocessed<'_> {
    let transient = fault.is_serialization_failure();
    let lost_connection = fault.is_lost_connection();
    // A serialization failure that outlasted the retries, or a connection lost under a receiver,
    // is the database's, whoever met it.
    let kind_class = |class: &'static str| {
        if transient {
            (FailureKind::Database, "serialization_failure")
        } else if lost_connection {
            (FailureKind::Database, "database_error")
        } else {
            (FailureKind::Internal, class)
        }
    };
    match fault {
        Fault::Hook(fault) => {
            // Logged where it failed (hooks::run_hooks).
            let (kind, class) = kind_class(fault.class());
            let detail = format!("event {}: {}", event.id, fault.detail());
            Unprocessed {
                failed_hook: Some(fault.path),
                ..unprocessed(kind, true, class, detail, Some(event))
            }
        }
        Fault::Receiver { path, error } => {
            let message = error_chain(&*error);
            tracing::error!(receiver = path, error = %message, "receiver failed; the webhook is rolled back");
            let (kind, class) = kind_class("receiver_error");
            let detail = format!("event {}: {path}: {message}", event.id);
            Unprocessed {
                failed_receiver: Some(path),
                ..unprocessed(kind, true, class, detail, Some(event))
            }
        }
        Fault::Panic { path, message } => {
            tracing::error!(receiver = path, panic = %message, "receiver panicked; the webhook is rolled back");
            let detail = format!("event {}: {path} panicked: {message}", event.id);
            Unprocessed {
                failed_receiver: Some(path),
                ..unprocessed(
                    FailureKind::Internal,
                    true,
                    "receiver_panic",
                    detail,
                    Some(event),
                )
            }
        }
        Fault::Timeout { path, limit_secs } => {
            tracing::error!(
                receiver = path,
                limit_secs,
                "receivers ran past the processing timeout; the webhook is rolled back"
            );
            let detail = format!(
                "event {}: {path} was still running when the receivers' {limit_secs} s \
                 processing timeout expired",
                event.id
            );
            Unprocessed {
                failed_receiver: Some(path),
                ..unprocessed(
                    FailureKind::Internal,
                    true,
                    "receiver_timeout",
                    detail,
                    Some(event),
                )
            }
        }
        Fault::Database(e) if is_unavailable(&e) => {
            // No connection to be had: recording the failure would wait as long again and
            // fail the same way. Stripe retries; the retry is recorded.
            tracing::error!(error = %e, "database unavailable; nothing was written");
            let detail = format!("event {}: {e}", event.id);
            unprocessed(
                FailureKind::Unavailable,
                true,
                "database_unavailable",
                detail,
                Some(event),
            )
        }
        Fault::Database(e) => {
            tracing::error!(error = %e, "database error while processing; the webhook is rolled back");
            let class = if transient {
                "serialization_failure"
            } else {
                "database_error"
            };
            let detail = format!("event {}: {e}", event.id);
            unprocessed(FailureKind::Database, true, class, detail, Some(event))
        }
    }
}
