//! Validation of a delivery: the signature per the endpoint's mode, then the body as an event.
//! Validation mode `retrieve_event` is not done here but in `retrieve` (it calls Stripe's API).

#[cfg(feature = "stripe-api")]
use bytes::Bytes;

use crate::endpoint::{Endpoint, ValidationMode};
use crate::event::{Event, EventError};
use crate::hooks::Validation;
use crate::signature::{self, SignatureError};

/// The result of validation.
pub(super) enum Verdict {
    Valid(Event),
    /// Stripe's copy of the delivered event (`retrieve_event`): the event parsed from
    /// `body`, the bytes Stripe's API returned, which are what is stored.
    #[cfg(feature = "stripe-api")]
    Fetched {
        event: Event,
        body: Bytes,
    },
    /// The request is not a genuine event: 400.
    Invalid {
        class: &'static str,
        detail: String,
    },
    /// The endpoint cannot validate anything (no usable secret, unsupported mode): a server
    /// fault, 500, so Stripe keeps retrying until it is fixed.
    Misconfigured {
        class: &'static str,
        detail: String,
    },
    /// Stripe's API failed on its side or could not be reached (`retrieve_event`): 503, so
    /// Stripe retries.
    #[cfg(feature = "stripe-api")]
    StripeUnavailable {
        class: &'static str,
        detail: String,
    },
}

/// Validates a delivery to an endpoint whose mode is `verify_signature` or `none`, with no I/O.
/// With feature `stripe-api`, the pipeline takes mode `retrieve_event` to `retrieve` instead.
pub(super) fn validate(
    endpoint: &Endpoint,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Verdict {
    match endpoint.validation {
        ValidationMode::VerifySignature => {
            let secrets = endpoint.active_secrets(now);
            if secrets.is_empty() {
                return Verdict::Misconfigured {
                    class: "no_usable_secret",
                    detail: "the endpoint has no active signing secret".into(),
                };
            }
            if let Err(e) =
                signature::verify(body, signature, &secrets, endpoint.tolerance_secs, now)
            {
                return invalid_signature(e);
            }
        }
        ValidationMode::None => {
            tracing::warn!(endpoint = %endpoint.uuid, "validation mode `none`: the delivery is accepted without checking its signature");
        }
        ValidationMode::RetrieveEvent => {
            // Only reached in a build without the client: with it, the pipeline fetches.
            return Verdict::Misconfigured {
                class: "validation_mode_unsupported",
                detail: "validation mode retrieve_event needs the Stripe API client, which this build does not include".into(),
            };
        }
    }
    match Event::from_slice(body) {
        Ok(event) => Verdict::Valid(event),
        Err(e @ EventError::NotJson(_)) => Verdict::Invalid {
            class: "body_not_json",
            detail: e.to_string(),
        },
        Err(e) => Verdict::Invalid {
            class: "not_an_event",
            detail: e.to_string(),
        },
    }
}

impl Verdict {
    /// The event, when the delivery validated.
    pub(super) fn event(&self) -> Option<&Event> {
        match self {
            Self::Valid(event) => Some(event),
            #[cfg(feature = "stripe-api")]
            Self::Fetched { event, .. } => Some(event),
            _ => None,
        }
    }

    /// What `webhook_post_validate` is told.
    pub(super) fn validation(&self) -> Validation {
        match self {
            Self::Valid(_) => Validation {
                valid: true,
                failure: None,
            },
            #[cfg(feature = "stripe-api")]
            Self::Fetched { .. } => Validation {
                valid: true,
                failure: None,
            },
            Self::Invalid { class, .. } | Self::Misconfigured { class, .. } => Validation {
                valid: false,
                failure: Some(class),
            },
            #[cfg(feature = "stripe-api")]
            Self::StripeUnavailable { class, .. } => Validation {
                valid: false,
                failure: Some(class),
            },
        }
    }
}

fn invalid_signature(e: SignatureError) -> Verdict {
    Verdict::Invalid {
        class: e.class(),
        detail: e.to_string(),
    }
}
