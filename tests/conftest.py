"""Shared test set-up: hypothesis profiles and the paths of the shipped Shenzhen rules and cases.

Hypothesis runs the `fast` profile locally and `thorough` on CI (when the CI variable is set);
HYPOTHESIS_PROFILE=fast|thorough picks one explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("fast", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=300, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("thorough" if os.environ.get("CI") else "fast"))

# Messages are pinned in English: the tests speak English whatever the machine's locale (and so do the
# commands they start); a test of Chinese output asks for it (--lang zh, RULECHECK_LANG=zh, speaking("zh")).
os.environ["RULECHECK_LANG"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SHENZHEN = ROOT / "rules" / "shenzhen"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def framework_path() -> Path:
    return SHENZHEN / "framework.rules"


@pytest.fixture(scope="session")
def case_path() -> Path:
    return SHENZHEN / "cases" / "edu-info-center-2024.yaml"


@pytest.fixture(scope="session")
def department_path() -> Path:
    return SHENZHEN / "departments" / "edu-info-center.rules"


@pytest.fixture(scope="session")
def department_case_path() -> Path:
    return SHENZHEN / "departments" / "cases" / "edu-info-center-2024.yaml"


@pytest.fixture(scope="session")
def framework(framework_path):
    import rulecheck
    return rulecheck.load(framework_path)


@pytest.fixture(scope="session")
def case_facts(case_path):
    import rulecheck
    return rulecheck.load_facts(case_path)
