//! Lambda function: CloudWatch Logs subscription (and Kinesis) payloads → alerts on SNS.

mod handler;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    bedrock_alerts::lambda::serve(handler::handle).await
}
