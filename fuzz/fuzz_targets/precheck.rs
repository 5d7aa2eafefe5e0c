//! The pre-check against the full parse: on any bytes, read as a file or as the message of
//! a CloudWatch Logs event, the engine finds what the strict engine finds, apart from bad
//! records the pre-check counted as healthy invocations (each such record takes away at
//! most one bad record). Seed with the lines of `events/objects/*.ndjson`.
#![no_main]

use bedrock_alerts::rules::finding::UNPARSEABLE_RECORD;
use bedrock_alerts::{Counts, Engine, Finding, Policy};
use libfuzzer_sys::fuzz_target;

fn scan(bytes: &[u8], guardrail_as_warn: bool, strict: bool) -> (Vec<Finding>, Counts) {
    let policy = Policy {
        guardrail_as_warn,
        ..Policy::default()
    };
    let engine = Engine {
        strict,
        policy,
        ..Engine::default()
    };
    let mut findings = Vec::new();
    let report = engine.scan_bytes("fuzz", bytes, &mut |f| {
        if f.status != UNPARSEABLE_RECORD {
            findings.push(f)
        }
    });
    (findings, report.counts)
}

fn as_log_event(data: &[u8]) -> Vec<u8> {
    let message = String::from_utf8_lossy(data);
    serde_json::to_vec(&serde_json::json!({"messageType": "DATA_MESSAGE", "owner": "1",
        "logGroup": "g", "logStream": "s", "subscriptionFilters": ["f"],
        "logEvents": [{"id": "1", "timestamp": 1, "message": message}]}))
    .unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    for bytes in [data.to_vec(), as_log_event(data)] {
        for guardrail_as_warn in [false, true] {
            let (fast, fast_counts) = scan(&bytes, guardrail_as_warn, false);
            let (full, full_counts) = scan(&bytes, guardrail_as_warn, true);
            assert_eq!(fast, full, "the pre-check changed a finding");
            let passed = fast_counts.invocation_records - full_counts.invocation_records;
            assert!(fast_counts.bad_records <= full_counts.bad_records);
            assert!(full_counts.bad_records - fast_counts.bad_records <= passed);
        }
    }
});
