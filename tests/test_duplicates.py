"""Names declared twice (E202): reported at the later declaration as written, naming the first.

One file each in tests/data/bad/duplicate-*.rules checks the messages word for word; these cover what
a single file cannot: declarations in two files, and a let written above the input it clashes with.
"""

from __future__ import annotations

import textwrap

import rulecheck
from rulecheck.diagnostics import sort_key

BASE = """\
framework "小框架"
total 10
rounding 2 decimals half-up
inputs:
    满意度: percent from 0% to 100%
group 全部 (10):
    indicator 满意 (10):
        bands 满意度:
            ≥ 95% → 10
            otherwise → 0
"""


def duplicates(analysis) -> list[tuple[int, str, str]]:
    return [(d.span.line, d.message, d.hint) for d in sorted(analysis.diagnostics, key=sort_key)
            if d.code == "E202"]


def write(path, text: str):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_department_file_redeclaring_an_imported_input_is_reported_in_its_own_file(tmp_path):
    write(tmp_path / "base.rules", BASE)
    department = write(tmp_path / "department.rules", """\
        import "base.rules"
        inputs:
            满意度: percent from 0% to 100%
        """)
    analysis = rulecheck.analyze(department)
    (diagnostic,) = [d for d in analysis.diagnostics if d.code == "E202"]
    assert diagnostic.span.file == str(department) and diagnostic.span.line == 3
    assert diagnostic.message == "the input '满意度' is declared twice"
    assert diagnostic.hint == f"the first declaration is at {tmp_path / 'base.rules'}:5:5; rename or remove one"


def test_an_extend_adding_a_node_the_framework_has_is_reported_in_the_department_file(tmp_path):
    write(tmp_path / "base.rules", BASE)
    department = write(tmp_path / "department.rules", """\
        import "base.rules"
        extend 满意:
            indicator 全部 (10):
                formula: 10
        """)
    analysis = rulecheck.analyze(department)
    (diagnostic,) = [d for d in analysis.diagnostics if d.code == "E202"]
    assert (diagnostic.span.file, diagnostic.span.line) == (str(department), 3)
    assert diagnostic.message == "a group and an indicator are both named '全部'"
    assert diagnostic.hint.startswith(f"the first is at {tmp_path / 'base.rules'}:6:1; rename one")


def test_a_let_written_above_the_input_it_clashes_with_names_the_input_second():
    analysis = rulecheck.analyze_text(textwrap.dedent("""\
        total 10
        rounding 2 decimals half-up
        let 比率 = 完成 / 计划
        inputs:
            完成: count from 0
            计划: count above 0
            比率: percent from 0% to 100%
        group 全部 (10):
            indicator 及时 (10):
                formula: min(比率, 1) × 10
        """))
    assert duplicates(analysis) == [
        (7, "'比率' is declared both as a derived value and as an input",
         "the derived value is declared at line 3; inputs and derived values share one set of names, so rename one"),
    ]


def test_a_grade_value_listed_twice_on_a_continued_line_is_found_where_written():
    analysis = rulecheck.analyze_text(textwrap.dedent("""\
        total 10
        rounding 2 decimals half-up
        inputs:
            结果: grade(好,
                        "较 好", 好)
        group 全部 (10):
            indicator 评价 (10):
                bands 结果:
                    好 → 10
                    otherwise → 0
        """))
    (diagnostic,) = [d for d in analysis.diagnostics if d.code == "E202"]
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 24)
    assert diagnostic.hint == "the first '好' is at line 4, column 15; list each value once"
