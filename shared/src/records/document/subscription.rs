//! A hand-written reader for the document that dominates the CloudWatch path: a subscription
//! document exactly as CloudWatch Logs writes it.
//!
//! Its messages are JSON written inside JSON strings, with an escape every few bytes. A
//! general parser pays a function call and a vectorised search per escape there; this one
//! finds the next escape eight bytes at a time in plain registers and copies the runs
//! between escapes whole. Measured in `BENCHMARKS.md`. The reader takes
//! only documents that `serde_json` reads to the very same fields: the members CloudWatch
//! writes and no others, strings where strings belong, integer timestamps, no repeated
//! member, valid UTF-8. Anything else gives `None` and goes the general way, so the reader
//! can change the speed of a verdict but never the verdict.

use super::RawDocument;
use crate::records::log_events::{Lenient, LogEvent, LogEvents};
use memchr::memchr2;
use serde_json::Value;
use std::borrow::Cow;

/// The subscription document in `bytes`, if it is one this reader is sure about.
pub fn read_subscription(bytes: &[u8]) -> Option<RawDocument<'_>> {
    let mut cursor = Cursor {
        bytes,
        at: 0,
        scratch: Vec::new(),
    };
    let mut doc = RawDocument::default();
    cursor.expect(b'{')?;
    loop {
        match cursor.key()? {
            b"messageType" => set_once(&mut doc.message_type, cursor.text()?)?,
            b"owner" => set_once(&mut doc.owner, cursor.text()?)?,
            b"logGroup" => set_once(&mut doc.log_group, cursor.text()?)?,
            b"logEvents" => set_once(&mut doc.log_events, LogEvents(cursor.events()?))?,
            b"logStream" | b"policyLevel" => drop(cursor.string()?),
            b"subscriptionFilters" => cursor.strings()?,
            _ => return None,
        }
        if !cursor.more(b'}')? {
            break;
        }
    }
    cursor.end()?;
    Some(doc)
}

/// `serde` refuses a document that repeats one of its fields.
fn set_once<T>(field: &mut Option<T>, value: T) -> Option<()> {
    match field {
        Some(_) => None,
        None => {
            *field = Some(value);
            Some(())
        }
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Where a string with escapes is rebuilt before it is copied out at its exact size.
    scratch: Vec<u8>,
}

impl<'a> Cursor<'a> {
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// After an item: `true` on a comma, `false` on the closing bracket.
    fn more(&mut self, close: u8) -> Option<bool> {
        let next = self.peek()?;
        self.at += 1;
        match next {
            b',' => Some(true),
            _ if next == close => Some(false),
            _ => None,
        }
    }

    /// Only whitespace may follow the document.
    fn end(&mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }

    /// A member name without escapes, and its colon.
    fn key(&mut self) -> Option<&'a [u8]> {
        let Cow::Borrowed(name) = self.string()? else {
            return None;
        };
        self.expect(b':')?;
        Some(name.as_bytes())
    }

    /// A string, borrowed when it has no escapes. One pass: each quote or backslash is
    /// searched for, and the plain runs between them are copied whole.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        let rest = self.bytes.get(self.at..)?;
        self.scratch.clear();
        // Start of the plain run not yet copied; past 0 once an escape has been seen.
        let mut run = 0;
        let end = loop {
            let at = run + quote_or_backslash(rest.get(run..)?)?;
            if rest.get(at)? == &b'"' {
                break at;
            }
            self.scratch.extend_from_slice(rest.get(run..at)?);
            run = escape(rest, at + 1, &mut self.scratch)?;
        };
        let raw = rest.get(..end)?;
        // JSON forbids raw control characters in strings (escaped ones are two bytes).
        if raw.iter().fold(false, |seen, byte| seen | (*byte < 0x20)) {
            return None;
        }
        self.at += end + 1;
        if run == 0 {
            return std::str::from_utf8(raw).ok().map(Cow::Borrowed);
        }
        self.scratch.extend_from_slice(rest.get(run..end)?);
        let text = std::str::from_utf8(&self.scratch).ok()?;
        Some(Cow::Owned(text.to_owned()))
    }

    fn text(&mut self) -> Option<Value> {
        self.string().map(|text| Value::String(text.into_owned()))
    }

    /// A list of strings, read and dropped.
    fn strings(&mut self) -> Option<()> {
        self.list(|cursor| cursor.string().map(drop)).map(drop)
    }

    fn events(&mut self) -> Option<Lenient<'a>> {
        let events = self.list(|cursor| cursor.event().map(|e| Lenient::Event(Box::new(e))))?;
        Some(Lenient::List(events))
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        self.items(b'[', b']', |cursor| {
            items.push(item(cursor)?);
            Some(())
        })?;
        Some(items)
    }

    /// A list or an object (`open`, items separated by commas, `close`), each item read by
    /// `item`.
    fn items(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.expect(open)?;
        if self.peek()? == close {
            self.at += 1;
            return Some(());
        }
        loop {
            item(self)?;
            if !self.more(close)? {
                return Some(());
            }
        }
    }

    /// One log event. A repeated member replaces the earlier one, as in `LenientVisitor`.
    fn event(&mut self) -> Option<LogEvent<'a>> {
        let mut event = LogEvent::default();
        self.items(b'{', b'}', |cursor| {
            match cursor.key()? {
                b"id" => event.id = Some(Lenient::Text(cursor.string()?)),
                b"timestamp" => event.timestamp = Some(Lenient::Number(cursor.integer()?.into())),
                b"message" => event.message = Some(Lenient::Text(cursor.string()?)),
                _ => return None,
            }
            Some(())
        })?;
        Some(event)
    }

    /// A whole number that `serde_json` would read as a `u64`.
    fn integer(&mut self) -> Option<u64> {
        self.peek()?;
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.bytes.get(self.at).copied() {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && self.bytes.get(start) == Some(&b'0');
        // A fraction or an exponent would make it a float.
        let float = matches!(self.bytes.get(self.at), Some(b'.' | b'e' | b'E'));
        (digits > 0 && !leading_zero && !float).then_some(value)
    }
}

