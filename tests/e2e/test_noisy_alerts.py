"""Alerts that said more than happened (issue 14), end to end on the real binaries."""

from __future__ import annotations

from conftest import load_event


def test_a_plain_text_log_message_is_one_finding(aws, start_function):
    """The Lambda documentation's sample CloudWatch Logs event: two log events whose
    messages are `[ERROR] First test message` and `[ERROR] Second test message`. Each message
    is one record, so two unparseable records, not four."""
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic)
    kind, response = function.invoke(load_event("cwlogs-lambda-sample.json"))
    assert kind == "response", response
    assert response["findings"] == 2
    [message] = aws.messages(queue)
    payload = message["_payload"]
    assert (payload["status"], payload["count"]) == ("UNPARSEABLE_RECORD", 2)
    assert sorted(item["origin"]["event_id"] for item in payload["items"]) == [
        "eventId1",
        "eventId2",
    ]
