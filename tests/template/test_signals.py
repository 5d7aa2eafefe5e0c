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
from cfn import ROOT, TEMPLATE, alarm_metrics, deployed, parameters, resources

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
# Alarms on Bedrock's own metrics
# ------------------------------------------------------------------------------------------
BEDROCK = "AWS/Bedrock"
PERIOD = "BedrockAlarmPeriodSeconds"
# Metrics Insights alarms: alarm -> (metric summed over every ModelId, threshold parameter,
# the condition that parameter turns off at 0).
QUERY_ALARMS = {
    "BedrockServerErrorsAlarm": ("InvocationServerErrors", "BedrockServerErrorThreshold", "HasBedrockServerErrorAlarm"),
    "BedrockThrottlesAlarm": ("InvocationThrottles", "BedrockThrottleThreshold", "HasBedrockThrottleAlarm"),
    "BedrockClientErrorsAlarm": ("InvocationClientErrors", "BedrockClientErrorThreshold", "HasBedrockClientErrorAlarm"),
}
DELIVERY_ALARM = "BedrockLogDeliveryFailureAlarm"
DELIVERY_FAILURES = {
    "ModelInvocationLogsS3DeliveryFailure",
    "ModelInvocationLogsCloudWatchDeliveryFailure",
    "ModelInvocationLargeDataS3DeliveryFailure",
}
# CloudWatch evaluates a Metrics Insights alarm over the last three hours at most, in whole
# minutes (CloudWatch User Guide, "Limits" of alarms on Metrics Insights queries).
QUERY_ALARM_WINDOW_SECONDS = 3 * 3600
ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


def _alarm_group(template: dict) -> list[str]:
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    return [name for group in groups for name in group["Parameters"]]


def query_alarm_violations(template: dict) -> list[str]:
    """One Metrics Insights alarm per metric in QUERY_ALARMS: SUM of the metric over every
    ModelId (a single series), at or above its threshold parameter within one period of
    BedrockAlarmPeriodSeconds; a threshold of 0 (and only 0) leaves the alarm out."""
    violations = []
    res = template["Resources"]
    grouped = _alarm_group(template)
    period = template["Parameters"].get(PERIOD, {})
    allowed = period.get("AllowedValues", [])
    if not allowed or period.get("Default") not in allowed or any(
            v % 60 or v > QUERY_ALARM_WINDOW_SECONDS for v in allowed):
        violations.append(f"{PERIOD}: allowed {allowed}, default {period.get('Default')}: want whole minutes "
                          f"up to {QUERY_ALARM_WINDOW_SECONDS} s, the default among them")
    for alarm, (metric, threshold, condition) in QUERY_ALARMS.items():
        if alarm not in res:
            violations.append(f"{alarm} is missing")
            continue
        props = res[alarm]["Properties"]
        want_query = [{
            "Id": props.get("Metrics", [{}])[0].get("Id"),
            "Label": props.get("Metrics", [{}])[0].get("Label"),
            "Expression": f'SELECT SUM({metric}) FROM SCHEMA("{BEDROCK}", ModelId)',
            "Period": {"Ref": PERIOD},
            "ReturnData": True,
        }]
        checks = {
            "Condition": (res[alarm].get("Condition"), condition),
            "Metrics": (props.get("Metrics"), want_query),
            "Threshold": (props.get("Threshold"), {"Ref": threshold}),
            "ComparisonOperator": (props.get("ComparisonOperator"), "GreaterThanOrEqualToThreshold"),
            "EvaluationPeriods": (props.get("EvaluationPeriods"), 1),
            "TreatMissingData": (props.get("TreatMissingData"), "notBreaching"),
        }
        for field, (got, want) in checks.items():
            if got != want:
                violations.append(f"{alarm}: {field} is {got!r}, want {want!r}")
        spec = template["Parameters"].get(threshold, {})
        if (spec.get("Type"), spec.get("MinValue")) != ("Number", 0) or threshold not in grouped:
            violations.append(f"{threshold}: want a Number from 0, in a parameter group")
        for value, on in ((0, False), (1, True), (spec.get("Default"), spec.get("Default") != 0), (250, True)):
            stack = deployed(template, parameters(template, **{threshold: value}))
            if (alarm in stack) != on:
                violations.append(f"{threshold}={value}: {alarm} {'missing' if on else 'deployed'}")
    return violations


def delivery_alarm_violations(template: dict) -> list[str]:
    """One alarm, always deployed, when Bedrock fails any invocation-log delivery (S3,
    CloudWatch Logs, large bodies to S3) in a period of BedrockAlarmPeriodSeconds: the sum of
    the three failure metrics (no dimension), missing data filled with 0, above 0."""
    alarm = template["Resources"].get(DELIVERY_ALARM)
    if alarm is None:
        return [f"{DELIVERY_ALARM} is missing"]
    violations = []
    props = alarm["Properties"]
    read = sorted(alarm_metrics(alarm))
    if read != sorted((BEDROCK, metric, ()) for metric in DELIVERY_FAILURES):
        violations.append(f"{DELIVERY_ALARM}: reads {read}, want {sorted(DELIVERY_FAILURES)} without dimensions")
    stats = [m for m in props.get("Metrics", []) if "MetricStat" in m]
    returned = [m for m in props.get("Metrics", []) if m.get("ReturnData", True)]
    want_sum = " + ".join(f"FILL({m['Id']}, 0)" for m in stats)
    checks = {
        "Condition": (alarm.get("Condition"), None),
        "returned expression": ([m.get("Expression") for m in returned], [want_sum]),
        "stats": (sorted({(m["MetricStat"]["Stat"], repr(m["MetricStat"]["Period"])) for m in stats}),
                  [("Sum", repr({"Ref": PERIOD}))]),
        "Threshold": (props.get("Threshold"), 0),
        "ComparisonOperator": (props.get("ComparisonOperator"), "GreaterThanThreshold"),
        "TreatMissingData": (props.get("TreatMissingData"), "notBreaching"),
    }
    for field, (got, want) in checks.items():
        if got != want:
            violations.append(f"{DELIVERY_ALARM}: {field} is {got!r}, want {want!r}")
    return violations


