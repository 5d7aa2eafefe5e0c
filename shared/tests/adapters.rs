//! Fault injection into the AWS adapters with aws-smithy-mocks: partial PublishBatch
//! failures, throttling, missing and failing objects.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use aws_sdk_s3::operation::get_object::{GetObjectError, GetObjectOutput};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_sns::operation::publish_batch::{PublishBatchError, PublishBatchOutput};
use aws_sdk_sns::types::{BatchResultErrorEntry, PublishBatchResultEntry};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use bedrock_alerts::aws::s3::{scan_object, FetchError, ObjectScan};
use bedrock_alerts::aws::sns::Publisher;
use bedrock_alerts::outputs::alerts::Collector;
use bedrock_alerts::outputs::alerts::{build_alerts, AlertMessage, AlertOptions};
use bedrock_alerts::triggers::object_ref::ObjectRef;
use bedrock_alerts::{Engine, Finding, ReadOutcome, Severity, Source};
use std::time::Duration;

fn alerts(n: usize) -> Vec<AlertMessage> {
    let findings: Vec<Finding> = (0..n)
        .map(|i| {
            let mut f = Finding::new(Severity::Error, Source::ModelInvocation, format!("Code{i}"));
            f.model_id = Some("m".into());
            f
        })
        .collect();
    let options = AlertOptions {
        max_alerts: 1000,
        ..AlertOptions::default()
    };
    build_alerts(&findings, &options)
}

fn ok_entry(id: &str) -> PublishBatchResultEntry {
    PublishBatchResultEntry::builder()
        .id(id)
        .message_id("m")
        .build()
}

/// A response in which every entry of the request went through.
fn all_successful(
    req: &aws_sdk_sns::operation::publish_batch::PublishBatchInput,
) -> PublishBatchOutput {
    let mut out = PublishBatchOutput::builder();
    for entry in req.publish_batch_request_entries() {
        out = out.successful(ok_entry(entry.id()));
    }
    out.build()
}

fn failed_entry(id: &str, sender_fault: bool) -> BatchResultErrorEntry {
    BatchResultErrorEntry::builder()
        .id(id)
        .code("InternalError")
        .message("try again")
        .sender_fault(sender_fault)
        .build()
        .unwrap()
}

fn publisher(client: aws_sdk_sns::Client, topic: &str) -> Publisher {
    Publisher::new(client, topic, 3).with_backoff(Duration::ZERO)
}

const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:alerts";

#[tokio::test]
async fn failed_entries_in_a_200_response_are_retried_alone() {
    let partial = mock!(aws_sdk_sns::Client::publish_batch)
        .match_requests(|req| req.publish_batch_request_entries().len() == 2)
        .then_output(|| {
            PublishBatchOutput::builder()
                .successful(ok_entry("alert-0"))
                .failed(failed_entry("alert-1", false))
                .build()
        });
    let retry = mock!(aws_sdk_sns::Client::publish_batch)
        .match_requests(|req| {
            let entries = req.publish_batch_request_entries();
            entries.len() == 1 && entries[0].id() == "alert-1"
        })
        .then_output(|| {
            PublishBatchOutput::builder()
                .successful(ok_entry("alert-1"))
                .build()
        });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&partial, &retry]);
    let sent = publisher(client, TOPIC).publish(&alerts(2)).await.unwrap();
    assert_eq!(sent, 2);
    assert_eq!((partial.num_calls(), retry.num_calls()), (1, 1));
}

#[tokio::test]
async fn entries_that_never_succeed_are_an_error_naming_the_count() {
    let always = mock!(aws_sdk_sns::Client::publish_batch).then_output(|| {
        PublishBatchOutput::builder()
            .successful(ok_entry("alert-0"))
            .failed(failed_entry("alert-1", false))
            .build()
    });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&always]);
    let error = publisher(client, TOPIC)
        .publish(&alerts(2))
        .await
        .unwrap_err();
    assert_eq!((error.unsent, error.total, error.attempts), (1, 2, 3));
    assert!(error.to_string().contains("InternalError"));
    assert!(error.rejected.is_empty());
    assert_eq!(always.num_calls(), 3);
}

