#!/usr/bin/env python3
"""Messages and DynamoDB requests for the e2e storm (issue 16), with and without the
incident state table.

The storm is tests/e2e/test_incidents.py's: three incidents, 5,000 failure records in 200
CloudWatch Logs batches (20 of them delivered twice) and three S3 objects repeating 900
records, run by four CloudWatch function instances and an S3 function at once, with a
5-second repeat interval; then the windows still open are ended in the state table and the
flush runs once, reporting every pending occurrence (as it would an interval later). A
last run sends one S3 object of all 4,000 invocation failures to a fresh table: the
requests of one large invocation.

Runs the debug binaries (`cargo build` first) or, with E2E_FUNCTIONS=sam, the sam-built ones,
on a moto server it starts. Usage: .venv/bin/python scripts/bench_incidents.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import Aws, launch, start_moto  # noqa: E402
from faultproxy import FaultProxy, Faults  # noqa: E402
from test_incidents import (  # noqa: E402
    INTERVAL, KEY, by_incident, end_windows, flush, ndjson_gz, run_storm, sqs_event, storm_records,
)


def storm(aws: Aws, endpoint: str, with_table: bool) -> dict:
    dynamodb = FaultProxy(endpoint, Faults())
    started = []

    def start(kind: str, **env: str):
        started.append(launch(kind, endpoint, **env))
        return started[-1]

    try:
        table = aws.state_table() if with_table else None
        run = run_storm(aws, start, dynamodb, table)
        messages = aws.messages(run["queue"])
        if with_table:
            end_windows(aws, table)
            flush(run["s3"])
            messages.extend(aws.messages(run["queue"]))
        elapsed = time.time() - run["started"]
        records = sum(count for _, _, count in run["jobs"])
        calls = dict(dynamodb.faults.dynamodb_calls)
        return {"invocations": len(run["jobs"]), "records": records, "messages": len(messages),
                "incidents": len(by_incident(messages)), "calls": calls, "elapsed": elapsed}
    finally:
        for runtime in started:
            runtime.stop()
        dynamodb.stop()


def one_large_object(aws: Aws, endpoint: str) -> dict:
    """One S3 invocation of 4,000 failures (two incidents, five minutes of record time)."""
    dynamodb = FaultProxy(endpoint, Faults())
    topic, _ = aws.topic_with_queue()
    bucket = aws.bucket()
    records = storm_records()
    rows = records["ThrottlingException"] + records["ServiceUnavailableException"]
    key = KEY.format("2026-11-20T14-30-00Z")
    aws.s3.put_object(Bucket=bucket, Key=key, Body=ndjson_gz(rows))
    function = launch("s3", endpoint, ALERT_TOPIC_ARN=topic, ALERT_STATE_TABLE=aws.state_table(),
                      ALERT_REPEAT_INTERVAL="15m", AWS_ENDPOINT_URL_DYNAMODB=dynamodb.url)
    try:
        kind, response = function.invoke(sqs_event(bucket, [key]))
        assert kind == "response", response
        return {"records": len(rows), "calls": dict(dynamodb.faults.dynamodb_calls)}
    finally:
        function.stop()
        dynamodb.stop()


def main() -> None:
    process, endpoint = start_moto(ROOT / ".bench-moto.log")
    try:
        aws = Aws(endpoint)
        without = storm(aws, endpoint, with_table=False)
        with_table = storm(aws, endpoint, with_table=True)
        large = one_large_object(aws, endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"storm: {without['invocations']} invocations, {without['records']} record deliveries "
          f"(5,000 unique), 3 incidents, interval {INTERVAL} s")
    print("| | messages | DynamoDB requests | requests / invocation | requests / record | wall time |")
    print("|---|---|---|---|---|---|")
    for name, run in (("without the state table", without), ("with the state table", with_table)):
        calls = sum(run["calls"].values())
        print(f"| {name} | {run['messages']} | {calls} | {calls / run['invocations']:.1f} | "
              f"{calls / run['records']:.2f} | {run['elapsed']:.0f} s |")
    print(f"\nwith the table, by operation: {with_table['calls']}")
    calls = sum(large["calls"].values())
    print(f"one S3 object of {large['records']} failures (2 incidents, 5 minutes of record time): "
          f"{calls} DynamoDB requests {large['calls']}")


if __name__ == "__main__":
    main()
