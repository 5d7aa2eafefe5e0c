//! One invocation: find the objects the event names, stream each through the engine,
//! publish the grouped alerts.
//!
//! Permanent problems (an envelope that names no object, a corrupt or missing object) become
//! findings and are never retried. Transient ones (S3 request or body stream failing, the
//! deadline coming close, SNS failing) make the invocation — or, for SQS, only the affected
//! messages, and for S3 Batch Operations only the affected tasks — fail so they are retried.

use aws_lambda_events::event::s3::batch_job::{S3BatchJobResponse, S3BatchJobResult};
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse};
use bedrock_alerts::aws::s3::{scan_object, FetchError, ObjectScan};
use bedrock_alerts::lambda::{Budget, FunctionError, Services};
use bedrock_alerts::outputs::alerts::Collector;
use bedrock_alerts::triggers::object_events::{
    parse_trigger, BatchJob, EnvelopeError, Notification, Trigger,
};
use bedrock_alerts::triggers::object_ref::ObjectRef;
use bedrock_alerts::{Counts, Finding, Origin, ReadOutcome, Severity, Source};
use futures_util::stream::{self, StreamExt};
use lambda_runtime::LambdaEvent;
use serde_json::{json, Value};

/// Status of a finding about an event that names no usable object.
const UNUSABLE_EVENT: &str = "UNUSABLE_EVENT";

pub async fn handle(
    services: &Services,
    event: LambdaEvent<Value>,
) -> Result<Value, FunctionError> {
    let mut run = Run {
        services,
        budget: services.budget(event.context.deadline()),
        input: format!("lambda-event:{}", event.context.request_id),
        counts: Counts::default(),
        collector: services.collector(),
    };
    match parse_trigger(&event.payload) {
        Ok(Trigger::Notification(notification)) => run.notification(notification).await,
        Ok(Trigger::Sqs(records)) => run.sqs(records).await,
        Ok(Trigger::BatchOperations(job)) => run.batch(job).await,
        Err(error) => {
            run.unusable(&error);
            run.finish(Ok(json!({}))).await
        }
    }
}

/// What became of one object.
enum Outcome {
    Read,
    Skipped,
    /// Read to the end but permanently unusable (missing, corrupt): reported as a finding.
    Unreadable(String),
    Transient(FunctionError),
}

struct Run<'s> {
    services: &'s Services,
    budget: Budget,
    input: String,
    counts: Counts,
    collector: Collector,
}

