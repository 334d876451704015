"""The canonical layout (`rulecheck.syntax.layout`) and `rulecheck fmt`: same tree, idempotent, comments kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from strategies import rule_files

import rulecheck
from rulecheck.cli import main
from rulecheck.source import Source
from rulecheck.syntax.layout import layout, read_line
from rulecheck.syntax.parser import parse

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "rules").rglob("*.rules"))
BAD = sorted((ROOT / "tests" / "data" / "bad").glob("*.rules"))


def tree(text: str, name: str = "<string>"):
    program, diagnostics = parse(Source(name, text))
    assert program is not None and not [d for d in diagnostics if d.is_error], diagnostics
    return program


def parses(path: Path) -> bool:
    program, diagnostics = parse(Source.from_path(path))
    return program is not None and not any(d.is_error for d in diagnostics)


def comments(text: str) -> list[str]:
    return [line.comment for line in map(read_line, text.splitlines()) if line.comment is not None]


# ---- every file we have ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", SHIPPED + [p for p in BAD if parses(p)], ids=lambda p: p.stem)
def test_layout_keeps_the_tree_and_the_comments_and_is_idempotent(path: Path):
    text = path.read_text(encoding="utf-8")
    canonical = layout(text, str(path))
    assert tree(canonical) == tree(text)
    assert layout(canonical, str(path)) == canonical
    assert comments(canonical) == comments(text)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_shipped_rule_files_are_in_canonical_layout(path: Path):
    text = path.read_text(encoding="utf-8")
    assert layout(text, str(path)) == text


def test_enough_bad_files_parse_to_be_laid_out():
    assert sum(parses(p) for p in BAD) >= 20


@pytest.mark.parametrize("path", [p for p in BAD if not parses(p)], ids=lambda p: p.stem)
def test_a_file_that_does_not_parse_is_refused_with_the_parsers_finding(path: Path):
    with pytest.raises(rulecheck.RuleFileError) as raised:
        layout(path.read_text(encoding="utf-8"), str(path))
    expected = [d for d in rulecheck.analyze(path).diagnostics if d.is_error]
    assert raised.value.diagnostics[0] == expected[0]
    assert raised.value.render().startswith(f"{path}:{expected[0].span.line}:{expected[0].span.column}: error[")


@given(rule_files())
def test_a_generated_file_keeps_its_tree_and_comments_through_the_layout(text):
    canonical = layout(text)
    assert tree(canonical) == tree(text)
    assert layout(canonical) == canonical
    assert comments(canonical) == comments(text)


# ---- a messy file, word for word ------------------------------------------------------------------

MESSY_LINES = (  # ASCII operators, full-width punctuation, two-space and tab indents, odd spacing
    "# header comment   ",
    "",
    "",
    "framework 测试框架",
    "total   10",
    "rounding 2 decimals   # default mode",
    "inputs：",
    '  满意度 ：percent from 0％ to 100%   "描述 # not a comment"',
    "  # about counts",
    "  a: count from 0",
    "  b : count above 0",
    '  "and": bool',
    '  "评分": score from 0 to 2',
    "  t: number from -5 to 1.50",
    "let r=a/b  # ratio",
    "let x: number = a-(a-b) - -a*(b/(a*b))",
    "group G （10分）：",
    "  indicator I1 (3 points):",
    "    increasing in 满意度",
    "    bands 满意度 :",
    "      >= 95% => 3   # top",
    "      满意度 >= 90% -> 2",
    "      80%<=满意度<90% -> 1",
    "      otherwise -> 0",
    "      # end of bands",
    "  # between",
    "  indicator I2 (2):",
    "\tchecklist:",
    '\t    "and" and not a>1 or 满意度!=1 -> 1',
    '\t    not ("and" or a == 1) -> 1',
    "  indicator I3 (3):",
    "    formula: min(a/b,   # first",
    "                 1)*3  # second",
    "    # after formula",
    "  indicator I4 (1):",
    "    deduct 0.10 per 1% of 满意度 below 90%",
    "    floor 0",
    "      # written deeper than the block",
    "",
    "  indicator I5 (1):",
    "    part P1 (0.5):",
    "      assessed 评分",
    "    part P2 (0.5):",
    "      formula: (a+b)*0.5/(a+b) - (1 - 1)",
    "",
    "",
    "   # last comment, under the last block",
    "",
)
MESSY = "\n".join(MESSY_LINES)

MESSY_CANONICAL = """\
# header comment

