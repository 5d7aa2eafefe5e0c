//! Alerts: findings grouped into incidents and rendered as SNS messages.
//!
//! Findings of one invocation are grouped as they stream in ([`Collector`], keyed by
//! [`GroupKey`]), so an ingestion job with 500 failed documents is one alert. Each message
//! carries a readable text for email/SMS (`text.rs`) and a versioned JSON payload for
//! machines (`payload.rs`), both inside one `MessageStructure=json` document that stays
//! within SNS's limits (`limits.rs`), and has a deterministic id (`id.rs`), so a retried
//! event produces the same message (used as the FIFO deduplication id).

mod alarm;
mod collector;
mod group;
mod id;
mod key;
mod limits;
mod payload;
mod text;

pub use alarm::{render_alarm, TopModels, ALARM_SOURCE, TOP_MODELS};
pub use collector::{Collector, OverflowCounts, DEFAULT_MAX_GROUPS};
pub use group::{Group, MAX_REASONS};
pub(crate) use id::hex_sha256;
pub use key::{About, Fields, GroupKey, ALERT_LIMIT_REACHED};
pub use limits::{fit_payload, sanitize_subject, MAX_MESSAGE_BYTES, MAX_SUBJECT_CHARS};
pub use payload::PAYLOAD_SCHEMA;

use crate::rules::finding::{Finding, Severity};
use limits::Draft;
use payload::Payload;
use serde::{Deserialize, Serialize};

/// How findings become messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertOptions {
    /// Findings listed in full in one message; the rest are counted.
    pub items_per_alert: usize,
    /// Messages per invocation; past it, one summary message stands for the rest.
    pub max_alerts: usize,
    /// Byte budget of one message with its subject and attributes (the SNS limit unless
    /// testing).
    pub max_message_bytes: usize,
}

impl Default for AlertOptions {
    fn default() -> AlertOptions {
        AlertOptions {
            items_per_alert: 10,
            max_alerts: 50,
            max_message_bytes: MAX_MESSAGE_BYTES,
        }
    }
}

/// One SNS message, ready to publish (and to keep in the incident state until SNS took it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertMessage {
    /// Deterministic: same findings, same id. 64 hex chars (valid dedup id, ≤ 128).
    pub id: String,
    /// Stable per group key: the FIFO message group.
    pub group_id: String,
    pub subject: String,
    /// The `MessageStructure=json` document (`default`, `email`, `sqs`, …).
    pub message: String,
    /// Message attributes for subscription filter policies (at most 10).
    pub attributes: Vec<(String, String)>,
    pub severity: Severity,
}

impl AlertMessage {
    /// Bytes this message counts for against SNS's size limits: the message, the subject
    /// and every attribute's name, type and value.
    pub fn entry_bytes(&self) -> usize {
        self.message.len() + self.subject.len() + limits::attributes_bytes(&self.attributes)
    }

    /// The `bedrock-alerts/alert/v1` payload this message carries for machines (the
    /// document's `default`), as SNS subscribers get it: what the EventBridge output and
    /// `scan --format alert` send.
    pub fn payload_json(&self) -> String {
        let mut document: serde_json::Value =
            serde_json::from_str(&self.message).unwrap_or_default();
        match document.get_mut("default").map(serde_json::Value::take) {
            Some(serde_json::Value::String(payload)) => payload,
            _ => "{}".to_owned(),
        }
    }

    /// The payload's fields: what the chat notification is rendered from.
    pub fn payload(&self) -> PayloadFields {
        serde_json::from_str(&self.payload_json()).unwrap_or_default()
    }
}

/// An alert's v1 payload as JSON fields.
pub type PayloadFields = serde_json::Map<String, serde_json::Value>;

/// Groups findings and renders one message per group (plus a summary past the cap).
pub fn build_alerts(findings: &[Finding], options: &AlertOptions) -> Vec<AlertMessage> {
    let mut collector = Collector::new(Severity::Warn, options.items_per_alert);
    for finding in findings {
        collector.push(finding.clone());
    }
    alerts_for(&collector, options)
}

/// One message per group, most severe and largest first. Past `max_alerts`, and when the
/// collector had to count groups it could not keep, the last message is a summary of what
/// was not sent separately.
pub fn alerts_for(collector: &Collector, options: &AlertOptions) -> Vec<AlertMessage> {
    let groups = collector.groups();
    let max_alerts = options.max_alerts.max(1);
    let overflow = groups.len() > max_alerts || !collector.overflow().is_empty();
    let keep = if overflow {
        groups.len().min(max_alerts - 1)
    } else {
        groups.len()
    };
    let (sent, rest) = groups.split_at(keep);
    let mut alerts: Vec<AlertMessage> = sent
        .iter()
        .map(|group| render_group(group, options))
        .collect();
    if overflow {
        let mut counts = collector.overflow().clone();
        for group in rest {
            let row = (group.key.source(), group.key.status.clone(), group.severity);
            *counts.entry(row).or_default() += group.count;
        }
        let counted_only = !collector.overflow().is_empty();
        alerts.push(render_overflow(&counts, rest.len(), counted_only, options));
    }
    alerts
}

