"""The optional outputs of issue 18, checked on the SAM source (no AWS access, no build): the
chat topic and its Slack channel (Amazon Q Developer in chat applications), the EventBridge
output and its schema registry, the parameters that turn them on, what the function roles
may do with them, the functions' environment and the stack outputs.

As in test_template.py, each rule is a checker that returns human-readable violations; the
real template must have none, and PLANTED proves that each checker can fail.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Callable, Iterator

import pytest
from cfn import (
    NO_VALUE, ROOT, TEMPLATE, TEMPLATE_TEXT, as_list, deployed, evaluate, function_properties,
    load_template, parameters, render, resolve, resources, with_defaults,
)
from test_template import (
    FUNCTIONS, KMS_KEY_ARN, PUBLISHER_SETTINGS, Statement, _ref, fence_violations, identity_statements,
    is_tls_only_deny, role_grants, role_of_function, statements, undeployed_reference_violations,
)

CHAT_TOPIC = "ChatTopic"
TOPIC_POLICY = "AlertTopicPolicy"  # on the alert topic and, when there is one, the chat topic
SLACK_CHANNEL = "SlackChannel"
CHAT_ROLE = "ChatChannelRole"
REGISTRY = "AlertSchemaRegistry"
SCHEMA = "AlertSchema"
HAS_CHAT = "HasChatTopic"
HAS_SLACK = "CreateSlackChannel"
HAS_BUS = "SendToEventBus"
OUTPUT_PARAMETERS = ("ChatNotifications", "SlackWorkspaceId", "SlackChannelId", "EventBusName")
PARAMETER_GROUP = "Chat and EventBridge"

WORKSPACE, CHANNEL = "T0123ABCD", "C0123ABCD"
BUS_ARN = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}"}
MANAGED = "arn:${AWS::Partition}:iam::aws:policy/"
# Guardrail of the channel: caps what the channel role and its members may do.
GUARDRAILS = [{"Fn::Sub": MANAGED + "ReadOnlyAccess"}]
# AWS managed policies the channel role may hold: read-only, and reading no log or message
# content (CloudWatchReadOnlyAccess would let the channel read the invocation logs' prompts).
READ_ONLY_CHANNEL_POLICIES = [{"Fn::Sub": MANAGED + "AmazonSNSReadOnlyAccess"}]
SCHEMA_FILE = ROOT / "schema" / "alert-v1.eventbridge.schema.json"
BEGIN_MARKER = "      # BEGIN generated: scripts/make_eventbridge_schema.py"
END_MARKER = "      # END generated"
# Schema names of the registry: letters, digits and . - _ @ (AWS's own are like aws.s3@ObjectCreated).
SCHEMA_NAME = re.compile(r"[A-Za-z0-9._@-]{1,385}")

# Parameter sets of the outputs: (name, overrides). Each is checked with UseKmsKey on and off.
OUTPUT_SETS = [
    ("all off", {}),
    ("chat topic", {"ChatNotifications": "true"}),
    ("chat topic, FIFO alert topic", {"ChatNotifications": "true", "FifoTopic": "true"}),
    ("Slack channel", {"SlackWorkspaceId": WORKSPACE, "SlackChannelId": CHANNEL}),
    ("default bus", {"EventBusName": "default"}),
    ("named bus, Slack, no suppression", {"EventBusName": "team/alerts.bus-1", "SlackWorkspaceId": WORKSPACE,
                                          "SlackChannelId": CHANNEL, "RepeatIntervalMinutes": 0}),
]


class Setting:
    """One parameter set as deployed: what it turns on, and the stack it gives."""

    def __init__(self, template: dict, name: str, overrides: dict, use_kms: str):
        self.params = parameters(template, UseKmsKey=use_kms, **overrides)
        self.name = f"{name} (UseKmsKey={use_kms})"
        self.bus = self.params["EventBusName"]
        self.slack = bool(self.params["SlackWorkspaceId"] and self.params["SlackChannelId"])
        self.chat = self.params["ChatNotifications"] == "true" or self.slack
        self.kms = use_kms == "true"
        self.suppression = str(self.params["RepeatIntervalMinutes"]) != "0"
        self.stack = {**template, "Resources": deployed(template, self.params)}

    def env(self, function: str) -> dict:
        return render(function_properties(self.stack, function), self.stack, self.params)["Environment"]["Variables"]

    def outputs(self) -> dict:
        return {name: render(out, self.stack, self.params) for name, out in self.stack.get("Outputs", {}).items()
                if "Condition" not in out or evaluate({"Condition": out["Condition"]}, self.stack, self.params)}


def settings(template: dict) -> Iterator[Setting]:
    for name, overrides in OUTPUT_SETS:
        for use_kms in ("true", "false"):
            yield Setting(template, name, overrides, use_kms)


# ------------------------------------------------------------------------------------------
# Parameters, conditions, rule
# ------------------------------------------------------------------------------------------
PATTERN_CASES = {  # parameter -> (values its AllowedPattern must accept, values it must refuse)
    "SlackWorkspaceId": (["", WORKSPACE, "T01"], ["t0123abcd", "T0123 ABCD", "T-0123", "arn:aws:x"]),
    "SlackChannelId": (["", CHANNEL, "c0123abcd"], ["C0123-ABCD", "#alerts", "C0123 ABCD"]),
    # A bus name, never an ARN: the template builds the ARN the roles may PutEvents to.
    "EventBusName": (["", "default", "team/alerts.bus-1_x", "b" * 256],
                     ["arn:aws:events:eu-west-1:111122223333:event-bus/x", "a bus", "b" * 257, "bus*"]),
}


def _rule_holds(template: dict, rule: dict, params: dict) -> bool:
    if not evaluate(rule.get("RuleCondition", True), template, params):
        return True
    return all(evaluate(a["Assert"], template, params) for a in rule["Assertions"])


def parameter_violations(template: dict) -> list[str]:
    """ChatNotifications is "true"/"false", off by default; the Slack ids and the bus name are
    empty by default and their patterns take only ids and bus names (PATTERN_CASES); all four
    are in one parameter group. HasChatTopic is ChatNotifications or a Slack channel,
    CreateSlackChannel needs both ids (and a rule refuses one alone), SendToEventBus a bus."""
    violations = []
    specs = template["Parameters"]
    chat = specs.get("ChatNotifications", {})
    if (chat.get("Type"), chat.get("Default"), sorted(chat.get("AllowedValues", []))) != ("String", "false", ["false", "true"]):
        violations.append(f"ChatNotifications is {chat}, want a String 'true'|'false', default 'false'")
    for name, (accepted, refused) in PATTERN_CASES.items():
        spec = specs.get(name, {})
        if (spec.get("Type"), spec.get("Default")) != ("String", ""):
            violations.append(f"{name}: want a String, empty by default")
        pattern = spec.get("AllowedPattern", ".*")
        violations += [f"{name}: AllowedPattern refuses {v!r}" for v in accepted if not re.fullmatch(pattern, v)]
        violations += [f"{name}: AllowedPattern accepts {v!r}" for v in refused if re.fullmatch(pattern, v)]
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    grouped = [g["Parameters"] for g in groups if g["Label"]["default"] == PARAMETER_GROUP]
    if grouped != [list(OUTPUT_PARAMETERS)]:
        violations.append(f"parameter group {PARAMETER_GROUP!r} is {grouped}, want {list(OUTPUT_PARAMETERS)}")
    listed = [name for g in groups for name in g["Parameters"]]
    violations += [f"{name} is in {listed.count(name)} parameter groups" for name in OUTPUT_PARAMETERS
                   if listed.count(name) != 1]
    rules = template.get("Rules", {}).values()
    for chat_on in ("false", "true"):
        for workspace in ("", WORKSPACE):
            for channel in ("", CHANNEL):
                for bus in ("", "default", "alerts"):
                    params = parameters(template, ChatNotifications=chat_on, SlackWorkspaceId=workspace,
                                        SlackChannelId=channel, EventBusName=bus)
                    slack = bool(workspace and channel)
                    want = {HAS_SLACK: slack, HAS_CHAT: chat_on == "true" or slack, HAS_BUS: bool(bus)}
                    where = f"ChatNotifications={chat_on} ids={workspace!r},{channel!r} EventBusName={bus!r}"
                    for condition, on in want.items():
                        if condition not in template["Conditions"]:
                            violations.append(f"no condition {condition}")
                        elif evaluate({"Condition": condition}, template, params) != on:
                            violations.append(f"{where}: {condition} is not {on}")
                    accepted = all(_rule_holds(template, rule, params) for rule in rules)
                    if accepted != (bool(workspace) == bool(channel)):
                        violations.append(f"{where}: the rules {'accept' if accepted else 'refuse'} it")
    return list(dict.fromkeys(violations))


# ------------------------------------------------------------------------------------------
# What the function roles may do: sns:Publish, events:PutEvents
# ------------------------------------------------------------------------------------------
def _pairs(stack: dict, function: str, prefix: str) -> set[tuple[str, str]]:
    """(action, resource as resolved) pairs of the function's role, for actions of a service."""
    pairs = set()
    for s in identity_statements(stack, function):
        for action in s.actions:
            if str(action).lower().startswith(prefix):
                pairs |= {(action if s.effect == "Allow" and "Condition" not in s.body else f"{s.effect}? {action}",
                           str(resolve(r, stack["Resources"]))) for r in s.resources}
    return pairs


