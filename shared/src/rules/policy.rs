//! Classification policy: the knobs that decide what counts as a finding, and how severe.

use crate::rules::finding::{Finding, Severity};

/// What the classifiers report beyond hard failures, and what is done with their findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Report guardrail interventions on invocations as WARN findings (off by default:
    /// a blocked prompt is the guardrail working, not a failure).
    pub guardrail_as_warn: bool,
    /// Keep only findings with these statuses (empty: keep all).
    pub include_statuses: Vec<String>,
    /// Drop findings with these statuses.
    pub exclude_statuses: Vec<String>,
    /// Severity to give findings of a status instead of the default one.
    pub severity_overrides: Vec<(String, Severity)>,
}

/// A `STATUS=SEVERITY` pair that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not STATUS=WARN or STATUS=ERROR")]
pub struct OverrideError(pub String);

impl Policy {
    /// Applies the status filters and severity overrides to a classified finding.
    pub fn apply(&self, mut finding: Finding) -> Option<Finding> {
        let status = finding.status.as_str();
        if !self.include_statuses.is_empty() && !self.include_statuses.iter().any(|s| s == status) {
            return None;
        }
        if self.exclude_statuses.iter().any(|s| s == status) {
            return None;
        }
        if let Some((_, severity)) = self.severity_overrides.iter().find(|(s, _)| s == status) {
            finding.severity = *severity;
        }
        Some(finding)
    }

    /// Parses one `STATUS=SEVERITY` override, e.g. `RESOURCE_IGNORED=ERROR`.
    pub fn parse_override(text: &str) -> Result<(String, Severity), OverrideError> {
        let (status, severity) = text
            .split_once('=')
            .ok_or_else(|| OverrideError(text.to_owned()))?;
        let status = status.trim();
        match Severity::parse(severity) {
            Some(severity) if !status.is_empty() => Ok((status.to_owned(), severity)),
            _ => Err(OverrideError(text.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::Source;

    fn finding(status: &str) -> Finding {
        Finding::new(Severity::Warn, Source::KnowledgeBase, status)
    }

    #[test]
    fn default_policy_keeps_everything_as_it_is() {
        let kept = Policy::default()
            .apply(finding("RESOURCE_IGNORED"))
            .unwrap();
        assert_eq!(kept.severity, Severity::Warn);
    }

    #[test]
    fn include_and_exclude_statuses() {
        let policy = Policy {
            include_statuses: vec!["EMBEDDING_FAILED".into(), "RESOURCE_IGNORED".into()],
            exclude_statuses: vec!["RESOURCE_IGNORED".into()],
            ..Policy::default()
        };
        assert!(policy.apply(finding("EMBEDDING_FAILED")).is_some());
        assert!(policy.apply(finding("RESOURCE_IGNORED")).is_none());
        assert!(policy.apply(finding("INDEXING_FAILED")).is_none());
    }

    #[test]
    fn severity_overrides() {
        let policy = Policy {
            severity_overrides: vec![Policy::parse_override("RESOURCE_IGNORED=error").unwrap()],
            ..Policy::default()
        };
        assert_eq!(
            policy.apply(finding("RESOURCE_IGNORED")).unwrap().severity,
            Severity::Error
        );
        assert_eq!(
            policy.apply(finding("OTHER")).unwrap().severity,
            Severity::Warn
        );
        assert!(Policy::parse_override("NOPE").is_err());
        assert!(Policy::parse_override("X=loud").is_err());
        assert!(Policy::parse_override("=WARN").is_err());
    }
}
