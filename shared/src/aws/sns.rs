//! SNS as the alert sink: `PublishBatch` in batches packed by count (10) and by size (the
//! entries of one call add up to at most 256 KiB). A 200 response can still carry failed
//! entries: receiver faults and throttling are retried with backoff, sender faults (the
//! entry itself is invalid) are not. Whatever stays unsent is an error, so the invocation
//! fails and Lambda retries the event. Nothing is swallowed, and no attempt runs past the
//! deadline it is given.

use crate::outputs::alerts::AlertMessage;
use aws_sdk_sns::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_sns::operation::publish_batch::{PublishBatchError, PublishBatchOutput};
use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};
use aws_sdk_sns::Client;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use tokio::time::Instant;

/// SNS accepts at most 10 entries per PublishBatch call.
pub const BATCH_SIZE: usize = 10;
/// SNS accepts at most 256 KiB of messages (with their subjects and attributes) per call.
pub const BATCH_MAX_BYTES: usize = 256 * 1024;

/// Error codes of a failed call that are worth another attempt although SNS names the
/// sender: the caller is going too fast.
const THROTTLING: [&str; 5] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "KMSThrottling",
];

/// Some alerts could not be delivered to SNS.
#[derive(Debug, thiserror::Error)]
#[error("{unsent} of {total} alert(s) could not be published to SNS after {attempts} attempt(s): {last_error}")]
pub struct PublishError {
    pub unsent: usize,
    pub total: usize,
    pub attempts: u32,
    pub last_error: String,
    /// Error codes SNS gave for entries (or calls) that it rejected as the sender's fault;
    /// these were not retried.
    pub rejected: BTreeSet<String>,
}

/// Publishes alerts to one topic.
#[derive(Debug, Clone)]
pub struct Publisher {
    client: Client,
    topic_arn: String,
    fifo: bool,
    max_attempts: u32,
    first_backoff: Duration,
}

/// Splits alerts, in order, into batches of at most [`BATCH_SIZE`] entries whose sizes add up
/// to at most [`BATCH_MAX_BYTES`]. An alert that alone is larger gets a batch of its own (the
/// alert renderer keeps each one within the limit).
pub fn batches(alerts: &[AlertMessage]) -> Vec<&[AlertMessage]> {
    let mut batches = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, alert) in alerts.iter().enumerate() {
        let size = alert.entry_bytes();
        let count = index - start;
        if count > 0 && (count == BATCH_SIZE || bytes + size > BATCH_MAX_BYTES) {
            batches.extend(alerts.get(start..index));
            start = index;
            bytes = 0;
        }
        bytes += size;
    }
    if start < alerts.len() {
        batches.extend(alerts.get(start..));
    }
    batches
}

/// How one batch ended.
struct BatchOutcome {
    unsent: usize,
    /// Entries SNS rejected as the sender's fault.
    rejected_count: usize,
    attempts: u32,
    last_error: String,
    rejected: BTreeSet<String>,
}

impl Publisher {
    pub fn new(client: Client, topic_arn: impl Into<String>, max_attempts: u32) -> Publisher {
        let topic_arn = topic_arn.into();
        Publisher {
            client,
            fifo: topic_arn.ends_with(".fifo"),
            topic_arn,
            max_attempts: max_attempts.max(1),
            first_backoff: Duration::from_millis(100),
        }
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
        let mut failure: Option<PublishError> = None;
        for batch in batches(alerts) {
            let outcome = self.publish_batch(batch, deadline).await;
            if outcome.unsent == 0 {
                continue;
            }
            let error = failure.get_or_insert_with(|| PublishError {
                unsent: 0,
                total: alerts.len(),
                attempts: 0,
                last_error: String::new(),
                rejected: BTreeSet::new(),
            });
            error.unsent += outcome.unsent;
            error.attempts = error.attempts.max(outcome.attempts);
            error.last_error = outcome.last_error;
            error.rejected.extend(outcome.rejected);
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(alerts.len()),
        }
    }

