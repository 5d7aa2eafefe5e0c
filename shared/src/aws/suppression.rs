//! Incident suppression on the state table: for each incident an invocation touches, add
//! its records to the seen sets, plan the incident's next state, and write it back only if
//! nobody else did meanwhile (else read again). Messages are queued in the state before they
//! are sent and dropped from it once SNS accepted them, so a failed publish is sent again by
//! the retry (or by whoever reads the state after the grace), with the same message id.
//!
//! Requests per incident and invocation: one read, one write per minute of record time the
//! invocation's records span, one write of the state, and one read and write more when a
//! message went out — never one per record.

use super::state::{StateError, StateTable, Versioned};
use crate::outputs::alerts::{AlertMessage, Group};
use crate::outputs::incidents::{generation, plan, Arrival, Settings, Stored, STATE_TTL_SECS};
use std::collections::BTreeMap;
use tokio::time::Instant;

/// Reads and writes of one incident's state before giving up on contention (the deadline
/// usually comes first: see `Suppression::settle_until`).
const MAX_ATTEMPTS: u32 = 40;
/// Longest wait between two attempts.
const MAX_BACK_OFF_MS: u64 = 400;

/// Before another attempt at a state another invocation changed meanwhile: a random wait
/// below a bound that doubles with each attempt (10 ms, 20 ms, … up to 400 ms), so racing
/// writers spread out instead of colliding again.
async fn back_off(attempt: u32) {
    if attempt == 0 {
        return;
    }
    let bound = (10u64 << attempt.min(6)).min(MAX_BACK_OFF_MS);
    let noise = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| u64::from(t.subsec_nanos()));
    // The clock's low bits differ between racing instances; a multiplicative hash spreads
    // them over the bound.
    let millis = noise.wrapping_mul(0x9E37_79B9_7F4A_7C15) % bound;
    tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
}

/// What settling one incident gave.
#[derive(Debug, Clone, Default)]
pub struct Settled {
    /// Messages to send now: the one this invocation queued, and any left unsent past their
    /// grace by another.
    pub send: Vec<AlertMessage>,
    /// Records this invocation counted for the first time.
    pub new_records: u64,
}

/// The state table with the window settings.
#[derive(Debug, Clone)]
pub struct Suppression {
    table: StateTable,
    settings: Settings,
}

impl Suppression {
    pub fn new(table: StateTable, settings: Settings) -> Suppression {
        Suppression { table, settings }
    }

    fn expires_at(&self, now: i64) -> i64 {
        now + STATE_TTL_SECS + 2 * self.settings.interval
    }

    /// Adds an invocation's findings of one incident (`None` for a flush) at `now`.
    pub async fn settle(
        &self,
        key: &str,
        group: Option<&Group>,
        now: i64,
    ) -> Result<Settled, StateError> {
        let mut by_minute: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (minute, identity) in group.map(|g| g.identities.as_slice()).unwrap_or_default() {
            by_minute
                .entry(*minute)
                .or_default()
                .push(format!("{identity:016x}"));
        }
        // The seen sets written, for the generation they belong to: a conflict only means
        // reading the state again, unless the incident moved to another generation meanwhile.
        let mut written: Option<(i64, BTreeMap<i64, u64>, u64)> = None;
        for attempt in 0..MAX_ATTEMPTS {
            back_off(attempt).await;
            let Versioned { version, stored } = self.table.load(key).await?;
            let generation = generation(&stored, now);
            let (seen, new_records) = match &written {
                Some((written_to, seen, added)) if *written_to == generation => {
                    (seen.clone(), *added)
                }
                _ => {
                    let (seen, added) = self.add_seen(key, generation, &by_minute, now).await?;
                    written = Some((generation, seen.clone(), added));
                    (seen, added)
                }
            };
            let queued: Vec<String> = stored.outbox.iter().map(|o| o.message.id.clone()).collect();
            let arrival = Arrival {
                generation,
                seen,
                group: group.cloned(),
            };
            let before = serde_json::to_string(&stored).ok();
            let next = plan(stored, arrival, key, now, &self.settings);
            // Nothing new (a retry, the other path): nothing to write, nothing to race on.
            let unchanged = version.is_some() && before == serde_json::to_string(&next).ok();
            if unchanged
                || self
                    .table
                    .save(key, version, &next, self.expires_at(now))
                    .await?
            {
                let mut send = next.overdue(now);
                send.extend(
                    next.outbox
                        .iter()
                        .filter(|o| !queued.contains(&o.message.id))
                        .map(|o| o.message.clone()),
                );
                return Ok(Settled { send, new_records });
            }
        }
        Err(self.contention(key))
    }

    /// Adds the identities to the generation's seen sets, one request per minute of record
    /// time: the sets' sizes now, and how many identities were new.
    async fn add_seen(
        &self,
        key: &str,
        generation: i64,
        by_minute: &BTreeMap<i64, Vec<String>>,
        now: i64,
    ) -> Result<(BTreeMap<i64, u64>, u64), StateError> {
        let mut seen = BTreeMap::new();
        let mut new_records = 0;
        for (minute, identities) in by_minute {
            let (size, added) = self
                .table
                .add_seen(
                    key,
                    generation,
                    *minute,
                    identities.clone(),
                    self.expires_at(now),
                )
                .await?;
            seen.insert(*minute, size);
            new_records += added;
        }
        Ok((seen, new_records))
    }

    /// [`Suppression::settle`], given up at `deadline`: what is left of the invocation is
    /// for publishing (the incident is then sent without suppression).
    pub async fn settle_until(
        &self,
        key: &str,
        group: Option<&Group>,
        now: i64,
        deadline: Option<Instant>,
    ) -> Result<Settled, StateError> {
        let settle = self.settle(key, group, now);
        match deadline {
            None => settle.await,
            Some(deadline) => tokio::time::timeout_at(deadline, settle)
                .await
                .unwrap_or_else(|_| {
                    Err(StateError::OutOfTime {
                        table: self.table.name().to_owned(),
                        key: key.to_owned(),
                    })
                }),
        }
    }

    /// Drops messages SNS accepted from the incident's outbox.
    pub async fn confirm(&self, key: &str, sent: &[String], now: i64) -> Result<(), StateError> {
        self.update(key, now, |stored| stored.confirm(sent)).await
    }

    /// Marks queued messages that SNS did not take as due at once (for the retry).
    pub async fn release(&self, key: &str, unsent: &[String], now: i64) -> Result<(), StateError> {
        self.update(key, now, |stored| stored.release(unsent)).await
    }

    async fn update(
        &self,
        key: &str,
        now: i64,
        change: impl Fn(&mut Stored),
    ) -> Result<(), StateError> {
        for attempt in 0..MAX_ATTEMPTS {
            back_off(attempt).await;
            let Versioned {
                version,
                mut stored,
            } = self.table.load(key).await?;
            change(&mut stored);
            if self
                .table
                .save(key, version, &stored, self.expires_at(now))
                .await?
            {
                return Ok(());
            }
        }
        Err(self.contention(key))
    }

    /// Incidents with a follow-up or a queued message due at `now`.
    pub async fn due(&self, now: i64) -> Result<Vec<String>, StateError> {
        self.table.due(now).await
    }

    fn contention(&self, key: &str) -> StateError {
        StateError::Contention {
            table: self.table.name().to_owned(),
            key: key.to_owned(),
            attempts: MAX_ATTEMPTS,
        }
    }
}
