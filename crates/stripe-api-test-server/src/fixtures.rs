//! Stripe's own fixtures (`data/fixtures3.json`) and the bundled event type list.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde_json::{Map, Value};

const FIXTURES: &str = include_str!("../data/fixtures3.json");
/// The event types of the API version this project is built for: the list the library's
/// macros check receivers against (one type a line, `#` comments).
const EVENT_TYPES: &str = include_str!("../../stripe-receiver-macros/data/stripe-event-types.txt");

fn resources() -> &'static Map<String, Value> {
    static RESOURCES: OnceLock<Map<String, Value>> = OnceLock::new();
    RESOURCES.get_or_init(|| {
        let mut all: Value =
            serde_json::from_str(FIXTURES).expect("data/fixtures3.json is valid JSON");
        match all.get_mut("resources").map(Value::take) {
            Some(Value::Object(resources)) => resources,
            _ => panic!("data/fixtures3.json has no \"resources\" object"),
        }
    })
}

/// The fixture object of `resource` (`webhook_endpoint`, `event`, `checkout.session`, ...),
/// `None` for a resource Stripe's fixtures do not have.
#[must_use]
pub fn fixture(resource: &str) -> Option<Value> {
    resources().get(resource).cloned()
}

/// `base` (a fixture) with every top-level field of `over` put in its place.
#[must_use]
pub fn overlay(base: Option<Value>, over: &Map<String, Value>) -> Value {
    let mut out = match base {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for (k, v) in over {
        out.insert(k.clone(), v.clone());
    }
    Value::Object(out)
}

/// Whether `name` is an event type of the bundled list.
#[must_use]
pub fn is_event_type(name: &str) -> bool {
    static TYPES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    TYPES
        .get_or_init(|| {
            EVENT_TYPES
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .collect()
        })
        .contains(name)
}

/// The list path of a resource: `subscription` → `/v1/subscriptions`, `checkout.session` →
/// `/v1/checkout/sessions`, `capability` → `/v1/capabilities`. Nested resources (a connected
/// account's `person`) are not at such a path: put them with an explicit path.
#[must_use]
pub fn plural_path(resource: &str) -> String {
    let path = resource.replace('.', "/");
    let plural = if let Some(stem) = path
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{stem}ies")
    } else if path.ends_with('s') || path.ends_with("sh") || path.ends_with("ch") {
        format!("{path}es")
    } else {
        format!("{path}s")
    };
    format!("/v1/{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_load() {
        let we = fixture("webhook_endpoint").unwrap();
        assert_eq!(we["object"], "webhook_endpoint");
        assert_eq!(fixture("event").unwrap()["object"], "event");
        assert!(fixture("no_such_thing").is_none());
    }

    #[test]
    fn event_types() {
        assert!(is_event_type("charge.succeeded"));
        assert!(is_event_type("customer.subscription.updated"));
        assert!(!is_event_type("charge.exploded"));
        assert!(!is_event_type("# Stripe webhook event types"));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural_path("subscription"), "/v1/subscriptions");
        assert_eq!(plural_path("checkout.session"), "/v1/checkout/sessions");
        assert_eq!(plural_path("capability"), "/v1/capabilities");
        assert_eq!(
            plural_path("radar.early_fraud_warning"),
            "/v1/radar/early_fraud_warnings"
        );
        assert_eq!(plural_path("invoiceitem"), "/v1/invoiceitems");
        assert_eq!(plural_path("tax_id"), "/v1/tax_ids");
    }
}
