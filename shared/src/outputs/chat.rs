//! Chat notifications: an alert as an Amazon Q Developer in chat applications (formerly AWS
//! Chatbot) custom notification, which it posts to Slack, Microsoft Teams or Amazon Chime
//! channels subscribed to the chat topic.
//!
//! The notification is rendered from the alert's `alert/v1` payload alone, the same for
//! finding, incident, summary and alarm alerts, so a channel reads exactly what machines
//! read (never a prompt or a response: the payload has none). Values that come from logs are
//! set as code spans, so a reason or a document name cannot format, link or mention in the
//! channel. Replies thread on the incident (or the group): `metadata.threadId`.

use super::alerts::{sanitize_subject, AlertMessage, PayloadFields};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `metadata.eventType` of every notification (what a custom action can attach to).
pub const EVENT_TYPE: &str = "BedrockAlert";
// AWS documents no per-field limits for custom notifications (the SNS message's 256 KiB is
// the only one); these caps are ours, from what chat platforms show in one block: Slack's
// header text (150 characters) and section text (3,000 characters).
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 150;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 3000;
/// Longest next step, keyword and context value, in characters.
pub const MAX_LINE_CHARS: usize = 1000;
/// Items listed in the description at most (the payload may list more).
const ITEMS_SHOWN: usize = 5;
/// Longest reason or item line in the description, in characters.
const MAX_DETAIL_CHARS: usize = 300;

/// A custom notification (AWS's event schema, version 1.0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    version: &'static str,
    source: &'static str,
    id: String,
    content: Content,
    metadata: Metadata,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    text_type: &'static str,
    title: String,
    description: String,
    next_steps: Vec<String>,
    keywords: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    thread_id: String,
    summary: String,
    event_type: &'static str,
    related_resources: Vec<String>,
    additional_context: BTreeMap<String, String>,
}

