#!/usr/bin/env python3
"""Generate the hostile / broken input corpus under tests/fixtures/bad-inputs/.

Deterministic: running it twice writes identical files (fixed contents, gzip with mtime=0,
a seeded generator for "random" bytes; scripts/samples.py, which make_events.py shares).
Standard library only.

    python3 scripts/make_bad_inputs.py            # rewrite tests/fixtures/bad-inputs/
    python3 scripts/make_bad_inputs.py --check    # exit 1 if it is not what this writes

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

import gzip
import json
import zlib
from dataclasses import dataclass, field

import samples
from samples import (
    ACCOUNT, CANARY_OUTPUT, CANARY_PROMPT, DATA_SOURCE_ID, INGESTION_JOB_ID, INVOCATION_LOG_GROUP, KB_ARN,
    KB_LOG_GROUP, REGION, Rng, awslogs_event, b64, compact, epoch_ms, gz, invocation_record, json_input,
    json_output, kb_event, kb_resource_event, line, log_event, md5_hex, message, ndjson,
    object_created_event, s3_notification, s3_test_event, subscription_document,
)

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MAX_DECODED_BYTES = 8 << 20
MAX_FILE_BYTES = 200_000
BASE_MS = epoch_ms(2026, 11, 20, 15)
DEPTH = 100_000  # of the deep-nesting cases
# Where a record is cut open for bytes or generated text that JSON cannot carry.
HOLE = "@@HOLE@@"

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


# --------------------------------------------------------------------------- records


def request_id(n: int) -> str:
    return f"bad{n:05d}-0000-4000-8000-{n:012d}"


def invocation(n: int, error_code=None, error_message=None, operation="Converse", prompt=None, **extra):
    """A model invocation log record; failed when error_code is given. Prompt bodies carry the
    canary, which must never reach a finding, an alert or a log line."""
    output = None
    if error_code is None:
        output = json_output({
            "output": {"message": message("assistant", f"{CANARY_OUTPUT} ok {n}")},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 42, "outputTokens": 17},
        }, 17)
    else:
        extra = {
            "errorCode": error_code,
            "errorMessage": error_message or ERROR_MESSAGES.get(error_code, "The request failed."),
            **extra,
        }
    return invocation_record(
        "2026-11-20T15:00:%02dZ" % (n % 60), request_id(n), operation, MODEL,
        f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session",
        json_input({"messages": [message("user", prompt or f"{CANARY_PROMPT} summarise report {n}")]}, 42),
        output, **extra,
    )


def fail_lines(*codes, start=1) -> bytes:
    return ndjson(invocation(start + i, code) for i, code in enumerate(codes))


def raw_line(record, raw: bytes) -> bytes:
    """record's NDJSON line with the bytes raw where it holds HOLE."""
    return line(record).replace(HOLE.encode(), raw)


def kb_resource(n: int, status: str, uri: str, level="ERROR", reasons=None):
    if reasons is None:
        reasons = ["The embedding model returned an error: input is too long."]
    return kb_resource_event(BASE_MS + n * 1000, level, status, uri, reasons=reasons)


def kb_job(n: int, status: str, failed, level="INFO"):
    """A job's status change. knowledge_base_arn comes before ingestion_job_status here, unlike
    in AWS's example and events/: the engine must not care about key order."""
    return kb_event(BASE_MS + n * 1000, "StartIngestionJob.StatusChanged", {
        "ingestion_job_id": INGESTION_JOB_ID,
        "data_source_id": DATA_SOURCE_ID,
        "knowledge_base_arn": KB_ARN,
        "ingestion_job_status": status,
        "resource_statistics": {"number_of_resources_failed": failed, "number_of_resources_ingested": 10},
    }, level)


def subscription(log_group: str, messages, message_type="DATA_MESSAGE", **overrides) -> dict:
    """A CloudWatch Logs subscription document; messages are records (dumped) or raw strings."""
    events = [
        log_event(str(38000000000000000000000000000000000000000000000000000000 + i), BASE_MS + i,
                  m if isinstance(m, str) else compact(m))
        for i, m in enumerate(messages)
    ]
    document = subscription_document(log_group, "bad-inputs", ["bedrock-alerts"], events, message_type=message_type)
    document.update(overrides)
    return document


def without(document: dict, key: str) -> dict:
    return {k: v for k, v in document.items() if k != key}


def kinesis_record(n: int, data) -> dict:
    kinesis = {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": f"partition-{n}",
        "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
        "approximateArrivalTimestamp": 1795186800.123,
    }
    if data is not None:
        kinesis["data"] = data
    return samples.kinesis_record(
        kinesis, f"shardId-000000000000:4959033827149025660855969253836157109592157598913658889{n}",
        f"arn:aws:iam::{ACCOUNT}:role/bedrock-alerts", f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/bedrock-logs",
    )


def kinesis_event(n: int, payload: bytes) -> dict:
    """A Kinesis event of one record whose data is base64(gzip(payload))."""
    return {"Records": [kinesis_record(n, b64(gz(payload)))]}


def s3_record(key: str, size, event_name="ObjectCreated:Put", bucket="BUCKET", drop=()):
    """A direct S3 notification record; `key` is given as S3 writes it (form-URL-encoded).
    drop: the parts to leave out ("s3", "bucket", "key")."""
    record = samples.s3_record(
        key, size, "0123456789abcdef0123456789abcdef", bucket=bucket, event_time="2026-11-20T15:00:13.000Z",
        event_name=event_name, principal="AWS:AROAEXAMPLEBEDROCK", source_ip="10.0.0.1",
        request_id="C3D13FE58DE4C810", host_id="FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
        configuration_id="bedrock-logs", owner="A3NL1KOZZKEXAMPLE", sequencer="0065A1B2C3D4E5F601",
    )
    for path in drop:
        if path == "s3":
            del record["s3"]
        elif path == "bucket":
            del record["s3"]["bucket"]
        elif path == "key":
            del record["s3"]["object"]["key"]
    return record


def sqs_record(n: int, body) -> dict:
    """An SQS message; body (then md5OfBody) last, left out when None."""
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
            record["md5OfBody"] = md5_hex(body.encode("utf-8"))
    return record


