//! Fault injection into the EventBridge output with aws-smithy-mocks: failed entries in a
//! 200 response, entries rejected as the sender's fault, refused calls, calls of ten.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use aws_sdk_eventbridge::operation::put_events::PutEventsOutput;
use aws_sdk_eventbridge::types::PutEventsResultEntry;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use bedrock_alerts::aws::eventbridge::{BusPublisher, DETAIL_TYPE, SOURCE};
use bedrock_alerts::outputs::alerts::{build_alerts, AlertMessage, AlertOptions};
use bedrock_alerts::{Finding, Severity, Source};
use std::time::Duration;

const BUS: &str = "ops-alerts";

fn alerts(n: usize, reason_bytes: usize) -> Vec<AlertMessage> {
    let findings: Vec<Finding> = (0..n)
        .map(|i| {
            let mut f = Finding::new(Severity::Error, Source::ModelInvocation, format!("Code{i}"));
            f.model_id = Some("m".into());
            f.push_reason("r".repeat(reason_bytes));
            f
        })
        .collect();
    let options = AlertOptions {
        max_alerts: 1000,
        ..AlertOptions::default()
    };
    build_alerts(&findings, &options)
}

fn publisher(client: aws_sdk_eventbridge::Client) -> BusPublisher {
    BusPublisher::new(client, BUS, 3).with_backoff(Duration::ZERO)
}

fn ok(id: usize) -> PutEventsResultEntry {
    PutEventsResultEntry::builder()
        .event_id(format!("e{id}"))
        .build()
}

fn failed(code: &str) -> PutEventsResultEntry {
    PutEventsResultEntry::builder()
        .error_code(code)
        .error_message("no")
        .build()
}

#[tokio::test]
async fn each_alert_is_an_event_with_its_payload_as_detail() {
    let sent = alerts(2, 10);
    let expected: Vec<String> = sent.iter().map(AlertMessage::payload_json).collect();
    let call = mock!(aws_sdk_eventbridge::Client::put_events)
        .match_requests(move |req| {
            req.entries().iter().zip(&expected).all(|(entry, payload)| {
                entry.source() == Some(SOURCE)
                    && entry.detail_type() == Some(DETAIL_TYPE)
                    && entry.event_bus_name() == Some(BUS)
                    && entry.detail() == Some(payload.as_str())
            }) && req.entries().len() == 2
        })
        .then_output(|| {
            PutEventsOutput::builder()
                .failed_entry_count(0)
                .entries(ok(0))
                .entries(ok(1))
                .build()
        });
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&call]);
    assert_eq!(
        publisher(client).publish_until(&sent, None).await.unwrap(),
        2
    );
    assert_eq!(call.num_calls(), 1);
}

/// Publishes three alerts to a bus whose first PutEvents call answers `first`, and checks
/// that one more call, of `again` entries (all accepted), delivers the rest.
async fn three_sent_in_two_calls(first: fn() -> PutEventsOutput, again: usize) {
    let partial = mock!(aws_sdk_eventbridge::Client::put_events)
        .match_requests(|req| req.entries().len() == 3)
        .then_output(first);
    let retry = mock!(aws_sdk_eventbridge::Client::put_events)
        .match_requests(move |req| req.entries().len() == again)
        .then_output(move || {
            (0..again)
                .fold(PutEventsOutput::builder().failed_entry_count(0), |b, i| {
                    b.entries(ok(i))
                })
                .build()
        });
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&partial, &retry]);
    assert_eq!(
        publisher(client)
            .publish_until(&alerts(3, 10), None)
            .await
            .unwrap(),
        3
    );
    assert_eq!((partial.num_calls(), retry.num_calls()), (1, 1));
}

#[tokio::test]
async fn failed_entries_are_retried_alone() {
    let partial = || {
        PutEventsOutput::builder()
            .failed_entry_count(1)
            .entries(ok(0))
            .entries(failed("ThrottlingException"))
            .entries(ok(2))
            .build()
    };
    three_sent_in_two_calls(partial, 1).await;
}

#[tokio::test]
async fn entries_a_short_answer_does_not_mention_are_sent_again() {
    // One failure counted, but a result for only the first of three entries: the other two
    // may or may not have gone through, so both are sent again (a duplicate beats a loss).
    let short = || {
        PutEventsOutput::builder()
            .failed_entry_count(1)
            .entries(ok(0))
            .build()
    };
    three_sent_in_two_calls(short, 2).await;
}

#[tokio::test]
async fn entries_that_never_go_through_are_an_error_after_the_attempts() {
    let always = mock!(aws_sdk_eventbridge::Client::put_events).then_output(|| {
        PutEventsOutput::builder()
            .failed_entry_count(1)
            .entries(failed("InternalFailure"))
            .build()
    });
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&always]);
    let error = publisher(client)
        .publish_until(&alerts(1, 10), None)
        .await
        .unwrap_err();
    assert_eq!((error.unsent, error.total, error.attempts), (1, 1, 3));
    assert_eq!(error.destination, "EventBridge");
    assert!(error.to_string().contains("InternalFailure"), "{error}");
    assert_eq!(always.num_calls(), 3);
}

#[tokio::test]
async fn entries_rejected_as_malformed_are_not_retried() {
    let malformed = mock!(aws_sdk_eventbridge::Client::put_events).then_output(|| {
        PutEventsOutput::builder()
            .failed_entry_count(1)
            .entries(ok(0))
            .entries(failed("MalformedDetail"))
            .build()
    });
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&malformed]);
    let error = publisher(client)
        .publish_until(&alerts(2, 10), None)
        .await
        .unwrap_err();
    assert_eq!(error.unsent, 1);
    assert!(error.rejected.contains("MalformedDetail"));
    assert_eq!(malformed.num_calls(), 1);
}

fn refused(status: u16, code: &str) -> aws_smithy_mocks::Rule {
    let body = format!(r#"{{"__type":"{code}","message":"no"}}"#);
    mock!(aws_sdk_eventbridge::Client::put_events)
        .sequence()
        .http_status(status, Some(body))
        .repeatedly()
        .build()
}

#[tokio::test]
async fn a_missing_bus_is_not_retried_but_a_server_error_is() {
    let missing = refused(400, "ResourceNotFoundException");
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&missing]);
    let error = publisher(client)
        .publish_until(&alerts(1, 10), None)
        .await
        .unwrap_err();
    assert!(
        error.rejected.contains("ResourceNotFoundException"),
        "{error}"
    );
    assert_eq!(missing.num_calls(), 1);

    let failing = refused(500, "InternalException");
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&failing]);
    let error = publisher(client)
        .publish_until(&alerts(1, 10), None)
        .await
        .unwrap_err();
    assert!(error.rejected.is_empty());
    assert_eq!(error.attempts, 3, "{error}");
    assert!(failing.num_calls() >= 3);
}

#[tokio::test]
async fn calls_hold_at_most_ten_entries() {
    let call = mock!(aws_sdk_eventbridge::Client::put_events)
        .match_requests(|req| req.entries().len() <= 10)
        .then_output(|| {
            PutEventsOutput::builder()
                .failed_entry_count(0)
                .entries(ok(0))
                .build()
        });
    // 25 small alerts: 10 + 10 + 5 (packing by size: `publish::pack`'s unit test and the
    // e2e test with large alerts).
    let client = mock_client!(aws_sdk_eventbridge, RuleMode::MatchAny, [&call]);
    let _ = publisher(client).publish_until(&alerts(25, 10), None).await;
    assert_eq!(call.num_calls(), 3);
}