impl Notification {
    /// The notification for one alert.
    pub fn of(alert: &AlertMessage) -> Notification {
        let payload = alert.payload();
        let field = |name: &str| text(&payload, name);
        let severity = field("severity").unwrap_or(alert.severity.as_str());
        let source = field("source").unwrap_or("bedrock-alerts");
        let status = field("status").unwrap_or("?");
        let thread = field("incident_id")
            .or(field("group_id"))
            .unwrap_or(&alert.group_id);
        Notification {
            version: "1.0",
            source: "custom",
            id: alert.id.clone(),
            content: Content {
                text_type: "client-markdown",
                title: title(&payload, severity, status),
                description: description(&payload),
                next_steps: strings(&payload, "next_steps")
                    .map(|step| cut(&shown(step), MAX_LINE_CHARS))
                    .collect(),
                keywords: [severity, source, status]
                    .into_iter()
                    .map(|word| cut(&shown(word), MAX_LINE_CHARS))
                    .collect(),
            },
            metadata: Metadata {
                thread_id: thread.to_owned(),
                summary: sanitize_subject(&shown(&alert.subject)),
                event_type: EVENT_TYPE,
                related_resources: related_resources(&payload),
                additional_context: context(&payload),
            },
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The alert as it goes to the chat topic: the same identity, subject and attributes
    /// (filter policies work alike on both topics), with the notification as its message.
    pub fn message(alert: &AlertMessage) -> AlertMessage {
        AlertMessage {
            message: Notification::of(alert).to_json(),
            ..alert.clone()
        }
    }
}

/// "🔴 ERROR · `EMBEDDING_FAILED` ×3 · knowledge base `KB1` · 111122223333 us-east-1".
fn title(payload: &PayloadFields, severity: &str, status: &str) -> String {
    let kind = text(payload, "kind");
    let mark = match (kind, severity) {
        (Some("resolved"), _) => "✅",
        (_, "ERROR") => "🔴",
        _ => "🟠",
    };
    let mut title = format!("{mark} {severity} · {}", code(status, 80));
    match payload.get("count").and_then(Value::as_u64) {
        Some(count) if count > 1 => {
            let _ = write!(title, " ×{count}");
        }
        _ => {}
    }
    if let Some(kind @ ("repeat" | "resolved")) = kind {
        let _ = write!(title, " ({kind})");
    }
    if let Some(what) = subject_of(payload) {
        let _ = write!(title, " · {what}");
    }
    let place: Vec<&str> = ["account_id", "region"]
        .into_iter()
        .filter_map(|name| text(payload, name))
        .collect();
    if !place.is_empty() {
        let _ = write!(title, " · {}", place.join(" "));
    }
    cut(&title, MAX_TITLE_CHARS)
}

/// What the alert is about: the alarm, job, knowledge base or model.
fn subject_of(payload: &PayloadFields) -> Option<String> {
    let alarm = payload
        .get("alarm")
        .and_then(|alarm| alarm.get("name"))
        .and_then(Value::as_str);
    let named = [
        ("alarm", alarm),
        (
            "job",
            text(payload, "job_name").or(text(payload, "job_arn")),
        ),
        ("knowledge base", text(payload, "knowledge_base_id")),
        ("model", text(payload, "model_id")),
    ];
    named
        .into_iter()
        .find_map(|(label, value)| value.map(|value| format!("{label} {}", code(value, 100))))
}

/// Short markdown: how many and when, where, why, and the first items.
fn description(payload: &PayloadFields) -> String {
    let mut head = String::new();
    let count = payload.get("count").and_then(Value::as_u64).unwrap_or(0);
    let _ = write!(head, "*{count}* occurrence(s)");
    if let Some(first) = text(payload, "first_timestamp") {
        let _ = write!(head, ", first {first}");
    }
    if let Some(last) = text(payload, "last_timestamp") {
        let _ = write!(head, ", last {last}");
    }
    head.push('\n');
    identity_rows(payload, &mut head);
    incident_rows(payload, &mut head);
    alarm_rows(payload, &mut head);
    summary_rows(payload, &mut head);
    if text(payload, "suppression").is_some() {
        head.push_str("⚠️ Sent without incident suppression: the state table could not be used.\n");
    }
    let reasons: Vec<&str> = strings(payload, "reasons").collect();
    if !reasons.is_empty() {
        head.push_str("*Why*\n");
        for reason in reasons {
            let _ = writeln!(head, "• {}", code(reason, MAX_DETAIL_CHARS));
        }
    }
    let items = item_lines(payload);
    let omitted = payload
        .get("items_omitted")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    // Fewer items until it fits; then, if the head alone is too long, it is cut.
    for shown in (0..=items.len().min(ITEMS_SHOWN)).rev() {
        let mut text = head.clone();
        if shown > 0 {
            text.push_str("*First items*\n");
            for line in items.iter().take(shown) {
                let _ = writeln!(text, "• {line}");
            }
        }
        let more = omitted + (items.len() - shown) as u64;
        if more > 0 {
            let _ = writeln!(text, "…and {more} more");
        }
        if text.chars().count() <= MAX_DESCRIPTION_CHARS {
            return text.trim_end().to_owned();
        }
    }
    cut(head.trim_end(), MAX_DESCRIPTION_CHARS)
}

/// "Account `…` · Region `…`", then the knowledge base, model or job, one row each.
fn identity_rows(payload: &PayloadFields, out: &mut String) {
    let rows: [&[(&str, &str)]; 4] = [
        &[("Account", "account_id"), ("Region", "region")],
        &[
            ("Knowledge base", "knowledge_base_id"),
            ("Data source", "data_source_id"),
            ("Ingestion job", "ingestion_job_id"),
        ],
        &[("Model", "model_id"), ("Operation", "operation")],
        &[("Job", "job_name"), ("Job ARN", "job_arn")],
    ];
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .filter_map(|(label, name)| {
                text(payload, name).map(|value| format!("{label} {}", code(value, 200)))
            })
            .collect();
        if !cells.is_empty() {
            let _ = writeln!(out, "{}", cells.join(" · "));
        }
    }
}

fn incident_rows(payload: &PayloadFields, out: &mut String) {
    let Some(opened) = text(payload, "opened_at") else {
        return;
    };
    let total = payload.get("total").and_then(Value::as_u64).unwrap_or(0);
    let _ = write!(
        out,
        "Incident open since {opened}, {total} record(s) so far"
    );
    match payload
        .get("window")
        .and_then(|window| window.get("end"))
        .and_then(Value::as_str)
    {
        Some(end) => {
            let _ = writeln!(out, "; next update at the earliest {end}");
        }
        None => out.push('\n'),
    }
}

fn alarm_rows(payload: &PayloadFields, out: &mut String) {
    let Some(alarm) = payload.get("alarm").and_then(Value::as_object) else {
        return;
    };
    let field = |name: &str| alarm.get(name).map(plain).unwrap_or_default();
    let _ = writeln!(
        out,
        "Alarm {} went from {} to {}: {} was {} (threshold {})",
        code(&field("name"), 200),
        field("previous_state"),
        field("state"),
        field("metric"),
        field("value"),
        field("threshold")
    );
    if let Some(models) = payload.get("top_models").and_then(Value::as_array) {
        let listed: Vec<String> = models
            .iter()
            .map(|model| {
                let id = model.get("model_id").map(plain).unwrap_or_default();
                let value = model.get("value").map(plain).unwrap_or_default();
                format!("{} {value}", code(&id, 120))
            })
            .collect();
        if !listed.is_empty() {
            let _ = writeln!(out, "Top models: {}", listed.join(", "));
        }
    }
    if let Some(error) = text(payload, "top_models_unavailable") {
        let _ = writeln!(
            out,
            "Top models unavailable: {}",
            code(error, MAX_DETAIL_CHARS)
        );
    }
}

fn summary_rows(payload: &PayloadFields, out: &mut String) {
    let Some(counts) = payload.get("counts_by_status").and_then(Value::as_object) else {
        return;
    };
    out.push_str("*Not sent separately*\n");
    for (status, count) in counts.iter().take(ITEMS_SHOWN * 2) {
        let _ = writeln!(out, "• {} {}", code(status, 120), plain(count));
    }
    if counts.len() > ITEMS_SHOWN * 2 {
        let _ = writeln!(out, "…and {} more", counts.len() - ITEMS_SHOWN * 2);
    }
}

/// One line per listed item: what it names (document, request, job) and its first reason.
fn item_lines(payload: &PayloadFields) -> Vec<String> {
    let Some(items) = payload.get("items").and_then(Value::as_array) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Value::as_object)
        .map(|item| {
            let name = ["document_uri", "request_id", "job_name", "status"]
                .into_iter()
                .find_map(|name| text(item, name))
                .unwrap_or("?");
            let mut line = code(name, 200);
            if let Some(reason) = strings(item, "reasons").next() {
                let _ = write!(line, " — {}", code(reason, MAX_DETAIL_CHARS));
            }
            line
        })
        .collect()
}