def event_bus_grant_violations(template: dict) -> list[str]:
    """With EventBusName set, each function's role may events:PutEvents on exactly that bus of
    this account and Region (default: the default bus), with no condition and no other events
    action; with it empty, no events action at all. Nothing else in the stack grants PutEvents."""
    violations = []
    for setting in settings(template):
        want = ({("events:PutEvents", f"arn:aws:events:eu-west-1:111122223333:event-bus/{setting.bus}")}
                if setting.bus else set())
        for function in FUNCTIONS:
            got = _pairs(setting.stack, function, "events:")
            if got != want:
                violations.append(f"{setting.name}: {function} may {sorted(got)}, want {sorted(want)}")
        others = [s.where for s in statements(setting.stack) if s.kind != "identity" and "events:PutEvents" in s.actions]
        if others:
            violations.append(f"{setting.name}: PutEvents granted in {others}")
    return violations


def publish_grant_violations(template: dict) -> list[str]:
    """Each function's role may sns:Publish on the alert topic, and on the chat topic exactly
    when there is one: no other topic, no condition, no other SNS action."""
    violations = []
    for setting in settings(template):
        want = {("sns:Publish", "<AlertTopic>")} | ({("sns:Publish", f"<{CHAT_TOPIC}>")} if setting.chat else set())
        for function in FUNCTIONS:
            got = _pairs(setting.stack, function, "sns:")
            if got != want:
                violations.append(f"{setting.name}: {function} may {sorted(got)}, want {sorted(want)}")
    return violations


