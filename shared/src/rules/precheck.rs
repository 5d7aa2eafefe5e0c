//! Pre-check: tells from a record's top level alone that it is a healthy model invocation
//! record, so the scan can count it and go on without parsing its prompt and response.
//!
//! Almost every record in an invocation log is healthy, and its bodies are almost all of its
//! bytes. The pre-check reads the record's top-level keys and the values of `schemaType` and
//! `errorCode`, and steps over every other value by matching quotes and brackets. It answers
//! yes only when the full parse could not make anything else of the record:
//!
//! * one object on one line, nothing after it: a raw line break anywhere means the framer
//!   may have joined lines, which the full parse takes apart again;
//! * it is an invocation record by the document layer's own rule (`schemaType` is exactly
//!   `"ModelInvocationLog"`, or `modelId` with `operation` or `requestId`, where `null`
//!   counts as absent);
//! * `errorCode` is absent or `null`;
//! * no key of another document shape (CloudWatch Logs, Lambda, Kinesis, knowledge base);
//! * no escaped key and no repeated field the document layer reads;
//! * when guardrail interventions are reported, `output` mentions none.
//!
//! Anything else is "not sure" and goes to the full parse. The walk reads brackets and
//! quotes exactly as the framer does (`framing`), so a record it passes is one the framer
//! would frame whole, and a top-level value that is not a string, object or array must be
//! made of number or literal characters. What the pre-check does not do is validate what
//! it steps over: a record that passes it but holds invalid JSON (a bad escape or a missing
//! comma inside a body, a malformed number, invalid UTF-8) is counted as a healthy record
//! instead of a bad one; `Engine::strict` parses every record in full. It never hides a
//! finding: `shared/tests/properties.rs` checks it against the full parse on generated,
//! damaged and line-joined input, and the tests below tie its field lists to the document
//! layer's.

use crate::rules::invocation::mentions_guardrail;
use crate::rules::policy::Policy;
use memchr::memchr3;

/// Keys of the other document shapes: a record holding one is left to the full parse.
const OTHER_SHAPES: [&[u8]; 15] = [
    b"awslogs",
    b"Records",
    b"messageType",
    b"owner",
    b"logGroup",
    b"logEvents",
    b"event_type",
    b"event_timestamp",
    b"event",
    b"level",
    b"source",
    b"detail-type",
    b"detail",
    b"account",
    b"time",
];

/// The invocation fields the document layer reads, which it refuses to see twice. The bits
/// below are their positions.
const FIELDS: [&[u8]; 10] = [
    b"schemaType",
    b"modelId",
    b"operation",
    b"requestId",
    b"errorCode",
    b"errorMessage",
    b"timestamp",
    b"accountId",
    b"region",
    b"output",
];
const SCHEMA_TYPE: u16 = 1;
const MODEL_ID: u16 = 1 << 1;
const OPERATION: u16 = 1 << 2;
const REQUEST_ID: u16 = 1 << 3;

/// True when `bytes` is certainly a model invocation record that reports nothing under
/// `policy`; false when it is anything else or the pre-check is not sure.
pub fn healthy_invocation(bytes: &[u8], policy: &Policy) -> bool {
    let Some(present) = top_level_fields(bytes, policy) else {
        return false;
    };
    present & SCHEMA_TYPE != 0
        || (present & MODEL_ID != 0 && present & (OPERATION | REQUEST_ID) != 0)
}

