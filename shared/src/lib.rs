//! bedrock-alerts: finds failures in Amazon Bedrock's own logs.
//!
//! The engine reads bytes (gzip or plain, NDJSON or concatenated JSON, CloudWatch Logs
//! payloads), recognises model invocation records and knowledge-base application log events,
//! and turns failures into [`Finding`]s. [`render`] prints findings for people and programs;
//! [`alert`] turns them into SNS messages. Decoding, classification and rendering are pure;
//! the AWS adapters (feature `aws`) read S3 objects and publish to SNS.

pub mod alert;
#[cfg(feature = "aws")]
pub mod aws;
pub mod collect;
pub mod config;
pub mod cwlogs;
pub mod decode;
pub mod document;
pub mod engine;
pub mod fields;
pub mod finding;
pub mod framing;
pub mod invocation;
pub mod knowledge_base;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod metrics;
pub mod policy;
pub mod precheck;
mod readahead;
pub mod render;
pub mod s3_event;
pub mod s3_key;

pub use engine::{Counts, Engine, InputReport, Limits};
pub use finding::{Finding, Origin, Severity, Source};
pub use policy::Policy;
