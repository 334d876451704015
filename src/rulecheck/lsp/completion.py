"""Completion: the inputs and lets of the document (with its imports), the built-in functions and the
keywords of the language, each with what it is."""

from __future__ import annotations

from lsprotocol import types

from ..i18n import N_, _
from ..language import BUILTINS
from ..syntax.grammar import KEYWORDS
from ..syntax.layout import type_text
from ..syntax.printer import format_source
from .symbols import Symbols

# What each keyword of the language (syntax/grammar.KEYWORDS) starts.
KEYWORD_HELP = {
    "import": N_("import another rule file (a department file imports the framework)"),
    "framework": N_("the framework's name"),
    "total": N_("the total points of the framework"),
    "rounding": N_("how leaf scores are rounded: rounding 2 decimals half-up"),
    "grades": N_("the grade table: which total gives which grade"),
    "inputs": N_("the facts a department supplies, each with its type and values"),
    "let": N_("a derived value, computed from inputs and reused by rules"),
    "constraints": N_("facts that must hold between inputs, or the department is refused"),
    "group": N_("a group of indicators; its points are the sum of its children's"),
    "bonus": N_("a bonus block (加分项): adds its leaves' points, up to a cap"),
    "penalty": N_("a penalty block (扣分项): subtracts what its leaves lose, up to a cap"),
    "indicator": N_("a leaf of the indicator tree, with its points and its rule"),
    "extend": N_("add a department's own indicators under a group of the imported framework"),
    "part": N_("a part of an indicator, with its own points and rule"),
    "formula": N_("score by a formula"),
    "assessed": N_("score given by the evaluators, read from a score input"),
    "bands": N_("score by a band table: the first row that matches gives the points"),
    "checklist": N_("score by a checklist: the points of each condition that holds"),
    "deduct": N_("start from full points and take points off"),
    "floor": N_("the lowest score a deduction can reach"),
    "award": N_("points for each unit of a quantity, up to a cap"),
    "cap": N_("the most points an award or a block can give"),
    "increasing": N_("declare that the score rises (never falls) with an input"),
    "decreasing": N_("declare that the score falls (never rises) with an input"),
}


def completions(symbols: Symbols) -> list[types.CompletionItem]:
    return [*_names(symbols), *_functions(), *_keywords()]


def _names(symbols: Symbols) -> list[types.CompletionItem]:
    items = [types.CompletionItem(label=name, kind=types.CompletionItemKind.Variable,
                                  detail=_("input: {type}", type=type_text(decl.type)),
                                  documentation=decl.description)
             for name, decl in symbols.inputs.items()]
    items += [types.CompletionItem(label=name, kind=types.CompletionItemKind.Variable,
                                   detail=_("derived value = {formula}", formula=format_source(let.expr)),
                                   documentation=let.description)
              for name, let in symbols.lets.items()]
    return items


def _functions() -> list[types.CompletionItem]:
    return [types.CompletionItem(label=name, kind=types.CompletionItemKind.Function,
                                 detail=_("function: {usage}", usage=builtin.usage))
            for name, builtin in BUILTINS.items()]


def _keywords() -> list[types.CompletionItem]:
    return [types.CompletionItem(label=keyword, kind=types.CompletionItemKind.Keyword,
                                 detail=_(KEYWORD_HELP[keyword]) if keyword in KEYWORD_HELP else None)
            for keyword in KEYWORDS]