/// Where the first quote or backslash is (why the JSON walkers do not share this:
/// `input/framing.rs`). In JSON written inside a string
/// (`{\"key\":\"value\"}`) they come every few bytes, too close for the set-up of a
/// vectorised search to pay, so the first words are tested eight bytes at a time in plain
/// registers; a longer run goes to `memchr`.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const NEAR_WORDS: usize = 4;
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    for (index, chunk) in bytes.chunks_exact(8).take(NEAR_WORDS).enumerate() {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).ok()?);
        let found = has_zero_byte(word ^ (ONES * u64::from(b'"')))
            | has_zero_byte(word ^ (ONES * u64::from(b'\\')));
        // The lowest flagged byte is exact (borrows only run upwards from it).
        if found != 0 {
            return Some(index * 8 + found.trailing_zeros() as usize / 8);
        }
    }
    let near = (bytes.len() / 8).min(NEAR_WORDS) * 8;
    Some(near + memchr2(b'"', b'\\', bytes.get(near..)?)?)
}

/// Appends the escape that starts after the backslash at `at - 1`; the index after it.
fn escape(string: &[u8], at: usize, out: &mut Vec<u8>) -> Option<usize> {
    let unescaped = match *string.get(at)? {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let mut rest = string.get(at + 1..)?.iter().copied();
            let (character, len) = unicode(&mut rest)?;
            let mut utf8 = [0; 4];
            out.extend_from_slice(character.encode_utf8(&mut utf8).as_bytes());
            return Some(at + 1 + len);
        }
        _ => return None,
    };
    out.push(unescaped);
    Some(at + 1)
}

/// The character of a `\u` escape whose `\u` has been read, and how many bytes followed:
/// a surrogate pair takes two escapes; a lone surrogate is refused, as by `serde_json`.
fn unicode(bytes: &mut impl Iterator<Item = u8>) -> Option<(char, usize)> {
    let first = hex4(bytes)?;
    if !(0xD800..0xDC00).contains(&first) {
        return Some((char::from_u32(first)?, 4));
    }
    if bytes.next()? != b'\\' || bytes.next()? != b'u' {
        return None;
    }
    let second = hex4(bytes)?;
    if !(0xDC00..0xE000).contains(&second) {
        return None;
    }
    let character = char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))?;
    Some((character, 10))
}

