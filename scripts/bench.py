#!/usr/bin/env python3
"""Whole-process benchmarks: bedrock-alerts against gzip, a decompress-only run of its own
byte layer, and the Python baseline, on the same generated corpus in the same run.

    scripts/bench.py                  # 200 MB corpus, 5 runs each, writes BENCHMARKS.md
    scripts/bench.py --size-mb 50 --runs 3 --no-write

It builds the release binaries, generates the corpus (scripts/make_corpus.py, fixed seed),
runs each command several times and reports min/median MB/s of decoded data, peak memory
and ratios; then cold start (process start to first runtime API poll) of the Lambda
binaries, deployment zip sizes, and the criterion stage benchmarks (cargo bench).
"""

from __future__ import annotations

import argparse
import http.server
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "target" / "release"
CORPUS = ROOT / "target" / "corpus"


def sh(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, check=True, **kwargs)


def gnu_time() -> str | None:
    path = shutil.which("time") or "/usr/bin/time"
    return path if os.path.exists(path) else None


def run_once(command: list[str]) -> tuple[float, int | None, float | None]:
    """Wall seconds, then peak RSS in KiB and CPU seconds (user + system), both GNU time's."""
    timer = gnu_time()
    wrapped = [timer, "-f", "PEAK_RSS_KIB=%M CPU_S=%U+%S", *command] if timer else command
    start = time.perf_counter()
    done = subprocess.run(wrapped, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed: {done.stderr}")
    match = re.search(r"PEAK_RSS_KIB=(\d+) CPU_S=([\d.]+)\+([\d.]+)", done.stderr)
    if not match:
        return elapsed, None, None
    return elapsed, int(match.group(1)), float(match.group(2)) + float(match.group(3))


def measure(commands: list[tuple[str, list[str]]], decoded: int, runs: int) -> list[dict]:
    """Runs the commands in rounds (each once per round) so that a slow spell of a shared
    machine hits all of them alike, not one command's runs."""
    times: dict[str, list[float]] = {name: [] for name, _ in commands}
    peaks: dict[str, list[int]] = {name: [] for name, _ in commands}
    cpus: dict[str, list[float]] = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, command in commands:
            elapsed, peak, cpu = run_once(command)
            times[name].append(elapsed)
            if peak is not None and cpu is not None:
                peaks[name].append(peak)
                cpus[name].append(cpu)
    rows = []
    for name, _ in commands:
        best, median = min(times[name]), statistics.median(times[name])
        row = {"name": name, "min_s": best, "median_s": median, "best_mbs": decoded / best / 1e6,
               "median_mbs": decoded / median / 1e6, "peak_kib": max(peaks[name]) if peaks[name] else None,
               "cpu_s": statistics.median(cpus[name]) if cpus[name] else None}
        print(f"  {name:<34} median {row['median_mbs']:7.0f} MB/s  best {row['best_mbs']:7.0f} MB/s  "
              f"CPU {row['cpu_s'] or '?'} s  peak {row['peak_kib'] or '?'} KiB", file=sys.stderr)
        rows.append(row)
    return rows


def cold_start(binary: Path, runs: int) -> float:
    """Median milliseconds from process start to its first GET /runtime/invocation/next."""
    samples = []
    for _ in range(runs):
        polled = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                polled.set()
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = {"PATH": os.environ.get("PATH", ""), "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
               "AWS_LAMBDA_FUNCTION_NAME": "bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
               "AWS_LAMBDA_FUNCTION_VERSION": "1", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x",
               "AWS_SECRET_ACCESS_KEY": "x", "ALERT_TOPIC_ARN": "arn:aws:sns:us-east-1:111122223333:t"}
        start = time.perf_counter()
        process = subprocess.Popen([str(binary)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ok = polled.wait(timeout=30)
        elapsed = time.perf_counter() - start
        process.kill()
        process.wait()
        server.shutdown()
        if not ok:
            raise RuntimeError(f"{binary} never polled the runtime API")
        samples.append(elapsed * 1000)
    return statistics.median(samples)


def zipped_size(binary: Path) -> int:
    target = CORPUS / f"{binary.parent.name}-{binary.name}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.write(binary, "bootstrap")
    return target.stat().st_size


def criterion_results() -> list[tuple[str, str]]:
    done = sh("cargo", "bench", "-p", "bedrock-alerts", "--bench", "engine", "--",
              "--output-format", "bencher", capture_output=True, text=True)
    rows = []
    for line in done.stdout.splitlines():
        match = re.match(r"test (\S+)\s+\.\.\. bench:\s+([\d,]+) ns/iter", line)
        if match:
            rows.append((match.group(1), match.group(2)))
    return rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()

    print("building release binaries…", file=sys.stderr)
    sh("cargo", "build", "--release", "--workspace", "--bins", "--examples", "--quiet")
    corpus = CORPUS / f"invocations-{args.size_mb:g}MB.json.gz"
    if not corpus.exists():
        sh(sys.executable, "scripts/make_corpus.py", "--size-mb", str(args.size_mb), "-o", str(corpus))
    decoded = int(subprocess.run(["gzip", "-dc", str(corpus)], stdout=subprocess.PIPE, check=True).stdout.__len__())
    compressed = corpus.stat().st_size

    print(f"corpus {corpus.name}: {decoded} bytes decoded, {compressed} compressed", file=sys.stderr)
    rows = measure([
        ("gzip -dc", ["gzip", "-dc", str(corpus)]),
        ("Python baseline (gzip + json.loads)", [sys.executable, "scripts/baseline_scan.py", str(corpus)]),
        ("decompress only (same flate2 backend)", [str(RELEASE / "examples" / "inflate"), str(corpus)]),
        ("bedrock-alerts scan", [str(RELEASE / "bedrock-alerts"), "scan", "--format", "json", str(corpus)]),
        ("bedrock-alerts scan --strict (no pre-check)",
         [str(RELEASE / "bedrock-alerts"), "scan", "--strict", "--format", "json", str(corpus)]),
    ], decoded, args.runs)
    by_name = {r["name"]: r for r in rows}
    ours = by_name["bedrock-alerts scan"]
    ratios = [
        ("scan / gzip -dc", ours["median_mbs"] / by_name["gzip -dc"]["median_mbs"], "≥ 3"),
        ("scan / Python baseline", ours["median_mbs"] / by_name["Python baseline (gzip + json.loads)"]["median_mbs"], "≥ 5"),
        ("scan / decompress only", ours["median_mbs"] / by_name["decompress only (same flate2 backend)"]["median_mbs"], "≥ 0.9"),
        ("scan / scan --strict", ours["median_mbs"] / by_name["bedrock-alerts scan --strict (no pre-check)"]["median_mbs"], "—"),
    ]
    functions = ("bedrock-s3-alerts", "bedrock-cwlogs-alerts", "bedrock-events-alerts")
    starts = [(name, cold_start(RELEASE / name, 15)) for name in functions]
    zips = [(f"{name} (x86-64 release)", zipped_size(RELEASE / name)) for name in functions]
    for logical in ("S3AlertsFunction", "CwLogsAlertsFunction", "EventsAlertsFunction"):
        built = ROOT / ".aws-sam" / "build" / logical / "bootstrap"
        if built.exists():
            zips.append((f"{logical} (arm64, sam build)", zipped_size(built)))
    print("criterion stage benchmarks…", file=sys.stderr)
    stages = criterion_results()

    lines = [
        f"Machine: {machine()}. Corpus: `{corpus.name}` from `scripts/make_corpus.py --size-mb {args.size_mb:g}` "
        f"(seed 7): {decoded / 1e6:.0f} MB decoded, {compressed / 1e6:.0f} MB gzip. {args.runs} rounds, each command "
        "once per round; MB/s of decoded data.",
        "",
        "| Command | median MB/s | best MB/s | median s | median CPU s | peak RSS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        peak = f"{r['peak_kib'] / 1024:.1f} MiB" if r["peak_kib"] else "n/a"
        cpu = f"{r['cpu_s']:.2f}" if r["cpu_s"] is not None else "n/a"
        lines.append(f"| {r['name']} | {r['median_mbs']:.0f} | {r['best_mbs']:.0f} | {r['median_s']:.3f} | {cpu} | {peak} |")
    lines += ["", "| Ratio (medians) | measured | target |", "|---|---:|---:|"]
    lines += [f"| {name} | {value:.2f}× | {target} |" for name, value, target in ratios]
    lines += ["", "| Cold start (process start → first runtime API poll, median of 15) | ms |", "|---|---:|"]
    lines += [f"| {name} | {ms:.1f} |" for name, ms in starts]
    lines += ["", "| Deployment zip (bootstrap, deflate -9) | bytes | MB |", "|---|---:|---:|"]
    lines += [f"| {name} | {size} | {size / 1e6:.2f} |" for name, size in zips]
    lines += ["", "| Criterion stage (`cargo bench -p bedrock-alerts`) | ns/iter |", "|---|---:|"]
    lines += [f"| {name} | {ns} |" for name, ns in stages]
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        path = ROOT / "BENCHMARKS.md"
        text = path.read_text() if path.exists() else ""
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        if begin in text and end in text:
            text = text[: text.index(begin) + len(begin)] + "\n" + report + text[text.index(end):]
            path.write_text(text)
            print(f"updated {path}", file=sys.stderr)
        else:
            print(f"{path} has no results markers; not written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
