"""Cases: facts and the scores they must give, read from *.case.yaml files and run against a framework.

A case file holds one case (`name`, `facts`, `expect`) or several (`cases:`, with `base:` facts every
case starts from). `load_cases` reads it keeping the position of every key, `run_case` scores a case and
compares each expected score (exactly, or within a tolerance), and `coverage` tells which band rows,
checklist items and grade rows the cases reach.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import attrs
import yaml

from .api import Ruleset
from .compile import Compiler
from .diagnostics import (
    Diagnostic,
    FactsError,
    InputFileError,
    RulecheckError,
    error,
    sort_key,
)
from .evaluate import evaluate
from .inputs.facts import FactSet, FactsLoader, load_facts, yaml_problem
from .language import first_match
from .results import Result, added_up
from .runtime import TOTAL_KEY, Env
from .source import Source, Span
from .syntax import ast
from .syntax.printer import (
    format_band,
    format_grade_row,
    format_item,
)

CASE_SUFFIX = ".case.yaml"
TOTAL, GRADE = "total", "grade"
ONE_CASE_KEYS = ("name", "facts", "expect", "tolerance")
CASES_FILE_KEYS = ("cases", "base", "tolerance")
LISTED_CASE_KEYS = ("name", "facts", "expect")
EXPECTATION_KEYS = ("score", "tolerance")
MERGE_TAG = "tag:yaml.org,2002:merge"
EXPECT_HINT = "write a number, e.g. 4.52, or {score: 4.52, tolerance: 0.01}"


class CaseFileError(RulecheckError):
    """A case file that holds no case that can be run: not YAML, not a mapping, or wrong for every case
    (an unknown top-level key, `base` facts that cannot be read)."""


# ---- what a case file holds ----------------------------------------------------------------------

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


def case_files(paths: Iterable) -> list[Path]:
    """The case files named, with folders searched for *.case.yaml."""
    found = []
    for path in map(Path, paths):
        found.extend(sorted(path.rglob(f"*{CASE_SUFFIX}")) if path.is_dir() else [path])
    return found


def find_cases(rules_path) -> list[Path]:
    """The cases of a rule file by default: every *.case.yaml under the `cases` folder beside it."""
    folder = Path(rules_path).parent / "cases"
    return case_files([folder]) if folder.is_dir() else []


def load_cases(path) -> list[Case]:
    """The cases of a case file. Raises InputFileError if it cannot be read, CaseFileError if no case in
    it can be run; a problem of one case only is kept in that case's `problems`."""
    try:
        source = Source.from_path(path)
    except OSError as exc:
        raise InputFileError.single("E003", f"cannot read case file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E003", "the case file is not UTF-8 text", path) from None
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
            root = self.loader.get_single_node()
        except yaml.YAMLError as exc:
            message, span = yaml_problem(exc, self.source)
            raise CaseFileError([error("C801", f"not valid YAML: {message}", span,
                                       "check the indentation and quote values that contain ':' or '#'",
                                       where=self.file)], self.sources()) from None
        if not isinstance(root, yaml.MappingNode):
            raise CaseFileError([error(
                "C802", "a case file is a mapping: 'name', 'facts' and 'expect' for one case, or 'cases' "
                "for several", self.span(root) if root is not None else None,
                "see docs/cases.md for the format", where=self.file)], self.sources())
        if any(key.value == "cases" for key, _ in root.value):
            return self.case_list(root)
        problems: list[Diagnostic] = []
        keys = self.mapping(root, ONE_CASE_KEYS, "a case file", problems)
        tolerance = self.tolerance(keys, problems)
        name = Path(self.file).name.removesuffix(CASE_SUFFIX)
        return [self.case(root, keys, name, None, tolerance, problems)]

    def case_list(self, root: yaml.MappingNode) -> list[Case]:
        problems: list[Diagnostic] = []
        keys = self.mapping(root, CASES_FILE_KEYS, "a file of cases", problems)
        tolerance = self.tolerance(keys, problems)
        base = self.facts(keys["base"], problems) if "base" in keys else None
        items = keys["cases"][1]
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            problems.append(error("C802", "'cases' is a list of cases, each with 'name', 'facts' and 'expect'",
                                  self.span(keys["cases"][0]), "write each case as '- name: …' under 'cases:'"))
        if problems:
            raise CaseFileError(problems, self.sources())
        cases: list[Case] = []
        names: dict[str, int] = {}  # case name → the line it is first written on
        for number, item in enumerate(items.value, 1):
            own: list[Diagnostic] = []
            if not isinstance(item, yaml.MappingNode):
                own.append(error("C802", f"case {number} is not a mapping of 'name', 'facts' and 'expect'",
                                 self.span(item), "write the case as '- name: …' with 'facts:' and 'expect:' "
                                 "indented under it"))
                cases.append(Case(f"case {number}", self.file, None, {}, self.span(item), tuple(own),
                                  self.sources()))
                continue
            keys = self.mapping(item, LISTED_CASE_KEYS, "a case", own)
            case = self.case(item, keys, f"case {number}", base, tolerance, own)
            if case.name in names:
                own.append(error("C809", f"two cases are named '{case.name}'", self.span(keys["name"][1]),
                                 f"the first is at line {names[case.name]}; rename one"))
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
                problems.append(error("C802", "a case's 'name' is a line of text", self.span(value),
                                      "write e.g. 'name: 满意度 92%'"))
        own = self.facts(keys["facts"], problems) if "facts" in keys else None
        if "facts" not in keys and base is None:
            problems.append(error("C804", f"the case '{name}' has no 'facts'", self.span(node),
                                  "add 'facts:' with the facts, or the path of a facts file"))
        expect = self.expect(keys["expect"], tolerance, problems) if "expect" in keys else {}
        if "expect" not in keys:
            problems.append(error("C804", f"the case '{name}' has no 'expect'", self.span(node),
                                  "add 'expect:' with the scores the facts must give, e.g. 'total: 97.83'"))
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
            problems.append(error("C805", f"'{key.value}' is the facts, or the path of a facts file", self.span(node),
                                  "write one 'name: value' per line under it, or a path such as "
                                  "'edu-info-center-2024.yaml'"))
            return None
        path = Path(self.file).parent / node.value.strip()
        try:
            return load_facts(path)
        except FactsError as exc:
            problems.extend(exc.diagnostics)
            self.extra_sources.update(exc.sources)
        except (OSError, UnicodeDecodeError) as exc:
            reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
            problems.append(error("C805", f"cannot read the facts file '{node.value.strip()}': {reason}",
                                  self.span(node), f"a path is relative to the case file's folder, "
                                  f"{Path(self.file).parent}"))
        return None

    def expect(self, pair, tolerance: Decimal, problems: list) -> dict:
        key, node = pair
        if not isinstance(node, yaml.MappingNode) or not node.value:
            problems.append(error("C802", "'expect' maps indicator or group names, 'total' or 'grade' to what "
                                  "the case must score", self.span(node if node.value else key),
                                  "write e.g. 'total: 97.83' and 'grade: 优' indented under 'expect:'"))
            return {}
        expect = {}
        for target, (key_node, value_node) in self.mapping(node, None, "'expect'", problems).items():
            own_tolerance = tolerance
            if isinstance(value_node, yaml.MappingNode) and target != GRADE:
                fields = self.mapping(value_node, EXPECTATION_KEYS, f"the expectation of '{target}'", problems)
                own_tolerance = self.tolerance(fields, problems, tolerance)
                if "score" not in fields:
                    problems.append(error("C804", f"the expectation of '{target}' has no 'score'",
                                          self.span(value_node), EXPECT_HINT))
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
            problems.append(error("C808", f"the expected grade is not a grade name: {shown(value)}",
                                  self.span(node), "write the grade as the framework names it, e.g. 'grade: 优'"))
            return None
        number = exact(value)
        if number is None:
            problems.append(error("C808", f"the expected score of '{target}' is not a number: {shown(value)}",
                                  self.span(node), EXPECT_HINT))
        return number

    def tolerance(self, keys: dict, problems: list, default: Decimal = Decimal(0)) -> Decimal:
        if "tolerance" not in keys:
            return default
        node = keys["tolerance"][1]
        value = exact(self.loader.construct_object(node, deep=True) if isinstance(node, yaml.ScalarNode) else node)
        if value is None or value < 0:
            problems.append(error("C808", "'tolerance' is a number of points, 0 or more", self.span(node),
                                  "write e.g. 'tolerance: 0.01' to accept scores within 0.01 of the expected"))
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
                problems.append(error("C809", f"'{key}' is given twice in {what}", self.span(key_node),
                                      f"the first is at line {found[key][0].start_mark.line + 1}; keep one"))
                continue
            if index >= merged:
                written.add(key)
            if allowed is not None and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
                problems.append(error("C803", f"unknown key '{key}' in {what}", self.span(key_node),
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
        return "in a file of cases, facts every case shares go under 'base:', the rest under each case"
    return f"did you mean '{close[0]}'? the keys are {listed}" if close else f"the keys are {listed}"


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
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)):
        return "a mapping" if isinstance(value, yaml.MappingNode) else "a list"
    return f"'{value}'"


