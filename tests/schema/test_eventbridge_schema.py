"""The EventBridge side of issue 18: the Draft 4 schema of the event the functions send
(schema/alert-v1.eventbridge.schema.json, written by scripts/make_eventbridge_schema.py from
schema/alert-v1.schema.json), its copy in template.yaml's AlertSchema, and the example rules
in the README's "Chat channels and EventBridge" section.

* `--check` passes, and fails on a stale copy (so it can fail);
* the generated schema is valid Draft 4 and within the schema registry's content limit;
* every golden payload, and every form the alert schema tests build beyond the goldens,
  wrapped in an EventBridge envelope, validates with Draft4Validator; every PLANTED mistake
  of the alert schema tests is rejected by the Draft 4 conversion too, and so are mistakes in
  the envelope (the conversion keeps the 2020-12 schema's meaning);
* the AlertSchema resource's Content is exactly the generated file;
* each EventPattern in the README matches the goldens it is written for, wrapped as events,
  and no other (a small EventBridge pattern matcher, for the operators the README uses).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from jsonschema import Draft4Validator

import test_alert_schema as alert_tests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_eventbridge_schema.py"
SCHEMA_PATH = ROOT / "schema" / "alert-v1.eventbridge.schema.json"
TEMPLATE_PATH = ROOT / "template.yaml"
README_PATH = ROOT / "README.md"
README_HEADING = "## Chat channels and EventBridge"
BEGIN_MARKER = "# BEGIN generated: scripts/make_eventbridge_schema.py"
END_MARKER = "# END generated"
# AWS Schemas API (CreateSchema/UpdateSchema) Content: 1 to 100,000 characters.
CONTENT_MAX_CHARS = 100_000

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft4Validator(SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)

sys.path.insert(0, str(ROOT / "scripts"))
import make_eventbridge_schema as generator  # noqa: E402


def event(detail: Any, **envelope: Any) -> dict:
    """An alert as PutEvents delivers it to a rule's target."""
    return {
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Bedrock Alert",
        "source": "bedrock-alerts", "account": "111122223333", "time": "2026-11-21T14:06:13Z",
        "region": "us-east-1", "resources": [], "detail": detail, **envelope,
    }


def violations(instance: Any) -> list[str]:
    return sorted(f"{e.json_path}: {e.message[:200]}" for e in VALIDATOR.iter_errors(instance))


def all_paths(instance: Any) -> set[str]:
    pending, paths = list(VALIDATOR.iter_errors(instance)), set()
    while pending:
        error = pending.pop()
        paths.add(error.json_path)
        pending.extend(error.context)
    return paths


# ------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------
def test_check_passes():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def copy_of_the_repo(tmp_path: Path) -> Path:
    for relative in ["scripts/make_eventbridge_schema.py", "schema/alert-v1.schema.json",
                     "schema/alert-v1.eventbridge.schema.json", "template.yaml"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    return tmp_path


def run_check(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(repo / "scripts" / "make_eventbridge_schema.py"), "--check"],
                          capture_output=True, text=True, timeout=60)


def test_check_fails_on_a_stale_schema_file(tmp_path: Path):
    repo = copy_of_the_repo(tmp_path)
    alert = json.loads((repo / "schema/alert-v1.schema.json").read_text(encoding="utf-8"))
    alert["properties"]["count"]["minimum"] = 2  # the reference changed, the output did not
    (repo / "schema/alert-v1.schema.json").write_text(json.dumps(alert), encoding="utf-8")
    result = run_check(repo)
    assert result.returncode == 1 and "schema/alert-v1.eventbridge.schema.json" in result.stderr, result.stderr


def test_check_fails_on_an_edited_template_block(tmp_path: Path):
    repo = copy_of_the_repo(tmp_path)
    template = (repo / "template.yaml").read_text(encoding="utf-8")
    assert BEGIN_MARKER in template, "template.yaml has no generated AlertSchema block yet"
    begin, end = template.index(BEGIN_MARKER), template.index(END_MARKER)
    block = template[begin:end]
    assert '"Bedrock Alert"' in block
    edited = template[:begin] + block.replace('"Bedrock Alert"', '"Bedrock alert"') + template[end:]
    (repo / "template.yaml").write_text(edited, encoding="utf-8")
    result = run_check(repo)
    assert result.returncode == 1 and "template.yaml" in result.stderr, result.stderr


