//! Delivery: an invocation's (or a scan's) grouped findings turned into alerts and
//! published. The functions and the CLI's `--publish` share it, so what is sent, and how,
//! is decided in one place. With a state table, each incident is settled there first
//! (`suppression.rs`) and only the messages it asks for are sent; without one, every group
//! is sent as it is.

use super::outputs::Outputs;
use super::publish::PublishError;
use super::state::{StateError, StateTable};
use super::suppression::Suppression;
use super::{dynamodb_client, SdkConfig};
use crate::config::DeliveryConfig;
use crate::counts::Tally;
use crate::outputs::alerts::{
    alerts_for, overflow_alert, render_framed, AlertMessage, Collector, Framing, Group,
};
use crate::outputs::incidents::{by_incident, Settings};
use crate::rules::finding::{Severity, Source};
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;

/// Time kept after settling incidents in the state table for publishing what they ask for.
const SETTLE_RESERVE: Duration = Duration::from_secs(1);

/// Where alerts go and how findings become alerts.
#[derive(Debug)]
pub struct Delivery {
    config: DeliveryConfig,
    outputs: Outputs,
    suppression: Option<Suppression>,
}

/// Records of one kind counted for the first time (with a state table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedOnce {
    pub source: Source,
    pub status: String,
    pub severity: Severity,
    pub model_id: Option<String>,
    pub records: u64,
}

impl CountedOnce {
    fn of(group: &Group, records: u64) -> CountedOnce {
        CountedOnce {
            source: group.key.source(),
            status: group.key.status.clone(),
            severity: group.severity,
            model_id: group.key.fields().model_id.map(str::to_owned),
            records,
        }
    }

    pub fn tally(&self) -> (Tally<'_>, u64) {
        let tally = Tally {
            source: self.source,
            status: &self.status,
            severity: self.severity,
            model_id: self.model_id.as_deref(),
        };
        (tally, self.records)
    }
}

/// What a delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Messages SNS accepted.
    pub sent: usize,
    /// With a state table: records counted for the first time, by kind (the metrics count
    /// these instead of every delivery of a record).
    pub counted_once: Option<Vec<CountedOnce>>,
    /// Incidents sent without suppression because the state table failed.
    pub suppression_unavailable: usize,
}

/// A flush of the state table failed before anything could be sent.
#[derive(Debug, thiserror::Error)]
pub enum FlushError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Publish(#[from] PublishError),
}

impl Delivery {
    /// The outputs for the alerts, and the state table when the configuration names one.
    pub fn new(sdk: &SdkConfig, config: DeliveryConfig) -> Delivery {
        let outputs = Outputs::new(sdk, &config);
        let suppression = config.state.as_ref().map(|state| {
            let settings = Settings {
                interval: state.repeat_interval_secs,
                alerts: config.alerts.clone(),
            };
            Suppression::new(
                StateTable::new(dynamodb_client(sdk), &state.table),
                settings,
            )
        });
        Delivery {
            config,
            outputs,
            suppression,
        }
    }

    /// An empty collector for findings to deliver: those below the minimum severity are
    /// left out, and each alert lists its first `items_per_alert` findings. With a state
    /// table it keeps record identities, to count each record once.
    pub fn collector(&self) -> Collector {
        let collector =
            Collector::new(self.config.min_severity, self.config.alerts.items_per_alert);
        match self.suppression {
            Some(_) => collector.tracking_identities(),
            None => collector,
        }
    }

    /// Publishes alerts rendered elsewhere (alarm state changes) as they are: they are one
    /// message per state change already, so no incident state applies.
    pub async fn send_as_is(
        &self,
        alerts: &[AlertMessage],
        deadline: Option<Instant>,
    ) -> Result<usize, PublishError> {
        self.outputs.publish_until(alerts, deadline).await
    }

