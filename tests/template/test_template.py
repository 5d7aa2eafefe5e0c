"""Security rules for template.yaml, checked on the SAM source (no AWS access, no build).

Each rule is a checker that returns a list of human-readable violations. A test asserts that
the real template has none, and `test_checker_catches_planted_violation` plants one violation
per checker into a copy of the template to prove that the checker can fail.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from typing import Any, Callable, Iterator

import pytest
from cfn import (
    NO_VALUE, TEMPLATE, TEMPLATE_TEXT, alarm_metrics, as_list, branches, deployed, evaluate,
    function_properties, load_template, parameters, render, resources, sub_text,
)

# Function logical id -> cargo binary name (a [[bin]] in functions/*/Cargo.toml).
FUNCTIONS = {
    "S3AlertsFunction": "bedrock-s3-alerts",
    "CwLogsAlertsFunction": "bedrock-cwlogs-alerts",
    "EventsAlertsFunction": "bedrock-events-alerts",
}
EVENTS_FUNCTION = "EventsAlertsFunction"  # Bedrock job events and the stack's alarms (EventBridge)
# The only statement allowed to grant a wildcard action: the standard KMS key-policy statement
# that hands key administration to the account (so IAM policies can grant key use).
KMS_ADMIN_SID = "EnableAccountAdministration"
ACCOUNT_ID = {"Ref": "AWS::AccountId"}
LOGS_SERVICE = "logs.${AWS::Region}.amazonaws.com"
LOG_GROUP_ARN_PREFIX = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
USE_KEY = {"Fn::If": ["UseKms", {"Fn::GetAtt": ["KmsKey", "Arn"]}, {"Ref": "AWS::NoValue"}]}
BEDROCK_SOURCE_ARN = {"Fn::Sub": "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:*"}


# ------------------------------------------------------------------------------------------
# Policy statements
# ------------------------------------------------------------------------------------------
class Statement:
    """One policy statement and where it came from."""

    def __init__(self, resource: str, resource_type: str, kind: str, body: dict):
        self.resource, self.resource_type, self.kind, self.body = resource, resource_type, kind, body

    @property
    def where(self) -> str:
        return f"{self.resource} ({self.kind}) Sid={self.body.get('Sid', '-')}"

    @property
    def effect(self) -> str:
        return self.body.get("Effect", "")

    @property
    def actions(self) -> list:
        return as_list(self.body.get("Action", []))

    @property
    def resources(self) -> list:
        return as_list(self.body.get("Resource", []))

    @property
    def principals(self) -> list[tuple[str, Any]]:
        principal = self.body.get("Principal")
        if principal is None:
            return []
        if principal == "*":
            return [("*", "*")]
        return [(kind, value) for kind, values in principal.items() for value in as_list(values)]

    @property
    def services(self) -> set[str]:
        """Service principals, `logs.${AWS::Region}.amazonaws.com` kept as written."""
        return {sub_text(value) or repr(value) for kind, value in self.principals if kind == "Service"}

    def condition(self, operator: str, key: str) -> Any:
        return self.body.get("Condition", {}).get(operator, {}).get(key)


def _documents(res: dict) -> Iterator[tuple[str, Any]]:
    """(kind, policy document) pairs of one resource."""
    props = res.get("Properties", {})
    type_ = res.get("Type")
    if type_ == "AWS::IAM::Role":
        yield "trust", props.get("AssumeRolePolicyDocument")
        for policy in as_list(props.get("Policies", [])):
            yield "identity", policy.get("PolicyDocument")
    elif type_ in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        yield "identity", props.get("PolicyDocument")
    elif type_ in (
        "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy",
        "AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy", "AWS::Logs::ResourcePolicy",
    ):
        yield "resource", props.get("PolicyDocument")
    elif type_ == "AWS::KMS::Key":
        yield "key", props.get("KeyPolicy")
    elif type_ == "AWS::Logs::LogGroup" and "ResourcePolicyDocument" in props:
        yield "resource", props["ResourcePolicyDocument"]
    elif type_ == "AWS::Serverless::Function":
        for policy in as_list(props.get("Policies", [])):
            if isinstance(policy, dict) and "Statement" in policy:
                yield "identity", policy


def statements(template: dict) -> list[Statement]:
    found = []
    for name, res in resources(template).items():
        for kind, document in _documents(res):
            for doc in branches(document):
                for body in as_list(doc.get("Statement", [])):
                    found.append(Statement(name, res.get("Type"), kind, body))
    return found


def role_of_function(template: dict, function: str) -> str:
    role = function_properties(template, function).get("Role")
    assert isinstance(role, dict) and "Fn::GetAtt" in role, f"{function} must use a role from this template"
    return role["Fn::GetAtt"][0]


def identity_statements(template: dict, function: str) -> list[Statement]:
    """Everything the function's code is allowed to do."""
    role = role_of_function(template, function)
    attached = {
        name
        for name, res in resources(template, "AWS::IAM::Policy").items()
        if {"Ref": role} in as_list(res["Properties"].get("Roles", []))
    }
    return [
        s for s in statements(template)
        if s.kind == "identity" and (s.resource in (role, function) or s.resource in attached)
    ]


def is_tls_only_deny(statement: Statement) -> bool:
    return (
        statement.effect == "Deny"
        and statement.body.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    )


