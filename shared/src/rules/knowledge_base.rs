//! Knowledge-base application log events, classic and managed dialects.
//!
//! The status enum keeps growing, so rules go by suffix and level, never by a closed list:
//! `*_FAILED`, `FAILED` and level `ERROR` are errors; partial indexing, ignored resources
//! and level `WARN` are warnings; a finished job with failed resources is a warning.
//! Statuses and levels compare case-insensitively in both dialects and are reported
//! upper-cased.

use crate::records::document::RawDocument;
use crate::records::fields::{at, integer, parsed, strings, text, timestamp_from_millis, Arn};
use crate::rules::finding::{Finding, Severity, Source};
use serde_json::{Map, Value};

const WARN_STATUSES: [&str; 3] = [
    "PARTIALLY_INDEXED",
    "METADATA_PARTIALLY_INDEXED",
    "RESOURCE_IGNORED",
];

/// The finding for one knowledge-base event, if it reports a problem.
pub fn classify(doc: &RawDocument<'_>) -> Option<Finding> {
    let empty = Map::new();
    let event = doc
        .event
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let level = upper(doc.level.as_ref());
    let event_type = text(doc.event_type.as_ref());
    let is_job_event = event_type
        .as_deref()
        .is_some_and(|t| t.ends_with(".StatusChanged") && !t.ends_with("ResourceStatusChanged"));

    let (severity, status, mut reasons) = if is_job_event {
        job_verdict(event, level.as_deref())?
    } else {
        resource_verdict(event, level.as_deref())?
    };

    let mut finding = Finding::new(severity, Source::KnowledgeBase, status);
    finding.event_type = event_type;
    finding.timestamp = timestamp_from_millis(parsed(doc.event_timestamp).as_ref());
    finding.ingestion_job_id = text(event.get("ingestion_job_id"));
    finding.data_source_id = text(event.get("data_source_id"));
    finding.document_uri = document_uri(event);
    if let Some(arn) = text(event.get("knowledge_base_arn")) {
        if let Some(parts) = Arn::parse(&arn) {
            finding.region = Some(parts.region.to_owned()).filter(|r| !r.is_empty());
            finding.account_id = Some(parts.account.to_owned()).filter(|a| !a.is_empty());
            finding.knowledge_base_id = parts
                .resource
                .strip_prefix("knowledge-base/")
                .map(str::to_owned);
        }
        finding.knowledge_base_arn = Some(arn);
    }
    for reason in reasons.drain(..) {
        finding.push_reason(reason);
    }
    Some(finding)
}

type Verdict = (Severity, String, Vec<String>);

/// `StartIngestionJob.StatusChanged`: the job as a whole.
fn job_verdict(event: &Map<String, Value>, level: Option<&str>) -> Option<Verdict> {
    let status = upper(event.get("ingestion_job_status"));
    let failed = integer(at_map(
        event,
        &["resource_statistics", "number_of_resources_failed"],
    ))
    .unwrap_or(0);
    let mut reasons = strings(event.get("status_reasons"));
    reasons.extend(text(event.get("message")));
    match status.as_deref() {
        Some(s) if is_failure_status(s) => Some((Severity::Error, s.to_owned(), reasons)),
        Some(s @ ("COMPLETE" | "STOPPED")) if failed > 0 => {
            reasons.insert(
                0,
                format!("{failed} resource(s) failed in this ingestion job"),
            );
            Some((Severity::Warn, s.to_owned(), reasons))
        }
        _ => level_verdict(status, level, reasons),
    }
}

/// `StartIngestionJob.ResourceStatusChanged` (and anything else): one document.
fn resource_verdict(event: &Map<String, Value>, level: Option<&str>) -> Option<Verdict> {
    let mut reasons = strings(event.get("status_reasons"));
    reasons.extend(text(event.get("error_message")));
    reasons.extend(text(event.get("message")));
    if let Some(status) = upper(event.get("status")) {
        if is_failure_status(&status) {
            return Some((Severity::Error, status, reasons));
        }
        if WARN_STATUSES.contains(&status.as_str()) {
            return Some((Severity::Warn, status, reasons));
        }
        return level_verdict(Some(status), level, reasons);
    }
    // Managed dialect: crawl_status / sync_status / index_status / … as {"Status": "FAILED"}.
    let failed_step = event.iter().find_map(|(key, value)| {
        let step = key.strip_suffix("_status")?;
        let status = upper(value.get("Status"))?;
        is_failure_status(&status).then(|| format!("{}_FAILED", step.to_ascii_uppercase()))
    });
    if let Some(status) = failed_step {
        return Some((Severity::Error, status, reasons));
    }
    level_verdict(None, level, reasons)
}

