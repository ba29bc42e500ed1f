//! `/v1/webhook_endpoints`: create, update, delete, list.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::client::{Scope, StripeClient};
use super::error::ApiError;

/// A webhook endpoint as Stripe returns it (`object: "webhook_endpoint"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebhookEndpoint {
    /// `we_...`.
    pub id: String,
    /// The URL Stripe posts to.
    pub url: String,
    /// Subscribed event types (`["*"]` for all).
    pub enabled_events: Vec<String>,
    /// `enabled` or `disabled`.
    pub status: String,
    /// Live or test mode.
    pub livemode: bool,
    /// The pinned API version, if any.
    #[serde(default)]
    pub api_version: Option<String>,
    /// The Connect application, if the endpoint receives connected accounts' events.
    #[serde(default)]
    pub application: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Our `stripe_receiver_uuid` lives here.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// The signing secret: only in the answer to a create.
    #[serde(default)]
    pub secret: Option<String>,
}

/// `POST /v1/webhook_endpoints` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEndpoint {
    /// `url`.
    pub url: String,
    /// `enabled_events[]`.
    pub enabled_events: Vec<String>,
    /// `api_version`.
    pub api_version: Option<String>,
    /// `connect`: receive events of connected accounts.
    pub connect: bool,
    /// `description`.
    pub description: Option<String>,
    /// `metadata[k]`.
    pub metadata: BTreeMap<String, String>,
}

/// `POST /v1/webhook_endpoints/{id}` parameters; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WebhookEndpointUpdate {
    /// `url`.
    pub url: Option<String>,
    /// `enabled_events[]`.
    pub enabled_events: Option<Vec<String>>,
    /// `disabled`.
    pub disabled: Option<bool>,
    /// `description`.
    pub description: Option<String>,
}

impl StripeClient {
    /// Creates an endpoint on Stripe. The answer carries its `secret`.
    ///
    /// # Errors
    /// [`ApiError::Refused`] with Stripe's message (e.g. an invalid URL); see [`ApiError`].
    pub async fn create_webhook_endpoint(
        &self,
        scope: &Scope,
        new: &NewWebhookEndpoint,
    ) -> Result<WebhookEndpoint, ApiError> {
        let _ = (scope, new);
        unimplemented!("stripe_api skeleton")
    }

    /// Updates an endpoint on Stripe.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn update_webhook_endpoint(
        &self,
        scope: &Scope,
        id: &str,
        update: &WebhookEndpointUpdate,
    ) -> Result<WebhookEndpoint, ApiError> {
        let _ = (scope, id, update);
        unimplemented!("stripe_api skeleton")
    }

    /// Deletes an endpoint on Stripe.
    ///
    /// # Errors
    /// See [`ApiError`]; [`ApiError::is_not_found`] when it is already gone.
    pub async fn delete_webhook_endpoint(&self, scope: &Scope, id: &str) -> Result<(), ApiError> {
        let _ = (scope, id);
        unimplemented!("stripe_api skeleton")
    }

    /// Every endpoint of the scope's account and mode (all pages, `starting_after`).
    ///
    /// # Errors
    /// See [`ApiError`].
    pub async fn list_webhook_endpoints(
        &self,
        scope: &Scope,
    ) -> Result<Vec<WebhookEndpoint>, ApiError> {
        let _ = scope;
        unimplemented!("stripe_api skeleton")
    }
}
