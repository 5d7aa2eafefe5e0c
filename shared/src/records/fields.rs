//! Lenient field access: log producers change types (numbers as strings, nulls, missing
//! objects), so every read tolerates the wrong shape and yields `None` instead of failing.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::value::RawValue;
use serde_json::Value;

/// The value of a field kept as raw JSON (`document::Raw`), parsed now that it is needed.
pub fn parsed(raw: Option<&RawValue>) -> Option<Value> {
    serde_json::from_str(raw?.get()).ok()
}

/// Follows a path of object keys.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// A non-empty string, or a number written as text.
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A whole number, also when written as a string (`"7"`, `"7.0"`); fractions are cut.
pub fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// A list of strings; a lone string counts as a list of one.
pub fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|v| text(Some(v))).collect(),
        Some(other) => text(Some(other)).into_iter().collect(),
        None => Vec::new(),
    }
}

/// RFC 3339 (UTC, milliseconds) from epoch milliseconds, given as a number or a string.
pub fn timestamp_from_millis(value: Option<&Value>) -> Option<String> {
    let millis = integer(value)?;
    DateTime::<Utc>::from_timestamp_millis(millis)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// RFC 3339 (UTC) from an ISO-8601 string; `None` if it does not parse.
pub fn timestamp_from_text(value: Option<&Value>) -> Option<String> {
    let text = text(value)?;
    DateTime::parse_from_rfc3339(&text).ok().map(|t| {
        t.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    })
}

/// RFC 3339 (UTC) from an EventBridge event's `time`: RFC 3339 as documented, or the
/// `Wed Aug 28 22:58:30 UTC 2024` form some Bedrock events carry; `None` otherwise.
pub fn timestamp_from_event_time(value: Option<&Value>) -> Option<String> {
    timestamp_from_text(value).or_else(|| {
        let text = text(value)?;
        chrono::NaiveDateTime::parse_from_str(&text, "%a %b %d %H:%M:%S UTC %Y")
            .ok()
            .map(|t| t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
    })
}

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let _partition = parts.next()?;
        let _service = parts.next()?;
        Some(Arn {
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }
}

/// Some(text) unless empty.
pub fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_accepts_strings_and_numbers_only() {
        assert_eq!(text(Some(&json!("a"))), Some("a".into()));
        assert_eq!(text(Some(&json!(12))), Some("12".into()));
        assert_eq!(text(Some(&json!(""))), None);
        assert_eq!(text(Some(&json!(null))), None);
        assert_eq!(text(Some(&json!({"a":1}))), None);
        assert_eq!(text(None), None);
    }

    #[test]
    fn raw_fields_parse_on_demand() {
        let raw = RawValue::from_string("\"ThrottlingException\"".into()).unwrap();
        assert_eq!(parsed(Some(&raw)), Some(json!("ThrottlingException")));
        assert_eq!(parsed(None), None);
    }

    #[test]
    fn integers_may_be_strings() {
        assert_eq!(integer(Some(&json!("7"))), Some(7));
        assert_eq!(integer(Some(&json!(7))), Some(7));
        assert_eq!(integer(Some(&json!("x"))), None);
        assert_eq!(integer(Some(&json!(" 2.0 "))), Some(2));
        assert_eq!(integer(Some(&json!("NaN"))), None);
    }

    #[test]
    fn millisecond_timestamps_become_rfc3339() {
        assert_eq!(
            timestamp_from_millis(Some(&json!(1718683433639_i64))),
            Some("2024-06-18T04:03:53.639Z".into())
        );
        assert_eq!(
            timestamp_from_millis(Some(&json!("1718683433639"))),
            Some("2024-06-18T04:03:53.639Z".into())
        );
        assert_eq!(
            timestamp_from_text(Some(&json!("2024-04-18T22:54:57Z"))),
            Some("2024-04-18T22:54:57Z".into())
        );
        assert_eq!(timestamp_from_text(Some(&json!("yesterday"))), None);
        assert_eq!(
            timestamp_from_event_time(Some(&json!("2024-08-28T22:58:30Z"))),
            Some("2024-08-28T22:58:30Z".into())
        );
        assert_eq!(
            timestamp_from_event_time(Some(&json!("Wed Aug 28 22:58:30 UTC 2024"))),
            Some("2024-08-28T22:58:30Z".into())
        );
        assert_eq!(
            timestamp_from_event_time(Some(&json!("Aug 28, 2024"))),
            None
        );
    }

    #[test]
    fn arns_split_into_parts() {
        let arn = Arn::parse("arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1").unwrap();
        assert_eq!(arn.region, "us-east-1");
        assert_eq!(arn.account, "111122223333");
        assert_eq!(arn.resource, "knowledge-base/KB1");
        assert_eq!(Arn::parse("not-an-arn"), None);
    }

    #[test]
    fn strings_takes_lists_or_a_single_value() {
        assert_eq!(strings(Some(&json!(["a", 1, null]))), vec!["a", "1"]);
        assert_eq!(strings(Some(&json!("one"))), vec!["one"]);
        assert!(strings(None).is_empty());
    }
}