# ---- running -------------------------------------------------------------------------------------

@attrs.frozen
class Comparison:
    """An expectation and what scoring gave, with how that was reached."""
    expectation: Expectation
    actual: Decimal | str | None  # None: the framework gave no grade
    explanation: tuple = ()

    @property
    def passed(self) -> bool:
        return self.expectation.holds(self.actual)

    @property
    def difference(self) -> Decimal | None:
        """actual − expected, for a score."""
        if isinstance(self.actual, Decimal) and isinstance(self.expectation.value, Decimal):
            return self.actual - self.expectation.value
        return None


@attrs.frozen
class CaseResult:
    """A case run: what scoring gave, each expectation compared, and every problem found on the way."""
    case: Case
    result: Result | None  # None when the facts or scoring failed
    comparisons: tuple = ()
    diagnostics: tuple = ()  # problems of the case as written, facts errors, scoring errors
    values: dict | None = attrs.field(default=None, repr=False)  # the validated facts
    sources: dict = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def passed(self) -> bool:
        return not self.diagnostics and self.result is not None and all(c.passed for c in self.comparisons)

    @property
    def failures(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.passed]


def run_case(ruleset: Ruleset, case: Case) -> CaseResult:
    """Score the case's facts and compare every expectation; never raises for a bad case."""
    diagnostics = list(case.problems)
    wrong = expectation_problems(ruleset, case)
    diagnostics += wrong.values()
    sources = {**ruleset.sources, **case.sources}
    values = result = None
    if case.facts is not None:
        try:
            values = ruleset.validate(case.facts)
            result = evaluate(ruleset.compiled, values, explain=True, sources=ruleset.sources)
        except RulecheckError as exc:  # FactsError, EvaluationError
            diagnostics += exc.diagnostics
            sources.update(exc.sources)
    comparisons: tuple[Comparison, ...] = ()
    if result is not None:
        comparisons = tuple(compare(result, expectation) for target, expectation in case.expect.items()
                            if target not in wrong)
    return CaseResult(case, result, comparisons, tuple(diagnostics), values, sources)