/// Falls back on the event's level when the status says nothing.
fn level_verdict(
    status: Option<String>,
    level: Option<&str>,
    reasons: Vec<String>,
) -> Option<Verdict> {
    let severity = match level? {
        "ERROR" | "FATAL" | "CRITICAL" => Severity::Error,
        "WARN" | "WARNING" => Severity::Warn,
        _ => return None,
    };
    let status = status.unwrap_or_else(|| format!("LEVEL_{}", severity.as_str()));
    Some((severity, status, reasons))
}

/// A status or level as text, upper-cased: both compare case-insensitively.
fn upper(value: Option<&Value>) -> Option<String> {
    text(value).map(|text| text.to_ascii_uppercase())
}

fn is_failure_status(status: &str) -> bool {
    status == "FAILED" || status.ends_with("_FAILED")
}

fn at_map<'a>(event: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    at(event.get(*first)?, rest)
}

/// Classic: `document_location.s3_location.uri` (or any `*_location` with a uri/url);
/// managed: `source_uri`, else `document_id`.
fn document_uri(event: &Map<String, Value>) -> Option<String> {
    if let Some(location) = event.get("document_location").and_then(Value::as_object) {
        let found = location.values().find_map(|inner| {
            text(inner.get("uri"))
                .or_else(|| text(inner.get("url")))
                .or_else(|| text(inner.get("id")))
        });
        if found.is_some() {
            return found;
        }
    }
    text(event.get("source_uri")).or_else(|| text(event.get("document_id")))
}

/// Length of a knowledge-base id: ten upper-case letters and digits.
const KNOWLEDGE_BASE_ID_LEN: usize = 10;

