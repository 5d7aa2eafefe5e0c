"""The EventBridge function (Bedrock job events, the stack's alarm state changes), run through
the runtime API emulator against moto. CloudWatch is moto's, reached through the bridge of
the `cloudwatch` fixture (the Rust SDK speaks CBOR to CloudWatch; moto does not)."""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest
from conftest import EVENTS, closed_port_url, load_event

ACCOUNT = "111122223333"
REGION = "us-east-1"
ALARM_NAME = "bedrock-alerts-BedrockThrottlesAlarm-1A2B3C4D5E6F"
ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{ALARM_NAME}"
ALARM_EVENT = "eventbridge-alarm-throttles-alarm.json"
OK_EVENT = "eventbridge-alarm-throttles-ok.json"
SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# file -> (status, severity, job name, model id the model_id ends with, reason, the event's time)
JOB_ALERTS = {
    "eventbridge-bedrock-customization-failed.json": (
        "Failed", "ERROR", "support-tone-ft-2026-11-21", "foundation-model/amazon.titan-text-express-v1:0:8k",
        "Training data validation failed: 3 records in train.jsonl exceed the maximum input length of 4096 "
        "tokens for the base model.",
        datetime(2026, 11, 21, 8, 42, 17, tzinfo=timezone.utc),
    ),
    "eventbridge-bedrock-batch-partially-completed.json": (
        "PartiallyCompleted", "WARN", "nightly-ticket-summaries-2026-11-21", "foundation-model/" + HAIKU,
        "37 of 5000 records could not be processed. Their errors are in the job's output files in "
        "s3://acme-batch-111122223333/summaries/output/.",
        datetime(2026, 11, 21, 10, 16, 44, tzinfo=timezone.utc),  # "Sat Nov 21 10:16:44 UTC 2026"
    ),
    "eventbridge-bedrock-batch-expired.json": (
        "Expired", "WARN", "weekly-catalog-tagging-2026-47", "foundation-model/" + NOVA_LITE,
        "The job did not complete within its timeout of 48 hours and expired.",
        datetime(2026, 11, 21, 12, 0, 3, tzinfo=timezone.utc),
    ),
    "eventbridge-bedrock-data-automation-client-error.json": (
        "FailedWithClientError", "ERROR", None, None,
        "Unsupported file format: image/heic is not a supported input type for documents.",
        datetime(2026, 11, 21, 11, 20, 5, tzinfo=timezone.utc),
    ),
    "eventbridge-bedrock-data-automation-service-error.json": (
        "FailedWithServiceError", "ERROR", None, None,
        "An internal service error occurred while processing the document. Retry the request.",
        datetime(2026, 11, 21, 11, 47, 52, tzinfo=timezone.utc),
    ),
}


@pytest.fixture
def setup(aws, start_function):
    topic, queue = aws.topic_with_queue()
    return topic, queue, start_function("events", ALERT_TOPIC_ARN=topic)


def job_arn(event: dict) -> str:
    detail = event["detail"]
    return detail.get("jobArn") or detail.get("batchJobArn") or detail["job_id"]


def instant(text: str) -> datetime:
    assert RFC3339.match(text), f"not RFC 3339: {text!r}"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def only_message(aws, queue) -> dict:
    messages = aws.messages(queue)
    assert len(messages) == 1, [m["_payload"] for m in messages]
    return messages[0]


# --------------------------------------------------------------------------- Bedrock job events


@pytest.mark.parametrize("event_name", sorted(JOB_ALERTS))
def test_each_job_event_yields_its_alert(aws, setup, event_name):
    _, queue, function = setup
    status, severity, name, model, reason, at = JOB_ALERTS[event_name]
    event = load_event(event_name)
    kind, response = function.invoke(event)
    assert kind == "response", response
    assert response["alerts"] == 1, response
    message = only_message(aws, queue)
    payload = message["_payload"]
    assert payload["schema"] == "bedrock-alerts/alert/v1"
    assert (payload["source"], payload["status"], payload["severity"]) == ("bedrock_job", status, severity)
    assert payload["count"] == 1
    assert payload["job_arn"] == job_arn(event)
    assert payload.get("job_name") == name
    if model is None:
        assert payload.get("model_id") is None
    else:
        assert payload["model_id"].endswith(model), payload["model_id"]
    assert (payload["account_id"], payload["region"]) == (ACCOUNT, REGION)
    assert payload["reasons"] == [reason]
    assert instant(payload["first_timestamp"]) == at
    attributes = message["_attributes"]
    assert (attributes["source"], attributes["status"], attributes["severity"]) == ("bedrock_job", status, severity)
    assert status in message["Subject"]


