//! What one invocation (or a flush) does to one incident's stored state, as a pure
//! function: [`plan`] takes the stored state, what the invocation added to the incident's
//! seen sets, the time and the settings, and returns the new state with any message to
//! send queued in its outbox.
//!
//! Counting is exact because it is derived from the seen sets, never added up: the seen
//! sets (one per minute of record time, per incident generation) only grow, the state keeps
//! the largest size it has seen of each, and the occurrences found now are the growth of
//! their sum. A retry, the other delivery path, or a concurrent invocation re-adding the
//! same records grows nothing, and a crash between a seen-set write and the state write
//! loses nothing: the next writer reads the set's full size.

use super::window::{step, Incident, Kind, Notice};
use crate::outputs::alerts::{
    hex_sha256, render_framed, AlertMessage, AlertOptions, Framing, Group,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map};
use std::collections::BTreeMap;

/// Minutes of record time one incident generation keeps seen-set sizes for (3 days): past
/// it, the least recently touched minute is dropped, and a record of that minute delivered
/// again would count again. Keeps the state item far below DynamoDB's 400 KB.
pub const MAX_SEEN_MINUTES: usize = 3 * 24 * 60;
/// Lifetime of state and seen-set items after their last write (TTL): longer than any
/// retry or redelivery, and than the generation's sizes are kept.
pub const STATE_TTL_SECS: i64 = 8 * 24 * 3600;
/// A queued message that has not been confirmed sent this long after it was queued is
/// sent by whoever reads the state next (its own invocation's retry usually does first).
pub const OUTBOX_GRACE_SECS: i64 = 30;

/// One incident's stored state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stored {
    /// The incident, open or last seen; `None` before the first occurrence.
    pub incident: Option<Incident>,
    /// The current generation's seen-set sizes by minute: (size, last touched).
    pub seen: BTreeMap<i64, (u64, i64)>,
    /// The findings since the last message: what the next one lists.
    pub pending: Option<Group>,
    /// Messages queued and not yet confirmed accepted by SNS.
    pub outbox: Vec<Outgoing>,
}

/// A message queued in the state until SNS accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    pub queued_at: i64,
    pub message: AlertMessage,
}

/// What an invocation brings to an incident: the generation whose seen sets it wrote, the
/// sizes those sets have now, and its findings (none for a flush).
#[derive(Debug, Clone, Default)]
pub struct Arrival {
    pub generation: i64,
    pub seen: BTreeMap<i64, u64>,
    pub group: Option<Group>,
}

/// How messages are made.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Seconds between messages of one incident (at least 1).
    pub interval: i64,
    pub alerts: AlertOptions,
}

/// The generation an invocation at `now` adds to: the open incident's, or a new one.
pub fn generation(stored: &Stored, now: i64) -> i64 {
    match &stored.incident {
        Some(incident) if incident.is_open(now) => incident.opened_at,
        _ => now,
    }
}

impl Stored {
    /// When the state next needs a flush: a queued message past its grace, or a window
    /// that ends with occurrences pending. `None` when nothing is due.
    pub fn due_at(&self) -> Option<i64> {
        let queued = self
            .outbox
            .iter()
            .map(|o| o.queued_at + OUTBOX_GRACE_SECS)
            .min();
        let window = self
            .incident
            .as_ref()
            .filter(|i| i.pending > 0)
            .map(|i| i.window_end);
        queued.into_iter().chain(window).min()
    }

    /// Queued messages that anyone may send now: past their grace.
    pub fn overdue(&self, now: i64) -> Vec<AlertMessage> {
        self.outbox
            .iter()
            .filter(|o| now >= o.queued_at + OUTBOX_GRACE_SECS)
            .map(|o| o.message.clone())
            .collect()
    }

    /// Drops queued messages SNS accepted.
    pub fn confirm(&mut self, sent: &[String]) {
        self.outbox.retain(|o| !sent.contains(&o.message.id));
    }

    /// Makes queued messages that could not be sent due at once, for the retry (or the
    /// flush) to send without waiting for the grace.
    pub fn release(&mut self, unsent: &[String]) {
        for queued in &mut self.outbox {
            if unsent.contains(&queued.message.id) {
                queued.queued_at -= OUTBOX_GRACE_SECS;
            }
        }
    }
}

