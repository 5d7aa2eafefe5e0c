//! Alerts: findings grouped into incidents and rendered as SNS messages.
//!
//! Findings of one invocation are grouped — knowledge-base findings by (knowledge base,
//! data source, job, status), invocation findings by (account, region, model, operation,
//! error code) — so an ingestion job with 500 failed documents is one alert. Each message
//! carries a readable text for email/SMS and a versioned JSON payload for machines
//! (`MessageStructure=json`), stays within SNS limits, and has a deterministic id, so a
//! retried event produces the same message (used as the FIFO deduplication id).

use crate::finding::{truncate_utf8, Finding, Severity, Source};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
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
    /// Byte budget of one message (the SNS limit unless testing).
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
    /// The message with its attributes cleaned for SNS (no control characters, at most
    /// 256 bytes, none empty, at most 10).
    fn assemble(
        id: String,
        group_id: String,
        subject: String,
        message: String,
        attributes: Vec<(String, String)>,
        severity: Severity,
    ) -> AlertMessage {
        let mut attributes: Vec<(String, String)> = attributes
            .into_iter()
            .map(|(name, value)| (name, attribute_value(&value)))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        attributes.truncate(10);
        AlertMessage {
            id,
            group_id,
            subject,
            message,
            attributes,
            severity,
        }
    }
}

/// Groups findings and renders one message per group (plus a summary past the cap).
pub fn build_alerts(findings: &[Finding], options: &AlertOptions) -> Vec<AlertMessage> {
    let mut groups: BTreeMap<GroupKey, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        groups
            .entry(GroupKey::of(finding))
            .or_default()
            .push(finding);
    }
    // Most severe, then largest, groups first, so the cap drops the least important.
    let mut groups: Vec<(GroupKey, Vec<&Finding>)> = groups.into_iter().collect();
    groups.sort_by(|(ka, a), (kb, b)| {
        let severity = |g: &[&Finding]| g.iter().map(|f| f.severity).max();
        severity(b)
            .cmp(&severity(a))
            .then(b.len().cmp(&a.len()))
            .then(ka.cmp(kb))
    });
    let max_alerts = options.max_alerts.max(1);
    let overflow = groups.len() > max_alerts;
    let keep = if overflow {
        max_alerts - 1
    } else {
        groups.len()
    };
    let mut alerts: Vec<AlertMessage> = groups
        .iter()
        .take(keep)
        .map(|(key, members)| render_group(key, members, options))
        .collect();
    if overflow {
        let rest: Vec<&Finding> = groups
            .iter()
            .skip(keep)
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        alerts.push(render_overflow(&rest, groups.len() - keep, options));
    }
    alerts
}

/// What makes findings one incident.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    source: &'static str,
    status: String,
    parts: Vec<(&'static str, String)>,
}