/// The ARNs of what the alert names: job, alarm, knowledge base, model (a foundation
/// model, or an inference profile for ids with a geography prefix such as `us.`).
fn related_resources(payload: &PayloadFields) -> Vec<String> {
    let region = text(payload, "region");
    let account = text(payload, "account_id");
    let alarm_arn = payload
        .get("alarm")
        .and_then(|alarm| alarm.get("arn"))
        .and_then(Value::as_str);
    let item_arns = payload
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| item.get("knowledge_base_arn").and_then(Value::as_str));
    let built = [
        text(payload, "knowledge_base_id")
            .and_then(|id| bedrock_arn(region, account, &format!("knowledge-base/{id}"))),
        text(payload, "model_id").and_then(|id| model_arn(id, region, account)),
    ];
    let mut found: Vec<String> = Vec::new();
    let named = [text(payload, "job_arn"), alarm_arn]
        .into_iter()
        .flatten()
        .chain(item_arns)
        .map(str::to_owned)
        .chain(built.into_iter().flatten());
    for arn in named {
        let arn = cut(&shown(&arn), MAX_LINE_CHARS);
        if arn.starts_with("arn:") && !found.contains(&arn) {
            found.push(arn);
        }
    }
    found
}

/// A model id's ARN: itself when it is one; an inference profile when it starts with a
/// geography (`us.`, `eu.`, `apac.`, `global.`, …); else a foundation model.
fn model_arn(id: &str, region: Option<&str>, account: Option<&str>) -> Option<String> {
    if id.starts_with("arn:") {
        return Some(id.to_owned());
    }
    let geography = id.split_once('.').map(|(first, _)| first);
    let profile = geography.is_some_and(|g| GEOGRAPHIES.contains(&g));
    if profile {
        bedrock_arn(region, account, &format!("inference-profile/{id}"))
    } else {
        bedrock_arn(region, Some(""), &format!("foundation-model/{id}"))
    }
}

/// Geography prefixes of cross-region inference profile ids.
const GEOGRAPHIES: [&str; 8] = ["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"];

