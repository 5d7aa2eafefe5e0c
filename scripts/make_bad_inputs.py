#!/usr/bin/env python3
"""Generate the hostile / broken input corpus under tests/fixtures/bad-inputs/.

Deterministic: running it twice writes identical files (fixed contents, gzip with mtime=0,
a seeded generator for "random" bytes). Standard library only.

    python3 scripts/make_bad_inputs.py

Writes every case file plus ``manifest.json``, which the tests read:

* ``shared/tests/bad_inputs.rs`` runs the engine over every ``object`` and ``cw_event`` case;
* ``tests/e2e/test_bad_inputs.py`` runs the S3 function over every ``object`` and ``s3_event``
  case and the CloudWatch Logs function over every ``cw_event`` case.

Manifest layout::

    {"version": 1,
     "max_decoded_bytes": 8388608,           # the cap the tests run the engine with
     "objects": {"<real S3 key>": "<file>"},  # uploaded before every s3_event case
     "cases": [{"name", "kind", "file" | "generate", "note", "expect": {...}}, ...]}

``kind``: ``object`` (bytes an S3 object or a CLI input holds), ``cw_event`` (a Lambda
CloudWatch Logs / Kinesis event), ``s3_event`` (an S3-function trigger; ``BUCKET`` stands for
the test bucket).

``generate`` (cases too big to store): ``{"parts": [[text, repeat], ...], "gzip": bool}`` -
the bytes are the UTF-8 of each text repeated, concatenated, then gzip'ed when asked. The
other keys of ``generate`` (``recipe``, ``decoded_mb``, ``mb``...) only describe it.

``expect``:

* ``statuses`` - sorted list, one entry per finding the engine makes (without the
  UNREADABLE_INPUT the functions add for unreadable inputs), or ``statuses_include`` - a
  sorted multiset that must be contained in the findings;
* ``statuses_exclude`` (optional) - statuses that must not appear;
* ``unreadable`` - the input cannot be read to the end (engine error; CLI exit 1; the S3
  function adds one UNREADABLE_INPUT alert and still answers);
* ``reason_contains`` (optional) - text found in a finding's reason or in the read error;
* ``counts`` (optional) - engine counters (``InputReport.counts``) that must have these values;
* ``result_codes`` (S3 Batch Operations), ``response_includes`` (S3 function response keys).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import pathlib
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "bad-inputs"

ACCOUNT = "111122223333"
REGION = "us-east-1"
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
KB_ID = "KB12345678"
KB_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:knowledge-base/{KB_ID}"
DATA_SOURCE_ID = "DS12345678"
JOB_ID = "JOB1234567"
INVOCATION_LOG_GROUP = "/aws/bedrock/modelinvocations"
KB_LOG_GROUP = f"/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/{KB_ID}"
CANARY_PROMPT = "CANARY-PROMPT-7f3a"
CANARY_OUTPUT = "CANARY-OUTPUT-9c2e"
MAX_DECODED_BYTES = 8 << 20
MAX_FILE_BYTES = 200_000
BASE_MS = 1795186800000  # 2026-11-20T15:00:00Z

ERROR_MESSAGES = {
    "ThrottlingException": "Too many requests, please wait before trying again.",
    "ValidationException": "Malformed input request, please reformat your input and try again.",
    "ModelTimeoutException": "Model has timed out in processing the request.",
    "AccessDeniedException": "You don't have access to the model with the specified model ID.",
    "ServiceUnavailableException": "The service is temporarily unavailable.",
    "InternalServerException": "The server encountered an internal error.",
    "ServiceQuotaExceededException": "Your request exceeds the service quota for your account.",
    "ModelNotReadyException": "The model is not ready to serve inference requests.",
    "ModelErrorException": "The request failed due to an error while processing the model.",
}


# --------------------------------------------------------------------------- helpers


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def line(value) -> bytes:
    return (compact(value) + "\n").encode("utf-8")


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Rng:
    """xorshift64*, seeded: deterministic "random" bytes."""

    def __init__(self, seed: int):
        self.state = seed or 1

    def next(self) -> int:
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def bytes_without(self, n: int, banned: bytes) -> bytes:
        out = bytearray()
        while len(out) < n:
            b = self.next() >> 56
            if b not in banned:
                out.append(b)
        return bytes(out)


def request_id(n: int) -> str:
    return f"bad{n:05d}-0000-4000-8000-{n:012d}"


def invocation(n: int, error_code=None, error_message=None, operation="Converse", prompt=None, **extra):
    """A model invocation log record; failed when error_code is given. Prompt bodies carry the
    canary, which must never reach a finding, an alert or a log line."""
    record = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": "2026-11-20T15:00:%02dZ" % (n % 60),
        "accountId": ACCOUNT,
        "identity": {"arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session"},
        "region": REGION,
        "requestId": request_id(n),
        "operation": operation,
        "modelId": MODEL,
        "input": {
            "inputContentType": "application/json",
            "inputBodyJson": {
                "messages": [
                    {"role": "user", "content": [{"text": prompt or f"{CANARY_PROMPT} summarise report {n}"}]}
                ]
            },
            "inputTokenCount": 42,
        },
    }
    if error_code is None:
        record["output"] = {
            "outputContentType": "application/json",
            "outputBodyJson": {
                "output": {"message": {"role": "assistant", "content": [{"text": f"{CANARY_OUTPUT} ok {n}"}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 42, "outputTokens": 17},
            },
            "outputTokenCount": 17,
        }
    else:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message or ERROR_MESSAGES.get(error_code, "The request failed.")
    record.update(extra)
    return record


def kb_resource(n: int, status: str, uri: str, level="ERROR", reasons=None):
    return {
        "event_timestamp": BASE_MS + n * 1000,
        "event": {
            "ingestion_job_id": JOB_ID,
            "data_source_id": DATA_SOURCE_ID,
            "knowledge_base_arn": KB_ARN,
            "document_location": {"type": "S3", "s3_location": {"uri": uri}},
            "status": status,
            "status_reasons": ["The embedding model returned an error: input is too long."] if reasons is None else reasons,
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.ResourceStatusChanged",
        "level": level,
    }


def kb_job(n: int, status: str, failed, level="INFO"):
    return {
        "event_timestamp": BASE_MS + n * 1000,
        "event": {
            "ingestion_job_id": JOB_ID,
            "data_source_id": DATA_SOURCE_ID,
            "knowledge_base_arn": KB_ARN,
            "ingestion_job_status": status,
            "resource_statistics": {"number_of_resources_failed": failed, "number_of_resources_ingested": 10},
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.StatusChanged",
        "level": level,
    }


def subscription(log_group: str, messages, message_type="DATA_MESSAGE", **overrides) -> dict:
    """A CloudWatch Logs subscription document; messages are records (dumped) or raw strings."""
    document = {
        "messageType": message_type,
        "owner": ACCOUNT,
        "logGroup": log_group,
        "logStream": "bad-inputs",
        "subscriptionFilters": ["bedrock-alerts"],
        "logEvents": [
            {
                "id": str(38000000000000000000000000000000000000000000000000000000 + i),
                "timestamp": BASE_MS + i,
                "message": m if isinstance(m, str) else compact(m),
            }
            for i, m in enumerate(messages)
        ],
    }
    document.update(overrides)
    return document


def awslogs_event(data: str) -> dict:
    return {"awslogs": {"data": data}}


def kinesis_record(n: int, data) -> dict:
    kinesis = {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": f"partition-{n}",
        "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
        "approximateArrivalTimestamp": 1795186800.123,
    }
    if data is not None:
        kinesis["data"] = data
    return {
        "kinesis": kinesis,
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:4959033827149025660855969253836157109592157598913658889{n}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/bedrock-alerts",
        "awsRegion": REGION,
        "eventSourceARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/bedrock-logs",
    }


def s3_record(key: str, size, event_name="ObjectCreated:Put", bucket="BUCKET", drop=()):
    """A direct S3 notification record; `key` is given as S3 writes it (form-URL-encoded)."""
    obj = {"key": key, "size": size, "eTag": "0123456789abcdef0123456789abcdef", "sequencer": "0065A1B2C3D4E5F601"}
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": "2026-11-20T15:00:13.000Z",
        "eventName": event_name,
        "userIdentity": {"principalId": "AWS:AROAEXAMPLEBEDROCK"},
        "requestParameters": {"sourceIPAddress": "10.0.0.1"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "bedrock-logs",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKEXAMPLE"}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": obj,
        },
    }
    for path in drop:
        if path == "s3":
            del record["s3"]
        elif path == "bucket":
            del record["s3"]["bucket"]
        elif path == "key":
            del obj["key"]
    return record


def sqs_record(n: int, body) -> dict:
    record = {
        "messageId": f"0000000{n}-bad0-4000-8000-00000000000{n}",
        "receiptHandle": f"AQEBbadinputs{n}",
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(BASE_MS),
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": str(BASE_MS + 5),
        },
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:bedrock-alerts-objects",
        "awsRegion": REGION,
    }
    if body is not None:
        record["body"] = body
        if isinstance(body, str):
            record["md5OfBody"] = hashlib.md5(body.encode("utf-8")).hexdigest()
    return record


def sns_envelope(message) -> dict:
    envelope = {
        "Type": "Notification",
        "MessageId": "5c3d0c9e-bad0-4000-8000-000000000001",
        "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:bedrock-log-objects",
        "Subject": "Amazon S3 Notification",
        "Timestamp": "2026-11-20T15:00:14.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    }
    if message is not None:
        envelope["Message"] = message
    return envelope


# --------------------------------------------------------------------------- the corpus


class Corpus:
    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.cases: list[dict] = []
        self.objects: dict[str, str] = {}

    def file(self, name: str, data: bytes) -> str:
        assert name not in self.files, name
        assert len(data) < MAX_FILE_BYTES, (name, len(data))
        self.files[name] = data
        return name

    def case(self, name, kind, note, expect, file=None, generate=None, **extra):
        assert kind in ("object", "cw_event", "s3_event")
        assert (file is None) != (generate is None), name
        assert all(c["name"] != name for c in self.cases), name
        for key in ("statuses", "statuses_include"):
            if key in expect:
                assert expect[key] == sorted(expect[key]), (name, key)
        assert ("statuses" in expect) != ("statuses_include" in expect), name
        expect.setdefault("unreadable", False)
        entry = {"name": name, "kind": kind}
        if file is not None:
            entry["file"] = file
        else:
            entry["generate"] = generate
        entry.update(extra)
        entry["note"] = note
        entry["expect"] = expect
        self.cases.append(entry)

    def gzip_object(self, name: str, text: bytes, twin_ext=".decoded.ndjson") -> str:
        """A gzip file with its decoded twin beside it; returns the gzip file's name."""
        self.file(name + twin_ext, text)
        return self.file(name + ".json.gz", gz(text))

    def cw_event(self, name: str, event: dict, decoded: bytes | None = None) -> str:
        if decoded is not None:
            self.file(name + ".decoded.json", decoded)
        text = compact(event)
        assert "CANARY" not in text or name in ("cw-bad-base64",), name  # bodies stay encoded
        return self.file(name + ".json", text.encode("utf-8"))


