"""The S3 processor binary, run through the runtime API emulator against moto."""

from __future__ import annotations

import json

import pytest
from conftest import closed_port_url, load_event

INVOCATION_KEY = (
    "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/"
    "20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
)
ODD_KEY = "uploads/kb logs+2026/11/20/kb=1.json.gz"
KB_KEY = "bedrock/kb/2026/11/20/kb-application-logs.json.gz"
PERMISSION_KEY = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check"


@pytest.fixture
def setup(aws, start_function):
    """A bucket holding the sample objects, a topic with a queue, and a running function."""
    bucket = aws.bucket()
    aws.put(bucket, INVOCATION_KEY, "objects/invocation-batch.json.gz")
    aws.put(bucket, ODD_KEY, "objects/kb-application-logs.json.gz")
    aws.put(bucket, KB_KEY, "objects/kb-application-logs.json.gz")
    aws.put(bucket, PERMISSION_KEY, "objects/amazon-bedrock-logs-permission-check")
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic)
    return bucket, topic, queue, function


def statuses(messages):
    return sorted(m["_payload"]["status"] for m in messages)


def test_direct_notification_publishes_one_alert_per_failure_group(aws, setup):
    bucket, topic, queue, function = setup
    kind, response = function.invoke(load_event("s3-object-created.json", bucket))
    assert kind == "response", response
    assert response == {"objects": 1, "alerts": 2}
    messages = aws.messages(queue)
    assert statuses(messages) == ["ThrottlingException", "ValidationException"]
    throttled = next(m for m in messages if m["_payload"]["status"] == "ThrottlingException")
    assert throttled["Subject"] == "[ERROR] Bedrock us.anthropic.claude-3-5-sonnet-20240620-v1:0: ThrottlingException"
    assert throttled["_attributes"]["severity"] == "ERROR"
    assert throttled["_attributes"]["source"] == "model_invocation"
    assert throttled["_attributes"]["status"] == "ThrottlingException"
    assert throttled["_attributes"]["model_id"].endswith("us.anthropic.claude-3-5-sonnet-20240620-v1:0")
    assert throttled["_attributes"]["account_id"] == "111122223333"
    assert len(throttled["_attributes"]) <= 10
    payload = throttled["_payload"]
    assert payload["schema"] == "bedrock-alerts/alert/v1"
    assert payload["count"] == 1
    assert payload["items"][0]["request_id"] == "11111111-1111-4111-8111-111111111111"
    assert payload["items"][0]["origin"]["input"] == f"s3://{bucket}/{INVOCATION_KEY}"
    assert payload["reasons"] == ["Too many requests, please wait before trying again."]
    assert len(payload["id"]) == 64
    assert "CANARY" not in json.dumps(messages)


def test_alert_ids_are_the_same_when_an_event_is_retried(aws, setup):
    bucket, _, queue, function = setup
    event = load_event("s3-object-created.json", bucket)
    function.invoke(event)
    first = sorted(m["_payload"]["id"] for m in aws.messages(queue))
    function.invoke(event)
    second = sorted(m["_payload"]["id"] for m in aws.messages(queue))
    assert first == second and len(first) == 2


def test_key_with_spaces_and_plus_is_decoded(aws, setup):
    bucket, _, queue, function = setup
    kind, response = function.invoke(load_event("s3-object-created-odd-key.json", bucket))
    assert kind == "response", response
    messages = aws.messages(queue)
    assert statuses(messages) == ["COMPLETE", "EMBEDDING_FAILED", "INDEXING_FAILED", "RESOURCE_IGNORED"]
    embedding = next(m for m in messages if m["_payload"]["status"] == "EMBEDDING_FAILED")
    assert embedding["_attributes"]["knowledge_base_id"] == "KB12345678"
    assert embedding["_payload"]["items"][0]["origin"]["input"] == f"s3://{bucket}/{ODD_KEY}"


@pytest.mark.parametrize(
    "event_name", ["s3-permission-check.json", "s3-data-object.json", "s3-test-event.json"]
)
def test_objects_that_hold_no_logs_are_skipped_without_alerts(aws, setup, event_name):
    bucket, _, queue, function = setup
    # The data/ object does not exist: reading it would raise an UNREADABLE_INPUT alert.
    kind, response = function.invoke(load_event(event_name, bucket))
    assert kind == "response", response
    assert response["alerts"] == 0
    assert aws.messages(queue) == []


