"""The Python API: load a rule file into a Ruleset, evaluate it on facts.

    ruleset = rulecheck.load("rules/shenzhen/framework.rules")
    result = ruleset.evaluate(rulecheck.load_facts("case.yaml"))
    print(result.total, result.grade)

What `rulecheck check` reports about a file (analyze, analyze_text, Analysis) is analysis.py's, given
here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .analysis import Analysis, analyze, analyze_text
from .check import Checked
from .compile import Compiled, compile_program
from .diagnostics import Diagnostic, RuleFileError
from .evaluate import evaluate, scorer
from .records import Record
from .results import Result
from .source import Source, Span
from .syntax import ast

if TYPE_CHECKING:  # reading facts (and YAML) only when a department is scored: `check` never does
    from .inputs.facts import FactSet


@attrs.frozen(eq=False, repr=False)
class Ruleset(Record):
    """A checked, compiled framework, ready to score departments."""
    program: ast.Program
    compiled: Compiled = attrs.field(repr=False)
    sources: dict[str, Source] = attrs.field(repr=False)
    warnings: tuple[Diagnostic, ...] = ()
    findings: tuple[Diagnostic, ...] = ()  # the prove stage's diagnostics: bounds, band tables, directions
    checked: Checked | None = attrs.field(default=None, repr=False, eq=False)  # what compiled came from

    @property
    def name(self) -> str:
        return self.compiled.name

    @property
    def inputs(self) -> dict[str, ast.InputDecl]:
        return {decl.name: decl for decl in self.program.inputs}

    @property
    def required_inputs(self) -> dict[str, list[tuple[str, Span | None]]]:
        """Each input the rules read, with the indicators (name, span) that read it."""
        return self.compiled.required

    def validate(self, facts: FactSet | Mapping[str, object]) -> dict[str, object]:
        """The facts as exact values; raises FactsError naming every bad or missing fact, and every
        constraint of the rule file (`constraints:`) the facts break."""
        reading = self.compiled.specialised.get("reading")
        if reading is None:  # validate, the inputs and the reader written for them: found once (a batch's)
            from .inputs.facts import NAME_FIELDS, validate
            from .inputs.fast import fast_reader
            inputs = self.inputs
            reading = self.compiled.specialised["reading"] = (
                validate, inputs, fast_reader(inputs, self.compiled.required, NAME_FIELDS))
        validate, inputs, reader = reading
        return validate(facts, inputs, self.compiled.required, self.compiled.constraints, reader)

    def evaluate(self, facts: FactSet | Mapping[str, object], *, explain: bool = True,
                 all_rows: bool = False) -> Result:
        """Score one department; raises FactsError or EvaluationError, never a bare Python error.

        With `all_rows`, a band table's explanation lists its rows after the one that matched too."""
        return evaluate(self.compiled, self.validate(facts), explain=explain, all_rows=all_rows,
                        sources=self.sources)

    def scorer(self) -> Callable[[dict], Result]:
        """A function scoring one department's validated facts (`ruleset.validate(facts)`), scores only:
        `scores(facts)` is `ruleset.evaluate(facts, explain=False)` without the validation and without a
        call around the ruleset's generated code, for a program that scores many departments itself.
        Raises EvaluationError as evaluate() does. Make it once and keep it."""
        return scorer(self.compiled, self.sources)

    def __reduce__(self) -> tuple[Callable[..., Ruleset], tuple[object, ...]]:
        """Pickled without its compiled closures (which cannot be pickled): the checked program they
        come from, compiled again when unpickled, so a Ruleset can be sent to a process pool's workers."""
        if self.checked is None:
            raise TypeError("a Ruleset made without its checked program cannot be pickled: make it with "
                            "rulecheck.load or rulecheck.loads")
        return (_compiled_again, (self.checked, self.sources, self.warnings, self.findings))


def _compiled_again(checked: Checked, sources: dict[str, Source], warnings: tuple[Diagnostic, ...],
                    findings: tuple[Diagnostic, ...]) -> Ruleset:
    """An unpickled Ruleset: the same checked program and findings, compiled in this process."""
    return Ruleset(checked.program, compile_program(checked), sources, warnings, findings, checked)


def ruleset_from(analysis: Analysis) -> Ruleset:
    """The analysed file, ready to score; raises RuleFileError if it cannot be compiled.

    What the prove stage finds (a bound or direction that does not hold for some facts) does not stop
    scoring: evaluation still checks every score against its points. It is kept in `findings`."""
    if analysis.compiled is None:
        raise RuleFileError(analysis.diagnostics, analysis.linked.sources)
    # _analysis compiles only a checked program, and proves what it compiles
    assert analysis.checked is not None and analysis.proof is not None
    checks = analysis.linked.diagnostics + analysis.checked.diagnostics
    return Ruleset(analysis.checked.program, analysis.compiled, analysis.linked.sources,
                   tuple(d for d in checks if not d.is_error), tuple(analysis.proof.diagnostics),
                   analysis.checked)


def load(path: str | Path) -> Ruleset:
    """Load a rule file (and what it imports); raises RuleFileError listing every problem."""
    return ruleset_from(analyze(path))


def loads(text: str, name: str = "<string>") -> Ruleset:
    """Load rule-file text; `name` is used in messages and to resolve relative imports."""
    return ruleset_from(analyze_text(text, name))
