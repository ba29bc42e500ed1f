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
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::{info_span, Instrument};
use uuid::Uuid;

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
use crate::tx::TxConn;
use crate::{Event, EventError, Tx};

/// A request that reached a known, enabled endpoint, with its body read.
pub(crate) struct Incoming {
    pub delivery_id: Uuid,
    pub endpoint: Endpoint,
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

/// The result of validation.
enum Verdict {
    Valid(Event),
    /// The request is not a genuine event: 400.
    Invalid {
        class: &'static str,
        detail: String,
    },
    /// The endpoint cannot validate anything (no usable secret, unsupported mode): a server
    /// fault, 500, so Stripe keeps retrying until it is fixed.
    Misconfigured {
        class: &'static str,
        detail: String,
    },
}

fn validate(endpoint: &Endpoint, signature: Option<&str>, body: &[u8], now: i64) -> Verdict {
    match endpoint.validation {
        ValidationMode::VerifySignature => {
            let secrets = endpoint.active_secrets(now);
            if secrets.is_empty() {
                return Verdict::Misconfigured {
                    class: "no_usable_secret",
                    detail: "the endpoint has no active signing secret".into(),
                };
            }
            if let Err(e) =
                signature::verify(body, signature, &secrets, endpoint.tolerance_secs, now)
            {
                return invalid_signature(e);
            }
        }
        ValidationMode::None => {
            tracing::warn!(endpoint = %endpoint.uuid, "validation mode `none`: the delivery is accepted without checking its signature");
        }
        ValidationMode::RetrieveEvent => {
            return Verdict::Misconfigured {
                class: "validation_mode_unsupported",
                detail: "validation mode retrieve_event needs the Stripe API client, which this build does not include".into(),
            };
        }
    }
    match Event::from_slice(body) {
        Ok(event) => Verdict::Valid(event),
        Err(e @ EventError::NotJson(_)) => Verdict::Invalid {
            class: "body_not_json",
            detail: e.to_string(),
        },
        Err(e) => Verdict::Invalid {
            class: "not_an_event",
            detail: e.to_string(),
        },
    }
}

impl Verdict {
    /// What `webhook_post_validate` is told.
    fn validation(&self) -> Validation {
        match self {
            Self::Valid(_) => Validation {
                valid: true,
                failure: None,
            },
            Self::Invalid { class, .. } | Self::Misconfigured { class, .. } => Validation {
                valid: false,
                failure: Some(class),
            },
        }
    }
}

fn invalid_signature(e: SignatureError) -> Verdict {
    Verdict::Invalid {
        class: e.class(),
        detail: e.to_string(),
    }
}

/// Processes one delivery end to end and says what to answer. Never panics on input.
pub(crate) async fn process(rt_arc: &std::sync::Arc<Inner>, incoming: Incoming) -> Reply {
    let rt: &Inner = rt_arc;
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
    let event = match verdict {
        Verdict::Valid(event) => event,
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
    let span = tracing::Span::current();
    span.record("event_id", event.id.as_str());
    span.record("event_type", event.type_.as_str());

    let result = run_with_retries(rt, &incoming, &event).await;

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
                event: Some(event.id),
                event_type: Some(event.type_),
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
                    fire_processing_error(rt, &incoming, Some(&event), error).await;
                    return Reply {
                        status: 503,
                        delivery: None,
                        outcome: Outcome::Failed,
                        event: Some(event.id),
                        event_type: Some(event.type_),
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
            fire_processing_error(rt, &incoming, Some(&event), error).await;
            reply.event = Some(event.id);
            reply.event_type = Some(event.type_);
            reply.failed_receiver = failed_receiver;
            reply.failed_hook = failed_hook;
            reply
        }
    }
}

/// SQLSTATEs after which the whole transaction is run again: serialization failure and
/// deadlock (PostgreSQL's documented "retry the transaction" errors,
/// <https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html>).
const SERIALIZATION_FAILURES: [&str; 2] = ["40001", "40P01"];
/// A unique violation raised by a receiver's own query (e.g. a naive select-then-insert racing
/// a concurrent webhook) is retried too: the retry sees the other transaction's committed row.
const UNIQUE_VIOLATION: &str = "23505";
/// How many times one webhook's transaction is tried before giving up.
pub(crate) const MAX_ATTEMPTS: u32 = 4;

/// Runs the webhook's transaction, again (with a short randomized backoff) after a transient
/// conflict, at most [`MAX_ATTEMPTS`] times. Every attempt starts from scratch: the previous one
/// rolled back entirely.
async fn run_with_retries(
    rt: &Inner,
    incoming: &Incoming,
    event: &Event,
) -> Result<Applied, Failure> {
    let mut attempt = 1;
    loop {
        let result = match &rt.db {
            Db::Sqlite(db) => in_transaction(db.writer(), rt, incoming, event).await,
            Db::Postgres(db) => in_transaction(db.pool(), rt, incoming, event).await,
        };
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

/// One attempt: begin, [`apply`], commit — or roll back on failure.
async fn in_transaction<DB>(
    pool: &sqlx::Pool<DB>,
    rt: &Inner,
    incoming: &Incoming,
    event: &Event,
) -> Result<Applied, Failure>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Into<TxConn<'c>>,
{
    let mut txn = pool.begin().await?;
    let mut effects = Effects::new(rt.jobs_handle(), &event.id);
    let applied = {
        let mut tx = Tx::new((&mut *txn).into(), &mut effects);
        apply_hooked(rt, &mut tx, incoming, event).await
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

/// Why processing a valid event failed.
pub(crate) enum Failure {
    Receiver {
        path: &'static str,
        error: crate::BoxError,
    },
    Panic {
        path: &'static str,
        message: String,
    },
    /// The webhook's receivers ran past `STRIPE_RECEIVER_PROCESSING_TIMEOUT`; `path` was running.
    Timeout {
        path: &'static str,
        limit_secs: u64,
    },
    Database(sqlx::Error),
    /// A `webhook_pre_process` or `webhook_post_process` hook function failed.
    Hook(HookFault),
}

impl Failure {
    /// The SQLSTATE behind the failure: of a database error of ours, or of a `sqlx::Error`
    /// anywhere in a receiver error's source chain.
    fn sqlstate(&self) -> Option<&str> {
        match self {
            Self::Database(e) => sqlstate_of(e),
            Self::Receiver { .. } | Self::Hook(_) => {
                let error = match self {
                    Self::Receiver { error, .. } => error,
                    Self::Hook(fault) => fault.error()?,
                    _ => return None,
                };
                let mut current: Option<&(dyn std::error::Error + 'static)> = Some(&**error);
                while let Some(e) = current {
                    if let Some(code) = e.downcast_ref::<sqlx::Error>().and_then(sqlstate_of) {
                        return Some(code);
                    }
                    current = e.source();
                }
                None
            }
            Self::Panic { .. } | Self::Timeout { .. } => None,
        }
    }

    fn is_retryable(&self) -> bool {
        match self.sqlstate() {
            Some(code) if SERIALIZATION_FAILURES.contains(&code) => true,
            Some(UNIQUE_VIOLATION) => matches!(self, Self::Receiver { .. } | Self::Hook(_)),
            _ => false,
        }
    }
}

fn sqlstate_of(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| match c {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(_) => "",
        }),
        _ => None,
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e)
    }
}

/// The part of processing that runs inside the transaction.
pub(crate) struct Applied {
    pub outcome: Outcome,
    pub receivers: Vec<&'static str>,
    /// What the committed transaction left to do (filled in after the commit).
    pub effects: Option<Effects>,
}

/// Stores the event and runs its receivers inside `tx`, then writes the delivery row there too.
/// The caller commits on `Ok` and rolls back on `Err`.
pub(crate) async fn apply(
    rt: &Inner,
    tx: &mut Tx<'_>,
    incoming: &Incoming,
    event: &Event,
    deadline: tokio::time::Instant,
) -> Result<Applied, Failure> {
    let data_json = serde_json::to_string(&event.data).expect("a parsed JSON value serializes");
    let body_hash = hex::encode(Sha256::digest(&incoming.body));
    let mismatch = event.livemode != incoming.endpoint.livemode;
    let inserted = events::insert_if_absent(
        tx,
        event,
        &data_json,
        &body_hash,
        incoming.received_at,
        mismatch,
    )
    .await?;
    if !inserted {
        let stored = events::identity(tx, &event.id).await?;
        let same = stored.as_ref().is_some_and(|stored| {
            stored.body_hash == body_hash
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
            return record_repeat(tx, incoming, event, same).await;
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
        deliveries::insert(tx, &with_error(record, "livemode_mismatch", detail)).await?;
        return Ok(Applied {
            outcome: Outcome::Skipped,
            receivers: Vec::new(),
            effects: None,
        });
    }
    let mut ran = Vec::new();
    for receiver in rt.registry.receivers_for(&event.type_) {
        tokio::time::timeout_at(deadline, run_receiver(rt, receiver, tx, event))
            .await
            .map_err(|_| {
                if let Some(metrics) = &rt.metrics {
                    let elapsed = Duration::from_secs(rt.config.processing_timeout_secs);
                    metrics.receiver(receiver.path(), elapsed, Some("receiver_timeout"));
                }
                Failure::Timeout {
                    path: receiver.path(),
                    limit_secs: rt.config.processing_timeout_secs,
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
    deliveries::insert(tx, &record).await?;
    Ok(Applied {
        outcome: Outcome::Processed,
        receivers: ran,
        effects: None,
    })
}

/// The transaction of one attempt, with its hooks: `webhook_pre_process`, then [`apply`] (event
/// row, receivers, delivery row), then `webhook_post_process` with the outcome — all inside
/// `tx` and within one processing timeout. A failing hook fails the attempt (rollback).
async fn apply_hooked(
    rt: &Inner,
    tx: &mut Tx<'_>,
    incoming: &Incoming,
    event: &Event,
) -> Result<Applied, Failure> {
    let deadline = hook_deadline(rt);
    let pre_process = HookInput {
        event: Some(event),
        ..HookInput::default()
    };
    run_hooks(
        rt,
        HookKind::PreProcess,
        incoming,
        pre_process,
        Some(&mut *tx),
        deadline,
    )
    .await
    .map_err(Failure::Hook)?;
    let applied = apply(rt, tx, incoming, event, deadline).await?;
    let post_process = HookInput {
        event: Some(event),
        outcome: Some(applied.outcome),
        ..HookInput::default()
    };
    run_hooks(
        rt,
        HookKind::PostProcess,
        incoming,
        post_process,
        Some(tx),
        deadline,
    )
    .await
    .map_err(Failure::Hook)?;
    Ok(applied)
}

/// The deadline of a hook phase outside the transaction, and of one attempt's transaction
/// (pre_process hooks, receivers and post_process hooks together): the processing timeout from
/// now.
fn hook_deadline(rt: &Inner) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(rt.config.processing_timeout_secs)
}

/// A `webhook_pre_validate` or `webhook_post_validate` hook failed: the delivery is recorded
/// `failed` with the hook's class (`valid` as far as validation got), `webhook_processing_error`
/// fires, and the answer is 500 so that Stripe retries.
async fn hook_aborted(
    rt: &Inner,
    incoming: &Incoming,
    fault: HookFault,
    valid: bool,
    event: Option<&Event>,
) -> Reply {
    let class = fault.class();
    let detail = match event {
        Some(event) => format!("event {}: {}", event.id, fault.detail()),
        None => fault.detail(),
    };
    let event_type = event.map(|e| e.type_.clone());
    let record = incoming.delivery(valid, Outcome::Failed, None, event_type.clone());
    let record = with_error(record, class, detail.clone());
    let mut reply = record_alone(&rt.db, &record, 500, Some(class)).await;
    let error = ProcessingError {
        class,
        path: Some(fault.path),
        message: detail,
        status: reply.status,
        event_id: event.map(|e| e.id.clone()),
        event_type: event_type.clone(),
    };
    fire_processing_error(rt, incoming, event, error).await;
    reply.event = event.map(|e| e.id.clone());
    reply.event_type = event_type;
    reply.failed_hook = Some(fault.path);
    reply
}

/// Runs every `webhook_processing_error` function, after the rollback and after the failed
/// delivery row is written. Their failures and panics are logged inside [`run_hooks`] and change
/// neither the record nor the answer.
async fn fire_processing_error(
    rt: &Inner,
    incoming: &Incoming,
    event: Option<&Event>,
    error: ProcessingError,
) {
    let input = HookInput {
        event,
        error: Some(&error),
        ..HookInput::default()
    };
    let deadline = hook_deadline(rt);
    // Never an `Err` for this hook: every function runs and failures are only logged.
    let _ = run_hooks(
        rt,
        HookKind::ProcessingError,
        incoming,
        input,
        None,
        deadline,
    )
    .await;
}

/// Records a delivery of an already stored event: `duplicate` when the content is the same,
/// `conflict` (and a warning) when it differs. No receiver runs.
async fn record_repeat(
    tx: &mut Tx<'_>,
    incoming: &Incoming,
    event: &Event,
    same: bool,
) -> Result<Applied, Failure> {
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
    deliveries::insert(tx, &record).await?;
    Ok(Applied {
        outcome,
        receivers: Vec::new(),
        effects: None,
    })
}

async fn run_receiver(
    rt: &Inner,
    receiver: &'static Receiver,
    tx: &mut Tx<'_>,
    event: &Event,
) -> Result<(), Failure> {
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
        state: &rt.state,
    };
    let result = AssertUnwindSafe(receiver.call(parts))
        .catch_unwind()
        .instrument(span.clone())
        .await;
    let elapsed = started.elapsed();
    span.record("duration_us", elapsed.as_micros());
    let _enter = span.enter();
    tracing::debug!(elapsed_us = elapsed.as_micros(), "receiver done");
    if let Some(metrics) = &rt.metrics {
        let failure = match &result {
            Ok(Ok(())) => None,
            Ok(Err(_)) => Some("receiver_error"),
            Err(_) => Some("receiver_panic"),
        };
        metrics.receiver(receiver.path(), elapsed, failure);
    }
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(Failure::Receiver {
            path: receiver.path(),
            error,
        }),
        Err(panic) => Err(Failure::Panic {
            path: receiver.path(),
            message: panic_message(&*panic),
        }),
    }
}

/// Whether a database error means "no connection could be had" (pool exhausted past the
/// timeout, server unreachable) rather than a failed statement.
fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

fn same_json(stored: &str, data: &crate::event::EventData) -> bool {
    serde_json::from_str::<serde_json::Value>(stored)
        .ok()
        .zip(serde_json::to_value(data).ok())
        .is_some_and(|(a, b)| a == b)
}

fn with_error(mut d: Delivery, class: &str, detail: String) -> Delivery {
    d.error = Some(class.to_owned());
    d.error_detail = Some(detail);
    d
}

/// Records a delivery in its own transaction and builds the reply. If the database refuses the
/// record, the answer becomes 503 (the request must be retried so it gets recorded).
async fn record_alone(
    db: &Db,
    record: &Delivery,
    status: u16,
    error: Option<&'static str>,
) -> Reply {
    let mut status = status;
    let mut error = error;
    let mut delivery = Some(record.id);
    if let Err(e) = deliveries::insert_alone(db, record).await {
        tracing::error!(error = %e, delivery = %record.id, "could not record the delivery");
        status = 503;
        error = Some("database_unavailable");
        delivery = None;
    }
    tracing::Span::current().record("outcome", record.outcome.as_str());
    Reply {
        status,
        delivery,
        outcome: record.outcome,
        event: record.event_id.clone(),
        event_type: record.event_type.clone(),
        receivers: Vec::new(),
        failed_receiver: None,
        failed_hook: None,
        error: if status == 400 {
            Some("invalid webhook")
        } else {
            error
        },
    }
}

impl Incoming {
    fn delivery(
        &self,
        valid: bool,
        outcome: Outcome,
        event_id: Option<String>,
        event_type: Option<String>,
    ) -> Delivery {
        Delivery {
            id: self.delivery_id,
            endpoint_uuid: self.endpoint.uuid,
            received_at: self.received_at,
            remote_ip: self.remote_ip.clone(),
            headers: self.headers.clone(),
            body: self.body.to_vec(),
            valid,
            outcome,
            event_id,
            event_type,
            error: None,
            error_detail: None,
            after_commit_error: None,
        }
    }
}
