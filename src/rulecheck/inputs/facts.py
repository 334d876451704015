"""Facts: load a department's facts from YAML or JSON and check them against the declared inputs.

A fact is converted to an exact value (Decimal, bool or grade name) by the one definition of values.py,
or reported with its file, line and column: missing, of the wrong type, outside its domain, or
unknown to the rule file. However many facts are wrong, the report is bounded: at most MAX_LISTED
problems are listed (then how many more there are), and messages quote values cut to a line.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from ..check.constraints import CompiledConstraint
from ..diagnostics import Diagnostic, FactsError, error, sort_key
from ..i18n import _, ngettext
from ..source import Source, Span
from ..syntax import ast
from ..syntax.printer import format_name
from .jsonfacts import read_json
from .sheets import is_workbook, read_key_values
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
NAME_FIELDS = ("名称", "name")  # a field (or column) holding the department's display name, not an input


_new = object.__new__


@attrs.frozen(slots=False)  # without slots, so that `of` fills its __dict__ at once (a batch makes one a row)
class FactSet:
    """Raw facts as read from a file, with where each was written."""
    name: str
    values: dict[str, object]
    spans: dict[str, Span] = attrs.Factory(dict)
    source: Source | None = None
    display_name: str | None = None  # the department's name to show (a 名称/name field), if given

    @classmethod
    def of(cls, name: str, values: dict[str, object], spans: dict[str, Span], source: Source | None,
           display_name: str | None) -> FactSet:
        """`FactSet(name, values, spans, source, display_name)`, every field given: one call, not one a field."""
        facts = _new(cls)
        facts.__dict__.update({"name": name, "values": values, "spans": spans, "source": source,
                               "display_name": display_name})
        return facts


def load_facts(path: str | Path, root: str | Path | None = None) -> FactSet:
    """Read a facts file (.yaml, .yml or .json, or an Excel workbook's key/value sheet: sheets.py),
    inside `root` if one is given; raises FactsError if it is not a mapping of facts, OSError
    (source.ReadError for a file refused: too large, not a regular file, outside the root),
    InputFileError for a workbook that cannot be read, or UnicodeDecodeError if it cannot be read."""
    if is_workbook(path):
        if root is not None:
            _inside(path, root)
        values, spans, name = read_key_values(path)
        return FactSet(name, values, spans, None, display_name_of(values))
    return parse_facts(Source.from_path(path, root))


def _inside(path: str | Path, root: str | Path) -> None:
    """That `path` does not lead outside `root` (a link to another file), as Source.from_path checks."""
    resolved, top = Path(path).resolve(), Path(root).resolve()
    if top not in resolved.parents and resolved != top:
        raise OSError(_("{path} leads outside the folder {root}", path=path, root=root))


def parse_facts(source: Source) -> FactSet:
    values, spans = (read_json if source.name.endswith(".json") else read_yaml)(source)
    values = {str(key): value for key, value in values.items()}
    return FactSet(source.name, values, spans, source, display_name_of(values))


def display_name_of(values: Mapping) -> str | None:
    """The department's display name: the text of a 名称 (else name) field, None if there is none."""
    for field in NAME_FIELDS:
        value = values.get(field)
        if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) and str(value).strip():
            return cut(str(value).strip(), 200)
    return None


