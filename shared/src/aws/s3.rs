//! S3 as engine input: streams an object's body through the engine without buffering it,
//! and lists objects under a prefix for backfills.

use crate::collect::Collector;
use crate::engine::{Engine, InputReport};
use crate::finding::{Finding, Origin};
use crate::s3_key::ObjectRef;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::operation::get_object::{GetObjectError, GetObjectOutput};
use aws_sdk_s3::Client;
use tokio_util::io::SyncIoBridge;

/// A transient failure to fetch an object: worth a retry.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("GetObject {uri} failed: {detail}")]
    GetObject { uri: String, detail: String },
    #[error("reading {uri} failed: {detail}")]
    Read { uri: String, detail: String },
    #[error("ListObjectsV2 s3://{bucket}/{prefix} failed: {detail}")]
    List {
        bucket: String,
        prefix: String,
        detail: String,
    },
    #[error("the scan of {uri} stopped unexpectedly")]
    Worker { uri: String },
}

/// The result of scanning one object.
#[derive(Debug)]
pub struct ObjectScan {
    pub report: InputReport,
    /// What the object held, as kept by the collector passed in.
    pub findings: Collector,
    /// A permanent problem with the object (gone, corrupt, too large), as a finding.
    pub unreadable: Option<Finding>,
}

/// Fetches the object and streams it through the engine on a blocking thread, keeping the
/// findings in `collector`. Transient errors (the request or the body stream failing) are
/// `Err`, and what was found before them is dropped: the retry finds it again. Permanent
/// problems (missing object, corrupt data) become an UNREADABLE_INPUT finding.
pub async fn scan_object(
    client: &Client,
    engine: &Engine,
    object: &ObjectRef,
    mut collector: Collector,
) -> Result<ObjectScan, FetchError> {
    let uri = object.uri();
    let output = match get_object(client, object).await {
        Ok(output) => output,
        Err(GetFailure::Missing) => {
            let finding = Finding::unreadable(
                Origin::input(uri),
                "the object does not exist (deleted before it was read?)",
            );
            return Ok(ObjectScan {
                report: InputReport {
                    counts: Default::default(),
                    error: None,
                },
                findings: collector,
                unreadable: Some(finding),
            });
        }
        Err(GetFailure::Failed(detail)) => return Err(FetchError::GetObject { uri, detail }),
    };
    let reader = SyncIoBridge::new(output.body.into_async_read());
    let engine = engine.clone();
    let input = uri.clone();
    let (report, collector) = tokio::task::spawn_blocking(move || {
        let report = engine.scan_reader(&input, reader, &mut |f| collector.push(f));
        (report, collector)
    })
    .await
    .map_err(|_| FetchError::Worker { uri: uri.clone() })?;
    match &report.error {
        Some(error) if error.is_transient() => Err(FetchError::Read {
            uri,
            detail: error.to_string(),
        }),
        Some(error) => {
            let finding = Finding::unreadable(Origin::input(uri), error.to_string());
            Ok(ObjectScan {
                unreadable: Some(finding),
                findings: collector,
                report,
            })
        }
        None => Ok(ObjectScan {
            report,
            findings: collector,
            unreadable: None,
        }),
    }
}

enum GetFailure {
    Missing,
    Failed(String),
}

/// GetObject under the decoded key, then under the alternate spelling if that is missing.
async fn get_object(client: &Client, object: &ObjectRef) -> Result<GetObjectOutput, GetFailure> {
    let keys = std::iter::once(&object.key).chain(object.alternate_key.as_ref());
    for key in keys {
        let result = client
            .get_object()
            .bucket(&object.bucket)
            .key(key)
            .set_version_id(object.version_id.clone())
            .send()
            .await;
        match result {
            Ok(output) => return Ok(output),
            Err(error) if is_missing(&error) => continue,
            Err(error) => return Err(GetFailure::Failed(DisplayErrorContext(&error).to_string())),
        }
    }
    Err(GetFailure::Missing)
}

fn is_missing(error: &SdkError<GetObjectError>) -> bool {
    error
        .as_service_error()
        .is_some_and(GetObjectError::is_no_such_key)
        || error
            .raw_response()
            .is_some_and(|r| r.status().as_u16() == 404)
}

/// An object found by listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub object: ObjectRef,
    /// Last-modified time, seconds since the epoch.
    pub modified: Option<i64>,
}

/// Lists every object under `prefix` (all pages).
pub async fn list_objects(
    client: &Client,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<Listed>, FetchError> {
    let mut listed = Vec::new();
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| FetchError::List {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            detail: DisplayErrorContext(&error).to_string(),
        })?;
        for item in page.contents() {
            let Some(key) = item.key() else { continue };
            listed.push(Listed {
                object: ObjectRef {
                    bucket: bucket.to_owned(),
                    key: key.to_owned(),
                    alternate_key: None,
                    size: item.size().and_then(|s| u64::try_from(s).ok()),
                    version_id: None,
                },
                modified: item.last_modified().map(|t| t.secs()),
            });
        }
    }
    Ok(listed)
}
