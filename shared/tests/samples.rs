//! The engine over the bundled samples in `events/`: every shape, every rule, and the
//! decoded twins agreeing with their encoded forms.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use bedrock_alerts::outputs::alerts::{build_alerts, AlertOptions};
use bedrock_alerts::{Engine, Finding, Limits, Policy, ReadOutcome, Severity, Source};
use std::path::PathBuf;

fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../events")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(events_dir().join(name)).unwrap()
}

fn scan_with(engine: &Engine, name: &str) -> (Vec<Finding>, bedrock_alerts::InputReport) {
    let mut findings = Vec::new();
    let report = engine.scan_bytes(name, read(name), &mut |f| findings.push(f));
    (findings, report)
}

fn scan(name: &str) -> (Vec<Finding>, bedrock_alerts::InputReport) {
    scan_with(&Engine::default(), name)
}

fn statuses(findings: &[Finding]) -> Vec<(Severity, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| (f.severity, f.status.clone()))
        .collect();
    out.sort();
    out
}

fn expect(name: &str, expected: &[(Severity, &str)]) -> Vec<Finding> {
    let (findings, report) = scan(name);
    assert!(
        matches!(report.outcome, ReadOutcome::Complete),
        "{name}: {:?}",
        report.outcome
    );
    let mut want: Vec<_> = expected.iter().map(|(s, t)| (*s, t.to_string())).collect();
    want.sort();
    assert_eq!(statuses(&findings), want, "{name}");
    findings
}

use Severity::{Error as E, Warn as W};

#[test]
fn invocation_batch_gzip_ndjson() {
    let findings = expect(
        "objects/invocation-batch.json.gz",
        &[(E, "ThrottlingException"), (E, "ValidationException")],
    );
    let throttled = findings
        .iter()
        .find(|f| f.status == "ThrottlingException")
        .unwrap();
    assert_eq!(throttled.source, Source::ModelInvocation);
    assert_eq!(
        throttled.request_id.as_deref(),
        Some("11111111-1111-4111-8111-111111111111")
    );
    assert!(throttled
        .model_id
        .as_deref()
        .unwrap()
        .starts_with("arn:aws:bedrock:us-east-1:111122223333:inference-profile/"));
    assert_eq!(throttled.origin.line, Some(4));
    assert_eq!(throttled.account_id.as_deref(), Some("111122223333"));
    let (_, report) = scan("objects/invocation-batch.json.gz");
    assert_eq!(report.counts.invocation_records, 8);
    assert_eq!(report.counts.bad_records, 0);
    assert!(
        report.counts.decoded_bytes > 500_000,
        "the 500 KB line was read whole"
    );
}

#[test]
fn guardrail_record_is_a_warning_only_when_asked() {
    let engine = Engine::new(
        Policy {
            guardrail_as_warn: true,
            ..Policy::default()
        },
        Limits::default(),
    );
    let (findings, _) = scan_with(&engine, "objects/invocation-batch.json.gz");
    assert_eq!(
        statuses(&findings),
        vec![
            (W, "GUARDRAIL_INTERVENED".to_string()),
            (E, "ThrottlingException".to_string()),
            (E, "ValidationException".to_string())
        ]
    );
}

#[test]
fn healthy_batch_has_no_findings() {
    let (findings, report) = scan("objects/invocation-batch-healthy.json.gz");
    assert!(findings.is_empty());
    assert_eq!(report.counts.invocation_records, 3);
}

#[test]
fn classic_knowledge_base_logs() {
    let findings = expect(
        "objects/kb-application-logs.json.gz",
        &[
            (E, "EMBEDDING_FAILED"),
            (E, "INDEXING_FAILED"),
            (W, "RESOURCE_IGNORED"),
            (W, "COMPLETE"),
        ],
    );
    let indexing = findings
        .iter()
        .find(|f| f.status == "INDEXING_FAILED")
        .unwrap();
    assert_eq!(
        indexing.document_uri.as_deref(),
        Some("s3://acme-kb-docs/pricing 2026.xlsx")
    );
    assert_eq!(indexing.knowledge_base_id.as_deref(), Some("KB12345678"));
    assert_eq!(indexing.ingestion_job_id.as_deref(), Some("JOB1234567"));
    assert_eq!(indexing.data_source_id.as_deref(), Some("DS12345678"));
    assert!(indexing.reasons[0].contains("403"));
}

