//! Bedrock job events (EventBridge, `source: aws.bedrock`): model customization, batch
//! inference and Data Automation jobs that failed or ended short.
//!
//! A failed job is an ERROR, a batch job that completed only in part or expired a WARN, and
//! every other state (submitted, in progress, completed, stopped) is not a problem. Events
//! of a detail-type this module does not know are unknown documents: counted, never alerted.

use crate::records::document::RawDocument;
use crate::records::fields::{parsed, text, timestamp_from_event_time, Arn};
use crate::rules::finding::{Finding, Severity, Source};
use serde_json::{Map, Value};

/// `detail.jobStatus`, `jobArn`, `jobName`, `baseModelArn`, `failureMessage`.
pub const MODEL_CUSTOMIZATION: &str = "Model Customization Job State Change";
/// `detail.status`, `batchJobArn`, `batchJobName`, `batchModelId`, `failureMessage`.
pub const BATCH_INFERENCE: &str = "Batch Inference Job State Change";
/// snake_case `detail`: `job_id`, `job_status`, `error_message`.
pub const DATA_AUTOMATION_CLIENT_ERROR: &str =
    "Bedrock Data Automation Job Failed With Client Error";
pub const DATA_AUTOMATION_SERVICE_ERROR: &str =
    "Bedrock Data Automation Job Failed With Service Error";

/// Data Automation events that never report a problem.
const DATA_AUTOMATION_HEALTHY: [&str; 2] = [
    "Bedrock Data Automation Job Created",
    "Bedrock Data Automation Job Succeeded",
];

/// Statuses of a Data Automation failure, named after its detail-type.
pub const FAILED_WITH_CLIENT_ERROR: &str = "FailedWithClientError";
pub const FAILED_WITH_SERVICE_ERROR: &str = "FailedWithServiceError";

/// An `aws.bedrock` event whose detail-type is not one this module knows, or a known one
/// without the fields that say what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an aws.bedrock event of a kind bedrock-alerts does not know")]
pub struct UnknownEvent;

/// What one event says about its job, in the event's own terms.
struct JobState<'d> {
    status: Option<String>,
    arn: Option<&'d Value>,
    name: Option<&'d Value>,
    model: Option<&'d Value>,
    reason: Option<&'d Value>,
}

/// The finding for one Bedrock event, if it reports a problem.
pub fn classify(doc: &RawDocument<'_>) -> Result<Option<Finding>, UnknownEvent> {
    let detail_type = doc
        .detail_type
        .as_ref()
        .and_then(Value::as_str)
        .ok_or(UnknownEvent)?;
    let empty = Map::new();
    let detail = doc
        .detail
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let state = match detail_type {
        MODEL_CUSTOMIZATION => JobState {
            status: text(detail.get("jobStatus")),
            arn: detail.get("jobArn"),
            name: detail.get("jobName"),
            model: detail.get("baseModelArn"),
            reason: detail.get("failureMessage"),
        },
        BATCH_INFERENCE => JobState {
            status: text(detail.get("status")),
            arn: detail.get("batchJobArn"),
            name: detail.get("batchJobName"),
            model: detail.get("batchModelId"),
            reason: detail.get("failureMessage"),
        },
        DATA_AUTOMATION_CLIENT_ERROR | DATA_AUTOMATION_SERVICE_ERROR => JobState {
            status: Some(
                if detail_type == DATA_AUTOMATION_CLIENT_ERROR {
                    FAILED_WITH_CLIENT_ERROR
                } else {
                    FAILED_WITH_SERVICE_ERROR
                }
                .to_owned(),
            ),
            arn: detail.get("job_id"),
            name: None,
            model: None,
            reason: detail.get("error_message"),
        },
        healthy if DATA_AUTOMATION_HEALTHY.contains(&healthy) => return Ok(None),
        _ => return Err(UnknownEvent),
    };
    let status = state.status.ok_or(UnknownEvent)?;
    let Some((severity, status)) = verdict(&status) else {
        return Ok(None);
    };
    let mut finding = Finding::new(severity, Source::BedrockJob, status);
    finding.event_type = Some(detail_type.to_owned());
    finding.timestamp = timestamp_from_event_time(doc.time.as_ref());
    finding.job_arn = text(state.arn);
    finding.job_name = text(state.name);
    finding.model_id = text(state.model);
    finding.account_id = text(doc.account.as_ref()).or_else(|| text(detail.get("accountId")));
    finding.region = text(parsed(doc.region).as_ref());
    if let Some(arn) = finding.job_arn.as_deref().and_then(Arn::parse) {
        let known = |part: &str| Some(part.to_owned()).filter(|p| !p.is_empty());
        finding.account_id = finding.account_id.take().or_else(|| known(arn.account));
        finding.region = finding.region.take().or_else(|| known(arn.region));
    }
    if let Some(reason) = text(state.reason) {
        finding.push_reason(reason);
    }
    Ok(Some(finding))
}

