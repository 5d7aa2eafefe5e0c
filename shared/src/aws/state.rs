//! The incident state table (DynamoDB): one item per incident holding its state as JSON
//! under a version number, and one string set per incident generation and minute of record
//! time holding the identities of the records counted. Reads are strongly consistent;
//! every state write is conditional on the version read, so concurrent invocations never
//! overwrite each other (the loser reads again).
//!
//! Keys: `pk = incident#<key>`; `sk = state`, or `sk = seen#<generation>#<minute>`. Items
//! expire through the table's TTL attribute `expires_at`; a state with something due
//! carries `due_shard`/`due_at`, which the sparse index `due` lists for the flush.

use crate::outputs::incidents::Stored;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;

/// Name of the sparse index of states with something due.
pub const DUE_INDEX: &str = "due";
/// The one partition of the due index (few items: only incidents with something due).
const DUE_SHARD: &str = "due";
const STATE_SORT_KEY: &str = "state";

/// A call to the state table failed (after the SDK's retries), or an item is not ours.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state table {table}: {operation} failed: {message}")]
    Call {
        table: String,
        operation: &'static str,
        message: String,
    },
    #[error("state table {table}: the state of incident {key} is unreadable: {message}")]
    Unreadable {
        table: String,
        key: String,
        message: String,
    },
    #[error("state table {table}: incident {key} kept changing under concurrent writers ({attempts} attempts)")]
    Contention {
        table: String,
        key: String,
        attempts: u32,
    },
    #[error("state table {table}: incident {key} not settled before the invocation's deadline")]
    OutOfTime { table: String, key: String },
}

/// One incident's state as read: its version (`None` if there is no item yet) and value.
#[derive(Debug, Clone, Default)]
pub struct Versioned {
    pub version: Option<u64>,
    pub stored: Stored,
}

/// The state table.
#[derive(Debug, Clone)]
pub struct StateTable {
    client: Client,
    table: String,
}

fn partition(key: &str) -> AttributeValue {
    AttributeValue::S(format!("incident#{key}"))
}

fn number(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

impl StateTable {
    pub fn new(client: Client, table: impl Into<String>) -> StateTable {
        StateTable {
            client,
            table: table.into(),
        }
    }

    pub fn name(&self) -> &str {
        &self.table
    }

    fn call_error<E, R>(&self, operation: &'static str, error: SdkError<E, R>) -> StateError
    where
        E: std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        StateError::Call {
            table: self.table.clone(),
            operation,
            message: DisplayErrorContext(error).to_string(),
        }
    }

    /// Reads an incident's state (strongly consistent).
    pub async fn load(&self, key: &str) -> Result<Versioned, StateError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", partition(key))
            .key("sk", AttributeValue::S(STATE_SORT_KEY.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| self.call_error("GetItem", e))?;
        let Some(item) = output.item else {
            return Ok(Versioned::default());
        };
        let unreadable = |message: String| StateError::Unreadable {
            table: self.table.clone(),
            key: key.to_owned(),
            message,
        };
        let version = match item.get("version") {
            Some(AttributeValue::N(n)) => {
                n.parse::<u64>().map_err(|e| unreadable(e.to_string()))?
            }
            _ => return Err(unreadable("no numeric version".to_owned())),
        };
        let stored = match item.get("state") {
            Some(AttributeValue::S(json)) => {
                serde_json::from_str(json).map_err(|e| unreadable(e.to_string()))?
            }
            _ => return Err(unreadable("no state".to_owned())),
        };
        Ok(Versioned {
            version: Some(version),
            stored,
        })
    }

    /// Adds record identities to one seen set and returns its size now and how many of
    /// `identities` it did not hold before. One request, whatever the number of identities.
    pub async fn add_seen(
        &self,
        key: &str,
        generation: i64,
        minute: i64,
        identities: Vec<String>,
        expires_at: i64,
    ) -> Result<(u64, u64), StateError> {
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", partition(key))
            .key(
                "sk",
                AttributeValue::S(format!("seen#{generation}#{minute}")),
            )
            .update_expression("ADD ids :ids SET expires_at = :expires")
            .expression_attribute_values(":ids", AttributeValue::Ss(identities.clone()))
            .expression_attribute_values(":expires", number(expires_at))
            // The whole item as it was: UPDATED_OLD may leave out a set the ADD did not change.
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| self.call_error("UpdateItem", e))?;
        let old: Vec<String> = match output.attributes.and_then(|mut a| a.remove("ids")) {
            Some(AttributeValue::Ss(old)) => old,
            _ => Vec::new(),
        };
        let old: std::collections::HashSet<&str> = old.iter().map(String::as_str).collect();
        let mut ours: Vec<&str> = identities.iter().map(String::as_str).collect();
        ours.sort_unstable();
        ours.dedup();
        let added = ours.iter().filter(|id| !old.contains(*id)).count() as u64;
        Ok((old.len() as u64 + added, added))
    }

    /// Writes an incident's state if nobody wrote it since `expected` was read. `Ok(false)`:
    /// somebody did; read again.
    pub async fn save(
        &self,
        key: &str,
        expected: Option<u64>,
        stored: &Stored,
        expires_at: i64,
    ) -> Result<bool, StateError> {
        let json = serde_json::to_string(stored).map_err(|e| StateError::Unreadable {
            table: self.table.clone(),
            key: key.to_owned(),
            message: e.to_string(),
        })?;
        let mut item: HashMap<String, AttributeValue> = HashMap::from([
            ("pk".to_owned(), partition(key)),
            (
                "sk".to_owned(),
                AttributeValue::S(STATE_SORT_KEY.to_owned()),
            ),
            ("version".to_owned(), number(expected.map_or(1, |v| v + 1))),
            ("state".to_owned(), AttributeValue::S(json)),
            ("expires_at".to_owned(), number(expires_at)),
        ]);
        if let Some(due_at) = stored.due_at() {
            item.insert(
                "due_shard".to_owned(),
                AttributeValue::S(DUE_SHARD.to_owned()),
            );
            item.insert("due_at".to_owned(), number(due_at));
        }
        let request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        let request = match expected {
            None => request.condition_expression("attribute_not_exists(pk)"),
            Some(version) => request
                .condition_expression("version = :expected")
                .expression_attribute_values(":expected", number(version)),
        };
        match request.send().await {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(self.call_error("PutItem", error)),
        }
    }

    /// The incidents with something due at `now` (through the sparse index `due`).
    pub async fn due(&self, now: i64) -> Result<Vec<String>, StateError> {
        let mut keys = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(DUE_INDEX)
                .key_condition_expression("due_shard = :shard AND due_at <= :now")
                .expression_attribute_values(":shard", AttributeValue::S(DUE_SHARD.to_owned()))
                .expression_attribute_values(":now", number(now))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| self.call_error("Query", e))?;
            for item in output.items.unwrap_or_default() {
                if let Some(AttributeValue::S(pk)) = item.get("pk") {
                    if let Some(key) = pk.strip_prefix("incident#") {
                        keys.push(key.to_owned());
                    }
                }
            }
            match output.last_evaluated_key {
                Some(next) if !next.is_empty() => start = Some(next),
                _ => return Ok(keys),
            }
        }
    }
}
