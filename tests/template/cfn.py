"""template.yaml as data: a YAML loader for CloudFormation's short tags, helpers over
intrinsic functions, and a small renderer that shows what a parameter set deploys.

Shared by the template tests; no AWS access, no SAM transform.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"
NO_VALUE = {"Ref": "AWS::NoValue"}


# ------------------------------------------------------------------------------------------
# Loading: a SafeLoader that turns CloudFormation short tags into their long form
# ------------------------------------------------------------------------------------------
class CfnLoader(yaml.SafeLoader):
    """SafeLoader that knows `!Ref`, `!Sub`, `!GetAtt`, ... (mapped to the JSON long form)."""


def _construct_any(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _register(tag: str, key: str) -> None:
    CfnLoader.add_constructor(f"!{tag}", lambda loader, node: {key: _construct_any(loader, node)})


def _construct_get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict:
    value = _construct_any(loader, node)
    if isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


_register("Ref", "Ref")
_register("Condition", "Condition")
for _name in (
    "Sub", "If", "Select", "Split", "Join", "Equals", "Not", "And", "Or",
    "FindInMap", "Base64", "ImportValue", "GetAZs", "Cidr",
):
    _register(_name, f"Fn::{_name}")
CfnLoader.add_constructor("!GetAtt", _construct_get_att)


def load_template(text: str) -> dict:
    return yaml.load(text, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader


TEMPLATE_TEXT = TEMPLATE_PATH.read_text(encoding="utf-8")
TEMPLATE = load_template(TEMPLATE_TEXT)


# ------------------------------------------------------------------------------------------
# Reading the template as written
# ------------------------------------------------------------------------------------------
def branches(value: Any) -> Iterator[Any]:
    """Every value `value` can take: both sides of each Fn::If, without AWS::NoValue."""
    if isinstance(value, dict) and set(value) == {"Fn::If"}:
        _, when_true, when_false = value["Fn::If"]
        yield from branches(when_true)
        yield from branches(when_false)
    elif value != NO_VALUE:
        yield value


def as_list(value: Any) -> list:
    """A scalar or list (items possibly behind Fn::If) as a flat list of possible items."""
    items: list = []
    for variant in branches(value):
        for item in variant if isinstance(variant, list) else [variant]:
            items.extend(branches(item))
    return items


def resources(template: dict, type_: str | None = None) -> dict[str, dict]:
    return {
        name: res
        for name, res in template.get("Resources", {}).items()
        if type_ is None or res.get("Type") == type_
    }


def function_properties(template: dict, name: str) -> dict:
    """Function properties with Globals.Function merged in (dicts merge, lists add up)."""

    def merge(base: Any, override: Any) -> Any:
        is_intrinsic = lambda v: isinstance(v, dict) and len(v) == 1 and (  # noqa: E731
            next(iter(v)) == "Ref" or next(iter(v)).startswith("Fn::")
        )
        if isinstance(base, dict) and isinstance(override, dict):
            if is_intrinsic(base) or is_intrinsic(override):
                return override
            merged = dict(base)
            for key, value in override.items():
                merged[key] = merge(base[key], value) if key in base else value
            return merged
        if isinstance(base, list) and isinstance(override, list):
            return base + override
        return override

    globals_ = template.get("Globals", {}).get("Function", {})
    return merge(copy.deepcopy(globals_), template["Resources"][name].get("Properties", {}))


def sub_text(value: Any) -> str | None:
    """The template string of a Fn::Sub (either form), or a plain string."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    return None


def find_in_map(template: dict, value: Any) -> Any:
    """The mapping value a literal `Fn::FindInMap` names (anything else unchanged)."""
    if isinstance(value, dict) and set(value) == {"Fn::FindInMap"}:
        mapping, top, second = value["Fn::FindInMap"]
        return template["Mappings"][mapping][top][second]
    return value


# ------------------------------------------------------------------------------------------
# Rendering: what one parameter set deploys
# ------------------------------------------------------------------------------------------
def parameters(template: dict, **overrides: Any) -> dict[str, Any]:
    """Parameter values as CloudFormation passes them: defaults unless overridden, a
    CommaDelimitedList as a list of strings."""
    values = {}
    for name, spec in template["Parameters"].items():
        value = overrides.get(name, spec.get("Default"))
        if spec["Type"] == "CommaDelimitedList" and isinstance(value, str):
            value = value.split(",")
        values[name] = value
    return values


