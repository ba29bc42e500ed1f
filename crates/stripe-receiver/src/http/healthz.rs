//! `GET /healthz`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::Service;

/// 200 `ok` when the database answers a query, 503 otherwise.
pub(super) async fn healthz(State(service): State<Arc<Service>>) -> (StatusCode, &'static str) {
    match service.pipeline.context().db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
