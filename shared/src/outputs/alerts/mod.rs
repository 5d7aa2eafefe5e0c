//! Alerts: findings grouped into incidents and rendered as SNS messages.
//!
//! Findings of one invocation are grouped — knowledge-base findings by (knowledge base,
//! data source, job, status), invocation findings by (account, region, model, operation,
//! error code) — so an ingestion job with 500 failed documents is one alert. Each message
//! carries a readable text for email/SMS and a versioned JSON payload for machines
//! (`MessageStructure=json`), stays within SNS limits, and has a deterministic id, so a
//! retried event produces the same message (used as the FIFO deduplication id).

pub mod group;

use crate::rules::finding::{truncate_utf8, Finding, Severity, Source};
use group::{hex_sha256, Collector, Group, GroupKey, OverflowCounts};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// SNS message size limit (bytes, UTF-8).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// SNS subject limit: fewer than 100 ASCII characters.
pub const MAX_SUBJECT_CHARS: usize = 99;
/// Version of the JSON payload sent to machine subscribers.
pub const PAYLOAD_SCHEMA: &str = "bedrock-alerts/alert/v1";

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

/// One SNS message, ready to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        self.message.len() + self.subject.len() + attributes_bytes(&self.attributes)
    }
}

fn attributes_bytes(attributes: &[(String, String)]) -> usize {
    attributes
        .iter()
        .map(|(name, value)| name.len() + "String".len() + value.len())
        .sum()
}

/// An alert before it is fitted to SNS's limits.
struct Draft {
    id: String,
    group_id: String,
    subject: String,
    text: String,
    payload: serde_json::Value,
    attributes: Vec<(String, String)>,
    severity: Severity,
}

impl Draft {
    /// A draft for the group `key`, with the attributes every alert has (severity, source,
    /// status); callers add the rest.
    fn new(
        key: &GroupKey,
        id: String,
        subject: String,
        text: String,
        payload: serde_json::Value,
        severity: Severity,
    ) -> Draft {
        let attributes = vec![
            ("severity".to_owned(), severity.as_str().to_owned()),
            ("source".to_owned(), key.source.as_str().to_owned()),
            ("status".to_owned(), key.status.clone()),
        ];
        Draft {
            id,
            group_id: key.digest(),
            subject,
            text,
            payload,
            attributes,
            severity,
        }
    }

    /// The message with its attributes cleaned for SNS (no control characters, at most
    /// 256 bytes, none empty, at most 10), and the whole entry (message, subject and
    /// attributes) within the byte budget.
    fn finish(self, options: &AlertOptions) -> AlertMessage {
        let mut attributes: Vec<(String, String)> = self
            .attributes
            .into_iter()
            .map(|(name, value)| (name, attribute_value(&value)))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        attributes.truncate(10);
        let budget = options
            .max_message_bytes
            .saturating_sub(self.subject.len() + attributes_bytes(&attributes));
        let message = structured_message(&self.subject, &self.text, self.payload, budget);
        AlertMessage {
            id: self.id,
            group_id: self.group_id,
            subject: self.subject,
            message,
            attributes,
            severity: self.severity,
        }
    }
}

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
            let row = (group.key.source, group.key.status.clone(), group.severity);
            *counts.entry(row).or_default() += group.count;
        }
        let counted_only = !collector.overflow().is_empty();
        alerts.push(render_overflow(&counts, rest.len(), counted_only, options));
    }
    alerts
}

