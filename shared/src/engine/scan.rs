//! One input's scan: each framed document recognised and classified, CloudWatch Logs and
//! Kinesis envelopes unwrapped in place, findings given their origin and counted.

use super::recovery::{for_each_stretch, is_one_line_document, Salvage};
use super::Engine;
use crate::counts::Counts;
use crate::input::framing::{frames_of, salvage_frames_of, Frame};
use crate::records::document::{Document, Kind, ParseError, RawDocument};
use crate::records::envelope;
use crate::records::fields::text;
use crate::records::log_events::LogEvent;
use crate::rules::finding::{Finding, Origin, Source};
use crate::rules::invocation;
use crate::rules::job;
use crate::rules::knowledge_base;
use crate::rules::precheck;

/// How deep CloudWatch payloads may nest inside each other (event → document → records).
const MAX_NESTING: u8 = 2;

/// Where a record sits when it came wrapped in a CloudWatch Logs payload. Borrowed from
/// the enclosing documents and turned into text only when a finding is emitted.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Context<'c> {
    pub(super) account_id: Option<&'c str>,
    pub(super) log_group: Option<&'c str>,
    /// The log event the record came in.
    pub(super) event: Option<&'c LogEvent<'c>>,
    pub(super) line: Option<u64>,
}

impl Context<'_> {
    /// The context of text `lines` lines below the start of this one. Line numbers count the
    /// lines of the outermost input, so inside a log event's message they stay where the
    /// event is.
    pub(super) fn below(&self, lines: u64) -> Self {
        match self.event {
            Some(_) => *self,
            None => Context {
                line: self.line.map(|line| line + lines),
                ..*self
            },
        }
    }
}

pub(super) struct Scan<'e, 's> {
    engine: &'e Engine,
    input: &'e str,
    sink: &'s mut dyn FnMut(Finding),
    pub(super) counts: Counts,
}

impl<'e, 's> Scan<'e, 's> {
    pub(super) fn new(
        engine: &'e Engine,
        input: &'e str,
        sink: &'s mut dyn FnMut(Finding),
    ) -> Scan<'e, 's> {
        Scan {
            engine,
            input,
            sink,
            counts: Counts::default(),
        }
    }

    pub(super) fn frame(&mut self, frame: Frame<'_>, outer: &Context<'_>, nesting: u8) {
        if self.passes_precheck(frame.bytes) {
            return;
        }
        let context = Context {
            // Line numbers refer to the outermost input.
            line: outer.line.or(Some(frame.line)),
            ..*outer
        };
        match self.parsed(frame.bytes, &context, nesting) {
            Ok(()) => {}
            Err(error) if is_one_line_document(frame.bytes) => {
                self.broken(&context, &error, false);
            }
            Err(_) => self.recover(frame.bytes, &context, nesting),
        }
    }

    /// Reads what can be read from text that did not parse as one document, in one pass and
    /// without recursion: each stretch of it (`for_each_stretch`: an unclosed bracket may
    /// have swallowed the lines after it) is framed again with garbage ending at the next
    /// `{`, so documents after garbage are found, and what still does not parse is reported
    /// once per stretch: a broken pretty-printed document once, at its first line.
    ///
    /// A log event's message is one record: it is reported once at most, and not at all
    /// when a document was read from it (the text around a record is not a second one).
    fn recover(&mut self, bytes: &[u8], context: &Context<'_>, nesting: u8) {
        let in_message = context.event.is_some();
        let mut message = Salvage::default();
        for_each_stretch(bytes, |offset, stretch| {
            let salvage = self.salvage(stretch, &context.below(offset), nesting);
            match (in_message, salvage.broken) {
                (false, Some((line, error))) => {
                    let context = Context { line, ..*context };
                    self.broken(&context, &error, salvage.read > 0);
                }
                (false, None) => {}
                (true, broken) => {
                    message.read += salvage.read;
                    message.broken = message.broken.take().or(broken);
                }
            }
        });
        if let (Some((_, error)), 0) = (message.broken, message.read) {
            self.broken(context, &error, false);
        }
    }