/// `arn:<partition>:bedrock:<region>:<account>:<resource>`, when region and account are
/// known (an empty account for foundation models).
fn bedrock_arn(region: Option<&str>, account: Option<&str>, resource: &str) -> Option<String> {
    let (region, account) = (region?, account?);
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    Some(format!(
        "arn:{partition}:bedrock:{region}:{account}:{resource}"
    ))
}

/// The payload's plain fields as strings (`id` as `alert_id`), for custom actions.
fn context(payload: &PayloadFields) -> BTreeMap<String, String> {
    payload
        .iter()
        .filter(|(_, value)| !(value.is_null() || value.is_array() || value.is_object()))
        .map(|(name, value)| {
            let name = if name == "id" {
                "alert_id"
            } else {
                name.as_str()
            };
            (name.to_owned(), cut(&shown(&plain(value)), MAX_LINE_CHARS))
        })
        .collect()
}

fn text<'a>(fields: &'a PayloadFields, name: &str) -> Option<&'a str> {
    fields
        .get(name)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

fn strings<'a>(fields: &'a PayloadFields, name: &str) -> impl Iterator<Item = &'a str> {
    fields
        .get(name)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// A JSON value as text: strings without quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Text from the logs as an inline code span of at most `max` characters: no backticks or
/// line breaks inside, so it cannot end the span, and nothing in it formats or mentions.
fn code(text: &str, max: usize) -> String {
    let clean = shown(text).replace('`', "'");
    format!("`{}`", cut(clean.trim(), max))
}

