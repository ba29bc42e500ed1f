//! A request that reached processing, and the delivery row it makes.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
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

/// `d` with its failure class and detail.
pub(super) fn with_error(mut d: Delivery, class: &str, detail: String) -> Delivery {
    d.error = Some(class.to_owned());
    d.error_detail = Some(detail);
    d
}
