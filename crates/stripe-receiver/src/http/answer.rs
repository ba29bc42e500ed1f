//! The answer to a delivery: what processing came to, as an HTTP status and a JSON body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use uuid::Uuid;

use crate::delivery::Outcome;
use crate::process::{Failure, FailureKind, Processed};

/// The result of processing one delivery, as answered.
pub(super) struct Answer(pub Result<Processed, Failure>);

/// The status a failure is answered with: 400 for a request that is not a genuine event (Stripe
/// gives up on it), 500 for a fault of ours, 503 for the database's and for Stripe's API failing
/// while `retrieve_event` fetched the event (Stripe retries all three).
fn status(kind: FailureKind) -> StatusCode {
    match kind {
        FailureKind::Invalid => StatusCode::BAD_REQUEST,
        FailureKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        FailureKind::Database | FailureKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        #[cfg(feature = "stripe-api")]
        FailureKind::StripeUnavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The status `failure` is answered with, as a number (what `webhook_processing_error` hooks
/// are told).
pub(crate) fn status_of(failure: &Failure) -> u16 {
    status(failure.kind).as_u16()
}

/// The JSON body: what became of the delivery, never an error message (those stay in the
/// delivery log).
#[derive(Serialize)]
struct Body<'a> {
    /// The delivery row's id; absent when the database could not record it.
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<Uuid>,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "type")]
    event_type: Option<&'a str>,
    /// Receivers that ran and committed, in run order.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    receivers: &'a [&'static str],
    /// The receiver that failed (its path).
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_receiver: Option<&'static str>,
    /// The lifecycle hook function that failed (its path).
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_hook: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match &self.0 {
            Ok(processed) => {
                let body = Body {
                    delivery: Some(processed.delivery),
                    outcome: processed.outcome,
                    event: Some(&processed.event),
                    event_type: Some(&processed.event_type),
                    receivers: &processed.receivers,
                    failed_receiver: None,
                    failed_hook: None,
                    error: None,
                };
                (StatusCode::OK, Json(body)).into_response()
            }
            Err(failure) => {
                let error = match failure.kind {
                    FailureKind::Invalid => "invalid webhook",
                    FailureKind::Unavailable => "database_unavailable",
                    FailureKind::Internal | FailureKind::Database => failure.class,
                    #[cfg(feature = "stripe-api")]
                    FailureKind::StripeUnavailable => failure.class,
                };
                let body = Body {
                    delivery: failure.delivery,
                    outcome: failure.outcome,
                    event: failure.event.as_deref(),
                    event_type: failure.event_type.as_deref(),
                    receivers: &[],
                    failed_receiver: failure.failed_receiver,
                    failed_hook: failure.failed_hook,
                    error: Some(error),
                };
                (status(failure.kind), Json(body)).into_response()
            }
        }
    }
}
