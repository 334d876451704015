"""Cases: facts and the scores they must give, read from *.case.yaml files and run against a framework.

A case file holds one case (`name`, `facts`, `expect`) or several (`cases:`, with `base:` facts every
case starts from). `gather_case_files` finds the files a run reads, each once (locate.py); `load_cases`
reads one keeping the position of every key (files.py), its facts files only inside the project
(facts.py); `run_case` scores a case and compares each expected score, exactly or within a tolerance
(run.py), and `coverage` tells which band rows, checklist items and grade rows the cases reach (coverage.py).
"""

from __future__ import annotations

from .coverage import Coverage, Target, coverage, coverage_tables
from .files import (
    CASE_SUFFIX,
    GRADE,
    TOTAL,
    Case,
    CaseFileError,
    CaseReader,
    Expectation,
    load_cases,
)
from .locate import CaseFiles, case_files, cases_folder, find_cases, gather_case_files
from .run import CaseResult, Comparison, compare, difference_line, expectation_problems, run_case

__all__ = [
    "CASE_SUFFIX", "GRADE", "TOTAL", "Case", "CaseFileError", "CaseFiles", "CaseReader", "CaseResult",
    "Comparison", "Coverage", "Expectation", "Target", "case_files", "cases_folder", "compare", "coverage",
    "coverage_tables", "difference_line", "expectation_problems", "find_cases", "gather_case_files", "load_cases",
    "run_case",
]