def test_a_completed_batch_job_sends_nothing(aws, setup):
    _, queue, function = setup
    kind, response = function.invoke(load_event("eventbridge-bedrock-batch-completed.json"))
    assert kind == "response", response
    assert response["alerts"] == 0
    assert aws.messages(queue) == []
    fields = summary(function)
    assert (fields["bedrock_job_events"], fields["unknown_documents"]) == (1, 0), "known, just healthy"


def summary(function) -> dict:
    """The fields of the function's one invocation summary log line."""
    lines = [json.loads(line) for line in function.logs().splitlines() if "invocation summary" in line]
    assert len(lines) == 1, lines
    return lines[0].get("fields", lines[0])


def test_an_unknown_bedrock_event_is_counted_not_alerted_and_no_error(aws, setup):
    _, queue, function = setup
    event = load_event("eventbridge-bedrock-unknown.json")
    assert event["source"] == "aws.bedrock"
    kind, response = function.invoke(event)
    assert kind == "response", response
    assert response["alerts"] == 0
    assert aws.messages(queue) == []
    fields = summary(function)
    assert (fields["unknown_documents"], fields["bedrock_job_events"], fields["alerts_sent"]) == (1, 0, 0)


def test_an_event_of_another_source_is_counted_not_alerted_and_no_error(aws, setup):
    _, queue, function = setup
    kind, response = function.invoke(load_event("eventbridge-object-created.json"))
    assert kind == "response", response
    assert response["alerts"] == 0
    assert aws.messages(queue) == []
    assert summary(function)["unknown_documents"] == 1


def test_a_retried_job_event_gives_the_same_alert_id(aws, setup):
    _, queue, function = setup
    event = load_event("eventbridge-bedrock-customization-failed.json")
    function.invoke(event)
    first = only_message(aws, queue)["_payload"]["id"]
    function.invoke(event)
    assert only_message(aws, queue)["_payload"]["id"] == first


def test_job_events_never_ask_cloudwatch(aws, setup, cloudwatch):
    _, queue, function = setup
    for event_name in JOB_ALERTS:
        assert function.invoke(load_event(event_name))[0] == "response"
    assert len(aws.messages(queue)) == len(JOB_ALERTS)
    assert cloudwatch.calls == {}


def test_job_alert_publishing_failure_fails_the_invocation(start_function):
    function = start_function("events", ALERT_TOPIC_ARN=f"arn:aws:sns:{REGION}:123456789012:missing")
    kind, error = function.invoke(load_event("eventbridge-bedrock-customization-failed.json"))
    assert (kind, error["errorType"]) == ("error", "PublishError")


# --------------------------------------------------------------------------- alarm state changes


def alarm_of(payload: dict) -> dict:
    assert isinstance(payload.get("alarm"), dict), payload
    return payload["alarm"]


def check_alarm_alert(message: dict, event: dict, status: str, kind: str, previous: str, value: float) -> dict:
    payload = message["_payload"]
    assert payload["schema"] == "bedrock-alerts/alert/v1"
    assert (payload["source"], payload["status"], payload["severity"]) == ("alarm", status, "ERROR")
    assert payload["kind"] == kind
    assert payload["count"] == 1
    alarm = alarm_of(payload)
    assert alarm["name"] == ALARM_NAME
    assert alarm["arn"] == ALARM_ARN
    assert alarm["state"] == status
    assert alarm["previous_state"] == previous
    assert alarm["reason"] == event["detail"]["state"]["reason"]
    assert alarm["threshold"] == 10
    assert alarm["value"] == value
    url = alarm["console_url"]
    assert url.startswith(f"https://{REGION}.console.aws.amazon.com/cloudwatch/"), url
    assert ALARM_NAME in urllib.parse.unquote(url)
    attributes = message["_attributes"]
    assert (attributes["source"], attributes["status"], attributes["severity"]) == ("alarm", status, "ERROR")
    assert ALARM_NAME in message["Subject"]
    return payload


