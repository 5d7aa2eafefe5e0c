"""Memory stays flat whatever the input size: a stream that decompresses to 1 GiB goes through
the CLI and through the S3 function (from moto), and each process's peak RSS must stay
under a limit far below the data size. A change that buffered whole objects fails here.
(These check correctness, not speed: no timing is asserted.)"""

from __future__ import annotations

import gzip
import re
import subprocess
import threading

from conftest import EVENTS, ROOT, load_event

GIB = 1 << 30
CLI_LIMIT_KIB = 32 * 1024
FUNCTION_LIMIT_KIB = 64 * 1024


def member() -> tuple[bytes, int, int]:
    """One gzip member of real-shaped records (with a ~500 KB line and two failures)."""
    block = (EVENTS / "objects" / "invocation-batch.ndjson").read_bytes()
    return gzip.compress(block, compresslevel=6, mtime=0), len(block), block.count(b'"errorCode":"')


def test_cli_peak_rss_is_flat_on_a_1_gib_stream():
    data, size, errors = member()
    copies = GIB // size + 1
    process = subprocess.Popen(
        [str(ROOT / "target" / "debug" / "bedrock-alerts"), "scan", "--format", "json", "--stats", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    # The findings are read on a thread so neither pipe fills up.
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout))
    reader.start()
    for _ in range(copies):
        process.stdin.write(data)
    process.stdin.close()
    stderr = process.stderr.read().decode()
    reader.join()
    assert process.wait() == 0, stderr
    assert f"({copies * size} decoded)" in stderr
    assert len(lines) == copies * errors
    # VmHWM, read by the process itself: getrusage from here would also count the pages
    # this (much larger) Python process had when it forked the child.
    peak = int(re.search(r"peak memory (\d+) KiB", stderr).group(1))
    assert peak < CLI_LIMIT_KIB, f"peak RSS {peak} KiB"


def peak_rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_s3_function_peak_rss_is_flat_on_a_1_gib_object(aws, start_function):
    data, size, errors = member()
    copies = GIB // size + 1
    bucket = aws.bucket()
    key = "bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/14/20261120T140512345Z_4dbc03d57ffa1c7d.json.gz"
    aws.s3.put_object(Bucket=bucket, Key=key, Body=data * copies)
    topic, queue = aws.topic_with_queue()
    function = start_function("s3", ALERT_TOPIC_ARN=topic, ITEMS_PER_ALERT="3")
    kind, response = function.invoke(load_event("s3-object-created.json", bucket), timeout_ms=600_000)
    assert kind == "response", response
    peak = peak_rss_kib(function.process.pid)
    counts = {m["_payload"]["status"]: m["_payload"]["count"] for m in aws.messages(queue)}
    assert sum(counts.values()) == copies * errors
    assert peak < FUNCTION_LIMIT_KIB, f"peak RSS {peak} KiB"
