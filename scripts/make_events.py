#!/usr/bin/env python3
"""Generate the sample inputs under events/ for bedrock-alerts.

    python3 scripts/make_events.py            # rewrite events/
    python3 scripts/make_events.py --check    # exit 1 if events/ is not what it writes

Everything is fake but shaped like the real thing (see events/README.md): account
111122223333, region us-east-1, bucket bedrock-alerts-logs-111122223333, invocation-log
prefix bedrock/. Deterministic: fixed timestamps, gzip with mtime 0, ids drawn from seeded
generators (scripts/samples.py, which make_bad_inputs.py shares). Standard library only.

Layout written:
    events/objects/...   what S3 (or a CloudWatch Logs subscription) holds: log objects
    events/*.json        Lambda trigger events (S3, EventBridge, SQS, SNS-in-SQS,
                         S3 Batch Operations, CloudWatch Logs, Kinesis), Bedrock job events
                         and alarm state changes from EventBridge
    events/README.md     what each file is and what bedrock-alerts should find in it

Every gzip or base64 payload has its decoded form written beside it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from urllib.parse import quote_plus

import samples
from samples import (
    ACCOUNT, CANARY_OUTPUT, CANARY_PROMPT, DATA_SOURCE_ID, INGESTION_JOB_ID, INVOCATION_LOG_GROUP, KB_ARN,
    KB_LOG_GROUP, REGION, Rng, awslogs_event, b64, compact, epoch_ms, eventbridge_event, gz, invocation_record,
    json_input, json_output, kb_event, kb_resource_event, kinesis_record, log_event, md5_hex, message, ndjson,
    object_created_event, s3_notification, s3_test_event, subscription_document,
)

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
KB_DOCS = "s3://acme-kb-docs/"

INVOCATION_LOG_STREAM = "aws/bedrock/modelinvocations"
KB_LOG_STREAM = "kb-application-logs"  # KB vended-log stream naming is unconfirmed


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------


def form_url_encode_key(key):
    """S3 notification key encoding: space -> '+', '/' kept, other reserved bytes -> %XX."""
    return quote_plus(key, safe="/")


def multipart_etag(data, part_size=8 * 1024 * 1024):
    """ETag S3 gives a multipart upload: md5 of the parts' md5s, dash, part count."""
    parts = [data[i:i + part_size] for i in range(0, len(data), part_size)] or [b""]
    return md5_hex(b"".join(hashlib.md5(p).digest() for p in parts)) + "-" + str(len(parts))


def pretty(obj):
    return (json.dumps(obj, indent=2) + "\n").encode("utf-8")


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
    body = {"messages": [message("user", prompt)]}
    if system:
        body["system"] = [{"text": system}]
    body["inferenceConfig"] = {"maxTokens": max_tokens, "temperature": 0.5, "topP": 0.9}
    if extra:
        body.update(extra)
    return body


def converse_output(text, input_tokens, output_tokens, latency_ms, stop_reason="end_turn"):
    return {
        "output": {"message": message("assistant", text)},
        "stopReason": stop_reason,
        "metrics": {"latencyMs": latency_ms},
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
    }


def success_converse(ts, request_id, prompt, answer, in_tok, out_tok, latency, identity=APP_ROLE,
                     model_id=NOVA_LITE, operation="Converse", **extra):
    return invocation_record(
        ts, request_id, operation, model_id, identity,
        json_input(converse_input(prompt), in_tok),
        json_output(converse_output(answer, in_tok, out_tok, latency), out_tok),
        **extra,
    )


def failure_record(ts, request_id, operation, model_id, prompt, code, error_message, identity=APP_ROLE,
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
    return invocation_record(ts, request_id, operation, model_id, identity, json_input(body, 0),
                             **extra, errorCode=code, errorMessage=error_message)


def haiku_stream(ts, request_id, message_id):
    """InvokeModelWithResponseStream: the output body is the list of stream chunks."""
    chunks = [
        {
            "type": "message_start",
            "message": {
                "id": message_id,
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
    return invocation_record(
        ts, request_id, "InvokeModelWithResponseStream", HAIKU_3, DEV_USER,
        json_input({
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 200,
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "Write a two-line poem about autumn. " + CANARY_PROMPT}]}],
        }, 19),
        json_output(chunks, 15),
    )


def guardrail_blocked(ts, request_id):
    """A Converse call a guardrail stopped: a success, stopReason guardrail_intervened."""
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
    return invocation_record(ts, request_id, "Converse", SONNET_35, APP_ROLE,
                             json_input(guard_in, 0), json_output(guard_out, 0))