def output_role_grant_violations(template: dict) -> list[str]:
    """Each function's role, with the outputs on, allows exactly what test_template's
    role_grants lists plus sns:Publish on the chat topic (when there is one) and
    events:PutEvents on the bus (when there is one): nothing else comes with them."""
    violations = []
    for setting in settings(template):
        for function in FUNCTIONS:
            log_group = _ref(function_properties(template, function).get("LoggingConfig", {}).get("LogGroup")) or "?"
            want = role_grants(function, log_group, setting.suppression, setting.kms)
            if setting.chat:
                want |= {("sns:Publish", repr({"Ref": CHAT_TOPIC}))}
            if setting.bus:
                want |= {("events:PutEvents", repr(render(BUS_ARN, template, setting.params)))}
            granted = {(a, repr(r)) for s in identity_statements(setting.stack, function)
                       for a in s.actions if not str(a).lower().startswith("s3:") for r in s.resources}
            if granted != want:
                violations.append(f"{setting.name}: {function} also {sorted(granted - want)}, "
                                  f"lacks {sorted(want - granted)}")
    return violations


# ------------------------------------------------------------------------------------------
# The chat topic, its policy, the Slack channel and its role
# ------------------------------------------------------------------------------------------
def chat_topic_violations(template: dict) -> list[str]:
    """Under HasChatTopic only, one standard topic (also when the alert topic is FIFO: SNS FIFO
    topics deliver to SQS only), encrypted with the stack's key under UseKmsKey and with SNS's
    AWS-owned key otherwise, as the alert topic is; with the key, every function role may use
    it to publish."""
    violations = []
    topics = sorted(resources(template, "AWS::SNS::Topic"))
    if topics != ["AlertTopic", CHAT_TOPIC]:
        return [f"topics {topics}, want ['AlertTopic', {CHAT_TOPIC!r}]"]
    if template["Resources"][CHAT_TOPIC].get("Condition") != HAS_CHAT:
        violations.append(f"{CHAT_TOPIC}: Condition is not {HAS_CHAT}")
    for setting in settings(template):
        topic = setting.stack["Resources"].get(CHAT_TOPIC)
        if (topic is not None) != setting.chat:
            violations.append(f"{setting.name}: {CHAT_TOPIC} {'deployed' if topic else 'missing'}")
            continue
        if topic is None:
            continue
        want = {"KmsMasterKeyId": KMS_KEY_ARN} if setting.kms else {}
        if topic.get("Properties", {}) != want:
            violations.append(f"{setting.name}: {CHAT_TOPIC} properties {topic.get('Properties')}, want {want}")
        alert_key = setting.stack["Resources"]["AlertTopic"]["Properties"].get("KmsMasterKeyId")
        if topic.get("Properties", {}).get("KmsMasterKeyId") != alert_key:
            violations.append(f"{setting.name}: {CHAT_TOPIC} is not encrypted as AlertTopic is")
        for function in FUNCTIONS if setting.kms else ():
            if not any(s.effect == "Allow" and {"kms:Decrypt", "kms:GenerateDataKey"} <= set(s.actions)
                       and s.resources == [KMS_KEY_ARN] for s in identity_statements(setting.stack, function)):
                violations.append(f"{setting.name}: {function} cannot use the key to publish to {CHAT_TOPIC}")
    return violations


POLICY_SIDS = ["AllowAlertFunctions", "DenyOtherPublishers", "DenyInsecureTransport"]


def _topic_policy_statements(template: dict, setting: Setting, publishers: str) -> list[Statement]:
    """TOPIC_POLICY's statements as deployed for this setting and this AlertPublisherArns."""
    params = parameters(template, **{**setting.params, "AlertPublisherArns": publishers})
    policy = render(template["Resources"][TOPIC_POLICY], template, params)
    return [Statement(TOPIC_POLICY, policy["Type"], "resource", body)
            for body in as_list(policy["Properties"]["PolicyDocument"]["Statement"])]


def chat_topic_policy_violations(template: dict) -> list[str]:
    """One policy, TOPIC_POLICY, on the alert topic always and on the chat topic exactly when
    there is one: in its Topics and in every statement's Resource, for each setting. For each
    topic it covers, its three statements hold (as test_template.py checks them on the
    source): only the function roles may publish, every other caller is denied but those
    AlertPublisherArns names, and publishing over plain HTTP is denied."""
    violations = []
    policies = sorted(resources(template, "AWS::SNS::TopicPolicy"))
    if policies != [TOPIC_POLICY]:
        return [f"topic policies {policies}, want [{TOPIC_POLICY!r}]"]
    roles = [{"Fn::GetAtt": [role_of_function(template, f), "Arn"]} for f in FUNCTIONS]
    for setting in settings(template):
        policy = setting.stack["Resources"].get(TOPIC_POLICY)
        if policy is None:
            violations.append(f"{setting.name}: {TOPIC_POLICY} not deployed")
            continue
        want = [{"Ref": "AlertTopic"}] + ([{"Ref": CHAT_TOPIC}] if setting.chat else [])
        if policy["Properties"].get("Topics") != want:
            violations.append(f"{setting.name}: {TOPIC_POLICY} Topics {policy['Properties'].get('Topics')}, want {want}")
        for publishers, operator_may_publish in PUBLISHER_SETTINGS:
            found = _topic_policy_statements(template, setting, publishers)
            where = f"{setting.name}, AlertPublisherArns={publishers!r}"
            sids = sorted(str(s.body.get("Sid")) for s in found)
            if sids != sorted(POLICY_SIDS):
                violations.append(f"{where}: statements {sids}, want {sorted(POLICY_SIDS)}")
            violations += [f"{where}: {s.where} Resource {s.resources}, want {want}" for s in found if s.resources != want]
            for topic in want:
                covering = [s for s in found if topic in s.resources]
                allowed = [p for s in covering if s.effect == "Allow" for p in s.principals]
                if sorted(map(repr, allowed)) != sorted(repr(("AWS", role)) for role in roles) or any(
                        s.actions != ["sns:Publish"] or "Condition" in s.body for s in covering if s.effect == "Allow"):
                    violations.append(f"{where}: {topic} publishers {allowed}, want the function roles")
                denies = [s for s in covering if s.effect == "Deny" and s.principals == [("*", "*")]
                          and "sns:Publish" in s.actions]
                tls = [s for s in denies if is_tls_only_deny(s)]
                fences = [s for s in denies if not is_tls_only_deny(s)]
                if len(tls) != 1 or len(fences) != 1:
                    violations.append(f"{where}: {topic} has {len(tls)} TLS denies and {len(fences)} fences, want one each")
                    continue
                violations += [f"{where}: on {topic}, {v}" for v in fence_violations(fences[0].body, roles, operator_may_publish)]
    return list(dict.fromkeys(violations))


