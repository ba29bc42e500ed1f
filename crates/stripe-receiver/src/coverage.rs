//! The start-up check that every event type an endpoint subscribes to has a receiver.
//!
//! Stripe sends an endpoint the event types listed in its `enabled_events`. A listed type that
//! no compiled-in receiver handles (by exact name or pattern) is stored and acknowledged with
//! nothing run for it — often the sign of a receiver crate that is not linked (README,
//! "Linking receivers") or of a receiver that was removed. `serve` logs one warning per enabled
//! endpoint that has such types, naming them.
//!
//! Only the application's receivers count: the built-in object sync handles most types and is
//! always linked, so counting it would hide exactly the missing link this check is for (the
//! synced tables are still kept for those types).
//!
//! An endpoint subscribed to `*` receives every event type by design, and most of them are
//! expected to have no receiver: it is not warned about. Disabled endpoints are skipped.

use uuid::Uuid;

use crate::db::Db;
use crate::endpoint::Endpoint;
use crate::registry::Registry;
use crate::store::endpoints;

/// An enabled endpoint and the event types it subscribes to that no receiver handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unhandled {
    /// The endpoint's UUID (its URL's last segment).
    pub endpoint: Uuid,
    /// The subscribed types without a receiver, in the endpoint's order.
    pub event_types: Vec<String>,
}

/// The enabled endpoints among `endpoints` that subscribe to event types no receiver in
/// `registry` handles, with those types; endpoints subscribed to `*` are left out.
#[must_use]
pub fn unhandled_event_types(registry: &Registry, endpoints: &[Endpoint]) -> Vec<Unhandled> {
    endpoints
        .iter()
        .filter(|endpoint| endpoint.enabled)
        .filter(|endpoint| !endpoint.enabled_events.iter().any(|t| t == "*"))
        .filter_map(|endpoint| {
            let event_types: Vec<String> = endpoint
                .enabled_events
                .iter()
                .filter(|t| !registry.receivers_for(t).any(|r| !r.is_builtin()))
                .cloned()
                .collect();
            (!event_types.is_empty()).then_some(Unhandled {
                endpoint: endpoint.uuid,
                event_types,
            })
        })
        .collect()
}

/// Logs a warning for each enabled endpoint with subscribed event types that no receiver
/// handles (see the module docs). A database error is logged and otherwise ignored: this
/// check must not stop the server.
pub async fn warn_unhandled(db: &Db, registry: &Registry) {
    let endpoints = match endpoints::list(db).await {
        Ok(endpoints) => endpoints,
        Err(error) => {
            tracing::warn!(%error, "cannot list the endpoints to check their event types against the receivers");
            return;
        }
    };
    for unhandled in unhandled_event_types(registry, &endpoints) {
        tracing::warn!(
            endpoint = %unhandled.endpoint,
            event_types = %unhandled.event_types.join(","),
            "the endpoint is subscribed to event types that no receiver handles: they are stored and acknowledged, and nothing runs for them (is the crate with their receivers linked? see README, \"Linking receivers\")"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{unhandled_event_types, Unhandled};
    use crate::endpoint::Endpoint;
    use crate::receiver::{Receiver, ReceiverData};
    use crate::registration::{kinds, BoxFuture, CallResult, Input, Requirements};
    use crate::registry::Registry;

    fn noop<'a>(_: Input<'a, kinds::receiver>) -> BoxFuture<'a, CallResult> {
        Box::pin(async { Ok(()) })
    }
    fn no_requirements(_: &mut Requirements) {}

    static CHARGE: Receiver = Receiver::new(
        ReceiverData::new(&["charge.succeeded"]),
        "app::charge",
        "a.rs",
        1,
        noop,
        no_requirements,
    );
    static SUBSCRIPTIONS: Receiver = Receiver::new(
        ReceiverData::new(&["customer.subscription.*"]),
        "app::subscriptions",
        "b.rs",
        1,
        noop,
        no_requirements,
    );

    fn endpoint(enabled_events: &[&str], enabled: bool) -> Endpoint {
        Endpoint {
            enabled_events: enabled_events.iter().map(|t| (*t).to_owned()).collect(),
            enabled,
            ..Endpoint::for_tests(uuid::Uuid::new_v4(), Vec::new())
        }
    }

    #[test]
    fn lists_subscribed_types_without_a_receiver() {
        let registry = Registry::build([&CHARGE, &SUBSCRIPTIONS]).unwrap();
        let listed = endpoint(
            &[
                "charge.succeeded",
                "charge.failed",
                "customer.subscription.updated",
                "invoice.paid",
            ],
            true,
        );
        assert_eq!(
            unhandled_event_types(&registry, std::slice::from_ref(&listed)),
            [Unhandled {
                endpoint: listed.uuid,
                event_types: vec!["charge.failed".to_owned(), "invoice.paid".to_owned()],
            }]
        );
    }

    #[test]
    fn skips_covered_disabled_and_wildcard_endpoints() {
        let registry = Registry::build([&CHARGE, &SUBSCRIPTIONS]).unwrap();
        let endpoints = [
            endpoint(&["charge.succeeded", "customer.subscription.deleted"], true),
            endpoint(&["invoice.paid"], false),
            endpoint(&["*"], true),
            endpoint(&["invoice.paid", "*"], true),
        ];
        assert_eq!(unhandled_event_types(&registry, &endpoints), []);
    }

    static BUILTIN: Receiver = Receiver::new(
        ReceiverData::new(&["charge.*"]),
        "stripe_receiver::sync::builtin::charges",
        "c.rs",
        1,
        noop,
        no_requirements,
    )
    .builtin();

    #[test]
    fn the_builtin_sync_does_not_count_as_a_receiver() {
        let registry = Registry::build([&BUILTIN, &CHARGE]).unwrap();
        let listed = endpoint(&["charge.succeeded", "charge.failed"], true);
        let unhandled = unhandled_event_types(&registry, std::slice::from_ref(&listed));
        assert_eq!(unhandled[0].event_types, ["charge.failed"]);
    }

    #[test]
    fn with_no_receivers_every_listed_type_is_unhandled() {
        let registry = Registry::build([]).unwrap();
        let listed = endpoint(&["charge.succeeded"], true);
        let unhandled = unhandled_event_types(&registry, std::slice::from_ref(&listed));
        assert_eq!(unhandled[0].event_types, ["charge.succeeded"]);
    }
}
