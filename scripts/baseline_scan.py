#!/usr/bin/env python3
"""The Python baseline the benchmarks compare against: what a small Lambda in Python would do.

Reads gzip (or plain) NDJSON line by line with the standard library, parses every line with
json.loads and reports records with a top-level errorCode or a failed knowledge-base status.
    scripts/baseline_scan.py FILE...
"""

import gzip
import json
import sys


def scan(path: str) -> int:
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    found = 0
    with opener(path, "rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                found += 1
                continue
            event = record.get("event") if isinstance(record.get("event"), dict) else {}
            status = str(event.get("status") or event.get("ingestion_job_status") or "")
            if record.get("errorCode") or status.endswith("FAILED") or record.get("level") == "ERROR":
                found += 1
    return found


if __name__ == "__main__":
    total = sum(scan(p) for p in sys.argv[1:])
    print(f"{total} findings", file=sys.stderr)
