"""The same failed records read through S3 and through CloudWatch Logs give the same alerts
(same ids), so a FIFO topic drops the repeat when invocation logging targets both."""

from __future__ import annotations

import gzip
import json

from conftest import EVENTS


def test_same_records_via_s3_and_cloudwatch_have_the_same_alert_ids(aws, start_function):
    topic, queue = aws.topic_with_queue()
    document = json.loads((EVENTS / "cwlogs-invocation-failure.decoded.json").read_text())
    ndjson = "".join(event["message"] + "\n" for event in document["logEvents"])
    bucket = aws.bucket()
    key = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/17/20261120T170300000Z_00000000000000aa.json.gz"
    aws.s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(ndjson.encode(), mtime=0))
    notification = {"Records": [{"eventName": "ObjectCreated:Put", "eventTime": "2026-11-20T17:03:00.000Z",
                                 "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 100}}}]}

    s3_function = start_function("s3", ALERT_TOPIC_ARN=topic)
    assert s3_function.invoke(notification)[0] == "response"
    via_s3 = {m["_payload"]["status"]: m["_payload"]["id"] for m in aws.messages(queue)}

    cw_function = start_function("cwlogs", ALERT_TOPIC_ARN=topic)
    assert cw_function.invoke(json.loads((EVENTS / "cwlogs-invocation-failure.json").read_text()))[0] == "response"
    via_logs = {m["_payload"]["status"]: m["_payload"]["id"] for m in aws.messages(queue)}

    assert sorted(via_s3) == ["AccessDeniedException", "ModelTimeoutException"]
    assert via_s3 == via_logs
