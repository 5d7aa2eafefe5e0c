//! CloudWatch Logs subscription data: base64, gzip, the subscription document, its messages.
#![no_main]

use bedrock_alerts::records::envelope;
use bedrock_alerts::{Engine, Limits, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = envelope::decode_payload(text, 1 << 20);
        let event = serde_json::json!({ "awslogs": { "data": text } }).to_string();
        let engine = Engine::new(Policy::default(), Limits { max_decoded_bytes: 1 << 20 });
        let _ = engine.scan_bytes("fuzz", event.as_bytes(), &mut |_| {});
    }
    // The bytes as an already-decoded subscription document.
    let engine = Engine::new(Policy::default(), Limits { max_decoded_bytes: 1 << 20 });
    let _ = engine.scan_bytes("fuzz", data, &mut |_| {});
});
