//! `POST /webhooks/{uuid}`.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use tracing::Instrument;
use uuid::Uuid;

use crate::process::{self, Incoming};
use crate::runtime::Runtime;
use crate::signature::SIGNATURE_HEADER;

/// Receives one delivery: 404 for an unknown or disabled endpoint (empty body, nothing stored),
/// 413 for a body over the limit (nothing stored), else the processing contract
/// ([`crate::process`]).
pub(super) async fn receive(
    State(rt): State<Runtime>,
    Path(uuid): Path<String>,
    request: Request,
) -> Response {
    let Ok(uuid) = Uuid::parse_str(&uuid) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let endpoint = match rt.endpoints().get(uuid).await {
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
        let remote_ip =
            super::remote_ip::remote_ip(headers, peer, rt.config().trusted_proxy_header.as_deref());
        let header_json = super::headers::to_json(headers);
        let signature = headers
            .get(SIGNATURE_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let body = match Bytes::from_request(request, &()).await {
            Ok(body) => body,
            Err(rejection) => {
                tracing::warn!(status = %rejection.status(), "body refused: {rejection}");
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    let limit = rt.config().max_body;
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
        let started = std::time::Instant::now();
        let reply = process::process(&rt.inner, incoming).await;
        if let Some(metrics) = rt.metrics() {
            metrics.delivery(
                reply.outcome,
                reply.event_type.as_deref(),
                started.elapsed(),
            );
        }
        tracing::info!(status = reply.status, "delivery answered");
        let status =
            StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(reply)).into_response()
    }
    .instrument(span)
    .await
}
