"""`rulecheck check`: every finding of the check and prove stages, for files or folders."""

from __future__ import annotations

import sys

import click

from ..api import analyze
from ..diagnostics import InputFileError, render_all
from . import Exit, fail, main, plural, rule_files_or_exit


@main.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check_command(paths, strict: bool) -> None:
    """Check rule files (or folders of *.rules): syntax, names, types, weights, bounds, band tables, directions."""
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
    click.echo(f"{plural(len(files), 'file')} checked: {plural(errors, 'error')}, {plural(warnings, 'warning')}",
               err=True)
    sys.exit(Exit.PROBLEMS if errors or (strict and warnings) else Exit.CLEAN)
