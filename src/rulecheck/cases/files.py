"""What a case file holds, and reading it: one case (`name`, `facts`, `expect`) or several (`cases:`,
with `base:` facts every case starts from), every key's position kept for messages."""

from __future__ import annotations

import difflib
from decimal import Decimal
from pathlib import Path

import attrs
import yaml

from ..diagnostics import Diagnostic, InputFileError, RulecheckError, error, sort_key
from ..i18n import _
from ..inputs.facts import FactSet, FactsLoader, yaml_problem
from ..inputs.tables import CASE_SUFFIX
from ..source import Source, Span
from .facts import read_case_facts

TOTAL, GRADE = "total", "grade"
ONE_CASE_KEYS = ("name", "facts", "expect", "tolerance")
CASES_FILE_KEYS = ("cases", "base", "tolerance")
LISTED_CASE_KEYS = ("name", "facts", "expect")
EXPECTATION_KEYS = ("score", "tolerance")
MERGE_TAG = "tag:yaml.org,2002:merge"


def expect_hint() -> str:
    return _("write a number, e.g. 4.52, or {score: 4.52, tolerance: 0.01}")


class CaseFileError(RulecheckError):
    """A case file that holds no case that can be run: not YAML, not a mapping, or wrong for every case
    (an unknown top-level key, `base` facts that cannot be read)."""


@attrs.frozen
class Expectation:
    """A score a case must give (an indicator's, a group's or the total), within a tolerance, or its grade."""
    target: str  # an indicator or group name, TOTAL or GRADE
    value: Decimal | str  # a grade name for GRADE, else a score
    tolerance: Decimal = Decimal(0)
    span: Span | None = attrs.field(default=None, eq=False)

    def holds(self, actual: Decimal | str | None) -> bool:
        if actual is None or isinstance(actual, str) or isinstance(self.value, str):
            return actual == self.value  # a grade (a score is compared only with a score)
        return abs(actual - self.value) <= self.tolerance


@attrs.frozen
class Case:
    """One department's facts and what scoring them must give."""
    name: str
    file: str
    facts: FactSet | None  # None when the case's facts could not be read (see problems)
    expect: dict  # target → Expectation, in the file's order
    span: Span | None = attrs.field(default=None, eq=False)  # where the case is written
    problems: tuple = ()  # what is wrong with the case as written; run_case reports them as failures
    sources: dict = attrs.field(factory=dict, eq=False, repr=False)  # case and facts files, for excerpts


MAX_NESTING = 30  # cases → a case → facts → a value: a handful of levels; more is a runaway file


