//! `bedrock-alerts scan`: runs the engine over every input, prints findings as they come,
//! and optionally publishes grouped alerts to SNS through the same path as the functions.

use crate::args::{OutputFormat, ScanArgs};
use crate::inputs::{self, Input};
use bedrock_alerts::alert::{build_alerts, AlertOptions};
use bedrock_alerts::aws::s3::{list_objects, scan_object, Listed};
use bedrock_alerts::aws::sns::Publisher;
use bedrock_alerts::collect::{Collector, DEFAULT_MAX_KEPT};
use bedrock_alerts::render::{self, Format};
use bedrock_alerts::s3_key::KeyFilter;
use bedrock_alerts::{Counts, Engine, Finding, InputReport, Limits, Origin, Policy, Severity};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Where findings go: printed (at or above the minimum) and, when publishing, collected.
struct Sink {
    out: io::BufWriter<io::Stdout>,
    format: Format,
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
        if !self.broken_pipe {
            let line = render::line(&finding, self.format, self.colour);
            if let Err(error) = writeln!(self.out, "{line}") {
                self.broken_pipe = error.kind() == io::ErrorKind::BrokenPipe;
            }
        }
        if let Some(collector) = &mut self.collector {
            collector.push(finding);
        }
    }

    /// Adds an input's counts; an error that stopped it becomes an UNREADABLE_INPUT finding.
    fn finish_input(&mut self, input: &str, report: InputReport) {
        self.counts += &report.counts;
        if let Some(error) = report.error {
            self.unreadable(input, error.to_string());
        }
    }

    fn unreadable(&mut self, input: &str, reason: String) {
        let finding = Finding::unreadable(Origin::input(input), reason);
        self.counts.record(&finding);
        self.accept(finding);
    }
}

pub async fn run(args: ScanArgs) -> ExitCode {
    let engine = Engine::new(
        Policy {
            guardrail_as_warn: args.guardrail_as_warn,
            include_statuses: args.include_statuses.clone(),
            exclude_statuses: args.exclude_statuses.clone(),
            severity_overrides: args.severity_overrides.clone(),
        },
        Limits {
            max_decoded_bytes: args.max_decoded_bytes,
        },
    );
    let min_severity = Severity::from(args.min_severity);
    let mut sink = Sink {
        out: io::BufWriter::new(io::stdout()),
        format: match args.format {
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
        },
        colour: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        min_severity,
        collector: args
            .publish
            .as_ref()
            .map(|_| Collector::new(min_severity, DEFAULT_MAX_KEPT)),
        counts: Counts::default(),
        broken_pipe: false,
    };
    let inputs = inputs::expand(&args.inputs);
    let needs_aws = args.publish.is_some() || inputs.iter().any(|i| matches!(i, Input::S3 { .. }));
    let sdk = if needs_aws {
        Some(bedrock_alerts::aws::sdk_config().await)
    } else {
        None
    };

    for input in inputs {
        match input {
            Input::Stdin => {
                let report = engine.scan_reader("-", io::stdin(), &mut |f| sink.accept(f));
                sink.finish_input("-", report);
            }
            Input::File(path) => {
                let name = path.display().to_string();
                match std::fs::File::open(&path) {
                    Ok(file) => {
                        let report = engine.scan_reader(&name, file, &mut |f| sink.accept(f));
                        sink.finish_input(&name, report);
                    }
                    Err(error) => {
                        sink.counts.inputs += 1;
                        sink.unreadable(&name, format!("cannot open the file: {error}"));
                    }
                }
            }
            Input::S3 { bucket, prefix } => {
                let Some(sdk) = &sdk else { continue };
                let client = bedrock_alerts::aws::s3_client(sdk, args.s3_path_style);
                scan_prefix(&client, &engine, &bucket, &prefix, &args, &mut sink).await;
            }
        }
    }
    let _ = sink.out.flush();
    eprintln!("{}", render::summary(&sink.counts));

    let mut failed = sink.counts.unreadable_inputs > 0;
    if let (Some(topic), Some(sdk), Some(collector)) = (&args.publish, &sdk, &sink.collector) {
        let alerts = build_alerts(&collector.findings, &AlertOptions::default());
        let publisher = Publisher::new(bedrock_alerts::aws::sns_client(sdk), topic.clone(), 4);
        match publisher.publish(&alerts).await {
            Ok(sent) => eprintln!("published {sent} alert(s) to {topic}"),
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

/// Lists a prefix and streams each log object through the engine, with a progress bar on
/// a terminal.
async fn scan_prefix(
    client: &bedrock_alerts::aws::aws_sdk_s3::Client,
    engine: &Engine,
    bucket: &str,
    prefix: &str,
    args: &ScanArgs,
    sink: &mut Sink,
) {
    let listed = match list_objects(client, bucket, prefix).await {
        Ok(listed) => listed,
        Err(error) => {
            sink.counts.inputs += 1;
            sink.unreadable(&format!("s3://{bucket}/{prefix}"), error.to_string());
            return;
        }
    };
    let filter = KeyFilter::default();
    let selected: Vec<Listed> = listed
        .into_iter()
        .filter(|l| filter.skip(&l.object).is_none())
        .filter(|l| in_window(l.modified, args))
        .collect();
    let progress = if args.no_progress || !io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(selected.len() as u64)
    };
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} objects {msg}") {
        progress.set_style(style);
    }
    for listed in selected {
        let uri = listed.object.uri();
        let mut found = Collector::new(Severity::Warn, usize::MAX);
        match scan_object(client, engine, &listed.object, &mut found).await {
            Ok(scan) => {
                for finding in found.findings {
                    sink.accept(finding);
                }
                sink.counts += &scan.report.counts;
                if let Some(finding) = scan.unreadable {
                    sink.counts.record(&finding);
                    sink.accept(finding);
                }
            }
            Err(error) => {
                for finding in found.findings {
                    sink.accept(finding);
                }
                sink.counts.inputs += 1;
                sink.unreadable(&uri, error.to_string());
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
}

fn in_window(modified: Option<i64>, args: &ScanArgs) -> bool {
    let Some(modified) = modified else {
        return args.since.is_none() && args.until.is_none();
    };
    args.since.is_none_or(|since| modified >= since.timestamp())
        && args.until.is_none_or(|until| modified < until.timestamp())
}
