//! Classification policy: the knobs that decide what counts as a finding.

/// What the classifiers report beyond hard failures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Report guardrail interventions on invocations as WARN findings (off by default:
    /// a blocked prompt is the guardrail working, not a failure).
    pub guardrail_as_warn: bool,
}