/// The summary of the findings the collector could only count (groups past its cap), if
/// any: sent as is when incidents are suppressed, since they have no group to track.
pub fn overflow_alert(collector: &Collector, options: &AlertOptions) -> Option<AlertMessage> {
    let counts = collector.overflow();
    (!counts.is_empty()).then(|| render_overflow(counts, 0, true, options))
}

fn render_group(group: &Group, options: &AlertOptions) -> AlertMessage {
    render_framed(group, Framing::default(), options)
}

/// What an alert adds to its group when it speaks for something larger (an incident): its
/// own id and message group, a headline above the text, a note after the subject, and
/// fields added to the payload (additive: the schema stays v1).
#[derive(Debug, Clone, Default)]
pub struct Framing {
    /// The message id; the group's own id when `None`.
    pub id: Option<String>,
    /// The FIFO message group and the payload's `group_id`; the key's digest when `None`.
    pub group_id: Option<String>,
    pub headline: Option<String>,
    pub subject_note: Option<String>,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// One group's message, framed (see [`Framing`]).
pub fn render_framed(group: &Group, framing: Framing, options: &AlertOptions) -> AlertMessage {
    let key = &group.key;
    let digest = framing.group_id.unwrap_or_else(|| key.digest());
    let id = framing.id.unwrap_or_else(|| group.message_id());
    let mut subject = text::subject_for(key, group.severity, group.count);
    if let Some(note) = &framing.subject_note {
        subject = sanitize_subject(&format!("{subject} {note}"));
    }
    let mut payload = Payload::of(group, &id, &digest, options.items_per_alert);
    payload.extra = framing.fields;
    let mut text = text::text_body(&payload);
    if let Some(headline) = framing.headline {
        text = format!("{headline}\n\n{text}");
    }
    let json = serde_json::to_value(payload).unwrap_or_default();
    let mut draft = Draft::new(key.label(), digest, id, subject, text, json, group.severity);
    let fields = key.fields();
    let attributes = [
        ("knowledge_base_id", fields.knowledge_base_id),
        ("model_id", fields.model_id),
        ("operation", fields.operation),
        ("ingestion_job_id", fields.ingestion_job_id),
        ("job_name", fields.job_name),
        ("account_id", group.account_id()),
        ("region", group.region()),
    ];
    for (name, value) in attributes {
        if let Some(value) = value {
            draft.attributes.push((name.to_owned(), value.to_owned()));
        }
    }
    draft.finish(options.max_message_bytes)
}

/// The summary of what was not sent separately: `groups` groups past `max_alerts`, plus
/// (when `counted_only`) groups the collector could only count.
fn render_overflow(
    counts: &OverflowCounts,
    groups: usize,
    counted_only: bool,
    options: &AlertOptions,
) -> AlertMessage {
    let severity = counts
        .keys()
        .map(|(_, _, severity)| *severity)
        .max()
        .unwrap_or(Severity::Warn);
    let key = GroupKey::overflow();
    let digest = key.digest();
    let total: u64 = counts.values().sum();
    let id = id::overflow_id(&digest, counts);
    let text = text::overflow_text(counts, total, groups, counted_only, options.max_alerts);
    let payload = payload::overflow_payload(&key, &digest, &id, severity, counts, total, groups);
    let subject = text::overflow_subject(severity, total);
    Draft::new(key.label(), digest, id, subject, text, payload, severity)
        .finish(options.max_message_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::{Origin, Source};

    fn kb_failure(doc: &str) -> Finding {
        let mut f = Finding::new(Severity::Error, Source::KnowledgeBase, "EMBEDDING_FAILED");
        f.knowledge_base_id = Some("KB1".into());
        f.data_source_id = Some("DS1".into());
        f.ingestion_job_id = Some("JOB1".into());
        f.region = Some("us-east-1".into());
        f.account_id = Some("111122223333".into());
        f.document_uri = Some(doc.into());
        f.timestamp = Some("2026-11-20T14:00:00.000Z".into());
        f.push_reason("input is too long".into());
        f.origin = Origin::input("kb.json.gz");
        f
    }

    fn invocation_failure(request: &str, code: &str) -> Finding {
        let mut f = Finding::new(Severity::Error, Source::ModelInvocation, code);
        f.model_id = Some("anthropic.claude-3-haiku-20240307-v1:0".into());
        f.operation = Some("InvokeModel".into());
        f.account_id = Some("111122223333".into());
        f.region = Some("us-east-1".into());
        f.request_id = Some(request.into());
        f
    }

    fn payload(alert: &AlertMessage) -> serde_json::Value {
        let doc: serde_json::Value = serde_json::from_str(&alert.message).unwrap();
        serde_json::from_str(doc["default"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn a_job_with_many_failed_documents_is_one_alert() {
        let findings: Vec<Finding> = (0..500)
            .map(|i| kb_failure(&format!("s3://docs/{i}.pdf")))
            .collect();
        let alerts = build_alerts(&findings, &AlertOptions::default());
        assert_eq!(alerts.len(), 1);
        let p = payload(&alerts[0]);
        assert_eq!(p["count"], 500);
        assert_eq!(p["items"].as_array().unwrap().len(), 10);
        assert_eq!(p["items_omitted"], 490);
        assert_eq!(p["knowledge_base_id"], "KB1");
        assert_eq!(
            alerts[0].subject,
            "[ERROR] Bedrock KB KB1: EMBEDDING_FAILED x500"
        );
    }

    #[test]
    fn invocation_failures_group_by_model_operation_and_code() {
        let findings = vec![
            invocation_failure("r1", "ThrottlingException"),
            invocation_failure("r2", "ThrottlingException"),
            invocation_failure("r3", "ValidationException"),
        ];
        let alerts = build_alerts(&findings, &AlertOptions::default());
        assert_eq!(alerts.len(), 2);
        assert_eq!(payload(&alerts[0])["status"], "ThrottlingException");
        assert_eq!(payload(&alerts[0])["count"], 2);
    }

    #[test]
    fn ids_are_deterministic_and_order_independent() {
        let a = vec![invocation_failure("r1", "X"), invocation_failure("r2", "X")];
        let b = vec![invocation_failure("r2", "X"), invocation_failure("r1", "X")];
        let options = AlertOptions::default();
        assert_eq!(
            build_alerts(&a, &options)[0].id,
            build_alerts(&b, &options)[0].id
        );
        let c = vec![invocation_failure("r3", "X")];
        assert_ne!(
            build_alerts(&a, &options)[0].id,
            build_alerts(&c, &options)[0].id
        );
        assert_eq!(
            build_alerts(&a, &options)[0].group_id,
            build_alerts(&c, &options)[0].group_id
        );
    }

    #[test]
    fn ids_do_not_depend_on_where_a_record_was_read() {
        let mut from_s3 = kb_failure("s3://docs/a.pdf");
        from_s3.origin = Origin {
            input: "s3://logs/kb.json.gz".into(),
            line: Some(3),
            event_id: None,
        };
        let mut from_logs = from_s3.clone();
        from_logs.origin = Origin {
            input: "lambda-event:1".into(),
            line: Some(1),
            event_id: Some("123".into()),
        };
        let options = AlertOptions::default();
        assert_eq!(
            build_alerts(&[from_s3], &options)[0].id,
            build_alerts(&[from_logs], &options)[0].id
        );
    }

    #[test]
    fn attributes_are_at_most_ten_and_named_for_filter_policies() {
        let alerts = build_alerts(&[kb_failure("s3://d/a")], &AlertOptions::default());
        let names: Vec<&str> = alerts[0]
            .attributes
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert!(names.len() <= 10);
        for expected in [
            "severity",
            "source",
            "status",
            "knowledge_base_id",
            "account_id",
            "region",
        ] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
    }

    #[test]
    fn the_cap_turns_the_rest_into_one_summary() {
        let findings: Vec<Finding> = (0..8)
            .map(|i| invocation_failure("r", &format!("Code{i}")))
            .collect();
        let options = AlertOptions {
            max_alerts: 3,
            ..AlertOptions::default()
        };
        let alerts = build_alerts(&findings, &options);
        assert_eq!(alerts.len(), 3);
        let last = payload(&alerts[2]);
        assert_eq!(last["status"], "ALERT_LIMIT_REACHED");
        assert_eq!(last["count"], 6);
    }

    #[test]
    fn messages_fit_the_byte_budget_and_say_they_were_cut() {
        let mut findings = Vec::new();
        for i in 0..50 {
            let mut f = kb_failure(&format!("s3://docs/{i}-{}.pdf", "é".repeat(200)));
            for r in 0..5 {
                f.push_reason(format!("{r}{}", "reason ".repeat(150)));
            }
            findings.push(f);
        }
        let options = AlertOptions {
            max_message_bytes: 8 * 1024,
            items_per_alert: 50,
            ..AlertOptions::default()
        };
        let alert = &build_alerts(&findings, &options)[0];
        assert!(alert.message.len() <= 8 * 1024, "{}", alert.message.len());
        let doc: serde_json::Value = serde_json::from_str(&alert.message).unwrap();
        assert!(doc["email"].as_str().unwrap().contains("truncated"));
        assert_eq!(payload(alert)["truncated"], true);
    }

    #[test]
    fn message_has_text_for_people_and_json_for_machines() {
        let alert = &build_alerts(&[kb_failure("s3://docs/a.pdf")], &AlertOptions::default())[0];
        let doc: serde_json::Value = serde_json::from_str(&alert.message).unwrap();
        let text = doc["email"].as_str().unwrap();
        assert_eq!(doc["sms"], alert.subject.as_str());
        assert!(text.contains("Knowledge-base ingestion problem: EMBEDDING_FAILED"));
        assert!(text.contains("s3://docs/a.pdf"));
        assert!(text.contains("input is too long"));
        assert!(text.contains("console.aws.amazon.com"));
        assert_eq!(payload(alert)["schema"], PAYLOAD_SCHEMA);
    }
}
