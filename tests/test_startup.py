"""Fast start (issue 13 point 4): the parser generated standalone (syntax/standalone.py), built once and
pickled there with its lexers' patterns compiled, the subcommands and the package's public names imported
only when used (check imports neither scoring nor the formatter), no garbage collection while a command
is imported nor of check's last file when the process ends with it, one equality/hash/repr shared by the
syntax tree's classes (tests/test_records.py: and most others), each rule's value proved once.
What is tested is the behaviour (that the parser is lark's own and up to date, what is imported when,
that nodes compare and show as attrs would); the time itself is measured by benchmarks/startup.py,
never asserted here."""

from __future__ import annotations

import _sre
import importlib.util
import json
import os
import pickle
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import attrs
import lark
import lark.indenter
import pytest
from click.testing import CliRunner

from rulecheck.api import analyze
from rulecheck.cli import SUBCOMMANDS, main
from rulecheck.link import link_file, link_source
from rulecheck.source import Source, Span
from rulecheck.syntax import ast, parser, standalone
from rulecheck.syntax.grammar import RuleIndenter, grammar_text, lark_parser

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = importlib.util.spec_from_file_location("standalone_parser", ROOT / "scripts/standalone_parser.py")
assert SCRIPT is not None and SCRIPT.loader is not None
standalone_parser = importlib.util.module_from_spec(SCRIPT)
SCRIPT.loader.exec_module(standalone_parser)
FRAMEWORK = ROOT / "rules/shenzhen/framework.rules"
RULE_FILES = sorted(path for folder in ("rules", "tests/data") for path in (ROOT / folder).rglob("*.rules"))


def python(code: str, **env: str) -> str:
    """What `code` prints, run by a fresh interpreter (nothing imported yet)."""
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                               cwd=ROOT, env={**os.environ, **env}, check=True)
    return completed.stdout


def test_the_standalone_parser_is_what_the_script_generates_from_the_grammar(tmp_path):
    """standalone.py is regenerated from grammar/rulecheck.lark and lark whenever either changes: a stale
    one would parse an older grammar. (Another lark, or another Python, whose regular-expression engine
    the lexers' compiled patterns are for, writes another file: the tests after this one still compare
    what the parsers do.)"""
    committed = (ROOT / "src/rulecheck/syntax/standalone.py").read_bytes()
    python = "{}.{}".format(*sys.version_info[:2])
    if f"with lark {lark.__version__} and Python {python}:".encode() not in committed.split(b"\n", 4)[2]:
        pytest.skip(f"standalone.py was generated with another lark or Python than this {lark.__version__}, {python}")
    regenerated = tmp_path / "standalone.py"
    subprocess.run([sys.executable, str(ROOT / "scripts/standalone_parser.py"), "--output", str(regenerated)],
                   check=True, env={key: value for key, value in os.environ.items() if key != "PYTHONHASHSEED"})
    assert regenerated.read_bytes() == committed, \
        "grammar/rulecheck.lark or lark changed: run scripts/standalone_parser.py"


def lark_s_own_parser() -> lark.Lark:
    """The parser lark builds from the grammar with the script's options and an Indenter of grammar's settings."""
    settings = {name: getattr(RuleIndenter, name) for name in
                ("NL_type", "OPEN_PAREN_types", "CLOSE_PAREN_types", "INDENT_type", "DEDENT_type", "tab_len")}
    indenter = type("RuleIndenter", (lark.indenter.Indenter,), settings)
    return lark.Lark(grammar_text(), postlex=indenter(), **standalone_parser.OPTIONS)


