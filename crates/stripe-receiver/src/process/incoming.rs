//! A request that reached processing, and the delivery row it makes.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::delivery::{Delivery, Outcome};
use crate::endpoint::Endpoint;

/// A request that reached a known, enabled endpoint, with its body read.
pub(crate) struct Incoming {
    pub delivery_id: Uuid,
    pub endpoint: Arc<Endpoint>,
    pub received_at: DateTime<Utc>,
    pub remote_ip: Option<String>,
    pub headers: serde_json::Value,
    pub signature: Option<String>,
    pub body: Bytes,
}

impl Incoming {
    /// The delivery row of this request.
    pub(super) fn delivery(
        &self,
        valid: bool,
        outcome: Outcome,
        event_id: Option<String>,
        event_type: Option<String>,
    ) -> Delivery {
        Delivery {
            id: self.delivery_id,
            endpoint_uuid: self.endpoint.uuid,
            received_at: self.received_at,
            remote_ip: self.remote_ip.clone(),
            headers: self.headers.clone(),
            body: self.body.to_vec(),
            valid,
            outcome,
            event_id,
            event_type,
            error: None,
            error_detail: None,
            after_commit_error: None,
        }
    }
}

/// SHA-256 of `body`, 64 lowercase hex digits: stored as `stripe_events.body_hash` (a
/// redelivery shows at a glance) and logged with a refused signature, so that a body altered in
/// transit (its length and hash differ from those of the bytes the sender sent, or between
/// retries of one event) can be told from a wrong secret (the same bytes every time) without the
/// body ever reaching the log.
pub(super) fn body_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// `d` with its failure class and detail.
pub(super) fn with_error(mut d: Delivery, class: &str, detail: String) -> Delivery {
    d.error = Some(class.to_owned());
    d.error_detail = Some(detail);
    d
}
