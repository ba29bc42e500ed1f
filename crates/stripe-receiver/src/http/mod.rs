//! The HTTP surface (PRODUCT.md §6): `POST /webhooks/{uuid}` and `GET /healthz`.

mod headers;
mod healthz;
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
    pub fn router(&self) -> Router {
        Router::new()
            .route("/webhooks/{uuid}", post(webhook::receive))
            .route("/webhooks/{uuid}/", post(webhook::receive))
            .route("/healthz", get(healthz::healthz))
            .layer(DefaultBodyLimit::max(self.config().max_body))
            .with_state(self.clone())
    }
}
