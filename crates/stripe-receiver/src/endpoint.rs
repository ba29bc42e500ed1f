//! Webhook endpoints: where Stripe delivers, with which secrets and rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::signature::{Secret, DEFAULT_TOLERANCE_SECS};

/// How an endpoint decides that a delivery is genuine (dj-stripe's
/// `DJSTRIPE_WEBHOOK_VALIDATION`, per endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "cli",
    derive(clap::ValueEnum),
    value(rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ValidationMode {
    /// Check the `Stripe-Signature` header against the endpoint's secrets (the default).
    #[default]
    VerifySignature,
    /// Fetch the event from Stripe's API and use Stripe's copy. Needs the Stripe API client,
    /// which this build does not include: deliveries to such an endpoint fail with 500.
    RetrieveEvent,
    /// Accept every body without checking (logs a warning on each delivery). For local
    /// experiments only.
    None,
}

impl ValidationMode {
    /// The stored name: `verify_signature`, `retrieve_event` or `none`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::VerifySignature => "verify_signature",
            Self::RetrieveEvent => "retrieve_event",
            Self::None => "none",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "verify_signature" => Some(Self::VerifySignature),
            "retrieve_event" => Some(Self::RetrieveEvent),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// One signing secret of an endpoint, with an optional expiry (during a secret roll the old
/// secret stays valid until it expires).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSecret {
    /// The secret (redacted in `Debug`).
    pub secret: Secret,
    /// When the secret stops being accepted, Unix seconds; `None` for never.
    pub expires_at: Option<i64>,
}

impl EndpointSecret {
    /// Whether the secret is still accepted at `now_unix` (seconds): it is until `expires_at`,
    /// exclusive.
    #[must_use]
    pub fn is_active(&self, now_unix: i64) -> bool {
        self.expires_at.is_none_or(|exp| now_unix < exp)
    }
}

/// A webhook endpoint (a row of `stripe_webhook_endpoints`).
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The unguessable id in the URL path `/webhooks/{uuid}`.
    pub uuid: Uuid,
    /// Stripe's id (`we_...`), `None` for a local-only endpoint.
    pub stripe_id: Option<String>,
    /// The full URL Stripe (or `stripe listen`) posts to.
    pub url: String,
    /// Signing secrets, in the order they were added.
    pub secrets: Vec<EndpointSecret>,
    /// Whether the endpoint receives live-mode events (else test mode).
    pub livemode: bool,
    /// Maximum `|now - t|` for a signature, seconds; 0 disables the time check.
    pub tolerance_secs: u64,
    /// How deliveries are validated.
    pub validation: ValidationMode,
    /// The API version Stripe renders events in for this endpoint, if pinned.
    pub api_version: Option<String>,
    /// The event types the endpoint is subscribed to on Stripe (`["*"]` for all).
    pub enabled_events: Vec<String>,
    /// The connected account (`acct_...`) the endpoint belongs to, if any.
    pub account: Option<String>,
    /// Disabled endpoints answer 404, as unknown ones do.
    pub enabled: bool,
    /// When the row was created.
    pub created_at: DateTime<Utc>,
    /// When the row was last changed.
    pub updated_at: DateTime<Utc>,
}

impl Endpoint {
    /// The secrets still accepted at `now_unix` (seconds).
    #[must_use]
    pub fn active_secrets(&self, now_unix: i64) -> Vec<&Secret> {
        self.secrets
            .iter()
            .filter(|s| s.is_active(now_unix))
            .map(|s| &s.secret)
            .collect()
    }
}

/// What is needed to create an endpoint; the rest is generated or defaulted.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    /// The base URL the webhook path is appended to, e.g. `http://127.0.0.1:8000`.
    pub base_url: String,
    /// Stripe's id, for endpoints created on Stripe.
    pub stripe_id: Option<String>,
    /// Signing secrets; at least one for `verify_signature`.
    pub secrets: Vec<EndpointSecret>,
    /// Live mode (else test mode).
    pub livemode: bool,
    /// Tolerance in seconds; 0 disables the time check.
    pub tolerance_secs: u64,
    /// Validation mode.
    pub validation: ValidationMode,
    /// Pinned API version.
    pub api_version: Option<String>,
    /// Subscribed event types.
    pub enabled_events: Vec<String>,
    /// Connected account.
    pub account: Option<String>,
}

impl NewEndpoint {
    /// A local-only endpoint under `base_url` with one secret and the defaults: test mode,
    /// 300 s tolerance, signature verification, all events.
    #[must_use]
    pub fn local(base_url: impl Into<String>, secret: Secret) -> Self {
        Self {
            base_url: base_url.into(),
            stripe_id: None,
            secrets: vec![EndpointSecret {
                secret,
                expires_at: None,
            }],
            livemode: false,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
            validation: ValidationMode::VerifySignature,
            api_version: None,
            enabled_events: vec!["*".into()],
            account: None,
        }
    }
}

/// The URL of an endpoint: `<base>/webhooks/<uuid>`, with no double slash whatever the base ends
/// with.
#[must_use]
pub fn webhook_url(base_url: &str, uuid: Uuid) -> String {
    format!("{}/webhooks/{uuid}", base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_has_no_double_slash() {
        let id = Uuid::nil();
        assert_eq!(
            webhook_url("https://x.test/", id),
            "https://x.test/webhooks/00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            webhook_url("https://x.test", id),
            webhook_url("https://x.test//", id)
        );
    }

    #[test]
    fn secret_expiry_is_exclusive() {
        let s = EndpointSecret {
            secret: Secret::new("whsec_a").unwrap(),
            expires_at: Some(100),
        };
        assert!(s.is_active(99));
        assert!(!s.is_active(100));
    }
}
