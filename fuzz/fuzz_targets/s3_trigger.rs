//! S3 function envelopes: notifications, EventBridge, SQS/SNS wrapping, Batch Operations,
//! and key decoding.
#![no_main]

use bedrock_alerts::triggers::object_events::parse_trigger;
use bedrock_alerts::triggers::object_ref::{decode_key, KeyFilter, ObjectRef};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = parse_trigger(&value);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = decode_key(text);
        let _ = KeyFilter::default().skip(&ObjectRef::from_encoded("b", text, None));
    }
});
