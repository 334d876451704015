"""A message never prints a control character: a terminal escape sequence in a facts key, a CSV header
or a rule file's line is shown as control pictures (␛), so a hostile file cannot drive the terminal."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.diagnostics import printable

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x00\x7f"


def test_printable_keeps_text_tabs_and_line_breaks():
    assert printable("满意度\t≥ 95%\n→ 6") == "满意度\t≥ 95%\n→ 6"
    assert printable(ESCAPES) == "␛]0;pwned␇␛[2J�31m␀␡"


def test_a_facts_key_with_escapes_is_shown_as_pictures(framework, case_facts):
    with pytest.raises(rulecheck.FactsError) as caught:
        framework.evaluate({**case_facts.values, f"x{ESCAPES}": 1})
    rendered = caught.value.render()
    assert "unknown fact 'x␛]0;pwned␇" in rendered
    assert not any(ord(ch) < 0x20 and ch not in "\n\t" or 0x7F <= ord(ch) < 0xA0 for ch in rendered)


def test_a_rule_line_with_escapes_keeps_its_caret_under_the_character(tmp_path):
    path = tmp_path / "x.rules"
    path.write_text('framework "x"\ntotal 5\nindicator X\x1b]0;t\x07 (5):\n    formula: 5\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith("error[E102]: unexpected character '␛'")
    assert lines[1:3] == ["    3 | indicator X␛]0;t␇ (5):", "      |            ^"]
    assert "\x1b" not in result.output and "\x07" not in result.output


@pytest.mark.parametrize("where", ["indicator", "description", "import"])
def test_a_control_character_inside_quotes_is_refused_where_it_stands(tmp_path, where):
    text = {"indicator": 'indicator "X\x1b]0;t\x07" (10):\n',
            "description": 'indicator X (10):\n'}.get(where, 'import "a\x1b.rules"\nindicator X (10):\n')
    lines = ['framework "f"', "total 10", "rounding 2 decimals half-up", "", "inputs:",
             '    a: bool "a\x1b[2J"' if where == "description" else '    a: bool "a"', ""]
    path = tmp_path / "x.rules"
    path.write_text("\n".join(lines) + "\n" + text + "    checklist:\n        a → 10\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "error[E114]: a control character (␛, U+001B) inside quotes" in result.output
    line = {"indicator": 8, "description": 6, "import": 8}[where]
    assert f"x.rules:{line}:" in result.output
    assert "\x1b" not in result.output
    # the score table never gets to print it: scoring stops at the rule file's error
    facts = tmp_path / "f.yaml"
    facts.write_text("a: true\n", encoding="utf-8")
    scored = CliRunner().invoke(main, ["score", str(path), str(facts)])
    assert scored.exit_code != 0 and "\x1b" not in scored.output
