"""`rulecheck test`: run case files against a rule file, show each failure, (--coverage) which band rows,
boundaries, checklist items and grade rows no case covers, and (--suggest) write the cases that would
cover them as a case file to fill in (rulecheck.cases)."""

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
from ..cases.suggest import render, suggested_base, suggestions
from ..diagnostics import InputFileError, RulecheckError, render_all
from ..i18n import N_, _, ngettext
from ..report import output_error, refuse_reading_output, write_output
from . import SUBCOMMANDS, Exit, emit, fail, machine_format_option, main, option, output_option, quiet_option, say

INDENT = "    "


@main.command("test", help=SUBCOMMANDS["test"].help)
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.argument("cases", nargs=-1, type=click.Path(exists=True))
@option("--coverage", "show_coverage", is_flag=True,
        help=N_("Also list the band rows, boundaries, checklist items and grade rows that no case covers."))
@option("--suggest", is_flag=True,
        help=N_("Write the cases that would cover what no case covers yet, as a case file whose expected "
                "scores you fill in (instead of running the cases)."))
@output_option(N_("With --suggest: write the case file to FILE instead of standard output."))
@machine_format_option()
@quiet_option()
def cases_command(rules: str, cases, show_coverage: bool, suggest: bool, output: str | None, fmt: str,
                  quiet: bool) -> None:
    text = fmt == "text"
    if suggest and not text:
        click.echo(_("--suggest writes a case file: --format {format} is for the cases' results", format=fmt),
                   err=True)
        sys.exit(Exit.USAGE)
    if output is not None and not suggest:  # (`-o -` is None: standard output, where the results go anyway)
        click.echo(_("--output is for --suggest: the cases' results go to the terminal"), err=True)
        sys.exit(Exit.USAGE)
    problem = output_error("yaml", output)
    if problem:
        click.echo(problem, err=True)
        sys.exit(Exit.USAGE)
    try:
        ruleset = load(rules)
    except RulecheckError as exc:
        if fmt == "text":
            fail(exc)
        emit(failure(rules, exc), fmt)
    found = the_case_files(rules, cases)
    if suggest:
        suggest_cases(ruleset, rules, found, output, quiet)
    if found.problems and text:
        click.echo(render_all(found.problems), err=True)
    results, broken, unreadable = [], 0, found.count(UNREADABLE)
    unrun: list = list(found.problems)  # what keeps a case file from running, for --format json or sarif
    for path in found.paths:
        shown = FileLines(str(path), quiet) if text else NoLines()
        try:
            loaded = load_cases(path)
        except RulecheckError as exc:  # no case in the file can run (CaseFileError), or it cannot be read
            unrun.extend(exc.diagnostics)
            shown.failure(["  ✗ " + (_("cannot be read") if isinstance(exc, InputFileError) else _("no case can run")),
                           textwrap.indent(exc.render(), INDENT)])
            unreadable += isinstance(exc, InputFileError)
            broken += isinstance(exc, CaseFileError)
            continue
        for case in loaded:
            outcome = run_case(ruleset, case)
            results.append(outcome)
            (shown.success if outcome.passed else shown.failure)(case_lines(outcome))
    tally = Tally(len(found.paths), results, broken, unreadable, found.count(NAMED_TWICE))
    if not text:
        emit(cases_report(rules, found, results, unrun, tally), fmt)
    if show_coverage:
        for line in coverage_lines(rules, coverage(ruleset, results)):
            click.echo(line)
    say(tally.summary(), quiet)
    sys.exit(tally.exit_code())


class FileLines:
    """What the run of one case file prints: its path, then each case's lines; with --quiet only the
    failures, under the path (printed before the first of them, not at all when there is none)."""

    def __init__(self, path: str, quiet: bool) -> None:
        self.path: str | None = path
        self.quiet = quiet
        if not quiet:
            self._path_once()

    def success(self, lines: list[str]) -> None:
        if not self.quiet:
            self._echo(lines)

    def failure(self, lines: list[str]) -> None:
        self._path_once()
        self._echo(lines)

    def _path_once(self) -> None:
        if self.path is not None:
            click.echo(self.path)
            self.path = None

    @staticmethod
    def _echo(lines: list[str]) -> None:
        for line in lines:
            click.echo(line)


class NoLines(FileLines):
    """What --format json or sarif prints while the cases run: nothing (the report comes at the end)."""

    def __init__(self) -> None:
        super().__init__("", quiet=True)

    def success(self, lines: list[str]) -> None:
        return None

    def failure(self, lines: list[str]) -> None:
        return None


