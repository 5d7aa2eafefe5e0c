//! What the S3 function answers its trigger, decided from what became of each object and of
//! publishing. Pure, so that every trigger kind and outcome is tested without Lambda.
//!
//! - A direct S3 notification or an EventBridge event is retried whole: the invocation
//!   fails when an object failed transiently or publishing failed.
//! - An SQS batch reports only the messages with an object that failed transiently in
//!   `batchItemFailures`; the batch fails whole only when publishing failed.
//! - S3 Batch Operations (schema 1.0 and 2.0) get a result per task. When publishing failed,
//!   every task is a `TemporaryFailure`, since nothing found in this run was sent.

use aws_lambda_events::event::s3::batch_job::{S3BatchJobResponse, S3BatchJobResult};
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse};
use serde_json::{json, Value};
use std::fmt::Display;

/// What became of one object (or of one entry that should have named one).
#[derive(Debug)]
pub enum Outcome<E> {
    /// Read to the end.
    Read,
    /// Not a log object (a permission check, a body offload, …): nothing to read.
    Skipped,
    /// Permanently unreadable or not an object at all: reported as a finding, never retried.
    Unreadable(String),
    /// Failed on something that may pass (S3, the deadline): to be retried.
    Transient(E),
}

/// The trigger's items, each with the outcomes of the objects it named.
#[derive(Debug)]
pub enum Items<E> {
    /// A direct S3 notification or an EventBridge event.
    Objects(Vec<Outcome<E>>),
    /// The `s3:TestEvent` S3 sends when a notification is configured.
    TestEvent,
    /// An event that is none of the triggers the function knows (reported as a finding).
    Unrecognised,
    /// An SQS batch: each message's id and its objects' outcomes.
    Sqs(Vec<(String, Vec<Outcome<E>>)>),
    /// An S3 Batch Operations job: one outcome per task.
    Batch {
        schema_version: String,
        invocation_id: String,
        tasks: Vec<(String, Outcome<E>)>,
    },
}

/// The answer to the trigger, given how publishing went (alerts sent, or why not). `Err`
/// fails the invocation, so Lambda retries it and then parks the event.
pub fn answer<E: Display>(items: Items<E>, published: Result<usize, E>) -> Result<Value, E> {
    let answer = match items {
        Items::Batch {
            schema_version,
            invocation_id,
            tasks,
        } => return Ok(batch(schema_version, invocation_id, tasks, published.err())),
        Items::Objects(outcomes) => {
            let objects = outcomes.len();
            let sent = published?;
            if let Some(error) = outcomes.into_iter().find_map(Outcome::into_transient) {
                return Err(error);
            }
            json!({ "objects": objects, "alerts": sent })
        }
        Items::TestEvent => json!({ "test_event": true, "alerts": published? }),
        Items::Unrecognised => json!({ "alerts": published? }),
        Items::Sqs(messages) => {
            let sent = published?;
            let mut response = SqsBatchResponse::default();
            for (message_id, outcomes) in messages {
                if outcomes.iter().any(Outcome::is_transient) {
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = message_id;
                    response.batch_item_failures.push(failure);
                }
            }
            let mut value = serde_json::to_value(&response).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("alerts".to_owned(), json!(sent));
            }
            value
        }
    };
    Ok(answer)
}

fn batch<E: Display>(
    schema_version: String,
    invocation_id: String,
    tasks: Vec<(String, Outcome<E>)>,
    unpublished: Option<E>,
) -> Value {
    let results = tasks
        .into_iter()
        .map(|(task_id, outcome)| {
            let (code, detail) = match (&unpublished, outcome) {
                (Some(error), _) => ("TemporaryFailure", error.to_string()),
                (None, Outcome::Read) => ("Succeeded", "scanned".to_owned()),
                (None, Outcome::Skipped) => ("Succeeded", "skipped: not a log object".to_owned()),
                (None, Outcome::Unreadable(reason)) => ("PermanentFailure", reason),
                (None, Outcome::Transient(error)) => ("TemporaryFailure", error.to_string()),
            };
            let mut result = S3BatchJobResult::default();
            result.task_id = Some(task_id);
            result.result_code = Some(code.to_owned());
            result.result_string = Some(detail);
            result
        })
        .collect();
    let mut response = S3BatchJobResponse::default();
    response.invocation_schema_version = Some(schema_version);
    response.treat_missing_keys_as = Some("PermanentFailure".to_owned());
    response.invocation_id = Some(invocation_id);
    response.results = results;
    serde_json::to_value(&response).unwrap_or_default()
}

impl<E> Outcome<E> {
    fn is_transient(&self) -> bool {
        matches!(self, Outcome::Transient(_))
    }