#[tokio::test]
async fn entries_rejected_as_the_senders_fault_are_not_retried() {
    let invalid = mock!(aws_sdk_sns::Client::publish_batch).then_output(|| {
        PublishBatchOutput::builder()
            .successful(ok_entry("alert-0"))
            .failed(
                BatchResultErrorEntry::builder()
                    .id("alert-1")
                    .code("InvalidParameter")
                    .message("the quoted message body must not reach the logs")
                    .sender_fault(true)
                    .build()
                    .unwrap(),
            )
            .build()
    });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&invalid]);
    let error = publisher(client, TOPIC)
        .publish(&alerts(2))
        .await
        .unwrap_err();
    assert_eq!(invalid.num_calls(), 1, "a sender fault is not retried");
    assert_eq!((error.unsent, error.total), (1, 2));
    assert_eq!(
        error.rejected.iter().collect::<Vec<_>>(),
        ["InvalidParameter"]
    );
}

/// Publishes two alerts to an SNS that answers every call with a 400 of this code; returns
/// the calls made and the error.
async fn refused_with(code: &str) -> (usize, bedrock_alerts::aws::sns::PublishError) {
    let refusing = mock!(aws_sdk_sns::Client::publish_batch)
        .sequence()
        .http_status(400, Some(sns_error("Sender", code)))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&refusing]);
    let error = publisher(client, TOPIC)
        .publish(&alerts(2))
        .await
        .unwrap_err();
    (refusing.num_calls(), error)
}

#[tokio::test]
async fn a_call_refused_as_invalid_is_not_retried_but_throttling_is() {
    let (invalid_calls, invalid) = refused_with("InvalidParameter").await;
    assert_eq!(
        invalid.rejected.iter().collect::<Vec<_>>(),
        ["InvalidParameter"]
    );
    let (throttled_calls, throttled) = refused_with("Throttling").await;
    assert!(throttled.rejected.is_empty());
    assert!(
        throttled_calls > invalid_calls,
        "throttling is retried: {throttled_calls} calls against {invalid_calls}"
    );
}

fn sns_error(kind: &str, code: &str) -> String {
    format!(
        "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>m</Message></Error>\
         <RequestId>r</RequestId></ErrorResponse>"
    )
}

/// Ten alerts of about 40 KB each: 400 KB in all, more than one PublishBatch may carry.
fn large_alerts() -> Vec<AlertMessage> {
    let findings: Vec<Finding> = (0..10)
        .flat_map(|group| {
            (0..50).map(move |item| {
                let mut f =
                    Finding::new(Severity::Error, Source::KnowledgeBase, "EMBEDDING_FAILED");
                f.knowledge_base_id = Some(format!("KB{group:08}"));
                f.document_uri = Some(format!("s3://docs/{group}/{item}.pdf"));
                f.push_reason(format!(
                    "{item}: {}",
                    "the document is too long. ".repeat(14)
                ));
                f
            })
        })
        .collect();
    let options = AlertOptions {
        items_per_alert: 50,
        ..AlertOptions::default()
    };
    build_alerts(&findings, &options)
}

fn request_bytes(req: &aws_sdk_sns::operation::publish_batch::PublishBatchInput) -> usize {
    req.publish_batch_request_entries()
        .iter()
        .map(|e| {
            let attributes: usize = e
                .message_attributes()
                .into_iter()
                .flatten()
                .map(|(name, value)| {
                    name.len() + value.data_type().len() + value.string_value().unwrap_or("").len()
                })
                .sum();
            e.message().len() + e.subject().unwrap_or("").len() + attributes
        })
        .sum()
}

