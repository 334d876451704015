"""JSON Schemas (draft 2020-12) for programs around rulecheck: `results_schema`, of what `score --format
json` prints (one department, its failure, a batch, a batch's JSON Lines row), and `facts_schema`, of a
ruleset's facts, from its `inputs:` declarations, to check facts before they are sent or to build an
input form from (each input's type, domain, values and description; required: what the rules read).

The results schema is versioned: RESULTS_VERSION changes (and its $id with it) when a key is removed or
changes meaning; keys are added without a new version, so its objects allow more properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from . import dates
from .domains import Domain, domain_of
from .inputs.facts import NAME_FIELDS
from .inputs.values import FALSE_WORDS, NUMBER, TRUE_WORDS
from .report.machine import JSON_VERSION
from .syntax import ast

DIALECT = "https://json-schema.org/draft/2020-12/schema"
RESULTS_VERSION = 1
RESULTS_ID = f"https://pypi.org/project/rulecheck/schemas/results/{RESULTS_VERSION}"

DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
           "description": "an exact decimal, as text so that 4.52 stays 4.52"}
EXACT = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?(/[0-9]+)?$",
         "description": "an exact number: a decimal, or a fraction such as 46379/48000"}
NULLABLE_TEXT = {"type": ["string", "null"]}


# ---- score's JSON output --------------------------------------------------------------------------

def results_schema() -> dict[str, object]:
    """The schema of `rulecheck score --format json` (and jsonl): one of its four shapes."""
    return {
        "$schema": DIALECT, "$id": RESULTS_ID, "title": "rulecheck score results", "version": RESULTS_VERSION,
        "description": "What `rulecheck score --format json` prints: one department's result, the report of a "
                       "failure (facts, evaluation or rule-file errors), a batch (departments and summary), or "
                       "one row of a batch's JSON Lines (--format jsonl).",
        "anyOf": [{"$ref": "#/$defs/department"}, {"$ref": "#/$defs/failure"}, {"$ref": "#/$defs/batch"},
                  {"$ref": "#/$defs/row"}],
        "$defs": {"department": department_schema(), "node": node_schema(), "failure": failure_schema(),
                  "finding": finding_schema(), "place": place_schema(), "batch": batch_schema(),
                  "row": row_schema()},
    }


def department_schema() -> dict[str, object]:
    return {"type": "object", "required": ["framework", "total", "max", "grade", "nodes"],
            "properties": {
                "framework": {"type": "string"},
                "department": {"type": "object", "required": ["id", "name"],
                               "properties": {"id": NULLABLE_TEXT, "name": NULLABLE_TEXT}},
                "total": DECIMAL, "max": DECIMAL, "grade": NULLABLE_TEXT, "uncapped_total": DECIMAL,
                "nodes": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}


def node_schema() -> dict[str, object]:
    return {"type": "object", "required": ["name", "kind", "max", "score"],
            "properties": {
                "name": {"type": "string"}, "kind": {"enum": ["group", "indicator", "bonus", "penalty"]},
                "max": DECIMAL, "score": DECIMAL, "unrounded": {"type": "string"}, "unrounded_exact": EXACT,
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                "explanation": {"type": "array", "items": {"type": "string"}},
                "explanation_sources": {"type": "array", "items": NULLABLE_TEXT},
                "line": {"type": "integer", "minimum": 1}}}


def failure_schema() -> dict[str, object]:
    """The report of report/machine.py, as `failure_report` makes it."""
    return {"type": "object", "required": ["version", "tool", "command", "files", "findings", "summary",
                                           "exit_code", "failure"],
            "properties": {
                "version": {"const": JSON_VERSION}, "tool": {"const": "rulecheck"}, "tool_version": {"type": "string"},
                "command": {"const": "score"}, "files": {"type": "array", "items": {"type": "string"}},
                "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                "summary": {"type": "object"}, "exit_code": {"enum": [1, 2]},
                "failure": {"enum": ["facts", "evaluation", "rules", "input", "output", "error"]}}}


def place_schema() -> dict[str, object]:
    line = {"type": ["integer", "null"], "minimum": 1}
    return {"type": "object", "required": ["file", "line", "column", "end_line", "end_column"],
            "properties": {"file": NULLABLE_TEXT, "line": line, "column": line, "end_line": line, "end_column": line}}


def finding_schema() -> dict[str, object]:
    return {"allOf": [{"$ref": "#/$defs/place"}], "type": "object",
            "required": ["code", "severity", "message", "hint", "where", "example", "related", "fix"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z][0-9]{3}$"}, "severity": {"enum": ["error", "warning"]},
                "message": {"type": "string"}, "hint": NULLABLE_TEXT, "where": NULLABLE_TEXT,
                "example": {"type": "array", "items": {"type": "string"}},
                "related": {"type": "array", "items": {"$ref": "#/$defs/place"}},
                "fix": {"type": ["object", "null"], "required": ["description", "replacement"],
                        "properties": {"description": {"type": "string"}, "replacement": {"type": "string"}}}}}


def row_schema() -> dict[str, object]:
    """A batch's row: key, name, each leaf's score (a property named by the leaf), total, grade, error."""
    return {"type": "object", "required": ["key", "total", "grade", "error"],
            "properties": {"key": {"type": "string"}, "name": NULLABLE_TEXT,
                           "total": {"anyOf": [DECIMAL, {"type": "null"}]}, "grade": NULLABLE_TEXT,
                           "error": NULLABLE_TEXT},
            "additionalProperties": {"anyOf": [DECIMAL, {"type": "null"}]}}


def batch_schema() -> dict[str, object]:
    return {"type": "object", "required": ["departments", "summary"],
            "properties": {"departments": {"type": "array", "items": {"$ref": "#/$defs/row"}},
                           "summary": {"type": "object"}}}


# ---- a ruleset's facts ----------------------------------------------------------------------------

def facts_schema(inputs: Mapping[str, ast.InputDecl], required: Mapping[str, object], title: str) -> dict[str, object]:
    """The schema of one department's facts for a ruleset: `inputs` its declarations, `required` the
    inputs its rules read (Ruleset.required_inputs), `title` the framework's name."""
    properties: dict[str, object] = {name: {"type": "string", "description": "the department's display name"}
                                     for name in NAME_FIELDS if name not in inputs}
    properties.update({name: input_schema(decl) for name, decl in inputs.items()})
    return {"$schema": DIALECT, "title": title, "description": "The facts of one department, as a YAML or JSON "
            "facts file gives them (rulecheck schema facts).", "type": "object", "properties": properties,
            "required": sorted(name for name in required if name in inputs), "additionalProperties": False}


