//! One invocation: one EventBridge event.
//!
//! - A CloudWatch alarm state change becomes one alert of our schema (`source: alarm`),
//!   with the models behind it when the alarm is on a Bedrock metric (asked of CloudWatch
//!   within the read budget; left out, and said so, when that fails). `OK` is sent as
//!   `kind: resolved`; other transitions are not sent.
//! - Anything else goes through the engine, which classifies Bedrock job events and counts
//!   every other event as an unknown document (no alert, no error).

use bedrock_alerts::aws::bedrock_metrics::top_models;
use bedrock_alerts::lambda::{Budget, FunctionError, Services};
use bedrock_alerts::outputs::alerts::{render_alarm, TopModels};
use bedrock_alerts::triggers::alarm_change::{self, AlarmChange, Notice};
use bedrock_alerts::Counts;
use lambda_runtime::LambdaEvent;
use serde_json::{json, Value};

pub async fn handle(
    services: &Services,
    event: LambdaEvent<Value>,
) -> Result<Value, FunctionError> {
    let budget = services.budget(event.context.deadline());
    match alarm_change::parse(&event.payload) {
        Some(Ok(change)) => alarm(services, &change, &budget).await,
        Some(Err(incomplete)) => {
            tracing::warn!(error = %incomplete, "ignored an alarm state change");
            let counts = Counts {
                unknown_documents: 1,
                ..Counts::default()
            };
            let sent = services.deliver_as_is(&counts, &[], &budget).await?;
            Ok(json!({ "alerts": sent }))
        }
        None => {
            // Named after the EventBridge event, which keeps its id when delivered again:
            // a finding without a time is still the same finding (and alert id) then.
            let input = match event.payload.get("id").and_then(Value::as_str) {
                Some(id) => format!("eventbridge:{id}"),
                None => format!("lambda-event:{}", event.context.request_id),
            };
            let bytes = serde_json::to_vec(&event.payload).unwrap_or_default();
            let unknown = "ignored an event that is not a Bedrock job event bedrock-alerts knows";
            services.scan_event(&input, bytes, &budget, unknown).await
        }
    }
}

async fn alarm(
    services: &Services,
    change: &AlarmChange,
    budget: &Budget,
) -> Result<Value, FunctionError> {
    let Some(notice) = change.notice() else {
        tracing::info!(alarm = %change.name, state = %change.state, "alarm state not sent");
        let sent = services
            .deliver_as_is(&Counts::default(), &[], budget)
            .await?;
        return Ok(json!({ "alerts": sent }));
    };
    // The models matter while the alarm fires; a resolution needs no lookup.
    let top = match (&change.bedrock_metric, notice) {
        (None, _) | (_, Notice::Resolved) => TopModels::NotApplicable,
        (Some(metric), Notice::Fired) => {
            top_models(
                &services.cloudwatch,
                metric,
                change.window,
                budget.read_until,
            )
            .await
        }
    };
    if let TopModels::Unavailable(why) = &top {
        tracing::warn!(alarm = %change.name, error = %why, "models behind the alarm left out");
    }
    let alert = render_alarm(change, notice, &top, &services.config.delivery.alerts);
    let sent = services
        .deliver_as_is(&Counts::default(), &[alert], budget)
        .await?;
    Ok(json!({ "alerts": sent }))
}
