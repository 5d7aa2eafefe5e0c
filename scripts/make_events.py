#!/usr/bin/env python3
"""Generate the sample inputs under events/ for bedrock-alerts.

Deterministic: running it twice writes byte-identical files (fixed timestamps, gzip with
mtime=0, a seeded pseudo-random generator for ids). Standard library only.

    python3 scripts/make_events.py

Everything is fake but shaped like the real thing (see
events/README.md): account 111122223333, region us-east-1, bucket
bedrock-alerts-logs-111122223333, invocation-log prefix bedrock/.

Layout written:
    events/objects/...   what S3 (or a CloudWatch Logs subscription) holds: log objects
    events/*.json        Lambda trigger events (S3, EventBridge, SQS, SNS-in-SQS,
                         S3 Batch Operations, CloudWatch Logs, Kinesis)
    events/README.md     what each file is and what bedrock-alerts should find in it

Every gzip or base64 payload has its decoded form written beside it.
"""

import base64
import gzip
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
OBJECTS = EVENTS / "objects"

ACCOUNT = "111122223333"
REGION = "us-east-1"
BUCKET = "bedrock-alerts-logs-111122223333"
BUCKET_ARN = "arn:aws:s3:::" + BUCKET
LOG_PREFIX = "bedrock/"
INVOCATION_DIR = LOG_PREFIX + "AWSLogs/" + ACCOUNT + "/BedrockModelInvocationLogs/"
HOUR_DIR = INVOCATION_DIR + REGION + "/2026/11/20/14/"
BATCH_KEY = HOUR_DIR + "20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
PERMISSION_CHECK_KEY = INVOCATION_DIR + "amazon-bedrock-logs-permission-check"
DATA_OBJECT_KEY = HOUR_DIR + "data/11111111-1111-4111-8111-111111111111_input.json.gz"
KB_KEY = LOG_PREFIX + "kb/2026/11/20/kb-application-logs.json.gz"
ODD_KEY = "uploads/kb logs+2026/11/20/kb=1.json.gz"
ODD_KEY_ENCODED = "uploads/kb+logs%2B2026/11/20/kb%3D1.json.gz"

KB_ID = "KB12345678"
KB_ARN = "arn:aws:bedrock:" + REGION + ":" + ACCOUNT + ":knowledge-base/" + KB_ID
DATA_SOURCE_ID = "DS12345678"
INGESTION_JOB_ID = "JOB1234567"
KB_DOCS = "s3://acme-kb-docs/"

INVOCATION_LOG_GROUP = "/aws/bedrock/modelinvocations"
INVOCATION_LOG_STREAM = "aws/bedrock/modelinvocations"
KB_LOG_GROUP = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/" + KB_ID
KB_LOG_STREAM = "kb-application-logs"  # KB vended-log stream naming is unconfirmed

CANARY_PROMPT = "CANARY-PROMPT-7f3a"
CANARY_OUTPUT = "CANARY-OUTPUT-9c2e"

MASK64 = (1 << 64) - 1
MASK32 = (1 << 32) - 1


# --------------------------------------------------------------------------------------------
# Small deterministic helpers (no hashlib/uuid/datetime/random: stdlib subset only)
# --------------------------------------------------------------------------------------------


class Fake:
    """xorshift64* generator seeded from a label, for ids that only need to look real."""

    def __init__(self, label):
        h = 0xCBF29CE484222325  # FNV-1a 64
        for byte in label.encode("utf-8"):
            h = ((h ^ byte) * 0x100000001B3) & MASK64
        self.state = h or 1

    def next64(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & MASK64

    def pick(self, alphabet, n):
        return "".join(alphabet[self.next64() % len(alphabet)] for _ in range(n))

    def hex(self, n, upper=False):
        return self.pick("0123456789ABCDEF" if upper else "0123456789abcdef", n)

    def digits(self, n):
        return self.pick("123456789", 1) + self.pick("0123456789", n - 1)

    def b64(self, n):
        return self.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", n)

    def token(self, n):
        return self.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n)

    def uuid4(self):
        h = self.hex(32)
        variant = "89ab"[int(h[16], 16) & 3]
        return "%s-%s-4%s-%s%s-%s" % (h[0:8], h[8:12], h[13:16], variant, h[17:20], h[20:32])


_MD5_S = [7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4
_MD5_K = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
    0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
    0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
    0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
    0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]


def md5(data):
    """RFC 1321 MD5 digest (bytes), for real S3 ETags and SQS md5OfBody values."""
    message = bytearray(data)
    bit_len = (8 * len(data)) & MASK64
    message.append(0x80)
    while len(message) % 64 != 56:
        message.append(0)
    message += bit_len.to_bytes(8, "little")
    a0, b0, c0, d0 = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for offset in range(0, len(message), 64):
        m = [int.from_bytes(message[offset + 4 * i: offset + 4 * i + 4], "little") for i in range(16)]
        a, b, c, d = a0, b0, c0, d0
        for i in range(64):
            if i < 16:
                f, g = (b & c) | (~b & d), i
            elif i < 32:
                f, g = (d & b) | (~d & c), (5 * i + 1) % 16
            elif i < 48:
                f, g = b ^ c ^ d, (3 * i + 5) % 16
            else:
                f, g = c ^ (b | ~d), (7 * i) % 16
            f = (f + a + _MD5_K[i] + m[g]) & MASK32
            a, d, c = d, c, b
            b = (b + (((f << _MD5_S[i]) | (f >> (32 - _MD5_S[i]))) & MASK32)) & MASK32
        a0, b0, c0, d0 = (a0 + a) & MASK32, (b0 + b) & MASK32, (c0 + c) & MASK32, (d0 + d) & MASK32
    return b"".join(x.to_bytes(4, "little") for x in (a0, b0, c0, d0))


def md5_hex(data):
    return md5(data).hex()


def multipart_etag(data, part_size=8 * 1024 * 1024):
    """ETag S3 gives a multipart upload: md5 of the parts' md5s, dash, part count."""
    parts = [data[i:i + part_size] for i in range(0, len(data), part_size)] or [b""]
    return md5_hex(b"".join(md5(p) for p in parts)) + "-" + str(len(parts))


