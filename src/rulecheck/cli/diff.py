"""`rulecheck diff`: what changed between two versions of a rule file, and whose scores it moves (rulecheck.diff)."""

from __future__ import annotations

import json
import os
import sys

import click

from ..cases import cases_folder
from ..diagnostics import InputFileError, RuleFileError, render_all
from ..diff import (
    Corpus,
    CorpusError,
    Diff,
    Version,
    compare,
    impact,
    load_versions,
    render_json,
    render_text,
    sources_of,
)
from ..i18n import N_, _, ngettext
from . import SUBCOMMANDS, Exit, emit, fail, machine_format_option, main, option


@main.command("diff", help=SUBCOMMANDS["diff"].help)
@click.argument("old")
@click.argument("new")
@option("--facts", "facts_paths", multiple=True, type=click.Path(exists=True), metavar="PATH",
        help=N_("Score these departments with both versions: a facts file, a folder of them, a CSV or a JSON "
                   "Lines file (may be given more than once)."))
@option("--cases", "with_cases", is_flag=True,
        help=N_("Score the case files beside NEW (cases/**/*.case.yaml) with both versions."))
@option("--allow-changes", is_flag=True,
        help=N_("Exit 0 even when the meaning or scores change (after a reviewer has accepted the change); "
                "not when a version has errors."))
@machine_format_option()
def diff_command(old: str, new: str, facts_paths: tuple, with_cases: bool, allow_changes: bool, fmt: str) -> None:
    try:
        versions = load_versions(old, new)
    except InputFileError as exc:
        if fmt == "text":
            fail(exc)
        emit(failure(old, new, exc, Exit.USAGE), fmt)
    except RuleFileError as exc:
        if fmt != "text":
            emit(failure(old, new, exc, Exit.USAGE), fmt)
        click.echo(exc.render(), err=True)
        click.echo(_("cannot compare: fix what 'rulecheck check' reports first"), err=True)
        sys.exit(Exit.USAGE)
    errors = tuple(d for version in versions for d in version.errors)
    if errors:
        report_errors(versions, errors)
    effects, inputs = None, ()
    if facts_paths or with_cases:
        corpus = read_corpus(versions, facts_paths, with_cases)
        if corpus.problems:
            click.echo(render_all(corpus.problems), err=True)
        try:
            departments = corpus.whole()
        except CorpusError as exc:
            fail(exc)
        effects, inputs = tuple(impact(*versions, departments)), corpus.labels
    diff = Diff(old, new, tuple(compare(*versions)), effects, inputs, errors)
    code = Exit.PROBLEMS if errors or (diff.needs_review and not allow_changes) else Exit.CLEAN
    if fmt != "text":
        emit(diff_report(diff, versions, code), fmt)
    click.echo(render_text(diff))
    sys.exit(code)


def failure(old: str, new: str, error, code: int):
    """A version that cannot be read or compiled, for --format json or sarif (exit 2, as in text)."""
    from ..report.machine import failure_report

    return failure_report("diff", [old, new], error, code)


def diff_report(diff: Diff, versions: tuple[Version, Version], code: int):
    """The comparison for --format json (its keys as before: old, new, changes, departments, errors; then
    those every command's report has) or sarif (the errors of the versions as results)."""
    from ..report.machine import Report

    summary = {"changes": len(diff.sections), "needs_review": diff.needs_review, "errors": len(diff.errors),
               "departments": None if diff.effects is None else len(diff.effects),
               "departments_changed": len(diff.changed), "departments_unscored": len(diff.unscored)}
    return Report("diff", [diff.old, diff.new], diff.errors, summary, code, json.loads(render_json(diff)),
                  sources_of(versions), extra_first=True)


def report_errors(versions: tuple[Version, Version], errors: tuple) -> None:
    """The errors of a version that still scores, as `rulecheck check` prints them, before the
    comparison: a reviewer sees whom an overlap or a gap would move before anyone fixes it."""
    click.echo(render_all(errors, sources_of(versions)), err=True)
    click.echo(ngettext("{count} error (above): compared all the same, as the file scores now (the first matching "
                        "band wins; a value no band covers cannot be scored)",
                        "{count} errors (above): compared all the same, as the files score now (the first matching "
                        "band wins; a value no band covers cannot be scored)", len(errors), count=len(errors)),
               err=True)


def read_corpus(versions: tuple[Version, Version], facts_paths: tuple, with_cases: bool) -> Corpus:
    """The departments of --facts and --cases, as a Corpus; exit 2 if an input cannot be read at all, or
    --cases finds no case file beside NEW."""
    names: set[str] = set()  # the inputs either version declares
    for version in versions:
        checked = version.analysis.checked
        assert checked is not None  # load_versions raises RuleFileError for a version that does not compile
        names.update(checked.symbols.inputs)
    corpus = Corpus(names)
    try:
        read: set[str] = set()
        for path in facts_paths:
            if os.path.realpath(path) not in read:  # a file named twice (or by two names) is read once
                read.add(os.path.realpath(path))
                corpus.add_facts(path)
    except InputFileError as exc:
        fail(exc)
    new, folder = versions[1].path, cases_folder(versions[1].path)
    if with_cases and not corpus.add_cases(folder):
        click.echo(_("no case files (*.case.yaml) in {folder}, the folder beside {new} where --cases looks",
                     folder=folder, new=new), err=True)
        sys.exit(Exit.USAGE)
    return corpus