def input_schema(decl: ast.InputDecl) -> dict[str, object]:
    """One input: its values (by type and domain), with its name and description for a form's label."""
    schema = value_schema(decl.type.kind, domain_of(decl))
    schema["title"] = decl.name
    if decl.description:
        schema["description"] = decl.description
    schema["x-rulecheck-type"] = decl.type.kind
    return schema


def value_schema(kind: str, domain: Domain) -> dict[str, object]:
    if kind == "bool":
        return {"anyOf": [{"type": "boolean"}, {"enum": sorted(TRUE_WORDS | FALSE_WORDS)}]}
    if kind == "grade":
        return {"type": "string", "enum": list(domain.values)}
    if kind == "date":
        return {"anyOf": [{"type": "string", "format": "date", "pattern": anchored(dates.ISO.pattern)},
                          {"type": "string", "pattern": anchored(dates.CHINESE.pattern)},
                          {"type": "string", "pattern": anchored(dates.SLASHED.pattern)}]}
    number: dict[str, object] = {"type": "integer" if kind == "count" else "number", **bounds(domain)}
    if kind == "percent":  # "97.29%", or a fraction of 1: 0.9729
        text = {"type": "string", "pattern": r"^\s*" + NUMBER.pattern + r"\s*[%％]\s*$",
                "examples": ["97.29%"]}
        return {"anyOf": [text, number]}
    return {"anyOf": [number, {"type": "string", "pattern": anchored(NUMBER.pattern)}]}


def bounds(domain: Domain) -> dict[str, object]:
    """The domain as JSON Schema's minimum (exclusiveMinimum for 'above') and maximum."""
    found: dict[str, object] = {}
    if domain.low is not None:
        found["exclusiveMinimum" if domain.low_exclusive else "minimum"] = json_number(domain.low)
    if domain.high is not None:
        found["maximum"] = json_number(domain.high)
    return found


def json_number(value: Decimal) -> int | float:
    """A bound as JSON writes a number (a domain's ends are short decimals, exact as floats print them)."""
    return int(value) if value == value.to_integral_value() else float(value)


def anchored(pattern: str) -> str:
    return f"^\\s*(?:{pattern})\\s*$"
