"""Fast start (issue 13 point 4): the parser's tables cached on disk (syntax/lark_cache.py), the subcommands
and the package's public names imported only when used. What is tested is the behaviour (what is cached
where, what is imported when, that nothing breaks without a cache); the time itself is measured by
benchmarks/startup.py, never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from lark import Lark

from rulecheck.cli import SUBCOMMANDS, main
from rulecheck.syntax import lark_cache
from rulecheck.syntax.grammar import grammar_text, lark_parser

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"
SMALL_GRAMMAR = 'start: WORD+\n%import common.CNAME -> WORD\n%ignore " "\n'
OPTIONS = {"parser": "lalr", "start": "start"}


def entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def python(code: str, **env: str) -> str:
    """What `code` prints, run by a fresh interpreter (nothing imported yet)."""
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                               cwd=ROOT, env={**os.environ, **env}, check=True)
    return completed.stdout


class NoBuild(Lark):
    """A Lark that cannot be built from a grammar, only loaded: proves a parser came from the cache."""

    def __init__(self, *args, **kwargs):
        raise AssertionError("the parser was built, not loaded from the cache")


def test_a_parser_built_once_is_loaded_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RULECHECK_CACHE_DIR", str(tmp_path))
    built = lark_cache.cached_lark(SMALL_GRAMMAR, **OPTIONS)
    assert len(entries(tmp_path)) == 1 and entries(tmp_path)[0].endswith(lark_cache.ENTRY_SUFFIX)  # no leftovers
    monkeypatch.setattr(lark_cache, "Lark", NoBuild)
    loaded = lark_cache.cached_lark(SMALL_GRAMMAR, **OPTIONS)
    assert loaded.parse("a b c") == built.parse("a b c")


def test_the_cached_rulecheck_parser_parses_as_the_built_one(tmp_path, monkeypatch):
    monkeypatch.setenv("RULECHECK_CACHE_DIR", str(tmp_path))
    text = FRAMEWORK.read_text(encoding="utf-8")
    options = lark_parser().options.options  # as grammar.lark_parser gives them
    wanted = {name: options[name] for name in ("parser", "propagate_positions", "maybe_placeholders", "start")}
    wanted["postlex"] = type(options["postlex"])()
    built = lark_cache.cached_lark(grammar_text(), **wanted)
    loaded = lark_cache.load_entry(tmp_path / entries(tmp_path)[0], wanted)
    assert loaded is not None
    assert loaded.options.propagate_positions and isinstance(loaded.options.postlex, type(options["postlex"]))
    mine, theirs = loaded.parse(text), built.parse(text)
    assert mine == theirs
    assert [(t.meta.line, t.meta.column) for t in mine.iter_subtrees()] == \
        [(t.meta.line, t.meta.column) for t in theirs.iter_subtrees()]


def test_the_cache_is_data_not_code(tmp_path, monkeypatch):
    """An entry is JSON: a file planted in the cache folder (a CI cache another job wrote) can make no
    code run, as a pickle would."""
    monkeypatch.setenv("RULECHECK_CACHE_DIR", str(tmp_path))
    lark_cache.cached_lark(SMALL_GRAMMAR, **OPTIONS)
    saved = json.loads((tmp_path / entries(tmp_path)[0]).read_text(encoding="utf-8"))
    assert set(saved) == {"data", "memo"}


def test_another_grammar_or_other_options_get_another_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("RULECHECK_CACHE_DIR", str(tmp_path))
    first = lark_cache.entry_path(SMALL_GRAMMAR, OPTIONS)
    assert lark_cache.entry_path(SMALL_GRAMMAR + "// a comment\n", OPTIONS) != first
    assert lark_cache.entry_path(SMALL_GRAMMAR, {**OPTIONS, "maybe_placeholders": False}) != first
    # given again at each load, these do not change the tables
    assert lark_cache.entry_path(SMALL_GRAMMAR, {**OPTIONS, "propagate_positions": True}) == first
    assert lark_cache.entry_path(SMALL_GRAMMAR, dict(reversed(OPTIONS.items()))) == first


def test_the_entry_of_the_real_parser_has_the_same_name_in_every_process():
    """The key describes the Indenter by its settings, never by an address that changes from run to run."""
    code = """
        from rulecheck.syntax import grammar, lark_cache
        print(lark_cache.tables_key(grammar.grammar_text(), {"postlex": grammar.RuleIndenter()}))
    """
    assert python(code) == python(code)


@pytest.mark.parametrize("unusable", ["under-a-file", "empty"])
def test_without_a_usable_cache_folder_the_parser_is_built_silently(tmp_path, monkeypatch, unusable):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = str(blocker / "cache") if unusable == "under-a-file" else ""  # mkdir fails; or: no cache at all
    monkeypatch.setenv("RULECHECK_CACHE_DIR", folder)
    parser = lark_cache.cached_lark(SMALL_GRAMMAR, **OPTIONS)
    assert parser.parse("a b").children == ["a", "b"]
    assert entries(tmp_path) == ["a-file"]


def test_a_read_only_cache_folder_is_no_error(tmp_path, monkeypatch):
    """A folder that cannot be written (as a read-only site-packages or home): the write fails, the
    parser is still returned, nothing is left behind."""
    monkeypatch.setenv("RULECHECK_CACHE_DIR", str(tmp_path))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)  # root writes through chmod: refuse the rename instead
    parser = lark_cache.cached_lark(SMALL_GRAMMAR, **OPTIONS)
    assert parser.parse("a").children == ["a"]
    assert entries(tmp_path) == []


def test_a_damaged_entry_is_rebuilt_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("RULECHECK_CACHE_DIR", str(tmp_path))
    entry = lark_cache.entry_path(SMALL_GRAMMAR, OPTIONS)
    assert entry is not None
    entry.write_text('{"data": {"rules": [', encoding="utf-8")  # half an entry
    assert lark_cache.cached_lark(SMALL_GRAMMAR, **OPTIONS).parse("a").children == ["a"]
    assert lark_cache.load_entry(entry, OPTIONS) is not None  # replaced by a whole one


def test_processes_starting_at_once_share_one_whole_entry(tmp_path):
    code = f"""
        from rulecheck.syntax.grammar import lark_parser
        tree = lark_parser().parse(open({str(FRAMEWORK)!r}, encoding="utf-8").read())
        print(len(tree.children))
    """
    env = {**os.environ, "RULECHECK_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, text=True,
                             env=env) for _ in range(4)]
    outputs = [run.communicate()[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * 4
    assert len(set(outputs)) == 1
    assert len(entries(tmp_path)) == 1 and entries(tmp_path)[0].endswith(lark_cache.ENTRY_SUFFIX)


def test_the_group_lists_every_command_without_importing_any():
    shown = json.loads(python("""
        import contextlib, io, json, sys
        from rulecheck.cli import main
        names = list(main.commands)
        with contextlib.redirect_stdout(io.StringIO()) as shown, contextlib.suppress(SystemExit):
            main(["--help"], prog_name="rulecheck")
        assert "Commands:" in shown.getvalue()
        print(json.dumps([names, sorted(m for m in sys.modules if m.startswith("rulecheck.cli."))]))
    """))
    assert shown[0] == sorted(SUBCOMMANDS)
    assert shown[1] == [], "listing the commands in the help imports none of them"


def test_every_command_module_registers_the_command_the_table_names():
    for name, entry in SUBCOMMANDS.items():
        command = main.commands[name]
        assert command.name == name and command.callback.__module__ == f"rulecheck.cli.{entry.module}"
        assert command.help == entry.help
    modules = {path.stem for path in (ROOT / "src/rulecheck/cli").glob("*.py")} - {"__init__", "__main__"}
    helpers = {"facts"}  # modules of the package that hold no command
    assert modules - helpers == {entry.module for entry in SUBCOMMANDS.values()}


def test_the_help_lists_every_command_with_its_help_line():
    output = CliRunner().invoke(main, ["--help"], prog_name="rulecheck").output
    listed = output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(SUBCOMMANDS)
    for line, name in zip(listed, sorted(SUBCOMMANDS)):
        shown = line.split(None, 1)[1].removesuffix("...")
        assert " ".join(main.commands[name].help.split()).startswith(shown), line


def test_a_command_imports_only_its_own_module():
    imported = json.loads(python(f"""
        import json, sys
        import contextlib
        from rulecheck.cli import main
        with contextlib.suppress(SystemExit):
            main(["check", {str(FRAMEWORK)!r}], prog_name="rulecheck")
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("rulecheck.cli.") or m == "hypothesis")))
    """))
    assert imported == ["rulecheck.cli.check"]


def test_import_rulecheck_loads_the_public_names_when_used():
    shown = json.loads(python("""
        import json, sys
        import rulecheck
        before = "rulecheck.api" in sys.modules
        load = rulecheck.load
        print(json.dumps([before, "rulecheck.api" in sys.modules, load.__module__,
                          sorted(set(rulecheck.__all__) - set(dir(rulecheck)))]))
    """))
    assert shown == [False, True, "rulecheck.api", []]


def test_the_public_names_are_the_objects_of_their_modules():
    import rulecheck
    from rulecheck import api, results, source

    assert rulecheck.Ruleset is api.Ruleset and rulecheck.Result is results.Result and rulecheck.Span is source.Span
    assert rulecheck.api is api  # a submodule, as after `import rulecheck.api`
    with pytest.raises(AttributeError, match="no attribute 'lod'"):
        rulecheck.lod  # noqa: B018  (the attribute access is what is tested)