    fn into_transient(self) -> Option<E> {
        match self {
            Outcome::Transient(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The errors the handler passes: a failed read, the deadline, a failed publish.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Failed {
        S3,
        Deadline,
        Publish,
    }

    impl Display for Failed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{self:?} failed")
        }
    }

    use Outcome::{Read, Skipped, Transient, Unreadable};

    fn gone() -> Outcome<Failed> {
        Unreadable("the object does not exist".to_owned())
    }

    #[test]
    fn a_notification_succeeds_when_every_object_was_read_skipped_or_unreadable() {
        let items = Items::Objects(vec![Read, Skipped, gone()]);
        assert_eq!(
            answer(items, Ok(2)),
            Ok(json!({ "objects": 3, "alerts": 2 }))
        );
    }

    #[test]
    fn a_notification_fails_whole_on_a_transient_read_or_the_deadline() {
        for failed in [Failed::S3, Failed::Deadline] {
            let items = Items::Objects(vec![Read, Transient(failed), gone()]);
            assert_eq!(answer(items, Ok(1)), Err(failed));
        }
    }

    #[test]
    fn a_notification_fails_when_publishing_failed_even_if_every_object_was_read() {
        let items = Items::<Failed>::Objects(vec![Read]);
        assert_eq!(answer(items, Err(Failed::Publish)), Err(Failed::Publish));
    }

    #[test]
    fn a_failed_publish_comes_before_a_transient_read() {
        let items = Items::Objects(vec![Transient(Failed::S3)]);
        assert_eq!(answer(items, Err(Failed::Publish)), Err(Failed::Publish));
    }

    #[test]
    fn the_test_event_and_unknown_events_succeed_unless_publishing_failed() {
        assert_eq!(
            answer(Items::<Failed>::TestEvent, Ok(0)),
            Ok(json!({ "test_event": true, "alerts": 0 }))
        );
        assert_eq!(
            answer(Items::<Failed>::Unrecognised, Ok(1)),
            Ok(json!({ "alerts": 1 }))
        );
        assert_eq!(
            answer(Items::<Failed>::Unrecognised, Err(Failed::Publish)),
            Err(Failed::Publish)
        );
    }

    #[test]
    fn sqs_retries_only_the_messages_with_a_transient_object() {
        let items = Items::Sqs(vec![
            ("read".to_owned(), vec![Read, Skipped]),
            ("slow".to_owned(), vec![Read, Transient(Failed::Deadline)]),
            ("unusable".to_owned(), vec![gone()]),
            ("empty".to_owned(), vec![]),
            ("failed".to_owned(), vec![Transient(Failed::S3)]),
        ]);
        assert_eq!(
            answer(items, Ok(4)),
            Ok(json!({
                "batchItemFailures": [{ "itemIdentifier": "slow" }, { "itemIdentifier": "failed" }],
                "alerts": 4,
            }))
        );
    }

    #[test]
    fn sqs_fails_whole_when_publishing_failed() {
        let items = Items::Sqs(vec![("read".to_owned(), vec![Read])]);
        assert_eq!(answer(items, Err(Failed::Publish)), Err(Failed::Publish));
    }

    fn job(version: &str) -> Items<Failed> {
        Items::Batch {
            schema_version: version.to_owned(),
            invocation_id: "inv-1".to_owned(),
            tasks: vec![
                ("t-read".to_owned(), Read),
                ("t-skip".to_owned(), Skipped),
                ("t-gone".to_owned(), gone()),
                ("t-s3".to_owned(), Transient(Failed::S3)),
                ("t-late".to_owned(), Transient(Failed::Deadline)),
            ],
        }
    }

    fn results(answer: &Value) -> Vec<(String, String)> {
        answer["results"]
            .as_array()
            .map(|results| {
                results
                    .iter()
                    .map(|r| {
                        let field = |name: &str| r[name].as_str().unwrap_or_default().to_owned();
                        (field("taskId"), field("resultCode"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn batch_operations_get_a_result_per_task_in_both_schema_versions() {
        for version in ["1.0", "2.0"] {
            let answer = answer(job(version), Ok(3)).unwrap();
            assert_eq!(answer["invocationSchemaVersion"], version);
            assert_eq!(answer["invocationId"], "inv-1");
            assert_eq!(answer["treatMissingKeysAs"], "PermanentFailure");
            let want = [
                ("t-read", "Succeeded"),
                ("t-skip", "Succeeded"),
                ("t-gone", "PermanentFailure"),
                ("t-s3", "TemporaryFailure"),
                ("t-late", "TemporaryFailure"),
            ];
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(t, c)| (t.to_string(), c.to_string()))
                .collect();
            assert_eq!(results(&answer), want);
            assert_eq!(
                answer["results"][2]["resultString"],
                "the object does not exist"
            );
            assert_eq!(answer["results"][4]["resultString"], "Deadline failed");
        }
    }

    #[test]
    fn batch_operations_retry_every_task_when_publishing_failed() {
        for version in ["1.0", "2.0"] {
            let answer = answer(job(version), Err(Failed::Publish)).unwrap();
            let codes: Vec<String> = results(&answer).into_iter().map(|(_, c)| c).collect();
            assert_eq!(codes, vec!["TemporaryFailure"; 5]);
            assert_eq!(answer["results"][0]["resultString"], "Publish failed");
        }
    }
}