# ------------------------------------------------------------------------------------------
# Checkers: each returns the list of violations (empty = rule holds)
# ------------------------------------------------------------------------------------------
def wildcard_action_violations(template: dict) -> list[str]:
    """No `*`, `service:*` or `service:Prefix*` actions. Exceptions: the KMS key-admin
    statement for the account root, and TLS-only Deny statements (a Deny only removes
    permissions, and "deny everything over plain HTTP" must cover every action)."""
    violations = []
    for s in statements(template):
        if "NotAction" in s.body:
            violations.append(f"{s.where}: NotAction")
        wild = [a for a in s.actions if not isinstance(a, str) or "*" in a]
        if not wild:
            continue
        if (
            s.resource_type == "AWS::KMS::Key"
            and s.body.get("Sid") == KMS_ADMIN_SID
            and s.principals == [("AWS", {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"})]
        ):
            continue
        if is_tls_only_deny(s):
            continue
        violations.append(f"{s.where}: wildcard action(s) {wild}")
    return violations


# Actions that have no resource-level permissions: IAM takes only `Resource: "*"` for them.
# The Service Authorization Reference ("Actions, resources, and condition keys for Amazon
# CloudWatch") lists no resource type and no condition key for GetMetricData and ListMetrics;
# the events function needs both to name the models behind a Bedrock alarm. They only read.
UNSCOPABLE_METRIC_READS = {"cloudwatch:GetMetricData", "cloudwatch:ListMetrics"}


def is_unscopable_metric_read(template: dict, statement: Statement) -> bool:
    """An Allow of (some of) UNSCOPABLE_METRIC_READS alone, on "*", in the events function's
    own role: the one identity statement allowed Resource "*", since those actions cannot be
    scoped any further."""
    return (
        statement.kind == "identity"
        and statement.effect == "Allow"
        and statement.resource == role_of_function(template, EVENTS_FUNCTION)
        and set(statement.actions) <= UNSCOPABLE_METRIC_READS
        and statement.resources == ["*"]
    )


def wildcard_resource_violations(template: dict) -> list[str]:
    """No `Resource: "*"` (nor NotResource) outside KMS key policies, where "*" means the key,
    except the events function's CloudWatch metric reads, which support no resource-level
    permissions (UNSCOPABLE_METRIC_READS)."""
    violations = []
    for s in statements(template):
        if "NotResource" in s.body:
            violations.append(f"{s.where}: NotResource")
        if "*" in s.resources and s.resource_type != "AWS::KMS::Key" and not is_unscopable_metric_read(template, s):
            violations.append(f"{s.where}: Resource '*'")
        if s.kind == "identity" and s.effect == "Allow" and not s.resources:
            violations.append(f"{s.where}: no Resource")
    return violations


def bedrock_condition_violations(template: dict) -> list[str]:
    """Every grant to bedrock.amazonaws.com carries aws:SourceAccount and aws:SourceArn
    (confused-deputy protection), and the three places that need one have one."""
    violations = []
    seen = set()
    for s in statements(template):
        if "bedrock.amazonaws.com" not in s.services:
            continue
        seen.add(s.resource_type)
        if s.condition("StringEquals", "aws:SourceAccount") != ACCOUNT_ID:
            violations.append(f"{s.where}: missing StringEquals aws:SourceAccount")
        if s.condition("ArnLike", "aws:SourceArn") != BEDROCK_SOURCE_ARN:
            violations.append(f"{s.where}: missing ArnLike aws:SourceArn")
    for needed in ("AWS::S3::BucketPolicy", "AWS::IAM::Role", "AWS::KMS::Key"):
        if needed not in seen:
            violations.append(f"no bedrock.amazonaws.com statement in any {needed}")
    return violations


# Amazon Q Developer in chat applications assumes the Slack channel's role without a source
# account or ARN to check (it documents none); that role holds a read-only policy only
# (test_outputs.py), so its trust is the one trust policy of a service without a condition.
CHAT_SERVICE = "chatbot.amazonaws.com"


def service_principal_violations(template: dict) -> list[str]:
    """Any other Allow to an AWS service (except Lambda's own trust, and Amazon Q Developer's
    trust in the chat channel role) names the source account: with aws:SourceAccount, or for
    CloudWatch Logs using a key, with an encryption context that names log groups of this
    account (the scoping the service's key policies use)."""
    violations = []
    for s in statements(template):
        services = s.services - {"lambda.amazonaws.com"} - ({CHAT_SERVICE} if s.kind == "trust" else set())
        if s.effect != "Allow" or not services:
            continue
        if s.condition("StringEquals", "aws:SourceAccount") == ACCOUNT_ID:
            continue
        if services == {LOGS_SERVICE} and log_encryption_context(s) is not None:
            continue
        violations.append(f"{s.where}: {sorted(services)} without aws:SourceAccount")
    return violations


def log_encryption_context(statement: Statement) -> list[str] | None:
    """Log-group name patterns a CloudWatch Logs key statement is limited to, or None when
    it is not limited to log groups of this account."""
    values = as_list(statement.condition("ArnLike", "kms:EncryptionContext:aws:logs:arn") or [])
    names = [(sub_text(v) or "").partition(LOG_GROUP_ARN_PREFIX) for v in values]
    if not names or any(before or not sep for before, sep, _ in names):
        return None
    return [name for _, _, name in names]


OBJECT_READS = ("s3:GetObject", "s3:GetObjectVersion")  # versioned buckets need the second
LIST = "s3:ListBucket"  # lets S3 answer 404 rather than 403 for a missing key
BUCKET_ARN = r"arn:\$\{AWS::Partition\}:s3:::\$\{[A-Za-z]+\}"
LOG_OBJECTS_ARN = BUCKET_ARN + r"/\$\{LogKeyPrefix\}\*"


def s3_read_violations(template: dict) -> list[str]:
    """The S3 function may read objects (s3:GetObject and, for events that name a version,
    s3:GetObjectVersion, both granted on exactly the same resources) only under the log
    prefix, and s3:ListBucket only on the same bucket with s3:prefix limited to the log
    prefix; the other functions have no S3 access."""
    violations = []
    granted: dict[str, list[tuple[Statement, Any]]] = {action: [] for action in (*OBJECT_READS, LIST)}
    for s in identity_statements(template, "S3AlertsFunction"):
        for action in s.actions:
            if s.effect != "Allow" or not str(action).lower().startswith("s3:"):
                continue
            if action not in granted:
                violations.append(f"{s.where}: S3 action {action!r}, want only {sorted(granted)}")
            else:
                granted[action].extend((s, resource) for resource in s.resources)
    violations += [f"S3AlertsFunction has no {action} grant" for action, grants in granted.items() if not grants]
    scopes = {action: sorted(repr(resource) for _, resource in granted[action]) for action in OBJECT_READS}
    if len({tuple(scope) for scope in scopes.values()}) > 1:
        violations.append(f"object reads scoped differently: {scopes}")
    for action, grants in granted.items():
        want = BUCKET_ARN if action == LIST else LOG_OBJECTS_ARN
        for s, resource in grants:
            if not re.fullmatch(want, sub_text(resource) or ""):
                violations.append(f"{s.where}: {action} on {resource!r}, want {want}")
    for s, _ in granted[LIST]:
        if s.body.get("Condition") != {"StringLike": {"s3:prefix": {"Fn::Sub": "${LogKeyPrefix}*"}}}:
            violations.append(f"{s.where}: {LIST} not limited to s3:prefix ${{LogKeyPrefix}}*")
    buckets = {repr(_bucket(resource)) for grants in granted.values() for _, resource in grants}
    if len(buckets) > 1:
        violations.append(f"S3 grants name different buckets: {sorted(buckets)}")
    for name in FUNCTIONS.keys() - {"S3AlertsFunction"}:
        for s in identity_statements(template, name):
            if any(str(a).lower().startswith("s3:") for a in s.actions):
                violations.append(f"{s.where}: {name} has S3 access")
    for name in FUNCTIONS:
        for policy in as_list(function_properties(template, name).get("Policies", [])):
            if not (isinstance(policy, dict) and "Statement" in policy):
                violations.append(f"{name}: managed policy or SAM policy template {policy!r}")
    return violations


def _bucket(resource: Any) -> Any:
    """The bucket of an S3 ARN written as `!Sub [arn...${BucketName}..., {BucketName: ...}]`."""
    sub = resource.get("Fn::Sub") if isinstance(resource, dict) else None
    return sub[1] if isinstance(sub, list) else sub


def sns_publish_violations(template: dict) -> list[str]:
    """sns:Publish is granted on the alert topic (or, each alone, the chat topic: which roles
    and when is test_outputs.py's) only, and every function has it on the alert topic. The
    topic policy, on both topics, grants it on both (test_outputs.py checks the chat topic's
    place in it)."""
    violations = []
    for s in statements(template):
        if s.effect == "Allow" and any(str(a).lower() == "sns:publish" for a in s.actions):
            if s.resources not in ([{"Ref": "AlertTopic"}], [{"Ref": "ChatTopic"}]) and not (
                    s.resource_type == "AWS::SNS::TopicPolicy" and s.resources == [{"Ref": "AlertTopic"}, {"Ref": "ChatTopic"}]):
                violations.append(f"{s.where}: sns:Publish on {s.resources}")
    for name in FUNCTIONS:
        grants = [s for s in identity_statements(template, name)
                  if s.effect == "Allow" and "sns:Publish" in s.actions]
        if not any(s.resources == [{"Ref": "AlertTopic"}] for s in grants):
            violations.append(f"{name}: no sns:Publish on AlertTopic")
        for s in grants:
            if s.actions != ["sns:Publish"]:
                violations.append(f"{s.where}: sns:Publish shares a statement with {s.actions}")
    env = function_properties(template, next(iter(FUNCTIONS)))["Environment"]["Variables"]
    if env.get("ALERT_TOPIC_ARN") != {"Ref": "AlertTopic"}:
        violations.append("ALERT_TOPIC_ARN is not the alert topic")
    return violations


def topic_publisher_violations(template: dict) -> list[str]:
    """The topic policy lets only the function roles publish (alarms reach the topic through
    the events function, not as CloudWatch's own message), and denies every other caller
    except those AlertPublisherArns names (when it names any)."""
    violations = []
    policies = [
        name for name, res in resources(template, "AWS::SNS::TopicPolicy").items()
        if {"Ref": "AlertTopic"} in as_list(res["Properties"].get("Topics", []))
    ]
    if len(policies) != 1:
        return [f"want exactly one TopicPolicy on AlertTopic, found {policies}"]
    roles = [{"Fn::GetAtt": [role_of_function(template, f), "Arn"]} for f in FUNCTIONS]
    topic = [s for s in statements(template) if s.resource == policies[0]]
    allowed: list = []
    for s in (s for s in topic if s.effect == "Allow"):
        if s.actions != ["sns:Publish"]:
            violations.append(f"{s.where}: grants {s.actions}")
        allowed.extend(s.principals)
        if s.services and s.condition("StringEquals", "aws:SourceAccount") != ACCOUNT_ID:
            violations.append(f"{s.where}: service principal without aws:SourceAccount")
    expected = [("AWS", role) for role in roles]
    if sorted(map(repr, allowed)) != sorted(map(repr, expected)):
        violations.append(f"topic publishers {allowed}, want {expected}")
    fences = [s for s in topic if s.effect == "Deny" and "sns:Publish" in s.actions and not is_tls_only_deny(s)]
    if len(fences) != 1:
        return violations + [f"want one Deny of sns:Publish that fences publishers, found {len(fences)}"]
    # The fence rendered for an empty and a non-empty AlertPublisherArns.
    for publishers, operator_may_publish in PUBLISHER_SETTINGS:
        fence = render(fences[0].body, template, parameters(template, AlertPublisherArns=publishers))
        violations += [f"AlertPublisherArns={publishers!r}: {v}" for v in fence_violations(fence, roles, operator_may_publish)]
    return violations


# Callers of sns:Publish for the fence: an operator role AlertPublisherArns can let in, and
# a role it never names.
OPERATOR = "arn:aws:iam::111122223333:role/ops-alice"
OPERATOR_PATTERN = "arn:aws:iam::111122223333:role/ops-*"
OUTSIDER = "arn:aws:iam::111122223333:role/other"
# AlertPublisherArns empty, and naming the operator (by pattern): may the operator publish?
PUBLISHER_SETTINGS = (("", False), (OPERATOR_PATTERN, True))


def fence_denies(fence: dict, caller: Any) -> bool:
    """Whether a rendered Deny's conditions all hold for a caller that is not an AWS service
    and whose aws:PrincipalArn is `caller` (an ARN, or a role's GetAtt)."""
    for operator, keys in fence.get("Condition", {}).items():
        for key, wanted in keys.items():
            values = wanted if isinstance(wanted, list) else [wanted]
            if (operator, key) == ("ArnNotEquals", "aws:PrincipalArn"):
                holds = caller not in values
            elif (operator, key) == ("ArnNotLike", "aws:PrincipalArn"):
                holds = not any(isinstance(caller, str) and fnmatch.fnmatchcase(caller, v) for v in values)
            elif (operator, key) == ("Bool", "aws:PrincipalIsAWSService"):
                holds = values == ["false"]
            else:
                raise AssertionError(f"fence condition {operator} {key} is not understood here")
            if not holds:
                return False
    return True


def fence_violations(fence: dict, roles: list, operator_may_publish: bool) -> list[str]:
    """What a rendered fence gets wrong: it must let every function role (a GetAtt) publish,
    the operator exactly when `operator_may_publish`, and never the outsider."""
    callers = [(role, True) for role in roles] + [(OUTSIDER, False), (OPERATOR, operator_may_publish)]
    return [f"{caller} {'is denied' if may_publish else 'may publish'}"
            for caller, may_publish in callers if fence_denies(fence, caller) == may_publish]


def function_build_violations(template: dict) -> list[str]:
    """provided.al2023 + arm64 + bootstrap, built by cargo-lambda from the right binary."""
    violations = []
    found = set(resources(template, "AWS::Serverless::Function")) | set(
        resources(template, "AWS::Lambda::Function"))
    if found != set(FUNCTIONS):
        violations.append(f"functions {sorted(found)}, want {sorted(FUNCTIONS)}")
    for name, binary in FUNCTIONS.items():
        if name not in template["Resources"]:
            continue
        props = function_properties(template, name)
        metadata = template["Resources"][name].get("Metadata", {})
        checks = {
            "Runtime": (props.get("Runtime"), "provided.al2023"),
            "Architectures": (props.get("Architectures"), ["arm64"]),
            "Handler": (props.get("Handler"), "bootstrap"),
            "CodeUri": (props.get("CodeUri"), "."),
            "BuildMethod": (metadata.get("BuildMethod"), "rust-cargolambda"),
            "Binary": (metadata.get("BuildProperties", {}).get("Binary"), binary),
        }
        for field, (got, want) in checks.items():
            if got != want:
                violations.append(f"{name}: {field} is {got!r}, want {want!r}")
    return violations


def _function_log_groups(template: dict) -> tuple[set[str], set[str]]:
    """(logical ids, names) of the functions' own log groups."""
    ids, names = set(), set()
    for name in FUNCTIONS:
        target = function_properties(template, name).get("LoggingConfig", {}).get("LogGroup")
        for variant in branches(target):
            if isinstance(variant, dict) and "Ref" in variant:
                ids.add(variant["Ref"])
                res = template["Resources"].get(variant["Ref"], {})
                names.add(sub_text(res.get("Properties", {}).get("LogGroupName")) or "")
            elif variant is not None:
                names.add(sub_text(variant) or "")
    return ids, names - {""}


def subscription_target_violations(template: dict) -> list[str]:
    """No CloudWatch Logs subscription reads a log group the functions write to."""
    violations = []
    own_ids, own_names = _function_log_groups(template)
    if len(own_ids) != len(FUNCTIONS):
        violations.append(f"each function needs its own explicit log group, found {sorted(own_ids)}")
    subscribed: list[tuple[str, Any]] = []
    for name, res in resources(template, "AWS::Serverless::Function").items():
        for event_id, event in res.get("Properties", {}).get("Events", {}).items():
            if event.get("Type") == "CloudWatchLogs":
                subscribed.append((f"{name}.{event_id}", event["Properties"].get("LogGroupName")))
    for name, res in resources(template, "AWS::Logs::SubscriptionFilter").items():
        subscribed.append((name, res["Properties"].get("LogGroupName")))
    if len(subscribed) < 2:
        violations.append(f"expected the invocation and knowledge-base subscriptions, found {subscribed}")
    for where, log_group in subscribed:
        for variant in branches(log_group):
            ref = variant.get("Ref") if isinstance(variant, dict) else None
            text = sub_text(variant) or ""
            if ref in own_ids or text in own_names or text.startswith("/aws/lambda/"):
                violations.append(f"{where}: subscribes to a function log group ({variant!r})")
    return violations


def on_failure_violations(template: dict) -> list[str]:
    """Every function sends events it gives up on to a destination it may write to."""
    violations = []
    for name in FUNCTIONS:
        config = function_properties(template, name).get("EventInvokeConfig", {})
        on_failure = config.get("DestinationConfig", {}).get("OnFailure", {})
        destination = on_failure.get("Destination")
        if on_failure.get("Type") != "SQS" or destination is None:
            violations.append(f"{name}: no SQS OnFailure destination ({on_failure!r})")
            continue
        if not isinstance(config.get("MaximumRetryAttempts"), int):
            violations.append(f"{name}: MaximumRetryAttempts not set")
        queue = destination.get("Fn::GetAtt", [None])[0] if isinstance(destination, dict) else None
        if template["Resources"].get(queue, {}).get("Type") != "AWS::SQS::Queue":
            violations.append(f"{name}: OnFailure destination {destination!r} is not a queue in this template")
        can_send = any(
            s.effect == "Allow" and "sqs:SendMessage" in s.actions and destination in s.resources
            for s in identity_statements(template, name)
        )
        if not can_send:
            violations.append(f"{name}: role cannot sqs:SendMessage to {destination!r}")
    return violations


def alarm_violations(template: dict) -> list[str]:
    """Every alarm on the stack's own signals reads the namespace the functions write their
    EMF metrics to (or the failed-events queue's); the staleness alarm treats silence as
    breaching. Alarms on AWS/Bedrock, and how every alarm reaches the topic (EventBridge and
    the events function, no alarm actions), are test_signals.py's."""
    violations = []
    namespace = sub_text(template["Globals"]["Function"]["Environment"]["Variables"].get("METRICS_NAMESPACE"))
    for name, alarm in resources(template, "AWS::CloudWatch::Alarm").items():
        namespaces = {used for used, _, _ in alarm_metrics(alarm)}
        if namespaces == {"AWS/Bedrock"}:
            continue
        if not namespaces:
            violations.append(f"{name}: reads no metric")
        for used in namespaces:
            if used != namespace and used != "AWS/SQS":
                violations.append(f"{name}: namespace {used!r} is not the functions' {namespace!r}")
    for name in ("InvocationErrorsAlarm", "StaleInvocationLogsAlarm"):
        if name not in template["Resources"]:
            violations.append(f"{name} is missing")
    stale = template["Resources"].get("StaleInvocationLogsAlarm", {}).get("Properties", {})
    if stale and stale.get("TreatMissingData") != "breaching":
        violations.append("StaleInvocationLogsAlarm: missing data must count as breaching")
    return violations


KB_LOG_GROUP_PREFIX = "/aws/vendedlogs/bedrock/knowledge-base/APPLICATION_LOGS/"
KB_FILTER = {"Fn::FindInMap": ["SubscriptionFilterPatterns", "KnowledgeBase", "Pattern"]}
CW_FUNCTION_ARN = {"Fn::GetAtt": ["CwLogsAlertsFunction", "Arn"]}


def _ref(value: Any) -> str | None:
    return value.get("Ref") if isinstance(value, dict) else None


def kb_delivery_violations(template: dict) -> list[str]:
    """Each knowledge base delivers into a log group of its own, named
    <KB_LOG_GROUP_PREFIX><its id>, which exactly one subscription filter sends to the
    CloudWatch Logs function; every link of that chain exists under the same condition."""
    violations = []
    res = template["Resources"]
    groups_used: list[str] = []
    for source, source_res in resources(template, "AWS::Logs::DeliverySource").items():
        deliveries = [n for n, r in resources(template, "AWS::Logs::Delivery").items()
                      if _ref(r["Properties"].get("DeliverySourceName")) == source]
        if len(deliveries) != 1:
            violations.append(f"{source}: {len(deliveries)} deliveries, want 1")
            continue
        destination = res[deliveries[0]]["Properties"]["DeliveryDestinationArn"]["Fn::GetAtt"][0]
        target = sub_text(res[destination]["Properties"]["DestinationResourceArn"]) or ""
        match = re.fullmatch(re.escape(LOG_GROUP_ARN_PREFIX) + r"\$\{([A-Za-z0-9]+)\}", target)
        group = match.group(1) if match else ""
        if res.get(group, {}).get("Type") != "AWS::Logs::LogGroup":
            violations.append(f"{destination}: delivers to {target!r}, not a log group of this stack")
            continue
        groups_used.append(group)
        name = res[group]["Properties"]["LogGroupName"]["Fn::Sub"]
        kb_id = source_res["Properties"]["ResourceArn"]["Fn::Sub"][1]["KbId"]
        if name != [KB_LOG_GROUP_PREFIX + "${KbId}", {"KbId": kb_id}]:
            violations.append(f"{group}: named {name!r}, not {KB_LOG_GROUP_PREFIX}<the id {source} delivers>")
        subscriptions = [n for n, r in resources(template, "AWS::Logs::SubscriptionFilter").items()
                         if _ref(r["Properties"]["LogGroupName"]) == group]
        if len(subscriptions) != 1:
            violations.append(f"{group}: {len(subscriptions)} subscription filters, want 1")
        for sub in subscriptions:
            sub_props = res[sub]["Properties"]
            if (sub_props["DestinationArn"], sub_props["FilterPattern"]) != (CW_FUNCTION_ARN, KB_FILTER):
                violations.append(f"{sub}: not the knowledge-base filter to CwLogsAlertsFunction")
        chain = [source, deliveries[0], destination, group, *subscriptions]
        if len({res[n].get("Condition") for n in chain}) != 1:
            violations.append(f"{source}: conditions differ along {chain}")
    if len(set(groups_used)) != len(groups_used):
        violations.append(f"knowledge bases share log groups: {groups_used}")
    return violations


def kms_violations(template: dict) -> list[str]:
    """With UseKmsKey, the stack's key encrypts every log group, the failed-events queue and
    the topic; the key policy lets CloudWatch Logs use it for exactly those log groups; and
    every function role may use it (to send to the queue and publish to the topic)."""
    violations = []
    encrypted = {name: ("KmsKeyId", res) for name, res in resources(template, "AWS::Logs::LogGroup").items()}
    encrypted["FailedEventsQueue"] = ("KmsMasterKeyId", template["Resources"]["FailedEventsQueue"])
    encrypted["AlertTopic"] = ("KmsMasterKeyId", template["Resources"]["AlertTopic"])
    for name, (key, res) in encrypted.items():
        if res["Properties"].get(key) != USE_KEY:
            violations.append(f"{name}: {key} is not the stack's key under UseKms")
    sse = template["Resources"]["FailedEventsQueue"]["Properties"].get("SqsManagedSseEnabled")
    if sse != {"Fn::If": ["UseKms", NO_VALUE, True]}:
        violations.append(f"FailedEventsQueue: SqsManagedSseEnabled {sse!r}, want SSE-SQS without the key")
    logs = [s for s in statements(template) if s.resource == "KmsKey" and s.services == {LOGS_SERVICE}]
    patterns = [p for s in logs if {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"} <= set(s.actions)
                for p in log_encryption_context(s) or []]
    for name, res in resources(template, "AWS::Logs::LogGroup").items():
        group = sub_text(res["Properties"]["LogGroupName"]) or ""
        if not any(fnmatch.fnmatchcase(group, pattern) for pattern in patterns):
            violations.append(f"{name}: CloudWatch Logs may not use the key for {group!r}")
    for function in FUNCTIONS:
        if not any(s.effect == "Allow" and {"kms:Decrypt", "kms:GenerateDataKey"} <= set(s.actions)
                   and s.resources == [{"Fn::GetAtt": ["KmsKey", "Arn"]}]
                   for s in identity_statements(template, function)):
            violations.append(f"{function}: role cannot use the stack's key")
    return violations


def failed_event_retention_violations(template: dict) -> list[str]:
    """The failed-events queue keeps events FailedEventRetentionDays days (a few by default):
    parked CloudWatch Logs events hold prompts."""
    violations = []
    retention = template["Resources"]["FailedEventsQueue"]["Properties"].get("MessageRetentionPeriod")
    if retention != {"Fn::FindInMap": ["FailedEventRetention", "Seconds", {"Ref": "FailedEventRetentionDays"}]}:
        return [f"FailedEventsQueue: MessageRetentionPeriod {retention!r} is not FailedEventRetentionDays"]
    spec = template["Parameters"]["FailedEventRetentionDays"]
    for days in spec["AllowedValues"]:
        seconds = template["Mappings"]["FailedEventRetention"]["Seconds"].get(str(days))
        if seconds != days * 86400:
            violations.append(f"FailedEventRetention: {days} days is {seconds} s")
    if spec["Default"] > 4:
        violations.append(f"FailedEventRetentionDays defaults to {spec['Default']}, want at most 4")
    return violations


def reserved_concurrency_violations(template: dict) -> list[str]:
    """ReservedConcurrency (0 = off, the default) reserves that many executions for each
    function (all three)."""
    violations = []
    if template["Parameters"]["ReservedConcurrency"]["Default"] != 0:
        violations.append("ReservedConcurrency is not off by default")
    for value, want in ((0, None), (7, 7)):
        for name in FUNCTIONS:
            props = render(function_properties(template, name), template, parameters(template, ReservedConcurrency=value))
            if props.get("ReservedConcurrentExecutions") != want:
                violations.append(f"{name}: ReservedConcurrency={value} reserves {props.get('ReservedConcurrentExecutions')}")
    return violations


def checkov_skip_violations(template: dict) -> list[str]:
    """Every checkov finding skipped in the template names its check and says why."""
    violations = []
    for name, res in resources(template).items():
        ids = []
        for skip in res.get("Metadata", {}).get("checkov", {}).get("skip", []):
            ids.append(skip.get("id"))
            if not re.fullmatch(r"CKV2?_AWS_\d+", str(skip.get("id"))) or not str(skip.get("comment", "")).strip():
                violations.append(f"{name}: checkov skip {skip!r} without a check id and a reason")
        if len(set(ids)) != len(ids):
            violations.append(f"{name}: checkov checks skipped twice: {ids}")
    return violations


# Incident suppression (issue 16): the contract the functions' Rust code is written against.
SUPPRESSION = "SuppressionOn"
STATE_TABLE = "AlertStateTable"
STATE_TABLE_ARN = {"Fn::GetAtt": [STATE_TABLE, "Arn"]}
DUE_INDEX_ARN = {"Fn::Sub": "${AlertStateTable.Arn}/index/due"}
KMS_KEY_ARN = {"Fn::GetAtt": ["KmsKey", "Arn"]}
STATE_KEYS = {"pk": "S", "sk": "S", "due_shard": "S", "due_at": "N"}


def suppression_parameter_violations(template: dict) -> list[str]:
    """RepeatIntervalMinutes: a Number, 15 by default, 0-1440, in the Alerts group; 0 (and
    only 0) turns SuppressionOn off."""
    violations = []
    spec = template["Parameters"].get("RepeatIntervalMinutes", {})
    got = {k: spec.get(k) for k in ("Type", "Default", "MinValue", "MaxValue")}
    want = {"Type": "Number", "Default": 15, "MinValue": 0, "MaxValue": 1440}
    if got != want:
        violations.append(f"RepeatIntervalMinutes is {got}, want {want}")
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    alerts = [g["Parameters"] for g in groups if g["Label"]["default"] == "Alerts"]
    if not alerts or "RepeatIntervalMinutes" not in alerts[0]:
        violations.append("RepeatIntervalMinutes is not in the Alerts parameter group")
    if SUPPRESSION not in template.get("Conditions", {}):
        return violations + [f"no condition {SUPPRESSION}"]
    for minutes, want_on in ((0, False), (1, True), (15, True), (1440, True)):
        on = evaluate({"Condition": SUPPRESSION}, template, parameters(template, RepeatIntervalMinutes=minutes))
        if on != want_on:
            violations.append(f"RepeatIntervalMinutes={minutes}: {SUPPRESSION} is {on}")
    return violations


def alert_state_table_violations(template: dict) -> list[str]:
    """Under SuppressionOn only, one on-demand table keyed pk/sk (strings) whose items expire
    by TTL on expires_at, with a sparse keys-only index `due` (due_shard string, due_at
    number), encrypted with the stack's key under UseKmsKey and DynamoDB's own key otherwise."""
    violations = []
    tables = resources(template, "AWS::DynamoDB::Table")
    if set(tables) != {STATE_TABLE}:
        return [f"DynamoDB tables {sorted(tables)}, want [{STATE_TABLE!r}]"]
    if tables[STATE_TABLE].get("Condition") != SUPPRESSION:
        violations.append(f"{STATE_TABLE}: Condition {tables[STATE_TABLE].get('Condition')!r}, want {SUPPRESSION}")
    sse_wanted = {
        "true": {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": KMS_KEY_ARN},
        "false": {"SSEEnabled": False},
    }
    for use_kms, sse in sse_wanted.items():
        table = deployed(template, parameters(template, UseKmsKey=use_kms)).get(STATE_TABLE)
        if table is None:
            violations.append(f"UseKmsKey={use_kms}: no {STATE_TABLE} with the default RepeatIntervalMinutes")
            continue
        props = table["Properties"]
        definitions = {d["AttributeName"]: d["AttributeType"] for d in props.get("AttributeDefinitions", [])}
        checks = {
            "BillingMode": (props.get("BillingMode"), "PAY_PER_REQUEST"),
            "KeySchema": (props.get("KeySchema"), [
                {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]),
            "AttributeDefinitions": (definitions, STATE_KEYS),
            "GlobalSecondaryIndexes": (props.get("GlobalSecondaryIndexes"), [{
                "IndexName": "due",
                "KeySchema": [{"AttributeName": "due_shard", "KeyType": "HASH"},
                              {"AttributeName": "due_at", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }]),
            "TimeToLiveSpecification": (props.get("TimeToLiveSpecification"),
                                        {"AttributeName": "expires_at", "Enabled": True}),
            "SSESpecification": (props.get("SSESpecification"), sse),
            "DeletionPolicy": (table.get("DeletionPolicy"), "Delete"),
        }
        for field, (got, want) in checks.items():
            if got != want:
                violations.append(f"UseKmsKey={use_kms}: {STATE_TABLE} {field} is {got!r}, want {want!r}")
    return violations


STATE_ITEM_GRANTS = {  # every function: exactly these (action, resource) pairs, only under SuppressionOn
    ("dynamodb:GetItem", repr(STATE_TABLE_ARN)),
    ("dynamodb:PutItem", repr(STATE_TABLE_ARN)),
    ("dynamodb:UpdateItem", repr(STATE_TABLE_ARN)),
}
STATE_GRANTS = {  # the S3 function also runs the flush, which queries the index `due`
    "S3AlertsFunction": STATE_ITEM_GRANTS | {("dynamodb:Query", repr(DUE_INDEX_ARN))},
    "CwLogsAlertsFunction": STATE_ITEM_GRANTS,
    EVENTS_FUNCTION: STATE_ITEM_GRANTS,
}


def settings(template: dict):
    """The stack as deployed under each setting the roles depend on: RepeatIntervalMinutes on
    (15) and off (0), and UseKmsKey on and off, as (minutes, use_kms, stack)."""
    for minutes in (15, 0):
        for use_kms in ("true", "false"):
            params = parameters(template, RepeatIntervalMinutes=minutes, UseKmsKey=use_kms)
            yield minutes, use_kms, {**template, "Resources": deployed(template, params)}


def alert_state_access_violations(template: dict) -> list[str]:
    """Each function may dynamodb:GetItem, PutItem and UpdateItem on the state table, and the
    S3 function (which runs the flush) dynamodb:Query on its index `due`: no other DynamoDB
    action, resource or condition, and
    with RepeatIntervalMinutes 0 no DynamoDB access at all. With UseKmsKey each role may
    kms:Decrypt with the stack's key, which DynamoDB needs to read the table for it."""
    violations = []
    for minutes, use_kms, stack in settings(template):
        for function in FUNCTIONS:
            want = STATE_GRANTS[function] if minutes else set()
            granted = set()
            for s in identity_statements(stack, function):
                dynamodb = [a for a in s.actions if str(a).lower().startswith("dynamodb:")]
                if dynamodb and (s.effect != "Allow" or "Condition" in s.body):
                    violations.append(f"{s.where}: {dynamodb} with Effect {s.effect} or a condition")
                granted |= {(action, repr(resource)) for action in dynamodb for resource in s.resources}
            if granted != want:
                violations.append(f"RepeatIntervalMinutes={minutes} UseKmsKey={use_kms}: {function} may "
                                  f"{sorted(granted)}, want {sorted(want)}")
            can_decrypt = any(s.effect == "Allow" and "kms:Decrypt" in s.actions and s.resources == [KMS_KEY_ARN]
                              for s in identity_statements(stack, function))
            if minutes and use_kms == "true" and not can_decrypt:
                violations.append(f"{function}: cannot kms:Decrypt with the stack's key (the state table's)")
    return violations


FAILED_EVENTS_QUEUE_ARN = {"Fn::GetAtt": ["FailedEventsQueue", "Arn"]}


def role_grants(function: str, log_group: str, suppression: bool, use_kms: bool) -> set[tuple[str, str]]:
    """Every (action, resource) pair a function's role allows, S3 aside (s3_read_violations
    holds those): its own log group, the alert topic, the failed-events queue; the state
    items (STATE_GRANTS) under SuppressionOn; the stack's key under UseKms; and for the
    events function the CloudWatch metric reads, on "*" because they support no resource-level
    permissions (UNSCOPABLE_METRIC_READS)."""
    own_logs = {"Fn::GetAtt": [log_group, "Arn"]}
    pairs = {
        ("logs:CreateLogStream", repr(own_logs)), ("logs:PutLogEvents", repr(own_logs)),
        ("sns:Publish", repr({"Ref": "AlertTopic"})), ("sqs:SendMessage", repr(FAILED_EVENTS_QUEUE_ARN)),
    }
    if function == EVENTS_FUNCTION:
        pairs |= {(action, repr("*")) for action in UNSCOPABLE_METRIC_READS}
    if suppression:
        pairs |= STATE_GRANTS[function]
    if use_kms:
        pairs |= {("kms:Decrypt", repr(KMS_KEY_ARN)), ("kms:GenerateDataKey", repr(KMS_KEY_ARN))}
    return pairs


def role_grant_violations(template: dict) -> list[str]:
    """Each function's role allows exactly `role_grants` (S3 aside), with RepeatIntervalMinutes
    on and off and UseKmsKey on and off: nothing more, nothing missing, no Deny, and no
    condition on anything but S3."""
    violations = []
    for minutes, use_kms, stack in settings(template):
        for function in FUNCTIONS:
            log_group = function_properties(template, function).get("LoggingConfig", {}).get("LogGroup", {})
            want = role_grants(function, _ref(log_group) or "?", bool(minutes), use_kms == "true")
            granted = set()
            for s in identity_statements(stack, function):
                actions = [a for a in s.actions if not str(a).lower().startswith("s3:")]
                if actions and (s.effect != "Allow" or "Condition" in s.body):
                    violations.append(f"{s.where}: {actions} with Effect {s.effect} or a condition")
                granted |= {(action, repr(resource)) for action in actions for resource in s.resources}
            where = f"RepeatIntervalMinutes={minutes} UseKmsKey={use_kms}: {function}"
            if extra := granted - want:
                violations.append(f"{where} may also {sorted(extra)}")
            if missing := want - granted:
                violations.append(f"{where} may not {sorted(missing)}")
    return violations


def suppression_environment_violations(template: dict) -> list[str]:
    """Both functions get ALERT_STATE_TABLE (the table's name, "" when suppression is off)
    and ALERT_REPEAT_INTERVAL (RepeatIntervalMinutes as a duration in minutes, "15m")."""
    violations = []
    for minutes, table in ((15, {"Ref": STATE_TABLE}), (1440, {"Ref": STATE_TABLE}), (0, "")):
        params = parameters(template, RepeatIntervalMinutes=minutes)
        for name in FUNCTIONS:
            props = render(function_properties(template, name), template, params)
            env = props.get("Environment", {}).get("Variables", {})
            got = (env.get("ALERT_STATE_TABLE"), env.get("ALERT_REPEAT_INTERVAL"))
            want = (table, f"{minutes}m")
            if got != want:
                violations.append(f"RepeatIntervalMinutes={minutes}: {name} has ALERT_STATE_TABLE, "
                                  f"ALERT_REPEAT_INTERVAL {got!r}, want {want!r}")
    return violations


FLUSH_EVENT = {"bedrock_alerts": "flush"}  # the S3 function takes this event as a flush
S3_FUNCTION_ARN = {"Fn::GetAtt": ["S3AlertsFunction", "Arn"]}


def flush_schedule_violations(template: dict) -> list[str]:
    """Under SuppressionOn, one EventBridge rule sends the constant flush event to the S3
    function every minute, and a permission lets that rule (only) invoke it. SAM Schedule
    events cannot be conditional, so the functions have none."""
    violations = []
    rules = {name: res for name, res in resources(template, "AWS::Events::Rule").items()
             if "ScheduleExpression" in res["Properties"]}
    if len(rules) != 1:
        return [f"want one scheduled rule, found {sorted(rules)}"]
    ((rule, res),) = rules.items()
    props = res["Properties"]
    targets = props.get("Targets", [])
    target = targets[0] if len(targets) == 1 else {}
    try:
        event = json.loads(target.get("Input", "null"))
    except (TypeError, ValueError):
        event = target.get("Input")
    checks = {
        "Condition": (res.get("Condition"), SUPPRESSION),
        "ScheduleExpression": (props.get("ScheduleExpression"), "rate(1 minute)"),
        "State": (props.get("State"), "ENABLED"),
        "target count": (len(targets), 1),
        "target Arn": (target.get("Arn"), S3_FUNCTION_ARN),
        "target Input": (event, FLUSH_EVENT),
        "target keys": (sorted(target), ["Arn", "Id", "Input"]),
    }
    for field, (got, want) in checks.items():
        if got != want:
            violations.append(f"{rule}: {field} is {got!r}, want {want!r}")
    permissions = [(name, p) for name, p in resources(template, "AWS::Lambda::Permission").items()
                   if p["Properties"].get("SourceArn") == {"Fn::GetAtt": [rule, "Arn"]}]
    if len(permissions) != 1:
        return violations + [f"{rule}: {len(permissions)} invoke permissions, want 1"]
    ((permission, perm),) = permissions
    got = (perm.get("Condition"), perm["Properties"].get("FunctionName"),
           perm["Properties"].get("Principal"), perm["Properties"].get("Action"))
    want = (SUPPRESSION, {"Ref": "S3AlertsFunction"}, "events.amazonaws.com", "lambda:InvokeFunction")
    if got != want:
        violations.append(f"{permission}: {got!r}, want {want!r}")
    for name in FUNCTIONS:
        for event_id, ev in template["Resources"][name].get("Properties", {}).get("Events", {}).items():
            if ev.get("Type") in ("Schedule", "ScheduleV2"):
                violations.append(f"{name}.{event_id}: a SAM schedule, which cannot be conditional")
    return violations


def _references(value: Any) -> Iterator[str]:
    """Logical ids a value names: Ref, Fn::GetAtt, ${Name} or ${Name.Attr} in Fn::Sub, DependsOn."""
    if isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, dict):
        if set(value) == {"Ref"}:
            yield value["Ref"]
        elif set(value) == {"Fn::GetAtt"}:
            yield value["Fn::GetAtt"][0]
        elif set(value) == {"Fn::Sub"}:
            text, local = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            yield from (n for n in re.findall(r"\$\{([A-Za-z0-9]+)[.}]", text) if n not in local)
            yield from _references(list(local.values()))
        else:
            yield from _references(list(value.values()))
    for name in (value.get("DependsOn", []) if isinstance(value, dict) else []):
        yield name


# Parameter sets whose deployments must not name a resource they do not create.
DEPLOYMENTS = [
    {},
    {"RepeatIntervalMinutes": 0},
    {"UseKmsKey": "true"},
    {"UseKmsKey": "true", "RepeatIntervalMinutes": 0},
    {"ExistingLogBucketName": "logs-bucket", "ExistingInvocationLogGroupName": "/logs/x", "RepeatIntervalMinutes": 0},
    {"KnowledgeBaseIds": "KB00000001,KB00000002", "StalenessHours": 0, "RepeatIntervalMinutes": 1440},
    # The extra outputs (issue 18): the chat topic alone, with a Slack channel, the event bus.
    {"ChatNotifications": "true", "FifoTopic": "true"},
    {"SlackWorkspaceId": "T0123ABCD", "SlackChannelId": "C0123ABCD", "EventBusName": "default", "UseKmsKey": "true"},
    {"EventBusName": "alerts", "RepeatIntervalMinutes": 0},
]


def undeployed_reference_violations(template: dict) -> list[str]:
    """For each of DEPLOYMENTS, nothing deployed (resources, function globals, outputs) names
    a resource these parameters do not create: conditional resources are used only under
    their condition (e.g. the alert-state table and the flush rule under SuppressionOn)."""
    violations = []
    for overrides in DEPLOYMENTS:
        params = parameters(template, **overrides)
        stack = deployed(template, params)
        outputs = {name: render(out, template, params) for name, out in template.get("Outputs", {}).items()
                   if "Condition" not in out or evaluate({"Condition": out["Condition"]}, template, params)}
        named = {"Globals": render(template.get("Globals", {}), template, params), **stack, **outputs}
        for where, value in named.items():
            for name in set(_references(value)):
                if name in template["Resources"] and name not in stack:
                    violations.append(f"{overrides}: {where} names {name}, which is not created")
    return violations


def partition_violations(text: str) -> list[str]:
    """ARNs are built with ${AWS::Partition}, never a literal partition."""
    return [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if re.search(r"arn:aws(-[a-z-]+)?:", line)
    ]


# ------------------------------------------------------------------------------------------
# Tests on the real template
# ------------------------------------------------------------------------------------------
def test_loader_maps_every_short_tag():
    doc = load_template(
        """
        a: !Ref X
        b: !Sub "x-${Y}"
        c: !GetAtt R.Arn
        d: !If [C, 1, 2]
        e: !Select [0, !Split [",", !Join [",", [p, q]]]]
        f: !Equals [!Ref P, ""]
        g: !Not [!Condition C]
        h: !And [!Condition C, !Or [!Condition D, !Condition E]]
        i: !FindInMap [M, K, V]
        j: !Base64 text
        k: !ImportValue exported
        l: !GetAZs ""
        m: !Cidr [10.0.0.0/16, 2, 8]
        n: !GetAtt [R, Arn]
        """
    )
    assert doc["a"] == {"Ref": "X"}
    assert doc["b"] == {"Fn::Sub": "x-${Y}"}
    assert doc["c"] == doc["n"] == {"Fn::GetAtt": ["R", "Arn"]}
    assert doc["d"] == {"Fn::If": ["C", 1, 2]}
    assert doc["e"] == {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::Join": [",", ["p", "q"]]}]}]}
    assert doc["f"] == {"Fn::Equals": [{"Ref": "P"}, ""]}
    assert doc["g"] == {"Fn::Not": [{"Condition": "C"}]}
    assert doc["h"] == {"Fn::And": [{"Condition": "C"}, {"Fn::Or": [{"Condition": "D"}, {"Condition": "E"}]}]}
    assert doc["i"] == {"Fn::FindInMap": ["M", "K", "V"]}
    assert doc["j"] == {"Fn::Base64": "text"}
    assert doc["k"] == {"Fn::ImportValue": "exported"}
    assert doc["l"] == {"Fn::GetAZs": ""}
    assert doc["m"] == {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}


def test_statements_are_found_in_every_kind_of_policy():
    where = {(s.resource, s.kind) for s in statements(TEMPLATE)}
    for expected in [
        ("LogBucketPolicy", "resource"),
        ("AlertTopicPolicy", "resource"),
        ("FailedEventsQueuePolicy", "resource"),
        ("KnowledgeBaseLogGroup1", "resource"),
        ("KmsKey", "key"),
        ("BedrockLoggingRole", "trust"),
        ("BedrockLoggingRole", "identity"),
        ("S3AlertsFunctionRole", "identity"),
        ("CwLogsAlertsFunctionRole", "identity"),
        ("EventsAlertsFunctionRole", "identity"),
    ]:
        assert expected in where


def test_no_wildcard_actions():
    assert wildcard_action_violations(TEMPLATE) == []


def test_no_wildcard_resources():
    assert wildcard_resource_violations(TEMPLATE) == []


def test_bedrock_grants_carry_source_account_and_source_arn():
    assert bedrock_condition_violations(TEMPLATE) == []


def test_other_service_grants_name_the_source_account():
    assert service_principal_violations(TEMPLATE) == []


def test_s3_function_reads_only_under_the_log_prefix():
    assert s3_read_violations(TEMPLATE) == []


def test_sns_publish_only_on_the_alert_topic():
    assert sns_publish_violations(TEMPLATE) == []


def test_topic_policy_allows_only_the_function_roles():
    assert topic_publisher_violations(TEMPLATE) == []


def test_functions_are_rust_on_al2023_arm64():
    assert function_build_violations(TEMPLATE) == []


def test_subscriptions_never_read_the_functions_own_log_groups():
    assert subscription_target_violations(TEMPLATE) == []


def test_functions_have_an_on_failure_destination():
    assert on_failure_violations(TEMPLATE) == []


def test_alarms_notify_the_topic_and_read_the_functions_metrics():
    assert alarm_violations(TEMPLATE) == []


def test_arns_use_the_partition_pseudo_parameter():
    assert partition_violations(TEMPLATE_TEXT) == []


def test_each_knowledge_base_delivers_into_a_log_group_of_its_own():
    assert kb_delivery_violations(TEMPLATE) == []


@pytest.mark.parametrize(("ids", "existing", "want_ids"), [
    ("", "", []),
    ("KB00000001", "", ["KB00000001"]),
    ("KB00000001,KB00000002,KB00000003,KB00000004", "", ["KB00000001", "KB00000002", "KB00000003"]),
    ("KB00000001,,KB00000003", "", ["KB00000001"]),
    ("", "/custom/kb-logs", []),
    ("KB00000001,KB00000002", KB_LOG_GROUP_PREFIX + "KB00000009", ["KB00000001", "KB00000002"]),
])
def test_knowledge_base_log_groups_as_deployed(ids, existing, want_ids):
    stack = deployed(TEMPLATE, parameters(TEMPLATE, KnowledgeBaseIds=ids, ExistingKnowledgeBaseLogGroupName=existing))
    groups = {name: res["Properties"]["LogGroupName"] for name, res in stack.items()
              if res["Type"] == "AWS::Logs::LogGroup" and name.startswith("KnowledgeBase")}
    assert sorted(groups.values()) == [KB_LOG_GROUP_PREFIX + kb_id for kb_id in want_ids]
    delivered = sorted(res["Properties"]["ResourceArn"]["Fn::Sub"].rpartition("/")[2]
                       for res in stack.values() if res["Type"] == "AWS::Logs::DeliverySource")
    assert delivered == want_ids
    subscribed = [groups.get(_ref(res["Properties"]["LogGroupName"]), res["Properties"]["LogGroupName"])
                  for res in stack.values() if res["Type"] == "AWS::Logs::SubscriptionFilter"]
    assert sorted(subscribed) == sorted([*groups.values(), *([existing] if existing else [])])


def test_stack_key_encrypts_log_groups_queue_and_topic():
    assert kms_violations(TEMPLATE) == []


def test_failed_events_are_kept_a_few_days():
    assert failed_event_retention_violations(TEMPLATE) == []


def test_reserved_concurrency_is_optional_for_every_function():
    assert reserved_concurrency_violations(TEMPLATE) == []


def test_repeat_interval_parameter_and_condition():
    assert suppression_parameter_violations(TEMPLATE) == []


def test_alert_state_table_keys_ttl_index_and_encryption():
    assert alert_state_table_violations(TEMPLATE) == []


def test_functions_may_only_read_and_update_state_items_and_query_the_due_index():
    assert alert_state_access_violations(TEMPLATE) == []


def test_each_role_allows_exactly_what_its_function_needs():
    assert role_grant_violations(TEMPLATE) == []


def test_functions_get_the_state_table_and_the_repeat_interval():
    assert suppression_environment_violations(TEMPLATE) == []


def test_flush_schedule_invokes_the_s3_function_every_minute():
    assert flush_schedule_violations(TEMPLATE) == []


def test_conditional_resources_are_named_only_where_they_exist():
    assert undeployed_reference_violations(TEMPLATE) == []


@pytest.mark.parametrize(("minutes", "on"), [(0, False), (15, True), (1440, True)])
def test_suppression_state_exists_only_with_a_repeat_interval(minutes, on):
    params = parameters(TEMPLATE, RepeatIntervalMinutes=minutes)
    stack = deployed(TEMPLATE, params)
    tables = sorted(name for name, res in stack.items() if res["Type"] == "AWS::DynamoDB::Table")
    schedules = sorted(name for name, res in stack.items()
                       if res["Type"] == "AWS::Events::Rule" and "ScheduleExpression" in res["Properties"])
    flush_rule_arn = {"Fn::GetAtt": ["AlertStateFlushSchedule", "Arn"]}
    flush_invokers = sorted(name for name, res in stack.items() if res["Type"] == "AWS::Lambda::Permission"
                            and res["Properties"].get("SourceArn") == flush_rule_arn)
    output = TEMPLATE["Outputs"]["AlertStateTableName"]
    assert output["Value"] == {"Ref": STATE_TABLE}
    assert evaluate({"Condition": output["Condition"]}, TEMPLATE, params) is on
    assert tables == ([STATE_TABLE] if on else [])
    assert schedules == (["AlertStateFlushSchedule"] if on else [])
    assert flush_invokers == (["S3AlertsInvokeFromFlushSchedule"] if on else [])


def test_checkov_skips_say_why():
    assert checkov_skip_violations(TEMPLATE) == []


# ------------------------------------------------------------------------------------------
# Each checker must be able to fail: plant one violation in a copy of the template
# ------------------------------------------------------------------------------------------
def _statement(template: dict, resource: str, sid: str) -> dict:
    for s in statements(template):
        if s.resource == resource and s.body.get("Sid") == sid:
            return s.body
    raise KeyError(f"{resource} {sid}")


def _set(resource: str, sid: str, key: str, value: Any) -> Callable[[dict], None]:
    return lambda t: _statement(t, resource, sid).__setitem__(key, value)


def _drop_condition(resource: str, sid: str, operator: str) -> Callable[[dict], None]:
    return lambda t: _statement(t, resource, sid)["Condition"].pop(operator)


def _function(name: str) -> Callable[[dict], dict]:
    return lambda t: t["Resources"][name]


def _swap_binaries(t: dict) -> None:
    a, b = (t["Resources"][n]["Metadata"]["BuildProperties"] for n in ("S3AlertsFunction", "CwLogsAlertsFunction"))
    a["Binary"], b["Binary"] = b["Binary"], a["Binary"]


def _properties(name: str) -> Callable[[dict], dict]:
    return lambda t: t["Resources"][name]["Properties"]


def _add_statement(role: str, body: dict) -> Callable[[dict], None]:
    return lambda t: _properties(role)(t)["Policies"][0]["PolicyDocument"]["Statement"].append(body)


def _add_statement_to(policy: str, body: dict) -> Callable[[dict], None]:
    return lambda t: _properties(policy)(t)["PolicyDocument"]["Statement"].append(body)


def _drop_statement(role: str, sid: str) -> Callable[[dict], None]:
    def drop(t: dict) -> None:
        document = _properties(role)(t)["Policies"][0]["PolicyDocument"]
        document["Statement"] = [s for s in document["Statement"]
                                 if all(b.get("Sid") != sid for b in branches(s))]
    return drop


_kb_subscription = _properties("KnowledgeBaseLogSubscription1")


PLANTED: list[tuple[str, Callable[[dict], list[str]], Callable[[dict], None]]] = [
    ("s3:* on the S3 role", wildcard_action_violations,
     _set("S3AlertsFunctionRole", "ReadInvocationLogs", "Action", ["s3:GetObject", "s3:*"])),
    ("Action * in a key policy statement", wildcard_action_violations,
     _set("KmsKey", "AllowEventBridgeDeadLetters", "Action", "*")),
    ("cloudwatch:* for the events function", wildcard_action_violations,
     _set("EventsAlertsFunctionRole", "ReadBedrockMetrics", "Action", "cloudwatch:*")),
    ("prefix wildcard action", wildcard_action_violations,
     _set("BedrockLoggingRole", "WriteInvocationLogStream", "Action", "logs:Put*")),
    ("wildcard action in a non-TLS Deny", wildcard_action_violations,
     _set("AlertTopicPolicy", "DenyOtherPublishers", "Action", "sns:*")),
    ("Resource * on PublishAlerts", wildcard_resource_violations,
     _set("CwLogsAlertsFunctionRole", "PublishAlerts", "Resource", "*")),
    ("NotResource in the bucket policy", wildcard_resource_violations,
     _set("LogBucketPolicy", "AllowBedrockLogDelivery", "NotResource", "arn:x")),
    ("a scopable action among the metric reads", wildcard_resource_violations,
     _set("EventsAlertsFunctionRole", "ReadBedrockMetrics", "Action",
          ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms"])),
    ("metric reads on * for the S3 function", wildcard_resource_violations,
     _add_statement("S3AlertsFunctionRole", {"Effect": "Allow", "Action": "cloudwatch:GetMetricData", "Resource": "*"})),
    ("Resource * on the events function's queue", wildcard_resource_violations,
     _set("EventsAlertsFunctionRole", "SendFailedEvents", "Resource", "*")),
    ("trust without SourceArn", bedrock_condition_violations,
     _drop_condition("BedrockLoggingRole", "BedrockInvocationLogging", "ArnLike")),
    ("KMS bedrock grant without SourceAccount", bedrock_condition_violations,
     _drop_condition("KmsKey", "AllowBedrockLogDelivery", "StringEquals")),
    ("bucket policy without SourceArn", bedrock_condition_violations,
     _drop_condition("LogBucketPolicy", "AllowBedrockLogDelivery", "ArnLike")),
    ("log delivery grant without SourceAccount", service_principal_violations,
     _drop_condition("KnowledgeBaseLogGroup1", "AllowVendedLogDelivery", "StringEquals")),
    ("CloudWatch Logs key grant for any log group", service_principal_violations,
     _drop_condition("KmsKey", "AllowCloudWatchLogs", "ArnLike")),
    ("GetObject on the whole bucket", s3_read_violations,
     _set("S3AlertsFunctionRole", "ReadInvocationLogs", "Resource",
          {"Fn::Sub": "arn:${AWS::Partition}:s3:::${LogBucket}/*"})),
    ("s3:DeleteObject added", s3_read_violations,
     _set("S3AlertsFunctionRole", "ReadInvocationLogs", "Action",
          ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"])),
    ("no s3:GetObjectVersion", s3_read_violations,
     _set("S3AlertsFunctionRole", "ReadInvocationLogs", "Action", "s3:GetObject")),
    ("GetObjectVersion on the whole bucket", s3_read_violations,
     _add_statement("S3AlertsFunctionRole", {"Effect": "Allow", "Action": "s3:GetObjectVersion",
                                             "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${LogBucket}/*"}})),
    ("no s3:ListBucket", s3_read_violations, _drop_statement("S3AlertsFunctionRole", "ListInvocationLogs")),
    ("ListBucket on every prefix", s3_read_violations,
     lambda t: _statement(t, "S3AlertsFunctionRole", "ListInvocationLogs").pop("Condition")),
    ("ListBucket on another bucket", s3_read_violations,
     _set("S3AlertsFunctionRole", "ListInvocationLogs", "Resource",
          {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${BucketName}", {"BucketName": "other"}]})),
    ("S3 access for the CW function", s3_read_violations,
     _set("CwLogsAlertsFunctionRole", "PublishAlerts", "Action", ["sns:Publish", "s3:GetObject"])),
    ("S3 access for the events function", s3_read_violations,
     _add_statement("EventsAlertsFunctionRole", {"Effect": "Allow", "Action": "s3:GetObject",
                                                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${LogBucket}/*"}})),
    ("SAM policy template on a function", s3_read_violations,
     lambda t: _function("S3AlertsFunction")(t)["Properties"].__setitem__(
         "Policies", [{"S3ReadPolicy": {"BucketName": "b"}}])),
    ("sns:Publish on another topic", sns_publish_violations,
     _set("S3AlertsFunctionRole", "PublishAlerts", "Resource", {"Ref": "OtherTopic"})),
    ("no sns:Publish for the CW function", sns_publish_violations,
     _set("CwLogsAlertsFunctionRole", "PublishAlerts", "Action", "sns:GetTopicAttributes")),
    ("events function publishes elsewhere", sns_publish_violations,
     _set("EventsAlertsFunctionRole", "PublishAlerts", "Resource", {"Fn::Sub": "arn:${AWS::Partition}:sns:*"})),
    ("topic policy allows publishing to another topic", sns_publish_violations,
     lambda t: _statement(t, "AlertTopicPolicy", "AllowAlertFunctions")["Resource"].append({"Ref": "OtherTopic"})),
    ("a role publishes to both topics", sns_publish_violations,
     _set("S3AlertsFunctionRole", "PublishAlerts", "Resource", [{"Ref": "AlertTopic"}, {"Ref": "ChatTopic"}])),
    ("events role not among the topic's publishers", topic_publisher_violations,
     lambda t: _statement(t, "AlertTopicPolicy", "AllowAlertFunctions")["Principal"]["AWS"].pop()),
    ("events role fenced out", topic_publisher_violations,
     lambda t: _statement(t, "AlertTopicPolicy", "DenyOtherPublishers")["Condition"]["ArnNotEquals"][
         "aws:PrincipalArn"].pop()),
    ("CloudWatch alarms may publish again", topic_publisher_violations,
     _add_statement_to("AlertTopicPolicy", {"Sid": "AllowCloudWatchAlarms", "Effect": "Allow",
                                             "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                             "Action": "sns:Publish", "Resource": {"Ref": "AlertTopic"},
                                             "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}})),
    ("account root may publish", topic_publisher_violations,
     _set("AlertTopicPolicy", "AllowAlertFunctions", "Principal",
          {"AWS": [{"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}]})),
    ("topic policy without the deny fence", topic_publisher_violations,
     _set("AlertTopicPolicy", "DenyOtherPublishers", "Effect", "Allow")),
    ("fence ignores AlertPublisherArns", topic_publisher_violations,
     lambda t: _statement(t, "AlertTopicPolicy", "DenyOtherPublishers")["Condition"].pop("ArnNotLike")),
    ("AlertPublisherArns lets everyone in", topic_publisher_violations,
     lambda t: _statement(t, "AlertTopicPolicy", "DenyOtherPublishers")["Condition"].__setitem__(
         "ArnNotLike", {"Fn::If": ["HasAlertPublishers", {"aws:PrincipalArn": "*"}, NO_VALUE]})),
    ("provided.al2 runtime", function_build_violations,
     lambda t: t["Globals"]["Function"].__setitem__("Runtime", "provided.al2")),
    ("binaries swapped", function_build_violations, _swap_binaries),
    ("x86_64 added to one function", function_build_violations,
     lambda t: _function("CwLogsAlertsFunction")(t)["Properties"].__setitem__("Architectures", ["x86_64"])),
    ("events function built from the CW binary", function_build_violations,
     lambda t: _function(EVENTS_FUNCTION)(t)["Metadata"]["BuildProperties"].__setitem__("Binary", "bedrock-cwlogs-alerts")),
    ("events function without its own log group", subscription_target_violations,
     lambda t: _function(EVENTS_FUNCTION)(t)["Properties"].pop("LoggingConfig")),
    ("subscription on the CW function's own log group", subscription_target_violations,
     lambda t: _kb_subscription(t).__setitem__("LogGroupName", {"Ref": "CwLogsAlertsLogGroup"})),
    ("subscription on a /aws/lambda group by name", subscription_target_violations,
     lambda t: _kb_subscription(t).__setitem__(
         "LogGroupName", {"Fn::If": ["C", {"Ref": "KnowledgeBaseLogGroup1"}, "/aws/lambda/other"]})),
    ("two knowledge bases in one log group", kb_delivery_violations,
     lambda t: _properties("KnowledgeBaseLogDestination2")(t).__setitem__(
         "DestinationResourceArn", {"Fn::Sub": LOG_GROUP_ARN_PREFIX + "${KnowledgeBaseLogGroup1}"})),
    ("knowledge-base log group named after the stack", kb_delivery_violations,
     lambda t: _properties("KnowledgeBaseLogGroup1")(t).__setitem__(
         "LogGroupName", {"Fn::Sub": KB_LOG_GROUP_PREFIX + "${AWS::StackName}"})),
    ("knowledge-base log group without its subscription", kb_delivery_violations,
     lambda t: t["Resources"].pop("KnowledgeBaseLogSubscription2")),
    ("delivery under another condition", kb_delivery_violations,
     lambda t: t["Resources"]["KnowledgeBaseLogDelivery3"].__setitem__("Condition", "HasKb1")),
    ("function log group without the key", kms_violations,
     lambda t: _properties("CwLogsAlertsLogGroup")(t).pop("KmsKeyId")),
    ("events function log group without the key", kms_violations,
     lambda t: _properties("EventsAlertsLogGroup")(t).pop("KmsKeyId")),
    ("events role cannot use the key", kms_violations, _drop_statement("EventsAlertsFunctionRole", "UseKmsKey")),
    ("queue without the key", kms_violations, lambda t: _properties("FailedEventsQueue")(t).pop("KmsMasterKeyId")),
    ("CloudWatch Logs may not use the key for the function logs", kms_violations,
     lambda t: _statement(t, "KmsKey", "AllowCloudWatchLogs")["Condition"]["ArnLike"][
         "kms:EncryptionContext:aws:logs:arn"].pop()),
    ("queue kept 14 days", failed_event_retention_violations,
     lambda t: _properties("FailedEventsQueue")(t).__setitem__("MessageRetentionPeriod", 1209600)),
    ("a retention in hours", failed_event_retention_violations,
     lambda t: t["Mappings"]["FailedEventRetention"]["Seconds"].__setitem__("7", 7 * 3600)),
    ("no reserved concurrency", reserved_concurrency_violations,
     lambda t: t["Globals"]["Function"].pop("ReservedConcurrentExecutions")),
    ("checkov skip without a reason", checkov_skip_violations,
     lambda t: t["Resources"]["LogBucket"]["Metadata"]["checkov"]["skip"][0].__setitem__("comment", " ")),
    ("no OnFailure destination", on_failure_violations,
     lambda t: t["Globals"]["Function"].pop("EventInvokeConfig")),
    ("failed-invocations alarm removed", alarm_violations,
     lambda t: t["Resources"].pop("InvocationErrorsAlarm")),
    ("alarm on another namespace", alarm_violations,
     lambda t: t["Resources"]["StaleInvocationLogsAlarm"]["Properties"].__setitem__("Namespace", "Other")),
    ("silence treated as fine", alarm_violations,
     lambda t: t["Resources"]["StaleInvocationLogsAlarm"]["Properties"].__setitem__("TreatMissingData", "notBreaching")),
    ("staleness alarm removed", alarm_violations,
     lambda t: t["Resources"].pop("StaleInvocationLogsAlarm")),
    ("role cannot send to the queue", on_failure_violations,
     _set("S3AlertsFunctionRole", "SendFailedEvents", "Action", "sqs:GetQueueUrl")),
    ("events role cannot send to the queue", on_failure_violations,
     _drop_statement("EventsAlertsFunctionRole", "SendFailedEvents")),
    ("repeat interval up to a week", suppression_parameter_violations,
     lambda t: t["Parameters"]["RepeatIntervalMinutes"].__setitem__("MaxValue", 10080)),
    ("suppression off by default", suppression_parameter_violations,
     lambda t: t["Parameters"]["RepeatIntervalMinutes"].__setitem__("Default", 0)),
    ("suppression never off", suppression_parameter_violations,
     lambda t: t["Conditions"].__setitem__(SUPPRESSION, {"Fn::Equals": ["a", "a"]})),
    ("table without its condition", alert_state_table_violations,
     lambda t: t["Resources"][STATE_TABLE].pop("Condition")),
    ("provisioned table", alert_state_table_violations,
     lambda t: _properties(STATE_TABLE)(t).__setitem__("BillingMode", "PROVISIONED")),
    ("due_at as a string", alert_state_table_violations,
     lambda t: _properties(STATE_TABLE)(t)["AttributeDefinitions"][3].__setitem__("AttributeType", "S")),
    ("TTL on another attribute", alert_state_table_violations,
     lambda t: _properties(STATE_TABLE)(t)["TimeToLiveSpecification"].__setitem__("AttributeName", "ttl")),
    ("index projects every attribute", alert_state_table_violations,
     lambda t: _properties(STATE_TABLE)(t)["GlobalSecondaryIndexes"][0].__setitem__(
         "Projection", {"ProjectionType": "ALL"})),
    ("table without the stack's key", alert_state_table_violations,
     lambda t: _properties(STATE_TABLE)(t)["SSESpecification"].pop("KMSMasterKeyId")),
    ("DeleteItem added", alert_state_access_violations,
     _set("S3AlertsFunctionRole", "ReadWriteAlertState", "Action",
          ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"])),
    ("Query on the table", alert_state_access_violations,
     _set("S3AlertsFunctionRole", "QueryDueAlertState", "Resource", STATE_TABLE_ARN)),
    ("Query for the CW function", alert_state_access_violations,
     _add_statement("CwLogsAlertsFunctionRole", {"Effect": "Allow", "Action": "dynamodb:Query",
                                                 "Resource": {"Fn::If": ["SuppressionOn", DUE_INDEX_ARN,
                                                                         {"Ref": "AWS::NoValue"}]}})),
    ("state items on every table", alert_state_access_violations,
     _set("S3AlertsFunctionRole", "ReadWriteAlertState", "Resource", "*")),
    ("state access with suppression off", alert_state_access_violations,
     lambda t: _properties("CwLogsAlertsFunctionRole")(t)["Policies"][0]["PolicyDocument"]["Statement"].append(
         {"Sid": "Always", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": STATE_TABLE_ARN})),
    ("no state access for the CW function", alert_state_access_violations,
     _drop_statement("CwLogsAlertsFunctionRole", "ReadWriteAlertState")),
    ("no state access for the events function", alert_state_access_violations,
     _drop_statement("EventsAlertsFunctionRole", "ReadWriteAlertState")),
    ("Query for the events function", alert_state_access_violations,
     _set("EventsAlertsFunctionRole", "ReadWriteAlertState", "Action",
          ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"])),
    ("events function's state access with suppression off", alert_state_access_violations,
     _add_statement("EventsAlertsFunctionRole", {"Effect": "Allow", "Action": "dynamodb:PutItem",
                                                 "Resource": STATE_TABLE_ARN})),
    ("no ListMetrics", role_grant_violations,
     _set("EventsAlertsFunctionRole", "ReadBedrockMetrics", "Action", "cloudwatch:GetMetricData")),
    ("no metric reads at all", role_grant_violations, _drop_statement("EventsAlertsFunctionRole", "ReadBedrockMetrics")),
    ("metric reads for the CW function", role_grant_violations,
     _add_statement("CwLogsAlertsFunctionRole", {"Effect": "Allow", "Action": "cloudwatch:ListMetrics",
                                                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:cloudwatch:*"}})),
    ("events function writes the CW function's logs", role_grant_violations,
     _set("EventsAlertsFunctionRole", "WriteOwnLogs", "Resource", {"Fn::GetAtt": ["CwLogsAlertsLogGroup", "Arn"]})),
    ("events function may describe alarms", role_grant_violations,
     _add_statement("EventsAlertsFunctionRole", {"Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
                                                 "Resource": {"Fn::GetAtt": ["FailedEventsAlarm", "Arn"]}})),
    ("a condition on the metric reads", role_grant_violations,
     _set("EventsAlertsFunctionRole", "ReadBedrockMetrics", "Condition",
          {"StringEquals": {"aws:RequestedRegion": "us-east-1"}})),
    ("the key statement on every key", role_grant_violations,
     lambda t: _statement(t, "EventsAlertsFunctionRole", "UseKmsKey").__setitem__("Resource", {"Fn::Sub": "arn:${AWS::Partition}:kms:*"})),
    ("no key for the table reads", alert_state_access_violations,
     _set("S3AlertsFunctionRole", "UseKmsKey", "Action", "kms:GenerateDataKey")),
    ("table name set with suppression off", suppression_environment_violations,
     lambda t: t["Globals"]["Function"]["Environment"]["Variables"].__setitem__(
         "ALERT_STATE_TABLE", {"Ref": STATE_TABLE})),
    ("interval in seconds", suppression_environment_violations,
     lambda t: t["Globals"]["Function"]["Environment"]["Variables"].__setitem__(
         "ALERT_REPEAT_INTERVAL", 900)),
    ("flush every five minutes", flush_schedule_violations,
     lambda t: _properties("AlertStateFlushSchedule")(t).__setitem__("ScheduleExpression", "rate(5 minutes)")),
    ("flush event misspelt", flush_schedule_violations,
     lambda t: _properties("AlertStateFlushSchedule")(t)["Targets"][0].__setitem__(
         "Input", '{"bedrock_alerts": "flush_all"}')),
    ("flush sent to the CW function", flush_schedule_violations,
     lambda t: _properties("AlertStateFlushSchedule")(t)["Targets"][0].__setitem__(
         "Arn", {"Fn::GetAtt": ["CwLogsAlertsFunction", "Arn"]})),
    ("flush rule always on", flush_schedule_violations,
     lambda t: t["Resources"]["AlertStateFlushSchedule"].pop("Condition")),
    ("flush rule may not invoke", flush_schedule_violations,
     lambda t: t["Resources"].pop("S3AlertsInvokeFromFlushSchedule")),
    ("flush as a SAM schedule", flush_schedule_violations,
     lambda t: _properties("S3AlertsFunction")(t).__setitem__(
         "Events", {"Flush": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}})),
    ("table name without the condition", undeployed_reference_violations,
     lambda t: t["Globals"]["Function"]["Environment"]["Variables"].__setitem__(
         "ALERT_STATE_TABLE", {"Ref": STATE_TABLE})),
    ("output without the condition", undeployed_reference_violations,
     lambda t: t["Outputs"]["AlertStateTableName"].pop("Condition")),
    ("index ARN outside the condition", undeployed_reference_violations,
     _add_statement("S3AlertsFunctionRole", {"Effect": "Allow", "Action": "dynamodb:Query",
                                             "Resource": DUE_INDEX_ARN})),
]


@pytest.mark.parametrize(("checker", "plant"), [(c, p) for _, c, p in PLANTED],
                         ids=[name for name, _, _ in PLANTED])
def test_checker_catches_planted_violation(checker, plant):
    template = copy.deepcopy(TEMPLATE)
    plant(template)
    assert checker(template) != []


def test_partition_checker_catches_a_literal_partition():
    assert partition_violations(TEMPLATE_TEXT.replace("arn:${AWS::Partition}:s3", "arn:aws:s3", 1)) != []