@pytest.mark.parametrize(
    ("sample", "state", "kind", "previous", "value"),
    [(ALARM_EVENT, "ALARM", "new", "OK", 37), (OK_EVENT, "OK", "resolved", "ALARM", 2)],
    ids=["fired", "resolved"],
)
def test_alarm_state_change_goes_out_in_the_alert_schema_on_a_standard_topic(
        aws, setup, sample, state, kind, previous, value):
    """Firing is kind new; back to OK from ALARM is kind resolved."""
    _, queue, function = setup
    event = load_event(sample)
    outcome, response = function.invoke(event)
    assert outcome == "response", response
    assert response["alerts"] == 1
    check_alarm_alert(only_message(aws, queue), event, state, kind, previous, value)


def test_alarm_goes_out_in_the_alert_schema_on_a_fifo_topic(aws, start_function):
    topic, queue = aws.topic_with_queue(fifo=True)
    function = start_function("events", ALERT_TOPIC_ARN=topic)
    event = load_event(ALARM_EVENT)
    kind, response = function.invoke(event)
    assert kind == "response", response
    # EventBridge delivers at least once: the repeat has the same id, and FIFO drops it
    # (moto deduplicates against the messages still in the queue, so read after both).
    kind, response = function.invoke(event)
    assert (kind, response["alerts"]) == ("response", 1), response
    message = only_message(aws, queue)
    payload = check_alarm_alert(message, event, "ALARM", "new", "OK", 37)
    assert message["_sqs"]["MessageGroupId"] == payload["group_id"]
    assert message["_sqs"]["MessageDeduplicationId"] == payload["id"]


def test_alarm_and_its_resolution_share_a_group(aws, setup):
    _, queue, function = setup
    function.invoke(load_event(ALARM_EVENT))
    function.invoke(load_event(OK_EVENT))
    payloads = [m["_payload"] for m in aws.messages(queue)]
    assert sorted(p["kind"] for p in payloads) == ["new", "resolved"]
    assert payloads[0]["group_id"] == payloads[1]["group_id"]
    assert payloads[0]["id"] != payloads[1]["id"]


def test_insufficient_data_transitions_are_not_sent(aws, setup):
    _, queue, function = setup
    event = load_event(ALARM_EVENT)
    event["detail"]["state"]["value"] = "INSUFFICIENT_DATA"
    event["detail"]["state"]["reason"] = "Insufficient Data: 1 datapoint was unknown."
    kind, response = function.invoke(event)
    assert (kind, response["alerts"]) == ("response", 0), response
    assert aws.messages(queue) == []


# --------------------------------------------------------------------------- the models behind an alarm


def shifted(name: str, day: int) -> dict:
    """A sample alarm event moved from 21 November 2026 to another day of that month, so that
    the metrics a test puts for its window are its own (moto is shared by the session)."""
    text = (EVENTS / name).read_text()
    text = text.replace("2026-11-21", f"2026-11-{day:02d}").replace("21/11/26", f"{day:02d}/11/26")
    return json.loads(text)


def put_throttles(aws, day: int, model: str, minute_values: list[tuple[int, int, float]],
                  metric: str = "InvocationThrottles") -> None:
    """Datapoints of AWS/Bedrock `metric` for ModelId `model` at (hour, minute) of the day."""
    aws.cloudwatch.put_metric_data(Namespace="AWS/Bedrock", MetricData=[
        {
            "MetricName": metric,
            "Dimensions": [{"Name": "ModelId", "Value": model}],
            "Timestamp": datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc),
            "Value": value,
            "Unit": "Count",
        }
        for hour, minute, value in minute_values
    ])


