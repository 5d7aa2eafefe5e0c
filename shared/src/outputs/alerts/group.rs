//! Grouping findings as they stream in. Every finding at or above the minimum severity is
//! folded into its group (count, first/last time, the first N items, distinct reasons, an
//! order-independent identity), so memory grows with the number of groups, never with the
//! number of findings, and no finding goes uncounted. Past [`DEFAULT_MAX_GROUPS`] distinct
//! groups, ERROR groups are kept before WARN ones, and what does not fit is counted by
//! source, status and severity for the summary alert.

use crate::rules::finding::{truncate_utf8, Finding, Severity, Source};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Distinct groups kept per invocation; beyond it groups are only counted.
pub const DEFAULT_MAX_GROUPS: usize = 1_000;
/// Distinct reasons listed per group.
pub const MAX_REASONS: usize = 5;
/// Distinct (source, status, severity) rows kept for groups that did not fit; the rest are
/// added up under the status `other`.
const MAX_OVERFLOW_ROWS: usize = 100;

/// What makes findings one incident: knowledge-base findings by (knowledge base, data
/// source, job, status), invocation findings by (account, region, model, operation, error
/// code), processor findings by (status, input).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupKey {
    pub source: Source,
    pub status: String,
    parts: Vec<(&'static str, String)>,
}

impl GroupKey {
    pub fn of(finding: &Finding) -> GroupKey {
        let field =
            |name: &'static str, value: &Option<String>| (name, value.clone().unwrap_or_default());
        let parts = match finding.source {
            Source::KnowledgeBase => vec![
                field("knowledge_base_id", &finding.knowledge_base_id),
                field("data_source_id", &finding.data_source_id),
                field("ingestion_job_id", &finding.ingestion_job_id),
            ],
            Source::ModelInvocation => vec![
                field("account_id", &finding.account_id),
                field("region", &finding.region),
                field("model_id", &finding.model_id),
                field("operation", &finding.operation),
            ],
            Source::Processor => vec![("input", finding.origin.input.clone())],
        };
        GroupKey {
            source: finding.source,
            status: finding.status.clone(),
            parts,
        }
    }

    /// The key of the summary alert that stands for groups past the cap.
    pub fn overflow() -> GroupKey {
        GroupKey {
            source: Source::Processor,
            status: "ALERT_LIMIT_REACHED".to_owned(),
            parts: Vec::new(),
        }
    }

    /// A part of the key, when it is set.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(n, v)| *n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Stable per key: the FIFO message group and the payload's `group_id`.
    pub fn digest(&self) -> String {
        let mut text = format!("{}|{}", self.source.as_str(), self.status);
        for (name, value) in &self.parts {
            let _ = write!(text, "|{name}={value}");
        }
        hex_sha256(text.as_bytes())
    }
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The identity of one finding within its group. It names the log record, not where it was
/// read, so the same record read from S3 or from CloudWatch Logs has the same identity: the
/// request id of an invocation, the document and time of a knowledge-base event; only
/// findings about the reading itself use their origin.
fn member_identity(finding: &Finding) -> String {
    if let Some(request) = &finding.request_id {
        return format!("request:{request}");
    }
    if finding.document_uri.is_some() || finding.timestamp.is_some() {
        let document = finding.document_uri.as_deref().unwrap_or_default();
        let time = finding.timestamp.as_deref().unwrap_or_default();
        return format!("event:{document}|{time}");
    }
    format!("origin:{}", finding.origin)
}

/// The first 16 bytes of an identity's SHA-256, as a number to add up.
fn identity_hash(finding: &Finding) -> u128 {
    let digest = Sha256::digest(member_identity(finding).as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    u128::from_be_bytes(first)
}

/// The value every member of a group agrees on, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Agreed {
    #[default]
    Nobody,
    On(String),
    Differ,
}

impl Agreed {
    fn add(&mut self, value: Option<&String>) {
        *self = match (std::mem::take(self), value) {
            (Agreed::Nobody, Some(v)) => Agreed::On(v.clone()),
            (Agreed::On(a), Some(v)) if a == *v => Agreed::On(a),
            _ => Agreed::Differ,
        };
    }