/// Text as a channel may show it, whatever the logs put in it: control characters become
/// spaces, direction overrides and invisible characters go, `<` and `>` become look-alikes
/// (no `<!channel>`, `<@user>` or link syntax) and so does the `@` of `@here`, `@channel`
/// and `@everyone` (Logs Insights' `@timestamp` stays as it is, to be copied).
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let rest = text.get(at + c.len_utf8()..).unwrap_or_default();
        match c {
            c if INVISIBLE.contains(&c) => {}
            '<' => out.push('‹'),
            '>' => out.push('›'),
            '@' if BROADCASTS.iter().any(|word| starts_with_word(rest, word)) => out.push('＠'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Mentions that notify a whole channel.
const BROADCASTS: [&str; 3] = ["here", "channel", "everyone"];

fn starts_with_word(text: &str, word: &str) -> bool {
    text.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
}

/// Direction overrides and zero-width characters, which can make shown text read other
/// than it is.
const INVISIBLE: [char; 14] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}',
    '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// At most `max` characters, ending in "…" when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::alerts::{build_alerts, AlertOptions};
    use crate::rules::finding::{Finding, Severity, Source};

    fn kb_failure(doc: &str, reason: &str) -> Finding {
        let mut f = Finding::new(Severity::Error, Source::KnowledgeBase, "EMBEDDING_FAILED");
        f.knowledge_base_id = Some("KB1".into());
        f.data_source_id = Some("DS1".into());
        f.ingestion_job_id = Some("JOB1".into());
        f.knowledge_base_arn =
            Some("arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1".into());
        f.region = Some("us-east-1".into());
        f.account_id = Some("111122223333".into());
        f.document_uri = Some(doc.into());
        f.timestamp = Some("2026-11-20T14:00:00.000Z".into());
        f.push_reason(reason.into());
        f
    }

    fn notification_of(findings: &[Finding]) -> (AlertMessage, Value) {
        let alert = build_alerts(findings, &AlertOptions::default()).remove(0);
        let json: Value = serde_json::from_str(&Notification::of(&alert).to_json()).unwrap();
        (alert, json)
    }

    #[test]
    fn a_group_becomes_one_custom_notification_threaded_on_the_group() {
        let findings: Vec<Finding> = (0..12)
            .map(|i| kb_failure(&format!("s3://docs/{i}.pdf"), "input is too long"))
            .collect();
        let (alert, n) = notification_of(&findings);
        let payload = alert.payload();
        assert_eq!(n["version"], "1.0");
        assert_eq!(n["source"], "custom");
        assert_eq!(n["id"], alert.id.as_str());
        assert_eq!(n["content"]["textType"], "client-markdown");
        assert_eq!(
            n["content"]["title"],
            "🔴 ERROR · `EMBEDDING_FAILED` ×12 · knowledge base `KB1` · 111122223333 us-east-1"
        );
        let description = n["content"]["description"].as_str().unwrap();
        assert!(description.starts_with("*12* occurrence(s), first 2026-11-20T14:00:00.000Z"));
        assert!(description.contains("• `input is too long`"));
        assert!(description.contains("• `s3://docs/0.pdf` — `input is too long`"));
        assert!(!description.contains("s3://docs/5.pdf"), "{description}");
        assert!(description.ends_with("…and 7 more"), "{description}");
        assert_eq!(
            n["content"]["keywords"],
            serde_json::json!(["ERROR", "knowledge_base", "EMBEDDING_FAILED"])
        );
        assert_eq!(n["content"]["nextSteps"], payload["next_steps"]);
        assert_eq!(n["metadata"]["threadId"], payload["group_id"]);
        assert_eq!(n["metadata"]["summary"], alert.subject.as_str());
        assert_eq!(n["metadata"]["eventType"], EVENT_TYPE);
        assert_eq!(
            n["metadata"]["relatedResources"],
            serde_json::json!(["arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1"])
        );
        assert_eq!(
            model_arn(
                "us.amazon.nova-pro-v1:0",
                Some("us-east-1"),
                Some("111122223333")
            ),
            Some(
                "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-pro-v1:0"
                    .into()
            )
        );
        assert_eq!(
            model_arn("amazon.nova-pro-v1:0", Some("cn-north-1"), None),
            Some("arn:aws-cn:bedrock:cn-north-1::foundation-model/amazon.nova-pro-v1:0".into())
        );
        let context = &n["metadata"]["additionalContext"];
        assert_eq!(context["alert_id"], alert.id.as_str());
        assert_eq!(context["count"], "12");
        assert!(context.get("model_id").is_none(), "nulls are left out");
    }

    #[test]
    fn an_incident_threads_on_the_incident() {
        let (mut alert, _) = notification_of(&[kb_failure("s3://d/a", "r")]);
        let mut document: Value = serde_json::from_str(&alert.message).unwrap();
        let mut payload = alert.payload();
        payload.insert("incident_id".into(), Value::from("f".repeat(64)));
        payload.insert("kind".into(), Value::from("repeat"));
        document["default"] = Value::from(serde_json::to_string(&payload).unwrap());
        alert.message = document.to_string();
        let n: Value = serde_json::from_str(&Notification::of(&alert).to_json()).unwrap();
        assert_eq!(n["metadata"]["threadId"], "f".repeat(64));
        assert!(n["content"]["title"].as_str().unwrap().contains("(repeat)"));
    }

    #[test]
    fn log_text_cannot_format_or_break_out_of_its_code_span() {
        let (_, n) = notification_of(&[kb_failure(
            "s3://d/`*bold*`\n<!channel> @here",
            "a`b\nc\u{202E}d",
        )]);
        let description = n["content"]["description"].as_str().unwrap();
        assert!(
            description.contains("• `s3://d/'*bold*' ‹!channel› ＠here` — `a'b cd`"),
            "{description}"
        );
    }

    #[test]
    fn long_alerts_stay_within_the_limits() {
        let findings: Vec<Finding> = (0..40)
            .map(|i| {
                kb_failure(
                    &format!("s3://docs/{i}-{}", "é".repeat(400)),
                    &"why ".repeat(900),
                )
            })
            .collect();
        let (_, n) = notification_of(&findings);
        let description = n["content"]["description"].as_str().unwrap();
        assert!(description.chars().count() <= MAX_DESCRIPTION_CHARS);
        assert!(n["content"]["title"].as_str().unwrap().chars().count() <= MAX_TITLE_CHARS);
        for step in n["content"]["nextSteps"].as_array().unwrap() {
            assert!(step.as_str().unwrap().chars().count() <= MAX_LINE_CHARS);
        }
    }

    #[test]
    fn the_chat_message_keeps_the_alert_identity() {
        let (alert, _) = notification_of(&[kb_failure("s3://d/a", "r")]);
        let chat = Notification::message(&alert);
        assert_eq!(chat.id, alert.id);
        assert_eq!(chat.group_id, alert.group_id);
        assert_eq!(chat.attributes, alert.attributes);
        assert_eq!(chat.message, Notification::of(&alert).to_json());
    }
}
