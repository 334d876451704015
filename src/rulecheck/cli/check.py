"""`rulecheck check`: every finding of the check and prove stages, for files or folders."""

from __future__ import annotations

import sys

import click

from ..analysis import analyze
from ..diagnostics import InputFileError, render_all
from ..i18n import N_, _, ngettext
from ..project import excluded
from . import (
    SUBCOMMANDS,
    Exit,
    collector_paused,
    emit,
    ends_process,
    exclude_option,
    fail,
    machine_format_option,
    main,
    option,
    quiet_option,
    rule_files_or_exit,
    say,
)


@main.command("check", help=SUBCOMMANDS["check"].help)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@option("--strict", is_flag=True, help=N_("Treat warnings as errors."))
@exclude_option()
@machine_format_option()
@quiet_option()
def check_command(paths, strict: bool, excludes: tuple[str, ...], fmt: str, quiet: bool) -> None:
    try:
        files = rule_files_or_exit(paths, excluded(excludes, paths))
    except InputFileError as exc:  # pyproject.toml cannot be read (E013)
        fail(exc)
    findings: list = []
    sources: dict = {}
    for number, path in enumerate(files, start=1):
        try:  # the last file's objects are frozen, not collected, when the process ends with the command
            with collector_paused(freeze=number == len(files) and ends_process()):
                analysis = analyze(path)
        except InputFileError as exc:
            if fmt == "text":
                fail(exc)
            findings.extend(exc.diagnostics)  # reported with the others, exit 2
            emit(check_report(files, findings, sources, strict, Exit.USAGE), fmt)
        diagnostics = analysis.diagnostics
        if diagnostics and fmt == "text":
            click.echo(render_all(diagnostics, analysis.linked.sources))
        findings.extend(diagnostics)
        sources.update(analysis.linked.sources)
    errors = sum(d.is_error for d in findings)
    warnings = len(findings) - errors
    code = Exit.PROBLEMS if errors or (strict and warnings) else Exit.CLEAN
    if fmt != "text":
        emit(check_report(files, findings, sources, strict, code), fmt)
    say(_("{files} checked: {errors}, {warnings}",
          files=ngettext("{count} file", "{count} files", len(files), count=len(files)),
          errors=ngettext("{count} error", "{count} errors", errors, count=errors),
          warnings=ngettext("{count} warning", "{count} warnings", warnings, count=warnings)), quiet)
    sys.exit(code)


def check_report(files, findings, sources, strict: bool, code: int):
    """What check found, for --format json or sarif (report/machine.py)."""
    from ..report.machine import Report

    errors = sum(d.is_error for d in findings)
    summary = {"files": len(files), "errors": errors, "warnings": len(findings) - errors, "strict": strict}
    return Report("check", [str(f) for f in files], findings, summary, code, sources=sources)