fn hex4(bytes: &mut impl Iterator<Item = u8>) -> Option<u32> {
    (0..4).try_fold(0, |value, _| {
        let digit = char::from(bytes.next()?).to_digit(16)?;
        Some(value << 4 | digit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `serde_json` makes of the document, in the same form.
    fn general(text: &str) -> Option<String> {
        serde_json::from_str::<RawDocument>(text)
            .ok()
            .map(|doc| format!("{doc:?}"))
    }

    fn fast(text: &str) -> Option<String> {
        read_subscription(text.as_bytes()).map(|doc| format!("{doc:?}"))
    }

    const DOC: &str = r#"{"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"/aws/bedrock/modelinvocations","logStream":"aws/bedrock/modelinvocations","subscriptionFilters":["bedrock-alerts"],"logEvents":[{"id":"38","timestamp":1763650000000,"message":"{\"schemaType\":\"ModelInvocationLog\",\"errorCode\":\"ThrottlingException\",\"text\":\"line\\nbreak \\\"quoted\\\" \\u00e9 \u00e9 \ud83d\ude00 / \/ \b\f\r\t\"}"}]}"#;

    #[test]
    fn reads_what_serde_reads() {
        let fast = fast(DOC).unwrap();
        assert_eq!(Some(&fast), general(DOC).as_ref());
        assert!(fast.contains("ThrottlingException"), "{fast}");
        let value: Value = serde_json::from_str(DOC).unwrap();
        let pretty = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace("  ", "\t")
            + "\r\n";
        assert_eq!(fast_or_panic(&pretty), general(&pretty).unwrap());
    }

    fn fast_or_panic(text: &str) -> String {
        fast(text).unwrap_or_else(|| panic!("refused: {text}"))
    }

    #[test]
    fn borrows_strings_without_escapes() {
        let doc = read_subscription(br#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"plain"},{"message":"a\"b"}]}"#).unwrap();
        let events: Vec<_> = crate::records::log_events::entries(doc.log_events.as_ref())
            .unwrap()
            .flatten()
            .collect();
        assert!(matches!(
            events[0].message,
            Some(Lenient::Text(Cow::Borrowed("plain")))
        ));
        assert!(
            matches!(&events[1].message, Some(Lenient::Text(Cow::Owned(text))) if text == "a\"b")
        );
    }

    #[test]
    fn events_keep_the_last_of_a_repeated_member_like_serde() {
        let text =
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","id":"2","message":"x"},{}]}"#;
        assert_eq!(fast_or_panic(text), general(text).unwrap());
    }

    #[test]
    fn leaves_everything_unusual_to_serde() {
        for text in [
            // Shapes serde reads differently or refuses.
            r#"{"messageType":"DATA_MESSAGE","messageType":"DATA_MESSAGE","logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[],"errorCode":"X"}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","extractedFields":{}}]}"#,
            r#"{"messageType":null,"logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","owner":111122223333,"logEvents":[]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":["junk"]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":{}}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":1.5}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":1e3}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":-1}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":01}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"timestamp":18446744073709551616}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"message":"\ud800"}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"message":"\ud800\u0041"}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"message":"\x"}]}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"message":"\u12"}]}"#,
            "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":\"a\tb\"}]}",
            r#"{"message\u0054ype":"DATA_MESSAGE","logEvents":[]}"#,
            // Not a complete document.
            r#"{"messageType":"DATA_MESSAGE","logEvents":[]} {}"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[]"#,
            r#"{"messageType":"DATA_MESSAGE","logEvents":[{"message":"x\"#,
            r#"{"messageType":"DATA_MESSAGE",}"#,
            r#"{}"#,
            r#"[]"#,
            "",
        ] {
            assert_eq!(fast(text), None, "{text}");
        }
        let invalid_utf8 =
            b"{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"\xff\",\"logEvents\":[]}";
        assert!(read_subscription(invalid_utf8).is_none());
    }

    #[test]
    fn the_known_members_are_none_of_the_fields_serde_reads_otherwise() {
        for member in ["logStream", "policyLevel", "subscriptionFilters"] {
            let text = format!(r#"{{"{member}":{{"a":1}}}}"#);
            let doc = serde_json::from_str::<RawDocument>(&text).unwrap();
            assert_eq!(format!("{doc:?}"), format!("{:?}", RawDocument::default()));
        }
    }
}
