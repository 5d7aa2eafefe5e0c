//! Which models an alarm on a Bedrock metric is about: `ListMetrics` finds the models that
//! reported the metric lately (dimension `ModelId`), `GetMetricData` sums it per model over
//! the alarm's window. Calls grow with models (500 per page), never with records.

use crate::outputs::alerts::{TopModels, TOP_MODELS};
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, RecentlyActive};
use aws_sdk_cloudwatch::Client;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use tokio::time::Instant;

/// The namespace of Bedrock's own metrics.
pub const BEDROCK_NAMESPACE: &str = "AWS/Bedrock";
const MODEL_ID: &str = "ModelId";
/// Models looked at, at most: the queries `GetMetricData` takes in one call.
const MAX_MODELS: usize = 500;

/// Why the models could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("ListMetrics failed: {0}")]
    List(String),
    #[error("GetMetricData failed: {0}")]
    Data(String),
}

/// The models with the most of `metric` in `window`, largest first, or why CloudWatch could
/// not say (also when it has not answered by `deadline`).
pub async fn top_models(
    client: &Client,
    metric: &str,
    window: (DateTime<Utc>, DateTime<Utc>),
    deadline: Instant,
) -> TopModels {
    match tokio::time::timeout_at(deadline, sums_by_model(client, metric, window)).await {
        Ok(Ok(sums)) => TopModels::Found(largest(sums)),
        Ok(Err(error)) => TopModels::Unavailable(error.to_string()),
        Err(_) => TopModels::Unavailable("CloudWatch did not answer in time".to_owned()),
    }
}

async fn sums_by_model(
    client: &Client,
    metric: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<BTreeMap<String, f64>, LookupError> {
    let models = models_with(client, metric).await?;
    if models.is_empty() {
        return Ok(BTreeMap::new());
    }
    let queries: Vec<MetricDataQuery> = models
        .iter()
        .enumerate()
        .map(|(index, model)| query(index, metric, model))
        .collect();
    let mut sums = BTreeMap::new();
    let mut next_token = None;
    loop {
        let page = client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.clone()))
            .start_time(minute_floor(start))
            .end_time(minute_ceil(end))
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|error| LookupError::Data(error_text(&error)))?;
        for result in page.metric_data_results() {
            let model = result
                .id()
                .and_then(|id| id.strip_prefix('m'))
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| models.get(index));
            if let Some(model) = model {
                let sum: f64 = result.values().iter().sum();
                *sums.entry(model.clone()).or_insert(0.0) += sum;
            }
        }
        next_token = page.next_token().map(str::to_owned);
        if next_token.is_none() {
            return Ok(sums);
        }
    }
}

/// The models that reported `metric` in the last three hours (dimension `ModelId` alone),
/// at most [`MAX_MODELS`], following `ListMetrics`' pages.
async fn models_with(client: &Client, metric: &str) -> Result<Vec<String>, LookupError> {
    let mut models = Vec::new();
    let mut next_token = None;
    loop {
        let page = client
            .list_metrics()
            .namespace(BEDROCK_NAMESPACE)
            .metric_name(metric)
            .recently_active(RecentlyActive::Pt3H)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|error| LookupError::List(error_text(&error)))?;
        models.extend(
            page.metrics()
                .iter()
                .filter_map(|listed| match listed.dimensions() {
                    [only] if only.name() == Some(MODEL_ID) => only.value().map(str::to_owned),
                    _ => None,
                }),
        );
        next_token = page.next_token().map(str::to_owned);
        if next_token.is_none() || models.len() >= MAX_MODELS {
            models.truncate(MAX_MODELS);
            return Ok(models);
        }
    }
}

/// One model's sum per minute; ids are `m<index>` (query ids must start with a letter).
fn query(index: usize, metric: &str, model: &str) -> MetricDataQuery {
    let dimension = Dimension::builder().name(MODEL_ID).value(model).build();
    let metric = Metric::builder()
        .namespace(BEDROCK_NAMESPACE)
        .metric_name(metric)
        .dimensions(dimension)
        .build();
    let stat = MetricStat::builder()
        .metric(metric)
        .period(60)
        .stat("Sum")
        .build();
    MetricDataQuery::builder()
        .id(format!("m{index}"))
        .metric_stat(stat)
        .return_data(true)
        .build()
}

/// The models with a positive sum, largest first (ties by name), at most [`TOP_MODELS`].
fn largest(sums: BTreeMap<String, f64>) -> Vec<(String, f64)> {
    let mut models: Vec<(String, f64)> = sums.into_iter().filter(|(_, sum)| *sum > 0.0).collect();
    models.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    models.truncate(TOP_MODELS);
    models
}

fn minute_floor(time: DateTime<Utc>) -> aws_sdk_cloudwatch::primitives::DateTime {
    aws_sdk_cloudwatch::primitives::DateTime::from_secs(time.timestamp().div_euclid(60) * 60)
}

fn minute_ceil(time: DateTime<Utc>) -> aws_sdk_cloudwatch::primitives::DateTime {
    let secs = time.timestamp();
    aws_sdk_cloudwatch::primitives::DateTime::from_secs(
        secs.div_euclid(60) * 60
            + 60 * i64::from(secs.rem_euclid(60) > 0 || time.timestamp_subsec_nanos() > 0),
    )
}

/// The error's code and message as the service gave them, or its display text.
fn error_text<E, R>(error: &aws_sdk_cloudwatch::error::SdkError<E, R>) -> String
where
    E: aws_sdk_cloudwatch::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let service = error.as_service_error();
    match (
        service.and_then(|e| e.code()),
        service.and_then(|e| e.message()),
    ) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => aws_sdk_cloudwatch::error::DisplayErrorContext(error).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_first_positive_only_at_most_five() {
        let sums: BTreeMap<String, f64> = [
            ("a", 1.0),
            ("b", 9.0),
            ("c", 0.0),
            ("d", 3.0),
            ("e", 3.0),
            ("f", 2.0),
            ("g", 5.0),
        ]
        .into_iter()
        .map(|(m, v)| (m.to_owned(), v))
        .collect();
        let top = largest(sums);
        let names: Vec<&str> = top.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(names, ["b", "g", "d", "e", "f"]);
    }

    #[test]
    fn the_window_is_widened_to_whole_minutes() {
        let time = DateTime::parse_from_rfc3339("2026-11-20T14:10:30Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(minute_floor(time).secs() % 60, 0);
        assert_eq!(minute_ceil(time).secs() - minute_floor(time).secs(), 60);
        let whole = DateTime::parse_from_rfc3339("2026-11-20T14:10:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(minute_ceil(whole), minute_floor(whole));
    }
}
