"""The published JSON Schema of the alert payload, schema/alert-v1.schema.json (issue 18, item 3),
checked against what the code sends, with no build: the golden payloads (shared/tests/golden,
written by `cargo test --test golden`) validate with format checking on, and so do the forms
the goldens do not show (incident fields, suppression, truncation, resolved alarms), built
from a golden exactly as the Rust code builds them. PLANTED mutations of the goldens, each a
mistake a producer could make, must be rejected for the reason named, which proves the schema
and these tests can fail. The README's payload table and the schema name the same top-level
fields.
"""

from __future__ import annotations

import copy
import json
import pathlib
import re
from typing import Any, Callable, Iterator, NamedTuple

import pytest
from jsonschema import Draft202012Validator, ValidationError

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "schema" / "alert-v1.schema.json"
GOLDEN_DIR = ROOT / "shared" / "tests" / "golden"
README_PATH = ROOT / "README.md"
README_HEADING = "### JSON payload, schema `bedrock-alerts/alert/v1`"

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

# What limits.rs keeps of a payload that must be tiny (identity_only), besides `truncated`.
IDENTITY = ["schema", "id", "group_id", "severity", "source", "status", "count"]
FINDING_SOURCES = ["model_invocation", "knowledge_base", "processor", "bedrock_job"]


def all_errors(payload: Any) -> Iterator[ValidationError]:
    """Every validation error, with the errors inside allOf/anyOf/if-then branches."""
    pending = list(VALIDATOR.iter_errors(payload))
    while pending:
        error = pending.pop()
        yield error
        pending.extend(error.context)


def violations(payload: Any) -> list[str]:
    """The payload's schema violations, human-readable (empty when it is valid)."""
    return sorted(f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(payload))


def golden(name: str) -> dict:
    return json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8"))["payload"]


GOLDEN_NAMES = sorted(path.stem for path in GOLDEN_DIR.glob("*.json") if not path.name.endswith(".chat.json"))


# ------------------------------------------------------------------------------------------
# The schema itself and the format checker
# ------------------------------------------------------------------------------------------
def test_the_schema_is_valid_draft_2020_12_and_open_at_the_top():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] and SCHEMA["title"] and "v1" in SCHEMA["description"]
    assert SCHEMA["additionalProperties"] is True
    assert SCHEMA["properties"]["schema"] == {
        "description": SCHEMA["properties"]["schema"]["description"],
        "const": "bedrock-alerts/alert/v1",
    }


def test_date_times_are_really_checked():
    """jsonschema passes `format: date-time` unchecked when rfc3339-validator is missing;
    scripts/requirements-test.txt pins it, and this fails if it is gone."""
    checker = Draft202012Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers
    assert checker.conforms("2026-11-20T14:05:04.123Z", "date-time")
    assert not checker.conforms("2026-11-20T14:05:04.123+0000", "date-time")


# ------------------------------------------------------------------------------------------
# What the code sends validates
# ------------------------------------------------------------------------------------------
def test_the_goldens_cover_every_source_and_the_summary():
    payloads = [golden(name) for name in GOLDEN_NAMES]
    assert {p["source"] for p in payloads} == set(FINDING_SOURCES) | {"alarm"}
    assert any(p["status"] == "ALERT_LIMIT_REACHED" for p in payloads)
    assert any("top_models" in p for p in payloads)


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_every_golden_payload_validates(name: str):
    assert violations(golden(name)) == []


def incident(payload: dict, kind: str, occurrences: int, total: int) -> dict:
    """incidents/plan.rs render_notice: the incident fields, and count = occurrences."""
    payload = copy.deepcopy(payload)
    payload.update({
        "count": occurrences, "kind": kind, "incident_id": "5" * 64, "occurrences": occurrences,
        "total": total, "opened_at": "2026-11-20T14:05:00Z",
        "window": {"start": "2026-11-20T14:10:00Z", "end": "2026-11-20T14:15:00Z"},
    })
    return payload


def items_cut(payload: dict) -> dict:
    """limits.rs structured_message: half the items dropped and counted, `truncated`."""
    payload = copy.deepcopy(payload)
    dropped = (len(payload["items"]) + 1) // 2
    payload["items"] = payload["items"][: len(payload["items"]) - dropped]
    payload["items_omitted"] += dropped
    payload["truncated"] = True
    return payload