def offloaded_bodies(ts, request_id):
    """Bodies too big to log inline, written to data/ (odd key order, schemaType last)."""
    data_prefix = "s3://" + BUCKET + "/" + HOUR_DIR + "data/" + request_id
    return {
        "timestamp": ts,
        "accountId": ACCOUNT,
        "identity": {"arn": BATCH_ROLE},
        "region": REGION,
        "requestId": request_id,
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


def long_prompt(ts, request_id):
    """A ~500 KB inline prompt: one long line."""
    sentence = "The garden path winds past tidy rows of tomatoes, beans and sunflowers. "
    text = "Please count the sentences in this note. " + CANARY_PROMPT + " " + sentence * (500_000 // len(sentence))
    return success_converse(
        ts, request_id, text,
        "The note repeats one sentence about a garden many times. " + CANARY_OUTPUT,
        111130, 17, 9120, model_id=NOVA_LITE,
    )


def invocation_batch_records():
    f = Rng("invocation-batch")  # drawn in list order
    return [
        success_converse(
            "2026-11-20T14:05:01Z", f.uuid4(),
            "Suggest a friendly name for a team wiki page about onboarding. " + CANARY_PROMPT,
            "How about \"Welcome Aboard\"? " + CANARY_OUTPUT,
            27, 12, 612,
        ),
        invocation_record(
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
        ),
        haiku_stream("2026-11-20T14:05:03Z", f.uuid4(), "msg_bdrk_01" + f.token(22)),
        failure_record(
            "2026-11-20T14:05:04Z", "11111111-1111-4111-8111-111111111111", "InvokeModel",
            SONNET_PROFILE_ARN,
            "Summarise this week's support tickets in one sentence. " + CANARY_PROMPT,
            "ThrottlingException", "Too many requests, please wait before trying again.",
            identity=BATCH_ROLE,
        ),
        guardrail_blocked("2026-11-20T14:05:05Z", f.uuid4()),
        offloaded_bodies("2026-11-20T14:05:06Z", f.uuid4()),
        failure_record(
            "2026-11-20T14:05:07Z", "22222222-2222-4222-8222-222222222222", "Converse",
            SONNET_4_GLOBAL,
            "Translate 'good morning' into French. " + CANARY_PROMPT,
            "ValidationException", "Malformed input request: messages: field required",
            inferenceRegion="us-west-2",
        ),
        long_prompt("2026-11-20T14:05:08Z", f.uuid4()),
    ]


def healthy_batch_records():
    f = Rng("invocation-batch-healthy")
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
RESOURCE_STATUS_CHANGED = "StartIngestionJob.ResourceStatusChanged"


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
    return kb_event(ts_ms, "StartIngestionJob.StatusChanged", {
        "ingestion_job_id": INGESTION_JOB_ID,
        "data_source_id": DATA_SOURCE_ID,
        "ingestion_job_status": status,
        "knowledge_base_arn": KB_ARN,
        "resource_statistics": stats,
    }, level)


def kb_doc_event(ts_ms, level, status, doc, reasons=None, chunks=None):
    """A status change of document doc of the s3://acme-kb-docs/ data source."""
    return kb_resource_event(ts_ms, level, status, KB_DOCS + doc, reasons=reasons, chunks=chunks)


def kb_application_events():
    t = epoch_ms(2026, 11, 20, 15, 0, 0, 123)
    ignored = {
        "document_location": {"type": "S3", "s3_location": {"uri": KB_DOCS + "video.mp4"}},
        "ingestion_job_id": INGESTION_JOB_ID,
        "status_reasons": ["Unsupported file type"],
        "data_source_id": DATA_SOURCE_ID,
        "knowledge_base_arn": KB_ARN,
        "status": "RESOURCE_IGNORED",
    }
    return [
        kb_job_event(t, "INGESTION_JOB_STARTED", resource_statistics()),
        kb_doc_event(t + 1_877, "INFO", "EMBEDDING_STARTED", "handbook.pdf"),
        kb_doc_event(t + 3_052, "ERROR", "EMBEDDING_FAILED", "handbook.pdf",
                     reasons=[EMBED_TOO_LONG],
                     chunks=chunk_statistics(created=0, failed_to_create=42)),
        kb_doc_event(t + 3_998, "ERROR", "INDEXING_FAILED", "pricing 2026.xlsx",
                     reasons=["Failed to write to the vector store: 403 Forbidden"],
                     chunks=chunk_statistics(created=0, failed_to_create=12)),
        kb_event(t + 4_310, RESOURCE_STATUS_CHANGED, ignored, "WARN"),
        kb_doc_event(t + 6_741, "INFO", "INDEXED", "faq.md",
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
        return kb_event(at, RESOURCE_STATUS_CHANGED, event, level)

    f = Rng("kb-managed")
    return [
        kb_event(t, "StartIngestionJob.StatusChanged", {"message": "Crawling started"}, "INFO"),
        document(t + 5_120, "INFO", "doc-" + f.hex(24), "https://wiki.example.com/onboarding", True,
                 {"created": 14, "deleted": 0, "failed_to_create": 0, "failed_to_delete": 0}),
        document(t + 9_870, "ERROR", "doc-" + f.hex(24), "https://wiki.example.com/huge-page", False,
                 {"created": 0, "deleted": 0, "failed_to_create": 1, "failed_to_delete": 0},
                 error="Document exceeds the maximum number of chunks"),
    ]


def bad_lines():
    """Plain NDJSON: a record, a line that is not JSON, a KB event, a last line cut mid-string."""
    f = Rng("bad-lines")
    lines = [
        compact(success_converse(
            "2026-11-20T19:00:01Z", f.uuid4(),
            "Give me a fun fact about owls. " + CANARY_PROMPT,
            "Owls can turn their heads about 270 degrees. " + CANARY_OUTPUT, 14, 11, 390,
        )),
        "this is not json",
        compact(kb_doc_event(
            epoch_ms(2026, 11, 20, 19, 0, 3, 500), "ERROR", "EMBEDDING_FAILED", "broken.docx",
            reasons=["The embedding model returned an error: document could not be parsed."],
            chunks=chunk_statistics(failed_to_create=1),
        )),
        '{"truncated": "rec',
    ]
    return "".join(text + "\n" for text in lines).encode("utf-8")


# --------------------------------------------------------------------------------------------
# CloudWatch Logs subscription documents
# --------------------------------------------------------------------------------------------


def data_message(label, group, stream, filters, items):
    """items: (epoch_ms, message_string). Ids: 56 digits, increasing within a document."""
    base = int(Rng(label).digits(56))
    events = [log_event(str(base + i * 1_000_003_000_017), ts, text) for i, (ts, text) in enumerate(items)]
    return subscription_document(group, stream, filters, events)


def control_message(destination, ts):
    text = "CWL CONTROL MESSAGE: Checking health of destination " + destination + "."
    return subscription_document("", "", [], [log_event("", ts, text)],
                                 message_type="CONTROL_MESSAGE", owner="CloudwatchLogs")


def invocation_ms(rec, extra_ms):
    """Epoch ms a record reached CloudWatch: its own second plus a small delay."""
    ts = rec["timestamp"]  # 2026-11-20THH:MM:SSZ
    return epoch_ms(2026, 11, 20, int(ts[11:13]), int(ts[14:16]), int(ts[17:19])) + extra_ms


def firehose_documents():
    """The compact subscription documents Firehose concatenates into one object."""
    f = Rng("firehose")
    ok = success_converse(
        "2026-11-20T16:20:11Z", f.uuid4(),
        "Name a colour that rhymes with bed. " + CANARY_PROMPT, "Red. " + CANARY_OUTPUT, 15, 3, 287,
    )
    bad = failure_record(
        "2026-11-20T16:20:14Z", "33333333-3333-4333-8333-333333333333", "Converse", SONNET_35,
        "Draft a short thank-you note to the team. " + CANARY_PROMPT,
        "ServiceUnavailableException", "Bedrock is unable to process your request.",
    )
    kb_fail = kb_doc_event(
        epoch_ms(2026, 11, 20, 16, 21, 2, 560), "ERROR", "DELETION_FAILED", "old/retired-policy.pdf",
        reasons=["Failed to delete the document's vectors from the vector store: request timed out"],
        chunks=chunk_statistics(),
    )
    documents = [
        control_message("Firehose", epoch_ms(2026, 11, 20, 16, 19, 58, 12)),
        data_message("firehose-invocations", INVOCATION_LOG_GROUP, INVOCATION_LOG_STREAM,
                     ["bedrock-alerts"],
                     [(invocation_ms(ok, 431), compact(ok)), (invocation_ms(bad, 212), compact(bad))]),
        data_message("firehose-kb", KB_LOG_GROUP, KB_LOG_STREAM, ["bedrock-alerts"],
                     [(kb_fail["event_timestamp"] + 180, compact(kb_fail))]),
    ]
    return [compact(d).encode("utf-8") for d in documents]


def cwlogs_invocation_failure_doc():
    f = Rng("cwlogs-invocation-failure")
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
        kb_doc_event(t + 1_000, "ERROR", "EMBEDDING_FAILED", "manuals/router-x200.pdf",
                     reasons=[EMBED_TOO_LONG], chunks=chunk_statistics(failed_to_create=18)),
        kb_doc_event(t + 1_420, "ERROR", "EMBEDDING_FAILED", "manuals/switch-s48.pdf",
                     reasons=[EMBED_TOO_LONG], chunks=chunk_statistics(failed_to_create=25)),
        kb_doc_event(t + 2_075, "ERROR", "EMBEDDING_FAILED", "contracts/master-agreement.docx",
                     reasons=[EMBED_TOO_LONG], chunks=chunk_statistics(failed_to_create=7)),
        kb_doc_event(t + 2_630, "INFO", "INDEXED", "faq.md", chunks=chunk_statistics(created=9)),
        kb_job_event(t + 3_900, "FAILED",
                     resource_statistics(ingested=1, scheduled_for_ingestion=4, failed=3)),
    ]
    return data_message("cwlogs-kb-failures", KB_LOG_GROUP, KB_LOG_STREAM, ["bedrock-alerts-kb-errors"],
                        [(e["event_timestamp"] + 120, compact(e)) for e in events])


def cwlogs_healthy_doc():
    f = Rng("cwlogs-healthy")
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
    return subscription_document("testLogGroup", "testLogStream", ["testFilter"], [
        log_event("eventId1", 1440442987000, "[ERROR] First test message"),
        log_event("eventId2", 1440442987001, "[ERROR] Second test message"),
    ], owner="123456789123")


# --------------------------------------------------------------------------------------------
# Lambda trigger events
# --------------------------------------------------------------------------------------------

SOURCE_IP = "198.51.100.23"


def object_created(key_as_sent, size, etag, label, event_time, event_name="ObjectCreated:Put",
                   event_version="2.1", extra=None):
    """A direct S3 notification record for the sample bucket, its ids drawn from label."""
    f = Rng(label)
    record = samples.s3_record(
        key_as_sent, size, etag, bucket=BUCKET, event_time=event_time, event_name=event_name,
        event_version=event_version, source_ip=SOURCE_IP, configuration_id="bedrock-alerts-object-created",
        principal="AWS:AROA" + f.token(17).upper() + ":bedrock-logging",
        request_id=f.hex(16, upper=True),
        host_id=f.b64(76),
        owner="A3" + f.token(12).upper(),
        sequencer="00" + f.hex(16, upper=True),
    )
    record.update(extra or {})
    return record


SQS_QUEUE_ARN = "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":bedrock-alerts-s3-events"


def sqs_record(body, label, sent_ms, sender_id):
    f = Rng(label)
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


def sns_envelope(text, label, when):
    f = Rng(label)
    topic = "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":bedrock-alerts-s3-fanout"
    return {
        "Type": "Notification",
        "MessageId": f.uuid4(),
        "TopicArn": topic,
        "Subject": "Amazon S3 Notification",
        "Message": text,
        "Timestamp": when,
        "SignatureVersion": "1",
        "Signature": f.b64(342) + "==",
        "SigningCertURL": "https://sns." + REGION + ".amazonaws.com/SimpleNotificationService-"
                          + f.hex(32) + ".pem",
        "UnsubscribeURL": "https://sns." + REGION + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                          + topic + ":" + f.uuid4(),
    }


def batch_ops_v1(key, label):
    f = Rng(label)
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
    f = Rng(label)
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
    f = Rng(label)
    seq = f.digits(56)
    kinesis = {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": f.hex(32),
        "sequenceNumber": seq,
        "data": b64(data_bytes),
        "approximateArrivalTimestamp": arrival_ms / 1000,
    }
    return {"Records": [kinesis_record(
        kinesis, "shardId-000000000000:" + seq,
        "arn:aws:iam::" + ACCOUNT + ":role/bedrock-alerts-cwlogs-function",
        "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/bedrock-alerts-cwlogs",
    )]}


# The trigger events, one function each. Those naming a log object describe the object
# written under objects/ (its size and ETag).


def s3_object_created():
    batch = batch_gz("invocation-batch")
    return s3_notification(object_created(
        form_url_encode_key(BATCH_KEY), len(batch), md5_hex(batch), "s3-batch", "2026-11-20T14:05:12.871Z"))


def s3_object_created_odd_key():
    kb = batch_gz("kb-application-logs")
    encoded = form_url_encode_key(ODD_KEY)
    assert encoded == ODD_KEY_ENCODED, encoded
    return s3_notification(object_created(
        encoded, len(kb), multipart_etag(kb), "s3-odd-key", "2026-11-20T15:12:40.518Z",
        event_name="ObjectCreated:CompleteMultipartUpload", event_version="2.3",
        extra={"awsGeneratedTags": {}}))


def s3_permission_check():
    return s3_notification(object_created(
        PERMISSION_CHECK_KEY, 0, md5_hex(b""), "s3-permission-check", "2026-11-20T13:58:03.114Z"))


def s3_data_object():
    return s3_notification(object_created(
        DATA_OBJECT_KEY, 2048, Rng("s3-data-object-etag").hex(32), "s3-data-object",
        "2026-11-20T14:05:04.902Z"))


def s3_test():
    f = Rng("s3-test-event")
    return s3_test_event("2026-11-20T14:00:00.000Z", BUCKET, f.hex(16, upper=True), f.b64(76))


def eventbridge_object_created():
    batch = batch_gz("invocation-batch")
    f = Rng("eventbridge-batch")
    return object_created_event(f.uuid4(), "2026-11-20T14:05:12Z", BUCKET, {
        "version": "0",
        "bucket": {"name": BUCKET},
        "object": {"key": BATCH_KEY, "size": len(batch), "etag": md5_hex(batch),
                   "sequencer": "00" + f.hex(16, upper=True)},
        "request-id": f.hex(16, upper=True),
        "requester": ACCOUNT,
        "source-ip-address": SOURCE_IP,
        "reason": "PutObject",
    })


def sqs_s3_notification():
    sender = "AIDA" + Rng("sqs-sender").token(17).upper()
    return {"Records": [
        sqs_record(compact(s3_object_created()), "sqs-1", epoch_ms(2026, 11, 20, 14, 5, 13, 40), sender),
        sqs_record(compact(s3_test()), "sqs-2", epoch_ms(2026, 11, 20, 14, 0, 0, 380), sender),
    ]}


def sqs_sns_s3_notification():
    kb = batch_gz("kb-application-logs")
    direct = s3_notification(object_created(
        form_url_encode_key(KB_KEY), len(kb), md5_hex(kb), "s3-kb", "2026-11-20T15:10:05.277Z"))
    envelope = sns_envelope(compact(direct), "sns-kb", "2026-11-20T15:10:05.402Z")
    # SNS renders the envelope with 2-space indentation and " : " separators.
    sns_body = json.dumps(envelope, indent=2, separators=(",", " : "))
    return {"Records": [
        sqs_record(sns_body, "sqs-sns-1", epoch_ms(2026, 11, 20, 15, 10, 5, 430),
                   "AIDA" + Rng("sns-sender").token(17).upper()),
    ]}


def s3_batch_operations_v1():
    return batch_ops_v1(form_url_encode_key(BATCH_KEY), "batch-v1")


def s3_batch_operations_v2():
    return batch_ops_v2([form_url_encode_key(BATCH_KEY), form_url_encode_key(KB_KEY)], "batch-v2")


def awslogs(document_gz):
    return awslogs_event(b64(document_gz))


def kinesis_cwlogs(document_gz):
    return kinesis_event(document_gz, "kinesis", epoch_ms(2026, 11, 20, 17, 2, 48, 613))


# --------------------------------------------------------------------------------------------
# EventBridge events: Bedrock job state changes and the stack's alarm state changes
# --------------------------------------------------------------------------------------------

BEDROCK_ARN = "arn:aws:bedrock:" + REGION + ":" + ACCOUNT + ":"
LOWER_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
TITAN_EXPRESS_8K = "amazon.titan-text-express-v1:0:8k"
FT_BUCKET = "s3://acme-ft-data-" + ACCOUNT + "/support-tone/"
BATCH_BUCKET = "s3://acme-batch-" + ACCOUNT + "/"


def foundation_model_arn(model_id):
    return "arn:aws:bedrock:" + REGION + "::foundation-model/" + model_id


def customization_failed():
    """A fine-tuning job that failed on its training data. Its ARN names the base model, as
    real customization-job ARNs do; the top-level time is RFC 3339."""
    f = Rng("customization-failed")
    job_arn = BEDROCK_ARN + "model-customization-job/" + TITAN_EXPRESS_8K + "/" + f.pick(LOWER_DIGITS, 12)
    return eventbridge_event(f.uuid4(), "aws.bedrock", "Model Customization Job State Change",
                             "2026-11-21T08:42:17Z", [job_arn], {
        "version": "0.0",
        "jobName": "support-tone-ft-2026-11-21",
        "jobArn": job_arn,
        "outputModelName": "support-tone-titan-express-v3",
        "roleArn": "arn:aws:iam::" + ACCOUNT + ":role/bedrock-finetune-job",
        "jobStatus": "Failed",
        "failureMessage": "Training data validation failed: 3 records in train.jsonl exceed the maximum "
                          "input length of 4096 tokens for the base model.",
        "creationTime": "2026-11-21T07:58:41.207Z",
        "lastModifiedTime": "2026-11-21T08:42:16.880Z",
        "endTime": "2026-11-21T08:42:16.880Z",
        "baseModelArn": foundation_model_arn(TITAN_EXPRESS_8K),
        "hyperParameters": {"batchSize": "1", "epochCount": "2", "learningRate": "0.00001",
                            "learningRateWarmupSteps": "0"},
        "trainingDataConfig": {"s3Uri": FT_BUCKET + "train.jsonl"},
        "validationDataConfig": {"validators": [{"s3Uri": FT_BUCKET + "validation.jsonl"}]},
        "outputDataConfig": {"s3Uri": FT_BUCKET + "output/"},
    })


def batch_job_event(label, time, job_name, model_id, status, failure, created):
    """A batch inference job's state change. Like AWS's own sample, the top-level time reads
    "Sat Nov 21 10:16:44 UTC 2026" (not RFC 3339) and creationTime "Nov 21, 2026, 1:02:09 AM"."""
    f = Rng(label)
    job_arn = BEDROCK_ARN + "model-invocation-job/" + f.pick(LOWER_DIGITS, 12)
    return eventbridge_event(f.uuid4(), "aws.bedrock", "Batch Inference Job State Change", time, [job_arn], {
        "accountId": ACCOUNT,
        "batchJobName": job_name,
        "batchJobArn": job_arn,
        "batchModelId": foundation_model_arn(model_id),
        "status": status,
        "failureMessage": failure,
        "creationTime": created,
    })


def batch_partially_completed():
    return batch_job_event(
        "batch-partially-completed", "Sat Nov 21 10:16:44 UTC 2026", "nightly-ticket-summaries-2026-11-21",
        HAIKU_3, "PartiallyCompleted",
        "37 of 5000 records could not be processed. Their errors are in the job's output files in "
        + BATCH_BUCKET + "summaries/output/.",
        "Nov 21, 2026, 1:02:09 AM",
    )


def batch_expired():
    return batch_job_event(
        "batch-expired", "Sat Nov 21 12:00:03 UTC 2026", "weekly-catalog-tagging-2026-47", NOVA_LITE,
        "Expired", "The job did not complete within its timeout of 48 hours and expired.",
        "Nov 19, 2026, 11:59:58 AM",
    )


def batch_completed():
    return batch_job_event(
        "batch-completed", "Sat Nov 21 03:41:27 UTC 2026", "nightly-ticket-summaries-2026-11-20", HAIKU_3,
        "Completed", "", "Nov 20, 2026, 1:02:11 AM",
    )


def data_automation_event(label, outcome, time, status, document, error=None):
    """A Bedrock Data Automation event: snake_case detail; job_id is the invocation ARN."""
    f = Rng(label)
    job_id = BEDROCK_ARN + "data-automation-invocation/" + f.uuid4()
    detail = {
        "job_id": job_id,
        "job_status": status,
        "semantic_modality": "Document",
        "input_s3_object": {"s3_bucket": "acme-bda-input-" + ACCOUNT, "name": "invoices/2026/11/" + document},
        "output_s3_location": {"s3_bucket": "acme-bda-output-" + ACCOUNT,
                               "name": "invoices/2026/11/" + document.rsplit(".", 1)[0]},
    }
    if error is not None:
        detail["error_message"] = error
    return eventbridge_event(f.uuid4(), "aws.bedrock", "Bedrock Data Automation Job " + outcome, time, [],
                             detail)


def data_automation_client_error():
    return data_automation_event(
        "bda-client-error", "Failed With Client Error", "2026-11-21T11:20:05Z", "ClientError",
        "inv-20931.heic", "Unsupported file format: image/heic is not a supported input type for documents.",
    )


def data_automation_service_error():
    return data_automation_event(
        "bda-service-error", "Failed With Service Error", "2026-11-21T11:47:52Z", "ServiceError",
        "inv-20958.pdf", "An internal service error occurred while processing the document. Retry the request.",
    )


def bedrock_unknown():
    """An aws.bedrock event of a detail-type bedrock-alerts does not handle: a Bedrock API call
    CloudTrail passed to EventBridge (the call that started the partially completed batch
    job). Counted as unknown."""
    f = Rng("cloudtrail-create-batch-job")
    job_arn = batch_partially_completed()["detail"]["batchJobArn"]  # the job this call created
    request_id = f.uuid4()
    return eventbridge_event(f.uuid4(), "aws.bedrock", "AWS API Call via CloudTrail", "2026-11-21T01:02:09Z", [], {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROA" + f.token(17).upper() + ":summarizer-job",
            "arn": BATCH_ROLE,
            "accountId": ACCOUNT,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROA" + f.token(17).upper(),
                    "arn": "arn:aws:iam::" + ACCOUNT + ":role/nightly-summaries",
                    "accountId": ACCOUNT,
                    "userName": "nightly-summaries",
                },
                "attributes": {"creationDate": "2026-11-21T01:00:02Z", "mfaAuthenticated": "false"},
            },
        },
        "eventTime": "2026-11-21T01:02:09Z",
        "eventSource": "bedrock.amazonaws.com",
        "eventName": "CreateModelInvocationJob",
        "awsRegion": REGION,
        "sourceIPAddress": SOURCE_IP,
        "userAgent": "Boto3/1.35.40 md/Botocore#1.35.40 ua/2.0 os/linux#6.1 lang/python#3.12.7",
        "requestParameters": {
            "jobName": "nightly-ticket-summaries-2026-11-21",
            "roleArn": "arn:aws:iam::" + ACCOUNT + ":role/bedrock-batch-inference",
            "modelId": HAIKU_3,
            "inputDataConfig": {"s3InputDataConfig": {"s3Uri": BATCH_BUCKET + "summaries/input/"}},
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": BATCH_BUCKET + "summaries/output/"}},
        },
        "responseElements": {"jobArn": job_arn},
        "requestID": request_id,
        "eventID": f.uuid4(),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    })