def sns_envelope(text) -> dict:
    """An SNS notification; Message last, left out when None."""
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
    if text is not None:
        envelope["Message"] = text
    return envelope


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    """A manifest case and the files it stores (its input, and the input's decoded twin)."""

    name: str
    kind: str  # object, cw_event or s3_event
    note: str
    expect: dict
    source: dict  # {"file": name} or {"generate": recipe}, then any other manifest keys
    files: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self):
        for key in ("statuses", "statuses_include"):
            if key in self.expect:
                assert self.expect[key] == sorted(self.expect[key]), (self.name, key)
        assert ("statuses" in self.expect) != ("statuses_include" in self.expect), self.name

    def entry(self) -> dict:
        expect = {**self.expect, "unreadable": self.expect.get("unreadable", False)}
        return {"name": self.name, "kind": self.kind, **self.source, "note": self.note, "expect": expect}


def stored(name, ext, kind, note, expect, data, twin=None, twin_ext="", **source) -> Case:
    """A case whose input is the file name + ext (and twin, its decoded form, name + twin_ext)."""
    files = {name + ext: data}
    if twin is not None:
        files[name + twin_ext] = twin
    return Case(name, kind, note, expect, {"file": name + ext, **source}, files)


def obj(name, note, expect, data, ext=".ndjson", twin=None) -> Case:
    """An object case (bytes an S3 object or a CLI input holds)."""
    return stored(name, ext, "object", note, expect, data, twin, ".decoded.ndjson")


def generated(name, note, expect, **recipe) -> Case:
    """An object case too big to store: the tests build it from recipe (see the docstring)."""
    return Case(name, "object", note, expect, {"generate": recipe})


def nesting(inner: str) -> list:
    return [["[", DEPTH], [inner, 1], ["]", DEPTH]]


def filled(value, hole: str, parts: list, end="\n") -> list:
    """Recipe parts: value's compact JSON with parts where it holds the text hole, then end."""
    head, tail = compact(value).split(hole)
    return [[head, 1], *parts, [tail + end, 1]]


def cw(name, note, expect, event: dict, decoded: bytes | None = None) -> Case:
    """A CloudWatch Logs / Kinesis Lambda event case (decoded: the payload, written beside)."""
    text = compact(event)
    assert "CANARY" not in text or name == "cw-bad-base64", name  # bodies stay encoded
    return stored(name, ".json", "cw_event", note, expect, text.encode("utf-8"), decoded, ".decoded.json")


def awslogs(name, note, expect, document: dict | bytes) -> Case:
    """A CloudWatch Logs Lambda event whose awslogs.data is base64(gzip(document))."""
    data = document if isinstance(document, bytes) else compact(document).encode("utf-8")
    return cw(name, note, expect, awslogs_event(b64(gz(data))), decoded=data)


def s3(name, trigger, note, expect, event: dict) -> Case:
    """An S3-function trigger case; BUCKET stands for the test bucket."""
    return stored(name, ".json", "s3_event", note, expect, compact(event).encode("utf-8"), trigger=trigger)


# --------------------------------------------------------------------------- objects


def ended(records, end: bytes) -> bytes:
    """The records' compact JSON, each followed by end."""
    return b"".join(compact(r).encode() + end for r in records)


def nul_bytes() -> bytes:
    """NUL bytes between records, inside a string and between two tokens."""
    between_tokens = line(invocation(4, "AccessDeniedException")).replace(b',"errorCode"', b',\x00"errorCode"')
    assert b"\x00" in between_tokens
    return (
        fail_lines("ThrottlingException")
        + b"\x00\x00\x00\n\x00\x00"
        + fail_lines("ValidationException", start=2)
        + raw_line(invocation(3, "ModelTimeoutException", prompt=CANARY_PROMPT + " " + HOLE), b"a\x00b")
        + between_tokens
        + b"\x00" * 64
    )


