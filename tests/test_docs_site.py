"""The documentation site (mkdocs.yml): docs/ in both languages builds in strict mode, its ```rules
blocks highlighted by rulecheck's Pygments lexer, and a broken link or anchor fails the build.

Needs the docs extra (mkdocs, mkdocs-material); skipped where mkdocs is not installed. .ci/run installs
the extra and runs the same strict build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES_BLOCK = re.compile(r'<div class="language-rules highlight">.*?</code></pre></div>', re.DOTALL)

pytest.importorskip("mkdocs")
pytest.importorskip("material")
pytestmark = pytest.mark.skipif(not (ROOT / "mkdocs.yml").is_file(), reason="no mkdocs.yml")


def build_site(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of the project at `project` into `site`."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_both_languages_are_built(site):
    assert (site / "language" / "index.html").is_file()
    assert (site / "editors" / "index.html").is_file()
    chinese = (site / "zh" / "index.html").read_text(encoding="utf-8")
    assert "rulecheck 中文指南" in chinese
    assert "规则文件入门教程" in (site / "zh" / "tutorial" / "index.html").read_text(encoding="utf-8")


def test_rules_blocks_are_highlighted_by_the_rulecheck_lexer(site):
    page = (site / "language" / "index.html").read_text(encoding="utf-8")
    assert '<div class="language-rules highlight">' in page
    assert '<span class="kd">indicator</span>' in page  # Keyword.Declaration
    assert '<span class="ow">且</span>' in page  # Operator.Word: the Chinese notation
    for html in site.rglob("*.html"):
        for block in RULES_BLOCK.findall(html.read_text(encoding="utf-8")):
            assert 'class="err"' not in block, html


def test_a_broken_anchor_fails_the_strict_build(tmp_path):
    """What .ci/run relies on: an anchor no heading has is a warning, and strict mode makes it fatal."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "cli.md").open("a", encoding="utf-8") as page:
        page.write("\nSee [the bands](language.md#no-such-heading).\n")
    result = build_site(tmp_path, tmp_path / "site")
    assert result.returncode != 0
    assert "does not contain an anchor '#no-such-heading'" in result.stderr