def identity_only(payload: dict) -> dict:
    """limits.rs identity_only: the identity, strings cut to 128 bytes, `truncated`."""
    kept = {key: payload[key] for key in IDENTITY if key in payload}
    return {**kept, "truncated": True}


def resolved(alarm: dict) -> dict:
    """alarm.rs render_alarm for a change to OK: kind resolved, severity still ERROR."""
    payload = copy.deepcopy(alarm)
    payload.pop("top_models")
    payload.update({"status": "OK", "kind": "resolved", "reasons": []})
    payload["alarm"].update({"state": "OK", "previous_state": "ALARM", "reason": None})
    return payload


def alarm_without_details(alarm: dict) -> dict:
    """An alarm event with no ARN, reason data, account or region: nulls where Option."""
    payload = copy.deepcopy(alarm)
    payload.update({"first_timestamp": None, "last_timestamp": None, "account_id": None,
                    "region": None, "reasons": [], "top_models": []})
    for field in ["arn", "previous_state", "reason", "threshold", "value", "metric"]:
        payload["alarm"][field] = None
    return payload


def with_(payload: dict, **fields: Any) -> dict:
    return {**copy.deepcopy(payload), **fields}


def without(payload: dict, *fields: str) -> dict:
    return {k: v for k, v in copy.deepcopy(payload).items() if k not in fields}


def item_origin_with_event_id(payload: dict) -> dict:
    payload = copy.deepcopy(payload)
    payload["items"][0]["origin"] = {"input": "lambda-event:1", "line": 1, "event_id": "123"}
    return payload


# Forms the code produces that no golden shows.
PRODUCED: dict[str, Callable[[], dict]] = {
    "incident new": lambda: incident(golden("invocation-throttling"), "new", 1, 1),
    "incident repeat": lambda: incident(golden("kb-embedding-failed"), "repeat", 3, 1234),
    "incident of the processor": lambda: incident(golden("processor-unparseable"), "new", 2, 2),
    "sent without suppression": lambda: with_(golden("kb-job-failed"), suppression="unavailable"),
    "items cut to fit": lambda: items_cut(golden("kb-embedding-failed")),
    "incident with items cut": lambda: items_cut(incident(golden("kb-embedding-failed"), "new", 3, 3)),
    "identity only (finding)": lambda: identity_only(incident(golden("kb-embedding-failed"), "new", 3, 3)),
    "identity only (alarm)": lambda: identity_only(golden("alarm-throttles-fired")),
    "identity only (summary)": lambda: identity_only(golden("alert-limit-summary")),
    "summary of counted-only groups": lambda: with_(
        golden("alert-limit-summary"), groups_omitted=0,
        counts_by_status={"model_invocation other": 7, "processor UNREADABLE_INPUT": 1}),
    "job without a name": lambda: without(golden("job-batch-partially-completed"), "job_name"),
    "item read from CloudWatch Logs": lambda: item_origin_with_event_id(golden("invocation-throttling")),
    "alarm resolved": lambda: resolved(golden("alarm-throttles-fired")),
    "alarm, top models unavailable": lambda: with_(
        without(golden("alarm-throttles-fired"), "top_models"),
        top_models_unavailable="GetMetricData failed: AccessDenied"),
    "alarm, not on a Bedrock metric": lambda: without(golden("alarm-throttles-fired"), "top_models"),
    "alarm without details": lambda: alarm_without_details(golden("alarm-throttles-fired")),
    "additive fields (v1 stays open)": lambda: with_(
        golden("invocation-throttling"), dashboard_url="https://example.com",
        window_hint={"minutes": 5}),
}


@pytest.mark.parametrize("form", PRODUCED)
def test_forms_the_code_produces_beyond_the_goldens_validate(form: str):
    assert violations(PRODUCED[form]()) == []


# ------------------------------------------------------------------------------------------
# PLANTED: what a producer could get wrong is rejected, for the reason named
# ------------------------------------------------------------------------------------------
class Planted(NamedTuple):
    golden: str
    mutate: Callable[[dict], Any]
    path: str  # the json_path of one error it must cause


def set_at(path: str, value: Any) -> Callable[[dict], dict]:
    """A mutation that sets the value at a dotted path (list indexes as numbers)."""
    def mutate(payload: dict) -> dict:
        payload = copy.deepcopy(payload)
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = payload
        for part in parents:
            target = target[part]
        target[last] = value
        return payload
    return mutate


