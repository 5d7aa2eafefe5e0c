//! Lambda function: EventBridge events (Bedrock job state changes, this stack's alarm state
//! changes) → alerts on SNS.

mod handler;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    bedrock_alerts::lambda::serve(handler::handle).await
}
