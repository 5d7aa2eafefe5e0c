//! The engine: bytes in, findings out. Decodes an input (gzip or plain), frames its JSON
//! documents, recognises each one and classifies it, unwrapping CloudWatch Logs payloads on
//! the way. Pure apart from reading the given reader; findings go to a callback.

use crate::counts::Counts;
use crate::input::decode::{self, ReadError};
use crate::input::framing::for_each_frame;
use crate::rules::finding::{Finding, Origin};
use crate::rules::policy::Policy;
use scan::{Context, Scan};
use std::io::Read;

mod recovery;
mod scan;

/// Limits that keep hostile input from using unbounded resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most decoded bytes read from one input (and from one embedded payload).
    pub max_decoded_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_decoded_bytes: decode::DEFAULT_MAX_DECODED_BYTES,
        }
    }
}

/// The outcome of scanning one input.
#[derive(Debug)]
pub struct InputReport {
    pub counts: Counts,
    pub outcome: ReadOutcome,
}

/// How reading an input ended. Findings made before a failure stand either way.
#[derive(Debug)]
pub enum ReadOutcome {
    /// Read to the end.
    Complete,
    /// Cannot be read (to the end), now or ever: reported as an `UNREADABLE_INPUT` finding,
    /// already passed to the sink and counted. Holds the finding's reason.
    Unreadable(String),
    /// Reading failed on a transient problem (the source itself failed): nothing is
    /// reported, so that a caller that retries does not report it twice.
    Interrupted(ReadError),
}

impl InputReport {
    /// For callers that never retry (the CLI): a transient failure is reported as an
    /// unreadable input like any other.
    pub fn without_retry(mut self, input: &str, sink: &mut dyn FnMut(Finding)) -> InputReport {
        if let ReadOutcome::Interrupted(error) = &self.outcome {
            let reason = error.to_string();
            self.outcome = report_unreadable(&mut self.counts, input, reason, sink);
        }
        self
    }
}

/// Passes an `UNREADABLE_INPUT` finding to the sink and counts it.
fn report_unreadable(
    counts: &mut Counts,
    input: &str,
    reason: String,
    sink: &mut dyn FnMut(Finding),
) -> ReadOutcome {
    let finding = Finding::unreadable(Origin::input(input), reason.clone());
    counts.record(&finding);
    sink(finding);
    ReadOutcome::Unreadable(reason)
}

/// Classification policy plus limits: everything the engine needs to know.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub policy: Policy,
    pub limits: Limits,
    /// Parse every record in full. By default a healthy invocation record is counted on
    /// the pre-check (`precheck`) alone; strict mode also reports invalid JSON inside such
    /// a record's bodies, at the cost of parsing them.
    pub strict: bool,
}

impl Engine {
    pub fn new(policy: Policy, limits: Limits) -> Engine {
        Engine {
            policy,
            limits,
            strict: false,
        }
    }

    /// Scans one input read from `raw`, passing each finding to `sink`.
    pub fn scan_reader<R: Read + Send + 'static>(
        &self,
        input: &str,
        raw: R,
        sink: &mut dyn FnMut(Finding),
    ) -> InputReport {
        let mut scan = Scan::new(self, input, sink);
        scan.counts.inputs = 1;
        let error = match decode::open(raw, self.limits.max_decoded_bytes) {
            Err(error) => Some(error),
            Ok(mut decoded) => {
                let read = for_each_frame(decoded.reader(), |frame| {
                    scan.frame(frame, &Context::default(), 0)
                });
                scan.counts.raw_bytes = decoded.raw_bytes();
                scan.counts.decoded_bytes = decoded.decoded_bytes();
                read.err()
                    .map(|e| ReadError::classify(e, decoded.decoded_bytes()))
            }
        };
        let mut counts = scan.counts;
        let outcome = match error {
            None => ReadOutcome::Complete,
            Some(error) if error.is_transient() => ReadOutcome::Interrupted(error),
            Some(error) => report_unreadable(&mut counts, input, error.to_string(), sink),
        };
        InputReport { counts, outcome }
    }

    /// Reports an input that cannot be read at all (missing, denied, cannot be opened) as
    /// one `UNREADABLE_INPUT` finding.
    pub fn unreadable(
        &self,
        input: &str,
        reason: impl Into<String>,
        sink: &mut dyn FnMut(Finding),
    ) -> InputReport {
        let mut counts = Counts {
            inputs: 1,
            ..Counts::default()
        };
        let outcome = report_unreadable(&mut counts, input, reason.into(), sink);
        InputReport { counts, outcome }
    }

    /// Scans an input that is already in memory (a Lambda event payload, a Kinesis record);
    /// pass it owned to have it read without a copy. Bytes in memory cannot fail
    /// transiently: whatever stops the scan is reported.
    pub fn scan_bytes(
        &self,
        input: &str,
        bytes: impl Into<Vec<u8>>,
        sink: &mut dyn FnMut(Finding),
    ) -> InputReport {
        self.scan_reader(input, std::io::Cursor::new(bytes.into()), sink)
            .without_retry(input, sink)
    }
}
