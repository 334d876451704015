"""Facts: load a department's facts from YAML or JSON and check them against the declared inputs.

A fact is converted to an exact value (Decimal, bool or grade name) or reported with its file,
line and column: missing, of the wrong type, outside its domain, or unknown to the rule file.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs
import yaml

from .. import numbers
from ..diagnostics import Diagnostic, FactsError, error
from ..domains import domain_of
from ..source import Source, Span
from ..syntax import ast
from ..syntax.printer import format_literal, format_name, format_number, format_value

TRUE_WORDS = {"true", "yes", "是", "有", "√", "✓"}
FALSE_WORDS = {"false", "no", "否", "无", "×", "✗"}
EXAMPLES = {"number": "1.5", "count": "12", "amount": "10339.11", "percent": "95%", "bool": "true",
            "score": "5"}
PERCENT_TEXT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*$")
NUMBER_TEXT = re.compile(r"^\s*[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?\s*$|^\s*[+-]?\d+(?:\.\d+)?\s*$")


@attrs.frozen
class FactSet:
    """Raw facts as read from a file, with where each was written."""
    name: str
    values: dict
    spans: dict = attrs.Factory(dict)
    source: Source | None = None


class FactsLoader(yaml.SafeLoader):
    """YAML with exact decimals: 0.9729 stays 0.9729, never a binary float."""


def _decimal(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


FactsLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def load_facts(path: str | Path) -> FactSet:
    """Read a facts file (.yaml, .yml or .json); raises FactsError if it is not a mapping of facts."""
    source = Source.from_path(path)
    return parse_facts(source)


def parse_facts(source: Source) -> FactSet:
    if source.name.endswith(".json"):
        return _parse_json(source)
    try:
        root = yaml.compose(source.text, Loader=FactsLoader)
        values = yaml.load(source.text, Loader=FactsLoader)
    except yaml.YAMLError as exc:
        message, span = yaml_problem(exc, source)
        raise FactsError([error("F506", f"not valid YAML: {message}", span,
                                "check the indentation and quote values that contain ':' or '#'",
                                where=source.name)], {source.name: source}) from None
    if root is None:
        values, root = {}, None
    if not isinstance(values, dict) or not isinstance(root, yaml.MappingNode):
        raise FactsError([error("F506", "a facts file is a mapping of input names to values", None,
                                "write one 'name: value' per line", where=source.name)], {source.name: source})
    spans: dict[str, Span] = {}
    diagnostics: list[Diagnostic] = []
    for key_node, _value_node in root.value:
        key = key_node.value
        span = Span(source.name, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    key_node.end_mark.line + 1, key_node.end_mark.column + 1)
        if key in spans:
            diagnostics.append(error("F507", f"the fact '{key}' is given twice", span,
                                     f"the first is at line {spans[key].line}; keep one"))
        spans[key] = span
    if diagnostics:
        raise FactsError(diagnostics, {source.name: source})
    return FactSet(source.name, {str(k): v for k, v in values.items()}, spans, source)


def yaml_problem(exc: yaml.YAMLError, source: Source) -> tuple[str, Span | None]:
    """What a YAML error says, and where: "while scanning a quoted scalar" (the context) is where the
    mistake is; the problem is often only found at the end of the file."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    span = Span.point(source.name, mark.line + 1, mark.column + 1) if mark else None
    context = getattr(exc, "context", None)
    problem = getattr(exc, "problem", None) or exc
    return f"{context + ', ' if context else ''}{problem}", span