def evaluate(expr: Any, template: dict, params: dict[str, Any]) -> Any:
    """The value of a condition, or of the functions conditions are built from, for these
    parameters. A Ref to anything but a parameter raises KeyError."""
    if isinstance(expr, list):
        return [evaluate(item, template, params) for item in expr]
    if not isinstance(expr, dict):
        return expr
    ((function, argument),) = expr.items()
    if function == "Ref":
        return params[argument]
    if function == "Condition":
        return evaluate(template["Conditions"][argument], template, params)
    args = evaluate(argument, template, params)
    if function == "Fn::Equals":
        return str(args[0]) == str(args[1])
    if function == "Fn::Not":
        return not args[0]
    if function == "Fn::And":
        return all(args)
    if function == "Fn::Or":
        return any(args)
    if function == "Fn::Join":
        return args[0].join(args[1])
    if function == "Fn::Split":
        return args[1].split(args[0])
    if function == "Fn::Select":
        return args[1][int(args[0])]
    raise KeyError(function)


def render(value: Any, template: dict, params: dict[str, Any]) -> Any:
    """`value` as deployed with these parameters: each Fn::If decided, parameter Refs and the
    ${Var}s of Fn::Sub that depend only on parameters filled in, AWS::NoValue dropped.
    Everything else (resource Refs, GetAtt, pseudo parameters) is left as written."""
    if isinstance(value, list):
        return [r for item in value if (r := render(item, template, params)) != NO_VALUE]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Fn::If"}:
        condition, when_true, when_false = value["Fn::If"]
        chosen = when_true if evaluate({"Condition": condition}, template, params) else when_false
        return render(chosen, template, params)
    if set(value) == {"Ref"} and value["Ref"] in params:
        return params[value["Ref"]]
    if set(value) == {"Fn::Sub"}:
        return _render_sub(value, template, params)
    return {k: r for k, v in value.items() if (r := render(v, template, params)) != NO_VALUE}


def _render_sub(value: dict, template: dict, params: dict[str, Any]) -> Any:
    sub = value["Fn::Sub"]
    text, variables = (sub, {}) if isinstance(sub, str) else sub
    # Fn::Sub sees every scalar parameter as text, as CloudFormation passes them.
    known = {name: str(v) for name, v in params.items() if isinstance(v, (str, int))}
    unresolved = {}
    for name, expr in variables.items():
        try:
            known[name] = evaluate(expr, template, params)
        except KeyError:
            unresolved[name] = render(expr, template, params)
    text = re.sub(r"\$\{([A-Za-z0-9]+)\}", lambda m: known.get(m.group(1), m.group(0)), text)
    if "${" not in text:
        return text
    return {"Fn::Sub": [text, unresolved] if unresolved else text}


def with_defaults(text: str, **values: str) -> str:
    """template.yaml's text with these parameters' `Default:` lines set to these values, every
    other line as it is: a copy that cfn-lint and `sam validate --lint` check with options on
    (cfn-lint resolves Refs to parameters from their defaults; its --parameters do not survive
    the SAM transform). Raises KeyError for a parameter that has no Default line."""
    lines = text.splitlines(keepends=True)
    in_parameters, current, done = False, None, set()
    for i, line in enumerate(lines):
        if re.match(r"^\S", line):
            in_parameters, current = line.rstrip() == "Parameters:", None
        elif in_parameters and (m := re.match(r"^  ([A-Za-z0-9]+):\s*$", line)):
            current = m.group(1)
        elif in_parameters and current in values and re.match(r"^    Default:", line):
            lines[i] = f"    Default: {json.dumps(str(values[current]))}\n"
            done.add(current)
    if missing := set(values) - done:
        raise KeyError(f"no Default line for {sorted(missing)}")
    return "".join(lines)


def deployed(template: dict, params: dict[str, Any]) -> dict[str, dict]:
    """The resources these parameters create, rendered."""
    return {
        name: render(res, template, params)
        for name, res in template["Resources"].items()
        if "Condition" not in res or evaluate({"Condition": res["Condition"]}, template, params)
    }


