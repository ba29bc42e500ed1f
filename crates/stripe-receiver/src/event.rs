//! The Stripe event envelope, as receivers see it.
//!
//! Shape: Stripe's `event` object (<https://docs.stripe.com/api/events/object>). Parsing is
//! lenient where real payloads vary across API versions: `api_version`, `request`, `account`,
//! `pending_webhooks` and `data.previous_attributes` may be absent; `request` may be a string
//! (API versions before 2017-05-25), an object whose members are null, or null; unknown members
//! are ignored. `id`, `type`, `created` and `data.object` are required.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A Stripe event, parsed from a verified delivery body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// Stripe's event id, `evt_...`. Unique per event; redeliveries carry the same id.
    pub id: String,
    /// The event type, e.g. `charge.succeeded`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The API version `data.object` is rendered in (e.g. `2024-06-20`); absent on old events.
    #[serde(default)]
    pub api_version: Option<String>,
    /// `true` for live-mode events, `false` for test mode.
    #[serde(default)]
    pub livemode: bool,
    /// The connected account (`acct_...`) for Connect events; `None` for the platform's own.
    #[serde(default)]
    pub account: Option<String>,
    /// When the event was created, Unix seconds.
    pub created: i64,
    /// The API request that caused the event, if any.
    #[serde(default, deserialize_with = "lenient_request")]
    pub request: EventRequest,
    /// The object the event is about, and what changed.
    pub data: EventData,
}

/// The API request behind an event (`event.request`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRequest {
    /// The request id, `req_...`; `None` for events not caused by an API request.
    #[serde(default)]
    pub id: Option<String>,
    /// The `Idempotency-Key` the request was sent with, if any.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// `event.data`: the object and, for `*.updated` events, the previous values of changed fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The Stripe object as of the event (a JSON object: a charge, a customer, ...).
    pub object: Value,
    /// For `*.updated` events: the fields that changed, with their values before the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<Value>,
}

/// Errors reading an [`Event`]'s body or its `data.object`.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The body is not JSON (or not UTF-8).
    #[error("body is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON but not a Stripe event (a required member is missing or of the wrong type).
    #[error("body is not a Stripe event: {0}")]
    NotAnEvent(String),
    /// `data.object` has no string `id` (e.g. `invoice.upcoming`).
    #[error("event {event_id} ({event_type}) has no data.object.id")]
    NoObjectId {
        /// The event's id.
        event_id: String,
        /// The event's type.
        event_type: String,
    },
    /// `data.object` did not deserialize into the requested type.
    #[error("data.object of event {event_id} does not deserialize: {source}")]
    Object {
        /// The event's id.
        event_id: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
}

impl Event {
    /// Parses a delivery body. Call only on bytes whose signature was verified.
    ///
    /// # Errors
    /// [`EventError::NotJson`] if the bytes are not JSON (invalid UTF-8 included);
    /// [`EventError::NotAnEvent`] if `object` is present and not `"event"`, or `id`, `type`,
    /// `created` or `data.object` (a JSON object) is missing.
    pub fn from_slice(body: &[u8]) -> Result<Self, EventError> {
        // One pass straight into the event for the bodies Stripe sends; anything it rejects is
        // parsed again the slow way, which says precisely what is wrong.
        if let Ok(wire) = serde_json::from_slice::<WireEvent>(body) {
            if let Some(event) = wire.into_event() {
                return Ok(event);
            }
        }
        Self::from_slice_checked(body)
    }

    /// The rules of [`Event::from_slice`] one at a time, through a JSON value: the slow path,
    /// taken for bodies the one-pass parse rejects, to name what is wrong.
    fn from_slice_checked(body: &[u8]) -> Result<Self, EventError> {
        let value: Value = serde_json::from_slice(body).map_err(EventError::NotJson)?;
        let Some(members) = value.as_object() else {
            return Err(EventError::NotAnEvent(format!(
                "the body is a JSON {}, not an event object",
                json_kind(&value)
            )));
        };
        for required in ["id", "type", "created", "data"] {
            if !members.contains_key(required) {
                return Err(EventError::NotAnEvent(format!("`{required}` is missing")));
            }
        }
        if value["data"].get("object").is_none() {
            return Err(EventError::NotAnEvent("`data.object` is missing".into()));
        }
        if let Some(kind) = value.get("object") {
            if kind != "event" {
                return Err(EventError::NotAnEvent(format!(
                    "\"object\" is {kind}, expected \"event\""
                )));
            }
        }
        let event: Self =
            serde_json::from_value(value).map_err(|e| EventError::NotAnEvent(e.to_string()))?;
        if !event.data.object.is_object() {
            return Err(EventError::NotAnEvent(
                "data.object is not a JSON object".into(),
            ));
        }
        if event.id.is_empty() || event.type_.is_empty() {
            return Err(EventError::NotAnEvent("empty id or type".into()));
        }
        Ok(event)
    }

