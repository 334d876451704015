"""`rulecheck export`: the framework as the table a finance bureau publishes (publish/)."""

from __future__ import annotations

import click

from ..api import load
from ..diagnostics import RulecheckError
from ..i18n import N_, _, speaking
from ..publish import WRITERS, build_table, render_table
from ..report import output_error, refuse_reading_output, write_output
from . import SUBCOMMANDS, fail, main, option, output_option

BINARY = ("xlsx", "docx")


@main.command("export", help=SUBCOMMANDS["export"].help)
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@option("--format", "fmt", type=click.Choice(tuple(WRITERS)), default="md", show_default=True,
        help=N_("The table's format: Markdown, an Excel workbook or a Word document."))
@output_option(N_("Write to FILE instead of standard output."))
def export_command(rules: str, fmt: str, output: str | None) -> None:
    if fmt in BINARY and output is None:
        raise click.UsageError(_("--format {format} writes a binary file, which cannot go to the terminal: add "
                                 "--output FILE, e.g. --output table.{format}", format=fmt))
    problem = output_error(fmt, output) if output else None
    if problem:
        raise click.UsageError(problem)
    try:
        refuse_reading_output(output, [(_("the rule file"), rules)])
        ruleset = load(rules)
        with speaking("zh"):  # the published table is Chinese, whatever the language of the messages
            content = render_table(build_table(ruleset.program), fmt)
        if output:
            write_output(content, output)
        else:
            click.echo(content, nl=False)
    except RulecheckError as exc:  # an OutputError too: exit 2
        fail(exc)
