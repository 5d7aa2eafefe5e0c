//! Document layer: parses one framed JSON document and tells what it is.
//!
//! One pass of `serde_json` reads the few fields we route on. The fields a verdict depends
//! on are parsed (they are absent or null in a healthy record); identifying fields and
//! prompt and response bodies are kept as unparsed raw JSON borrowed from the input, and
//! parsed only when a finding needs them (`fields::parsed`). A healthy record is routed
//! and classified without a single allocation. Subscription documents as CloudWatch Logs
//! writes them take a faster hand-written reader (`subscription::read_subscription`) that falls
//! back to `serde_json` for anything else.

use crate::records::log_events::LogEvents;

mod subscription;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
pub use subscription::read_subscription;

/// A field kept as raw JSON text, borrowed from the document.
pub type Raw<'a> = Option<&'a RawValue>;

/// The fields of every document shape we understand. Every field is optional and accepts
/// any JSON type, so a shape change never fails the parse: only invalid JSON does.
#[derive(Debug, Default, Deserialize)]
pub struct RawDocument<'a> {
    // Model invocation log record.
    #[serde(rename = "schemaType", borrow)]
    pub schema_type: Raw<'a>,
    #[serde(borrow)]
    pub operation: Raw<'a>,
    #[serde(rename = "modelId", borrow)]
    pub model_id: Raw<'a>,
    #[serde(rename = "requestId", borrow)]
    pub request_id: Raw<'a>,
    /// Parsed in full, like every field a verdict depends on: an unreadable value makes the
    /// whole record a bad record instead of hiding a failure.
    #[serde(rename = "errorCode")]
    pub error_code: Option<Value>,
    #[serde(rename = "errorMessage")]
    pub error_message: Option<Value>,
    #[serde(borrow)]
    pub timestamp: Raw<'a>,
    #[serde(rename = "accountId", borrow)]
    pub account_id: Raw<'a>,
    #[serde(borrow)]
    pub region: Raw<'a>,
    /// Only looked into when guardrail interventions are to be reported.
    #[serde(borrow)]
    pub output: Raw<'a>,

    // Knowledge-base application log event.
    #[serde(borrow)]
    pub event_timestamp: Raw<'a>,
    pub event_type: Option<Value>,
    pub event: Option<Value>,
    pub level: Option<Value>,

    // CloudWatch Logs subscription document.
    #[serde(rename = "messageType")]
    pub message_type: Option<Value>,
    pub owner: Option<Value>,
    #[serde(rename = "logGroup")]
    pub log_group: Option<Value>,
    #[serde(rename = "logEvents", borrow)]
    pub log_events: Option<LogEvents<'a>>,

    // Lambda CloudWatch Logs event: {"awslogs":{"data":"<base64 gzip>"}}.
    pub awslogs: Option<Value>,

    // Lambda Kinesis event whose records carry subscription payloads.
    #[serde(rename = "Records")]
    pub records: Option<Value>,

    // EventBridge event (`region` is shared with the invocation record).
    pub source: Option<Value>,
    #[serde(rename = "detail-type")]
    pub detail_type: Option<Value>,
    pub detail: Option<Value>,
    pub account: Option<Value>,
    pub time: Option<Value>,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invocation,
    KnowledgeBase,
    CloudWatchSubscription,
    LambdaCloudWatchEvent,
    KinesisEvent,
    /// An EventBridge event Bedrock sent (`source: aws.bedrock`), e.g. a job state change.
    BedrockEvent,
    Unknown,
}

/// Why a document could not be parsed. The text never quotes the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} at line {line} column {column} of the record")]
pub struct ParseError {
    pub what: &'static str,
    pub line: usize,
    pub column: usize,
}

impl From<serde_json::Error> for ParseError {
    fn from(error: serde_json::Error) -> ParseError {
        use serde_json::error::Category;
        let what = match error.classify() {
            Category::Eof => "unexpected end of JSON",
            Category::Syntax => "invalid JSON",
            Category::Data => "unexpected JSON structure",
            Category::Io => "read error",
        };
        ParseError {
            what,
            line: error.line(),
            column: error.column(),
        }
    }
}

/// A parsed document: its fields (empty for non-objects) and its kind.
pub struct Document<'a> {
    pub raw: RawDocument<'a>,
    pub kind: Kind,
}

