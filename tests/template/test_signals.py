"""The signals the stack watches besides the logs (issue 17): alarms on Bedrock's own metrics,
the EventBridge rules that bring Bedrock's job events and the stack's alarm state changes to
the events function, and the dashboard, checked on the SAM source (no AWS access, no build).

As in test_template.py, each rule is a checker that returns human-readable violations; the
real template must have none, and PLANTED proves that each checker can fail.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Callable, Iterator, NamedTuple

import pytest
from cfn import (
    NO_VALUE, PSEUDO_PARAMETERS, ROOT, TEMPLATE, alarm_metrics, deployed, parameters, physical_value,
    query_metrics, resolve, resources, sub_text,
)

EMF_METRICS_PATH = ROOT / "shared" / "emf-metrics.json"
EMF = json.loads(EMF_METRICS_PATH.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------
# shared/emf-metrics.json: the one list of our metric names
# ------------------------------------------------------------------------------------------
def emf_namespace_violations(listed: dict) -> list[str]:
    """emf-metrics.json names the namespace the functions are given. (That metrics.rs emits
    exactly the metrics it lists is a Rust unit test: metrics.rs compiles the file in.)"""
    namespace = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["METRICS_NAMESPACE"]
    if {"Fn::Sub": listed["namespace"]} != namespace:
        return [f"emf-metrics.json namespace {listed['namespace']!r}, the functions get {namespace!r}"]
    return []


def test_emf_metrics_json_names_the_functions_namespace():
    assert emf_namespace_violations(EMF) == []


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
    """The alarms on AWS/Bedrock are exactly QUERY_ALARMS and DELIVERY_ALARM, and none has
    actions: their state changes reach people through EventBridge, rendered in the alert
    schema, not as CloudWatch's own SNS message."""
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


def alarm_action_violations(template: dict) -> list[str]:
    """No alarm of the stack has actions, SNS or any other. Every state change reaches the
    topic once, through AlarmStateChangeRule and the events function, as an alert of our
    schema; an SNS action would send CloudWatch's own JSON as a second copy (and none at all to
    a FIFO topic)."""
    return [f"{name}: {key} {alarm['Properties'][key]!r}"
            for name, alarm in resources(template, "AWS::CloudWatch::Alarm").items()
            for key in ACTIONS if key in alarm.get("Properties", {})]


# ------------------------------------------------------------------------------------------
# EventBridge: Bedrock's job events and the stack's alarm state changes, to the events function
# ------------------------------------------------------------------------------------------
EVENTS_FUNCTION = "EventsAlertsFunction"
EVENTS_FUNCTION_ARN = {"Fn::GetAtt": [EVENTS_FUNCTION, "Arn"]}
FAILED_EVENTS_QUEUE_ARN = {"Fn::GetAtt": ["FailedEventsQueue", "Arn"]}
JOB_RULE = "BedrockJobEventsRule"
ALARM_RULE = "AlarmStateChangeRule"
# The job events the function reads (Amazon Bedrock User Guide, "Monitor Amazon Bedrock job
# state changes using Amazon EventBridge", and Bedrock Data Automation's EventBridge events).
JOB_DETAIL_TYPES = {
    "Model Customization Job State Change",
    "Batch Inference Job State Change",
    "Bedrock Data Automation Job Failed With Client Error",
    "Bedrock Data Automation Job Failed With Service Error",
}
ALARM_DETAIL_TYPE = "CloudWatch Alarm State Change"
# A change to ALARM, and OK after ALARM: not INSUFFICIENT_DATA, nor the OK every new alarm
# reaches from INSUFFICIENT_DATA (a "resolved" alert for something that never fired).
ALARM_STATES = {"$or": [
    {"state": {"value": ["ALARM"]}},
    {"state": {"value": ["OK"]}, "previousState": {"value": ["ALARM"]}},
]}
# EventBridge retries at most 185 times (its default, over 24 hours).
MAX_EVENTBRIDGE_RETRIES = 185
# Parameter sets for which the alarm rule must list exactly the alarms deployed.
ALARM_DEPLOYMENTS = [
    {},
    {"StalenessHours": 0},
    {"BedrockServerErrorThreshold": 0, "BedrockThrottleThreshold": 0, "BedrockClientErrorThreshold": 0},
    {"BedrockThrottleThreshold": 0, "StalenessHours": 0, "FifoTopic": "true", "UseKmsKey": "true"},
]


def _rules_from(template: dict, source: str) -> dict[str, dict]:
    return {name: rule for name, rule in resources(template, "AWS::Events::Rule").items()
            if source in rule["Properties"].get("EventPattern", {}).get("source", [])}