/// Walks the top-level object. Returns the fields present with a value other than `null`
/// (which the document layer reads as absent), as bits in [`FIELDS`] order, or `None` when
/// the record is not a healthy invocation or the walk is not sure.
fn top_level_fields(bytes: &[u8], policy: &Policy) -> Option<u16> {
    let mut cursor = Cursor { bytes, at: 0 };
    cursor.blank();
    cursor.expect(b'{')?;
    let (mut seen, mut present) = (0u16, 0u16);
    loop {
        cursor.blank();
        cursor.expect(b'"')?;
        let key = cursor.key()?;
        if OTHER_SHAPES.contains(&key) {
            return None;
        }
        cursor.blank();
        cursor.expect(b':')?;
        cursor.blank();
        let value = cursor.value()?;
        if let Some(index) = FIELDS.iter().position(|field| *field == key) {
            let bit = 1u16 << index;
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            if value != b"null" {
                present |= bit;
            }
            let allowed = match key {
                b"schemaType" => value == b"\"ModelInvocationLog\"" || value == b"null",
                b"errorCode" => value == b"null",
                b"output" => !(policy.guardrail_as_warn && mentions_guardrail(value)),
                _ => true,
            };
            if !allowed {
                return None;
            }
        }
        cursor.blank();
        match cursor.next()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    cursor.blank();
    (cursor.at == bytes.len()).then_some(present)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn next(&mut self) -> Option<u8> {
        let byte = self.bytes.get(self.at).copied()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// Skips spaces, tabs and carriage returns; a line feed stops the walk where it is.
    fn blank(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\r')) {
            self.at += 1;
        }
    }

    /// The key whose opening quote was just read; `None` if it holds an escape.
    fn key(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        let end = self.string_end()?;
        let key = self.bytes.get(start..end - 1)?;
        (!key.contains(&b'\\')).then_some(key)
    }

    /// Moves past the string whose opening quote was just read; the index after its closing
    /// quote, or `None` if it does not close on this line. (Why the JSON walkers do not
    /// share their string scanning: `input/framing.rs`.)
    fn string_end(&mut self) -> Option<usize> {
        loop {
            let rest = self.bytes.get(self.at..)?;
            let offset = memchr3(b'"', b'\\', b'\n', rest)?;
            let byte = rest.get(offset).copied()?;
            self.at += offset + 1;
            match byte {
                b'"' => return Some(self.at),
                // The escaped byte cannot end the string; an escaped line feed is invalid
                // JSON, and the walk gives up on it like on any line feed.
                b'\\' => {
                    if self.next()? == b'\n' {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    /// Moves past one value and returns its bytes.
    fn value(&mut self) -> Option<&'a [u8]> {
        let start = self.at;
        match self.next()? {
            b'"' => {
                self.string_end()?;
            }
            b'{' | b'[' => self.container()?,
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => self.scalar(),
            _ => return None,
        }
        self.bytes.get(start..self.at)
    }

    /// Moves past the rest of an object or array whose opening bracket was just read.
    fn container(&mut self) -> Option<()> {
        let mut depth = 1usize;
        while depth > 0 {
            match self.next()? {
                b'"' => {
                    self.string_end()?;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                b'\n' => return None,
                _ => {}
            }
        }
        Some(())
    }

    /// Moves past the rest of a number or literal whose first byte was just read: the
    /// characters numbers and `true`, `false` and `null` are made of, whatever their order
    /// (the full parse judges that). Never a bracket or a quote, so the walk and the framer
    /// cannot disagree on where the record ends.
    fn scalar(&mut self) {
        while matches!(
            self.bytes.get(self.at),
            Some(
                b'0'..=b'9'
                    | b'-'
                    | b'+'
                    | b'.'
                    | b'e'
                    | b'E'
                    | b'a'
                    | b'f'
                    | b'l'
                    | b'n'
                    | b'r'
                    | b's'
                    | b't'
                    | b'u'
            )
        ) {
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy(text: &str) -> bool {
        healthy_invocation(text.as_bytes(), &Policy::default())
    }

    const HEALTHY: &str = r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-20T14:00:00Z","accountId":"111122223333","identity":{"arn":"arn:aws:sts::111122223333:assumed-role/app/w"},"region":"us-east-1","requestId":"r-1","operation":"Converse","modelId":"m","input":{"inputBodyJson":{"messages":[{"role":"user","content":[{"text":"a \"quoted\" {brace} [and] \\ slash"}]}]},"inputTokenCount":3},"output":{"outputBodyJson":{"stopReason":"end_turn"},"outputTokenCount":2}}"#;

    #[test]
    fn passes_healthy_records_in_any_key_order() {
        assert!(healthy(HEALTHY));
        assert!(healthy(
            r#"{"timestamp":"2026-11-20T14:00:00Z","modelId":"m","operation":"InvokeModelWithResponseStream","output":{"outputBodyJson":[{"type":"message_start"},"[DONE]"]},"errorCode":null,"schemaVersion":"1.0","schemaType":"ModelInvocationLog"}"#
        ));
        assert!(healthy(r#" { "modelId" : "m" , "requestId" : 7 }  "#));
        assert!(healthy(&format!("{HEALTHY}\r")));
    }

    #[test]
    fn stops_at_every_failure() {
        for text in [
            r#"{"schemaType":"ModelInvocationLog","errorCode":"ThrottlingException"}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":""}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":500}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":{"code":"X"}}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":true}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":false}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":0}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":[]}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":" "}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":"\t"}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":"\u0020"}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":nul}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":nulll}"#,
            r#"{"schemaType":"ModelInvocationLog","error\u0043ode":"X"}"#,
            r#"{"schemaType":"ModelInvocationLog","errorCode":null,"errorCode":"X"}"#,
        ] {
            assert!(!healthy(text), "{text}");
        }
    }

    #[test]
    fn leaves_other_shapes_and_unsure_records_to_the_full_parse() {
        for text in [
            // Other shapes, or not recognisably an invocation.
            r#"{"event_timestamp":1,"event":{"status":"EMBEDDING_FAILED"},"modelId":"m","operation":"o"}"#,
            r#"{"event_type":"StartIngestionJob.StatusChanged","schemaType":"ModelInvocationLog"}"#,
            r#"{"messageType":"DATA_MESSAGE","schemaType":"ModelInvocationLog"}"#,
            r#"{"awslogs":{"data":"H4sI"},"schemaType":"ModelInvocationLog"}"#,
            r#"{"Records":[],"schemaType":"ModelInvocationLog"}"#,
            r#"{"schemaType":"SomethingElse","modelId":"m"}"#,
            r#"{"schemaType":"Model\u0049nvocationLog"}"#,
            r#"{"modelId":"m"}"#,
            r#"{"modelId":null,"operation":"Converse"}"#,
            r#"{"schemaType":null,"modelId":"m"}"#,
            r#"{}"#,
            r#"[{"schemaType":"ModelInvocationLog"}]"#,
            // Unsure: repeated fields, broken top level, trailing bytes, joined lines.
            r#"{"schemaType":"ModelInvocationLog","schemaType":"ModelInvocationLog"}"#,
            r#"{"schemaType":"ModelInvocationLog" "modelId":"m"}"#,
            // A closing bracket where a value should be ends the record for the framer.
            r#"{"schemaType":"ModelInvocationLog","a":],"b":{"modelId":"m","operation":"o","errorCode":"ThrottlingException"}}"#,
            r#"{"schemaType":"ModelInvocationLog","a":]}"#,
            r#"{"schemaType":"ModelInvocationLog","a":}"#,
            r#"{"schemaType":"ModelInvocationLog","a":-1]}"#,
            r#"{"schemaType":"ModelInvocationLog","modelId":"m""#,
            r#"{"schemaType":"ModelInvocationLog","input":{"a":[1,2}"#,
            r#"{"schemaType":"ModelInvocationLog"}{"errorCode":"X"}"#,
            "{\"schemaType\":\"ModelInvocationLog\",\n\"modelId\":\"m\"}",
            "{\"schemaType\":\"ModelInvocationLog\",\"input\":{\"a\":1,\n{\"errorCode\":\"X\"}\n}}",
            "{\"schemaType\":\"ModelInvocationLog\",\"input\":\"cut\n\"}",
        ] {
            assert!(!healthy(text), "{text}");
        }
    }

    #[test]
    fn the_field_bits_are_the_field_positions() {
        let bit = |name: &[u8]| FIELDS.iter().position(|f| *f == name).map(|i| 1u16 << i);
        assert_eq!(bit(b"schemaType"), Some(SCHEMA_TYPE));
        assert_eq!(bit(b"modelId"), Some(MODEL_ID));
        assert_eq!(bit(b"operation"), Some(OPERATION));
        assert_eq!(bit(b"requestId"), Some(REQUEST_ID));
    }

    /// Every field the document layer reads is one the pre-check knows, so a new field
    /// there cannot slip past it unnoticed.
    #[test]
    fn knows_every_field_of_the_document_layer() {
        let mut known: Vec<&[u8]> = FIELDS.iter().chain(OTHER_SHAPES.iter()).copied().collect();
        let mut read: Vec<&[u8]> = document_fields().iter().map(|f| f.as_bytes()).collect();
        known.sort_unstable();
        read.sort_unstable();
        assert_eq!(known, read);
    }

    /// The field names serde's derive gives `RawDocument`, caught by a deserializer that
    /// only records what it is asked for.
    fn document_fields() -> &'static [&'static str] {
        use serde::de::{self, Deserialize, Visitor};
        #[derive(Debug)]
        struct Fields(&'static [&'static str]);
        impl std::fmt::Display for Fields {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:?}", self.0)
            }
        }
        impl std::error::Error for Fields {}
        impl de::Error for Fields {
            fn custom<T: std::fmt::Display>(_: T) -> Fields {
                Fields(&[])
            }
        }
        struct Catch;
        impl<'de> de::Deserializer<'de> for Catch {
            type Error = Fields;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
                Err(Fields(&[]))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Fields> {
                Err(Fields(fields))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 char str string bytes byte_buf
                option unit unit_struct newtype_struct seq tuple tuple_struct map enum
                identifier ignored_any
            }
        }
        crate::records::document::RawDocument::deserialize(Catch)
            .unwrap_err()
            .0
    }

    #[test]
    fn stops_at_guardrail_interventions_only_when_they_are_reported() {
        let guarded = r#"{"schemaType":"ModelInvocationLog","modelId":"m","output":{"outputBodyJson":{"stopReason":"guardrail_intervened"}}}"#;
        let warn = Policy {
            guardrail_as_warn: true,
            ..Policy::default()
        };
        assert!(healthy(guarded));
        assert!(!healthy_invocation(guarded.as_bytes(), &warn));
        assert!(healthy_invocation(HEALTHY.as_bytes(), &warn));
    }
}
