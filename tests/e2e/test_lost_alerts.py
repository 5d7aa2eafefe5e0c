"""Ways an alert used to be lost, end to end on the real binaries (issue 14):

* ten ~40 KB alerts are more than one PublishBatch may carry (SNS refuses over 256 KiB in
  all; the fault proxy refuses the same way);
* a failure that comes after 10,000 others must still be alerted, by the functions and by a
  CLI backfill;
* an object whose body stalls must not run the invocation into its timeout: what was read
  is published and only the unfinished work is retried.
"""

from __future__ import annotations

import gzip
import json

from conftest import load_event, subscription_event
from faultproxy import Faults
from test_cli_replay import run_cli

KEY = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/{}_4dbc03d57ffa1c7d.json.gz"
KB_LOG_GROUP = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/KB00000001"


def kb_failure(kb: int, document: int) -> dict:
    """A classic KB document failure with a long reason, as Bedrock writes them."""
    return {
        "event_timestamp": 1763647200000 + document,
        "event": {
            "ingestion_job_id": "JOB0000001",
            "data_source_id": "DS00000001",
            "knowledge_base_arn": f"arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB{kb:08d}",
            "document_location": {"type": "S3", "s3_location": {"uri": f"s3://docs/{kb}/{document}.pdf"}},
            "status": "EMBEDDING_FAILED",
            "status_reasons": [f"{document}: " + "The document exceeds the embedding model's input limit. " * 12],
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.ResourceStatusChanged",
        "level": "ERROR",
    }


def invocation_failure(request: str, code: str, model: str) -> dict:
    return {
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-20T14:05:00Z",
        "accountId": "111122223333", "region": "us-east-1", "requestId": request, "operation": "Converse",
        "modelId": model, "errorCode": code,
        "input": {"inputContentType": "application/json", "inputBodyJson": {"messages": [{"content": "CANARY-PROMPT-7f3a"}]}},
    }


def ndjson_gz(records) -> bytes:
    return gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode(), mtime=0)


def test_ten_large_alerts_all_arrive_once(aws, start_function, proxy):
    sns = proxy(Faults())
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_SNS=sns.url, ITEMS_PER_ALERT="50")
    records = [kb_failure(kb, doc) for kb in range(10) for doc in range(50)]
    kind, response = function.invoke(subscription_event(KB_LOG_GROUP, records))
    assert kind == "response", response
    assert response["alerts"] == 10
    messages = aws.messages(queue)
    sizes = [len(m["Message"]) for m in messages]
    assert len(messages) == 10 and min(sizes) > 30_000, sizes
    assert len({m["_payload"]["id"] for m in messages}) == 10, "each alert once"
    assert sorted(m["_payload"]["knowledge_base_id"] for m in messages) == [f"KB{kb:08d}" for kb in range(10)]
    assert all(m["_payload"]["count"] == 50 for m in messages)
    assert sns.faults.injected["too_long"] == 0, "no call was over the limit"


def ten_thousand_and_one(aws) -> tuple[str, str]:
    """A bucket whose one log object holds 10,000 throttled calls and then one denied call
    on another model; returns (bucket, key)."""
    bucket = aws.bucket()
    key = KEY.format("20261120T140512345Z")
    throttled = (invocation_failure(f"t-{i}", "ThrottlingException", "anthropic.claude-3-haiku-20240307-v1:0")
                 for i in range(10_000))
    denied = [invocation_failure("last", "AccessDeniedException", "amazon.nova-pro-v1:0")]
    aws.s3.put_object(Bucket=bucket, Key=key, Body=ndjson_gz([*throttled, *denied]))
    return bucket, key


def test_a_failure_after_ten_thousand_others_is_alerted(aws, start_function):
    bucket, key = ten_thousand_and_one(aws)
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic)
    event = load_event("s3-object-created.json", bucket)
    event["Records"][0]["s3"]["object"]["key"] = key
    kind, response = function.invoke(event)
    assert kind == "response", response
    counts = {m["_payload"]["status"]: m["_payload"]["count"] for m in aws.messages(queue)}
    assert counts == {"ThrottlingException": 10_000, "AccessDeniedException": 1}


def test_a_cli_backfill_reports_and_publishes_every_finding(aws, moto_endpoint):
    bucket, _ = ten_thousand_and_one(aws)
    topic, queue = aws.topic_with_queue()
    result = run_cli(moto_endpoint, "--format", "json", "--publish", topic, f"s3://{bucket}/bedrock/")
    assert result.returncode == 0, result.stderr
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert (statuses.count("ThrottlingException"), statuses[-1]) == (10_000, "AccessDeniedException")
    counts = {m["_payload"]["status"]: m["_payload"]["count"] for m in aws.messages(queue)}
    assert counts == {"ThrottlingException": 10_000, "AccessDeniedException": 1}
    assert "CANARY" not in result.stdout


def sqs_event(bucket: str, keys: list[str]) -> dict:
    """An SQS batch with one S3 notification per key, from the sample event."""
    template = load_event("sqs-s3-notification.json", bucket)["Records"][0]
    records = []
    for number, key in enumerate(keys):
        body = json.loads(template["body"])
        body["Records"][0]["s3"]["object"]["key"] = key
        records.append({**template, "messageId": f"message-{number}", "body": json.dumps(body)})
    return {"Records": records}


def test_a_stalled_object_is_retried_alone_and_the_rest_is_published_in_time(aws, start_function, proxy):
    bucket = aws.bucket()
    fast, slow = KEY.format("20261120T140000000Z"), KEY.format("20261120T140100000Z-stall")
    aws.s3.put_object(Bucket=bucket, Key=fast, Body=ndjson_gz([invocation_failure("f", "ValidationException", "m")]))
    aws.s3.put_object(Bucket=bucket, Key=slow, Body=ndjson_gz(
        invocation_failure(f"s-{i}", "ThrottlingException", "m") for i in range(2000)))
    faults = Faults(stall_s3_keys="-stall")
    s3 = proxy(faults)
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_S3=s3.url, DEADLINE_MARGIN_MS="2500")
    kind, response = function.invoke(sqs_event(bucket, [fast, slow]), timeout_ms=6000)
    assert kind == "response", response
    assert not function.last_was_late, "answered before the deadline"
    assert faults.injected["stalled"] == 1
    assert response["batchItemFailures"] == [{"itemIdentifier": "message-1"}]
    assert [m["_payload"]["status"] for m in aws.messages(queue)] == ["ValidationException"]


def test_a_stalled_object_fails_a_direct_invocation_before_its_timeout(aws, start_function, proxy):
    bucket = aws.bucket()
    slow = KEY.format("20261120T140100000Z-stall")
    aws.s3.put_object(Bucket=bucket, Key=slow, Body=ndjson_gz(
        invocation_failure(f"s-{i}", "ThrottlingException", "m") for i in range(2000)))
    s3 = proxy(Faults(stall_s3_keys="-stall"))
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_S3=s3.url, DEADLINE_MARGIN_MS="2500")
    event = load_event("s3-object-created.json", bucket)
    event["Records"][0]["s3"]["object"]["key"] = slow
    kind, error = function.invoke(event, timeout_ms=6000)
    assert kind == "error", error
    assert error["errorType"] == "OutOfTime"
    assert not function.last_was_late, "failed before the deadline, so Lambda retries it"
    assert aws.messages(queue) == [], "nothing half-read is published"
