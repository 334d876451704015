"""Correct but unusual rule files (tests/data/good/): ladders that start at full marks, grades on a small
total, points per occurrence with a cap, a floor above 0, a division guarded by a band row, percent lets
with thresholds and deductions below them. Each is written the way Chinese documents write the rule, and
neither `check --strict` nor `verify` may find anything in them: a finding there is a false alarm, which
teaches an analyst to ignore the tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rulecheck.cli import main

GOOD = sorted((Path(__file__).parent / "data" / "good").glob("*.rules"))


def test_there_are_unusual_files_to_keep_quiet_on():
    assert len(GOOD) >= 6


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
@pytest.mark.parametrize("command", [["check", "--strict"], ["verify", "--max-examples", "100"]])
def test_no_finding_on_a_correct_file(path, command):
    result = CliRunner().invoke(main, ["--lang", "en", *command, str(path)])
    assert result.exit_code == 0, result.output
