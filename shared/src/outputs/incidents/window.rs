//! The window logic, pure: one message per incident per interval.
//!
//! The first occurrence of an incident is published at once and opens a window of one
//! interval; occurrences inside the window are added to the incident without a message;
//! when the window ends with occurrences pending, one follow-up message reports them and
//! opens the next window; a window that ends with nothing pending closes the incident.
//! [`step`] decides all of it from the stored incident, the number of new occurrences and
//! the time, so the adapters only read, write and publish.

use serde::{Deserialize, Serialize};

/// What is stored per open incident. Times are epoch seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    /// The first message's time: the incident's generation, the same for all its messages.
    pub opened_at: i64,
    /// The current window: `[window_start, window_end)`.
    pub window_start: i64,
    pub window_end: i64,
    /// Occurrences reported in messages so far.
    pub reported: u64,
    /// Occurrences since the last message, not reported yet.
    pub pending: u64,
    /// Messages sent for this incident.
    pub messages: u64,
}

impl Incident {
    /// True while occurrences still join this incident: inside its window, or after it
    /// with something pending (the follow-up is due). Otherwise it is closed.
    pub fn is_open(&self, now: i64) -> bool {
        now < self.window_end || self.pending > 0
    }
}

/// Whether a message opens an incident or follows one up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    New,
    Repeat,
}

/// One message to publish for an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: Kind,
    /// When the incident opened.
    pub opened_at: i64,
    /// The message's number within the incident, from 1.
    pub number: u64,
    /// Occurrences this message reports.
    pub occurrences: u64,
    /// Occurrences reported so far, this message included.
    pub total: u64,
    /// When the previous message went out (for a follow-up: "312 more since 14:05").
    pub since: i64,
    /// The window this message opens: `[start, end)`.
    pub window: (i64, i64),
}

/// The next state of one incident and the message to publish, if any, given what is
/// stored (`None`: no incident), the new occurrences (0 for a flush), the time and the
/// interval (seconds, at least 1).
pub fn step(
    stored: Option<Incident>,
    found: u64,
    now: i64,
    interval: i64,
) -> (Option<Incident>, Option<Notice>) {
    let interval = interval.max(1);
    match stored {
        // Inside the window: counted, not sent.
        Some(mut incident) if now < incident.window_end => {
            incident.pending += found;
            (Some(incident), None)
        }
        // The window ended with something pending: one follow-up, and the next window.
        Some(incident) if incident.pending > 0 => {
            let occurrences = incident.pending + found;
            let reported = incident.reported + occurrences;
            let window = (now, now + interval);
            let notice = Notice {
                kind: Kind::Repeat,
                opened_at: incident.opened_at,
                number: incident.messages + 1,
                occurrences,
                total: reported,
                since: incident.window_start,
                window,
            };
            let next = Incident {
                window_start: window.0,
                window_end: window.1,
                reported,
                pending: 0,
                messages: incident.messages + 1,
                ..incident
            };
            (Some(next), Some(notice))
        }
        // No incident, or one whose window ended with nothing pending (closed): a new one
        // if something was found.
        _ if found > 0 => {
            let window = (now, now + interval);
            let notice = Notice {
                kind: Kind::New,
                opened_at: now,
                number: 1,
                occurrences: found,
                total: found,
                since: now,
                window,
            };
            let incident = Incident {
                opened_at: now,
                window_start: window.0,
                window_end: window.1,
                reported: found,
                pending: 0,
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
    use proptest::prelude::*;

    #[test]
    fn the_first_occurrence_is_sent_at_once_and_opens_a_window() {
        let (state, notice) = step(None, 3, 100, 60);
        let notice = notice.unwrap();
        assert_eq!(
            (notice.kind, notice.total, notice.number, notice.window),
            (Kind::New, 3, 1, (100, 160))
        );
        assert_eq!(state.unwrap().window_end, 160);
    }

    #[test]
    fn inside_the_window_occurrences_wait() {
        let (state, _) = step(None, 1, 100, 60);
        let (state, notice) = step(state, 5, 120, 60);
        assert_eq!(notice, None);
        assert_eq!(state.unwrap().pending, 5);
    }

    #[test]
    fn the_end_of_a_window_sends_what_is_pending_once() {
        let (state, _) = step(None, 1, 100, 60);
        let (state, _) = step(state, 5, 120, 60);
        let (state, notice) = step(state, 0, 170, 60);
        let notice = notice.unwrap();
        assert_eq!(notice.kind, Kind::Repeat);
        assert_eq!((notice.occurrences, notice.total, notice.number), (5, 6, 2));
        assert_eq!(notice.since, 100);
        let (state, notice) = step(state, 0, 175, 60);
        assert_eq!(notice, None);
        assert!(state.as_ref().is_some_and(|s| s.is_open(175)));
        let (state, notice) = step(state, 0, 231, 60);
        assert_eq!(
            (state, notice),
            (None, None),
            "a quiet window closes the incident"
        );
    }

    #[test]
    fn after_a_quiet_window_the_next_occurrence_is_a_new_incident() {
        let (state, _) = step(None, 1, 100, 60);
        assert!(!state.as_ref().is_some_and(|s| s.is_open(200)));
        let (_, notice) = step(state, 2, 200, 60);
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
            let mut run = |state: Option<Incident>, count: u64, now: i64, sent: &mut u64| {
                let (next, notice) = step(state, count, now, interval);
                if let Some(notice) = notice {
                    *sent += notice.occurrences;
                    message_times.push(now);
                }
                next
            };
            for (count, gap) in events {
                now += gap;
                found_total += count;
                state = run(state, count, now, &mut sent);
            }
            // Flushes until everything pending is sent.
            for _ in 0..3 {
                now += interval;
                state = run(state, 0, now, &mut sent);
            }
            prop_assert_eq!(sent, found_total);
            prop_assert_eq!(state, None);
            for pair in message_times.windows(2) {
                prop_assert!(pair[1] - pair[0] >= interval, "{:?}", message_times);
            }
        }
    }
}
