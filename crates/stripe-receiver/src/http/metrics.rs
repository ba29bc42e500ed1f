//! `GET /metrics`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::Service;

/// The metrics in the Prometheus text format; 404 when metrics are off (the route is then not
/// even mounted, this is the fallback for a runtime built without them).
pub(super) async fn metrics(State(service): State<Arc<Service>>) -> Response {
    match &service.pipeline.context().metrics {
        Some(metrics) => (
            [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
            metrics.render(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