    async fn publish_batch(
        &self,
        batch: &[AlertMessage],
        deadline: Option<Instant>,
    ) -> BatchOutcome {
        let mut outcome = BatchOutcome {
            unsent: batch.len(),
            rejected_count: 0,
            attempts: 0,
            last_error: String::new(),
            rejected: BTreeSet::new(),
        };
        let mut pending = match batch
            .iter()
            .enumerate()
            .map(|(i, alert)| self.entry(i, alert))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(entries) => entries,
            Err(detail) => {
                outcome.last_error = detail;
                return outcome;
            }
        };
        let mut delay = self.first_backoff;
        for attempt in 1..=self.max_attempts {
            if attempt > 1 {
                let Some(wait) = within(deadline, delay) else {
                    break;
                };
                tokio::time::sleep(wait).await;
                delay = delay.saturating_mul(2);
            }
            let Some(left) = within(deadline, Duration::MAX) else {
                break;
            };
            outcome.attempts = attempt;
            let call = self
                .client
                .publish_batch()
                .topic_arn(&self.topic_arn)
                .set_publish_batch_request_entries(Some(pending.clone()))
                .send();
            match tokio::time::timeout(left, call).await {
                Err(_) => outcome.last_error = "the call did not finish before the deadline".into(),
                Ok(Err(error)) => {
                    outcome.last_error = DisplayErrorContext(&error).to_string();
                    if let Some(code) = sender_fault(&error) {
                        tracing::error!(
                            code,
                            "SNS rejected a PublishBatch call; it is not retried"
                        );
                        outcome.rejected.insert(code);
                        break;
                    }
                }
                Ok(Ok(output)) => {
                    pending = self.keep_retryable(pending, &output, &mut outcome);
                    if pending.is_empty() {
                        break;
                    }
                }
            }
        }
        outcome.unsent = pending.len() + outcome.rejected_count;
        if deadline.is_some_and(|d| Instant::now() >= d) && outcome.unsent > 0 {
            outcome.last_error = format!(
                "the invocation's deadline came first (last error: {})",
                outcome.last_error
            );
        }
        outcome
    }

    /// The entries of `pending` that failed with a receiver fault (worth retrying). Sender
    /// faults are recorded by code (never the message, which could quote the entry).
    fn keep_retryable(
        &self,
        pending: Vec<PublishBatchRequestEntry>,
        output: &PublishBatchOutput,
        outcome: &mut BatchOutcome,
    ) -> Vec<PublishBatchRequestEntry> {
        let failed: HashMap<&str, bool> = output
            .failed()
            .iter()
            .map(|f| (f.id(), f.sender_fault()))
            .collect();
        for f in output.failed() {
            outcome.last_error = format!("{}: {}", f.code(), f.message().unwrap_or_default());
            if f.sender_fault() {
                tracing::error!(
                    code = f.code(),
                    entry = f.id(),
                    "SNS rejected an alert; it is not retried"
                );
                outcome.rejected.insert(f.code().to_owned());
            }
        }
        let (retry, rejected): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .filter(|entry| failed.contains_key(entry.id()))
            .partition(|entry| failed.get(entry.id()) == Some(&false));
        outcome.rejected_count += rejected.len();
        retry
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
            .message_structure("json")
            .set_message_attributes(Some(attributes));
        if self.fifo {
            entry = entry
                .message_group_id(&alert.group_id)
                .message_deduplication_id(&alert.id);
        }
        entry.build().map_err(|e| e.to_string())
    }
}

/// `wanted`, shortened to what is left before the deadline; `None` once it has passed.
fn within(deadline: Option<Instant>, wanted: Duration) -> Option<Duration> {
    match deadline {
        None => Some(wanted),
        Some(deadline) => {
            let left = deadline.checked_duration_since(Instant::now())?;
            (!left.is_zero()).then(|| wanted.min(left))
        }
    }
}

/// The error code of a call SNS refused because of the request itself (a 4xx that is not
/// throttling): another attempt would be refused the same way.
fn sender_fault(error: &SdkError<PublishBatchError>) -> Option<String> {
    let status = error.raw_response()?.status().as_u16();
    let code = error.code().unwrap_or("Unknown");
    ((400..500).contains(&status) && !THROTTLING.contains(&code)).then(|| code.to_owned())
}
