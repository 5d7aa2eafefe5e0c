//! Stage 4, outputs: findings turned into what people and programs read — grouped SNS
//! alerts, CLI lines and summaries, CloudWatch metrics.

pub mod alerts;
pub mod incidents;
pub mod lines;
pub mod metrics;
