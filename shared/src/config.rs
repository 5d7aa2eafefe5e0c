//! Function configuration from environment variables, validated once at init. A missing or
//! invalid value is an error that names the variable.

use crate::engine::{Engine, Limits};
use crate::outputs::alerts::AlertOptions;
use crate::rules::finding::Severity;
use crate::rules::policy::Policy;
use crate::triggers::object_ref::KeyFilter;

/// Tries per SNS entry before publishing fails.
pub const DEFAULT_PUBLISH_MAX_ATTEMPTS: u32 = 4;

/// Everything the functions read from their environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub delivery: DeliveryConfig,
    /// `GUARDRAIL_AS_WARN` (bool, default false); `INCLUDE_STATUSES`, `EXCLUDE_STATUSES`
    /// (comma-separated); `SEVERITY_OVERRIDES` (`STATUS=WARN|ERROR`, comma-separated).
    pub engine_policy: Policy,
    /// `MAX_DECODED_BYTES` (default 4 GiB).
    pub limits: Limits,
    /// `INCLUDE_KEY_PREFIXES`, `EXCLUDE_KEY_PREFIXES`, `INCLUDE_KEY_SUFFIXES`,
    /// `EXCLUDE_KEY_SUFFIXES`: comma-separated.
    pub key_filter: KeyFilter,
    /// `S3_FORCE_PATH_STYLE` (bool, default false): for S3-compatible endpoints.
    pub s3_force_path_style: bool,
    /// `DEADLINE_MARGIN_MS` (default 5000): stop starting new objects this close to the
    /// Lambda deadline, leaving time to publish.
    pub deadline_margin_ms: u64,
    /// `METRICS_NAMESPACE` (default `BedrockAlerts`): CloudWatch namespace of the EMF metrics.
    pub metrics_namespace: String,
    /// `OBJECT_CONCURRENCY` (default: the number of CPUs): objects of one event read at once.
    pub object_concurrency: usize,
}

/// How findings become published alerts: the functions read it from their environment, the
/// CLI from its flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// `ALERT_TOPIC_ARN` (required): where alerts go. A `.fifo` topic gets dedup ids.
    pub topic_arn: String,
    /// `CHAT_TOPIC_ARN` (optional): every alert also goes here, as an Amazon Q Developer in
    /// chat applications custom notification.
    pub chat_topic_arn: Option<String>,
    /// `EVENT_BUS` (optional): `default`, a bus name or a bus ARN; every alert also goes
    /// there as an event (source `bedrock-alerts`, detail-type `Bedrock Alert`).
    pub event_bus: Option<String>,
    /// `MIN_SEVERITY` (`WARN`|`ERROR`, default `WARN`): findings below it are not sent.
    pub min_severity: Severity,
    /// `ITEMS_PER_ALERT` (default 10), `MAX_ALERTS_PER_INVOCATION` (default 50).
    pub alerts: AlertOptions,
    /// `PUBLISH_MAX_ATTEMPTS` (default 4): tries per SNS entry before publishing fails.
    pub publish_max_attempts: u32,
    /// `ALERT_STATE_TABLE` and `ALERT_REPEAT_INTERVAL`: incident suppression; `None`
    /// (no table, or an interval of 0) sends every group of every invocation.
    pub state: Option<StateConfig>,
}

/// Incident suppression: where the state is kept and how often an incident may speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateConfig {
    /// `ALERT_STATE_TABLE`: the DynamoDB table's name.
    pub table: String,
    /// `ALERT_REPEAT_INTERVAL` (seconds, or `<n>m` minutes; default 15 minutes).
    pub repeat_interval_secs: i64,
}

/// The repeat interval when `ALERT_REPEAT_INTERVAL` is not set: 15 minutes.
pub const DEFAULT_REPEAT_INTERVAL_SECS: i64 = 900;

/// Parses a repeat interval: seconds (`300`), or minutes with `m` (`15m`).
pub fn parse_interval(text: &str) -> Option<i64> {
    let text = text.trim();
    let (digits, scale) = match text.strip_suffix('m') {
        Some(minutes) => (minutes, 60),
        None => (text.strip_suffix('s').unwrap_or(text), 1),
    };
    let value: i64 = digits.trim().parse().ok()?;
    (0..=7 * 24 * 3600)
        .contains(&(value * scale))
        .then_some(value * scale)
}

