//! Webhook endpoints: where Stripe delivers, with which secrets and rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Refetch;
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
    /// Fetch the event from Stripe's API by the delivered id and use Stripe's copy (feature
    /// `stripe-api`; a build without it answers such deliveries 500).
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
    /// When the endpoint was deleted, for a row kept because deliveries refer to it (a
    /// tombstone: disabled, no secrets; `store::endpoints::delete`). `None` for a live endpoint.
    pub deleted_at: Option<DateTime<Utc>>,
    /// When the built-in sync re-fetches objects from Stripe for this endpoint's events;
    /// `None` follows `STRIPE_RECEIVER_REFETCH` (README "Ordering guard").
    pub refetch: Option<Refetch>,
}

#[cfg(test)]
impl Endpoint {
    /// A local, enabled, test-mode endpoint `uuid` with `secrets`, subscribed to every event,
    /// with the default settings (for unit tests).
    pub(crate) fn for_tests(uuid: Uuid, secrets: Vec<EndpointSecret>) -> Self {
        let mut new = NewEndpoint::local("https://x.test", Secret::generate());
        new.secrets = secrets;
        new.into_endpoint(uuid, Utc::now())
    }
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

    /// The secrets after a roll at `now_unix` (seconds): the current ones expire after
    /// `keep_old_for_secs` (one already expiring sooner keeps its expiry; 0 retires them at once),
    /// those already expired are dropped, and `new` is added without expiry. Returns the new
    /// secret and the whole list, for `store::endpoints::set_secrets`.
    ///
    /// `new` is the secret to add; `None` generates one, which only a local endpoint can use: an
    /// endpoint on Stripe is signed with the secret Stripe holds, and Stripe's API has no call
    /// that rolls it or sets it (Stripe API reference, "Webhook Endpoints": create, retrieve,
    /// update, list, delete; the secret is returned by create only). Roll it in Stripe's
    /// Dashboard and pass the new secret it shows.
    ///
    /// # Errors
    /// [`RollError::StripeSecretNeeded`] for an endpoint on Stripe without `new`;
    /// [`RollError::Deleted`] for a deleted endpoint.
    pub fn roll_secret(
        &self,
        new: Option<Secret>,
        now_unix: i64,
        keep_old_for_secs: u64,
    ) -> Result<(Secret, Vec<EndpointSecret>), RollError> {
        if self.deleted_at.is_some() {
            return Err(RollError::Deleted { uuid: self.uuid });
        }
        let new = match (new, &self.stripe_id) {
            (Some(new), _) => new,
            (None, None) => Secret::generate(),
            (None, Some(stripe_id)) => {
                return Err(RollError::StripeSecretNeeded {
                    uuid: self.uuid,
                    stripe_id: stripe_id.clone(),
                })
            }
        };
        let expiry = now_unix.saturating_add(i64::try_from(keep_old_for_secs).unwrap_or(i64::MAX));
        let mut secrets: Vec<EndpointSecret> = self
            .secrets
            .iter()
            .filter(|s| s.is_active(now_unix) && s.secret != new)
            .map(|s| EndpointSecret {
                secret: s.secret.clone(),
                expires_at: Some(s.expires_at.map_or(expiry, |e| e.min(expiry))),
            })
            .collect();
        secrets.push(EndpointSecret {
            secret: new.clone(),
            expires_at: None,
        });
        Ok((new, secrets))
    }
}

/// Why [`Endpoint::roll_secret`] refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RollError {
    /// An endpoint on Stripe, and no secret given: a generated one would never be used by Stripe.
    #[error(
        "endpoint {uuid} is on Stripe ({stripe_id}), which signs deliveries with the secret it \
         holds, and Stripe's API cannot roll a webhook endpoint's secret: roll it in the Stripe \
         Dashboard (Developers > Webhooks > the endpoint > Roll secret), then store the new \
         secret it shows with `stripe-receiver endpoints roll-secret {uuid} --secret whsec_... \
         --expire-old-after <seconds the Dashboard keeps the old one valid>`"
    )]
    StripeSecretNeeded {
        /// The endpoint.
        uuid: Uuid,
        /// Its id on Stripe.
        stripe_id: String,
    },
    /// The endpoint was deleted.
    #[error("endpoint {uuid} was deleted")]
    Deleted {
        /// The endpoint.
        uuid: Uuid,
    },
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
    /// Re-fetching objects for this endpoint's events; `None` follows `STRIPE_RECEIVER_REFETCH`.
    pub refetch: Option<Refetch>,
}

