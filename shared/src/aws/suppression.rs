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
use crate::outputs::incidents::{
    generation, plan, Arrival, Settings, Stored, SEEN_RETENTION_SECS,
};
use std::collections::BTreeMap;

/// Reads and writes of one incident's state before giving up on contention.
const MAX_ATTEMPTS: u32 = 8;

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
        now + SEEN_RETENTION_SECS + 2 * self.settings.interval
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
        // Records first counted, by generation: a retry after a conflict may land in another.
        let mut new_records: BTreeMap<i64, u64> = BTreeMap::new();
        for _ in 0..MAX_ATTEMPTS {
            let Versioned { version, stored } = self.table.load(key).await?;
            let generation = generation(&stored, now);
            let mut seen = BTreeMap::new();
            for (minute, identities) in &by_minute {
                let (size, added) = self
                    .table
                    .add_seen(key, generation, *minute, identities.clone(), self.expires_at(now))
                    .await?;
                seen.insert(*minute, size);
                *new_records.entry(generation).or_default() += added;
            }
            let queued: Vec<String> = stored.outbox.iter().map(|o| o.message.id.clone()).collect();
            let arrival = Arrival {
                generation,
                seen,
                group: group.cloned(),
            };
            let next = plan(stored, arrival, key, now, &self.settings);
            if self.table.save(key, version, &next, self.expires_at(now)).await? {
                let mut send = next.overdue(now);
                send.extend(
                    next.outbox
                        .iter()
                        .filter(|o| !queued.contains(&o.message.id))
                        .map(|o| o.message.clone()),
                );
                return Ok(Settled {
                    send,
                    new_records: new_records.get(&generation).copied().unwrap_or_default(),
                });
            }
        }
        Err(self.contention(key))
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
        for _ in 0..MAX_ATTEMPTS {
            let Versioned { version, mut stored } = self.table.load(key).await?;
            change(&mut stored);
            if self.table.save(key, version, &stored, self.expires_at(now)).await? {
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
