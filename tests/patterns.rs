//! Patterns end to end: `"*"` and family patterns such as `"customer.subscription.*"` run for
//! the event types they match, in the documented order (by function path), exact names and
//! patterns alike, each receiver once per event.

use serde_json::json;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};

#[stripe_receiver("customer.subscription.*")]
async fn a_subscription_changed(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    assert!(event.type_.starts_with("customer.subscription."));
    let _ = tx;
    Ok(())
}

#[stripe_receiver("*")]
fn b_audit(event: &Event) {
    assert!(!event.type_.is_empty());
}

#[stripe_receiver("customer.subscription.updated")]
fn c_subscription_updated(event: &Event) {
    assert_eq!(event.type_, "customer.subscription.updated");
}

#[stripe_receiver("invoice.*", "invoice.paid")]
fn d_invoices(event: &Event) {
    assert!(event.type_.starts_with("invoice."));
}

/// The receivers the server ran for one event of type `event_type`.
async fn receivers_for(server: &TestServer, id: &str, event_type: &str) -> serde_json::Value {
    let object = json!({"id": "sub_1", "object": "subscription"});
    let (status, reply) = server.send(event(id, event_type, object)).await;
    assert_eq!(status, 200, "{reply}");
    reply["receivers"].clone()
}

#[tokio::test]
async fn a_family_pattern_runs_for_its_members_in_path_order() {
    let server = TestServer::start(TestBackend::Sqlite).await;
    assert_eq!(
        receivers_for(&server, "evt_sub_updated", "customer.subscription.updated").await,
        json!([
            "stripe_receiver::sync::builtin::subscriptions",
            "patterns::a_subscription_changed",
            "patterns::b_audit",
            "patterns::c_subscription_updated",
        ])
    );
    assert_eq!(
        receivers_for(&server, "evt_sub_deleted", "customer.subscription.deleted").await,
        json!([
            "stripe_receiver::sync::builtin::subscriptions",
            "patterns::a_subscription_changed",
            "patterns::b_audit"
        ])
    );
}

#[tokio::test]
async fn the_wildcard_runs_for_every_type_and_a_receiver_runs_once() {
    let server = TestServer::start(TestBackend::Sqlite).await;
    assert_eq!(
        receivers_for(&server, "evt_customer", "customer.updated").await,
        json!([
            "stripe_receiver::sync::builtin::customers",
            "patterns::b_audit"
        ])
    );
    // `d_invoices` matches `invoice.paid` twice (pattern and exact name) and runs once.
    assert_eq!(
        receivers_for(&server, "evt_invoice", "invoice.paid").await,
        json!([
            "stripe_receiver::sync::builtin::invoices",
            "patterns::b_audit",
            "patterns::d_invoices"
        ])
    );
}
