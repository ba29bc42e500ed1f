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
    /// [`EventError::NotAnEvent`] if the body or its `data` is not a JSON object, `object` is
    /// present and not `"event"`, `id`, `type`, `created` or `data.object` (a JSON object) is
    /// missing, or `id` or `type` is empty, longer than [`MAX_ID_BYTES`] bytes or holds a
    /// control character (Stripe's are short ASCII names; such a body is not Stripe's).
    ///
    /// A NUL character (`\u0000`) in any other string of the event (a description, metadata,
    /// an idempotency key: values users set) is replaced with U+FFFD: PostgreSQL's `text` and
    /// `jsonb` cannot hold NUL, and both backends store the same event. The delivery row keeps
    /// the exact bytes.
    pub fn from_slice(body: &[u8]) -> Result<Self, EventError> {
        // One pass straight into the event for the bodies Stripe sends; anything it rejects is
        // parsed again the slow way, which says precisely what is wrong. serde's derived
        // readers also take a struct written as a JSON array, so only an object goes the
        // fast way.
        let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let mut event = match serde_json::from_slice::<WireEvent>(body) {
            Ok(wire) if is_object => match wire.into_event() {
                Some(event) => event,
                None => Self::from_slice_checked(body)?,
            },
            _ => Self::from_slice_checked(body)?,
        };
        if memchr::memmem::find(body, br"\u0000").is_some() {
            event.replace_nul();
        }
        Ok(event)
    }

    /// Replaces NUL characters in every string of the event (member names included) with
    /// U+FFFD (see [`Event::from_slice`]).
    fn replace_nul(&mut self) {
        for text in [&mut self.api_version, &mut self.account]
            .into_iter()
            .chain([&mut self.request.id, &mut self.request.idempotency_key])
            .flatten()
        {
            replace_nul_in(text);
        }
        replace_nul_in_value(&mut self.data.object);
        if let Some(previous) = &mut self.data.previous_attributes {
            replace_nul_in_value(previous);
        }
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
        for (name, value) in [("id", &event.id), ("type", &event.type_)] {
            if let Err(reason) = check_name(value) {
                return Err(EventError::NotAnEvent(format!("`{name}` {reason}")));
            }
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

/// The longest event `id` and `type` accepted, bytes. Stripe's event ids are about 30 bytes and
/// its event type names under 80; 255 leaves room and keeps both indexable on PostgreSQL.
pub const MAX_ID_BYTES: usize = 255;

/// Whether `value` can be an event's `id` or `type`: non-empty, at most [`MAX_ID_BYTES`] bytes,
/// no control character. The error says which rule failed.
fn check_name(value: &str) -> Result<(), String> {
    if value.is_empty() {
        Err("is empty".into())
    } else if value.len() > MAX_ID_BYTES {
        Err(format!(
            "is {} bytes long, more than {MAX_ID_BYTES}",
            value.len()
        ))
    } else if value.chars().any(char::is_control) {
        Err("holds a control character".into())
    } else {
        Ok(())
    }
}

fn replace_nul_in(text: &mut String) {
    if text.contains('\0') {
        *text = text.replace('\0', "\u{FFFD}");
    }
}

fn replace_nul_in_value(value: &mut Value) {
    match value {
        Value::String(text) => replace_nul_in(text),
        Value::Array(items) => items.iter_mut().for_each(replace_nul_in_value),
        Value::Object(members) => {
            if members.keys().any(|k| k.contains('\0')) {
                *members = std::mem::take(members)
                    .into_iter()
                    .map(|(mut k, v)| {
                        replace_nul_in(&mut k);
                        (k, v)
                    })
                    .collect();
            }
            members.values_mut().for_each(replace_nul_in_value);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
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
    #[serde(deserialize_with = "data_object")]
    data: EventData,
}

/// `data` as a JSON object only (serde's derived reader would also take an array).
fn data_object<'de, D: Deserializer<'de>>(d: D) -> Result<EventData, D::Error> {
    let mut members = serde_json::Map::<String, Value>::deserialize(d)?;
    let object = members
        .remove("object")
        .ok_or_else(|| serde::de::Error::missing_field("object"))?;
    let previous_attributes = members
        .remove("previous_attributes")
        .filter(|v| !v.is_null());
    Ok(EventData {
        object,
        previous_attributes,
    })
}

impl WireEvent {
    /// The event, when it passes every rule of [`Event::from_slice`]; `None` sends the body to
    /// the slow path for its error.
    fn into_event(self) -> Option<Event> {
        let tagged = self.object.as_ref().is_none_or(|kind| kind == "event");
        let valid = tagged
            && self.data.object.is_object()
            && check_name(&self.id).is_ok()
            && check_name(&self.type_).is_ok();
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

    #[test]
    fn arrays_are_not_events() {
        let msg = |body: &[u8]| Event::from_slice(body).unwrap_err().to_string();
        // serde's derived readers take a struct written as an array, field by field.
        assert!(
            msg(br#"["event","evt_1","x.y",null,false,null,1,null,{"object":{}}]"#)
                .contains("a JSON array, not an event object")
        );
        assert!(
            msg(br#"{"id":"evt_1","type":"x.y","created":1,"data":[{"object":{}}]}"#)
                .contains("`data.object` is missing")
        );
    }

    #[test]
    fn id_and_type_are_short_printable_names() {
        let body = |id: &str, ty: &str| {
            serde_json::json!({"id": id, "type": ty, "created": 1, "data": {"object": {}}})
                .to_string()
        };
        let msg = |b: String| Event::from_slice(b.as_bytes()).unwrap_err().to_string();
        let long = "e".repeat(MAX_ID_BYTES + 1);
        assert!(msg(body(&long, "x.y")).contains("`id` is 256 bytes long, more than 255"));
        assert!(msg(body("evt_1", &long)).contains("`type` is 256 bytes long"));
        assert!(msg(body("evt_1", "x.\u{0}")).contains("`type` holds a control character"));
        assert!(msg(body("evt\n1", "x.y")).contains("`id` holds a control character"));
        assert!(msg(body("", "x.y")).contains("`id` is empty"));
        let longest = "e".repeat(MAX_ID_BYTES);
        assert_eq!(
            Event::from_slice(body(&longest, "x.y").as_bytes())
                .unwrap()
                .id,
            longest
        );
    }

    #[test]
    fn nul_in_values_becomes_the_replacement_character() {
        let body = br#"{"id":"evt_1","type":"x.y","created":1,"account":"acct_\u0000",
            "request":{"id":null,"idempotency_key":"k\u0000"},
            "data":{"object":{"description":"a\u0000b","list":["\u0000"],"k\u0000":1},
                    "previous_attributes":{"d":"\u0000"}}}"#;
        let e = Event::from_slice(body).unwrap();
        assert_eq!(e.data.object["description"], "a\u{FFFD}b");
        assert_eq!(e.data.object["list"][0], "\u{FFFD}");
        assert_eq!(e.data.object["k\u{FFFD}"], 1);
        assert_eq!(e.previous_attributes().unwrap()["d"], "\u{FFFD}");
        assert_eq!(e.account.as_deref(), Some("acct_\u{FFFD}"));
        assert_eq!(e.request.idempotency_key.as_deref(), Some("k\u{FFFD}"));
        // An escaped backslash before `u0000` is text, not a NUL: left alone.
        let text = br#"{"id":"evt_1","type":"x.y","created":1,"data":{"object":{"d":"\\u0000"}}}"#;
        assert_eq!(Event::from_slice(text).unwrap().data.object["d"], "\\u0000");
    }
}
