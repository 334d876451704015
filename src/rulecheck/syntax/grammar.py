"""The grammar: grammar/rulecheck.lark (shipped inside the package), its keywords, and the one LALR
parser with the Indenter that turns indentation into blocks. The parser is standalone.py, which
scripts/standalone_parser.py generates from the grammar with lark's standalone generator: lark's parser
code and the parser it builds from the grammar's tables, pickled, in one module, so that parsing a file
needs neither lark's import nor its table building or loading (a fifth of `rulecheck check` when they
were loaded from a cache)."""

from __future__ import annotations

import functools
from pathlib import Path

from . import standalone

KEYWORDS = ("import", "framework", "total", "rounding", "grades", "inputs", "let", "constraints", "group",
            "bonus", "penalty", "indicator", "extend", "part", "formula", "assessed", "bands", "checklist", "deduct",
            "floor", "award", "cap", "increasing", "decreasing")

class RuleIndenter(standalone.Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["_LPAR"]
    CLOSE_PAREN_types = ["_RPAR"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4


def grammar_text() -> str:
    """The grammar shipped in the wheel, or grammar/ at the top of a source checkout. Read from the
    package's folder when it has one; importlib.resources (and the zipfile it imports: ~4 ms of each
    `rulecheck check`) only for a package imported from a zip."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "grammar" / "rulecheck.lark", package.parents[1] / "grammar" / "rulecheck.lark"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("rulecheck").joinpath("grammar/rulecheck.lark").read_text(encoding="utf-8")


@functools.cache
def lark_parser() -> standalone.Lark:
    """The parser (its options are scripts/standalone_parser.py's), with the Indenter, loaded once: the
    script builds it from the grammar's tables and pickles it into standalone.py."""
    return standalone.load_parser(RuleIndenter())