    /// Frames one stretch for salvage and reads each frame.
    fn salvage(&mut self, stretch: &[u8], context: &Context<'_>, nesting: u8) -> Salvage {
        let mut salvage = Salvage::default();
        salvage_frames_of(stretch, |frame| {
            let context = context.below(frame.line.saturating_sub(1));
            match self.read(frame.bytes, &context, nesting) {
                Ok(()) => salvage.read += 1,
                Err(error) => {
                    salvage.broken.get_or_insert((context.line, error));
                }
            }
        });
        salvage
    }

    /// Reports text that is not a document (beside documents that were read, or not).
    fn broken(&mut self, context: &Context<'_>, error: &ParseError, beside_documents: bool) {
        let reason = match (context.event, beside_documents) {
            (Some(_), _) => format!("log event message is not JSON: {error}"),
            (None, true) => format!("text beside a JSON document is not JSON: {error}"),
            (None, false) => error.to_string(),
        };
        self.bad_record(context, reason);
    }

    /// Counts a record the pre-check finds healthy, or parses and handles a document.
    pub(super) fn read(
        &mut self,
        bytes: &[u8],
        context: &Context<'_>,
        nesting: u8,
    ) -> Result<(), ParseError> {
        if self.passes_precheck(bytes) {
            return Ok(());
        }
        self.parsed(bytes, context, nesting)
    }

    pub(super) fn parsed(
        &mut self,
        bytes: &[u8],
        context: &Context<'_>,
        nesting: u8,
    ) -> Result<(), ParseError> {
        if nesting < MAX_NESTING && bytes.trim_ascii_start().first() == Some(&b'[') {
            return self.list(bytes, context, nesting);
        }
        let doc = Document::parse(bytes)?;
        self.document(&doc, context, nesting);
        Ok(())
    }

