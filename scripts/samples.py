"""What the two sample generators share: the fake AWS account, one source of "random" ids and
bytes, the encodings, the record shapes, and the command line that writes or checks files.

    scripts/make_events.py       writes events/ (sample logs and Lambda trigger events)
    scripts/make_bad_inputs.py   writes tests/fixtures/bad-inputs/ (the hostile-input corpus)

Each generator builds its files in memory; ``main`` writes them, or with ``--check`` writes
them to a temporary directory and compares that, byte for byte, with the committed tree.
Everything is deterministic (seeded ids, gzip with mtime 0). Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import gzip
import hashlib
import json
import pathlib
import sys
import tempfile
from typing import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent

ACCOUNT = "111122223333"
REGION = "us-east-1"
KB_ID = "KB12345678"
KB_ARN = "arn:aws:bedrock:" + REGION + ":" + ACCOUNT + ":knowledge-base/" + KB_ID
DATA_SOURCE_ID = "DS12345678"
INGESTION_JOB_ID = "JOB1234567"
INVOCATION_LOG_GROUP = "/aws/bedrock/modelinvocations"
KB_LOG_GROUP = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/" + KB_ID
# Planted in prompt and response bodies: the tests check that no finding, alert or log line
# ever repeats them.
CANARY_PROMPT = "CANARY-PROMPT-7f3a"
CANARY_OUTPUT = "CANARY-OUTPUT-9c2e"

MASK64 = (1 << 64) - 1
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALPHANUMERIC = UPPER + UPPER.lower() + "0123456789"


# --------------------------------------------------------------------------- randomness


class Rng:
    """xorshift64*: ids and bytes that only need to look random. Seeded by an integer, or by
    a label (through its FNV-1a 64 hash) so that each sample draws from a stream of its own
    and does not change when another sample does."""

    def __init__(self, seed: int | str):
        if isinstance(seed, str):
            h = 0xCBF29CE484222325
            for byte in seed.encode("utf-8"):
                h = ((h ^ byte) * 0x100000001B3) & MASK64
            seed = h
        self.state = seed or 1

    def next64(self) -> int:
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & MASK64

    def pick(self, alphabet: str, n: int) -> str:
        return "".join(alphabet[self.next64() % len(alphabet)] for _ in range(n))

    def hex(self, n: int, upper=False) -> str:
        return self.pick("0123456789ABCDEF" if upper else "0123456789abcdef", n)

    def digits(self, n: int) -> str:
        """n decimal digits, the first not 0."""
        return self.pick("123456789", 1) + self.pick("0123456789", n - 1)

    def b64(self, n: int) -> str:
        return self.pick(ALPHANUMERIC + "+/", n)

    def token(self, n: int) -> str:
        return self.pick(ALPHANUMERIC, n)

    def uuid4(self) -> str:
        h = self.hex(32)
        variant = "89ab"[int(h[16], 16) & 3]
        return "%s-%s-4%s-%s%s-%s" % (h[0:8], h[8:12], h[13:16], variant, h[17:20], h[20:32])

    def bytes_without(self, n: int, banned: bytes) -> bytes:
        """n bytes (each the top byte of a draw), none of them in banned."""
        out = bytearray()
        while len(out) < n:
            b = self.next64() >> 56
            if b not in banned:
                out.append(b)
        return bytes(out)


# --------------------------------------------------------------------------- encodings


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def line(value) -> bytes:
    """One NDJSON line."""
    return (compact(value) + "\n").encode("utf-8")


def ndjson(values) -> bytes:
    return b"".join(line(v) for v in values)


def gz(data: bytes) -> bytes:
    """gzip with mtime 0, so the same data always gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def md5_hex(data: bytes) -> str:
    """As in a single-part S3 ETag or an SQS md5OfBody."""
    return hashlib.md5(data).hexdigest()


def epoch_ms(year, month, day, hour=0, minute=0, second=0, milli=0) -> int:
    """UTC calendar time -> epoch milliseconds."""
    return calendar.timegm((year, month, day, hour, minute, second)) * 1000 + milli


# --------------------------------------------------------------------------- model invocation logs


def message(role: str, text: str) -> dict:
    """A Converse message with one text block."""
    return {"role": role, "content": [{"text": text}]}


def json_input(body, tokens: int) -> dict:
    return {"inputContentType": "application/json", "inputBodyJson": body, "inputTokenCount": tokens}


def json_output(body, tokens: int) -> dict:
    return {"outputContentType": "application/json", "outputBodyJson": body, "outputTokenCount": tokens}


def invocation_record(timestamp, request_id, operation, model_id, identity, input_, output=None, /, **extra) -> dict:
    """A model invocation log record, keys in Bedrock's usual order; extra keys (errorCode...)
    come after output, or replace the key of that name where it stands (even timestamp)."""
    record = {
        "schemaType": "ModelInvocationLog",
        "schemaVersion": "1.0",
        "timestamp": timestamp,
        "accountId": ACCOUNT,
        "identity": {"arn": identity},
        "region": REGION,
        "requestId": request_id,
        "operation": operation,
        "modelId": model_id,
        "input": input_,
    }
    if output is not None:
        record["output"] = output
    record.update(extra)
    return record


# --------------------------------------------------------------------------- knowledge-base application logs


def kb_event(timestamp: int, event_type: str, event, level: str) -> dict:
    """The envelope of every knowledge-base application log event."""
    return {
        "event_timestamp": timestamp,
        "event": event,
        "event_version": "1.0",
        "event_type": event_type,
        "level": level,
    }


