//! Calling the lifecycle hooks from the pipeline: the functions of one hook in run order, each
//! under a span, each caught if it panics, all within a deadline; and the
//! `webhook_processing_error` hook once a failed delivery is recorded.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tracing::Instrument;

use crate::boxed::BoxError;
use crate::delivery::Outcome;
use crate::error_chain::{error_chain, panic_message};
use crate::event::Event;
use crate::hooks::{Hook, HookKind, HookParts, ProcessingError, Validation, WebhookDelivery};
use crate::tx::Tx;

use super::context::Context;
use super::incoming::Incoming;

/// How one hook function failed.
pub(super) enum HookFailure {
    /// It returned an error.
    Error(BoxError),
    /// It panicked, with this message.
    Panic(String),
    /// It was still running at the deadline (the processing timeout, in seconds).
    Timeout(u64),
}

/// A hook function that failed, and how.
pub(super) struct HookFault {
    pub kind: HookKind,
    pub path: &'static str,
    pub failure: HookFailure,
}

impl HookFault {
    /// The failure class stored on the delivery: `hook_error`, `hook_panic`, `hook_timeout`.
    pub(super) fn class(&self) -> &'static str {
        match self.failure {
            HookFailure::Error(_) => "hook_error",
            HookFailure::Panic(_) => "hook_panic",
            HookFailure::Timeout(_) => "hook_timeout",
        }
    }

    /// `webhook_post_process hook app::audit: <message>`.
    pub(super) fn detail(&self) -> String {
        let what = match &self.failure {
            HookFailure::Error(error) => error_chain(&**error),
            HookFailure::Panic(message) => format!("panicked: {message}"),
            HookFailure::Timeout(secs) => {
                format!("was still running when the {secs} s processing timeout expired")
            }
        };
        format!("{} hook {}: {what}", self.kind, self.path)
    }

    /// The error returned by the hook, if it returned one (to find a retryable SQLSTATE in it).
    pub(super) fn error(&self) -> Option<&BoxError> {
        match &self.failure {
            HookFailure::Error(error) => Some(error),
            _ => None,
        }
    }
}

/// What the hook being run is told beyond the endpoint, the delivery and the API key.
#[derive(Default)]
pub(super) struct HookInput<'a> {
    pub validation: Option<Validation>,
    pub event: Option<&'a Event>,
    pub outcome: Option<Outcome>,
    pub error: Option<&'a ProcessingError>,
}

/// Runs every function registered for `kind`, in run order, until `deadline`.
///
/// `tx` is the webhook's transaction for the hooks that run inside it (pre_process,
/// post_process); the others get the database handle instead. The first failure stops the rest
/// and is returned, except for `webhook_processing_error`, whose failures are logged (and
/// counted) and never returned: every one of its functions runs.
pub(super) async fn run_hooks(
    ctx: &Context,
    kind: HookKind,
    incoming: &Incoming,
    input: HookInput<'_>,
    mut tx: Option<&mut Tx<'_>>,
    deadline: tokio::time::Instant,
) -> Result<(), HookFault> {
    let hooks = ctx.hooks.hooks_for(kind);
    if hooks.is_empty() {
        return Ok(());
    }
    let delivery = WebhookDelivery {
        id: incoming.delivery_id,
        received_at: incoming.received_at,
        remote_ip: incoming.remote_ip.as_deref(),
        headers: &incoming.headers,
        body: &incoming.body,
    };
    let api_key = ctx.settings.api_key(incoming.endpoint.livemode);
    for hook in hooks {
        let mut hook_tx = tx.as_mut().map(|tx| tx.reborrow());
        let parts = HookParts {
            endpoint: &incoming.endpoint,
            delivery: &delivery,
            api_key,
            state: &ctx.state,
            validation: input.validation,
            event: input.event,
            outcome: input.outcome,
            error: input.error,
            db: hook_tx.is_none().then_some(&ctx.db),
            tx: hook_tx.as_mut(),
        };
        let Err(failure) =
            run_one(hook, parts, deadline, ctx.settings.processing_timeout_secs).await
        else {
            continue;
        };
        let fault = HookFault {
            kind,
            path: hook.path(),
            failure,
        };
        #[cfg(feature = "metrics")]
        if let Some(metrics) = &ctx.metrics {
            metrics.hook_failure(kind, hook.path(), fault.class());
        }
        if kind == HookKind::ProcessingError {
            tracing::error!(
                hook = %kind,
                path = hook.path(),
                error = %fault.detail(),
                "webhook_processing_error hook failed; the delivery record and the answer stay as they are"
            );
            continue;
        }
        tracing::error!(hook = %kind, path = hook.path(), error = %fault.detail(), "hook failed; the webhook is aborted");
        return Err(fault);
    }
    Ok(())
}

/// Calls one hook function under its own span ("hook": hook, path, duration in µs).
async fn run_one(
    hook: &'static Hook,
    parts: HookParts<'_>,
    deadline: tokio::time::Instant,
    limit_secs: u64,
) -> Result<(), HookFailure> {
    let span = tracing::info_span!(
        "hook",
        hook = hook.kind().as_str(),
        path = hook.path(),
        duration_us = tracing::field::Empty,
    );
    let started = Instant::now();
    let call = AssertUnwindSafe(hook.call(parts))
        .catch_unwind()
        .instrument(span.clone());
    let result = tokio::time::timeout_at(deadline, call).await;
    span.record("duration_us", started.elapsed().as_micros());
    match result {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(error))) => Err(HookFailure::Error(error)),
        Ok(Err(panic)) => Err(HookFailure::Panic(panic_message(&*panic))),
        Err(_) => Err(HookFailure::Timeout(limit_secs)),
    }
}

/// The deadline of a hook phase outside the transaction, and of one attempt's transaction
/// (pre_process hooks, receivers and post_process hooks together): the processing timeout from
/// now.
pub(super) fn hook_deadline(ctx: &Context) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(ctx.settings.processing_timeout_secs)
}

/// Runs every `webhook_processing_error` function, after the rollback and after the failed
/// delivery row is written. Their failures and panics are logged inside [`run_hooks`] and change
/// neither the record nor the answer.
pub(super) async fn fire_processing_error(
    ctx: &Context,
    incoming: &Incoming,
    event: Option<&Event>,
    error: ProcessingError,
) {
    let input = HookInput {
        event,
        error: Some(&error),
        ..HookInput::default()
    };
    let deadline = hook_deadline(ctx);
    // Never an `Err` for this hook: every function runs and failures are only logged.
    let _ = run_hooks(
        ctx,
        HookKind::ProcessingError,
        incoming,
        input,
        None,
        deadline,
    )
    .await;
}
