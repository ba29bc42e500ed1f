//! The same function registered twice (two attributes) is refused at start-up, never run twice.

use stripe_receiver::prelude::*;
use stripe_receiver::registry::{Registry, RegistryProblem};

#[stripe_receiver("charge.succeeded")]
#[stripe_receiver("charge.refunded")]
fn annotated_twice(_event: &Event) {}

#[test]
fn refused_naming_the_fn_and_its_place() {
    let err = Registry::from_inventory().unwrap_err();
    assert_eq!(err.problem, RegistryProblem::AttributeTwice);
    assert_eq!(err.path(), "registered_twice::annotated_twice");
    let message = err.to_string();
    assert!(
        message.contains("(tests/registered_twice.rs:8)"),
        "{message}"
    );
    assert!(
        message.contains("carries #[stripe_receiver] twice"),
        "{message}"
    );
    assert!(
        message.contains("one #[stripe_receiver(...)] attribute"),
        "{message}"
    );
}

#[tokio::test]
async fn the_runtime_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = stripe_receiver::Config::from_env().unwrap();
    config.database_url = format!("sqlite://{}", dir.path().join("t.db").display());
    assert!(stripe_receiver::Runtime::builder(config)
        .build()
        .await
        .is_err());
}
