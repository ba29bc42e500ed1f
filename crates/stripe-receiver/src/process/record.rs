//! Delivery rows written outside the webhook's transaction (validation failures, failures after a rollback).

use super::*;

pub(super) fn with_error(mut d: Delivery, class: &str, detail: String) -> Delivery {
    d.error = Some(class.to_owned());
    d.error_detail = Some(detail);
    d
}

/// Records a delivery in its own transaction and builds the reply. If the database refuses the
/// record, the answer becomes 503 (the request must be retried so it gets recorded).
pub(super) async fn record_alone(
    db: &Db,
    record: &Delivery,
    status: u16,
    error: Option<&'static str>,
) -> Reply {
    let mut status = status;
    let mut error = error;
    let mut delivery = Some(record.id);
    if let Err(e) = deliveries::insert_alone(db, record).await {
        tracing::error!(error = %e, delivery = %record.id, "could not record the delivery");
        status = 503;
        error = Some("database_unavailable");
        delivery = None;
    }
    tracing::Span::current().record("outcome", record.outcome.as_str());
    Reply {
        status,
        delivery,
        outcome: record.outcome,
        event: record.event_id.clone(),
        event_type: record.event_type.clone(),
        receivers: Vec::new(),
        failed_receiver: None,
        failed_hook: None,
        error: if status == 400 {
            Some("invalid webhook")
        } else {
            error
        },
    }
}

impl Incoming {
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
