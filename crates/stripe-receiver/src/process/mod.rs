//! The processing contract of one webhook delivery (PRODUCT.md §4, steps 3–10).
//!
//! 1. Validate the exact raw bytes (signature per the endpoint's mode) — pure, no I/O.
//!    Invalid: one delivery row (`valid = false`, `invalid`), answer 400.
//! 2. Parse the verified body into an [`Event`]. Only now is the body treated as JSON.
//! 3. In ONE transaction ([`apply`]): insert the event (unique on its id); if the id was already
//!    committed, record a `duplicate` (same content) or `conflict` (different content) delivery
//!    and stop; if the event's `livemode` differs from the endpoint's, record `skipped` and stop;
//!    otherwise run every matching receiver in run order, then record the delivery `processed`.
//!    Commit, then answer 200. A processed webhook costs exactly one commit.
//! 4. A receiver error or panic: roll back (event row and every receiver write vanish), then
//!    record a `failed` delivery in its own short transaction, answer 500 so Stripe retries. The
//!    retry is not a duplicate (nothing was committed) and runs in full.
//! 5. A database failure: roll back, record the failure if the database still answers, 503.
//!
//! The delivery row of a processed webhook is written inside the webhook's transaction, so a
//! crash before the commit loses the record of that attempt together with its effects; Stripe
//! got no 2xx and will retry, and the retry is recorded.
//!
//! [`apply`] works on a transaction it is handed (a [`Tx`]), so a writer may run several
//! webhooks inside one transaction, each under its own savepoint, and commit them together.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::{info_span, Instrument};
use uuid::Uuid;

use crate::config::Config;
use crate::db::Db;
use crate::delivery::{Delivery, Outcome};
use crate::effects::Effects;
use crate::endpoint::{Endpoint, ValidationMode};
pub(crate) use crate::error_chain::error_chain;
use crate::hooks::run::{run_hooks, HookFault, HookInput};
use crate::hooks::{HookKind, ProcessingError, Validation};
use crate::receiver::{Parts, Receiver};
use crate::runtime::Inner;
use crate::signature::{self, SignatureError};
use crate::store::{deliveries, events};
use crate::{Event, EventError, Tx};

mod apply;
mod failure;
mod group;
mod hook_calls;
mod record;
mod retry;
mod validate;

use apply::*;
pub(crate) use failure::panic_message;
use failure::*;
use group::Batched;
pub(crate) use group::GroupCommitter;
use hook_calls::*;
use record::*;
use retry::*;
use validate::*;

/// A request that reached a known, enabled endpoint, with its body read.
pub(crate) struct Incoming {
    pub delivery_id: Uuid,
    pub endpoint: std::sync::Arc<Endpoint>,
    pub received_at: DateTime<Utc>,
    pub remote_ip: Option<String>,
    pub headers: serde_json::Value,
    pub signature: Option<String>,
    pub body: Bytes,
}

/// What the HTTP layer answers; also the JSON body of the response.
#[derive(Debug, Serialize)]
pub(crate) struct Reply {
    #[serde(skip)]
    pub status: u16,
    /// The delivery row's id; absent when the database could not record it (503).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Uuid>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "type")]
    pub event_type: Option<String>,
    /// Receivers that ran and committed, in run order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub receivers: Vec<&'static str>,
    /// The receiver that failed (never its message: that stays in the delivery log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_receiver: Option<&'static str>,
    /// The lifecycle hook function that failed (path only, as for receivers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_hook: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
}

