"""The `rulecheck` command: one module per subcommand, each parsing its arguments, calling the API,
printing, and picking the exit code. This module holds the group and what the subcommands share.

A subcommand's module is imported only when that command runs (or the group's help lists it): its
imports (the API, hypothesis, openpyxl…) are paid for by the commands that use them, and `rulecheck
check` starts fast. SUBCOMMANDS below names each command's module and holds its help (which `rulecheck
--help` lists without importing anything); the module registers its command on `main` when imported
(`@main.command("check", help=SUBCOMMANDS["check"].help)`). A new command: a module here, and an entry
in SUBCOMMANDS.

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

import gc

# No garbage collection while click and the modules every command shares are imported (the standard
# library's among them: inspect, pathlib), as while a command's own are (collector_paused): what they
# make is then frozen out of later collections (else the first one walked it all again), and the
# collector is as it was.
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import contextlib
    import importlib
    import inspect
    import sys
    from collections.abc import Callable, Iterator, Mapping, MutableMapping
    from pathlib import Path
    from typing import Any, NamedTuple, NoReturn

    import click

    from ..diagnostics import InputFileError, RulecheckError
    from ..i18n import LANGUAGES, N_, LanguageError, _, ngettext, normalize, set_language, speaking
finally:
    gc.freeze()
    if _COLLECTING:
        gc.enable()

RULE_SUFFIX = ".rules"
STANDARD_STREAM = "-"  # as a facts file: read standard input; as --output: write standard output


class Subcommand(NamedTuple):
    """A command of the group: the module of this package that registers it (imported when the command
    is first asked for), and its help, here so that `rulecheck --help` lists it without importing it."""
    module: str
    help: str


SUBCOMMANDS = {
    "check": Subcommand("check", N_(
        'Check rule files (or folders of *.rules): syntax, names, types, weights, bounds, band tables, directions.')),
    "diff": Subcommand("diff", N_(
        'Compare two versions of a rule file: OLD and NEW are paths, or git revisions as REV:path\n'
        '(HEAD~1:rules/shenzhen/framework.rules).\n'
        '\n'
        'Prints the changes in meaning (indicators, points, band thresholds, formulas, inputs, ...), then,\n'
        'with --facts or --cases, every department whose scores change. A version with errors that still\n'
        'scores (a band overlap or gap) has its errors printed first, and is compared. Exit 1 when the\n'
        'meaning or some department\'s scores change, or a version has errors; 0 when not; 2 when a version\n'
        'cannot be read or compiled, or a department given cannot be read.')),
    "explain": Subcommand("explain", N_(
        "Explain how a department's scores were reached, step by step, each step beside the line of\n"
        "RULES it comes from. FACTS is one department's YAML or JSON facts file.\n"
        '\n'
        'With INDICATOR (an indicator, a part of one, or a group), explain only that indicator, or every\n'
        'indicator of the group; without it, every indicator, then the total and the grade.')),
    "export": Subcommand("export", N_(
        "Write RULES as the official table: 一级指标 / 二级指标 / 三级指标, 分值, 指标解释, 评分标准, the 评分标准 "
        "rendered in Chinese from the rules themselves.")),
    "fmt": Subcommand("fmt", N_(
        'Rewrite rule files (or folders of *.rules) in the canonical layout.')),
    "import": Subcommand("importer", N_(
        "Read TABLE (an .xlsx with the headings 一级指标 … 分值, 指标解释, 评分标准) and write a rule-file skeleton: "
        "the tree and points, each leaf's texts as comments and a placeholder rule marked TODO.")),
    "lsp": Subcommand("lsp", N_(
        "Run the language server (LSP, over standard input and output) for editors: findings as you type, "
        "verify on save, hover, completion, go to definition, rename, formatting and quick fixes.")),
    "schema": Subcommand("schema", N_(
        "Print a JSON Schema: 'results', of what 'score --format json' prints (a department, a failure, a batch,\n"
        "a JSON Lines row); or 'facts RULES', of the facts RULES reads (types, domains, grade values, what is\n"
        "required), to check facts or build an input form from.")),
    "score": Subcommand("score", N_(
        'Score one department, or many: RULES is a rule file; INPUT a YAML or JSON facts file, or a CSV\n'
        '(a row per department), a JSON Lines file (a line each) or a folder of facts files.')),
    "test": Subcommand("test", N_(
        'Run cases (*.case.yaml files, or folders of them) against RULES; by default, those under the\n'
        'cases/ folder beside RULES.')),
    "verify": Subcommand("verify", N_(
        "Test every leaf's bounds and every declared direction with generated facts, and walk each input "
        "for what check cannot decide.\n"
        '\n'
        "Facts are drawn inside the declared domains (often at the rules' own thresholds); a violation is\n"
        'shrunk to the simplest facts that show it and printed as a snippet to paste into a case.')),
}


class Exit:
    CLEAN, PROBLEMS, USAGE = 0, 1, 2


def rule_files(paths, skip: Callable[[Path], bool] | None = None) -> list[Path]:
    """The rule files named, with folders searched for *.rules (less those `skip` excludes: --exclude)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(file for file in sorted(path.rglob(f"*{RULE_SUFFIX}")) if skip is None or not skip(file))
        else:
            found.append(path)
    return found


def fail(error: RulecheckError) -> NoReturn:
    """Print the error and exit: 2 (usage or I/O) for a file that cannot be read or an output that cannot
    be written, else 1 (problems found)."""
    from ..report.output import OutputError  # the report package: only for the commands that write one

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


