//! The HTTP surface: `POST /webhooks/{uuid}`, `GET /healthz`, and `GET /metrics` when metrics
//! are on. The only module that knows HTTP status codes: [`answer`] maps what processing came to
//! onto the answer.
//!
//! Dependencies point down: the handlers share a [`Service`] (the processing pipeline, the
//! endpoint cache and the HTTP settings) that the runtime builds; this module does not know the
//! runtime.

mod answer;
mod headers;
mod healthz;
#[cfg(feature = "metrics")]
mod metrics;
mod remote_ip;
mod server;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::endpoint_cache::CachedEndpoints;
use crate::process::Pipeline;

pub(crate) use answer::status_of;
pub(crate) use server::{serve, ConnectionLimits};

/// What the handlers share (one `Arc` per request).
pub(crate) struct Service {
    pipeline: Pipeline,
    /// The endpoints of `POST /webhooks/{uuid}`, kept in step with the database.
    endpoints: CachedEndpoints,
    /// `STRIPE_RECEIVER_MAX_BODY`, in bytes.
    max_body: usize,
    /// `STRIPE_RECEIVER_BODY_TIMEOUT`: longest wait for a whole body once the headers are in.
    body_timeout: Duration,
    /// `STRIPE_RECEIVER_TRUSTED_PROXY_HEADER`: where the client's IP is read from, if set.
    trusted_proxy_header: Option<String>,
    /// The deliveries being processed, each in a task of its own so that it finishes whether or
    /// not its client waits for the answer.
    processing: TaskTracker,
}

impl Service {
    /// The service of `pipeline`, looking endpoints up in `endpoints`, with `config`'s HTTP
    /// settings.
    pub(crate) fn new(pipeline: Pipeline, endpoints: CachedEndpoints, config: &Config) -> Self {
        Self {
            pipeline,
            endpoints,
            max_body: config.max_body,
            body_timeout: config.body_timeout(),
            trusted_proxy_header: config.trusted_proxy_header.clone(),
            processing: TaskTracker::new(),
        }
    }

    /// The endpoints, through the cache deliveries are looked up in.
    pub(crate) fn endpoints(&self) -> &CachedEndpoints {
        &self.endpoints
    }

    /// Waits until every delivery being processed has finished (its row written), including
    /// those whose client went away. Deliveries that arrive meanwhile are still processed.
    pub(crate) async fn finish_processing(&self) {
        let tasks = &self.processing;
        if !tasks.is_empty() {
            tracing::info!(
                running = tasks.len(),
                "waiting for deliveries being processed"
            );
        }
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }

    /// Stops the endpoint cache's listener (PostgreSQL); lookups then go to the database.
    pub(crate) async fn stop(&self) {
        self.endpoints.stop().await;
    }
}

/// `POST /webhooks/{uuid}` (and with a trailing slash), `GET /healthz`, and `GET /metrics` when
/// metrics are on; bodies over the limit are refused.
pub(crate) fn router(service: Arc<Service>) -> Router {
    let router = Router::new()
        .route("/webhooks/{uuid}", post(webhook::receive))
        .route("/webhooks/{uuid}/", post(webhook::receive))
        .route("/healthz", get(healthz::healthz));
    #[cfg(feature = "metrics")]
    let router = if service.pipeline.context().metrics.is_some() {
        router.route("/metrics", get(metrics::metrics))
    } else {
        router
    };
    router
        .layer(DefaultBodyLimit::max(service.max_body))
        .with_state(service)
}

/// Only `GET /metrics` (404 while metrics are off).
#[cfg(feature = "metrics")]
pub(crate) fn metrics_router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/metrics", get(metrics::metrics))
        .with_state(service)
}
