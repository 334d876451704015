"""`rulecheck test`: run case files against a rule file, show each failure, and (--coverage) which band
rows, checklist items and grade rows no case reaches (rulecheck.cases)."""

from __future__ import annotations

import sys
import textwrap

import attrs
import click

from ..api import load
from ..cases import (
    CASE_SUFFIX,
    CaseFileError,
    CaseFiles,
    CaseResult,
    Coverage,
    cases_folder,
    coverage,
    difference_line,
    gather_case_files,
    load_cases,
    run_case,
)
from ..cases.locate import NAMED_TWICE, UNREADABLE
from ..diagnostics import InputFileError, RulecheckError, render_all
from ..i18n import N_, _, ngettext
from . import Exit, fail, main, option

INDENT = "    "


@main.command("test", help=N_(
    'Run cases (*.case.yaml files, or folders of them) against RULES; by default, those under the\n'
    'cases/ folder beside RULES.'))
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.argument("cases", nargs=-1, type=click.Path(exists=True))
@option("--coverage", "show_coverage", is_flag=True,
        help=N_("Also list the band rows, checklist items and grade rows that no case reaches."))
def cases_command(rules: str, cases, show_coverage: bool) -> None:
    try:
        ruleset = load(rules)
    except RulecheckError as exc:
        fail(exc)
    found = the_case_files(rules, cases)
    if found.problems:
        click.echo(render_all(found.problems), err=True)
    results, broken, unreadable = [], 0, found.count(UNREADABLE)
    for path in found.paths:
        click.echo(str(path))
        try:
            loaded = load_cases(path)
        except RulecheckError as exc:  # no case in the file can run (CaseFileError), or it cannot be read
            click.echo("  ✗ " + (_("cannot be read") if isinstance(exc, InputFileError) else _("no case can run")))
            click.echo(textwrap.indent(exc.render(), INDENT))
            unreadable += isinstance(exc, InputFileError)
            broken += isinstance(exc, CaseFileError)
            continue
        for case in loaded:
            outcome = run_case(ruleset, case)
            results.append(outcome)
            for line in case_lines(outcome):
                click.echo(line)
    if show_coverage:
        for line in coverage_lines(rules, coverage(ruleset, results)):
            click.echo(line)
    tally = Tally(len(found.paths), results, broken, unreadable, found.count(NAMED_TWICE))
    click.echo(tally.summary(), err=True)
    sys.exit(tally.exit_code())


def the_case_files(rules: str, cases: tuple) -> CaseFiles:
    """The case files named (or those of the cases folder beside RULES); exit 2 (usage) if there are none."""
    folder = cases_folder(rules)
    found = gather_case_files(cases or ([folder] if folder.is_dir() else []))
    if not found.paths and not found.problems:
        where = ", ".join(cases) if cases else str(folder)
        click.echo(_("no *{suffix} files found in {paths}", suffix=CASE_SUFFIX, paths=where), err=True)
        sys.exit(Exit.USAGE)
    return found


def case_lines(outcome: CaseResult) -> list[str]:
    """'✓ name', or '✗ name' and under it each problem and each difference, with how the score was reached."""
    if outcome.passed:
        return [f"  ✓ {outcome.case.name}"]
    span = outcome.case.span
    lines = [f"  ✗ {outcome.case.name}" + (" " + _("(line {line})", line=span.line) if span else "")]
    if outcome.diagnostics:
        lines.append(textwrap.indent(render_all(outcome.diagnostics, outcome.sources), INDENT))
    for comparison in outcome.failures:
        lines.append(f"{INDENT}{comparison.expectation.span}: {difference_line(comparison)}")
        lines.extend(f"{INDENT}    {line}" for line in comparison.explanation)
    return lines


def coverage_lines(rules: str, found: Coverage) -> list[str]:
    lines = ["", _("coverage of {rules}: {summary}", rules=rules, summary=found.summary())]
    if found.unreached:
        lines.append(_("no case reaches:"))
        lines.extend(f"  {t.span}: {t.describe()}" for t in found.unreached)
    if found.never_missed:
        lines.append(_("every case earns (no case shows the score without it):"))
        lines.extend(f"  {t.span}: {t.describe()}" for t in found.never_missed)
    return lines


@attrs.frozen
class Tally:
    """What a run came to: the case files read, each case's outcome, and what could not run."""
    files: int
    results: list
    broken: int  # case files with no case that can run
    unreadable: int  # case files (or folders of them) that cannot be read
    named_twice: int  # case files named again (each reported, and run once)

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.results)

    def summary(self) -> str:
        """'3 case files, 43 cases: 40 passed, 3 failed (1 whose facts cannot be read); …'."""
        cases = len(self.results)
        files = ngettext("{count} case file", "{count} case files", self.files, count=self.files)
        counted = ngettext("{count} case", "{count} cases", cases, count=cases)
        no_facts = sum(r.case.facts is None for r in self.results)
        passed = cases - self.failed
        if not self.failed:
            summary = _("{files}, {cases}: {passed} passed", files=files, cases=counted, passed=passed)
        elif no_facts:
            summary = _("{files}, {cases}: {passed} passed, {failed} failed ({no_facts} whose facts cannot be read)",
                        files=files, cases=counted, passed=passed, failed=self.failed, no_facts=no_facts)
        else:
            summary = _("{files}, {cases}: {passed} passed, {failed} failed",
                        files=files, cases=counted, passed=passed, failed=self.failed)
        if self.broken:
            summary += ngettext("; {count} file with no case that can run", "; {count} files with no case that can run",
                                self.broken, count=self.broken)
        if self.unreadable:
            summary += ngettext("; {count} file cannot be read", "; {count} files cannot be read",
                                self.unreadable, count=self.unreadable)
        return summary

    def exit_code(self) -> int:
        if self.unreadable or self.named_twice:
            return Exit.USAGE
        return Exit.PROBLEMS if self.failed or self.broken else Exit.CLEAN
