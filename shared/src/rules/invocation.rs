//! Model invocation log records: a record with a top-level `errorCode` other than `null` or
//! `""` is a failed call, whatever the code's type; guardrail interventions are reported only
//! when the policy asks for them.

use crate::records::document::RawDocument;
use crate::records::fields::{parsed, text, timestamp_from_text};
use crate::rules::finding::{truncate_utf8, Finding, Severity, Source};
use crate::rules::policy::Policy;
use memchr::memmem;
use serde_json::Value;

/// Status of a finding about a guardrail intervention.
pub const GUARDRAIL_INTERVENED: &str = "GUARDRAIL_INTERVENED";

/// Longest status taken from an `errorCode`, in bytes; longer codes are cut on a char boundary.
pub const MAX_ERROR_CODE_BYTES: usize = 128;

/// The status an `errorCode` value reports, or `None` for success (`null` or `""`; an absent
/// field is `None` already). A string is taken trimmed; a blank string, and a value of any
/// other type, as its JSON text.
pub fn error_status(code: &Value) -> Option<String> {
    let status = match code {
        Value::Null => return None,
        Value::String(text) if text.is_empty() => return None,
        Value::String(text) if !text.trim().is_empty() => text.trim().to_owned(),
        other => other.to_string(),
    };
    Some(truncate_utf8(&status, MAX_ERROR_CODE_BYTES).to_owned())
}

/// The finding for one invocation record, if it reports a problem.
pub fn classify(doc: &RawDocument<'_>, policy: &Policy) -> Option<Finding> {
    let mut finding = if let Some(code) = doc.error_code.as_ref().and_then(error_status) {
        let mut finding = Finding::new(Severity::Error, Source::ModelInvocation, code);
        if let Some(message) = text(doc.error_message.as_ref()) {
            finding.push_reason(message);
        }
        finding
    } else if policy.guardrail_as_warn && guardrail_intervened(doc) {
        let mut finding = Finding::new(
            Severity::Warn,
            Source::ModelInvocation,
            GUARDRAIL_INTERVENED,
        );
        finding
            .push_reason("a guardrail intervened and blocked the request or the response".into());
        finding
    } else {
        return None;
    };
    finding.event_type = Some("ModelInvocationLog".into());
    finding.timestamp = timestamp_from_text(parsed(doc.timestamp).as_ref());
    finding.account_id = text(parsed(doc.account_id).as_ref());
    finding.region = text(parsed(doc.region).as_ref());
    finding.model_id = text(parsed(doc.model_id).as_ref());
    finding.operation = text(parsed(doc.operation).as_ref());
    finding.request_id = text(parsed(doc.request_id).as_ref());
    Some(finding)
}

/// True when an `output` value (raw JSON) holds a word that a guardrail intervention
/// leaves; false means it certainly reports none.
pub fn mentions_guardrail(raw: &[u8]) -> bool {
    memmem::find(raw, b"guardrail_intervened").is_some()
        || memmem::find(raw, b"INTERVENED").is_some()
}

