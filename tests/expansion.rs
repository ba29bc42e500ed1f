//! The macro's expansion snapshot (`crates/stripe-receiver-macros/tests/expansion/`, shown in
//! the README) compiles against the real runtime and registers its receiver.

use stripe_receiver::prelude::*;
use stripe_receiver::registry::Registry;

/// What the snapshot's receiver calls.
async fn record_charge(tx: &mut Tx<'_>, event_id: &str) -> Result<(), BoxError> {
    let _ = (tx, event_id);
    Ok(())
}

// The exact output of the macro, as the README shows it.
include!("../crates/stripe-receiver-macros/tests/expansion/receiver.after.rs");

#[test]
fn the_snapshot_compiles_and_registers_its_receiver() {
    let registry = Registry::from_inventory().expect("registry");
    for event_type in ["charge.succeeded", "charge.failed"] {
        let found: Vec<&str> = registry
            .receivers_for(event_type)
            .filter(|receiver| !receiver.is_builtin())
            .map(|receiver| receiver.path())
            .collect();
        assert_eq!(found, ["expansion::on_charge"], "{event_type}");
    }
    let receiver = registry
        .application_receivers()
        .next()
        .expect("the snapshot's receiver");
    assert!(
        receiver.file().ends_with("receiver.after.rs"),
        "{}",
        receiver.file()
    );
}
