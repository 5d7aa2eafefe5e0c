//! Alert ids. A group's id names its members (request ids, documents and times), not where
//! they were read, and does not depend on their order: the same failures give the same id
//! on a retry, a replay or a backfill, which FIFO topics use to drop repeats.

use crate::rules::finding::Finding;
use sha2::{Digest, Sha256};
use std::fmt::{Debug, Write as _};

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The identity of one finding within its group. It names the log record, not where it was
/// read, so the same record read from S3 or from CloudWatch Logs has the same identity: the
/// request id of an invocation, the document and time of a knowledge-base event; only
/// findings about the reading itself use their origin.
fn member_identity(finding: &Finding) -> String {
    if let Some(request) = &finding.request_id {
        return format!("request:{request}");
    }
    if finding.document_uri.is_some() || finding.timestamp.is_some() {
        let document = finding.document_uri.as_deref().unwrap_or_default();
        let time = finding.timestamp.as_deref().unwrap_or_default();
        return format!("event:{document}|{time}");
    }
    format!("origin:{}", finding.origin)
}

/// The first 16 bytes of an identity's SHA-256, as a number to add up.
pub(super) fn identity_hash(finding: &Finding) -> u128 {
    let digest = Sha256::digest(member_identity(finding).as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    u128::from_be_bytes(first)
}

/// A record's identity as stored to count it once: the first 8 bytes of its hash.
pub(super) fn record_identity(identity: u128) -> u64 {
    (identity >> 64) as u64
}

/// The minute (since the epoch) of a record's RFC 3339 time; 0 when it has none.
pub(super) fn minute_of(timestamp: Option<&str>) -> i64 {
    timestamp
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(0, |t| t.timestamp().div_euclid(60))
}

/// The id of a group's message: its key, its size and the sum of its members' identities.
/// 64 hex characters (a valid FIFO deduplication id).
pub(super) fn message_id(digest: &str, count: u64, identity_sum: u128) -> String {
    hex_sha256(format!("{digest}\n{count}\n{identity_sum:032x}").as_bytes())
}

/// The id of the summary message: its key's digest and what it counts.
pub(super) fn overflow_id(digest: &str, counts: &impl Debug) -> String {
    hex_sha256(format!("{digest}\n{counts:?}").as_bytes())
}