    /// Publishes the collected findings: one alert per group (and a summary past the cap),
    /// or with a state table the messages their incidents ask for. No SNS call or backoff
    /// runs past `deadline`. What was sent, or why some of it was not.
    pub async fn deliver(
        &self,
        collector: &Collector,
        deadline: Option<Instant>,
    ) -> Result<Delivered, PublishError> {
        let Some(suppression) = &self.suppression else {
            let alerts = alerts_for(collector, &self.config.alerts);
            let sent = self.outputs.publish_until(&alerts, deadline).await?;
            return Ok(Delivered {
                sent,
                ..Delivered::default()
            });
        };
        let now = chrono::Utc::now().timestamp();
        let mut outcome = Outcome::default();
        let mut counted = Vec::new();
        // The state table may use the time up to a second before the deadline; what it has
        // not settled by then is sent without suppression.
        let settle_by = deadline.map(|d| d.checked_sub(SETTLE_RESERVE).unwrap_or(d));
        for touched in by_incident(collector) {
            match suppression
                .settle_until(&touched.key, Some(&touched.group), now, settle_by)
                .await
            {
                Ok(settled) => {
                    counted.push(CountedOnce::of(&touched.group, settled.new_records));
                    outcome.queue(touched.key, settled.send);
                }
                Err(error) => {
                    counted.push(CountedOnce::of(&touched.group, touched.group.count));
                    outcome.fail_open(&touched.group, &error, &self.config);
                }
            }
        }
        outcome
            .messages
            .extend(overflow_alert(collector, &self.config.alerts));
        // Groups past the collector's cap are only counted: they count as they are.
        counted.extend(
            collector
                .overflow()
                .iter()
                .map(|((source, status, severity), records)| CountedOnce {
                    source: *source,
                    status: status.clone(),
                    severity: *severity,
                    model_id: None,
                    records: *records,
                }),
        );
        let mut delivered = self.send(suppression, outcome, deadline, now).await?;
        delivered.counted_once = Some(counted);
        Ok(delivered)
    }

    /// Sends what is due in the state table: follow-ups of windows that ended with
    /// occurrences pending, and messages queued but left unsent.
    pub async fn flush(&self, deadline: Option<Instant>) -> Result<Delivered, FlushError> {
        let Some(suppression) = &self.suppression else {
            return Ok(Delivered::default());
        };
        let now = chrono::Utc::now().timestamp();
        let mut outcome = Outcome::default();
        let mut failed = None;
        for key in suppression.due(now).await? {
            match suppression.settle_until(&key, None, now, deadline).await {
                Ok(settled) => outcome.queue(key, settled.send),
                // The others are flushed all the same; this one is due again next minute.
                Err(error) => {
                    tracing::warn!(incident = %key, error = %error, "incident not flushed");
                    failed = Some(error);
                }
            }
        }
        let delivered = self.send(suppression, outcome, deadline, now).await?;
        match failed {
            Some(error) => Err(error.into()),
            None => Ok(delivered),
        }
    }

    /// Publishes, then drops what SNS accepted from the incidents' outboxes. A failure to
    /// confirm is only logged: the message is sent again later, with the same id. When
    /// publishing fails, the queued messages are made due at once for the retry.
    async fn send(
        &self,
        suppression: &Suppression,
        outcome: Outcome,
        deadline: Option<Instant>,
        now: i64,
    ) -> Result<Delivered, PublishError> {
        let published = self
            .outputs
            .publish_until(&outcome.messages, deadline)
            .await;
        for (key, ids) in &outcome.queued {
            let (result, what) = match &published {
                Ok(_) => (
                    suppression.confirm(key, ids, now).await,
                    "confirmed as sent",
                ),
                Err(_) => (
                    suppression.release(key, ids, now).await,
                    "released for the retry",
                ),
            };
            if let Err(error) = result {
                tracing::warn!(incident = %key, error = %error, "a queued message could not be {what}: it is sent after the grace");
            }
        }
        Ok(Delivered {
            sent: published?,
            counted_once: None,
            suppression_unavailable: outcome.unavailable,
        })
    }

    pub fn topic_arn(&self) -> &str {
        &self.config.topic_arn
    }
}

/// The messages one delivery will send, and which incidents' outboxes they came from.
#[derive(Debug, Default)]
struct Outcome {
    messages: Vec<AlertMessage>,
    queued: Vec<(String, Vec<String>)>,
    unavailable: usize,
}

impl Outcome {
    fn queue(&mut self, key: String, messages: Vec<AlertMessage>) {
        if messages.is_empty() {
            return;
        }
        self.queued
            .push((key, messages.iter().map(|m| m.id.clone()).collect()));
        self.messages.extend(messages);
    }

    /// The state table failed for this incident: its findings are sent as they are,
    /// marked, and never dropped.
    fn fail_open(&mut self, group: &Group, error: &StateError, config: &DeliveryConfig) {
        tracing::warn!(error = %error, status = %group.key.status, "state table unavailable: alert sent without suppression");
        let mut fields = serde_json::Map::new();
        fields.insert("suppression".into(), json!("unavailable"));
        let framing = Framing {
            headline: Some(
                "Sent without incident suppression: the state table could not be read or written."
                    .to_owned(),
            ),
            fields,
            ..Framing::default()
        };
        self.messages
            .push(render_framed(group, framing, &config.alerts));
        self.unavailable += 1;
    }
}
