//! Stage 3, rules: what counts as a failure in a record or a Bedrock job event (the
//! classifiers and the policy that sets severities) and the finding that reports it.

pub mod finding;
pub mod invocation;
pub mod job;
pub mod knowledge_base;
pub mod policy;
pub mod precheck;
