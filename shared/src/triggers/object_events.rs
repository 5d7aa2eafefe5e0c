//! Trigger envelopes of the S3 processor: direct S3 notifications, the `s3:TestEvent`,
//! EventBridge "Object Created" events, SQS batches (bodies holding S3 notifications or SNS
//! envelopes around them) and S3 Batch Operations jobs. Lenient: any `eventVersion`, extra
//! fields, missing optional parts.

use crate::records::fields::{integer, text};
use crate::triggers::object_ref::ObjectRef;
use serde_json::Value;

/// Why (part of) an envelope cannot be used. Permanent: retrying will not help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("{0} is not valid JSON")]
    NotJson(&'static str),
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("not an S3 notification, EventBridge, SQS or S3 Batch Operations event")]
    Unrecognised,
}

/// What an S3 notification (however delivered) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// Objects to read; a record that names no object is an error in its place.
    Objects(Vec<Result<ObjectRef, EnvelopeError>>),
    /// Sent once when a notification is configured; nothing to do.
    TestEvent,
}

/// One SQS message of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsRecord {
    pub message_id: String,
    pub notification: Result<Notification, EnvelopeError>,
}

/// One task of an S3 Batch Operations job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchTask {
    pub task_id: String,
    pub object: Result<ObjectRef, EnvelopeError>,
}

/// An S3 Batch Operations "Invoke Lambda function" event (schema 1.0 or 2.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchJob {
    pub schema_version: String,
    pub invocation_id: String,
    pub tasks: Vec<BatchTask>,
}

/// The S3 processor's event, by shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    Notification(Notification),
    Sqs(Vec<SqsRecord>),
    BatchOperations(BatchJob),
    /// The scheduled flush of the incident state table: `{"bedrock_alerts": "flush"}`.
    Flush,
}

/// The input the flush schedule sends: `{"bedrock_alerts": "flush"}`.
pub const FLUSH_FIELD: &str = "bedrock_alerts";

/// Recognises the event shape.
pub fn parse_trigger(event: &Value) -> Result<Trigger, EnvelopeError> {
    if event.get(FLUSH_FIELD).and_then(Value::as_str) == Some("flush") {
        return Ok(Trigger::Flush);
    }
    if event.get("invocationSchemaVersion").is_some() && event.get("tasks").is_some() {
        return Ok(Trigger::BatchOperations(parse_batch(event)));
    }
    let records = event.get("Records").and_then(Value::as_array);
    if let Some(records) = records.filter(|r| r.first().is_some_and(is_sqs_record)) {
        return Ok(Trigger::Sqs(records.iter().map(parse_sqs_record).collect()));
    }
    parse_notification(event).map(Trigger::Notification)
}

fn is_sqs_record(record: &Value) -> bool {
    record.get("eventSource").and_then(Value::as_str) == Some("aws:sqs")
        || (record.get("messageId").is_some() && record.get("body").is_some())
}

fn parse_sqs_record(record: &Value) -> SqsRecord {
    let message_id = text(record.get("messageId")).unwrap_or_default();
    let notification = match record.get("body").and_then(Value::as_str) {
        None => Err(EnvelopeError::Missing("SQS message body")),
        Some(body) => serde_json::from_str::<Value>(body)
            .map_err(|_| EnvelopeError::NotJson("SQS message body"))
            .and_then(|body| parse_notification(&body)),
    };
    SqsRecord {
        message_id,
        notification,
    }
}

/// An S3 notification, EventBridge event, test event, or an SNS envelope around one.
pub fn parse_notification(value: &Value) -> Result<Notification, EnvelopeError> {
    if value.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Ok(Notification::TestEvent);
    }
    if value.get("Type").and_then(Value::as_str) == Some("Notification") {
        let message = value
            .get("Message")
            .and_then(Value::as_str)
            .ok_or(EnvelopeError::Missing("SNS Message"))?;
        let inner: Value =
            serde_json::from_str(message).map_err(|_| EnvelopeError::NotJson("SNS Message"))?;
        return parse_notification(&inner);
    }
    if value.get("source").and_then(Value::as_str) == Some("aws.s3")
        && value.get("detail").is_some()
    {
        return Ok(Notification::Objects(vec![parse_eventbridge(value)]));
    }
    if let Some(records) = value.get("Records").and_then(Value::as_array) {
        let objects = records
            .iter()
            .filter(|r| is_object_created(r))
            .map(parse_s3_record)
            .collect();
        return Ok(Notification::Objects(objects));
    }
    Err(EnvelopeError::Unrecognised)
}

