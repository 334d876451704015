"""The defect catalogue: realistic mistakes in the Shenzhen framework, one file each in tests/data/defects/,
and which of rulecheck's stages catches each — as a reviewer's CI runs them.

Each file says what the defect is (`defect`), its class (`class`: bound, band, grade, direction, weight,
unit, domain, or score-only for an edit that breaks nothing structural but changes scores), the stage
expected to catch it (`caught-by`), and the edit: `edits`, each an `old` text that occurs once in
rules/shenzhen/framework.rules and its `new` text. A defect is applied to a copy of rules/ (so that the
shipped cases and corpus sit beside it) and the stages are run in order, as CI would:

    check   rulecheck check --strict rules/shenzhen/framework.rules     (exit ≠ 0: caught)
    verify  rulecheck verify rules/shenzhen/framework.rules
    test    rulecheck test rules/shenzhen/framework.rules               (the shipped cases)
    diff    rulecheck diff ORIGINAL rules/shenzhen/framework.rules --facts the corpus   (exit 1: scores change)

tests/test_defects.py checks that each defect is caught no later than its declared stage;
benchmarks/defects.py runs every stage on every defect and prints the figures docs/verification.md quotes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import attrs
import yaml
from click.testing import CliRunner

from rulecheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tests" / "data" / "defects"
FRAMEWORK = Path("rules/shenzhen/framework.rules")
STAGES = ("check", "verify", "test", "diff")
STRUCTURAL = ("bound", "band", "grade", "direction", "weight", "unit", "domain")


@attrs.frozen
class Defect:
    name: str
    defect: str
    kind: str
    caught_by: str
    edits: tuple

    @classmethod
    def read(cls, path: Path) -> Defect:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["class"] in (*STRUCTURAL, "score-only") and data["caught-by"] in STAGES, path
        return cls(path.stem, data["defect"], data["class"], data["caught-by"],
                   tuple((edit["old"], edit["new"]) for edit in data["edits"]))

    def applied(self, text: str) -> str:
        for old, new in self.edits:
            assert text.count(old) == 1, f"{self.name}: {old!r} is not once in the framework"
            text = text.replace(old, new)
        return text


def defects() -> list[Defect]:
    return [Defect.read(path) for path in sorted(CATALOGUE.glob("*.yaml"))]


def prepare(defect: Defect, folder: Path) -> Path:
    """A copy of rules/ in `folder`, the framework with the defect, the original beside it; the folder."""
    shutil.copytree(ROOT / "rules", folder / "rules", dirs_exist_ok=True)
    original = (ROOT / FRAMEWORK).read_text(encoding="utf-8")
    (folder / "original.rules").write_text(original, encoding="utf-8")
    (folder / FRAMEWORK).write_text(defect.applied(original), encoding="utf-8")
    return folder


def command(stage: str) -> list[str]:
    framework = str(FRAMEWORK)
    return {"check": ["check", "--strict", framework], "verify": ["verify", framework], "test": ["test", framework],
            "diff": ["diff", "original.rules", framework, "--facts", "rules/shenzhen/cases/corpus-2024.csv"]}[stage]


def caught(stage: str, folder: Path) -> bool:
    """Whether `stage` stops the defective framework in `folder` (a non-zero exit, as CI sees it)."""
    import os
    before = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["--lang", "en", *command(stage)])
    finally:
        os.chdir(before)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code != 0


def first_catch(defect: Defect, folder: Path, stages: Iterable[str] = STAGES) -> str | None:
    """The first of `stages` that catches the defect, or None."""
    prepare(defect, folder)
    return next((stage for stage in stages if caught(stage, folder)), None)
