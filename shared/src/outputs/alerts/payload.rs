//! The JSON payload machines get (schema `bedrock-alerts/alert/v1`): the group's identity,
//! counts, times, reasons, next steps and first findings.

use super::collector::OverflowCounts;
use super::group::Group;
use super::key::{About, GroupKey};
use crate::rules::finding::{Finding, Severity, Source};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// Version of the JSON payload sent to machine subscribers.
pub const PAYLOAD_SCHEMA: &str = "bedrock-alerts/alert/v1";

#[derive(Serialize)]
pub(super) struct Payload<'a> {
    pub(super) schema: &'static str,
    pub(super) id: &'a str,
    pub(super) group_id: &'a str,
    pub(super) severity: Severity,
    pub(super) source: Source,
    pub(super) status: &'a str,
    pub(super) count: u64,
    pub(super) first_timestamp: Option<&'a str>,
    pub(super) last_timestamp: Option<&'a str>,
    pub(super) account_id: Option<&'a str>,
    pub(super) region: Option<&'a str>,
    pub(super) knowledge_base_id: Option<&'a str>,
    pub(super) data_source_id: Option<&'a str>,
    pub(super) ingestion_job_id: Option<&'a str>,
    pub(super) model_id: Option<&'a str>,
    pub(super) operation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) job_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) job_name: Option<&'a str>,
    pub(super) reasons: Vec<&'a str>,
    pub(super) next_steps: Vec<String>,
    pub(super) items: Vec<&'a Finding>,
    pub(super) items_omitted: u64,
    /// Fields an incident adds (additive: the schema stays v1).
    #[serde(flatten)]
    pub(super) extra: serde_json::Map<String, serde_json::Value>,
}

impl<'a> Payload<'a> {
    /// The payload of a group's alert, listing its first `items` findings.
    pub(super) fn of(group: &'a Group, id: &'a str, group_id: &'a str, items: usize) -> Self {
        let key = &group.key;
        let fields = key.fields();
        let region = group.region();
        let items: Vec<&Finding> = group.items.iter().take(items).collect();
        Payload {
            schema: PAYLOAD_SCHEMA,
            id,
            group_id,
            severity: group.severity,
            source: key.source(),
            status: &key.status,
            count: group.count,
            first_timestamp: group.first_timestamp.as_deref(),
            last_timestamp: group.last_timestamp.as_deref(),
            account_id: group.account_id(),
            region,
            knowledge_base_id: fields.knowledge_base_id,
            data_source_id: fields.data_source_id,
            ingestion_job_id: fields.ingestion_job_id,
            model_id: fields.model_id,
            operation: fields.operation,
            job_arn: fields.job_arn,
            job_name: fields.job_name,
            reasons: group.reasons.iter().map(String::as_str).collect(),
            next_steps: next_steps(key, region),
            items_omitted: group.count.saturating_sub(items.len() as u64),
            items,
            extra: serde_json::Map::new(),
        }
    }
}

/// The payload of the summary alert: findings not sent separately, by source and status.
pub(super) fn overflow_payload(
    key: &GroupKey,
    group_id: &str,
    id: &str,
    severity: Severity,
    counts: &OverflowCounts,
    total: u64,
    groups: usize,
) -> serde_json::Value {
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for ((source, status, _), count) in counts {
        *by_status
            .entry(format!("{} {status}", source.as_str()))
            .or_default() += count;
    }
    json!({
        "schema": PAYLOAD_SCHEMA, "id": id, "group_id": group_id, "severity": severity,
        "source": key.source().as_str(), "status": key.status, "count": total,
        "groups_omitted": groups, "counts_by_status": by_status,
    })
}

/// Where to look next: the console and a Logs Insights query for the group.
pub(super) fn next_steps(key: &GroupKey, region: Option<&str>) -> Vec<String> {
    let region = region.unwrap_or("us-east-1");
    match &key.about {
        About::KnowledgeBase {
            knowledge_base_id,
            data_source_id,
            ingestion_job_id,
        } => {
            let mut steps = Vec::new();
            if let Some(kb) = knowledge_base_id {
                steps.push(format!(
                    "Open the knowledge base's data source and ingestion job in the console: https://{region}.console.aws.amazon.com/bedrock/home?region={region}#/knowledge-bases (knowledge base {kb}{}{})",
                    data_source_id.as_ref().map(|d| format!(", data source {d}")).unwrap_or_default(),
                    ingestion_job_id.as_ref().map(|j| format!(", ingestion job {j}")).unwrap_or_default(),
                ));
            }
            steps.push(format!(
                "CloudWatch Logs Insights on the knowledge base's application log group: fields @timestamp, event.document_location.s3_location.uri, event.status, event.status_reasons | filter event.status = \"{}\"{}",
                key.status,
                ingestion_job_id.as_ref().map(|j| format!(" and event.ingestion_job_id = \"{j}\"")).unwrap_or_default()
            ));
            steps
        }
        About::ModelInvocation { model_id, .. } => vec![
            format!(
                "CloudWatch Logs Insights on the invocation log group: fields @timestamp, requestId, modelId, operation, errorCode | filter errorCode = \"{}\"{}",
                key.status,
                model_id.as_ref().map(|m| format!(" and modelId = \"{m}\"")).unwrap_or_default()
            ),
            format!("Bedrock metrics (InvocationClientErrors, InvocationServerErrors, InvocationThrottles): https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#metricsV2:graph=~();namespace=AWS/Bedrock"),
        ],
        About::Processor { .. } => vec!["Run `bedrock-alerts scan` on the input named below to see the records it could not read.".to_owned()],
        About::BedrockJob { job_arn, job_name, .. } => job_steps(
            job_arn.as_deref().or(job_name.as_deref()).unwrap_or_default(),
            region,
        ),
    }
}

/// Where to look at a Bedrock job: its console page and the CLI call that describes it,
/// told apart by the resource type in its ARN.
fn job_steps(job: &str, region: &str) -> Vec<String> {
    let console = |page: &str| {
        format!("Open the job in the console: https://{region}.console.aws.amazon.com/bedrock/home?region={region}#/{page}")
    };
    if job.contains(":model-customization-job/") {
        vec![
            console("custom-models"),
            format!(
                "aws bedrock get-model-customization-job --region {region} --job-identifier {job}"
            ),
        ]
    } else if job.contains(":model-invocation-job/") {
        vec![
            console("batch-inference"),
            format!(
                "aws bedrock get-model-invocation-job --region {region} --job-identifier {job}"
            ),
        ]
    } else if job.contains(":data-automation-invocation/") {
        vec![format!(
            "aws bedrock-data-automation-runtime get-data-automation-status --region {region} --invocation-arn {job}"
        )]
    } else {
        vec![console("")]
    }
}
