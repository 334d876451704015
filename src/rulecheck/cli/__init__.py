"""The `rulecheck` command: one module per subcommand, each parsing its arguments, calling the API,
printing, and picking the exit code. This module holds the group and what the subcommands share.

Exit codes, as black: 0 clean, 1 problems found (in rule files, facts or scoring), 2 usage or I/O error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from ..diagnostics import InputFileError, RulecheckError

RULE_SUFFIX = ".rules"


class Exit:
    CLEAN, PROBLEMS, USAGE = 0, 1, 2


def rule_files(paths) -> list[Path]:
    """The rule files named, with folders searched for *.rules."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{RULE_SUFFIX}")))
        else:
            found.append(path)
    return found


def fail(error: RulecheckError) -> NoReturn:
    click.echo(error.render(), err=True)
    sys.exit(Exit.USAGE if isinstance(error, InputFileError) else Exit.PROBLEMS)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rulecheck")
def main() -> None:
    """Read, run and check performance-evaluation scoring rules."""


def rule_files_or_exit(paths) -> list[Path]:
    """The rule files named; exit 2 (usage) if folders hold none."""
    files = rule_files(paths)
    if not files:
        click.echo(f"no {RULE_SUFFIX} files found in {', '.join(paths)}", err=True)
        sys.exit(Exit.USAGE)
    return files


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


# the subcommands register themselves on `main`
from . import check, diff, explain, fmt, score, test, verify  # noqa: E402, F401  (they import `main` from here)
