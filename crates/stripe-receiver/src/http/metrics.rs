//! `GET /metrics`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::runtime::Runtime;

/// The runtime's metrics in the Prometheus text format; 404 when metrics are off (the route is
/// then not even mounted, this is the fallback for a runtime built without them).
pub(super) async fn metrics(State(rt): State<Runtime>) -> Response {
    match rt.metrics() {
        Some(metrics) => (
            [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
            metrics.render(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