def test_the_converter_keeps_the_meaning_of_what_draft_4_lacks():
    """if/then/else, dependentRequired, propertyNames, const, exclusiveMinimum and a $ref with
    siblings, on a small schema: the same instances pass and fail under both drafts."""
    source = {
        "type": "object",
        "properties": {
            "kind": {"const": "a"},
            "n": {"type": "number", "exclusiveMinimum": 0},
            "names": {"type": "object", "propertyNames": {"pattern": "^x"}, "additionalProperties": {"type": "integer"}},
            "ref": {"$ref": "#/$defs/short", "minLength": 2},
        },
        "if": {"properties": {"kind": {"const": "a"}}, "required": ["kind"]},
        "then": {"required": ["n"]},
        "else": {"required": ["names"]},
        "dependentRequired": {"n": ["kind"]},
        "$defs": {"short": {"type": "string", "maxLength": 3}},
    }
    converter = generator.Converter()
    draft4 = converter.schema(source, "#")
    draft4 = {"$schema": generator.DRAFT4, **draft4,
              "definitions": {"short": converter.schema(source["$defs"]["short"], "#/$defs/short")}}
    Draft4Validator.check_schema(draft4)
    from jsonschema import Draft202012Validator
    new, old = Draft202012Validator(source), Draft4Validator(draft4)
    cases = [
        {"kind": "a", "n": 1}, {"kind": "a"}, {"kind": "b"}, {"names": {"x1": 1}}, {"names": {"y": 1}},
        {"names": {"x": "s"}}, {"kind": "a", "n": 0}, {"n": 1}, {"names": {}, "ref": "ab"},
        {"names": {}, "ref": "a"}, {"names": {}, "ref": "abcd"}, {"kind": "a", "n": 0.5, "ref": "abc"},
    ]
    for case in cases:
        assert new.is_valid(case) == old.is_valid(case), case
    assert {new.is_valid(case) for case in cases} == {True, False}
    notes = converter.notes()
    for what in ["if/then", "if/else", "dependentRequired", "propertyNames", "const", "exclusiveMinimum", "$ref with siblings"]:
        assert what in notes, notes


def test_the_converter_stops_at_a_keyword_it_does_not_know():
    with pytest.raises(SystemExit, match="x-unknown"):
        generator.Converter().schema({"x-unknown": 1}, "#")
    converter = generator.Converter()
    assert converter.schema({"type": "array", "contains": {"type": "string"}}, "#") == {"type": "array"}
    assert "contains (1)" in converter.notes()


# ------------------------------------------------------------------------------------------
# The generated schema
# ------------------------------------------------------------------------------------------
def test_the_schema_is_valid_draft_4_for_the_whole_event():
    Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert SCHEMA["properties"]["detail-type"]["enum"] == ["Bedrock Alert"]
    assert SCHEMA["properties"]["source"]["enum"] == ["bedrock-alerts"]
    keys = set(keywords(SCHEMA))
    assert not keys & {"$defs", "$id", "const", "if", "then", "else", "dependentRequired", "propertyNames",
                       "prefixItems", "contains", "unevaluatedProperties"}, "draft 2020-12 keywords left"
    assert all(ref.startswith("#/definitions/") for ref in refs(SCHEMA))
    assert "Dropped (no Draft 4 equivalent):" in SCHEMA["description"]


