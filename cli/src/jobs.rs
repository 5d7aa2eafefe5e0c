//! Runs inputs concurrently (up to the CPUs) while their findings come out in input order.
//!
//! Jobs start in order, each holding one of `concurrency` permits, and stream their findings
//! into a bounded channel of their own; the caller drains the channels in order. A later job
//! waits when its channel is full, so memory stays bounded, and the earliest unfinished job
//! always holds a permit, so the pipeline cannot stall.

use bedrock_alerts::aws::aws_sdk_s3::Client;
use bedrock_alerts::aws::s3::{scan_object, FindingSink};
use bedrock_alerts::triggers::object_ref::ObjectRef;
use bedrock_alerts::{Counts, Engine, Finding};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

/// One input to scan.
#[derive(Debug, Clone)]
pub enum Job {
    Stdin,
    File(PathBuf),
    Object(ObjectRef),
}

impl Job {
    pub fn name(&self) -> String {
        match self {
            Job::Stdin => "-".to_owned(),
            Job::File(path) => path.display().to_string(),
            Job::Object(object) => object.uri(),
        }
    }
}

/// What a job reports, in order: its findings, then how it ended.
pub enum Event {
    Finding(Box<Finding>),
    /// The input's counts (an unreadable input has been reported as a finding).
    Done(Counts),
}

/// Findings buffered per job before it waits for the printer.
const CHANNEL: usize = 1024;

/// Starts the jobs; returns one receiver per job, in job order.
pub fn start(
    jobs: Vec<Job>,
    engine: Engine,
    s3: Option<Client>,
    concurrency: usize,
) -> mpsc::UnboundedReceiver<mpsc::Receiver<Event>> {
    let (order_tx, order_rx) = mpsc::unbounded_channel();
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    tokio::spawn(async move {
        for job in jobs {
            let Ok(permit) = permits.clone().acquire_owned().await else {
                return;
            };
            let (tx, rx) = mpsc::channel(CHANNEL);
            if order_tx.send(rx).is_err() {
                return;
            }
            let engine = engine.clone();
            let s3 = s3.clone();
            tokio::spawn(async move {
                run(job, engine, s3, tx).await;
                drop(permit);
            });
        }
    });
    order_rx
}

async fn run(job: Job, engine: Engine, s3: Option<Client>, tx: mpsc::Sender<Event>) {
    let name = job.name();
    match job {
        Job::Object(object) => {
            let Some(client) = s3 else { return };
            let sink = Forward(tx.clone());
            let counts = match scan_object(&client, &engine, &object, sink, None).await {
                Ok(scan) => scan.report.counts,
                Err(error) => {
                    // Nothing retries a backfill: a transient failure is reported like the rest.
                    let mut found = Vec::new();
                    let report =
                        engine.unreadable(&name, error.to_string(), &mut |f| found.push(f));
                    for finding in found {
                        let _ = tx.send(Event::Finding(Box::new(finding))).await;
                    }
                    report.counts
                }
            };
            let _ = tx.send(Event::Done(counts)).await;
        }
        Job::Stdin | Job::File(_) => {
            let _ = tokio::task::spawn_blocking(move || {
                let mut forward = |f| send(&tx, Event::Finding(Box::new(f)));
                let report = match &job {
                    Job::File(path) => match std::fs::File::open(path) {
                        Ok(file) => engine.scan_reader(&name, file, &mut forward),
                        Err(e) => {
                            let reason = format!("cannot open the file: {e}");
                            engine.unreadable(&name, reason, &mut forward)
                        }
                    },
                    _ => engine.scan_reader(&name, std::io::stdin(), &mut forward),
                };
                let report = report.without_retry(&name, &mut forward);
                send(&tx, Event::Done(report.counts));
            })
            .await;
        }
    }
}

/// Passes an object's findings on as they are found (however many there are).
struct Forward(mpsc::Sender<Event>);

impl FindingSink for Forward {
    fn accept(&mut self, finding: Finding) {
        send(&self.0, Event::Finding(Box::new(finding)));
    }
}

fn send(tx: &mpsc::Sender<Event>, event: Event) {
    // A closed channel means the printer stopped (broken pipe): nothing left to do.
    let _ = tx.blocking_send(event);
}