/// Converse: `stopReason: guardrail_intervened`; InvokeModel* stream chunks:
/// `"amazon-bedrock-guardrailAction": "INTERVENED"`.
fn guardrail_intervened(doc: &RawDocument<'_>) -> bool {
    let Some(output) = doc.output else {
        return false;
    };
    // Cheap look before parsing a possibly large body.
    if !mentions_guardrail(output.get().as_bytes()) {
        return false;
    }
    let Ok(output) = serde_json::from_str::<Value>(output.get()) else {
        return false;
    };
    match output.get("outputBodyJson") {
        Some(Value::Object(body)) => {
            body.get("stopReason").and_then(Value::as_str) == Some("guardrail_intervened")
        }
        Some(Value::Array(chunks)) => chunks.iter().any(|chunk| {
            chunk
                .get("amazon-bedrock-guardrailAction")
                .and_then(Value::as_str)
                == Some("INTERVENED")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::document::Document;

    fn classify_text(text: &str, policy: &Policy) -> Option<Finding> {
        let doc = Document::parse(text.as_bytes()).unwrap();
        classify(&doc.raw, policy)
    }

    const FAILED: &str = r#"{"timestamp":"2024-11-21T11:25:18Z","accountId":"111122223333","region":"us-east-1","requestId":"req-1","operation":"InvokeModel","modelId":"arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0","errorCode":"ThrottlingException","errorMessage":"Too many requests","input":{"inputBodyJson":{"messages":[{"content":"SECRET"}]}},"schemaType":"ModelInvocationLog","schemaVersion":"1.0"}"#;

    #[test]
    fn an_unreadable_identifier_does_not_hide_the_failure() {
        // Identifiers are parsed only for findings; a lone surrogate escape leaves one out.
        let text = FAILED.replace(r#""req-1""#, r#""\ud800""#);
        let finding = classify_text(&text, &Policy::default()).unwrap();
        assert_eq!(finding.status, "ThrottlingException");
        assert_eq!(finding.request_id, None);
        assert_eq!(finding.operation.as_deref(), Some("InvokeModel"));
    }

    #[test]
    fn error_code_makes_an_error_finding_with_its_identifiers() {
        let finding = classify_text(FAILED, &Policy::default()).unwrap();
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.source, Source::ModelInvocation);
        assert_eq!(finding.status, "ThrottlingException");
        assert_eq!(finding.request_id.as_deref(), Some("req-1"));
        assert_eq!(finding.operation.as_deref(), Some("InvokeModel"));
        assert!(finding
            .model_id
            .unwrap()
            .ends_with("us.anthropic.claude-3-5-sonnet-20240620-v1:0"));
        assert_eq!(finding.timestamp.as_deref(), Some("2024-11-21T11:25:18Z"));
        assert_eq!(finding.reasons, vec!["Too many requests"]);
    }

    #[test]
    fn shape_variations_do_not_hide_an_error_code() {
        // Key order reversed (schemaType last), stream array output, bodies offloaded to S3.
        for text in [
            r#"{"errorCode":"InternalServerException","output":{"outputBodyJson":[{"type":"message_start"},"[DONE]"]},"modelId":"m","operation":"InvokeModelWithResponseStream","timestamp":"2024-01-01T00:00:00Z","schemaVersion":"1.0","schemaType":"ModelInvocationLog"}"#,
            r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"InvokeModel","input":{"inputBodyS3Path":"s3://b/data/r_input.json.gz"},"output":{"outputBodyS3Path":"s3://b/data/r_output.json.gz"},"errorCode":"InternalServerException"}"#,
        ] {
            let finding = classify_text(text, &Policy::default()).unwrap();
            assert_eq!(finding.status, "InternalServerException");
            assert!(
                !format!("{finding:?}").contains("s3://b/data"),
                "body pointers stay out"
            );
        }
    }

    #[test]
    fn numeric_error_codes_are_text() {
        let text = r#"{"schemaType":"ModelInvocationLog","modelId":"m","errorCode":500}"#;
        assert_eq!(
            classify_text(text, &Policy::default()).unwrap().status,
            "500"
        );
    }

    fn status_of(code: &str) -> Option<String> {
        let text = format!(
            r#"{{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","errorCode":{code}}}"#
        );
        classify_text(&text, &Policy::default()).map(|f| f.status)
    }

    #[test]
    fn an_error_code_of_any_type_is_a_failure() {
        for (code, status) in [
            (
                r#"{"code":"X","retryable":true}"#,
                r#"{"code":"X","retryable":true}"#,
            ),
            ("true", "true"),
            ("false", "false"),
            ("0", "0"),
            ("-1.5", "-1.5"),
            ("[]", "[]"),
            (r#"" ""#, r#"" ""#),
            (r#""\t\n""#, r#""\t\n""#),
            (r#""  ThrottlingException ""#, "ThrottlingException"),
        ] {
            assert_eq!(status_of(code).as_deref(), Some(status), "{code}");
        }
    }

    #[test]
    fn a_long_error_code_is_cut_on_a_char_boundary() {
        let status = status_of(&format!("\"{}\"", "é".repeat(100))).unwrap();
        assert_eq!(status, "é".repeat(64));
        let status = status_of(&format!("{{\"a\":\"{}\"}}", "x".repeat(500))).unwrap();
        assert_eq!(status.len(), MAX_ERROR_CODE_BYTES);
        assert!(status.starts_with("{\"a\":\"xxx"));
    }

    #[test]
    fn null_or_empty_error_code_is_success() {
        let ok = r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","errorCode":null}"#;
        assert!(classify_text(ok, &Policy::default()).is_none());
        let empty = r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","errorCode":""}"#;
        assert!(classify_text(empty, &Policy::default()).is_none());
    }

    const GUARDED_CONVERSE: &str = r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","requestId":"r","output":{"outputBodyJson":{"stopReason":"guardrail_intervened","usage":{"inputTokens":0}}}}"#;
    const GUARDED_STREAM: &str = r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"InvokeModelWithResponseStream","requestId":"r","output":{"outputBodyJson":[{"type":"message_start"},{"amazon-bedrock-guardrailAction":"INTERVENED"},"[DONE]"]}}"#;

    #[test]
    fn guardrail_interventions_are_not_failures_by_default() {
        assert!(classify_text(GUARDED_CONVERSE, &Policy::default()).is_none());
        assert!(classify_text(GUARDED_STREAM, &Policy::default()).is_none());
    }

    #[test]
    fn guardrail_interventions_are_warnings_when_asked_for() {
        let policy = Policy {
            guardrail_as_warn: true,
            ..Policy::default()
        };
        for text in [GUARDED_CONVERSE, GUARDED_STREAM] {
            let finding = classify_text(text, &policy).unwrap();
            assert_eq!(finding.severity, Severity::Warn);
            assert_eq!(finding.status, GUARDRAIL_INTERVENED);
        }
        let ended = r#"{"schemaType":"ModelInvocationLog","modelId":"m","operation":"Converse","output":{"outputBodyJson":{"stopReason":"end_turn"}}}"#;
        assert!(classify_text(ended, &policy).is_none());
    }
}
