"""The alert outputs beside the topic (issue 18), end to end on the real binaries and moto:

* CHAT_TOPIC_ARN: every alert also goes to a chat topic as an Amazon Q Developer custom
  notification, the SNS message itself (no MessageStructure), read here through an SQS
  subscriber with raw delivery off, as Amazon Q receives SNS envelopes;
* EVENT_BUS: every alert also goes to EventBridge (PutEvents: source `bedrock-alerts`,
  detail-type `Bedrock Alert`, detail the alert/v1 payload), read here through a rule on the
  bus that targets an SQS queue (moto delivers PutEvents matches to SQS targets inside the
  call);
* failures of either fail the invocation with PublishError; EventBridge's failed entries are
  retried alone; neither is called when its variable is unset or empty.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib

import pytest
from conftest import ALERT_DETAIL_TYPE, ALERT_EVENT_SOURCE, REGION, load_event, subscription_event
from faultproxy import Faults
from test_bad_inputs import CASES, ENV as CORPUS_ENV, case_bytes, notification, object_key
from test_lost_alerts import KB_LOG_GROUP, kb_failure

INVOCATION_KEY = (
    "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/"
    "20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
)
ODD_KEY = "uploads/kb logs+2026/11/20/kb=1.json.gz"
# S3 trigger -> the statuses of the alerts it yields (events/README.md).
S3_SAMPLES = {
    "s3-object-created.json": ["ThrottlingException", "ValidationException"],
    "s3-object-created-odd-key.json": ["COMPLETE", "EMBEDDING_FAILED", "INDEXING_FAILED", "RESOURCE_IGNORED"],
}
ALARM_EVENT = "eventbridge-alarm-throttles-alarm.json"
ALARM_ARN = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:bedrock-alerts-BedrockThrottlesAlarm-1A2B3C4D5E6F"
JOB_EVENTS = ["eventbridge-bedrock-customization-failed.json", "eventbridge-bedrock-batch-partially-completed.json"]
CANARIES = ("CANARY-PROMPT-7f3a", "CANARY-OUTPUT-9c2e")
MISSING_TOPIC = f"arn:aws:sns:{REGION}:123456789012:no-such-chat-topic"
MANY = 60  # alerts of one invocation in the batching test: six puts of ten
PUT_EVENTS_LIMIT = 256 * 1024


@pytest.fixture
def bucket(aws) -> str:
    """A bucket holding the objects the S3 samples name."""
    name = aws.bucket()
    aws.put(name, INVOCATION_KEY, "objects/invocation-batch.json.gz")
    aws.put(name, ODD_KEY, "objects/kb-application-logs.json.gz")
    return name


def unescaped(markdown: str) -> str:
    """Markdown text without its backslash escapes (`EMBEDDING\\_FAILED` reads EMBEDDING_FAILED)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def check_chat(chat: list[dict], alerts: list[dict]) -> dict[str, tuple[dict, dict]]:
    """One chat notification per alert, each rendered from its alert; returns
    alert id -> (chat notification, alert payload)."""
    by_id = {m["_payload"]["id"]: m for m in alerts}
    assert len(by_id) == len(alerts) > 0, [m["_payload"] for m in alerts]
    matched = {}
    for envelope in chat:
        note = envelope["_chat"]
        # The SNS message is the notification itself, not a MessageStructure document.
        assert isinstance(note, dict) and "default" not in note, envelope["Message"][:200]
        context = note["metadata"]["additionalContext"]
        alert_id = context["alert_id"]
        assert alert_id in by_id, f"a chat notification of no alert: {alert_id}"
        assert alert_id not in matched, f"two chat notifications of alert {alert_id}"
        alert = by_id[alert_id]
        payload = alert["_payload"]
        assert (note["version"], note["source"], note["id"]) == ("1.0", "custom", payload["id"])
        content = note["content"]
        assert content["textType"] == "client-markdown"
        title = unescaped(content["title"])
        assert payload["severity"] in title and payload["status"] in title, (content["title"], payload["status"])
        assert isinstance(content["description"], str) and content["description"].strip(), content
        assert all(isinstance(step, str) and step for step in content.get("nextSteps", [])), content
        keywords = content["keywords"]
        assert keywords[0] == payload["severity"], keywords
        assert payload["source"] in keywords and payload["status"] in keywords, keywords
        metadata = note["metadata"]
        assert metadata["threadId"] == (payload.get("incident_id") or payload["group_id"]), (metadata, payload)
        assert metadata["summary"] == alert["Subject"]
        assert metadata["eventType"] == "BedrockAlert"
        assert all(isinstance(r, str) and r for r in metadata.get("relatedResources", [])), metadata
        assert all(isinstance(v, str) for v in context.values()), context
        assert context["group_id"] == payload["group_id"]
        assert (context["severity"], context["source"], context["status"]) == (
            payload["severity"], payload["source"], payload["status"])
        assert context["count"] == str(payload["count"])
        # The SNS side: the alert's subject and message attributes.
        assert envelope["Subject"] == alert["Subject"]
        assert envelope["_attributes"] == alert["_attributes"]
        matched[alert_id] = (note, payload)
    assert sorted(matched) == sorted(by_id), "one chat notification per alert"
    return matched


