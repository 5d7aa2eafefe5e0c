//! Grouping findings as they stream in. Every finding at or above the minimum severity is
//! folded into its group, so memory grows with the number of groups, never with the number
//! of findings, and no finding goes uncounted. Past [`DEFAULT_MAX_GROUPS`] distinct groups,
//! ERROR groups are kept before WARN ones, and what does not fit is counted by source,
//! status and severity for the summary alert.

use super::group::Group;
use super::key::GroupKey;
use crate::rules::finding::{truncate_utf8, Finding, Severity, Source};
use std::collections::BTreeMap;

/// Distinct groups kept per invocation; beyond it groups are only counted.
pub const DEFAULT_MAX_GROUPS: usize = 1_000;
/// Distinct (source, status, severity) rows kept for groups that did not fit; the rest are
/// added up under the status `other`.
const MAX_OVERFLOW_ROWS: usize = 100;

/// Findings of groups that did not fit, counted by source, status and severity.
pub type OverflowCounts = BTreeMap<(Source, String, Severity), u64>;

/// The groups of one invocation (or one scan).
#[derive(Debug)]
pub struct Collector {
    pub min_severity: Severity,
    /// Items listed per group.
    pub max_items: usize,
    pub max_groups: usize,
    /// Keep each member's record identity (to count records once across invocations).
    pub track_identities: bool,
    groups: BTreeMap<GroupKey, Group>,
    overflow: OverflowCounts,
}

impl Collector {
    pub fn new(min_severity: Severity, max_items: usize) -> Collector {
        Collector {
            min_severity,
            max_items,
            max_groups: DEFAULT_MAX_GROUPS,
            track_identities: false,
            groups: BTreeMap::new(),
            overflow: OverflowCounts::new(),
        }
    }

    /// Sets the number of distinct groups kept.
    pub fn with_max_groups(mut self, max_groups: usize) -> Collector {
        self.max_groups = max_groups.max(1);
        self
    }

    /// Keeps each member's record identity, so records can be counted once across
    /// invocations (memory then grows by 8 bytes a finding).
    pub fn tracking_identities(mut self) -> Collector {
        self.track_identities = true;
        self
    }

    /// An empty collector with the same settings.
    pub fn empty_like(&self) -> Collector {
        Collector {
            track_identities: self.track_identities,
            ..Collector::new(self.min_severity, self.max_items).with_max_groups(self.max_groups)
        }
    }

    /// Folds a finding into its group, unless it is below the minimum severity.
    pub fn push(&mut self, finding: Finding) {
        if finding.severity < self.min_severity {
            return;
        }
        let key = GroupKey::of(&finding);
        let track = self.track_identities;
        if let Some(group) = self.groups.get_mut(&key) {
            group.add(finding, self.max_items, track);
        } else if self.make_room(finding.severity) {
            let mut group = Group::new(key.clone(), finding.severity);
            group.add(finding, self.max_items, track);
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
        let source = group.key.source();
        self.count_overflow(source, group.key.status, group.severity, group.count);
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
    use crate::rules::finding::Source;

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