    /// `data.object.id`, the id of the object the event is about (`ch_...`, `cus_...`).
    ///
    /// # Errors
    /// [`EventError::NoObjectId`] when the object has no string `id` (e.g. `invoice.upcoming`).
    pub fn object_id(&self) -> Result<&str, EventError> {
        self.data
            .object
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| EventError::NoObjectId {
                event_id: self.id.clone(),
                event_type: self.type_.clone(),
            })
    }

    /// `data.object.object`, the object's kind (`charge`, `customer`, ...), if present.
    #[must_use]
    pub fn object_kind(&self) -> Option<&str> {
        self.data.object.get("object").and_then(Value::as_str)
    }

    /// Deserializes `data.object` into a type of yours (fields you do not declare are ignored
    /// by serde unless your type says otherwise).
    ///
    /// # Errors
    /// [`EventError::Object`] with serde's message when the object does not fit `T`.
    pub fn object_as<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        T::deserialize(&self.data.object).map_err(|source| EventError::Object {
            event_id: self.id.clone(),
            source,
        })
    }

    /// `data.previous_attributes`, present on `*.updated` events.
    #[must_use]
    pub fn previous_attributes(&self) -> Option<&Value> {
        self.data.previous_attributes.as_ref()
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `request` is a string on API versions before 2017-05-25, an object after, and may be null.
fn lenient_request<'de, D: Deserializer<'de>>(d: D) -> Result<EventRequest, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Id(String),
        Object(EventRequest),
        Null(()),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        Some(Raw::Id(id)) => EventRequest {
            id: Some(id),
            idempotency_key: None,
        },
        Some(Raw::Object(r)) => r,
        Some(Raw::Null(())) | None => EventRequest::default(),
    })
}

/// An event as sent, for [`Event::from_slice`]'s one-pass parse: the event's members plus the
/// `object` tag that must say `"event"` when present.
#[derive(Deserialize)]
struct WireEvent {
    #[serde(default)]
    object: Option<Value>,
    id: String,
    #[serde(rename = "type")]
    type_: String,
    #[serde(default)]
    api_version: Option<String>,
    #[serde(default)]
    livemode: bool,
    #[serde(default)]
    account: Option<String>,
    created: i64,
    #[serde(default, deserialize_with = "lenient_request")]
    request: EventRequest,
    data: EventData,
}

