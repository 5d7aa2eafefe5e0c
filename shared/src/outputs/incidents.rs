//! Incidents: one message per incident per interval (issue 16's window logic, pure).
//!
//! An incident is a group key seen across invocations. Its first occurrence is published at
//! once and opens a window of one interval; occurrences inside the window are added to the
//! incident without a message; when the window ends with occurrences pending, one follow-up
//! message reports them and opens the next window; a window that ends with nothing pending
//! closes the incident. [`step`] decides all of it from the stored state, what was found and
//! the time, so the storage adapter only reads, writes and publishes.

use crate::outputs::alerts::{hex_sha256, identity_hash, GroupKey};
use crate::rules::finding::{Finding, Source};

/// The incident a finding belongs to: its group key without the members, so findings of
/// every invocation and both delivery paths meet there. Model invocations by (account,
/// region, model, operation, error code), knowledge bases by (account, region, knowledge
/// base, data source, job, status), the processor's own findings by (status, input kind).
pub fn incident_key(finding: &Finding) -> String {
    let field = |value: &Option<String>| value.clone().unwrap_or_default();
    match finding.source {
        Source::ModelInvocation => GroupKey::of(finding).digest(),
        Source::KnowledgeBase => hex_sha256(
            format!(
                "incident|knowledge_base|{}|{}|{}|{}|{}|{}",
                finding.status,
                field(&finding.account_id),
                field(&finding.region),
                field(&finding.knowledge_base_id),
                field(&finding.data_source_id),
                field(&finding.ingestion_job_id),
            )
            .as_bytes(),
        ),
        Source::Processor => {
            let input = &finding.origin.input;
            let kind = match input.split_once(':') {
                Some((scheme, _)) => scheme,
                None => "file",
            };
            hex_sha256(format!("incident|processor|{}|{kind}", finding.status).as_bytes())
        }
    }
}

/// The record a finding reports, as 16 hex characters: the same record read from S3 and
/// from CloudWatch Logs, or read again on a retry, has the same identity.
pub fn record_identity(finding: &Finding) -> String {
    format!("{:016x}", (identity_hash(finding) >> 64) as u64)
}

/// What one invocation (or flush) adds to an incident: its new, distinct occurrences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Occurrences {
    pub count: u64,
    /// Epoch seconds of the earliest and latest occurrence.
    pub first: Option<i64>,
    pub last: Option<i64>,
}

impl Occurrences {
    fn merge(&mut self, other: &Occurrences) {
        self.count += other.count;
        self.first = earliest(self.first, other.first);
        self.last = latest(self.last, other.last);
    }
}

fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn latest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.max(b)
}

/// What is stored per open incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Starts at the first occurrence's message; the same for every message of the incident.
    pub opened_at: i64,
    /// The current window: `[window_start, window_end)`.
    pub window_start: i64,
    pub window_end: i64,
    /// Occurrences reported in messages so far.
    pub reported: u64,
    /// Occurrences since the last message, not reported yet.
    pub pending: Occurrences,
    /// Messages sent for this incident.
    pub messages: u64,
}

/// Whether a message opens an incident or follows one up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    New,
    Repeat,
}

/// One message to publish for an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    /// When the incident opened (its id is derived from the key and this).
    pub opened_at: i64,
    /// Occurrences this message reports, and their times.
    pub occurrences: Occurrences,
    /// Occurrences reported so far, this message included.
    pub total: u64,
    /// The window this message opens: `[start, end)`.
    pub window: (i64, i64),
}