#[test]
fn firehose_object_with_concatenated_gzip_members() {
    let findings = expect(
        "objects/firehose-cwlogs.gz",
        &[(E, "ServiceUnavailableException"), (E, "DELETION_FAILED")],
    );
    let deletion = findings
        .iter()
        .find(|f| f.status == "DELETION_FAILED")
        .unwrap();
    assert_eq!(deletion.knowledge_base_id.as_deref(), Some("KB12345678"));
    assert!(deletion.origin.event_id.as_deref().unwrap().len() == 56);
    let (_, report) = scan("objects/firehose-cwlogs.gz");
    assert_eq!(report.counts.control_messages, 1);
    assert_eq!(report.counts.cloudwatch_log_events, 3);
}

#[test]
fn permission_check_object_is_empty_and_fine() {
    let (findings, report) = scan("objects/amazon-bedrock-logs-permission-check");
    assert!(findings.is_empty());
    assert!(matches!(report.outcome, ReadOutcome::Complete));
}

#[test]
fn managed_knowledge_base_dialect() {
    let findings = expect("objects/kb-managed-logs.ndjson", &[(E, "INDEX_FAILED")]);
    assert_eq!(
        findings[0].document_uri.as_deref(),
        Some("https://wiki.example.com/huge-page")
    );
}

#[test]
fn bad_lines_are_reported_and_scanning_goes_on() {
    let findings = expect(
        "objects/bad-lines.ndjson",
        &[
            (E, "EMBEDDING_FAILED"),
            (W, "UNPARSEABLE_RECORD"),
            (W, "UNPARSEABLE_RECORD"),
        ],
    );
    let mut bad_lines: Vec<u64> = findings
        .iter()
        .filter(|f| f.source == Source::Processor)
        .map(|f| f.origin.line.unwrap())
        .collect();
    bad_lines.sort();
    assert_eq!(bad_lines, vec![2, 4]);
}

#[test]
fn cloudwatch_lambda_events() {
    expect(
        "cwlogs-invocation-failure.json",
        &[(E, "ModelTimeoutException"), (E, "AccessDeniedException")],
    );
    let kb = expect(
        "cwlogs-kb-failures.json",
        &[
            (E, "EMBEDDING_FAILED"),
            (E, "EMBEDDING_FAILED"),
            (E, "EMBEDDING_FAILED"),
            (E, "FAILED"),
        ],
    );
    assert!(kb
        .iter()
        .all(|f| f.knowledge_base_id.as_deref() == Some("KB12345678")));
    assert!(kb.iter().all(|f| f.origin.event_id.is_some()));
    expect("cwlogs-healthy.json", &[]);
    expect(
        "kinesis-cwlogs.json",
        &[(E, "ModelTimeoutException"), (E, "AccessDeniedException")],
    );
    let (_, report) = scan("cwlogs-control-message.json");
    assert_eq!(report.counts.control_messages, 1);
    assert_eq!(report.counts.cloudwatch_log_events, 0);
    expect("cwlogs-control-message.json", &[]);
}

/// The Lambda documentation's sample event: two plain-text messages are two bad records,
/// one each, not one per bracket or word.
#[test]
fn plain_text_log_messages_are_one_bad_record_each() {
    let findings = expect(
        "cwlogs-lambda-sample.json",
        &[(W, "UNPARSEABLE_RECORD"), (W, "UNPARSEABLE_RECORD")],
    );
    let mut ids: Vec<_> = findings
        .iter()
        .map(|f| f.origin.event_id.clone().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["eventId1", "eventId2"]);
    assert!(findings
        .iter()
        .all(|f| f.reasons[0].starts_with("log event message is not JSON")));
    let (_, report) = scan("cwlogs-lambda-sample.json");
    assert_eq!(report.counts.cloudwatch_log_events, 2);
    assert_eq!(report.counts.bad_records, 2);
}