@contextlib.contextmanager
def collector_paused(freeze: bool = True) -> Iterator[None]:
    """No garbage collection while a command's modules are imported: what they make (functions, classes,
    tables) lives as long as the process, so each collection then only walked it all again (a tenth of
    `rulecheck check`, issue 13). Afterwards it is frozen out of later collections (gc.freeze: freed by
    reference counting as before, never walked again) and collection resumes, so a long command (score,
    lsp) frees its garbage as it always did. Without `freeze`, for a short piece of work that makes many
    objects (check's analysis of one file): one collection afterwards, instead of dozens meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name, as click.Group keeps them: every name of `modules` is listed at
    once, and its module imported (registering its command) the first time the command is asked for;
    while `listing`, a command not imported yet is a stand-in that only has its help."""

    def __init__(self, modules: Mapping[str, Subcommand]) -> None:
        self.modules = dict(modules)  # command name → its module of this package, and its help
        self.loaded: dict[str, click.Command] = {}
        self.listing = False

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded and name in self.modules:
            if self.listing:
                return Command(name, help=self.modules[name].help)
            with collector_paused():
                importlib.import_module(f"{__name__}.{self.modules[name].module}")
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.loaded.pop(name, None)
        self.modules.pop(name, None)

    def __contains__(self, name: object) -> bool:  # without importing anything
        return name in self.loaded or name in self.modules

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.loaded.keys() | self.modules.keys()))

    def __len__(self) -> int:
        return len(self.loaded.keys() | self.modules.keys())


class Group(TranslatedHelp, click.Group):
    """The `rulecheck` group: its subcommands are `Command`s, imported lazily (`LazyCommands`); `main`
    speaks the language asked for."""

    command_class = Command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands in the help, from SUBCOMMANDS: importing every command to list them
        would take longer than running one."""
        commands = self.commands
        assert isinstance(commands, LazyCommands)
        commands.listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            commands.listing = False

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        with speaking(requested_language(argv)), click_speaking_ours():
            return super().main(args, *rest, **kwargs)


@click.group(cls=Group, commands=LazyCommands(SUBCOMMANDS), context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Read, run and check performance-evaluation scoring rules."))
@click.version_option(package_name="rulecheck", help=N_("Show the version and exit."))
def main() -> None:
    pass


main.params.insert(0, lang_option())


def standard_output_for_dash(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--output -` is standard output, as no --output is (not a file named '-')."""
    return None if value == STANDARD_STREAM else value


def output_option(help_text: str):
    """The --output / -o option of a command that writes a report or a file; `-` is standard output."""
    return option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
                  callback=standard_output_for_dash, help=help_text)


def quiet_option():
    """--quiet / -q: only findings and errors are printed, the exit code is the same (`say` is silenced)."""
    return option("--quiet", "-q", is_flag=True,
                  help=N_("Print only findings and errors: nothing when all is well (the exit code is the same)."))


def machine_format_option():
    """--format text|json|sarif of check, verify, test and diff (report/machine.py)."""
    return option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
                  help=N_("Output format: text for people; json (a versioned report, docs/cli.md) or sarif "
                          "(SARIF 2.1.0, for code-scanning annotations) for programs, on standard output."))


def emit(report, fmt: str) -> NoReturn:
    """Print a machine.Report in `fmt` (json, sarif) on standard output, and exit with its exit code."""
    from ..report.machine import emit as print_report  # the report package: only for the commands that write one

    print_report(report, fmt)


def exclude_option():
    """--exclude GLOB of check and fmt (rulecheck.project)."""
    return option("--exclude", "excludes", multiple=True, metavar="GLOB",
                  help=N_("Skip the files a glob matches (tests/data/bad/**) when searching folders; may be "
                          "given more than once, adds to [tool.rulecheck] exclude in pyproject.toml."))


def say(message: str, quiet: bool) -> None:
    """A line on standard error that --quiet silences: a summary, a file reformatted, a verdict."""
    if not quiet:
        click.echo(message, err=True)


def rule_files_or_exit(paths, skip: Callable[[Path], bool] | None = None) -> list[Path]:
    """The rule files named (`rule_files`); exit 2 (usage) if folders hold none."""
    files = rule_files(paths, skip)
    if not files:
        click.echo(_("no {suffix} files found in {paths}", suffix=RULE_SUFFIX, paths=", ".join(paths)), err=True)
        sys.exit(Exit.USAGE)
    return files



_ENDS_PROCESS = False  # set by run: the process ends when the command does


def ends_process() -> bool:
    """Whether the process ends when the command does (it runs as the program: `run`), so that what the
    command makes last need never be collected (check's last file)."""
    return _ENDS_PROCESS


def run() -> NoReturn:
    """`rulecheck` as a program (`python -m rulecheck`; the `rulecheck` script, once it points here): the
    command, then the exit (`leave`)."""
    global _ENDS_PROCESS
    _ENDS_PROCESS = True
    try:
        main(prog_name="rulecheck")
    except SystemExit as exc:
        leave(exc.code)
    leave(Exit.CLEAN)


def leave(code: Any) -> NoReturn:
    """Exit with `code` once the output is flushed, without the interpreter tearing down every module and
    object first (a fifth of `rulecheck check`'s run; mypy leaves so too). The ordinary exit instead when
    something may still need it: another thread or a worker process still running, a flush that fails."""
    import os
    import threading

    children = sys.modules.get("multiprocessing")
    busy = threading.active_count() > 1 or (children is not None and children.active_children())
    if busy or not isinstance(code, int):
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the ordinary exit say so
        sys.exit(code)
    os._exit(code)