framework "测试框架"
total 10
rounding 2 decimals half-up   # default mode
inputs:
    满意度: percent from 0% to 100% "描述 # not a comment"
    # about counts
    a: count from 0
    b: count above 0
    "and": bool
    评分: score from 0 to 2
    t: number from −5 to 1.50
let r = a / b  # ratio
let x: number = a − (a − b) − −a × (b / (a × b))
group G (10):
    indicator I1 (3):
        increasing in 满意度
        bands 满意度:
            ≥ 95% → 3   # top
            满意度 ≥ 90% → 2
            80% ≤ 满意度 < 90% → 1
            otherwise → 0
            # end of bands
    # between
    indicator I2 (2):
        checklist:
            "and" and not a > 1 or 满意度 ≠ 1 → 1
            not ("and" or a = 1) → 1
    indicator I3 (3):
        formula: min(a / b, 1) × 3   # first
        # second
        # after formula
    indicator I4 (1):
        deduct 0.10 per 1% of 满意度 below 90%
        floor 0
        # written deeper than the block

    indicator I5 (1):
        part P1 (0.5):
            assessed 评分
        part P2 (0.5):
            formula: (a + b) × 0.5 / (a + b) − (1 − 1)

    # last comment, under the last block
"""


def test_a_messy_file_is_laid_out_word_for_word():
    assert layout(MESSY) == MESSY_CANONICAL
    assert tree(MESSY_CANONICAL) == tree(MESSY)
    assert layout(MESSY_CANONICAL) == MESSY_CANONICAL


def test_windows_line_ends_and_a_byte_order_mark_are_dropped():
    written = "\ufeffframework x\r\ntotal 1\r\n\r\nindicator I (1):\r\n  formula: 1  # one\r\n"
    assert layout(written) == 'framework "x"\ntotal 1\n\nindicator I (1):\n    formula: 1  # one\n'


def test_blank_lines_collapse_to_one_and_none_open_or_close_the_file():
    written = "\n\n\ntotal 1\n\n\n\n# about I\n\nindicator I (1):\n\n\n    formula: 1\n\n\n"
    assert layout(written) == "total 1\n\n# about I\n\nindicator I (1):\n\n    formula: 1\n"


def test_a_file_of_comments_only_keeps_them_flush_left():
    assert layout("  # one\n\n\n    # two\n") == "# one\n\n# two\n"
    assert layout("") == ""


# ---- comments --------------------------------------------------------------------------------------

NESTED = """\
group A (2):
  group B (2):
    indicator C (2):
      checklist:
        x → 1
        y → 1
        # after the items: in the checklist
      # in the indicator C
    # in the group B
  # in the group A
# at the top level
group D (1):
  # before the first child: in the group
  indicator E (1):  # after a header
    formula: 1
"""


def test_a_comment_line_is_indented_like_the_block_it_sits_in():
    assert layout(NESTED) == """\
group A (2):
    group B (2):
        indicator C (2):
            checklist:
                x → 1
                y → 1
                # after the items: in the checklist
            # in the indicator C
        # in the group B
    # in the group A
# at the top level
group D (1):
    # before the first child: in the group
    indicator E (1):  # after a header
        formula: 1