def expectation_problems(ruleset: Ruleset, case: Case) -> dict[str, Diagnostic]:
    """{target: problem} for each expectation naming no node of the framework, or no grade of it."""
    nodes = [node.name for node, _ in ast.iter_nodes(ruleset.program.nodes)]
    parts = {part.name: node.name for node, _ in ast.iter_nodes(ruleset.program.nodes)
             if isinstance(node, ast.Indicator) for part in node.parts}
    grades = list(dict.fromkeys(band.grade for band in ruleset.program.grades))
    found = {}
    for target, expectation in case.expect.items():
        if target == GRADE and expectation.value not in grades:
            found[target] = error(
                "C807", f"'{expectation.value}' is not a grade of the framework", expectation.span,
                f"the grades are: {', '.join(grades)}" if grades else "the framework declares no grades")
        elif target not in nodes and target != TOTAL and target != GRADE:
            found[target] = error("C806", f"expect names '{target}', but the rule file has no indicator or "
                                  "group of that name", expectation.span, unknown_target_hint(target, nodes, parts))
    return found


def unknown_target_hint(target: str, nodes: list, parts: dict) -> str:
    if target in parts:
        return f"'{target}' is a part of '{parts[target]}': expect the indicator's score"
    close = difflib.get_close_matches(target, nodes + [TOTAL, GRADE], n=1, cutoff=0.5)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expect an indicator or group by its name in the rule file, 'total' or 'grade'"


def compare(result: Result, expectation: Expectation) -> Comparison:
    target = expectation.target
    if target == GRADE:
        step = result.grade_step or f"no row of 'grades:' matches the total {result.total}"
        return Comparison(expectation, result.grade, (step,))
    if target == TOTAL:
        return Comparison(expectation, result.total, (added_up(result.nodes, result.total),))
    node = result[target]
    explanation = node.explanation if node.kind == "indicator" else (added_up(node.children, node.score),)
    return Comparison(expectation, node.score, tuple(explanation))


# ---- coverage ------------------------------------------------------------------------------------

