//! Property tests: every decoder survives arbitrary input, round-trips what it should, the
//! pre-check never hides a finding, and every rendered alert obeys the SNS rules whatever
//! the findings hold.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use base64::Engine as _;
use bedrock_alerts::input::decode;
use bedrock_alerts::input::framing::frames_of;
use bedrock_alerts::outputs::alerts::{build_alerts, AlertOptions, MAX_SUBJECT_CHARS};
use bedrock_alerts::records::document::{self, Document, Kind, RawDocument};
use bedrock_alerts::records::envelope;
use bedrock_alerts::rules::finding::UNPARSEABLE_RECORD;
use bedrock_alerts::rules::{invocation, precheck};
use bedrock_alerts::triggers::object_events::parse_trigger;
use bedrock_alerts::triggers::object_ref::decode_key;
use bedrock_alerts::{Engine, Finding, Limits, Origin, Policy, Severity, Source};
use proptest::prelude::*;
use std::io::Write;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Arbitrary JSON values, a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(".{0,12}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn small_engine() -> Engine {
    Engine::new(
        Policy::default(),
        Limits {
            max_decoded_bytes: 1 << 20,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn framing_finds_exactly_the_documents_written(
        docs in prop::collection::vec(json_value().prop_filter("containers", |v| v.is_object() || v.is_array()), 0..8),
        separators in prop::collection::vec(prop::sample::select(vec!["", "\n", " ", "\r\n", "\n\n", "\t"]), 8),
    ) {
        let mut input = Vec::new();
        for (doc, sep) in docs.iter().zip(separators.iter().cycle()) {
            input.extend_from_slice(serde_json::to_string(doc).unwrap().as_bytes());
            input.extend_from_slice(sep.as_bytes());
        }
        let mut found = Vec::new();
        frames_of(&input, |frame| found.push(serde_json::from_slice::<serde_json::Value>(frame.bytes).unwrap()));
        prop_assert_eq!(found, docs);
    }

    #[test]
    fn the_engine_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut findings = Vec::new();
        let report = small_engine().scan_bytes("fuzz", bytes.as_slice(), &mut |f| findings.push(f));
        prop_assert!(findings.iter().all(|f| f.reasons.iter().all(|r| r.len() <= 1024)));
        prop_assert_eq!(report.counts.inputs, 1);
    }

    #[test]
    fn the_engine_survives_any_json(value in json_value()) {
        let text = serde_json::to_vec(&value).unwrap();
        let _ = small_engine().scan_bytes("fuzz", text.as_slice(), &mut |_| {});
        let _ = Document::parse(&text).unwrap();
    }

    #[test]
    fn gzip_members_split_anywhere_decode_to_the_input(
        data in prop::collection::vec(any::<u8>(), 0..20_000),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(data.len() + 1)).collect();
        points.sort_unstable();
        let mut encoded = Vec::new();
        let mut start = 0;
        for point in points.into_iter().chain(std::iter::once(data.len())) {
            encoded.extend(gzip(&data[start..point]));
            start = point;
        }
        prop_assert_eq!(decode::decode_all(&encoded, 1 << 20).unwrap(), data);
    }

    #[test]
    fn payload_decoding_never_panics(text in ".*", bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = envelope::decode_payload(&text, 1 << 16);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let _ = envelope::decode_payload(&encoded, 1 << 16);
    }

    #[test]
    fn key_decoding_inverts_form_encoding(key in "\\PC{0,40}") {
        let encoded: String = key
            .bytes()
            .map(|b| match b {
                b' ' => "+".to_owned(),
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => (b as char).to_string(),
                other => format!("%{other:02X}"),
            })
            .collect();
        prop_assert_eq!(decode_key(&encoded), key);
    }

    #[test]
    fn trigger_parsing_never_panics(value in json_value()) {
        let _ = parse_trigger(&value);
        let wrapped = serde_json::json!({"Records": [{"eventSource": "aws:sqs", "messageId": "m", "body": value.to_string()}]});
        let _ = parse_trigger(&wrapped);
    }

    #[test]
    fn every_alert_obeys_the_sns_rules(
        findings in prop::collection::vec(arbitrary_finding(), 1..30),
        max_bytes in 2_048usize..20_000,
    ) {
        let options = AlertOptions { max_message_bytes: max_bytes, max_alerts: 5, ..AlertOptions::default() };
        for alert in build_alerts(&findings, &options) {
            prop_assert!(alert.subject.is_ascii());
            prop_assert!(!alert.subject.is_empty() && alert.subject.chars().count() <= MAX_SUBJECT_CHARS);
            prop_assert!(!alert.subject.chars().any(|c| c.is_control()));
            prop_assert!(alert.message.len() <= max_bytes, "{} > {}", alert.message.len(), max_bytes);
            let doc: serde_json::Value = serde_json::from_str(&alert.message).unwrap();
            prop_assert!(doc["default"].is_string());
            prop_assert!(alert.attributes.len() <= 10);
            for (name, value) in &alert.attributes {
                prop_assert!(!name.is_empty() && name.len() <= 256);
                prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)));
                prop_assert!(!value.is_empty() && value.len() <= 256);
                prop_assert!(!value.chars().any(char::is_control));
            }
            prop_assert_eq!(alert.id.len(), 64);
            prop_assert!(alert.group_id.len() <= 128);
        }
    }
}

