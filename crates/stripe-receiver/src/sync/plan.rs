//! What one event writes to the synced tables: its `data.object` if it belongs to the receiving
//! family, how (upsert, tombstone), and the full objects of synced types nested in it.
//!
//! Rules (README "Synced objects"):
//! - `data.object` without a string `id` (e.g. `invoice.upcoming`): nothing is written.
//! - The object's type is its `object` member; an old payload without one takes the type its
//!   event's family implies ([`ObjectKind::implied_by`]). A family receiver writes only objects
//!   of its own type: `charge.refund.updated` carries a refund, which the charges receiver
//!   leaves to the refunds receiver.
//! - `*.deleted` leaves a tombstone; `customer.subscription.deleted` instead writes the
//!   subscription with status `canceled`; `payment_method.detached` writes the payment method
//!   with no customer, and deletes a legacy `card_...` one.
//! - Nested full objects (an `object` and an `id` and at least one other member, not a
//!   `deleted: true` stub) of a type whose [`ObjectKind::nested`] is set are upserted under the
//!   same event's guard, at any depth; each (table, id) once per event.

use serde_json::Value;

use super::kind::ObjectKind;
use super::kinds;
use super::snapshot::Snapshot;
use crate::Event;

/// How a snapshot is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Insert or update under the ordering guard; never touches a tombstone.
    Upsert,
    /// Mark deleted (time: the event's `created`). `stub`: the payload is Stripe's deleted
    /// stub (`{"id", "object", "deleted": true}`), whose columns must not replace the last
    /// known state.
    Tombstone { deleted_at: i64, stub: bool },
}

/// The writes `event` causes in `kind`'s family receiver, root object first.
pub(crate) fn plan(kind: &'static ObjectKind, event: &Event) -> Vec<(Snapshot, Write)> {
    let root = &event.data.object;
    let Some(id) = root.get("id").and_then(Value::as_str) else {
        return Vec::new();
    };
    let Some(object_name) = root_object_name(kind, event) else {
        return Vec::new();
    };
    let mut object = root.clone();
    let mut write = if event.type_.ends_with(".deleted") {
        Write::Tombstone {
            deleted_at: event.created,
            stub: root.get("deleted").and_then(Value::as_bool) == Some(true),
        }
    } else {
        Write::Upsert
    };
    match event.type_.as_str() {
        "customer.subscription.deleted" => {
            object["status"] = Value::from("canceled");
            write = Write::Upsert;
        }
        "payment_method.detached" => {
            object["customer"] = Value::Null;
            if id.starts_with("card_") {
                write = Write::Tombstone {
                    deleted_at: event.created,
                    stub: false,
                };
            }
        }
        _ => {}
    }
    let Some(snapshot) = Snapshot::new(kind, &object_name, &object, event) else {
        return Vec::new();
    };
    let mut writes = vec![(snapshot, write)];
    nested(root, event, true, &mut writes);
    writes
}

/// The type of `data.object` if `kind` holds it: its `object` member, or when that is absent
/// the type the event's family implies.
fn root_object_name(kind: &ObjectKind, event: &Event) -> Option<String> {
    match event.data.object.get("object") {
        Some(Value::String(name)) => kind.holds(name).then(|| name.clone()),
        Some(_) => None,
        None => {
            let family = event.type_.rsplit_once('.').map(|(family, _)| family)?;
            kind.implied_by
                .contains(&family)
                .then(|| kind.object_name().to_owned())
        }
    }
}

/// Collects the full objects of nested-synced types found under `value` (not `value` itself
/// when `is_root`).
fn nested(value: &Value, event: &Event, is_root: bool, writes: &mut Vec<(Snapshot, Write)>) {
    match value {
        Value::Object(members) => {
            if !is_root {
                if let Some(snapshot) = nested_snapshot(value, event) {
                    let seen = writes
                        .iter()
                        .any(|(s, _)| s.kind.table == snapshot.kind.table && s.id == snapshot.id);
                    if !seen {
                        writes.push((snapshot, Write::Upsert));
                    }
                }
            }
            for member in members.values() {
                nested(member, event, false, writes);
            }
        }
        Value::Array(items) => {
            for item in items {
                nested(item, event, false, writes);
            }
        }
        _ => {}
    }
}