def validate(facts: FactSet | Mapping, inputs: Mapping[str, ast.InputDecl],
             required: Mapping[str, list], constraints: Sequence[CompiledConstraint] = (),
             fast: Callable[[Mapping], dict | None] | None = None) -> dict:
    """Convert every fact to its exact value; raises FactsError listing every problem found, a
    constraint the facts break included (F517: such a department is refused, not scored). A fact
    that is None or blank text is missing, as if it were not given (an empty CSV cell). `fast`: the
    ruleset's inputs/fast.py reader, tried first (a batch's)."""
    if not isinstance(facts, FactSet):
        facts = FactSet("<facts>", {str(name): value for name, value in facts.items()})
    if fast is not None:
        try:
            env = fast(facts.values)
        except Exception:  # a value of a type the written code does not expect: read the general way
            env = None
        if env is not None and not (constraints and _broken(facts, env, constraints)):
            return env
    diagnostics: list[Diagnostic] = []
    env = {}
    unknown = 0
    for name, raw in facts.values.items():
        decl = inputs.get(name)
        span = facts.spans.get(name)
        if decl is None:
            if name in NAME_FIELDS:
                continue  # the display name, unless the rule file declares an input of that name
            unknown += 1
            diagnostics.append(_unknown(facts.name, name, span, inputs, unknown <= MAX_SUGGESTED))
        elif not is_missing(raw):
            try:
                env[name] = convert(raw, decl)
            except FactValueError as problem:
                diagnostics.append(error(problem.code, _("fact '{name}': {problem}", name=name, problem=problem),
                                         span, problem.hint, where=f"{facts.name}: {name}"))
    diagnostics += _missing(facts, inputs, required)
    diagnostics += _broken(facts, env, constraints)
    if diagnostics:
        sources = {facts.source.name: facts.source} if facts.source else {}
        raise FactsError(_listed(diagnostics), sources)
    return env


def _unknown(file: str, name: str, span: Span | None, inputs: Mapping, suggest: bool) -> Diagnostic:
    close = difflib.get_close_matches(name, list(inputs), n=1, cutoff=0.5) \
        if suggest and len(name) <= SUGGESTED else []
    return error("F504", _("unknown fact '{name}': the rule file declares no such input", name=cut(name)), span,
                 _("did you mean '{name}'?", name=close[0]) if close else
                 _("remove it, or declare it under 'inputs:'"), where=f"{file}: {cut(name)}")


def _broken(facts: FactSet, env: dict, constraints: Sequence[CompiledConstraint]) -> list:
    """F517 for each constraint the converted facts break, at the line (or cell) of its first input."""
    found = []
    for constraint in constraints:
        broken = constraint.broken(env)
        if broken is not None:
            first = broken.inputs[0] if broken.inputs else None
            span = facts.spans.get(first) if first is not None else None
            found.append(error("F517", broken.message(), span, broken.hint(),
                               where=f"{facts.name}: {first}" if first is not None else facts.name))
    return found


def _missing(facts: FactSet, inputs: Mapping[str, ast.InputDecl], required: Mapping[str, list]) -> list:
    """F501 for each input the rules read that has no fact, or an empty one (located at its key)."""
    found = []
    for name, users in required.items():
        if name not in inputs or not is_missing(facts.values.get(name)):
            continue
        indicator, span = users[0]
        count = len(users) - 1
        at = f" ({span.file}:{span.line})" if span else ""
        if count:
            message = ngettext("missing fact '{name}', needed by '{indicator}'{at} and {count} other indicator",
                               "missing fact '{name}', needed by '{indicator}'{at} and {count} other indicators",
                               count, name=name, indicator=indicator, at=at, count=count)
        else:
            message = _("missing fact '{name}', needed by '{indicator}'{at}", name=name, indicator=indicator, at=at)
        decl = inputs[name]
        line = f"{format_name(name)}: {example(decl)}"
        hint = (_("write its value, e.g. '{line}' ({what})", line=line, what=describe(decl))
                if name in facts.values else _("add '{line}' ({what})", line=line, what=describe(decl)))
        found.append(error("F501", message, facts.spans.get(name), hint, where=facts.name))
    return found


def _listed(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The first MAX_LISTED problems, in the order they are shown, and a note of how many more there are."""
    if len(diagnostics) <= MAX_LISTED:
        return diagnostics
    ordered = sorted(diagnostics, key=sort_key)
    first = ordered[MAX_LISTED]
    more = len(ordered) - MAX_LISTED
    message = ngettext("{more} more problem in these facts, from here on, is not listed",
                       "{more} more problems in these facts, from here on, are not listed", more,
                       more=format(more, ","))
    return ordered[:MAX_LISTED] + [error("F516", message, first.span, _("fix the problems listed and run again"),
                                         where=first.where)]
