//! Stage 2, records: a framed document recognised as what it is (an invocation record, a
//! knowledge-base log event, a CloudWatch Logs or Kinesis envelope) and its fields read.

pub mod document;
pub mod envelope;
pub mod fields;
pub mod log_events;