impl GroupKey {
    fn of(finding: &Finding) -> GroupKey {
        let field =
            |name: &'static str, value: &Option<String>| (name, value.clone().unwrap_or_default());
        let parts = match finding.source {
            Source::KnowledgeBase => vec![
                field("knowledge_base_id", &finding.knowledge_base_id),
                field("data_source_id", &finding.data_source_id),
                field("ingestion_job_id", &finding.ingestion_job_id),
            ],
            Source::ModelInvocation => vec![
                field("account_id", &finding.account_id),
                field("region", &finding.region),
                field("model_id", &finding.model_id),
                field("operation", &finding.operation),
            ],
            Source::Processor => vec![("input", finding.origin.input.clone())],
        };
        GroupKey {
            source: finding.source.as_str(),
            status: finding.status.clone(),
            parts,
        }
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(n, v)| *n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn digest(&self) -> String {
        let mut text = format!("{}|{}", self.source, self.status);
        for (name, value) in &self.parts {
            let _ = write!(text, "|{name}={value}");
        }
        hex_sha256(text.as_bytes())
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The identity of one finding within its group, for the message id. It names the log
/// record, not where it was read, so the same record read from S3 or from CloudWatch Logs
/// has the same identity: the request id of an invocation, the document and time of a
/// knowledge-base event; only findings about the reading itself use their origin.
fn member_identity(finding: &Finding) -> String {
    if let Some(request) = &finding.request_id {
        return format!("request:{request}");
    }
    if finding.document_uri.is_some() || finding.timestamp.is_some() {
        let document = finding.document_uri.as_deref().unwrap_or_default();
        let time = finding.timestamp.as_deref().unwrap_or_default();
        return format!("event:{document}|{time}");
    }
    format!("origin:{}", finding.origin)
}

fn message_id(group_digest: &str, members: &[&Finding]) -> String {
    let mut identities: Vec<String> = members.iter().map(|f| member_identity(f)).collect();
    identities.sort();
    identities.dedup();
    hex_sha256(format!("{group_digest}\n{}", identities.join("\n")).as_bytes())
}

fn render_group(key: &GroupKey, members: &[&Finding], options: &AlertOptions) -> AlertMessage {
    let severity = members
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Warn);
    let digest = key.digest();
    let id = message_id(&digest, members);
    let count = members.len();
    let (first, last) = time_range(members);
    let subject = subject_for(key, severity, count);

    let mut reasons: Vec<&str> = Vec::new();
    for reason in members.iter().flat_map(|f| f.reasons.iter()) {
        if !reasons.contains(&reason.as_str()) && reasons.len() < 5 {
            reasons.push(reason);
        }
    }
    let account = key
        .value("account_id")
        .map(str::to_owned)
        .or_else(|| common(members, |f| &f.account_id));
    let region = key
        .value("region")
        .map(str::to_owned)
        .or_else(|| common(members, |f| &f.region));

    let payload = Payload {
        schema: PAYLOAD_SCHEMA,
        id: &id,
        group_id: &digest,
        severity,
        source: key.source,
        status: &key.status,
        count,
        first_timestamp: first.as_deref(),
        last_timestamp: last.as_deref(),
        account_id: account.as_deref(),
        region: region.as_deref(),
        knowledge_base_id: key.value("knowledge_base_id"),
        data_source_id: key.value("data_source_id"),
        ingestion_job_id: key.value("ingestion_job_id"),
        model_id: key.value("model_id"),
        operation: key.value("operation"),
        reasons: reasons.clone(),
        next_steps: next_steps(key, region.as_deref()),
        items: members
            .iter()
            .take(options.items_per_alert)
            .copied()
            .collect(),
        items_omitted: count.saturating_sub(options.items_per_alert),
    };
    let text = text_body(&payload);
    let mut attributes = vec![
        ("severity".to_owned(), severity.as_str().to_owned()),
        ("source".to_owned(), key.source.to_owned()),
        ("status".to_owned(), key.status.clone()),
    ];
    for name in [
        "knowledge_base_id",
        "model_id",
        "operation",
        "ingestion_job_id",
    ] {
        if let Some(value) = key.value(name) {
            attributes.push((name.to_owned(), value.to_owned()));
        }
    }
    attributes.extend(account.clone().map(|a| ("account_id".to_owned(), a)));
    attributes.extend(region.clone().map(|r| ("region".to_owned(), r)));
    let message = structured_message(&subject, &text, payload, options.max_message_bytes);
    AlertMessage::assemble(id, digest, subject, message, attributes, severity)
}

fn render_overflow(rest: &[&Finding], groups: usize, options: &AlertOptions) -> AlertMessage {
    let severity = rest
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Warn);
    let key = GroupKey {
        source: Source::Processor.as_str(),
        status: "ALERT_LIMIT_REACHED".to_owned(),
        parts: Vec::new(),
    };
    let digest = key.digest();
    let id = message_id(&digest, rest);
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for finding in rest {
        *by_status
            .entry(format!("{} {}", finding.source.as_str(), finding.status))
            .or_default() += 1;
    }
    let mut text = format!(
        "bedrock-alerts reached its limit of {} alerts for one invocation.\n\
         {} more finding(s) in {groups} group(s) were not sent as separate alerts:\n",
        options.max_alerts,
        rest.len()
    );
    for (status, count) in &by_status {
        let _ = writeln!(text, "  {count} × {status}");
    }
    text.push_str("\nRun `bedrock-alerts scan` on the same logs to see every finding.\n");
    let payload = json!({
        "schema": PAYLOAD_SCHEMA, "id": id, "group_id": digest, "severity": severity,
        "source": key.source, "status": key.status, "count": rest.len(),
        "groups_omitted": groups, "counts_by_status": by_status,
    });
    let subject = sanitize_subject(&format!(
        "[{severity}] bedrock-alerts: {} more findings not sent",
        rest.len()
    ));
    let message = structured_message(&subject, &text, payload, options.max_message_bytes);
    let attributes = vec![
        ("severity".to_owned(), severity.as_str().to_owned()),
        ("source".to_owned(), key.source.to_owned()),
        ("status".to_owned(), key.status.clone()),
    ];
    AlertMessage::assemble(id, digest, subject, message, attributes, severity)
}

#[derive(Serialize)]
struct Payload<'a> {
    schema: &'static str,
    id: &'a str,
    group_id: &'a str,
    severity: Severity,
    source: &'a str,
    status: &'a str,
    count: usize,
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
    items_omitted: usize,
}

