//! A CloudWatch alarm's state change as EventBridge delivers it (`source: aws.cloudwatch`,
//! detail-type `CloudWatch Alarm State Change`), read into what an alert about it says.
//! Lenient like every reader here: a missing part is `None`, never an error, except the
//! alarm's name and new state, without which there is nothing to say.

use crate::records::fields::{at, text};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::Value;

/// The detail-type of an alarm's state change.
pub const ALARM_STATE_CHANGE: &str = "CloudWatch Alarm State Change";

/// The state an alarm is in when it fires.
pub const ALARM: &str = "ALARM";
/// The state an alarm returns to.
pub const OK: &str = "OK";

/// Seconds looked back when the event names no window or period.
const DEFAULT_WINDOW_SECS: i64 = 300;
/// The longest period an alarm can have (CloudWatch allows up to a day).
const MAX_PERIOD_SECS: i64 = 86_400;

/// One alarm state change.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmChange {
    pub name: String,
    pub arn: Option<String>,
    /// `ALARM`, `OK` or `INSUFFICIENT_DATA`.
    pub state: String,
    pub previous_state: Option<String>,
    pub reason: Option<String>,
    /// When the state changed, RFC 3339.
    pub timestamp: Option<String>,
    pub threshold: Option<f64>,
    /// The most recent value the alarm evaluated.
    pub value: Option<f64>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    /// The `AWS/Bedrock` metric the alarm sums over every model, if it is such an alarm.
    pub bedrock_metric: Option<String>,
    /// The time the alarm looked at: the evaluation's start and end.
    pub window: (DateTime<Utc>, DateTime<Utc>),
}

/// An alarm state change without the alarm's name or new state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("alarm state change without {0}")]
pub struct Incomplete(pub &'static str);

/// What an alert says about a state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The alarm fired.
    Fired,
    /// The alarm is back to `OK`.
    Resolved,
}

/// `Some` when the event is an alarm state change (read, or why not); `None` otherwise.
pub fn parse(event: &Value) -> Option<Result<AlarmChange, Incomplete>> {
    let is_alarm = event.get("source").and_then(Value::as_str) == Some("aws.cloudwatch")
        && event.get("detail-type").and_then(Value::as_str) == Some(ALARM_STATE_CHANGE);
    is_alarm.then(|| read(event))
}

fn read(event: &Value) -> Result<AlarmChange, Incomplete> {
    let detail = event.get("detail").ok_or(Incomplete("detail"))?;
    let name = text(detail.get("alarmName")).ok_or(Incomplete("detail.alarmName"))?;
    let state = text(at(detail, &["state", "value"])).ok_or(Incomplete("detail.state.value"))?;
    let reason_data: Option<Value> = text(at(detail, &["state", "reasonData"]))
        .and_then(|data| serde_json::from_str(&data).ok());
    let reason_data = reason_data.as_ref();
    let changed_at = time(at(detail, &["state", "timestamp"])).or_else(|| time(event.get("time")));
    let queried = reason_data
        .and_then(|data| time(data.get("queryDate")))
        .or(changed_at)
        .unwrap_or_else(Utc::now);
    let period = reason_data
        .and_then(|data| data.get("period"))
        .or_else(|| period_of(detail))
        .and_then(Value::as_i64)
        .filter(|p| (1..=MAX_PERIOD_SECS).contains(p))
        .unwrap_or(DEFAULT_WINDOW_SECS);
    let period = TimeDelta::seconds(period);
    // The evaluated period: from `startDate` for one period (the query ran a little after
    // it ended), else the period before the query.
    let started = reason_data
        .and_then(|data| time(data.get("startDate")))
        .filter(|start| *start < queried);
    let window = match started {
        Some(start) => (
            start,
            queried.min(start.checked_add_signed(period).unwrap_or(queried)),
        ),
        None => (
            queried.checked_sub_signed(period).unwrap_or(queried),
            queried,
        ),
    };
    Ok(AlarmChange {
        arn: text(event.get("resources").and_then(|r| r.get(0)))
            .or_else(|| text(detail.get("alarmArn"))),
        name,
        state,
        previous_state: text(at(detail, &["previousState", "value"])),
        reason: text(at(detail, &["state", "reason"])),
        timestamp: changed_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        threshold: reason_data.and_then(|data| data.get("threshold")?.as_f64()),
        value: reason_data.and_then(last_value),
        account_id: text(event.get("account")),
        region: text(event.get("region")),
        bedrock_metric: bedrock_metric(detail),
        window,
    })
}

impl AlarmChange {
    /// Firing, and going back to `OK` from it, are sent; other transitions (to
    /// `INSUFFICIENT_DATA`, or to `OK` from it as every new alarm does) are not.
    pub fn notice(&self) -> Option<Notice> {
        match (self.state.as_str(), self.previous_state.as_deref()) {
            (ALARM, _) => Some(Notice::Fired),
            (OK, Some(ALARM)) => Some(Notice::Resolved),
            _ => None,
        }
    }
}

