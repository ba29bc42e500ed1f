//! Deserializers that accept the shapes Stripe's fields take across API versions.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An expandable field: `"cus_..."`, an expanded object (its `id`), or null/absent (`None`).
/// Any other shape reads as `None` rather than failing the whole object.
pub(super) fn id_or_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(id) => Some(id),
        Value::Object(members) => members.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    })
}

/// `metadata`: a map of strings; null reads as empty, non-string values as their JSON text.
pub(super) fn metadata<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(members) => members
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
        _ => BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::id_or_object")]
        customer: Option<String>,
        #[serde(default, deserialize_with = "super::metadata")]
        metadata: std::collections::BTreeMap<String, String>,
    }

    #[test]
    fn shapes() {
        let p: Probe =
            serde_json::from_value(json!({"customer": {"id": "cus_1"}, "metadata": null})).unwrap();
        assert_eq!(p.customer.as_deref(), Some("cus_1"));
        assert!(p.metadata.is_empty());
        let p: Probe =
            serde_json::from_value(json!({"customer": 5, "metadata": {"n": 1}})).unwrap();
        assert_eq!(p.customer, None);
        assert_eq!(p.metadata["n"], "1");
        let p: Probe = serde_json::from_value(json!({})).unwrap();
        assert_eq!(p.customer, None);
    }
}
