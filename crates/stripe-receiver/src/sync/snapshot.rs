//! What one synced object contributes to its row: the common columns, the declared columns
//! extracted from its JSON, and the event that carries it (the ordering guard).

use serde_json::Value;

use super::kind::{ColumnType, ObjectKind};
use crate::Event;

/// One column's value, typed as its [`ColumnType`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ColumnValue {
    Text(Option<String>),
    Integer(Option<i64>),
    Float(Option<f64>),
    Boolean(Option<bool>),
}

/// One object as it is written to its table.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub kind: &'static ObjectKind,
    pub id: String,
    /// The object's `object` member (or the type implied by the event's family).
    pub object: String,
    /// The event's `account` (Connect).
    pub account: Option<String>,
    pub livemode: bool,
    pub created: Option<i64>,
    /// `metadata` as JSON text.
    pub metadata: Option<String>,
    /// The whole object as JSON text.
    pub data: String,
    /// The declared columns, in [`ObjectKind::columns`] order.
    pub values: Vec<ColumnValue>,
    /// The ordering guard: the carrying event's `created` (Unix seconds), its [`rank`] within
    /// that second, and its id.
    pub event_created: i64,
    pub event_rank: i64,
    pub event_id: String,
}

/// Where an event of `event_type` falls among the events about one object created in the same
/// second, by what its type means: `*.created` (0) before every other change (1) before
/// `*.deleted` (2). Stripe creates an object before it changes it and changes it before it
/// deletes it, while its event ids are random within a second, so the id cannot order them
/// (README "Ordering guard").
#[must_use]
pub(crate) fn rank(event_type: &str) -> i64 {
    match event_type
        .rsplit_once('.')
        .map_or(event_type, |(_, verb)| verb)
    {
        "created" => 0,
        "deleted" => 2,
        _ => 1,
    }
}

impl Snapshot {
    /// Builds the snapshot of `object` (a JSON object with a string `id`) as carried by `event`.
    /// `None` when `object` has no string `id`.
    pub(crate) fn new(
        kind: &'static ObjectKind,
        object_name: &str,
        object: &Value,
        event: &Event,
    ) -> Option<Self> {
        let id = object.get("id")?.as_str()?.to_owned();
        let values = kind
            .columns
            .iter()
            .map(|column| extract(column.ty, column.find(object)))
            .collect();
        Some(Self {
            kind,
            id,
            object: object_name.to_owned(),
            account: event.account.clone(),
            livemode: object
                .get("livemode")
                .and_then(Value::as_bool)
                .unwrap_or(event.livemode),
            created: object.get("created").and_then(Value::as_i64),
            metadata: object
                .get("metadata")
                .filter(|m| !m.is_null())
                .map(Value::to_string),
            data: object.to_string(),
            values,
            event_created: event.created,
            event_rank: rank(&event.type_),
            event_id: event.id.clone(),
        })
    }
}

/// Reads one column's value; a value of another JSON type is NULL, an expanded object in a
/// text column is its `id`.
fn extract(ty: ColumnType, value: Option<&Value>) -> ColumnValue {
    match ty {
        ColumnType::Text => ColumnValue::Text(value.and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        })),
        ColumnType::Integer => ColumnValue::Integer(value.and_then(Value::as_i64)),
        ColumnType::Float => ColumnValue::Float(value.and_then(Value::as_f64)),
        ColumnType::Boolean => ColumnValue::Boolean(value.and_then(Value::as_bool)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sync::kinds::{CHARGES, TAX_RATES};

    fn event(object: Value) -> Event {
        serde_json::from_value(json!({
            "id": "evt_1", "type": "charge.updated", "created": 1_700_000_100,
            "account": "acct_9", "livemode": true, "data": {"object": object}
        }))
        .unwrap()
    }

    #[test]
    fn columns_are_extracted_leniently() {
        let charge = json!({
            "id": "ch_1", "object": "charge", "amount": 1200, "currency": "eur",
            "customer": {"id": "cus_1", "object": "customer"}, "paid": "yes",
            "status": 7, "created": 1_699_999_999, "metadata": {"k": "v"}
        });
        let s = Snapshot::new(&CHARGES, "charge", &charge, &event(charge.clone())).unwrap();
        let value = |name: &str| {
            let i = CHARGES.columns.iter().position(|c| c.name == name).unwrap();
            s.values[i].clone()
        };
        assert_eq!(value("customer"), ColumnValue::Text(Some("cus_1".into())));
        assert_eq!(value("amount"), ColumnValue::Integer(Some(1200)));
        assert_eq!(value("paid"), ColumnValue::Boolean(None));
        assert_eq!(value("status"), ColumnValue::Text(None));
        assert_eq!(value("refunded"), ColumnValue::Boolean(None));
        assert_eq!(s.account.as_deref(), Some("acct_9"));
        assert!(s.livemode, "the event's livemode when the object has none");
        assert_eq!(s.created, Some(1_699_999_999));
        assert_eq!(s.metadata.as_deref(), Some(r#"{"k":"v"}"#));
        assert_eq!(
            (s.event_created, s.event_id.as_str()),
            (1_700_000_100, "evt_1")
        );
    }

    #[test]
    fn ranks_by_what_the_event_means() {
        assert_eq!(rank("customer.subscription.created"), 0);
        assert_eq!(rank("checkout.session.completed"), 1);
        assert_eq!(rank("customer.subscription.updated"), 1);
        assert_eq!(rank("payment_method.detached"), 1);
        assert_eq!(rank("customer.subscription.deleted"), 2);
        assert_eq!(rank("invoice.created"), 0);
        assert_eq!(rank("deleted"), 2);
    }

    #[test]
    fn a_fraction_and_a_missing_id() {
        let rate = json!({"id": "txr_1", "object": "tax_rate", "percentage": 7.25});
        let s = Snapshot::new(&TAX_RATES, "tax_rate", &rate, &event(rate.clone())).unwrap();
        let i = TAX_RATES
            .columns
            .iter()
            .position(|c| c.name == "percentage")
            .unwrap();
        assert_eq!(s.values[i], ColumnValue::Float(Some(7.25)));
        let no_id = json!({"object": "charge"});
        assert!(Snapshot::new(&CHARGES, "charge", &no_id, &event(no_id.clone())).is_none());
    }
}
