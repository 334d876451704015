"""`rulecheck score`: score one department and print the indicator tree, or many departments (a CSV,
JSON Lines file or folder, batch.py) and write one row each, with a summary on standard error."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..api import load
from ..batch import BATCH_FORMATS, Batch, count_rows, files_read, is_batch
from ..diagnostics import RulecheckError
from ..i18n import N_, _, ngettext
from ..inputs.tables import csv_encoding
from ..report import FORMATS, output_error, refuse_reading_output, render, write_output
from ..report.html_batch import percent
from ..syntax.printer import format_number
from . import SUBCOMMANDS, Exit, fail, main, option, output_option, quiet_option, say
from .facts import is_standard_input, read_facts

SINGLE_ONLY = ("table", "markdown")
PROGRESS_FROM = 1000  # rows; fewer are scored before a bar would be worth drawing
BAR_WIDTH = 40
MOST_LOST = 3  # the indicators where departments lose most, in the summary
FIGURES = {"min": N_("min"), "lower quartile": N_("lower quartile"), "median": N_("median"),
           "upper quartile": N_("upper quartile"), "max": N_("max"), "mean": N_("mean")}  # batch.Summary.figures


@main.command("score", help=SUBCOMMANDS["score"].help)
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.argument("facts", metavar="INPUT", type=click.Path(exists=True, allow_dash=True))
@option("--format", "fmt", type=click.Choice(FORMATS + tuple(f for f in BATCH_FORMATS if f not in FORMATS)),
        help=N_("Output format  [default: from the --output file's extension (.xlsx, .html, .json, .jsonl, .csv, "
                ".md), else table for one department, csv for many]"))
@option("--explain", is_flag=True, help=N_("Explain how each indicator's score was reached (one department)."))
@output_option(N_("Write to FILE instead of standard output."))
@option("--encoding", type=click.Choice(["utf-8", "gb18030", "gbk"], case_sensitive=False),
        help=N_("The CSV's encoding  [default: detected: UTF-8, or GB18030 (GBK)]"))
@option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
        help=N_("Score a batch in N worker processes; the report is the same  [default: the cores]"))
@quiet_option()
def score_command(rules: str, facts: str, fmt: str | None, explain: bool, output: str | None,
                  encoding: str | None = None, jobs: int | None = None, quiet: bool = False) -> None:
    stdin = is_standard_input(facts)
    batch = not stdin and is_batch(facts)
    fmt = fmt or format_of(output) or ("csv" if batch else "table")
    problem = usage_problem(fmt, batch, explain) or output_error(fmt, output)
    if problem:
        raise click.UsageError(problem)
    try:
        ruleset = load(rules)
        warn_of_findings(ruleset, rules)
        if batch:
            with csv_encoding(encoding):
                code = score_batch(ruleset, rules, facts, fmt, output, quiet, jobs)
            sys.exit(code)
        refuse_reading_output(output, files_read(ruleset, rules, facts))
        fact_set = read_facts(facts)
        result = ruleset.evaluate(fact_set, explain=explain)
        content = render(result, fmt, explain, department=None if stdin else Path(facts).stem,
                         name=fact_set.display_name)
        if output:
            write_output(content, output)
        else:
            click.echo(content)
    except RulecheckError as exc:  # an OutputError too: exit 2
        if fmt in ("json", "jsonl"):  # a program reading the JSON reads why there is none too
            echo_failure(exc, [rules, facts], fmt)
        fail(exc)


def echo_failure(error: RulecheckError, files: list[str], fmt: str) -> None:
    """The failure as JSON on standard output (report/machine.py, `failure_report`), before `fail` prints
    it as text on standard error and exits."""
    from ..report.machine import failure_report, render

    click.echo(render(failure_report("score", files, error), fmt))


SUFFIX_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".html": "html", ".htm": "html", ".json": "json",
                  ".jsonl": "jsonl", ".csv": "csv", ".md": "markdown"}


def format_of(output: str | None) -> str | None:
    """The format an output file's extension asks for (`-o 得分.xlsx` is a workbook, not CSV text in a
    file Excel then refuses), or None."""
    return SUFFIX_FORMATS.get(Path(output).suffix.lower()) if output else None


def usage_problem(fmt: str, batch: bool, explain: bool) -> str | None:
    if batch and fmt in SINGLE_ONLY:
        return _("--format {format} shows one department; for a CSV, a JSON Lines file or a folder, use "
                 "{formats} (or html, xlsx)", format=fmt, formats=", ".join(BATCH_FORMATS))
    if batch and explain:
        return _("--explain shows how one department was scored: score its facts file alone, or use rulecheck "
                 "explain")
    if not batch and fmt in BATCH_FORMATS and fmt not in FORMATS:
        return _("--format {format} writes one row per department: give a CSV, a JSON Lines file or a folder "
                 "as INPUT; for one facts file use table, markdown, json, html or xlsx", format=fmt)
    return None


def warn_of_findings(ruleset, rules: str) -> None:
    """A rule file `check` faults (a score that can leave its points, a band gap…) still scores, each
    score range-checked; say so once on standard error, so that nobody scores with it unawares."""
    errors = sum(d.is_error for d in ruleset.findings)
    if errors:
        click.echo(ngettext("warning: 'rulecheck check {rules}' reports {count} problem in this rule file; "
                            "scores outside their points are still refused",
                            "warning: 'rulecheck check {rules}' reports {count} problems in this rule file; "
                            "scores outside their points are still refused", errors, rules=rules, count=errors),
                   err=True)


def score_batch(ruleset, rules: str, path: str, fmt: str, output: str | None, quiet: bool = False,
                jobs: int | None = None) -> int:
    """Score every department of a CSV, JSON Lines file or folder (batch.Batch) in `jobs` processes (None:
    one per core; a batch too short to gain from a pool is scored in this one, workers.POOL_CHUNKS),
    print what concerns the whole input, then the departments that could not be scored and (unless
    quiet) the summary; returns the exit code."""
    if jobs is None:
        from ..workers import default_jobs
        jobs = default_jobs()
    batch = Batch(ruleset, path, fmt, output, rules, jobs=jobs)
    for diagnostic in batch.diagnostics:
        click.echo(diagnostic.render(), err=True)
    with progress(path, quiet) as bar:
        outcome = batch.run(bar.update)
    for failure in outcome.failures:
        click.echo("\n".join(d.render(failure.sources) for d in failure.diagnostics), err=True)
    say("\n".join(summary_lines(outcome.summary)), quiet)
    return Exit.CLEAN if outcome.clean else Exit.PROBLEMS


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def update(self, steps: int) -> None:
        return None


def progress(path: str, quiet: bool = False):
    """A progress bar on standard error for a long run at a terminal, else (or when quiet) nothing."""
    if quiet or not sys.stderr.isatty():
        return _NoBar()
    rows = count_rows(path)
    if rows <= PROGRESS_FROM:
        return _NoBar()
    # drawn about 500 times in all, not once for each of 100,000 departments
    return click.progressbar(length=rows, label=_("scoring"), file=sys.stderr, show_pos=True,
                             update_min_steps=max(rows // 500, 1))


def summary_lines(summary) -> list[str]:
    """The batch's summary as the command prints it: counts, grades, the totals' figures, a histogram."""
    lines = [ngettext("{count} department: {scored} scored, {failed} failed",
                      "{count} departments: {scored} scored, {failed} failed", summary.departments,
                      count=summary.departments, scored=summary.scored, failed=summary.failed)]
    if summary.grades:
        lines.append(_("grades: {grades}", grades=", ".join(f"{name} {count}" for name, count in summary.grades)))
    figures = summary.figures()
    if not figures:
        return lines
    lines.append(_("totals: {figures}", figures=", ".join(f"{_(FIGURES[name]) if name in FIGURES else name} {value}"
                                                         for name, value in figures.items())))
    bins = summary.histogram()
    tallest = max(count for _low, _high, count in bins)
    labels = [f"{format_number(low)}–{format_number(high)}" for low, high, _count in bins]
    width = max(map(len, labels))
    for label, (_low, _high, count) in zip(labels, bins):
        bar = "█" * max(count * BAR_WIDTH // tallest, 1) if count else ""
        lines.append(f"  {label:<{width}} {count:>{len(str(tallest))}} {bar}".rstrip())
    return lines + losses_lines(summary.indicators[:MOST_LOST])


def losses_lines(indicators) -> list[str]:
    """The indicators where departments lose most (batch.Losses, lowest average 得分率 first): each with
    its average 得分率 and the share of departments that lost points on it; none if none lost any."""
    losing = [losses for losses in indicators if losses.losing]
    if not losing:
        return []
    return [_("where departments lose most:"), *(
        "  " + _("{indicator}: average score rate {rate}, {share} of departments lose points", indicator=losses.name,
                 rate=percent(losses.rate), share=percent(losses.share_losing)) for losses in losing)]
