//! The hand-written subscription reader against serde: whatever it accepts, serde must read
//! to the very same fields. Seed with the decoded subscription documents in `events/`.
#![no_main]

use bedrock_alerts::records::document::{read_subscription, RawDocument};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(fast) = read_subscription(data) {
        let general = serde_json::from_slice::<RawDocument>(data);
        assert!(general.is_ok(), "the reader accepted a document serde refuses");
        if let Ok(general) = general {
            assert_eq!(format!("{fast:?}"), format!("{general:?}"));
        }
    }
});
