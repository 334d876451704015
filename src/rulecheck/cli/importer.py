"""`rulecheck import`: an official table (.xlsx) turned into a rule-file skeleton (publish/reader.py)."""

from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import RulecheckError
from ..i18n import N_, _
from ..publish import read_table, skeleton
from ..report import output_error, refuse_reading_output, write_output
from . import SUBCOMMANDS, fail, main, output_option


@main.command("import", help=SUBCOMMANDS["import"].help)
@click.argument("table", type=click.Path(exists=True, dir_okay=False))
@output_option(N_("Write to FILE instead of standard output."))
def import_command(table: str, output: str | None) -> None:
    problem = output_error("rules", output) if output else None
    if problem:
        raise click.UsageError(problem)
    try:
        refuse_reading_output(output, [(_("the table"), table)])
        text = skeleton(read_table(table), Path(table).name)
        if output:
            write_output(text, output)
            click.echo(_("wrote {file}: fill in each TODO, then run rulecheck check {file}", file=output), err=True)
        else:
            click.echo(text, nl=False)
    except RulecheckError as exc:  # an OutputError too: exit 2
        fail(exc)
