//! The HTTP surface (PRODUCT.md §6): `POST /webhooks/{uuid}`, `GET /healthz`, and `GET /metrics`
//! when metrics are on.

mod headers;
mod healthz;
mod metrics;
mod remote_ip;
mod webhook;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::runtime::Runtime;

impl Runtime {
    /// The router: `POST /webhooks/{uuid}` (a trailing slash is accepted too; other methods get
    /// 405) and `GET /healthz`. Nest it into your own axum app, outside any auth or CSRF layer
    /// of yours (Stripe authenticates with the signature, not with your session):
    ///
    /// ```ignore
    /// let app = Router::new().nest("/stripe", runtime.router()).merge(your_routes);
    /// axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    /// ```
    ///
    /// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so deliveries record
    /// the client's IP; without it `remote_ip` is stored as null.
    ///
    /// With `STRIPE_RECEIVER_METRICS` on, the router also serves `GET /metrics` (Prometheus
    /// text). It is then reachable wherever the webhooks are, which is usually the internet:
    /// mount [`Runtime::metrics_router`] on an internal listener instead and leave metrics off
    /// here if that matters to you.
    pub fn router(&self) -> Router {
        let router = Router::new()
            .route("/webhooks/{uuid}", post(webhook::receive))
            .route("/webhooks/{uuid}/", post(webhook::receive))
            .route("/healthz", get(healthz::healthz));
        let router = if self.metrics().is_some() {
            router.route("/metrics", get(metrics::metrics))
        } else {
            router
        };
        router
            .layer(DefaultBodyLimit::max(self.config().max_body))
            .with_state(self.clone())
    }

    /// A router serving only `GET /metrics` (Prometheus text format; 404 while metrics are
    /// off), to mount on a listener of your own that only your monitoring reaches.
    pub fn metrics_router(&self) -> Router {
        Router::new()
            .route("/metrics", get(metrics::metrics))
            .with_state(self.clone())
    }
}
