//! CloudWatch Embedded Metric Format (EMF): the counts of one invocation as log lines that
//! CloudWatch turns into metrics — no agent, no API calls, no state of our own.
//!
//! Documents: totals by `FunctionName`, findings by `Source`+`Status`,
//! and invocation errors by `ModelId`.

use crate::counts::Counts;
use serde_json::{json, Map, Value};

/// Where the metrics go and whose they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricContext {
    pub namespace: String,
    pub function_name: String,
    /// Milliseconds since the epoch.
    pub timestamp_ms: i64,
}

/// The EMF documents for one invocation, one JSON line each.
pub fn emf_lines(
    context: &MetricContext,
    counts: &Counts,
    alerts_sent: usize,
    suppression_unavailable: usize,
) -> Vec<String> {
    let totals: [(&str, u64, &str); 12] = [
        ("InvocationRecords", counts.invocation_records, "Count"),
        ("KnowledgeBaseEvents", counts.knowledge_base_events, "Count"),
        ("CloudWatchLogEvents", counts.cloudwatch_log_events, "Count"),
        ("BadRecords", counts.bad_records, "Count"),
        ("UnreadableInputs", counts.unreadable_inputs, "Count"),
        ("Errors", counts.errors, "Count"),
        ("Warnings", counts.warnings, "Count"),
        ("InvocationErrors", counts.invocation_errors(), "Count"),
        ("AlertsSent", alerts_sent as u64, "Count"),
        (
            "SuppressionUnavailable",
            suppression_unavailable as u64,
            "Count",
        ),
        ("ObjectsRead", counts.inputs, "Count"),
        ("DecodedBytes", counts.decoded_bytes, "Bytes"),
    ];
    let mut fields = Map::new();
    fields.insert("FunctionName".into(), json!(context.function_name));
    let mut lines = vec![document(context, &[&["FunctionName"]], &totals, fields)];
    for (key, count) in &counts.by_status {
        let (source, status) = key.split_once('/').unwrap_or(("unknown", key));
        let mut fields = Map::new();
        fields.insert("Source".into(), json!(source));
        fields.insert("Status".into(), json!(status));
        lines.push(document(
            context,
            &[&["Source", "Status"]],
            &[("Findings", *count, "Count")],
            fields,
        ));
    }
    for (model, count) in &counts.model_errors {
        let mut fields = Map::new();
        fields.insert("ModelId".into(), json!(model));
        lines.push(document(
            context,
            &[&["ModelId"]],
            &[("ModelErrors", *count, "Count")],
            fields,
        ));
    }
    lines
}

fn document(
    context: &MetricContext,
    dimensions: &[&[&str]],
    metrics: &[(&str, u64, &str)],
    mut fields: Map<String, Value>,
) -> String {
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|(name, _, unit)| json!({ "Name": name, "Unit": unit }))
        .collect();
    fields.insert(
        "_aws".into(),
        json!({
            "Timestamp": context.timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": context.namespace,
                "Dimensions": dimensions,
                "Metrics": definitions,
            }],
        }),
    );
    for (name, value, _) in metrics {
        fields.insert((*name).into(), json!(value));
    }
    Value::Object(fields).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::{Finding, Severity, Source};

    fn context() -> MetricContext {
        MetricContext {
            namespace: "BedrockAlerts".into(),
            function_name: "fn".into(),
            timestamp_ms: 1_763_650_000_000,
        }
    }

    #[test]
    fn totals_breakdowns_and_model_errors() {
        let mut counts = Counts {
            invocation_records: 8,
            ..Counts::default()
        };
        let mut failed = Finding::new(
            Severity::Error,
            Source::ModelInvocation,
            "ThrottlingException",
        );
        failed.model_id = Some("m1".into());
        counts.record(&failed);
        counts.record(&failed);
        counts.record(&Finding::new(
            Severity::Warn,
            Source::KnowledgeBase,
            "RESOURCE_IGNORED",
        ));
        let lines: Vec<Value> = emf_lines(&context(), &counts, 2, 1)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4);
        let totals = &lines[0];
        assert_eq!(totals["InvocationRecords"], 8);
        assert_eq!(totals["InvocationErrors"], 2);
        assert_eq!(totals["Errors"], 2);
        assert_eq!(totals["Warnings"], 1);
        assert_eq!(totals["AlertsSent"], 2);
        assert_eq!(totals["FunctionName"], "fn");
        let meta = &totals["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(meta["Namespace"], "BedrockAlerts");
        assert_eq!(meta["Dimensions"], json!([["FunctionName"]]));
        assert!(meta["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Name"] == "InvocationErrors"));
        let by_status: Vec<&Value> = lines.iter().filter(|l| l.get("Status").is_some()).collect();
        assert_eq!(by_status.len(), 2);
        let model = lines.iter().find(|l| l.get("ModelId").is_some()).unwrap();
        assert_eq!(
            (model["ModelId"].as_str(), model["ModelErrors"].as_u64()),
            (Some("m1"), Some(2))
        );
    }

    #[test]
    fn every_metric_named_in_the_metadata_has_a_value() {
        let lines = emf_lines(&context(), &Counts::default(), 0, 0);
        for line in lines {
            let doc: Value = serde_json::from_str(&line).unwrap();
            for metric in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
                .as_array()
                .unwrap()
            {
                assert!(doc[metric["Name"].as_str().unwrap()].is_number());
            }
        }
    }
}
