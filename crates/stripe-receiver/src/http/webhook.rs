//! `POST /webhooks/{uuid}`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use tracing::Instrument;
use uuid::Uuid;

use crate::process::Incoming;
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
    Path(uuid): Path<String>,
    request: Request,
) -> Response {
    let Ok(uuid) = Uuid::parse_str(&uuid) else {
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
        let signature = headers
            .get(SIGNATURE_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = match Bytes::from_request(request, &()).await {
            Ok(body) => body,
            Err(rejection) => {
                tracing::warn!(status = %rejection.status(), "body refused: {rejection}");
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    let limit = service.max_body;
                    let error = format!("the body is larger than the limit of {limit} bytes");
                    return (
                        rejection.status(),
                        Json(serde_json::json!({ "error": error })),
                    )
                        .into_response();
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
        let response = Answer(result).into_response();
        tracing::info!(status = response.status().as_u16(), "delivery answered");
        response
    }
    .instrument(span)
    .await
}
