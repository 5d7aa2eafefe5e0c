//! SNS as the alert sink: `PublishBatch` in batches packed by count (10) and by size (the
//! entries of one call add up to at most 256 KiB). A 200 response can still carry failed
//! entries: receiver faults and throttling are retried with backoff, sender faults (the
//! entry itself is invalid) are not. Whatever stays unsent is an error, so the invocation
//! fails and Lambda retries the event. Nothing is swallowed, and no attempt runs past the
//! deadline it is given.

pub use super::publish::PublishError;
use super::publish::{pack, send, settle, Answer, BatchOutcome, Calls, Refusal};
use crate::outputs::alerts::AlertMessage;
use aws_sdk_sns::operation::publish_batch::PublishBatchOutput;
use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};
use aws_sdk_sns::Client;
use std::collections::HashMap;
use std::time::Duration;
use tokio::time::Instant;

/// SNS accepts at most 10 entries per PublishBatch call.
pub const BATCH_SIZE: usize = 10;
/// SNS accepts at most 256 KiB of messages (with their subjects and attributes) per call.
pub const BATCH_MAX_BYTES: usize = 256 * 1024;

/// Publishes alerts to one topic.
#[derive(Debug, Clone)]
pub struct Publisher {
    client: Client,
    topic_arn: String,
    fifo: bool,
    /// `MessageStructure=json` (a message per protocol), or the message as it is (the chat
    /// topic, whose subscriber reads the notification itself).
    structured: bool,
    destination: &'static str,
    max_attempts: u32,
    first_backoff: Duration,
}

/// Splits alerts, in order, into batches of at most [`BATCH_SIZE`] entries whose sizes add up
/// to at most [`BATCH_MAX_BYTES`].
pub fn batches(alerts: &[AlertMessage]) -> Vec<&[AlertMessage]> {
    let sizes: Vec<usize> = alerts.iter().map(AlertMessage::entry_bytes).collect();
    pack(&sizes, BATCH_SIZE, BATCH_MAX_BYTES)
        .into_iter()
        .filter_map(|range| alerts.get(range))
        .collect()
}

impl Publisher {
    pub fn new(client: Client, topic_arn: impl Into<String>, max_attempts: u32) -> Publisher {
        let topic_arn = topic_arn.into();
        Publisher {
            client,
            fifo: topic_arn.ends_with(".fifo"),
            topic_arn,
            structured: true,
            destination: "SNS",
            max_attempts: max_attempts.max(1),
            first_backoff: Duration::from_millis(100),
        }
    }

    /// Publishes each alert's message as it is, not as a `MessageStructure=json` document
    /// (for the chat topic, named as `destination` in errors).
    pub fn unstructured(mut self, destination: &'static str) -> Publisher {
        self.structured = false;
        self.destination = destination;
        self
    }

    /// Sets the first retry delay (doubled on each further attempt).
    pub fn with_backoff(mut self, first: Duration) -> Publisher {
        self.first_backoff = first;
        self
    }

    /// Publishes every alert or returns an error counting those left unsent.
    pub async fn publish(&self, alerts: &[AlertMessage]) -> Result<usize, PublishError> {
        self.publish_until(alerts, None).await
    }

    /// Like [`Publisher::publish`], but no call or backoff runs past `deadline`: what is not
    /// sent by then is counted as unsent.
    pub async fn publish_until(
        &self,
        alerts: &[AlertMessage],
        deadline: Option<Instant>,
    ) -> Result<usize, PublishError> {
        let mut outcomes = Vec::new();
        for batch in batches(alerts) {
            outcomes.push(self.publish_batch(batch, deadline).await);
        }
        settle(self.destination, alerts.len(), outcomes)
    }

    async fn publish_batch(
        &self,
        batch: &[AlertMessage],
        deadline: Option<Instant>,
    ) -> BatchOutcome {
        let entries = batch
            .iter()
            .enumerate()
            .map(|(i, alert)| self.entry(i, alert))
            .collect::<Result<Vec<_>, _>>();
        match entries {
            Ok(entries) => {
                send(
                    self,
                    entries,
                    self.first_backoff,
                    self.max_attempts,
                    deadline,
                )
                .await
            }
            Err(detail) => BatchOutcome::invalid(batch.len(), detail),
        }
    }

    /// What a 200 response did: the entries that failed with a receiver fault are worth
    /// retrying. Sender faults are recorded by code (never the message, which could quote
    /// the entry).
    fn answer(
        pending: Vec<PublishBatchRequestEntry>,
        output: &PublishBatchOutput,
    ) -> Answer<PublishBatchRequestEntry> {
        let failed: HashMap<&str, bool> = output
            .failed()
            .iter()
            .map(|f| (f.id(), f.sender_fault()))
            .collect();
        let mut rejected_codes = Vec::new();
        for f in output.failed().iter().filter(|f| f.sender_fault()) {
            tracing::error!(
                code = f.code(),
                entry = f.id(),
                "SNS rejected an alert; it is not retried"
            );
            rejected_codes.push(f.code().to_owned());
        }
        let (retry, rejected): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .filter(|entry| failed.contains_key(entry.id()))
            .partition(|entry| failed.get(entry.id()) == Some(&false));
        Answer {
            retry,
            rejected: rejected.len(),
            rejected_codes,
            last_error: output
                .failed()
                .last()
                .map(|f| format!("{}: {}", f.code(), f.message().unwrap_or_default())),
        }
    }

    fn entry(
        &self,
        index: usize,
        alert: &AlertMessage,
    ) -> Result<PublishBatchRequestEntry, String> {
        let attributes = alert
            .attributes
            .iter()
            .map(|(name, value)| {
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(value)
                    .build()
                    .map(|v| (name.clone(), v))
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<HashMap<_, _>, _>>()?;
        let mut entry = PublishBatchRequestEntry::builder()
            .id(format!("alert-{index}"))
            .subject(&alert.subject)
            .message(&alert.message)
            .set_message_structure(self.structured.then(|| "json".to_owned()))
            .set_message_attributes(Some(attributes));
        if self.fifo {
            entry = entry
                .message_group_id(&alert.group_id)
                .message_deduplication_id(&alert.id);
        }
        entry.build().map_err(|e| e.to_string())
    }
}

impl Calls for Publisher {
    type Entry = PublishBatchRequestEntry;

    async fn call(
        &self,
        entries: Vec<PublishBatchRequestEntry>,
    ) -> Result<Answer<PublishBatchRequestEntry>, Refusal> {
        let result = self
            .client
            .publish_batch()
            .topic_arn(&self.topic_arn)
            .set_publish_batch_request_entries(Some(entries.clone()))
            .send()
            .await;
        result
            .map(|output| Publisher::answer(entries, &output))
            .map_err(|error| Refusal::of("SNS", &error))
    }
}
