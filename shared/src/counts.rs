//! What a scan read and found: inputs, bytes, records by kind, findings by severity and
//! status. Adds up across inputs; printed by the CLI and sent as metrics by the functions.

use crate::rules::finding::{Finding, Severity, Source, UNREADABLE_INPUT};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// Distinct keys kept per breakdown in [`Counts`]; the rest are added up under `other`.
const MAX_BREAKDOWN_KEYS: usize = 100;

/// What was read and found. Adds up across inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub inputs: u64,
    pub raw_bytes: u64,
    pub decoded_bytes: u64,
    pub invocation_records: u64,
    pub knowledge_base_events: u64,
    /// Bedrock job events (EventBridge) of a known kind, failed or not.
    pub bedrock_job_events: u64,
    pub cloudwatch_log_events: u64,
    pub control_messages: u64,
    pub unknown_documents: u64,
    pub bad_records: u64,
    pub unreadable_inputs: u64,
    pub errors: u64,
    pub warnings: u64,
    /// Findings by `source/status`.
    pub by_status: BTreeMap<String, u64>,
    /// ERROR findings on model invocations, by model id.
    pub model_errors: BTreeMap<String, u64>,
}

impl Counts {
    /// Counts a finding by severity, status and model (and unreadable inputs).
    pub fn record(&mut self, finding: &Finding) {
        self.add(&Tally::of(finding), 1);
    }

    fn add(&mut self, tally: &Tally<'_>, records: u64) {
        match tally.severity {
            Severity::Error => self.errors += records,
            Severity::Warn => self.warnings += records,
        }
        if tally.status == UNREADABLE_INPUT {
            self.unreadable_inputs += records;
        }
        let status = format!("{}/{}", tally.source.as_str(), tally.status);
        bump(&mut self.by_status, status, records);
        if tally.source == Source::ModelInvocation && tally.severity == Severity::Error {
            let model = tally.model_id.unwrap_or("unknown").to_owned();
            bump(&mut self.model_errors, model, records);
        }
    }

    /// Replaces the failure counts (severities, statuses, models) with records counted once
    /// across invocations and delivery paths: per kind of finding, the records this
    /// invocation was the first to count.
    pub fn count_once(&mut self, rows: &[(Tally<'_>, u64)]) {
        self.errors = 0;
        self.warnings = 0;
        self.unreadable_inputs = 0;
        self.by_status.clear();
        self.model_errors.clear();
        for (tally, records) in rows {
            self.add(tally, *records);
        }
    }

    /// ERROR findings on model invocations, all models together.
    pub fn invocation_errors(&self) -> u64 {
        self.model_errors.values().sum()
    }
}

/// What the failure counts are kept by: a finding's source, status, severity and model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally<'a> {
    pub source: Source,
    pub status: &'a str,
    pub severity: Severity,
    pub model_id: Option<&'a str>,
}

impl<'a> Tally<'a> {
    pub fn of(finding: &'a Finding) -> Tally<'a> {
        Tally {
            source: finding.source,
            status: &finding.status,
            severity: finding.severity,
            model_id: finding.model_id.as_deref(),
        }
    }
}

/// Adds to a breakdown, folding keys past [`MAX_BREAKDOWN_KEYS`] into `other`.
fn bump(map: &mut BTreeMap<String, u64>, key: String, by: u64) {
    let key = if map.len() >= MAX_BREAKDOWN_KEYS && !map.contains_key(&key) {
        "other".to_owned()
    } else {
        key
    };
    *map.entry(key).or_default() += by;
}

impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        self.inputs += other.inputs;
        self.raw_bytes += other.raw_bytes;
        self.decoded_bytes += other.decoded_bytes;
        self.invocation_records += other.invocation_records;
        self.knowledge_base_events += other.knowledge_base_events;
        self.bedrock_job_events += other.bedrock_job_events;
        self.cloudwatch_log_events += other.cloudwatch_log_events;
        self.control_messages += other.control_messages;
        self.unknown_documents += other.unknown_documents;
        self.bad_records += other.bad_records;
        self.unreadable_inputs += other.unreadable_inputs;
        self.errors += other.errors;
        self.warnings += other.warnings;
        for (key, count) in &other.by_status {
            bump(&mut self.by_status, key.clone(), *count);
        }
        for (key, count) in &other.model_errors {
            bump(&mut self.model_errors, key.clone(), *count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_once_replaces_the_failure_counts_of_every_delivery() {
        let mut counts = Counts::default();
        let mut throttled = Finding::new(
            Severity::Error,
            Source::ModelInvocation,
            "ThrottlingException",
        );
        throttled.model_id = Some("m".into());
        for _ in 0..5 {
            counts.record(&throttled);
        }
        counts.invocation_records = 5;
        let kb = Finding::new(Severity::Warn, Source::KnowledgeBase, "RESOURCE_IGNORED");
        counts.count_once(&[(Tally::of(&throttled), 2), (Tally::of(&kb), 1)]);
        assert_eq!((counts.errors, counts.warnings), (2, 1));
        assert_eq!(counts.invocation_errors(), 2);
        assert_eq!(counts.by_status["model_invocation/ThrottlingException"], 2);
        assert_eq!(counts.by_status["knowledge_base/RESOURCE_IGNORED"], 1);
        assert_eq!(
            counts.invocation_records, 5,
            "records read are not failures"
        );
    }
}
