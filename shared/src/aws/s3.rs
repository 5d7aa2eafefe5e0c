//! S3 as engine input: streams an object's body through the engine without buffering it,
//! and lists objects under a prefix for backfills.

use crate::engine::{Engine, InputReport, ReadOutcome};
use crate::outputs::alerts::Collector;
use crate::rules::finding::Finding;
use crate::triggers::object_ref::ObjectRef;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::operation::get_object::{GetObjectError, GetObjectOutput};
use aws_sdk_s3::Client;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::{Instant, Sleep};
use tokio_util::io::SyncIoBridge;

/// Why a denied object is reported rather than retried, and what would fix it.
const ACCESS_DENIED: &str = "access denied (HTTP 403) under every spelling of the key: the \
function's role needs s3:GetObject (and s3:GetObjectVersion for a versioned object) on it, \
kms:Decrypt when it is encrypted with a KMS key, and s3:ListBucket on the bucket so that a \
deleted object reads as missing rather than denied";

/// Where an object's findings go while its body streams through the engine (on a blocking
/// thread, hence `Send + 'static`).
pub trait FindingSink: Send + 'static {
    fn accept(&mut self, finding: Finding);
}

impl FindingSink for Collector {
    fn accept(&mut self, finding: Finding) {
        self.push(finding);
    }
}

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
    #[error("GetObject {uri} did not answer before the invocation's deadline")]
    OutOfTime { uri: String },
}

/// The result of scanning one object.
#[derive(Debug)]
pub struct ObjectScan<S> {
    /// What was read, and whether the object was permanently unreadable (gone, denied,
    /// corrupt, too large; then its finding is in `findings`).
    pub report: InputReport,
    /// The sink passed in, holding what the object held.
    pub findings: S,
}

/// Fetches the object and streams it through the engine on a blocking thread, passing the
/// findings to `sink`. Transient errors (the request or the body stream failing, or
/// `deadline` passing first) are `Err`, and what was found before them is dropped: the
/// retry finds it again. Permanent problems (missing or denied object, corrupt data) become
/// an UNREADABLE_INPUT finding in the sink.
pub async fn scan_object<S: FindingSink>(
    client: &Client,
    engine: &Engine,
    object: &ObjectRef,
    mut sink: S,
    deadline: Option<Instant>,
) -> Result<ObjectScan<S>, FetchError> {
    let uri = object.uri();
    let fetched = match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, get_object(client, object))
            .await
            .map_err(|_| FetchError::OutOfTime { uri: uri.clone() })?,
        None => get_object(client, object).await,
    };
    let body = match fetched {
        Ok(output) => Ok(SyncIoBridge::new(Deadlined {
            inner: Box::pin(output.body.into_async_read()),
            deadline: deadline.map(|at| Box::pin(tokio::time::sleep_until(at))),
        })),
        Err(GetFailure::Failed(detail)) => return Err(FetchError::GetObject { uri, detail }),
        Err(GetFailure::Denied) => Err(ACCESS_DENIED),
        Err(GetFailure::Missing) => Err("the object does not exist (deleted before it was read?)"),
    };
    let engine = engine.clone();
    let input = uri.clone();
    // Sinks may block (the CLI's waits for its printer), so they only ever run here.
    let (report, sink) = tokio::task::spawn_blocking(move || {
        let mut accept = |finding| sink.accept(finding);
        let report = match body {
            Ok(reader) => engine.scan_reader(&input, reader, &mut accept),
            Err(reason) => engine.unreadable(&input, reason, &mut accept),
        };
        (report, sink)
    })
    .await
    .map_err(|_| FetchError::Worker { uri: uri.clone() })?;
    match report.outcome {
        ReadOutcome::Interrupted(error) => Err(FetchError::Read {
            uri,
            detail: error.to_string(),
        }),
        _ => Ok(ObjectScan {
            report,
            findings: sink,
        }),
    }
}

/// An object body that fails with `TimedOut` once the deadline passes, also while it waits
/// for bytes that do not come.
struct Deadlined<R> {
    inner: Pin<Box<R>>,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<R: AsyncRead> AsyncRead for Deadlined<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(deadline) = self.deadline.as_mut() {
            if deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the invocation's deadline came before the object was read to the end",
                )));
            }
        }
        self.inner.as_mut().poll_read(cx, buf)
    }
}

enum GetFailure {
    Missing,
    /// 403 under every spelling of the key.
    Denied,
    Failed(String),
}

/// GetObject under the decoded key, then under the alternate spelling if that is missing or
/// denied. Without s3:ListBucket S3 answers 403 for a missing key, so a 403 is decided only
/// once every spelling has been tried: missing if any spelling was 404, else denied.
async fn get_object(client: &Client, object: &ObjectRef) -> Result<GetObjectOutput, GetFailure> {
    let keys = std::iter::once(&object.key).chain(object.alternate_key.as_ref());
    let mut failure = GetFailure::Denied;
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
            Err(error) if is_missing(&error) => failure = GetFailure::Missing,
            Err(error) if status(&error) == Some(403) => {}
            Err(error) => return Err(GetFailure::Failed(DisplayErrorContext(&error).to_string())),
        }
    }
    Err(failure)
}

fn status(error: &SdkError<GetObjectError>) -> Option<u16> {
    error.raw_response().map(|r| r.status().as_u16())
}

fn is_missing(error: &SdkError<GetObjectError>) -> bool {
    error
        .as_service_error()
        .is_some_and(GetObjectError::is_no_such_key)
        || status(error) == Some(404)
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
