//! What people read: the subject line, the email/SMS text and the next steps.

use super::collector::OverflowCounts;
use super::key::{About, GroupKey};
use super::limits::sanitize_subject;
use super::payload::Payload;
use crate::rules::finding::{Severity, Source};
use std::fmt::Write as _;

/// "[ERROR] Bedrock KB KB12345678: EMBEDDING_FAILED x500".
pub(super) fn subject_for(key: &GroupKey, severity: Severity, count: u64) -> String {
    let what = match &key.about {
        About::KnowledgeBase {
            knowledge_base_id, ..
        } => format!("Bedrock KB {}", knowledge_base_id.as_deref().unwrap_or("?")),
        About::ModelInvocation { model_id, .. } => {
            let model = model_id.as_deref().unwrap_or("?");
            // ARNs are long: the part after the last '/' names the model or profile.
            format!("Bedrock {}", model.rsplit('/').next().unwrap_or(model))
        }
        About::Processor { .. } => "bedrock-alerts".to_owned(),
        About::BedrockJob {
            job_name, job_arn, ..
        } => {
            let job = job_name.as_deref().or(job_arn.as_deref()).unwrap_or("?");
            format!("Bedrock job {}", job.rsplit('/').next().unwrap_or(job))
        }
    };
    let times = if count > 1 {
        format!(" x{count}")
    } else {
        String::new()
    };
    sanitize_subject(&format!("[{severity}] {what}: {}{times}", key.status))
}

pub(super) fn text_body(payload: &Payload<'_>) -> String {
    let mut out = String::new();
    let what = match payload.source {
        Source::KnowledgeBase => "Knowledge-base ingestion problem",
        Source::ModelInvocation => "Bedrock model invocation failure",
        Source::Processor => "bedrock-alerts could not read some logs",
        Source::BedrockJob => "Bedrock job problem",
    };
    let _ = writeln!(
        out,
        "{what}: {} ({}), {} occurrence(s)\n",
        payload.status, payload.severity, payload.count
    );
    let rows = [
        ("Account", payload.account_id),
        ("Region", payload.region),
        ("Knowledge base", payload.knowledge_base_id),
        ("Data source", payload.data_source_id),
        ("Ingestion job", payload.ingestion_job_id),
        ("Job", payload.job_name),
        ("Job ARN", payload.job_arn),
        ("Model", payload.model_id),
        ("Operation", payload.operation),
        ("First seen", payload.first_timestamp),
        ("Last seen", payload.last_timestamp),
    ];
    for (label, value) in rows {
        if let Some(value) = value {
            let _ = writeln!(out, "{label:<15} {value}");
        }
    }
    if !payload.reasons.is_empty() {
        out.push_str("\nWhy:\n");
        for reason in &payload.reasons {
            let _ = writeln!(out, "  - {reason}");
        }
    }
    out.push_str("\nItems:\n");
    for item in &payload.items {
        let name = item
            .document_uri
            .as_deref()
            .or(item.request_id.as_deref())
            .or(item.job_name.as_deref())
            .unwrap_or("(record)");
        let _ = writeln!(
            out,
            "  - {name}{}  [{}]",
            item.timestamp
                .as_deref()
                .map(|t| format!(" at {t}"))
                .unwrap_or_default(),
            item.origin
        );
    }
    if payload.items_omitted > 0 {
        let _ = writeln!(out, "  … and {} more", payload.items_omitted);
    }
    out.push_str("\nNext steps:\n");
    for step in &payload.next_steps {
        let _ = writeln!(out, "  - {step}");
    }
    let _ = write!(out, "\nAlert id: {}\n", payload.id);
    out
}

/// The summary alert's subject.
pub(super) fn overflow_subject(severity: Severity, total: u64) -> String {
    sanitize_subject(&format!(
        "[{severity}] bedrock-alerts: {total} more findings not sent"
    ))
}

/// The summary alert's text: `total` findings in `groups` groups past `max_alerts`, plus (when
/// `counted_only`) groups the collector could only count.
pub(super) fn overflow_text(
    counts: &OverflowCounts,
    total: u64,
    groups: usize,
    counted_only: bool,
    max_alerts: usize,
) -> String {
    let mut text = format!(
        "bedrock-alerts reached its limit of {max_alerts} alerts for one invocation.\n\
         {total} more finding(s) in {groups} group(s){} were not sent as separate alerts:\n",
        if counted_only {
            " and in groups past the per-invocation group limit"
        } else {
            ""
        },
    );
    for ((source, status, severity), count) in counts {
        let _ = writeln!(
            text,
            "  {count} × {} {status} ({severity})",
            source.as_str()
        );
    }
    text.push_str("\nRun `bedrock-alerts scan` on the same logs to see every finding.\n");
    text
}