def slack_channel_violations(template: dict) -> list[str]:
    """With both Slack ids (CreateSlackChannel) and only then: one Slack channel configuration
    named after the stack (and Region: configurations are account-wide), on those ids,
    subscribed to the chat topic alone, with ChatChannelRole, the read-only guardrail, error
    logging and no user roles."""
    violations = []
    channels = sorted(resources(template, "AWS::Chatbot::SlackChannelConfiguration"))
    others = [n for n, r in resources(template).items() if r["Type"].startswith("AWS::Chatbot::")]
    if channels != [SLACK_CHANNEL] or others != channels:
        return [f"Chatbot resources {others}, want [{SLACK_CHANNEL!r}]"]
    for setting in settings(template):
        channel = setting.stack["Resources"].get(SLACK_CHANNEL)
        if (channel is not None) != setting.slack:
            violations.append(f"{setting.name}: {SLACK_CHANNEL} {'deployed' if channel else 'missing'}")
        if channel is None:
            continue
        want = {
            "ConfigurationName": {"Fn::Sub": "${AWS::StackName}-${AWS::Region}"},
            "SlackWorkspaceId": WORKSPACE,
            "SlackChannelId": CHANNEL,
            "IamRoleArn": {"Fn::GetAtt": [CHAT_ROLE, "Arn"]},
            "GuardrailPolicies": GUARDRAILS,
            "SnsTopicArns": [{"Ref": CHAT_TOPIC}],
            "LoggingLevel": "ERROR",
            "UserRoleRequired": False,
        }
        props = channel.get("Properties", {})
        for key in sorted(set(want) | set(props)):
            if props.get(key) != want.get(key):
                violations.append(f"{setting.name}: {SLACK_CHANNEL} {key} is {props.get(key)!r}, want {want.get(key)!r}")
    return violations


def chat_role_violations(template: dict) -> list[str]:
    """ChatChannelRole exists with the Slack channel only, is trusted by Amazon Q Developer in
    chat applications (chatbot.amazonaws.com) alone to sts:AssumeRole, and holds no policy but
    READ_ONLY_CHANNEL_POLICIES: no inline policy, no other managed policy, no boundary that
    could be mistaken for a grant."""
    violations = []
    roles = {n: r for n, r in resources(template, "AWS::IAM::Role").items()
             if "chatbot.amazonaws.com" in json.dumps(r["Properties"].get("AssumeRolePolicyDocument"))}
    if sorted(roles) != [CHAT_ROLE]:
        return [f"roles Amazon Q Developer may assume: {sorted(roles)}, want [{CHAT_ROLE!r}]"]
    role = roles[CHAT_ROLE]
    if role.get("Condition") != HAS_SLACK:
        violations.append(f"{CHAT_ROLE}: Condition is not {HAS_SLACK}")
    props = role["Properties"]
    trust = [s for s in statements(template) if s.resource == CHAT_ROLE and s.kind == "trust"]
    if [(s.effect, s.principals, s.actions, s.body.get("Condition")) for s in trust] != [
            ("Allow", [("Service", "chatbot.amazonaws.com")], ["sts:AssumeRole"], None)]:
        violations.append(f"{CHAT_ROLE}: trust {[s.body for s in trust]}, want chatbot.amazonaws.com sts:AssumeRole")
    extra = sorted(set(props) - {"Description", "AssumeRolePolicyDocument", "ManagedPolicyArns"})
    if extra:
        violations.append(f"{CHAT_ROLE}: also {extra} (inline policies, boundary, ...)")
    managed = as_list(props.get("ManagedPolicyArns", []))
    if managed != READ_ONLY_CHANNEL_POLICIES:
        violations.append(f"{CHAT_ROLE}: managed policies {managed}, want {READ_ONLY_CHANNEL_POLICIES}")
    attached = [n for n, r in resources(template).items() if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
                and {"Ref": CHAT_ROLE} in as_list(r["Properties"].get("Roles", []))]
    if attached:
        violations.append(f"{CHAT_ROLE}: policies attached to it: {attached}")
    return violations