def fail_lines(*codes, start=1) -> bytes:
    return b"".join(line(invocation(start + i, code)) for i, code in enumerate(codes))


def build(c: Corpus) -> None:
    objects(c)
    cw_events(c)
    s3_events(c)


# --------------------------------------------------------------------------- objects


def objects(c: Corpus) -> None:
    c.case(
        "empty", "object", "zero-byte object: readable, nothing found (the S3 function skips it by size)",
        {"statuses": [], "counts": {"decoded_bytes": 0, "bad_records": 0}},
        file=c.file("empty.ndjson", b""),
    )
    c.case(
        "whitespace-only", "object", "only spaces, tabs, CR, LF and NUL: no document, no finding",
        {"statuses": [], "counts": {"bad_records": 0, "unknown_documents": 0}},
        file=c.file("whitespace-only.ndjson", b"   \n\t\t\r\n\x00 \n\n   \t\r\n"),
    )
    c.case(
        "bom-at-start", "object",
        "UTF-8 BOM before the first record: skipped, both records are read",
        {"statuses": ["ThrottlingException", "ValidationException"], "counts": {"bad_records": 0, "invocation_records": 2}},
        file=c.file("bom-at-start.ndjson", b"\xef\xbb\xbf" + fail_lines("ThrottlingException", "ValidationException")),
    )
    crlf = b"".join(
        compact(v).encode() + b"\r\n"
        for v in [
            invocation(1, "ValidationException"),
            invocation(2),
            kb_resource(3, "EMBEDDING_FAILED", "s3://acme-kb-docs/crlf.pdf"),
        ]
    ) + b"\r\n\r\nnot json " + CANARY_PROMPT.encode() + b"\r\n"
    c.case(
        "crlf-line-endings", "object", "CRLF line endings, blank CRLF lines and a CRLF-terminated garbage line",
        {"statuses": ["EMBEDDING_FAILED", "UNPARSEABLE_RECORD", "ValidationException"]},
        file=c.file("crlf-line-endings.ndjson", crlf),
    )
    cr_only = compact(invocation(1, "ThrottlingException")).encode() + b"\r" + compact(invocation(2, "ValidationException")).encode() + b"\r"
    c.case(
        "cr-only-line-endings", "object", "old-Mac CR-only separators between JSON objects: both records framed",
        {"statuses": ["ThrottlingException", "ValidationException"]},
        file=c.file("cr-only-line-endings.ndjson", cr_only),
    )

    # Invalid UTF-8 / escapes inside strings.
    bad_msg = line(invocation(2, "ThrottlingException", error_message="@@BAD@@")).replace(b"@@BAD@@", b"caf\xe9 \xff\xfe broken")
    c.case(
        "invalid-utf8-in-error-message", "object",
        "raw invalid UTF-8 inside errorMessage (a field the engine reads): that line is UNPARSEABLE_RECORD, neighbours parsed",
        {"statuses": ["AccessDeniedException", "UNPARSEABLE_RECORD", "ValidationException"], "reason_contains": "invalid JSON",
         "counts": {"bad_records": 1, "invocation_records": 2}},
        file=c.file(
            "invalid-utf8-in-error-message.ndjson",
            fail_lines("ValidationException") + bad_msg + fail_lines("AccessDeniedException", start=3),
        ),
    )
    bad_prompt = line(invocation(2, "ModelTimeoutException", prompt=CANARY_PROMPT + " @@BAD@@")).replace(b"@@BAD@@", b"\xc3\x28\xa0\xa1\xff")
    c.case(
        "invalid-utf8-in-prompt-body", "object",
        "raw invalid UTF-8 inside the prompt body (a skipped field): serde_json does not validate skipped strings, so the error finding stands",
        {"statuses": ["ModelTimeoutException", "ThrottlingException"], "counts": {"bad_records": 0}},
        file=c.file("invalid-utf8-in-prompt-body.ndjson", fail_lines("ThrottlingException") + bad_prompt),
    )
    garbage = b"\xc3\x28\xff\xfe\x80\x81 garbage " + CANARY_PROMPT.encode() + b" \xf0\x28\x8c\x28\n"
    c.case(
        "invalid-utf8-garbage-line", "object", "a line of raw invalid UTF-8 bytes between two failures",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD", "ValidationException"]},
        file=c.file(
            "invalid-utf8-garbage-line.ndjson",
            fail_lines("ThrottlingException") + garbage + fail_lines("ValidationException", start=3),
        ),
    )
    surrogate_msg = line(invocation(1, "ThrottlingException", error_message="lone @@S@@ surrogate")).replace(b"@@S@@", b"\\ud800")
    surrogate_prompt = line(invocation(2, "ValidationException", prompt=CANARY_PROMPT + " @@S@@ x")).replace(b"@@S@@", b"\\udc00\\ud800")
    c.case(
        "lone-surrogate-escape", "object",
        "lone UTF-16 surrogate escape: in errorMessage the line is UNPARSEABLE_RECORD; in the (skipped) prompt body the finding stands",
        {"statuses": ["UNPARSEABLE_RECORD", "ValidationException"]},
        file=c.file("lone-surrogate-escape.ndjson", surrogate_msg + surrogate_prompt),
    )

    nul_in_string = line(invocation(3, "ModelTimeoutException", prompt=CANARY_PROMPT + " @@NUL@@")).replace(b"@@NUL@@", b"a\x00b")
    nul_between_tokens = line(invocation(4, "AccessDeniedException")).replace(b',"errorCode"', b',\x00"errorCode"')
    assert b"\x00" in nul_between_tokens
    nul = (
        fail_lines("ThrottlingException")
        + b"\x00\x00\x00\n\x00\x00"
        + fail_lines("ValidationException", start=2)
        + nul_in_string
        + nul_between_tokens
        + b"\x00" * 64
    )
    c.case(
        "nul-bytes", "object",
        "NUL bytes between records (skipped like whitespace) and inside two lines (in a string, between tokens: each UNPARSEABLE_RECORD)",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "ValidationException"],
         "counts": {"bad_records": 2, "invocation_records": 2}},
        file=c.file("nul-bytes.ndjson", nul),
    )

    # Deep nesting (generated: 200 KB each).
    depth = 100_000
    c.case(
        "deep-nesting-known-field", "object",
        "KB event whose `event` is nested 100000 arrays deep: serde_json's recursion limit makes it UNPARSEABLE_RECORD, no crash; next line read",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD"], "reason_contains": "invalid JSON",
         "counts": {"bad_records": 1, "knowledge_base_events": 0}},
        generate={
            "recipe": "deep_nesting", "depth": depth, "gzip": False,
            "parts": [
                ['{"event_timestamp":1795186800000,"event_type":"StartIngestionJob.ResourceStatusChanged","level":"ERROR","event":', 1],
                ["[", depth], ["1", 1], ["]", depth],
                ["}\n" + compact(invocation(2, "ThrottlingException")) + "\n", 1],
            ],
        },
    )
    c.case(
        "deep-nesting-unknown-field", "object",
        "a document whose only field is unknown and nested 100000 deep: skipped without recursion, counted as unknown, no finding",
        {"statuses": [], "counts": {"unknown_documents": 1, "bad_records": 0}},
        generate={
            "recipe": "deep_nesting", "depth": depth, "gzip": False,
            "parts": [['{"unknown":', 1], ["[", depth], ["1", 1], ["]", depth], ["}\n", 1]],
        },
    )
    deep_prompt = compact(invocation(1, "ThrottlingException", prompt="@@DEEP@@"))
    head, tail = deep_prompt.split('"@@DEEP@@"')
    c.case(
        "deep-nesting-in-prompt-body", "object",
        "failed invocation whose prompt body is nested 100000 deep: the body is skipped, the error finding stands",
        {"statuses": ["ThrottlingException"], "counts": {"invocation_records": 1, "bad_records": 0}},
        generate={
            "recipe": "deep_nesting", "depth": depth, "gzip": False,
            "parts": [[head, 1], ["[", depth], [f'"{CANARY_PROMPT}"', 1], ["]", depth], [tail + "\n", 1]],
        },
    )

    # A 5 MB single line with an errorCode.
    long_record = compact(invocation(1, "ModelTimeoutException", prompt=CANARY_PROMPT + " @@LONG@@"))
    head, tail = long_record.split("@@LONG@@")
    c.case(
        "long-line-5mb", "object",
        "one 5 MB line (a huge prompt) with an errorCode, gzip'ed, then a short failure: no line-length limit below the 8 MB cap",
        {"statuses": ["ModelTimeoutException", "ThrottlingException"], "counts": {"invocation_records": 2}},
        generate={
            "recipe": "long_line", "mb": 5, "gzip": True,
            "parts": [[head, 1], ["x", 5 << 20], [tail + "\n" + compact(invocation(2, "ThrottlingException")) + "\n", 1]],
        },
    )

    unknown = [
        "[1,2,3]",
        "42",
        "-1.5e3",
        '"just a string ' + CANARY_PROMPT + '"',
        "true",
        "null",
        "{}",
        "[]",
        '{"hello":"world","nested":{"errorCode":"NotTopLevelException"}}',
        '{"errorCode":"OrphanErrorCodeException"}',
        "[" + compact(invocation(1, "ThrottlingException")) + "]",
        '{"Records":[{"s3":{}}]}',
        '{"awslogs":{}}',
        '{"messageType":"DATA_MESSAGE"}',
    ]
    c.case(
        "unknown-shapes", "object",
        "valid JSON of unknown shapes (array - even one holding a failed record -, number, string, bool, null, unrelated objects, bare errorCode): no finding",
        {"statuses": [], "counts": {"unknown_documents": len(unknown), "bad_records": 0, "invocation_records": 0}},
        file=c.file("unknown-shapes.ndjson", ("\n".join(unknown) + "\n").encode()),
    )

    rng = Rng(0x5EED)
    parquet = (
        b"PAR1"
        + rng.bytes_without(1500, b"\n")
        + CANARY_PROMPT.encode()
        + rng.bytes_without(1500, b"\n")
        + (3000).to_bytes(4, "little")
        + b"PAR1"
    )
    assert b"\n" not in parquet
    c.case(
        "parquet-file", "object", "a Parquet file (PAR1 magic, binary, no newline byte): exactly one UNPARSEABLE_RECORD",
        {"statuses": ["UNPARSEABLE_RECORD"], "counts": {"bad_records": 1}},
        file=c.file("parquet-file.parquet", parquet),
    )
    plain = (
        "2026-11-20T15:00:03Z StartIngestionJob.ResourceStatusChanged ERROR status=EMBEDDING_FAILED uri=s3://acme-kb-docs/handbook.pdf reason=\"input is too long\"\n"
        "2026-11-20T15:00:04Z StartIngestionJob.ResourceStatusChanged INFO status=INDEXED uri=s3://acme-kb-docs/faq.md\n"
        f"2026-11-20T15:00:05Z StartIngestionJob.StatusChanged ERROR status=FAILED job={JOB_ID} note={CANARY_PROMPT}\n"
    )
    c.case(
        "kb-plain-format", "object", "KB application logs delivered in the `plain` output format: one UNPARSEABLE_RECORD per line",
        {"statuses": ["UNPARSEABLE_RECORD"] * 3, "counts": {"bad_records": 3, "knowledge_base_events": 0}},
        file=c.file("kb-plain-format.log", plain.encode()),
    )
    w3c = (
        "#Fields: event_timestamp event_type level status document_uri status_reasons\n"
        "2026-11-20T15:00:03Z StartIngestionJob.ResourceStatusChanged ERROR EMBEDDING_FAILED s3://acme-kb-docs/handbook.pdf \"input is too long\"\n"
        "2026-11-20T15:00:04Z StartIngestionJob.ResourceStatusChanged INFO INDEXED s3://acme-kb-docs/faq.md -\n"
        "2026-11-20T15:00:05Z StartIngestionJob.ResourceStatusChanged WARN RESOURCE_IGNORED s3://acme-kb-docs/video.mp4 -\n"
    )
    c.case(
        "kb-w3c-format", "object", "KB application logs in the `w3c` output format (#Fields header + rows): one UNPARSEABLE_RECORD per line",
        {"statuses": ["UNPARSEABLE_RECORD"] * 4, "counts": {"bad_records": 4}},
        file=c.file("kb-w3c-format.log", w3c.encode()),
    )

    # Broken gzip.
    healthy = b"".join(line(invocation(100 + i)) for i in range(150))
    full = fail_lines("ThrottlingException", "ValidationException") + healthy
    compressed = gz(full)
    truncated = compressed[: len(compressed) // 2]
    partial = zlib.decompressobj(wbits=31).decompress(truncated)
    assert partial.startswith(fail_lines("ThrottlingException", "ValidationException")), "early records decode"
    c.file("truncated-gzip.decoded.ndjson", full)
    c.case(
        "truncated-gzip", "object",
        "gzip cut in half (decoded twin = the full text before the cut): the failures before the cut are found, then UNREADABLE_INPUT",
        {"statuses": ["ThrottlingException", "ValidationException"], "unreadable": True},
        file=c.file("truncated-gzip.json.gz", truncated),
    )
    c.case(
        "gzip-bomb", "object",
        "gzip bomb: one failure then 64 MB of NUL bytes; with an 8 MB cap the failure is found, then UNREADABLE_INPUT naming the cap",
        {"statuses": ["ThrottlingException"], "unreadable": True, "reason_contains": "cap"},
        generate={
            "recipe": "bomb", "decoded_mb": 64, "gzip": True,
            "parts": [[compact(invocation(1, "ThrottlingException")) + "\n", 1], ["\u0000", 64 << 20]],
        },
    )
    member1 = fail_lines("ThrottlingException") + line(invocation(2))
    member2 = line(invocation(3)) + line(invocation(4))
    member3 = fail_lines("ServiceQuotaExceededException", start=5)
    good2 = gz(member2)
    bad_crc = bytearray(good2)
    bad_crc[-8] ^= 0xFF  # CRC32 of member 2
    bad_deflate = bytearray(good2)
    assert bad_deflate[3] == 0, "no optional header fields: deflate data starts at byte 10"
    bad_deflate[10] = 0xFF  # BFINAL=1, BTYPE=11 (reserved): invalid block type
    twin = member1 + member2 + member3
    for name, middle, what in (
        ("gzip-concat-corrupt-crc-middle", bytes(bad_crc), "its CRC32 is wrong (its healthy records may be read)"),
        ("gzip-concat-corrupt-deflate-middle", bytes(bad_deflate), "its deflate data starts with a reserved block type"),
    ):
        data = gz(member1) + middle + gz(member3)
        try:
            gzip.decompress(data)
            raise AssertionError(name + " decodes")
        except (OSError, EOFError, zlib.error):
            pass
        c.file(name + ".decoded.ndjson", twin)
        c.case(
            name, "object",
            f"3 concatenated gzip members; member 2 is corrupt ({what}): member 1's failure is found, member 3's never, then UNREADABLE_INPUT",
            {"statuses": ["ThrottlingException"], "statuses_exclude": ["ServiceQuotaExceededException"], "unreadable": True},
            file=c.file(name + ".json.gz", data),
        )
    c.case(
        "gzip-magic-only", "object", "just the two gzip magic bytes: sniffed as gzip, header cut short -> UNREADABLE_INPUT",
        {"statuses": [], "unreadable": True},
        file=c.file("gzip-magic-only.json.gz", b"\x1f\x8b"),
    )
    trailing = gz(fail_lines("ThrottlingException")) + b"this is not gzip " + CANARY_PROMPT.encode() + b"\n"
    c.file("gzip-trailing-garbage.decoded.ndjson", fail_lines("ThrottlingException"))
    c.case(
        "gzip-trailing-garbage", "object",
        "a valid gzip member followed by non-gzip bytes: the member's failure is found, then UNREADABLE_INPUT (bad gzip header)",
        {"statuses": ["ThrottlingException"], "unreadable": True},
        file=c.file("gzip-trailing-garbage.json.gz", trailing),
    )

    # Odd field shapes in invocation records.
    minimal = [
        {"modelId": MODEL, "errorCode": "ThrottlingException"},
        {"schemaType": "ModelInvocationLog", "errorCode": "InternalServerException"},
        {"modelId": MODEL, "requestId": request_id(3), "errorCode": "ServiceUnavailableException"},
        {"modelId": MODEL, "operation": "Converse", "errorCode": "ValidationException"},
        {"requestId": request_id(5), "operation": "Converse", "errorCode": "AccessDeniedException"},
        {"schemaType": "ModelInvocationLog"},
    ]
    c.case(
        "invocation-missing-fields", "object",
        "invocation records with missing fields: recognised by schemaType, by modelId with operation/requestId, or by errorCode with any of them",
        {"statuses": ["AccessDeniedException", "InternalServerException", "ServiceUnavailableException",
                      "ThrottlingException", "ValidationException"],
         "counts": {"invocation_records": 6, "unknown_documents": 0}},
        file=c.file("invocation-missing-fields.ndjson", b"".join(line(r) for r in minimal)),
    )
    numbers = [
        invocation(1, None, input={"inputBodyJson": {"text": CANARY_PROMPT}, "inputTokenCount": "12"}, errorCode=500),
        invocation(2, "  ModelNotReadyException  ", outputTokenCount="0"),
        invocation(3, None, errorCode=429, timestamp=1795186800000),
        invocation(4, None, errorCode=-1),
    ]
    for record in numbers:
        record.setdefault("errorMessage", "numeric error code")
    c.case(
        "error-code-numbers-and-strings", "object",
        "numbers as strings and codes as numbers: errorCode 500 -> status \"500\", padded string trimmed, numeric timestamp tolerated",
        {"statuses": ["-1", "429", "500", "ModelNotReadyException"], "counts": {"invocation_records": 4}},
        file=c.file("error-code-numbers-and-strings.ndjson", b"".join(line(r) for r in numbers)),
    )
    wrong = [
        invocation(1, None, errorCode={"code": "NestedObjectException"}),
        invocation(2, None, errorCode=["InArrayException"]),
        invocation(3, None, errorCode=True),
        invocation(4, None, errorCode=""),
        invocation(5, None, errorCode="   "),
        invocation(6, None, errorCode=None),
    ]
    c.case(
        "error-code-wrong-types", "object",
        "errorCode as object, array, bool, empty, blank, null: every one but empty and null is a failure, "
        "its status the code's JSON text",
        {"statuses": sorted(['{"code":"NestedObjectException"}', '["InArrayException"]', "true", '"   "']),
         "counts": {"invocation_records": 6, "bad_records": 0, "errors": 4}},
        file=c.file("error-code-wrong-types.ndjson", b"".join(line(r) for r in wrong)),
    )
    hostile_code = "\u001b[31m<script>alert(1)</script>\u202eEvil\u0007Code" + "Z" * 400
    status = hostile_code.encode("utf-8")[:128]  # the engine keeps 128 bytes of an errorCode
    while True:
        try:
            status = status.decode("utf-8")
            break
        except UnicodeDecodeError:
            status = status[:-1]
    c.case(
        "hostile-error-code-text", "object",
        "errorCode with ESC/BEL/RTL-override/HTML and 400+ bytes: status kept as text, cut to 128 bytes (SNS subject is sanitised)",
        {"statuses": [status]},
        file=c.file("hostile-error-code-text.ndjson", line(invocation(1, hostile_code, error_message="hostile code"))),
    )

    # Huge status_reasons (generated).
    reason = "x" + "\u00e9" * 1023 + "y"  # 2048 bytes; the 1 KB cut falls inside a 2-byte char
    assert len(reason.encode()) == 2048
    kb_head = compact(kb_resource(1, "EMBEDDING_FAILED", "s3://acme-kb-docs/huge.pdf", reasons=["@@R@@"]))
    head, tail = kb_head.split('"@@R@@"')
    c.case(
        "huge-status-reasons", "object",
        "one KB event with 3000 status_reasons of 2 KB each (~6 MB, under the 8 MB cap): one finding, every reason cut to <= 1024 bytes",
        {"statuses": ["EMBEDDING_FAILED"], "counts": {"knowledge_base_events": 1}},
        generate={
            "recipe": "huge_reasons", "reasons": 3001, "reason_bytes": 2048, "gzip": True,
            "parts": [[head, 1], [f'"{reason}",', 3000], ['"last reason"' + tail + "\n", 1]],
        },
    )

    kb = [
        kb_resource(1, "QUANTUM_FAILED", "s3://acme-kb-docs/q.pdf", level="INFO"),
        kb_resource(2, "SOMETHING_NEW", "s3://acme-kb-docs/a.pdf", level="INFO"),
        kb_resource(3, "SOMETHING_NEW", "s3://acme-kb-docs/b.pdf", level="WARN"),
        kb_resource(4, "SOMETHING_NEWER", "s3://acme-kb-docs/c.pdf", level="error"),
        {"event_timestamp": BASE_MS, "event": {"message": "connector crashed"}, "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "FATAL"},
        {"event_timestamp": BASE_MS, "event": "just a string", "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "ERROR"},
        kb_job(7, "TELEPORT_FAILED", 0),
        kb_job(8, "COMPLETE", "3"),
        kb_job(9, "STOPPED", 0),
        {"event_timestamp": BASE_MS, "event": {"document_id": "doc-1", "source_uri": "https://wiki.example.com/x",
                                               "crawl_status": {"Status": "failed"}, "error_message": "crawler blocked"},
         "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "INFO"},
    ]
    c.case(
        "kb-unknown-statuses", "object",
        "unknown KB statuses judged by suffix and level: QUANTUM_FAILED error, SOMETHING_NEW at INFO none / at WARN warn, FATAL and string event -> LEVEL_ERROR, failed count as string",
        {"statuses": ["COMPLETE", "CRAWL_FAILED", "LEVEL_ERROR", "LEVEL_ERROR", "QUANTUM_FAILED", "SOMETHING_NEW", "SOMETHING_NEWER", "TELEPORT_FAILED"],
         "counts": {"knowledge_base_events": 10}},
        file=c.file("kb-unknown-statuses.ndjson", b"".join(line(r) for r in kb)),
    )
    out_of_range = (
        line(kb_job(1, "COMPLETE", 0)).replace(b'"number_of_resources_failed":0', b'"number_of_resources_failed":1e400')
        + line(kb_job(2, "COMPLETE", 0)).replace(b'"number_of_resources_failed":0', b'"number_of_resources_failed":99999999999999999999')
        + line(invocation(3, "InternalServerException", prompt="@@NUM@@")).replace(b'"@@NUM@@"', b"1e400")
    )
    assert out_of_range.count(b"1e400") == 2
    c.case(
        "number-out-of-range", "object",
        "1e400 in a field the engine reads -> UNPARSEABLE_RECORD; 1e20 failed resources -> WARN COMPLETE; 1e400 in a skipped prompt body is harmless",
        {"statuses": ["COMPLETE", "InternalServerException", "UNPARSEABLE_RECORD"]},
        file=c.file("number-out-of-range.ndjson", out_of_range),
    )
    dup = (
        line(invocation(1, "ThrottlingException")).replace(b'"errorCode":"ThrottlingException"', b'"errorCode":"ThrottlingException","errorCode":"ValidationException"')
        + line(invocation(2, "AccessDeniedException")).replace(b'"input":{', b'"input":{"dup":1},"input":{')
    )
    c.case(
        "duplicate-keys", "object",
        "duplicate errorCode key -> UNPARSEABLE_RECORD (serde rejects duplicate known fields); duplicate skipped key is harmless",
        {"statuses": ["AccessDeniedException", "UNPARSEABLE_RECORD"], "reason_contains": "unexpected JSON structure"},
        file=c.file("duplicate-keys.ndjson", dup),
    )
    split = compact(invocation(1, "ThrottlingException", error_message="broken @@NL@@ message")).replace("@@NL@@", "\n")
    c.case(
        "raw-newline-in-string", "object",
        "a raw newline inside a string breaks that record in two lines (2 x UNPARSEABLE_RECORD); the next record is read",
        {"statuses": ["UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "ValidationException"], "counts": {"bad_records": 2}},
        file=c.file("raw-newline-in-string.ndjson", (split + "\n").encode() + fail_lines("ValidationException", start=2)),
    )
    cut = compact(invocation(2, "ValidationException"))
    cut = cut[: cut.index(CANARY_PROMPT) + len(CANARY_PROMPT) + 4]
    c.case(
        "truncated-plain-last-line", "object",
        "plain NDJSON whose last record is cut mid-string with no newline: UNPARSEABLE_RECORD, the input is still readable",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD"], "reason_contains": "unexpected end of JSON"},
        file=c.file("truncated-plain-last-line.ndjson", fail_lines("ThrottlingException") + cut.encode()),
    )
    c.case(
        "unclosed-bracket-swallows-rest", "object",
        "an unclosed `[` keeps the framer inside one document to EOF; the failed frame is read again line by line, so only the broken line is lost",
        {"statuses": ["AccessDeniedException", "ThrottlingException", "UNPARSEABLE_RECORD", "ValidationException"],
         "counts": {"bad_records": 1, "invocation_records": 3}},
        file=c.file(
            "unclosed-bracket-swallows-rest.ndjson",
            fail_lines("ThrottlingException") + b'{"broken": [1, 2, {"open": "' + CANARY_PROMPT.encode() + b'"}\n'
            + fail_lines("ValidationException", "AccessDeniedException", start=2),
        ),
    )
    c.case(
        "concatenated-with-garbage-between", "object",
        "Firehose-style concatenation with garbage between two documents: the garbage is reported alone and the document after it is still read",
        {"statuses": ["AccessDeniedException", "ThrottlingException", "UNPARSEABLE_RECORD", "ValidationException"],
         "counts": {"bad_records": 1, "invocation_records": 3}},
        file=c.file(
            "concatenated-with-garbage-between.ndjson",
            compact(invocation(1, "ThrottlingException")).encode() + b"garbage " + CANARY_PROMPT.encode()
            + compact(invocation(2, "ValidationException")).encode() + b"\n" + fail_lines("AccessDeniedException", start=3),
        ),
    )


# --------------------------------------------------------------------------- CloudWatch Logs / Kinesis events


def cw_events(c: Corpus) -> None:
    failing = subscription(INVOCATION_LOG_GROUP, [invocation(1), invocation(2, "AccessDeniedException")])
    c.case(
        "cw-bad-base64", "cw_event", "awslogs.data is not base64 (and holds the canary): one UNREADABLE_INPUT error, never quoting it",
        {"statuses": ["UNREADABLE_INPUT"], "reason_contains": "not valid base64", "counts": {"bad_records": 0, "unreadable_inputs": 1, "errors": 1}},
        file=c.cw_event("cw-bad-base64", awslogs_event("H4sI!!not*base64 " + CANARY_PROMPT + " ###")),
    )
    plain_doc = compact(failing).encode()
    c.case(
        "cw-plain-not-gzip", "cw_event", "awslogs.data is base64 of plain (not gzip) subscription JSON: accepted, its failure found",
        {"statuses": ["AccessDeniedException"], "counts": {"cloudwatch_log_events": 2}},
        file=c.cw_event("cw-plain-not-gzip", awslogs_event(b64(plain_doc)), decoded=plain_doc),
    )
    not_json = ("this is not json " + CANARY_PROMPT + "\nneither { is this\n").encode()
    c.case(
        "cw-gzip-not-json", "cw_event", "awslogs.data is base64(gzip(two lines of text)): one UNPARSEABLE_RECORD per line",
        {"statuses": ["UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD"], "counts": {"bad_records": 2}},
        file=c.cw_event("cw-gzip-not-json", awslogs_event(b64(gz(not_json))), decoded=not_json),
    )
    no_events = subscription(INVOCATION_LOG_GROUP, [])
    del no_events["logEvents"]
    doc = compact(no_events).encode()
    c.case(
        "cw-missing-logevents", "cw_event", "subscription document without logEvents: nothing to read, no finding, no error",
        {"statuses": [], "counts": {"cloudwatch_log_events": 0, "bad_records": 0}},
        file=c.cw_event("cw-missing-logevents", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    no_filters = subscription(KB_LOG_GROUP, [kb_resource(1, "EMBEDDING_FAILED", "s3://acme-kb-docs/nf.pdf"), invocation(2, "ThrottlingException")])
    del no_filters["subscriptionFilters"]
    doc = compact(no_filters).encode()
    c.case(
        "cw-missing-subscription-filters", "cw_event", "subscription document without subscriptionFilters: still read",
        {"statuses": ["EMBEDDING_FAILED", "ThrottlingException"]},
        file=c.cw_event("cw-missing-subscription-filters", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    not_array = subscription(INVOCATION_LOG_GROUP, [])
    not_array["logEvents"] = {"id": "1", "timestamp": BASE_MS, "message": compact(invocation(1, "ThrottlingException"))}
    doc = compact(not_array).encode()
    c.case(
        "cw-logevents-not-array", "cw_event", "logEvents is an object, not an array: a bad record, nothing else",
        {"statuses": ["UNPARSEABLE_RECORD"], "counts": {"cloudwatch_log_events": 0, "bad_records": 1}},
        file=c.cw_event("cw-logevents-not-array", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    messages = subscription(INVOCATION_LOG_GROUP, [
        "START RequestId: 8f5b Version: $LATEST " + CANARY_PROMPT,
        invocation(2, "ValidationException"),
        "",
        '{"truncated": "rec',
    ])
    messages["logEvents"][2:2] = ["junk", 42]
    doc = compact(messages).encode()
    c.case(
        "cw-message-not-json", "cw_event",
        "logEvents with a text message and a truncated JSON message (UNPARSEABLE_RECORD each), an empty message (nothing) "
        "and non-object entries (UNPARSEABLE_RECORD \"log event is not an object\" each)",
        {"statuses": ["UNPARSEABLE_RECORD"] * 4 + ["ValidationException"], "reason_contains": "log event message is not JSON",
         "counts": {"cloudwatch_log_events": 6, "bad_records": 4}},
        file=c.cw_event("cw-message-not-json", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    no_message = subscription(INVOCATION_LOG_GROUP, ["x", "x", "x", invocation(4, "ThrottlingException")])
    del no_message["logEvents"][0]["message"]
    no_message["logEvents"][1]["message"] = None
    no_message["logEvents"][2]["message"] = {"errorCode": "NotAStringException"}
    doc = compact(no_message).encode()
    c.case(
        "cw-logevent-without-message", "cw_event",
        "log events without a string message (absent, null, object): UNPARSEABLE_RECORD \"has no message\" each",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD"],
         "reason_contains": "has no message", "counts": {"bad_records": 3}},
        file=c.cw_event("cw-logevent-without-message", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    inner = compact(subscription(INVOCATION_LOG_GROUP, [invocation(1, "ModelTimeoutException")])).encode()
    kinesis = {"Records": [kinesis_record(0, None), kinesis_record(1, b64(gz(inner))), kinesis_record(2, 12345)]}
    kinesis["Records"].append({"eventSource": "aws:kinesis", "eventID": "no-kinesis-key"})
    c.case(
        "kinesis-record-without-data", "cw_event",
        "Kinesis event: records without data, with numeric data, without a kinesis key (UNPARSEABLE_RECORD each) around one good record",
        {"statuses": ["ModelTimeoutException", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD"],
         "reason_contains": "Kinesis record has no data"},
        file=c.cw_event("kinesis-record-without-data", kinesis, decoded=inner),
    )
    control = subscription("", [invocation(1, "ThrottlingException")], message_type="CONTROL_MESSAGE",
                           owner="CloudwatchLogs", logStream="", subscriptionFilters=[],
                           policyLevel="ACCOUNT_LEVEL_POLICY", extra={"nested": [1, {"a": None}]})
    doc = compact(control).encode()
    c.case(
        "cw-control-message-extra-fields", "cw_event",
        "CONTROL_MESSAGE with extra fields and a failure-looking log event: skipped whole",
        {"statuses": [], "counts": {"control_messages": 1, "cloudwatch_log_events": 0}},
        file=c.cw_event("cw-control-message-extra-fields", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    compressed = gz(compact(failing).encode())
    c.case(
        "cw-truncated-gzip-payload", "cw_event",
        "awslogs.data is a truncated gzip: the payload cannot be read, one UNREADABLE_INPUT error (as on S3)",
        {"statuses": ["UNREADABLE_INPUT"], "reason_contains": "could not be decoded", "counts": {"unreadable_inputs": 1, "bad_records": 0}},
        file=c.cw_event("cw-truncated-gzip-payload", awslogs_event(b64(compressed[: len(compressed) - 12])), decoded=compact(failing).encode()),
    )
    bomb = gz(b"\n" * (16 << 20))
    c.case(
        "cw-gzip-bomb-payload", "cw_event",
        "awslogs.data decodes to 16 MB of newlines: stopped at the 8 MB cap -> UNREADABLE_INPUT error naming the cap",
        {"statuses": ["UNREADABLE_INPUT"], "reason_contains": "cap", "counts": {"unreadable_inputs": 1}},
        file=c.cw_event("cw-gzip-bomb-payload", awslogs_event(b64(bomb))),
    )
    c.case(
        "cw-data-not-string", "cw_event", "awslogs.data is a number: counted as unknown, no finding",
        {"statuses": [], "counts": {"unknown_documents": 1}},
        file=c.cw_event("cw-data-not-string", {"awslogs": {"data": 12345}}),
    )
    nested_event = awslogs_event(b64(gz(compact(subscription(INVOCATION_LOG_GROUP, [invocation(1, "ThrottlingException")])).encode())))
    nested_doc = subscription(INVOCATION_LOG_GROUP, [invocation(2, "ValidationException")])
    outer = subscription(INVOCATION_LOG_GROUP, [nested_event, nested_doc, invocation(3, "AccessDeniedException")])
    doc = compact(outer).encode()
    c.case(
        "cw-nested-event-in-message", "cw_event",
        "log event messages that are themselves a Lambda CloudWatch event and a subscription document: not unwrapped again (unknown)",
        {"statuses": ["AccessDeniedException"], "counts": {"unknown_documents": 2}},
        file=c.cw_event("cw-nested-event-in-message", awslogs_event(b64(gz(doc))), decoded=doc),
    )
    level2 = {"Records": [kinesis_record(2, b64(gz(compact(subscription(INVOCATION_LOG_GROUP, [invocation(1, "ThrottlingException")])).encode())))]}
    level1 = {"Records": [kinesis_record(1, b64(gz(compact(level2).encode())))]}
    doc = compact(level1).encode()
    c.case(
        "kinesis-recursive-payloads", "cw_event",
        "Kinesis data holding a Kinesis event holding a Kinesis event: unwrapping stops at depth 2, the innermost failure is never reached",
        {"statuses": [], "counts": {"unknown_documents": 1}},
        file=c.cw_event("kinesis-recursive-payloads", {"Records": [kinesis_record(0, b64(gz(doc)))]}, decoded=doc),
    )
    unpadded = subscription(INVOCATION_LOG_GROUP, [invocation(1, "ServiceUnavailableException")])
    while len(gz(compact(unpadded).encode())) % 3 == 0:
        unpadded["logStream"] += "-"
    doc = compact(unpadded).encode()
    data = b64(gz(doc))
    assert data.endswith("=")
    c.case(
        "cw-unpadded-base64", "cw_event", "awslogs.data with its base64 padding stripped: still decoded",
        {"statuses": ["ServiceUnavailableException"]},
        file=c.cw_event("cw-unpadded-base64", awslogs_event(data.rstrip("=")), decoded=doc),
    )
    c.case(
        "cw-unknown-event", "cw_event", "an event that is neither CloudWatch Logs nor Kinesis ({\"hello\":1}): no finding",
        {"statuses": [], "counts": {"unknown_documents": 1}},
        file=c.cw_event("cw-unknown-event", {"hello": 1}),
    )


# --------------------------------------------------------------------------- S3 function triggers


def s3_events(c: Corpus) -> None:
    def obj(name: str, *records) -> str:
        text = b"".join(line(r) for r in records)
        return c.gzip_object("s3obj-" + name, text)

    kinds = {
        "throttling": obj("throttling", invocation(1, "ThrottlingException"), invocation(2)),
        "validation": obj("validation", invocation(3, "ValidationException"), invocation(4)),
        "timeout": obj("timeout", invocation(5, "ModelTimeoutException"), invocation(6)),
        "access-denied": obj("access-denied", invocation(7, "AccessDeniedException"), invocation(8)),
        "unavailable": obj("unavailable", invocation(9, "ServiceUnavailableException"), invocation(10)),
        "kb": obj("kb", kb_resource(11, "EMBEDDING_FAILED", "s3://acme-kb-docs/k.pdf"),
                  kb_resource(12, "RESOURCE_IGNORED", "s3://acme-kb-docs/k.mp4", level="WARN", reasons=["Unsupported file type."])),
        "quota": obj("quota", invocation(13, "ServiceQuotaExceededException"), invocation(14)),
        "internal": obj("internal", invocation(15, "InternalServerException"), invocation(16)),
        "not-ready": obj("not-ready", invocation(17, "ModelNotReadyException"), invocation(18)),
        "model-error": obj("model-error", invocation(19, "ModelErrorException"), invocation(20)),
    }
    keys = {
        "bad inputs/kb logs+1.json.gz": "kb",
        "bad/slash/key.json.gz": "throttling",
        "bad/café/日本.json.gz": "validation",
        "bad/100%.json.gz": "timeout",
        "bad/raw%FFkey.json.gz": "access-denied",
        "bad/a+b.json.gz": "unavailable",
        "bad/zero-size.json.gz": "quota",
        "bad/2026/11/20/14/data/offload_input.json.gz": "throttling",
        "bad/amazon-bedrock-logs-permission-check": "throttling",
        "bad/valid/internal.json.gz": "internal",
        "bad/valid/not-ready.json.gz": "not-ready",
        "bad/valid/model-error.json.gz": "model-error",
        "bad/valid/removed.json.gz": "throttling",
    }
    c.objects = {key: kinds[kind] for key, kind in keys.items()}

    def size(key: str) -> int:
        return len(c.files[c.objects[key]])

    def notification(*records) -> dict:
        return {"Records": list(records)}

    def event(name, trigger, note, expect, value):
        c.case(name, "s3_event", note, expect, file=c.file(name + ".json", compact(value).encode()), trigger=trigger)

    event(
        "s3-missing-bucket-or-s3", "notification", "records without s3.bucket and without s3: UNUSABLE_EVENT each, nothing fetched",
        {"statuses": ["UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"objects": 2}},
        notification(s3_record("bad/valid/internal.json.gz", size("bad/valid/internal.json.gz"), drop=("bucket",)),
                     s3_record("bad/valid/internal.json.gz", 10, drop=("s3",))),
    )
    event(
        "s3-missing-key", "notification", "records without a key and with an empty key (UNUSABLE_EVENT each) beside a good record",
        {"statuses": ["InternalServerException", "UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"objects": 3}},
        notification(s3_record("x", 10, drop=("key",)),
                     s3_record("bad/valid/internal.json.gz", size("bad/valid/internal.json.gz")),
                     s3_record("", 5)),
    )
    event(
        "s3-keys-encoded", "notification",
        "form-URL-encoded keys: spaces as +, %2B, %2F for /, percent-encoded UTF-8 (caf%C3%A9, CJK): each decoded key is read once",
        {"statuses": ["EMBEDDING_FAILED", "RESOURCE_IGNORED", "ThrottlingException", "ValidationException"], "response_includes": {"objects": 3}},
        notification(s3_record("bad+inputs/kb+logs%2B1.json.gz", size("bad inputs/kb logs+1.json.gz")),
                     s3_record("bad%2Fslash%2Fkey.json.gz", size("bad/slash/key.json.gz")),
                     s3_record("bad/caf%C3%A9/%E6%97%A5%E6%9C%AC.json.gz", size("bad/café/日本.json.gz"))),
    )
    event(
        "s3-key-percent-literals", "notification",
        "%25 decodes to a literal %; %FF (invalid UTF-8 once decoded) falls back to the key as given; an unencoded + is found via the raw spelling",
        {"statuses": ["AccessDeniedException", "ModelTimeoutException", "ServiceUnavailableException"], "response_includes": {"objects": 3}},
        notification(s3_record("bad/100%25.json.gz", size("bad/100%.json.gz")),
                     s3_record("bad/raw%FFkey.json.gz", size("bad/raw%FFkey.json.gz")),
                     s3_record("bad/a+b.json.gz", size("bad/a+b.json.gz"))),
    )
    event(
        "s3-skipped-objects", "notification",
        "zero size (object really holds a failure), folder marker, HH/data/ body offload, permission-check name, ObjectRemoved: all skipped, no alert",
        {"statuses": [], "response_includes": {"objects": 4, "alerts": 0}},
        notification(s3_record("bad/zero-size.json.gz", 0),
                     s3_record("bad/valid/", 0),
                     s3_record("bad/2026/11/20/14/data/offload_input.json.gz", size("bad/2026/11/20/14/data/offload_input.json.gz")),
                     s3_record("bad/amazon-bedrock-logs-permission-check", size("bad/amazon-bedrock-logs-permission-check")),
                     s3_record("bad/valid/removed.json.gz", size("bad/valid/removed.json.gz"), event_name="ObjectRemoved:Delete")),
    )
    event(
        "s3-test-event", "test_event", "the s3:TestEvent S3 sends when a notification is configured: ignored",
        {"statuses": [], "response_includes": {"test_event": True, "alerts": 0}},
        {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-20T15:00:00.000Z", "Bucket": "BUCKET",
         "RequestId": "5582815E1AEA5ADF", "HostId": "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"},
    )
    event(
        "eventbridge-garbage-detail", "eventbridge", "EventBridge Object Created whose detail is a string: UNUSABLE_EVENT",
        {"statuses": ["UNUSABLE_EVENT"], "response_includes": {"objects": 1}},
        {"version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103", "detail-type": "Object Created", "source": "aws.s3",
         "account": ACCOUNT, "time": "2026-11-20T15:00:13Z", "region": REGION, "resources": ["arn:aws:s3:::BUCKET"],
         "detail": "garbage {not an object"},
    )
    valid_body = compact(notification(s3_record("bad/valid/not-ready.json.gz", size("bad/valid/not-ready.json.gz"))))
    garbage_sqs = {"Records": [sqs_record(1, "not json {"), sqs_record(2, None), sqs_record(3, {"Records": []}), sqs_record(4, valid_body)]}
    event(
        "sqs-garbage-bodies", "sqs",
        "SQS batch: body not JSON, body missing, body an object instead of a string (UNUSABLE_EVENT each), one good body; nothing retried",
        {"statuses": ["ModelNotReadyException", "UNUSABLE_EVENT", "UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"batchItemFailures": []}},
        garbage_sqs,
    )
    sns_sqs = {"Records": [
        sqs_record(1, compact(sns_envelope("this is {not json"))),
        sqs_record(2, compact(sns_envelope(None))),
        sqs_record(3, compact(sns_envelope(compact({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "BUCKET"})))),
    ]}
    event(
        "sqs-sns-garbage-message", "sqs",
        "SQS bodies that are SNS envelopes whose Message is garbage or missing (UNUSABLE_EVENT each) or an s3:TestEvent (ignored)",
        {"statuses": ["UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"batchItemFailures": []}},
        sns_sqs,
    )
    removed = compact(notification(s3_record("bad/valid/removed.json.gz", size("bad/valid/removed.json.gz"), event_name="ObjectRemoved:Delete")))
    unknown_sqs = {"Records": [sqs_record(1, '{"foo":"bar"}'), sqs_record(2, "[1,2,3]"), sqs_record(3, '"just a string"'),
                               sqs_record(4, removed), sqs_record(5, '{"Records":[]}')]}
    event(
        "sqs-unknown-shape-body", "sqs",
        "SQS bodies of valid JSON but unknown shape (object, array, string: UNUSABLE_EVENT each); an ObjectRemoved notification and empty Records are ignored",
        {"statuses": ["UNUSABLE_EVENT", "UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"batchItemFailures": []}},
        unknown_sqs,
    )
    event(
        "s3-unknown-event", "unknown", "an event that is nothing we know ({\"hello\":1}): one UNUSABLE_EVENT, answered normally",
        {"statuses": ["UNUSABLE_EVENT"], "response_includes": {"alerts": 1}},
        {"hello": 1},
    )
    batch = {
        "invocationSchemaVersion": "2.0",
        "invocationId": "YmFkLWlucHV0cy1iYXRjaC1vcGVyYXRpb25z",
        "job": {"id": "be4a8bd0-bad0-4000-8000-000000000001", "userArguments": {}},
        "tasks": [
            {"taskId": "t1-no-key", "s3Bucket": "BUCKET", "s3VersionId": None},
            {"taskId": "t2-valid", "s3Key": "bad/valid/model-error.json.gz", "s3Bucket": "BUCKET", "s3VersionId": None},
            {"taskId": "t3-missing-object", "s3Key": "bad/no-such-object.json.gz", "s3Bucket": "BUCKET", "s3VersionId": None},
            {"taskId": "t4-no-bucket", "s3Key": "bad/valid/model-error.json.gz"},
            {"taskId": "t5-empty-bucket-arn", "s3Key": "bad/valid/model-error.json.gz", "s3BucketArn": "arn:aws:s3:::"},
        ],
    }
    event(
        "batch-ops-bad-tasks", "batch",
        "S3 Batch Operations: task without s3Key, without bucket, with an empty bucket ARN (PermanentFailure + UNUSABLE_EVENT), a missing object (PermanentFailure + UNREADABLE_INPUT), one good task",
        {"statuses": ["ModelErrorException", "UNREADABLE_INPUT", "UNUSABLE_EVENT", "UNUSABLE_EVENT", "UNUSABLE_EVENT"],
         "result_codes": ["PermanentFailure", "Succeeded", "PermanentFailure", "PermanentFailure", "PermanentFailure"]},
        batch,
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    corpus = Corpus()
    build(corpus)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.is_file():
            old.unlink()
    for name, data in sorted(corpus.files.items()):
        (OUT / name).write_bytes(data)
    manifest = {
        "version": 1,
        "generated_by": "scripts/make_bad_inputs.py",
        "max_decoded_bytes": MAX_DECODED_BYTES,
        "objects": corpus.objects,
        "cases": corpus.cases,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=True) + "\n")
    by_kind: dict[str, int] = {}
    for case in corpus.cases:
        by_kind[case["kind"]] = by_kind.get(case["kind"], 0) + 1
    print(f"{len(corpus.cases)} cases {by_kind}, {len(corpus.files) + 1} files in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
