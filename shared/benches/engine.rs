//! Stage benchmarks of the engine on a generated invocation-log batch:
//! framing alone, framing + document parsing + classification, and the whole engine on
//! gzip input (decompression included). `cargo bench -p bedrock-alerts-shared`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bedrock_alerts::document::Document;
use bedrock_alerts::framing::frames_of;
use bedrock_alerts::{invocation, Engine, Policy};
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
            frames_of(black_box(&plain), |f| n += f.bytes.len());
            n
        })
    });
    group.bench_function(BenchmarkId::new("frame+parse+classify", "ndjson"), |b| {
        let policy = Policy::default();
        b.iter(|| {
            let mut found = 0usize;
            frames_of(black_box(&plain), |f| {
                if let Ok(doc) = Document::parse(f.bytes) {
                    found += usize::from(invocation::classify(&doc.raw, &policy).is_some());
                }
            });
            found
        })
    });
    group.bench_function(BenchmarkId::new("engine", "ndjson"), |b| {
        let engine = Engine::default();
        b.iter(|| engine.scan_bytes("bench", black_box(&plain), &mut |f| drop(black_box(f))))
    });
    group.bench_function(BenchmarkId::new("engine", "gzip"), |b| {
        let engine = Engine::default();
        b.iter(|| engine.scan_bytes("bench", black_box(&compressed), &mut |f| drop(black_box(f))))
    });
    group.finish();

    let event = cloudwatch_event(1 << 20);
    let mut group = c.benchmark_group("cloudwatch");
    group.throughput(Throughput::Bytes(event.len() as u64));
    group.bench_function("engine/1MB-subscription-event", |b| {
        let engine = Engine::default();
        b.iter(|| engine.scan_bytes("bench", black_box(&event), &mut |f| drop(black_box(f))))
    });
    group.finish();
}

/// A Lambda CloudWatch Logs event whose decoded subscription document is about `size` bytes
/// of invocation records (one in a hundred failed).
fn cloudwatch_event(size: usize) -> Vec<u8> {
    use base64::Engine as _;
    let ok = r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-20T14:05:00Z","accountId":"111122223333","region":"us-east-1","requestId":"r","operation":"Converse","modelId":"anthropic.claude-3-haiku-20240307-v1:0","input":{"inputBodyJson":{"messages":[{"role":"user","content":[{"text":"summarise the quarterly report for the board"}]}]},"inputTokenCount":12},"output":{"outputBodyJson":{"stopReason":"end_turn","usage":{"inputTokens":12,"outputTokens":40}},"outputTokenCount":40}}"#;
    let failed = r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-20T14:05:00Z","accountId":"111122223333","region":"us-east-1","requestId":"f","operation":"InvokeModel","modelId":"anthropic.claude-3-haiku-20240307-v1:0","errorCode":"ThrottlingException"}"#;
    let mut events = Vec::new();
    let mut total = 0;
    while total < size {
        let message = if events.len() % 100 == 99 { failed } else { ok };
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
