"""The hostile / broken input corpus (tests/fixtures/bad-inputs/, written by
scripts/make_bad_inputs.py) through both function binaries.

Every problem in the corpus is permanent (garbage, corruption, unusable envelopes), so every
invocation must answer - never fail, which would make Lambda retry it - and publish exactly
the alerts the manifest expects. Alerts are grouped, so the published statuses are compared
as a multiset: each alert's status repeated by its ``count``. The S3 function adds one
UNREADABLE_INPUT alert for an input that cannot be read to the end.
"""

from __future__ import annotations

import collections
import gzip
import io
import json
from urllib.parse import quote_plus

import pytest
from conftest import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "bad-inputs"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
CASES = MANIFEST["cases"]
ENV = {
    "MAX_DECODED_BYTES": str(MANIFEST["max_decoded_bytes"]),
    "MAX_ALERTS_PER_INVOCATION": "1000",
}
UNREADABLE = "UNREADABLE_INPUT"


def cases(kind: str) -> list:
    return [pytest.param(case, id=case["name"]) for case in CASES if case["kind"] == kind]


def generate(recipe: dict) -> bytes:
    """Builds a generated case: each [text, repeat] part, concatenated, gzip'ed if asked."""
    buffer = io.BytesIO()
    out = gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) if recipe.get("gzip") else buffer
    for text, repeat in recipe["parts"]:
        unit = text.encode("utf-8")
        per_chunk = max(1, (1 << 20) // max(1, len(unit)))
        chunk = unit * min(per_chunk, repeat)
        left = repeat
        while left:
            n = min(per_chunk, left)
            out.write(chunk[: n * len(unit)])
            left -= n
    if out is not buffer:
        out.close()
    return buffer.getvalue()


def case_bytes(case: dict) -> bytes:
    if "file" in case:
        return (CORPUS / case["file"]).read_bytes()
    return generate(case["generate"])


def object_key(case: dict) -> str:
    if "key" in case:
        return case["key"]
    if "file" in case:
        return f"bad/{case['file']}"
    return f"bad/{case['name']}" + (".json.gz" if case["generate"].get("gzip") else ".ndjson")


def notification(bucket: str, key: str, size: int) -> dict:
    """A direct S3 notification for one object (key form-URL-encoded, as S3 sends it)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventTime": "2026-11-20T15:00:13.000Z",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "bad-inputs",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key, safe="/"), "size": size},
                },
            }
        ]
    }


def published(messages: list[dict]) -> list[str]:
    """The statuses published, one per finding: alerts are grouped, with a count."""
    statuses = []
    for message in messages:
        payload = message["_payload"]
        assert payload["count"] >= 1, payload
        statuses += [payload["status"]] * payload["count"]
    return sorted(statuses)


def reasons(message: dict) -> list[str]:
    payload = message["_payload"]
    found = list(payload.get("reasons") or [])
    for item in payload.get("items") or []:
        found += item.get("reasons") or []
    return found


def check_alerts(case: dict, messages: list[dict], logs: str, unreadable: bool = False) -> None:
    expect = case["expect"]
    got = published(messages)
    added = [UNREADABLE] if unreadable else []
    if "statuses" in expect:
        assert got == sorted(expect["statuses"] + added), f"{case['name']}: {case['note']}"
    else:
        want = collections.Counter(expect["statuses_include"] + added)
        missing = want - collections.Counter(got)
        assert not missing, f"{case['name']}: {got} lacks {dict(missing)}"
        if not unreadable:
            assert UNREADABLE not in got, got
    for status in expect.get("statuses_exclude", []):
        assert status not in got, f"{case['name']}: {status} must not be published"
    for message in messages:
        assert message["Subject"].isascii() and len(message["Subject"]) < 100, message["Subject"]
        for reason in reasons(message):
            assert len(reason.encode("utf-8")) <= 1024, len(reason.encode("utf-8"))
    if "reason_contains" in expect:
        wanted = expect["reason_contains"]
        assert any(wanted in reason for message in messages for reason in reasons(message)), (
            f"{case['name']}: no alert reason contains {wanted!r}"
        )
    assert "CANARY" not in json.dumps(messages), f"{case['name']}: a body reached an alert"
    assert "CANARY" not in logs, f"{case['name']}: a body reached the function's logs"


@pytest.mark.parametrize("case", cases("object"))
def test_s3_function_on_bad_object(aws, start_function, case):
    bucket = aws.bucket()
    key = object_key(case)
    body = case_bytes(case)
    aws.s3.put_object(Bucket=bucket, Key=key, Body=body)
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, **ENV)
    kind, response = function.invoke(notification(bucket, key, len(body)))
    assert kind == "response", response
    messages = aws.messages(queue)
    # A zero-size object is skipped without being read: nothing is published for it.
    assert response == {"objects": 1, "alerts": len(messages)}
    check_alerts(case, messages, function.logs(), unreadable=case["expect"]["unreadable"])
    if case["expect"].get("reason_contains") and case["expect"]["unreadable"]:
        unreadable = next(m for m in messages if m["_payload"]["status"] == UNREADABLE)
        assert any(case["expect"]["reason_contains"] in r for r in reasons(unreadable)), reasons(unreadable)


@pytest.mark.parametrize("case", cases("cw_event"))
def test_cwlogs_function_on_bad_event(aws, start_function, case):
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, **ENV)
    kind, response = function.invoke(json.loads(case_bytes(case)))
    assert kind == "response", response
    messages = aws.messages(queue)
    assert response["alerts"] == len(messages), response
    if "statuses" in case["expect"]:
        assert response["findings"] == len(case["expect"]["statuses"]), response
    check_alerts(case, messages, function.logs())


@pytest.mark.parametrize("case", cases("s3_event"))
def test_s3_function_on_bad_trigger(aws, start_function, case):
    bucket = aws.bucket()
    for key, file in MANIFEST["objects"].items():
        aws.s3.put_object(Bucket=bucket, Key=key, Body=(CORPUS / file).read_bytes())
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, **ENV)
    event = json.loads((CORPUS / case["file"]).read_text().replace("BUCKET", bucket))
    kind, response = function.invoke(event)
    assert kind == "response", response
    messages = aws.messages(queue)
    expect = case["expect"]
    for name, value in expect.get("response_includes", {}).items():
        assert response.get(name) == value, (name, response)
    if case["trigger"] == "sqs":
        assert response["batchItemFailures"] == [], response
    if case["trigger"] == "batch":
        assert response["invocationSchemaVersion"] == event["invocationSchemaVersion"]
        assert [r["taskId"] for r in response["results"]] == [t["taskId"] for t in event["tasks"]]
        assert [r["resultCode"] for r in response["results"]] == expect["result_codes"], response
    else:
        assert response["alerts"] == len(messages), response
    check_alerts(case, messages, function.logs())
