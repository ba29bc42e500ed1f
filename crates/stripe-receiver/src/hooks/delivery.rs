//! The delivery as hooks see it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One webhook request, as lifecycle hooks receive it (`delivery: &WebhookDelivery<'_>`): what
/// arrived, before or after validation. The same values are stored on the delivery row
/// (`stripe_webhook_deliveries`) once the webhook is answered.
#[derive(Debug, Clone, Copy)]
pub struct WebhookDelivery<'a> {
    pub(crate) id: Uuid,
    pub(crate) received_at: DateTime<Utc>,
    pub(crate) remote_ip: Option<&'a str>,
    pub(crate) headers: &'a serde_json::Value,
    pub(crate) body: &'a [u8],
}

impl<'a> WebhookDelivery<'a> {
    /// The delivery row's id (UUID v7), the `delivery` of the HTTP answer.
    #[must_use]
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// When the request arrived.
    #[must_use]
    pub fn received_at(&self) -> DateTime<Utc> {
        self.received_at
    }

    /// The client's IP without port (from the trusted proxy header when one is configured);
    /// `None` when unknown.
    #[must_use]
    pub fn remote_ip(&self) -> Option<&'a str> {
        self.remote_ip
    }

    /// The request headers as a JSON object, lowercase name → value (repeated names joined
    /// with `", "`; credentials such as `Authorization` and `Cookie` replaced by
    /// `[redacted]`), as stored.
    #[must_use]
    pub fn headers(&self) -> &'a serde_json::Value {
        self.headers
    }

    /// One header's value by lowercase name, e.g. `header("stripe-signature")`.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name).and_then(serde_json::Value::as_str)
    }

    /// The exact raw body bytes. Before validation (`webhook_pre_validate`) they are
    /// unverified: do not trust them.
    #[must_use]
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
}
