//! EventBridge as an alert output: each alert becomes one event on the configured bus
//! (source `bedrock-alerts`, detail-type `Bedrock Alert`, the `alert/v1` payload as its
//! detail), sent with `PutEvents` in calls packed by count (10) and by size (256 KiB, entries
//! measured as EventBridge measures them). Entries a 200 response lists as failed are
//! retried with backoff unless their error says the entry itself is wrong; whatever stays
//! unsent is an error, so the invocation fails and Lambda retries the event.

use super::publish::PublishError;
use super::publish::{pack, send, settle, Answer, BatchOutcome, Calls, Refusal};
use crate::outputs::alerts::{fit_payload, AlertMessage};
use aws_sdk_eventbridge::operation::put_events::PutEventsOutput;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use aws_sdk_eventbridge::Client;
use std::time::Duration;
use tokio::time::Instant;

/// The `source` of every alert event.
pub const SOURCE: &str = "bedrock-alerts";
/// The `detail-type` of every alert event.
pub const DETAIL_TYPE: &str = "Bedrock Alert";
/// EventBridge accepts at most 10 entries per PutEvents call.
pub const BATCH_SIZE: usize = 10;
/// EventBridge accepts at most 256 KiB of entries per call, and per entry.
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

/// Entry error codes that say the entry itself is wrong: another attempt would fail alike.
const ENTRY_SENDER_FAULTS: [&str; 5] = [
    "MalformedDetail",
    "InvalidArgument",
    "AccessDeniedException",
    "NotAuthorizedForSourceException",
    "NotAuthorizedForDetailTypeException",
];

/// Sends alerts to one event bus (a name, an ARN, or `default`).
#[derive(Debug, Clone)]
pub struct BusPublisher {
    client: Client,
    bus: String,
    max_attempts: u32,
    first_backoff: Duration,
}

/// An entry's size as EventBridge counts it: source, detail-type and detail in UTF-8
/// bytes (no time or resources are set).
pub fn entry_bytes(detail: &str) -> usize {
    SOURCE.len() + DETAIL_TYPE.len() + detail.len()
}

/// The event detail of an alert: its v1 payload, trimmed like an SNS message (items first,
/// then all but its identity) when the entry would pass EventBridge's size limit.
pub fn detail(alert: &AlertMessage) -> String {
    let payload = alert.payload_json();
    let max = MAX_REQUEST_BYTES - entry_bytes("");
    if payload.len() <= max {
        return payload;
    }
    fit_payload(&alert.payload(), max)
}

impl BusPublisher {
    pub fn new(client: Client, bus: impl Into<String>, max_attempts: u32) -> BusPublisher {
        BusPublisher {
            client,
            bus: bus.into(),
            max_attempts: max_attempts.max(1),
            first_backoff: Duration::from_millis(100),
        }
    }

    /// Sets the first retry delay (doubled on each further attempt).
    pub fn with_backoff(mut self, first: Duration) -> BusPublisher {
        self.first_backoff = first;
        self
    }

    /// Sends every alert, or returns an error counting those left unsent. No call or
    /// backoff runs past `deadline`.
    pub async fn publish_until(
        &self,
        alerts: &[AlertMessage],
        deadline: Option<Instant>,
    ) -> Result<usize, PublishError> {
        let details: Vec<String> = alerts.iter().map(detail).collect();
        let sizes: Vec<usize> = details.iter().map(|d| entry_bytes(d)).collect();
        let mut outcomes = Vec::new();
        for range in pack(&sizes, BATCH_SIZE, MAX_REQUEST_BYTES) {
            let entries = details.get(range).unwrap_or_default();
            outcomes.push(self.put(entries, deadline).await);
        }
        settle("EventBridge", alerts.len(), outcomes)
    }

    async fn put(&self, details: &[String], deadline: Option<Instant>) -> BatchOutcome {
        let entries = details
            .iter()
            .map(|detail| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(&self.bus)
                    .source(SOURCE)
                    .detail_type(DETAIL_TYPE)
                    .detail(detail)
                    .build()
            })
            .collect();
        send(
            self,
            entries,
            self.first_backoff,
            self.max_attempts,
            deadline,
        )
        .await
    }

    /// What a 200 response did: results come in the order of the entries; those with an
    /// error code failed, and are worth another attempt unless the code blames the entry.
    fn answer(
        pending: Vec<PutEventsRequestEntry>,
        output: &PutEventsOutput,
    ) -> Answer<PutEventsRequestEntry> {
        let mut answer = Answer::default();
        if output.failed_entry_count() == 0 {
            return answer;
        }
        let results = output.entries();
        for (index, entry) in pending.into_iter().enumerate() {
            let Some(result) = results.get(index) else {
                // Without a result for it, the entry's fate is unknown: send it again.
                answer.retry.push(entry);
                continue;
            };
            let Some(code) = result.error_code() else {
                continue; // accepted
            };
            let message = result.error_message().unwrap_or_default();
            answer.last_error = Some(format!("{code}: {message}"));
            if ENTRY_SENDER_FAULTS.contains(&code) {
                tracing::error!(
                    code,
                    entry = index,
                    "EventBridge rejected an alert; it is not retried"
                );
                answer.rejected += 1;
                answer.rejected_codes.push(code.to_owned());
            } else {
                answer.retry.push(entry);
            }
        }
        answer
    }
}

impl Calls for BusPublisher {
    type Entry = PutEventsRequestEntry;

    async fn call(
        &self,
        entries: Vec<PutEventsRequestEntry>,
    ) -> Result<Answer<PutEventsRequestEntry>, Refusal> {
        let result = self
            .client
            .put_events()
            .set_entries(Some(entries.clone()))
            .send()
            .await;
        result
            .map(|output| BusPublisher::answer(entries, &output))
            .map_err(|error| Refusal::of("EventBridge", &error))
    }
}