    fn merge(&mut self, other: &Agreed) {
        match other {
            Agreed::Nobody => {}
            Agreed::On(v) => self.add(Some(v)),
            Agreed::Differ => *self = Agreed::Differ,
        }
    }

    fn value(&self) -> Option<&str> {
        match self {
            Agreed::On(v) => Some(v),
            _ => None,
        }
    }
}

/// Everything an alert needs to know about the findings of one group.
#[derive(Debug, Clone)]
pub struct Group {
    pub key: GroupKey,
    pub severity: Severity,
    pub count: u64,
    pub first_timestamp: Option<String>,
    pub last_timestamp: Option<String>,
    /// The first findings, in arrival order, up to the collector's item limit.
    pub items: Vec<Finding>,
    /// Distinct reasons in order of first appearance, at most [`MAX_REASONS`].
    pub reasons: Vec<String>,
    account_id: Agreed,
    region: Agreed,
    /// Sum of the members' identity hashes: the same members give the same sum in any
    /// order, and any other member changes it.
    identity_sum: u128,
}

impl Group {
    fn new(key: GroupKey, severity: Severity) -> Group {
        Group {
            key,
            severity,
            count: 0,
            first_timestamp: None,
            last_timestamp: None,
            items: Vec::new(),
            reasons: Vec::new(),
            account_id: Agreed::Nobody,
            region: Agreed::Nobody,
            identity_sum: 0,
        }
    }

    fn add(&mut self, finding: Finding, max_items: usize) {
        self.severity = self.severity.max(finding.severity);
        self.count += 1;
        self.identity_sum = self.identity_sum.wrapping_add(identity_hash(&finding));
        self.widen_times(finding.timestamp.as_ref(), finding.timestamp.as_ref());
        self.add_reasons(&finding.reasons);
        self.account_id.add(finding.account_id.as_ref());
        self.region.add(finding.region.as_ref());
        if self.items.len() < max_items {
            self.items.push(finding);
        }
    }

    fn merge(&mut self, other: Group, max_items: usize) {
        self.severity = self.severity.max(other.severity);
        self.count += other.count;
        self.identity_sum = self.identity_sum.wrapping_add(other.identity_sum);
        self.widen_times(
            other.first_timestamp.as_ref(),
            other.last_timestamp.as_ref(),
        );
        self.add_reasons(&other.reasons);
        self.account_id.merge(&other.account_id);
        self.region.merge(&other.region);
        let room = max_items.saturating_sub(self.items.len());
        self.items.extend(other.items.into_iter().take(room));
    }

    fn widen_times(&mut self, first: Option<&String>, last: Option<&String>) {
        if let Some(first) = first {
            if self.first_timestamp.as_ref().is_none_or(|t| first < t) {
                self.first_timestamp = Some(first.clone());
            }
        }
        if let Some(last) = last {
            if self.last_timestamp.as_ref().is_none_or(|t| last > t) {
                self.last_timestamp = Some(last.clone());
            }
        }
    }

    fn add_reasons(&mut self, reasons: &[String]) {
        for reason in reasons {
            if self.reasons.len() >= MAX_REASONS {
                return;
            }
            if !self.reasons.contains(reason) {
                self.reasons.push(reason.clone());
            }
        }
    }

    /// The account all members agree on, if any.
    pub fn account_id(&self) -> Option<&str> {
        self.key.value("account_id").or(self.account_id.value())
    }

    /// The region all members agree on, if any.
    pub fn region(&self) -> Option<&str> {
        self.key.value("region").or(self.region.value())
    }