/// The new state of an incident after an arrival at `now`; a message it makes is queued
/// in the outbox (the caller sends it, then confirms it).
pub fn plan(stored: Stored, arrival: Arrival, key: &str, now: i64, settings: &Settings) -> Stored {
    let Stored {
        incident,
        seen,
        pending,
        mut outbox,
    } = stored;
    let open = incident.filter(|i| i.is_open(now));
    let (incident, mut seen, mut pending) = match open {
        Some(i) if i.opened_at == arrival.generation => (Some(i), seen, pending),
        Some(i) => {
            // Written to another generation's sets: nothing of it counts here (the caller
            // reads again and writes to this one).
            return Stored {
                incident: Some(i),
                seen,
                pending,
                outbox,
            };
        }
        None => (None, BTreeMap::new(), None),
    };
    let before: u64 = seen.values().map(|(size, _)| size).sum();
    for (minute, size) in arrival.seen {
        let entry = seen.entry(minute).or_insert((0, now));
        if size > entry.0 {
            *entry = (size, now);
        }
    }
    let after: u64 = seen.values().map(|(size, _)| size).sum();
    let found = after - before;
    if found > 0 {
        if let Some(group) = arrival.group {
            match &mut pending {
                Some(mine) => mine.merge(group, settings.alerts.items_per_alert),
                None => pending = Some(group),
            }
        }
    }
    while seen.len() > MAX_SEEN_MINUTES {
        let oldest = seen
            .iter()
            .min_by_key(|(minute, (_, touched))| (*touched, **minute))
            .map(|(minute, _)| *minute);
        match oldest {
            Some(minute) => seen.remove(&minute),
            None => break,
        };
    }
    let (incident, notice) = step(incident, found, now, settings.interval);
    if let (Some(notice), Some(group)) = (notice, pending.as_mut()) {
        let message = render_notice(key, group, &notice, settings);
        *group = group.emptied();
        outbox.push(Outgoing {
            queued_at: now,
            message,
        });
    }
    match incident {
        Some(incident) => Stored {
            incident: Some(incident),
            seen,
            pending,
            outbox,
        },
        None => Stored {
            outbox,
            ..Stored::default()
        },
    }
}

