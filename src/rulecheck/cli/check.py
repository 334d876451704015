"""`rulecheck check`: every finding of the check and prove stages, for files or folders."""

from __future__ import annotations

import sys

import click

from ..api import analyze
from ..diagnostics import InputFileError, render_all
from ..i18n import N_, _, ngettext
from . import SUBCOMMANDS, Exit, fail, main, option, quiet_option, rule_files_or_exit, say


@main.command("check", help=SUBCOMMANDS["check"].help)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@option("--strict", is_flag=True, help=N_("Treat warnings as errors."))
@quiet_option()
def check_command(paths, strict: bool, quiet: bool) -> None:
    files = rule_files_or_exit(paths)
    errors = warnings = 0
    for path in files:
        try:
            analysis = analyze(path)
        except InputFileError as exc:
            fail(exc)
        diagnostics = analysis.diagnostics
        if diagnostics:
            click.echo(render_all(diagnostics, analysis.linked.sources))
        errors += sum(d.is_error for d in diagnostics)
        warnings += sum(not d.is_error for d in diagnostics)
    say(_("{files} checked: {errors}, {warnings}",
          files=ngettext("{count} file", "{count} files", len(files), count=len(files)),
          errors=ngettext("{count} error", "{count} errors", errors, count=errors),
          warnings=ngettext("{count} warning", "{count} warnings", warnings, count=warnings)), quiet)
    sys.exit(Exit.PROBLEMS if errors or (strict and warnings) else Exit.CLEAN)
