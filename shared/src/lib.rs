//! bedrock-alerts: finds failures in Amazon Bedrock's own logs.
//!
//! The pipeline, one folder per stage: [`input`] turns bytes (gzip or plain, NDJSON,
//! concatenated or pretty-printed JSON) into documents; [`records`] recognises what each
//! document is (a model invocation record, a knowledge-base log event, a CloudWatch Logs or
//! Kinesis envelope); [`rules`] turns failures into [`Finding`]s; [`outputs`] groups them into
//! SNS alerts and prints them for people and programs. [`engine`] drives the stages over one
//! input. At the edge, [`triggers`] reads the events that start the S3 function, and the
//! adapters — [`aws`] (feature `aws`: S3 objects in, SNS alerts out) and [`lambda`] (feature
//! `lambda`) — are the only code that does I/O.

#[cfg(feature = "aws")]
pub mod aws;
pub mod config;
pub mod counts;
pub mod engine;
pub mod input;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod outputs;
pub mod records;
pub mod rules;
pub mod triggers;

pub use counts::Counts;
pub use engine::{Engine, InputReport, Limits, ReadOutcome};
pub use rules::finding::{Finding, Origin, Severity, Source};
pub use rules::policy::Policy;