def outcome(made, text: str):
    """A parse as plain data: every node's rule and position, every token's type, text and position; or the
    error's class, position, expected terminals and token, as the syntax-error messages use them."""
    def dump(node):
        if isinstance(node, str):  # a token
            return (node.type, str(node), node.line, node.column, node.end_line, node.end_column)
        if node is None:  # maybe_placeholders
            return None
        meta = node.meta
        position = (meta.line, meta.column, meta.end_line, meta.end_column) if not meta.empty else None
        return (node.data, position, [dump(child) for child in node.children])

    try:
        return dump(made.parse(text))
    except Exception as exc:
        shown = [type(exc).__name__] + [str(getattr(exc, name, None)) for name in
                                       ("line", "column", "pos_in_stream", "token", "char")]
        token = getattr(exc, "token", None)
        expected = getattr(exc, "expected", None) or getattr(exc, "allowed", None)
        accepts = getattr(exc, "accepts", None)
        return (shown, getattr(token, "type", None), sorted(expected or ()), sorted(accepts or ()))


def test_the_standalone_parser_parses_every_rule_file_as_lark_itself():
    """Trees, positions and syntax errors (what is expected where) are lark's own, on every rule file
    shipped or tested, the broken and bad ones included."""
    mine, lark_s = lark_parser(), lark_s_own_parser()
    assert len(RULE_FILES) > 100
    failed = 0
    for path in RULE_FILES:
        text = parser.normalized_text(Source(str(path), path.read_text(encoding="utf-8")))
        theirs = outcome(lark_s, text)
        assert outcome(mine, text) == theirs, path
        failed += isinstance(theirs[0], list)
    assert 10 < failed < len(RULE_FILES)


def this_engine_wrote_the_lexers_patterns() -> bool:
    return standalone.COMPILED_BY == (*sys.version_info[:2], _sre.MAGIC, _sre.CODESIZE)


def test_the_lexers_patterns_compiled_by_the_script_are_what_re_compiles():
    """What the engine is handed for each pattern is re's own (patterns compare equal only with the same
    code, flags and pattern)."""
    if not this_engine_wrote_the_lexers_patterns():
        pytest.skip("standalone.py's patterns were compiled for another Python's regular-expression engine")
    written = pickle.loads(standalone.REGEXES)
    assert len(written) > 50
    for (pattern, flags), arguments in written.items():
        assert _sre.compile(pattern, *arguments) == re.compile(pattern, flags), pattern


def test_under_another_engine_the_lexers_compile_their_patterns_with_re(monkeypatch):
    """A Python whose engine did not write REGEXES (another version) parses as lark does, with re."""
    monkeypatch.setattr(standalone, "COMPILED_BY", (2, 7, 0, 0))
    compiled: list[str] = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda pattern, flags=0: compiled.append(pattern) or real(pattern, flags))
    mine = standalone.load_parser(RuleIndenter())
    texts = [parser.normalized_text(Source(str(path), path.read_text(encoding="utf-8")))
             for path in [FRAMEWORK, *sorted((ROOT / "tests/data/bad").glob("*.rules"))]]
    parsed = [outcome(mine, text) for text in texts]
    monkeypatch.undo()
    regexes = mine.parser.lexer.lexer.root_lexer.re  # what the lexers take for re (standalone._Regexes)
    assert regexes.written == {} and regexes.compiled
    assert set(compiled) >= {pattern for pattern, flags in regexes.compiled}
    lark_s = lark_s_own_parser()
    assert parsed == [outcome(lark_s, text) for text in texts]


def test_checking_a_file_compiles_none_of_the_lexers_patterns():
    if not this_engine_wrote_the_lexers_patterns():
        pytest.skip("standalone.py's patterns were compiled for another Python's regular-expression engine")
    compiled = json.loads(python(f"""
        import contextlib, json, pickle, re._compiler
        from rulecheck.cli import main
        from rulecheck.syntax import standalone
        real, seen = re._compiler.compile, []
        re._compiler.compile = lambda pattern, flags=0: seen.append(pattern) or real(pattern, flags)
        with contextlib.suppress(SystemExit):
            main(["check", {str(FRAMEWORK)!r}], prog_name="rulecheck")
        print(json.dumps(sorted(set(seen) & {{p for p, f in pickle.loads(standalone.REGEXES)}})))
    """))
    assert compiled == []