# The job events, in the order of the list file.
JOB_EVENTS = {
    "eventbridge-bedrock-customization-failed.json": customization_failed,
    "eventbridge-bedrock-batch-partially-completed.json": batch_partially_completed,
    "eventbridge-bedrock-batch-expired.json": batch_expired,
    "eventbridge-bedrock-batch-completed.json": batch_completed,
    "eventbridge-bedrock-data-automation-client-error.json": data_automation_client_error,
    "eventbridge-bedrock-data-automation-service-error.json": data_automation_service_error,
    "eventbridge-bedrock-unknown.json": bedrock_unknown,
}


def bedrock_job_events():
    """What a saved list of EventBridge events looks like: a JSON array of them."""
    return [event() for event in JOB_EVENTS.values()]


THROTTLES_ALARM = "bedrock-alerts-BedrockThrottlesAlarm-1A2B3C4D5E6F"
THROTTLES_ALARM_ARN = "arn:aws:cloudwatch:" + REGION + ":" + ACCOUNT + ":alarm:" + THROTTLES_ALARM
THROTTLES_QUERY = 'SELECT SUM(InvocationThrottles) FROM SCHEMA("AWS/Bedrock", ModelId)'
ALARM_PERIOD = 300
THROTTLE_THRESHOLD = 10.0