impl StateConfig {
    /// Suppression on `table` every `interval` seconds; `None` when the interval is 0.
    pub fn new(table: impl Into<String>, interval: i64) -> Option<StateConfig> {
        (interval > 0).then(|| StateConfig {
            table: table.into(),
            repeat_interval_secs: interval,
        })
    }
}

impl DeliveryConfig {
    /// Every finding to `topic_arn`, with the default alert options and attempts.
    pub fn to(topic_arn: impl Into<String>) -> DeliveryConfig {
        DeliveryConfig {
            topic_arn: topic_arn.into(),
            chat_topic_arn: None,
            event_bus: None,
            min_severity: Severity::Warn,
            alerts: AlertOptions::default(),
            publish_max_attempts: DEFAULT_PUBLISH_MAX_ATTEMPTS,
            state: None,
        }
    }
}

/// A configuration value that is missing or not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid ({value:?}): expected {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let topic_arn = get("ALERT_TOPIC_ARN").ok_or(ConfigError::Missing("ALERT_TOPIC_ARN"))?;
        let sns_arn = |name: &'static str, arn: String| {
            if arn.starts_with("arn:") && arn.contains(":sns:") {
                Ok(arn)
            } else {
                Err(invalid(name, &arn, "an SNS topic ARN"))
            }
        };
        let topic_arn = sns_arn("ALERT_TOPIC_ARN", topic_arn)?;
        let chat_topic_arn = get("CHAT_TOPIC_ARN")
            .map(|arn| sns_arn("CHAT_TOPIC_ARN", arn))
            .transpose()?;
        let event_bus = get("EVENT_BUS")
            .map(|bus| {
                if is_event_bus(&bus) {
                    Ok(bus)
                } else {
                    Err(invalid(
                        "EVENT_BUS",
                        &bus,
                        "default, an event bus name or an event bus ARN",
                    ))
                }
            })
            .transpose()?;
        let min_severity = match get("MIN_SEVERITY") {
            None => Severity::Warn,
            Some(v) => {
                Severity::parse(&v).ok_or_else(|| invalid("MIN_SEVERITY", &v, "WARN or ERROR"))?
            }
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let severity_overrides = list("SEVERITY_OVERRIDES")
            .iter()
            .map(|pair| Policy::parse_override(pair))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                invalid(
                    "SEVERITY_OVERRIDES",
                    &e.0,
                    "STATUS=WARN or STATUS=ERROR pairs",
                )
            })?;
        let defaults = AlertOptions::default();
        let interval = match get("ALERT_REPEAT_INTERVAL") {
            None => DEFAULT_REPEAT_INTERVAL_SECS,
            Some(v) => parse_interval(&v).ok_or_else(|| {
                invalid(
                    "ALERT_REPEAT_INTERVAL",
                    &v,
                    "seconds (300) or minutes (15m), at most 7 days",
                )
            })?,
        };
        let state = get("ALERT_STATE_TABLE").and_then(|table| StateConfig::new(table, interval));
        Ok(Config {
            delivery: DeliveryConfig {
                topic_arn,
                chat_topic_arn,
                event_bus,
                min_severity,
                alerts: AlertOptions {
                    items_per_alert: number(
                        &get,
                        "ITEMS_PER_ALERT",
                        defaults.items_per_alert as u64,
                    )? as usize,
                    max_alerts: number(
                        &get,
                        "MAX_ALERTS_PER_INVOCATION",
                        defaults.max_alerts as u64,
                    )? as usize,
                    max_message_bytes: defaults.max_message_bytes,
                },
                publish_max_attempts: number(
                    &get,
                    "PUBLISH_MAX_ATTEMPTS",
                    DEFAULT_PUBLISH_MAX_ATTEMPTS.into(),
                )? as u32,
                state,
            },
            engine_policy: Policy {
                guardrail_as_warn: flag(&get, "GUARDRAIL_AS_WARN")?,
                include_statuses: list("INCLUDE_STATUSES"),
                exclude_statuses: list("EXCLUDE_STATUSES"),
                severity_overrides,
            },
            limits: Limits {
                max_decoded_bytes: number(
                    &get,
                    "MAX_DECODED_BYTES",
                    Limits::default().max_decoded_bytes,
                )?,
            },
            key_filter: KeyFilter {
                include_prefixes: list("INCLUDE_KEY_PREFIXES"),
                exclude_prefixes: list("EXCLUDE_KEY_PREFIXES"),
                include_suffixes: list("INCLUDE_KEY_SUFFIXES"),
                exclude_suffixes: list("EXCLUDE_KEY_SUFFIXES"),
            },
            s3_force_path_style: flag(&get, "S3_FORCE_PATH_STYLE")?,
            deadline_margin_ms: number(&get, "DEADLINE_MARGIN_MS", 5000)?,
            metrics_namespace: get("METRICS_NAMESPACE")
                .unwrap_or_else(|| "BedrockAlerts".to_owned()),
            object_concurrency: number(&get, "OBJECT_CONCURRENCY", available_cpus() as u64)?
                as usize,
        })
    }

    /// The engine these settings describe.
    pub fn engine(&self) -> Engine {
        Engine::new(self.engine_policy.clone(), self.limits.clone())
    }
}