# ------------------------------------------------------------------------------------------
# The schema registry
# ------------------------------------------------------------------------------------------
def schema_registry_violations(template: dict) -> list[str]:
    """Under SendToEventBus only: one registry named after the stack and one schema in it
    (RegistryName from the registry, so it is created first), of Type JSONSchemaDraft4, a
    valid schema name, and Content a Draft 4 JSON Schema: schema/alert-v1.eventbridge.schema.json
    once scripts/make_eventbridge_schema.py has written it."""
    violations = []
    registries = sorted(resources(template, "AWS::EventSchemas::Registry"))
    schemas = sorted(resources(template, "AWS::EventSchemas::Schema"))
    if (registries, schemas) != ([REGISTRY], [SCHEMA]):
        return [f"registries {registries}, schemas {schemas}, want [{REGISTRY!r}], [{SCHEMA!r}]"]
    for setting in settings(template):
        stack = setting.stack["Resources"]
        present = (REGISTRY in stack, SCHEMA in stack)
        if present != (bool(setting.bus),) * 2:
            violations.append(f"{setting.name}: registry, schema deployed {present}")
    registry = template["Resources"][REGISTRY]
    if registry.get("Condition") != HAS_BUS or registry["Properties"].get("RegistryName") != {"Ref": "AWS::StackName"}:
        violations.append(f"{REGISTRY}: want RegistryName the stack name, under {HAS_BUS}")
    schema = template["Resources"][SCHEMA]
    props = schema["Properties"]
    checks = {
        "Condition": (schema.get("Condition"), HAS_BUS),
        "RegistryName": (props.get("RegistryName"), {"Fn::GetAtt": [REGISTRY, "RegistryName"]}),
        "Type": (props.get("Type"), "JSONSchemaDraft4"),
    }
    for field, (got, want) in checks.items():
        if got != want:
            violations.append(f"{SCHEMA}: {field} is {got!r}, want {want!r}")
    if not SCHEMA_NAME.fullmatch(str(props.get("SchemaName"))):
        violations.append(f"{SCHEMA}: SchemaName {props.get('SchemaName')!r} is not a schema name")
    try:
        content = json.loads(props.get("Content"))
    except (TypeError, ValueError):
        return violations + [f"{SCHEMA}: Content is not JSON"]
    if not isinstance(content, dict):
        violations.append(f"{SCHEMA}: Content is not a JSON object")
    elif SCHEMA_FILE.exists():
        if content != json.loads(SCHEMA_FILE.read_text(encoding="utf-8")):
            violations.append(f"{SCHEMA}: Content is not {SCHEMA_FILE.name} (run scripts/make_eventbridge_schema.py)")
        elif content.get("$schema") != "http://json-schema.org/draft-04/schema#":
            violations.append(f"{SCHEMA}: Content is not a Draft 4 schema")
    return violations


def generated_block_violations(text: str) -> list[str]:
    """The schema's Content is the one block between the generator's markers, inside
    AlertSchema's properties (the lines scripts/make_eventbridge_schema.py rewrites)."""
    lines = text.splitlines()
    begins = [i for i, line in enumerate(lines) if line == BEGIN_MARKER]
    ends = [i for i, line in enumerate(lines) if line == END_MARKER]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        return [f"want one {BEGIN_MARKER.strip()!r} line and one {END_MARKER.strip()!r} after it"]
    block = lines[begins[0] + 1:ends[0]]
    violations = []
    if not block or block[0] != "      Content: |" or any(line and not line.startswith("        ") for line in block[1:]):
        violations.append("the generated block is not exactly the `Content: |` literal")
    owner = next((line for line in reversed(lines[:begins[0]]) if re.match(r"^  [A-Za-z0-9]+:$", line)), "")
    if owner != f"  {SCHEMA}:":
        violations.append(f"the generated block is in {owner.strip()!r}, not {SCHEMA}")
    return violations


# ------------------------------------------------------------------------------------------
# Environment and stack outputs
# ------------------------------------------------------------------------------------------
def environment_violations(template: dict) -> list[str]:
    """Every function gets CHAT_TOPIC_ARN (the chat topic, "" without one) and EVENT_BUS
    (EventBusName as given: "", default or a name)."""
    violations = []
    for setting in settings(template):
        want = ({"Ref": CHAT_TOPIC} if setting.chat else "", setting.bus)
        for function in FUNCTIONS:
            env = setting.env(function)
            got = (env.get("CHAT_TOPIC_ARN"), env.get("EVENT_BUS"))
            if got != want:
                violations.append(f"{setting.name}: {function} CHAT_TOPIC_ARN, EVENT_BUS {got!r}, want {want!r}")
    return violations


def output_violations(template: dict) -> list[str]:
    """ChatTopicArn (with a chat topic), EventBusArn (the bus the roles may PutEvents to) and
    SchemaRegistryName (with a bus), each only when its resource exists."""
    violations = []
    for setting in settings(template):
        outputs = setting.outputs()
        want = {}
        if setting.chat:
            want["ChatTopicArn"] = {"Ref": CHAT_TOPIC}
        if setting.bus:
            want["EventBusArn"] = render(BUS_ARN, template, setting.params)
            want["SchemaRegistryName"] = {"Fn::GetAtt": [REGISTRY, "RegistryName"]}
        got = {name: outputs[name].get("Value") for name in ("ChatTopicArn", "EventBusArn", "SchemaRegistryName")
               if name in outputs}
        if got != want:
            violations.append(f"{setting.name}: outputs {got}, want {want}")
    return violations


CHECKERS = [
    parameter_violations, event_bus_grant_violations, publish_grant_violations, output_role_grant_violations,
    chat_topic_violations, chat_topic_policy_violations, slack_channel_violations, chat_role_violations,
    schema_registry_violations, environment_violations, output_violations,
]


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.__name__ for c in CHECKERS])
def test_template_holds(checker):
    assert checker(TEMPLATE) == []


