//! What makes findings one incident: the group key. Knowledge-base findings group by
//! (knowledge base, data source, job, status), invocation findings by (account, region,
//! model, operation, error code), the processor's own findings by (status, input).

use super::id::hex_sha256;
use super::limits::Label;
use crate::rules::finding::{Finding, Source};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt::Write as _;

/// Status of the summary alert that stands for groups past the cap.
pub const ALERT_LIMIT_REACHED: &str = "ALERT_LIMIT_REACHED";

/// The key of one group: its status and what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupKey {
    pub status: String,
    pub about: About,
}

/// What a group is about, one variant per finding source. Empty values count as absent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum About {
    KnowledgeBase {
        knowledge_base_id: Option<String>,
        data_source_id: Option<String>,
        ingestion_job_id: Option<String>,
    },
    ModelInvocation {
        account_id: Option<String>,
        region: Option<String>,
        model_id: Option<String>,
        operation: Option<String>,
    },
    /// The processor's own findings, by input; `None` for the summary alert.
    Processor { input: Option<String> },
    /// One Bedrock job (its events come one per state change).
    BedrockJob {
        account_id: Option<String>,
        region: Option<String>,
        job_arn: Option<String>,
        job_name: Option<String>,
        model_id: Option<String>,
    },
}

/// The identifying fields of a group, named as the payload and the message attributes name
/// them; `None` where the group's source has no such field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fields<'k> {
    pub account_id: Option<&'k str>,
    pub region: Option<&'k str>,
    pub knowledge_base_id: Option<&'k str>,
    pub data_source_id: Option<&'k str>,
    pub ingestion_job_id: Option<&'k str>,
    pub model_id: Option<&'k str>,
    pub operation: Option<&'k str>,
    pub job_arn: Option<&'k str>,
    pub job_name: Option<&'k str>,
}

fn set(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty())
}

impl GroupKey {
    pub fn of(finding: &Finding) -> GroupKey {
        let about = match finding.source {
            Source::KnowledgeBase => About::KnowledgeBase {
                knowledge_base_id: set(&finding.knowledge_base_id),
                data_source_id: set(&finding.data_source_id),
                ingestion_job_id: set(&finding.ingestion_job_id),
            },
            Source::ModelInvocation => About::ModelInvocation {
                account_id: set(&finding.account_id),
                region: set(&finding.region),
                model_id: set(&finding.model_id),
                operation: set(&finding.operation),
            },
            Source::Processor => About::Processor {
                input: Some(finding.origin.input.clone()),
            },
            Source::BedrockJob => About::BedrockJob {
                account_id: set(&finding.account_id),
                region: set(&finding.region),
                job_arn: set(&finding.job_arn),
                job_name: set(&finding.job_name),
                model_id: set(&finding.model_id),
            },
        };
        GroupKey {
            status: finding.status.clone(),
            about,
        }
    }

    /// The key of the summary alert that stands for groups past the cap.
    pub fn overflow() -> GroupKey {
        GroupKey {
            status: ALERT_LIMIT_REACHED.to_owned(),
            about: About::Processor { input: None },
        }
    }

    /// The source and status every alert of this group is tagged with.
    pub(super) fn label(&self) -> Label<'_> {
        Label {
            source: self.source().as_str(),
            status: &self.status,
        }
    }

    pub fn source(&self) -> Source {
        match self.about {
            About::KnowledgeBase { .. } => Source::KnowledgeBase,
            About::ModelInvocation { .. } => Source::ModelInvocation,
            About::Processor { .. } => Source::Processor,
            About::BedrockJob { .. } => Source::BedrockJob,
        }
    }

    pub fn fields(&self) -> Fields<'_> {
        match &self.about {
            About::KnowledgeBase {
                knowledge_base_id,
                data_source_id,
                ingestion_job_id,
            } => Fields {
                knowledge_base_id: knowledge_base_id.as_deref(),
                data_source_id: data_source_id.as_deref(),
                ingestion_job_id: ingestion_job_id.as_deref(),
                ..Fields::default()
            },
            About::ModelInvocation {
                account_id,
                region,
                model_id,
                operation,
            } => Fields {
                account_id: account_id.as_deref(),
                region: region.as_deref(),
                model_id: model_id.as_deref(),
                operation: operation.as_deref(),
                ..Fields::default()
            },
            About::Processor { .. } => Fields::default(),
            About::BedrockJob {
                account_id,
                region,
                job_arn,
                job_name,
                model_id,
            } => Fields {
                account_id: account_id.as_deref(),
                region: region.as_deref(),
                job_arn: job_arn.as_deref(),
                job_name: job_name.as_deref(),
                model_id: model_id.as_deref(),
                ..Fields::default()
            },
        }
    }

    /// Stable per key: the FIFO message group and the payload's `group_id`. The text it
    /// hashes lists the key's parts by name, so ids do not change when the code does.
    pub fn digest(&self) -> String {
        let mut text = format!("{}|{}", self.source().as_str(), self.status);
        let part = |text: &mut String, name: &str, value: Option<&str>| {
            let _ = write!(text, "|{name}={}", value.unwrap_or_default());
        };
        let fields = self.fields();
        match &self.about {
            About::KnowledgeBase { .. } => {
                part(&mut text, "knowledge_base_id", fields.knowledge_base_id);
                part(&mut text, "data_source_id", fields.data_source_id);
                part(&mut text, "ingestion_job_id", fields.ingestion_job_id);
            }
            About::ModelInvocation { .. } => {
                part(&mut text, "account_id", fields.account_id);
                part(&mut text, "region", fields.region);
                part(&mut text, "model_id", fields.model_id);
                part(&mut text, "operation", fields.operation);
            }
            About::Processor { input } => {
                if let Some(input) = input {
                    part(&mut text, "input", Some(input));
                }
            }
            About::BedrockJob { .. } => {
                part(&mut text, "account_id", fields.account_id);
                part(&mut text, "region", fields.region);
                part(&mut text, "job_arn", fields.job_arn);
                part(&mut text, "job_name", fields.job_name);
                part(&mut text, "model_id", fields.model_id);
            }
        }
        hex_sha256(text.as_bytes())
    }
}

/// By source, then status, then what the group is about.
impl Ord for GroupKey {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.source(), &self.status, &self.about).cmp(&(
            other.source(),
            &other.status,
            &other.about,
        ))
    }
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
