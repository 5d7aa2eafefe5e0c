"""Injected faults, end to end: SNS failing 30 % of PublishBatch calls (500s, throttling,
partial failures) and S3 bodies cut off mid-object. Lambda's retries are simulated by
invoking the same event again until the function succeeds. Count and assert: nothing lost."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import load_event
from faultproxy import Faults

KEY = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
GROUPS = 60  # distinct error codes: 60 alerts, six PublishBatch calls per invocation
LIMITS = {"MAX_ALERTS_PER_INVOCATION": "100"}


def many_failures() -> bytes:
    records = [
        {"schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-20T14:05:00Z",
         "accountId": "111122223333", "region": "us-east-1", "requestId": f"req-{i}", "operation": "InvokeModel",
         "modelId": "anthropic.claude-3-haiku-20240307-v1:0", "errorCode": f"InjectedFailure{i:02d}",
         "input": {"inputBodyJson": {"messages": [{"role": "user", "content": "CANARY-PROMPT-7f3a"}]}}}
        for i in range(GROUPS)
    ]
    return gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode(), mtime=0)


def invoke_until_success(function, event, attempts: int = 15) -> int:
    """Invokes like Lambda's retries would; returns how many invocations it took."""
    for attempt in range(1, attempts + 1):
        kind, response = function.invoke(event)
        if kind == "response":
            return attempt
        assert response["errorType"] == "PublishError", response
    raise AssertionError(f"no success in {attempts} invocations")


def expected_ids(aws, start_function, event) -> set[str]:
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, **LIMITS)
    assert function.invoke(event)[0] == "response"
    ids = {m["_payload"]["id"] for m in aws.messages(queue)}
    assert len(ids) == GROUPS
    return ids


def setup_bucket(aws) -> dict:
    bucket = aws.bucket()
    aws.s3.put_object(Bucket=bucket, Key=KEY, Body=many_failures())
    return load_event("s3-object-created.json", bucket)


def test_sns_failing_30_percent_loses_no_alert(aws, start_function, proxy):
    event = setup_bucket(aws)
    expected = expected_ids(aws, start_function, event)
    faults = Faults(sns_failure_rate=0.3)
    sns = proxy(faults)
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_SNS=sns.url, PUBLISH_MAX_ATTEMPTS="2", **LIMITS)
    invoke_until_success(function, event)
    messages = aws.messages(queue)
    received = [m["_payload"]["id"] for m in messages]
    assert sum(faults.injected.values()) > 0, "faults were injected"
    assert expected - set(received) == set(), "0 lost"
    assert set(received) == expected
    assert "CANARY" not in json.dumps(messages)


def test_fifo_topic_delivers_each_alert_exactly_once_despite_retries(aws, start_function, proxy):
    event = setup_bucket(aws)
    expected = expected_ids(aws, start_function, event)
    faults = Faults(sns_failure_rate=0.3)
    sns = proxy(faults)
    topic, queue = aws.topic_with_queue(fifo=True)
    # No retry of failed entries inside the invocation: a partial failure fails it, so
    # Lambda's retry re-publishes alerts that already went out, and FIFO drops them.
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_SNS=sns.url,
                              PUBLISH_MAX_ATTEMPTS="1", **LIMITS)
    attempts = invoke_until_success(function, event)
    received = [m["_payload"]["id"] for m in aws.messages(queue)]
    assert sum(faults.injected.values()) > 0
    assert attempts > 1, "at least one invocation failed and was retried"
    assert sorted(received) == sorted(expected), "each alert exactly once"


def test_s3_body_cut_mid_object_fails_the_invocation(aws, start_function, proxy):
    event = setup_bucket(aws)
    faults = Faults(cut_s3_bodies=True)
    s3 = proxy(faults)
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_S3=s3.url)
    kind, error = function.invoke(event)
    assert kind == "error", error
    assert error["errorType"] == "FetchError"
    assert faults.injected["cut"] >= 1
    assert aws.messages(queue) == [], "no partial success is reported"