/// CloudWatch writes `2024-08-28T22:58:30.123+0000` (no colon in the offset) in alarm
/// events, and RFC 3339 elsewhere.
fn time(value: Option<&Value>) -> Option<DateTime<Utc>> {
    let text = text(value)?;
    DateTime::parse_from_rfc3339(&text)
        .or_else(|_| DateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The newest evaluated value: the first of `recentDatapoints`, else of
/// `evaluatedDatapoints` (both list the newest first).
fn last_value(data: &Value) -> Option<f64> {
    let recent = data.get("recentDatapoints").and_then(Value::as_array);
    recent
        .and_then(|points| points.first())
        .and_then(Value::as_f64)
        .or_else(|| {
            let evaluated = data.get("evaluatedDatapoints")?.as_array()?;
            evaluated
                .iter()
                .find_map(|point| point.get("value")?.as_f64())
        })
}

/// The period of the alarm's first query or metric.
fn period_of(detail: &Value) -> Option<&Value> {
    let metric = at(detail, &["configuration", "metrics"])?.get(0)?;
    metric
        .get("period")
        .or_else(|| at(metric, &["metricStat", "period"]))
}

/// The metric of a Metrics Insights query over `AWS/Bedrock` by `ModelId`, as in
/// `SELECT SUM(InvocationThrottles) FROM SCHEMA("AWS/Bedrock", ModelId)`.
fn bedrock_metric(detail: &Value) -> Option<String> {
    let metrics = at(detail, &["configuration", "metrics"])?.as_array()?;
    metrics.iter().find_map(|metric| {
        let expression = metric.get("expression")?.as_str()?;
        let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.contains("SCHEMA(\"AWS/Bedrock\",ModelId)") {
            return None;
        }
        let (_, after) = compact.split_once("SUM(")?;
        let (name, _) = after.split_once(')')?;
        Some(name.trim_matches('"').to_owned()).filter(|n| !n.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(state: &str, previous: &str) -> Value {
        let reason_data = json!({
            "version": "1.0", "queryDate": "2026-11-20T14:10:30.123+0000",
            "startDate": "2026-11-20T14:05:00.000+0000", "period": 300,
            "recentDatapoints": [42.0], "threshold": 10.0,
            "evaluatedDatapoints": [{"timestamp": "2026-11-20T14:05:00.000+0000", "value": 42.0}],
        });
        json!({
            "version": "0", "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
            "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch",
            "account": "111122223333", "time": "2026-11-20T14:10:30Z", "region": "us-east-1",
            "resources": ["arn:aws:cloudwatch:us-east-1:111122223333:alarm:stack-BedrockThrottlesAlarm-1A2B"],
            "detail": {
                "alarmName": "stack-BedrockThrottlesAlarm-1A2B",
                "state": {
                    "value": state, "reason": "Threshold Crossed: 1 datapoint [42.0] was >= 10.0",
                    "reasonData": reason_data.to_string(),
                    "timestamp": "2026-11-20T14:10:30.123+0000",
                },
                "previousState": { "value": previous },
                "configuration": { "metrics": [{
                    "id": "throttles", "returnData": true, "period": 300,
                    "expression": "SELECT SUM(InvocationThrottles) FROM SCHEMA(\"AWS/Bedrock\", ModelId)",
                }]},
            },
        })
    }

    #[test]
    fn reads_what_an_alert_needs() {
        let change = parse(&event("ALARM", "OK")).unwrap().unwrap();
        assert_eq!(change.name, "stack-BedrockThrottlesAlarm-1A2B");
        assert!(change
            .arn
            .as_deref()
            .unwrap()
            .ends_with(":alarm:stack-BedrockThrottlesAlarm-1A2B"));
        assert_eq!(change.previous_state.as_deref(), Some("OK"));
        assert_eq!(change.threshold, Some(10.0));
        assert_eq!(change.value, Some(42.0));
        assert_eq!(
            change.timestamp.as_deref(),
            Some("2026-11-20T14:10:30.123Z")
        );
        assert_eq!(
            change.bedrock_metric.as_deref(),
            Some("InvocationThrottles")
        );
        // The evaluated period, not up to when the query ran.
        assert_eq!(change.window.0.to_rfc3339(), "2026-11-20T14:05:00+00:00");
        assert_eq!(change.window.1.to_rfc3339(), "2026-11-20T14:10:00+00:00");
        assert_eq!(change.notice(), Some(Notice::Fired));
    }

    #[test]
    fn ok_resolves_and_insufficient_data_is_not_sent() {
        let ok = parse(&event("OK", "ALARM")).unwrap().unwrap();
        assert_eq!(ok.notice(), Some(Notice::Resolved));
        let unknown = parse(&event("INSUFFICIENT_DATA", "OK")).unwrap().unwrap();
        assert_eq!(unknown.notice(), None);
        let created = parse(&event("OK", "INSUFFICIENT_DATA")).unwrap().unwrap();
        assert_eq!(
            created.notice(),
            None,
            "a new alarm's first OK resolves nothing"
        );
    }

    #[test]
    fn other_events_are_not_alarm_changes_and_broken_ones_say_why() {
        assert!(parse(&json!({"source": "aws.bedrock", "detail-type": "X"})).is_none());
        let mut broken = event("ALARM", "OK");
        broken["detail"]["state"] = json!({});
        assert_eq!(
            parse(&broken).unwrap(),
            Err(Incomplete("detail.state.value"))
        );
    }

    #[test]
    fn a_metric_alarm_without_reason_data_looks_back_one_period() {
        let mut plain = event("ALARM", "OK");
        plain["detail"]["state"]["reasonData"] = json!(null);
        plain["detail"]["configuration"]["metrics"] = json!([{
            "id": "m", "metricStat": {"metric": {"namespace": "AWS/SQS", "name": "X"}, "period": 60, "stat": "Sum"},
        }]);
        let change = parse(&plain).unwrap().unwrap();
        assert_eq!(change.bedrock_metric, None);
        assert_eq!(change.threshold, None);
        assert_eq!((change.window.1 - change.window.0).num_seconds(), 60);
    }

    #[test]
    fn an_absurd_period_falls_back_to_five_minutes() {
        let mut odd = event("ALARM", "OK");
        let data = serde_json::json!({ "period": 100_000_000_000_000_000_i64 });
        odd["detail"]["state"]["reasonData"] = json!(data.to_string());
        let change = parse(&odd).unwrap().unwrap();
        assert_eq!((change.window.1 - change.window.0).num_seconds(), 300);
    }
}