def bedrock_alarm_action_violations(template: dict) -> list[str]:
    """No alarm on AWS/Bedrock has actions: their state changes are to reach people through
    EventBridge, rendered in the alert schema, not as CloudWatch's own SNS message."""
    violations = []
    on_bedrock = {name for name, alarm in resources(template, "AWS::CloudWatch::Alarm").items()
                  if any(namespace == BEDROCK for namespace, _, _ in alarm_metrics(alarm))}
    if on_bedrock != {*QUERY_ALARMS, DELIVERY_ALARM}:
        violations.append(f"alarms on {BEDROCK}: {sorted(on_bedrock)}, want {sorted({*QUERY_ALARMS, DELIVERY_ALARM})}")
    for name in sorted(on_bedrock):
        props = template["Resources"][name]["Properties"]
        for key in ACTIONS:
            if key in props:
                violations.append(f"{name}: {key} {props[key]!r}")
    return violations


def test_query_alarms_sum_each_metric_over_all_models():
    assert query_alarm_violations(TEMPLATE) == []


def test_log_delivery_failure_alarm():
    assert delivery_alarm_violations(TEMPLATE) == []


def test_alarms_on_bedrock_metrics_have_no_actions():
    assert bedrock_alarm_action_violations(TEMPLATE) == []


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


def _props(name: str) -> Callable[[dict], dict]:
    return lambda t: t["Resources"][name]["Properties"]


def _query(name: str) -> Callable[[dict], dict]:
    return lambda t: _props(name)(t)["Metrics"][0]


PLANTED: list[tuple[str, Callable[[dict], list[str]], Callable[[dict], None]]] = [
    ("throttles of one model", query_alarm_violations,
     lambda t: _query("BedrockThrottlesAlarm")(t).__setitem__(
         "Expression", "SELECT SUM(InvocationThrottles) FROM SCHEMA(\"AWS/Bedrock\", ModelId) WHERE ModelId = 'm'")),
    ("one series per model", query_alarm_violations,
     lambda t: _query("BedrockServerErrorsAlarm")(t).__setitem__(
         "Expression", "SELECT SUM(InvocationServerErrors) FROM SCHEMA(\"AWS/Bedrock\", ModelId) GROUP BY ModelId")),
    ("server errors alarm reads client errors", query_alarm_violations,
     lambda t: _query("BedrockServerErrorsAlarm")(t).__setitem__(
         "Expression", "SELECT SUM(InvocationClientErrors) FROM SCHEMA(\"AWS/Bedrock\", ModelId)")),
    ("a fixed period", query_alarm_violations, lambda t: _query("BedrockClientErrorsAlarm")(t).__setitem__("Period", 300)),
    ("a fixed threshold", query_alarm_violations, lambda t: _props("BedrockThrottlesAlarm")(t).__setitem__("Threshold", 10)),
    ("a threshold of 0 alarms on every period", query_alarm_violations,
     lambda t: t["Resources"]["BedrockClientErrorsAlarm"].pop("Condition")),
    ("a condition that never turns off", query_alarm_violations,
     lambda t: t["Conditions"].__setitem__("HasBedrockThrottleAlarm", {"Fn::Equals": ["a", "a"]})),
    ("a period longer than three hours", query_alarm_violations,
     lambda t: t["Parameters"][PERIOD]["AllowedValues"].append(21600)),
    ("an alarm removed", query_alarm_violations, lambda t: t["Resources"].pop("BedrockServerErrorsAlarm")),
    ("large-data failures left out", delivery_alarm_violations,
     lambda t: _props(DELIVERY_ALARM)(t).__setitem__("Metrics", [
         m for m in _props(DELIVERY_ALARM)(t)["Metrics"] if m["Id"] != "largeData"])),
    ("delivery failures of one model", delivery_alarm_violations,
     lambda t: _props(DELIVERY_ALARM)(t)["Metrics"][0]["MetricStat"]["Metric"].__setitem__(
         "Dimensions", [{"Name": "ModelId", "Value": "m"}])),
    ("only S3 failures returned", delivery_alarm_violations,
     lambda t: _props(DELIVERY_ALARM)(t)["Metrics"][0].__setitem__("ReturnData", True)),
    ("delivery alarm at two failures", delivery_alarm_violations,
     lambda t: _props(DELIVERY_ALARM)(t).__setitem__("Threshold", 1)),
    ("SNS action on a query alarm", bedrock_alarm_action_violations,
     lambda t: _props("BedrockThrottlesAlarm")(t).__setitem__("AlarmActions", [{"Ref": "AlertTopic"}])),
    ("OK action on the delivery alarm", bedrock_alarm_action_violations,
     lambda t: _props(DELIVERY_ALARM)(t).__setitem__("OKActions", [{"Ref": "AlertTopic"}])),
    ("another alarm on Bedrock's metrics", bedrock_alarm_action_violations,
     lambda t: t["Resources"].__setitem__("Extra", copy.deepcopy(t["Resources"]["BedrockThrottlesAlarm"]))),
]


@pytest.mark.parametrize(("checker", "plant"), [(c, p) for _, c, p in PLANTED], ids=[n for n, _, _ in PLANTED])
def test_checker_catches_planted_violation(checker, plant):
    template = copy.deepcopy(TEMPLATE)
    plant(template)
    assert checker(template) != []
