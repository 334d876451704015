"""A Pygments lexer for rule files, so that ```rules code blocks highlight in the docs site (mkdocs.yml)
and wherever Pygments is used (`pygmentize -l rules`).

Registered as the entry point `rulecheck` of the group `pygments.lexers` (pyproject.toml); Pygments is
the optional extra `docs`, and nothing in the package imports this module, so rulecheck itself never
needs Pygments. The tokens follow grammar/rulecheck.lark (and the TextMate grammar of
editors/vscode, which tests the same spellings): every spelling the parser accepts — the full-width
operators, 且/或/非, a points value's 分, ranges 80%–90%, dates 2024年3月31日 — is one token of the right
type, and a character the language does not have is an Error token.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

__all__ = ["RulecheckLexer"]

# A bare name (NAME in the grammar): letters, Chinese included, digits and "_", not starting with a
# digit; Chinese quotation marks may start it and appear in it. NAME_END is what may not follow a word.
_NAME_CHARS = r"\w“”‘’《》"
NAME = rf"(?:[^\W\d]|[“‘《])[{_NAME_CHARS}]*"
NAME_END = rf"(?![{_NAME_CHARS}])"
_NOT_IN_NAME = rf"(?<![{_NAME_CHARS}])"
NUMBER = r"\d+(?:\.\d+)?"

_STRUCTURE = ("import", "framework", "total", "rounding", "decimals", "decimal", "grades", "inputs", "let",
              "constraints", "group", "indicator", "part", "bonus", "penalty", "extend")
_RULES = ("formula", "assessed", "bands", "checklist", "deduct", "award", "matrix", "columns", "per", "of",
          "above", "below", "floor", "cap", "otherwise", "from", "to", "increasing", "decreasing", "in")
_TYPES = ("number", "count", "amount", "percent", "date", "bool", "score", "grade")
_LOGIC = ("and", "or", "not", "且", "或", "非")
_FUNCTIONS = ("min", "max", "sum", "average", "avg", "mean", "clamp", "abs", "ceil", "floor", "round")
_ROUNDING_MODES = ("half-up", "half-even", "half-down", "up", "down")


def _keywords(names: tuple[str, ...]) -> str:
    """Whole words only: `total` is a keyword, `totalx` and `完整且及时` are names."""
    return words(names, prefix=_NOT_IN_NAME, suffix=NAME_END).get()


class RulecheckLexer(RegexLexer):
    """Lexer for rulecheck rule files (*.rules): scoring rules of performance evaluations."""

    name = "rulecheck"
    aliases = ["rulecheck", "rules"]
    filenames = ["*.rules"]
    mimetypes = ["text/x-rulecheck"]
    url = "https://pypi.org/project/rulecheck/"

    tokens = {
        "root": [
            (r"[ \t\f]+", Whitespace),
            (r"\r?\n|\r", Whitespace),
            (r"#[^\r\n]*", Comment.Single),
            (r'"[^"\r\n]*"', String.Double),
            (rf"({_NOT_IN_NAME}(?:group|indicator|part|bonus|penalty|extend|framework))([ \t]+)({NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"({_NOT_IN_NAME}let)([ \t]+)({NAME})", bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (rf"(decimals?)([ \t]+)({'|'.join(_ROUNDING_MODES)}){NAME_END}",
             bygroups(Keyword, Whitespace, Keyword.Constant)),
            # DATE before the numbers: 2024-03-31 is no subtraction, 2024年3月31日 no number and name
            (r"(?<![\w.])(?:\d{4}-\d{1,2}-\d{1,2}(?![\d.%％])|\d{4}年\d{1,2}月\d{1,2}日)", Number.Other),
            # RANGE: 80%–90%, 80–90%, 80分-90分, 80%至90% (the grammar's one token; its dash is no minus)
            (rf"({NUMBER})([%％]?)(分?)([ \t]*)([-−－–—~～]|至)([ \t]*)({NUMBER})([%％]?)(分?)"
             rf"(?=[ \t]*(?:→|->|=>|－＞|＝＞|[|｜#]|$))",
             bygroups(Number, Number, Keyword.Pseudo, Whitespace, Operator, Whitespace, Number, Number,
                      Keyword.Pseudo)),
            (rf"(?<![\w.])({NUMBER})([%％])", bygroups(Number, Number)),
            (rf"(?<![\w.])({NUMBER})([ \t]*)(分|points?){NAME_END}", bygroups(Number, Whitespace, Keyword.Pseudo)),
            (r"(?<![\w.])\d+\.\d+", Number.Float),
            (r"(?<![\w.])\d+", Number.Integer),
            (rf"{_NOT_IN_NAME}(?:{'|'.join(_FUNCTIONS)})(?=[ \t]*[(（])", Name.Builtin),
            (_keywords(_STRUCTURE), Keyword.Declaration),
            (_keywords(_RULES), Keyword),
            (_keywords(_TYPES), Keyword.Type),
            (_keywords(_LOGIC), Operator.Word),
            (r"→|->|=>|－＞|＝＞", Operator),
            (r">=|<=|!=|==|≥|≤|≠|≧|≦|⩾|⩽|＞＝|＜＝|！＝|＝＝|[><=＞＜＝]", Operator),
            (r"[+＋\-−－*×＊/÷／]", Operator),
            (r"[:：,，|｜()（）]", Punctuation),
            (r"…", Punctuation),  # the docs' "and so on" in a fragment
            (NAME, Name.Variable),
        ],
    }