def check_bus(events: list[dict], alerts: list[dict]) -> None:
    """Exactly one event per alert, its detail the alert's payload (the same dict)."""
    payloads = sorted((m["_payload"] for m in alerts), key=lambda p: p["id"])
    details = sorted((e["detail"] for e in events), key=lambda d: d["id"])
    assert len(payloads) > 0
    assert [d["id"] for d in details] == [p["id"] for p in payloads], "each alert exactly once"
    assert details == payloads
    for event in events:
        assert (event["source"], event["detail-type"]) == (ALERT_EVENT_SOURCE, ALERT_DETAIL_TYPE), event


def no_canary(*outputs: list[dict]) -> None:
    text = json.dumps(outputs)
    for canary in CANARIES:
        assert canary not in text, f"{canary} reached an output"
    assert "CANARY" not in text


# --------------------------------------------------------------------------- chat topic


@pytest.mark.parametrize("sample", sorted(S3_SAMPLES))
def test_s3_alerts_go_to_the_chat_topic_one_notification_each(aws, start_function, chat_topic, bucket, sample):
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn)
    kind, response = function.invoke(load_event(sample, bucket))
    assert kind == "response", response
    alerts = aws.messages(queue)
    assert sorted(m["_payload"]["status"] for m in alerts) == S3_SAMPLES[sample]
    notes = aws.chat_messages(chat.queue)
    check_chat(notes, alerts)
    no_canary(notes)


@pytest.mark.parametrize("sample", [ALARM_EVENT, *JOB_EVENTS])
def test_events_function_alerts_go_to_the_chat_topic(aws, start_function, chat_topic, sample):
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    function = start_function("events", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn)
    event = load_event(sample)
    kind, response = function.invoke(event)
    assert (kind, response.get("alerts")) == ("response", 1), response
    alerts = aws.messages(queue)
    (note, payload), = check_chat(aws.chat_messages(chat.queue), alerts).values()
    related = note["metadata"].get("relatedResources", [])
    if sample == ALARM_EVENT:
        assert payload["source"] == "alarm"
        assert ALARM_ARN in related, related
        assert "console.aws.amazon.com" in " ".join(note["content"].get("nextSteps", [])), note["content"]
    else:
        assert payload["source"] == "bedrock_job"
        assert payload["job_arn"] in related, related