def job_rule_violations(template: dict) -> list[str]:
    """One rule, always deployed and enabled, takes `aws.bedrock` events of exactly the four
    JOB_DETAIL_TYPES and nothing else (no status filter: which statuses alert is the
    function's decision, under the policy knobs)."""
    rules = _rules_from(template, "aws.bedrock")
    if list(rules) != [JOB_RULE]:
        return [f"rules on aws.bedrock: {sorted(rules)}, want [{JOB_RULE!r}]"]
    rule = rules[JOB_RULE]
    pattern = rule["Properties"]["EventPattern"]
    detail_types = pattern.get("detail-type", [])
    violations = []
    checks = {
        "Condition": (rule.get("Condition"), None),
        "State": (rule["Properties"].get("State"), "ENABLED"),
        "pattern keys": (sorted(pattern), ["detail-type", "source"]),
        "source": (pattern.get("source"), ["aws.bedrock"]),
        "detail-types": (sorted(detail_types), sorted(JOB_DETAIL_TYPES)),
    }
    for field, (got, want) in checks.items():
        if got != want:
            violations.append(f"{JOB_RULE}: {field} is {got!r}, want {want!r}")
    return violations


def _alarm_arn(item: object) -> tuple[str | None, str | None]:
    """(alarm, condition) of an item of the rule's `resources`: `!GetAtt Alarm.Arn`, or
    `!If [Condition, !GetAtt Alarm.Arn, !Ref AWS::NoValue]`; (None, None) for anything else."""
    condition = None
    if isinstance(item, dict) and set(item) == {"Fn::If"} and len(item["Fn::If"]) == 3 and item["Fn::If"][2] == NO_VALUE:
        condition, item = item["Fn::If"][0], item["Fn::If"][1]
    if isinstance(item, dict) and set(item) == {"Fn::GetAtt"} and item["Fn::GetAtt"][1:] == ["Arn"]:
        return item["Fn::GetAtt"][0], condition
    return None, None


def alarm_rule_violations(template: dict) -> list[str]:
    """One rule, always deployed and enabled, takes `aws.cloudwatch` alarm state changes
    (ALARM, and OK after ALARM) of this stack's alarms and of no other: its `resources` name
    the ARN of every AWS::CloudWatch::Alarm in the template once, each under the alarm's own
    condition, so that an alarm added later cannot be forgotten; and as deployed, for each of
    ALARM_DEPLOYMENTS, the list is exactly the alarms deployed."""
    rules = _rules_from(template, "aws.cloudwatch")
    if list(rules) != [ALARM_RULE]:
        return [f"rules on aws.cloudwatch: {sorted(rules)}, want [{ALARM_RULE!r}]"]
    rule = rules[ALARM_RULE]
    pattern = rule["Properties"]["EventPattern"]
    violations = []
    checks = {
        "Condition": (rule.get("Condition"), None),
        "State": (rule["Properties"].get("State"), "ENABLED"),
        "pattern keys": (sorted(pattern), ["detail", "detail-type", "resources", "source"]),
        "source": (pattern.get("source"), ["aws.cloudwatch"]),
        "detail-type": (pattern.get("detail-type"), [ALARM_DETAIL_TYPE]),
        "detail": (pattern.get("detail"), ALARM_STATES),
    }
    for field, (got, want) in checks.items():
        if got != want:
            violations.append(f"{ALARM_RULE}: {field} is {got!r}, want {want!r}")
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    listed = [_alarm_arn(item) for item in pattern.get("resources", [])]
    if (None, None) in listed:
        violations.append(f"{ALARM_RULE}: a resource that is not an alarm's !GetAtt Arn (under !If)")
    names = [name for name, _ in listed if name]
    if duplicates := sorted({name for name in names if names.count(name) > 1}):
        violations.append(f"{ALARM_RULE}: alarms listed twice: {duplicates}")
    if missing := sorted(alarms.keys() - set(names)):
        violations.append(f"{ALARM_RULE}: alarms of the stack left out: {missing}")
    if others := sorted(set(names) - alarms.keys()):
        violations.append(f"{ALARM_RULE}: names {others}, which are not alarms of this template")
    for name, condition in listed:
        if name in alarms and condition != alarms[name].get("Condition"):
            violations.append(f"{ALARM_RULE}: {name} listed under condition {condition!r}, "
                              f"the alarm has {alarms[name].get('Condition')!r}")
    for overrides in ALARM_DEPLOYMENTS:
        stack = deployed(template, parameters(template, **overrides))
        if ALARM_RULE not in stack:
            continue
        got = stack[ALARM_RULE]["Properties"]["EventPattern"].get("resources", [])
        want = [{"Fn::GetAtt": [name, "Arn"]} for name, res in stack.items() if res["Type"] == "AWS::CloudWatch::Alarm"]
        if sorted(map(repr, got)) != sorted(map(repr, want)):
            violations.append(f"{overrides}: {ALARM_RULE} lists {got}, the stack's alarms are {want}")
    return violations


def _event_rules_of_the_function(template: dict) -> dict[str, dict]:
    return {name: rule for name, rule in resources(template, "AWS::Events::Rule").items()
            if any(target.get("Arn") == EVENTS_FUNCTION_ARN for target in rule["Properties"].get("Targets", []))}