fn time_range(members: &[&Finding]) -> (Option<String>, Option<String>) {
    let mut times: Vec<&String> = members
        .iter()
        .filter_map(|f| f.timestamp.as_ref())
        .collect();
    times.sort();
    (
        times.first().map(|t| (*t).clone()),
        times.last().map(|t| (*t).clone()),
    )
}

/// The value every member agrees on, if any.
fn common(members: &[&Finding], get: impl Fn(&Finding) -> &Option<String>) -> Option<String> {
    let first = get(members.first()?).clone()?;
    members
        .iter()
        .all(|f| get(f).as_deref() == Some(first.as_str()))
        .then_some(first)
}

fn subject_for(key: &GroupKey, severity: Severity, count: usize) -> String {
    let what = match key.source {
        "knowledge_base" => format!(
            "Bedrock KB {}",
            key.value("knowledge_base_id").unwrap_or("?")
        ),
        "model_invocation" => {
            let model = key.value("model_id").unwrap_or("?");
            // ARNs are long: the part after the last '/' names the model or profile.
            format!("Bedrock {}", model.rsplit('/').next().unwrap_or(model))
        }
        _ => "bedrock-alerts".to_owned(),
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
        "knowledge_base" => {
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
        "model_invocation" => vec![
            format!(
                "CloudWatch Logs Insights on the invocation log group: fields @timestamp, requestId, modelId, operation, errorCode | filter errorCode = \"{}\"{}",
                key.status,
                key.value("model_id").map(|m| format!(" and modelId = \"{m}\"")).unwrap_or_default()
            ),
            format!("Bedrock metrics (InvocationClientErrors, InvocationServerErrors, InvocationThrottles): https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#metricsV2:graph=~();namespace=AWS/Bedrock"),
        ],
        _ => vec!["Run `bedrock-alerts scan` on the input named below to see the records it could not read.".to_owned()],
    }
}

fn text_body(payload: &Payload<'_>) -> String {
    let mut out = String::new();
    let what = match payload.source {
        "knowledge_base" => "Knowledge-base ingestion problem",
        "model_invocation" => "Bedrock model invocation failure",
        _ => "bedrock-alerts could not read some logs",
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
    payload: impl Serialize,
    max_bytes: usize,
) -> String {
    let mut payload = match serde_json::to_value(payload) {
        Ok(serde_json::Value::Object(map)) => map,
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
    use crate::finding::Origin;

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