def epoch_ms(year, month, day, hour=0, minute=0, second=0, milli=0):
    """UTC calendar time -> epoch milliseconds (days-from-civil, proleptic Gregorian)."""
    y = year - (1 if month <= 2 else 0)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return ((days * 24 + hour) * 60 + minute) * 60 * 1000 + second * 1000 + milli


def iso(hour, minute, second, milli=None, day=20):
    """ISO-8601 UTC on 2026-11-<day>; second precision unless milli is given."""
    base = "2026-11-%02dT%02d:%02d:%02d" % (day, hour, minute, second)
    return base + ("Z" if milli is None else ".%03dZ" % milli)


def form_url_encode_key(key):
    """S3 notification key encoding: space -> '+', '/' kept, other reserved bytes -> %XX."""
    safe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~/")
    out = []
    for byte in key.encode("utf-8"):
        ch = chr(byte)
        if ch == " ":
            out.append("+")
        elif ch in safe:
            out.append(ch)
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


def pretty(obj):
    return json.dumps(obj, indent=2) + "\n"


def ndjson(records):
    return "".join(compact(r) + "\n" for r in records).encode("utf-8")


def gz(data):
    return gzip.compress(data, mtime=0)


def b64(data):
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------------------------
# Model invocation records
# --------------------------------------------------------------------------------------------

APP_ROLE = "arn:aws:sts::" + ACCOUNT + ":assumed-role/support-assistant-app/i-0a1b2c3d4e5f60718"
BATCH_ROLE = "arn:aws:sts::" + ACCOUNT + ":assumed-role/nightly-summaries/summarizer-job"
DEV_USER = "arn:aws:iam::" + ACCOUNT + ":user/dev-alice"

SONNET_35 = "anthropic.claude-3-5-sonnet-20240620-v1:0"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
SONNET_PROFILE_ARN = (
    "arn:aws:bedrock:" + REGION + ":" + ACCOUNT
    + ":inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0"
)
SONNET_4_GLOBAL = "global.anthropic.claude-sonnet-4-20250514-v1:0"


def converse_input(prompt, system=None, max_tokens=512, extra=None):
    body = {"messages": [{"role": "user", "content": [{"text": prompt}]}]}
    if system:
        body["system"] = [{"text": system}]
    body["inferenceConfig"] = {"maxTokens": max_tokens, "temperature": 0.5, "topP": 0.9}
    if extra:
        body.update(extra)
    return body


def converse_output(text, input_tokens, output_tokens, latency_ms, stop_reason="end_turn"):
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop_reason,
        "metrics": {"latencyMs": latency_ms},
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
    }


def record(ts, request_id, operation, model_id, identity, input_obj, output_obj=None, **extra):
    """Invocation record in the usual key order; extra keys (errorCode...) go after output."""
    rec = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": ts,
        "accountId": ACCOUNT,
        "identity": {"arn": identity},
        "region": REGION,
        "requestId": request_id,
        "operation": operation,
        "modelId": model_id,
        "input": input_obj,
    }
    if output_obj is not None:
        rec["output"] = output_obj
    for key, value in extra.items():
        rec[key] = value
    return rec


def json_input(body, tokens):
    return {"inputContentType": "application/json", "inputBodyJson": body, "inputTokenCount": tokens}


def json_output(body, tokens):
    return {"outputContentType": "application/json", "outputBodyJson": body, "outputTokenCount": tokens}


def success_converse(ts, request_id, prompt, answer, in_tok, out_tok, latency, identity=APP_ROLE,
                     model_id=NOVA_LITE, operation="Converse", **extra):
    return record(
        ts, request_id, operation, model_id, identity,
        json_input(converse_input(prompt), in_tok),
        json_output(converse_output(answer, in_tok, out_tok, latency), out_tok),
        **extra,
    )


def failure_record(ts, request_id, operation, model_id, prompt, code, message, identity=APP_ROLE,
                   **extra):
    """A failed call: no output object, inputTokenCount 0, errorCode/errorMessage at top level."""
    if operation.startswith("InvokeModel"):
        body = {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 300,
            "messages": [{"role": "user", "content": [{"type": "text", "text": prompt}]}],
        }
    else:
        body = converse_input(prompt)
    rec = record(ts, request_id, operation, model_id, identity, json_input(body, 0))
    rec.update(extra)
    rec["errorCode"] = code
    rec["errorMessage"] = message
    return rec


