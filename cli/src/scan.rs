//! `bedrock-alerts scan`: runs the engine over every input, prints findings as they come (or,
//! with `--format alert|chat`, the grouped alerts at the end), and optionally publishes
//! grouped alerts through the same path as the functions.

use crate::args::{OutputFormat, ScanArgs};
use crate::inputs::{self, Input};
use crate::jobs::{self, Event, Job};
use bedrock_alerts::aws::delivery::Delivery;
use bedrock_alerts::aws::s3::{list_objects, Listed};
use bedrock_alerts::config::available_cpus;
use bedrock_alerts::config::{DeliveryConfig, StateConfig};
use bedrock_alerts::outputs::alerts::{alerts_for, AlertOptions, Collector};
use bedrock_alerts::outputs::chat::Notification;
use bedrock_alerts::outputs::lines::{self, Format};
use bedrock_alerts::triggers::object_ref::KeyFilter;
use bedrock_alerts::triggers::object_ref::ObjectRef;
use bedrock_alerts::{Counts, Engine, Finding, Limits, Policy, Severity};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Where findings go: printed (at or above the minimum) unless they are printed as alerts
/// at the end, and collected when publishing or printing alerts.
struct Sink {
    out: io::BufWriter<io::Stdout>,
    /// Per-finding lines; `None` when alerts are printed instead.
    format: Option<Format>,
    colour: bool,
    min_severity: Severity,
    collector: Option<Collector>,
    counts: Counts,
    broken_pipe: bool,
}

impl Sink {
    fn accept(&mut self, finding: Finding) {
        if finding.severity < self.min_severity {
            return;
        }
        if let Some(format) = self.format {
            let line = lines::line(&finding, format, self.colour);
            self.print(&line);
        }
        if let Some(collector) = &mut self.collector {
            collector.push(finding);
        }
    }

    fn print(&mut self, line: &str) {
        if !self.broken_pipe {
            if let Err(error) = writeln!(self.out, "{line}") {
                self.broken_pipe = error.kind() == io::ErrorKind::BrokenPipe;
            }
        }
    }

    /// Prints the collected findings as the alerts the functions would send (before any
    /// incident suppression): their v1 payloads or their chat notifications.
    fn print_alerts(&mut self, format: OutputFormat) {
        let Some(collector) = &self.collector else {
            return;
        };
        for alert in alerts_for(collector, &AlertOptions::default()) {
            let line = match format {
                OutputFormat::Chat => Notification::of(&alert).to_json(),
                _ => alert.payload_json(),
            };
            self.print(&line);
        }
    }
}

pub async fn run(args: ScanArgs) -> ExitCode {
    let started = std::time::Instant::now();
    let engine = Engine {
        strict: args.strict,
        ..Engine::new(
            Policy {
                guardrail_as_warn: args.guardrail_as_warn,
                include_statuses: args.include_statuses.clone(),
                exclude_statuses: args.exclude_statuses.clone(),
                severity_overrides: args.severity_overrides.clone(),
            },
            Limits {
                max_decoded_bytes: args.max_decoded_bytes,
            },
        )
    };
    let min_severity = Severity::from(args.min_severity);
    let inputs = inputs::expand(&args.inputs);
    let needs_aws = args.publish.is_some() || inputs.iter().any(|i| matches!(i, Input::S3 { .. }));
    let sdk = if needs_aws {
        Some(bedrock_alerts::aws::sdk_config().await)
    } else {
        None
    };
    let s3 = sdk
        .as_ref()
        .map(|sdk| bedrock_alerts::aws::s3_client(sdk, args.s3_path_style));
    let delivery = match (&args.publish, &sdk) {
        (Some(topic), Some(sdk)) => Some(Delivery::new(
            sdk,
            DeliveryConfig {
                min_severity,
                chat_topic_arn: args.chat_topic.clone(),
                event_bus: args.event_bus.clone(),
                state: args
                    .state_table
                    .as_ref()
                    .and_then(|table| StateConfig::new(table, args.repeat_interval)),
                ..DeliveryConfig::to(topic.clone())
            },
        )),
        _ => None,
    };
    let mut sink = Sink {
        out: io::BufWriter::new(io::stdout()),
        format: match args.format {
            OutputFormat::Text => Some(Format::Text),
            OutputFormat::Json => Some(Format::Json),
            OutputFormat::Alert | OutputFormat::Chat => None,
        },
        colour: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        min_severity,
        collector: match (&delivery, args.format) {
            (Some(delivery), _) => Some(delivery.collector()),
            (None, OutputFormat::Alert | OutputFormat::Chat) => Some(Collector::new(
                min_severity,
                AlertOptions::default().items_per_alert,
            )),
            (None, _) => None,
        },
        counts: Counts::default(),
        broken_pipe: false,
    };

    let mut jobs = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => jobs.push(Job::Stdin),
            Input::File(path) => jobs.push(Job::File(path)),
            Input::S3 { bucket, prefix } => {
                let Some(client) = &s3 else { continue };
                match list_objects(client, &bucket, &prefix).await {
                    Ok(listed) => jobs.extend(select(listed, &args).into_iter().map(Job::Object)),
                    Err(error) => {
                        let prefix = format!("s3://{bucket}/{prefix}");
                        let report =
                            engine.unreadable(&prefix, error.to_string(), &mut |f| sink.accept(f));
                        sink.counts += &report.counts;
                    }
                }
            }
        }
    }
    let objects = jobs.iter().filter(|j| matches!(j, Job::Object(_))).count();
    let progress = if args.no_progress || objects == 0 || !io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(jobs.len() as u64)
    };
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} inputs {msg}") {
        progress.set_style(style);
    }
    let mut order = jobs::start(jobs, engine, s3, available_cpus());
    while let Some(mut events) = order.recv().await {
        while let Some(event) = events.recv().await {
            match event {
                Event::Finding(finding) => sink.accept(*finding),
                Event::Done(counts) => sink.counts += &counts,
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if matches!(args.format, OutputFormat::Alert | OutputFormat::Chat) {
        sink.print_alerts(args.format);
    }
    let _ = sink.out.flush();
    eprintln!("{}", lines::summary(&sink.counts));
    if args.stats {
        let peak = peak_rss_kib().map_or_else(|| "unknown".to_owned(), |k| format!("{k} KiB"));
        eprintln!(
            "stats: {:.3} s, peak memory {peak}",
            started.elapsed().as_secs_f64()
        );
    }

    let mut failed = sink.counts.unreadable_inputs > 0;
    if let (Some(delivery), Some(collector)) = (&delivery, &sink.collector) {
        match delivery.deliver(collector, None).await {
            Ok(delivered) => eprintln!(
                "published {} alert(s) to {}",
                delivered.sent,
                delivery.topic_arn()
            ),
            Err(error) => {
                eprintln!("error: {error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The listed objects that hold logs and were modified in the `--since`/`--until` window.
fn select(listed: Vec<Listed>, args: &ScanArgs) -> Vec<ObjectRef> {
    let filter = KeyFilter::default();
    listed
        .into_iter()
        .filter(|l| filter.skip(&l.object).is_none() && in_window(l.modified, args))
        .map(|l| l.object)
        .collect()
}

fn in_window(modified: Option<i64>, args: &ScanArgs) -> bool {
    let Some(modified) = modified else {
        return args.since.is_none() && args.until.is_none();
    };
    args.since.is_none_or(|since| modified >= since.timestamp())
        && args.until.is_none_or(|until| modified < until.timestamp())
}

/// This process's peak resident set (`VmHWM`; Linux only). Unlike `getrusage`, it does not
/// count what the parent had before `exec`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