def keywords(node: Any) -> Iterator[str]:
    """Every keyword used in a schema (not the names under properties or definitions)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "patternProperties", "definitions", "dependencies"):
                for sub in value.values():
                    yield from keywords(sub)
            elif key not in ("enum", "required", "description", "title", "default"):
                yield key
                yield from keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from keywords(item)


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_schema_fits_the_registry():
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert len(text) <= CONTENT_MAX_CHARS, f"{len(text)} characters, the registry takes {CONTENT_MAX_CHARS}"


@pytest.mark.parametrize("name", alert_tests.GOLDEN_NAMES)
def test_every_golden_payload_as_an_event_validates(name: str):
    assert violations(event(alert_tests.golden(name))) == []


@pytest.mark.parametrize("form", alert_tests.PRODUCED)
def test_the_forms_beyond_the_goldens_validate(form: str):
    assert violations(event(alert_tests.PRODUCED[form]())) == []


@pytest.mark.parametrize("name", alert_tests.PLANTED)
def test_the_alert_schemas_planted_mistakes_are_rejected_in_draft_4_too(name: str):
    planted = alert_tests.PLANTED[name]
    broken = planted.mutate(alert_tests.golden(planted.golden))
    assert violations(event(broken)), f"{name}: accepted by the Draft 4 conversion"
    expected = "$.detail" + planted.path[1:]
    assert expected in all_paths(event(broken)), f"{name}: not rejected at {expected}"


ENVELOPE_PLANTED = {
    "wrong detail-type": ({"detail-type": "Bedrock alert"}, "$['detail-type']"),
    "wrong source": ({"source": "aws.bedrock"}, "$.source"),
    "detail missing schema": ({"detail": "without schema"}, "$.detail"),
    "no detail": ({"detail": None}, "$"),
    "account not 12 digits": ({"account": "1111"}, "$.account"),
    "time not RFC 3339": ({"time": "Sat Nov 21 10:16:44 UTC 2026"}, "$.time"),
}


@pytest.mark.parametrize("name", ENVELOPE_PLANTED)
def test_envelope_mistakes_are_rejected(name: str):
    changes, path = ENVELOPE_PLANTED[name]
    good = event(alert_tests.golden("kb-embedding-failed"))
    broken = copy.deepcopy(good)
    for key, value in changes.items():
        if value is None:
            del broken[key]
        elif key == "detail":
            del broken["detail"]["schema"]
        else:
            broken[key] = value
    assert violations(good) == []
    assert violations(broken), f"{name}: accepted"
    assert path in all_paths(broken), f"{name}: rejected at {sorted(all_paths(broken))}"


# ------------------------------------------------------------------------------------------
# template.yaml's AlertSchema
# ------------------------------------------------------------------------------------------
class TagLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short tags (!Ref, !Sub, ...) as plain values."""


TagLoader.add_multi_constructor("!", lambda loader, suffix, node: (
    loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
    else loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node, deep=True)))


def test_the_templates_alert_schema_is_the_generated_file():
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    assert text.count(BEGIN_MARKER) == 1 and text.count(END_MARKER) == 1, (
        "template.yaml must hold the generated AlertSchema block (markers around Content)")
    resources = yaml.load(text, Loader=TagLoader)["Resources"]  # noqa: S506 - a SafeLoader
    schema = resources["AlertSchema"]
    assert schema["Type"] == "AWS::EventSchemas::Schema"
    assert schema["Properties"]["Type"] == "JSONSchemaDraft4"
    content = schema["Properties"]["Content"]
    assert isinstance(content, str) and len(content) <= CONTENT_MAX_CHARS
    assert json.loads(content) == SCHEMA
    lines = text.splitlines()
    start = lines.index("  AlertSchema:")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^  ?\S", lines[i])), len(lines))
    block = [i for i, line in enumerate(lines) if line.strip() in (BEGIN_MARKER, END_MARKER)]
    assert all(start < i < end for i in block), "the generated block is not inside AlertSchema"


# ------------------------------------------------------------------------------------------
# The README's example rules
# ------------------------------------------------------------------------------------------
MISSING = object()


def matches(pattern: dict, event_: Any) -> bool:
    """EventBridge event-pattern matching for the operators the README uses: value lists
    (strings, numbers, null), prefix, suffix, anything-but, exists, equals-ignore-case,
    nested objects and $or. An event array matches when one of its values does."""
    if not isinstance(event_, dict):
        return False
    for key, condition in pattern.items():
        if key == "$or":
            if not any(matches(branch, event_) for branch in condition):
                return False
        elif isinstance(condition, dict):
            if not matches(condition, event_.get(key, MISSING)):
                return False
        elif isinstance(condition, list):
            value = event_.get(key, MISSING)
            values = value if isinstance(value, list) else [value]
            if not any(rule_matches(rule, v) for rule in condition for v in values):
                return False
        else:
            raise AssertionError(f"not an EventBridge pattern at {key!r}: {condition!r}")
    return True


def rule_matches(rule: Any, value: Any) -> bool:
    present = value is not MISSING
    if not isinstance(rule, dict):
        return present and value == rule and isinstance(value, bool) == isinstance(rule, bool)
    (operator, operand), = rule.items()
    if operator == "exists":
        return present == operand
    if not present:
        return False
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    if operator == "suffix":
        return isinstance(value, str) and value.endswith(operand)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == operand.lower()
    if operator == "anything-but":
        if isinstance(operand, dict):
            return not rule_matches(operand, value)
        excluded = operand if isinstance(operand, list) else [operand]
        return value not in excluded
    raise AssertionError(f"operator {operator!r} is not implemented here: add it or use another")