"""


def test_a_comment_between_two_indentations_goes_to_the_deepest_block_it_reaches():
    written = "group A (1):\n    indicator B (1):\n        formula: 1\n      # six spaces\n  # two\nindicator C (1):\n    formula: 1\n"
    lines = layout(written).splitlines()
    assert lines[3] == "    # six spaces"
    assert lines[4] == "# two"


def test_comments_inside_a_statement_over_several_lines_follow_it():
    written = "let s = sum(a,  # first\n            # inside\n            b)  # last\nlet t = 1\n"
    assert layout(written) == "let s = sum(a, b)  # first\n# inside\n# last\nlet t = 1\n"


def test_a_trailing_comment_keeps_its_distance_but_at_least_two_spaces():
    assert layout("total 1 # x\n") == "total 1  # x\n"
    assert layout("total 1      # x\n") == "total 1      # x\n"
    assert layout("total 1\t# x\n") == "total 1    # x\n"


def test_a_hash_inside_a_quoted_name_or_description_is_not_a_comment():
    written = 'inputs:\n    "a#1": bool "see #3"  # real\n'
    assert layout(written) == written
    assert comments(written) == ["# real"]


# ---- expressions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("written, canonical", [
    ("a - (b - c)", "a − (b − c)"),
    ("(a - b) - c", "a − b − c"),
    ("a / (b * c)", "a / (b × c)"),
    ("(a / b) * c", "a / b × c"),
    ("a + (b + c)", "a + (b + c)"),  # a different tree from a + b + c
    ("a * (b / c)", "a × (b / c)"),
    ("a + b * c", "a + b × c"),
    ("(a + b) * c", "(a + b) × c"),
    ("-(a + b)", "−(a + b)"),
    ("(-a) * b", "−a × b"),
    ("- -a", "−−a"),
    ("a - -b", "a − −b"),
    ("((a))", "a"),
    ("min(a, (b + c)) * 2", "min(a, b + c) × 2"),
    ("95.50%", "95.5%"),
    ("1.50 + 0.1 + 007", "1.50 + 0.1 + 7"),
    ("12345678901234567890123.123456789", "12345678901234567890123.123456789"),
    ("a < b <= c", "a < b ≤ c"),
    ("(a < b) = (c > d)", "(a < b) = (c > d)"),
    ("a == b != c", "a = b ≠ c"),
    ("a - b >= -c", "a − b ≥ −c"),
    ("not a and b", "not a and b"),
    ("not (a and b)", "not (a and b)"),
    ("not a < b", "not a < b"),
    ("(not a) = b", "(not a) = b"),
    ("not not a", "not not a"),
    ("a or b and c", "a or b and c"),
    ("(a or b) and c", "(a or b) and c"),
    ("(a and b) and c", "a and b and c"),  # the parser flattens a chain of 'and'
    ("a and (b and c)", "a and (b and c)"),
    ("a or (b or c) or d", "a or (b or c) or d"),
    ("\"x y\" + \"满意度\" + “三公”经费", "\"x y\" + 满意度 + “三公”经费"),
    ('"per" + "otherwise" + "分"', '"per" + "otherwise" + "分"'),
])
def test_expressions_are_written_with_the_fewest_parentheses_that_keep_the_tree(written, canonical):
    text = layout(f"let x = {written}\n")
    assert text == f"let x = {canonical}\n"
    assert tree(text) == tree(f"let x = {written}\n")


def test_format_expr_for_messages_is_unchanged():
    from rulecheck.syntax.printer import format_expr
    [let] = tree("let x = a + (b + c) - d / (e * 2) - 0.1234567\n").lets
    assert format_expr(let.expr) == "a + b + c − d ÷ (e × 2) − 0.123457…"


# ---- band rows -------------------------------------------------------------------------------------

def test_band_rows_keep_the_form_they_were_written_in():
    written = """\
inputs:
    等级: grade(好, 差)
indicator I (1):
    bands 满意度 + 1:
        >= 95% -> 1
        满意度 + 1 >= 90% -> 0.5
        < (1 + 2) -> 0.2
        < 3 - 2 -> 0.1
        otherwise -> 0
indicator J (1):
    bands 等级:
        好 -> 1
        差 -> 0
