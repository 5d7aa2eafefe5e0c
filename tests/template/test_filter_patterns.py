"""The template's subscription filter patterns against the real classifier: every log record
the engine reports must pass its log group's filter, and healthy records must not.

CloudWatch Logs filter-pattern syntax this relies on (CloudWatch Logs user guide: "Filter
pattern syntax for metric filters, subscription filters, filter log events, and Live Tail",
"Supported regular expressions (regex) syntax", and the PutSubscriptionFilter API reference).
`matches` implements exactly this subset, and `pattern_problems` refuses anything else:

* Terms: bare words (letters, digits, `_`) separated by spaces. A message matches when it
  contains every word, case-sensitively, anywhere in its text, even inside a longer word
  (`ERROR` matches `ERRORCODE`). When every word carries a `?` prefix, any one word suffices.
* A standalone regular expression between `%` signs, searched anywhere in the message,
  case-sensitively. It may contain only letters, digits, the symbols `: _ # = @ / ; , -` and
  the operators `^ $ ? [ ] { } | \\ * + .`: no parentheses (so `|` separates alternatives of
  the whole expression), no quotes, no spaces, no multi-byte characters. This subset means
  the same in Python's `re`.
* Limits: a filter pattern holds at most 1024 characters; a log group takes at most five
  filter patterns that contain a regex.

Not relied on: JSON patterns (`{ $.x = "..." }`). Their selectors only read string and number
values (an object `errorCode` can never match), and one JSON pattern may hold only two
regexes, too few to ignore letter case in every status field.

The classifier is the CLI (`bedrock-alerts scan --format json`), which runs the same engine
as the functions; scripts/test.sh builds it in its `cargo test` step, before these tests.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import subprocess
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest
from cfn import ROOT, TEMPLATE, find_in_map, parameters, render, resources

CLI = Path(os.environ.get("BEDROCK_ALERTS_CLI", ROOT / "target" / "debug" / "bedrock-alerts"))
FIXTURE_DIRS = [ROOT / "events", ROOT / "tests" / "fixtures" / "bad-inputs"]
MAX_DECODED = 8 << 20  # per payload: the fixtures include a gzip bomb
REGEX = re.compile(r"[A-Za-z0-9:_#=@/;,\-^$?\[\]{}|\\*+.]+")
TERMS = re.compile(r"\??[A-Za-z0-9_]+( \??[A-Za-z0-9_]+)*")


# ------------------------------------------------------------------------------------------
# The filter-pattern subset
# ------------------------------------------------------------------------------------------
def pattern_problems(pattern: str) -> list[str]:
    """Why CloudWatch Logs would refuse the pattern, or read it outside the subset above."""
    problems = [] if len(pattern) <= 1024 else [f"{len(pattern)} characters, over 1024"]
    if pattern.startswith("%") and pattern.endswith("%") and len(pattern) > 2:
        if not REGEX.fullmatch(pattern[1:-1]):
            problems.append(f"regex with characters CloudWatch Logs does not accept: {pattern!r}")
    elif not TERMS.fullmatch(pattern):
        problems.append(f"neither a regex nor plain terms: {pattern!r}")
    elif 0 < pattern.count("?") < len(pattern.split()):
        problems.append(f"terms mix ?-alternatives and required words: {pattern!r}")
    return problems


def matches(pattern: str, message: str) -> bool:
    assert pattern_problems(pattern) == []
    if pattern.startswith("%"):
        return re.search(pattern[1:-1], message) is not None
    words = pattern.split()
    if pattern.startswith("?"):
        return any(word[1:] in message for word in words)
    return all(word in message for word in words)


def filter_patterns() -> dict[tuple[str, bool], str]:
    """(finding source, guardrail findings on) -> the pattern of that log group's filter."""
    invocation = TEMPLATE["Resources"]["CwLogsAlertsFunction"]["Properties"]["Events"]["InvocationLogs"]
    patterns = {
        ("model_invocation", guardrails): render(
            invocation["Properties"]["FilterPattern"], TEMPLATE,
            parameters(TEMPLATE, GuardrailAsWarn=str(guardrails).lower()),
        )
        for guardrails in (False, True)
    }
    kb = {find_in_map(TEMPLATE, res["Properties"]["FilterPattern"])
          for res in resources(TEMPLATE, "AWS::Logs::SubscriptionFilter").values()}
    assert len(kb) == 1, f"knowledge-base log groups with different filters: {kb}"
    patterns.update({("knowledge_base", guardrails): next(iter(kb)) for guardrails in (False, True)})
    return patterns


PATTERNS = filter_patterns()


# ------------------------------------------------------------------------------------------
# Records: every log message in the fixtures, and hand-written ones for each known gap
# ------------------------------------------------------------------------------------------
def inflate(data: bytes) -> bytes | None:
    """Plain bytes as they are; gzip inflated, every member; None when corrupt or too big."""
    out = bytearray()
    try:
        while data[:2] == b"\x1f\x8b":
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += member.decompress(data, MAX_DECODED - len(out))
            if not member.eof:
                return None
            data = member.unused_data
    except zlib.error:
        return None
    return bytes(out) if out else data