    /// Deterministic: the same members give the same id, whatever their order or where
    /// they were read. 64 hex characters (a valid FIFO deduplication id).
    pub fn message_id(&self) -> String {
        hex_sha256(
            format!(
                "{}\n{}\n{:032x}",
                self.key.digest(),
                self.count,
                self.identity_sum
            )
            .as_bytes(),
        )
    }
}

/// Findings of groups that did not fit, counted by source, status and severity.
pub type OverflowCounts = BTreeMap<(Source, String, Severity), u64>;

/// The groups of one invocation (or one scan).
#[derive(Debug)]
pub struct Collector {
    pub min_severity: Severity,
    /// Items listed per group.
    pub max_items: usize,
    pub max_groups: usize,
    groups: BTreeMap<GroupKey, Group>,
    overflow: OverflowCounts,
}

impl Collector {
    pub fn new(min_severity: Severity, max_items: usize) -> Collector {
        Collector {
            min_severity,
            max_items,
            max_groups: DEFAULT_MAX_GROUPS,
            groups: BTreeMap::new(),
            overflow: OverflowCounts::new(),
        }
    }

    /// Sets the number of distinct groups kept.
    pub fn with_max_groups(mut self, max_groups: usize) -> Collector {
        self.max_groups = max_groups.max(1);
        self
    }

    /// An empty collector with the same settings.
    pub fn empty_like(&self) -> Collector {
        Collector::new(self.min_severity, self.max_items).with_max_groups(self.max_groups)
    }

    /// Folds a finding into its group, unless it is below the minimum severity.
    pub fn push(&mut self, finding: Finding) {
        if finding.severity < self.min_severity {
            return;
        }
        let key = GroupKey::of(&finding);
        if let Some(group) = self.groups.get_mut(&key) {
            group.add(finding, self.max_items);
        } else if self.make_room(finding.severity) {
            let mut group = Group::new(key.clone(), finding.severity);
            group.add(finding, self.max_items);
            self.groups.insert(key, group);
        } else {
            self.count_overflow(finding.source, finding.status, finding.severity, 1);
        }
    }

    /// Takes over another collector's groups and overflow counts.
    pub fn absorb(&mut self, other: Collector) {
        for ((source, status, severity), count) in other.overflow {
            self.count_overflow(source, status, severity, count);
        }
        for (key, group) in other.groups {
            if let Some(mine) = self.groups.get_mut(&key) {
                mine.merge(group, self.max_items);
            } else if self.make_room(group.severity) {
                self.groups.insert(key, group);
            } else {
                self.overflow_group(group);
            }
        }
    }

    /// True when a new group of this severity may be added: there is room, or a WARN group
    /// gives way to an ERROR one (it is then counted as overflow).
    fn make_room(&mut self, severity: Severity) -> bool {
        if self.groups.len() < self.max_groups {
            return true;
        }
        if severity < Severity::Error {
            return false;
        }
        let weakest = self
            .groups
            .iter()
            .filter(|(_, g)| g.severity < severity)
            .min_by_key(|(_, g)| g.count)
            .map(|(key, _)| key.clone());
        match weakest.and_then(|key| self.groups.remove(&key)) {
            Some(group) => {
                self.overflow_group(group);
                true
            }
            None => false,
        }
    }

    fn overflow_group(&mut self, group: Group) {
        self.count_overflow(
            group.key.source,
            group.key.status,
            group.severity,
            group.count,
        );
    }

    fn count_overflow(&mut self, source: Source, status: String, severity: Severity, count: u64) {
        let mut row = (source, truncate_utf8(&status, 128).to_owned(), severity);
        if self.overflow.len() >= MAX_OVERFLOW_ROWS && !self.overflow.contains_key(&row) {
            row.1 = "other".to_owned();
        }
        *self.overflow.entry(row).or_default() += count;
    }

