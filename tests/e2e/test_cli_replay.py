"""The CLI's S3 replay path: list a prefix, stream objects, publish through SNS."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import ROOT

CLI = ROOT / "target" / "debug" / "bedrock-alerts"
PREFIX = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/"


def run_cli(moto_endpoint: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AWS_ENDPOINT_URL": moto_endpoint, "BEDROCK_ALERTS_S3_PATH_STYLE": "true", "NO_COLOR": "1"}
    return subprocess.run([str(CLI), "scan", *args], env=env, capture_output=True, text=True, timeout=300)


def test_scan_s3_prefix_and_publish(aws, moto_endpoint):
    bucket = aws.bucket()
    aws.put(bucket, PREFIX + "14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz", "objects/invocation-batch.json.gz")
    aws.put(bucket, PREFIX + "15/20261120T150000000Z_0123456789abcdef.json.gz", "objects/invocation-batch-healthy.json.gz")
    aws.put(bucket, PREFIX + "14/data/11111111-1111-4111-8111-111111111111_input.json.gz", "objects/bad-lines.ndjson")
    aws.put(bucket, "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check",
            "objects/amazon-bedrock-logs-permission-check")
    topic, queue = aws.topic_with_queue()
    result = run_cli(moto_endpoint, "--format", "json", "--publish", topic, f"s3://{bucket}/bedrock/")
    assert result.returncode == 0, result.stderr
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(f["status"] for f in findings) == ["ThrottlingException", "ValidationException"]
    assert findings[0]["origin"]["input"].startswith(f"s3://{bucket}/{PREFIX}14/")
    assert "scanned 2 input(s)" in result.stderr, "data/ and permission-check objects are skipped"
    assert "published 2 alert(s)" in result.stderr
    messages = aws.messages(queue)
    assert sorted(m["_payload"]["status"] for m in messages) == ["ThrottlingException", "ValidationException"]


def test_since_and_until_select_objects_by_time(aws, moto_endpoint):
    bucket = aws.bucket()
    aws.put(bucket, PREFIX + "14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz", "objects/invocation-batch.json.gz")
    future = run_cli(moto_endpoint, "--format", "json", "--since", "2999-01-01", f"s3://{bucket}/")
    assert future.returncode == 0, future.stderr
    assert future.stdout == ""
    assert "scanned 0 input(s)" in future.stderr
    past = run_cli(moto_endpoint, "--format", "json", "--until", "2000-01-01", f"s3://{bucket}/")
    assert past.stdout == ""
    now = run_cli(moto_endpoint, "--format", "json", "--since", "2000-01-01", f"s3://{bucket}/")
    assert len(now.stdout.splitlines()) == 2


def test_publish_failure_exits_one(aws, moto_endpoint):
    result = run_cli(
        moto_endpoint, "--publish", "arn:aws:sns:us-east-1:123456789012:missing",
        str(ROOT / "events" / "objects" / "invocation-batch.json.gz"),
    )
    assert result.returncode == 1
    assert "could not be published" in result.stderr


def test_missing_bucket_is_unreadable(aws, moto_endpoint):
    result = run_cli(moto_endpoint, "--format", "json", "s3://no-such-bucket-e2e/prefix/")
    assert result.returncode == 1
    assert json.loads(result.stdout.splitlines()[0])["status"] == "UNREADABLE_INPUT"