def rule_target_violations(template: dict) -> list[str]:
    """The events function is the target of exactly the job and alarm rules, each with one
    target that hands it the whole event (no Input), a retry policy that gives up when the
    function's own retries do (EventInvokeConfig's MaximumEventAgeInSeconds), and the
    failed-events queue as dead-letter queue, where the function's failures go too."""
    violations = []
    rules = _event_rules_of_the_function(template)
    if sorted(rules) != sorted([JOB_RULE, ALARM_RULE]):
        violations.append(f"rules targeting {EVENTS_FUNCTION}: {sorted(rules)}, want {sorted([JOB_RULE, ALARM_RULE])}")
    max_age = template["Globals"]["Function"]["EventInvokeConfig"]["MaximumEventAgeInSeconds"]
    for name, rule in rules.items():
        targets = rule["Properties"]["Targets"]
        if len(targets) != 1:
            violations.append(f"{name}: {len(targets)} targets, want 1")
            continue
        target = targets[0]
        retry = target.get("RetryPolicy", {})
        attempts = retry.get("MaximumRetryAttempts")
        checks = {
            "target keys": (sorted(target), ["Arn", "DeadLetterConfig", "Id", "RetryPolicy"]),
            "DeadLetterConfig": (target.get("DeadLetterConfig"), {"Arn": FAILED_EVENTS_QUEUE_ARN}),
            "MaximumEventAgeInSeconds": (retry.get("MaximumEventAgeInSeconds"), max_age),
            "MaximumRetryAttempts in 1..185": (
                isinstance(attempts, int) and 0 < attempts <= MAX_EVENTBRIDGE_RETRIES, True),
        }
        for field, (got, want) in checks.items():
            if got != want:
                violations.append(f"{name}: {field} is {got!r}, want {want!r}")
    return violations


def rule_permission_violations(template: dict) -> list[str]:
    """EventBridge may invoke the events function from exactly its two rules (one
    permission each, under the rule's condition, and nothing else may invoke it); the
    failed-events queue's policy lets events.amazonaws.com send to it only from the rules
    whose dead-letter queue it is (aws:SourceArn, aws:SourceAccount); and the stack's key lets
    EventBridge encrypt what it parks there, for rules of this account only."""
    violations = []
    rules = _event_rules_of_the_function(template)
    permissions = {name: perm for name, perm in resources(template, "AWS::Lambda::Permission").items()
                   if perm["Properties"].get("FunctionName") in ({"Ref": EVENTS_FUNCTION}, EVENTS_FUNCTION_ARN)}
    by_rule: dict[str, list[str]] = {rule: [] for rule in rules}
    for name, perm in permissions.items():
        props = perm["Properties"]
        source = props.get("SourceArn")
        rule = source["Fn::GetAtt"][0] if isinstance(source, dict) and "Fn::GetAtt" in source else None
        if rule not in rules:
            violations.append(f"{name}: lets {props.get('Principal')} invoke {EVENTS_FUNCTION} from {source!r}")
            continue
        by_rule[rule].append(name)
        got = (perm.get("Condition"), props.get("Principal"), props.get("Action"), sorted(props))
        want = (rules[rule].get("Condition"), "events.amazonaws.com", "lambda:InvokeFunction",
                ["Action", "FunctionName", "Principal", "SourceArn"])
        if got != want:
            violations.append(f"{name}: {got!r}, want {want!r}")
    violations += [f"{rule}: {len(names)} invoke permissions, want 1" for rule, names in by_rule.items() if len(names) != 1]

    dead_letter_rules = sorted(
        name for name, rule in resources(template, "AWS::Events::Rule").items()
        if any(t.get("DeadLetterConfig", {}).get("Arn") == FAILED_EVENTS_QUEUE_ARN for t in rule["Properties"].get("Targets", [])))
    queue_policy = template["Resources"]["FailedEventsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in queue_policy if s.get("Effect") == "Allow"]
    want_statement = {
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": FAILED_EVENTS_QUEUE_ARN,
        "Condition": {
            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
            "ArnEquals": {"aws:SourceArn": [{"Fn::GetAtt": [rule, "Arn"]} for rule in dead_letter_rules]},
        },
    }
    def in_order(statement: dict) -> dict:  # the rules in any order
        arns = statement.get("Condition", {}).get("ArnEquals", {}).get("aws:SourceArn")
        if isinstance(arns, list):
            statement["Condition"]["ArnEquals"]["aws:SourceArn"] = sorted(arns, key=repr)
        return statement

    got_statements = [in_order(copy.deepcopy({key: s.get(key) for key in want_statement})) for s in allows]
    if got_statements != [in_order(want_statement)]:
        violations.append(f"FailedEventsQueuePolicy allows {got_statements}, want only {want_statement}")

    key_statements = [s for s in template["Resources"]["KmsKey"]["Properties"]["KeyPolicy"]["Statement"]
                      if s.get("Principal") == {"Service": "events.amazonaws.com"}]
    want_key = {
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {
            # Only through SQS (the dead-letter queue), for this account's rules.
            "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"},
                             "kms:ViaService": {"Fn::Sub": "sqs.${AWS::Region}.amazonaws.com"}},
            "ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*"}},
        },
    }
    got_key = [{key: s.get(key) for key in want_key} for s in key_statements]
    if got_key != [want_key]:
        violations.append(f"KmsKey lets EventBridge {got_key}, want only {want_key}")
    return violations