def drop(field: str) -> Callable[[dict], dict]:
    return lambda payload: without(payload, field)


PLANTED: dict[str, Planted] = {
    "wrong severity": Planted("invocation-throttling", set_at("severity", "CRITICAL"), "$.severity"),
    "severity in lower case": Planted("kb-job-failed", set_at("severity", "error"), "$.severity"),
    "item with a wrong severity": Planted(
        "kb-embedding-failed", set_at("items.0.severity", "FATAL"), "$.items[0].severity"),
    "non-hex id": Planted("invocation-throttling", set_at("id", "z" * 64), "$.id"),
    "upper-case hex id": Planted("kb-job-failed", set_at("id", "A" * 64), "$.id"),
    "short group_id": Planted("kb-job-failed", set_at("group_id", "ab" * 31), "$.group_id"),
    "non-hex incident_id": Planted(
        "invocation-throttling",
        lambda p: with_(incident(p, "new", 1, 1), incident_id="incident-1"), "$.incident_id"),
    "missing schema field": Planted("invocation-throttling", drop("schema"), "$"),
    "another schema version": Planted(
        "invocation-throttling", set_at("schema", "bedrock-alerts/alert/v2"), "$.schema"),
    "timestamp with CloudWatch's +0000": Planted(
        "invocation-throttling", set_at("first_timestamp", "2026-11-20T14:05:04.000+0000"),
        "$.first_timestamp"),
    "timestamp without an offset": Planted(
        "kb-embedding-failed", set_at("last_timestamp", "2026-11-20T17:30:02.325"), "$.last_timestamp"),
    "timestamp past year 9999 (chrono's +10000-...)": Planted(
        "kb-embedding-failed", set_at("items.1.timestamp", "+10000-01-01T00:00:00.000Z"),
        "$.items[1].timestamp"),
    "timestamp as epoch millis": Planted(
        "kb-job-failed", set_at("first_timestamp", 1795183830000), "$.first_timestamp"),
    "bad incident window": Planted(
        "invocation-throttling",
        lambda p: with_(incident(p, "new", 1, 1), window={"start": "14:10:00 UTC", "end": "2026-11-20T14:15:00Z"}),
        "$.window.start"),
    "unknown source": Planted("invocation-throttling", set_at("source", "eventbridge"), "$.source"),
    "item of an unknown source": Planted(
        "processor-unparseable", set_at("items.0.source", "alarm"), "$.items[0].source"),
    "item of another source than its group": Planted(
        "kb-job-failed", set_at("items.0.source", "model_invocation"), "$.items[0].source"),
    "ERROR item in a WARN group": Planted(
        "kb-job-complete-with-failures", set_at("items.0.severity", "ERROR"), "$.items[0].severity"),
    "count as a string": Planted("kb-embedding-failed", set_at("count", "3"), "$.count"),
    "count of zero": Planted("kb-embedding-failed", set_at("count", 0), "$.count"),
    "negative items_omitted": Planted("kb-embedding-failed", set_at("items_omitted", -1), "$.items_omitted"),
    "more than five reasons": Planted(
        "kb-job-failed", set_at("reasons", ["a", "b", "c", "d", "e", "f"]), "$.reasons"),
    "a reason twice": Planted("kb-job-failed", set_at("reasons", ["a", "a"]), "$.reasons"),
    "null job_arn (the code leaves it out)": Planted(
        "job-customization-failed", set_at("job_arn", None), "$.job_arn"),
    "finding alert without items, not truncated": Planted("kb-embedding-failed", drop("items"), "$"),
    "finding alert without identity fields, not truncated": Planted("kb-job-failed", drop("model_id"), "$"),
    "item without origin": Planted(
        "invocation-throttling", lambda p: set_at("items.0", without(p["items"][0], "origin"))(p),
        "$.items[0]"),
    "truncated: false (the code only writes true)": Planted(
        "kb-job-failed", set_at("truncated", False), "$.truncated"),
    "truncated without its identity": Planted(
        "kb-embedding-failed", lambda p: without(identity_only(p), "group_id"), "$"),
    "incident kind resolved": Planted(
        "invocation-throttling", lambda p: incident(p, "resolved", 1, 1), "$.kind"),
    "incident without its id": Planted(
        "invocation-throttling", lambda p: without(incident(p, "new", 1, 1), "incident_id"), "$"),
    "incident sent without suppression": Planted(
        "invocation-throttling",
        lambda p: with_(incident(p, "new", 1, 1), suppression="unavailable"), "$"),
    "suppression other than unavailable": Planted(
        "kb-job-failed", set_at("suppression", "off"), "$.suppression"),
    "summary without counts_by_status": Planted("alert-limit-summary", drop("counts_by_status"), "$"),
    "summary row of an unknown source": Planted(
        "alert-limit-summary", set_at("counts_by_status", {"alarm ALARM": 1}), "$.counts_by_status"),
    "summary from another source": Planted("alert-limit-summary", set_at("source", "knowledge_base"), "$.source"),
    "alarm of state INSUFFICIENT_DATA": Planted(
        "alarm-throttles-fired", set_at("status", "INSUFFICIENT_DATA"), "$.status"),
    "alarm fired but kind resolved": Planted("alarm-throttles-fired", set_at("kind", "resolved"), "$.kind"),
    "alarm alert of severity WARN": Planted("alarm-throttles-fired", set_at("severity", "WARN"), "$.severity"),
    "alarm state unlike the status": Planted("alarm-throttles-fired", set_at("alarm.state", "OK"), "$.alarm.state"),
    "alarm without the alarm": Planted("alarm-throttles-fired", drop("alarm"), "$"),
    "alarm threshold as text": Planted("alarm-throttles-fired", set_at("alarm.threshold", "10"), "$.alarm.threshold"),
    "top models and why they are unavailable": Planted(
        "alarm-throttles-fired", set_at("top_models_unavailable", "AccessDenied"), "$"),
    "six top models": Planted(
        "alarm-throttles-fired", set_at("top_models", [{"model_id": f"m{i}", "value": 1.0} for i in range(6)]),
        "$.top_models"),
    "a top model without a value": Planted(
        "alarm-throttles-fired", set_at("top_models.0", {"model_id": "m"}), "$.top_models[0]"),
    "not an object": Planted("kb-job-failed", lambda p: [p], "$"),
}


