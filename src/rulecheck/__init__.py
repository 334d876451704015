"""rulecheck: performance-evaluation scoring rules as code that can be read, run, verified and reviewed.

The pipeline, one module per stage:
    parser.py (text → ast.py) → link.py (imports) → check/ (names, types, weights)
    → compile.py (closures) → evaluate.py (facts.py in, results.py out) → report.py
"""

from .api import Analysis, Ruleset, analyze, analyze_text, load, loads
from .diagnostics import (
                          Diagnostic,
                          EvaluationError,
                          FactsError,
                          InputFileError,
                          RulecheckError,
                          RuleFileError,
                          Severity,
)
from .i18n import set_language, speaking  # rulecheck.language is the module of the language's meaning
from .inputs.facts import FactSet, load_facts
from .results import NodeResult, Result
from .source import Span

__all__ = [
    "Analysis", "Diagnostic", "EvaluationError", "FactSet", "FactsError", "InputFileError", "NodeResult",
    "Result", "RuleFileError", "RulecheckError", "Ruleset", "Severity", "Span", "analyze", "analyze_text",
    "load", "load_facts", "loads", "set_language", "speaking",
]
__version__ = "0.1.0"
