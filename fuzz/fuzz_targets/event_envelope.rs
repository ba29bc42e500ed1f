//! `Event::from_slice` on any bytes: it never panics, and an event it accepts keeps the rules
//! of the envelope (`id` and `type` non-empty, `data.object` a JSON object) and survives a
//! round trip through its own serialization.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stripe_receiver::Event;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = Event::from_slice(data) else {
        return;
    };
    assert!(!event.id.is_empty() && !event.type_.is_empty(), "{event:?}");
    assert!(event.data.object.is_object(), "{event:?}");
    // The accessors answer for any accepted event.
    let _ = event.object_id();
    let _ = event.object_kind();
    let _ = event.previous_attributes();

    let json = serde_json::to_vec(&event).expect("an event serializes");
    let again = Event::from_slice(&json).expect("an event's own serialization parses");
    assert_eq!(
        again,
        event,
        "round trip through {}",
        String::from_utf8_lossy(&json)
    );
});
