//! Golden tests: the alert messages rendered from the samples, compared with the files in
//! `tests/golden/` (the text people read, the JSON payload machines read and the chat
//! notification a channel shows). After an intended change, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --test golden` and review the diff.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use bedrock_alerts::outputs::alerts::{build_alerts, AlertMessage, AlertOptions};
use bedrock_alerts::outputs::chat::Notification;
use bedrock_alerts::{Engine, Finding};
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn findings(sample: &str) -> Vec<Finding> {
    let bytes = std::fs::read(root().join("../events").join(sample)).unwrap();
    let mut found = Vec::new();
    Engine::default().scan_bytes(&format!("events/{sample}"), bytes.as_slice(), &mut |f| {
        found.push(f)
    });
    found
}

fn alert_with_status<'a>(alerts: &'a [AlertMessage], status: &str) -> &'a AlertMessage {
    alerts
        .iter()
        .find(|a| {
            a.attributes
                .iter()
                .any(|(n, v)| n == "status" && v == status)
        })
        .unwrap_or_else(|| panic!("no alert with status {status}"))
}

/// Compares (or, with UPDATE_GOLDEN=1, writes) `<name>.txt` and `<name>.json`.
fn check(name: &str, alert: &AlertMessage) {
    let message: Value = serde_json::from_str(&alert.message).unwrap();
    let text = format!(
        "Subject: {}\n\n{}",
        alert.subject,
        message["email"].as_str().unwrap()
    );
    assert_eq!(message["sms"].as_str(), Some(alert.subject.as_str()));
    let payload: Value = serde_json::from_str(message["default"].as_str().unwrap()).unwrap();
    let mut attributes = alert.attributes.clone();
    attributes.sort();
    let machine = serde_json::json!({ "attributes": attributes, "payload": payload });
    let machine = serde_json::to_string_pretty(&machine).unwrap() + "\n";
    let chat: Value = serde_json::from_str(&Notification::of(alert).to_json()).unwrap();
    let chat = serde_json::to_string_pretty(&chat).unwrap() + "\n";
    let dir = root().join("tests/golden");
    for (file, actual) in [
        (format!("{name}.txt"), text),
        (format!("{name}.json"), machine),
        (format!("{name}.chat.json"), chat),
    ] {
        let path = dir.join(&file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "{file} differs (UPDATE_GOLDEN=1 regenerates it)"
        );
    }
}

#[test]
fn knowledge_base_group_of_failed_documents() {
    let alerts = build_alerts(
        &findings("cwlogs-kb-failures.json"),
        &AlertOptions::default(),
    );
    check(
        "kb-embedding-failed",
        alert_with_status(&alerts, "EMBEDDING_FAILED"),
    );
}

#[test]
fn knowledge_base_failed_job() {
    let alerts = build_alerts(
        &findings("cwlogs-kb-failures.json"),
        &AlertOptions::default(),
    );
    check("kb-job-failed", alert_with_status(&alerts, "FAILED"));
}

#[test]
fn knowledge_base_job_with_failed_resources() {
    let alerts = build_alerts(
        &findings("objects/kb-application-logs.json.gz"),
        &AlertOptions::default(),
    );
    check(
        "kb-job-complete-with-failures",
        alert_with_status(&alerts, "COMPLETE"),
    );
}

#[test]
fn model_invocation_failure() {
    let alerts = build_alerts(
        &findings("objects/invocation-batch.json.gz"),
        &AlertOptions::default(),
    );
    check(
        "invocation-throttling",
        alert_with_status(&alerts, "ThrottlingException"),
    );
}

#[test]
fn unparseable_records() {
    let alerts = build_alerts(
        &findings("objects/bad-lines.ndjson"),
        &AlertOptions::default(),
    );
    check(
        "processor-unparseable",
        alert_with_status(&alerts, "UNPARSEABLE_RECORD"),
    );
}

#[test]
fn summary_past_the_alert_limit() {
    let options = AlertOptions {
        max_alerts: 2,
        ..AlertOptions::default()
    };
    let alerts = build_alerts(&findings("objects/kb-application-logs.json.gz"), &options);
    assert_eq!(alerts.len(), 2);
    check(
        "alert-limit-summary",
        alert_with_status(&alerts, "ALERT_LIMIT_REACHED"),
    );
}

#[test]
fn failed_batch_and_customization_jobs() {
    let alerts = build_alerts(
        &findings("eventbridge-bedrock-customization-failed.json"),
        &AlertOptions::default(),
    );
    check(
        "job-customization-failed",
        alert_with_status(&alerts, "Failed"),
    );
    let alerts = build_alerts(
        &findings("eventbridge-bedrock-batch-partially-completed.json"),
        &AlertOptions::default(),
    );
    check(
        "job-batch-partially-completed",
        alert_with_status(&alerts, "PartiallyCompleted"),
    );
}

#[test]
fn alarm_fired_with_its_top_models() {
    use bedrock_alerts::outputs::alerts::{render_alarm, TopModels};
    use bedrock_alerts::triggers::alarm_change::{parse, Notice};
    let bytes =
        std::fs::read(root().join("../events/eventbridge-alarm-throttles-alarm.json")).unwrap();
    let change = parse(&serde_json::from_slice(&bytes).unwrap())
        .unwrap()
        .unwrap();
    let top = TopModels::Found(vec![
        ("anthropic.claude-3-haiku-20240307-v1:0".to_owned(), 30.0),
        ("amazon.nova-lite-v1:0".to_owned(), 7.0),
    ]);
    let alert = render_alarm(&change, Notice::Fired, &top, &AlertOptions::default());
    check("alarm-throttles-fired", &alert);
}
