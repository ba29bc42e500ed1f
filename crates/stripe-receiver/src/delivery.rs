//! The delivery log: one row per webhook request that reached a known endpoint.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// What became of a delivery (`stripe_webhook_deliveries.outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Valid; the event was stored and every matching receiver committed.
    Processed,
    /// Valid; the event id was already committed with the same content. No receiver ran.
    Duplicate,
    /// Valid; the event id was already committed with different content (e.g. Stripe's
    /// dashboard test events reuse `evt_00000000000000`). No receiver ran.
    Conflict,
    /// Valid; stored, but its `livemode` differs from the endpoint's. No receiver ran.
    Skipped,
    /// Failed validation (signature, or a body that is not an event). Nothing else written.
    Invalid,
    /// Processing failed (a receiver error or panic, a server fault); everything rolled back.
    /// Stripe retries; the retry processes from scratch.
    Failed,
}

impl Outcome {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Processed => "processed",
            Self::Duplicate => "duplicate",
            Self::Conflict => "conflict",
            Self::Skipped => "skipped",
            Self::Invalid => "invalid",
            Self::Failed => "failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "processed" => Self::Processed,
            "duplicate" => Self::Duplicate,
            "conflict" => Self::Conflict,
            "skipped" => Self::Skipped,
            "invalid" => Self::Invalid,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// A row of `stripe_webhook_deliveries`.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// UUID v7, so ids sort by arrival.
    pub id: Uuid,
    /// The endpoint it was posted to.
    pub endpoint_uuid: Uuid,
    /// When the request arrived.
    pub received_at: DateTime<Utc>,
    /// The client's IP (port stripped); from the trusted proxy header when one is configured.
    pub remote_ip: Option<String>,
    /// Request headers as a JSON object (name → value; repeated names joined with `, `).
    pub headers: serde_json::Value,
    /// The exact body bytes (serialized as a UTF-8 string when valid, else omitted in JSON).
    #[serde(skip)]
    pub body: Vec<u8>,
    /// Whether validation passed.
    pub valid: bool,
    /// What became of it.
    pub outcome: Outcome,
    /// The event id, when an event was committed (processed, or the earlier copy of a duplicate).
    pub event_id: Option<String>,
    /// The event type, when the verified body parsed as an event.
    pub event_type: Option<String>,
    /// Failure class (`no_matching_signature`, `receiver_error`, `receiver_panic`, ...).
    pub error: Option<String>,
    /// Failure details: the receiver's path and message, the panic text.
    pub error_detail: Option<String>,
    /// After-commit actions that failed after the event committed (one line per action:
    /// `receiver::path: error`). Recorded after the response; the answer stays 200.
    pub after_commit_error: Option<String>,
}