def test_lark_s_logger_is_made_when_first_used_as_lark_makes_it():
    shown = json.loads(python("""
        import json, sys
        from rulecheck.syntax import standalone
        before = "logging" in sys.modules
        standalone.logger.debug("not shown")
        import logging
        made = logging.getLogger("lark")
        print(json.dumps([before, standalone.logger is made, made.level == logging.CRITICAL,
                          [type(handler).__name__ for handler in made.handlers]]))
    """))
    assert shown == [False, True, True, ["StreamHandler"]]

def test_checking_a_file_imports_no_lark():
    imported = json.loads(python(f"""
        import contextlib, io, json, sys
        from rulecheck.cli import main
        with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()) as shown:
            main(["check", {str(FRAMEWORK)!r}, {str(ROOT / "tests/data/bad")!r}], prog_name="rulecheck")
        assert "error[E105]: bad number" in shown.getvalue()  # a syntax error's message was made too
        print(json.dumps(sorted(m for m in sys.modules if m == "lark" or m.startswith("lark."))))
    """))
    assert imported == []



def test_checking_a_file_imports_neither_scoring_nor_the_formatter():
    """check analyses (analysis.py) and never scores a department (api.py's Ruleset: evaluate, generate)
    nor lays a file out (syntax.layout: only a line that holds TODO is read for its comment)."""
    imported = json.loads(python(f"""
        import contextlib, io, json, sys
        from rulecheck.cli import main
        with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
            main(["check", {str(FRAMEWORK)!r}, {str(ROOT / "tests/data/bad")!r}], prog_name="rulecheck")
        print(json.dumps(sorted(m for m in ("rulecheck.api", "rulecheck.evaluate", "rulecheck.generate",
                                            "rulecheck.syntax.layout", "rulecheck.atomic") if m in sys.modules)))
    """))
    assert imported == []

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


def test_check_reads_the_grammar_without_importlib_resources():
    """The grammar is read from the package's folder: importlib.resources and the zipfile module it
    imports are left to a package imported from a zip."""
    imported = json.loads(python(f"""
        import contextlib, json, sys
        from rulecheck.cli import main
        with contextlib.suppress(SystemExit):
            main(["check", {str(FRAMEWORK)!r}], prog_name="rulecheck")
        print(json.dumps(sorted(m for m in ("zipfile", "importlib.resources") if m in sys.modules)))
    """))
    assert imported == []


def test_the_grammar_is_read_beside_the_package_as_a_wheel_installs_it(tmp_path, monkeypatch):
    from rulecheck.syntax import grammar

    package = tmp_path / "site-packages" / "rulecheck"
    (package / "syntax").mkdir(parents=True)
    (package / "grammar").mkdir()
    (package / "grammar" / "rulecheck.lark").write_text("start: WORD\n", encoding="utf-8")
    monkeypatch.setattr(grammar, "__file__", str(package / "syntax" / "grammar.py"))
    assert grammar.grammar_text() == "start: WORD\n"


def test_a_package_in_a_zip_reads_the_grammar_through_importlib_resources(tmp_path, monkeypatch):
    from importlib import resources

    from rulecheck.syntax import grammar

    class Packaged:  # what resources.files gives for a package in a zip, as far as grammar_text uses it
        def joinpath(self, name: str) -> Packaged:
            assert name == "grammar/rulecheck.lark"
            return self

        def read_text(self, encoding: str) -> str:
            return "start: ZIPPED\n"

    monkeypatch.setattr(grammar, "__file__", str(tmp_path / "rulecheck.zip" / "rulecheck" / "syntax" / "grammar.py"))
    monkeypatch.setattr(resources, "files", lambda package: Packaged())
    assert grammar.grammar_text() == "start: ZIPPED\n"