#[tokio::test]
async fn batches_are_packed_by_size_so_large_alerts_all_arrive_once() {
    let alerts = large_alerts();
    let sizes: Vec<usize> = alerts.iter().map(AlertMessage::entry_bytes).collect();
    assert!(
        sizes.iter().all(|s| (30_000..60_000).contains(s)),
        "{sizes:?}"
    );
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    // Like SNS: a call over 256 KiB is refused whole.
    let too_long = mock!(aws_sdk_sns::Client::publish_batch)
        .match_requests(|req| request_bytes(req) > 256 * 1024)
        .sequence()
        .http_status(400, Some(sns_error("Sender", "BatchRequestTooLong")))
        .repeatedly()
        .build();
    let fits = mock!(aws_sdk_sns::Client::publish_batch).then_compute_output(move |req| {
        let mut seen = record.lock().unwrap();
        seen.extend(
            req.publish_batch_request_entries()
                .iter()
                .map(|e| e.message().to_owned()),
        );
        all_successful(req)
    });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&too_long, &fits]);
    let sent = publisher(client, TOPIC).publish(&alerts).await.unwrap();
    assert_eq!(sent, 10);
    assert_eq!(too_long.num_calls(), 0, "no call is over the limit");
    assert!(fits.num_calls() >= 2);
    let mut seen = seen.lock().unwrap().clone();
    let mut expected: Vec<String> = alerts.iter().map(|a| a.message.clone()).collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected, "each alert exactly once");
}

#[tokio::test]
async fn an_alert_alone_fits_one_call_with_its_subject_and_attributes() {
    let mut findings = Vec::new();
    for item in 0..400 {
        let mut f = Finding::new(Severity::Error, Source::KnowledgeBase, "EMBEDDING_FAILED");
        f.knowledge_base_id = Some("K".repeat(300));
        f.document_uri = Some(format!("s3://docs/{item}.pdf"));
        f.push_reason(format!("{item}{}", "é".repeat(500)));
        findings.push(f);
    }
    let options = AlertOptions {
        items_per_alert: 400,
        ..AlertOptions::default()
    };
    let alert = &build_alerts(&findings, &options)[0];
    assert!(alert.entry_bytes() <= 256 * 1024, "{}", alert.entry_bytes());
}

#[tokio::test]
async fn no_attempt_starts_after_the_deadline() {
    let any = mock!(aws_sdk_sns::Client::publish_batch).then_compute_output(all_successful);
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&any]);
    let past = tokio::time::Instant::now();
    let error = publisher(client, TOPIC)
        .publish_until(&alerts(3), Some(past))
        .await
        .unwrap_err();
    assert_eq!(any.num_calls(), 0);
    assert_eq!(error.unsent, 3);
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test]
async fn failing_calls_are_an_error_after_the_attempts() {
    let throttled = mock!(aws_sdk_sns::Client::publish_batch).then_error(|| {
        PublishBatchError::InternalErrorException(
            aws_sdk_sns::types::error::InternalErrorException::builder()
                .message("Rate exceeded")
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&throttled]);
    let error = publisher(client, TOPIC)
        .publish(&alerts(3))
        .await
        .unwrap_err();
    assert_eq!(error.unsent, 3);
    assert!(error.to_string().contains("Rate exceeded"), "{error}");
}

#[tokio::test]
async fn batches_hold_at_most_ten_entries() {
    let any = mock!(aws_sdk_sns::Client::publish_batch)
        .match_requests(|req| req.publish_batch_request_entries().len() <= 10)
        .then_compute_output(all_successful);
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&any]);
    assert_eq!(
        publisher(client, TOPIC).publish(&alerts(25)).await.unwrap(),
        25
    );
    assert_eq!(any.num_calls(), 3);
}

#[tokio::test]
async fn fifo_topics_get_group_and_deduplication_ids() {
    let fifo = mock!(aws_sdk_sns::Client::publish_batch)
        .match_requests(|req| {
            req.publish_batch_request_entries().iter().all(|e| {
                e.message_group_id().is_some_and(|g| g.len() == 64)
                    && e.message_deduplication_id().is_some_and(|d| d.len() == 64)
                    && e.message_structure() == Some("json")
            })
        })
        .then_compute_output(all_successful);
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&fifo]);
    let topic = "arn:aws:sns:us-east-1:111122223333:alerts.fifo";
    publisher(client, topic).publish(&alerts(2)).await.unwrap();
    assert_eq!(fifo.num_calls(), 1);
}

fn object(key: &str) -> ObjectRef {
    ObjectRef::from_encoded("logs", key, Some(10))
}

