//! Bounded collection of findings for publishing: keeps those at or above the minimum
//! severity, up to a limit, and counts the rest, so hostile input cannot exhaust memory.

use crate::finding::{Finding, Severity};

/// Default number of findings kept per invocation.
pub const DEFAULT_MAX_KEPT: usize = 10_000;

#[derive(Debug)]
pub struct Collector {
    pub min_severity: Severity,
    pub max_kept: usize,
    pub findings: Vec<Finding>,
    /// Findings at or above the minimum that did not fit.
    pub dropped: u64,
}

impl Collector {
    pub fn new(min_severity: Severity, max_kept: usize) -> Collector {
        Collector {
            min_severity,
            max_kept,
            findings: Vec::new(),
            dropped: 0,
        }
    }

    /// An empty collector with the same settings.
    pub fn empty_like(&self) -> Collector {
        Collector::new(self.min_severity, self.max_kept)
    }

    /// Takes over another collector's findings (in order) and counts.
    pub fn absorb(&mut self, other: Collector) {
        self.dropped += other.dropped;
        for finding in other.findings {
            self.push(finding);
        }
    }

    pub fn push(&mut self, finding: Finding) {
        if finding.severity < self.min_severity {
            return;
        }
        if self.findings.len() < self.max_kept {
            self.findings.push(finding);
        } else {
            self.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Source;

    #[test]
    fn keeps_severe_enough_findings_up_to_the_limit() {
        let mut collector = Collector::new(Severity::Error, 2);
        for severity in [
            Severity::Warn,
            Severity::Error,
            Severity::Error,
            Severity::Error,
        ] {
            collector.push(Finding::new(severity, Source::Processor, "X"));
        }
        assert_eq!(collector.findings.len(), 2);
        assert_eq!(collector.dropped, 1);
        let mut total = collector.empty_like();
        total.push(Finding::new(Severity::Error, Source::Processor, "Y"));
        total.absorb(collector);
        assert_eq!((total.findings.len(), total.dropped), (2, 2));
        assert_eq!(total.findings[0].status, "Y");
    }
}
