"""The signals the stack watches besides the logs (issue 17): alarms on Bedrock's own metrics
and the dashboard, checked on the SAM source (no AWS access, no build).

As in test_template.py, each rule is a checker that returns human-readable violations; the
real template must have none, and PLANTED proves that each checker can fail.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Callable

import pytest
from cfn import ROOT, TEMPLATE

EMF_METRICS_PATH = ROOT / "shared" / "emf-metrics.json"
METRICS_RS_PATH = ROOT / "shared" / "src" / "outputs" / "metrics.rs"
EMF = json.loads(EMF_METRICS_PATH.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------
# shared/emf-metrics.json: the one list of our metric names
# ------------------------------------------------------------------------------------------
def emf_source_violations(listed: dict, source: str) -> list[str]:
    """The metrics emf-metrics.json lists are exactly those metrics.rs emits: the same names
    and units, and the same dimension sets (read from the Rust source as text, until
    metrics.rs reads the JSON itself)."""
    violations = []
    source = source[source.index("pub fn emf_lines"):source.index("\nfn document")]
    emitted = dict(re.findall(r'\(\s*"([A-Za-z]+)",\s*[^"()]*(?:\([^()]*\))?[^"()]*,\s*"([A-Za-z]+)",?\s*\)', source))
    in_json = {m["name"]: m["unit"] for m in listed["metrics"]}
    if emitted != in_json:
        violations.append(f"metrics.rs emits {emitted}, emf-metrics.json lists {in_json}")
    emitted_dimensions = {tuple(re.findall(r'"([A-Za-z]+)"', dims))
                          for dims in re.findall(r"&\[&\[([^\]]*)\]\]", source)}
    listed_dimensions = {tuple(m["dimensions"]) for m in listed["metrics"]}
    if emitted_dimensions != listed_dimensions:
        violations.append(f"metrics.rs uses dimensions {sorted(emitted_dimensions)}, "
                          f"emf-metrics.json {sorted(listed_dimensions)}")
    namespace = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["METRICS_NAMESPACE"]
    if {"Fn::Sub": listed["namespace"]} != namespace:
        violations.append(f"emf-metrics.json namespace {listed['namespace']!r}, the functions get {namespace!r}")
    return violations


def test_emf_metrics_json_lists_what_metrics_rs_emits():
    assert emf_source_violations(EMF, METRICS_RS_PATH.read_text(encoding="utf-8")) == []


# ------------------------------------------------------------------------------------------
# Each checker must be able to fail
# ------------------------------------------------------------------------------------------
def _emf(change: Callable[[dict], None]) -> dict:
    listed = copy.deepcopy(EMF)
    change(listed)
    return listed


def _metric(name: str) -> Callable[[dict], dict]:
    return lambda listed: next(m for m in listed["metrics"] if m["name"] == name)


PLANTED_EMF: list[tuple[str, Callable[[dict], None]]] = [
    ("a metric metrics.rs does not emit", lambda e: e["metrics"].append(
        {"name": "Retries", "dimensions": ["FunctionName"], "unit": "Count"})),
    ("a metric left out", lambda e: e["metrics"].pop()),
    ("bytes counted as a count", lambda e: _metric("DecodedBytes")(e).__setitem__("unit", "Count")),
    ("findings by status alone", lambda e: _metric("Findings")(e).__setitem__("dimensions", ["Status"])),
    ("another namespace", lambda e: e.__setitem__("namespace", "BedrockAlerts")),
]


@pytest.mark.parametrize("change", [c for _, c in PLANTED_EMF], ids=[n for n, _ in PLANTED_EMF])
def test_emf_checker_catches_planted_violation(change):
    assert emf_source_violations(_emf(change), METRICS_RS_PATH.read_text(encoding="utf-8")) != []