/// Scans `s3://logs/<key>` with the default engine and no deadline.
async fn scan(client: &aws_sdk_s3::Client, key: &str) -> Result<ObjectScan<Collector>, FetchError> {
    let collector = Collector::new(Severity::Warn, 100);
    scan_object(client, &Engine::default(), &object(key), collector, None).await
}

/// The one finding of an object that could not be read, checking the report says so too.
fn unreadable(scan: ObjectScan<Collector>) -> Finding {
    let ReadOutcome::Unreadable(reason) = scan.report.outcome else {
        panic!("not reported unreadable: {:?}", scan.report.outcome);
    };
    assert_eq!(scan.report.counts.unreadable_inputs, 1);
    let groups = scan.findings.groups();
    let [group] = groups.as_slice() else {
        panic!("one finding expected, got {} groups", groups.len());
    };
    let [finding] = group.items.as_slice() else {
        panic!("one finding expected, got {}", group.items.len());
    };
    assert_eq!(finding.reasons.join("; "), reason);
    finding.clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_object_is_an_unreadable_finding_not_a_retry() {
    let missing = mock!(aws_sdk_s3::Client::get_object).then_error(|| {
        GetObjectError::NoSuchKey(aws_sdk_s3::types::error::NoSuchKey::builder().build())
    });
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&missing]);
    let scan = scan(&client, "a+b.json.gz").await.unwrap();
    let finding = unreadable(scan);
    assert_eq!(finding.status, "UNREADABLE_INPUT");
    // The decoded key and then the key as given were both tried.
    assert_eq!(missing.num_calls(), 2);
}

fn denied() -> aws_smithy_mocks::Rule {
    mock!(aws_sdk_s3::Client::get_object)
        .sequence()
        .http_status(403, None)
        .repeatedly()
        .build()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_denied_under_every_spelling_is_reported_naming_the_permission() {
    let forbidden = denied();
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&forbidden]);
    let scan = scan(&client, "a+b.json.gz").await.unwrap();
    let finding = unreadable(scan);
    assert_eq!(
        (finding.status.as_str(), finding.severity),
        ("UNREADABLE_INPUT", Severity::Error)
    );
    let reason = finding.reasons.join(" ");
    assert!(
        reason.contains("s3:GetObject") && reason.contains("s3:ListBucket"),
        "{reason}"
    );
    assert_eq!(forbidden.num_calls(), 2, "both spellings were tried");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_key_whose_other_spelling_is_missing_is_missing() {
    let forbidden = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|req| req.key() == Some("a b.json.gz"))
        .sequence()
        .http_status(403, None)
        .repeatedly()
        .build();
    let missing = mock!(aws_sdk_s3::Client::get_object).then_error(|| {
        GetObjectError::NoSuchKey(aws_sdk_s3::types::error::NoSuchKey::builder().build())
    });
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&forbidden, &missing]);
    let scan = scan(&client, "a+b.json.gz").await.unwrap();
    let reason = unreadable(scan).reasons.join(" ");
    assert!(reason.contains("does not exist"), "{reason}");
    assert_eq!((forbidden.num_calls(), missing.num_calls()), (1, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_get_object_is_a_transient_error() {
    let failing = mock!(aws_sdk_s3::Client::get_object)
        .sequence()
        .http_status(503, None)
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&failing]);
    let error = scan(&client, "k.json.gz").await.unwrap_err();
    assert!(error.to_string().contains("s3://logs/k.json.gz"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_body_is_streamed_through_the_engine() {
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/objects/invocation-batch.json.gz"
    ))
    .unwrap();
    let found = mock!(aws_sdk_s3::Client::get_object).then_output(move || {
        GetObjectOutput::builder()
            .body(ByteStream::from(body.clone()))
            .build()
    });
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&found]);
    let scan = scan(&client, "k.json.gz").await.unwrap();
    assert!(matches!(scan.report.outcome, ReadOutcome::Complete));
    assert_eq!(scan.report.counts.invocation_records, 8);
    assert_eq!(scan.findings.findings(), 2);
}
