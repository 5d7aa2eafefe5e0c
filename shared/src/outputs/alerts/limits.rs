//! SNS's rules for a message: its size (message, subject and attributes together), a short
//! ASCII subject, at most ten clean attributes. Every alert passes through here last.

use super::AlertMessage;
use crate::rules::finding::{truncate_utf8, Severity};
use serde_json::{json, Map, Value};

/// SNS message size limit (bytes, UTF-8).
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// SNS subject limit: fewer than 100 ASCII characters.
pub const MAX_SUBJECT_CHARS: usize = 99;
/// Message attributes SNS takes per message.
const MAX_ATTRIBUTES: usize = 10;

pub(super) fn attributes_bytes(attributes: &[(String, String)]) -> usize {
    attributes
        .iter()
        .map(|(name, value)| name.len() + "String".len() + value.len())
        .sum()
}

/// An alert before it is fitted to SNS's limits.
pub(super) struct Draft {
    id: String,
    group_id: String,
    subject: String,
    text: String,
    payload: serde_json::Value,
    pub(super) attributes: Vec<(String, String)>,
    severity: Severity,
}

/// What every alert is tagged with besides its severity: its source and status.
#[derive(Debug, Clone, Copy)]
pub(super) struct Label<'a> {
    pub(super) source: &'a str,
    pub(super) status: &'a str,
}

impl Draft {
    /// A draft with the attributes every alert has (severity, source, status); callers add
    /// the rest.
    pub(super) fn new(
        label: Label<'_>,
        group_id: String,
        id: String,
        subject: String,
        text: String,
        payload: serde_json::Value,
        severity: Severity,
    ) -> Draft {
        let attributes = vec![
            ("severity".to_owned(), severity.as_str().to_owned()),
            ("source".to_owned(), label.source.to_owned()),
            ("status".to_owned(), label.status.to_owned()),
        ];
        Draft {
            id,
            group_id,
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
    pub(super) fn finish(self, max_message_bytes: usize) -> AlertMessage {
        let mut attributes: Vec<(String, String)> = self
            .attributes
            .into_iter()
            .map(|(name, value)| (name, attribute_value(&value)))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        attributes.truncate(MAX_ATTRIBUTES);
        let budget =
            max_message_bytes.saturating_sub(self.subject.len() + attributes_bytes(&attributes));
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

/// Builds the `MessageStructure=json` document: the JSON payload as `default` (what SQS,
/// Lambda, HTTP(S), Firehose and email-json subscribers get), the readable text for `email`,
/// the subject for `sms`. It stays within `max_bytes`: listed items are dropped first, then
/// the text is cut on a char boundary (saying so), and as a last resort only the alert's
/// identity is kept.
fn structured_message(subject: &str, text: &str, payload: Value, max_bytes: usize) -> String {
    let mut payload = match payload {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut text = text.to_owned();
    loop {
        let document = assemble(subject, &text, &payload);
        if document.len() <= max_bytes {
            return document;
        }
        if drop_half_the_items(&mut payload) {
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

/// The payload as JSON within `max_bytes` (an EventBridge entry's detail): listed items
/// are dropped first, and as a last resort only the alert's identity is kept, as for SNS.
pub fn fit_payload(payload: &Map<String, Value>, max_bytes: usize) -> String {
    let mut payload = payload.clone();
    loop {
        let json = serde_json::to_string(&payload).unwrap_or_default();
        if json.len() <= max_bytes {
            return json;
        }
        if !drop_half_the_items(&mut payload) {
            return serde_json::to_string(&identity_only(&payload)).unwrap_or_default();
        }
    }
}

/// Drops the last half of the listed items (counting them as omitted and marking the
/// payload truncated); false when there were none left to drop.
fn drop_half_the_items(payload: &mut Map<String, Value>) -> bool {
    let items = payload.get_mut("items").and_then(|i| i.as_array_mut());
    let Some(items) = items.filter(|i| !i.is_empty()) else {
        return false;
    };
    let dropped = items.len().div_ceil(2);
    items.truncate(items.len() - dropped);
    if let Some(omitted) = payload.get_mut("items_omitted") {
        *omitted = json!(omitted.as_u64().unwrap_or(0) + dropped as u64);
    }
    payload.insert("truncated".to_owned(), json!(true));
    true
}

const TRUNCATED: &str = "\n[message truncated to fit the SNS size limit]\n";

/// The fields that identify an alert, each bounded, for a message that must be tiny.
fn identity_only(payload: &Map<String, Value>) -> Map<String, Value> {
    let mut kept = Map::new();
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

fn assemble(subject: &str, text: &str, payload: &Map<String, Value>) -> String {
    let machine = serde_json::to_string(payload).unwrap_or_default();
    json!({ "default": machine, "email": text, "sms": subject }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_follow_sns_rules() {
        let long = sanitize_subject(&format!("[ERROR] é\nmodel {}", "x".repeat(300)));
        assert!(long.len() < 100);
        assert!(long.is_ascii());
        assert!(!long.contains('\n'));
        assert_eq!(sanitize_subject("   "), "bedrock-alerts");
    }
}
