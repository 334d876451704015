"""Facts: load a department's facts from YAML or JSON and check them against the declared inputs.

A fact is converted to an exact value (Decimal, bool or grade name) by the one definition of values.py,
or reported with its file, line and column: missing, of the wrong type, outside its domain, or
unknown to the rule file. However many facts are wrong, the report is bounded: at most MAX_LISTED
problems are listed (then how many more there are), and messages quote values cut to a line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

import attrs

from ..diagnostics import Diagnostic, FactsError, error, sort_key
from ..source import Source, Span
from ..syntax import ast
from ..syntax.printer import format_name
from .jsonfacts import read_json
from .values import (
    EXAMPLES,
    FALSE_WORDS,
    SUGGESTED,
    TRUE_WORDS,
    FactValueError,
    convert,
    cut,
    describe,
    example,
    is_missing,
)
from .yamlfacts import FactsLoader, read_yaml, yaml_problem

__all__ = ["EXAMPLES", "FALSE_WORDS", "TRUE_WORDS", "FactSet", "FactValueError", "FactsLoader",
           "convert", "describe", "example", "load_facts", "parse_facts", "validate", "yaml_problem"]

MAX_LISTED = 100  # the most problems of one department's facts that are listed
MAX_SUGGESTED = 20  # the most unknown facts a "did you mean" is looked for (each compares with every input)


@attrs.frozen
class FactSet:
    """Raw facts as read from a file, with where each was written."""
    name: str
    values: dict
    spans: dict = attrs.Factory(dict)
    source: Source | None = None
    display_name: str | None = None  # the department's name to show (a 名称/name field), if given


def load_facts(path: str | Path, root: str | Path | None = None) -> FactSet:
    """Read a facts file (.yaml, .yml or .json), inside `root` if one is given; raises FactsError if it
    is not a mapping of facts, OSError (source.ReadError for a file refused: too large, not a regular
    file, outside the root) or UnicodeDecodeError if it cannot be read."""
    return parse_facts(Source.from_path(path, root))


def parse_facts(source: Source) -> FactSet:
    values, spans = (read_json if source.name.endswith(".json") else read_yaml)(source)
    return FactSet(source.name, {str(key): value for key, value in values.items()}, spans, source)


def validate(facts: FactSet | Mapping, inputs: Mapping[str, ast.InputDecl],
             required: Mapping[str, list]) -> dict:
    """Convert every fact to its exact value; raises FactsError listing every problem found. A fact
    that is None or blank text is missing, as if it were not given (an empty CSV cell)."""
    if not isinstance(facts, FactSet):
        facts = FactSet("<facts>", {str(name): value for name, value in facts.items()})
    diagnostics: list[Diagnostic] = []
    env = {}
    unknown = 0
    for name, raw in facts.values.items():
        decl = inputs.get(name)
        span = facts.spans.get(name)
        if decl is None:
            unknown += 1
            diagnostics.append(_unknown(facts.name, name, span, inputs, unknown <= MAX_SUGGESTED))
        elif not is_missing(raw):
            try:
                env[name] = convert(raw, decl)
            except FactValueError as problem:
                diagnostics.append(error(problem.code, f"fact '{name}': {problem}", span, problem.hint,
                                         where=f"{facts.name}: {name}"))
    diagnostics += _missing(facts, inputs, required)
    if diagnostics:
        sources = {facts.source.name: facts.source} if facts.source else {}
        raise FactsError(_listed(diagnostics), sources)
    return env


def _unknown(file: str, name: str, span: Span | None, inputs: Mapping, suggest: bool) -> Diagnostic:
    close = difflib.get_close_matches(name, list(inputs), n=1, cutoff=0.5) \
        if suggest and len(name) <= SUGGESTED else []
    return error("F504", f"unknown fact '{cut(name)}': the rule file declares no such input", span,
                 f"did you mean '{close[0]}'?" if close else "remove it, or declare it under 'inputs:'",
                 where=f"{file}: {cut(name)}")


def _missing(facts: FactSet, inputs: Mapping[str, ast.InputDecl], required: Mapping[str, list]) -> list:
    """F501 for each input the rules read that has no fact, or an empty one (located at its key)."""
    found = []
    for name, users in required.items():
        if name not in inputs or not is_missing(facts.values.get(name)):
            continue
        indicator, span = users[0]
        count = len(users) - 1
        others = f" and {count} other indicator{'s' if count > 1 else ''}" if count else ""
        at = f" ({span.file}:{span.line})" if span else ""
        decl = inputs[name]
        fix = "write its value, e.g." if name in facts.values else "add"
        found.append(error("F501", f"missing fact '{name}', needed by '{indicator}'{at}{others}",
                           facts.spans.get(name), f"{fix} '{format_name(name)}: {example(decl)}' ({describe(decl)})",
                           where=facts.name))
    return found


def _listed(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The first MAX_LISTED problems, in the order they are shown, and a note of how many more there are."""
    if len(diagnostics) <= MAX_LISTED:
        return diagnostics
    ordered = sorted(diagnostics, key=sort_key)
    first = ordered[MAX_LISTED]
    more = len(ordered) - MAX_LISTED
    return ordered[:MAX_LISTED] + [error("F516", f"{more:,} more problem{'s' if more > 1 else ''} in these facts, "
                                         "from here on, are not listed", first.span,
                                         "fix the problems listed and run again", where=first.where)]