@pytest.mark.parametrize("enabled", [True, False])
def test_a_command_is_imported_without_collecting_garbage_and_collection_resumes(enabled):
    """While a command's modules are imported the collector is off (they make objects that live as long
    as the process); they are then frozen out of later collections, and the collector is as it was."""
    shown = json.loads(python(f"""
        import contextlib, gc, importlib, json
        {"" if enabled else "gc.disable()"}
        from rulecheck.cli import main
        real, seen = importlib.import_module, []

        def importing(name):
            seen.append([name, gc.isenabled()])
            return real(name)

        importlib.import_module = importing
        with contextlib.suppress(SystemExit):
            main(["check", {str(FRAMEWORK)!r}], prog_name="rulecheck")
        command = [enabled for name, enabled in seen if name == "rulecheck.cli.check"]
        print(json.dumps([command, gc.isenabled(), gc.get_freeze_count() > 0]))
    """))
    assert shown == [[False], enabled, True]


TWINS: dict[type, type] = {}


@pytest.mark.parametrize("enabled", [True, False])
def test_click_is_imported_without_collecting_garbage(enabled):
    """rulecheck.cli pauses the collector while it imports click (what every command pays first), then
    leaves it as it was."""
    shown = json.loads(python(f"""
        import gc, json, sys
        {"" if enabled else "gc.disable()"}
        seen = []

        class Spy:  # a finder that only notes whether the collector runs when click is looked for
            def find_spec(self, name, path=None, target=None):
                if name == "click":
                    seen.append(gc.isenabled())
                return None

        sys.meta_path.insert(0, Spy())
        import rulecheck.cli
        print(json.dumps([seen, gc.isenabled()]))
    """))
    assert shown == [[False], enabled]


def test_check_analyses_each_file_without_collecting_garbage_meanwhile(monkeypatch):
    """The collector is off while check analyses a file (it makes some hundred thousand objects), and on
    again between files, so that a folder of many files frees each one's garbage."""
    import gc

    from rulecheck.cli import check as check_module

    during: list[bool] = []

    def analyze(path):
        during.append(gc.isenabled())
        return real(path)

    real = check_module.analyze
    monkeypatch.setattr(check_module, "analyze", analyze)
    assert gc.isenabled()
    result = CliRunner().invoke(main, ["check", str(FRAMEWORK), str(FRAMEWORK)], prog_name="rulecheck")
    assert result.exit_code == 0, result.output
    assert during == [False, False] and gc.isenabled()



@pytest.mark.parametrize("entry", ["run", "main"])
def test_the_last_file_is_frozen_not_collected_when_the_process_ends_with_the_command(entry):
    """As the program (cli.run, which ends the process), check freezes the objects of its last file
    instead of collecting them (the exit frees them); called in a process that goes on (cli.main), it
    leaves every file's garbage to the collector."""
    frozen = python(f"""
        import contextlib, sys
        from rulecheck import cli
        from rulecheck.cli import check
        real = cli.collector_paused

        def noting(freeze=True):
            print(freeze, flush=True)
            return real(freeze)

        check.collector_paused = noting
        sys.argv = ["rulecheck", "check", "-q", {str(FRAMEWORK)!r}, {str(FRAMEWORK)!r}]
        with contextlib.suppress(SystemExit):
            cli.{entry}()
    """)
    assert frozen.split() == (["False", "True"] if entry == "run" else ["False", "False"])

def attrs_twin(cls: type) -> type:
    """A class with `cls`'s fields whose equality, hash and repr attrs writes itself, as it did for every
    syntax-tree class before they shared ast.SyntaxNode's (one per class, as equality wants the same class)."""
    if cls not in TWINS:
        fields = {f.name: attrs.field(eq=f.eq, repr=f.repr) for f in attrs.fields(cls)}
        TWINS[cls] = attrs.make_class(cls.__name__, fields, frozen=True)
    return TWINS[cls]


def twin_of(node):
    return attrs_twin(type(node))(*(getattr(node, f.name) for f in attrs.fields(type(node))))