def documents(text: str) -> Iterator[tuple[str, Any]]:
    """(text, value) of each JSON document, NDJSON or concatenated; bad lines skipped."""
    decoder, position = json.JSONDecoder(), 0
    while (position := len(text) - len(text[position:].lstrip(" \t\r\n\ufeff\x00"))) < len(text):
        try:
            value, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            position = text.find("\n", position) + 1 or len(text)
            continue
        yield text[position:end], value
        position = end


def messages(data: bytes, depth: int = 0) -> Iterator[str]:
    """The log messages a file or payload holds, opened the way the engine opens them:
    subscription documents to their log events, CloudWatch Logs and Kinesis Lambda events
    to their payloads (and again inside those); any other document is a message itself."""
    decoded = inflate(data)
    if decoded is None or depth > 3:
        return
    for text, value in documents(decoded.decode("utf-8", errors="replace")):
        if not isinstance(value, dict):
            continue
        if isinstance(value.get("logEvents"), list):
            for event in value["logEvents"]:
                if isinstance(event, dict) and isinstance(event.get("message"), str):
                    yield from messages(event["message"].encode(), depth + 1)
        elif isinstance(value.get("awslogs"), dict):
            yield from messages(_base64(value["awslogs"].get("data")), depth + 1)
        elif isinstance(value.get("Records"), list):
            for record in value["Records"]:
                kinesis = record.get("kinesis") if isinstance(record, dict) else None
                if isinstance(kinesis, dict):
                    yield from messages(_base64(kinesis.get("data")), depth + 1)
        else:
            yield text


def _base64(value: Any) -> bytes:
    """Standard base64, padded or not (as the engine reads it); b"" when it is not."""
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        return b""


def fixture_records() -> list[str]:
    found = []
    for directory in FIXTURE_DIRS:
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix != ".md"):
            found.extend(m for m in messages(path.read_bytes()) if _is_object(m))
    return found


def _is_object(message: str) -> bool:
    try:
        return isinstance(json.loads(message), dict)
    except (ValueError, RecursionError):
        return False


def _kb(event: dict, level: str = "INFO", event_type: str = "StartIngestionJob.ResourceStatusChanged") -> dict:
    return {"event_timestamp": 1763650000000, "event": event, "event_version": "1.0",
            "event_type": event_type, "level": level}


def _job(status: str, failed: Any, level: str = "INFO") -> dict:
    statistics = {"number_of_resources_ingested": 3, "number_of_resources_failed": failed,
                  "number_of_resources_deleted": 0}
    return _kb({"ingestion_job_id": "JOB1234567", "data_source_id": "DS12345678",
                "ingestion_job_status": status, "resource_statistics": statistics},
               level, "StartIngestionJob.StatusChanged")


def _document(step: str, status: Any, level: str = "INFO") -> dict:
    return _kb({"document_id": "doc-1", "source_uri": "https://wiki.example.com/page",
                "crawl_action": "ADD", step: status}, level)


def _resource(status: str, level: str = "INFO") -> dict:
    return _kb({"ingestion_job_id": "JOB1234567", "data_source_id": "DS12345678",
                "document_location": {"type": "S3", "s3_location": {"uri": "s3://docs/a.pdf"}},
                "status": status, "chunk_statistics": {"created": 0, "failed_to_create": 0}}, level)


def _invocation(**fields: Any) -> dict:
    return {"schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-20T14:05:12Z",
            "accountId": "111122223333", "region": "us-east-1", "requestId": "66666666-6666-4666-8666-666666666666",
            "operation": "Converse", "modelId": "anthropic.claude-3-haiku-20240307-v1:0",
            "input": {"inputBodyJson": {"messages": [{"role": "user", "content": "hello"}]}}, **fields}


