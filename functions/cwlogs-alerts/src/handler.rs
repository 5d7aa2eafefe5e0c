//! One invocation: the event's payloads through the engine, then alerts to SNS.
//!
//! The event is a CloudWatch Logs subscription event (`awslogs.data`) or a Kinesis event
//! whose records carry subscription data; the engine recognises both, decodes them
//! (base64, any number of gzip members, capped) and skips control messages.

use bedrock_alerts::lambda::{FunctionError, Services};
use lambda_runtime::LambdaEvent;
use serde_json::{json, Value};

pub async fn handle(
    services: &Services,
    event: LambdaEvent<Value>,
) -> Result<Value, FunctionError> {
    let input = format!("lambda-event:{}", event.context.request_id);
    // Serializing a JSON value cannot fail.
    let bytes = serde_json::to_vec(&event.payload).unwrap_or_default();
    let mut collector = services.collector();
    let report = services
        .engine
        .scan_bytes(&input, &bytes, &mut |f| collector.push(f));
    let counts = report.counts;
    if counts.unknown_documents > 0 {
        tracing::warn!("ignored an event that is neither a CloudWatch Logs nor a Kinesis event");
    }
    let budget = services.budget(event.context.deadline());
    let sent = services.deliver(&counts, &collector, &budget).await?;
    Ok(json!({ "findings": collector.findings(), "alerts": sent }))
}
