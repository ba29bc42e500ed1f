//! `/v1/webhook_endpoints`: create, update, delete, list.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::client::{Scope, StripeClient};
use super::error::ApiError;
use super::events::stripe_id;

/// Page size of `list_webhook_endpoints`: Stripe's largest.
const PAGE_SIZE: u32 = 100;

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

impl NewWebhookEndpoint {
    /// The form pairs of `POST /v1/webhook_endpoints` (Stripe: "Create a webhook endpoint"):
    /// `url`, one `enabled_events[]` per type, `api_version`, `connect=true` when set,
    /// `description`, `metadata[k]`.
    #[must_use]
    pub fn form(&self) -> Vec<(String, String)> {
        let mut form = vec![("url".to_owned(), self.url.clone())];
        form.extend(
            self.enabled_events
                .iter()
                .map(|t| ("enabled_events[]".to_owned(), t.clone())),
        );
        if let Some(version) = &self.api_version {
            form.push(("api_version".to_owned(), version.clone()));
        }
        if self.connect {
            form.push(("connect".to_owned(), "true".to_owned()));
        }
        if let Some(description) = &self.description {
            form.push(("description".to_owned(), description.clone()));
        }
        form.extend(
            self.metadata
                .iter()
                .map(|(k, v)| (format!("metadata[{k}]"), v.clone())),
        );
        form
    }
}

impl WebhookEndpointUpdate {
    /// The form pairs of `POST /v1/webhook_endpoints/{id}` (Stripe: "Update a webhook
    /// endpoint"): only the fields that are `Some`.
    #[must_use]
    pub fn form(&self) -> Vec<(String, String)> {
        let mut form = Vec::new();
        if let Some(url) = &self.url {
            form.push(("url".to_owned(), url.clone()));
        }
        if let Some(events) = &self.enabled_events {
            form.extend(
                events
                    .iter()
                    .map(|t| ("enabled_events[]".to_owned(), t.clone())),
            );
        }
        if let Some(disabled) = self.disabled {
            form.push(("disabled".to_owned(), disabled.to_string()));
        }
        if let Some(description) = &self.description {
            form.push(("description".to_owned(), description.clone()));
        }
        form
    }
}

/// A page of a Stripe list (`object: "list"`).
#[derive(Deserialize)]
struct ListPage<T> {
    data: Vec<T>,
    has_more: bool,
}

/// The answer to a delete (`{"id": ..., "object": ..., "deleted": true}`).
#[derive(Deserialize)]
struct Deleted {
    id: String,
    deleted: bool,
}

fn decode<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Decode(format!("{what}: {e}")))
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
        let body = self
            .post(scope, "/v1/webhook_endpoints", &new.form())
            .await?;
        decode(&body, "webhook endpoint")
    }

    /// Updates an endpoint on Stripe. An update with no field set still asks Stripe (and
    /// returns the endpoint as it is).
    ///
    /// # Errors
    /// [`ApiError::InvalidId`] for an id that cannot be Stripe's; see [`ApiError`].
    pub async fn update_webhook_endpoint(
        &self,
        scope: &Scope,
        id: &str,
        update: &WebhookEndpointUpdate,
    ) -> Result<WebhookEndpoint, ApiError> {
        let id = stripe_id(id)?;
        let body = self
            .post(
                scope,
                &format!("/v1/webhook_endpoints/{id}"),
                &update.form(),
            )
            .await?;
        decode(&body, "webhook endpoint")
    }

    /// Deletes an endpoint on Stripe.
    ///
    /// # Errors
    /// See [`ApiError`]; [`ApiError::is_not_found`] when it is already gone;
    /// [`ApiError::Decode`] when the answer does not say `deleted: true` for that id.
    pub async fn delete_webhook_endpoint(&self, scope: &Scope, id: &str) -> Result<(), ApiError> {
        let id = stripe_id(id)?;
        let body = self
            .delete(scope, &format!("/v1/webhook_endpoints/{id}"))
            .await?;
        let deleted: Deleted = decode(&body, "deleted webhook endpoint")?;
        if deleted.deleted && deleted.id == id {
            Ok(())
        } else {
            Err(ApiError::Decode(format!(
                "the answer to deleting {id} says deleted={} for {}",
                deleted.deleted, deleted.id
            )))
        }
    }

    /// Every endpoint of the scope's account and mode: pages of 100 (`limit=100`), each after
    /// the last id of the one before (`starting_after`), until `has_more` is false.
    ///
    /// # Errors
    /// See [`ApiError`]; [`ApiError::Decode`] for a page that says `has_more` with no data.
    pub async fn list_webhook_endpoints(
        &self,
        scope: &Scope,
    ) -> Result<Vec<WebhookEndpoint>, ApiError> {
        let mut all: Vec<WebhookEndpoint> = Vec::new();
        loop {
            let mut query = vec![("limit", PAGE_SIZE.to_string())];
            if let Some(last) = all.last() {
                query.push(("starting_after", last.id.clone()));
            }
            let body = self.get(scope, "/v1/webhook_endpoints", &query).await?;
            let page: ListPage<WebhookEndpoint> = decode(&body, "list of webhook endpoints")?;
            let more = page.has_more;
            if more && page.data.is_empty() {
                return Err(ApiError::Decode(
                    "a list page says has_more with no data".into(),
                ));
            }
            all.extend(page.data);
            if !more {
                return Ok(all);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_form() {
        let new = NewWebhookEndpoint {
            url: "https://shop.example.com/webhooks/1b4e28ba".into(),
            enabled_events: vec!["charge.succeeded".into(), "customer.created".into()],
            api_version: Some("2026-10-28.endive".into()),
            connect: true,
            description: None,
            metadata: BTreeMap::from([("stripe_receiver_uuid".into(), "1b4e28ba".into())]),
        };
        assert_eq!(
            new.form(),
            vec![
                (
                    "url".to_owned(),
                    "https://shop.example.com/webhooks/1b4e28ba".to_owned()
                ),
                ("enabled_events[]".to_owned(), "charge.succeeded".to_owned()),
                ("enabled_events[]".to_owned(), "customer.created".to_owned()),
                ("api_version".to_owned(), "2026-10-28.endive".to_owned()),
                ("connect".to_owned(), "true".to_owned()),
                (
                    "metadata[stripe_receiver_uuid]".to_owned(),
                    "1b4e28ba".to_owned()
                ),
            ]
        );
        let plain = NewWebhookEndpoint {
            connect: false,
            api_version: None,
            ..new
        };
        assert!(!plain
            .form()
            .iter()
            .any(|(k, _)| k == "connect" || k == "api_version"));
    }

    #[test]
    fn update_form() {
        assert!(WebhookEndpointUpdate::default().form().is_empty());
        let update = WebhookEndpointUpdate {
            url: None,
            enabled_events: Some(vec!["*".into()]),
            disabled: Some(false),
            description: Some("d".into()),
        };
        assert_eq!(
            update.form(),
            vec![
                ("enabled_events[]".to_owned(), "*".to_owned()),
                ("disabled".to_owned(), "false".to_owned()),
                ("description".to_owned(), "d".to_owned()),
            ]
        );
    }
}
