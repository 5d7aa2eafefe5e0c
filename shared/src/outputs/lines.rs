//! Findings as lines for people (text, optional colour) and for programs (one JSON object).

use crate::counts::Counts;
use crate::rules::finding::{Finding, Severity};
use std::fmt::Write as _;

/// Output format of the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// One line (no trailing newline) for a finding.
pub fn line(finding: &Finding, format: Format, colour: bool) -> String {
    match format {
        Format::Json => json_line(finding),
        Format::Text => text_line(finding, colour),
    }
}

/// The finding as one compact JSON object.
pub fn json_line(finding: &Finding) -> String {
    // Serializing plain strings, numbers and options cannot fail.
    serde_json::to_string(finding).unwrap_or_default()
}

/// `ERROR knowledge_base EMBEDDING_FAILED kb=KB1 job=J doc=s3://… — reason  (origin)`
pub fn text_line(finding: &Finding, colour: bool) -> String {
    let severity = finding.severity.as_str();
    let mut out = if colour {
        let code = match finding.severity {
            Severity::Error => "31",
            Severity::Warn => "33",
        };
        format!("\x1b[1;{code}m{severity:<5}\x1b[0m")
    } else {
        format!("{severity:<5}")
    };
    let _ = write!(out, " {} {}", finding.source.as_str(), finding.status);
    let labelled = [
        ("time", &finding.timestamp),
        ("account", &finding.account_id),
        ("region", &finding.region),
        ("kb", &finding.knowledge_base_id),
        ("data_source", &finding.data_source_id),
        ("job", &finding.ingestion_job_id),
        ("doc", &finding.document_uri),
        ("model", &finding.model_id),
        ("op", &finding.operation),
        ("request", &finding.request_id),
    ];
    for (label, value) in labelled {
        if let Some(value) = value {
            let _ = write!(out, " {label}={}", single_line(value));
        }
    }
    if !finding.reasons.is_empty() {
        let reasons: Vec<String> = finding.reasons.iter().map(|r| single_line(r)).collect();
        let _ = write!(out, " — {}", reasons.join("; "));
    }
    let _ = write!(out, "  ({})", finding.origin);
    out
}

/// The run summary, for stderr.
pub fn summary(counts: &Counts) -> String {
    format!(
        "scanned {inputs} input(s), {raw} bytes ({decoded} decoded): {inv} invocation record(s), \
         {kb} knowledge-base event(s), {jobs} Bedrock job event(s), {cw} CloudWatch log event(s), {ctl} control message(s), \
         {unknown} unknown document(s), {bad} bad record(s), {unreadable} unreadable input(s); \
         findings: {errors} error(s), {warnings} warning(s)",
        inputs = counts.inputs,
        raw = counts.raw_bytes,
        decoded = counts.decoded_bytes,
        inv = counts.invocation_records,
        kb = counts.knowledge_base_events,
        jobs = counts.bedrock_job_events,
        cw = counts.cloudwatch_log_events,
        ctl = counts.control_messages,
        unknown = counts.unknown_documents,
        bad = counts.bad_records,
        unreadable = counts.unreadable_inputs,
        errors = counts.errors,
        warnings = counts.warnings,
    )
}

/// Replaces control characters (newlines included) so one finding stays one line.
fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::{Origin, Source};

    fn sample() -> Finding {
        let mut finding = Finding::new(Severity::Error, Source::KnowledgeBase, "EMBEDDING_FAILED");
        finding.knowledge_base_id = Some("KB1".into());
        finding.document_uri = Some("s3://docs/a.pdf".into());
        finding.push_reason("too\nlong".into());
        finding.origin = Origin {
            input: "logs.json.gz".into(),
            line: Some(4),
            event_id: None,
        };
        finding
    }

    #[test]
    fn text_line_is_one_readable_line() {
        let line = text_line(&sample(), false);
        assert_eq!(
            line,
            "ERROR knowledge_base EMBEDDING_FAILED kb=KB1 doc=s3://docs/a.pdf — too long  (logs.json.gz:4)"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(text_line(&sample(), true).starts_with("\x1b[1;31mERROR"));
        assert!(!text_line(&sample(), false).contains('\x1b'));
    }

    #[test]
    fn json_line_round_trips() {
        let value: serde_json::Value = serde_json::from_str(&json_line(&sample())).unwrap();
        assert_eq!(value["status"], "EMBEDDING_FAILED");
        assert_eq!(value["reasons"][0], "too\nlong");
        assert!(!json_line(&sample()).contains('\n'));
    }
}
