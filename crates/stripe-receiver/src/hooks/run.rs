//! Calling the functions of one hook: in run order, each under a span, each caught if it
//! panics, all within a deadline.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;
use tracing::Instrument;

use crate::delivery::Outcome;
use crate::error_chain::error_chain;
use crate::process::{panic_message, Incoming};
use crate::receiver::BoxError;
use crate::runtime::Inner;
use crate::{Event, Tx};

use super::args::HookParts;
use super::delivery::WebhookDelivery;
use super::hook::Hook;
use super::kind::HookKind;
use super::values::{ProcessingError, Validation};

/// How one hook function failed.
pub(crate) enum HookFailure {
    /// It returned an error.
    Error(BoxError),
    /// It panicked, with this message.
    Panic(String),
    /// It was still running at the deadline (the processing timeout, in seconds).
    Timeout(u64),
}

/// A hook function that failed, and how.
pub(crate) struct HookFault {
    pub kind: HookKind,
    pub path: &'static str,
    pub failure: HookFailure,
}

impl HookFault {
    /// The failure class stored on the delivery: `hook_error`, `hook_panic`, `hook_timeout`.
    pub(crate) fn class(&self) -> &'static str {
        match self.failure {
            HookFailure::Error(_) => "hook_error",
            HookFailure::Panic(_) => "hook_panic",
            HookFailure::Timeout(_) => "hook_timeout",
        }
    }

    /// `webhook_post_process hook app::audit: <message>`.
    pub(crate) fn detail(&self) -> String {
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
    pub(crate) fn error(&self) -> Option<&BoxError> {
        match &self.failure {
            HookFailure::Error(error) => Some(error),
            _ => None,
        }
    }
}

/// What the hook being run is told beyond the endpoint, the delivery and the API key.
#[derive(Default)]
pub(crate) struct HookInput<'a> {
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
pub(crate) async fn run_hooks(
    rt: &Inner,
    kind: HookKind,
    incoming: &Incoming,
    input: HookInput<'_>,
    mut tx: Option<&mut Tx<'_>>,
    deadline: tokio::time::Instant,
) -> Result<(), HookFault> {
    let hooks = rt.hooks.hooks_for(kind);
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
    let api_key = rt.config.api_key(incoming.endpoint.livemode);
    for hook in hooks {
        let mut hook_tx = tx.as_mut().map(|tx| tx.reborrow());
        let parts = HookParts {
            endpoint: &incoming.endpoint,
            delivery: &delivery,
            api_key,
            state: &rt.state,
            validation: input.validation,
            event: input.event,
            outcome: input.outcome,
            error: input.error,
            db: hook_tx.is_none().then_some(&rt.db),
            tx: hook_tx.as_mut(),
        };
        let Err(failure) = run_one(hook, parts, deadline, rt.config.processing_timeout_secs).await
        else {
            continue;
        };
        let fault = HookFault {
            kind,
            path: hook.path(),
            failure,
        };
        if let Some(metrics) = &rt.metrics {
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
