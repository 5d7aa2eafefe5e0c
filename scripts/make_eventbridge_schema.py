#!/usr/bin/env python3
"""Generate the EventBridge schema of the event bedrock-alerts sends, from the alert schema.

    python3 scripts/make_eventbridge_schema.py            # write both outputs
    python3 scripts/make_eventbridge_schema.py --check    # exit 1 if either is out of date

The functions send every alert to an event bus (EVENT_BUS) as an EventBridge event: source
`bedrock-alerts`, detail-type `Bedrock Alert`, detail = the alert/v1 payload. The schema
registry (AWS::EventSchemas::Schema, Type JSONSchemaDraft4) only takes JSON Schema Draft 4,
while schema/alert-v1.schema.json is draft 2020-12. This script converts it:

* `$defs` become `definitions` at the root of the event schema, and `#/$defs/x` refs
  `#/definitions/x`; `$schema` becomes Draft 4's, `$id` is dropped (named in the description);
* `const` becomes a one-value `enum`; a numeric `exclusiveMinimum`/`exclusiveMaximum` becomes
  `minimum`/`maximum` with the Draft 4 boolean;
* `if`/`then`/`else` become `anyOf: [{not: if}, then]` and `anyOf: [if, else]` (the same
  logic); `dependentRequired`/`dependentSchemas` become `dependencies`; `propertyNames` with
  only a `pattern` (on an object without `properties`) becomes `patternProperties` and
  `additionalProperties: false`; `prefixItems` the tuple form of `items`;
* a `$ref` with validating siblings (Draft 4 ignores them) is wrapped in an `allOf`;
* keywords Draft 4 has no equivalent for (`contains`, `unevaluatedProperties`, ...) are
  dropped; the output's description lists every conversion and every drop. A keyword this
  script does not know stops it with an error, so a new one gets a decision.

Outputs (deterministic: keys sorted, two-space indent, trailing newline):
* schema/alert-v1.eventbridge.schema.json
* in template.yaml, only the lines between `# BEGIN generated: scripts/make_eventbridge_schema.py`
  and `# END generated` (the `Content: |` literal of the AlertSchema resource), when the
  markers are there: `Content: |` and the same JSON, compact on one line (a YAML literal block).

Standard library only.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "schema" / "alert-v1.schema.json"
OUTPUT = ROOT / "schema" / "alert-v1.eventbridge.schema.json"
TEMPLATE = ROOT / "template.yaml"
BEGIN_MARKER = "# BEGIN generated: scripts/make_eventbridge_schema.py"
END_MARKER = "# END generated"

DRAFT4 = "http://json-schema.org/draft-04/schema#"
EVENT_SOURCE = "bedrock-alerts"
DETAIL_TYPE = "Bedrock Alert"
# AWS Schemas API, CreateSchema/UpdateSchema `Content`: 1 to 100,000 characters.
CONTENT_MAX_CHARS = 100_000

# Keywords copied as they are: Draft 4 has them with the same meaning.
PLAIN = {
    "title", "description", "default", "type", "enum", "format", "pattern",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "minimum", "maximum", "multipleOf",
}
# Keywords whose value is a schema, a list of schemas, or a map of schemas.
ONE_SCHEMA = {"not", "additionalItems"}
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}
SCHEMA_MAPS = {"properties", "patternProperties"}
# No Draft 4 equivalent: dropped, and listed in the output's description.
DROPPED = {
    "contains", "minContains", "maxContains", "unevaluatedProperties", "unevaluatedItems",
    "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
    "$comment", "$vocabulary", "examples", "deprecated", "readOnly", "writeOnly",
    "contentMediaType", "contentEncoding", "contentSchema",
}
# Annotations that may sit beside a $ref without changing what it validates.
ANNOTATIONS = {"title", "description", "default"}


class Converter:
    """Draft 2020-12 subschemas to Draft 4, counting what it converts and drops."""

    def __init__(self) -> None:
        self.converted: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()

    def schema(self, node: Any, where: str) -> Any:
        if node is True:
            self.converted["boolean schema true -> {}"] += 1
            return {}
        if node is False:
            self.converted["boolean schema false -> {not: {}}"] += 1
            return {"not": {}}
        if not isinstance(node, dict):
            raise SystemExit(f"{where}: not a schema: {node!r}")
        out: dict[str, Any] = {}
        extra_all_of: list[Any] = []
        for key, value in node.items():
            at = f"{where}/{key}"
            if key in PLAIN:
                out[key] = copy.deepcopy(value)
            elif key == "required":
                if value:  # Draft 4's metaschema wants at least one name
                    out[key] = list(value)
            elif key == "const":
                out["enum"] = [copy.deepcopy(value)]
                self.converted["const -> one-value enum"] += 1
            elif key in ("exclusiveMinimum", "exclusiveMaximum"):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if isinstance(value, bool):
                    raise SystemExit(f"{at}: a boolean {key} is not draft 2020-12")
                if bound in node:
                    raise SystemExit(f"{at}: both {bound} and {key}: convert by hand")
                out[bound] = value
                out[key] = True
                self.converted[f"numeric {key} -> {bound} + {key}: true"] += 1
            elif key == "$ref":
                out[key] = self.ref(value, at)
            elif key in ("$schema", "$id"):
                if where != "#":
                    raise SystemExit(f"{at}: {key} below the root")
                self.converted[f"{key} of the alert schema -> named in this description"] += 1
            elif key == "$defs":
                if where != "#":
                    raise SystemExit(f"{at}: $defs below the root")
            elif key in ONE_SCHEMA:
                out[key] = self.schema(value, at)
            elif key in SCHEMA_LISTS:
                out[key] = [self.schema(v, f"{at}/{i}") for i, v in enumerate(value)]
            elif key in SCHEMA_MAPS:
                out[key] = {name: self.schema(v, f"{at}/{name}") for name, v in value.items()}
            elif key == "additionalProperties":
                out[key] = value if isinstance(value, bool) else self.schema(value, at)
            elif key == "items":
                if "prefixItems" in node:
                    out["additionalItems"] = value if isinstance(value, bool) else self.schema(value, at)
                else:
                    out[key] = self.schema(value, at)
            elif key == "prefixItems":
                out["items"] = [self.schema(v, f"{at}/{i}") for i, v in enumerate(value)]
                self.converted["prefixItems -> items (tuple form)"] += 1
            elif key == "if":
                condition = self.schema(value, at)
                if "then" in node:
                    extra_all_of.append({"anyOf": [{"not": condition}, self.schema(node["then"], f"{where}/then")]})
                    self.converted["if/then -> anyOf [not if, then]"] += 1
                if "else" in node:
                    extra_all_of.append({"anyOf": [condition, self.schema(node["else"], f"{where}/else")]})
                    self.converted["if/else -> anyOf [if, else]"] += 1
            elif key in ("then", "else"):
                if "if" not in node:
                    self.dropped[f"{key} without if (no effect)"] += 1
            elif key == "dependentRequired":
                out.setdefault("dependencies", {}).update({k: list(v) for k, v in value.items()})
                self.converted["dependentRequired -> dependencies"] += 1
            elif key == "dependentSchemas":
                out.setdefault("dependencies", {}).update(
                    {k: self.schema(v, f"{at}/{k}") for k, v in value.items()})
                self.converted["dependentSchemas -> dependencies"] += 1
            elif key == "propertyNames":
                if set(value) == {"pattern"} and "properties" not in node and "patternProperties" not in node:
                    names = node.get("additionalProperties", True)
                    pattern_schema = {} if names is True else self.schema(names, f"{where}/additionalProperties")
                    out["patternProperties"] = {value["pattern"]: pattern_schema}
                    out["_names_closed"] = True
                    self.converted["propertyNames {pattern} -> patternProperties + additionalProperties: false"] += 1
                else:
                    self.dropped["propertyNames"] += 1
            elif key in DROPPED:
                self.dropped[key] += 1
            else:
                raise SystemExit(f"{at}: keyword {key!r} unknown to this converter: decide how to convert it")
        if out.pop("_names_closed", False):
            out["additionalProperties"] = False
        if extra_all_of:
            out["allOf"] = out.get("allOf", []) + extra_all_of
        if "$ref" in out and set(out) - ANNOTATIONS - {"$ref"}:
            # Draft 4 ignores everything beside a $ref: keep both in an allOf.
            kept = {k: out.pop(k) for k in list(out) if k in ANNOTATIONS}
            out = {**kept, "allOf": [{"$ref": out.pop("$ref")}, out]}
            self.converted["$ref with siblings -> allOf [$ref, siblings]"] += 1
        return out

    def ref(self, ref: str, where: str) -> str:
        prefix = "#/$defs/"
        if not ref.startswith(prefix) or "/" in ref[len(prefix):]:
            raise SystemExit(f"{where}: only #/$defs/<name> refs are supported, not {ref!r}")
        self.converted["$ref #/$defs/x -> #/definitions/x"] += 1
        return "#/definitions/" + ref[len(prefix):]

    def notes(self) -> str:
        converted = "; ".join(f"{what} ({n})" for what, n in sorted(self.converted.items()))
        dropped = "; ".join(f"{what} ({n})" for what, n in sorted(self.dropped.items())) or "nothing"
        return f"Converted: {converted}. Dropped (no Draft 4 equivalent): {dropped}."


def event_schema(alert: dict) -> dict:
    """The whole EventBridge event, detail = the alert schema converted to Draft 4."""
    converter = Converter()
    definitions = {name: converter.schema(node, f"#/$defs/{name}") for name, node in alert.get("$defs", {}).items()}
    detail = converter.schema(alert, "#")
    if "definitions" in definitions:
        raise SystemExit("a $defs entry named definitions would clash")
    description = (
        f"The EventBridge event bedrock-alerts sends for every alert when EVENT_BUS is set: source "
        f"{EVENT_SOURCE}, detail-type {DETAIL_TYPE}, detail = the alert payload "
        f"(schema bedrock-alerts/alert/v1, {alert.get('$id', '')}), exactly as published to the SNS "
        f"topic. Generated by scripts/make_eventbridge_schema.py from schema/alert-v1.schema.json "
        f"(draft 2020-12, the reference) for the EventBridge schema registry, which takes JSON "
        f"Schema Draft 4; do not edit by hand. {converter.notes()}"
    )
    return {
        "$schema": DRAFT4,
        "title": f"{DETAIL_TYPE} ({EVENT_SOURCE}): EventBridge event with an alert/v1 detail",
        "description": description,
        "type": "object",
        "required": ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
        "properties": {
            "version": {"description": "EventBridge's envelope version (0).", "type": "string"},
            "id": {"description": "The event id EventBridge assigns.", "type": "string"},
            "detail-type": {"type": "string", "enum": [DETAIL_TYPE]},
            "source": {"type": "string", "enum": [EVENT_SOURCE]},
            "account": {"description": "The account of the bus.", "type": "string", "pattern": "^[0-9]{12}$"},
            "time": {"description": "When the event was sent.", "type": "string", "format": "date-time"},
            "region": {"type": "string"},
            "resources": {"description": "Empty: the alert names its resources in detail.",
                          "type": "array", "items": {"type": "string"}},
            "detail": detail,
        },
        "definitions": definitions,
    }


def render_json(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_compact(schema: dict) -> str:
    """The template's copy: one line (the file is the readable form; this keeps template.yaml
    short)."""
    return json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render_template(template: str, schema_json: str) -> str | None:
    """template.yaml with the generated block rewritten; None when it has no markers."""
    lines = template.splitlines(keepends=True)
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN_MARKER]
    ends = [i for i, line in enumerate(lines) if line.strip() == END_MARKER]
    if not begins and not ends:
        return None
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise SystemExit(f"{TEMPLATE.name}: expected one {BEGIN_MARKER!r} line and one "
                         f"{END_MARKER!r} line after it")
    begin, end = begins[0], ends[0]
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    if lines[end][: len(lines[end]) - len(lines[end].lstrip())] != indent:
        raise SystemExit(f"{TEMPLATE.name}: the two markers are not indented alike")
    block = [f"{indent}Content: |\n"]
    block += [f"{indent}  {line}\n" if line else "\n" for line in schema_json.rstrip("\n").split("\n")]
    return "".join(lines[: begin + 1] + block + lines[end:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if an output is not what this script writes")
    args = parser.parse_args()

    schema = event_schema(json.loads(SOURCE.read_text(encoding="utf-8")))
    schema_json, content = render_json(schema), render_compact(schema)
    if len(content) > CONTENT_MAX_CHARS:
        print(f"{OUTPUT.name}: {len(content)} characters even compact, over the schema registry's "
              f"{CONTENT_MAX_CHARS}", file=sys.stderr)
        return 1
    template = TEMPLATE.read_text(encoding="utf-8")
    new_template = render_template(template, content)

    outputs = [(OUTPUT, schema_json)]
    if new_template is None:
        print(f"note: {TEMPLATE.name} has no {BEGIN_MARKER!r} block; only {OUTPUT.name} is generated",
              file=sys.stderr)
    else:
        outputs.append((TEMPLATE, new_template))

    stale = []
    for path, text in outputs:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    rel = [str(path.relative_to(ROOT)) for path in stale]
    if args.check:
        if stale:
            print(f"out of date (run scripts/make_eventbridge_schema.py): {', '.join(rel)}", file=sys.stderr)
            return 1
        return 0
    print(f"wrote {', '.join(rel)}" if rel else "up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
