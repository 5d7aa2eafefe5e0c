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
use bedrock_alerts::alert::{build_alerts, AlertMessage, AlertOptions};
use bedrock_alerts::aws::s3::scan_object;
use bedrock_alerts::aws::sns::Publisher;
use bedrock_alerts::collect::Collector;
use bedrock_alerts::s3_key::ObjectRef;
use bedrock_alerts::{Engine, Finding, Severity, Source};
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
    assert_eq!(always.num_calls(), 3);
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

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_object_is_an_unreadable_finding_not_a_retry() {
    let missing = mock!(aws_sdk_s3::Client::get_object).then_error(|| {
        GetObjectError::NoSuchKey(aws_sdk_s3::types::error::NoSuchKey::builder().build())
    });
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&missing]);
    let collector = Collector::new(Severity::Warn, 100);
    let scan = scan_object(
        &client,
        &Engine::default(),
        &object("a+b.json.gz"),
        collector,
    )
    .await
    .unwrap();
    let finding = scan.unreadable.unwrap();
    assert_eq!(finding.status, "UNREADABLE_INPUT");
    // The decoded key and then the key as given were both tried.
    assert_eq!(missing.num_calls(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_get_object_is_a_transient_error() {
    let failing = mock!(aws_sdk_s3::Client::get_object)
        .sequence()
        .http_status(503, None)
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&failing]);
    let collector = Collector::new(Severity::Warn, 100);
    let error = scan_object(&client, &Engine::default(), &object("k.json.gz"), collector)
        .await
        .unwrap_err();
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
    let collector = Collector::new(Severity::Warn, 100);
    let scan = scan_object(&client, &Engine::default(), &object("k.json.gz"), collector)
        .await
        .unwrap();
    assert!(scan.unreadable.is_none());
    assert_eq!(scan.report.counts.invocation_records, 8);
    assert_eq!(scan.findings.findings.len(), 2);
}