# ------------------------------------------------------------------------------------------
# Every metric the template names is AWS's or ours
# ------------------------------------------------------------------------------------------
# Metrics AWS publishes that the template reads: (namespace, metric) -> dimension names.
AWS_METRICS: dict[tuple[str, str], tuple[str, ...]] = {
    # Amazon Bedrock User Guide, "Monitor bedrock-runtime inference using CloudWatch metrics"
    # (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html):
    # runtime metrics by ModelId ...
    **{(BEDROCK, name): ("ModelId",) for name in (
        "Invocations", "InvocationLatency", "InvocationClientErrors", "InvocationServerErrors",
        "InvocationThrottles")},
    # ... and invocation-logging delivery metrics "across all model IDs" (no dimension).
    **{(BEDROCK, f"ModelInvocation{kind}Delivery{outcome}"): () for kind in (
        "LogsS3", "LogsCloudWatch", "LargeDataS3") for outcome in ("Success", "Failure")},
    # AWS Lambda Developer Guide, "Types of metrics for Lambda functions"
    # (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
    **{("AWS/Lambda", name): ("FunctionName",) for name in ("Errors", "Duration", "Throttles")},
    # Amazon SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS"
    # (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): ("QueueName",),
}
OUR_METRICS = {m["name"]: tuple(m["dimensions"]) for m in EMF["metrics"]}
OUR_NAMESPACE = resolve({"Fn::Sub": EMF["namespace"]}, {})


def unknown_metric_violations(named: list[tuple[str, str, tuple[str, ...] | None]]) -> list[str]:
    """Each (namespace, metric, dimension names) is one of AWS_METRICS or one that
    emf-metrics.json lists, read by exactly its dimensions (None: a query over any)."""
    violations = []
    for namespace, metric, dimensions in named:
        want = OUR_METRICS.get(metric) if namespace == OUR_NAMESPACE else AWS_METRICS.get((namespace, metric))
        if want is None:
            violations.append(f"{namespace} {metric}: neither published by AWS (AWS_METRICS) nor in emf-metrics.json")
        elif dimensions is not None and sorted(dimensions) != sorted(want):
            violations.append(f"{namespace} {metric}: read by {list(dimensions)}, published by {list(want)}")
    return violations


def alarm_metric_violations(template: dict) -> list[str]:
    """Every alarm reads metrics that exist, by the dimensions they are published with."""
    return [f"{name}: {violation}"
            for name, alarm in resources(template, "AWS::CloudWatch::Alarm").items()
            for violation in unknown_metric_violations([
                (resolve({"Fn::Sub": namespace}, {}), metric, dimensions)
                for namespace, metric, dimensions in alarm_metrics(alarm)])]


# ------------------------------------------------------------------------------------------
# The dashboard
# ------------------------------------------------------------------------------------------
DASHBOARD = "Dashboard"
FUNCTIONS = ("S3AlertsFunction", "CwLogsAlertsFunction", EVENTS_FUNCTION)
# Representative parameter sets: the log widget reads every log group the stack subscribes to.
DASHBOARD_DEPLOYMENTS = [
    {},
    {"KnowledgeBaseIds": "KB00000001,KB00000002,KB00000003", "ExistingKnowledgeBaseLogGroupName": "/custom/kb-logs"},
    {"ExistingInvocationLogGroupName": "/logs/invocations", "KnowledgeBaseIds": "KB00000001", "UseKmsKey": "true"},
]
LONGEST_STACK_NAME = "s" * 128  # CloudFormation's limit


class DashboardMetric(NamedTuple):
    namespace: str
    name: str
    dimensions: dict[str, str | None] | None  # values None: a query's schema; None: any
    period: int
    query: str | None


def dashboard_metrics(body: dict) -> Iterator[DashboardMetric]:
    """The metrics of every metric widget: rows [namespace, name, dimension, value, ...,
    {options}] and Metrics Insights expressions."""
    for widget in body.get("widgets", []):
        if widget.get("type") != "metric":
            continue
        props = widget["properties"]
        for row in props.get("metrics", []):
            options = row[-1] if row and isinstance(row[-1], dict) else {}
            period = options.get("period", props.get("period", 300))
            if "expression" in options:
                for namespace, name, dims in query_metrics(options["expression"]):
                    yield DashboardMetric(namespace, name, None if dims is None else dict.fromkeys(dims),
                                          period, options["expression"])
                continue
            namespace, name, *pairs = row[:-1] if options else row
            yield DashboardMetric(namespace, name, dict(zip(pairs[::2], pairs[1::2])), period, None)


