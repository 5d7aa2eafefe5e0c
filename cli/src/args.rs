//! Command-line arguments.

use bedrock_alerts::Severity;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bedrock-alerts",
    version,
    about = "Find failures in Amazon Bedrock logs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan log files, directories, stdin (`-`) or S3 prefixes (`s3://bucket/prefix`) and
    /// print one finding per line; a summary goes to stderr.
    ///
    /// Exit status: 0 when every input was read to the end, 1 when an input was unreadable
    /// or alerts could not be published, 2 for usage errors.
    Scan(ScanArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One readable line per finding.
    Text,
    /// One JSON object per finding.
    Json,
    /// One `bedrock-alerts/alert/v1` payload per alert, grouped as the functions group.
    Alert,
    /// One chat notification (Amazon Q Developer custom notification) per alert, as the
    /// chat topic receives it.
    Chat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    Warn,
    Error,
}

impl From<MinSeverity> for Severity {
    fn from(value: MinSeverity) -> Severity {
        match value {
            MinSeverity::Warn => Severity::Warn,
            MinSeverity::Error => Severity::Error,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files, directories (read recursively), `-` for stdin, or `s3://bucket/prefix`.
    /// With none, stdin is read.
    pub inputs: Vec<String>,

    /// Output format: per finding (text, json), or per alert as the functions would send it
    /// (alert: the v1 payloads; chat: the chat notifications), after the inputs are read.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Leave out findings below this severity.
    #[arg(long, value_enum, default_value_t = MinSeverity::Warn)]
    pub min_severity: MinSeverity,

    /// Report guardrail interventions on invocations as WARN findings.
    #[arg(long)]
    pub guardrail_as_warn: bool,

    /// Keep only findings with this status (repeatable).
    #[arg(long = "include-status", value_name = "STATUS")]
    pub include_statuses: Vec<String>,

    /// Drop findings with this status (repeatable).
    #[arg(long = "exclude-status", value_name = "STATUS")]
    pub exclude_statuses: Vec<String>,

    /// Give findings of a status another severity, e.g. RESOURCE_IGNORED=ERROR (repeatable).
    #[arg(long = "severity-override", value_name = "STATUS=SEVERITY", value_parser = parse_override)]
    pub severity_overrides: Vec<(String, Severity)>,

    /// Parse every record in full: also report invalid JSON inside the bodies of healthy
    /// invocation records, which the default pre-check counts without parsing (slower).
    #[arg(long)]
    pub strict: bool,

    /// Stop reading an input after this many decoded bytes (gzip bombs).
    #[arg(long, default_value_t = bedrock_alerts::input::decode::DEFAULT_MAX_DECODED_BYTES)]
    pub max_decoded_bytes: u64,

    /// S3 inputs: only objects last modified at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_time)]
    pub since: Option<DateTime<Utc>>,

    /// S3 inputs: only objects last modified before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_time)]
    pub until: Option<DateTime<Utc>>,

    /// Also publish grouped alerts to this SNS topic, exactly as the Lambda functions do.
    #[arg(long, value_name = "TOPIC_ARN")]
    pub publish: Option<String>,

    /// With --publish: also send every alert to this chat topic, as a chat notification
    /// (the functions' CHAT_TOPIC_ARN).
    #[arg(long, value_name = "TOPIC_ARN", requires = "publish")]
    pub chat_topic: Option<String>,

    /// With --publish: also send every alert to this EventBridge bus (`default`, a name or
    /// an ARN), as the functions do with EVENT_BUS.
    #[arg(long, value_name = "BUS", requires = "publish")]
    pub event_bus: Option<String>,

    /// With --publish: suppress repeats through this DynamoDB incident state table, as the
    /// functions do with ALERT_STATE_TABLE (one message per incident per interval, each
    /// record counted once). Without it, every group is published.
    #[arg(long, value_name = "TABLE", requires = "publish")]
    pub state_table: Option<String>,

    /// With --state-table: the repeat interval, in seconds (300) or minutes (15m).
    #[arg(long, value_name = "INTERVAL", default_value = "15m", value_parser = parse_repeat_interval)]
    pub repeat_interval: i64,

    /// Use path-style S3 addressing (S3-compatible endpoints, e.g. moto on localhost).
    #[arg(long, env = "BEDROCK_ALERTS_S3_PATH_STYLE")]
    pub s3_path_style: bool,

    /// Never draw a progress bar (it is drawn only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,

    /// Also print the run's wall time and peak memory (resident set) to stderr.
    #[arg(long)]
    pub stats: bool,
}

fn parse_override(text: &str) -> Result<(String, Severity), String> {
    bedrock_alerts::Policy::parse_override(text).map_err(|e| e.to_string())
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    if let Ok(time) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
        return Ok(time.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("{text:?} is not a time: use RFC 3339 (2026-11-20T14:00:00Z) or a date (2026-11-20)"))
}

fn parse_repeat_interval(text: &str) -> Result<i64, String> {
    bedrock_alerts::config::parse_interval(text)
        .ok_or_else(|| format!("{text:?} is not seconds (300) or minutes (15m), at most 7 days"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_three_spellings() {
        assert_eq!(
            parse_time("2026-11-20").unwrap().to_rfc3339(),
            "2026-11-20T00:00:00+00:00"
        );
        assert_eq!(
            parse_time("2026-11-20T14:05:00Z").unwrap().to_rfc3339(),
            "2026-11-20T14:05:00+00:00"
        );
        assert_eq!(
            parse_time("2026-11-20T14:05:00").unwrap().to_rfc3339(),
            "2026-11-20T14:05:00+00:00"
        );
        assert!(parse_time("last tuesday").is_err());
    }

    #[test]
    fn arguments_parse() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "bedrock-alerts",
            "scan",
            "--format",
            "json",
            "--min-severity",
            "error",
            "a",
            "b",
        ])
        .unwrap();
        let Command::Scan(args) = cli.command;
        assert_eq!(args.format, OutputFormat::Json);
        assert_eq!(args.min_severity, MinSeverity::Error);
        assert_eq!(args.inputs, vec!["a", "b"]);
        let cli = Cli::try_parse_from([
            "bedrock-alerts",
            "scan",
            "--severity-override",
            "X=warn",
            "--exclude-status",
            "Y",
        ])
        .unwrap();
        let Command::Scan(args) = cli.command;
        assert_eq!(
            args.severity_overrides,
            vec![("X".to_owned(), Severity::Warn)]
        );
        assert_eq!(args.exclude_statuses, vec!["Y"]);
        assert!(
            Cli::try_parse_from(["bedrock-alerts", "scan", "--severity-override", "X"]).is_err()
        );
    }
}