/// Processes one delivery end to end and says what to answer. Never panics on input.
pub(crate) async fn process(rt_arc: &Arc<Inner>, incoming: Incoming) -> Reply {
    let rt: &Inner = rt_arc;
    let incoming = Arc::new(incoming);
    let pre_validate = run_hooks(
        rt,
        HookKind::PreValidate,
        &incoming,
        HookInput::default(),
        None,
        hook_deadline(rt),
    );
    if let Err(fault) = pre_validate.await {
        return hook_aborted(rt, &incoming, fault, false, None).await;
    }
    let now = rt.clock.now_unix();
    let verdict = validate(
        &incoming.endpoint,
        incoming.signature.as_deref(),
        &incoming.body,
        now,
    );
    let validation = verdict.validation();
    if let (Some(metrics), Some(class)) = (&rt.metrics, validation.failure) {
        metrics.validation_failure(class);
    }
    let post_validate = HookInput {
        validation: Some(validation),
        ..HookInput::default()
    };
    let post_validate = run_hooks(
        rt,
        HookKind::PostValidate,
        &incoming,
        post_validate,
        None,
        hook_deadline(rt),
    );
    if let Err(fault) = post_validate.await {
        let event = match &verdict {
            Verdict::Valid(event) => Some(event),
            _ => None,
        };
        return hook_aborted(rt, &incoming, fault, validation.valid, event).await;
    }
    let verified = match verdict {
        Verdict::Valid(event) => Arc::new(Verified::new(event, &incoming.body)),
        Verdict::Invalid { class, detail } => {
            tracing::warn!(class, "delivery failed validation");
            let record = incoming.delivery(false, Outcome::Invalid, None, None);
            let record = with_error(record, class, detail);
            return record_alone(&rt.db, &record, 400, None).await;
        }
        Verdict::Misconfigured { class, detail } => {
            tracing::error!(class, %detail, endpoint = %incoming.endpoint.uuid, "endpoint cannot validate deliveries");
            let record = incoming.delivery(false, Outcome::Failed, None, None);
            let record = with_error(record, class, detail.clone());
            let reply = record_alone(&rt.db, &record, 500, Some(class)).await;
            let error = ProcessingError {
                class,
                path: None,
                message: detail,
                status: reply.status,
                event_id: None,
                event_type: None,
            };
            fire_processing_error(rt, &incoming, None, error).await;
            return reply;
        }
    };
    let event = &verified.event;
    let span = tracing::Span::current();
    span.record("event_id", event.id.as_str());
    span.record("event_type", event.type_.as_str());

    let result = run_with_retries(rt, &incoming, &verified).await;

    match result {
        Ok(applied) => {
            span.record("outcome", applied.outcome.as_str());
            if let Some(effects) = applied.effects {
                crate::after_commit::start(rt_arc, incoming.delivery_id, effects);
            }
            Reply {
                status: 200,
                delivery: Some(incoming.delivery_id),
                outcome: applied.outcome,
                event: Some(event.id.clone()),
                event_type: Some(event.type_.clone()),
                receivers: applied.receivers,
                failed_receiver: None,
                failed_hook: None,
                error: None,
            }
        }
        Err(failure) => {
            let transient = failure
                .sqlstate()
                .is_some_and(|c| SERIALIZATION_FAILURES.contains(&c));
            let failed_hook = match &failure {
                Failure::Hook(fault) => Some(fault.path),
                _ => None,
            };
            let (status, class, detail, failed_receiver) = match failure {
                Failure::Hook(fault) => {
                    // Logged where it failed (hooks::run).
                    let (status, class) = if transient {
                        (503, "serialization_failure")
                    } else {
                        (500, fault.class())
                    };
                    let detail = format!("event {}: {}", event.id, fault.detail());
                    (status, class, detail, None)
                }
                Failure::Receiver { path, error } => {
                    let message = error_chain(&*error);
                    tracing::error!(receiver = path, error = %message, "receiver failed; the webhook is rolled back");
                    let (status, class) = if transient {
                        (503, "serialization_failure")
                    } else {
                        (500, "receiver_error")
                    };
                    let detail = format!("event {}: {path}: {message}", event.id);
                    (status, class, detail, Some(path))
                }
                Failure::Panic { path, message } => {
                    tracing::error!(receiver = path, panic = %message, "receiver panicked; the webhook is rolled back");
                    (
                        500,
                        "receiver_panic",
                        format!("event {}: {path} panicked: {message}", event.id),
                        Some(path),
                    )
                }
                Failure::Timeout { path, limit_secs } => {
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
                    (500, "receiver_timeout", detail, Some(path))
                }
                Failure::Database(e) if is_unavailable(&e) => {
                    // No connection to be had: recording the failure would wait as long again
                    // and fail the same way. Stripe retries; the retry is recorded.
                    tracing::error!(error = %e, "database unavailable; nothing was written");
                    tracing::Span::current().record("outcome", "unavailable");
                    let error = ProcessingError {
                        class: "database_unavailable",
                        path: None,
                        message: format!("event {}: {e}", event.id),
                        status: 503,
                        event_id: Some(event.id.clone()),
                        event_type: Some(event.type_.clone()),
                    };
                    fire_processing_error(rt, &incoming, Some(event), error).await;
                    return Reply {
                        status: 503,
                        delivery: None,
                        outcome: Outcome::Failed,
                        event: Some(event.id.clone()),
                        event_type: Some(event.type_.clone()),
                        receivers: Vec::new(),
                        failed_receiver: None,
                        failed_hook: None,
                        error: Some("database_unavailable"),
                    };
                }
                Failure::Database(e) => {
                    tracing::error!(error = %e, "database error while processing; the webhook is rolled back");
                    let class = if transient {
                        "serialization_failure"
                    } else {
                        "database_error"
                    };
                    (503, class, format!("event {}: {e}", event.id), None)
                }
            };
            let record = incoming.delivery(true, Outcome::Failed, None, Some(event.type_.clone()));
            let record = with_error(record, class, detail.clone());
            let mut reply = record_alone(&rt.db, &record, status, Some(class)).await;
            let error = ProcessingError {
                class,
                path: failed_receiver.or(failed_hook),
                message: detail,
                status: reply.status,
                event_id: Some(event.id.clone()),
                event_type: Some(event.type_.clone()),
            };
            fire_processing_error(rt, &incoming, Some(event), error).await;
            reply.event = Some(event.id.clone());
            reply.event_type = Some(event.type_.clone());
            reply.failed_receiver = failed_receiver;
            reply.failed_hook = failed_hook;
            reply
        }
    }
}
