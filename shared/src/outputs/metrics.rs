//! CloudWatch Embedded Metric Format (EMF): the counts of one invocation as log lines that
//! CloudWatch turns into metrics — no agent, no API calls, no state of our own.
//!
//! Documents: totals by `FunctionName`, findings by `Source`+`Status`,
//! and invocation errors by `ModelId`.

use crate::counts::Counts;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// Every metric the functions emit, with its dimensions and unit: `shared/emf-metrics.json`,
/// which the template tests read too (alarms and the dashboard may name only these).
const CATALOG: &str = include_str!("../../emf-metrics.json");

#[derive(Debug, Deserialize)]
struct Catalog {
    metrics: Vec<Metric>,
}

#[derive(Debug, Deserialize)]
struct Metric {
    name: String,
    dimensions: Vec<String>,
    unit: String,
}

/// The catalog, read once. It is compiled in, and a unit test reads it, so it parses.
fn catalog() -> &'static [Metric] {
    static METRICS: OnceLock<Vec<Metric>> = OnceLock::new();
    METRICS.get_or_init(|| {
        serde_json::from_str::<Catalog>(CATALOG)
            .map(|catalog| catalog.metrics)
            .unwrap_or_default()
    })
}

/// The catalog's metrics with exactly these dimensions.
fn with_dimensions<'a>(dimensions: &'a [&'a str]) -> impl Iterator<Item = &'static Metric> + 'a {
    catalog()
        .iter()
        .filter(move |metric| metric.dimensions == dimensions)
}

/// Where the metrics go and whose they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricContext {
    pub namespace: String,
    pub function_name: String,
    /// Milliseconds since the epoch.
    pub timestamp_ms: i64,
}

/// What one invocation did, beyond what it read and found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub alerts_sent: usize,
    pub suppression_unavailable: usize,
}

/// The value of a per-function total, by its name in the catalog.
fn total(name: &str, counts: &Counts, delivery: Delivery) -> Option<u64> {
    Some(match name {
        "InvocationRecords" => counts.invocation_records,
        "KnowledgeBaseEvents" => counts.knowledge_base_events,
        "BedrockJobEvents" => counts.bedrock_job_events,
        "CloudWatchLogEvents" => counts.cloudwatch_log_events,
        "BadRecords" => counts.bad_records,
        "UnreadableInputs" => counts.unreadable_inputs,
        "Errors" => counts.errors,
        "Warnings" => counts.warnings,
        "InvocationErrors" => counts.invocation_errors(),
        "AlertsSent" => delivery.alerts_sent as u64,
        "SuppressionUnavailable" => delivery.suppression_unavailable as u64,
        "ObjectsRead" => counts.inputs,
        "DecodedBytes" => counts.decoded_bytes,
        _ => return None,
    })
}

/// The EMF documents for one invocation, one JSON line each: the catalog's per-function
/// totals, then one document per finding status and one per model with errors.
pub fn emf_lines(context: &MetricContext, counts: &Counts, delivery: Delivery) -> Vec<String> {
    let totals: Vec<(&str, u64, &str)> = with_dimensions(&["FunctionName"])
        .filter_map(|metric| {
            let value = total(&metric.name, counts, delivery)?;
            Some((metric.name.as_str(), value, metric.unit.as_str()))
        })
        .collect();
    let mut fields = Map::new();
    fields.insert("FunctionName".into(), json!(context.function_name));
    let mut lines = vec![document(context, &["FunctionName"], &totals, fields)];
    let by_status = counts.by_status.iter().map(|(key, count)| {
        let (source, status) = key.split_once('/').unwrap_or(("unknown", key));
        (
            "Findings",
            ["Source", "Status"].as_slice(),
            vec![source, status],
            *count,
        )
    });
    let by_model = counts.model_errors.iter().map(|(model, count)| {
        (
            "ModelErrors",
            ["ModelId"].as_slice(),
            vec![model.as_str()],
            *count,
        )
    });
    for (name, dimensions, values, count) in by_status.chain(by_model) {
        let mut fields = Map::new();
        for (dimension, value) in dimensions.iter().zip(values) {
            fields.insert((*dimension).into(), json!(value));
        }
        let metrics: Vec<(&str, u64, &str)> = with_dimensions(dimensions)
            .filter(|metric| metric.name == name)
            .map(|metric| (metric.name.as_str(), count, metric.unit.as_str()))
            .collect();
        lines.push(document(context, dimensions, &metrics, fields));
    }
    lines
}

fn document(
    context: &MetricContext,
    dimensions: &[&str],
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
                "Dimensions": [dimensions],
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
        let lines: Vec<Value> = emf_lines(
            &context(),
            &counts,
            Delivery {
                alerts_sent: 2,
                suppression_unavailable: 1,
            },
        )
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
    fn the_catalog_parses_and_every_metric_in_it_is_emitted() {
        let parsed: Catalog = serde_json::from_str(CATALOG).unwrap();
        assert_eq!(parsed.metrics.len(), catalog().len());
        let mut counts = Counts::default();
        let mut failed = Finding::new(Severity::Error, Source::ModelInvocation, "X");
        failed.model_id = Some("m1".into());
        counts.record(&failed);
        let lines = emf_lines(&context(), &counts, Delivery::default());
        let emitted: Vec<(String, Value)> = lines
            .iter()
            .flat_map(|line| {
                let doc: Value = serde_json::from_str(line).unwrap();
                let meta = doc["_aws"]["CloudWatchMetrics"][0].clone();
                meta["Metrics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| {
                        (
                            m["Name"].as_str().unwrap().to_owned(),
                            meta["Dimensions"][0].clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        for metric in catalog() {
            assert!(
                emitted
                    .iter()
                    .any(|(name, dims)| *name == metric.name && *dims == json!(metric.dimensions)),
                "{} ({:?}) is in emf-metrics.json but never emitted",
                metric.name,
                metric.dimensions
            );
        }
        assert_eq!(emitted.len(), catalog().len(), "{emitted:?}");
    }

    #[test]
    fn every_metric_named_in_the_metadata_has_a_value() {
        let lines = emf_lines(&context(), &Counts::default(), Delivery::default());
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