/// ERROR for a failure, WARN for a job that ended short, nothing for the other states. The
/// status is matched without regard to case and reported as AWS documents it, so the policy
/// knobs name one spelling.
fn verdict(status: &str) -> Option<(Severity, &'static str)> {
    [
        ("Failed", Severity::Error),
        (FAILED_WITH_CLIENT_ERROR, Severity::Error),
        (FAILED_WITH_SERVICE_ERROR, Severity::Error),
        ("PartiallyCompleted", Severity::Warn),
        ("Expired", Severity::Warn),
    ]
    .into_iter()
    .find(|(known, _)| known.eq_ignore_ascii_case(status))
    .map(|(known, severity)| (severity, known))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::document::{Document, Kind};
    use serde_json::json;

    fn classify_json(event: Value) -> Result<Option<Finding>, UnknownEvent> {
        let text = event.to_string();
        let doc = Document::parse(text.as_bytes()).unwrap();
        assert_eq!(doc.kind, Kind::BedrockEvent);
        classify(&doc.raw)
    }

    fn event(detail_type: &str, time: &str, detail: Value) -> Value {
        json!({
            "version": "0", "id": "5d5ab9a8-2d6d-4f4c-9d0e-0c1b2a3d4e5f",
            "detail-type": detail_type, "source": "aws.bedrock",
            "account": "111122223333", "time": time, "region": "us-east-1",
            "resources": [], "detail": detail,
        })
    }

    #[test]
    fn a_failed_customization_job_is_an_error_with_its_reason() {
        let finding = classify_json(event(
            MODEL_CUSTOMIZATION,
            "2026-11-20T14:05:12Z",
            json!({
                "jobName": "tune-support-bot",
                "jobArn": "arn:aws:bedrock:us-east-1:111122223333:model-customization-job/amazon.titan-text-express-v1:0:8k/abc123",
                "outputModelName": "support-bot-v2",
                "jobStatus": "Failed",
                "failureMessage": "Training data has invalid records",
                "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
            }),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.source, Source::BedrockJob);
        assert_eq!(finding.status, "Failed");
        assert_eq!(finding.job_name.as_deref(), Some("tune-support-bot"));
        assert_eq!(finding.reasons, ["Training data has invalid records"]);
        assert_eq!(finding.timestamp.as_deref(), Some("2026-11-20T14:05:12Z"));
        assert_eq!(finding.account_id.as_deref(), Some("111122223333"));
        assert_eq!(finding.region.as_deref(), Some("us-east-1"));
        assert_eq!(finding.event_type.as_deref(), Some(MODEL_CUSTOMIZATION));
    }

    #[test]
    fn batch_jobs_that_end_short_are_warnings_and_the_odd_time_parses() {
        for (sent, status) in [
            ("PartiallyCompleted", "PartiallyCompleted"),
            ("EXPIRED", "Expired"),
        ] {
            let finding = classify_json(event(
                BATCH_INFERENCE,
                "Wed Aug 28 22:58:30 UTC 2024",
                json!({
                    "accountId": "111122223333", "batchJobName": "nightly",
                    "batchJobArn": "arn:aws:bedrock:us-east-1:111122223333:model-invocation-job/k2a9",
                    "batchModelId": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
                    "status": sent, "failureMessage": "",
                }),
            ))
            .unwrap()
            .unwrap();
            assert_eq!(finding.severity, Severity::Warn);
            assert_eq!(finding.status, status);
            assert_eq!(finding.timestamp.as_deref(), Some("2024-08-28T22:58:30Z"));
            assert!(finding.reasons.is_empty());
            assert!(finding
                .model_id
                .unwrap()
                .ends_with("claude-3-haiku-20240307-v1:0"));
        }
    }

    #[test]
    fn healthy_states_report_nothing() {
        for status in ["Submitted", "InProgress", "Completed", "Stopped"] {
            let found = classify_json(event(
                BATCH_INFERENCE,
                "2026-11-20T14:05:12Z",
                json!({ "status": status, "batchJobName": "nightly" }),
            ));
            assert_eq!(found, Ok(None), "{status}");
        }
        let created = event(
            "Bedrock Data Automation Job Succeeded",
            "2026-11-20T14:05:12Z",
            json!({ "job_id": "x" }),
        );
        assert_eq!(classify_json(created), Ok(None));
    }

    #[test]
    fn data_automation_failures_are_errors_named_by_their_type() {
        let finding = classify_json(event(
            DATA_AUTOMATION_SERVICE_ERROR,
            "2026-11-20T14:05:12Z",
            json!({
                "job_id": "arn:aws:bedrock:us-west-2:111122223333:data-automation-invocation/4f1c",
                "job_status": "SERVICE_ERROR", "semantic_modality": "Document",
                "error_message": "Internal service error",
            }),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.status, FAILED_WITH_SERVICE_ERROR);
        assert!(finding
            .job_arn
            .unwrap()
            .contains("data-automation-invocation/4f1c"));
        assert_eq!(finding.reasons, ["Internal service error"]);
        // The event's own region wins over the ARN's.
        assert_eq!(finding.region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn unknown_detail_types_and_statusless_events_are_unknown() {
        let unknown = event(
            "Bedrock Agent Thing Happened",
            "2026-11-20T14:05:12Z",
            json!({}),
        );
        assert_eq!(classify_json(unknown), Err(UnknownEvent));
        let statusless = event(MODEL_CUSTOMIZATION, "2026-11-20T14:05:12Z", json!({}));
        assert_eq!(classify_json(statusless), Err(UnknownEvent));
    }
}
