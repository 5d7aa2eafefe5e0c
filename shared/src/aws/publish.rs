//! What every alert sink shares (the SNS topics and the EventBridge bus): packing entries
//! into calls by count and size, attempts with backoff that never run past the
//! invocation's deadline, and one error that counts what stayed unsent.

use aws_sdk_sns::config::http::HttpResponse;
use aws_sdk_sns::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::collections::BTreeSet;
use std::ops::Range;
use std::time::Duration;
use tokio::time::Instant;

/// Error codes of a failed call or entry that are worth another attempt although the service
/// names the sender: the caller is going too fast.
const THROTTLING: [&str; 5] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "KMSThrottling",
];

/// Some alerts could not be delivered to one of the outputs.
#[derive(Debug, thiserror::Error)]
#[error("{unsent} of {total} alert(s) could not be published to {destination} after {attempts} attempt(s): {last_error}")]
pub struct PublishError {
    /// `SNS`, `the chat topic` or `EventBridge`.
    pub destination: &'static str,
    pub unsent: usize,
    pub total: usize,
    pub attempts: u32,
    pub last_error: String,
    /// Error codes given for entries (or calls) rejected as the sender's fault; these were
    /// not retried.
    pub rejected: BTreeSet<String>,
}

/// How one call's entries ended after all their attempts.
#[derive(Debug, Default)]
pub(super) struct BatchOutcome {
    pub(super) unsent: usize,
    pub(super) attempts: u32,
    pub(super) last_error: String,
    pub(super) rejected: BTreeSet<String>,
}

impl BatchOutcome {
    /// A batch that could not be built into a request at all.
    pub(super) fn invalid(unsent: usize, detail: String) -> BatchOutcome {
        BatchOutcome {
            unsent,
            last_error: detail,
            ..BatchOutcome::default()
        }
    }

    /// The outcome once no attempt is left: says so when the deadline ended the attempts.
    fn ended(mut self, unsent: usize, deadline: Option<Instant>) -> BatchOutcome {
        self.unsent = unsent;
        if deadline.is_some_and(|d| Instant::now() >= d) && unsent > 0 {
            self.last_error = format!(
                "the invocation's deadline came first (last error: {})",
                self.last_error
            );
        }
        self
    }
}

/// Adds up the outcomes of the calls that sent `total` alerts: all sent, or the error.
pub(super) fn settle(
    destination: &'static str,
    total: usize,
    outcomes: impl IntoIterator<Item = BatchOutcome>,
) -> Result<usize, PublishError> {
    let mut failure: Option<PublishError> = None;
    for outcome in outcomes.into_iter().filter(|o| o.unsent > 0) {
        let error = failure.get_or_insert_with(|| PublishError {
            destination,
            unsent: 0,
            total,
            attempts: 0,
            last_error: String::new(),
            rejected: BTreeSet::new(),
        });
        error.unsent += outcome.unsent;
        error.attempts = error.attempts.max(outcome.attempts);
        error.last_error = outcome.last_error;
        error.rejected.extend(outcome.rejected);
    }
    match failure {
        Some(error) => Err(error),
        None => Ok(total),
    }
}

