//! Stage 4, outputs: findings turned into what people and programs read — grouped SNS
//! alerts, chat notifications, CLI lines and summaries, CloudWatch metrics.

pub mod alerts;
pub mod chat;
pub mod incidents;
pub mod lines;
pub mod metrics;