def test_healthy_batch_sends_nothing(aws, setup):
    bucket, _, queue, function = setup
    aws.put(bucket, INVOCATION_KEY, "objects/invocation-batch-healthy.json.gz")
    kind, response = function.invoke(load_event("s3-object-created.json", bucket))
    assert (kind, response["alerts"]) == ("response", 0)
    assert aws.messages(queue) == []


def test_eventbridge_object_created(aws, setup):
    bucket, _, queue, function = setup
    kind, response = function.invoke(load_event("eventbridge-object-created.json", bucket))
    assert kind == "response", response
    assert statuses(aws.messages(queue)) == ["ThrottlingException", "ValidationException"]


def test_firehose_object_with_concatenated_gzip_members(aws, setup):
    bucket, _, queue, function = setup
    key = "firehose/2026/11/20/16/bedrock-cwlogs-1-2026-11-20-16-20-00-abcdef.gz"
    aws.put(bucket, key, "objects/firehose-cwlogs.gz")
    event = load_event("s3-object-created.json", bucket)
    event["Records"][0]["s3"]["object"]["key"] = key
    event["Records"][0]["s3"]["object"]["size"] = 1680
    kind, response = function.invoke(event)
    assert kind == "response", response
    assert statuses(aws.messages(queue)) == ["DELETION_FAILED", "ServiceUnavailableException"]


def test_sqs_batch_reports_only_transient_failures(aws, setup):
    bucket, _, queue, function = setup
    event = load_event("sqs-s3-notification.json", bucket)
    garbage = dict(event["Records"][0], messageId="garbage-1", body="not json")
    event["Records"].append(garbage)
    kind, response = function.invoke(event)
    assert kind == "response", response
    assert response["batchItemFailures"] == []
    messages = aws.messages(queue)
    assert statuses(messages) == ["ThrottlingException", "UNUSABLE_EVENT", "ValidationException"]
    unusable = next(m for m in messages if m["_payload"]["status"] == "UNUSABLE_EVENT")
    assert unusable["_attributes"]["severity"] == "WARN"


def test_sqs_with_sns_envelope(aws, setup):
    bucket, _, queue, function = setup
    kind, response = function.invoke(load_event("sqs-sns-s3-notification.json", bucket))
    assert kind == "response", response
    assert statuses(aws.messages(queue)) == ["COMPLETE", "EMBEDDING_FAILED", "INDEXING_FAILED", "RESOURCE_IGNORED"]


def test_sqs_messages_whose_objects_cannot_be_read_are_retried(aws, start_function, setup):
    bucket, topic, queue, _ = setup
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_S3=closed_port_url())
    event = load_event("sqs-s3-notification.json", bucket)
    kind, response = function.invoke(event)
    assert kind == "response", response
    ids = [f["itemIdentifier"] for f in response["batchItemFailures"]]
    assert ids == [event["Records"][0]["messageId"]], "only the message naming an object is retried"


def test_s3_batch_operations_results_per_task(aws, setup):
    bucket, _, queue, function = setup
    event = load_event("s3-batch-operations-v2.json", bucket)
    event["tasks"].append({"taskId": "missing", "s3Key": "no/such/key.json.gz", "s3VersionId": None, "s3Bucket": bucket})
    kind, response = function.invoke(event)
    assert kind == "response", response
    assert response["invocationSchemaVersion"] == "2.0"
    assert response["treatMissingKeysAs"] == "PermanentFailure"
    assert response["invocationId"] == event["invocationId"]
    codes = [r["resultCode"] for r in response["results"]]
    assert codes == ["Succeeded", "Succeeded", "PermanentFailure"]
    assert statuses(aws.messages(queue)) == [
        "COMPLETE", "EMBEDDING_FAILED", "INDEXING_FAILED", "RESOURCE_IGNORED",
        "ThrottlingException", "UNREADABLE_INPUT", "ValidationException",
    ]