    /// The groups, most severe first, then largest, then by key.
    pub fn groups(&self) -> Vec<&Group> {
        let mut groups: Vec<&Group> = self.groups.values().collect();
        groups.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.count.cmp(&a.count))
                .then(a.key.cmp(&b.key))
        });
        groups
    }

    /// Findings of groups that did not fit.
    pub fn overflow(&self) -> &OverflowCounts {
        &self.overflow
    }

    /// Findings folded into groups, plus those only counted.
    pub fn findings(&self) -> u64 {
        self.groups.values().map(|g| g.count).sum::<u64>() + self.overflow.values().sum::<u64>()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.overflow.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(severity: Severity, code: &str, request: &str) -> Finding {
        let mut f = Finding::new(severity, Source::ModelInvocation, code);
        f.model_id = Some("m".into());
        f.request_id = Some(request.into());
        f
    }

    #[test]
    fn every_finding_is_counted_in_its_group_whatever_the_volume() {
        let mut collector = Collector::new(Severity::Warn, 3);
        for i in 0..20_000 {
            collector.push(failure(
                Severity::Error,
                "ThrottlingException",
                &format!("r{i}"),
            ));
        }
        collector.push(failure(Severity::Error, "AccessDeniedException", "last"));
        let groups = collector.groups();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 20_000);
        assert_eq!(groups[0].items.len(), 3);
        assert_eq!(groups[1].key.status, "AccessDeniedException");
        assert_eq!(collector.findings(), 20_001);
    }

    #[test]
    fn below_the_minimum_severity_nothing_is_kept() {
        let mut collector = Collector::new(Severity::Error, 3);
        collector.push(failure(Severity::Warn, "X", "r"));
        assert!(collector.is_empty());
    }

    #[test]
    fn past_the_group_cap_error_groups_displace_warn_groups_and_the_rest_is_counted() {
        let mut collector = Collector::new(Severity::Warn, 3).with_max_groups(2);
        collector.push(failure(Severity::Warn, "W1", "a"));
        collector.push(failure(Severity::Warn, "W2", "b"));
        collector.push(failure(Severity::Warn, "W2", "c"));
        collector.push(failure(Severity::Warn, "W3", "d"));
        collector.push(failure(Severity::Error, "E1", "e"));
        collector.push(failure(Severity::Error, "E2", "f"));
        collector.push(failure(Severity::Error, "E3", "g"));
        let kept: Vec<&str> = collector
            .groups()
            .iter()
            .map(|g| g.key.status.as_str())
            .collect();
        assert_eq!(kept, ["E1", "E2"]);
        let overflow = collector.overflow();
        assert_eq!(
            overflow[&(Source::ModelInvocation, "W2".into(), Severity::Warn)],
            2
        );
        assert_eq!(
            overflow[&(Source::ModelInvocation, "E3".into(), Severity::Error)],
            1
        );
        assert_eq!(collector.findings(), 7);
    }

    #[test]
    fn absorbing_equals_pushing_everything_into_one() {
        let findings: Vec<Finding> = (0..30)
            .map(|i| failure(Severity::Error, &format!("C{}", i % 4), &format!("r{i}")))
            .collect();
        let mut whole = Collector::new(Severity::Warn, 5);
        findings.iter().cloned().for_each(|f| whole.push(f));
        let mut parts = Collector::new(Severity::Warn, 5);
        for chunk in findings.chunks(7) {
            let mut part = parts.empty_like();
            chunk.iter().cloned().for_each(|f| part.push(f));
            parts.absorb(part);
        }
        let summary = |c: &Collector| -> Vec<(String, u64, usize, String)> {
            c.groups()
                .iter()
                .map(|g| (g.key.status.clone(), g.count, g.items.len(), g.message_id()))
                .collect()
        };
        assert_eq!(summary(&whole), summary(&parts));
    }

    #[test]
    fn message_ids_follow_the_members_not_their_order() {
        let id = |requests: &[&str]| {
            let mut collector = Collector::new(Severity::Warn, 1);
            for r in requests {
                collector.push(failure(Severity::Error, "X", r));
            }
            collector.groups()[0].message_id()
        };
        assert_eq!(id(&["a", "b", "c"]), id(&["c", "a", "b"]));
        assert_ne!(id(&["a", "b", "c"]), id(&["a", "b", "d"]));
        assert_ne!(id(&["a", "b"]), id(&["a", "b", "c"]));
    }
}