# Real-shaped records for what the filters used to miss: managed steps FAILED at level INFO
# (in any letter case, under any *_status key, Status before or after UpdatedTime), failed
# resources counted as a string, other spellings of levels and statuses, errorCode of any type.
GAPS = [
    _document("index_status", {"Status": "FAILED", "UpdatedTime": "1763650000000"}),
    _document("crawl_status", {"UpdatedTime": "1763650000000", "Status": "Failed"}),
    _document("sync_status", {"Status": "failed"}),
    _document("connector_document_status", {"Status": "FAILED"}),
    _document("embedding_status", {"Status": "SOME_STEP_FAILED"}),
    _job("COMPLETE", "2"),
    _job("STOPPED", 12),
    _job("complete", " 1"),
    _job("failed", 0),
    _job("Ingestion_Job_Failed", 0),
    _resource("embedding_failed"),
    _resource("Indexing_Failed"),
    _resource("partially_indexed"),
    _resource("Metadata_Partially_Indexed"),
    _resource("resource_ignored"),
    *(_resource("SOME_NEW_STATUS", level) for level in ("error", "Error", "FATAL", "critical", "warning", "Warn")),
    _kb({"message": "Could not reach the connector"}, "error"),
    *(_invocation(errorCode=code) for code in (
        "ThrottlingException", "throttled", " ", {"code": "ServiceUnavailable"}, ["x"], True, False, 429, 0)),
    _invocation(output={"outputBodyJson": {"stopReason": "guardrail_intervened"}}),
    _invocation(output={"outputBodyJson": [{"amazon-bedrock-guardrailAction": "INTERVENED"}, "[DONE]"]}),
]
# Healthy progress and success records: no finding, and no filter may pass them.
HEALTHY = [
    _job("INGESTION_JOB_STARTED", 0),
    _job("COMPLETE", 0),
    _job("COMPLETE", "0"),
    _job("CRAWLING_COMPLETED", 0, "DEBUG"),
    *(_resource(status) for status in (
        "SCHEDULED_FOR_INGESTION", "EMBEDDING_STARTED", "EMBEDDING_COMPLETED", "INDEXING_COMPLETED", "INDEXED",
        "RESOURCE_CRAWLED", "DELETED")),
    _document("index_status", {"Status": "SUCCESS", "UpdatedTime": "1763650000000"}),
    _kb({"message": "Crawling started"}, event_type="StartIngestionJob.StatusChanged"),
    _invocation(output={"outputBodyJson": {"stopReason": "end_turn"}}),
]


def spellings(record: dict) -> list[str]:
    """A hand-written record as CloudWatch Logs delivers it (compact) and spaced out."""
    return [json.dumps(record, separators=(",", ":")), json.dumps(record)]


# ------------------------------------------------------------------------------------------
# The classifier
# ------------------------------------------------------------------------------------------
def reported(records: list[str], tmp_path: Path, guardrails: bool) -> list[set[str]]:
    """For each record, the sources of the findings the CLI reports for it."""
    if not CLI.is_file():
        pytest.fail(f"{CLI} is missing: build it first (cargo build -p bedrock-alerts-cli; "
                    "scripts/test.sh runs cargo test before these tests), or set BEDROCK_ALERTS_CLI")
    corpus = tmp_path / "records.ndjson"
    corpus.write_text("".join(f"{_one_line(r)}\n" for r in records), encoding="utf-8")
    args = [str(CLI), "scan", "--format", "json", "--no-progress", *(["--guardrail-as-warn"] if guardrails else []),
            str(corpus)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    sources: list[set[str]] = [set() for _ in records]
    for line in result.stdout.splitlines():
        finding = json.loads(line)
        sources[finding["origin"]["line"] - 1].add(finding["source"])
    return sources


def _one_line(record: str) -> str:
    """The record on one line for the NDJSON corpus (the same document either way)."""
    return record if "\n" not in record and "\r" not in record else json.dumps(json.loads(record))


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    records = fixture_records() + [text for record in GAPS for text in spellings(record)]
    return list(dict.fromkeys(records))


# ------------------------------------------------------------------------------------------
# Tests
# ------------------------------------------------------------------------------------------
def test_filter_patterns_use_only_the_documented_subset():
    for pattern in set(PATTERNS.values()):
        assert pattern_problems(pattern) == []


@pytest.mark.parametrize("guardrails", [False, True], ids=["default", "guardrail-as-warn"])
def test_every_reported_record_passes_its_log_groups_filter(corpus, tmp_path, guardrails):
    sources = reported(corpus, tmp_path, guardrails)
    missed = [
        f"{source}: {record[:300]}"
        for record, found in zip(corpus, sources)
        # The processor's own findings, and Bedrock job events (EventBridge, never in a log
        # group), have no subscription filter.
        for source in sorted(found - {"processor", "bedrock_job"})
        if not matches(PATTERNS[(source, guardrails)], record)
    ]
    assert missed == []
    counts = {source: sum(source in found for found in sources) for source in ("knowledge_base", "model_invocation")}
    assert min(counts.values()) >= 10, f"too few reported records to mean anything: {counts}"


@pytest.mark.parametrize("guardrails", [False, True], ids=["default", "guardrail-as-warn"])
def test_healthy_records_are_filtered_out(tmp_path, guardrails):
    records = [text for record in HEALTHY for text in spellings(record)]
    assert reported(records, tmp_path, guardrails) == [set() for _ in records], "a healthy record is reported"
    kinds = ("knowledge_base" if "event_type" in record else "model_invocation" for record in records)
    passed = [record for record, kind in zip(records, kinds) if matches(PATTERNS[(kind, guardrails)], record)]
    assert passed == []


def test_matches_follows_the_documented_examples():
    assert matches("ERROR", "Exiting with ERRORCODE: -1")
    assert not matches("ERROR", "error")
    assert matches("?ERROR ?WARN", "WARN message") and not matches("ERROR WARN", "WARN message")
    assert matches("%[Ee]rror|[Ff]ail%", "upload failed") and not matches("%^[hc]at%", "that")
    assert pattern_problems("%something!%") != [] and pattern_problems("%(a|b)%") != []
    assert pattern_problems('{ $.level = "ERROR" }') != [] and pattern_problems("%" + "a" * 1023 + "%") != []