fn render_group(group: &Group, options: &AlertOptions) -> AlertMessage {
    let key = &group.key;
    let severity = group.severity;
    let digest = key.digest();
    let id = group.message_id();
    let subject = subject_for(key, severity, group.count);
    let account = group.account_id();
    let region = group.region();
    let items: Vec<&Finding> = group.items.iter().take(options.items_per_alert).collect();
    let payload = Payload {
        schema: PAYLOAD_SCHEMA,
        id: &id,
        group_id: &digest,
        severity,
        source: key.source,
        status: &key.status,
        count: group.count,
        first_timestamp: group.first_timestamp.as_deref(),
        last_timestamp: group.last_timestamp.as_deref(),
        account_id: account,
        region,
        knowledge_base_id: key.value("knowledge_base_id"),
        data_source_id: key.value("data_source_id"),
        ingestion_job_id: key.value("ingestion_job_id"),
        model_id: key.value("model_id"),
        operation: key.value("operation"),
        reasons: group.reasons.iter().map(String::as_str).collect(),
        next_steps: next_steps(key, region),
        items_omitted: group.count.saturating_sub(items.len() as u64),
        items,
    };
    let text = text_body(&payload);
    let payload = serde_json::to_value(payload).unwrap_or_default();
    let mut draft = Draft::new(key, id, subject, text, payload, severity);
    for name in [
        "knowledge_base_id",
        "model_id",
        "operation",
        "ingestion_job_id",
    ] {
        if let Some(value) = key.value(name) {
            draft.attributes.push((name.to_owned(), value.to_owned()));
        }
    }
    let identity = [("account_id", account), ("region", region)];
    for (name, value) in identity {
        if let Some(value) = value {
            draft.attributes.push((name.to_owned(), value.to_owned()));
        }
    }
    draft.finish(options)
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
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut text = format!(
        "bedrock-alerts reached its limit of {} alerts for one invocation.\n\
         {total} more finding(s) in {groups} group(s){} were not sent as separate alerts:\n",
        options.max_alerts,
        if counted_only {
            " and in groups past the per-invocation group limit"
        } else {
            ""
        },
    );
    for ((source, status, severity), count) in counts {
        let row = format!("{} {status}", source.as_str());
        *by_status.entry(row.clone()).or_default() += count;
        let _ = writeln!(text, "  {count} × {row} ({severity})");
    }
    text.push_str("\nRun `bedrock-alerts scan` on the same logs to see every finding.\n");
    let id = hex_sha256(format!("{digest}\n{counts:?}").as_bytes());
    let payload = json!({
        "schema": PAYLOAD_SCHEMA, "id": id, "group_id": digest, "severity": severity,
        "source": key.source.as_str(), "status": key.status, "count": total,
        "groups_omitted": groups, "counts_by_status": by_status,
    });
    let subject = sanitize_subject(&format!(
        "[{severity}] bedrock-alerts: {total} more findings not sent"
    ));
    Draft::new(&key, id, subject, text, payload, severity).finish(options)
}

#[derive(Serialize)]
struct Payload<'a> {
    schema: &'static str,
    id: &'a str,
    group_id: &'a str,
    severity: Severity,
    source: Source,
    status: &'a str,
    count: u64,
    first_timestamp: Option<&'a str>,
    last_timestamp: Option<&'a str>,
    account_id: Option<&'a str>,
    region: Option<&'a str>,
    knowledge_base_id: Option<&'a str>,
    data_source_id: Option<&'a str>,
    ingestion_job_id: Option<&'a str>,
    model_id: Option<&'a str>,
    operation: Option<&'a str>,
    reasons: Vec<&'a str>,
    next_steps: Vec<String>,
    items: Vec<&'a Finding>,
    items_omitted: u64,
}

fn subject_for(key: &GroupKey, severity: Severity, count: u64) -> String {
    let what = match key.source {
        Source::KnowledgeBase => format!(
            "Bedrock KB {}",
            key.value("knowledge_base_id").unwrap_or("?")
        ),
        Source::ModelInvocation => {
            let model = key.value("model_id").unwrap_or("?");
            // ARNs are long: the part after the last '/' names the model or profile.
            format!("Bedrock {}", model.rsplit('/').next().unwrap_or(model))
        }
        Source::Processor => "bedrock-alerts".to_owned(),
    };
    let times = if count > 1 {
        format!(" x{count}")
    } else {
        String::new()
    };
    sanitize_subject(&format!("[{severity}] {what}: {}{times}", key.status))
}

/// A message attribute value: no control characters, at most 256 bytes (values come from
/// the logs; filter policies match on identifiers, which are short).
fn attribute_value(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).collect();
    truncate_utf8(clean.trim(), 256).to_owned()
}

/// ASCII, no control characters, starts with a letter/number/punctuation, < 100 chars.
pub fn sanitize_subject(text: &str) -> String {
    let ascii: String = text
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect();
    let trimmed = ascii.trim();
    let subject = if trimmed.chars().count() > MAX_SUBJECT_CHARS {
        let mut cut: String = trimmed.chars().take(MAX_SUBJECT_CHARS - 3).collect();
        cut.push_str("...");
        cut
    } else {
        trimmed.to_owned()
    };
    if subject.is_empty() {
        "bedrock-alerts".to_owned()
    } else {
        subject
    }
}

