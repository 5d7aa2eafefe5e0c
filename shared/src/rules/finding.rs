//! A finding: one thing in the logs (or in reading them) that someone should know about.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest reason kept on a finding, in bytes; longer ones are cut on a char boundary.
pub const MAX_REASON_BYTES: usize = 1024;

/// Longest status kept on a finding, in bytes.
pub const MAX_STATUS_BYTES: usize = 256;

/// How bad a finding is. Ordered: `Warn < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Warn,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "WARN",
            Severity::Error => "ERROR",
        }
    }

    /// Parses `warn`/`WARN`/`warning` and `error`/`ERROR`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "warn" | "warning" => Some(Severity::Warn),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What produced the finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A Bedrock model invocation log record.
    ModelInvocation,
    /// A knowledge-base application log event.
    KnowledgeBase,
    /// bedrock-alerts itself, while reading the logs (bad records, unreadable inputs).
    Processor,
    /// A Bedrock job's EventBridge event (model customization, batch inference, data
    /// automation).
    BedrockJob,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ModelInvocation => "model_invocation",
            Source::KnowledgeBase => "knowledge_base",
            Source::Processor => "processor",
            Source::BedrockJob => "bedrock_job",
        }
    }
}

/// Status of a finding made by the processor about a record it could not parse.
pub const UNPARSEABLE_RECORD: &str = "UNPARSEABLE_RECORD";
/// Status of a finding made by the processor about an input it could not read to the end.
pub const UNREADABLE_INPUT: &str = "UNREADABLE_INPUT";

/// Where a finding came from: the input, and the place inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// File path, `s3://bucket/key`, `-` for stdin, or the Lambda event's name for the input.
    pub input: String,
    /// 1-based line of the decoded input where the record starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// CloudWatch Logs event id, for records that arrived inside a subscription payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
}

impl Origin {
    pub fn input(input: impl Into<String>) -> Origin {
        Origin {
            input: input.into(),
            ..Origin::default()
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.input)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.event_id {
            write!(f, "#{id}")?;
        }
        Ok(())
    }
}

/// One finding. Fields that do not apply are `None` and left out of the JSON form.
///
/// Never carries prompt or response bodies: only identifiers, statuses and reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub source: Source,
    pub status: String,
    pub event_type: Option<String>,
    /// RFC 3339.
    pub timestamp: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub knowledge_base_id: Option<String>,
    pub knowledge_base_arn: Option<String>,
    pub data_source_id: Option<String>,
    pub ingestion_job_id: Option<String>,
    pub document_uri: Option<String>,
    pub reasons: Vec<String>,
    pub model_id: Option<String>,
    pub operation: Option<String>,
    pub request_id: Option<String>,
    /// The Bedrock job a job event is about (the job's ARN, or a Data Automation job id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    pub origin: Origin,
}

impl Finding {
    /// An empty finding of the given kind, to be filled in by the classifier.
    /// The status is cut to [`MAX_STATUS_BYTES`]: it comes from the logs.
    pub fn new(severity: Severity, source: Source, status: impl Into<String>) -> Finding {
        let status: String = status.into();
        Finding {
            severity,
            source,
            status: truncate_utf8(&status, MAX_STATUS_BYTES).to_owned(),
            event_type: None,
            timestamp: None,
            account_id: None,
            region: None,
            knowledge_base_id: None,
            knowledge_base_arn: None,
            data_source_id: None,
            ingestion_job_id: None,
            document_uri: None,
            reasons: Vec::new(),
            model_id: None,
            operation: None,
            request_id: None,
            job_arn: None,
            job_name: None,
            origin: Origin::default(),
        }
    }

    /// A record that is not valid JSON (WARN; reading goes on).
    pub fn unparseable(origin: Origin, reason: impl Into<String>) -> Finding {
        let mut finding = Finding::new(Severity::Warn, Source::Processor, UNPARSEABLE_RECORD);
        finding.push_reason(reason.into());
        finding.origin = origin;
        finding
    }

    /// An input that could not be read to the end (ERROR).
    pub fn unreadable(origin: Origin, reason: impl Into<String>) -> Finding {
        let mut finding = Finding::new(Severity::Error, Source::Processor, UNREADABLE_INPUT);
        finding.push_reason(reason.into());
        finding.origin = origin;
        finding
    }

    /// Adds a reason, cut to [`MAX_REASON_BYTES`]. Empty reasons are dropped.
    pub fn push_reason(&mut self, reason: String) {
        let reason = truncate_utf8(reason.trim(), MAX_REASON_BYTES);
        if !reason.is_empty() {
            self.reasons.push(reason.to_owned());
        }
    }

    /// The most specific identifier of what failed: document, job, model or input.
    pub fn subject_identifier(&self) -> &str {
        [
            &self.document_uri,
            &self.ingestion_job_id,
            &self.job_arn,
            &self.job_name,
            &self.knowledge_base_id,
            &self.model_id,
        ]
        .into_iter()
        .flatten()
        .next()
        .map_or(self.origin.input.as_str(), String::as_str)
    }
}

/// The longest prefix of `text` that is at most `max` bytes and ends on a char boundary.
pub fn truncate_utf8(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_never_splits_a_char() {
        let text = "ab€cd"; // € is 3 bytes at 2..5
        assert_eq!(truncate_utf8(text, 3), "ab");
        assert_eq!(truncate_utf8(text, 5), "ab€");
        assert_eq!(truncate_utf8(text, 100), text);
    }

    #[test]
    fn reasons_are_cut_to_one_kilobyte_and_empty_ones_dropped() {
        let mut finding = Finding::new(Severity::Error, Source::KnowledgeBase, "X");
        finding.push_reason("é".repeat(1000));
        finding.push_reason("   ".to_owned());
        assert_eq!(finding.reasons.len(), 1);
        assert!(finding.reasons[0].len() <= MAX_REASON_BYTES);
        assert_eq!(finding.reasons[0].len(), 1024);
    }

    #[test]
    fn severity_parses_and_orders() {
        assert_eq!(Severity::parse("warn"), Some(Severity::Warn));
        assert_eq!(Severity::parse("ERROR"), Some(Severity::Error));
        assert_eq!(Severity::parse("info"), None);
        assert!(Severity::Warn < Severity::Error);
    }

    #[test]
    fn json_form_leaves_out_what_does_not_apply() {
        let mut finding = Finding::unparseable(Origin::input("a.json"), "syntax error");
        finding.origin.line = Some(3);
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["severity"], "WARN");
        assert_eq!(json["source"], "processor");
        assert_eq!(json["status"], "UNPARSEABLE_RECORD");
        assert_eq!(json["origin"]["line"], 3);
        assert!(json["origin"].get("event_id").is_none());
        assert!(json["model_id"].is_null());
    }
}