def top_models(payload: dict) -> list[tuple[str, float]]:
    assert "top_models_unavailable" not in payload, payload
    return [(m["model_id"], m["value"]) for m in payload["top_models"]]


def test_alarm_names_the_models_with_most_throttles_in_its_window(aws, setup, cloudwatch):
    """The alarm event of 14:06:12 evaluated 14:00-14:05: 37 throttles, 21 + 11 + 5 by model."""
    _, queue, function = setup
    day = 10
    put_throttles(aws, day, SONNET, [(14, 1, 6), (14, 2, 8), (14, 4, 7)])
    put_throttles(aws, day, HAIKU, [(14, 2, 5), (14, 3, 6)])
    put_throttles(aws, day, NOVA_LITE, [(14, 3, 5)])
    # Outside the window (long before it; after the evaluated period, before and after the
    # state change at 14:06:12): not counted.
    put_throttles(aws, day, "meta.llama3-70b-instruct-v1:0", [(13, 20, 400), (14, 5, 400), (14, 20, 400)])
    put_throttles(aws, day, SONNET, [(14, 6, 1000)])
    # Another metric in the window: not the alarm's.
    put_throttles(aws, day, "mistral.mistral-large-2402-v1:0", [(14, 2, 99)], metric="InvocationServerErrors")

    kind, response = function.invoke(shifted(ALARM_EVENT, day))
    assert kind == "response", response
    payload = only_message(aws, queue)["_payload"]
    assert top_models(payload) == [(SONNET, 21), (HAIKU, 11), (NOVA_LITE, 5)]
    assert cloudwatch.calls.get("GetMetricData", 0) >= 1


def test_alarm_lists_at_most_five_models(aws, setup):
    _, queue, function = setup
    day = 11
    models = [f"amazon.nova-model-{n}-v1:0" for n in range(1, 8)]
    for n, model in enumerate(models, 1):
        put_throttles(aws, day, model, [(14, 2, float(n))])
    kind, response = function.invoke(shifted(ALARM_EVENT, day))
    assert kind == "response", response
    listed = top_models(only_message(aws, queue)["_payload"])
    assert listed == [(models[n - 1], n) for n in (7, 6, 5, 4, 3)]


def check_unavailable(aws, queue, response) -> dict:
    assert response["alerts"] == 1, response
    payload = only_message(aws, queue)["_payload"]
    assert (payload["source"], payload["status"], payload["kind"]) == ("alarm", "ALARM", "new")
    why = payload.get("top_models_unavailable")
    assert isinstance(why, str) and why, payload
    assert "top_models" not in payload, payload
    alarm = alarm_of(payload)
    assert alarm["name"] == ALARM_NAME and alarm["value"] == 37
    return payload


def test_unreachable_cloudwatch_still_sends_the_alarm_saying_so(aws, start_function):
    topic, queue = aws.topic_with_queue()
    function = start_function("events", ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_CLOUDWATCH=closed_port_url())
    kind, response = function.invoke(load_event(ALARM_EVENT))
    assert kind == "response", response
    check_unavailable(aws, queue, response)


def test_cloudwatch_refusing_access_still_sends_the_alarm_saying_so(aws, setup, cloudwatch):
    _, queue, function = setup
    cloudwatch.deny = True
    kind, response = function.invoke(load_event(ALARM_EVENT))
    assert kind == "response", response
    payload = check_unavailable(aws, queue, response)
    assert "AccessDenied" in payload["top_models_unavailable"], payload["top_models_unavailable"]
    assert cloudwatch.calls, "CloudWatch was never asked"


def test_alarm_publishing_failure_fails_the_invocation(start_function):
    function = start_function("events", ALERT_TOPIC_ARN=f"arn:aws:sns:{REGION}:123456789012:missing")
    kind, error = function.invoke(load_event(ALARM_EVENT))
    assert (kind, error["errorType"]) == ("error", "PublishError")