def _parse_json(source: Source) -> FactSet:
    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                spans = _json_key_spans(source, {key: None}, occurrence=2)
                first = _json_key_spans(source, {key: None}).get(key)
                raise FactsError([error("F507", f"the fact '{key}' is given twice", spans.get(key),
                                        f"the first is at line {first.line}; keep one" if first else "keep one",
                                        where=source.name)], {source.name: source})
            seen[key] = value
        return seen

    try:
        values = json.loads(source.text, parse_float=Decimal, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise FactsError([error("F506", f"not valid JSON: {exc.msg}", Span.point(source.name, exc.lineno, exc.colno),
                                "check for a missing or extra ',' and double quotes around names and text",
                                where=source.name)], {source.name: source}) from None
    if not isinstance(values, dict):
        raise FactsError([error("F506", "a facts file is an object of input names to values", None,
                                "write one \"name\": value per entry inside { }", where=source.name)])
    return FactSet(source.name, values, _json_key_spans(source, values), source)


def _json_key_spans(source: Source, values: dict, occurrence: int = 1) -> dict:
    """Where each top-level key is written (json keeps no positions): the first '"key":' in the text."""
    spans = {}
    lines = source.text.splitlines()
    for key in values:
        pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
        seen = 0
        for number, text in enumerate(lines, 1):
            match = pattern.search(text)
            seen += bool(match)
            if match and seen == occurrence:
                spans[key] = Span(source.name, number, match.start() + 1, number, match.start() + 1 +
                                  len(json.dumps(key, ensure_ascii=False)))
                break
    return spans


def validate(facts: FactSet | Mapping, inputs: Mapping[str, ast.InputDecl],
             required: Mapping[str, list]) -> dict:
    """Convert every fact to its exact value; raises FactsError listing every problem found."""
    if not isinstance(facts, FactSet):
        facts = FactSet("<facts>", {str(name): value for name, value in facts.items()})
    diagnostics: list[Diagnostic] = []
    env = {}

    def where(name):
        return f"{facts.name}: {name}"

    for name, raw in facts.values.items():
        decl = inputs.get(name)
        span = facts.spans.get(name)
        if decl is None:
            close = difflib.get_close_matches(name, list(inputs), n=1, cutoff=0.5)
            diagnostics.append(error("F504", f"unknown fact '{name}': the rule file declares no such input",
                                     span, f"did you mean '{close[0]}'?" if close else
                                     "remove it, or declare it under 'inputs:'", where=where(name)))
            continue
        try:
            env[name] = convert(raw, decl)
        except FactValueError as problem:
            diagnostics.append(error(problem.code, f"fact '{name}': {problem}", span, problem.hint,
                                     where=where(name)))
    for name, users in required.items():
        if name not in facts.values and name in inputs:
            indicator, span = users[0]
            count = len(users) - 1
            others = f" and {count} other indicator{'s' if count > 1 else ''}" if count else ""
            at = f" ({span.file}:{span.line})" if span else ""
            decl = inputs[name]
            diagnostics.append(error(
                "F501", f"missing fact '{name}', needed by '{indicator}'{at}{others}", None,
                f"add '{format_name(name)}: {example(decl)}' ({describe(decl)})", where=facts.name))
    if diagnostics:
        sources = {facts.source.name: facts.source} if facts.source else {}
        raise FactsError(diagnostics, sources)
    return env


class FactValueError(ValueError):
    def __init__(self, message: str, hint: str | None = None, code: str = "F502"):
        super().__init__(message)
        self.hint, self.code = hint, code


def describe(decl: ast.InputDecl) -> str:
    kind = decl.type.kind
    if kind == "grade":
        return "one of " + ", ".join(decl.type.values)
    text = {"number": "a number", "count": "a whole number", "amount": "an amount", "percent": "a percentage",
            "bool": "true or false", "score": "an assessed score"}[kind]
    if decl.low is not None or decl.high is not None:
        low = format_literal(decl.low) if decl.low is not None else "…"
        high = format_literal(decl.high) if decl.high is not None else "…"
        text += f" {'above' if decl.low_exclusive else 'from'} {low} to {high}"
    return text


def example(decl: ast.InputDecl) -> str:
    if decl.type.kind == "grade":
        return decl.type.values[0]
    if decl.type.kind in ("score",) and decl.high is not None:
        return format_number(decl.high.value)
    return EXAMPLES[decl.type.kind]


def convert(raw, decl: ast.InputDecl):
    kind = decl.type.kind
    if kind == "bool":
        return _bool(raw)
    if kind == "grade":
        text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        if text in decl.type.values:
            return text
        close = difflib.get_close_matches(str(raw), decl.type.values, n=1, cutoff=0.3)
        raise FactValueError(f"{_shown(raw)} is not one of the grade's values",
                             (f"did you mean '{close[0]}'? " if close else "") +
                             "the values are: " + ", ".join(decl.type.values))
    value = _percent(raw) if kind == "percent" else _number(raw, kind)
    if kind == "count" and value != value.to_integral_value():
        raise FactValueError(f"{format_number(value)} is not a whole number", "a count is 0, 1, 2, …")
    domain = domain_of(decl)
    if not domain.contains(value):
        def shown(bound):
            return format_value(bound, kind) if bound is not None else "…"
        low, high = domain.low, domain.high
        described = (f"above {shown(low)}" + (f" to {shown(high)}" if high is not None else "")
                     if domain.low_exclusive else f"from {shown(low)} to {shown(high)}")
        raise FactValueError(f"{shown(value)} is outside its domain, {described}",
                             "correct the value, or widen the domain in the rule file if it is right",
                             code="F503")
    return value


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS:
        return True
    if isinstance(raw, str) and raw.strip().lower() in FALSE_WORDS:
        return False
    raise FactValueError(f"{_shown(raw)} is not true or false", "write true or false (是 / 否 also work)")


KIND_WORDS = {"number": "a number", "count": "a count", "amount": "an amount", "score": "a score"}


def _shown(raw) -> str:
    """A raw fact as the person who wrote the file would recognise it (not Python's repr)."""
    if raw is None:
        return "an empty value"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return f"'{raw}'"
    if isinstance(raw, (int, float, Decimal)):
        return format_number(Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw))
    return "a list" if isinstance(raw, list) else "a nested mapping" if isinstance(raw, dict) else repr(raw)


