//! SNS as the alert sink: `PublishBatch` in chunks of 10. A 200 response can still carry
//! failed entries; those are retried with backoff, and whatever stays unsent is an error,
//! so the invocation fails and Lambda retries the event. Nothing is swallowed.

use crate::alert::AlertMessage;
use aws_sdk_sns::error::DisplayErrorContext;
use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};
use aws_sdk_sns::Client;
use std::collections::HashMap;
use std::time::Duration;

/// SNS accepts at most 10 entries per PublishBatch call.
pub const BATCH_SIZE: usize = 10;

/// Some alerts could not be delivered to SNS.
#[derive(Debug, thiserror::Error)]
#[error("{unsent} of {total} alert(s) could not be published to SNS after {attempts} attempt(s): {last_error}")]
pub struct PublishError {
    pub unsent: usize,
    pub total: usize,
    pub attempts: u32,
    pub last_error: String,
}

impl PublishError {
    fn building(detail: String, total: usize) -> PublishError {
        PublishError {
            unsent: total,
            total,
            attempts: 0,
            last_error: detail,
        }
    }
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
        for chunk in alerts.chunks(BATCH_SIZE) {
            self.publish_chunk(chunk).await?;
        }
        Ok(alerts.len())
    }

    async fn publish_chunk(&self, chunk: &[AlertMessage]) -> Result<(), PublishError> {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, alert)| self.entry(i, alert))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|detail| PublishError::building(detail, chunk.len()))?;
        let mut pending = entries;
        let mut last_error = String::new();
        let mut delay = self.first_backoff;
        for attempt in 1..=self.max_attempts {
            if attempt > 1 {
                tokio::time::sleep(delay).await;
                delay = delay.saturating_mul(2);
            }
            let response = self
                .client
                .publish_batch()
                .topic_arn(&self.topic_arn)
                .set_publish_batch_request_entries(Some(pending.clone()))
                .send()
                .await;
            match response {
                Err(error) => last_error = DisplayErrorContext(&error).to_string(),
                Ok(output) => {
                    if output.failed().is_empty() {
                        return Ok(());
                    }
                    let failed: HashMap<&str, String> = output
                        .failed()
                        .iter()
                        .map(|f| {
                            let detail =
                                format!("{}: {}", f.code(), f.message().unwrap_or_default());
                            (f.id(), detail)
                        })
                        .collect();
                    if let Some(detail) = failed.values().next() {
                        last_error = detail.clone();
                    }
                    pending.retain(|entry| failed.contains_key(entry.id()));
                }
            }
        }
        Err(PublishError {
            unsent: pending.len(),
            total: chunk.len(),
            attempts: self.max_attempts,
            last_error,
        })
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
