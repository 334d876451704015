"""`rulecheck fmt`: rewrite rule files in the canonical layout (layout.py)."""

from __future__ import annotations

import sys

import click

from ..diagnostics import RulecheckError
from ..syntax.layout import layout_file
from . import Exit, main, rule_files_or_exit


@main.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if a file is not in canonical layout.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
def fmt_command(paths, check_only: bool, diff: bool) -> None:
    """Rewrite rule files (or folders of *.rules) in the canonical layout."""
    files = rule_files_or_exit(paths)
    write = not (check_only or diff)
    changed = failed = 0
    for path in files:
        try:
            layout = layout_file(path)
        except RulecheckError as exc:  # the file does not parse, or cannot be read: left as it is
            click.echo(exc.render(), err=True)
            failed += 1
            continue
        if not layout.changed:
            continue
        if diff:
            click.echo(layout.diff(), nl=False)
        if write:
            try:
                layout.write()
            except RulecheckError as exc:  # cannot be written: the file is as it was
                click.echo(exc.render(), err=True)
                failed += 1
                continue
        changed += 1
        click.echo(f"{'reformatted' if write else 'would reformat'} {path}", err=True)
    click.echo(fmt_summary(len(files), changed, failed, write), err=True)
    sys.exit(Exit.USAGE if failed else Exit.PROBLEMS if check_only and changed else Exit.CLEAN)


def fmt_summary(files: int, changed: int, failed: int, written: bool) -> str:
    summary = f"{files} file{'s' if files != 1 else ''}: {changed} {'reformatted' if written else 'to reformat'}, " \
              f"{files - changed - failed} unchanged"
    return summary + (f", {failed} with errors" if failed else "")
