//! An alarm state change as an alert of our schema (source `alarm`): which alarm, its new
//! state, why, the threshold and value, a console link, and for the alarms on Bedrock's own
//! metrics the models with the most of what fired it. One alarm is one FIFO message group,
//! so a firing and its resolution arrive in order.

use super::id::hex_sha256;
use super::limits::{sanitize_subject, Draft, Label};
use super::payload::PAYLOAD_SCHEMA;
use super::{AlertMessage, AlertOptions};
use crate::rules::finding::Severity;
use crate::triggers::alarm_change::{AlarmChange, Notice};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The `source` of alarm alerts.
pub const ALARM_SOURCE: &str = "alarm";

/// What an alarm name keeps escaped in a console link (CloudFormation's names are letters,
/// digits and dashes; anything else a user named an alarm is escaped).
const NAME_IN_URL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// Models listed in an alarm alert, most first.
pub const TOP_MODELS: usize = 5;

/// The models behind an alarm on a Bedrock metric.
#[derive(Debug, Clone, PartialEq)]
pub enum TopModels {
    /// The alarm is not on a per-model Bedrock metric.
    NotApplicable,
    /// Model ids and their sums in the alarm's window, largest first.
    Found(Vec<(String, f64)>),
    /// CloudWatch could not say, and why.
    Unavailable(String),
}

/// The alert for one state change.
pub fn render_alarm(
    change: &AlarmChange,
    notice: Notice,
    top: &TopModels,
    options: &AlertOptions,
) -> AlertMessage {
    let alarm = change.arn.as_deref().unwrap_or(&change.name);
    let group_id = hex_sha256(format!("alarm|{alarm}").as_bytes());
    let id = hex_sha256(
        format!(
            "alarm|{alarm}|{}|{}",
            change.state,
            change.timestamp.as_deref().unwrap_or_default()
        )
        .as_bytes(),
    );
    let region = change.region.as_deref().unwrap_or("us-east-1");
    let console_url = format!(
        "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#alarmsV2:alarm/{}",
        utf8_percent_encode(&change.name, NAME_IN_URL)
    );
    let kind = match notice {
        Notice::Fired => "new",
        Notice::Resolved => "resolved",
    };
    let subject = sanitize_subject(&match notice {
        Notice::Fired => format!("[ERROR] Alarm {}: {}", change.name, change.state),
        Notice::Resolved => format!("[RESOLVED] Alarm {}: {}", change.name, change.state),
    });
    let mut payload = json!({
        "schema": PAYLOAD_SCHEMA, "id": id, "group_id": group_id,
        "severity": Severity::Error, "source": ALARM_SOURCE, "status": change.state,
        "kind": kind, "count": 1,
        "first_timestamp": change.timestamp, "last_timestamp": change.timestamp,
        "account_id": change.account_id, "region": change.region,
        "knowledge_base_id": null, "data_source_id": null, "ingestion_job_id": null,
        "model_id": null, "operation": null,
        "reasons": change.reason.iter().collect::<Vec<_>>(),
        "next_steps": [format!("Open the alarm in the console: {console_url}")],
        "items": [], "items_omitted": 0,
        "alarm": {
            "name": change.name, "arn": change.arn, "state": change.state,
            "previous_state": change.previous_state, "reason": change.reason,
            "threshold": change.threshold, "value": change.value,
            "metric": change.bedrock_metric, "console_url": console_url,
        },
    });
    let models = match top {
        TopModels::NotApplicable => None,
        TopModels::Found(models) => {
            let models: Vec<Value> = models
                .iter()
                .map(|(model, value)| json!({ "model_id": model, "value": value }))
                .collect();
            Some(("top_models", Value::Array(models)))
        }
        TopModels::Unavailable(why) => Some(("top_models_unavailable", json!(why))),
    };
    if let (Some((field, value)), Some(fields)) = (models, payload.as_object_mut()) {
        fields.insert(field.to_owned(), value);
    }
    let text = text(change, notice, top, &console_url, &id);
    let label = Label {
        source: ALARM_SOURCE,
        status: &change.state,
    };
    let mut draft = Draft::new(label, group_id, id, subject, text, payload, Severity::Error);
    draft
        .attributes
        .push(("alarm_name".to_owned(), change.name.clone()));
    draft.attributes.push(("kind".to_owned(), kind.to_owned()));
    for (name, value) in [
        ("account_id", &change.account_id),
        ("region", &change.region),
    ] {
        if let Some(value) = value {
            draft.attributes.push((name.to_owned(), value.clone()));
        }
    }
    draft.finish(options.max_message_bytes)
}

