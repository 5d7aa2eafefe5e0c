//! Glue the two Lambda functions share (feature `lambda`): what `main` builds once at init,
//! the error a handler returns to make Lambda retry, delivery of alerts and the one summary
//! log line per invocation.

use crate::aws::aws_sdk_cloudwatch;
use crate::aws::delivery::{CountedOnce, Delivered, Delivery, FlushError};
use crate::aws::s3::FetchError;
use crate::aws::sns::PublishError;
use crate::aws::{s3_client, sdk_config};
use crate::config::{Config, ConfigError};
use crate::counts::Counts;
use crate::engine::Engine;
use crate::outputs::alerts::{AlertMessage, Collector};
use crate::outputs::metrics::{self, emf_lines, MetricContext};
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// Time kept after publishing for the function to hand its response to Lambda.
const RESPONSE_RESERVE: Duration = Duration::from_millis(250);

/// A function's `main`: logging that follows the Lambda log settings, [`Services`] built
/// once (a bad configuration fails init, naming the variable), then the runtime loop.
pub async fn serve<E, H, F, R>(handler: H) -> Result<(), lambda_runtime::Error>
where
    E: DeserializeOwned + Send,
    H: Fn(&'static Services, LambdaEvent<E>) -> F,
    F: Future<Output = Result<R, FunctionError>>,
    R: Serialize,
{
    lambda_runtime::tracing::init_default_subscriber();
    let services = Services::from_env().await.inspect_err(|error| {
        tracing::error!(error = %error, "invalid configuration: the function cannot start");
    })?;
    // Lives as long as the execution environment.
    let services: &'static Services = Box::leak(Box::new(services));
    lambda_runtime::run(service_fn(move |event| handler(services, event))).await
}

/// Built once per execution environment and lent to every invocation.
pub struct Services {
    pub config: Config,
    /// `AWS_LAMBDA_FUNCTION_NAME`, the metrics' `FunctionName` dimension.
    pub function_name: String,
    pub engine: Engine,
    pub s3: aws_sdk_s3::Client,
    /// For the models behind an alarm (the events function).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub delivery: Delivery,
}

impl Services {
    /// Reads the configuration (failing init with the variable's name) and builds clients.
    pub async fn from_env() -> Result<Services, ConfigError> {
        let config = Config::from_env()?;
        let sdk = sdk_config().await;
        Ok(Services {
            function_name: std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_default(),
            engine: config.engine(),
            s3: s3_client(&sdk, config.s3_force_path_style),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&sdk),
            delivery: Delivery::new(&sdk, config.delivery.clone()),
            config,
        })
    }

    /// A collector for one invocation's findings, honouring the minimum severity.
    pub fn collector(&self) -> Collector {
        self.delivery.collector()
    }

    /// How an invocation ending at `deadline` spends its time: reading stops
    /// `DEADLINE_MARGIN_MS` before it, leaving that long to publish, and publishing stops
    /// just before it.
    pub fn budget(&self, deadline: SystemTime) -> Budget {
        let left = deadline
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        let end = Instant::now() + left;
        let margin = Duration::from_millis(self.config.deadline_margin_ms);
        Budget {
            read_until: end.checked_sub(margin).unwrap_or_else(Instant::now),
            publish_until: end
                .checked_sub(RESPONSE_RESERVE)
                .unwrap_or_else(Instant::now),
        }
    }

    /// Groups the collected findings into alerts and publishes them all (or, with a state
    /// table, what their incidents ask for), or fails; then logs the invocation's summary
    /// line and metrics either way.
    pub async fn deliver(
        &self,
        counts: &Counts,
        collector: &Collector,
        budget: &Budget,
    ) -> Result<usize, FunctionError> {
        match self
            .delivery
            .deliver(collector, Some(budget.publish_until))
            .await
        {
            Ok(delivered) => {
                let mut counts = counts.clone();
                if let Some(rows) = &delivered.counted_once {
                    let rows: Vec<_> = rows.iter().map(CountedOnce::tally).collect();
                    counts.count_once(&rows);
                }
                log_summary(self, &counts, collector, &delivered, "ok");
                Ok(delivered.sent)
            }
            Err(error) => {
                log_summary(
                    self,
                    counts,
                    collector,
                    &Delivered::default(),
                    "publish failed",
                );
                Err(error.into())
            }
        }
    }

    /// Runs the engine over one event's bytes (named `input` in findings) and delivers what
    /// it found. The handler's answer: findings and alerts sent. `unknown` is logged when
    /// the event held nothing the engine knows.
    pub async fn scan_event(
        &self,
        input: &str,
        bytes: Vec<u8>,
        budget: &Budget,
        unknown: &str,
    ) -> Result<serde_json::Value, FunctionError> {
        let mut collector = self.collector();
        let report = self
            .engine
            .scan_bytes(input, bytes, &mut |f| collector.push(f));
        if report.counts.unknown_documents > 0 {
            tracing::warn!("{unknown}");
        }
        let sent = self.deliver(&report.counts, &collector, budget).await?;
        Ok(serde_json::json!({ "findings": collector.findings(), "alerts": sent }))
    }

    /// Publishes alerts rendered outside the engine (alarm state changes) as they are, or
    /// fails; then logs the summary line and metrics (with `counts`) either way.
    pub async fn deliver_as_is(
        &self,
        counts: &Counts,
        alerts: &[AlertMessage],
        budget: &Budget,
    ) -> Result<usize, FunctionError> {
        let published = self
            .delivery
            .send_as_is(alerts, Some(budget.publish_until))
            .await;
        let delivered = Delivered {
            sent: *published.as_ref().unwrap_or(&0),
            ..Delivered::default()
        };
        let outcome = if published.is_ok() {
            "ok"
        } else {
            "publish failed"
        };
        log_summary(self, counts, &self.collector(), &delivered, outcome);
        Ok(published?)
    }

    /// Sends the follow-ups and queued messages due in the state table (the scheduled
    /// flush). The number of messages sent.
    pub async fn flush(&self, budget: &Budget) -> Result<usize, FunctionError> {
        let delivered = self.delivery.flush(Some(budget.publish_until)).await?;
        tracing::info!(alerts_sent = delivered.sent, "state table flushed");
        Ok(delivered.sent)
    }
}