impl NewEndpoint {
    /// The endpoint this becomes when stored under `uuid` at `now`: enabled, its URL
    /// `<base_url>/webhooks/<uuid>`.
    pub(crate) fn into_endpoint(self, uuid: Uuid, now: DateTime<Utc>) -> Endpoint {
        Endpoint {
            uuid,
            stripe_id: self.stripe_id,
            url: webhook_url(&self.base_url, uuid),
            secrets: self.secrets,
            livemode: self.livemode,
            tolerance_secs: self.tolerance_secs,
            validation: self.validation,
            api_version: self.api_version,
            enabled_events: self.enabled_events,
            account: self.account,
            enabled: true,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            refetch: self.refetch,
        }
    }

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
            refetch: None,
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

    fn endpoint(stripe_id: Option<&str>, secrets: Vec<EndpointSecret>) -> Endpoint {
        Endpoint {
            stripe_id: stripe_id.map(str::to_owned),
            ..Endpoint::for_tests(Uuid::nil(), secrets)
        }
    }

    fn secret(s: &str, expires_at: Option<i64>) -> EndpointSecret {
        EndpointSecret {
            secret: Secret::new(s).unwrap(),
            expires_at,
        }
    }

    #[test]
    fn a_roll_expires_the_current_secrets_and_adds_the_new_one() {
        let e = endpoint(
            None,
            vec![
                secret("whsec_gone", Some(50)),
                secret("whsec_soon", Some(120)),
                secret("whsec_cur", None),
            ],
        );
        let (new, secrets) = e
            .roll_secret(Some(Secret::new("whsec_new").unwrap()), 100, 3600)
            .unwrap();
        assert_eq!(new.expose(), "whsec_new");
        assert_eq!(
            secrets,
            [
                secret("whsec_soon", Some(120)),
                secret("whsec_cur", Some(3700)),
                secret("whsec_new", None),
            ]
        );
        // Generated for a local endpoint; 0 retires the old ones at once.
        let (generated, secrets) = e.roll_secret(None, 100, 0).unwrap();
        assert!(generated.expose().starts_with("whsec_"));
        assert_eq!(secrets.len(), 3);
        assert!(secrets[..2].iter().all(|s| !s.is_active(100)));
        // The same secret again is not listed twice.
        let (_, secrets) = e
            .roll_secret(Some(Secret::new("whsec_cur").unwrap()), 100, 60)
            .unwrap();
        assert_eq!(
            secrets,
            [secret("whsec_soon", Some(120)), secret("whsec_cur", None)]
        );
    }

    #[test]
    fn a_stripe_endpoint_needs_the_secret_stripe_holds() {
        let e = endpoint(Some("we_1"), vec![secret("whsec_cur", None)]);
        assert_eq!(
            e.roll_secret(None, 100, 60).unwrap_err(),
            RollError::StripeSecretNeeded {
                uuid: Uuid::nil(),
                stripe_id: "we_1".into()
            }
        );
        let msg = e.roll_secret(None, 100, 60).unwrap_err().to_string();
        assert!(
            msg.contains("Dashboard") && msg.contains("--secret"),
            "{msg}"
        );
        assert!(e
            .roll_secret(Some(Secret::new("whsec_from_dashboard").unwrap()), 100, 60)
            .is_ok());
        let mut deleted = e.clone();
        deleted.deleted_at = Some(Utc::now());
        assert_eq!(
            deleted.roll_secret(Some(Secret::new("whsec_x").unwrap()), 100, 60),
            Err(RollError::Deleted { uuid: Uuid::nil() })
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
