//! One invocation: the event's payloads through the engine, then alerts to SNS.
//!
//! The event is a CloudWatch Logs subscription event (`awslogs.data`) or a Kinesis event
//! whose records carry subscription data; the engine recognises both, decodes them
//! (base64, any number of gzip members, capped) and skips control messages.

use bedrock_alerts::lambda::{FunctionError, Services};
use lambda_runtime::LambdaEvent;
use serde_json::value::RawValue;
use serde_json::Value;

/// The event arrives as the runtime read it (checked to be JSON, nothing parsed into
/// values), and the engine frames those very bytes.
pub async fn handle(
    services: &Services,
    event: LambdaEvent<Box<RawValue>>,
) -> Result<Value, FunctionError> {
    let input = format!("lambda-event:{}", event.context.request_id);
    let bytes = Box::<str>::from(event.payload)
        .into_boxed_bytes()
        .into_vec();
    let budget = services.budget(event.context.deadline());
    services
        .scan_event(
            &input,
            bytes,
            &budget,
            "ignored an event that is neither a CloudWatch Logs nor a Kinesis event",
        )
        .await
}
