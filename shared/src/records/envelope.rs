//! The envelopes log records arrive in: a Lambda CloudWatch Logs event's base64 + gzip
//! `awslogs.data`, a Kinesis event's records, and the subscription document's `logEvents`,
//! each of whose `message` holds one log record.
//!
//! Written by hand rather than with `aws_lambda_events::cloudwatch_logs::LogsEvent`, which
//! decodes inside serde with a single-member gzip reader, no size cap, and a required
//! `subscriptionFilters` field.

use crate::input::decode::{decode_all, ReadError};
use crate::records::document::RawDocument;
use crate::records::log_events::{self, LogEvent, NotAList};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::Value;

/// Standard alphabet; padding optional (some producers strip it).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a subscription payload could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("the payload data is not valid base64")]
    Base64(#[from] base64::DecodeError),
    #[error("the payload data could not be decoded: {0}")]
    Decode(#[from] ReadError),
}

/// base64 → gzip (any number of members, capped) → bytes of the subscription document.
pub fn decode_payload(data: &str, cap: u64) -> Result<Vec<u8>, PayloadError> {
    let compressed = BASE64.decode(data.trim())?;
    Ok(decode_all(&compressed, cap)?)
}

/// The `awslogs.data` string of a Lambda CloudWatch Logs event document.
pub fn awslogs_data<'d>(doc: &'d RawDocument<'_>) -> Option<&'d str> {
    doc.awslogs.as_ref()?.get("data")?.as_str()
}

/// The base64 `kinesis.data` of each record of a Lambda Kinesis event.
pub fn kinesis_data<'d>(doc: &'d RawDocument<'_>) -> impl Iterator<Item = Option<&'d str>> {
    doc.records
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|record| record.pointer("/kinesis/data").and_then(Value::as_str))
}

/// True for the health-check documents CloudWatch Logs sends to new destinations.
pub fn is_control_message(doc: &RawDocument<'_>) -> bool {
    doc.message_type.as_ref().and_then(Value::as_str) == Some("CONTROL_MESSAGE")
}

/// The entries of a subscription document's `logEvents`: see [`log_events::entries`].
pub fn log_events<'e, 'd>(
    doc: &'e RawDocument<'d>,
) -> Result<impl Iterator<Item = Option<&'e LogEvent<'d>>>, NotAList> {
    log_events::entries(doc.log_events.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::document::Document;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn decodes_base64_gzip_with_or_without_padding() {
        let data = base64::engine::general_purpose::STANDARD.encode(gzip(b"{\"x\":1}"));
        assert_eq!(decode_payload(&data, 1024).unwrap(), b"{\"x\":1}");
        let unpadded = data.trim_end_matches('=');
        assert_eq!(decode_payload(unpadded, 1024).unwrap(), b"{\"x\":1}");
    }

    #[test]
    fn decodes_multi_member_payloads() {
        let mut bytes = gzip(b"{\"a\":1}");
        bytes.extend(gzip(b"{\"b\":2}"));
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(decode_payload(&data, 1024).unwrap(), b"{\"a\":1}{\"b\":2}");
    }

    #[test]
    fn bad_base64_and_bad_gzip_are_errors() {
        assert!(matches!(
            decode_payload("not base64!!", 1024),
            Err(PayloadError::Base64(_))
        ));
        let truncated = gzip(&[b'x'; 4096]);
        let data =
            base64::engine::general_purpose::STANDARD.encode(&truncated[..truncated.len() - 8]);
        assert!(matches!(
            decode_payload(&data, 1 << 20),
            Err(PayloadError::Decode(_))
        ));
    }

    #[test]
    fn reads_log_events_and_control_messages() {
        let text = r#"{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"3","timestamp":1718683433639,"message":"{}"},"junk"]}"#;
        let doc = Document::parse(text.as_bytes()).unwrap();
        assert!(!is_control_message(&doc.raw));
        let events: Vec<_> = log_events(&doc.raw).unwrap().collect();
        assert_eq!(events.len(), 2);
        let event = events[0].as_ref().unwrap();
        assert_eq!(event.id().as_deref(), Some("3"));
        assert_eq!(
            event.timestamp().as_deref(),
            Some("2024-06-18T04:03:53.639Z")
        );
        assert_eq!(event.message(), Some("{}"));
        assert!(events[1].is_none(), "a string is not a log event");
        let control = r#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#;
        let doc = Document::parse(control.as_bytes()).unwrap();
        assert!(is_control_message(&doc.raw));
    }

    #[test]
    fn messages_are_unescaped_and_other_types_are_not_messages() {
        let text = r#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"{\"a\":\"\u00e9\"}"},{"id":"2","message":{"a":1}},{"id":"3"}]}"#;
        let doc = Document::parse(text.as_bytes()).unwrap();
        let messages: Vec<_> = log_events(&doc.raw)
            .unwrap()
            .map(|e| e.unwrap().message())
            .collect();
        assert_eq!(messages, [Some("{\"a\":\"\u{e9}\"}"), None, None]);
        let not_a_list =
            Document::parse(br#"{"messageType":"DATA_MESSAGE","logEvents":{"a":1}}"#).unwrap();
        assert!(matches!(log_events(&not_a_list.raw), Err(NotAList)));
    }
}