/// Knowledge-base id from a vended-log group of one knowledge base, named
/// `/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/<kb_id>`. `None` when the name's
/// last segment is not a knowledge-base id (a group several knowledge bases share, named
/// after a stack): a finding without an id is better than one under the wrong id.
pub fn id_from_log_group(log_group: &str) -> Option<String> {
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
    use crate::records::document::Document;
    use serde_json::json;

    fn classify_value(value: Value) -> Option<Finding> {
        let text = value.to_string();
        let doc = Document::parse(text.as_bytes()).unwrap();
        classify(&doc.raw)
    }

    fn resource(status: &str, level: &str) -> Value {
        json!({
            "event_timestamp": 1718683433639_i64,
            "event": {
                "ingestion_job_id": "JOB1", "data_source_id": "DS1",
                "knowledge_base_arn": "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1",
                "document_location": {"type": "S3", "s3_location": {"uri": "s3://docs/a.pdf"}},
                "status": status, "status_reasons": ["reason one"],
                "chunk_statistics": {"ignored": 0, "created": 0, "deleted": 0, "metadata_updated": 0,
                                      "failed_to_create": 3, "failed_to_delete": 0, "failed_to_update_metadata": 0}
            },
            "event_version": "1.0", "event_type": "StartIngestionJob.ResourceStatusChanged", "level": level
        })
    }

    fn severity_of(status: &str, level: &str) -> Option<Severity> {
        classify_value(resource(status, level)).map(|f| f.severity)
    }

    #[test]
    fn failure_statuses_are_errors() {
        for status in [
            "EMBEDDING_FAILED",
            "INDEXING_FAILED",
            "DELETION_FAILED",
            "METADATA_UPDATE_FAILED",
            "FAILED",
            "INGESTION_JOB_FAILED",
            "GRAPH_ENTITY_EXTRACTION_FAILED",
            "SOME_FUTURE_STEP_FAILED",
        ] {
            assert_eq!(
                severity_of(status, "INFO"),
                Some(Severity::Error),
                "{status}"
            );
        }
    }

    #[test]
    fn partial_and_ignored_statuses_are_warnings() {
        for status in [
            "PARTIALLY_INDEXED",
            "METADATA_PARTIALLY_INDEXED",
            "RESOURCE_IGNORED",
        ] {
            assert_eq!(
                severity_of(status, "INFO"),
                Some(Severity::Warn),
                "{status}"
            );
        }
    }

    #[test]
    fn levels_decide_when_the_status_is_not_a_failure() {
        assert_eq!(severity_of("INDEXED", "INFO"), None);
        assert_eq!(severity_of("EMBEDDING_STARTED", "INFO"), None);
        assert_eq!(severity_of("SOME_NEW_STATUS", "WARN"), Some(Severity::Warn));
        assert_eq!(
            severity_of("SOME_NEW_STATUS", "ERROR"),
            Some(Severity::Error)
        );
        assert_eq!(severity_of("SOME_NEW_STATUS", "INFO"), None);
    }

    #[test]
    fn resource_finding_carries_where_and_why() {
        let finding = classify_value(resource("EMBEDDING_FAILED", "ERROR")).unwrap();
        assert_eq!(finding.source, Source::KnowledgeBase);
        assert_eq!(finding.status, "EMBEDDING_FAILED");
        assert_eq!(finding.knowledge_base_id.as_deref(), Some("KB1"));
        assert_eq!(finding.account_id.as_deref(), Some("111122223333"));
        assert_eq!(finding.region.as_deref(), Some("us-east-1"));
        assert_eq!(finding.data_source_id.as_deref(), Some("DS1"));
        assert_eq!(finding.ingestion_job_id.as_deref(), Some("JOB1"));
        assert_eq!(finding.document_uri.as_deref(), Some("s3://docs/a.pdf"));
        assert_eq!(finding.reasons, vec!["reason one"]);
        assert_eq!(
            finding.timestamp.as_deref(),
            Some("2024-06-18T04:03:53.639Z")
        );
        assert_eq!(
            finding.event_type.as_deref(),
            Some("StartIngestionJob.ResourceStatusChanged")
        );
    }

    #[test]
    fn warn_event_without_chunk_statistics_in_other_key_order() {
        let text = r#"{"event_timestamp":1743769483048,"event":{"ingestion_job_id":"XWEYRIG6EE","document_location":{"type":"S3","s3_location":{"uri":"s3://kb/output.md"}},"data_source_id":"TOCUDG5J8V","status_reasons":["Resource exceeded allowed size limit of 50 Megabytes."],"knowledge_base_arn":"arn:aws:bedrock:us-east-1:111122223333:knowledge-base/IYYX2VZGNA","status":"RESOURCE_IGNORED"},"event_version":"1.0","event_type":"StartIngestionJob.ResourceStatusChanged","level":"WARN"}"#;
        let doc = Document::parse(text.as_bytes()).unwrap();
        let finding = classify(&doc.raw).unwrap();
        assert_eq!(finding.severity, Severity::Warn);
        assert_eq!(finding.status, "RESOURCE_IGNORED");
        assert_eq!(finding.knowledge_base_id.as_deref(), Some("IYYX2VZGNA"));
    }

    fn job(status: &str, failed: i64) -> Value {
        json!({
            "event_timestamp": 1718683433639_i64,
            "event": {"ingestion_job_id": "JOB1", "data_source_id": "DS1", "ingestion_job_status": status,
                      "knowledge_base_arn": "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1",
                      "resource_statistics": {"number_of_resources_failed": failed, "number_of_resources_ingested": 10}},
            "event_version": "1.0", "event_type": "StartIngestionJob.StatusChanged", "level": "INFO"
        })
    }

    #[test]
    fn job_status_rules() {
        assert_eq!(
            classify_value(job("FAILED", 0)).map(|f| f.severity),
            Some(Severity::Error)
        );
        assert_eq!(
            classify_value(job("INGESTION_JOB_FAILED", 0)).map(|f| f.severity),
            Some(Severity::Error)
        );
        let complete = classify_value(job("COMPLETE", 2)).unwrap();
        assert_eq!(complete.severity, Severity::Warn);
        assert_eq!(complete.status, "COMPLETE");
        assert!(complete.reasons[0].contains("2 resource(s) failed"));
        assert_eq!(
            classify_value(job("STOPPED", 1)).map(|f| f.severity),
            Some(Severity::Warn)
        );
        assert!(classify_value(job("COMPLETE", 0)).is_none());
        assert!(classify_value(job("INGESTION_JOB_STARTED", 0)).is_none());
        assert!(classify_value(job("CRAWLING_COMPLETED", 0)).is_none());
    }

    #[test]
    fn statuses_compare_case_insensitively_and_are_reported_upper_cased() {
        for (status, severity, reported) in [
            ("embedding_failed", Severity::Error, "EMBEDDING_FAILED"),
            ("Failed", Severity::Error, "FAILED"),
            ("resource_ignored", Severity::Warn, "RESOURCE_IGNORED"),
            ("Partially_Indexed", Severity::Warn, "PARTIALLY_INDEXED"),
        ] {
            let finding = classify_value(resource(status, "INFO")).unwrap();
            assert_eq!(
                (finding.severity, finding.status.as_str()),
                (severity, reported)
            );
        }
        assert!(classify_value(resource("indexed", "INFO")).is_none());
        let failed = classify_value(job("failed", 0)).unwrap();
        assert_eq!(
            (failed.severity, failed.status.as_str()),
            (Severity::Error, "FAILED")
        );
        let complete = classify_value(job("Complete", 2)).unwrap();
        assert_eq!(
            (complete.severity, complete.status.as_str()),
            (Severity::Warn, "COMPLETE")
        );
        let stopped = classify_value(job("stopped", 1)).unwrap();
        assert_eq!(stopped.status, "STOPPED");
    }

    #[test]
    fn failed_resources_given_as_text_count_like_numbers() {
        for failed in [json!("2"), json!(" 2 "), json!("2.0"), json!(2.0)] {
            let mut event = job("COMPLETE", 0);
            event["event"]["resource_statistics"]["number_of_resources_failed"] = failed.clone();
            let finding = classify_value(event).unwrap_or_else(|| panic!("{failed}"));
            assert_eq!(finding.severity, Severity::Warn, "{failed}");
            assert!(
                finding.reasons[0].contains("2 resource(s) failed"),
                "{failed}"
            );
        }
    }

    #[test]
    fn managed_job_event_with_only_a_message_is_quiet_at_info() {
        let event = json!({"event_timestamp": 1, "event": {"message": "Crawling started"},
                           "event_type": "StartIngestionJob.StatusChanged", "level": "INFO"});
        assert!(classify_value(event).is_none());
    }

    #[test]
    fn managed_document_with_a_failed_step_is_an_error() {
        let event = json!({
            "event_timestamp": 1743769483048_i64,
            "event": {"document_id": "doc-1", "source_uri": "https://wiki.example.com/page",
                      "content_type": "text/html", "crawl_action": "ADD",
                      "crawl_status": {"Status": "SUCCESS", "UpdatedTime": "1743769483000"},
                      "sync_status": {"Status": "SUCCESS", "UpdatedTime": "1743769483000"},
                      "index_status": {"Status": "FAILED", "UpdatedTime": "1743769483000"},
                      "error_message": "Document could not be indexed"},
            "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "ERROR"
        });
        let finding = classify_value(event).unwrap();
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.status, "INDEX_FAILED");
        assert_eq!(
            finding.document_uri.as_deref(),
            Some("https://wiki.example.com/page")
        );
        assert_eq!(finding.reasons, vec!["Document could not be indexed"]);
    }

    #[test]
    fn managed_document_all_success_is_quiet() {
        let event = json!({"event_timestamp": 1, "event": {"document_id": "d", "crawl_status": {"Status": "SUCCESS"}},
                           "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "INFO"});
        assert!(classify_value(event).is_none());
    }

    #[test]
    fn managed_message_only_event_at_error_level() {
        let event = json!({"event_timestamp": 1, "event": {"message": "Could not reach the connector"},
                           "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "ERROR"});
        let finding = classify_value(event).unwrap();
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(finding.status, "LEVEL_ERROR");
        assert_eq!(finding.reasons, vec!["Could not reach the connector"]);
    }

    #[test]
    fn knowledge_base_id_from_vended_log_group() {
        assert_eq!(
            id_from_log_group("/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/KB12345678"),
            Some("KB12345678".into())
        );
        assert_eq!(id_from_log_group("/aws/bedrock/modelinvocations"), None);
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
            assert_eq!(id_from_log_group(&format!("{group}{name}")), None, "{name}");
        }
        assert_eq!(
            id_from_log_group(&format!("{group}0A1B2C3D4E/")),
            Some("0A1B2C3D4E".into())
        );
    }
}
