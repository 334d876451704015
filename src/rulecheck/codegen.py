"""Python source written by rulecheck for one ruleset, and the one place it is compiled and run.

A ruleset's hottest paths are written out as straight-line Python once, when first needed, as attrs
writes `__init__` and Jinja writes templates: the scores-only evaluation (generate.py) and the reading
of a batch's facts (inputs/fast.py). Rule text never reaches the source: every name, number, string and
function the code reads is passed in its namespace as a constant (`_k12`), and the source holds only
Python syntax and the identifiers its writer chose (tests/test_generate.py feeds names with quotes,
backslashes and newlines through both writers).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal


class Code:
    """Source being written line by line, and the constants it reads."""

    def __init__(self) -> None:
        self.constants: dict[str, object] = {}
        self._named: dict[object, str] = {}
        self.lines: list[str] = []
        self.counter = 0

    def const(self, value) -> str:
        """The name the generated code reads `value` by. Equal numbers written differently (1 and 1.0)
        stay apart, since they print differently; so do equal texts of another type (two Steps of one text
        at two places)."""
        key = (type(value), str(value)) if type(value) in (str, Decimal, int, bool) else (type(value), id(value))
        if key not in self._named:
            name = f"_k{len(self.constants)}"
            self._named[key] = name
            self.constants[name] = value
        return self._named[key]

    def fresh(self, prefix: str) -> str:
        """A new local's name."""
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def function(self, name: str, what: str) -> Callable:
        """The function `name` the lines define, compiled with the constants as its globals; its source
        kept as `.source`, for a developer who reads it and for the tests."""
        source = "\n".join(self.lines) + "\n"
        namespace = dict(self.constants)
        code = compile(source, f"<rulecheck {what} of {len(self.constants)} constants>", "exec")
        exec(code, namespace)  # the source holds no rule text: see the module's docstring
        function = namespace[name]
        assert callable(function)
        function.source = source  # type: ignore[attr-defined]
        return function
