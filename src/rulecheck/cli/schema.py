"""`rulecheck schema`: the JSON Schema of score's JSON output (`results`), or of a ruleset's facts
(`facts RULES`), on standard output (rulecheck.schema)."""

from __future__ import annotations

import json
import sys

import click

from ..api import load
from ..diagnostics import RulecheckError
from ..i18n import _
from . import SUBCOMMANDS, Exit, fail, main


@main.command("schema", help=SUBCOMMANDS["schema"].help)
@click.argument("what", metavar="SCHEMA", type=click.Choice(["results", "facts"]))
@click.argument("rules", required=False, type=click.Path(exists=True, dir_okay=False))
def schema_command(what: str, rules: str | None) -> None:
    from ..schema import facts_schema, results_schema

    if (what == "facts") != (rules is not None):
        click.echo(_("'rulecheck schema facts' takes a rule file (rulecheck schema facts RULES); "
                     "'rulecheck schema results' takes none"), err=True)
        sys.exit(Exit.USAGE)
    if rules is None:
        schema = results_schema()
    else:
        try:
            ruleset = load(rules)
        except RulecheckError as exc:
            fail(exc)
        schema = facts_schema(ruleset.inputs, ruleset.required_inputs, ruleset.name)
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))
