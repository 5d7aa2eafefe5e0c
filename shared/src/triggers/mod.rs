//! At the edge, triggers: the events that start the S3 function (S3 notifications, SQS,
//! EventBridge, Batch Operations), read into the objects they name, and the alarm state
//! changes that start the events function.

pub mod alarm_change;
pub mod object_events;
pub mod object_ref;
#[cfg(feature = "lambda")]
pub mod response;