fn next_steps(key: &GroupKey, region: Option<&str>) -> Vec<String> {
    let region = region.unwrap_or("us-east-1");
    match key.source {
        Source::KnowledgeBase => {
            let mut steps = Vec::new();
            if let Some(kb) = key.value("knowledge_base_id") {
                steps.push(format!(
                    "Open the knowledge base's data source and ingestion job in the console: https://{region}.console.aws.amazon.com/bedrock/home?region={region}#/knowledge-bases (knowledge base {kb}{}{})",
                    key.value("data_source_id").map(|d| format!(", data source {d}")).unwrap_or_default(),
                    key.value("ingestion_job_id").map(|j| format!(", ingestion job {j}")).unwrap_or_default(),
                ));
            }
            steps.push(format!(
                "CloudWatch Logs Insights on the knowledge base's application log group: fields @timestamp, event.document_location.s3_location.uri, event.status, event.status_reasons | filter event.status = \"{}\"{}",
                key.status,
                key.value("ingestion_job_id").map(|j| format!(" and event.ingestion_job_id = \"{j}\"")).unwrap_or_default()
            ));
            steps
        }
        Source::ModelInvocation => vec![
            format!(
                "CloudWatch Logs Insights on the invocation log group: fields @timestamp, requestId, modelId, operation, errorCode | filter errorCode = \"{}\"{}",
                key.status,
                key.value("model_id").map(|m| format!(" and modelId = \"{m}\"")).unwrap_or_default()
            ),
            format!("Bedrock metrics (InvocationClientErrors, InvocationServerErrors, InvocationThrottles): https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#metricsV2:graph=~();namespace=AWS/Bedrock"),
        ],
        Source::Processor => vec!["Run `bedrock-alerts scan` on the input named below to see the records it could not read.".to_owned()],
    }
}

fn text_body(payload: &Payload<'_>) -> String {
    let mut out = String::new();
    let what = match payload.source {
        Source::KnowledgeBase => "Knowledge-base ingestion problem",
        Source::ModelInvocation => "Bedrock model invocation failure",
        Source::Processor => "bedrock-alerts could not read some logs",
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

/// Builds the `MessageStructure=json` document: the JSON payload as `default` (what SQS,
/// Lambda, HTTP(S), Firehose and email-json subscribers get), the readable text for `email`,
/// the subject for `sms`. It stays within `max_bytes`: listed items are dropped first, then
/// the text is cut on a char boundary (saying so), and as a last resort only the alert's
/// identity is kept.
fn structured_message(
    subject: &str,
    text: &str,
    payload: serde_json::Value,
    max_bytes: usize,
) -> String {
    let mut payload = match payload {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    let mut text = text.to_owned();
    loop {
        let document = assemble(subject, &text, &payload);
        if document.len() <= max_bytes {
            return document;
        }
        let items = payload.get_mut("items").and_then(|i| i.as_array_mut());
        if let Some(items) = items.filter(|i| !i.is_empty()) {
            let dropped = items.len().div_ceil(2);
            items.truncate(items.len() - dropped);
            if let Some(omitted) = payload.get_mut("items_omitted") {
                *omitted = json!(omitted.as_u64().unwrap_or(0) + dropped as u64);
            }
            payload.insert("truncated".to_owned(), json!(true));
            continue;
        }
        let over = document.len() - max_bytes;
        let keep = text.len().saturating_sub(over + TRUNCATED.len());
        let mut cut = truncate_utf8(&text, keep).to_owned();
        cut.push_str(TRUNCATED);
        if cut.len() >= text.len() {
            return assemble(subject, TRUNCATED, &identity_only(&payload));
        }
        text = cut;
        payload.insert("truncated".to_owned(), json!(true));
    }
}

const TRUNCATED: &str = "\n[message truncated to fit the SNS size limit]\n";

/// The fields that identify an alert, each bounded, for a message that must be tiny.
fn identity_only(
    payload: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut kept = serde_json::Map::new();
    for key in [
        "schema", "id", "group_id", "severity", "source", "status", "count",
    ] {
        if let Some(value) = payload.get(key) {
            let value = match value.as_str() {
                Some(text) => json!(truncate_utf8(text, 128)),
                None => value.clone(),
            };
            kept.insert(key.to_owned(), value);
        }
    }
    kept.insert("truncated".to_owned(), json!(true));
    kept
}

fn assemble(
    subject: &str,
    text: &str,
    payload: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let machine = serde_json::to_string(payload).unwrap_or_default();
    json!({ "default": machine, "email": text, "sms": subject }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::Origin;

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
    fn subjects_follow_sns_rules() {
        let long = sanitize_subject(&format!("[ERROR] é\nmodel {}", "x".repeat(300)));
        assert!(long.len() < 100);
        assert!(long.is_ascii());
        assert!(!long.contains('\n'));
        assert_eq!(sanitize_subject("   "), "bedrock-alerts");
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
