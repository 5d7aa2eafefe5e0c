#!/usr/bin/env python3
"""Deterministic benchmark corpus: realistic Bedrock log files of a chosen size.

    scripts/make_corpus.py --kind invocation --size-mb 200 --seed 7 -o target/corpus/invocations.json.gz
    scripts/make_corpus.py --kind kb --size-mb 50 -o target/corpus/kb.json.gz

Invocation records mix Converse, ConverseStream, InvokeModel and
InvokeModelWithResponseStream calls (stream outputs are arrays of chunks ending in
"[DONE]"), prompts of a few hundred bytes up to the ~100 KB that Bedrock logs inline
(bigger ones, and some others, offloaded to `inputBodyS3Path`), and about 1 %
failures (a top-level errorCode). Knowledge-base files hold ingestion jobs with per-document
events and about 1 % failed documents. Output is gzip NDJSON, as Bedrock delivers it, unless
the name does not end in .gz. The same seed and size give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import uuid
from pathlib import Path

WORDS = (
    "the model answer customer invoice shipping order account quarterly report summary policy "
    "please explain table revenue growth region product support ticket refund delivery status "
    "contract clause liability warranty analysis forecast budget travel expense meeting agenda "
    "translate paragraph email draft review code function error retry latency throughput cost"
).split()
MODELS = [
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-pro-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
]
ERRORS = [
    ("ThrottlingException", "Too many requests, please wait before trying again."),
    ("ModelTimeoutException", "Model has timed out in processing the request."),
    ("ValidationException", "Malformed input request, please reformat your input and try again."),
    ("ServiceUnavailableException", "Bedrock is unable to process your request."),
]
# Bedrock writes bodies larger than about 100 KB to the data/ prefix instead of inline.
INLINE_LIMIT = 100_000
KB_FAILURES = ["EMBEDDING_FAILED", "INDEXING_FAILED", "DELETION_FAILED", "METADATA_UPDATE_FAILED"]


def vocabulary(seed: int) -> list[str]:
    """The base words plus generated ones, weighted like natural text (a few frequent
    words, a long tail), so the corpus compresses about as well as real prompts do."""
    rng = random.Random(seed ^ 0x5EED)
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    made = ["".join(rng.choices(letters, weights=range(26, 0, -1), k=rng.randint(3, 10))) for _ in range(4000)]
    return WORDS + made


VOCABULARY: list[str] = []
WEIGHTS: list[float] = []


def text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=WEIGHTS, k=n_words))


def request_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def invocation(rng: random.Random, i: int) -> dict:
    operation = rng.choices(
        ["Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream"], [4, 3, 2, 2]
    )[0]
    size = rng.random()
    if size < 0.01:  # the largest bodies Bedrock still logs inline: 60-95 KB
        prompt = text(rng, rng.randint(9_000, 14_000))
    elif size < 0.013:  # ~300 KB: over the ~100 KB inline limit, so offloaded to data/
        prompt = text(rng, rng.randint(40_000, 50_000))
    else:
        prompt = text(rng, rng.randint(20, 400))
    answer = text(rng, rng.randint(20, 300))
    in_tokens, out_tokens = len(prompt) // 4, len(answer) // 4
    record: dict = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": f"2026-11-20T14:{(i // 600) % 60:02d}:{(i // 10) % 60:02d}Z",
        "accountId": "111122223333",
        "identity": {"arn": "arn:aws:sts::111122223333:assumed-role/app/worker"},
        "region": "us-east-1",
        "requestId": request_id(rng),
        "operation": operation,
        "modelId": rng.choice(MODELS),
    }
    messages = [{"role": "user", "content": [{"text": prompt}]}]
    if rng.random() < 0.01:
        code, message = rng.choice(ERRORS)
        record["input"] = {"inputContentType": "application/json", "inputBodyJson": {"messages": messages},
                           "inputTokenCount": in_tokens}
        record["errorCode"] = code
        record["errorMessage"] = message
        return record
    if rng.random() < 0.02 or len(prompt) > INLINE_LIMIT:
        base = f"s3://bedrock-logs/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/data/{record['requestId']}"
        record["input"] = {"inputContentType": "application/json", "inputBodyS3Path": base + "_input.json.gz",
                           "inputTokenCount": in_tokens}
        record["output"] = {"outputContentType": "application/json", "outputBodyS3Path": base + "_output.json.gz",
                            "outputTokenCount": out_tokens}
        return record
    record["input"] = {"inputContentType": "application/json", "inputBodyJson": {"messages": messages},
                       "inputTokenCount": in_tokens}
    if operation == "InvokeModelWithResponseStream":
        words = answer.split()
        chunks: list = [{"type": "message_start", "message": {"role": "assistant", "usage": {"input_tokens": in_tokens}}}]
        chunks += [{"type": "content_block_delta", "delta": {"type": "text_delta", "text": " ".join(words[j:j + 8])}}
                   for j in range(0, len(words), 8)]
        chunks.append({"type": "message_stop", "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": in_tokens, "outputTokenCount": out_tokens, "invocationLatency": rng.randint(300, 9000),
            "firstByteLatency": rng.randint(100, 900)}})
        chunks.append("[DONE]")
        body = chunks
    else:
        stop = "guardrail_intervened" if rng.random() < 0.005 else "end_turn"
        body = {"output": {"message": {"role": "assistant", "content": [{"text": answer}]}}, "stopReason": stop,
                "metrics": {"latencyMs": rng.randint(300, 9000)},
                "usage": {"inputTokens": in_tokens, "outputTokens": out_tokens, "totalTokens": in_tokens + out_tokens}}
    record["output"] = {"outputContentType": "application/json", "outputBodyJson": body, "outputTokenCount": out_tokens}
    if rng.random() < 0.3:
        record["errorCode"] = None
    return record


def kb_event(rng: random.Random, i: int) -> dict:
    arn = "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678"
    job = f"JOB{i // 5000:07d}"
    base = {"ingestion_job_id": job, "data_source_id": "DS12345678", "knowledge_base_arn": arn}
    if i % 5000 == 0:
        event = {**base, "ingestion_job_status": "INGESTION_JOB_STARTED", "resource_statistics": {
            "number_of_resources_updated": 0, "number_of_resources_ingested": 0, "number_of_resources_failed": 0}}
        return {"event_timestamp": 1763650000000 + i, "event": event, "event_version": "1.0",
                "event_type": "StartIngestionJob.StatusChanged", "level": "INFO"}
    failed = rng.random() < 0.01
    status = rng.choice(KB_FAILURES) if failed else rng.choice(
        ["EMBEDDING_STARTED", "EMBEDDING_COMPLETED", "INDEXING_STARTED", "INDEXED", "SCHEDULED_FOR_INGESTION"])
    event = {**base, "document_location": {"type": "S3", "s3_location": {"uri": f"s3://acme-docs/{text(rng, 3).replace(' ', '/')}-{i}.pdf"}},
             "status": status,
             "chunk_statistics": {"ignored": 0, "created": rng.randint(0, 80), "deleted": 0, "metadata_updated": 0,
                                  "failed_to_create": int(failed), "failed_to_delete": 0, "failed_to_update_metadata": 0}}
    if failed:
        event["status_reasons"] = [text(rng, 12)]
    return {"event_timestamp": 1763650000000 + i, "event": event, "event_version": "1.0",
            "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "ERROR" if failed else "INFO"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["invocation", "kb"], default="invocation")
    parser.add_argument("--size-mb", type=float, default=200, help="decompressed size (MB, 10^6 bytes)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True, type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    VOCABULARY.extend(vocabulary(args.seed))
    total = 0.0
    for rank in range(len(VOCABULARY)):
        total += 1.0 / (rank + 1)  # Zipf's law
        WEIGHTS.append(total)
    make = invocation if args.kind == "invocation" else kb_event
    target = int(args.size_mb * 1_000_000)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    opener = (lambda p: gzip.GzipFile(p, "wb", compresslevel=6, mtime=0)) if args.output.suffix == ".gz" else (lambda p: open(p, "wb"))
    written = records = 0
    with opener(args.output) as out:
        while written < target:
            line = json.dumps(make(rng, records), separators=(",", ":")).encode() + b"\n"
            out.write(line)
            written += len(line)
            records += 1
    print(f"{args.output}: {records} records, {written} bytes decoded", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
