//! `GET /healthz`.

use axum::extract::State;
use axum::http::StatusCode;

use crate::runtime::Runtime;

/// 200 `ok` when the database answers a query, 503 otherwise.
pub(super) async fn healthz(State(rt): State<Runtime>) -> (StatusCode, &'static str) {
    match rt.db().ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