impl<'a> Document<'a> {
    /// Parses one framed document. Valid JSON that is not an object is of unknown kind.
    pub fn parse(bytes: &'a [u8]) -> Result<Document<'a>, ParseError> {
        Document::parse_with(bytes, || serde_json::from_slice(bytes))
    }

    /// [`Document::parse`] for text already known to be UTF-8 (a log event's message),
    /// which `serde_json` then does not check again.
    pub fn parse_str(text: &'a str) -> Result<Document<'a>, ParseError> {
        Document::parse_with(text.as_bytes(), || serde_json::from_str(text))
    }

    fn parse_with(
        bytes: &'a [u8],
        general: impl FnOnce() -> serde_json::Result<RawDocument<'a>>,
    ) -> Result<Document<'a>, ParseError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if first != Some(b'{') {
            serde_json::from_slice::<serde::de::IgnoredAny>(bytes)?;
            return Ok(Document {
                raw: RawDocument::default(),
                kind: Kind::Unknown,
            });
        }
        let raw = match read_subscription(bytes) {
            Some(raw) => raw,
            None => general()?,
        };
        let kind = raw.kind();
        Ok(Document { raw, kind })
    }
}

impl RawDocument<'_> {
    fn kind(&self) -> Kind {
        if self
            .awslogs
            .as_ref()
            .is_some_and(|v| v.get("data").is_some())
        {
            Kind::LambdaCloudWatchEvent
        } else if self
            .records
            .as_ref()
            .and_then(|r| r.get(0))
            .is_some_and(|r| r.get("kinesis").is_some())
        {
            Kind::KinesisEvent
        } else if self.source.as_ref().and_then(Value::as_str) == Some("aws.bedrock")
            && self.detail_type.is_some()
        {
            Kind::BedrockEvent
        } else if self.message_type.is_some() && (self.log_events.is_some() || self.owner.is_some())
        {
            Kind::CloudWatchSubscription
        } else if self.event_type.is_some()
            || (self.event_timestamp.is_some() && self.event.is_some())
        {
            Kind::KnowledgeBase
        } else if self.schema_type.map(RawValue::get) == Some("\"ModelInvocationLog\"")
            || (self.model_id.is_some() && (self.operation.is_some() || self.request_id.is_some()))
            || (self.error_code.is_some()
                && (self.model_id.is_some()
                    || self.operation.is_some()
                    || self.request_id.is_some()))
        {
            Kind::Invocation
        } else {
            Kind::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Kind {
        Document::parse(text.as_bytes()).unwrap().kind
    }

    #[test]
    fn tells_the_shapes_apart() {
        assert_eq!(
            kind(r#"{"schemaType":"ModelInvocationLog","modelId":"m"}"#),
            Kind::Invocation
        );
        assert_eq!(
            kind(r#"{"timestamp":"2024-01-01T00:00:00Z","modelId":"m","operation":"Converse"}"#),
            Kind::Invocation
        );
        assert_eq!(
            kind(
                r#"{"event_timestamp":1,"event":{},"event_type":"StartIngestionJob.StatusChanged"}"#
            ),
            Kind::KnowledgeBase
        );
        assert_eq!(
            kind(r#"{"messageType":"DATA_MESSAGE","owner":"1","logEvents":[]}"#),
            Kind::CloudWatchSubscription
        );
        assert_eq!(
            kind(r#"{"awslogs":{"data":"H4sI"}}"#),
            Kind::LambdaCloudWatchEvent
        );
        assert_eq!(
            kind(r#"{"Records":[{"kinesis":{"data":"H4sI"}}]}"#),
            Kind::KinesisEvent
        );
        assert_eq!(kind(r#"{"Records":[{"s3":{}}]}"#), Kind::Unknown);
        assert_eq!(
            kind(r#"{"source":"aws.bedrock","detail-type":"X","detail":{}}"#),
            Kind::BedrockEvent
        );
        assert_eq!(
            kind(r#"{"source":"aws.s3","detail-type":"Object Created","detail":{}}"#),
            Kind::Unknown
        );
        assert_eq!(kind(r#"{"modelId":"m","errorCode":"X"}"#), Kind::Invocation);
        assert_eq!(
            kind(r#"{"requestId":"r","errorCode":"X"}"#),
            Kind::Invocation
        );
        assert_eq!(kind(r#"{"errorCode":"X"}"#), Kind::Unknown);
        assert_eq!(kind(r#"{"hello":"world"}"#), Kind::Unknown);
        assert_eq!(kind(r#"[1,2,3]"#), Kind::Unknown);
        assert_eq!(kind(r#""[DONE]""#), Kind::Unknown);
    }

    #[test]
    fn wrong_field_types_do_not_fail_the_parse() {
        let doc = Document::parse(br#"{"event_type":5,"event":"x","logEvents":"y"}"#).unwrap();
        assert_eq!(doc.kind, Kind::KnowledgeBase);
    }

    #[test]
    fn parse_errors_never_quote_the_record() {
        let secret = r#"{"prompt":"SECRET-PROMPT" "#;
        let error = Document::parse(secret.as_bytes()).err().unwrap();
        assert!(!error.to_string().contains("SECRET"), "{error}");
        let error = Document::parse(b"SECRET-PROMPT").err().unwrap();
        assert!(!error.to_string().contains("SECRET"), "{error}");
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        let nest = |key: &str| {
            format!(
                "{{\"{key}\":{}1{}}}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
        };
        // Skipped fields are not recursed into; fields we read hit serde_json's depth limit.
        assert_eq!(
            Document::parse(nest("unknown").as_bytes()).unwrap().kind,
            Kind::Unknown
        );
        let error = Document::parse(nest("event").as_bytes()).err().unwrap();
        assert_eq!(error.what, "invalid JSON");
    }
}