#[test]
fn trigger_events_that_are_not_logs_are_unknown_documents() {
    for name in [
        "s3-object-created.json",
        "s3-test-event.json",
        "eventbridge-object-created.json",
    ] {
        let (findings, report) = scan(name);
        assert!(findings.is_empty(), "{name}");
        assert_eq!(report.counts.unknown_documents, 1, "{name}");
    }
}

#[test]
fn no_prompt_or_output_text_reaches_findings_or_alerts() {
    let names = [
        "objects/invocation-batch.json.gz",
        "objects/firehose-cwlogs.gz",
        "objects/bad-lines.ndjson",
        "cwlogs-invocation-failure.json",
        "kinesis-cwlogs.json",
    ];
    let engine = Engine::new(
        Policy {
            guardrail_as_warn: true,
            ..Policy::default()
        },
        Limits::default(),
    );
    for name in names {
        let (findings, _) = scan_with(&engine, name);
        for finding in &findings {
            let text = serde_json::to_string(finding).unwrap()
                + &bedrock_alerts::outputs::lines::text_line(finding, false);
            assert!(!text.contains("CANARY"), "{name}: {text}");
        }
        for alert in build_alerts(&findings, &AlertOptions::default()) {
            assert!(
                !alert.message.contains("CANARY") && !alert.subject.contains("CANARY"),
                "{name}"
            );
        }
    }
}

fn gunzip_all(bytes: &[u8]) -> Vec<u8> {
    bedrock_alerts::input::decode::decode_all(bytes, 1 << 30).unwrap()
}

#[test]
fn decoded_twins_match_their_encoded_forms() {
    for (encoded, decoded) in [
        (
            "objects/invocation-batch.json.gz",
            "objects/invocation-batch.ndjson",
        ),
        (
            "objects/invocation-batch-healthy.json.gz",
            "objects/invocation-batch-healthy.ndjson",
        ),
        (
            "objects/kb-application-logs.json.gz",
            "objects/kb-application-logs.ndjson",
        ),
    ] {
        assert_eq!(gunzip_all(&read(encoded)), read(decoded), "{encoded}");
    }
    let firehose = gunzip_all(&read("objects/firehose-cwlogs.gz"));
    let lines = read("objects/firehose-cwlogs.decoded.json");
    let joined: Vec<u8> = lines.split(|b| *b == b'\n').flatten().copied().collect();
    assert_eq!(firehose, joined);
    for name in [
        "cwlogs-invocation-failure",
        "cwlogs-kb-failures",
        "cwlogs-control-message",
        "cwlogs-healthy",
        "cwlogs-lambda-sample",
    ] {
        let event: serde_json::Value =
            serde_json::from_slice(&read(&format!("{name}.json"))).unwrap();
        let data = event["awslogs"]["data"].as_str().unwrap();
        let decoded = bedrock_alerts::records::envelope::decode_payload(data, 1 << 20).unwrap();
        assert_eq!(decoded, read(&format!("{name}.decoded.json")), "{name}");
    }
}