@pytest.mark.parametrize("name", PLANTED)
def test_planted_violations_are_rejected(name: str):
    planted = PLANTED[name]
    original = golden(planted.golden)
    assert violations(original) == [], "the planted mistake must be the only one"
    broken = planted.mutate(original)
    assert violations(broken), f"{name}: accepted"
    paths = {error.json_path for error in all_errors(broken)}
    assert planted.path in paths, f"{name}: rejected at {sorted(paths)}, not at {planted.path}"


# ------------------------------------------------------------------------------------------
# The README's payload table and the schema
# ------------------------------------------------------------------------------------------
def readme_payload_fields(readme: str) -> list[str]:
    """The field names in the first column of the table under README_HEADING (a cell may
    name several: `first_timestamp`, `last_timestamp`)."""
    section = readme.split(README_HEADING, 1)
    assert len(section) == 2, f"README has no section {README_HEADING!r}"
    rows = []
    for line in section[1].lstrip("\n").splitlines():
        if not line.startswith("|"):
            break
        rows.append(line)
    assert len(rows) > 2, "the section does not start with a table"
    cells = [re.split(r"(?<!\\)\|", row)[1].strip() for row in rows[2:]]  # after header, rule
    return [name for cell in cells for name in re.findall(r"`([a-z_]+)`", cell)]


def test_the_readme_table_is_parsed():
    fields = readme_payload_fields(README_PATH.read_text(encoding="utf-8"))
    assert len(fields) == len(set(fields)), f"listed twice: {fields}"
    assert {"schema", "id", "first_timestamp", "last_timestamp", "opened_at", "window"} <= set(fields)
    planted = f"{README_HEADING}\n\n| Field | Type | |\n|---|---|---|\n| `id` | string | |\n\nprose `count`\n"
    assert readme_payload_fields(planted) == ["id"]


def test_the_readme_table_lists_every_top_level_property_of_the_schema():
    listed = set(readme_payload_fields(README_PATH.read_text(encoding="utf-8")))
    missing = sorted(set(SCHEMA["properties"]) - listed)
    assert missing == [], f"the README's payload table does not list {missing}"


def test_the_schema_defines_every_field_the_readme_table_lists():
    listed = set(readme_payload_fields(README_PATH.read_text(encoding="utf-8")))
    missing = sorted(listed - set(SCHEMA["properties"]))
    assert missing == [], f"the schema does not define {missing}"
