"""`rulecheck score`: score a department and print the indicator tree."""

from __future__ import annotations

import click

from ..api import analyze, ruleset_from
from ..diagnostics import InputFileError, RulecheckError
from ..facts import load_facts
from ..report import FORMATS, render
from . import fail, main


@main.command("score")
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.argument("facts", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--explain", is_flag=True, help="Explain how each indicator's score was reached.")
def score_command(rules: str, facts: str, fmt: str, explain: bool) -> None:
    """Score one department: RULES is a rule file, FACTS a YAML or JSON facts file."""
    try:
        ruleset = ruleset_from(analyze(rules))
        fact_set = load_facts_or_fail(facts)
        result = ruleset.evaluate(fact_set, explain=explain)
    except RulecheckError as exc:
        fail(exc)
    click.echo(render(result, fmt, explain))


def load_facts_or_fail(path: str):
    try:
        return load_facts(path)
    except OSError as exc:
        raise InputFileError.single("E002", f"cannot read facts file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E002", "the facts file is not UTF-8 text", path) from None