#[test]
fn bedrock_job_events() {
    let failed = expect(
        "eventbridge-bedrock-customization-failed.json",
        &[(E, "Failed")],
    );
    assert_eq!(failed[0].source, Source::BedrockJob);
    assert_eq!(
        failed[0].job_name.as_deref(),
        Some("support-tone-ft-2026-11-21")
    );
    assert!(failed[0]
        .job_arn
        .as_deref()
        .unwrap()
        .contains(":model-customization-job/"));
    assert!(failed[0]
        .model_id
        .as_deref()
        .unwrap()
        .ends_with("foundation-model/amazon.titan-text-express-v1:0:8k"));
    assert!(failed[0].reasons[0].starts_with("Training data validation failed"));
    assert_eq!(failed[0].timestamp.as_deref(), Some("2026-11-21T08:42:17Z"));
    assert_eq!(failed[0].account_id.as_deref(), Some("111122223333"));
    assert_eq!(failed[0].region.as_deref(), Some("us-east-1"));

    // AWS's own time format for batch events ("Sat Nov 21 10:16:44 UTC 2026").
    let partial = expect(
        "eventbridge-bedrock-batch-partially-completed.json",
        &[(W, "PartiallyCompleted")],
    );
    assert_eq!(
        partial[0].timestamp.as_deref(),
        Some("2026-11-21T10:16:44Z")
    );
    assert_eq!(
        partial[0].job_name.as_deref(),
        Some("nightly-ticket-summaries-2026-11-21")
    );
    expect("eventbridge-bedrock-batch-expired.json", &[(W, "Expired")]);
    expect("eventbridge-bedrock-batch-completed.json", &[]);
    let client = expect(
        "eventbridge-bedrock-data-automation-client-error.json",
        &[(E, "FailedWithClientError")],
    );
    assert!(client[0]
        .job_arn
        .as_deref()
        .unwrap()
        .contains(":data-automation-invocation/"));
    assert_eq!(client[0].model_id, None);
    expect(
        "eventbridge-bedrock-data-automation-service-error.json",
        &[(E, "FailedWithServiceError")],
    );

    let (findings, report) = scan("eventbridge-bedrock-unknown.json");
    assert!(findings.is_empty());
    assert_eq!(report.counts.unknown_documents, 1);
    assert_eq!(report.counts.bedrock_job_events, 0);
}

#[test]
fn a_file_of_saved_bedrock_events_is_read_event_by_event() {
    let findings = expect(
        "eventbridge-bedrock-job-events.json",
        &[
            (E, "Failed"),
            (E, "FailedWithClientError"),
            (E, "FailedWithServiceError"),
            (W, "PartiallyCompleted"),
            (W, "Expired"),
        ],
    );
    let (_, report) = scan("eventbridge-bedrock-job-events.json");
    assert_eq!(report.counts.bedrock_job_events, 6);
    assert_eq!(report.counts.unknown_documents, 1);
    // One job, one alert: five jobs, five alerts.
    assert_eq!(build_alerts(&findings, &AlertOptions::default()).len(), 5);
}

#[test]
fn alarm_state_changes_read_as_the_alert_needs() {
    use bedrock_alerts::triggers::alarm_change::{parse, Notice};
    let event = |name: &str| serde_json::from_slice::<serde_json::Value>(&read(name)).unwrap();
    let fired = parse(&event("eventbridge-alarm-throttles-alarm.json"))
        .unwrap()
        .unwrap();
    assert_eq!(fired.notice(), Some(Notice::Fired));
    assert_eq!(
        fired.name,
        "bedrock-alerts-BedrockThrottlesAlarm-1A2B3C4D5E6F"
    );
    assert_eq!((fired.threshold, fired.value), (Some(10.0), Some(37.0)));
    assert_eq!(fired.bedrock_metric.as_deref(), Some("InvocationThrottles"));
    assert_eq!(fired.previous_state.as_deref(), Some("OK"));
    let resolved = parse(&event("eventbridge-alarm-throttles-ok.json"))
        .unwrap()
        .unwrap();
    assert_eq!(resolved.notice(), Some(Notice::Resolved));
    assert_eq!(resolved.value, Some(2.0));
    // The engine does not alert on alarm events: the events function renders them.
    let (findings, report) = scan("eventbridge-alarm-throttles-alarm.json");
    assert!(findings.is_empty());
    assert_eq!(report.counts.unknown_documents, 1);
}