    /// A JSON array: a list of saved Bedrock EventBridge events (`aws events` and the
    /// console save them so) has each event read; any other array is one unknown document,
    /// even one holding log records (no log delivery writes arrays).
    fn list(&mut self, bytes: &[u8], context: &Context<'_>, nesting: u8) -> Result<(), ParseError> {
        let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(bytes)?;
        let docs: Vec<_> = items
            .iter()
            .map(|item| Document::parse_str(item.get()))
            .collect();
        let is_event = |doc: &Result<Document<'_>, ParseError>| {
            doc.as_ref().is_ok_and(|doc| doc.kind == Kind::BedrockEvent)
        };
        if !docs.iter().any(is_event) {
            self.counts.unknown_documents += 1;
            return Ok(());
        }
        for doc in &docs {
            match doc {
                Ok(doc) if doc.kind == Kind::BedrockEvent => {
                    self.document(doc, context, nesting + 1);
                }
                Ok(_) => self.counts.unknown_documents += 1,
                Err(error) => self.bad_record(context, error.to_string()),
            }
        }
        Ok(())
    }

    /// Counts a record the pre-check finds healthy, which then needs no parsing.
    fn passes_precheck(&mut self, bytes: &[u8]) -> bool {
        let healthy =
            !self.engine.strict && precheck::healthy_invocation(bytes, &self.engine.policy);
        self.counts.invocation_records += u64::from(healthy);
        healthy
    }

    fn document(&mut self, doc: &Document<'_>, context: &Context<'_>, nesting: u8) {
        let inside_event = context.event.is_some();
        match doc.kind {
            Kind::Invocation => {
                self.counts.invocation_records += 1;
                let finding = invocation::classify(&doc.raw, &self.engine.policy);
                self.emit(finding, context);
            }
            Kind::KnowledgeBase => {
                self.counts.knowledge_base_events += 1;
                let finding = knowledge_base::classify(&doc.raw);
                self.emit(finding, context);
            }
            Kind::BedrockEvent => match job::classify(&doc.raw) {
                Ok(finding) => {
                    self.counts.bedrock_job_events += 1;
                    self.emit(finding, context);
                }
                Err(job::UnknownEvent) => self.counts.unknown_documents += 1,
            },
            Kind::CloudWatchSubscription if !inside_event && nesting < MAX_NESTING => {
                self.subscription(&doc.raw, context, nesting);
            }
            Kind::LambdaCloudWatchEvent if !inside_event && nesting < MAX_NESTING => {
                match envelope::awslogs_data(&doc.raw) {
                    Some(data) => self.payload(data, "awslogs.data", context, nesting),
                    None => self.counts.unknown_documents += 1,
                }
            }
            Kind::KinesisEvent if !inside_event && nesting < MAX_NESTING => {
                for data in envelope::kinesis_data(&doc.raw) {
                    match data {
                        Some(data) => self.payload(data, "kinesis.data", context, nesting),
                        None => self.bad_record(context, "Kinesis record has no data".to_owned()),
                    }
                }
            }
            _ => self.counts.unknown_documents += 1,
        }
    }

    fn subscription(&mut self, doc: &RawDocument<'_>, outer: &Context<'_>, nesting: u8) {
        if envelope::is_control_message(doc) {
            self.counts.control_messages += 1;
            return;
        }
        let account_id = text(doc.owner.as_ref());
        let log_group = text(doc.log_group.as_ref());
        let base = Context {
            account_id: account_id.as_deref(),
            log_group: log_group.as_deref(),
            ..*outer
        };
        let events = match envelope::log_events(doc) {
            Ok(events) => events,
            Err(error) => return self.bad_record(&base, error.to_string()),
        };
        for event in events {
            self.counts.cloudwatch_log_events += 1;
            let Some(event) = event else {
                self.bad_record(&base, "log event is not an object".to_owned());
                continue;
            };
            let context = Context {
                event: Some(event),
                ..base
            };
            match event.message() {
                Some(message) if self.passes_precheck(message.as_bytes()) => {}
                // One message is one record: parsed whole, salvaged only when that fails.
                Some(message) => match Document::parse_str(message) {
                    Ok(doc) => self.document(&doc, &context, nesting + 1),
                    Err(_) => self.recover(message.as_bytes(), &context, nesting + 1),
                },
                None => self.bad_record(&context, "log event has no message".to_owned()),
            }
        }
    }

    /// A base64 (+ gzip) payload embedded in an event: decoded and scanned in place.
    fn payload(&mut self, data: &str, what: &str, context: &Context<'_>, nesting: u8) {
        match envelope::decode_payload(data, self.engine.limits.max_decoded_bytes) {
            // Almost always exactly one document, so it is parsed whole and framed only when
            // that fails (several documents, garbage, a BOM).
            Ok(bytes) => {
                self.counts.decoded_bytes += bytes.len() as u64;
                match Document::parse(&bytes) {
                    Ok(doc) => self.document(&doc, context, nesting + 1),
                    Err(_) => frames_of(&bytes, |frame| self.frame(frame, context, nesting + 1)),
                }
            }
            // Nothing of it can be read: as unreadable as an S3 object that cannot be.
            Err(error) => {
                let finding = Finding::unreadable(Origin::default(), format!("{what}: {error}"));
                self.emit(Some(finding), context);
            }
        }
    }

    pub(super) fn bad_record(&mut self, context: &Context<'_>, reason: String) {
        self.counts.bad_records += 1;
        let finding = Finding::unparseable(Origin::default(), reason);
        self.emit(Some(finding), context);
    }

    fn emit(&mut self, finding: Option<Finding>, context: &Context<'_>) {
        let Some(mut finding) = finding.and_then(|f| self.engine.policy.apply(f)) else {
            return;
        };
        finding.origin = Origin {
            input: self.input.to_owned(),
            line: context.line,
            event_id: context.event.and_then(LogEvent::id),
        };
        if finding.account_id.is_none() {
            finding.account_id = context.account_id.map(str::to_owned);
        }
        if finding.timestamp.is_none() {
            finding.timestamp = context.event.and_then(LogEvent::timestamp);
        }
        if finding.source == Source::KnowledgeBase && finding.knowledge_base_id.is_none() {
            finding.knowledge_base_id = context
                .log_group
                .and_then(knowledge_base::id_from_log_group);
        }
        self.counts.record(&finding);
        (self.sink)(finding);
    }
}