# ------------------------------------------------------------------------------------------
# Metrics: what alarms and dashboards read
# ------------------------------------------------------------------------------------------
# A Metrics Insights query: SELECT FUNC(Metric) FROM SCHEMA("Namespace", Dim, ...) or
# FROM "Namespace" (any dimensions: None).
_METRICS_INSIGHTS = re.compile(
    r'SELECT\s+\w+\(\s*(\w+)\s*\)\s+FROM\s+(?:SCHEMA\(\s*"([^"]+)"((?:\s*,\s*\w+)*)\s*\)|"([^"]+)")',
    re.IGNORECASE,
)


def query_metrics(expression: str) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(namespace, metric, dimension names) of each Metrics Insights query in an expression."""
    return [
        (schema or namespace, metric, tuple(re.findall(r"\w+", dims)) if schema else None)
        for metric, schema, dims, namespace in _METRICS_INSIGHTS.findall(expression)
    ]


def alarm_metrics(alarm: dict) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(namespace, metric, dimension names) an alarm reads: its metric, the MetricStats of its
    metric math, and the Metrics Insights queries among its expressions. A namespace written
    with Fn::Sub is given as its template string."""
    props = alarm.get("Properties", {})
    stats = [props] if "MetricName" in props else []
    stats += [m["MetricStat"]["Metric"] for m in props.get("Metrics", []) if "MetricStat" in m]
    found = [(sub_text(s.get("Namespace")) or repr(s.get("Namespace")), s.get("MetricName"),
              tuple(d["Name"] for d in s.get("Dimensions", []))) for s in stats]
    for query in props.get("Metrics", []):
        found += query_metrics(sub_text(query.get("Expression")) or "")
    return found


# ------------------------------------------------------------------------------------------
# Resolving: a rendered value as the text CloudFormation would make of it
# ------------------------------------------------------------------------------------------
PSEUDO_PARAMETERS = {
    "AWS::StackName": "bedrock-alerts",
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "111122223333",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}


def physical_value(name: str, attribute: str | None, stack: dict[str, dict]) -> str:
    """A stand-in for what a resource's Ref (attribute None) or GetAtt gives: a log group's
    name as the template sets it, `<Name>` or `<Name.Attribute>` otherwise."""
    res = stack[name]  # KeyError: a resource these parameters do not create
    if attribute is None and res["Type"] == "AWS::Logs::LogGroup":
        return resolve(res["Properties"]["LogGroupName"], stack)
    return f"<{name}.{attribute}>" if attribute else f"<{name}>"


def resolve(value: Any, stack: dict[str, dict]) -> Any:
    """A value rendered for some parameters (see `render`) with the resource Refs, GetAtts,
    pseudo parameters, Fn::Join and Fn::Sub that are left filled in, for the resources in
    `stack` (`deployed` for the same parameters). Raises KeyError on anything else."""
    if isinstance(value, list):
        return [resolve(item, stack) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        return {key: resolve(item, stack) for key, item in value.items()}
    ((function, argument),) = value.items()
    if function == "Ref":
        return PSEUDO_PARAMETERS.get(argument) or physical_value(argument, None, stack)
    if function == "Fn::GetAtt":
        return physical_value(argument[0], argument[1], stack)
    if function == "Fn::Join":
        return argument[0].join(resolve(argument[1], stack))
    if function == "Fn::Sub":
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        local = {name: resolve(expr, stack) for name, expr in variables.items()}

        def fill(match: re.Match) -> str:
            name = match.group(1)
            if name in local:
                return local[name]
            ref, _, attribute = name.partition(".")
            if name in PSEUDO_PARAMETERS:
                return PSEUDO_PARAMETERS[name]
            return physical_value(ref, attribute or None, stack)

        return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", fill, text)
    if function.startswith("Fn::") or function == "Condition":
        raise KeyError(function)
    return {function: resolve(argument, stack)}


if __name__ == "__main__":
    # python3 tests/template/cfn.py Name=value ... > copy.yaml: template.yaml with those defaults.
    sys.stdout.write(with_defaults(TEMPLATE_TEXT, **dict(arg.split("=", 1) for arg in sys.argv[1:])))