/// An event bus name (1 to 256 of `A-Z a-z 0-9 . - _ /`) or an event bus ARN.
fn is_event_bus(bus: &str) -> bool {
    if bus.starts_with("arn:") {
        return bus.contains(":events:") && bus.contains(":event-bus/");
    }
    (1..=256).contains(&bus.len())
        && bus
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'))
}

/// CPUs this process may use (Lambda gives up to 6 vCPUs, by memory size).
pub fn available_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn invalid(name: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: value.to_owned(),
        expected,
    }
}

fn flag(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, ConfigError> {
    match get(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(invalid(name, &v, "true or false")),
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<u64, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0 || name == "DEADLINE_MARGIN_MS")
            .ok_or_else(|| invalid(name, &v, "a positive whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:bedrock-alerts";

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn topic_is_required_and_must_be_an_sns_arn() {
        assert_eq!(config(&[]), Err(ConfigError::Missing("ALERT_TOPIC_ARN")));
        let error = config(&[("ALERT_TOPIC_ARN", "my-topic")]).unwrap_err();
        assert!(error.to_string().contains("ALERT_TOPIC_ARN"));
    }

    #[test]
    fn defaults() {
        let config = config(&[("ALERT_TOPIC_ARN", TOPIC)]).unwrap();
        assert_eq!(config.delivery, DeliveryConfig::to(TOPIC));
        assert!(!config.engine_policy.guardrail_as_warn);
        assert_eq!(config.delivery.alerts.items_per_alert, 10);
        assert_eq!(config.delivery.publish_max_attempts, 4);
    }

    #[test]
    fn the_state_table_turns_suppression_on_with_its_interval() {
        let with = |pairs: &[(&str, &str)]| {
            let mut all = vec![("ALERT_TOPIC_ARN", TOPIC)];
            all.extend_from_slice(pairs);
            config(&all).map(|c| c.delivery.state)
        };
        assert_eq!(with(&[]), Ok(None));
        assert_eq!(with(&[("ALERT_STATE_TABLE", "")]), Ok(None));
        assert_eq!(
            with(&[("ALERT_STATE_TABLE", "t")]),
            Ok(StateConfig::new("t", DEFAULT_REPEAT_INTERVAL_SECS))
        );
        for (text, seconds) in [("15m", 900), ("300", 300), ("45s", 45), (" 2m ", 120)] {
            let state = with(&[("ALERT_STATE_TABLE", "t"), ("ALERT_REPEAT_INTERVAL", text)]);
            assert_eq!(state, Ok(StateConfig::new("t", seconds)), "{text}");
        }
        assert_eq!(
            with(&[("ALERT_STATE_TABLE", "t"), ("ALERT_REPEAT_INTERVAL", "0m")]),
            Ok(None),
            "0 turns suppression off"
        );
        for bad in ["soon", "-5", "1h", "20000m"] {
            let error = with(&[("ALERT_STATE_TABLE", "t"), ("ALERT_REPEAT_INTERVAL", bad)]);
            assert!(
                error.is_err_and(|e| e.to_string().contains("ALERT_REPEAT_INTERVAL")),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_setting_is_read_and_validated() {
        let config = config(&[
            (
                "ALERT_TOPIC_ARN",
                "arn:aws:sns:us-east-1:111122223333:alerts.fifo",
            ),
            ("MIN_SEVERITY", "error"),
            ("GUARDRAIL_AS_WARN", "true"),
            ("MAX_DECODED_BYTES", "1048576"),
            ("INCLUDE_KEY_PREFIXES", "a/, b/"),
            ("EXCLUDE_KEY_SUFFIXES", ".tmp"),
            ("MAX_ALERTS_PER_INVOCATION", "5"),
            ("S3_FORCE_PATH_STYLE", "1"),
            ("EXCLUDE_STATUSES", "RESOURCE_IGNORED"),
            (
                "SEVERITY_OVERRIDES",
                "COMPLETE=ERROR, ThrottlingException=WARN",
            ),
            ("METRICS_NAMESPACE", "Team/Bedrock"),
        ])
        .unwrap();
        assert_eq!(
            config.engine_policy.exclude_statuses,
            vec!["RESOURCE_IGNORED"]
        );
        assert_eq!(
            config.engine_policy.severity_overrides,
            vec![
                ("COMPLETE".to_owned(), Severity::Error),
                ("ThrottlingException".to_owned(), Severity::Warn)
            ]
        );
        assert_eq!(config.metrics_namespace, "Team/Bedrock");
        assert!(config.delivery.topic_arn.ends_with(".fifo"));
        assert_eq!(config.delivery.min_severity, Severity::Error);
        assert!(config.engine_policy.guardrail_as_warn);
        assert_eq!(config.limits.max_decoded_bytes, 1 << 20);
        assert_eq!(config.key_filter.include_prefixes, vec!["a/", "b/"]);
        assert_eq!(config.key_filter.exclude_suffixes, vec![".tmp"]);
        assert_eq!(config.delivery.alerts.max_alerts, 5);
        assert!(config.s3_force_path_style);
        assert!(config.object_concurrency >= 1);
    }

    #[test]
    fn the_chat_topic_and_the_event_bus_are_optional_and_checked() {
        let with = |pairs: &[(&str, &str)]| {
            let mut all = vec![("ALERT_TOPIC_ARN", TOPIC)];
            all.extend_from_slice(pairs);
            config(&all).map(|c| (c.delivery.chat_topic_arn, c.delivery.event_bus))
        };
        assert_eq!(
            with(&[("CHAT_TOPIC_ARN", ""), ("EVENT_BUS", " ")]),
            Ok((None, None))
        );
        let chat = "arn:aws:sns:us-east-1:111122223333:bedrock-alerts-chat";
        for bus in [
            "default",
            "team/bedrock-alerts",
            "arn:aws:events:us-east-1:111122223333:event-bus/ops",
        ] {
            assert_eq!(
                with(&[("CHAT_TOPIC_ARN", chat), ("EVENT_BUS", bus)]),
                Ok((Some(chat.to_owned()), Some(bus.to_owned())))
            );
        }
        for (name, value) in [
            ("CHAT_TOPIC_ARN", "chat"),
            ("EVENT_BUS", "my bus"),
            ("EVENT_BUS", "arn:aws:sns:us-east-1:111122223333:t"),
        ] {
            let error = with(&[(name, value)]).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }

    #[test]
    fn invalid_values_name_their_variable() {
        for (name, value) in [
            ("MIN_SEVERITY", "loud"),
            ("GUARDRAIL_AS_WARN", "maybe"),
            ("MAX_DECODED_BYTES", "-1"),
            ("ITEMS_PER_ALERT", "0"),
            ("SEVERITY_OVERRIDES", "COMPLETE"),
        ] {
            let error = config(&[("ALERT_TOPIC_ARN", TOPIC), (name, value)]).unwrap_err();
            assert!(error.to_string().contains(name), "{error}");
        }
    }
}