def invocation_batch_records():
    f = Fake("invocation-batch")
    r1 = success_converse(
        "2026-11-20T14:05:01Z", f.uuid4(),
        "Suggest a friendly name for a team wiki page about onboarding. " + CANARY_PROMPT,
        "How about \"Welcome Aboard\"? " + CANARY_OUTPUT,
        27, 12, 612,
    )

    r2 = record(
        "2026-11-20T14:05:02Z", f.uuid4(), "ConverseStream", SONNET_35, APP_ROLE,
        json_input(converse_input(
            "List three tips for writing clear commit messages. " + CANARY_PROMPT,
            system="You are a concise assistant.",
        ), 31),
        json_output(converse_output(
            "1. Use the imperative mood. 2. Keep the subject short. 3. Explain why. " + CANARY_OUTPUT,
            31, 24, 1487,
        ), 24),
        errorCode=None,
    )

    r3_id = f.uuid4()
    stream_chunks = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_bdrk_01" + f.token(22),
                "type": "message",
                "role": "assistant",
                "model": "claude-3-haiku-20240307",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 19, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "text_delta", "text": "Autumn leaves drift down, "}},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "text_delta", "text": "quiet paths turn gold. " + CANARY_OUTPUT}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 15}},
        {
            "type": "message_stop",
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": 19,
                "outputTokenCount": 15,
                "invocationLatency": 903,
                "firstByteLatency": 311,
            },
        },
        "[DONE]",
    ]
    r3 = record(
        "2026-11-20T14:05:03Z", r3_id, "InvokeModelWithResponseStream", HAIKU_3, DEV_USER,
        json_input({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 200,
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "Write a two-line poem about autumn. " + CANARY_PROMPT}]}],
        }, 19),
        json_output(stream_chunks, 15),
    )

    r4 = failure_record(
        "2026-11-20T14:05:04Z", "11111111-1111-4111-8111-111111111111", "InvokeModel",
        SONNET_PROFILE_ARN,
        "Summarise this week's support tickets in one sentence. " + CANARY_PROMPT,
        "ThrottlingException", "Too many requests, please wait before trying again.",
        identity=BATCH_ROLE,
    )

    guard_in = converse_input(
        "Tell me how to pick the lock on my neighbour's door. " + CANARY_PROMPT,
        extra={"guardrailConfig": {"guardrailIdentifier": "gr-abc123def456", "guardrailVersion": "1",
                                   "trace": "enabled"}},
    )
    guard_out = converse_output("Sorry, I can't help with that request.", 0, 0, 448,
                                stop_reason="guardrail_intervened")
    guard_out["trace"] = {
        "guardrail": {
            "inputAssessment": {
                "gr-abc123def456": {
                    "contentPolicy": {"filters": [
                        {"type": "MISCONDUCT", "confidence": "HIGH", "filterStrength": "HIGH",
                         "action": "BLOCKED", "detected": True}]},
                },
            },
        },
    }
    r5 = record(
        "2026-11-20T14:05:05Z", f.uuid4(), "Converse", SONNET_35, APP_ROLE,
        json_input(guard_in, 0), json_output(guard_out, 0),
    )

    r6_id = f.uuid4()
    data_prefix = "s3://" + BUCKET + "/" + HOUR_DIR + "data/" + r6_id
    r6 = {
        "timestamp": "2026-11-20T14:05:06Z",
        "accountId": ACCOUNT,
        "identity": {"arn": BATCH_ROLE},
        "region": REGION,
        "requestId": r6_id,
        "operation": "InvokeModel",
        "modelId": SONNET_35,
        "input": {
            "inputContentType": "application/json",
            "inputBodyS3Path": data_prefix + "_input.json.gz",
            "inputTokenCount": 41230,
        },
        "output": {
            "outputContentType": "application/json",
            "outputBodyS3Path": data_prefix + "_output.json.gz",
            "outputTokenCount": 3811,
        },
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
    }

    r7 = failure_record(
        "2026-11-20T14:05:07Z", "22222222-2222-4222-8222-222222222222", "Converse",
        SONNET_4_GLOBAL,
        "Translate 'good morning' into French. " + CANARY_PROMPT,
        "ValidationException", "Malformed input request: messages: field required",
        inferenceRegion="us-west-2",
    )

    sentence = "The garden path winds past tidy rows of tomatoes, beans and sunflowers. "
    long_text = "Please count the sentences in this note. " + CANARY_PROMPT + " " + sentence * (500_000 // len(sentence))
    r8 = success_converse(
        "2026-11-20T14:05:08Z", f.uuid4(), long_text,
        "The note repeats one sentence about a garden many times. " + CANARY_OUTPUT,
        111130, 17, 9120, model_id=NOVA_LITE,
    )
    return [r1, r2, r3, r4, r5, r6, r7, r8]


def healthy_batch_records():
    f = Fake("invocation-batch-healthy")
    return [
        success_converse(
            "2026-11-20T14:10:01Z", f.uuid4(),
            "What is a good name for a cat? " + CANARY_PROMPT, "Biscuit. " + CANARY_OUTPUT, 14, 4, 377,
        ),
        success_converse(
            "2026-11-20T14:10:02Z", f.uuid4(),
            "Give me a synonym for happy. " + CANARY_PROMPT, "Cheerful. " + CANARY_OUTPUT, 13, 4, 341,
            operation="ConverseStream", model_id=SONNET_35, errorCode=None,
        ),
        success_converse(
            "2026-11-20T14:10:03Z", f.uuid4(),
            "How many days are in a leap year? " + CANARY_PROMPT, "366. " + CANARY_OUTPUT, 16, 3, 298,
            identity=DEV_USER,
        ),
    ]


# --------------------------------------------------------------------------------------------
# Knowledge-base application log events
# --------------------------------------------------------------------------------------------

EMBED_TOO_LONG = "The embedding model returned an error: input is too long for the requested model."


def resource_statistics(**counts):
    names = [
        "number_of_resources_updated", "number_of_resources_ingested",
        "number_of_resources_scheduled_for_update", "number_of_resources_scheduled_for_ingestion",
        "number_of_resources_scheduled_for_metadata_update", "number_of_resources_deleted",
        "number_of_resources_with_metadata_updated", "number_of_resources_failed",
        "number_of_resources_scheduled_for_deletion",
    ]
    return {n: counts.get(n[len("number_of_resources_"):], 0) for n in names}


def chunk_statistics(created=0, failed_to_create=0, ignored=0):
    return {
        "ignored": ignored, "created": created, "deleted": 0, "metadata_updated": 0,
        "failed_to_create": failed_to_create, "failed_to_delete": 0, "failed_to_update_metadata": 0,
    }


def kb_job_event(ts_ms, status, stats, level="INFO"):
    return {
        "event_timestamp": ts_ms,
        "event": {
            "ingestion_job_id": INGESTION_JOB_ID,
            "data_source_id": DATA_SOURCE_ID,
            "ingestion_job_status": status,
            "knowledge_base_arn": KB_ARN,
            "resource_statistics": stats,
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.StatusChanged",
        "level": level,
    }


def kb_resource_event(ts_ms, level, status, doc, reasons=None, chunks=None):
    event = {
        "ingestion_job_id": INGESTION_JOB_ID,
        "data_source_id": DATA_SOURCE_ID,
        "knowledge_base_arn": KB_ARN,
        "document_location": {"type": "S3", "s3_location": {"uri": KB_DOCS + doc}},
        "status": status,
    }
    if reasons is not None:
        event["status_reasons"] = reasons
    if chunks is not None:
        event["chunk_statistics"] = chunks
    return {
        "event_timestamp": ts_ms,
        "event": event,
        "event_version": "1.0",
        "event_type": "StartIngestionJob.ResourceStatusChanged",
        "level": level,
    }


def kb_application_events():
    t = epoch_ms(2026, 11, 20, 15, 0, 0, 123)
    ignored = {
        "event_timestamp": t + 4_310,
        "event": {
            "document_location": {"type": "S3", "s3_location": {"uri": KB_DOCS + "video.mp4"}},
            "ingestion_job_id": INGESTION_JOB_ID,
            "status_reasons": ["Unsupported file type"],
            "data_source_id": DATA_SOURCE_ID,
            "knowledge_base_arn": KB_ARN,
            "status": "RESOURCE_IGNORED",
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.ResourceStatusChanged",
        "level": "WARN",
    }
    return [
        kb_job_event(t, "INGESTION_JOB_STARTED", resource_statistics()),
        kb_resource_event(t + 1_877, "INFO", "EMBEDDING_STARTED", "handbook.pdf"),
        kb_resource_event(t + 3_052, "ERROR", "EMBEDDING_FAILED", "handbook.pdf",
                          reasons=[EMBED_TOO_LONG],
                          chunks=chunk_statistics(created=0, failed_to_create=42)),
        kb_resource_event(t + 3_998, "ERROR", "INDEXING_FAILED", "pricing 2026.xlsx",
                          reasons=["Failed to write to the vector store: 403 Forbidden"],
                          chunks=chunk_statistics(created=0, failed_to_create=12)),
        ignored,
        kb_resource_event(t + 6_741, "INFO", "INDEXED", "faq.md",
                          chunks=chunk_statistics(created=9)),
        kb_job_event(t + 8_215, "COMPLETE",
                     resource_statistics(ingested=1, scheduled_for_ingestion=4, failed=2)),
    ]


def kb_managed_events():
    t = epoch_ms(2026, 11, 20, 18, 30, 0, 0)

    def status(ok, at):
        return {"Status": "SUCCESS" if ok else "FAILED", "UpdatedTime": str(at)}

    def document(at, level, doc_id, uri, index_ok, chunks, error=None):
        event = {
            "document_id": doc_id,
            "source_uri": uri,
            "content_type": "text/html",
            "crawl_action": "ADD",
            "crawl_status": status(True, at - 2_400),
            "sync_status": status(True, at - 900),
            "index_status": status(index_ok, at),
            "chunk_statistics": chunks,
        }
        if error:
            event["error_message"] = error
        return {
            "event_timestamp": at,
            "event": event,
            "event_version": "1.0",
            "event_type": "StartIngestionJob.ResourceStatusChanged",
            "level": level,
        }

    f = Fake("kb-managed")
    return [
        {
            "event_timestamp": t,
            "event": {"message": "Crawling started"},
            "event_version": "1.0",
            "event_type": "StartIngestionJob.StatusChanged",
            "level": "INFO",
        },
        document(t + 5_120, "INFO", "doc-" + f.hex(24), "https://wiki.example.com/onboarding", True,
                 {"created": 14, "deleted": 0, "failed_to_create": 0, "failed_to_delete": 0}),
        document(t + 9_870, "ERROR", "doc-" + f.hex(24), "https://wiki.example.com/huge-page", False,
                 {"created": 0, "deleted": 0, "failed_to_create": 1, "failed_to_delete": 0},
                 error="Document exceeds the maximum number of chunks"),
    ]


# --------------------------------------------------------------------------------------------
# CloudWatch Logs subscription documents
# --------------------------------------------------------------------------------------------


def log_events(label, items):
    """items: (epoch_ms, message_string). Ids: 56 digits, increasing within a document."""
    base = int(Fake(label).digits(56))
    return [
        {"id": str(base + i * 1_000_003_000_017), "timestamp": ts, "message": message}
        for i, (ts, message) in enumerate(items)
    ]


def data_message(label, group, stream, filters, items):
    return {
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT,
        "logGroup": group,
        "logStream": stream,
        "subscriptionFilters": filters,
        "logEvents": log_events(label, items),
    }


def control_message(destination, ts):
    return {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [{
            "id": "",
            "timestamp": ts,
            "message": "CWL CONTROL MESSAGE: Checking health of destination " + destination + ".",
        }],
    }


def invocation_ms(rec, extra_ms):
    """Epoch ms a record reached CloudWatch: its own second plus a small delay."""
    ts = rec["timestamp"]  # 2026-11-20THH:MM:SSZ
    return epoch_ms(2026, 11, 20, int(ts[11:13]), int(ts[14:16]), int(ts[17:19])) + extra_ms


def firehose_documents():
    f = Fake("firehose")
    ok = success_converse(
        "2026-11-20T16:20:11Z", f.uuid4(),
        "Name a colour that rhymes with bed. " + CANARY_PROMPT, "Red. " + CANARY_OUTPUT, 15, 3, 287,
    )
    bad = failure_record(
        "2026-11-20T16:20:14Z", "33333333-3333-4333-8333-333333333333", "Converse", SONNET_35,
        "Draft a short thank-you note to the team. " + CANARY_PROMPT,
        "ServiceUnavailableException", "Bedrock is unable to process your request.",
    )
    kb_fail = kb_resource_event(
        epoch_ms(2026, 11, 20, 16, 21, 2, 560), "ERROR", "DELETION_FAILED", "old/retired-policy.pdf",
        reasons=["Failed to delete the document's vectors from the vector store: request timed out"],
        chunks=chunk_statistics(),
    )
    return [
        control_message("Firehose", epoch_ms(2026, 11, 20, 16, 19, 58, 12)),
        data_message("firehose-invocations", INVOCATION_LOG_GROUP, INVOCATION_LOG_STREAM,
                     ["bedrock-alerts"],
                     [(invocation_ms(ok, 431), compact(ok)), (invocation_ms(bad, 212), compact(bad))]),
        data_message("firehose-kb", KB_LOG_GROUP, KB_LOG_STREAM, ["bedrock-alerts"],
                     [(kb_fail["event_timestamp"] + 180, compact(kb_fail))]),
    ]


def cwlogs_invocation_failure_doc():
    f = Fake("cwlogs-invocation-failure")
    ok = success_converse(
        "2026-11-20T17:02:40Z", f.uuid4(),
        "Suggest a title for a blog post about bread. " + CANARY_PROMPT,
        "\"Rise and Shine: Baking at Home\" " + CANARY_OUTPUT, 18, 9, 402,
    )
    timeout = failure_record(
        "2026-11-20T17:02:43Z", "44444444-4444-4444-8444-444444444444", "InvokeModel", HAIKU_3,
        "Summarise the attached meeting notes. " + CANARY_PROMPT,
        "ModelTimeoutException", "Model has timed out in processing the request. Try your request again.",
        identity=BATCH_ROLE,
    )
    denied = failure_record(
        "2026-11-20T17:02:47Z", "55555555-5555-4555-8555-555555555555", "Converse", SONNET_4_GLOBAL,
        "What is the capital of Portugal? " + CANARY_PROMPT,
        "AccessDeniedException", "You don't have access to the model with the specified model ID.",
        identity=DEV_USER,
    )
    return data_message(
        "cwlogs-invocation-failure", INVOCATION_LOG_GROUP, INVOCATION_LOG_STREAM,
        ["bedrock-alerts-invocation-errors"],
        [(invocation_ms(r, 350), compact(r)) for r in (ok, timeout, denied)],
    )


def cwlogs_kb_failures_doc():
    t = epoch_ms(2026, 11, 20, 17, 30, 0, 250)
    events = [
        kb_resource_event(t + 1_000, "ERROR", "EMBEDDING_FAILED", "manuals/router-x200.pdf",
                          reasons=[EMBED_TOO_LONG], chunks=chunk_statistics(failed_to_create=18)),
        kb_resource_event(t + 1_420, "ERROR", "EMBEDDING_FAILED", "manuals/switch-s48.pdf",
                          reasons=[EMBED_TOO_LONG], chunks=chunk_statistics(failed_to_create=25)),
        kb_resource_event(t + 2_075, "ERROR", "EMBEDDING_FAILED", "contracts/master-agreement.docx",
                          reasons=[EMBED_TOO_LONG], chunks=chunk_statistics(failed_to_create=7)),
        kb_resource_event(t + 2_630, "INFO", "INDEXED", "faq.md", chunks=chunk_statistics(created=9)),
        kb_job_event(t + 3_900, "FAILED",
                     resource_statistics(ingested=1, scheduled_for_ingestion=4, failed=3)),
    ]
    return data_message("cwlogs-kb-failures", KB_LOG_GROUP, KB_LOG_STREAM, ["bedrock-alerts-kb-errors"],
                        [(e["event_timestamp"] + 120, compact(e)) for e in events])


def cwlogs_healthy_doc():
    f = Fake("cwlogs-healthy")
    a = success_converse(
        "2026-11-20T17:45:10Z", f.uuid4(),
        "Recommend a board game for four players. " + CANARY_PROMPT, "Try Ticket to Ride. " + CANARY_OUTPUT,
        16, 6, 355,
    )
    b = success_converse(
        "2026-11-20T17:45:12Z", f.uuid4(),
        "What is 12 times 12? " + CANARY_PROMPT, "144. " + CANARY_OUTPUT, 12, 3, 260,
        operation="ConverseStream", model_id=SONNET_35, errorCode=None,
    )
    return data_message("cwlogs-healthy", INVOCATION_LOG_GROUP, INVOCATION_LOG_STREAM,
                        ["bedrock-alerts-invocation-errors"],
                        [(invocation_ms(r, 300), compact(r)) for r in (a, b)])


def cwlogs_lambda_sample_doc():
    """The CloudWatch Logs event AWS's Lambda documentation and `sam local generate-event
    cloudwatch logs` use as their sample: a DATA_MESSAGE from an application log group whose
    two messages are plain text, not JSON. Kept as AWS writes it (its own account, group and
    ids), not in this file's fake account."""
    return {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789123",
        "logGroup": "testLogGroup",
        "logStream": "testLogStream",
        "subscriptionFilters": ["testFilter"],
        "logEvents": [
            {"id": "eventId1", "timestamp": 1440442987000, "message": "[ERROR] First test message"},
            {"id": "eventId2", "timestamp": 1440442987001, "message": "[ERROR] Second test message"},
        ],
    }


def awslogs_event(doc_bytes):
    return {"awslogs": {"data": b64(gz(doc_bytes))}}


# --------------------------------------------------------------------------------------------
# Lambda trigger events
# --------------------------------------------------------------------------------------------


def s3_record(key_as_sent, size, etag, label, event_time, event_name="ObjectCreated:Put",
              event_version="2.1", extra=None):
    f = Fake(label)
    rec = {
        "eventVersion": event_version,
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": event_time,
        "eventName": event_name,
        "userIdentity": {"principalId": "AWS:AROA" + f.token(17).upper() + ":bedrock-logging"},
        "requestParameters": {"sourceIPAddress": "198.51.100.23"},
        "responseElements": {
            "x-amz-request-id": f.hex(16, upper=True),
            "x-amz-id-2": f.b64(76),
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "bedrock-alerts-object-created",
            "bucket": {
                "name": BUCKET,
                "ownerIdentity": {"principalId": "A3" + f.token(12).upper()},
                "arn": BUCKET_ARN,
            },
            "object": {
                "key": key_as_sent,
                "size": size,
                "eTag": etag,
                "sequencer": "00" + f.hex(16, upper=True),
            },
        },
    }
    if extra:
        rec.update(extra)
    return rec


def s3_notification(*records):
    return {"Records": list(records)}


def s3_test_event():
    f = Fake("s3-test-event")
    return {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": "2026-11-20T14:00:00.000Z",
        "Bucket": BUCKET,
        "RequestId": f.hex(16, upper=True),
        "HostId": f.b64(76),
    }


def eventbridge_object_created(key, size, etag, label, when):
    f = Fake(label)
    return {
        "version": "0",
        "id": f.uuid4(),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": ACCOUNT,
        "time": when,
        "region": REGION,
        "resources": [BUCKET_ARN],
        "detail": {
            "version": "0",
            "bucket": {"name": BUCKET},
            "object": {"key": key, "size": size, "etag": etag, "sequencer": "00" + f.hex(16, upper=True)},
            "request-id": f.hex(16, upper=True),
            "requester": ACCOUNT,
            "source-ip-address": "198.51.100.23",
            "reason": "PutObject",
        },
    }


SQS_QUEUE_ARN = "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":bedrock-alerts-s3-events"


def sqs_record(body, label, sent_ms, sender_id):
    f = Fake(label)
    return {
        "messageId": f.uuid4(),
        "receiptHandle": "AQEB" + f.b64(168),
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(sent_ms),
            "SenderId": sender_id,
            "ApproximateFirstReceiveTimestamp": str(sent_ms + 37),
        },
        "messageAttributes": {},
        "md5OfBody": md5_hex(body.encode("utf-8")),
        "eventSource": "aws:sqs",
        "eventSourceARN": SQS_QUEUE_ARN,
        "awsRegion": REGION,
    }


def sns_envelope(message, label, when):
    f = Fake(label)
    topic = "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":bedrock-alerts-s3-fanout"
    return {
        "Type": "Notification",
        "MessageId": f.uuid4(),
        "TopicArn": topic,
        "Subject": "Amazon S3 Notification",
        "Message": message,
        "Timestamp": when,
        "SignatureVersion": "1",
        "Signature": f.b64(342) + "==",
        "SigningCertURL": "https://sns." + REGION + ".amazonaws.com/SimpleNotificationService-"
                          + f.hex(32) + ".pem",
        "UnsubscribeURL": "https://sns." + REGION + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                          + topic + ":" + f.uuid4(),
    }


def batch_ops_v1(key, label):
    f = Fake(label)
    return {
        "invocationSchemaVersion": "1.0",
        "invocationId": "AAAAAAAAAA" + f.token(50),
        "job": {"id": f.uuid4()},
        "tasks": [{
            "taskId": "AAAAAAAAAA" + f.token(30),
            "s3Key": key,
            "s3VersionId": None,
            "s3BucketArn": BUCKET_ARN,
        }],
    }


def batch_ops_v2(keys, label):
    f = Fake(label)
    return {
        "invocationSchemaVersion": "2.0",
        "invocationId": "AAAAAAAAAA" + f.token(50),
        "job": {"id": f.uuid4(), "userArguments": {}},
        "tasks": [
            {"taskId": "AAAAAAAAAA" + f.token(30), "s3Key": k, "s3VersionId": None, "s3Bucket": BUCKET}
            for k in keys
        ],
    }


def kinesis_event(data_bytes, label, arrival_ms):
    f = Fake(label)
    seq = f.digits(56)
    stream_arn = "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/bedrock-alerts-cwlogs"
    return {
        "Records": [{
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": f.hex(32),
                "sequenceNumber": seq,
                "data": b64(data_bytes),
                "approximateArrivalTimestamp": arrival_ms / 1000,
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": "shardId-000000000000:" + seq,
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": "arn:aws:iam::" + ACCOUNT + ":role/bedrock-alerts-cwlogs-function",
            "awsRegion": REGION,
            "eventSourceARN": stream_arn,
        }],
    }


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------

README = """\
# Sample events for bedrock-alerts

Generated by `python3 scripts/make_events.py` (deterministic; re-running rewrites identical
bytes). Do not edit by hand: change the script and re-run it.

All data is fake but shaped like the real formats Bedrock, CloudWatch Logs, S3, SQS and SNS produce:
account `111122223333`, region `us-east-1`, bucket `bedrock-alerts-logs-111122223333`,
invocation-log prefix `bedrock/`, knowledge base `KB12345678`, data source `DS12345678`,
ingestion job `JOB1234567`, times in November 2026.

Every gzip or base64 payload has its decoded twin beside it. Invocation records in every file
carry the markers `CANARY-PROMPT-7f3a` (in an `inputBodyJson`) and `CANARY-OUTPUT-9c2e` (in an
`outputBodyJson`): neither may ever appear in an alert.

Finding counts below assume the default policy (guardrail interventions are not reported; with
`guardrail_as_warn` the guardrail record in `invocation-batch` adds one WARN
`GUARDRAIL_INTERVENED`).

## Log objects (`objects/`): what S3 or a subscription delivers

| File | What it is | Expected findings |
|---|---|---|
| `objects/invocation-batch.json.gz` (decoded: `invocation-batch.ndjson`) | Model invocation log batch, gzip NDJSON, 8 records: Converse ok; ConverseStream ok with `"errorCode": null`; InvokeModelWithResponseStream ok (`outputBodyJson` is an array ending in `"[DONE]"`); **InvokeModel via inference-profile ARN, ThrottlingException**; Converse stopped by a guardrail (success); InvokeModel ok with bodies offloaded to `data/` (`*BodyS3Path`, odd key order, `schemaType` last); **Converse on `global.` profile, ValidationException, `inferenceRegion` us-west-2**; Converse ok with a ~500 KB inline prompt (long line) | 2 ERROR: `ThrottlingException` (request `11111111-1111-4111-8111-111111111111`), `ValidationException` (request `22222222-2222-4222-8222-222222222222`) |
| `objects/invocation-batch-healthy.json.gz` (decoded: `invocation-batch-healthy.ndjson`) | 3 successful records (`errorCode` absent or null) | none |
| `objects/kb-application-logs.json.gz` (decoded: `kb-application-logs.ndjson`) | Classic KB application logs for one ingestion job: STARTED, EMBEDDING_STARTED, EMBEDDING_FAILED (`handbook.pdf`), INDEXING_FAILED (`pricing 2026.xlsx`), RESOURCE_IGNORED (`video.mp4`, no `chunk_statistics`, `document_location` first), INDEXED (`faq.md`), COMPLETE with `number_of_resources_failed: 2` | 2 ERROR: `EMBEDDING_FAILED`, `INDEXING_FAILED`; 2 WARN: `RESOURCE_IGNORED`, `COMPLETE` (job finished with 2 failed resources) |
| `objects/firehose-cwlogs.gz` (decoded: `firehose-cwlogs.decoded.json`, one document per line) | Firehose object fed by a CloudWatch Logs subscription: 3 concatenated gzip members, each one compact subscription document with no trailing newline: CONTROL_MESSAGE; DATA_MESSAGE from `/aws/bedrock/modelinvocations` (1 ok, 1 failed); DATA_MESSAGE from the KB vended-log group (DELETION_FAILED) | 2 ERROR: `ServiceUnavailableException` (request `33333333-3333-4333-8333-333333333333`), `DELETION_FAILED`; control message ignored |
| `objects/amazon-bedrock-logs-permission-check` | Zero-byte object Bedrock writes when S3 delivery is configured | none (skipped) |
| `objects/kb-managed-logs.ndjson` | Managed-KB dialect (plain NDJSON): StatusChanged with only `message`; document INDEXED ok; document with `index_status.Status` FAILED and `error_message` | 1 ERROR: `INDEX_FAILED` (`https://wiki.example.com/huge-page`) |
| `objects/bad-lines.ndjson` | Plain NDJSON with 4 lines: valid success record; `this is not json`; valid KB EMBEDDING_FAILED (`broken.docx`); `{"truncated": "rec` (cut mid-string) | 1 ERROR: `EMBEDDING_FAILED`; 2 WARN: `UNPARSEABLE_RECORD` (lines 2 and 4) |

## Lambda trigger events

Events that name an S3 object only point at it: the object's content (and so the findings)
comes from whatever the bucket holds at that key. The tests are expected to upload the objects
above at these keys:

| Key in `bedrock-alerts-logs-111122223333` | Content |
|---|---|
| `bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz` | `objects/invocation-batch.json.gz` |
| `uploads/kb logs+2026/11/20/kb=1.json.gz` (real key; URL-encoded in the event) | `objects/kb-application-logs.json.gz` |
| `bedrock/kb/2026/11/20/kb-application-logs.json.gz` | `objects/kb-application-logs.json.gz` |
| `bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check` | `objects/amazon-bedrock-logs-permission-check` (0 bytes) |

| File | What it is | Expected findings |
|---|---|---|
| `s3-object-created.json` | Direct S3 notification, `eventVersion` 2.1, `ObjectCreated:Put`, invocation batch key; `size`/`eTag` are those of `objects/invocation-batch.json.gz` | as `invocation-batch`: 2 ERROR |
| `s3-object-created-odd-key.json` | `eventVersion` 2.3, `ObjectCreated:CompleteMultipartUpload`, extra `awsGeneratedTags`, key form-URL-encoded: `uploads/kb+logs%2B2026/11/20/kb%3D1.json.gz` must decode to `uploads/kb logs+2026/11/20/kb=1.json.gz` (multipart `eTag`) | as `kb-application-logs`: 2 ERROR, 2 WARN |
| `s3-permission-check.json` | Notification for the zero-byte permission-check object, `size` 0 | none (skipped, never fetched as gzip) |
| `s3-data-object.json` | Notification for a `data/<requestId>_input.json.gz` offloaded body, `size` 2048 | none (skipped: not a log batch) |
| `s3-test-event.json` | `s3:TestEvent` sent when a notification is configured (no `Records`) | none |
| `eventbridge-object-created.json` | EventBridge `Object Created` (`detail.object.key`, lower-case `etag`) for the invocation batch | as `invocation-batch`: 2 ERROR |
| `sqs-s3-notification.json` | SQS event, 2 records: body = direct notification (string) for the invocation batch; body = `s3:TestEvent` (string). `md5OfBody` is the real MD5 of each body | 2 ERROR (from record 1); record 2 ignored |
| `sqs-sns-s3-notification.json` | SQS event, 1 record: body = SNS envelope whose `Message` is the S3 notification for `bedrock/kb/2026/11/20/kb-application-logs.json.gz` | as `kb-application-logs`: 2 ERROR, 2 WARN |
| `s3-batch-operations-v1.json` | S3 Batch Operations invocation, schema 1.0, 1 task (`s3BucketArn`) for the invocation batch key (URL-encoding leaves this key unchanged) | as `invocation-batch`: 2 ERROR |
| `s3-batch-operations-v2.json` | Schema 2.0 (`s3Bucket`, `userArguments`), 2 tasks: invocation batch key and `bedrock/kb/2026/11/20/kb-application-logs.json.gz` | 4 ERROR (`ThrottlingException`, `ValidationException`, `EMBEDDING_FAILED`, `INDEXING_FAILED`), 2 WARN (`RESOURCE_IGNORED`, `COMPLETE`) |
| `cwlogs-invocation-failure.json` (decoded: `cwlogs-invocation-failure.decoded.json`) | CloudWatch Logs subscription event (`awslogs.data` = base64(gzip(document))), DATA_MESSAGE from `/aws/bedrock/modelinvocations`: 1 ok, 2 failed | 2 ERROR: `ModelTimeoutException` (request `44444444-4444-4444-8444-444444444444`, InvokeModel, `anthropic.claude-3-haiku-20240307-v1:0`), `AccessDeniedException` (request `55555555-5555-4555-8555-555555555555`, Converse) |
| `cwlogs-kb-failures.json` (decoded: `cwlogs-kb-failures.decoded.json`) | DATA_MESSAGE from `/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/KB12345678`: 3 EMBEDDING_FAILED (3 documents, same job and reason), 1 INDEXED, job StatusChanged FAILED | 4 ERROR: 3 x `EMBEDDING_FAILED`, 1 x `FAILED` |
| `cwlogs-control-message.json` (decoded: `cwlogs-control-message.decoded.json`) | CONTROL_MESSAGE health check ("... destination Kinesis stream.") | none |
| `cwlogs-healthy.json` (decoded: `cwlogs-healthy.decoded.json`) | DATA_MESSAGE from the invocation group, 2 ok records | none |
| `cwlogs-lambda-sample.json` (decoded: `cwlogs-lambda-sample.decoded.json`) | The sample CloudWatch Logs event of the Lambda documentation (account `123456789123`, group `testLogGroup`): DATA_MESSAGE with 2 plain-text messages, `[ERROR] First test message` and `[ERROR] Second test message` | 2 WARN: `UNPARSEABLE_RECORD`, one per message |
| `kinesis-cwlogs.json` (decoded: `kinesis-cwlogs.decoded.json`) | Kinesis event, 1 record whose `data` = base64(gzip(same document as `cwlogs-invocation-failure`)) | 2 ERROR: `ModelTimeoutException`, `AccessDeniedException` |

## Decoding notes

- `*.decoded.json` next to a CloudWatch Logs / Kinesis event is exactly the gzip's content
  (compact JSON, no trailing newline); `logEvents[].message` is itself a JSON string.
- `firehose-cwlogs.decoded.json` lists the 3 gzip members' contents one per line; the `.gz`
  must be read with a multi-member decoder (`flate2::read::MultiGzDecoder`), and the documents
  are concatenated with no separator.
- `*.ndjson` twins are exactly the decompressed bytes of the `.json.gz` beside them.
"""


# --------------------------------------------------------------------------------------------
# Assemble and write
# --------------------------------------------------------------------------------------------


def build():
    files = {}

    def obj(name, data):
        files["objects/" + name] = data

    # A. log objects
    batch_nd = ndjson(invocation_batch_records())
    batch_gz = gz(batch_nd)
    obj("invocation-batch.ndjson", batch_nd)
    obj("invocation-batch.json.gz", batch_gz)

    healthy_nd = ndjson(healthy_batch_records())
    obj("invocation-batch-healthy.ndjson", healthy_nd)
    obj("invocation-batch-healthy.json.gz", gz(healthy_nd))

    kb_nd = ndjson(kb_application_events())
    kb_gz = gz(kb_nd)
    obj("kb-application-logs.ndjson", kb_nd)
    obj("kb-application-logs.json.gz", kb_gz)

    fh_docs = [compact(d).encode("utf-8") for d in firehose_documents()]
    obj("firehose-cwlogs.gz", b"".join(gz(d) for d in fh_docs))
    obj("firehose-cwlogs.decoded.json", b"".join(d + b"\n" for d in fh_docs))

    obj("amazon-bedrock-logs-permission-check", b"")
    obj("kb-managed-logs.ndjson", ndjson(kb_managed_events()))

    f = Fake("bad-lines")
    bad_ok = success_converse(
        "2026-11-20T19:00:01Z", f.uuid4(),
        "Give me a fun fact about owls. " + CANARY_PROMPT,
        "Owls can turn their heads about 270 degrees. " + CANARY_OUTPUT, 14, 11, 390,
    )
    bad_kb = kb_resource_event(
        epoch_ms(2026, 11, 20, 19, 0, 3, 500), "ERROR", "EMBEDDING_FAILED", "broken.docx",
        reasons=["The embedding model returned an error: document could not be parsed."],
        chunks=chunk_statistics(failed_to_create=1),
    )
    obj("bad-lines.ndjson", (compact(bad_ok) + "\nthis is not json\n" + compact(bad_kb)
                             + "\n" + '{"truncated": "rec' + "\n").encode("utf-8"))

    # B. Lambda trigger events
    def event(name, obj_):
        files[name] = pretty(obj_).encode("utf-8")

    direct_batch = s3_notification(s3_record(
        form_url_encode_key(BATCH_KEY), len(batch_gz), md5_hex(batch_gz), "s3-batch",
        "2026-11-20T14:05:12.871Z"))
    event("s3-object-created.json", direct_batch)

    encoded = form_url_encode_key(ODD_KEY)
    assert encoded == ODD_KEY_ENCODED, encoded
    event("s3-object-created-odd-key.json", s3_notification(s3_record(
        encoded, len(kb_gz), multipart_etag(kb_gz), "s3-odd-key", "2026-11-20T15:12:40.518Z",
        event_name="ObjectCreated:CompleteMultipartUpload", event_version="2.3",
        extra={"awsGeneratedTags": {}})))

    event("s3-permission-check.json", s3_notification(s3_record(
        PERMISSION_CHECK_KEY, 0, md5_hex(b""), "s3-permission-check", "2026-11-20T13:58:03.114Z")))

    event("s3-data-object.json", s3_notification(s3_record(
        DATA_OBJECT_KEY, 2048, Fake("s3-data-object-etag").hex(32), "s3-data-object",
        "2026-11-20T14:05:04.902Z")))

    test_event = s3_test_event()
    event("s3-test-event.json", test_event)

    event("eventbridge-object-created.json", eventbridge_object_created(
        BATCH_KEY, len(batch_gz), md5_hex(batch_gz), "eventbridge-batch", "2026-11-20T14:05:12Z"))

    sender_s3 = "AIDA" + Fake("sqs-sender").token(17).upper()
    event("sqs-s3-notification.json", {"Records": [
        sqs_record(compact(direct_batch), "sqs-1", epoch_ms(2026, 11, 20, 14, 5, 13, 40), sender_s3),
        sqs_record(compact(test_event), "sqs-2", epoch_ms(2026, 11, 20, 14, 0, 0, 380), sender_s3),
    ]})

    kb_direct = s3_notification(s3_record(
        form_url_encode_key(KB_KEY), len(kb_gz), md5_hex(kb_gz), "s3-kb", "2026-11-20T15:10:05.277Z"))
    envelope = sns_envelope(compact(kb_direct), "sns-kb", "2026-11-20T15:10:05.402Z")
    # SNS renders the envelope with 2-space indentation and " : " separators.
    sns_body = json.dumps(envelope, indent=2, separators=(",", " : "))
    event("sqs-sns-s3-notification.json", {"Records": [
        sqs_record(sns_body, "sqs-sns-1", epoch_ms(2026, 11, 20, 15, 10, 5, 430),
                   "AIDA" + Fake("sns-sender").token(17).upper()),
    ]})

    event("s3-batch-operations-v1.json", batch_ops_v1(form_url_encode_key(BATCH_KEY), "batch-v1"))
    event("s3-batch-operations-v2.json", batch_ops_v2(
        [form_url_encode_key(BATCH_KEY), form_url_encode_key(KB_KEY)], "batch-v2"))

    def awslogs(stem, doc):
        raw = compact(doc).encode("utf-8")
        files[stem + ".decoded.json"] = raw
        event(stem + ".json", awslogs_event(raw))
        return raw

    failure_raw = awslogs("cwlogs-invocation-failure", cwlogs_invocation_failure_doc())
    awslogs("cwlogs-kb-failures", cwlogs_kb_failures_doc())
    awslogs("cwlogs-control-message",
            control_message("Kinesis stream", epoch_ms(2026, 11, 20, 17, 0, 0, 5)))
    awslogs("cwlogs-healthy", cwlogs_healthy_doc())
    awslogs("cwlogs-lambda-sample", cwlogs_lambda_sample_doc())

    event("kinesis-cwlogs.json",
          kinesis_event(gz(failure_raw), "kinesis", epoch_ms(2026, 11, 20, 17, 2, 48, 613)))
    files["kinesis-cwlogs.decoded.json"] = failure_raw

    files["README.md"] = README.encode("utf-8")
    return files


def main():
    files = build()
    for rel, data in sorted(files.items()):
        path = EVENTS / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for rel in sorted(files):
        print("%9d  events/%s" % (os.path.getsize(EVENTS / rel), rel))


if __name__ == "__main__":
    main()