def cw_time(hour, minute, second=0, milli=0):
    """A time on 2026-11-21 as CloudWatch writes it in alarm states ("...T14:06:12.318+0000")."""
    return "2026-11-21T%02d:%02d:%02d.%03d+0000" % (hour, minute, second, milli)


def cw_reason_date(hour, minute):
    """A datapoint's time as an alarm's reason text gives it (dd/mm/yy hh:mm:ss)."""
    return "21/11/26 %02d:%02d:00" % (hour, minute)


def alarm_state(value, datapoint, period_start, evaluated):
    """An alarm state of the throttles alarm (a Metrics Insights query alarm): one datapoint
    in the period starting at period_start (hour, minute), evaluated at evaluated (hour,
    minute, second, milli). reasonData is a JSON string, compact, as CloudWatch writes it:
    no "statistic" (the query has its own) and datapoints without sampleCount."""
    hour, minute = period_start
    crossed = value == "ALARM"
    reason = (
        "Threshold Crossed: 1 out of the last 1 datapoints [%r (%s)] was %sgreater than or equal to the "
        "threshold (%r) (minimum 1 datapoint for %s transition)." % (
            datapoint, cw_reason_date(hour, minute), "" if crossed else "not ", THROTTLE_THRESHOLD,
            "OK -> ALARM" if crossed else "ALARM -> OK")
    )
    query_hour, query_minute, query_second, query_milli = evaluated
    reason_data = {
        "version": "1.0",
        "queryDate": cw_time(query_hour, query_minute, query_second, query_milli - 9),
        "startDate": cw_time(hour, minute),
        "period": ALARM_PERIOD,
        "recentDatapoints": [datapoint],
        "threshold": THROTTLE_THRESHOLD,
        "evaluatedDatapoints": [{"timestamp": cw_time(hour, minute), "value": datapoint}],
    }
    return {
        "value": value,
        "reason": reason,
        "reasonData": compact(reason_data),
        "timestamp": cw_time(*evaluated),
    }