def test_chat_is_published_as_the_message_itself_and_alerts_as_json_structure(aws, start_function, chat_topic,
                                                                              bucket, proxy):
    """What the function asks SNS for: MessageStructure json on the alert topic (its
    per-protocol payloads), none on the chat topic (Amazon Q reads the message as sent)."""
    front = proxy(Faults())
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn, AWS_ENDPOINT_URL_SNS=front.url)
    kind, response = function.invoke(load_event("s3-object-created-odd-key.json", bucket))
    assert kind == "response", response
    calls = front.faults.sns_publishes
    assert {c["topic"] for c in calls} == {topic, chat.arn}, calls
    to_chat = [s for c in calls if c["topic"] == chat.arn for s in c["structures"]]
    to_topic = [s for c in calls if c["topic"] == topic for s in c["structures"]]
    assert to_chat == [None] * 4, calls
    assert to_topic == ["json"] * 4, calls
    check_chat(aws.chat_messages(chat.queue), aws.messages(queue))


def test_chat_threads_by_incident_when_there_is_a_state_table(aws, start_function, chat_topic, bucket):
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn,
                              ALERT_STATE_TABLE=aws.state_table(), ALERT_REPEAT_INTERVAL="15m")
    kind, response = function.invoke(load_event("s3-object-created.json", bucket))
    assert kind == "response", response
    alerts = aws.messages(queue)
    assert len(alerts) == 2 and all(m["_payload"].get("incident_id") for m in alerts), alerts
    matched = check_chat(aws.chat_messages(chat.queue), alerts)
    for note, payload in matched.values():
        assert note["metadata"]["threadId"] == payload["incident_id"] != payload["group_id"]


def test_fifo_chat_topic_gets_the_alert_topics_group_and_dedup_ids(aws, start_function, chat_topic):
    topic, queue = aws.topic_with_queue(fifo=True)
    chat = chat_topic(fifo=True)
    function = start_function("events", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn)
    kind, response = function.invoke(load_event(ALARM_EVENT))
    assert kind == "response", response
    alerts = aws.messages(queue)
    notes = aws.chat_messages(chat.queue)
    check_chat(notes, alerts)
    [note], [alert] = notes, alerts
    assert note["_sqs"]["MessageGroupId"] == alert["_sqs"]["MessageGroupId"] == alert["_payload"]["group_id"]
    assert note["_sqs"]["MessageDeduplicationId"] == alert["_payload"]["id"]


def canary_cases() -> list[dict]:
    """The bad-input corpus's object files whose records carry the canaries."""
    found = []
    for case in CASES:
        if case["kind"] != "object" or "file" not in case:
            continue
        body = case_bytes(case)
        try:
            decoded = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            decoded = body
        if b"CANARY" in body or b"CANARY" in decoded:
            found.append(case)
    return found


def test_no_prompt_or_response_reaches_chat_or_the_bus(aws, start_function, chat_topic, event_bus):
    """Every object of the bad-input corpus that carries the canaries, read in one invocation
    with both outputs on: no canary in any chat notification or bus event."""
    cases = canary_cases()
    assert len(cases) >= 10, [c["name"] for c in cases]
    bucket = aws.bucket()
    records = []
    for case in cases:
        body = case_bytes(case)
        aws.s3.put_object(Bucket=bucket, Key=object_key(case), Body=body)
        records += notification(bucket, object_key(case), len(body))["Records"]
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    bus = event_bus()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn, EVENT_BUS=bus.name, **CORPUS_ENV)
    kind, response = function.invoke({"Records": records})
    assert kind == "response", response
    alerts = aws.messages(queue)
    notes = aws.chat_messages(chat.queue)
    events = aws.bus_events(bus.queue)
    assert response["alerts"] == len(alerts) == len(notes) == len(events), response
    by_id = {n["_chat"]["metadata"]["additionalContext"]["alert_id"] for n in notes}
    assert by_id == {m["_payload"]["id"] for m in alerts}
    check_bus(events, alerts)
    no_canary(notes, events)
    for canary in CANARIES:
        assert canary not in function.logs()


# --------------------------------------------------------------------------- EventBridge


