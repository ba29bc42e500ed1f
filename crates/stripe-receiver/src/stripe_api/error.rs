//! [`ApiError`]: why a call to Stripe failed.

use serde::Deserialize;

/// Stripe's error object (`{"error": {...}}` in a 4xx/5xx body).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct StripeErrorBody {
    /// `api_error`, `card_error`, `idempotency_error`, `invalid_request_error`, ...
    #[serde(rename = "type", default)]
    pub type_: String,
    /// e.g. `resource_missing`, `url_invalid`.
    #[serde(default)]
    pub code: Option<String>,
    /// The parameter at fault, e.g. `url`.
    #[serde(default)]
    pub param: Option<String>,
    /// Stripe's human-readable message.
    #[serde(default)]
    pub message: Option<String>,
}

/// Why a call to Stripe failed. Never contains a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// Stripe answered a 4xx (other than 429, after retries) with its error body.
    #[error("Stripe refused the request ({status}): {}", .error.message.as_deref().unwrap_or(&.error.type_))]
    Refused {
        /// The HTTP status.
        status: u16,
        /// Stripe's error object.
        error: StripeErrorBody,
        /// `Request-Id` of the answer, if any.
        request_id: Option<String>,
    },
    /// Stripe failed on its side or could not be reached: 5xx, 429, timeout, connection error,
    /// after every retry. Worth retrying later.
    #[error("Stripe is unavailable: {detail}")]
    Unavailable {
        /// The last status, if an answer came.
        status: Option<u16>,
        /// What went wrong last.
        detail: String,
    },
    /// No key is configured for the call's mode.
    #[error("no Stripe API key for {mode} mode: set {var}", mode = if *.livemode { "live" } else { "test" }, var = if *.livemode { "STRIPE_LIVE_SECRET_KEY" } else { "STRIPE_TEST_SECRET_KEY" })]
    NoKey {
        /// The mode asked for.
        livemode: bool,
    },
    /// A 2xx body that is not what the call returns.
    #[error("unexpected answer from Stripe: {0}")]
    Decode(String),
    /// The client's settings are unusable (base URL, rate limit), or a path that is not a
    /// Stripe API path was asked for.
    #[error("Stripe API client settings: {0}")]
    Config(String),
    /// An id that cannot be one of Stripe's (`evt_...`, `we_...`: letters, digits and `_`),
    /// refused before any request; Stripe cannot know it, so [`ApiError::is_not_found`] is true.
    /// `id` is shown escaped (`{:?}`): it may come from an untrusted request body.
    #[error("not a Stripe id: {id:?}")]
    InvalidId {
        /// The id given.
        id: String,
    },
}

impl ApiError {
    /// Stripe answered 404 (`resource_missing`): the object does not exist there; or the id
    /// cannot be one of Stripe's ([`ApiError::InvalidId`]).
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::Refused { status: 404, .. } | Self::InvalidId { .. }
        )
    }

    /// Stripe failed on its side or could not be reached: worth retrying later.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}
