"""Error reporting for malformed rule files, checked word for word.

Each file in tests/data/bad/ has one defect (three-errors.rules has three) and opens with the exact
findings it must produce:

    # expect: LINE:COLUMN: error[CODE]: message
    # hint: the hint of the finding above, if it has one

The analysis must report exactly these, in this order, and nothing else. A file whose findings are
all warnings (`warning[W201]`) is still usable: its analysis is ok.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.diagnostics import sort_key

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "data" / "bad"
BAD_FILES = sorted(BAD.glob("*.rules"))
HEADER = re.compile(r"# (expect|hint): (.*)")


def expectations(path: Path) -> list[str]:
    """The '# expect:' and '# hint:' lines at the top of a file, as 'expect: …' / 'hint: …'."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADER.fullmatch(line)
        if not match:
            break
        found.append(f"{match[1]}: {match[2]}")
    return found


def reported(path: Path) -> list[str]:
    """The findings of `rulecheck.analyze`, in the same form as the expectations."""
    analysis = rulecheck.analyze(path)
    lines = []
    for diagnostic in sorted(analysis.diagnostics, key=sort_key):
        # every finding names a spot in the file itself
        assert diagnostic.span is not None, diagnostic
        assert diagnostic.span.file == str(path), diagnostic
        location = f"{diagnostic.span.line}:{diagnostic.span.column}"
        lines.append(f"expect: {location}: {diagnostic.severity.value}[{diagnostic.code}]: {diagnostic.message}")
        if diagnostic.hint:
            lines.append(f"hint: {diagnostic.hint}")
    return lines


def test_there_are_enough_bad_files():
    assert len(BAD_FILES) >= 16
    codes = {re.search(r"\[(\w+)\]", line)[1] for path in BAD_FILES for line in expectations(path)
             if line.startswith("expect:")}
    for code in ("E005", "E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E109", "E110", "E111",
                 "E112", "E113", "E201", "E202", "E203", "E208",
                 "E204", "E205", "E206", "E207", "E301", "E302", "E303", "E304", "E305", "E306", "E401",
                 "E402", "E403", "W201", "W202"):
        assert code in codes, f"no bad file covers {code}"


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_file_reports_exactly_what_it_expects(path: Path):
    expected = expectations(path)
    assert expected and expected[0].startswith("expect: "), f"{path.name} states no expectation"
    analysis = rulecheck.analyze(path)
    assert analysis.ok == (not any("error[" in line for line in expected))
    assert reported(path) == expected


def test_all_errors_of_a_file_are_reported_in_one_run():
    path = BAD / "three-errors.rules"
    codes = [d.code for d in sorted(rulecheck.analyze(path).diagnostics, key=sort_key)]
    assert codes == ["E201", "E301", "E302"]


def test_loading_a_bad_file_raises_rule_file_error_with_its_findings():
    path = BAD / "three-errors.rules"
    with pytest.raises(rulecheck.RuleFileError) as raised:
        rulecheck.load(path)
    assert [d.code for d in raised.value.errors] == ["E201", "E301", "E302"]
    assert str(raised.value).startswith(
        f"{path}:22:22: error[E201]: unknown name '财政供养人员比例': not a declared input, "
        "derived value or grade value\n")


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("name, excerpt", [
    ("unknown-name.rules", [
        "   16 |         bands 满意率:",
        "      |               ^^^^^^",
    ]),
    ("percent-with-space.rules", [
        "   17 |             ≥ 95 % → 6",
        "      |               ^^^^",
    ]),
    ("bad-number.rules", [
        "   20 |         formula: min(在编人数 / 核定编制数, 1) × 9.5.5",
        "      |                                                  ^^^^^",
    ]),
    ("unknown-keyword.rules", [
        "   15 |     indicatr 满意度得分 (6):",
        "      |     ^^^^^^^^",
    ]),
    ("missing-colon.rules", [
        "   15 |     indicator 满意度得分 (6)",
        "      |                             ^",
    ]),
])
def test_check_command_shows_the_line_and_a_caret_under_the_spot(name, excerpt):
    path = BAD / name
    result = invoke("check", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    head = expectations(path)[0].removeprefix("expect: ")
    assert lines[0] == f"{path}:{head}"
    assert lines[1:3] == excerpt
    assert lines[3] == "  = hint: " + expectations(path)[1].removeprefix("hint: ")
    assert "Traceback" not in result.output
    assert result.stderr == "1 file checked: 1 error, 0 warnings\n"


def test_check_command_reports_every_file_of_a_folder(tmp_path):
    for name in ("unknown-name.rules", "three-errors.rules"):
        shutil.copy(BAD / name, tmp_path / name)
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 1
    heads = [line for line in result.stdout.splitlines() if "error[" in line]
    assert [h.split(": error[")[1][:4] for h in heads] == ["E201", "E301", "E302", "E201"]
    assert result.stderr == "2 files checked: 4 errors, 0 warnings\n"


def test_check_command_on_the_shipped_rules_is_clean(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = invoke("check", "rules/")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert re.fullmatch(r"\d+ files checked: 0 errors, 0 warnings\n", result.stderr)


def test_check_command_on_a_missing_file_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "missing.rules")
    assert result.exit_code == 2
    assert "Path 'missing.rules' does not exist." in result.stderr
    assert "Traceback" not in result.output


def test_check_command_on_a_folder_without_rule_files_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("no rules here", encoding="utf-8")
    result = invoke("check", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"no .rules files found in {tmp_path}\n"


def test_check_command_on_an_unreadable_rule_file_is_a_usage_error(tmp_path):
    path = tmp_path / "latin1.rules"
    path.write_bytes('framework "Évaluation"\n'.encode("latin-1"))
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert result.stderr == (f"{path}: error[E001]: the rule file is not UTF-8 text\n"
                             "  = hint: save it as UTF-8 (in Notepad or WPS: 另存为, encoding UTF-8)\n")