def test_schema_content_is_the_generated_block():
    assert generated_block_violations(TEMPLATE_TEXT) == []


@pytest.mark.parametrize(("bus", "arn"), [
    ("", None),
    ("default", "arn:aws:events:eu-west-1:111122223333:event-bus/default"),
    ("team-alerts", "arn:aws:events:eu-west-1:111122223333:event-bus/team-alerts"),
])
def test_put_events_only_on_the_chosen_bus(bus, arn):
    setting = Setting(TEMPLATE, "bus", {"EventBusName": bus}, "false")
    for function in FUNCTIONS:
        assert _pairs(setting.stack, function, "events:") == ({("events:PutEvents", arn)} if arn else set())
    output = setting.outputs().get("EventBusArn")
    assert (resolve(output["Value"], setting.stack["Resources"]) if output else None) == arn


def test_with_defaults_changes_only_the_defaults():
    text = with_defaults(TEMPLATE_TEXT, ChatNotifications="true", EventBusName="default", UseKmsKey="true")
    changed = load_template(text)
    assert {name: changed["Parameters"][name]["Default"] for name in ("ChatNotifications", "EventBusName", "UseKmsKey")} \
        == {"ChatNotifications": "true", "EventBusName": "default", "UseKmsKey": "true"}
    for name in ("ChatNotifications", "EventBusName", "UseKmsKey"):
        changed["Parameters"][name]["Default"] = TEMPLATE["Parameters"][name]["Default"]
    assert changed == TEMPLATE
    assert len(text.splitlines()) == len(TEMPLATE_TEXT.splitlines())
    with pytest.raises(KeyError):
        with_defaults(TEMPLATE_TEXT, NoSuchParameter="x")


# ------------------------------------------------------------------------------------------
# Each checker must be able to fail: plant one violation in a copy of the template
# ------------------------------------------------------------------------------------------
def _res(name: str) -> Callable[[dict], dict]:
    return lambda t: t["Resources"][name]


def _props(name: str) -> Callable[[dict], dict]:
    return lambda t: t["Resources"][name]["Properties"]


def _role_statements(role: str) -> Callable[[dict], list]:
    return lambda t: t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def _conditional(role: str, sid: str) -> Callable[[dict], dict]:
    """The Fn::If list item of a role that holds the statement `sid`."""
    def find(t: dict) -> dict:
        for item in _role_statements(role)(t):
            if isinstance(item, dict) and "Fn::If" in item and item["Fn::If"][1].get("Sid") == sid:
                return item
        raise KeyError(f"{role} {sid}")
    return find


def _set_in(role: str, sid: str, key: str, value: Any) -> Callable[[dict], None]:
    return lambda t: _conditional(role, sid)(t)["Fn::If"][1].__setitem__(key, value)


def _unconditional(role: str, sid: str) -> Callable[[dict], None]:
    def plant(t: dict) -> None:
        items = _role_statements(role)(t)
        item = _conditional(role, sid)(t)
        items[items.index(item)] = item["Fn::If"][1]
    return plant


def _drop(role: str, sid: str) -> Callable[[dict], None]:
    def plant(t: dict) -> None:
        items = _role_statements(role)(t)
        items.remove(_conditional(role, sid)(t))
    return plant


def _policy_statement(sid: str) -> Callable[[dict], dict]:
    def find(t: dict) -> dict:
        return next(s for s in _props(TOPIC_POLICY)(t)["PolicyDocument"]["Statement"] if s["Sid"] == sid)
    return find


def _alert_topic_only(sid: str) -> Callable[[dict], None]:
    return lambda t: _policy_statement(sid)(t).__setitem__("Resource", {"Ref": "AlertTopic"})


def _env(t: dict) -> dict:
    return t["Globals"]["Function"]["Environment"]["Variables"]


