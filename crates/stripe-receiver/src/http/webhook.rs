//! `POST /webhooks/{uuid}`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use tracing::Instrument;
use uuid::Uuid;

use crate::process::{Failure, Incoming, Processed};
use crate::signature::SIGNATURE_HEADER;

use super::answer::Answer;
use super::headers;
use super::remote_ip::remote_ip;
use super::Service;

/// Receives one delivery: 404 for an unknown or disabled endpoint (empty body, nothing stored),
/// 413 for a body over the limit (nothing stored), else the processing contract
/// ([`crate::process`]), answered by [`Answer`].
pub(super) async fn receive(
    State(service): State<Arc<Service>>,
    uuid: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    // A segment that is not UTF-8 (`%FF`) is no endpoint's UUID either: 404 like any other.
    let Some(uuid) = uuid.ok().and_then(|Path(uuid)| Uuid::parse_str(&uuid).ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let endpoint = match service.endpoints.get(uuid).await {
        Ok(Some(e)) if e.enabled => e,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "endpoint lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let received_at = Utc::now();
    let delivery_id = Uuid::now_v7();
    let span = tracing::info_span!(
        "webhook",
        endpoint = %uuid,
        delivery = %delivery_id,
        event_id = tracing::field::Empty,
        event_type = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    async move {
        let headers = request.headers();
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let remote_ip = remote_ip(headers, peer, service.trusted_proxy_header.as_deref());
        let header_json = headers::to_json(headers);
        let signature = signature_value(headers);
        // A Content-Length over the limit is refused from the head alone, without waiting for
        // (or reading) a body that will be refused anyway.
        let announced = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > service.max_body as u64) {
            return too_large(service.max_body);
        }
        let read = tokio::time::timeout(service.body_timeout, Bytes::from_request(request, &()));
        let Ok(body) = read.await else {
            // §4.3: a body that never arrived whole is not a delivery (it cannot be verified,
            // and Stripe sends the event again): no row, 408.
            let seconds = service.body_timeout.as_secs();
            tracing::warn!(seconds, "body not received in time: 408, nothing stored");
            let error = format!("the body did not arrive within {seconds} s");
            return (
                StatusCode::REQUEST_TIMEOUT,
                Json(serde_json::json!({ "error": error })),
            )
                .into_response();
        };
        let body = match body {
            Ok(body) => body,
            Err(rejection) => {
                tracing::warn!(status = %rejection.status(), "body refused: {rejection}");
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    return too_large(service.max_body);
                }
                return rejection.into_response();
            }
        };
        let incoming = Incoming {
            delivery_id,
            endpoint,
            received_at,
            remote_ip,
            headers: header_json,
            signature,
            body,
        };
        // Processing runs in a task of its own, not in this request's future: a client that
        // gives up (Stripe's timeout, a proxy dropping the connection) drops this future, and
        // the delivery must still finish and leave its row (§4.3). A graceful shutdown waits
        // for these tasks.
        let processing = service
            .processing
            .spawn(process(Arc::clone(&service), incoming).instrument(tracing::Span::current()));
        let mut abandoned = Abandoned(Some(delivery_id));
        let result = processing.await;
        abandoned.0 = None;
        let response = match result {
            Ok(result) => Answer(result).into_response(),
            // The pipeline catches receivers' and hooks' panics; one here is a bug of ours.
            Err(e) => {
                tracing::error!(error = %e, "processing task failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        };
        tracing::info!(status = response.status().as_u16(), "delivery answered");
        response
    }
    .instrument(span)
    .await
}

/// 413 for a body over `limit` bytes (§4.2: nothing stored).
fn too_large(limit: usize) -> Response {
    let error = format!("the body is larger than the limit of {limit} bytes");
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(serde_json::json!({ "error": error })),
    )
        .into_response()
}

/// Processes one delivery and counts it in the metrics.
async fn process(service: Arc<Service>, incoming: Incoming) -> Result<Processed, Failure> {
    #[cfg(feature = "metrics")]
    let started = std::time::Instant::now();
    let result = service.pipeline.process(incoming).await;
    #[cfg(feature = "metrics")]
    if let Some(metrics) = &service.pipeline.context().metrics {
        let (outcome, event_type) = match &result {
            Ok(processed) => (processed.outcome, Some(processed.event_type.as_str())),
            Err(failure) => (failure.outcome, failure.event_type.as_deref()),
        };
        metrics.delivery(outcome, event_type, started.elapsed());
    }
    result
}

/// Logs, when the request's future is dropped before its answer was ready, that the client
/// went away; the delivery's processing goes on in its task.
struct Abandoned(Option<Uuid>);

impl Drop for Abandoned {
    fn drop(&mut self) {
        if let Some(delivery) = self.0 {
            tracing::warn!(
                %delivery,
                "the client closed the connection before the answer; the delivery is processed and recorded all the same"
            );
        }
    }
}

/// The `Stripe-Signature` value of `headers`: `None` when absent. Several field lines are
/// combined into one list, joined with `", "`, as RFC 9110 §5.3 says a recipient may do: a
/// header split over lines by a proxy (`t` on one, `v1` on another) still verifies, while two
/// complete signatures (each with its own `t`) make a header with `t` twice, which is refused
/// as malformed ([`crate::signature::SignatureHeader::parse`]). Bytes that are not UTF-8 are
/// replaced with U+FFFD, which no valid header contains.
fn signature_value(headers: &HeaderMap) -> Option<String> {
    let mut lines = headers.get_all(SIGNATURE_HEADER).iter();
    let first = lines.next()?;
    let mut value = String::from_utf8_lossy(first.as_bytes()).into_owned();
    for line in lines {
        value.push_str(", ");
        value.push_str(&String::from_utf8_lossy(line.as_bytes()));
    }
    Some(value)
}