def test_the_matcher():
    e = event({"severity": "ERROR", "source": "knowledge_base", "tags": ["a", "b"], "n": None})
    assert matches({"source": ["bedrock-alerts"], "detail": {"severity": ["ERROR"]}}, e)
    assert not matches({"source": ["bedrock-alerts"], "detail": {"severity": ["WARN"]}}, e)
    assert not matches({"detail": {"missing": ["ERROR"]}}, e)
    assert matches({"detail": {"missing": [{"exists": False}], "n": [None]}}, e)
    assert matches({"detail": {"tags": ["b"]}}, e) and not matches({"detail": {"tags": ["c"]}}, e)
    assert matches({"detail": {"source": [{"prefix": "knowledge"}]}}, e)
    assert matches({"detail": {"source": [{"anything-but": ["alarm"]}]}}, e)
    assert not matches({"detail": {"source": [{"anything-but": "knowledge_base"}]}}, e)
    assert matches({"$or": [{"detail": {"severity": ["WARN"]}}, {"detail": {"source": ["knowledge_base"]}}]}, e)
    assert not matches({"$or": [{"detail": {"severity": ["WARN"]}}, {"detail": {"source": ["alarm"]}}]}, e)
    assert not matches({"detail": {"severity": {"nested": ["x"]}}}, e)


def readme_rules() -> dict[str, dict]:
    """The AWS::Events::Rule resources in the YAML blocks of the README section, by logical id."""
    readme = README_PATH.read_text(encoding="utf-8")
    assert README_HEADING in readme, f"README has no section {README_HEADING!r}"
    section = readme.split(README_HEADING, 1)[1]
    section = re.split(r"\n## ", section, maxsplit=1)[0]
    rules = {}
    for block in re.findall(r"```yaml\n(.*?)```", section, re.S):
        document = yaml.load(block, Loader=TagLoader)  # noqa: S506 - a SafeLoader
        for name, resource in (document.get("Resources", document) or {}).items():
            if isinstance(resource, dict) and resource.get("Type") == "AWS::Events::Rule":
                rules[name] = resource
    return rules


def golden_event(name: str, **changes: Any) -> dict:
    detail = alert_tests.golden(name)
    for path, value in changes.items():
        target = detail
        *parents, last = path.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return event(detail)


# rule: (goldens it must match, goldens it must not)
RULE_EXPECTATIONS = {
    "KnowledgeBaseErrorsRule": (
        [golden_event("kb-embedding-failed"), golden_event("kb-job-failed")],
        [golden_event("kb-job-complete-with-failures"), golden_event("invocation-throttling"),
         golden_event("alarm-throttles-fired"), golden_event("processor-unparseable"),
         event(alert_tests.golden("kb-job-failed"), source="aws.bedrock")],
    ),
    "ThrottlingAlertsRule": (
        [golden_event("invocation-throttling"), golden_event("alarm-throttles-fired"),
         event(alert_tests.resolved(alert_tests.golden("alarm-throttles-fired")))],
        [golden_event("kb-embedding-failed"), golden_event("job-customization-failed"),
         golden_event("alarm-throttles-fired", alarm__metric="InvocationServerErrors"),
         golden_event("invocation-throttling", status="ValidationException"),
         event(alert_tests.golden("invocation-throttling"), **{"detail-type": "Other"})],
    ),
}


def test_the_readme_has_the_two_example_rules():
    rules = readme_rules()
    assert set(RULE_EXPECTATIONS) <= set(rules), sorted(rules)
    for name in RULE_EXPECTATIONS:
        properties = rules[name]["Properties"]
        pattern = properties["EventPattern"]
        assert pattern["source"] == ["bedrock-alerts"] and pattern["detail-type"] == ["Bedrock Alert"], name
        assert properties.get("EventBusName") and properties.get("Targets"), name
    sfn_target = rules["KnowledgeBaseErrorsRule"]["Properties"]["Targets"][0]
    assert sfn_target.get("RoleArn"), "a Step Functions target needs a role"


@pytest.mark.parametrize("rule", RULE_EXPECTATIONS)
def test_each_readme_rule_matches_its_alerts_and_no_other(rule: str):
    pattern = readme_rules()[rule]["Properties"]["EventPattern"]
    if isinstance(pattern, str):
        pattern = json.loads(pattern)
    wanted, unwanted = RULE_EXPECTATIONS[rule]
    for number, e in enumerate(wanted):
        assert violations(e) == [], "the example events are real alerts"
        assert matches(pattern, e), f"{rule} does not match {e['detail']['source']} {e['detail']['status']} ({number})"
    for number, e in enumerate(unwanted):
        assert not matches(pattern, e), f"{rule} matches {e['detail'].get('source')} {e['detail'].get('status')} ({number})"