UNKNOWN_SHAPES = [
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


def parquet() -> bytes:
    rng = Rng(0x5EED)
    data = (
        b"PAR1"
        + rng.bytes_without(1500, b"\n")
        + CANARY_PROMPT.encode()
        + rng.bytes_without(1500, b"\n")
        + (3000).to_bytes(4, "little")
        + b"PAR1"
    )
    assert b"\n" not in data
    return data


KB_PLAIN = (
    "2026-11-20T15:00:03Z StartIngestionJob.ResourceStatusChanged ERROR status=EMBEDDING_FAILED uri=s3://acme-kb-docs/handbook.pdf reason=\"input is too long\"\n"
    "2026-11-20T15:00:04Z StartIngestionJob.ResourceStatusChanged INFO status=INDEXED uri=s3://acme-kb-docs/faq.md\n"
    f"2026-11-20T15:00:05Z StartIngestionJob.StatusChanged ERROR status=FAILED job={INGESTION_JOB_ID} note={CANARY_PROMPT}\n"
)
KB_W3C = (
    "#Fields: event_timestamp event_type level status document_uri status_reasons\n"
    "2026-11-20T15:00:03Z StartIngestionJob.ResourceStatusChanged ERROR EMBEDDING_FAILED s3://acme-kb-docs/handbook.pdf \"input is too long\"\n"
    "2026-11-20T15:00:04Z StartIngestionJob.ResourceStatusChanged INFO INDEXED s3://acme-kb-docs/faq.md -\n"
    "2026-11-20T15:00:05Z StartIngestionJob.ResourceStatusChanged WARN RESOURCE_IGNORED s3://acme-kb-docs/video.mp4 -\n"
)

TWO_FAILURES = fail_lines("ThrottlingException", "ValidationException")
FAILURES_THEN_HEALTHY = TWO_FAILURES + ndjson(invocation(100 + i) for i in range(150))


def truncated_gzip() -> bytes:
    compressed = gz(FAILURES_THEN_HEALTHY)
    truncated = compressed[: len(compressed) // 2]
    assert zlib.decompressobj(wbits=31).decompress(truncated).startswith(TWO_FAILURES), "early records decode"
    return truncated


# The texts of three gzip members, the middle one to be corrupted.
MEMBERS = (
    fail_lines("ThrottlingException") + line(invocation(2)),
    line(invocation(3)) + line(invocation(4)),
    fail_lines("ServiceQuotaExceededException", start=5),
)


def with_bad_crc(member: bytes) -> bytes:
    data = bytearray(member)
    data[-8] ^= 0xFF  # the CRC32
    return bytes(data)


def with_bad_deflate(member: bytes) -> bytes:
    data = bytearray(member)
    assert data[3] == 0, "no optional header fields: deflate data starts at byte 10"
    data[10] = 0xFF  # BFINAL=1, BTYPE=11 (reserved): invalid block type
    return bytes(data)


def corrupt_middle_member(name, corrupt, what) -> Case:
    first, middle, last = MEMBERS
    data = gz(first) + corrupt(gz(middle)) + gz(last)
    try:
        gzip.decompress(data)
        raise AssertionError(name + " decodes")
    except (OSError, EOFError, zlib.error):
        pass
    return obj(
        name,
        f"3 concatenated gzip members; member 2 is corrupt ({what}): member 1's failure is found, member 3's never, then UNREADABLE_INPUT",
        {"statuses": ["ThrottlingException"], "statuses_exclude": ["ServiceQuotaExceededException"], "unreadable": True},
        data, ".json.gz", twin=first + middle + last,
    )


MINIMAL_RECORDS = [
    {"modelId": MODEL, "errorCode": "ThrottlingException"},
    {"schemaType": "ModelInvocationLog", "errorCode": "InternalServerException"},
    {"modelId": MODEL, "requestId": request_id(3), "errorCode": "ServiceUnavailableException"},
    {"modelId": MODEL, "operation": "Converse", "errorCode": "ValidationException"},
    {"requestId": request_id(5), "operation": "Converse", "errorCode": "AccessDeniedException"},
    {"schemaType": "ModelInvocationLog"},
]


def numeric_codes() -> list:
    records = [
        invocation(1, None, input={"inputBodyJson": {"text": CANARY_PROMPT}, "inputTokenCount": "12"}, errorCode=500),
        invocation(2, "  ModelNotReadyException  ", outputTokenCount="0"),
        invocation(3, None, errorCode=429, timestamp=1795186800000),
        invocation(4, None, errorCode=-1),
    ]
    for record in records:
        record.setdefault("errorMessage", "numeric error code")
    return records


WRONG_TYPE_CODES = [
    invocation(1, None, errorCode={"code": "NestedObjectException"}),
    invocation(2, None, errorCode=["InArrayException"]),
    invocation(3, None, errorCode=True),
    invocation(4, None, errorCode=""),
    invocation(5, None, errorCode="   "),
    invocation(6, None, errorCode=None),
]

HOSTILE_CODE = "\u001b[31m<script>alert(1)</script>\u202eEvil\u0007Code" + "Z" * 400
# The engine keeps 128 bytes of an errorCode, never a part of a character.
HOSTILE_STATUS = HOSTILE_CODE.encode("utf-8")[:128].decode("utf-8", errors="ignore")

HUGE_REASON = "x" + "\u00e9" * 1023 + "y"  # 2048 bytes; the 1 KB cut falls inside a 2-byte char
assert len(HUGE_REASON.encode()) == 2048

KB_UNKNOWN_STATUSES = [
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


def out_of_range_numbers() -> bytes:
    failed = b'"number_of_resources_failed":0'
    data = (
        line(kb_job(1, "COMPLETE", 0)).replace(failed, b'"number_of_resources_failed":1e400')
        + line(kb_job(2, "COMPLETE", 0)).replace(failed, b'"number_of_resources_failed":99999999999999999999')
        + line(invocation(3, "InternalServerException", prompt=HOLE)).replace(f'"{HOLE}"'.encode(), b"1e400")
    )
    assert data.count(b"1e400") == 2
    return data


def duplicate_keys() -> bytes:
    return (
        line(invocation(1, "ThrottlingException")).replace(b'"errorCode":"ThrottlingException"', b'"errorCode":"ThrottlingException","errorCode":"ValidationException"')
        + line(invocation(2, "AccessDeniedException")).replace(b'"input":{', b'"input":{"dup":1},"input":{')
    )


def cut_mid_string() -> bytes:
    """A record cut 4 characters after the canary in its prompt, with no newline."""
    text = compact(invocation(2, "ValidationException"))
    return text[: text.index(CANARY_PROMPT) + len(CANARY_PROMPT) + 4].encode()


OBJECT_CASES = [
    obj(
        "empty", "zero-byte object: readable, nothing found (the S3 function skips it by size)",
        {"statuses": [], "counts": {"decoded_bytes": 0, "bad_records": 0}},
        b"",
    ),
    obj(
        "whitespace-only", "only spaces, tabs, CR, LF and NUL: no document, no finding",
        {"statuses": [], "counts": {"bad_records": 0, "unknown_documents": 0}},
        b"   \n\t\t\r\n\x00 \n\n   \t\r\n",
    ),
    obj(
        "bom-at-start", "UTF-8 BOM before the first record: skipped, both records are read",
        {"statuses": ["ThrottlingException", "ValidationException"], "counts": {"bad_records": 0, "invocation_records": 2}},
        b"\xef\xbb\xbf" + fail_lines("ThrottlingException", "ValidationException"),
    ),
    obj(
        "crlf-line-endings", "CRLF line endings, blank CRLF lines and a CRLF-terminated garbage line",
        {"statuses": ["EMBEDDING_FAILED", "UNPARSEABLE_RECORD", "ValidationException"]},
        ended([
            invocation(1, "ValidationException"),
            invocation(2),
            kb_resource(3, "EMBEDDING_FAILED", "s3://acme-kb-docs/crlf.pdf"),
        ], b"\r\n") + b"\r\n\r\nnot json " + CANARY_PROMPT.encode() + b"\r\n",
    ),
    obj(
        "cr-only-line-endings", "old-Mac CR-only separators between JSON objects: both records framed",
        {"statuses": ["ThrottlingException", "ValidationException"]},
        ended([invocation(1, "ThrottlingException"), invocation(2, "ValidationException")], b"\r"),
    ),
    # Invalid UTF-8 / escapes inside strings.
    obj(
        "invalid-utf8-in-error-message",
        "raw invalid UTF-8 inside errorMessage (a field the engine reads): that line is UNPARSEABLE_RECORD, neighbours parsed",
        {"statuses": ["AccessDeniedException", "UNPARSEABLE_RECORD", "ValidationException"], "reason_contains": "invalid JSON",
         "counts": {"bad_records": 1, "invocation_records": 2}},
        fail_lines("ValidationException")
        + raw_line(invocation(2, "ThrottlingException", error_message=HOLE), b"caf\xe9 \xff\xfe broken")
        + fail_lines("AccessDeniedException", start=3),
    ),
    obj(
        "invalid-utf8-in-prompt-body",
        "raw invalid UTF-8 inside the prompt body (a skipped field): serde_json does not validate skipped strings, so the error finding stands",
        {"statuses": ["ModelTimeoutException", "ThrottlingException"], "counts": {"bad_records": 0}},
        fail_lines("ThrottlingException")
        + raw_line(invocation(2, "ModelTimeoutException", prompt=CANARY_PROMPT + " " + HOLE), b"\xc3\x28\xa0\xa1\xff"),
    ),
    obj(
        "invalid-utf8-garbage-line", "a line of raw invalid UTF-8 bytes between two failures",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD", "ValidationException"]},
        fail_lines("ThrottlingException")
        + b"\xc3\x28\xff\xfe\x80\x81 garbage " + CANARY_PROMPT.encode() + b" \xf0\x28\x8c\x28\n"
        + fail_lines("ValidationException", start=3),
    ),
    obj(
        "lone-surrogate-escape",
        "lone UTF-16 surrogate escape: in errorMessage the line is UNPARSEABLE_RECORD; in the (skipped) prompt body the finding stands",
        {"statuses": ["UNPARSEABLE_RECORD", "ValidationException"]},
        raw_line(invocation(1, "ThrottlingException", error_message=f"lone {HOLE} surrogate"), b"\\ud800")
        + raw_line(invocation(2, "ValidationException", prompt=f"{CANARY_PROMPT} {HOLE} x"), b"\\udc00\\ud800"),
    ),
    obj(
        "nul-bytes",
        "NUL bytes between records (skipped like whitespace) and inside two lines (in a string, between tokens: each UNPARSEABLE_RECORD)",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "ValidationException"],
         "counts": {"bad_records": 2, "invocation_records": 2}},
        nul_bytes(),
    ),
    # Deep nesting (generated: 200 KB each).
    generated(
        "deep-nesting-known-field",
        "KB event whose `event` is nested 100000 arrays deep: serde_json's recursion limit makes it UNPARSEABLE_RECORD, no crash; next line read",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD"], "reason_contains": "invalid JSON",
         "counts": {"bad_records": 1, "knowledge_base_events": 0}},
        recipe="deep_nesting", depth=DEPTH, gzip=False,
        parts=filled(
            {"event_timestamp": BASE_MS, "event_type": "StartIngestionJob.ResourceStatusChanged", "level": "ERROR", "event": HOLE},
            f'"{HOLE}"', nesting("1"), end="\n" + compact(invocation(2, "ThrottlingException")) + "\n",
        ),
    ),
    generated(
        "deep-nesting-unknown-field",
        "a document whose only field is unknown and nested 100000 deep: skipped without recursion, counted as unknown, no finding",
        {"statuses": [], "counts": {"unknown_documents": 1, "bad_records": 0}},
        recipe="deep_nesting", depth=DEPTH, gzip=False,
        parts=filled({"unknown": HOLE}, f'"{HOLE}"', nesting("1")),
    ),
    generated(
        "deep-nesting-in-prompt-body",
        "failed invocation whose prompt body is nested 100000 deep: the body is skipped, the error finding stands",
        {"statuses": ["ThrottlingException"], "counts": {"invocation_records": 1, "bad_records": 0}},
        recipe="deep_nesting", depth=DEPTH, gzip=False,
        parts=filled(invocation(1, "ThrottlingException", prompt=HOLE), f'"{HOLE}"', nesting(f'"{CANARY_PROMPT}"')),
    ),
    generated(
        "long-line-5mb",
        "one 5 MB line (a huge prompt) with an errorCode, gzip'ed, then a short failure: no line-length limit below the 8 MB cap",
        {"statuses": ["ModelTimeoutException", "ThrottlingException"], "counts": {"invocation_records": 2}},
        recipe="long_line", mb=5, gzip=True,
        parts=filled(
            invocation(1, "ModelTimeoutException", prompt=CANARY_PROMPT + " " + HOLE), HOLE, [["x", 5 << 20]],
            end="\n" + compact(invocation(2, "ThrottlingException")) + "\n",
        ),
    ),
    obj(
        "unknown-shapes",
        "valid JSON of unknown shapes (array - even one holding a failed record -, number, string, bool, null, unrelated objects, bare errorCode): no finding",
        {"statuses": [], "counts": {"unknown_documents": len(UNKNOWN_SHAPES), "bad_records": 0, "invocation_records": 0}},
        ("\n".join(UNKNOWN_SHAPES) + "\n").encode(),
    ),
    obj(
        "parquet-file", "a Parquet file (PAR1 magic, binary, no newline byte): exactly one UNPARSEABLE_RECORD",
        {"statuses": ["UNPARSEABLE_RECORD"], "counts": {"bad_records": 1}},
        parquet(), ".parquet",
    ),
    obj(
        "kb-plain-format", "KB application logs delivered in the `plain` output format: one UNPARSEABLE_RECORD per line",
        {"statuses": ["UNPARSEABLE_RECORD"] * 3, "counts": {"bad_records": 3, "knowledge_base_events": 0}},
        KB_PLAIN.encode(), ".log",
    ),
    obj(
        "kb-w3c-format", "KB application logs in the `w3c` output format (#Fields header + rows): one UNPARSEABLE_RECORD per line",
        {"statuses": ["UNPARSEABLE_RECORD"] * 4, "counts": {"bad_records": 4}},
        KB_W3C.encode(), ".log",
    ),
    # Broken gzip.
    obj(
        "truncated-gzip",
        "gzip cut in half (decoded twin = the full text before the cut): the failures before the cut are found, then UNREADABLE_INPUT",
        {"statuses": ["ThrottlingException", "ValidationException"], "unreadable": True},
        truncated_gzip(), ".json.gz", twin=FAILURES_THEN_HEALTHY,
    ),
    generated(
        "gzip-bomb",
        "gzip bomb: one failure then 64 MB of NUL bytes; with an 8 MB cap the failure is found, then UNREADABLE_INPUT naming the cap",
        {"statuses": ["ThrottlingException"], "unreadable": True, "reason_contains": "cap"},
        recipe="bomb", decoded_mb=64, gzip=True,
        parts=[[compact(invocation(1, "ThrottlingException")) + "\n", 1], ["\u0000", 64 << 20]],
    ),
    corrupt_middle_member("gzip-concat-corrupt-crc-middle", with_bad_crc, "its CRC32 is wrong (its healthy records may be read)"),
    corrupt_middle_member("gzip-concat-corrupt-deflate-middle", with_bad_deflate, "its deflate data starts with a reserved block type"),
    obj(
        "gzip-magic-only", "just the two gzip magic bytes: sniffed as gzip, header cut short -> UNREADABLE_INPUT",
        {"statuses": [], "unreadable": True},
        b"\x1f\x8b", ".json.gz",
    ),
    obj(
        "gzip-trailing-garbage",
        "a valid gzip member followed by non-gzip bytes: the member's failure is found, then UNREADABLE_INPUT (bad gzip header)",
        {"statuses": ["ThrottlingException"], "unreadable": True},
        gz(fail_lines("ThrottlingException")) + b"this is not gzip " + CANARY_PROMPT.encode() + b"\n", ".json.gz",
        twin=fail_lines("ThrottlingException"),
    ),
    # Odd field shapes in invocation records.
    obj(
        "invocation-missing-fields",
        "invocation records with missing fields: recognised by schemaType, by modelId with operation/requestId, or by errorCode with any of them",
        {"statuses": ["AccessDeniedException", "InternalServerException", "ServiceUnavailableException",
                      "ThrottlingException", "ValidationException"],
         "counts": {"invocation_records": 6, "unknown_documents": 0}},
        ndjson(MINIMAL_RECORDS),
    ),
    obj(
        "error-code-numbers-and-strings",
        "numbers as strings and codes as numbers: errorCode 500 -> status \"500\", padded string trimmed, numeric timestamp tolerated",
        {"statuses": ["-1", "429", "500", "ModelNotReadyException"], "counts": {"invocation_records": 4}},
        ndjson(numeric_codes()),
    ),
    obj(
        "error-code-wrong-types",
        "errorCode as object, array, bool, empty, blank, null: every one but empty and null is a failure, "
        "its status the code's JSON text",
        {"statuses": sorted(['{"code":"NestedObjectException"}', '["InArrayException"]', "true", '"   "']),
         "counts": {"invocation_records": 6, "bad_records": 0, "errors": 4}},
        ndjson(WRONG_TYPE_CODES),
    ),
    obj(
        "hostile-error-code-text",
        "errorCode with ESC/BEL/RTL-override/HTML and 400+ bytes: status kept as text, cut to 128 bytes (SNS subject is sanitised)",
        {"statuses": [HOSTILE_STATUS]},
        line(invocation(1, HOSTILE_CODE, error_message="hostile code")),
    ),
    generated(
        "huge-status-reasons",
        "one KB event with 3000 status_reasons of 2 KB each (~6 MB, under the 8 MB cap): one finding, every reason cut to <= 1024 bytes",
        {"statuses": ["EMBEDDING_FAILED"], "counts": {"knowledge_base_events": 1}},
        recipe="huge_reasons", reasons=3001, reason_bytes=2048, gzip=True,
        parts=filled(
            kb_resource(1, "EMBEDDING_FAILED", "s3://acme-kb-docs/huge.pdf", reasons=[HOLE, "last reason"]),
            f'"{HOLE}",', [[f'"{HUGE_REASON}",', 3000]],
        ),
    ),
    obj(
        "kb-unknown-statuses",
        "unknown KB statuses judged by suffix and level: QUANTUM_FAILED error, SOMETHING_NEW at INFO none / at WARN warn, FATAL and string event -> LEVEL_ERROR, failed count as string",
        {"statuses": ["COMPLETE", "CRAWL_FAILED", "LEVEL_ERROR", "LEVEL_ERROR", "QUANTUM_FAILED", "SOMETHING_NEW", "SOMETHING_NEWER", "TELEPORT_FAILED"],
         "counts": {"knowledge_base_events": 10}},
        ndjson(KB_UNKNOWN_STATUSES),
    ),
    obj(
        "number-out-of-range",
        "1e400 in a field the engine reads -> UNPARSEABLE_RECORD; 1e20 failed resources -> WARN COMPLETE; 1e400 in a skipped prompt body is harmless",
        {"statuses": ["COMPLETE", "InternalServerException", "UNPARSEABLE_RECORD"]},
        out_of_range_numbers(),
    ),
    obj(
        "duplicate-keys",
        "duplicate errorCode key -> UNPARSEABLE_RECORD (serde rejects duplicate known fields); duplicate skipped key is harmless",
        {"statuses": ["AccessDeniedException", "UNPARSEABLE_RECORD"], "reason_contains": "unexpected JSON structure"},
        duplicate_keys(),
    ),
    obj(
        "raw-newline-in-string",
        "a raw newline inside a string breaks that record in two lines (2 x UNPARSEABLE_RECORD); the next record is read",
        {"statuses": ["UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "ValidationException"], "counts": {"bad_records": 2}},
        raw_line(invocation(1, "ThrottlingException", error_message=f"broken {HOLE} message"), b"\n")
        + fail_lines("ValidationException", start=2),
    ),
    obj(
        "truncated-plain-last-line",
        "plain NDJSON whose last record is cut mid-string with no newline: UNPARSEABLE_RECORD, the input is still readable",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD"], "reason_contains": "unexpected end of JSON"},
        fail_lines("ThrottlingException") + cut_mid_string(),
    ),
    obj(
        "unclosed-bracket-swallows-rest",
        "an unclosed `[` keeps the framer inside one document to EOF; the failed frame is read again line by line, so only the broken line is lost",
        {"statuses": ["AccessDeniedException", "ThrottlingException", "UNPARSEABLE_RECORD", "ValidationException"],
         "counts": {"bad_records": 1, "invocation_records": 3}},
        fail_lines("ThrottlingException") + b'{"broken": [1, 2, {"open": "' + CANARY_PROMPT.encode() + b'"}\n'
        + fail_lines("ValidationException", "AccessDeniedException", start=2),
    ),
    obj(
        "concatenated-with-garbage-between",
        "Firehose-style concatenation with garbage between two documents: the garbage is reported alone and the document after it is still read",
        {"statuses": ["AccessDeniedException", "ThrottlingException", "UNPARSEABLE_RECORD", "ValidationException"],
         "counts": {"bad_records": 1, "invocation_records": 3}},
        compact(invocation(1, "ThrottlingException")).encode() + b"garbage " + CANARY_PROMPT.encode()
        + compact(invocation(2, "ValidationException")).encode() + b"\n" + fail_lines("AccessDeniedException", start=3),
    ),
]


# --------------------------------------------------------------------------- CloudWatch Logs / Kinesis events

ONE_FAILURE = subscription(INVOCATION_LOG_GROUP, [invocation(1), invocation(2, "AccessDeniedException")])
ONE_FAILURE_DOC = compact(ONE_FAILURE).encode()
NOT_JSON = ("this is not json " + CANARY_PROMPT + "\nneither { is this\n").encode()


def messages_not_json() -> dict:
    document = subscription(INVOCATION_LOG_GROUP, [
        "START RequestId: 8f5b Version: $LATEST " + CANARY_PROMPT,
        invocation(2, "ValidationException"),
        "",
        '{"truncated": "rec',
    ])
    document["logEvents"][2:2] = ["junk", 42]
    return document


def messages_missing() -> dict:
    document = subscription(INVOCATION_LOG_GROUP, ["x", "x", "x", invocation(4, "ThrottlingException")])
    del document["logEvents"][0]["message"]
    document["logEvents"][1]["message"] = None
    document["logEvents"][2]["message"] = {"errorCode": "NotAStringException"}
    return document


KINESIS_INNER = compact(subscription(INVOCATION_LOG_GROUP, [invocation(1, "ModelTimeoutException")])).encode()


def kinesis_without_data() -> dict:
    return {"Records": [
        kinesis_record(0, None), kinesis_record(1, b64(gz(KINESIS_INNER))), kinesis_record(2, 12345),
        {"eventSource": "aws:kinesis", "eventID": "no-kinesis-key"},
    ]}


def nested_events() -> dict:
    """A subscription document whose messages are a Lambda CloudWatch event and a document."""
    nested_event = awslogs_event(b64(gz(compact(subscription(INVOCATION_LOG_GROUP, [invocation(1, "ThrottlingException")])).encode())))
    nested_doc = subscription(INVOCATION_LOG_GROUP, [invocation(2, "ValidationException")])
    return subscription(INVOCATION_LOG_GROUP, [nested_event, nested_doc, invocation(3, "AccessDeniedException")])


# Kinesis data holding a Kinesis event holding a Kinesis event holding a failure.
RECURSIVE_KINESIS = compact(kinesis_event(1, compact(kinesis_event(
    2, compact(subscription(INVOCATION_LOG_GROUP, [invocation(1, "ThrottlingException")])).encode(),
)).encode())).encode()


def base64_padded() -> bytes:
    """A document whose base64(gzip()) ends in padding."""
    document = subscription(INVOCATION_LOG_GROUP, [invocation(1, "ServiceUnavailableException")])
    while len(gz(compact(document).encode())) % 3 == 0:
        document["logStream"] += "-"
    data = compact(document).encode()
    assert b64(gz(data)).endswith("=")
    return data


UNPADDED = base64_padded()

CW_EVENT_CASES = [
    cw(
        "cw-bad-base64", "awslogs.data is not base64 (and holds the canary): one UNREADABLE_INPUT error, never quoting it",
        {"statuses": ["UNREADABLE_INPUT"], "reason_contains": "not valid base64", "counts": {"bad_records": 0, "unreadable_inputs": 1, "errors": 1}},
        awslogs_event("H4sI!!not*base64 " + CANARY_PROMPT + " ###"),
    ),
    cw(
        "cw-plain-not-gzip", "awslogs.data is base64 of plain (not gzip) subscription JSON: accepted, its failure found",
        {"statuses": ["AccessDeniedException"], "counts": {"cloudwatch_log_events": 2}},
        awslogs_event(b64(ONE_FAILURE_DOC)), decoded=ONE_FAILURE_DOC,
    ),
    awslogs(
        "cw-gzip-not-json", "awslogs.data is base64(gzip(two lines of text)): one UNPARSEABLE_RECORD per line",
        {"statuses": ["UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD"], "counts": {"bad_records": 2}},
        NOT_JSON,
    ),
    awslogs(
        "cw-missing-logevents", "subscription document without logEvents: nothing to read, no finding, no error",
        {"statuses": [], "counts": {"cloudwatch_log_events": 0, "bad_records": 0}},
        without(subscription(INVOCATION_LOG_GROUP, []), "logEvents"),
    ),
    awslogs(
        "cw-missing-subscription-filters", "subscription document without subscriptionFilters: still read",
        {"statuses": ["EMBEDDING_FAILED", "ThrottlingException"]},
        without(subscription(KB_LOG_GROUP, [
            kb_resource(1, "EMBEDDING_FAILED", "s3://acme-kb-docs/nf.pdf"), invocation(2, "ThrottlingException"),
        ]), "subscriptionFilters"),
    ),
    awslogs(
        "cw-logevents-not-array", "logEvents is an object, not an array: a bad record, nothing else",
        {"statuses": ["UNPARSEABLE_RECORD"], "counts": {"cloudwatch_log_events": 0, "bad_records": 1}},
        subscription(INVOCATION_LOG_GROUP, [], logEvents=log_event("1", BASE_MS, compact(invocation(1, "ThrottlingException")))),
    ),
    awslogs(
        "cw-message-not-json",
        "logEvents with a text message and a truncated JSON message (UNPARSEABLE_RECORD each), an empty message (nothing) "
        "and non-object entries (UNPARSEABLE_RECORD \"log event is not an object\" each)",
        {"statuses": ["UNPARSEABLE_RECORD"] * 4 + ["ValidationException"], "reason_contains": "log event message is not JSON",
         "counts": {"cloudwatch_log_events": 6, "bad_records": 4}},
        messages_not_json(),
    ),
    awslogs(
        "cw-logevent-without-message",
        "log events without a string message (absent, null, object): UNPARSEABLE_RECORD \"has no message\" each",
        {"statuses": ["ThrottlingException", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD"],
         "reason_contains": "has no message", "counts": {"bad_records": 3}},
        messages_missing(),
    ),
    cw(
        "kinesis-record-without-data",
        "Kinesis event: records without data, with numeric data, without a kinesis key (UNPARSEABLE_RECORD each) around one good record",
        {"statuses": ["ModelTimeoutException", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD", "UNPARSEABLE_RECORD"],
         "reason_contains": "Kinesis record has no data"},
        kinesis_without_data(), decoded=KINESIS_INNER,
    ),
    awslogs(
        "cw-control-message-extra-fields",
        "CONTROL_MESSAGE with extra fields and a failure-looking log event: skipped whole",
        {"statuses": [], "counts": {"control_messages": 1, "cloudwatch_log_events": 0}},
        subscription("", [invocation(1, "ThrottlingException")], message_type="CONTROL_MESSAGE",
                     owner="CloudwatchLogs", logStream="", subscriptionFilters=[],
                     policyLevel="ACCOUNT_LEVEL_POLICY", extra={"nested": [1, {"a": None}]}),
    ),
    cw(
        "cw-truncated-gzip-payload",
        "awslogs.data is a truncated gzip: the payload cannot be read, one UNREADABLE_INPUT error (as on S3)",
        {"statuses": ["UNREADABLE_INPUT"], "reason_contains": "could not be decoded", "counts": {"unreadable_inputs": 1, "bad_records": 0}},
        awslogs_event(b64(gz(ONE_FAILURE_DOC)[:-12])), decoded=ONE_FAILURE_DOC,
    ),
    cw(
        "cw-gzip-bomb-payload",
        "awslogs.data decodes to 16 MB of newlines: stopped at the 8 MB cap -> UNREADABLE_INPUT error naming the cap",
        {"statuses": ["UNREADABLE_INPUT"], "reason_contains": "cap", "counts": {"unreadable_inputs": 1}},
        awslogs_event(b64(gz(b"\n" * (16 << 20)))),
    ),
    cw(
        "cw-data-not-string", "awslogs.data is a number: counted as unknown, no finding",
        {"statuses": [], "counts": {"unknown_documents": 1}},
        awslogs_event(12345),
    ),
    awslogs(
        "cw-nested-event-in-message",
        "log event messages that are themselves a Lambda CloudWatch event and a subscription document: not unwrapped again (unknown)",
        {"statuses": ["AccessDeniedException"], "counts": {"unknown_documents": 2}},
        nested_events(),
    ),
    cw(
        "kinesis-recursive-payloads",
        "Kinesis data holding a Kinesis event holding a Kinesis event: unwrapping stops at depth 2, the innermost failure is never reached",
        {"statuses": [], "counts": {"unknown_documents": 1}},
        kinesis_event(0, RECURSIVE_KINESIS), decoded=RECURSIVE_KINESIS,
    ),
    cw(
        "cw-unpadded-base64", "awslogs.data with its base64 padding stripped: still decoded",
        {"statuses": ["ServiceUnavailableException"]},
        awslogs_event(b64(gz(UNPADDED)).rstrip("=")), decoded=UNPADDED,
    ),
    cw(
        "cw-unknown-event", "an event that is neither CloudWatch Logs nor Kinesis ({\"hello\":1}): no finding",
        {"statuses": [], "counts": {"unknown_documents": 1}},
        {"hello": 1},
    ),
]


# --------------------------------------------------------------------------- S3 function triggers

# s3obj-<kind>.json.gz (and its .decoded.ndjson twin): the objects uploaded before every
# s3_event case, at the keys of OBJECT_KEYS.
S3_OBJECTS = {
    "throttling": [invocation(1, "ThrottlingException"), invocation(2)],
    "validation": [invocation(3, "ValidationException"), invocation(4)],
    "timeout": [invocation(5, "ModelTimeoutException"), invocation(6)],
    "access-denied": [invocation(7, "AccessDeniedException"), invocation(8)],
    "unavailable": [invocation(9, "ServiceUnavailableException"), invocation(10)],
    "kb": [kb_resource(11, "EMBEDDING_FAILED", "s3://acme-kb-docs/k.pdf"),
           kb_resource(12, "RESOURCE_IGNORED", "s3://acme-kb-docs/k.mp4", level="WARN", reasons=["Unsupported file type."])],
    "quota": [invocation(13, "ServiceQuotaExceededException"), invocation(14)],
    "internal": [invocation(15, "InternalServerException"), invocation(16)],
    "not-ready": [invocation(17, "ModelNotReadyException"), invocation(18)],
    "model-error": [invocation(19, "ModelErrorException"), invocation(20)],
}
OBJECT_KEYS = {
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


def s3_object_files() -> dict[str, bytes]:
    files = {}
    for kind, records in S3_OBJECTS.items():
        files["s3obj-" + kind + ".decoded.ndjson"] = ndjson(records)
        files["s3obj-" + kind + ".json.gz"] = gz(ndjson(records))
    return files


def uploaded(key: str, as_sent: str | None = None, **details) -> dict:
    """A notification record for the object uploaded at key, its key spelt as_sent (default:
    as is) and its real size."""
    size = len(gz(ndjson(S3_OBJECTS[OBJECT_KEYS[key]])))
    return s3_record(key if as_sent is None else as_sent, size, **details)


SQS_BODIES_NOT_JSON = [sqs_record(1, "not json {"), sqs_record(2, None), sqs_record(3, {"Records": []}),
                       sqs_record(4, compact(s3_notification(uploaded("bad/valid/not-ready.json.gz"))))]
SQS_SNS_GARBAGE = [
    sqs_record(1, compact(sns_envelope("this is {not json"))),
    sqs_record(2, compact(sns_envelope(None))),
    sqs_record(3, compact(sns_envelope(compact({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "BUCKET"})))),
]
REMOVED = s3_notification(uploaded("bad/valid/removed.json.gz", event_name="ObjectRemoved:Delete"))
SQS_UNKNOWN_SHAPES = [sqs_record(1, '{"foo":"bar"}'), sqs_record(2, "[1,2,3]"), sqs_record(3, '"just a string"'),
                      sqs_record(4, compact(REMOVED)), sqs_record(5, '{"Records":[]}')]
BAD_BATCH_TASKS = {
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

S3_EVENT_CASES = [
    s3(
        "s3-missing-bucket-or-s3", "notification", "records without s3.bucket and without s3: UNUSABLE_EVENT each, nothing fetched",
        {"statuses": ["UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"objects": 2}},
        s3_notification(uploaded("bad/valid/internal.json.gz", drop=("bucket",)),
                        s3_record("bad/valid/internal.json.gz", 10, drop=("s3",))),
    ),
    s3(
        "s3-missing-key", "notification", "records without a key and with an empty key (UNUSABLE_EVENT each) beside a good record",
        {"statuses": ["InternalServerException", "UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"objects": 3}},
        s3_notification(s3_record("x", 10, drop=("key",)), uploaded("bad/valid/internal.json.gz"), s3_record("", 5)),
    ),
    s3(
        "s3-keys-encoded", "notification",
        "form-URL-encoded keys: spaces as +, %2B, %2F for /, percent-encoded UTF-8 (caf%C3%A9, CJK): each decoded key is read once",
        {"statuses": ["EMBEDDING_FAILED", "RESOURCE_IGNORED", "ThrottlingException", "ValidationException"], "response_includes": {"objects": 3}},
        s3_notification(uploaded("bad inputs/kb logs+1.json.gz", "bad+inputs/kb+logs%2B1.json.gz"),
                        uploaded("bad/slash/key.json.gz", "bad%2Fslash%2Fkey.json.gz"),
                        uploaded("bad/café/日本.json.gz", "bad/caf%C3%A9/%E6%97%A5%E6%9C%AC.json.gz")),
    ),
    s3(
        "s3-key-percent-literals", "notification",
        "%25 decodes to a literal %; %FF (invalid UTF-8 once decoded) falls back to the key as given; an unencoded + is found via the raw spelling",
        {"statuses": ["AccessDeniedException", "ModelTimeoutException", "ServiceUnavailableException"], "response_includes": {"objects": 3}},
        s3_notification(uploaded("bad/100%.json.gz", "bad/100%25.json.gz"),
                        uploaded("bad/raw%FFkey.json.gz"),
                        uploaded("bad/a+b.json.gz")),
    ),
    s3(
        "s3-skipped-objects", "notification",
        "zero size (object really holds a failure), folder marker, HH/data/ body offload, permission-check name, ObjectRemoved: all skipped, no alert",
        {"statuses": [], "response_includes": {"objects": 4, "alerts": 0}},
        s3_notification(s3_record("bad/zero-size.json.gz", 0),
                        s3_record("bad/valid/", 0),
                        uploaded("bad/2026/11/20/14/data/offload_input.json.gz"),
                        uploaded("bad/amazon-bedrock-logs-permission-check"),
                        *REMOVED["Records"]),
    ),
    s3(
        "s3-test-event", "test_event", "the s3:TestEvent S3 sends when a notification is configured: ignored",
        {"statuses": [], "response_includes": {"test_event": True, "alerts": 0}},
        s3_test_event("2026-11-20T15:00:00.000Z", "BUCKET", "5582815E1AEA5ADF",
                      "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"),
    ),
    s3(
        "eventbridge-garbage-detail", "eventbridge", "EventBridge Object Created whose detail is a string: UNUSABLE_EVENT",
        {"statuses": ["UNUSABLE_EVENT"], "response_includes": {"objects": 1}},
        object_created_event("17793124-05d4-b198-2fde-7ededc63b103", "2026-11-20T15:00:13Z", "BUCKET",
                             "garbage {not an object"),
    ),
    s3(
        "sqs-garbage-bodies", "sqs",
        "SQS batch: body not JSON, body missing, body an object instead of a string (UNUSABLE_EVENT each), one good body; nothing retried",
        {"statuses": ["ModelNotReadyException", "UNUSABLE_EVENT", "UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"batchItemFailures": []}},
        {"Records": SQS_BODIES_NOT_JSON},
    ),
    s3(
        "sqs-sns-garbage-message", "sqs",
        "SQS bodies that are SNS envelopes whose Message is garbage or missing (UNUSABLE_EVENT each) or an s3:TestEvent (ignored)",
        {"statuses": ["UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"batchItemFailures": []}},
        {"Records": SQS_SNS_GARBAGE},
    ),
    s3(
        "sqs-unknown-shape-body", "sqs",
        "SQS bodies of valid JSON but unknown shape (object, array, string: UNUSABLE_EVENT each); an ObjectRemoved notification and empty Records are ignored",
        {"statuses": ["UNUSABLE_EVENT", "UNUSABLE_EVENT", "UNUSABLE_EVENT"], "response_includes": {"batchItemFailures": []}},
        {"Records": SQS_UNKNOWN_SHAPES},
    ),
    s3(
        "s3-unknown-event", "unknown", "an event that is nothing we know ({\"hello\":1}): one UNUSABLE_EVENT, answered normally",
        {"statuses": ["UNUSABLE_EVENT"], "response_includes": {"alerts": 1}},
        {"hello": 1},
    ),
    s3(
        "batch-ops-bad-tasks", "batch",
        "S3 Batch Operations: task without s3Key, without bucket, with an empty bucket ARN (PermanentFailure + UNUSABLE_EVENT), a missing object (PermanentFailure + UNREADABLE_INPUT), one good task",
        {"statuses": ["ModelErrorException", "UNREADABLE_INPUT", "UNUSABLE_EVENT", "UNUSABLE_EVENT", "UNUSABLE_EVENT"],
         "result_codes": ["PermanentFailure", "Succeeded", "PermanentFailure", "PermanentFailure", "PermanentFailure"]},
        BAD_BATCH_TASKS,
    ),
]


# --------------------------------------------------------------------------- the corpus


def build() -> dict[str, bytes]:
    """Every file of tests/fixtures/bad-inputs/, manifest.json included."""
    cases = OBJECT_CASES + CW_EVENT_CASES + S3_EVENT_CASES
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "case names are unique"
    files = s3_object_files()
    for name, data in [item for case in cases for item in case.files.items()]:
        assert name not in files, name
        assert len(data) < MAX_FILE_BYTES, (name, len(data))
        files[name] = data
    manifest = {
        "version": 1,
        "generated_by": "scripts/make_bad_inputs.py",
        "max_decoded_bytes": MAX_DECODED_BYTES,
        "objects": {key: "s3obj-" + kind + ".json.gz" for key, kind in OBJECT_KEYS.items()},
        "cases": [case.entry() for case in cases],
    }
    files["manifest.json"] = (json.dumps(manifest, indent=1, ensure_ascii=True) + "\n").encode("ascii")
    return files


if __name__ == "__main__":
    samples.main(__doc__, "tests/fixtures/bad-inputs", build)