def test_s3_batch_operations_schema_one(aws, setup):
    bucket, _, queue, function = setup
    kind, response = function.invoke(load_event("s3-batch-operations-v1.json", bucket))
    assert kind == "response", response
    assert [r["resultCode"] for r in response["results"]] == ["Succeeded"]
    assert len(aws.messages(queue)) == 2


def test_unreachable_s3_fails_the_invocation(aws, start_function, setup):
    bucket, topic, queue, _ = setup
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_S3=closed_port_url())
    kind, error = function.invoke(load_event("s3-object-created.json", bucket))
    assert kind == "error"
    assert error["errorType"] == "FetchError"
    assert INVOCATION_KEY in error["errorMessage"]


def test_failing_sns_fails_the_invocation(aws, start_function, setup):
    bucket, _, _, _ = setup
    function = start_function("s3", ALERT_TOPIC_ARN="arn:aws:sns:us-east-1:123456789012:no-such-topic")
    kind, error = function.invoke(load_event("s3-object-created.json", bucket))
    assert kind == "error"
    assert error["errorType"] == "PublishError"
    assert "2 of 2 alert(s) could not be published" in error["errorMessage"]


def test_unreachable_sns_fails_the_invocation(aws, start_function, setup):
    bucket, topic, _, _ = setup
    function = start_function("s3", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_SNS=closed_port_url())
    kind, error = function.invoke(load_event("s3-object-created.json", bucket))
    assert (kind, error["errorType"]) == ("error", "PublishError")


def test_close_deadline_leaves_objects_for_a_retry(aws, start_function, setup):
    bucket, topic, queue, _ = setup
    function = start_function("s3", ALERT_TOPIC_ARN=topic, DEADLINE_MARGIN_MS="30000")
    kind, error = function.invoke(load_event("s3-object-created.json", bucket), timeout_ms=10_000)
    assert (kind, error["errorType"]) == ("error", "OutOfTime")
    assert aws.messages(queue) == []


def test_fifo_topic_gets_group_and_dedup_ids(aws, start_function, setup):
    bucket, _, _, _ = setup
    topic, queue = aws.topic_with_queue(fifo=True)
    function = start_function("s3", ALERT_TOPIC_ARN=topic)
    kind, response = function.invoke(load_event("s3-object-created.json", bucket))
    assert kind == "response", response
    assert statuses(aws.messages(queue)) == ["ThrottlingException", "ValidationException"]


def test_missing_topic_setting_fails_init_naming_the_variable(start_function):
    function = start_function("s3", ALERT_TOPIC_ARN=None)
    assert function.process.wait(timeout=60) != 0
    assert "environment variable ALERT_TOPIC_ARN is required" in function.logs()


def test_invalid_setting_fails_init_naming_the_variable(start_function):
    function = start_function("cwlogs", ALERT_TOPIC_ARN="arn:aws:sns:us-east-1:111122223333:t", MIN_SEVERITY="loud")
    assert function.process.wait(timeout=60) != 0
    assert "MIN_SEVERITY" in function.logs()


def test_logs_carry_a_summary_and_no_prompts(aws, setup):
    bucket, _, _, function = setup
    function.invoke(load_event("s3-object-created.json", bucket))
    logs = function.logs()
    summary = next(json.loads(line) for line in logs.splitlines() if "invocation summary" in line)
    fields = summary.get("fields", summary)
    assert fields["invocation_records"] == 8
    assert fields["errors"] == 2
    assert fields["alerts_sent"] == 2
    assert "CANARY" not in logs


def test_metrics_are_written_in_embedded_metric_format(aws, setup):
    bucket, _, _, function = setup
    function.invoke(load_event("s3-object-created.json", bucket))
    documents = [json.loads(line) for line in function.logs().splitlines() if '"_aws"' in line]
    totals = next(d for d in documents if "InvocationRecords" in d)
    assert totals["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName"]]
    assert totals["FunctionName"] == "e2e"
    assert (totals["InvocationRecords"], totals["InvocationErrors"], totals["AlertsSent"]) == (8, 2, 2)
    models = {d["ModelId"]: d["ModelErrors"] for d in documents if "ModelId" in d}
    assert sum(models.values()) == 2 and len(models) == 2