ANY_BUS = {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/*"}
PLANTED: list[tuple[str, Callable[[dict], list[str]], Callable[[dict], None]]] = [
    ("ChatNotifications on by default", parameter_violations,
     lambda t: t["Parameters"]["ChatNotifications"].__setitem__("Default", "true")),
    ("EventBusName takes an ARN", parameter_violations,
     lambda t: t["Parameters"]["EventBusName"].__setitem__("AllowedPattern", "^$|^[/:.\\-_A-Za-z0-9]{1,256}$")),
    ("workspace id in lower case", parameter_violations,
     lambda t: t["Parameters"]["SlackWorkspaceId"].__setitem__("AllowedPattern", "^$|^[0-9A-Za-z]{1,255}$")),
    ("Slack channel on one id", parameter_violations,
     lambda t: t["Conditions"].__setitem__(HAS_SLACK, {"Fn::Not": [{"Fn::Equals": [{"Ref": "SlackChannelId"}, ""]}]})),
    ("no chat topic for a Slack channel", parameter_violations,
     lambda t: t["Conditions"].__setitem__(HAS_CHAT, {"Fn::Equals": [{"Ref": "ChatNotifications"}, "true"]})),
    ("no rule against one Slack id", parameter_violations, lambda t: t["Rules"].pop("SlackChannelNeedsBothIds")),
    ("bus parameter out of its group", parameter_violations,
     lambda t: t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"][-1]["Parameters"].append("EventBusName")),
    ("PutEvents on every bus", event_bus_grant_violations, _set_in("S3AlertsFunctionRole", "PutAlertEvents", "Resource", ANY_BUS)),
    ("PutEvents without a bus", event_bus_grant_violations, _unconditional("CwLogsAlertsFunctionRole", "PutAlertEvents")),
    ("no PutEvents for the events function", event_bus_grant_violations, _drop("EventsAlertsFunctionRole", "PutAlertEvents")),
    ("PutEvents on another account's bus", event_bus_grant_violations,
     _set_in("EventsAlertsFunctionRole", "PutAlertEvents", "Resource",
             {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:444455556666:event-bus/${EventBusName}"})),
    ("PutEvents only in the bus's Region by a condition", event_bus_grant_violations,
     _set_in("S3AlertsFunctionRole", "PutAlertEvents", "Condition", {"StringEquals": {"aws:RequestedRegion": "x"}})),
    ("a bus policy granting PutEvents", event_bus_grant_violations,
     lambda t: t["Resources"].__setitem__("BusPolicy", {"Type": "AWS::SQS::QueuePolicy", "Properties": {
         "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
                                           "Resource": "x"}]}}})),
    ("chat publish on every topic", publish_grant_violations,
     _set_in("S3AlertsFunctionRole", "PublishChatNotifications", "Resource",
             {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"})),
    ("chat publish without a chat topic", publish_grant_violations,
     lambda t: _conditional("CwLogsAlertsFunctionRole", "PublishChatNotifications")(t)["Fn::If"].__setitem__(
         2, {"Effect": "Allow", "Action": "sns:Publish",
             "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}-chat"}})),
    ("no chat publish for the events function", publish_grant_violations,
     _drop("EventsAlertsFunctionRole", "PublishChatNotifications")),
    ("sns:Subscribe on the chat topic", publish_grant_violations,
     _set_in("S3AlertsFunctionRole", "PublishChatNotifications", "Action", ["sns:Publish", "sns:Subscribe"])),
    ("events:PutRule beside PutEvents", output_role_grant_violations,
     _set_in("CwLogsAlertsFunctionRole", "PutAlertEvents", "Action", ["events:PutEvents", "events:PutRule"])),
    ("chat grant brings the key", output_role_grant_violations,
     _set_in("S3AlertsFunctionRole", "PublishChatNotifications", "Action", ["sns:Publish", "kms:Encrypt"])),
    ("FIFO chat topic", chat_topic_violations,
     lambda t: _props(CHAT_TOPIC)(t).__setitem__("FifoTopic", {"Fn::If": ["IsFifo", True, NO_VALUE]})),
    ("chat topic without the key", chat_topic_violations, lambda t: _props(CHAT_TOPIC)(t).pop("KmsMasterKeyId")),
    ("chat topic with SNS's AWS managed key", chat_topic_violations,
     lambda t: _props(CHAT_TOPIC)(t).__setitem__("KmsMasterKeyId", "alias/aws/sns")),
    ("chat topic always", chat_topic_violations, lambda t: _res(CHAT_TOPIC)(t).pop("Condition")),
    ("chat topic only with Slack", chat_topic_violations, lambda t: _res(CHAT_TOPIC)(t).__setitem__("Condition", HAS_SLACK)),
    ("a third topic", chat_topic_violations,
     lambda t: t["Resources"].__setitem__("OtherTopic", {"Type": "AWS::SNS::Topic", "Properties": {}})),
    ("topic policy without the TLS deny", chat_topic_policy_violations,
     lambda t: _props(TOPIC_POLICY)(t)["PolicyDocument"]["Statement"].pop()),
    ("anyone may publish to the topics", chat_topic_policy_violations,
     lambda t: _policy_statement("AllowAlertFunctions")(t).__setitem__("Principal", {"AWS": "*"})),
    ("fence ignores AlertPublisherArns", chat_topic_policy_violations,
     lambda t: _policy_statement("DenyOtherPublishers")(t)["Condition"].pop("ArnNotLike")),
    ("chat topic missing from the policy's Topics", chat_topic_policy_violations,
     lambda t: _props(TOPIC_POLICY)(t).__setitem__("Topics", [{"Ref": "AlertTopic"}])),
    ("chat topic in the policy's Topics without its condition", chat_topic_policy_violations,
     lambda t: _props(TOPIC_POLICY)(t)["Topics"].__setitem__(1, {"Ref": CHAT_TOPIC})),
    ("chat topic missing from AllowAlertFunctions", chat_topic_policy_violations, _alert_topic_only("AllowAlertFunctions")),
    ("chat topic missing from DenyOtherPublishers", chat_topic_policy_violations, _alert_topic_only("DenyOtherPublishers")),
    ("chat topic missing from DenyInsecureTransport", chat_topic_policy_violations, _alert_topic_only("DenyInsecureTransport")),
    ("an extra publisher on the chat topic", chat_topic_policy_violations,
     lambda t: _props(TOPIC_POLICY)(t)["PolicyDocument"]["Statement"].append(
         {"Sid": "AllowOperators", "Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": CHAT_TOPIC},
          "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ops"}}})),
    ("an extra publisher among the function roles", chat_topic_policy_violations,
     lambda t: _policy_statement("AllowAlertFunctions")(t)["Principal"]["AWS"].append(
         {"Fn::GetAtt": [CHAT_ROLE, "Arn"]})),
    ("topic policy only with a chat topic", chat_topic_policy_violations,
     lambda t: _res(TOPIC_POLICY)(t).__setitem__("Condition", HAS_CHAT)),
    ("a second policy on the chat topic", chat_topic_policy_violations,
     lambda t: t["Resources"].__setitem__("ChatTopicPolicy", {"Type": "AWS::SNS::TopicPolicy", "Condition": HAS_CHAT,
                                                              "Properties": {**copy.deepcopy(_props(TOPIC_POLICY)(t)),
                                                                             "Topics": [{"Ref": CHAT_TOPIC}]}})),
    ("Slack channel with one id", slack_channel_violations,
     lambda t: _res(SLACK_CHANNEL)(t).__setitem__("Condition", HAS_CHAT)),
    ("Slack channel on the alert topic", slack_channel_violations,
     lambda t: _props(SLACK_CHANNEL)(t).__setitem__("SnsTopicArns", [{"Ref": "AlertTopic"}, {"Ref": CHAT_TOPIC}])),
    ("administrator guardrail", slack_channel_violations,
     lambda t: _props(SLACK_CHANNEL)(t).__setitem__("GuardrailPolicies", [{"Fn::Sub": MANAGED + "AdministratorAccess"}])),
    ("no guardrail (AdministratorAccess by default)", slack_channel_violations,
     lambda t: _props(SLACK_CHANNEL)(t).pop("GuardrailPolicies")),
    ("user roles required", slack_channel_violations, lambda t: _props(SLACK_CHANNEL)(t).__setitem__("UserRoleRequired", True)),
    ("configuration named without the Region", slack_channel_violations,
     lambda t: _props(SLACK_CHANNEL)(t).__setitem__("ConfigurationName", {"Ref": "AWS::StackName"})),
    ("a Teams channel too", slack_channel_violations,
     lambda t: t["Resources"].__setitem__("Teams", {"Type": "AWS::Chatbot::MicrosoftTeamsChannelConfiguration"})),
    ("channel role reads the logs", chat_role_violations,
     lambda t: _props(CHAT_ROLE)(t)["ManagedPolicyArns"].append({"Fn::Sub": MANAGED + "CloudWatchReadOnlyAccess"})),
    ("channel role with an inline policy", chat_role_violations,
     lambda t: _props(CHAT_ROLE)(t).__setitem__("Policies", [{"PolicyName": "p", "PolicyDocument": {"Statement": [
         {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": CHAT_TOPIC}}]}}])),
    ("channel role is an administrator", chat_role_violations,
     lambda t: _props(CHAT_ROLE)(t).__setitem__("ManagedPolicyArns", [{"Fn::Sub": MANAGED + "AdministratorAccess"}])),
    ("channel role trusted by Lambda too", chat_role_violations,
     lambda t: _props(CHAT_ROLE)(t)["AssumeRolePolicyDocument"]["Statement"][0]["Principal"].__setitem__(
         "Service", ["chatbot.amazonaws.com", "lambda.amazonaws.com"])),
    ("a policy attached to the channel role", chat_role_violations,
     lambda t: t["Resources"].__setitem__("Extra", {"Type": "AWS::IAM::Policy", "Properties": {
         "Roles": [{"Ref": CHAT_ROLE}], "PolicyDocument": {"Statement": []}}})),
    ("channel role without the Slack channel", chat_role_violations, lambda t: _res(CHAT_ROLE)(t).pop("Condition")),
    ("registry without a bus", schema_registry_violations, lambda t: _res(REGISTRY)(t).pop("Condition")),
    ("schema in OpenAPI", schema_registry_violations, lambda t: _props(SCHEMA)(t).__setitem__("Type", "OpenApi3")),
    ("schema content not JSON", schema_registry_violations, lambda t: _props(SCHEMA)(t).__setitem__("Content", "{")),
    ("schema named with a space", schema_registry_violations,
     lambda t: _props(SCHEMA)(t).__setitem__("SchemaName", "bedrock alerts")),
    ("schema in the registry by a literal name", schema_registry_violations,
     lambda t: _props(SCHEMA)(t).__setitem__("RegistryName", "bedrock-alerts")),
    ("CHAT_TOPIC_ARN without a chat topic", environment_violations,
     lambda t: _env(t).__setitem__("CHAT_TOPIC_ARN", {"Ref": CHAT_TOPIC})),
    ("EVENT_BUS always the default bus", environment_violations, lambda t: _env(t).__setitem__("EVENT_BUS", "default")),
    ("no EVENT_BUS", environment_violations, lambda t: _env(t).pop("EVENT_BUS")),
    ("ChatTopicArn output always", output_violations, lambda t: t["Outputs"]["ChatTopicArn"].pop("Condition")),
    ("EventBusArn output of the default bus", output_violations,
     lambda t: t["Outputs"]["EventBusArn"].__setitem__("Value", {"Fn::Sub": BUS_ARN["Fn::Sub"].replace("${EventBusName}", "default")})),
    ("no SchemaRegistryName output", output_violations, lambda t: t["Outputs"].pop("SchemaRegistryName")),
    ("the chat topic named without its condition", undeployed_reference_violations,
     lambda t: _env(t).__setitem__("CHAT_TOPIC_ARN", {"Ref": CHAT_TOPIC})),
]


@pytest.mark.parametrize(("checker", "plant"), [(c, p) for _, c, p in PLANTED], ids=[name for name, _, _ in PLANTED])
def test_checker_catches_planted_violation(checker, plant):
    template = copy.deepcopy(TEMPLATE)
    plant(template)
    assert checker(template) != []


@pytest.mark.parametrize(("old", "new"), [
    (BEGIN_MARKER + "\n", ""),
    (END_MARKER, "  " + END_MARKER),
    (BEGIN_MARKER + "\n      Content: |", BEGIN_MARKER + "\n      Description: x\n      Content: |"),
])
def test_generated_block_checker_catches_a_misplaced_block(old, new):
    assert TEMPLATE_TEXT.count(old) == 1
    assert generated_block_violations(TEMPLATE_TEXT.replace(old, new)) != []
