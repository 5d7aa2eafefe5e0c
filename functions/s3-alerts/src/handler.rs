//! One invocation: find the objects the event names, stream each through the engine,
//! publish the grouped alerts, and answer the trigger (`triggers::response` decides how).
//!
//! Permanent problems (an envelope that names no object, a corrupt or missing object) become
//! findings and are never retried. Transient ones (S3 request or body stream failing, the
//! deadline coming close, SNS failing) make the invocation — or, for SQS, only the affected
//! messages, and for S3 Batch Operations only the affected tasks — fail so they are retried.

use bedrock_alerts::aws::s3::{scan_object, FetchError};
use bedrock_alerts::lambda::{Budget, FunctionError, Services};
use bedrock_alerts::outputs::alerts::Collector;
use bedrock_alerts::triggers::object_events::{
    parse_trigger, EnvelopeError, Notification, Trigger,
};
use bedrock_alerts::triggers::object_ref::ObjectRef;
use bedrock_alerts::triggers::response::{answer, Items, Outcome};
use bedrock_alerts::{Counts, Finding, Origin, ReadOutcome, Severity, Source};
use futures_util::stream::{self, StreamExt};
use lambda_runtime::LambdaEvent;
use serde_json::Value;

/// Status of a finding about an event that names no usable object.
const UNUSABLE_EVENT: &str = "UNUSABLE_EVENT";

/// One entry of a trigger: an object, or why it names none.
type Entry = Result<ObjectRef, EnvelopeError>;

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
    let items = match parse_trigger(&event.payload) {
        Ok(Trigger::Flush) => {
            let sent = services.flush(&run.budget).await?;
            return Ok(serde_json::json!({ "flushed": sent }));
        }
        Ok(Trigger::Notification(Notification::TestEvent)) => {
            tracing::info!("s3:TestEvent received; nothing to do");
            Items::TestEvent
        }
        Ok(Trigger::Notification(Notification::Objects(entries))) => {
            Items::Objects(run.read_all(entries).await)
        }
        Ok(Trigger::Sqs(records)) => {
            // Every object of every message, read together, then handed back per message.
            let mut owners = Vec::new();
            let mut entries = Vec::new();
            for (index, record) in records.iter().enumerate() {
                let listed = match &record.notification {
                    Err(error) => vec![Err(error.clone())],
                    Ok(Notification::TestEvent) => Vec::new(),
                    Ok(Notification::Objects(listed)) => listed.clone(),
                };
                owners.extend(std::iter::repeat_n(index, listed.len()));
                entries.extend(listed);
            }
            let mut messages: Vec<(String, Vec<Outcome<FunctionError>>)> = records
                .into_iter()
                .map(|record| (record.message_id, Vec::new()))
                .collect();
            for (owner, outcome) in owners.into_iter().zip(run.read_all(entries).await) {
                if let Some((_, outcomes)) = messages.get_mut(owner) {
                    outcomes.push(outcome);
                }
            }
            Items::Sqs(messages)
        }
        Ok(Trigger::BatchOperations(job)) => {
            let (ids, entries): (Vec<String>, Vec<Entry>) = job
                .tasks
                .into_iter()
                .map(|task| (task.task_id, task.object))
                .unzip();
            Items::Batch {
                schema_version: job.schema_version,
                invocation_id: job.invocation_id,
                tasks: ids.into_iter().zip(run.read_all(entries).await).collect(),
            }
        }
        Err(error) => {
            run.unusable(&error);
            Items::Unrecognised
        }
    };
    // Published also when some objects must be retried: alerts carry deterministic ids, so
    // FIFO topics drop the repeat.
    let published = services
        .deliver(&run.counts, &run.collector, &run.budget)
        .await;
    answer(items, published)
}

struct Run<'s> {
    services: &'s Services,
    budget: Budget,
    input: String,
    counts: Counts,
    collector: Collector,
}

impl Run<'_> {
    /// Reads the entries' objects, up to `OBJECT_CONCURRENCY` at once, and adds what they
    /// held in their order; an entry that names no object is reported. One outcome per
    /// entry, in order.
    async fn read_all(&mut self, entries: Vec<Entry>) -> Vec<Outcome<FunctionError>> {
        let objects: Vec<Result<ObjectRef, String>> = entries
            .into_iter()
            .map(|entry| {
                entry.map_err(|error| {
                    self.unusable(&error);
                    error.to_string()
                })
            })
            .collect();
        let concurrency = self.services.config.object_concurrency.max(1);
        let this: &Self = self;
        let results: Vec<(Outcome<FunctionError>, Option<Read>)> = stream::iter(objects)
            .map(|object| async move {
                match object {
                    Ok(object) => this.read_one(&object).await,
                    Err(reason) => (Outcome::Unreadable(reason), None),
                }
            })
            .buffered(concurrency)
            .collect()
            .await;
        let mut outcomes = Vec::with_capacity(results.len());
        for (outcome, read) in results {
            if let Some((counts, findings)) = read {
                self.counts += &counts;
                self.collector.absorb(findings);
            }
            outcomes.push(outcome);
        }
        outcomes
    }

    /// Reads one object unless it is to be skipped or time is short.
    async fn read_one(&self, object: &ObjectRef) -> (Outcome<FunctionError>, Option<Read>) {
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
                (outcome, Some((scan.report.counts, scan.findings)))
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
}

/// What one object held: its counts and its findings.
type Read = (Counts, Collector);