@pytest.mark.parametrize("address", ["name", "arn", "default"])
def test_each_s3_alert_is_put_on_the_bus(aws, start_function, event_bus, bucket, address):
    topic, queue = aws.topic_with_queue()
    bus = event_bus(default=address == "default")
    function = start_function("s3", ALERT_TOPIC_ARN=topic, EVENT_BUS=bus.arn if address == "arn" else bus.name)
    kind, response = function.invoke(load_event("s3-object-created-odd-key.json", bucket))
    assert kind == "response", response
    alerts = aws.messages(queue)
    assert len(alerts) == 4
    events = aws.bus_events(bus.queue)
    check_bus(events, alerts)
    no_canary(events)


@pytest.mark.parametrize("sample", [ALARM_EVENT, JOB_EVENTS[0]])
def test_events_function_alerts_are_put_on_the_bus(aws, start_function, event_bus, chat_topic, sample):
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    chat = chat_topic()
    function = start_function("events", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn, EVENT_BUS=bus.name)
    kind, response = function.invoke(load_event(sample))
    assert (kind, response.get("alerts")) == ("response", 1), response
    alerts = aws.messages(queue)
    check_bus(aws.bus_events(bus.queue), alerts)
    check_chat(aws.chat_messages(chat.queue), alerts)


def test_a_rule_on_detail_severity_gets_only_the_error_alerts(aws, start_function, event_bus, bucket):
    """The KB log sample yields 2 ERROR and 2 WARN alerts."""
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    errors_only = event_bus(on=bus, pattern={"source": [ALERT_EVENT_SOURCE], "detail-type": [ALERT_DETAIL_TYPE],
                                             "detail": {"severity": ["ERROR"]}})
    function = start_function("s3", ALERT_TOPIC_ARN=topic, EVENT_BUS=bus.name)
    kind, response = function.invoke(load_event("s3-object-created-odd-key.json", bucket))
    assert kind == "response", response
    alerts = aws.messages(queue)
    assert sorted(m["_payload"]["severity"] for m in alerts) == ["ERROR", "ERROR", "WARN", "WARN"]
    check_bus(aws.bus_events(bus.queue), alerts)
    check_bus(aws.bus_events(errors_only.queue), [m for m in alerts if m["_payload"]["severity"] == "ERROR"])


def many_failures_event(aws) -> dict:
    """An S3 notification for an invocation log of MANY distinct error codes: MANY alerts."""
    records = [
        {"schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-20T14:05:00Z",
         "accountId": "111122223333", "region": "us-east-1", "requestId": f"req-{i}", "operation": "InvokeModel",
         "modelId": "anthropic.claude-3-haiku-20240307-v1:0", "errorCode": f"ManyFailures{i:02d}",
         "errorMessage": "x" * 900,
         "input": {"inputBodyJson": {"messages": [{"role": "user", "content": "CANARY-PROMPT-7f3a"}]}},
         "output": {"outputBodyJson": {"output": "CANARY-OUTPUT-9c2e"}}}
        for i in range(MANY)
    ]
    bucket = aws.bucket()
    body = gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode(), mtime=0)
    aws.s3.put_object(Bucket=bucket, Key=INVOCATION_KEY, Body=body)
    return load_event("s3-object-created.json", bucket)


def test_many_alerts_go_in_puts_of_at_most_ten_entries_each_once(aws, start_function, event_bus, chat_topic, proxy):
    front = proxy(Faults())
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    chat = chat_topic()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn, EVENT_BUS=bus.name,
                              AWS_ENDPOINT_URL_EVENTBRIDGE=front.url, MAX_ALERTS_PER_INVOCATION="100")
    kind, response = function.invoke(many_failures_event(aws))
    assert (kind, response.get("alerts")) == ("response", MANY), response
    alerts = aws.messages(queue)
    assert len(alerts) == MANY
    check_bus(aws.bus_events(bus.queue), alerts)
    check_chat(aws.chat_messages(chat.queue), alerts)
    calls = front.faults.put_events
    assert sum(c["entries"] for c in calls) == MANY, calls
    assert all(1 <= c["entries"] <= 10 and c["bytes"] <= PUT_EVENTS_LIMIT for c in calls), calls
    assert all(b == bus.name for c in calls for b in c["buses"]), calls
    assert all(not r for c in calls for r in c["resources"]), "Resources = []"


