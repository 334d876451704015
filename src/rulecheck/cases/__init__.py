"""Cases: facts and the scores they must give, read from *.case.yaml files and run against a framework.

A case file holds one case (`name`, `facts`, `expect`) or several (`cases:`, with `base:` facts every
case starts from). `gather_case_files` finds the files a run reads, each once (locate.py); `load_cases`
reads one keeping the position of every key (files.py), its facts files only inside the project
(facts.py); `run_case` scores a case and compares each expected score, exactly or within a tolerance
(run.py), and `coverage` tells which band rows, boundaries (boundaries.py), checklist items (earned and
missed alone) and grade rows the cases cover (coverage.py); suggest.py writes the cases that would cover
the rest, their expected scores left for the analyst.
"""

from __future__ import annotations

from .boundaries import Boundary, boundaries
from .coverage import BoundaryTarget, Coverage, Target, coverage, coverage_tables
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
    "Boundary", "BoundaryTarget", "boundaries",
    "CASE_SUFFIX", "GRADE", "TOTAL", "Case", "CaseFileError", "CaseFiles", "CaseReader", "CaseResult",
    "Comparison", "Coverage", "Expectation", "Target", "case_files", "cases_folder", "compare", "coverage",
    "coverage_tables", "difference_line", "expectation_problems", "find_cases", "gather_case_files", "load_cases",
    "run_case",
]
