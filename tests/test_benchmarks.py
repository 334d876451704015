"""benchmarks/suite.py keeps running: its quick run (no rule engines from PyPI, so no network) prints every
row of issue 13's table and writes them as JSON. No figure is asserted: speed is measured by the suite on
the machine it runs on, never in tests."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def quick_run(root, tmp_path_factory):
    """One `suite.py --quick --no-engines --json FILE` run: its standard output and its JSON."""
    figures = tmp_path_factory.mktemp("suite") / "figures.json"
    done = subprocess.run([sys.executable, str(root / "benchmarks/suite.py"), "--quick", "--no-engines",
                           "--json", str(figures)], capture_output=True, text=True, cwd=root,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(figures.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def row_names(root):
    """The suite's row names, and those that need the network (suite.py puts benchmarks/ on sys.path to
    import its neighbours: the path is put back afterwards)."""
    path = list(sys.path)
    spec = importlib.util.spec_from_file_location("benchmark_suite", root / "benchmarks/suite.py")
    assert spec is not None and spec.loader is not None
    suite = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = suite  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(suite)
    finally:
        sys.path[:] = path
    return suite.ROW_NAMES, suite.NETWORK_ROWS, suite.SHOWN_ROWS


def test_the_table_has_every_row_of_issue_13(row_names):
    names, _network, _shown = row_names
    for words in ("one department", "one band table", "zen-engine", "rule-engine", "cel-python", "explain=True",
                  "batch CSV → CSV", "batch memory, CSV out", "html out", "xlsx out", "rulecheck check", "--jobs",
                  "framework size", "growth with rows"):
        assert any(words in name for name in names), words


def test_the_quick_run_prints_every_row_as_a_markdown_table(quick_run, row_names):
    stdout, _figures = quick_run
    names, _network, _shown = row_names
    table = [line for line in stdout.splitlines() if line.startswith("| ")]
    assert table[0].startswith("| work |")
    assert [line.split(" | ")[0].removeprefix("| ") for line in table[1:]] == list(names)


def test_the_rows_that_need_the_network_are_skipped_with_the_reason(quick_run, row_names):
    _stdout, figures = quick_run
    _names, network, shown = row_names
    verdicts = {row["work"]: row["verdict"] for row in figures["rows"]}
    assert [verdicts[name] for name in network] == ["skipped"] * len(network)
    assert [verdicts[name] for name in shown] == ["—"] * len(shown)
    assert all(verdicts[name] in ("ok", "OVER", "not available") for name in verdicts
               if name not in network and name not in shown)


def test_the_json_says_which_machine_and_run(quick_run):
    stdout, figures = quick_run
    assert figures["mode"] == "quick" and figures["machine"]["nproc"] == os.cpu_count()
    assert "quick run" in stdout and "medians of interleaved runs" in stdout


def test_the_batch_comparison_checks_both_scorers_wrote_the_same_file(quick_run):
    _stdout, figures = quick_run
    (batch,) = [row for row in figures["rows"] if row["work"].startswith("batch CSV")]
    assert batch["figures"]["same_output"] is True
