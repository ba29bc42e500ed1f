//! Application state for receivers (S5): `State<T>` registered at start-up, refused at start-up
//! when missing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::json;
use stripe_receiver::registry::{RegistryError, RegistryProblem};
use stripe_receiver::{prelude::*, StartError};
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};

/// Stands in for an application's mailer: counts what it was asked to send.
struct Mailer {
    sent: Arc<AtomicUsize>,
}

#[stripe_receiver("invoice.paid")]
async fn send_receipt(event: &Event, State(mailer): State<Mailer>) -> Result<(), BoxError> {
    event.object_id()?;
    mailer.sent.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[tokio::test]
async fn a_registered_value_reaches_the_receiver_on_every_delivery() {
    let sent = Arc::new(AtomicUsize::new(0));
    let mailer = Mailer {
        sent: Arc::clone(&sent),
    };
    let s = TestServer::start_with(TestBackend::Sqlite, |b| b.state(mailer), |e| e).await;
    for (i, id) in ["evt_paid_1", "evt_paid_2"].into_iter().enumerate() {
        let (status, reply) = s
            .send(event(
                id,
                "invoice.paid",
                json!({"id": "in_1", "object": "invoice"}),
            ))
            .await;
        assert_eq!(status, 200, "{reply}");
        assert_eq!(
            reply["receivers"],
            json!([
                "stripe_receiver::sync::builtin::invoices",
                "state::send_receipt"
            ])
        );
        assert_eq!(sent.load(Ordering::SeqCst), i + 1);
    }
}

#[tokio::test]
async fn a_missing_value_refuses_start_up_naming_receiver_and_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = stripe_receiver::Config::from_env().unwrap();
    config.database_url = format!("sqlite://{}", dir.path().join("s.db").display());
    let err = match stripe_receiver::Runtime::builder(config).build().await {
        Err(e) => e,
        Ok(_) => panic!("started without the Mailer"),
    };
    assert!(matches!(
        err,
        StartError::Registry(RegistryError {
            problem: RegistryProblem::MissingState { .. },
            registration,
            ..
        }) if registration.path() == "state::send_receipt"
    ));
    let message = err.to_string();
    assert!(message.contains("state::send_receipt"), "{message}");
    assert!(message.contains("state::Mailer"), "{message}");
    assert!(message.contains("tests/state.rs:"), "{message}");
    assert!(
        !dir.path().join("s.db").exists(),
        "refused before touching the database"
    );
}