fn nested_snapshot(value: &Value, event: &Event) -> Option<Snapshot> {
    let members = value.as_object()?;
    let name = members.get("object")?.as_str()?;
    let kind = kinds::by_object(name).filter(|kind| kind.nested)?;
    let full = members.len() > 2 && members.get("deleted").and_then(Value::as_bool) != Some(true);
    if !full {
        return None;
    }
    Snapshot::new(kind, name, value, event)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sync::kinds::{CHARGES, PAYMENT_METHODS, REFUNDS, SUBSCRIPTIONS};

    fn event(event_type: &str, object: Value) -> Event {
        serde_json::from_value(json!({
            "id": "evt_1", "type": event_type, "created": 1_700_000_000,
            "data": {"object": object}
        }))
        .unwrap()
    }

    fn summary(writes: &[(Snapshot, Write)]) -> Vec<(&str, &str, Write)> {
        writes
            .iter()
            .map(|(s, w)| (s.kind.table, s.id.as_str(), *w))
            .collect()
    }

    #[test]
    fn an_object_without_id_is_ignored() {
        let e = event("invoice.upcoming", json!({"object": "invoice", "total": 1}));
        assert!(plan(&crate::sync::kinds::INVOICES, &e).is_empty());
    }

    #[test]
    fn a_family_receiver_writes_only_its_own_type() {
        let refund = json!({"id": "re_1", "object": "refund", "amount": 5});
        let e = event("charge.refund.updated", refund);
        assert!(plan(&CHARGES, &e).is_empty());
        assert_eq!(
            summary(&plan(&REFUNDS, &e)),
            [("stripe_refunds", "re_1", Write::Upsert)]
        );
    }

    #[test]
    fn a_missing_object_member_is_implied_by_the_family() {
        let e = event("charge.dispute.created", json!({"id": "dp_1", "amount": 5}));
        assert!(plan(&CHARGES, &e).is_empty());
        let e = event("charge.succeeded", json!({"id": "ch_1", "amount": 5}));
        assert_eq!(plan(&CHARGES, &e)[0].0.object, "charge");
    }

    #[test]
    fn deletes_and_their_exceptions() {
        let stub = json!({"id": "ch_1", "object": "charge", "deleted": true});
        let w = plan(&CHARGES, &event("charge.deleted", stub));
        assert_eq!(
            w[0].1,
            Write::Tombstone {
                deleted_at: 1_700_000_000,
                stub: true
            }
        );

        let sub = json!({"id": "sub_1", "object": "subscription", "status": "active"});
        let w = plan(&SUBSCRIPTIONS, &event("customer.subscription.deleted", sub));
        assert_eq!(w[0].1, Write::Upsert);
        assert!(w[0].0.data.contains(r#""status":"canceled""#));

        let pm = json!({"id": "pm_1", "object": "payment_method", "customer": "cus_1"});
        let w = plan(&PAYMENT_METHODS, &event("payment_method.detached", pm));
        assert_eq!(w[0].1, Write::Upsert);
        assert_eq!(
            w[0].0.values[0],
            crate::sync::snapshot::ColumnValue::Text(None)
        );

        let card = json!({"id": "card_1", "object": "payment_method", "customer": "cus_1"});
        let w = plan(&PAYMENT_METHODS, &event("payment_method.detached", card));
        assert!(matches!(w[0].1, Write::Tombstone { stub: false, .. }));
    }

    #[test]
    fn nested_full_objects_are_collected_once_and_stubs_are_not() {
        let price = json!({"id": "price_1", "object": "price", "unit_amount": 500});
        let sub = json!({
            "id": "sub_1", "object": "subscription", "customer": "cus_1",
            "items": {"object": "list", "data": [
                {"id": "si_1", "object": "subscription_item", "price": price},
                {"id": "si_2", "object": "subscription_item", "price": price},
            ]},
            "default_payment_method": {"id": "pm_1", "object": "payment_method"},
            "discount": {"id": "di_1", "object": "discount", "coupon": {"id": "co_1", "object": "coupon", "deleted": true}},
        });
        let w = plan(&SUBSCRIPTIONS, &event("customer.subscription.updated", sub));
        assert_eq!(
            summary(&w),
            [
                ("stripe_subscriptions", "sub_1", Write::Upsert),
                ("stripe_prices", "price_1", Write::Upsert),
            ]
        );
    }
}
