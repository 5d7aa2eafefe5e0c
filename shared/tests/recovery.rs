//! The engine on broken input: what it reports when a payload cannot be read, how it
//! resynchronises after a broken document, that salvaging a huge broken line is linear and
//! needs little stack, and where a knowledge-base finding's id comes from.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use base64::Engine as _;
use bedrock_alerts::rules::finding::{UNPARSEABLE_RECORD, UNREADABLE_INPUT};
use bedrock_alerts::{Counts, Engine, Finding, Limits, Policy, ReadOutcome, Severity, Source};
use serde_json::{json, Value};
use std::io::Write;

fn scan_with(engine: &Engine, bytes: &[u8]) -> (Vec<Finding>, Counts) {
    let mut findings = Vec::new();
    let report = engine.scan_bytes("t", bytes, &mut |f| findings.push(f));
    assert!(
        matches!(report.outcome, ReadOutcome::Complete),
        "{:?}",
        report.outcome
    );
    (findings, report.counts)
}

fn scan(bytes: &[u8]) -> (Vec<Finding>, Counts) {
    scan_with(&Engine::default(), bytes)
}

fn with_status<'f>(findings: &'f [Finding], status: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.status == status).collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn invocation(request: usize, error_code: Option<&str>) -> Value {
    let mut record = json!({
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0",
        "timestamp": "2026-11-20T14:00:00Z", "accountId": "111122223333", "region": "us-east-1",
        "requestId": format!("r-{request}"), "operation": "Converse",
        "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
        "input": {"inputBodyJson": {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}}
    });
    if let Some(code) = error_code {
        record["errorCode"] = json!(code);
    }
    record
}

fn subscription(log_group: &str, messages: &[String]) -> Vec<u8> {
    let events: Vec<Value> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"id": i.to_string(), "timestamp": 1_795_194_000_000_i64 + i as i64, "message": m}))
        .collect();
    serde_json::to_vec(&json!({
        "messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": log_group,
        "logStream": "s", "subscriptionFilters": ["f"], "logEvents": events
    }))
    .unwrap()
}

fn awslogs_event(data: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"awslogs": {"data": data}})).unwrap()
}

fn kinesis_event(data: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"Records": [{"kinesis": {"data": data}, "eventSource": "aws:kinesis"}]}),
    )
    .unwrap()
}

// ---------------------------------------------------------------- unreadable payloads

/// The one finding of an event whose payload cannot be read: an UNREADABLE_INPUT error,
/// counted as an unreadable input and not as a bad record.
fn assert_unreadable(engine: &Engine, event: &[u8], reason: &str) {
    let (findings, counts) = scan_with(engine, event);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding.status, UNREADABLE_INPUT);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.source, Source::Processor);
    assert!(finding.reasons[0].contains(reason), "{:?}", finding.reasons);
    assert_eq!(counts.unreadable_inputs, 1);
    assert_eq!(counts.bad_records, 0);
    assert_eq!(counts.errors, 1);
}

#[test]
fn a_payload_that_cannot_be_read_is_an_unreadable_input_error() {
    let doc = subscription(
        "g",
        &[invocation(1, Some("ThrottlingException")).to_string()],
    );
    let compressed = gzip(&doc);
    let truncated = base64(&compressed[..compressed.len() - 12]);
    let engine = Engine::default();
    for wrap in [awslogs_event, kinesis_event] {
        assert_unreadable(&engine, &wrap("H4sI!!not*base64 ###"), "not valid base64");
        assert_unreadable(&engine, &wrap(&truncated), "could not be decoded");
    }
    // A payload that decodes past the cap, in an event well within it.
    let records: Vec<String> = (0..200).map(|i| invocation(i, None).to_string()).collect();
    let big = base64(&gzip(&subscription("g", &records)));
    let capped = Engine::new(
        Policy::default(),
        Limits {
            max_decoded_bytes: 16 << 10,
        },
    );
    assert!(big.len() < 8 << 10, "{}", big.len());
    assert_unreadable(&capped, &awslogs_event(&big), "cap");
    assert_unreadable(&capped, &kinesis_event(&big), "cap");
}

// ---------------------------------------------------------------- broken pretty documents

/// A classic knowledge-base resource event as a 2-space-indented document (about 700 bytes).
fn pretty_kb_event(status: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "event_timestamp": 1_795_194_000_000_i64,
        "event": {
            "ingestion_job_id": "JOB1234567", "data_source_id": "DS12345678",
            "knowledge_base_arn": "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678",
            "document_location": {"type": "S3", "s3_location": {"uri": "s3://acme-kb-docs/handbook.pdf"}},
            "status": status,
            "status_reasons": ["The embedding model returned an error: the document could not be parsed."],
            "chunk_statistics": {"ignored": 0, "created": 0, "deleted": 0, "metadata_updated": 0,
                                 "failed_to_create": 3, "failed_to_delete": 0, "failed_to_update_metadata": 0}
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.ResourceStatusChanged",
        "level": "ERROR"
    }))
    .unwrap()
}

/// The pretty event cut off in the middle of `chunk_statistics`, outside a string (so the
/// framer's open brackets swallow whatever follows), or inside one.
fn truncated_kb_event(inside_string: bool) -> String {
    let full = pretty_kb_event("EMBEDDING_FAILED");
    let at = match inside_string {
        false => full.find("\"deleted\": ").unwrap() + "\"deleted\": ".len(),
        true => full.find("the document could").unwrap(),
    };
    assert!(full.len() > 650, "{}", full.len());
    full[..at].to_owned()
}

