//! CloudWatch Logs subscription payloads: the Lambda event's base64 + gzip `awslogs.data`,
//! and the decoded document's `logEvents`, each of whose `message` holds one log record.
//!
//! Written by hand rather than with `aws_lambda_events::cloudwatch_logs::LogsEvent`, which
//! decodes inside serde with a single-member gzip reader, no size cap, and a required
//! `subscriptionFilters` field.

use crate::decode::{decode_all, ReadError};
use crate::document::RawDocument;
use crate::fields::{text, timestamp_from_millis};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

mod reader;
pub use reader::read_subscription;

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

/// The `logEvents` of a subscription document, read in the same single pass as the rest of
/// the document: each message is unescaped once and nothing else is copied.
#[derive(Debug)]
pub struct LogEvents<'d>(Lenient<'d>);

impl<'de: 'd, 'd> Deserialize<'de> for LogEvents<'d> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Lenient::deserialize(deserializer).map(LogEvents)
    }
}

/// One entry of `logEvents`. The id and timestamp are turned into text only when a finding
/// needs them.
#[derive(Debug, Default)]
pub struct LogEvent<'d> {
    id: Option<Lenient<'d>>,
    timestamp: Option<Lenient<'d>>,
    message: Option<Lenient<'d>>,
}

impl LogEvent<'_> {
    pub fn id(&self) -> Option<String> {
        text(self.id.as_ref()?.scalar().as_ref())
    }

    /// RFC 3339.
    pub fn timestamp(&self) -> Option<String> {
        timestamp_from_millis(self.timestamp.as_ref()?.scalar().as_ref())
    }

    /// The log record; `None` unless the message is a string.
    pub fn message(&self) -> Option<&str> {
        match self.message.as_ref()? {
            Lenient::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// The entries of a subscription document's `logEvents`, each `None` when it is not a log
/// event object; `Err` when `logEvents` is not a list.
pub fn log_events<'e, 'd>(
    doc: &'e RawDocument<'d>,
) -> Result<impl Iterator<Item = Option<&'e LogEvent<'d>>>, NotAList> {
    let items = match doc.log_events.as_ref().map(|events| &events.0) {
        None => &[],
        Some(Lenient::List(items)) => items.as_slice(),
        Some(_) => return Err(NotAList),
    };
    Ok(items.iter().map(|item| match item {
        Lenient::Event(event) => Some(event.as_ref()),
        _ => None,
    }))
}

/// `logEvents` is there but is not a list.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("logEvents is not a list")]
pub struct NotAList;

/// Any JSON value, reduced to what log events need: strings (borrowed when they have no
/// escapes), numbers, lists, and objects read as log events (other members skipped).
#[derive(Debug)]
enum Lenient<'d> {
    Text(Cow<'d, str>),
    Number(Number),
    List(Vec<Lenient<'d>>),
    Event(Box<LogEvent<'d>>),
    Other,
}

impl Lenient<'_> {
    /// A string or number as a JSON value, for the lenient field readers.
    fn scalar(&self) -> Option<Value> {
        match self {
            Lenient::Text(text) => Some(Value::String(text.as_ref().to_owned())),
            Lenient::Number(number) => Some(Value::Number(number.clone())),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Member {
    Id,
    Timestamp,
    Message,
    #[serde(other)]
    Other,
}

impl<'de: 'd, 'd> Deserialize<'de> for Lenient<'d> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<'d>(PhantomData<Lenient<'d>>);

impl<'de: 'd, 'd> Visitor<'de> for LenientVisitor<'d> {
    type Value = Lenient<'d>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
        Ok(Lenient::Text(Cow::Owned(text)))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Self::Value, E> {
        Ok(Lenient::Number(number.into()))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Self::Value, E> {
        Ok(Lenient::Number(number.into()))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(number).map_or(Lenient::Other, Lenient::Number))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient::Other)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Lenient::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut event = LogEvent::default();
        while let Some(member) = map.next_key()? {
            match member {
                Member::Id => event.id = Some(map.next_value()?),
                Member::Timestamp => event.timestamp = Some(map.next_value()?),
                Member::Message => event.message = Some(map.next_value()?),
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Lenient::Event(Box::new(event)))
    }
}

/// Length of a knowledge-base id: ten upper-case letters and digits.
const KNOWLEDGE_BASE_ID_LEN: usize = 10;

/// Knowledge-base id from a vended-log group of one knowledge base, named
/// `/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/<kb_id>`. `None` when the name's
/// last segment is not a knowledge-base id (a group several knowledge bases share, named
/// after a stack): a finding without an id is better than one under the wrong id.
pub fn knowledge_base_from_log_group(log_group: &str) -> Option<String> {
    let (_, id) = log_group.split_once("/APPLICATION_LOGS/")?;
    let id = id.trim_end_matches('/');
    is_knowledge_base_id(id).then(|| id.to_owned())
}

fn is_knowledge_base_id(text: &str) -> bool {
    text.len() == KNOWLEDGE_BASE_ID_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
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

    #[test]
    fn knowledge_base_id_from_vended_log_group() {
        assert_eq!(
            knowledge_base_from_log_group(
                "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/KB12345678"
            ),
            Some("KB12345678".into())
        );
        assert_eq!(
            knowledge_base_from_log_group("/aws/bedrock/modelinvocations"),
            None
        );
    }

    #[test]
    fn a_log_group_name_that_is_not_a_knowledge_base_id_gives_none() {
        let group = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/";
        for name in [
            "bedrock-alerts",
            "my-stack",
            "KB1234567",
            "KB123456789",
            "kb12345678",
            "KB12345678/extra",
            "KB1234567-",
            "",
        ] {
            assert_eq!(
                knowledge_base_from_log_group(&format!("{group}{name}")),
                None,
                "{name}"
            );
        }
        assert_eq!(
            knowledge_base_from_log_group(&format!("{group}0A1B2C3D4E/")),
            Some("0A1B2C3D4E".into())
        );
    }
}