def alarm_event(label, time, state, previous_state):
    f = Rng(label)
    return eventbridge_event(f.uuid4(), "aws.cloudwatch", "CloudWatch Alarm State Change", time,
                             [THROTTLES_ALARM_ARN], {
        "alarmName": THROTTLES_ALARM,
        "state": state,
        "previousState": previous_state,
        "configuration": {
            "description": "bedrock-alerts: Amazon Bedrock throttled invocations, across all models, at or "
                           "above BedrockThrottleThreshold.",
            "metrics": [{
                "id": "throttles",
                "expression": THROTTLES_QUERY,
                "label": "Bedrock throttles, all models",
                "returnData": True,
                "period": ALARM_PERIOD,
            }],
        },
    })


# 37 throttles in 14:00-14:05 put the alarm in ALARM at 14:06:12; 2 in 14:30-14:35 bring it
# back to OK at 14:36:12. Before, it had been OK since 09:12.
THROTTLES_ALARM_STATE = alarm_state("ALARM", 37.0, (14, 0), (14, 6, 12, 318))
THROTTLES_OK_STATE = alarm_state("OK", 2.0, (14, 30), (14, 36, 12, 301))
THROTTLES_EARLIER_OK_STATE = alarm_state("OK", 1.0, (9, 5), (9, 12, 40, 116))