def failure(rules: str, error: RulecheckError):
    """The report of a rule file that cannot be loaded, for --format json or sarif."""
    from ..report.machine import failure_report

    return failure_report("test", [rules], error)


def cases_report(rules: str, found: CaseFiles, results: list, unrun: list, tally: Tally):
    """The run for --format json or sarif: every case's outcome, and the findings of the cases and case
    files (facts that cannot be read, a case file with no case that can run)."""
    from ..report.machine import Report, finding

    findings = unrun + [d for r in results for d in r.diagnostics]
    sources = {name: source for r in results for name, source in r.sources.items()}
    summary = {"case_files": tally.files, "cases": len(results), "passed": len(results) - tally.failed,
               "failed": tally.failed, "files_with_no_case_that_can_run": tally.broken,
               "unreadable": tally.unreadable, "named_twice": tally.named_twice}
    cases = [case_record(r, finding) for r in results]
    files = [rules, *map(str, found.paths)]
    return Report("test", files, findings, summary, tally.exit_code(), {"cases": cases}, sources)


def case_record(outcome: CaseResult, finding) -> dict[str, object]:
    """A case as the JSON report lists it: where it is, whether it passed, each expectation with the
    score or grade found, and its own findings."""
    span = outcome.case.span
    return {"name": outcome.case.name, "file": outcome.case.file, "line": span.line if span else None,
            "passed": outcome.passed, "total": None if outcome.result is None else str(outcome.result.total),
            "grade": None if outcome.result is None else outcome.result.grade,
            "expectations": [expectation_record(c) for c in outcome.comparisons],
            "findings": [finding(d) for d in outcome.diagnostics]}


def expectation_record(comparison) -> dict[str, object]:
    expected = comparison.expectation
    difference = comparison.difference
    return {"target": expected.target, "expected": str(expected.value), "tolerance": str(expected.tolerance),
            "actual": None if comparison.actual is None else str(comparison.actual), "passed": comparison.passed,
            "difference": None if difference is None else str(difference),
            "line": expected.span.line if expected.span else None}


def suggest_cases(ruleset, rules: str, found: CaseFiles, output: str | None, quiet: bool = False) -> None:
    """Run the cases without showing them, and write a case per boundary, item or row they do not cover;
    exit 0 (with nothing written when every one is covered), 2 if the file cannot be written."""
    results = [run_case(ruleset, case) for path in found.paths for case in readable_cases(path)]
    covered = coverage(ruleset, results)
    if not suggestions(ruleset, covered, None):  # without base facts: no search, only what is missing
        say(_("every band row, boundary, checklist item and grade row is covered: no case to suggest"), quiet)
        sys.exit(Exit.CLEAN)
    base, values = suggested_base(ruleset, list(found.paths), results, output)
    made = suggestions(ruleset, covered, values)
    try:
        refuse_reading_output(output, [(_("a case file"), p) for p in found.paths] + [(_("the rule file"), rules)])
        content = render(ruleset, rules, base, made)
        if output is None:
            click.echo(content, nl=False)
        else:
            write_output(content, output)
    except RulecheckError as exc:
        fail(exc)
    say(suggested_summary(made, output), quiet)
    sys.exit(Exit.CLEAN)


def suggested_summary(made: list, output: str | None) -> str:
    """'40 cases suggested (3 with facts to fill in), written to todo.yaml'."""
    summary = ngettext("{count} case suggested", "{count} cases suggested", len(made), count=len(made))
    missing = sum(s.facts is None for s in made)
    if missing:
        summary = _("{cases} ({missing} with facts to fill in)", cases=summary, missing=missing)
    return _("{summary}, written to {output}", summary=summary, output=output) if output else summary


def readable_cases(path) -> list:
    """The cases of a case file, none if no case in it can run."""
    try:
        return load_cases(path)
    except RulecheckError:
        return []


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
    """The counts line, then each row, boundary and checklist item not covered, where it is written."""
    lines = ["", _("coverage of {rules}: {summary}", rules=rules, summary=found.summary())]
    listed: list[tuple[str, list]] = [
        (_("no case reaches:"), found.unreached),
        (_("no case reaches the boundary (a case at the threshold, just below and just above it):"),
         found.unreached_boundaries),
        (_("no case misses it alone (every other item of its checklist earned):"), found.never_missed_alone)]
    for heading, targets in listed:
        if targets:
            lines.append(heading)
            lines.extend(f"  {t.span}: {t.describe()}" for t in targets)
    if found.unreached_boundaries or found.never_missed_alone:
        lines.append(_("rulecheck test --suggest {rules} writes these cases for you to fill in", rules=rules))
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