def too_deep(text: str, name: str) -> Span | None:
    """Where a YAML text first nests deeper than MAX_NESTING, found from its events, which are read
    without recursion (composing the nodes of such a text would exhaust Python's stack)."""
    depth = 0
    for event in yaml.parse(text, Loader=FactsLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                mark = event.start_mark
                return Span.point(name, mark.line + 1, mark.column + 1) if mark else Span.point(name, 1, 1)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def load_cases(path) -> list[Case]:
    """The cases of a case file. Raises InputFileError if it cannot be read, CaseFileError if no case in
    it can be run; a problem of one case only is kept in that case's `problems`."""
    try:
        source = Source.from_path(path)
    except OSError as exc:
        raise InputFileError.single("E003", _("cannot read case file: {reason}", reason=exc.strerror or exc),
                                    path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E003", _("the case file is not UTF-8 text"), path) from None
    return CaseReader(source).cases()


@attrs.define
class CaseReader:
    """Reads one case file: YAML nodes for the positions, values as exact decimals (0.1 stays 0.1)."""
    source: Source
    loader: FactsLoader = attrs.field(init=False)
    extra_sources: dict = attrs.field(factory=dict, init=False)  # facts files read for the cases

    def __attrs_post_init__(self):
        self.loader = FactsLoader(self.source.text)

    @property
    def file(self) -> str:
        return self.source.name

    def cases(self) -> list[Case]:
        try:
            deep = too_deep(self.source.text, self.file)
            if deep is not None:
                raise CaseFileError([error(
                    "C813", _("the case file nests more than {levels} levels deep", levels=MAX_NESTING), deep,
                    _("a case holds name, facts and expect: a fact is one value, not a list or a mapping"),
                    where=self.file)], self.sources())
            root = self.loader.get_single_node()
        except yaml.YAMLError as exc:
            message, span = yaml_problem(exc, self.source)
            raise CaseFileError([error("C801", _("not valid YAML: {problem}", problem=message), span,
                                       _("check the indentation and quote values that contain ':' or '#'"),
                                       where=self.file)], self.sources()) from None
        if not isinstance(root, yaml.MappingNode):
            raise CaseFileError([error(
                "C802", _("a case file is a mapping: 'name', 'facts' and 'expect' for one case, or 'cases' "
                          "for several"), self.span(root) if root is not None else None,
                _("see docs/cases.md for the format"), where=self.file)], self.sources())
        if any(key.value == "cases" for key, _ in root.value):
            return self.case_list(root)
        problems: list[Diagnostic] = []
        keys = self.mapping(root, ONE_CASE_KEYS, _("a case file"), problems)
        tolerance = self.tolerance(keys, problems)
        name = Path(self.file).name.removesuffix(CASE_SUFFIX)
        return [self.case(root, keys, name, None, tolerance, problems)]

    def case_list(self, root: yaml.MappingNode) -> list[Case]:
        problems: list[Diagnostic] = []
        keys = self.mapping(root, CASES_FILE_KEYS, _("a file of cases"), problems)
        tolerance = self.tolerance(keys, problems)
        base = self.facts(keys["base"], problems) if "base" in keys else None
        items = keys["cases"][1]
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            problems.append(error("C802", _("'cases' is a list of cases, each with 'name', 'facts' and 'expect'"),
                                  self.span(keys["cases"][0]), _("write each case as '- name: …' under 'cases:'")))
        if problems:
            raise CaseFileError(problems, self.sources())
        cases: list[Case] = []
        names: dict[str, int] = {}  # case name → the line it is first written on
        for number, item in enumerate(items.value, 1):
            own: list[Diagnostic] = []
            if not isinstance(item, yaml.MappingNode):
                own.append(error("C802", _("case {number} is not a mapping of 'name', 'facts' and 'expect'",
                                           number=number),
                                 self.span(item), _("write the case as '- name: …' with 'facts:' and 'expect:' "
                                                    "indented under it")))
                cases.append(Case(_("case {number}", number=number), self.file, None, {}, self.span(item),
                                  tuple(own), self.sources()))
                continue
            keys = self.mapping(item, LISTED_CASE_KEYS, _("a case"), own)
            case = self.case(item, keys, _("case {number}", number=number), base, tolerance, own)
            if case.name in names:
                own.append(error("C809", _("two cases are named '{name}'", name=case.name),
                                 self.span(keys["name"][1]),
                                 _("the first is at line {line}; rename one", line=names[case.name])))
                case = attrs.evolve(case, problems=tuple(sorted(own, key=sort_key)))
            assert case.span is not None  # self.case() gives every case the span of its node
            names.setdefault(case.name, case.span.line)
            cases.append(case)
        return cases

    def case(self, node, keys: dict, default_name: str, base: FactSet | None, tolerance: Decimal,
             problems: list) -> Case:
        name = default_name
        if "name" in keys:
            value = keys["name"][1]
            if isinstance(value, yaml.ScalarNode) and value.value.strip():
                name = value.value.strip()
            else:
                problems.append(error("C802", _("a case's 'name' is a line of text"), self.span(value),
                                      _("write e.g. 'name: 满意度 92%'")))
        own = self.facts(keys["facts"], problems) if "facts" in keys else None
        if "facts" not in keys and base is None:
            problems.append(error("C804", _("the case '{name}' has no 'facts'", name=name), self.span(node),
                                  _("add 'facts:' with the facts, or the path of a facts file")))
        expect = self.expect(keys["expect"], tolerance, problems) if "expect" in keys else {}
        if "expect" not in keys:
            problems.append(error("C804", _("the case '{name}' has no 'expect'", name=name), self.span(node),
                                  _("add 'expect:' with the scores the facts must give, e.g. 'total: 97.83'")))
        facts = merge(base, own) if "facts" not in keys or own is not None else None
        return Case(name, self.file, facts, expect, self.span(node), tuple(sorted(problems, key=sort_key)),
                    self.sources(base, own))

    # ---- the parts of a case -------------------------------------------------------------------

    def facts(self, pair, problems: list) -> FactSet | None:
        """Facts written inline (a mapping) or the path of a facts file, relative to the case file."""
        key, node = pair
        if isinstance(node, yaml.MappingNode):
            values, spans = {}, {}
            for name, (key_node, value_node) in self.mapping(node, None, f"'{key.value}'", problems).items():
                values[name] = self.loader.construct_object(value_node, deep=True)
                spans[name] = self.span(key_node)
            return FactSet(self.file, values, spans, self.source)
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value.strip()):
            problems.append(error("C805", _("'{key}' is the facts, or the path of a facts file", key=key.value),
                                  self.span(node), _("write one 'name: value' per line under it, or a path such as "
                                                     "'edu-info-center-2024.yaml'")))
            return None
        try:
            return read_case_facts(self.file, node.value.strip(), self.span(node))
        except RulecheckError as exc:  # the path is refused (FactsPathError), or not facts (FactsError)
            problems.extend(exc.diagnostics)
            self.extra_sources.update(exc.sources)
        return None

    def expect(self, pair, tolerance: Decimal, problems: list) -> dict:
        key, node = pair
        if not isinstance(node, yaml.MappingNode) or not node.value:
            problems.append(error("C802", _("'expect' maps indicator or group names, 'total' or 'grade' to what "
                                            "the case must score"), self.span(node if node.value else key),
                                  _("write e.g. 'total: 97.83' and 'grade: 优' indented under 'expect:'")))
            return {}
        expect = {}
        for target, (key_node, value_node) in self.mapping(node, None, "'expect'", problems).items():
            own_tolerance = tolerance
            if isinstance(value_node, yaml.MappingNode) and target != GRADE:
                fields = self.mapping(value_node, EXPECTATION_KEYS, _("the expectation of '{target}'", target=target),
                                      problems)
                own_tolerance = self.tolerance(fields, problems, tolerance)
                if "score" not in fields:
                    problems.append(error("C804", _("the expectation of '{target}' has no 'score'", target=target),
                                          self.span(value_node), expect_hint()))
                    continue
                value_node = fields["score"][1]
            value = self.expected(target, value_node, problems)
            if value is not None:
                expect[target] = Expectation(target, value, own_tolerance, self.span(key_node))
        return expect

    def expected(self, target: str, node, problems: list) -> Decimal | str | None:
        value = self.loader.construct_object(node, deep=True) if isinstance(node, yaml.ScalarNode) else node
        if target == GRADE:
            if isinstance(value, str) and value.strip():
                return value.strip()
            problems.append(error("C808", _("the expected grade is not a grade name: {value}", value=shown(value)),
                                  self.span(node), _("write the grade as the framework names it, e.g. 'grade: 优'")))
            return None
        number = exact(value)
        if number is None:
            problems.append(error("C808", _("the expected score of '{target}' is not a number: {value}",
                                            target=target, value=shown(value)),
                                  self.span(node), expect_hint()))
        return number

    def tolerance(self, keys: dict, problems: list, default: Decimal = Decimal(0)) -> Decimal:
        if "tolerance" not in keys:
            return default
        node = keys["tolerance"][1]
        value = exact(self.loader.construct_object(node, deep=True) if isinstance(node, yaml.ScalarNode) else node)
        if value is None or value < 0:
            problems.append(error("C808", _("'tolerance' is a number of points, 0 or more"), self.span(node),
                                  _("write e.g. 'tolerance: 0.01' to accept scores within 0.01 of the expected")))
            return default
        return value

    # ---- YAML ------------------------------------------------------------------------------------

    def mapping(self, node: yaml.MappingNode, allowed: tuple | None, what: str, problems: list) -> dict:
        """{key: (key node, value node)}; an unknown key (when `allowed` lists them) or a key given twice
        is reported."""
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        written: set[str] = set()
        # YAML merge keys ('<<: *shared'): the mapping's own keys come last, and override what it merges
        own = sum(key.tag != MERGE_TAG for key, _ in node.value)
        self.loader.flatten_mapping(node)
        merged = len(node.value) - own
        for index, (key_node, value_node) in enumerate(node.value):
            key = str(key_node.value)
            if key in written and index >= merged:
                problems.append(error("C809", _("'{key}' is given twice in {what}", key=key, what=what),
                                      self.span(key_node), _("the first is at line {line}; keep one",
                                                             line=found[key][0].start_mark.line + 1)))
                continue
            if index >= merged:
                written.add(key)
            if allowed is not None and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
                problems.append(error("C803", _("unknown key '{key}' in {what}", key=key, what=what),
                                      self.span(key_node),
                                      unknown_key_hint(key, allowed, close)))
                continue
            found[key] = (key_node, value_node)
        return found

    def span(self, node) -> Span:
        start, end = node.start_mark, node.end_mark
        if end.line > start.line and end.column == 0:  # a block ends at the start of the next line
            return Span.point(self.file, start.line + 1, start.column + 1)
        return Span(self.file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def sources(self, *facts: FactSet | None) -> dict:
        found = {self.file: self.source, **self.extra_sources}
        found.update({f.source.name: f.source for f in facts if f is not None and f.source is not None})
        return found


def unknown_key_hint(key: str, allowed: tuple, close: list) -> str:
    listed = ", ".join(allowed)
    if key in ONE_CASE_KEYS and "cases" in allowed:  # 'facts' beside 'cases:'
        return _("in a file of cases, facts every case shares go under 'base:', the rest under each case")
    if close:
        return _("did you mean '{key}'? the keys are {keys}", key=close[0], keys=listed)
    return _("the keys are {keys}", keys=listed)


def merge(base: FactSet | None, own: FactSet | None) -> FactSet | None:
    """The base facts with the case's own facts written over them."""
    if base is None or own is None:
        return own or base
    return FactSet(own.name, {**base.values, **own.values}, {**base.spans, **own.spans}, own.source)


def exact(value) -> Decimal | None:
    """A number read from YAML as an exact Decimal; None for text, true/false, an empty value or NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    number = Decimal(value)
    return number if number.is_finite() else None


def shown(value) -> str:
    if value is None:
        return _("an empty value")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)):
        return _("a mapping") if isinstance(value, yaml.MappingNode) else _("a list")
    return f"'{value}'"
