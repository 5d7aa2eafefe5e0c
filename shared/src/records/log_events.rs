//! The `logEvents` of a CloudWatch Logs subscription document, read in one pass: each
//! message is unescaped once and nothing else is copied.

use crate::records::fields::{text, timestamp_from_millis};
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The `logEvents` of a subscription document, read in the same single pass as the rest of
/// the document: each message is unescaped once and nothing else is copied.
#[derive(Debug)]
pub struct LogEvents<'d>(pub(crate) Lenient<'d>);

impl<'de: 'd, 'd> Deserialize<'de> for LogEvents<'d> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Lenient::deserialize(deserializer).map(LogEvents)
    }
}

/// One entry of `logEvents`. The id and timestamp are turned into text only when a finding
/// needs them.
#[derive(Debug, Default)]
pub struct LogEvent<'d> {
    pub(crate) id: Option<Lenient<'d>>,
    pub(crate) timestamp: Option<Lenient<'d>>,
    pub(crate) message: Option<Lenient<'d>>,
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

/// The entries of a document's `logEvents` (none when it has none), each `None` when it is
/// not a log event object; `Err` when `logEvents` is not a list.
pub fn entries<'e, 'd>(
    events: Option<&'e LogEvents<'d>>,
) -> Result<impl Iterator<Item = Option<&'e LogEvent<'d>>>, NotAList> {
    let items = match events.map(|events| &events.0) {
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
pub(crate) enum Lenient<'d> {
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