def every_node(value):
    """The syntax-tree nodes inside `value` (itself included), depth first."""
    if isinstance(value, ast.SyntaxNode):
        yield value
        for f in attrs.fields(type(value)):
            yield from every_node(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from every_node(item)


def test_the_syntax_tree_classes_share_one_equality_hash_and_repr():
    """No syntax-tree class has code of its own for them (attrs compiled it for each at import)."""
    classes = [c for c in vars(ast).values() if isinstance(c, type) and attrs.has(c) and c.__module__ == ast.__name__]
    assert len(classes) > 30
    for cls in classes:
        assert issubclass(cls, ast.SyntaxNode), cls
        assert (cls.__eq__, cls.__hash__, cls.__repr__) == \
            (ast.SyntaxNode.__eq__, ast.SyntaxNode.__hash__, ast.SyntaxNode.__repr__), cls


def test_syntax_tree_nodes_compare_hash_and_show_as_attrs_would():
    program = link_file(FRAMEWORK).program
    moved = link_source(Source(str(FRAMEWORK), "\n\n" + FRAMEWORK.read_text(encoding="utf-8"))).program
    assert program is not None and moved is not None
    nodes, others = list(every_node(program)), list(every_node(moved))
    assert len(nodes) == len(others) > 500 and len({type(n) for n in nodes}) > 20
    for node, other in zip(nodes, others):  # the same node, written two lines lower
        assert repr(node) == repr(twin_of(node))
        assert node == other and hash(node) == hash(other)
        assert getattr(node, "span", None) is None or node.span != other.span
        assert (node == other) == (twin_of(node) == twin_of(other))
    first, second = nodes[0:2]
    assert (first == second) is (twin_of(first) == twin_of(second)) is False
    assert first.__eq__(0) is NotImplemented


def test_nodes_of_two_classes_with_the_same_fields_are_never_equal():
    amount, quantity = ast.Number(Decimal(1)), ast.Ref("次数")
    deduct, award = ast.Deduct(amount, quantity), ast.Award(amount, quantity)
    assert deduct != award and deduct == ast.Deduct(amount, quantity, span=Span("f", 1, 1, 1, 2))
    assert repr(deduct) == "Deduct(amount=Number(value=Decimal('1'), is_percent=False, is_date=False), " \
                           "quantity=Ref(name='次数'), unit=None, threshold=None, direction=None)"
    assert repr(award).startswith("Award(")


def test_the_prover_works_out_each_rules_value_once(monkeypatch):
    """Its bounds, the indicator's value and the test for full marks each ask for a rule's value."""
    import rulecheck.prove as prove_module

    analysis = analyze(FRAMEWORK)
    assert analysis.checked is not None and analysis.compiled is not None
    asked: list = []

    def counted(rule, points, intervals):
        asked.append(id(rule))
        return real(rule, points, intervals)

    real = prove_module.rule_value
    monkeypatch.setattr(prove_module, "rule_value", counted)
    proof = prove_module.prove(analysis.checked, analysis.compiled)
    assert len(asked) == len(set(asked)) > 20
    assert proof == analysis.proof


def test_the_transformer_binds_its_methods_once_and_builds_the_same_tree():
    """ToAst binds the methods lark calls per node when it is made (lark would wrap them anew at each
    node); the tree is the one lark's own lookups build, spans included."""
    text = FRAMEWORK.read_text(encoding="utf-8")
    tree = parser.lark_parser().parse(parser.normalized_text(Source(str(FRAMEWORK), text)))
    bound, looked_up = parser.ToAst(str(FRAMEWORK), text), parser.ToAst(str(FRAMEWORK), text)
    assert len(parser.CALLBACKS) > 50 and all(name in vars(bound) for name in parser.CALLBACKS)
    for name in parser.CALLBACKS:
        del looked_up.__dict__[name]
    mine, lark_s = bound.transform(tree), looked_up.transform(tree)
    assert mine == lark_s and repr(mine) == repr(lark_s)
    assert [n.span for n in every_node(mine) if hasattr(n, "span")] == \
        [n.span for n in every_node(lark_s) if hasattr(n, "span")]
