"""rulecheck: performance-evaluation scoring rules as code that can be read, run, verified and reviewed.

The pipeline, one module per stage:
    parser.py (text → ast.py) → link.py (imports) → check/ (names, types, weights)
    → compile.py (closures) → evaluate.py (facts.py in, results.py out) → report.py

The public names below are imported when first used (PEP 562), not by `import rulecheck`: a command
or a script that needs only part of the package does not pay for loading all of it.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time, `__getattr__` below
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

# each public name → the module it comes from
_PUBLIC = {
    **dict.fromkeys(["Analysis", "Ruleset", "analyze", "analyze_text", "load", "loads"], "api"),
    **dict.fromkeys(["Diagnostic", "EvaluationError", "FactsError", "InputFileError", "RulecheckError",
                     "RuleFileError", "Severity"], "diagnostics"),
    **dict.fromkeys(["set_language", "speaking"], "i18n"),
    **dict.fromkeys(["FactSet", "load_facts"], "inputs.facts"),
    **dict.fromkeys(["NodeResult", "Result"], "results"),
    "Span": "source",
}

__all__ = [
    "Analysis", "Diagnostic", "EvaluationError", "FactSet", "FactsError", "InputFileError", "NodeResult",
    "Result", "RuleFileError", "RulecheckError", "Ruleset", "Severity", "Span", "analyze", "analyze_text",
    "load", "load_facts", "loads", "set_language", "speaking",
]
__version__ = "0.1.0"


if not TYPE_CHECKING:  # hidden from type checkers, which would take any misspelt name for an Any

    def __getattr__(name: str) -> Any:
        """A public name, imported from its module on first use; or a submodule (`rulecheck.api`), as if
        it had been imported."""
        if name in _PUBLIC:
            value = getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
            globals()[name] = value  # the next use is a plain attribute
            return value
        if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
