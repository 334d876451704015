"""Errors and rulesets pickle: a Ruleset can be sent to process-pool workers (multiprocessing, Dask,
Spark), and an error raised in a worker reaches the parent as the same error (an error that cannot be
unpickled makes `Pool.map` hang and breaks a ProcessPoolExecutor)."""

from __future__ import annotations

import importlib
import inspect
import multiprocessing
import pickle
import pkgutil
from decimal import Decimal

import pytest

import rulecheck
from rulecheck.batch import read_departments
from rulecheck.diagnostics import RulecheckError, error
from rulecheck.source import Source, Span

CORPUS = "rules/shenzhen/cases/corpus-2024.csv"
SPAN = Span("x.rules", 2, 5, 2, 9)
SOURCE = Source("x.rules", "framework \"x\"\ntotal 5 points\n")
DIAGNOSTICS = [error("E201", "unknown name 'b'", SPAN, "did you mean 'a'?"),
               error("F501", "missing fact 'a'", None, "add 'a: 1'", where="<facts>: a")]


# what the optional extras bring (spark, dask, lsp, docs): a module needing one is left out without it
OPTIONAL = {"pyspark", "pandas", "pyarrow", "dask", "pygls", "lsprotocol", "pygments"}


def rulecheck_exceptions() -> list[type[BaseException]]:
    """Every exception class the package defines, found by importing each of its modules."""
    found = {}
    for module in pkgutil.walk_packages(rulecheck.__path__, "rulecheck."):
        if module.name.endswith("__main__"):  # runs the command when imported
            continue
        try:
            imported = importlib.import_module(module.name)
        except ModuleNotFoundError as missing:  # rulecheck.spark without the spark extra, and so on
            if missing.name is None or missing.name.split(".")[0] not in OPTIONAL:
                raise
            continue
        for _, cls in inspect.getmembers(imported, inspect.isclass):
            # (not lark's, in the generated parser: they become diagnostics where a file is parsed)
            if issubclass(cls, BaseException) and cls.__module__.startswith("rulecheck") \
                    and cls.__module__ != "rulecheck.syntax.standalone":
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


def an_instance(cls: type[BaseException]) -> BaseException:
    """An instance of a rulecheck exception, made the way the package makes it."""
    if cls.__init__ is Exception.__init__:  # a signal with nothing of its own (generate.Fallback)
        return cls()
    parameters = list(inspect.signature(cls).parameters)
    if issubclass(cls, RulecheckError) and parameters == ["diagnostics", "sources"]:
        return cls(DIAGNOSTICS, {SOURCE.name: SOURCE})
    if issubclass(cls, RulecheckError) and parameters == ["inputs"]:  # diff's CorpusError: the unread inputs
        return cls([])
    if parameters[:1] == ["diagnostic"]:  # AstError, EvalFailure
        return cls(DIAGNOSTICS[0])
    if parameters == ["message", "hint", "code"]:  # FactValueError
        return cls("expected a percentage, got '很高'", 'write it like "97.29%"', "F505")
    if parameters == ["msg", "doc", "pos"]:  # inputs/jsonfacts.TooDeep, a json.JSONDecodeError
        return cls("nested more than 20 levels deep", "[" * 21, 20)
    if parameters == ["key"]:  # batch's duplicate JSON key
        return cls("满意度")
    if parameters == ["code", "number", "reason", "path", "hint"]:  # source.ReadError
        return cls("E007", 27, "it is larger than 1 MB", "big.rules", "split it")
    if parameters == ["lang"]:  # i18n.LanguageError
        return cls("fr")
    if parameters == ["message"]:  # cases/suggest.Exhausted
        return cls("spent")
    raise AssertionError(f"{cls.__qualname__}{inspect.signature(cls)}: add how to make one to this test")


@pytest.mark.parametrize("cls", rulecheck_exceptions(), ids=lambda cls: cls.__qualname__)
def test_every_exception_round_trips_through_pickle(cls):
    original = an_instance(cls)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is cls
    assert str(copy) == str(original) and copy.args == original.args
    assert vars(copy) == vars(original)  # diagnostics, sources, hint, code, key: whatever it carries


def test_the_exceptions_found_include_every_kind():
    names = {cls.__qualname__ for cls in rulecheck_exceptions()}
    assert {"RulecheckError", "InputFileError", "RuleFileError", "FactsError", "EvaluationError",
            "CaseFileError", "EvalFailure", "AstError", "FactValueError"} <= names


def test_a_raised_facts_error_round_trips_with_its_diagnostics(framework, case_path):
    with pytest.raises(rulecheck.FactsError) as caught:
        framework.evaluate({**rulecheck.load_facts(case_path).values, "满意度": "很高", "满意率": "96%"})
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.diagnostics == caught.value.diagnostics and len(copy.diagnostics) == 2
    assert copy.render() == caught.value.render()


def test_a_rule_file_error_keeps_its_source_lines():
    with pytest.raises(rulecheck.RuleFileError) as caught:
        rulecheck.loads('framework "x"\ntotal 5\nindicator A (5):\n    score: b\n', "x.rules")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.sources == caught.value.sources and "    score: b" in copy.render()
    assert copy.render() == caught.value.render()


def corpus_facts(ruleset) -> list:
    return [department.fact_set() for department in read_departments(CORPUS, ruleset.inputs)]


@pytest.mark.parametrize("which", ["framework", "department"])
def test_an_unpickled_ruleset_scores_identically(which, framework, department_path, case_facts,
                                                 department_case_path):
    ruleset = framework if which == "framework" else rulecheck.load(department_path)  # imports the framework
    facts = [case_facts] if which == "framework" else [rulecheck.load_facts(department_case_path)]
    copy = pickle.loads(pickle.dumps(ruleset))
    assert copy.compiled is not ruleset.compiled  # compiled again, not shared
    assert (copy.name, copy.program, copy.sources) == (ruleset.name, ruleset.program, ruleset.sources)
    assert (copy.warnings, copy.findings) == (ruleset.warnings, ruleset.findings)
    if which == "framework":
        facts += corpus_facts(ruleset)
    assert [copy.evaluate(f) for f in facts] == [ruleset.evaluate(f) for f in facts]


@pytest.fixture(scope="module")
def pool():
    with multiprocessing.get_context("spawn").Pool(2) as workers:
        yield workers


def test_workers_score_the_corpus_as_the_process_does(pool, framework):
    facts = corpus_facts(framework)
    in_workers = pool.map_async(framework.evaluate, facts, chunksize=10).get(timeout=60)
    assert len(in_workers) == 80 and in_workers == [framework.evaluate(f) for f in facts]
    assert in_workers[0].total == Decimal("97.83")


def test_a_facts_error_raised_in_a_worker_arrives_as_the_same_error(pool, framework, case_facts):
    bad = [case_facts.values, {**case_facts.values, "满意度": "很高"}]
    with pytest.raises(rulecheck.FactsError) as in_worker:
        pool.map_async(framework.evaluate, bad).get(timeout=60)  # a hang fails here, after a minute
    with pytest.raises(rulecheck.FactsError) as here:
        framework.evaluate(bad[1])
    assert in_worker.value.diagnostics == here.value.diagnostics
    assert str(in_worker.value) == str(here.value)
    assert pool.map_async(framework.evaluate, bad[:1]).get(timeout=60)[0].total == Decimal("97.83")  # pool alive
