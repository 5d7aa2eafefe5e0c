//! Lambda function: S3 log objects (notifications, EventBridge, SQS, S3 Batch Operations) → alerts on SNS.

mod handler;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    bedrock_alerts::lambda::serve(handler::handle).await
}