def alarm_throttles_alarm():
    return alarm_event("alarm-throttles-alarm", "2026-11-21T14:06:12Z", THROTTLES_ALARM_STATE,
                       THROTTLES_EARLIER_OK_STATE)


def alarm_throttles_ok():
    return alarm_event("alarm-throttles-ok", "2026-11-21T14:36:12Z", THROTTLES_OK_STATE, THROTTLES_ALARM_STATE)


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------

README = """\
# Sample events for bedrock-alerts

Generated by `python3 scripts/make_events.py` (deterministic; re-running rewrites identical
bytes). Do not edit by hand: change the script and re-run it. `scripts/test.sh` starts with
`python3 scripts/make_events.py --check`, which fails on any file here that differs from what
the script writes, that it does not write, or that is missing.

All data is fake but shaped like the real formats Bedrock, CloudWatch Logs, S3, SQS, SNS,
EventBridge and CloudWatch alarms produce: account `111122223333`, region `us-east-1`, bucket
`bedrock-alerts-logs-111122223333`, invocation-log prefix `bedrock/`, knowledge base
`KB12345678`, data source `DS12345678`, ingestion job `JOB1234567`, alarm
`bedrock-alerts-BedrockThrottlesAlarm-1A2B3C4D5E6F`, times in November 2026.

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

## EventBridge events: Bedrock jobs and alarm state changes

Each is a whole event as an EventBridge rule hands it to a Lambda function (the payload of
`bedrock-events-alerts`); nothing needs uploading. Job events become findings of source
`bedrock_job` (one alert per job and status, `job_arn`, `job_name`, `model_id`,
`account_id` `111122223333`, `region` `us-east-1`, the failure message as the reason). An
alarm state change becomes one alert of source `alarm` (`kind` `new` for ALARM, `resolved` for
OK). Times on 21 November 2026.

| File | What it is | Expected findings |
|---|---|---|
| `eventbridge-bedrock-customization-failed.json` | `Model Customization Job State Change`, `jobStatus` `Failed`, RFC 3339 `time` `2026-11-21T08:42:17Z`; the job ARN names the base model (`model-customization-job/amazon.titan-text-express-v1:0:8k/hmak50ir9hsb`), `baseModelArn` is a foundation-model ARN | 1 ERROR `Failed`: job `support-tone-ft-2026-11-21`, model the `baseModelArn` (`…foundation-model/amazon.titan-text-express-v1:0:8k`), reason "Training data validation failed: 3 records in train.jsonl exceed …", first timestamp 2026-11-21T08:42:17Z |
| `eventbridge-bedrock-batch-partially-completed.json` | `Batch Inference Job State Change`, `status` `PartiallyCompleted`; `time` `Sat Nov 21 10:16:44 UTC 2026` (AWS's own format for these events, not RFC 3339), `creationTime` `Nov 21, 2026, 1:02:09 AM`, `batchModelId` a foundation-model ARN | 1 WARN `PartiallyCompleted`: job `nightly-ticket-summaries-2026-11-21`, model the `batchModelId` (`…foundation-model/anthropic.claude-3-haiku-20240307-v1:0`), reason "37 of 5000 records could not be processed. …", first timestamp 2026-11-21T10:16:44Z |
| `eventbridge-bedrock-batch-expired.json` | The same detail-type, `status` `Expired`, `time` `Sat Nov 21 12:00:03 UTC 2026` | 1 WARN `Expired`: job `weekly-catalog-tagging-2026-47`, model `…foundation-model/amazon.nova-lite-v1:0`, first timestamp 2026-11-21T12:00:03Z |
| `eventbridge-bedrock-batch-completed.json` | The same detail-type, `status` `Completed`, `failureMessage` `""` | none |
| `eventbridge-bedrock-data-automation-client-error.json` | `Bedrock Data Automation Job Failed With Client Error`: snake_case `detail`, `job_id` the invocation ARN (`data-automation-invocation/…`), `job_status` `ClientError`, `error_message`; `resources` empty | 1 ERROR `FailedWithClientError`: job ARN = `job_id`, no model, reason "Unsupported file format: image/heic …" |
| `eventbridge-bedrock-data-automation-service-error.json` | `Bedrock Data Automation Job Failed With Service Error`, `job_status` `ServiceError` | 1 ERROR `FailedWithServiceError`: job ARN = `job_id`, reason "An internal service error occurred …" |
| `eventbridge-bedrock-unknown.json` | An `aws.bedrock` event of a detail-type bedrock-alerts does not handle: `AWS API Call via CloudTrail` (`CreateModelInvocationJob`, as CloudTrail passes Bedrock's management calls to EventBridge) | none (counted as unknown; not an error) |
| `eventbridge-bedrock-job-events.json` | A JSON array of the 7 job events above, in the order of this table: a file of saved events, as `bedrock-alerts scan` reads it | 3 ERROR (`Failed`, `FailedWithClientError`, `FailedWithServiceError`), 2 WARN (`PartiallyCompleted`, `Expired`); 1 unknown |
| `eventbridge-alarm-throttles-alarm.json` | `CloudWatch Alarm State Change` (`source` `aws.cloudwatch`) of the stack's `BedrockThrottlesAlarm` (`bedrock-alerts-BedrockThrottlesAlarm-1A2B3C4D5E6F`, its ARN in `resources[0]`), OK → ALARM at 14:06:12. `configuration.metrics[0]` is the Metrics Insights query `SELECT SUM(InvocationThrottles) FROM SCHEMA("AWS/Bedrock", ModelId)`, period 300; `state.reasonData` is a JSON string: threshold 10.0, one datapoint of 37.0 for 14:00–14:05 (`startDate`, `evaluatedDatapoints`) | 1 ERROR, source `alarm`, status `ALARM`, `kind` `new`, count 1: `alarm` with the name, ARN, `previous_state` `OK`, the reason, threshold 10, value 37 and a console link; `top_models` (the models with most `InvocationThrottles` in 14:00–14:05, from CloudWatch), or `top_models_unavailable` when CloudWatch cannot be read |
| `eventbridge-alarm-throttles-ok.json` | The same alarm, ALARM → OK at 14:36:12: one datapoint of 2.0 for 14:30–14:35; `previousState` is the ALARM state of the file above | 1 ERROR, source `alarm`, status `OK`, `kind` `resolved`, count 1: threshold 10, value 2, `previous_state` `ALARM` |

## Decoding notes

- `*.decoded.json` next to a CloudWatch Logs / Kinesis event is exactly the gzip's content
  (compact JSON, no trailing newline); `logEvents[].message` is itself a JSON string.
- `firehose-cwlogs.decoded.json` lists the 3 gzip members' contents one per line; the `.gz`
  must be read with a multi-member decoder (`flate2::read::MultiGzDecoder`), and the documents
  are concatenated with no separator.
- `*.ndjson` twins are exactly the decompressed bytes of the `.json.gz` beside them.
"""



