"""`rulecheck lsp`: the language server, over standard input and output (rulecheck.lsp). pygls is
imported only when the command runs: it is an optional extra, and no other command pays for it."""

from __future__ import annotations

import sys

import click

from ..i18n import _
from . import SUBCOMMANDS, Exit, main


@main.command("lsp", help=SUBCOMMANDS["lsp"].help)
def lsp_command() -> None:
    try:
        from ..lsp.server import serve
    except ImportError as exc:
        click.echo(_("the language server needs pygls: pip install 'rulecheck[lsp]' ({reason})", reason=exc),
                   err=True)
        sys.exit(Exit.USAGE)
    serve()
