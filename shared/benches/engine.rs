//! Stage benchmarks of the engine on a generated invocation-log batch:
//! framing alone, framing + full parsing + classification, framing + the pre-check (records
//! it is not sure of parsed in full), and the whole engine on plain and gzip input; then the
//! whole engine on two 1 MB CloudWatch Logs events, one of short records (the worst case)
//! and one of records of the usual size. The whole engine runs twice: as deployed, and
//! strict (every record parsed in full, no pre-check).
//! `cargo bench -p bedrock-alerts`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use bedrock_alerts::input::framing::frames_of;
use bedrock_alerts::records::document::Document;
use bedrock_alerts::rules::{invocation, precheck};
use bedrock_alerts::{Engine, Policy};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::io::Write;

/// About 20 MB of NDJSON: the sample batch (8 records, one with a 500 KB prompt) repeated.
fn corpus() -> Vec<u8> {
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/objects/invocation-batch.ndjson"
    ))
    .unwrap();
    sample.repeat(40)
}

/// The engine as deployed, and in strict mode (every record parsed in full).
fn engines() -> [(&'static str, Engine); 2] {
    let strict = Engine {
        strict: true,
        ..Engine::default()
    };
    [("engine", Engine::default()), ("engine-strict", strict)]
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn stages(c: &mut Criterion) {
    let plain = corpus();
    let compressed = gzip(&plain);
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(plain.len() as u64));
    group.sample_size(20);
    group.bench_function(BenchmarkId::new("frame", "ndjson"), |b| {
        b.iter(|| {
            let mut n = 0usize;
            frames_of(black_box(plain.as_slice()), |f| n += f.bytes.len());
            n
        })
    });
    let policy = Policy::default();
    let classify = |bytes: &[u8]| match Document::parse(bytes) {
        Ok(doc) => usize::from(invocation::classify(&doc.raw, &policy).is_some()),
        Err(_) => 0,
    };
    group.bench_function(BenchmarkId::new("frame+parse+classify", "ndjson"), |b| {
        b.iter(|| {
            let mut found = 0usize;
            frames_of(black_box(plain.as_slice()), |f| found += classify(f.bytes));
            found
        })
    });
    group.bench_function(BenchmarkId::new("frame+precheck", "ndjson"), |b| {
        b.iter(|| {
            let mut found = 0usize;
            frames_of(black_box(plain.as_slice()), |f| {
                if !precheck::healthy_invocation(f.bytes, &policy) {
                    found += classify(f.bytes);
                }
            });
            found
        })
    });
    for (name, engine) in engines() {
        group.bench_function(BenchmarkId::new(name, "ndjson"), |b| {
            b.iter(|| {
                engine.scan_bytes("bench", black_box(plain.as_slice()), &mut |f| {
                    drop(black_box(f))
                })
            })
        });
        group.bench_function(BenchmarkId::new(name, "gzip"), |b| {
            b.iter(|| {
                engine.scan_bytes("bench", black_box(compressed.as_slice()), &mut |f| {
                    drop(black_box(f))
                })
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("cloudwatch");
    let events = [
        (
            "1MB-subscription-event",
            cloudwatch_event(1 << 20, short_records()),
        ),
        (
            "1MB-subscription-event-4KB-records",
            cloudwatch_event(1 << 20, converse_records()),
        ),
    ];
    for (records, event) in events {
        group.throughput(Throughput::Bytes(event.len() as u64));
        for (name, engine) in engines() {
            group.bench_function(BenchmarkId::new(name, records), |b| {
                b.iter(|| {
                    engine.scan_bytes("bench", black_box(event.as_slice()), &mut |f| {
                        drop(black_box(f))
                    })
                })
            });
        }
    }
    group.finish();
}

const FAILED: &str = r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-20T14:05:00Z","accountId":"111122223333","region":"us-east-1","requestId":"f","operation":"InvokeModel","modelId":"anthropic.claude-3-haiku-20240307-v1:0","errorCode":"ThrottlingException"}"#;

/// The worst case for per-record costs: ~600-byte records, one in a hundred failed.
fn short_records() -> impl Iterator<Item = String> {
    let ok = r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-20T14:05:00Z","accountId":"111122223333","region":"us-east-1","requestId":"r","operation":"Converse","modelId":"anthropic.claude-3-haiku-20240307-v1:0","input":{"inputBodyJson":{"messages":[{"role":"user","content":[{"text":"summarise the quarterly report for the board"}]}]},"inputTokenCount":12},"output":{"outputBodyJson":{"stopReason":"end_turn","usage":{"inputTokens":12,"outputTokens":40}},"outputTokenCount":40}}"#;
    (0..).map(move |i| if i % 100 == 99 { FAILED } else { ok }.to_owned())
}

/// Records of the size `scripts/make_corpus.py` gives most often (2–8 KB): Converse calls
/// whose prompt and answer are a few hundred words of generated text, one in a hundred
/// failed.
fn converse_records() -> impl Iterator<Item = String> {
    // A fixed linear congruential generator: the same records on every run.
    let mut state: u64 = 7;
    let mut next = move |bound: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    let words: Vec<String> = (0..600)
        .map(|i| format!("w{i:x}{}", "abcdefgh".get(..(i % 7) + 1).unwrap_or("")))
        .collect();
    (0..).map(move |i| {
        if i % 100 == 99 {
            return FAILED.to_owned();
        }
        // 50 words and up to `spread` more.
        let mut text = |spread: u64| {
            let words_in_text = 50 + next(spread);
            (0..words_in_text)
                .map(|_| words[next(words.len() as u64) as usize].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (prompt, answer) = (text(400), text(250));
        serde_json::json!({"schemaType": "ModelInvocationLog", "schemaVersion": "1.0",
            "timestamp": "2026-11-20T14:05:00Z", "accountId": "111122223333",
            "region": "us-east-1", "requestId": format!("r-{i}"), "operation": "Converse",
            "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
            "input": {"inputContentType": "application/json", "inputTokenCount": 700,
                "inputBodyJson": {"messages": [{"role": "user", "content": [{"text": prompt}]}],
                    "inferenceConfig": {"maxTokens": 1024, "temperature": 0.2}}},
            "output": {"outputContentType": "application/json", "outputTokenCount": 400,
                "outputBodyJson": {"output": {"message": {"role": "assistant",
                    "content": [{"text": answer}]}}, "stopReason": "end_turn",
                    "usage": {"inputTokens": 700, "outputTokens": 400}}}})
        .to_string()
    })
}

/// A Lambda CloudWatch Logs event whose decoded subscription document holds about `size`
/// bytes of `records`, one per log event.
fn cloudwatch_event(size: usize, records: impl Iterator<Item = String>) -> Vec<u8> {
    use base64::Engine as _;
    let mut events = Vec::new();
    let mut total = 0;
    for message in records {
        if total >= size {
            break;
        }
        total += message.len();
        events.push(serde_json::json!({"id": events.len().to_string(), "timestamp": 1_763_650_000_000_i64, "message": message}));
    }
    let document = serde_json::json!({"messageType": "DATA_MESSAGE", "owner": "111122223333",
        "logGroup": "/aws/bedrock/modelinvocations", "logStream": "aws/bedrock/modelinvocations",
        "subscriptionFilters": ["f"], "logEvents": events});
    let data =
        base64::engine::general_purpose::STANDARD.encode(gzip(document.to_string().as_bytes()));
    serde_json::json!({"awslogs": {"data": data}})
        .to_string()
        .into_bytes()
}

criterion_group!(benches, stages);
criterion_main!(benches);