/// The deadlines of one invocation's steps.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Objects are started, and their bodies read, until then.
    pub read_until: Instant,
    /// SNS calls and their retries run until then.
    pub publish_until: Instant,
}

impl Budget {
    /// True while there is time to read and still publish.
    pub fn can_read(&self) -> bool {
        Instant::now() < self.read_until
    }
}

/// Why an invocation failed. Every variant is transient: Lambda retries the event and,
/// once retries are spent, parks it in the on-failure destination.
#[derive(Debug, thiserror::Error)]
pub enum FunctionError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Publish(#[from] PublishError),
    #[error(transparent)]
    Flush(#[from] FlushError),
    #[error("{unprocessed} object(s) were left unread or read only in part: the invocation ran out of time")]
    OutOfTime { unprocessed: usize },
}

impl From<FunctionError> for Diagnostic {
    fn from(error: FunctionError) -> Diagnostic {
        let error_type = match error {
            FunctionError::Fetch(_) => "FetchError",
            FunctionError::Publish(_) => "PublishError",
            FunctionError::Flush(_) => "FlushError",
            FunctionError::OutOfTime { .. } => "OutOfTime",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// The one summary line per invocation (counts only, never record contents), and the same
/// counts as CloudWatch EMF metrics on stdout.
fn log_summary(
    services: &Services,
    counts: &Counts,
    kept: &Collector,
    delivered: &Delivered,
    outcome: &str,
) {
    let context = MetricContext {
        namespace: services.config.metrics_namespace.clone(),
        function_name: services.function_name.clone(),
        timestamp_ms: chrono::Utc::now().timestamp_millis(),
    };
    let alerts_sent = delivered.sent;
    let delivery = metrics::Delivery {
        alerts_sent,
        suppression_unavailable: delivered.suppression_unavailable,
    };
    for line in emf_lines(&context, counts, delivery) {
        println!("{line}");
    }
    tracing::info!(
        outcome,
        inputs = counts.inputs,
        raw_bytes = counts.raw_bytes,
        decoded_bytes = counts.decoded_bytes,
        invocation_records = counts.invocation_records,
        knowledge_base_events = counts.knowledge_base_events,
        bedrock_job_events = counts.bedrock_job_events,
        cloudwatch_log_events = counts.cloudwatch_log_events,
        control_messages = counts.control_messages,
        unknown_documents = counts.unknown_documents,
        bad_records = counts.bad_records,
        unreadable_inputs = counts.unreadable_inputs,
        errors = counts.errors,
        warnings = counts.warnings,
        findings_grouped = kept.findings(),
        groups = kept.groups().len(),
        findings_only_counted = kept.overflow().values().sum::<u64>(),
        alerts_sent,
        suppression_unavailable = delivered.suppression_unavailable,
        "invocation summary"
    );
}
