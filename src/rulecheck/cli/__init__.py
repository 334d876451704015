"""The `rulecheck` command: one module per subcommand, each parsing its arguments, calling the API,
printing, and picking the exit code. This module holds the group and what the subcommands share.

Exit codes, as black: 0 clean, 1 problems found (in rule files, facts or scoring), 2 usage or I/O error.

Language: `--lang zh|en` (on the group, and on every subcommand), else RULECHECK_LANG, else the locale
(rulecheck.i18n). `Group.main` pre-scans the arguments for `--lang` so that even the first message (a
usage error, the help) is in it; the option's callback sets it again, and rejects another language
(exit 2). Help texts stay English in the source, marked with N_(), and are translated when the help is
formatted (`Command`, `Group` below). Click's own messages ("Usage:", "Error: No such option…") are
gettext messages of click: while `main` runs, and only then, the `_`/`ngettext` names of click's
modules are pointed at rulecheck's catalog (which holds click's messages too, scripts/catalogs.py), and
put back afterwards; the process-wide gettext domain is left alone.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from ..diagnostics import InputFileError, RulecheckError
from ..i18n import LANGUAGES, N_, LanguageError, _, ngettext, normalize, set_language, speaking
from ..report.output import OutputError

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
    """Print the error and exit: 2 (usage or I/O) for a file that cannot be read or an output that cannot
    be written, else 1 (problems found)."""
    click.echo(error.render(), err=True)
    sys.exit(Exit.USAGE if isinstance(error, (InputFileError, OutputError)) else Exit.PROBLEMS)


CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils",
                 "_termui_impl", "shell_completion")


def translated(help_text: str) -> str:
    """A help text marked with N_() where it is written, in the current language (cleaned as click does)."""
    cleaned = inspect.cleandoc(help_text)  # as click shows it, and as the catalog holds it
    return _(cleaned)


@contextlib.contextmanager
def click_speaking_ours() -> Iterator[None]:
    """Within the block, click's messages come from rulecheck's catalog, in rulecheck's language."""
    saved: list[tuple[Any, str, Any]] = []
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover  (a module of another click version)
            continue
        for attribute, ours in (("_", _), ("ngettext", ngettext)):  # without values: translated only
            if hasattr(module, attribute):
                saved.append((module, attribute, getattr(module, attribute)))
                setattr(module, attribute, ours)
    try:
        yield
    finally:
        for module, attribute, theirs in reversed(saved):
            setattr(module, attribute, theirs)


def requested_language(args: list[str]) -> str | None:
    """The language a `--lang X` / `--lang=X` among `args` names (before a `--`), if it is one we speak."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:] if arg.startswith("--lang=") else None
        if value is not None:
            with contextlib.suppress(LanguageError):
                return normalize(value)
    return None


def choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            set_language(value)
        except LanguageError:
            raise click.BadParameter(_("rulecheck speaks {languages}, not {lang!r}",
                                       languages=" / ".join(LANGUAGES), lang=value), ctx, param) from None
    return value


def lang_option() -> click.Option:
    return Option(["--lang"], metavar="zh|en", expose_value=False, is_eager=True, callback=choose_language,
                  help=N_("Language of the messages: zh (Chinese) or en (English)  "
                          "[default: RULECHECK_LANG, else the locale]"))


class Option(click.Option):
    """An option whose help (marked with N_()) is translated when the help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        english = self.help
        if english:
            self.help = translated(english)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = english


def option(*decls: str, **attrs: Any):
    """click.option, its help translated when shown (`Option`)."""
    return click.option(*decls, cls=Option, **attrs)


class TranslatedHelp(click.Command):
    """A command (or the group) whose help, and its options' help, marked with N_(), is translated when
    shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated_help(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated_help(self):
            return super().get_short_help_str(limit)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated_options(self, ctx):
            super().format_options(ctx, formatter)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return english_help_option(super().get_help_option(ctx))


class Command(TranslatedHelp):
    """A subcommand: its help translated when shown (TranslatedHelp), and it takes --lang."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(lang_option())


def english_help_option(option: click.Option | None) -> click.Option | None:
    """Click makes (and keeps) the --help option with its help already translated: keep the English one,
    translated when shown, so that a command shown in Chinese once is not Chinese ever after."""
    if option is not None and not isinstance(option, Option):
        option.__class__ = Option
        option.help = N_("Show this message and exit.")
    return option


@contextlib.contextmanager
def translated_help(command: click.Command) -> Iterator[None]:
    english = command.help
    if english:
        command.help = translated(english)
    try:
        yield
    finally:
        command.help = english


@contextlib.contextmanager
def translated_options(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """The help of options not made by `Option` (click's --help, --version) translated meanwhile."""
    saved = [(param, param.help) for param in command.get_params(ctx)
             if isinstance(param, click.Option) and not isinstance(param, Option) and param.help]
    for param, english in saved:
        param.help = translated(english)
    try:
        yield
    finally:
        for param, english in saved:
            param.help = english


class Group(TranslatedHelp, click.Group):
    """The `rulecheck` group: its subcommands are `Command`s; `main` speaks the language asked for."""

    command_class = Command

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        with speaking(requested_language(argv)), click_speaking_ours():
            return super().main(args, *rest, **kwargs)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Read, run and check performance-evaluation scoring rules."))
@click.version_option(package_name="rulecheck", help=N_("Show the version and exit."))
def main() -> None:
    pass


main.params.insert(0, lang_option())


def rule_files_or_exit(paths) -> list[Path]:
    """The rule files named; exit 2 (usage) if folders hold none."""
    files = rule_files(paths)
    if not files:
        click.echo(_("no {suffix} files found in {paths}", suffix=RULE_SUFFIX, paths=", ".join(paths)), err=True)
        sys.exit(Exit.USAGE)
    return files


# the subcommands register themselves on `main`
from . import check, diff, explain, export, fmt, importer, score, test, verify  # noqa: E402, F401  (they import `main` from here)