#[test]
fn a_truncated_pretty_document_is_one_bad_record() {
    for inside_string in [false, true] {
        let text = truncated_kb_event(inside_string);
        assert!(text.lines().count() >= 15);
        let (findings, counts) = scan(text.as_bytes());
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].status, UNPARSEABLE_RECORD);
        assert_eq!(findings[0].origin.line, Some(1));
        assert_eq!(counts.bad_records, 1);
    }
}

#[test]
fn documents_after_a_broken_pretty_document_are_found() {
    for inside_string in [false, true] {
        let broken = truncated_kb_event(inside_string);
        let after_line = broken.lines().count() + 1;
        let text = format!(
            "{broken}\n{}\n  {}\n{}\n{}\n",
            invocation(1, Some("ThrottlingException")),
            invocation(2, Some("ValidationException")),
            pretty_kb_event("INDEXING_FAILED"),
            invocation(3, None),
        );
        let (findings, counts) = scan(text.as_bytes());
        let mut statuses: Vec<&str> = findings.iter().map(|f| f.status.as_str()).collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [
                "INDEXING_FAILED",
                "ThrottlingException",
                UNPARSEABLE_RECORD,
                "ValidationException"
            ],
            "inside a string: {inside_string}"
        );
        let bad = with_status(&findings, UNPARSEABLE_RECORD);
        assert_eq!(bad[0].origin.line, Some(1));
        let throttled = with_status(&findings, "ThrottlingException");
        assert_eq!(throttled[0].origin.line, Some(after_line as u64));
        assert_eq!(
            with_status(&findings, "INDEXING_FAILED")[0].origin.line,
            Some(after_line as u64 + 2)
        );
        assert_eq!(counts.invocation_records, 3);
        assert_eq!(counts.knowledge_base_events, 1);
    }
}

// ---------------------------------------------------------------- huge broken lines

/// Runs `f` on a thread with a small stack, as a blocking thread of a runtime may have.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// A 1 MB line of compact records joined by commas, every third one failing.
fn comma_joined_records() -> (Vec<u8>, usize, usize) {
    let mut records = Vec::new();
    let mut failing = 0;
    let mut length = 0;
    while length < 1 << 20 {
        let code = (records.len() % 3 == 2).then_some("ThrottlingException");
        failing += usize::from(code.is_some());
        let record = invocation(records.len(), code).to_string();
        length += record.len() + 1;
        records.push(record);
    }
    let total = records.len();
    (records.join(",").into_bytes(), total, failing)
}

#[test]
fn a_megabyte_of_comma_joined_records_loses_none_of_them() {
    let (line, total, failing) = comma_joined_records();
    let (findings, counts) = on_small_stack(move || scan(&line));
    assert_eq!(with_status(&findings, "ThrottlingException").len(), failing);
    assert_eq!(counts.invocation_records, total as u64);
    assert_eq!(with_status(&findings, UNPARSEABLE_RECORD).len(), 1);
    assert_eq!(findings.len(), failing + 1);
}

#[test]
fn a_megabyte_of_garbage_between_empty_objects_is_one_bad_record() {
    let count = (1 << 20) / 3;
    let line = "x{}".repeat(count).into_bytes();
    let (findings, counts) = on_small_stack(move || scan(&line));
    assert_eq!(
        findings.len(),
        1,
        "{:?}",
        &findings[..findings.len().min(3)]
    );
    assert_eq!(findings[0].status, UNPARSEABLE_RECORD);
    assert_eq!(counts.bad_records, 1);
    assert_eq!(counts.unknown_documents, count as u64);
}

#[test]
fn a_megabyte_log_message_of_garbage_and_records_is_one_record() {
    let (line, _, failing) = comma_joined_records();
    let message = format!("x{}", String::from_utf8(line).unwrap());
    let garbage = "x{}".repeat((1 << 20) / 3);
    let doc = subscription("g", &[message, garbage]);
    let (findings, counts) = on_small_stack(move || scan(&doc));
    assert_eq!(with_status(&findings, "ThrottlingException").len(), failing);
    assert_eq!(
        findings.len(),
        failing,
        "garbage beside records is not reported"
    );
    assert_eq!(counts.cloudwatch_log_events, 2);
}

// ---------------------------------------------------------------- knowledge-base ids

fn managed_failure() -> String {
    json!({
        "event_timestamp": 1_795_194_000_000_i64,
        "event": {"document_id": "doc-1", "source_uri": "https://wiki.example.com/page",
                  "crawl_status": {"Status": "SUCCESS"}, "index_status": {"Status": "FAILED"},
                  "error_message": "Document could not be indexed"},
        "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "ERROR"
    })
    .to_string()
}

fn kb_ids(log_group: &str, messages: &[String]) -> Vec<Option<String>> {
    let (findings, _) = scan(&subscription(log_group, messages));
    assert!(!findings.is_empty());
    findings.into_iter().map(|f| f.knowledge_base_id).collect()
}

#[test]
fn a_knowledge_base_id_comes_from_the_record_or_a_per_kb_log_group() {
    let group = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/";
    // A shared group named after the stack: the managed event has no id, and says so.
    assert_eq!(
        kb_ids(&format!("{group}bedrock-alerts"), &[managed_failure()]),
        [None]
    );
    assert_eq!(
        kb_ids(&format!("{group}my-stack-KB"), &[managed_failure()]),
        [None]
    );
    // A group of its own, named by the knowledge base's id.
    assert_eq!(
        kb_ids(&format!("{group}KB12345678"), &[managed_failure()]),
        [Some("KB12345678".to_owned())]
    );
    // A classic event names its knowledge base, whatever the group.
    let classic: Value = serde_json::from_str(&pretty_kb_event("EMBEDDING_FAILED")).unwrap();
    assert_eq!(
        kb_ids(&format!("{group}bedrock-alerts"), &[classic.to_string()]),
        [Some("KB12345678".to_owned())]
    );
}