def test_large_alerts_are_put_within_256_kib_per_call(aws, start_function, event_bus, proxy):
    """Ten ~40 KB alerts: more than one PutEvents call may carry."""
    front = proxy(Faults())
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, EVENT_BUS=bus.name, ITEMS_PER_ALERT="50",
                              AWS_ENDPOINT_URL_EVENTBRIDGE=front.url)
    records = [kb_failure(kb, doc) for kb in range(10) for doc in range(50)]
    kind, response = function.invoke(subscription_event(KB_LOG_GROUP, records))
    assert (kind, response.get("alerts")) == ("response", 10), response
    alerts = aws.messages(queue)
    assert min(len(json.dumps(m["_payload"])) for m in alerts) > 30_000
    check_bus(aws.bus_events(bus.queue), alerts)
    calls = front.faults.put_events
    assert len(calls) >= 2 and sum(c["entries"] for c in calls) == 10, calls
    assert all(c["bytes"] <= PUT_EVENTS_LIMIT for c in calls), calls


def test_an_alert_trimmed_for_sns_is_put_as_trimmed(aws, start_function, event_bus, chat_topic):
    """One alert listing 400 documents of ~1 KB is over SNS's 256 KiB: its payload is
    trimmed (items dropped, `truncated`), and the bus gets that same payload."""
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    chat = chat_topic()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn, EVENT_BUS=bus.name,
                              ITEMS_PER_ALERT="400")
    kind, response = function.invoke(subscription_event(KB_LOG_GROUP, [kb_failure(1, doc) for doc in range(400)]))
    assert (kind, response.get("alerts")) == ("response", 1), response
    alerts = aws.messages(queue)
    payload = alerts[0]["_payload"]
    assert payload.get("truncated") is True and 0 < len(payload["items"]) < 400, len(payload.get("items", []))
    check_bus(aws.bus_events(bus.queue), alerts)
    check_chat(aws.chat_messages(chat.queue), alerts)


# --------------------------------------------------------------------------- failures


def test_a_bus_that_does_not_exist_fails_the_invocation(aws, start_function, chat_topic, bucket):
    """moto answers PutEvents on a missing bus with ResourceNotFoundException (the whole call).
    The topic and the chat topic come first: they have the alerts."""
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=chat.arn, EVENT_BUS="no-such-bus")
    kind, error = function.invoke(load_event("s3-object-created.json", bucket))
    assert (kind, error["errorType"]) == ("error", "PublishError"), error
    alerts = aws.messages(queue)
    assert len(alerts) == 2
    check_chat(aws.chat_messages(chat.queue), alerts)


def test_a_bus_arn_that_does_not_exist_fails_the_events_function(aws, start_function):
    topic, queue = aws.topic_with_queue()
    function = start_function("events", ALERT_TOPIC_ARN=topic,
                              EVENT_BUS=f"arn:aws:events:{REGION}:123456789012:event-bus/no-such-bus")
    kind, error = function.invoke(load_event(ALARM_EVENT))
    assert (kind, error["errorType"]) == ("error", "PublishError"), error
    assert len(aws.messages(queue)) == 1


@pytest.mark.parametrize(("kind", "sample"), [("s3", "s3-object-created.json"), ("events", JOB_EVENTS[0])])
def test_a_chat_topic_that_does_not_exist_fails_the_invocation(aws, start_function, bucket, kind, sample):
    topic, queue = aws.topic_with_queue()
    function = start_function(kind, ALERT_TOPIC_ARN=topic, CHAT_TOPIC_ARN=MISSING_TOPIC)
    outcome, error = function.invoke(load_event(sample, bucket))
    assert (outcome, error["errorType"]) == ("error", "PublishError"), error
    assert len(aws.messages(queue)) == (2 if kind == "s3" else 1), "the alert topic comes first"