impl Run<'_> {
    async fn notification(mut self, notification: Notification) -> Result<Value, FunctionError> {
        let Notification::Objects(objects) = notification else {
            tracing::info!("s3:TestEvent received; nothing to do");
            return self.finish(Ok(json!({ "test_event": true }))).await;
        };
        let total = objects.len();
        let objects = self.usable(objects);
        let mut failure = None;
        for outcome in self.read_all(&objects).await {
            if let Outcome::Transient(error) = outcome {
                failure.get_or_insert(error);
            }
        }
        let result = match failure {
            Some(error) => Err(error),
            None => Ok(json!({ "objects": total })),
        };
        self.finish(result).await
    }

    async fn sqs(
        mut self,
        records: Vec<bedrock_alerts::triggers::object_events::SqsRecord>,
    ) -> Result<Value, FunctionError> {
        // Every object of every message, read together; then each message is retried if
        // any of its objects failed transiently.
        let mut owners = Vec::new();
        let mut objects = Vec::new();
        for (index, record) in records.iter().enumerate() {
            match &record.notification {
                Err(error) => self.unusable(error),
                Ok(Notification::TestEvent) => {}
                Ok(Notification::Objects(listed)) => {
                    let usable = self.usable(listed.clone());
                    owners.extend(std::iter::repeat_n(index, usable.len()));
                    objects.extend(usable);
                }
            }
        }
        let outcomes = self.read_all(&objects).await;
        let mut retry = vec![false; records.len()];
        for (owner, outcome) in owners.into_iter().zip(outcomes) {
            if let (Outcome::Transient(_), Some(flag)) = (outcome, retry.get_mut(owner)) {
                *flag = true;
            }
        }
        let mut response = SqsBatchResponse::default();
        for (record, retry) in records.into_iter().zip(retry) {
            if retry {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = record.message_id;
                response.batch_item_failures.push(failure);
            }
        }
        let value = serde_json::to_value(&response).unwrap_or_default();
        self.finish(Ok(value)).await
    }

    async fn batch(mut self, job: BatchJob) -> Result<Value, FunctionError> {
        let objects: Vec<ObjectRef> = job
            .tasks
            .iter()
            .filter_map(|t| t.object.clone().ok())
            .collect();
        let mut outcomes = self.read_all(&objects).await.into_iter();
        let mut results = Vec::new();
        for task in job.tasks {
            let outcome = match &task.object {
                Err(error) => {
                    self.unusable(error);
                    None
                }
                Ok(_) => outcomes.next(),
            };
            let (code, detail) = match outcome {
                None => (
                    "PermanentFailure",
                    task.object.err().map(|e| e.to_string()).unwrap_or_default(),
                ),
                Some(Outcome::Read) => ("Succeeded", "scanned".to_owned()),
                Some(Outcome::Skipped) => ("Succeeded", "skipped: not a log object".to_owned()),
                Some(Outcome::Unreadable(reason)) => ("PermanentFailure", reason),
                Some(Outcome::Transient(error)) => ("TemporaryFailure", error.to_string()),
            };
            let mut result = S3BatchJobResult::default();
            result.task_id = Some(task.task_id);
            result.result_code = Some(code.to_owned());
            result.result_string = Some(detail);
            results.push(result);
        }
        let delivered = self.deliver().await;
        if let Err(error) = &delivered {
            // Nothing found in this run was sent: every task must run again.
            for result in &mut results {
                result.result_code = Some("TemporaryFailure".to_owned());
                result.result_string = Some(error.to_string());
            }
        }
        let mut response = S3BatchJobResponse::default();
        response.invocation_schema_version = Some(job.schema_version);
        response.treat_missing_keys_as = Some("PermanentFailure".to_owned());
        response.invocation_id = Some(job.invocation_id);
        response.results = results;
        Ok(serde_json::to_value(&response).unwrap_or_default())
    }

    /// Objects from an envelope; the records that name none are reported as unusable.
    fn usable(&mut self, objects: Vec<Result<ObjectRef, EnvelopeError>>) -> Vec<ObjectRef> {
        let mut usable = Vec::new();
        for object in objects {
            match object {
                Ok(object) => usable.push(object),
                Err(error) => self.unusable(&error),
            }
        }
        usable
    }

    /// Reads the objects, up to `OBJECT_CONCURRENCY` at once, and adds what they held in
    /// their order. One outcome per object, in order.
    async fn read_all(&mut self, objects: &[ObjectRef]) -> Vec<Outcome> {
        let concurrency = self.services.config.object_concurrency.max(1);
        let this: &Self = self;
        let results: Vec<(Outcome, Option<ObjectScan<Collector>>)> = stream::iter(objects)
            .map(|object| this.read_one(object))
            .buffered(concurrency)
            .collect()
            .await;
        let mut outcomes = Vec::with_capacity(results.len());
        for (outcome, scan) in results {
            if let Some(scan) = scan {
                self.counts += &scan.report.counts;
                self.collector.absorb(scan.findings);
            }
            outcomes.push(outcome);
        }
        outcomes
    }

    /// Reads one object unless it is to be skipped or time is short.
    async fn read_one(&self, object: &ObjectRef) -> (Outcome, Option<ObjectScan<Collector>>) {
        if let Some(skip) = self.services.config.key_filter.skip(object) {
            tracing::debug!(key = %object.key, reason = skip.as_str(), "skipped");
            return (Outcome::Skipped, None);
        }
        let out_of_time = || Outcome::Transient(FunctionError::OutOfTime { unprocessed: 1 });
        if !self.budget.can_read() {
            tracing::warn!(key = %object.key, "not started: too close to the deadline");
            return (out_of_time(), None);
        }
        let collector = self.collector.empty_like();
        let deadline = Some(self.budget.read_until);
        let services = self.services;
        match scan_object(&services.s3, &services.engine, object, collector, deadline).await {
            Ok(scan) => {
                let outcome = match &scan.report.outcome {
                    ReadOutcome::Unreadable(reason) => Outcome::Unreadable(reason.clone()),
                    _ => Outcome::Read,
                };
                (outcome, Some(scan))
            }
            Err(error) if !self.budget.can_read() => {
                tracing::warn!(key = %object.key, error = %error, "not read to the end before the deadline; it will be retried");
                (out_of_time(), None)
            }
            Err(error) => {
                tracing::warn!(key = %object.key, error = %error, "object will be retried");
                (Outcome::Transient(FetchError::into(error)), None)
            }
        }
    }

    /// An envelope naming no usable object: reported, never retried.
    fn unusable(&mut self, error: &EnvelopeError) {
        tracing::warn!(error = %error, "unusable event");
        let mut finding = Finding::new(Severity::Warn, Source::Processor, UNUSABLE_EVENT);
        finding.push_reason(error.to_string());
        finding.origin = Origin::input(&self.input);
        self.counts.record(&finding);
        self.collector.push(finding);
    }

    async fn deliver(&self) -> Result<usize, FunctionError> {
        self.services
            .deliver(&self.counts, &self.collector, &self.budget)
            .await
    }

    /// Publishes what was found (also when some objects must be retried: alerts carry
    /// deterministic ids, so FIFO topics drop the repeat), then returns the result.
    async fn finish(self, result: Result<Value, FunctionError>) -> Result<Value, FunctionError> {
        let sent = self.deliver().await?;
        result.map(|mut value| {
            if let Some(map) = value.as_object_mut() {
                map.insert("alerts".to_owned(), json!(sent));
            }
            value
        })
    }
}