/// Records for other event types (deletes, restores) are not ours to read.
fn is_object_created(record: &Value) -> bool {
    record
        .get("eventName")
        .and_then(Value::as_str)
        .is_none_or(|name| name.trim_start_matches("s3:").starts_with("ObjectCreated"))
}

fn parse_s3_record(record: &Value) -> Result<ObjectRef, EnvelopeError> {
    let s3 = record.get("s3").ok_or(EnvelopeError::Missing("s3"))?;
    let bucket =
        text(s3.pointer("/bucket/name")).ok_or(EnvelopeError::Missing("s3.bucket.name"))?;
    let key = text(s3.pointer("/object/key")).ok_or(EnvelopeError::Missing("s3.object.key"))?;
    let size = integer(s3.pointer("/object/size")).and_then(|s| u64::try_from(s).ok());
    let mut object = ObjectRef::from_encoded(&bucket, &key, size);
    object.version_id = text(s3.pointer("/object/versionId"));
    Ok(object)
}

fn parse_eventbridge(event: &Value) -> Result<ObjectRef, EnvelopeError> {
    let detail = event
        .get("detail")
        .ok_or(EnvelopeError::Missing("detail"))?;
    let bucket =
        text(detail.pointer("/bucket/name")).ok_or(EnvelopeError::Missing("detail.bucket.name"))?;
    let key =
        text(detail.pointer("/object/key")).ok_or(EnvelopeError::Missing("detail.object.key"))?;
    let size = integer(detail.pointer("/object/size")).and_then(|s| u64::try_from(s).ok());
    // Whether EventBridge encodes keys is not documented: try decoded, then as given.
    let mut object = ObjectRef::from_encoded(&bucket, &key, size);
    object.version_id = text(detail.pointer("/object/version-id"));
    Ok(object)
}

fn parse_batch(event: &Value) -> BatchJob {
    let tasks = event
        .get("tasks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|task| BatchTask {
            task_id: text(task.get("taskId")).unwrap_or_default(),
            object: parse_batch_task(task),
        })
        .collect();
    BatchJob {
        schema_version: text(event.get("invocationSchemaVersion")).unwrap_or_default(),
        invocation_id: text(event.get("invocationId")).unwrap_or_default(),
        tasks,
    }
}

