"""One incident, one message (issue 16), end to end on the real binaries with moto's DynamoDB.

A storm: three incidents, 5,000 failure records in 200 CloudWatch Logs batches, some of them
delivered twice (Lambda retries), and S3 objects that repeat records already read through
CloudWatch — handled by four CloudWatch function instances and an S3 function at once, with
a 5-second repeat interval. Then the scheduled flush reports what is still pending, once the
test has ended the incidents' windows in the state table (windows end on the clock; the tests
move it rather than wait for it).

DynamoDB calls pass through the fault proxy, which counts them, runs them one at a time (as
DynamoDB makes each item write atomic, which moto's threaded server does not) and can fail
them all.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import subscription_event
from faultproxy import Faults
from test_lost_alerts import KB_LOG_GROUP, invocation_failure, kb_failure, ndjson_gz, sqs_event
from test_cli_replay import run_cli

INTERVAL = 5
INVOCATION_LOG_GROUP = "/aws/bedrock/modelinvocations"
KEY = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/{}_4dbc03d57ffa1c7d.json.gz"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-pro-v1:0"


def storm_records() -> dict[str, list[dict]]:
    """The storm's unique records by incident status: 2,500 + 1,500 invocation failures over
    five minutes of record time, and 1,000 failed documents of one ingestion job."""
    throttled = []
    for i in range(2_500):
        record = invocation_failure(f"throttle-{i:05d}", "ThrottlingException", HAIKU)
        record["timestamp"] = f"2026-11-20T14:0{i % 5}:{i % 60:02d}Z"
        throttled.append(record)
    unavailable = []
    for i in range(1_500):
        record = invocation_failure(f"unavailable-{i:05d}", "ServiceUnavailableException", NOVA)
        record["timestamp"] = f"2026-11-20T14:0{i % 5}:{i % 60:02d}Z"
        unavailable.append(record)
    documents = [kb_failure(7, doc) for doc in range(1_000)]
    return {"ThrottlingException": throttled, "ServiceUnavailableException": unavailable, "EMBEDDING_FAILED": documents}


def storm_jobs(records: dict[str, list[dict]], bucket: str, aws, retried_batches: int) -> list[tuple[str, dict, int]]:
    """The storm as invocations: ("cwlogs", event, 25) for 200 batches of 25 records, every
    fifth one of the knowledge base (so each incident keeps occurring and stays open), with
    `retried_batches` of them delivered again a few invocations later, as Lambda retries do;
    and ("s3", event, 300) for three objects repeating records read through CloudWatch."""
    rng = random.Random(16)
    invocations = records["ThrottlingException"] + records["ServiceUnavailableException"]
    rng.shuffle(invocations)
    documents = records["EMBEDDING_FAILED"]
    model_batches = [subscription_event(INVOCATION_LOG_GROUP, invocations[i:i + 25])
                     for i in range(0, len(invocations), 25)]
    kb_batches = [subscription_event(KB_LOG_GROUP, documents[i:i + 25]) for i in range(0, len(documents), 25)]
    batches = []
    for number, event in enumerate(model_batches):
        batches.append(("cwlogs", event, 25))
        if number % 4 == 3:
            batches.append(("cwlogs", kb_batches[number // 4], 25))
    for position in sorted(rng.sample(range(len(batches) - 8), retried_batches), reverse=True):
        batches.insert(position + 8, batches[position])
    for number, position in enumerate((len(batches) // 4, len(batches) // 2, 3 * len(batches) // 4)):
        key = KEY.format(f"2026-11-20T14-0{number}-00Z")
        aws.s3.put_object(Bucket=bucket, Key=key, Body=ndjson_gz(rng.sample(invocations, 300)))
        batches.insert(position, ("s3", sqs_event(bucket, [key]), 300))
    return batches


def run_storm(aws, start, dynamodb, table: str | None, batches_retried: int = 20, limit: int | None = None) -> dict:
    """Runs the storm on four CloudWatch function instances and an S3 function started with
    `start(kind, **env)`, their DynamoDB calls through the proxy `dynamodb`, with the state
    `table` (or none: stateless); returns what is needed to check the outcome."""
    topic, queue = aws.topic_with_queue()
    bucket = aws.bucket()
    env = {"ALERT_TOPIC_ARN": topic, "ALERT_STATE_TABLE": table, "ALERT_REPEAT_INTERVAL": str(INTERVAL),
           "AWS_ENDPOINT_URL_DYNAMODB": dynamodb.url}
    records = storm_records()
    jobs = storm_jobs(records, bucket, aws, batches_retried)[:limit]
    cwlogs = [start("cwlogs", **env) for _ in range(4)]
    s3 = start("s3", **env)
    lanes: dict[int, list[tuple[object, dict]]] = defaultdict(list)
    for number, (kind, event, _) in enumerate(jobs):
        lane = 4 if kind == "s3" else number % 4
        lanes[lane].append((s3 if kind == "s3" else cwlogs[lane], event))

    def drive(lane: list) -> list:
        return [function.invoke(event) for function, event in lane]

    started = time.time()
    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = [outcome for lane in pool.map(drive, lanes.values()) for outcome in lane]
    assert all(kind == "response" for kind, _ in outcomes), outcomes
    return {"records": records, "jobs": jobs, "queue": queue, "s3": s3, "functions": [*cwlogs, s3],
            "started": started, "proxy": dynamodb, "table": table}


@pytest.fixture
def storm(aws, start_function, proxy):
    """storm(Faults(...), ...) runs the storm with a fresh state table."""

    def run(faults: Faults, batches_retried: int = 20, limit: int | None = None) -> dict:
        return run_storm(aws, start_function, proxy(faults), aws.state_table(), batches_retried, limit)

    return run


def by_incident(messages: list[dict]) -> dict[str, list[dict]]:
    incidents = defaultdict(list)
    for message in messages:
        incidents[message["_payload"]["status"]].append(message["_payload"])
    return incidents


def end_windows(aws, table: str) -> set[str]:
    """Moves the state table an interval on, as the scheduled flush would find it later:
    every incident with occurrences pending gets a window that ended a second ago and is due
    now. Windows end on the clock and nothing signals it, so tests end them here instead of
    waiting. Returns the incident keys that had something pending."""
    now = int(time.time())
    ended = set()
    for page in aws.dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            if item["sk"]["S"] != "state":
                continue
            state = json.loads(item["state"]["S"])
            incident = state.get("incident")
            if not incident or incident["pending"] == 0:
                continue
            incident["window_end"] = min(incident["window_end"], now - 1)
            item["state"] = {"S": json.dumps(state)}
            item["due_at"] = {"N": str(min(int(item["due_at"]["N"]), now - 1))}
            aws.dynamodb.put_item(TableName=table, Item=item)
            ended.add(item["pk"]["S"])
    return ended


def flush(function) -> int:
    """Invokes the scheduled flush; returns how many messages it sent."""
    kind, response = function.invoke({"bedrock_alerts": "flush"})
    assert kind == "response", response
    return response["flushed"]


def emf_sum(functions, metric: str) -> int:
    total = 0
    for function in functions:
        for line in function.logs().splitlines():
            if '"_aws"' in line and f'"{metric}"' in line:
                total += json.loads(line[line.index("{"):])[metric]
    return total


def test_a_storm_is_one_message_per_incident_per_window_with_exact_counts(aws, storm):
    run = storm(Faults())
    records = run["records"]
    expected = {status: len(rows) for status, rows in records.items()}
    messages = aws.messages(run["queue"])
    during = len(messages)
    warnings = [line for f in run["functions"] for line in f.logs().splitlines() if "WARN" in line]
    assert all("kind" in m["_payload"] for m in messages), [w[:600] for w in warnings[:3]]
    reported_during = {status: sum(p["occurrences"] for p in payloads) for status, payloads in by_incident(messages).items()}
    waiting = {status for status, total in expected.items() if reported_during.get(status, 0) < total}
    pending = end_windows(aws, run["table"])
    flushed = flush(run["s3"])
    messages.extend(aws.messages(run["queue"]))
    elapsed = time.time() - run["started"]
    incidents = by_incident(messages)

    assert set(incidents) == set(expected)
    for status, payloads in incidents.items():
        kinds = [p["kind"] for p in payloads]
        assert kinds.count("new") == 1 and kinds[0] == "new", (status, kinds)
        assert sum(p["occurrences"] for p in payloads) == expected[status], status
        assert [p["total"] for p in payloads] == sorted({p["total"] for p in payloads}), "totals only grow"
        assert payloads[-1]["total"] == expected[status]
        assert len({p["incident_id"] for p in payloads}) == 1
        assert len({p["group_id"] for p in payloads}) == 1
        assert all(p["schema"] == "bedrock-alerts/alert/v1" for p in payloads)
    windows = math.ceil(elapsed / INTERVAL)
    assert len(messages) <= 3 * (1 + windows), (len(messages), windows)
    # What the storm left pending (how much depends on how fast it ran) is exactly what the
    # flush sent: one follow-up per waiting incident, nothing for the others.
    assert len(pending) == len(waiting) and flushed == len(waiting) == len(messages) - during
    assert {m["_payload"]["status"] for m in messages[during:]} == waiting
    # Far fewer DynamoDB requests than records: they follow incidents and invocations.
    calls = sum(run["proxy"].faults.dynamodb_calls.values())
    assert calls < sum(expected.values()), run["proxy"].faults.dynamodb_calls
    # Each invocation failure is counted once in the metrics, whichever path read it first.
    invocation_failures = expected["ThrottlingException"] + expected["ServiceUnavailableException"]
    assert emf_sum(run["functions"], "InvocationErrors") == invocation_failures
    assert "CANARY" not in json.dumps(messages)


def test_the_flush_sends_what_waited_once_its_window_ends_and_only_then(aws, start_function):
    table = aws.state_table()
    topic, queue = aws.topic_with_queue()
    env = {"ALERT_TOPIC_ARN": topic, "ALERT_STATE_TABLE": table, "ALERT_REPEAT_INTERVAL": "15m"}
    function = start_function("cwlogs", **env)
    scheduled = start_function("s3", **env)  # the function the template schedules the flush on
    rows = [invocation_failure(f"w{i}", "ThrottlingException", HAIKU) for i in range(15)]
    assert function.invoke(subscription_event(INVOCATION_LOG_GROUP, rows[:10]))[0] == "response"
    assert function.invoke(subscription_event(INVOCATION_LOG_GROUP, rows[10:]))[0] == "response"
    first = [m["_payload"] for m in aws.messages(queue)]
    assert [(p["kind"], p["occurrences"], p["total"]) for p in first] == [("new", 10, 10)]
    assert flush(scheduled) == 0, "the window is still open"
    assert aws.messages(queue) == []

    assert len(end_windows(aws, table)) == 1
    assert flush(scheduled) == 1
    follow_up = [m["_payload"] for m in aws.messages(queue)]
    assert [(p["kind"], p["occurrences"], p["total"]) for p in follow_up] == [("repeat", 5, 15)]
    assert follow_up[0]["incident_id"] == first[0]["incident_id"]
    assert flush(scheduled) == 0, "reported once; the next window has nothing pending"
    assert aws.messages(queue) == []


def test_a_storm_with_the_state_table_down_still_delivers_every_incident(aws, storm):
    run = storm(Faults(dynamodb_down=True), batches_retried=0, limit=24)
    messages = aws.messages(run["queue"])
    payloads = [m["_payload"] for m in messages]
    touched = {status for status, rows in run["records"].items()}
    assert {p["status"] for p in payloads} == touched
    assert all(p["suppression"] == "unavailable" and "kind" not in p for p in payloads)
    # Nothing dropped: every delivery of every record is in a message.
    assert sum(p["count"] for p in payloads) == sum(records for _, _, records in run["jobs"])
    assert emf_sum(run["functions"], "SuppressionUnavailable") == len(messages)
    assert run["proxy"].faults.dynamodb_calls, "the functions tried the table"


def test_a_stalled_state_table_is_given_up_before_the_deadline(aws, start_function, proxy):
    dynamodb = proxy(Faults(stall_dynamodb=True, stall_seconds=60))
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, ALERT_STATE_TABLE=aws.state_table(),
                              AWS_ENDPOINT_URL_DYNAMODB=dynamodb.url)
    rows = [invocation_failure(f"s{i}", "ThrottlingException", HAIKU) for i in range(5)]
    kind, response = function.invoke(subscription_event(INVOCATION_LOG_GROUP, rows), timeout_ms=6_000)
    assert kind == "response", response
    assert not function.last_was_late, "answered before the deadline"
    payloads = [m["_payload"] for m in aws.messages(queue)]
    assert [(p["count"], p["suppression"]) for p in payloads] == [(5, "unavailable")]


def test_a_message_sns_refused_is_sent_by_the_retry_once(aws, start_function, proxy):
    faults = Faults(sns_failure_rate=1.0)
    front = proxy(faults)
    table = aws.state_table()
    topic, queue = aws.topic_with_queue()
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, ALERT_STATE_TABLE=table,
                              ALERT_REPEAT_INTERVAL="15m", AWS_ENDPOINT_URL_SNS=front.url)
    rows = [invocation_failure(f"r{i}", "ThrottlingException", HAIKU) for i in range(30)]
    event = subscription_event(INVOCATION_LOG_GROUP, rows)
    kind, _ = function.invoke(event)
    assert kind == "error"
    assert aws.messages(queue) == []
    faults.sns_failure_rate = 0.0
    kind, _ = function.invoke(event)
    assert kind == "response"
    payloads = [m["_payload"] for m in aws.messages(queue)]
    assert [(p["kind"], p["occurrences"], p["total"]) for p in payloads] == [("new", 30, 30)]
    # Confirmed: a third delivery of the same records sends nothing.
    assert function.invoke(event)[0] == "response"
    assert aws.messages(queue) == []


def test_the_cli_publishes_through_the_same_state(aws, moto_endpoint, start_function):
    table = aws.state_table()
    topic, queue = aws.topic_with_queue()
    bucket = aws.bucket()
    rows = [invocation_failure(f"cli-{i}", "ThrottlingException", HAIKU) for i in range(40)]
    key = KEY.format("2026-11-20T14-10-00Z")
    aws.s3.put_object(Bucket=bucket, Key=key, Body=ndjson_gz(rows))
    function = start_function("cwlogs", ALERT_TOPIC_ARN=topic, ALERT_STATE_TABLE=table, ALERT_REPEAT_INTERVAL="15m")
    assert function.invoke(subscription_event(INVOCATION_LOG_GROUP, rows[:10]))[0] == "response"
    result = run_cli(moto_endpoint, "--publish", topic, "--state-table", table, f"s3://{bucket}/{key}")
    assert result.returncode == 0, result.stderr
    payloads = [m["_payload"] for m in aws.messages(queue)]
    assert [(p["kind"], p["occurrences"]) for p in payloads] == [("new", 10)], "the other 30 wait for the window"
    result = run_cli(moto_endpoint, "--publish", topic, f"s3://{bucket}/{key}")
    assert result.returncode == 0, result.stderr
    stateless = [m["_payload"] for m in aws.messages(queue)]
    assert [(p["count"], "kind" in p) for p in stateless] == [(40, False)], "without --state-table: as before"