"""
    canonical = layout(written)
    assert canonical.splitlines()[4:] == [
        "        ≥ 95% → 1",
        "        满意度 + 1 ≥ 90% → 0.5",
        "        < 1 + 2 → 0.2",
        "        < 3 − 2 → 0.1",
        "        otherwise → 0",
        "indicator J (1):",
        "    bands 等级:",
        "        好 → 1",
        "        差 → 0",
    ]
    assert tree(canonical) == tree(written)
    bands = tree(canonical).nodes[0].rule.bands
    assert [band.partial for band in bands] == [True, False, True, True, False]


def test_the_header_statements_and_blocks_keep_their_order():
    written = ("inputs:\n    a: bool\ntotal 1\ninputs:\n    b: bool\nframework f\n"
               "grades:\n    >= 1 -> 好\n    otherwise -> 差\nrounding 1 decimals down\n"
               "import \"x.rules\"\nextend 某项:\n    indicator I (1):\n        assessed 分数\n")
    assert layout(written) == (
        "inputs:\n    a: bool\ntotal 1\ninputs:\n    b: bool\nframework \"f\"\n"
        "grades:\n    ≥ 1 → 好\n    otherwise → 差\nrounding 1 decimal down\n"
        "import \"x.rules\"\nextend 某项:\n    indicator I (1):\n        assessed 分数\n")


def test_a_syntax_error_is_refused_with_its_position():
    with pytest.raises(rulecheck.RuleFileError) as raised:
        layout("total 1\nindicator I (1)\n    formula: 1\n", "draft.rules")
    assert str(raised.value).splitlines()[0] == "draft.rules:2:16: error[E101]: missing ':' at the end of the line"


def test_a_declaration_twice_is_refused_rather_than_dropped():
    with pytest.raises(rulecheck.RuleFileError) as raised:
        layout("total 1\ntotal 2\n", "twice.rules")
    assert raised.value.diagnostics[0].code == "E109"


# ---- the command -----------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, ["fmt", *map(str, args)])


@pytest.fixture
def files(tmp_path):
    """A folder with a canonical file, a messy one (in a subfolder) and one that does not parse."""
    (tmp_path / "sub").mkdir()
    canonical = tmp_path / "canonical.rules"
    messy = tmp_path / "sub" / "messy.rules"
    broken = tmp_path / "broken.rules"
    canonical.write_text(MESSY_CANONICAL, encoding="utf-8")
    messy.write_text(MESSY, encoding="utf-8")
    broken.write_text("total 1\nindicator I (1)\n    formula: 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rule file", encoding="utf-8")
    return canonical, messy, broken


def test_fmt_rewrites_files_in_place_and_says_which(tmp_path, files):
    canonical, messy, broken = files
    broken.unlink()
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"reformatted {messy}\n2 files: 1 reformatted, 1 unchanged\n"
    assert messy.read_text(encoding="utf-8") == MESSY_CANONICAL
    assert canonical.read_text(encoding="utf-8") == MESSY_CANONICAL
    again = run(tmp_path)
    assert again.exit_code == 0
    assert again.stderr == "2 files: 0 reformatted, 2 unchanged\n"


def test_fmt_check_writes_nothing_and_exits_1_if_a_file_would_change(files):
    canonical, messy, _ = files
    clean = run("--check", canonical)
    assert clean.exit_code == 0
    assert clean.stderr == "1 file: 0 to reformat, 1 unchanged\n"
    dirty = run("--check", canonical, messy)
    assert dirty.exit_code == 1
    assert dirty.stdout == ""
    assert dirty.stderr == f"would reformat {messy}\n2 files: 1 to reformat, 1 unchanged\n"
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_check_passes_on_the_shipped_rules():
    result = run("--check", ROOT / "rules")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith(f"{len(SHIPPED)} files: 0 to reformat, {len(SHIPPED)} unchanged\n")


def test_fmt_diff_prints_a_unified_diff_and_writes_nothing(tmp_path):
    path = tmp_path / "small.rules"
    path.write_text("total 1\nindicator I (1):\n  formula: a/b*2 # ratio\n", encoding="utf-8")
    result = run("--diff", path)
    assert result.exit_code == 0
    assert result.stdout == (
        f"--- {path}\n+++ {path}\n@@ -1,3 +1,3 @@\n total 1\n indicator I (1):\n"
        "-  formula: a/b*2 # ratio\n+    formula: a / b × 2  # ratio\n")
    assert result.stderr == f"would reformat {path}\n1 file: 1 to reformat, 0 unchanged\n"
    assert path.read_text(encoding="utf-8") == "total 1\nindicator I (1):\n  formula: a/b*2 # ratio\n"
    both = run("--diff", "--check", path)
    assert both.exit_code == 1 and both.stdout == result.stdout


def test_fmt_diff_marks_a_missing_final_newline(tmp_path):
    path = tmp_path / "small.rules"
    path.write_text("total 1", encoding="utf-8")
    assert run("--diff", path).stdout == (
        f"--- {path}\n+++ {path}\n@@ -1 +1 @@\n-total 1\n\\ No newline at end of file\n+total 1\n")


def test_fmt_reports_a_syntax_error_as_check_does_and_leaves_the_file(tmp_path, files):
    _, messy, broken = files
    result = run(tmp_path)
    assert result.exit_code == 2
    checked = CliRunner().invoke(main, ["check", str(broken)])
    assert checked.stdout.startswith(f"{broken}:2:16: error[E101]: missing ':' at the end of the line\n")
    assert result.stderr == (
        checked.stdout + f"reformatted {messy}\n3 files: 1 reformatted, 1 unchanged, 1 with errors\n")
    assert "Traceback" not in result.output
    assert broken.read_text(encoding="utf-8") == "total 1\nindicator I (1)\n    formula: 1\n"
    assert messy.read_text(encoding="utf-8") == MESSY_CANONICAL  # the other files are still formatted


def test_fmt_reports_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.rules"
    path.write_bytes("total 1\n# 满意度\n".encode("gbk"))
    result = run(path)
    assert result.exit_code == 2
    assert result.stderr == (f"{path}: error[E001]: the rule file is not UTF-8 text\n"
                             "  = hint: save it as UTF-8 (in Notepad or WPS: 另存为, encoding UTF-8)\n"
                             "1 file: 0 reformatted, 0 unchanged, 1 with errors\n")


def test_fmt_line_ends_count_as_a_change(tmp_path):
    path = tmp_path / "crlf.rules"
    path.write_bytes(b"total 1\r\n")
    assert run("--check", path).exit_code == 1
    assert run(path).exit_code == 0
    assert path.read_bytes() == b"total 1\n"


def test_fmt_without_rule_files_is_a_usage_error(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"no .rules files found in {tmp_path}\n"


# ---- what fmt refuses to read ----------------------------------------------------------------------

@pytest.mark.parametrize("check", [False, True], ids=["write", "check"])
def test_fmt_refuses_a_pipe_or_a_device_instead_of_waiting_or_reading_forever(tmp_path, check):
    import os
    pipe = tmp_path / "pipe.rules"
    os.mkfifo(pipe)
    for path, what in ((pipe, "a pipe"), ("/dev/zero", "a device")):
        result = CliRunner().invoke(main, ["fmt", *(["--check"] if check else []), str(path)])
        assert result.exit_code == 2, result.output
        assert f"error[E001]: cannot read the rule file: it is {what}, not a regular file" in result.output
        assert "Traceback" not in result.output


# ---- what fmt writes: whole or not at all ------------------------------------------------------------

UNFORMATTED = MESSY


def test_fmt_replaces_the_file_whole_keeping_its_permissions(tmp_path):
    import os
    path = tmp_path / "a.rules"
    path.write_text(UNFORMATTED, encoding="utf-8")
    os.chmod(path, 0o640)
    result = run(path)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == MESSY_CANONICAL
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.rules"]  # no temporary file left


def test_fmt_that_cannot_write_leaves_the_file_as_it_was_and_formats_the_others(tmp_path, monkeypatch):
    from rulecheck import atomic
    refused, other = tmp_path / "a.rules", tmp_path / "b.rules"
    for path in (refused, other):
        path.write_text(UNFORMATTED, encoding="utf-8")
    real = atomic.os.replace

    def replace(source, target):
        if Path(target).name == "a.rules":
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)
    result = run(tmp_path)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (f"{refused}: error[E012]: cannot write the rule file: No space left on device; it is left as it was"
            in result.stderr)
    assert refused.read_text(encoding="utf-8") == UNFORMATTED
    assert other.read_text(encoding="utf-8") == MESSY_CANONICAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.rules", "b.rules"]
    assert result.stderr.endswith("2 files: 1 reformatted, 0 unchanged, 1 with errors\n")