/// Splits entries of the given sizes, in order, into calls of at most `max_count` entries
/// whose sizes add up to at most `max_bytes`. An entry that alone is larger gets a call of
/// its own (the renderers keep each one within the limit).
pub(super) fn pack(sizes: &[usize], max_count: usize, max_bytes: usize) -> Vec<Range<usize>> {
    let mut calls = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (index, size) in sizes.iter().enumerate() {
        let count = index - start;
        if count > 0 && (count == max_count || bytes + size > max_bytes) {
            calls.push(start..index);
            start = index;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sizes.len() {
        calls.push(start..sizes.len());
    }
    calls
}

/// What one call did with the entries it was given.
pub(super) struct Answer<E> {
    /// Entries that failed in a way worth another attempt.
    pub(super) retry: Vec<E>,
    /// Entries refused as the sender's fault (not retried), and their error codes.
    pub(super) rejected: usize,
    pub(super) rejected_codes: Vec<String>,
    /// The last entry error, if any failed.
    pub(super) last_error: Option<String>,
}

impl<E> Default for Answer<E> {
    /// Every entry accepted.
    fn default() -> Answer<E> {
        Answer {
            retry: Vec::new(),
            rejected: 0,
            rejected_codes: Vec::new(),
            last_error: None,
        }
    }
}

/// A call that failed as a whole.
pub(super) struct Refusal {
    pub(super) error: String,
    /// The error code when the request itself was refused (another attempt would be
    /// refused the same way): it is not retried.
    pub(super) sender_fault: Option<String>,
}

impl Refusal {
    /// A failed call: its HTTP status and error code say whether the request itself was
    /// refused (a 4xx that is not throttling), which is logged and not retried.
    pub(super) fn of<E>(service: &'static str, error: &SdkError<E, HttpResponse>) -> Refusal
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let status = error.raw_response().map(|r| r.status().as_u16());
        let code = error.code().unwrap_or("Unknown");
        let refused =
            status.is_some_and(|s| (400..500).contains(&s)) && !THROTTLING.contains(&code);
        if refused {
            tracing::error!(
                service,
                code,
                "a call was refused as invalid; it is not retried"
            );
        }
        Refusal {
            error: DisplayErrorContext(error).to_string(),
            sender_fault: refused.then(|| code.to_owned()),
        }
    }
}

/// A service that takes entries in calls (one call per [`pack`]ed batch).
pub(super) trait Calls {
    type Entry: Clone + Send;
    fn call(
        &self,
        entries: Vec<Self::Entry>,
    ) -> impl std::future::Future<Output = Result<Answer<Self::Entry>, Refusal>> + Send;
}

/// Sends one batch: the failed entries worth it again, with backoff, until all are taken,
/// the attempts are used up or the deadline comes.
pub(super) async fn send<C: Calls + Sync>(
    calls: &C,
    entries: Vec<C::Entry>,
    first_backoff: Duration,
    max_attempts: u32,
    deadline: Option<Instant>,
) -> BatchOutcome {
    let mut outcome = BatchOutcome::default();
    let mut pending = entries;
    let mut rejected = 0;
    let mut attempts = Attempts::new(first_backoff, max_attempts, deadline);
    while let Some(left) = attempts.next().await {
        outcome.attempts = attempts.made();
        match tokio::time::timeout(left, calls.call(pending.clone())).await {
            Err(_) => outcome.last_error = "the call did not finish before the deadline".into(),
            Ok(Err(refusal)) => {
                outcome.last_error = refusal.error;
                if let Some(code) = refusal.sender_fault {
                    outcome.rejected.insert(code);
                    break;
                }
            }
            Ok(Ok(answer)) => {
                if let Some(error) = answer.last_error {
                    outcome.last_error = error;
                }
                outcome.rejected.extend(answer.rejected_codes);
                rejected += answer.rejected;
                pending = answer.retry;
                if pending.is_empty() {
                    break;
                }
            }
        }
    }
    outcome.ended(pending.len() + rejected, deadline)
}

/// Attempts of one call: up to `max_attempts`, the delay doubling between them, none
/// started (and no wait running) past the deadline.
struct Attempts {
    deadline: Option<Instant>,
    delay: Duration,
    made: u32,
    max: u32,
}

impl Attempts {
    fn new(first_backoff: Duration, max: u32, deadline: Option<Instant>) -> Attempts {
        Attempts {
            deadline,
            delay: first_backoff,
            made: 0,
            max: max.max(1),
        }
    }

    /// Waits out the backoff before the next attempt (none before the first) and returns
    /// the time left for it; `None` once the attempts or the time are used up.
    async fn next(&mut self) -> Option<Duration> {
        if self.made >= self.max {
            return None;
        }
        if self.made > 0 {
            let wait = within(self.deadline, self.delay)?;
            tokio::time::sleep(wait).await;
            self.delay = self.delay.saturating_mul(2);
        }
        let left = within(self.deadline, Duration::MAX)?;
        self.made += 1;
        Some(left)
    }

    fn made(&self) -> u32 {
        self.made
    }
}

/// `wanted`, shortened to what is left before the deadline; `None` once it has passed.
fn within(deadline: Option<Instant>, wanted: Duration) -> Option<Duration> {
    match deadline {
        None => Some(wanted),
        Some(deadline) => {
            let left = deadline.checked_duration_since(Instant::now())?;
            (!left.is_zero()).then(|| wanted.min(left))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_packed_by_count_and_by_size() {
        assert_eq!(pack(&[1; 25], 10, 100), vec![0..10, 10..20, 20..25]);
        assert_eq!(pack(&[60, 30, 20, 90], 10, 100), vec![0..2, 2..3, 3..4]);
        assert_eq!(pack(&[150, 1], 10, 100), vec![0..1, 1..2]);
        assert!(pack(&[], 10, 100).is_empty());
    }

    #[tokio::test]
    async fn attempts_stop_at_the_maximum_and_at_the_deadline() {
        let mut attempts = Attempts::new(Duration::from_millis(1), 3, None);
        let mut made = 0;
        while attempts.next().await.is_some() {
            made += 1;
        }
        assert_eq!((made, attempts.made()), (3, 3));
        let past = Instant::now().checked_sub(Duration::from_millis(1));
        let mut late = Attempts::new(Duration::from_millis(1), 3, past);
        assert!(late.next().await.is_none());
    }

    #[test]
    fn outcomes_add_up_to_one_error_naming_the_destination() {
        let failed = BatchOutcome {
            unsent: 2,
            attempts: 4,
            last_error: "InternalFailure".into(),
            rejected: BTreeSet::from(["MalformedDetail".to_owned()]),
        };
        let error = settle("EventBridge", 12, [BatchOutcome::default(), failed]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "2 of 12 alert(s) could not be published to EventBridge after 4 attempt(s): InternalFailure"
        );
        assert_eq!(settle("SNS", 3, [BatchOutcome::default()]).unwrap(), 3);
    }
}
