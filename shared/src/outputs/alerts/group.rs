//! One group: the findings of one incident folded together as they stream in — count,
//! first and last time, the first N items, distinct reasons, the account and region they
//! agree on, and an order-independent identity for the alert id.

use super::id;
use super::key::GroupKey;
use crate::rules::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};

/// Distinct reasons listed per group.
pub const MAX_REASONS: usize = 5;

/// Everything an alert needs to know about the findings of one group. Serializable, so an
/// incident's pending findings can be kept between invocations.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    #[serde(skip)]
    identity_sum: u128,
    /// The members' record identities with the minute of their time, kept only when the
    /// collector tracks them (for counting each record once across invocations).
    #[serde(skip)]
    pub identities: Vec<(i64, u64)>,
}

impl Group {
    pub(super) fn new(key: GroupKey, severity: Severity) -> Group {
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
            identities: Vec::new(),
        }
    }

    /// The same key with nothing in it: what an incident keeps after a message.
    pub fn emptied(&self) -> Group {
        Group::new(self.key.clone(), self.severity)
    }

    /// Folds a finding in; its record identity is kept when `track` is set.
    pub(super) fn add(&mut self, finding: Finding, max_items: usize, track: bool) {
        self.severity = self.severity.max(finding.severity);
        self.count += 1;
        let identity = id::identity_hash(&finding);
        self.identity_sum = self.identity_sum.wrapping_add(identity);
        if track {
            let minute = id::minute_of(finding.timestamp.as_deref());
            self.identities
                .push((minute, id::record_identity(identity)));
        }
        self.widen_times(finding.timestamp.as_ref(), finding.timestamp.as_ref());
        self.add_reasons(&finding.reasons);
        self.account_id.add(finding.account_id.as_ref());
        self.region.add(finding.region.as_ref());
        if self.items.len() < max_items {
            self.items.push(finding);
        }
    }

    pub fn merge(&mut self, other: Group, max_items: usize) {
        self.severity = self.severity.max(other.severity);
        self.count += other.count;
        self.identity_sum = self.identity_sum.wrapping_add(other.identity_sum);
        self.identities.extend(other.identities);
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
        self.key.fields().account_id.or(self.account_id.value())
    }

    /// The region all members agree on, if any.
    pub fn region(&self) -> Option<&str> {
        self.key.fields().region.or(self.region.value())
    }

    /// Deterministic: the same members give the same id, whatever their order or where
    /// they were read.
    pub fn message_id(&self) -> String {
        id::message_id(&self.key.digest(), self.count, self.identity_sum)
    }
}

/// The value every member of a group agrees on, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