/// A subscription document as CloudWatch Logs writes it, with arbitrary text in its strings
/// (messages are JSON or anything at all), compact or pretty.
fn subscription_document() -> impl Strategy<Value = Vec<u8>> {
    let message = prop_oneof![".*", json_value().prop_map(|v| v.to_string())];
    let event = (".{0,20}", any::<u64>(), message)
        .prop_map(|(id, timestamp, message)| serde_json::json!({"id": id, "timestamp": timestamp, "message": message}));
    (".{0,30}", prop::collection::vec(event, 0..6), any::<bool>()).prop_map(
        |(log_group, events, pretty)| {
            let doc = serde_json::json!({"messageType": "DATA_MESSAGE", "owner": "111122223333",
                "logGroup": log_group, "logStream": "s", "subscriptionFilters": ["f"], "logEvents": events});
            match pretty {
                true => serde_json::to_vec_pretty(&doc).unwrap(),
                false => serde_json::to_vec(&doc).unwrap(),
            }
        },
    )
}

/// One byte edit: where, what (insert, replace or remove) and which byte.
type Edit = (prop::sample::Index, u8, u8);

/// One to `most - 1` edits with bytes drawn from `alphabet`.
fn edits(alphabet: &'static [u8], most: usize) -> impl Strategy<Value = Vec<Edit>> {
    let edit = (
        any::<prop::sample::Index>(),
        0..3u8,
        prop::sample::select(alphabet.to_vec()),
    );
    prop::collection::vec(edit, 1..most)
}

/// `bytes` with the edits made in turn.
fn damaged(mut bytes: Vec<u8>, edits: Vec<Edit>) -> Vec<u8> {
    for (index, edit, byte) in edits {
        let at = index.index(bytes.len() + 1);
        match edit {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => bytes[at] = byte,
            _ if at < bytes.len() => drop(bytes.remove(at)),
            _ => {}
        }
    }
    bytes
}

