//! [`StripeClient`]: requests, keys, retries, rate limit.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::error::ApiError;
use crate::api_key::ApiKey;
use crate::config::Config;

/// Default `STRIPE_API_BASE`.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// Default client-side rate limit, requests per second per (key, account): under Stripe's
/// test-mode limit of 25/s.
pub const DEFAULT_RATE_LIMIT: u32 = 20;

/// Which key and account a call is made with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    /// Live mode (`STRIPE_LIVE_SECRET_KEY`) or test mode (`STRIPE_TEST_SECRET_KEY`).
    pub livemode: bool,
    /// A connected account (`acct_...`): sent as `Stripe-Account`, with the platform's key.
    pub account: Option<String>,
}

impl Scope {
    /// Test mode, the platform account.
    #[must_use]
    pub fn test() -> Self {
        Self::default()
    }

    /// `livemode`, and `account` when given.
    #[must_use]
    pub fn new(livemode: bool, account: Option<String>) -> Self {
        Self { livemode, account }
    }
}

/// What the client is built from.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// `STRIPE_API_BASE`, e.g. `https://api.stripe.com` (no trailing `/v1`).
    pub base: String,
    /// `STRIPE_API_VERSION`, sent as `Stripe-Version`.
    pub version: String,
    /// `STRIPE_TEST_SECRET_KEY`.
    pub test_key: Option<ApiKey>,
    /// `STRIPE_LIVE_SECRET_KEY`.
    pub live_key: Option<ApiKey>,
    /// Requests per second per (key, account).
    pub rate_limit: u32,
    /// Retries after the first attempt on 429, 5xx and connection failures.
    pub max_retries: u32,
    /// First backoff delay; doubles per retry (with jitter), capped at `max_backoff`.
    pub initial_backoff: Duration,
    /// Longest single wait between attempts (a longer `Retry-After` is capped at this too).
    pub max_backoff: Duration,
    /// Timeout of one attempt (connect + response).
    pub timeout: Duration,
}

impl ApiSettings {
    /// The settings `config` holds, with the defaults for the rest (3 retries, 500 ms first
    /// backoff, 30 s max backoff, 30 s per attempt).
    #[must_use]
    pub fn from_config(config: &Config) -> Self {
        let _ = config;
        unimplemented!("stripe_api skeleton")
    }
}

/// The Stripe API client. Cheap to clone (one shared connection pool and rate limiter).
#[derive(Clone)]
pub struct StripeClient {
    inner: Arc<Inner>,
}

struct Inner {
    settings: ApiSettings,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("base", &self.inner.settings.base)
            .field("version", &self.inner.settings.version)
            .finish_non_exhaustive()
    }
}

impl StripeClient {
    /// A client for `settings`.
    ///
    /// # Errors
    /// [`ApiError::Config`] when the base URL does not parse or the HTTP client cannot be built.
    pub fn new(settings: ApiSettings) -> Result<Self, ApiError> {
        Ok(Self {
            inner: Arc::new(Inner { settings }),
        })
    }

    /// The settings the client was built with.
    #[must_use]
    pub fn settings(&self) -> &ApiSettings {
        &self.inner.settings
    }

    /// `GET <base><path>` (path starts with `/v1/`), with `query` pairs. The raw 2xx body.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn get(
        &self,
        scope: &Scope,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Bytes, ApiError> {
        let _ = (scope, path, query);
        unimplemented!("stripe_api skeleton")
    }

    /// `POST <base><path>`, form-encoded `form` pairs (Stripe's encoding: `a[]=x`,
    /// `metadata[k]=v`), with a fresh `Idempotency-Key` kept across retries. The raw 2xx body.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn post(
        &self,
        scope: &Scope,
        path: &str,
        form: &[(String, String)],
    ) -> Result<Bytes, ApiError> {
        let _ = (scope, path, form);
        unimplemented!("stripe_api skeleton")
    }

    /// `DELETE <base><path>`. The raw 2xx body.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn delete(&self, scope: &Scope, path: &str) -> Result<Bytes, ApiError> {
        let _ = (scope, path);
        unimplemented!("stripe_api skeleton")
    }
}