def _subscribed_log_groups(stack: dict[str, dict]) -> list[str]:
    """Names of the log groups the CloudWatch Logs function reads (its SAM event and the
    subscription filters), as deployed."""
    function = stack["CwLogsAlertsFunction"]["Properties"]
    groups = [event["Properties"]["LogGroupName"] for event in function.get("Events", {}).values()
              if event.get("Type") == "CloudWatchLogs"]
    groups += [res["Properties"]["LogGroupName"] for res in stack.values()
               if res["Type"] == "AWS::Logs::SubscriptionFilter"]
    return sorted(resolve(group, stack) for group in groups)


def _content_violations(metrics: list[DashboardMetric], stack: dict[str, dict]) -> list[str]:
    """What the dashboard must show, as (what, found) pairs."""
    function = {name: physical_value(name, None, stack) for name in FUNCTIONS}
    queue = physical_value("FailedEventsQueue", "QueueName", stack)

    def grouped(namespace: str, name: str, by: str) -> bool:
        return any((m.namespace, m.name) == (namespace, name) and m.query and m.query.endswith(f"GROUP BY {by}")
                   for m in metrics)

    def plain(namespace: str, name: str, period: int | None = None, **dimensions: str) -> bool:
        return any((m.namespace, m.name, m.dimensions) == (namespace, name, dimensions)
                   and period in (None, m.period) for m in metrics)

    wanted = {
        **{f"{BEDROCK} {name} by model": grouped(BEDROCK, name, "ModelId") for name in (
            "Invocations", "InvocationLatency", "InvocationClientErrors", "InvocationServerErrors",
            "InvocationThrottles")},
        "Findings by source and status": grouped(OUR_NAMESPACE, "Findings", "Source, Status"),
        "ModelErrors by model": grouped(OUR_NAMESPACE, "ModelErrors", "ModelId"),
        **{f"{BEDROCK} {name}": plain(BEDROCK, name) for (namespace, name), dims in AWS_METRICS.items()
           if namespace == BEDROCK and not dims},
        "InvocationRecords of the S3 function per hour": plain(
            OUR_NAMESPACE, "InvocationRecords", 3600, FunctionName=function["S3AlertsFunction"]),
        **{f"AWS/Lambda {name} of {fn}": plain("AWS/Lambda", name, FunctionName=physical)
           for name in ("Errors", "Duration", "Throttles") for fn, physical in function.items()},
        "failed-events queue depth": plain("AWS/SQS", "ApproximateNumberOfMessagesVisible", QueueName=queue),
    }
    return [f"no widget shows {what}" for what, found in wanted.items() if not found]


def _log_widget_violations(body: dict, stack: dict[str, dict]) -> list[str]:
    """One Logs Insights widget over exactly the log groups the function reads, listing
    failures without a field that holds prompts or responses."""
    logs = [w["properties"] for w in body.get("widgets", []) if w.get("type") == "log"]
    if len(logs) != 1:
        return [f"{len(logs)} log widgets, want 1"]
    query = logs[0].get("query", "")
    violations = []
    sources = sorted(re.findall(r"SOURCE '([^']+)'", query))
    if sources != _subscribed_log_groups(stack):
        violations.append(f"log widget reads {sources}, the function {_subscribed_log_groups(stack)}")
    if shown := re.findall(r"@message|\binput\w*|\boutput\w*", query):
        violations.append(f"log widget shows {shown}, which hold prompts and responses")
    if not re.search(r"\| filter .*errorCode.*level", query):
        violations.append("log widget does not filter for failed invocations and knowledge-base errors")
    return violations


def dashboard_violations(template: dict) -> list[str]:
    """For each of DASHBOARD_DEPLOYMENTS the body is JSON once resolved; every metric it
    names is AWS's or ours (by its dimensions); it shows Bedrock's invocations, errors,
    throttles and latency by model, our findings and model errors, log delivery, records read
    per hour, the functions' health and the failed-events queue; and its log widget reads
    the log groups the function subscribes to."""
    violations = []
    for overrides in DASHBOARD_DEPLOYMENTS:
        stack = deployed(template, parameters(template, **overrides))
        try:
            body = json.loads(resolve(stack[DASHBOARD]["Properties"]["DashboardBody"], stack))
            metrics = list(dashboard_metrics(body))
        except (KeyError, TypeError, ValueError) as error:
            violations.append(f"{overrides}: dashboard body unreadable: {error!r}")
            continue
        found = unknown_metric_violations([
            (m.namespace, m.name, None if m.dimensions is None else tuple(m.dimensions)) for m in metrics])
        found += _content_violations(metrics, stack) + _log_widget_violations(body, stack)
        violations += [f"{overrides}: {violation}" for violation in found]
    return violations


