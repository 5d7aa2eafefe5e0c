//! Any bytes as an input: gzip sniffing, multi-member inflate, framing, parsing, classifying.
#![no_main]

use bedrock_alerts::{Engine, Limits, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let engine = Engine::new(Policy { guardrail_as_warn: true, ..Policy::default() }, Limits { max_decoded_bytes: 1 << 20 });
    let mut findings = 0usize;
    let report = engine.scan_bytes("fuzz", data, &mut |f| {
        assert!(f.reasons.iter().all(|r| r.len() <= 1024));
        findings += 1;
    });
    assert_eq!(report.counts.errors + report.counts.warnings, findings as u64);
});
