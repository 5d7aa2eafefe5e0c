//! Delivery: an invocation's (or a scan's) grouped findings turned into alerts and
//! published. The functions and the CLI's `--publish` share it, so what is sent, and how,
//! is decided in one place.

use super::sns::{PublishError, Publisher};
use crate::config::DeliveryConfig;
use crate::outputs::alerts::{alerts_for, Collector};
use aws_sdk_sns::Client;
use tokio::time::Instant;

/// Where alerts go and how findings become alerts.
#[derive(Debug)]
pub struct Delivery {
    config: DeliveryConfig,
    publisher: Publisher,
}

impl Delivery {
    pub fn new(sns: Client, config: DeliveryConfig) -> Delivery {
        let publisher = Publisher::new(sns, config.topic_arn.clone(), config.publish_max_attempts);
        Delivery { config, publisher }
    }

    /// An empty collector for findings to deliver: those below the minimum severity are
    /// left out, and each alert lists its first `items_per_alert` findings.
    pub fn collector(&self) -> Collector {
        Collector::new(self.config.min_severity, self.config.alerts.items_per_alert)
    }

    /// Publishes one alert per group (and a summary past the cap); no SNS call or backoff
    /// runs past `deadline`. The number of alerts sent, or why some were not.
    pub async fn deliver(
        &self,
        collector: &Collector,
        deadline: Option<Instant>,
    ) -> Result<usize, PublishError> {
        let alerts = alerts_for(collector, &self.config.alerts);
        self.publisher.publish_until(&alerts, deadline).await
    }

    pub fn topic_arn(&self) -> &str {
        &self.config.topic_arn
    }
}