def test_an_eventbridge_500_is_retried_and_the_alert_put_once(aws, start_function, event_bus, proxy):
    faults = Faults(put_events_faults=["500"])
    front = proxy(faults)
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    function = start_function("events", ALERT_TOPIC_ARN=topic, EVENT_BUS=bus.name,
                              AWS_ENDPOINT_URL_EVENTBRIDGE=front.url)
    kind, response = function.invoke(load_event(ALARM_EVENT))
    assert kind == "response", response
    assert faults.put_events_injected["500"] == 1
    assert len(faults.put_events) >= 2, faults.put_events
    check_bus(aws.bus_events(bus.queue), aws.messages(queue))


def test_failed_entries_are_retried_alone_and_put_once(aws, start_function, event_bus, proxy, bucket):
    """The first put's first entry fails (FailedEntryCount 1), the other is delivered: the
    retry puts the failed entry only."""
    faults = Faults(put_events_faults=["partial"])
    front = proxy(faults)
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, EVENT_BUS=bus.name, AWS_ENDPOINT_URL_EVENTBRIDGE=front.url)
    kind, response = function.invoke(load_event("s3-object-created.json", bucket))
    assert kind == "response", response
    assert faults.put_events_injected["partial"] == 1
    assert [c["entries"] for c in faults.put_events] == [2, 1], faults.put_events
    check_bus(aws.bus_events(bus.queue), aws.messages(queue))


def test_an_entry_failing_on_every_attempt_fails_the_invocation(aws, start_function, event_bus, proxy):
    faults = Faults(put_events_faults=["partial"] * 10)
    front = proxy(faults)
    topic, queue = aws.topic_with_queue()
    bus = event_bus()
    function = start_function("events", ALERT_TOPIC_ARN=topic, EVENT_BUS=bus.name,
                              AWS_ENDPOINT_URL_EVENTBRIDGE=front.url, PUBLISH_MAX_ATTEMPTS="2")
    kind, error = function.invoke(load_event(ALARM_EVENT))
    assert (kind, error["errorType"]) == ("error", "PublishError"), error
    assert len(faults.put_events) == 2, faults.put_events
    assert aws.bus_events(bus.queue) == []
    assert len(aws.messages(queue)) == 1


# --------------------------------------------------------------------------- neither set


@pytest.mark.parametrize(("kind", "sample", "outputs"), [
    ("s3", "s3-object-created.json", {}),
    ("s3", "s3-object-created.json", {"CHAT_TOPIC_ARN": "", "EVENT_BUS": ""}),
    ("events", ALARM_EVENT, {}),
    ("events", ALARM_EVENT, {"CHAT_TOPIC_ARN": "", "EVENT_BUS": ""}),
], ids=["s3-unset", "s3-empty", "events-unset", "events-empty"])
def test_without_chat_topic_or_bus_only_the_topic_is_sent_to(aws, start_function, chat_topic, event_bus, proxy,
                                                             bucket, kind, sample, outputs):
    """Unset or empty (the template's value when there is none): no PutEvents call at all,
    no publish but to the alert topic; a rule on the default bus and a chat topic's queue
    stay empty."""
    front = proxy(Faults())
    topic, queue = aws.topic_with_queue()
    chat = chat_topic()
    default_bus = event_bus(default=True)
    function = start_function(kind, ALERT_TOPIC_ARN=topic, AWS_ENDPOINT_URL_SNS=front.url,
                              AWS_ENDPOINT_URL_EVENTBRIDGE=front.url, **outputs)
    outcome, response = function.invoke(load_event(sample, bucket))
    assert outcome == "response", response
    assert len(aws.messages(queue)) == response["alerts"] > 0
    assert front.faults.put_events == []
    assert {c["topic"] for c in front.faults.sns_publishes} == {topic}
    assert aws.chat_messages(chat.queue) == []
    assert aws.bus_events(default_bus.queue) == []