def cwlogs_control_doc():
    return control_message("Kinesis stream", epoch_ms(2026, 11, 20, 17, 0, 0, 5))


# --------------------------------------------------------------------------------------------
# What is written, as tables
# --------------------------------------------------------------------------------------------

# objects/<stem>.json.gz: a gzip NDJSON log batch, with objects/<stem>.ndjson its decoded twin.
GZIP_BATCHES = {
    "invocation-batch": invocation_batch_records,
    "invocation-batch-healthy": healthy_batch_records,
    "kb-application-logs": kb_application_events,
}


@functools.cache
def batch_ndjson(stem):
    return ndjson(GZIP_BATCHES[stem]())


@functools.cache
def batch_gz(stem):
    return gz(batch_ndjson(stem))


# objects/<name>: the other log objects, as bytes.
OBJECTS = {
    "firehose-cwlogs.gz": lambda: b"".join(gz(d) for d in firehose_documents()),
    "firehose-cwlogs.decoded.json": lambda: b"".join(d + b"\n" for d in firehose_documents()),
    "amazon-bedrock-logs-permission-check": lambda: b"",
    "kb-managed-logs.ndjson": lambda: ndjson(kb_managed_events()),
    "bad-lines.ndjson": bad_lines,
}

# <name>: Lambda trigger events naming S3 objects, written indented.
TRIGGER_EVENTS = {
    "s3-object-created.json": s3_object_created,
    "s3-object-created-odd-key.json": s3_object_created_odd_key,
    "s3-permission-check.json": s3_permission_check,
    "s3-data-object.json": s3_data_object,
    "s3-test-event.json": s3_test,
    "eventbridge-object-created.json": eventbridge_object_created,
    "sqs-s3-notification.json": sqs_s3_notification,
    "sqs-sns-s3-notification.json": sqs_sns_s3_notification,
    "s3-batch-operations-v1.json": s3_batch_operations_v1,
    "s3-batch-operations-v2.json": s3_batch_operations_v2,
}