/// The next state of one incident and the message to publish, if any, given what is
/// stored (`None`: no open incident), the occurrences found now (empty for a flush), the
/// time and the interval (seconds, > 0).
pub fn step(
    stored: Option<Incident>,
    found: &Occurrences,
    now: i64,
    interval: i64,
) -> (Option<Incident>, Option<Notice>) {
    let interval = interval.max(1);
    match stored {
        // Inside the window: counted, not sent.
        Some(mut incident) if now < incident.window_end => {
            incident.pending.merge(found);
            (Some(incident), None)
        }
        // The window ended with something pending: one follow-up, and the next window.
        Some(incident) if incident.pending.count > 0 => {
            let mut occurrences = incident.pending.clone();
            occurrences.merge(found);
            let reported = incident.reported + occurrences.count;
            let window = (now, now + interval);
            let notice = Notice {
                kind: Kind::Repeat,
                opened_at: incident.opened_at,
                occurrences,
                total: reported,
                window,
            };
            let next = Incident {
                window_start: window.0,
                window_end: window.1,
                reported,
                pending: Occurrences::default(),
                messages: incident.messages + 1,
                ..incident
            };
            (Some(next), Some(notice))
        }
        // No incident, or one whose window ended with nothing pending (closed): a new one
        // if something was found.
        _ if found.count > 0 => {
            let window = (now, now + interval);
            let notice = Notice {
                kind: Kind::New,
                opened_at: now,
                occurrences: found.clone(),
                total: found.count,
                window,
            };
            let incident = Incident {
                opened_at: now,
                window_start: window.0,
                window_end: window.1,
                reported: found.count,
                pending: Occurrences::default(),
                messages: 1,
            };
            (Some(incident), Some(notice))
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::{Origin, Severity};
    use proptest::prelude::*;

    fn found(count: u64, at: i64) -> Occurrences {
        Occurrences {
            count,
            first: Some(at),
            last: Some(at),
        }
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
        let from_s3 = throttled("r1", "s3://logs/a.json.gz");
        let from_logs = throttled("r1", "lambda-event:42");
        assert_eq!(incident_key(&from_s3), incident_key(&from_logs));
        assert_eq!(record_identity(&from_s3), record_identity(&from_logs));
        assert_ne!(
            record_identity(&from_s3),
            record_identity(&throttled("r2", "x"))
        );
        assert_eq!(record_identity(&from_s3).len(), 16);
    }

    #[test]
    fn processor_incidents_are_by_status_and_input_kind() {
        let unreadable = |input: &str| Finding::unreadable(Origin::input(input), "gone".to_owned());
        let s3 = incident_key(&unreadable("s3://logs/a.json.gz"));
        assert_eq!(s3, incident_key(&unreadable("s3://logs/b.json.gz")));
        assert_ne!(s3, incident_key(&unreadable("lambda-event:1")));
        assert_ne!(s3, incident_key(&unreadable("local/file.json")));
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
        assert_ne!(
            incident_key(&failed("111122223333")),
            incident_key(&failed("444455556666"))
        );
        assert_eq!(
            incident_key(&failed("111122223333")),
            incident_key(&failed("111122223333"))
        );
    }

    #[test]
    fn the_first_occurrence_is_sent_at_once_and_opens_a_window() {
        let (state, notice) = step(None, &found(3, 100), 100, 60);
        let notice = notice.unwrap();
        assert_eq!(
            (notice.kind, notice.total, notice.window),
            (Kind::New, 3, (100, 160))
        );
        assert_eq!(state.unwrap().window_end, 160);
    }

    #[test]
    fn inside_the_window_occurrences_wait() {
        let (state, _) = step(None, &found(1, 100), 100, 60);
        let (state, notice) = step(state, &found(5, 120), 120, 60);
        assert_eq!(notice, None);
        assert_eq!(state.unwrap().pending.count, 5);
    }

    #[test]
    fn the_end_of_a_window_sends_what_is_pending_once() {
        let (state, _) = step(None, &found(1, 100), 100, 60);
        let (state, _) = step(state, &found(5, 120), 120, 60);
        let (state, notice) = step(state, &Occurrences::default(), 170, 60);
        let notice = notice.unwrap();
        assert_eq!(notice.kind, Kind::Repeat);
        assert_eq!((notice.occurrences.count, notice.total), (5, 6));
        assert_eq!(notice.occurrences.last, Some(120));
        let (state, notice) = step(state, &Occurrences::default(), 175, 60);
        assert_eq!(notice, None);
        assert!(state.is_some(), "the next window is open");
        let (state, notice) = step(state, &Occurrences::default(), 231, 60);
        assert_eq!(
            (state, notice),
            (None, None),
            "a quiet window closes the incident"
        );
    }

    #[test]
    fn after_a_quiet_window_the_next_occurrence_is_a_new_incident() {
        let (state, _) = step(None, &found(1, 100), 100, 60);
        let (_, notice) = step(state, &found(2, 200), 200, 60);
        let notice = notice.unwrap();
        assert_eq!(
            (notice.kind, notice.opened_at, notice.total),
            (Kind::New, 200, 2)
        );
    }

    proptest! {
        /// Whatever the order and timing of occurrences and flushes: the occurrences over
        /// all messages add up to those found, and no window holds two messages.
        #[test]
        fn occurrences_are_conserved_and_one_message_per_window(
            events in proptest::collection::vec((0u64..50, 0i64..200), 1..60),
            interval in 1i64..120,
        ) {
            let mut now = 0;
            let mut state = None;
            let mut sent = 0;
            let mut found_total = 0;
            let mut message_times: Vec<i64> = Vec::new();
            for (count, gap) in events {
                now += gap;
                found_total += count;
                let (next, notice) = step(state, &found(count, now), now, interval);
                state = next;
                if let Some(notice) = notice {
                    sent += notice.occurrences.count;
                    message_times.push(now);
                }
            }
            // Flushes until everything pending is sent.
            for _ in 0..3 {
                now += interval;
                let (next, notice) = step(state, &Occurrences::default(), now, interval);
                state = next;
                if let Some(notice) = notice {
                    sent += notice.occurrences.count;
                    message_times.push(now);
                }
            }
            prop_assert_eq!(sent, found_total);
            prop_assert_eq!(state, None);
            for pair in message_times.windows(2) {
                prop_assert!(pair[1] - pair[0] >= interval, "{:?}", message_times);
            }
        }
    }
}