def dashboard_name_violations(template: dict) -> list[str]:
    """The dashboard is named after the stack within CloudWatch's rules (up to 255 of
    A-Z a-z 0-9 - _, for the longest stack name too), and its console URL is an output."""
    violations = []
    name = sub_text(template["Resources"].get(DASHBOARD, {}).get("Properties", {}).get("DashboardName")) or ""
    longest = name.replace("${AWS::StackName}", LONGEST_STACK_NAME)
    if "${AWS::StackName}" not in name or not re.fullmatch(r"[A-Za-z0-9_-]{1,255}", longest):
        violations.append(f"DashboardName {name!r}: want the stack name, at most 255 of A-Z a-z 0-9 - _")
    output = template.get("Outputs", {}).get("DashboardUrl", {})
    region = PSEUDO_PARAMETERS["AWS::Region"]
    want = (f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
            f"#dashboards/dashboard/{physical_value(DASHBOARD, None, template['Resources'])}")
    try:
        url = resolve(output.get("Value"), template["Resources"])
    except KeyError as error:
        url = f"unresolvable: {error!r}"
    if url != want or "Condition" in output:
        violations.append(f"output DashboardUrl is {url!r}, want {want!r} unconditionally")
    return violations


@pytest.mark.parametrize("overrides", DASHBOARD_DEPLOYMENTS, ids=str)
def test_log_widget_reads_each_subscribed_group(overrides):
    stack = deployed(TEMPLATE, parameters(TEMPLATE, **overrides))
    query = json.loads(resolve(stack[DASHBOARD]["Properties"]["DashboardBody"], stack))["widgets"][-1]["properties"]["query"]
    kb_ids = [kb for kb in overrides.get("KnowledgeBaseIds", "").split(",") if kb]
    want = [overrides.get("ExistingInvocationLogGroupName", "/aws/bedrock/modelinvocations/bedrock-alerts"),
            *(f"/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/{kb}" for kb in kb_ids),
            *filter(None, [overrides.get("ExistingKnowledgeBaseLogGroupName")])]
    assert re.findall(r"SOURCE '([^']+)'", query) == want


# ------------------------------------------------------------------------------------------
# The real template: no checker finds anything
# ------------------------------------------------------------------------------------------
CHECKERS = [
    query_alarm_violations, delivery_alarm_violations, bedrock_alarm_action_violations,
    alarm_action_violations, job_rule_violations, alarm_rule_violations, rule_target_violations,
    rule_permission_violations, alarm_metric_violations, dashboard_violations, dashboard_name_violations,
]


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda checker: checker.__name__)
def test_template_holds(checker):
    assert checker(TEMPLATE) == []


# ------------------------------------------------------------------------------------------
# Each checker must be able to fail
# ------------------------------------------------------------------------------------------
def _emf(change: Callable[[dict], None]) -> dict:
    listed = copy.deepcopy(EMF)
    change(listed)
    return listed



def test_emf_checker_catches_another_namespace():
    assert emf_namespace_violations(_emf(lambda e: e.__setitem__("namespace", "BedrockAlerts"))) != []


def _props(name: str) -> Callable[[dict], dict]:
    return lambda t: t["Resources"][name]["Properties"]


def _query(name: str) -> Callable[[dict], dict]:
    return lambda t: _props(name)(t)["Metrics"][0]


def _pattern(rule: str) -> Callable[[dict], dict]:
    return lambda t: _props(rule)(t)["EventPattern"]


def _target(rule: str) -> Callable[[dict], dict]:
    return lambda t: _props(rule)(t)["Targets"][0]


def _statements(policy: str) -> Callable[[dict], list]:
    return lambda t: _props(policy)(t)["PolicyDocument"]["Statement"]