# <name>: EventBridge events that carry everything in themselves, written indented.
EVENTBRIDGE_EVENTS = {
    **JOB_EVENTS,
    "eventbridge-bedrock-job-events.json": bedrock_job_events,
    "eventbridge-alarm-throttles-alarm.json": alarm_throttles_alarm,
    "eventbridge-alarm-throttles-ok.json": alarm_throttles_ok,
}

# <stem>.json: a Lambda event carrying a gzip'ed subscription document (the event function is
# given the gzip), with <stem>.decoded.json the document, compact, beside it.
PAYLOAD_EVENTS = {
    "cwlogs-invocation-failure": (cwlogs_invocation_failure_doc, awslogs),
    "cwlogs-kb-failures": (cwlogs_kb_failures_doc, awslogs),
    "cwlogs-control-message": (cwlogs_control_doc, awslogs),
    "cwlogs-healthy": (cwlogs_healthy_doc, awslogs),
    "cwlogs-lambda-sample": (cwlogs_lambda_sample_doc, awslogs),
    "kinesis-cwlogs": (cwlogs_invocation_failure_doc, kinesis_cwlogs),
}


def build():
    """Every file of events/, by path relative to it."""
    files = {"README.md": README.encode("utf-8")}
    for stem in GZIP_BATCHES:
        files["objects/" + stem + ".ndjson"] = batch_ndjson(stem)
        files["objects/" + stem + ".json.gz"] = batch_gz(stem)
    for name, data in OBJECTS.items():
        files["objects/" + name] = data()
    for name, event in TRIGGER_EVENTS.items():
        files[name] = pretty(event())
    for name, event in EVENTBRIDGE_EVENTS.items():
        files[name] = pretty(event())
    for stem, (document, event) in PAYLOAD_EVENTS.items():
        raw = compact(document()).encode("utf-8")
        files[stem + ".decoded.json"] = raw
        files[stem + ".json"] = pretty(event(gz(raw)))
    return files


if __name__ == "__main__":
    samples.main(__doc__, "events", build)
