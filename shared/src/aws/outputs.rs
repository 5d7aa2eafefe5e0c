//! Where alerts go: the alert topic always; when configured, the chat topic (each alert as
//! a chat notification) and an EventBridge bus (each alert as an event). Every output gets
//! every alert; a failure of any of them fails the delivery, so the invocation fails and
//! Lambda retries it (the alert topic may then see an alert twice, with the same id: FIFO
//! topics drop the copy).

use super::eventbridge::BusPublisher;
use super::publish::PublishError;
use super::sns::Publisher;
use super::{eventbridge_client, sns_client, SdkConfig};
use crate::config::DeliveryConfig;
use crate::outputs::alerts::AlertMessage;
use crate::outputs::chat::Notification;
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub struct Outputs {
    topic: Publisher,
    chat: Option<Publisher>,
    bus: Option<BusPublisher>,
}

impl Outputs {
    pub fn new(sdk: &SdkConfig, config: &DeliveryConfig) -> Outputs {
        let attempts = config.publish_max_attempts;
        Outputs {
            topic: Publisher::new(sns_client(sdk), config.topic_arn.clone(), attempts),
            chat: config.chat_topic_arn.as_ref().map(|arn| {
                Publisher::new(sns_client(sdk), arn.clone(), attempts)
                    .unstructured("the chat topic")
            }),
            bus: config
                .event_bus
                .as_ref()
                .map(|bus| BusPublisher::new(eventbridge_client(sdk), bus.clone(), attempts)),
        }
    }

    /// Publishes every alert to every output, none past `deadline`: the number of alerts,
    /// or the first output's error (the others' are logged).
    pub async fn publish_until(
        &self,
        alerts: &[AlertMessage],
        deadline: Option<Instant>,
    ) -> Result<usize, PublishError> {
        let mut results = vec![self.topic.publish_until(alerts, deadline).await];
        if let Some(chat) = &self.chat {
            let messages: Vec<AlertMessage> = alerts.iter().map(Notification::message).collect();
            results.push(chat.publish_until(&messages, deadline).await);
        }
        if let Some(bus) = &self.bus {
            results.push(bus.publish_until(alerts, deadline).await);
        }
        let mut errors = results.into_iter().filter_map(Result::err);
        let Some(first) = errors.next() else {
            return Ok(alerts.len());
        };
        for other in errors {
            tracing::error!(error = %other, "an output failed too");
        }
        Err(first)
    }
}