def _body(old: str, new: str) -> Callable[[dict], None]:
    """Replace `old` (which must be there) with `new` in the dashboard body's text."""
    def plant(t: dict) -> None:
        sub = _props(DASHBOARD)(t)["DashboardBody"]["Fn::Sub"]
        assert old in sub[0], old
        sub[0] = sub[0].replace(old, new)
    return plant


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
    ("the failed-events alarm publishes to the topic again", alarm_action_violations,
     lambda t: _props("FailedEventsAlarm")(t).__setitem__(
         "AlarmActions", {"Fn::If": ["IsFifo", NO_VALUE, [{"Ref": "AlertTopic"}]]})),
    ("an OK action on the staleness alarm", alarm_action_violations,
     lambda t: _props("StaleInvocationLogsAlarm")(t).__setitem__("OKActions", [{"Ref": "AlertTopic"}])),
    ("an insufficient-data action", alarm_action_violations,
     lambda t: _props("InvocationErrorsAlarm")(t).__setitem__("InsufficientDataActions", ["arn:x"])),
    ("job events of every detail-type", job_rule_violations, lambda t: _pattern(JOB_RULE)(t).pop("detail-type")),
    ("a job detail-type left out", job_rule_violations, lambda t: _pattern(JOB_RULE)(t)["detail-type"].pop()),
    ("a job detail-type misspelt", job_rule_violations,
     lambda t: _pattern(JOB_RULE)(t)["detail-type"].__setitem__(1, "Batch Inference Job Status Change")),
    ("Data Automation successes too", job_rule_violations,
     lambda t: _pattern(JOB_RULE)(t)["detail-type"].append("Bedrock Data Automation Job Succeeded")),
    ("failed jobs only (the function's decision)", job_rule_violations,
     lambda t: _pattern(JOB_RULE)(t).__setitem__("detail", {"status": ["Failed"]})),
    ("job rule disabled", job_rule_violations, lambda t: _props(JOB_RULE)(t).__setitem__("State", "DISABLED")),
    ("a second rule on Bedrock's events", job_rule_violations,
     lambda t: t["Resources"].__setitem__("Extra", copy.deepcopy(t["Resources"][JOB_RULE]))),
    ("an alarm left out of the rule", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t)["resources"].pop(0)),
    ("a new alarm not added to the rule", alarm_rule_violations,
     lambda t: t["Resources"].__setitem__("NewAlarm", copy.deepcopy(t["Resources"]["InvocationErrorsAlarm"]))),
    ("a conditional alarm listed unconditionally", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t)["resources"].__setitem__(2, {"Fn::GetAtt": ["StaleInvocationLogsAlarm", "Arn"]})),
    ("an alarm under another alarm's condition", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t)["resources"][3]["Fn::If"].__setitem__(0, "HasBedrockThrottleAlarm")),
    ("every alarm of the account", alarm_rule_violations, lambda t: _pattern(ALARM_RULE)(t).pop("resources")),
    ("alarms by name prefix", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t).__setitem__("resources", [{"prefix": {"Fn::Sub": "arn:${AWS::Partition}:cloudwatch:"}}])),
    ("an alarm listed twice", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t)["resources"].append({"Fn::GetAtt": ["FailedEventsAlarm", "Arn"]})),
    ("INSUFFICIENT_DATA sent", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t)["detail"]["$or"][0]["state"]["value"].append("INSUFFICIENT_DATA")),
    ("every OK sent, a new alarm's too", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t)["detail"]["$or"][1].pop("previousState")),
    ("another detail-type", alarm_rule_violations,
     lambda t: _pattern(ALARM_RULE)(t).__setitem__("detail-type", ["CloudWatch Alarm Configuration Change"])),
    ("alarm rule only with suppression", alarm_rule_violations,
     lambda t: t["Resources"][ALARM_RULE].__setitem__("Condition", "SuppressionOn")),
    ("no dead-letter queue", rule_target_violations, lambda t: _target(JOB_RULE)(t).pop("DeadLetterConfig")),
    ("another dead-letter queue", rule_target_violations,
     lambda t: _target(ALARM_RULE)(t).__setitem__("DeadLetterConfig", {"Arn": {"Fn::GetAtt": ["OtherQueue", "Arn"]}})),
    ("no retry policy", rule_target_violations, lambda t: _target(ALARM_RULE)(t).pop("RetryPolicy")),
    ("EventBridge keeps trying for a day", rule_target_violations,
     lambda t: _target(JOB_RULE)(t)["RetryPolicy"].__setitem__("MaximumEventAgeInSeconds", 86400)),
    ("no retries", rule_target_violations,
     lambda t: _target(ALARM_RULE)(t)["RetryPolicy"].__setitem__("MaximumRetryAttempts", 0)),
    ("only the detail handed over", rule_target_violations,
     lambda t: _target(JOB_RULE)(t).__setitem__("InputPath", "$.detail")),
    ("a third rule to the function", rule_target_violations,
     lambda t: t["Resources"].__setitem__("Extra", {"Type": "AWS::Events::Rule", "Properties": {
         "EventPattern": {"source": ["aws.s3"]}, "Targets": copy.deepcopy(_props(JOB_RULE)(t)["Targets"])}})),
    ("the job rule may not invoke", rule_permission_violations,
     lambda t: t["Resources"].pop("EventsAlertsInvokeFromJobEvents")),
    ("any rule may invoke", rule_permission_violations,
     lambda t: _props("EventsAlertsInvokeFromAlarms")(t).pop("SourceArn")),
    ("S3 may invoke the events function", rule_permission_violations,
     lambda t: t["Resources"].__setitem__("Extra", {"Type": "AWS::Lambda::Permission", "Properties": {
         "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": EVENTS_FUNCTION}, "Principal": "s3.amazonaws.com"}})),
    ("a permission for another principal", rule_permission_violations,
     lambda t: _props("EventsAlertsInvokeFromJobEvents")(t).__setitem__("Principal", "sns.amazonaws.com")),
    ("EventBridge may not park events", rule_permission_violations,
     lambda t: _statements("FailedEventsQueuePolicy")(t).pop()),
    ("every rule may park events", rule_permission_violations,
     lambda t: _statements("FailedEventsQueuePolicy")(t)[1]["Condition"].pop("ArnEquals")),
    ("one rule's dead letters refused", rule_permission_violations,
     lambda t: _statements("FailedEventsQueuePolicy")(t)[1]["Condition"]["ArnEquals"]["aws:SourceArn"].pop()),
    ("EventBridge may read the queue", rule_permission_violations,
     lambda t: _statements("FailedEventsQueuePolicy")(t)[1].__setitem__("Action", ["sqs:SendMessage", "sqs:ReceiveMessage"])),
    ("EventBridge may not use the key", rule_permission_violations,
     lambda t: _props("KmsKey")(t)["KeyPolicy"].__setitem__("Statement", [
         s for s in _props("KmsKey")(t)["KeyPolicy"]["Statement"] if s.get("Sid") != "AllowEventBridgeDeadLetters"])),
    ("the key for EventBridge of any account", rule_permission_violations,
     lambda t: next(s for s in _props("KmsKey")(t)["KeyPolicy"]["Statement"]
                    if s.get("Sid") == "AllowEventBridgeDeadLetters").pop("Condition")),
    ("an alarm on a metric misspelt", alarm_metric_violations,
     lambda t: _props("StaleInvocationLogsAlarm")(t).__setitem__("MetricName", "InvocationRecord")),
    ("an alarm on our metric by another dimension", alarm_metric_violations,
     lambda t: _props("StaleInvocationLogsAlarm")(t)["Dimensions"][0].__setitem__("Name", "Function")),
    ("a Bedrock metric that does not exist", dashboard_violations,
     _body('SUM(InvocationThrottles) FROM SCHEMA(\\"AWS/Bedrock\\"', 'SUM(Throttles) FROM SCHEMA(\\"AWS/Bedrock\\"')),
    ("an EMF metric misspelt", dashboard_violations, _body("SUM(Findings)", "SUM(Finding)")),
    ("findings by function", dashboard_violations,
     _body("Source, Status) GROUP BY Source, Status", "FunctionName) GROUP BY FunctionName")),
    ("model errors not by model", dashboard_violations,
     _body("SUM(ModelErrors) FROM SCHEMA(\\\"BedrockAlerts/${AWS::StackName}\\\", ModelId) GROUP BY ModelId",
           "SUM(ModelErrors) FROM SCHEMA(\\\"BedrockAlerts/${AWS::StackName}\\\", ModelId)")),
    ("records read per five minutes", dashboard_violations, _body('"period": 3600', '"period": 300')),
    ("errors of one function only", dashboard_violations,
     _body('"Errors", "FunctionName", "${CwLogsAlertsFunction}"', '"Errors", "FunctionName", "${S3AlertsFunction}"')),
    ("the events function's duration left out", dashboard_violations,
     _body('"Duration", "FunctionName", "${EventsAlertsFunction}"', '"Duration", "FunctionName", "${CwLogsAlertsFunction}"')),
    ("the events function's throttles left out", dashboard_violations,
     _body('"Throttles", "FunctionName", "${EventsAlertsFunction}"', '"Errors", "FunctionName", "${EventsAlertsFunction}"')),
    ("another queue", dashboard_violations, _body("${FailedEventsQueue.QueueName}", "other-queue")),
    ("large-data deliveries left out", dashboard_violations,
     _body('"ModelInvocationLargeDataS3DeliveryFailure"', '"ModelInvocationLogsS3DeliveryFailure"')),
    ("knowledge-base groups left out", dashboard_violations,
     lambda t: _props(DASHBOARD)(t)["DashboardBody"]["Fn::Sub"][1].__setitem__("KnowledgeBaseSources", "")),
    ("prompts shown", dashboard_violations, _body("| fields @timestamp,", "| fields @timestamp, @message,")),
    ("every record listed", dashboard_violations, _body(" | filter strlen(errorCode) > 0 or", " | filter")),
    ("a body that is not JSON", dashboard_violations, _body('"widgets": [', '"widgets": [[')),
    ("a dashboard name with a space", dashboard_name_violations,
     lambda t: _props(DASHBOARD)(t).__setitem__("DashboardName", {"Fn::Sub": "${AWS::StackName} bedrock"})),
    ("a dashboard name too long for a long stack name", dashboard_name_violations,
     lambda t: _props(DASHBOARD)(t).__setitem__("DashboardName", {"Fn::Sub": "${AWS::StackName}-" + "d" * 127})),
    ("an output without the dashboard", dashboard_name_violations,
     lambda t: t["Outputs"]["DashboardUrl"].__setitem__("Value", {"Fn::Sub": "https://console.aws.amazon.com/cloudwatch/"})),
]


@pytest.mark.parametrize(("checker", "plant"), [(c, p) for _, c, p in PLANTED], ids=[n for n, _, _ in PLANTED])
def test_checker_catches_planted_violation(checker, plant):
    template = copy.deepcopy(TEMPLATE)
    plant(template)
    assert checker(template) != []