def kb_resource_event(timestamp: int, level: str, status: str, uri: str, reasons=None, chunks=None) -> dict:
    """A document's status change in an ingestion job (classic dialect)."""
    event = {
        "ingestion_job_id": INGESTION_JOB_ID,
        "data_source_id": DATA_SOURCE_ID,
        "knowledge_base_arn": KB_ARN,
        "document_location": {"type": "S3", "s3_location": {"uri": uri}},
        "status": status,
    }
    if reasons is not None:
        event["status_reasons"] = reasons
    if chunks is not None:
        event["chunk_statistics"] = chunks
    return kb_event(timestamp, "StartIngestionJob.ResourceStatusChanged", event, level)


# --------------------------------------------------------------------------- CloudWatch Logs and Kinesis


def log_event(event_id: str, timestamp: int, text: str) -> dict:
    return {"id": event_id, "timestamp": timestamp, "message": text}


def subscription_document(group, stream, filters, log_events, message_type="DATA_MESSAGE", owner=ACCOUNT) -> dict:
    """What a CloudWatch Logs subscription delivers (gzip'ed) to Lambda, Kinesis or Firehose."""
    return {
        "messageType": message_type,
        "owner": owner,
        "logGroup": group,
        "logStream": stream,
        "subscriptionFilters": filters,
        "logEvents": log_events,
    }


def awslogs_event(data) -> dict:
    """The Lambda event of a CloudWatch Logs subscription; data is base64(gzip(document))."""
    return {"awslogs": {"data": data}}


def kinesis_record(kinesis: dict, event_id: str, role_arn: str, stream_arn: str) -> dict:
    """One record of a Lambda Kinesis event around its ``kinesis`` object."""
    return {
        "kinesis": kinesis,
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": event_id,
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role_arn,
        "awsRegion": REGION,
        "eventSourceARN": stream_arn,
    }


# --------------------------------------------------------------------------- S3 and EventBridge


def s3_record(key, size, etag, *, bucket, event_time, principal, source_ip, request_id, host_id,
              configuration_id, owner, sequencer, event_name="ObjectCreated:Put", event_version="2.1") -> dict:
    """One record of a direct S3 event notification; key as S3 sends it (form-URL-encoded)."""
    return {
        "eventVersion": event_version,
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": event_time,
        "eventName": event_name,
        "userIdentity": {"principalId": principal},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id, "x-amz-id-2": host_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": owner}, "arn": "arn:aws:s3:::" + bucket},
            "object": {"key": key, "size": size, "eTag": etag, "sequencer": sequencer},
        },
    }


def s3_notification(*records) -> dict:
    return {"Records": list(records)}


def s3_test_event(time: str, bucket: str, request_id: str, host_id: str) -> dict:
    """What S3 sends once when a bucket notification is configured."""
    return {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": time,
        "Bucket": bucket,
        "RequestId": request_id,
        "HostId": host_id,
    }


def eventbridge_event(event_id: str, source: str, detail_type: str, time: str, resources: list[str],
                      detail) -> dict:
    """An event as EventBridge delivers it to a Lambda target (the whole event is the payload)."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": ACCOUNT,
        "time": time,
        "region": REGION,
        "resources": resources,
        "detail": detail,
    }


def object_created_event(event_id: str, time: str, bucket: str, detail) -> dict:
    """An EventBridge ``Object Created`` event from S3."""
    return eventbridge_event(event_id, "aws.s3", "Object Created", time, ["arn:aws:s3:::" + bucket], detail)


# --------------------------------------------------------------------------- writing and checking


def tree(directory: pathlib.Path) -> set[str]:
    """The files below directory (none if it does not exist), by relative path."""
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}


def write(files: dict[str, bytes], directory: pathlib.Path) -> None:
    """Writes every file (path relative to directory) and removes the files it does not hold."""
    for name in tree(directory) - files.keys():
        (directory / name).unlink()
    for name, data in sorted(files.items()):
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def differences(generated: pathlib.Path, committed: pathlib.Path) -> list[tuple[str, str]]:
    """(what, file) for each file that differs, is missing from committed, or is extra there."""
    ours, theirs = tree(generated), tree(committed)
    found = [("missing", name) for name in ours - theirs] + [("extra", name) for name in theirs - ours]
    found += [
        ("differs", name) for name in ours & theirs
        if (generated / name).read_bytes() != (committed / name).read_bytes()
    ]
    return sorted(found, key=lambda item: item[1])


def main(doc: str, out: str, build: Callable[[], dict[str, bytes]]) -> None:
    """The command line of a generator whose build() returns the files of directory out."""
    script = pathlib.Path(sys.argv[0]).name
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help=f"write nothing: compare {out}/ with what this script writes; exit 1 on any difference")
    parser.add_argument("--root", type=pathlib.Path, default=ROOT,
                        help="the repository to write into or check (default: this one)")
    args = parser.parse_args()
    files = build()
    target = args.root / out
    if not args.check:
        write(files, target)
        print(f"{len(files)} files written to {target}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        write(files, pathlib.Path(tmp))
        found = differences(pathlib.Path(tmp), target)
    for what, name in found:
        print(f"{what:8} {out}/{name}")
    if found:
        sys.exit(f"{out}/ is not what scripts/{script} writes ({len(found)} difference(s) above; missing: it "
                 f"writes the file, extra: it does not): run python3 scripts/{script} to rewrite it")
    print(f"{out}/: all {len(files)} files are what scripts/{script} writes")