@attrs.frozen
class Target:
    """A band row, checklist item or grade row, and the cases that reach it (and, for an item, miss it)."""
    kind: str  # "band", "item" or "grade"
    owner: str  # the indicator, "indicator / part", or "grades"
    number: int  # the row's or item's place in its table, from 1
    text: str  # as written: '≥ 95% → 6'
    span: Span | None
    reached_by: tuple = ()  # case names
    missed_by: tuple = ()  # for an item: the cases that do not earn it

    def describe(self) -> str:
        what = {"band": "band", "item": "item", "grade": "grade row"}[self.kind]
        return f"{self.owner}, {what} {self.number}: {self.text}"


KINDS = (("band", "bands"), ("item", "checklist items"), ("grade", "grades"))


@attrs.frozen
class Coverage:
    """What a set of cases reaches of a framework's band tables, checklists and grades."""
    targets: tuple

    def of(self, kind: str) -> list[Target]:
        return [t for t in self.targets if t.kind == kind]

    @property
    def unreached(self) -> list[Target]:
        return [t for t in self.targets if not t.reached_by]

    @property
    def never_missed(self) -> list[Target]:
        """Checklist items every case earns: no case shows what happens without them."""
        return [t for t in self.of("item") if not t.missed_by]

    def summary(self) -> str:
        """'bands 26/27, checklist items 24/24, grades 4/4' (kinds the framework has)."""
        counts = [(words, self.of(kind)) for kind, words in KINDS if self.of(kind)]
        return ", ".join(f"{words} {sum(bool(t.reached_by) for t in found)}/{len(found)}"
                         for words, found in counts)


def coverage(ruleset: Ruleset, results: Iterable[CaseResult]) -> Coverage:
    """Which rows and items the cases reach: a band row when it is the row that matched, a checklist item
    when it is earned, a grade row when it gave the grade. Cases that did not score count for nothing."""
    tables = list(coverage_tables(ruleset))
    reached: list[list[list[str]]] = [[[] for _ in rows] for _, _, rows, _ in tables]  # case names a row
    missed: list[list[list[str]]] = [[[] for _ in rows] for _, _, rows, _ in tables]
    for case_result in results:
        if case_result.result is None:
            continue
        assert case_result.values is not None  # run_case scores only validated facts
        env = Env(case_result.values, ruleset.compiled.lets)
        env[TOTAL_KEY] = case_result.result.total
        for number, (_, _, rows, reach) in enumerate(tables):
            hits = reach(env)
            for index in range(len(rows)):
                (reached if index in hits else missed)[number][index].append(case_result.case.name)
    return Coverage(tuple(
        Target(kind, owner, index + 1, text, span, tuple(reached[number][index]),
               tuple(missed[number][index]) if kind == "item" else ())
        for number, (kind, owner, rows, _) in enumerate(tables) for index, (text, span) in enumerate(rows)))


def coverage_tables(ruleset: Ruleset):
    """(kind, owner, rows as (text, span), reach) for every band table, checklist and the grades;
    reach(env) is the set of the rows a department's facts reach (the first row that matches, for a band
    table; each item earned, for a checklist). The conditions are compiled again, one closure a row, from
    the checked program the ruleset keeps."""
    assert ruleset.checked is not None  # ruleset_from keeps the checked program of every ruleset it makes
    compiler = Compiler(ruleset.checked)
    for node, _ in ast.iter_nodes(ruleset.program.nodes):
        if not isinstance(node, ast.Indicator):
            continue
        for name, _, rule in ast.indicator_rules(node):
            owner = node.name if name == node.name else f"{node.name} / {name}"
            if isinstance(rule, ast.Bands):
                rows = [(format_band(b, rule.subject), b.span) for b in rule.bands]
                yield "band", owner, rows, first_matching([b.condition for b in rule.bands], compiler)
            elif isinstance(rule, ast.Checklist):
                rows = [(format_item(i), i.span) for i in rule.items]
                yield "item", owner, rows, every_match([i.condition for i in rule.items], compiler)
    grades = ruleset.program.grades
    if grades:
        rows = [(format_grade_row(b), b.span) for b in grades]
        yield "grade", "grades", rows, first_matching([b.condition for b in grades], compiler)


def first_matching(conditions: list, compiler: Compiler):
    tests = [compiler.expr(c) if c is not None else None for c in conditions]

    def reach(env) -> set:
        index = first_match(tests, env)
        return {index} if index is not None else set()

    return reach


def every_match(conditions: list, compiler: Compiler):
    tests = [compiler.expr(c) for c in conditions]

    def reach(env) -> set:
        return {i for i, test in enumerate(tests) if test(env)}

    return reach