/// What the general reader makes of a document, in a comparable form.
fn general_reading(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<RawDocument>(bytes)
        .ok()
        .map(|doc| format!("{doc:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn the_subscription_reader_reads_what_serde_reads(doc in subscription_document()) {
        let fast = document::read_subscription(&doc).map(|doc| format!("{doc:?}"));
        prop_assert!(fast.is_some(), "refused {}", String::from_utf8_lossy(&doc));
        prop_assert_eq!(fast, general_reading(&doc));
    }

    /// Damaged documents: whatever the reader accepts, serde reads to the same fields.
    #[test]
    fn the_subscription_reader_never_disagrees_with_serde(
        doc in subscription_document(),
        edits in edits(b"\"\\u{}[],:0.e- \n\x01\xffabcdef9", 4),
    ) {
        let doc = damaged(doc, edits);
        if let Some(fast) = document::read_subscription(&doc) {
            prop_assert_eq!(Some(format!("{fast:?}")), general_reading(&doc), "{}", String::from_utf8_lossy(&doc));
        }
    }
}

prop_compose! {
    fn arbitrary_finding()(
        severity in prop::sample::select(vec![Severity::Warn, Severity::Error]),
        source in prop::sample::select(vec![Source::ModelInvocation, Source::KnowledgeBase, Source::Processor]),
        status in "\\PC{0,60}",
        model in proptest::option::of("\\PC{0,300}"),
        kb in proptest::option::of("[A-Z0-9]{0,10}"),
        reasons in prop::collection::vec("\\PC{0,3000}", 0..4),
        input in "\\PC{0,80}",
    ) -> Finding {
        let mut finding = Finding::new(severity, source, status);
        finding.model_id = model;
        finding.knowledge_base_id = kb;
        for reason in reasons {
            finding.push_reason(reason);
        }
        finding.origin = Origin::input(input);
        finding
    }
}

/// One top-level member of a generated record, as JSON text: the fields the engine reads
/// (with healthy and failing values), the keys of other document shapes, escaped and
/// unknown keys.
fn member() -> impl Strategy<Value = (String, String)> {
    let any_value = json_value().prop_map(|v| v.to_string());
    let field = |key: &'static str, values: Vec<&'static str>| {
        prop::sample::select(values).prop_map(move |v| (format!("\"{key}\""), v.to_owned()))
    };
    prop_oneof![
        4 => field("schemaType", vec!["\"ModelInvocationLog\"", "\"Other\"", "\"Model\\u0049nvocationLog\"", "null"]),
        3 => field("modelId", vec!["\"anthropic.claude-3-haiku-20240307-v1:0\"", "7", "null"]),
        3 => field("operation", vec!["\"Converse\"", "\"InvokeModelWithResponseStream\""]),
        3 => field("requestId", vec!["\"r-1\"", "\"\\ud800\""]),
        // Every value but null and "" is a failure, whatever its type.
        5 => field("errorCode", vec![
            "null", "\"ThrottlingException\"", "\"\"", "\" \"", "\"\\t\\n\"", "\"\\u0020\"", "500", "0",
            "-1.5", "true", "false", "[]", "[null]", "{}", "{\"a\":1}", "\" Throttling \"",
        ]),
        1 => field("errorMessage", vec!["\"Too many requests\"", "null"]),
        2 => field("output", vec![
            "{\"outputBodyJson\":{\"stopReason\":\"guardrail_intervened\"}}",
            "{\"outputBodyJson\":[{\"amazon-bedrock-guardrailAction\":\"INTERVENED\"},\"[DONE]\"]}",
            "{\"outputBodyJson\":{\"stopReason\":\"end_turn\",\"text\":\"a \\\"}\\\" ]\"}}",
        ]),
        1 => field("event_type", vec!["\"StartIngestionJob.ResourceStatusChanged\""]),
        1 => field("event_timestamp", vec!["1763650000000"]),
        1 => field("event", vec!["{\"status\":\"EMBEDDING_FAILED\"}", "{\"status\":\"RESOURCE_IGNORED\"}"]),
        1 => field("level", vec!["\"ERROR\""]),
        1 => field("messageType", vec!["\"DATA_MESSAGE\""]),
        1 => field("owner", vec!["\"111122223333\""]),
        1 => field("awslogs", vec!["{\"data\":\"H4sI\"}"]),
        1 => field("Records", vec!["[{\"kinesis\":{\"data\":\"H4sI\"}}]"]),
        1 => field("error\\u0043ode", vec!["\"ThrottlingException\""]),
        3 => ("[a-zA-Z]{1,12}", any_value).prop_map(|(k, v)| (format!("\"{k}\""), v)),
        // A failure nested in a body, which a damaged record may bring to the top level.
        1 => ("[a-z]{1,4}", prop::sample::select(vec![
            "{\"modelId\":\"m\",\"operation\":\"o\",\"errorCode\":\"ThrottlingException\"}",
            "{\"event_type\":\"StartIngestionJob.ResourceStatusChanged\",\"event_timestamp\":1,\"event\":{\"status\":\"EMBEDDING_FAILED\"}}",
        ])).prop_map(|(k, v)| (format!("\"{k}\""), v.to_owned())),
    ]
}

/// A generated record, compact or loosely spaced; members may repeat.
fn record() -> impl Strategy<Value = String> {
    (prop::collection::vec(member(), 0..10), any::<bool>()).prop_map(|(members, spaced)| {
        let (colon, comma) = if spaced { (" : ", " , ") } else { (":", ",") };
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{k}{colon}{v}"))
            .collect();
        format!("{{{}}}", body.join(comma))
    })
}

/// Generated records as NDJSON lines, and whether to send them as CloudWatch Logs events.
fn batch() -> impl Strategy<Value = (Vec<u8>, bool)> {
    (prop::collection::vec(record(), 1..8), any::<bool>())
        .prop_map(|(records, subscription)| (records.join("\n").into_bytes(), subscription))
}

/// NDJSON as it is, or each of its lines as the message of a log event in a subscription
/// document.
fn delivered(ndjson: &[u8], subscription: bool) -> Vec<u8> {
    if !subscription {
        return ndjson.to_vec();
    }
    let events: Vec<_> = ndjson
        .split(|b| *b == b'\n')
        .enumerate()
        .map(|(i, line)| {
            let message = String::from_utf8_lossy(line);
            serde_json::json!({"id": i.to_string(), "timestamp": 1, "message": message})
        })
        .collect();
    serde_json::to_vec(
        &serde_json::json!({"messageType": "DATA_MESSAGE", "owner": "111122223333",
        "logGroup": "g", "logStream": "s", "subscriptionFilters": ["f"], "logEvents": events}),
    )
    .unwrap()
}

fn policy(guardrail_as_warn: bool) -> Policy {
    Policy {
        guardrail_as_warn,
        ..Policy::default()
    }
}

/// Findings and counts of a scan, with or without the pre-check.
fn scan(
    bytes: &[u8],
    guardrail_as_warn: bool,
    strict: bool,
) -> (Vec<Finding>, bedrock_alerts::Counts) {
    let engine = Engine {
        strict,
        ..Engine::new(policy(guardrail_as_warn), Limits::default())
    };
    let mut findings = Vec::new();
    let report = engine.scan_bytes("p", bytes, &mut |f| findings.push(f));
    (findings, report.counts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// A record the pre-check passes is one the full parse finds to be a healthy invocation.
    #[test]
    fn the_precheck_passes_only_healthy_invocations(text in record(), guardrail_as_warn in any::<bool>()) {
        let policy = policy(guardrail_as_warn);
        if precheck::healthy_invocation(text.as_bytes(), &policy) {
            let doc = Document::parse(text.as_bytes()).unwrap();
            prop_assert_eq!(doc.kind, Kind::Invocation, "{}", text);
            prop_assert!(invocation::classify(&doc.raw, &policy).is_none(), "{}", text);
        }
    }

    /// On valid input the pre-check changes nothing: same findings, same counts.
    #[test]
    fn the_precheck_changes_no_result((ndjson, subscription) in batch(), guardrail_as_warn in any::<bool>()) {
        let bytes = delivered(&ndjson, subscription);
        prop_assert_eq!(scan(&bytes, guardrail_as_warn, false), scan(&bytes, guardrail_as_warn, true));
    }

    /// On damaged records, in files or in log events, the pre-check loses no finding: at
    /// most a record with invalid JSON inside it is counted as a healthy invocation instead
    /// of a bad record.
    #[test]
    fn the_precheck_loses_no_finding_on_damaged_input(
        (bytes, subscription) in batch(),
        guardrail_as_warn in any::<bool>(),
        edits in edits(b"\"\\{}[],:0nu \n\r\x01\xff", 6),
    ) {
        let bytes = damaged(bytes, edits);
        loses_no_finding(&delivered(&bytes, subscription), guardrail_as_warn)?;
    }

    /// Lines the framer joins into one document (an unclosed bracket, closed lines later)
    /// are not passed whole: the full parse reads them again line by line.
    #[test]
    fn the_precheck_never_passes_joined_lines(
        records in prop::collection::vec(record(), 1..6),
        opening in prop::sample::select(vec!["{", "[", "[{", "{\"a\":["]),
        guardrail_as_warn in any::<bool>(),
    ) {
        let closing: String = opening.chars().rev().filter_map(|c| match c {
            '{' => Some('}'),
            '[' => Some(']'),
            _ => None,
        }).collect();
        let text = format!(
            "{{\"schemaType\":\"ModelInvocationLog\",\"modelId\":\"m\",\"input\":{opening}\n{}\n{closing}}}\n",
            records.join("\n"),
        );
        loses_no_finding(text.as_bytes(), guardrail_as_warn)?;
    }
}

/// The statuses of the findings that are not about bad records, sorted.
fn record_statuses(findings: &[Finding]) -> Vec<String> {
    let mut statuses: Vec<String> = findings
        .iter()
        .filter(|f| f.status != UNPARSEABLE_RECORD)
        .map(|f| f.status.clone())
        .collect();
    statuses.sort();
    statuses
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Records joined on one line by garbage are each found as they would be on lines of
    /// their own, and the garbage is one bad record at most (beside the first record's own).
    #[test]
    fn records_joined_by_garbage_are_all_found(
        records in prop::collection::vec(record(), 1..6),
        // Garbage, not blanks: blanks between records end frames as usual.
        separators in prop::collection::vec("[a-zA-Z0-9,:;.#!*-]{1,4}", 6),
        strict in any::<bool>(),
    ) {
        let mut line = String::new();
        for (record, separator) in records.iter().zip(&separators) {
            line.push_str(record);
            line.push_str(separator);
        }
        let (joined, counts) = scan(line.as_bytes(), false, strict);
        let (apart, _) = scan(records.join("\n").as_bytes(), false, strict);
        prop_assert_eq!(record_statuses(&joined), record_statuses(&apart), "{}", line);
        prop_assert!(counts.bad_records <= 2, "{} bad records: {}", counts.bad_records, line);
    }
}

/// The scan with the pre-check makes every finding the strict scan makes, apart from
/// bad records it passed as healthy invocations: each record it passed takes away at most
/// one bad record (several broken frames of one stretch are one bad record).
fn loses_no_finding(bytes: &[u8], guardrail_as_warn: bool) -> Result<(), TestCaseError> {
    let (fast, fast_counts) = scan(bytes, guardrail_as_warn, false);
    let (full, full_counts) = scan(bytes, guardrail_as_warn, true);
    let findings = |all: Vec<Finding>| -> Vec<Finding> {
        all.into_iter()
            .filter(|f| f.status != UNPARSEABLE_RECORD)
            .collect()
    };
    prop_assert_eq!(
        findings(fast),
        findings(full),
        "{}",
        String::from_utf8_lossy(bytes)
    );
    let passed = fast_counts.invocation_records - full_counts.invocation_records;
    prop_assert!(fast_counts.bad_records <= full_counts.bad_records);
    prop_assert!(full_counts.bad_records - fast_counts.bad_records <= passed);
    Ok(())
}

/// The pre-check passes the healthy records of the bundled samples, so the scan skips them.
#[test]
fn the_precheck_passes_the_healthy_sample_records() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../events/objects");
    let mut healthy = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ndjson") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let Ok(doc) = Document::parse(line.as_bytes()) else {
                continue;
            };
            let expected = doc.kind == Kind::Invocation
                && invocation::classify(&doc.raw, &Policy::default()).is_none();
            assert_eq!(
                precheck::healthy_invocation(line.as_bytes(), &Policy::default()),
                expected,
                "{line}"
            );
            healthy += usize::from(expected);
        }
    }
    assert!(healthy >= 5, "{healthy} healthy sample records");
}