fn rfc3339(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn clock(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.format("%H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// The id of an incident: its key and when it opened.
fn incident_id(key: &str, opened_at: i64) -> String {
    hex_sha256(format!("incident|{key}|{opened_at}").as_bytes())
}

/// One incident message: the group's findings since the last message, framed with what the
/// incident adds (its id, `new` or `repeat`, the total so far, the window).
fn render_notice(key: &str, group: &Group, notice: &Notice, settings: &Settings) -> AlertMessage {
    let incident = incident_id(key, notice.opened_at);
    let interval = settings.interval;
    let (headline, subject_note, kind) = match notice.kind {
        Kind::New => (
            format!(
                "New incident: {} occurrence(s). Further occurrences are collected for {interval} s and reported in one follow-up.",
                notice.occurrences
            ),
            None,
            "new",
        ),
        Kind::Repeat => (
            format!(
                "{} more since {}{}; {} in total since the incident opened at {}.",
                notice.occurrences,
                clock(notice.since),
                group
                    .last_timestamp
                    .as_deref()
                    .map(|t| format!(", last at {t}"))
                    .unwrap_or_default(),
                notice.total,
                clock(notice.opened_at),
            ),
            Some(format!("(follow-up, {} in total)", notice.total)),
            "repeat",
        ),
    };
    let mut fields = Map::new();
    fields.insert("kind".into(), json!(kind));
    fields.insert("incident_id".into(), json!(incident));
    fields.insert("occurrences".into(), json!(notice.occurrences));
    fields.insert("total".into(), json!(notice.total));
    fields.insert("opened_at".into(), json!(rfc3339(notice.opened_at)));
    fields.insert(
        "window".into(),
        json!({ "start": rfc3339(notice.window.0), "end": rfc3339(notice.window.1) }),
    );
    let mut group = group.clone();
    group.count = notice.occurrences;
    let framing = Framing {
        id: Some(hex_sha256(
            format!("{incident}|{}", notice.number).as_bytes(),
        )),
        group_id: Some(key.to_owned()),
        headline: Some(headline),
        subject_note,
        fields,
    };
    render_framed(&group, framing, &settings.alerts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::alerts::Collector;
    use crate::rules::finding::{Finding, Severity, Source};
    use std::collections::BTreeSet;

    fn settings() -> Settings {
        Settings {
            interval: 60,
            alerts: AlertOptions::default(),
        }
    }

    fn group(requests: &[&str]) -> Group {
        let mut collector = Collector::new(Severity::Warn, 10).tracking_identities();
        for request in requests {
            let mut f = Finding::new(
                Severity::Error,
                Source::ModelInvocation,
                "ThrottlingException",
            );
            f.model_id = Some("m".into());
            f.request_id = Some((*request).into());
            f.timestamp = Some("2026-12-03T08:00:00Z".into());
            collector.push(f);
        }
        collector.groups()[0].clone()
    }

    fn arrival(stored: &Stored, now: i64, size: u64, requests: &[&str]) -> Arrival {
        Arrival {
            generation: generation(stored, now),
            seen: BTreeMap::from([(29_411_520, size)]),
            group: Some(group(requests)),
        }
    }

    /// The state after the first arrival of `requests` at `now`.
    fn opened(now: i64, requests: &[&str]) -> Stored {
        let stored = Stored::default();
        let arrival = arrival(&stored, now, requests.len() as u64, requests);
        plan(stored, arrival, "k", now, &settings())
    }

    fn payload(message: &AlertMessage) -> serde_json::Value {
        let doc: serde_json::Value = serde_json::from_str(&message.message).unwrap();
        serde_json::from_str(doc["default"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn the_first_arrival_queues_a_new_message_with_the_incident_fields() {
        let next = opened(100, &["a", "b"]);
        assert_eq!(next.outbox.len(), 1);
        let p = payload(&next.outbox[0].message);
        assert_eq!(p["kind"], "new");
        assert_eq!(
            (p["occurrences"].as_u64(), p["total"].as_u64()),
            (Some(2), Some(2))
        );
        assert_eq!(p["count"], 2);
        assert_eq!(p["schema"], "bedrock-alerts/alert/v1");
        assert_eq!(next.outbox[0].message.group_id, "k");
        assert_eq!(next.due_at(), Some(100 + OUTBOX_GRACE_SECS));
    }

    #[test]
    fn a_retry_or_the_other_path_adds_nothing() {
        let mut next = opened(100, &["a", "b"]);
        let sent: Vec<String> = next.outbox.iter().map(|o| o.message.id.clone()).collect();
        next.confirm(&sent);
        let again = plan(
            next.clone(),
            arrival(&next, 110, 2, &["a", "b"]),
            "k",
            110,
            &settings(),
        );
        assert_eq!(again.incident.as_ref().unwrap().pending, 0);
        assert!(again.outbox.is_empty());
        assert_eq!(again.due_at(), None);
    }

    #[test]
    fn the_follow_up_lists_what_was_pending_and_keeps_one_id_per_message() {
        let mut state = opened(100, &["a"]);
        state.outbox.clear();
        state = plan(
            state.clone(),
            arrival(&state, 120, 4, &["b", "c", "d"]),
            "k",
            120,
            &settings(),
        );
        assert_eq!(state.due_at(), Some(160));
        let flush = |state: &Stored| {
            let arrival = Arrival {
                generation: generation(state, 170),
                ..Arrival::default()
            };
            plan(state.clone(), arrival, "k", 170, &settings())
        };
        let flushed = flush(&state);
        let message = &flushed.outbox[0].message;
        let p = payload(message);
        assert_eq!(p["kind"], "repeat");
        assert_eq!(
            (p["occurrences"].as_u64(), p["total"].as_u64()),
            (Some(3), Some(4))
        );
        assert_eq!(p["items"].as_array().unwrap().len(), 3);
        assert!(
            message.subject.contains("follow-up, 4 in total"),
            "{}",
            message.subject
        );
        let text: serde_json::Value = serde_json::from_str(&message.message).unwrap();
        assert!(text["email"]
            .as_str()
            .unwrap()
            .starts_with("3 more since 00:01:40 UTC"));
        let twice = flush(&state);
        assert_eq!(
            twice.outbox[0].message.id, message.id,
            "the same decision, the same id"
        );
    }

    #[test]
    fn a_message_that_could_not_be_sent_is_due_at_once_and_gone_once_confirmed() {
        let mut state = opened(100, &["a"]);
        let ids: Vec<String> = state.outbox.iter().map(|o| o.message.id.clone()).collect();
        assert!(state.overdue(101).is_empty(), "its own invocation sends it");
        state.release(&ids);
        assert_eq!(state.overdue(101).len(), 1);
        assert_eq!(state.due_at(), Some(100));
        state.confirm(&ids);
        assert!(state.outbox.is_empty());
        assert_eq!(state.due_at(), None);
    }

    #[test]
    fn an_arrival_for_another_generation_changes_nothing() {
        let state = opened(100, &["a"]);
        let stale = Arrival {
            generation: 42,
            ..arrival(&state, 110, 5, &["b"])
        };
        let json = |s: &Stored| serde_json::to_string(s).unwrap();
        assert_eq!(
            json(&plan(state.clone(), stale, "k", 110, &settings())),
            json(&state)
        );
    }

    proptest::proptest! {
        /// Deliveries of records (with repeats, as retries and the second path make them),
        /// in any order and timing, then flushes: the occurrences over all messages equal
        /// the distinct records of each incident generation, and one incident never gets two
        /// messages in one window.
        #[test]
        fn messages_report_each_record_once_and_at_most_one_per_window(
            deliveries in proptest::collection::vec(
                (proptest::collection::vec(0u32..300, 1..20), 0i64..40), 1..40),
            interval in 1i64..60,
        ) {
            let settings = Settings { interval, alerts: AlertOptions::default() };
            // The seen sets of the current generation, by minute, as the table keeps them.
            let mut sets: BTreeMap<i64, BTreeSet<u32>> = BTreeMap::new();
            let mut sets_generation = None;
            let mut deliver = |state: Stored, records: &[u32], now: i64| {
                let generation = generation(&state, now);
                if sets_generation != Some(generation) {
                    sets.clear();
                    sets_generation = Some(generation);
                }
                for record in records {
                    sets.entry(i64::from(record % 3)).or_default().insert(*record);
                }
                let seen = records
                    .iter()
                    .map(|r| (i64::from(r % 3), sets[&i64::from(r % 3)].len() as u64))
                    .collect();
                let names: Vec<String> = records.iter().map(|r| format!("r{r}")).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let group = (!records.is_empty()).then(|| group(&names));
                plan(state, Arrival { generation, seen, group }, "k", now, &settings)
            };
            let sent = |state: &mut Stored, now: i64, reported: &mut u64, times: &mut Vec<i64>| {
                for queued in std::mem::take(&mut state.outbox) {
                    *reported += payload(&queued.message)["occurrences"].as_u64().unwrap();
                    times.push(now);
                }
            };
            let (mut state, mut now, mut reported, mut times) = (Stored::default(), 0, 0, Vec::new());
            let mut distinct = 0;
            let mut generation_records = BTreeSet::new();
            for (records, gap) in deliveries {
                now += gap;
                let before = state.incident.as_ref().map(|i| i.opened_at);
                state = deliver(state, &records, now);
                if state.incident.as_ref().map(|i| i.opened_at) != before {
                    distinct += generation_records.len();
                    generation_records.clear();
                }
                generation_records.extend(records.iter().copied());
                sent(&mut state, now, &mut reported, &mut times);
            }
            for _ in 0..3 {
                now += interval;
                state = deliver(state, &[], now);
                sent(&mut state, now, &mut reported, &mut times);
            }
            distinct += generation_records.len();
            proptest::prop_assert_eq!(reported, distinct as u64);
            for pair in times.windows(2) {
                proptest::prop_assert!(pair[1] - pair[0] >= interval, "{:?}", times);
            }
        }
    }

    #[test]
    fn the_state_keeps_a_bounded_number_of_minutes_dropping_the_least_recently_touched() {
        let mut state = opened(100, &["a"]);
        state.seen = (0..MAX_SEEN_MINUTES as i64 + 5)
            .map(|minute| (minute, (1, 100 + minute)))
            .collect();
        let arrival = Arrival {
            generation: generation(&state, 110),
            seen: BTreeMap::from([(0, 2)]),
            group: Some(group(&["b"])),
        };
        let next = plan(state, arrival, "k", 110, &settings());
        assert_eq!(next.seen.len(), MAX_SEEN_MINUTES);
        assert!(next.seen.contains_key(&0), "just touched");
        assert!(!next.seen.contains_key(&1) && next.seen.contains_key(&6));
    }

    #[test]
    fn the_state_round_trips_through_json() {
        let state = opened(100, &["a"]);
        let text = serde_json::to_string(&state).unwrap();
        let back: Stored = serde_json::from_str(&text).unwrap();
        assert_eq!(back.outbox, state.outbox);
        assert_eq!(back.incident, state.incident);
    }
}