/// What people read.
fn text(
    change: &AlarmChange,
    notice: Notice,
    top: &TopModels,
    console_url: &str,
    id: &str,
) -> String {
    let mut out = match notice {
        Notice::Fired => format!("Alarm fired: {}\n\n", change.name),
        Notice::Resolved => format!("Alarm resolved: {} is back to OK\n\n", change.name),
    };
    let number = |value: Option<f64>| value.map(|v| v.to_string());
    let state = match &change.previous_state {
        Some(previous) => format!("{previous} -> {}", change.state),
        None => change.state.clone(),
    };
    let rows = [
        ("State", Some(state)),
        ("Metric", change.bedrock_metric.clone()),
        ("Threshold", number(change.threshold)),
        ("Value", number(change.value)),
        ("Account", change.account_id.clone()),
        ("Region", change.region.clone()),
        ("At", change.timestamp.clone()),
    ];
    for (label, value) in rows {
        if let Some(value) = value {
            let _ = writeln!(out, "{label:<15} {value}");
        }
    }
    if let Some(reason) = &change.reason {
        let _ = write!(out, "\nWhy:\n  - {reason}\n");
    }
    match top {
        TopModels::NotApplicable => {}
        TopModels::Found(models) if models.is_empty() => {
            out.push_str("\nModels: none had data points in the alarm's window.\n");
        }
        TopModels::Found(models) => {
            out.push_str("\nModels with the most in the alarm's window:\n");
            for (model, value) in models {
                let _ = writeln!(out, "  - {model}: {value}");
            }
        }
        TopModels::Unavailable(why) => {
            let _ = writeln!(
                out,
                "\nModels: not listed, CloudWatch could not say ({why})."
            );
        }
    }
    let _ = write!(
        out,
        "\nNext steps:\n  - Open the alarm in the console: {console_url}\n\nAlert id: {id}\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn change(state: &str) -> AlarmChange {
        let end = Utc.with_ymd_and_hms(2026, 11, 20, 14, 10, 30).unwrap();
        AlarmChange {
            name: "stack-BedrockThrottlesAlarm-1A2B".into(),
            arn: Some(
                "arn:aws:cloudwatch:us-east-1:111122223333:alarm:stack-BedrockThrottlesAlarm-1A2B"
                    .into(),
            ),
            state: state.into(),
            previous_state: Some("OK".into()),
            reason: Some("Threshold Crossed".into()),
            timestamp: Some("2026-11-20T14:10:30.123Z".into()),
            threshold: Some(10.0),
            value: Some(42.0),
            account_id: Some("111122223333".into()),
            region: Some("us-east-1".into()),
            bedrock_metric: Some("InvocationThrottles".into()),
            window: (end - chrono::Duration::seconds(300), end),
        }
    }

    fn payload(alert: &AlertMessage) -> Value {
        let doc: Value = serde_json::from_str(&alert.message).unwrap();
        serde_json::from_str(doc["default"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn a_firing_alarm_names_the_alarm_threshold_value_and_top_models() {
        let top = TopModels::Found(vec![("model-a".into(), 30.0), ("model-b".into(), 12.0)]);
        let alert = render_alarm(
            &change("ALARM"),
            Notice::Fired,
            &top,
            &AlertOptions::default(),
        );
        let p = payload(&alert);
        assert_eq!(p["schema"], PAYLOAD_SCHEMA);
        assert_eq!(p["source"], "alarm");
        assert_eq!(p["status"], "ALARM");
        assert_eq!(p["kind"], "new");
        assert_eq!(p["alarm"]["threshold"], 10.0);
        assert_eq!(p["alarm"]["value"], 42.0);
        assert!(p["alarm"]["console_url"]
            .as_str()
            .unwrap()
            .ends_with("#alarmsV2:alarm/stack-BedrockThrottlesAlarm-1A2B"));
        assert_eq!(p["top_models"][0]["model_id"], "model-a");
        assert_eq!(
            alert.subject,
            "[ERROR] Alarm stack-BedrockThrottlesAlarm-1A2B: ALARM"
        );
        let doc: Value = serde_json::from_str(&alert.message).unwrap();
        assert!(doc["email"].as_str().unwrap().contains("model-a: 30"));
    }

    #[test]
    fn resolution_shares_the_message_group_but_not_the_id() {
        let options = AlertOptions::default();
        let fired = render_alarm(
            &change("ALARM"),
            Notice::Fired,
            &TopModels::NotApplicable,
            &options,
        );
        let resolved = render_alarm(
            &change("OK"),
            Notice::Resolved,
            &TopModels::NotApplicable,
            &options,
        );
        assert_eq!(fired.group_id, resolved.group_id);
        assert_ne!(fired.id, resolved.id);
        assert_eq!(payload(&resolved)["kind"], "resolved");
        assert!(resolved.subject.starts_with("[RESOLVED]"));
        assert!(payload(&resolved).get("top_models").is_none());
        let again = render_alarm(
            &change("ALARM"),
            Notice::Fired,
            &TopModels::NotApplicable,
            &options,
        );
        assert_eq!(fired.id, again.id, "a retried event is deduplicated");
    }

    #[test]
    fn a_failed_lookup_is_said_in_the_payload_and_the_text() {
        let top = TopModels::Unavailable("AccessDenied".into());
        let alert = render_alarm(
            &change("ALARM"),
            Notice::Fired,
            &top,
            &AlertOptions::default(),
        );
        assert_eq!(payload(&alert)["top_models_unavailable"], "AccessDenied");
        let doc: Value = serde_json::from_str(&alert.message).unwrap();
        assert!(doc["email"]
            .as_str()
            .unwrap()
            .contains("CloudWatch could not say (AccessDenied)"));
    }
}
