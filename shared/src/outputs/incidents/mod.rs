//! Incidents: one message per incident per interval, across invocations, delivery paths
//! and retries (issue 16). Everything here is pure; `aws::suppression` reads and writes the
//! state table around it.
//!
//! - `window`: when a message is due ([`step`]).
//! - `plan`: what an invocation does to one incident's stored state: counts the records it
//!   added to the seen sets, gathers the findings for the next message, and queues the
//!   message [`step`] asks for.

mod plan;
mod window;

pub use plan::{
    generation, plan, Arrival, Outgoing, Settings, Stored, OUTBOX_GRACE_SECS, STATE_TTL_SECS,
};
pub use window::{step, Incident, Kind, Notice};

use crate::outputs::alerts::{hex_sha256, About, Collector, Group, GroupKey};
use crate::rules::finding::Source;
use std::collections::BTreeMap;

/// The findings of one invocation that belong to one incident.
#[derive(Debug, Clone)]
pub struct Touched {
    pub key: String,
    pub group: Group,
}

/// The incident a group belongs to: its group key without the members. Model invocations by
/// (account, region, model, operation, error code), knowledge bases by (account, region,
/// knowledge base, data source, job, status), Bedrock jobs by (job, status), the
/// processor's own findings by (status, input kind), so findings of every invocation and
/// both delivery paths meet there.
pub fn incident_key(group: &Group) -> String {
    let key = &group.key;
    let fields = key.fields();
    match key.source() {
        Source::ModelInvocation | Source::Processor | Source::BedrockJob => key.digest(),
        Source::KnowledgeBase => hex_sha256(
            format!(
                "incident|knowledge_base|{}|{}|{}|{}|{}|{}",
                key.status,
                group.account_id().unwrap_or_default(),
                group.region().unwrap_or_default(),
                fields.knowledge_base_id.unwrap_or_default(),
                fields.data_source_id.unwrap_or_default(),
                fields.ingestion_job_id.unwrap_or_default(),
            )
            .as_bytes(),
        ),
    }
}

/// The kind of an input, for the processor's incidents: the scheme of `s3://…` or
/// `lambda-event:…`, else `file`.
fn input_kind(input: &str) -> &str {
    match input.split_once(':') {
        Some((scheme, _)) => scheme,
        None => "file",
    }
}

/// A collector's groups by incident. Processor groups (one per input) are merged into one
/// per status and input kind; the others are incidents already.
pub fn by_incident(collector: &Collector) -> Vec<Touched> {
    let mut incidents: BTreeMap<String, Group> = BTreeMap::new();
    for group in collector.groups() {
        let mut group = group.clone();
        if let About::Processor { input: Some(input) } = &group.key.about {
            let kind = input_kind(input).to_owned();
            group.key = GroupKey {
                status: group.key.status.clone(),
                about: About::Processor { input: Some(kind) },
            };
        }
        let key = incident_key(&group);
        match incidents.get_mut(&key) {
            Some(mine) => mine.merge(group, collector.max_items),
            None => {
                incidents.insert(key, group);
            }
        }
    }
    incidents
        .into_iter()
        .map(|(key, group)| Touched { key, group })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::{Finding, Origin, Severity};

    fn collect(findings: Vec<Finding>) -> Vec<Touched> {
        let mut collector = Collector::new(Severity::Warn, 5).tracking_identities();
        findings.into_iter().for_each(|f| collector.push(f));
        by_incident(&collector)
    }

    fn throttled(request: &str, input: &str) -> Finding {
        let mut finding = Finding::new(
            Severity::Error,
            Source::ModelInvocation,
            "ThrottlingException",
        );
        finding.model_id = Some("m".into());
        finding.request_id = Some(request.into());
        finding.origin = Origin::input(input);
        finding
    }

    #[test]
    fn a_record_read_on_either_path_is_the_same_record_of_the_same_incident() {
        let from_s3 = collect(vec![throttled("r1", "s3://logs/a.json.gz")]);
        let from_logs = collect(vec![throttled("r1", "lambda-event:42")]);
        assert_eq!(from_s3[0].key, from_logs[0].key);
        assert_eq!(from_s3[0].group.identities, from_logs[0].group.identities);
        let other = collect(vec![throttled("r2", "x")]);
        assert_ne!(from_s3[0].group.identities, other[0].group.identities);
    }

    #[test]
    fn processor_incidents_are_by_status_and_input_kind() {
        let unreadable = |input: &str| Finding::unreadable(Origin::input(input), "gone".to_owned());
        let touched = collect(vec![
            unreadable("s3://logs/a.json.gz"),
            unreadable("s3://logs/b.json.gz"),
            unreadable("lambda-event:1"),
            unreadable("local/file.json"),
        ]);
        assert_eq!(touched.len(), 3);
        let s3 = touched
            .iter()
            .find(|t| {
                t.group.key.about
                    == About::Processor {
                        input: Some("s3".into()),
                    }
            })
            .unwrap();
        assert_eq!((s3.group.count, s3.group.identities.len()), (2, 2));
    }

    #[test]
    fn knowledge_base_incidents_tell_accounts_apart() {
        let failed = |account: &str| {
            let mut finding =
                Finding::new(Severity::Error, Source::KnowledgeBase, "EMBEDDING_FAILED");
            finding.knowledge_base_id = Some("KB12345678".into());
            finding.account_id = Some(account.into());
            finding
        };
        let key = |account: &str| collect(vec![failed(account)])[0].key.clone();
        assert_ne!(key("111122223333"), key("444455556666"));
        assert_eq!(key("111122223333"), key("111122223333"));
    }
}
