"""`rulecheck fmt`: rewrite rule files in the canonical layout (layout.py)."""

from __future__ import annotations

import sys

import click

from ..diagnostics import InputFileError, RulecheckError
from ..i18n import N_, _, ngettext
from ..project import excluded
from ..syntax.layout import layout_file
from . import SUBCOMMANDS, Exit, exclude_option, fail, main, option, quiet_option, rule_files_or_exit, say


@main.command("fmt", help=SUBCOMMANDS["fmt"].help)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@option("--check", "check_only", is_flag=True,
        help=N_("Write nothing; exit 1 if a file is not in canonical layout."))
@option("--diff", is_flag=True, help=N_("Write nothing; print a unified diff of the changes."))
@exclude_option()
@quiet_option()
def fmt_command(paths, check_only: bool, diff: bool, excludes: tuple[str, ...], quiet: bool) -> None:
    try:
        files = rule_files_or_exit(paths, excluded(excludes, paths))
    except InputFileError as exc:  # pyproject.toml cannot be read (E013)
        fail(exc)
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
        say(_("reformatted {path}", path=path) if write else _("would reformat {path}", path=path), quiet)
    say(fmt_summary(len(files), changed, failed, write), quiet)
    sys.exit(Exit.USAGE if failed else Exit.PROBLEMS if check_only and changed else Exit.CLEAN)


def fmt_summary(files: int, changed: int, failed: int, written: bool) -> str:
    unchanged = files - changed - failed
    if written:
        return (ngettext("{files} file: {changed} reformatted, {unchanged} unchanged, {failed} with errors",
                         "{files} files: {changed} reformatted, {unchanged} unchanged, {failed} with errors",
                         files, files=files, changed=changed, unchanged=unchanged, failed=failed) if failed else
                ngettext("{files} file: {changed} reformatted, {unchanged} unchanged",
                         "{files} files: {changed} reformatted, {unchanged} unchanged",
                         files, files=files, changed=changed, unchanged=unchanged))
    return (ngettext("{files} file: {changed} to reformat, {unchanged} unchanged, {failed} with errors",
                     "{files} files: {changed} to reformat, {unchanged} unchanged, {failed} with errors",
                     files, files=files, changed=changed, unchanged=unchanged, failed=failed) if failed else
            ngettext("{files} file: {changed} to reformat, {unchanged} unchanged",
                     "{files} files: {changed} to reformat, {unchanged} unchanged",
                     files, files=files, changed=changed, unchanged=unchanged))
