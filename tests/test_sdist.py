"""What the distributions hold: the sdist carries everything its own test suite reads (.ci/run runs that
suite from the unpacked sdist; this test says which file is missing in a second), and both declare
the MIT licence with its LICENSE file; the wheel ships py.typed and the grammar.

Built in-process with hatchling, the build backend pyproject.toml names (a fraction of a second).
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest

sdist_builder = pytest.importorskip("hatchling.builders.sdist", reason="pip install '.[test]' installs hatchling")
wheel_builder = pytest.importorskip("hatchling.builders.wheel")

ROOT = Path(__file__).resolve().parents[1]

# What the tests read outside tests/, each with a test that reads it.
READ_BY_TESTS = [
    "grammar/rulecheck.lark",  # what the wheel built from the sdist ships (pyproject.toml force-includes it)
    "rules/shenzhen/framework.rules",  # tests/conftest.py
    "rules/shenzhen/cases/corpus-2024.csv",  # test_batch.py
    "rules/hunan-yueyang/framework.rules",  # test_more_frameworks.py
    "docs/verification.md",  # test_docs_verification.py runs its examples
    "docs/batch.md",  # test_batch_docs.py
    "docs/zh/tutorial.md",  # test_docs_zh.py
    "scripts/catalogs.py",  # test_catalogs.py
    "scripts/make_workbooks.py",  # test_example_workbooks.py
    "benchmarks/make_corpus.py",  # test_batch.py: the corpus is what its generator writes
    "benchmarks/handwritten_shenzhen.py",  # test_handwritten_reference.py
    "benchmarks/suite.py",  # test_benchmarks.py
    ".pre-commit-hooks.yaml",  # test_pre_commit_hooks.py
    "mkdocs.yml",  # test_docs_site.py builds the site
    "editors/vscode/build.sh",  # test_editor_grammar.py runs the grammar tests and builds the .vsix
    "editors/vscode/package-lock.json",  # the same packages as the checkout's
    "src/rulecheck/locale/zh/LC_MESSAGES/rulecheck.po",  # test_catalogs.py compares it with the source
    "tests/data/typed_user/user_script.py",  # test_typing.py
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel of this tree, by target name."""
    directory = tmp_path_factory.mktemp("dist")
    sdist = next(sdist_builder.SdistBuilder(str(ROOT)).build(directory=str(directory), versions=["standard"]))
    wheel = next(wheel_builder.WheelBuilder(str(ROOT)).build(directory=str(directory), versions=["standard"]))
    return {"sdist": Path(sdist), "wheel": Path(wheel)}


def sdist_files(sdist: Path) -> dict[str, bytes]:
    """The sdist's files by their path inside the project (without the 'rulecheck-0.1.0/' prefix)."""
    with tarfile.open(sdist) as archive:
        return {member.name.split("/", 1)[1]: archive.extractfile(member).read()
                for member in archive.getmembers() if member.isfile()}


def test_the_sdist_holds_what_its_tests_read(built):
    files = sdist_files(built["sdist"])
    assert [path for path in READ_BY_TESTS if path not in files] == []
    assert [path for path in READ_BY_TESTS if (ROOT / path).read_bytes() != files[path]] == []


def test_the_sdist_holds_every_translation_fragment(built):
    """scripts/catalogs.py build merges them: without them a rebuild of the catalogs from the sdist
    would drop the translations still waiting there."""
    files = sdist_files(built["sdist"])
    fragments = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / ".i18n").rglob("*.po"))
    assert fragments and [path for path in fragments if path not in files] == []


def test_the_sdist_declares_the_licence_and_ships_it(built):
    files = sdist_files(built["sdist"])
    assert files["LICENSE"] == (ROOT / "LICENSE").read_bytes()
    assert "CHANGELOG.md" in files
    metadata = files["PKG-INFO"].decode("utf-8").splitlines()
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata


def test_the_wheel_is_typed_licensed_and_has_its_grammar(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        metadata = wheel.read(f"{info}/METADATA").decode("utf-8").splitlines()
        licence = wheel.read(f"{info}/licenses/LICENSE").decode("utf-8")
    assert {"rulecheck/py.typed", "rulecheck/grammar/rulecheck.lark"} <= names
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 the rulecheck authors\n")