impl WireEvent {
    /// The event, when it passes every rule of [`Event::from_slice`]; `None` sends the body to
    /// the slow path for its error.
    fn into_event(self) -> Option<Event> {
        let tagged = self.object.as_ref().is_none_or(|kind| kind == "event");
        let valid =
            tagged && self.data.object.is_object() && !self.id.is_empty() && !self.type_.is_empty();
        valid.then_some(Event {
            id: self.id,
            type_: self.type_,
            api_version: self.api_version,
            livemode: self.livemode,
            account: self.account,
            created: self.created,
            request: self.request,
            data: self.data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(request: &str) -> String {
        format!(
            r#"{{"id":"evt_1","object":"event","type":"charge.succeeded","created":1700000000,"livemode":false,
               {request}"data":{{"object":{{"id":"ch_1","object":"charge","amount":500}}}},"extra_top":{{"x":1}}}}"#
        )
    }

    /// The one-pass parse and the checked slow path accept the same bodies and build the same
    /// event; what one refuses the other refuses too.
    #[test]
    fn one_pass_and_checked_parse_agree() {
        let ok = base("");
        let cases = [
            ok.clone(),
            ok.replace(r#""object":"event","#, ""),
            ok.replace(r#""object":"event""#, r#""object":"charge""#),
            ok.replace(r#""object":"event""#, r#""object":7"#),
            ok.replace(r#""id":"evt_1""#, r#""id":"""#),
            ok.replace(r#""type":"charge.succeeded""#, r#""type":"""#),
            ok.replace(r#"{"id":"ch_1","object":"charge","amount":500}"#, "[1,2]"),
            ok.replace(r#""created":1700000000"#, r#""created":"soon""#),
            ok.replace(r#""livemode":false"#, r#""livemode":false,"livemode":true"#),
            base(r#""request":"req_legacy","#),
            base(r#""request":{"id":null,"idempotency_key":"k"},"#),
            "[]".into(),
            "{".into(),
        ];
        for body in cases {
            let fast = Event::from_slice(body.as_bytes());
            let slow = Event::from_slice_checked(body.as_bytes());
            match (&fast, &slow) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{body}"),
                _ => panic!("disagree on {body}: {fast:?} vs {slow:?}"),
            }
        }
        assert!(Event::from_slice(ok.as_bytes()).is_ok());
    }

    #[test]
    fn request_shapes() {
        let e = Event::from_slice(base(r#""request":"req_abc","#).as_bytes()).unwrap();
        assert_eq!(e.request.id.as_deref(), Some("req_abc"));
        let e =
            Event::from_slice(base(r#""request":{"id":null,"idempotency_key":null},"#).as_bytes())
                .unwrap();
        assert_eq!(e.request, EventRequest::default());
        let e = Event::from_slice(
            base(r#""request":{"id":"req_1","idempotency_key":"k"},"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(e.request.idempotency_key.as_deref(), Some("k"));
        let e = Event::from_slice(base(r#""request":null,"#).as_bytes()).unwrap();
        assert_eq!(e.request, EventRequest::default());
        let e = Event::from_slice(base("").as_bytes()).unwrap();
        assert_eq!(e.request, EventRequest::default());
        assert_eq!(e.api_version, None);
    }

    #[test]
    fn accessors() {
        let e = Event::from_slice(base("").as_bytes()).unwrap();
        assert_eq!(e.object_id().unwrap(), "ch_1");
        assert_eq!(e.object_kind(), Some("charge"));
        #[derive(Deserialize)]
        struct Charge {
            amount: i64,
        }
        assert_eq!(e.object_as::<Charge>().unwrap().amount, 500);
    }

    #[test]
    fn not_an_event() {
        assert!(matches!(
            Event::from_slice(b"\xff\xfe"),
            Err(EventError::NotJson(_))
        ));
        assert!(matches!(
            Event::from_slice(br#"{"object":"charge","id":"ch_1"}"#),
            Err(EventError::NotAnEvent(_))
        ));
        assert!(matches!(
            Event::from_slice(br#"{"id":"evt_1","type":"x.y","created":1}"#),
            Err(EventError::NotAnEvent(_))
        ));
        assert!(matches!(
            Event::from_slice(br#"{"id":"evt_1","type":"x.y","created":1,"data":{"object":3}}"#),
            Err(EventError::NotAnEvent(_))
        ));
        assert!(matches!(
            Event::from_slice(b"[]"),
            Err(EventError::NotAnEvent(_))
        ));
    }

    #[test]
    fn messages_name_what_is_missing() {
        let msg = |body: &[u8]| Event::from_slice(body).unwrap_err().to_string();
        assert!(msg(b"[1,2]").contains("a JSON array, not an event object"));
        assert!(
            msg(br#"{"id":"evt_1","object":"event","type":"x.y","created":1,"data":{}}"#)
                .contains("`data.object` is missing")
        );
        assert!(msg(br#"{"id":"evt_1","type":"x.y","data":{"object":{}}}"#)
            .contains("`created` is missing"));
    }

    #[test]
    fn no_object_id() {
        let e = Event::from_slice(
            br#"{"id":"evt_1","type":"invoice.upcoming","created":1,"data":{"object":{"object":"invoice"}}}"#,
        )
        .unwrap();
        assert!(matches!(e.object_id(), Err(EventError::NoObjectId { .. })));
    }
}
