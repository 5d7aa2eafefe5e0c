//! AWS adapters (feature `aws`): S3 objects as engine input, SNS topics and an EventBridge
//! bus as the alert outputs, DynamoDB for incident state, CloudWatch for the models behind
//! an alarm.
//! Standard AWS configuration applies (profiles, region, `AWS_ENDPOINT_URL`).

pub mod bedrock_metrics;
pub mod delivery;
pub mod eventbridge;
pub mod outputs;
pub mod publish;
pub mod s3;
pub mod sns;
pub mod state;
pub mod suppression;

pub use aws_config::SdkConfig;
pub use {aws_sdk_cloudwatch, aws_sdk_dynamodb, aws_sdk_eventbridge, aws_sdk_s3, aws_sdk_sns};

use aws_config::BehaviorVersion;

/// Loads the standard AWS configuration chain.
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// An S3 client; path-style addressing for S3-compatible endpoints (e.g. on `localhost`).
pub fn s3_client(config: &SdkConfig, force_path_style: bool) -> aws_sdk_s3::Client {
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(force_path_style)
        .build();
    aws_sdk_s3::Client::from_conf(s3_config)
}

/// An SNS client.
pub fn sns_client(config: &SdkConfig) -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::new(config)
}

/// An EventBridge client (the alert bus).
pub fn eventbridge_client(config: &SdkConfig) -> aws_sdk_eventbridge::Client {
    aws_sdk_eventbridge::Client::new(config)
}

/// A DynamoDB client (the incident state table).
pub fn dynamodb_client(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}