fn parse_batch_task(task: &Value) -> Result<ObjectRef, EnvelopeError> {
    // Schema 2.0 names the bucket; 1.0 gives its ARN.
    let bucket = text(task.get("s3Bucket"))
        .or_else(|| {
            text(task.get("s3BucketArn"))
                .and_then(|arn| arn.rsplit(':').next().map(str::to_owned))
                .filter(|b| !b.is_empty())
        })
        .ok_or(EnvelopeError::Missing("task s3Bucket / s3BucketArn"))?;
    let key = text(task.get("s3Key")).ok_or(EnvelopeError::Missing("task s3Key"))?;
    let mut object = ObjectRef::from_encoded(&bucket, &key, None);
    object.version_id = text(task.get("s3VersionId"));
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn notification(key: &str) -> Value {
        json!({"Records": [{
            "eventVersion": "2.3", "eventSource": "aws:s3", "eventName": "ObjectCreated:CompleteMultipartUpload",
            "awsGeneratedTags": {},
            "s3": {"bucket": {"name": "logs"}, "object": {"key": key, "size": 12}}
        }]})
    }

    fn objects(trigger: Trigger) -> Vec<ObjectRef> {
        match trigger {
            Trigger::Notification(Notification::Objects(objects)) => {
                objects.into_iter().map(Result::unwrap).collect()
            }
            other => panic!("not objects: {other:?}"),
        }
    }

    #[test]
    fn direct_notification_with_an_encoded_key() {
        let got = objects(parse_trigger(&notification("kb+logs%2B2026/x%3D1.json.gz")).unwrap());
        assert_eq!(got[0].bucket, "logs");
        assert_eq!(got[0].key, "kb logs+2026/x=1.json.gz");
        assert_eq!(got[0].size, Some(12));
    }

    #[test]
    fn delete_records_are_ignored() {
        let event = json!({"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]});
        assert!(objects(parse_trigger(&event).unwrap()).is_empty());
    }

    #[test]
    fn missing_bucket_or_key_is_an_error_in_place() {
        let event = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "k"}}}]});
        match parse_trigger(&event).unwrap() {
            Trigger::Notification(Notification::Objects(objects)) => {
                assert_eq!(objects, vec![Err(EnvelopeError::Missing("s3.bucket.name"))]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn test_event_and_eventbridge() {
        let test = json!({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"});
        assert_eq!(
            parse_trigger(&test).unwrap(),
            Trigger::Notification(Notification::TestEvent)
        );
        let eventbridge = json!({"version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "detail": {"bucket": {"name": "b"}, "object": {"key": "a/b.json.gz", "size": 5, "etag": "e"}}});
        let got = objects(parse_trigger(&eventbridge).unwrap());
        assert_eq!(got[0].key, "a/b.json.gz");
    }

    #[test]
    fn sqs_bodies_hold_notifications_or_sns_envelopes() {
        let sns = json!({"Type": "Notification", "Message": notification("a.json.gz").to_string()});
        let event = json!({"Records": [
            {"messageId": "m1", "eventSource": "aws:sqs", "body": notification("x.json.gz").to_string()},
            {"messageId": "m2", "eventSource": "aws:sqs", "body": sns.to_string()},
            {"messageId": "m3", "eventSource": "aws:sqs", "body": "garbage"},
            {"messageId": "m4", "eventSource": "aws:sqs", "body": json!({"Event": "s3:TestEvent"}).to_string()},
        ]});
        let Trigger::Sqs(records) = parse_trigger(&event).unwrap() else {
            panic!("not SQS")
        };
        assert_eq!(records.len(), 4);
        assert!(matches!(&records[0].notification, Ok(Notification::Objects(o)) if o.len() == 1));
        assert!(
            matches!(&records[1].notification, Ok(Notification::Objects(o)) if o[0].as_ref().unwrap().key == "a.json.gz")
        );
        assert_eq!(
            records[2].notification,
            Err(EnvelopeError::NotJson("SQS message body"))
        );
        assert_eq!(records[3].notification, Ok(Notification::TestEvent));
        assert_eq!(records[2].message_id, "m3");
    }

    #[test]
    fn batch_operations_schema_one_and_two() {
        let v1 = json!({"invocationSchemaVersion": "1.0", "invocationId": "inv", "job": {"id": "j"},
            "tasks": [{"taskId": "t1", "s3Key": "a+b.json.gz", "s3VersionId": null, "s3BucketArn": "arn:aws:s3:::logs"}]});
        let Trigger::BatchOperations(job) = parse_trigger(&v1).unwrap() else {
            panic!()
        };
        assert_eq!(job.schema_version, "1.0");
        let object = job.tasks[0].object.as_ref().unwrap();
        assert_eq!(
            (object.bucket.as_str(), object.key.as_str()),
            ("logs", "a b.json.gz")
        );
        let v2 = json!({"invocationSchemaVersion": "2.0", "invocationId": "inv", "job": {"id": "j", "userArguments": {}},
            "tasks": [{"taskId": "t1", "s3Key": "k", "s3Bucket": "logs2"}, {"taskId": "t2"}]});
        let Trigger::BatchOperations(job) = parse_trigger(&v2).unwrap() else {
            panic!()
        };
        assert_eq!(job.tasks[0].object.as_ref().unwrap().bucket, "logs2");
        assert!(job.tasks[1].object.is_err());
    }

    #[test]
    fn the_flush_schedule_s_input_is_a_flush() {
        assert_eq!(
            parse_trigger(&json!({"bedrock_alerts": "flush"})),
            Ok(Trigger::Flush)
        );
        assert_eq!(
            parse_trigger(&json!({"bedrock_alerts": "other"})),
            Err(EnvelopeError::Unrecognised)
        );
    }

    #[test]
    fn unknown_events_are_recognised_as_such() {
        assert_eq!(
            parse_trigger(&json!({"hello": 1})),
            Err(EnvelopeError::Unrecognised)
        );
    }
}