def _number(raw, kind: str) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise FactValueError(f"expected a number, got {_shown(raw)}", f"write e.g. {EXAMPLES[kind]}")
    if isinstance(raw, (int, float, Decimal)):
        return _finite(raw)
    if isinstance(raw, str):
        if PERCENT_TEXT.match(raw):
            raise FactValueError(f"'{raw}' is a percentage, but this input is {KIND_WORDS[kind]}",
                                 f"write a plain number, e.g. {EXAMPLES[kind]}", code="F505")
        if NUMBER_TEXT.match(raw):
            return _number_text(raw)
    raise FactValueError(f"expected a number, got {_shown(raw)}", f"write e.g. {EXAMPLES[kind]}")


def _number_text(text: str) -> Decimal:
    """A number written as text, thousands separators allowed: "10,339.11"."""
    return Decimal(text.replace(",", "").strip())


def _finite(raw) -> Decimal:
    """An exact decimal for a number read from a file; NaN and infinities are no measurement."""
    value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if not value.is_finite():
        raise FactValueError(f"{_shown(raw)} is not a finite number", "write the measured value")
    return value


def _percent(raw) -> Decimal:
    if isinstance(raw, str):
        match = PERCENT_TEXT.match(raw)
        if match:
            return _hundredth(Decimal(match.group(1)))  # exact, whatever the context
        if NUMBER_TEXT.match(raw):
            raw = _number_text(raw)
        else:
            raise FactValueError(f"expected a percentage, got {_shown(raw)}", "write it like \"97.29%\"")
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise FactValueError(f"expected a percentage, got {_shown(raw)}", "write it like \"97.29%\"")
    value = _finite(raw)
    if abs(value) > 1:
        raise FactValueError(
            f"the bare number {format_number(value)} is ambiguous for a percentage",
            f"write \"{format_number(value)}%\" for {format_number(value)} percent, or the fraction "
            f"{format_number(_hundredth(value))}; a bare number is read as a fraction of 1", code="F505")
    return value


def _hundredth(value: Decimal) -> Decimal:
    """value / 100, exactly: a decimal's hundredth always terminates, so it is a Decimal, never a Ratio."""
    result = numbers.divide(value, Decimal(100))
    assert isinstance(result, Decimal)
    return result
