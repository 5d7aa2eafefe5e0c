"""The CloudWatch Logs processor binary, run through the runtime API emulator against moto."""

from __future__ import annotations

import json

import pytest
from conftest import closed_port_url, load_event, subscription_event

KB_GROUP = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/KB12345678"


def kb_event(status: str, level: str) -> dict:
    return {
        "event_timestamp": 1763650000000,
        "event": {
            "ingestion_job_id": "JOB1234567",
            "data_source_id": "DS12345678",
            "knowledge_base_arn": "arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678",
            "document_location": {"type": "S3", "s3_location": {"uri": f"s3://acme-kb-docs/{status.lower()}.pdf"}},
            "status": status,
            "status_reasons": ["see the knowledge base documentation"],
        },
        "event_version": "1.0",
        "event_type": "StartIngestionJob.ResourceStatusChanged",
        "level": level,
    }


@pytest.fixture
def setup(aws, start_function):
    topic, queue = aws.topic_with_queue()
    return topic, queue, start_function("cwlogs", ALERT_TOPIC_ARN=topic)


def statuses(messages):
    return sorted(m["_payload"]["status"] for m in messages)


def test_invocation_log_group_event(aws, setup):
    _, queue, function = setup
    kind, response = function.invoke(load_event("cwlogs-invocation-failure.json"))
    assert kind == "response", response
    messages = aws.messages(queue)
    assert statuses(messages) == ["AccessDeniedException", "ModelTimeoutException"]
    timeout = next(m for m in messages if m["_payload"]["status"] == "ModelTimeoutException")
    assert timeout["_attributes"]["model_id"] == "anthropic.claude-3-haiku-20240307-v1:0"
    assert timeout["_attributes"]["operation"] == "InvokeModel"
    item = timeout["_payload"]["items"][0]
    assert item["request_id"] == "44444444-4444-4444-8444-444444444444"
    assert len(item["origin"]["event_id"]) == 56
    assert "CANARY" not in json.dumps(messages)


def test_knowledge_base_group_event_with_several_failed_documents(aws, setup):
    _, queue, function = setup
    kind, response = function.invoke(load_event("cwlogs-kb-failures.json"))
    assert kind == "response", response
    assert response == {"findings": 4, "alerts": 2}
    messages = aws.messages(queue)
    assert statuses(messages) == ["EMBEDDING_FAILED", "FAILED"]
    embedding = next(m for m in messages if m["_payload"]["status"] == "EMBEDDING_FAILED")
    payload = embedding["_payload"]
    assert payload["count"] == 3
    assert len({item["document_uri"] for item in payload["items"]}) == 3
    assert payload["knowledge_base_id"] == "KB12345678"
    assert payload["ingestion_job_id"] == "JOB1234567"
    assert embedding["Subject"] == "[ERROR] Bedrock KB KB12345678: EMBEDDING_FAILED x3"
    assert embedding["_attributes"]["knowledge_base_id"] == "KB12345678"
    assert payload["schema"] == "bedrock-alerts/alert/v1"


@pytest.mark.parametrize("event_name", ["cwlogs-control-message.json", "cwlogs-healthy.json"])
def test_control_and_healthy_events_send_nothing(aws, setup, event_name):
    _, queue, function = setup
    kind, response = function.invoke(load_event(event_name))
    assert (kind, response) == ("response", {"findings": 0, "alerts": 0})
    assert aws.messages(queue) == []


def test_kinesis_records_with_subscription_data(aws, setup):
    _, queue, function = setup
    kind, response = function.invoke(load_event("kinesis-cwlogs.json"))
    assert kind == "response", response
    assert statuses(aws.messages(queue)) == ["AccessDeniedException", "ModelTimeoutException"]


def test_bad_payload_is_reported_not_retried(aws, setup):
    _, queue, function = setup
    kind, response = function.invoke({"awslogs": {"data": "this is not base64!"}})
    assert kind == "response", response
    messages = aws.messages(queue)
    assert statuses(messages) == ["UNREADABLE_INPUT"]
    assert messages[0]["_attributes"]["severity"] == "ERROR"


def test_sns_failure_fails_the_invocation(start_function):
    function = start_function("cwlogs", ALERT_TOPIC_ARN="arn:aws:sns:us-east-1:123456789012:missing")
    kind, error = function.invoke(load_event("cwlogs-invocation-failure.json"))
    assert (kind, error["errorType"]) == ("error", "PublishError")


def test_unreachable_sns_fails_the_invocation(aws, start_function):
    topic, _ = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_SNS=closed_port_url())
    kind, error = function.invoke(load_event("cwlogs-kb-failures.json"))
    assert (kind, error["errorType"]) == ("error", "PublishError")


def test_filter_policy_subscription_gets_only_errors(aws, start_function):
    topic, all_queue = aws.topic_with_queue()
    errors_queue = aws.queue(topic, filter_policy={"severity": ["ERROR"]})
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, MIN_SEVERITY="WARN")
    kind, _ = function.invoke(subscription_event(KB_GROUP, [kb_event("RESOURCE_IGNORED", "WARN"), kb_event("INDEXING_FAILED", "ERROR")]))
    assert kind == "response"
    assert statuses(aws.messages(errors_queue)) == ["INDEXING_FAILED"]
    assert statuses(aws.messages(all_queue)) == ["INDEXING_FAILED", "RESOURCE_IGNORED"]


def test_min_severity_error_drops_warnings(aws, start_function):
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, MIN_SEVERITY="ERROR")
    event = subscription_event(KB_GROUP, [kb_event("RESOURCE_IGNORED", "WARN")])
    kind, response = function.invoke(event)
    assert (kind, response) == ("response", {"findings": 0, "alerts": 0})
    assert aws.messages(queue) == []


def test_min_severity_error_keeps_an_unreadable_payload(aws, start_function):
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, MIN_SEVERITY="ERROR")
    kind, response = function.invoke({"awslogs": {"data": "not base64!"}})
    assert (kind, response) == ("response", {"findings": 1, "alerts": 1})
    assert statuses(aws.messages(queue)) == ["UNREADABLE_INPUT"]


@pytest.mark.parametrize("kind, event_name", [("cwlogs", "cwlogs-invocation-failure.json"), ("s3", "s3-object-created.json")])
def test_trace_logging_leaks_no_prompt(aws, start_function, kind, event_name):
    """Even at TRACE, where the runtime logs raw events, no prompt or output text appears."""
    topic, queue = aws.topic_with_queue()
    bucket = aws.bucket()
    key = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
    aws.put(bucket, key, "objects/invocation-batch.json.gz")
    function = start_function(kind, ALERT_TOPIC_ARN=topic, AWS_LAMBDA_LOG_LEVEL="TRACE")
    kind_, response = function.invoke(load_event(event_name, bucket))
    assert kind_ == "response", response
    logs = function.logs()
    assert "invocation summary" in logs and "TRACE" in logs.upper()
    assert "CANARY" not in logs
    assert "CANARY" not in json.dumps(aws.messages(queue))
