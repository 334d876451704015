"""Hypothesis strategies: facts for a ruleset, drawn inside every input's declared domain."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from rulecheck import ast

# Inputs without an upper bound are drawn up to these (the evaluator is exact at any size).
LARGEST = {"count": 10_000, "amount": Decimal("10000000"), "number": Decimal("1000"), "score": Decimal("100")}


def divisors(ruleset) -> set[str]:
    """The inputs that appear on the right of a '÷' anywhere in the rules (through derived values too)."""
    found = set()
    expressions = [let.expr for let in ruleset.program.lets]
    for item, _ in ast.iter_nodes(ruleset.program.nodes):
        if isinstance(item, ast.Indicator):
            for _, _, rule in ast.indicator_rules(item):
                expressions.extend(ast.rule_expressions(rule))
    for expr in expressions:
        for node in ast.walk(expr):
            if isinstance(node, ast.Binary) and node.op == "/":
                found |= {e.name for e in ast.walk(node.right) if isinstance(e, ast.Ref)}
    return found & set(ruleset.inputs)


def value_of(decl: ast.InputDecl, *, nonzero: bool = False) -> st.SearchStrategy:
    """A fact for one input, as a department would write it: percents as "93.5%", counts as ints."""
    kind = decl.type.kind
    if kind == "bool":
        return st.booleans()
    if kind == "grade":
        return st.sampled_from(decl.type.values)
    low = decl.low.value if decl.low is not None else Decimal(0)
    high = decl.high.value if decl.high is not None else None
    if decl.low_exclusive:  # 'above 0': the smallest value drawn is one step above
        low += Decimal("0.0001") if kind == "percent" else Decimal(1) if kind == "count" else Decimal("0.01")
    if nonzero:
        low = max(low, Decimal(1) if kind != "percent" else Decimal("0.01"))
    if kind == "count":
        return st.integers(int(low), int(high) if high is not None else LARGEST["count"])
    if kind == "percent":
        top = high * 100 if high is not None else Decimal(200)
        return st.decimals(low * 100, top, places=2).map(lambda v: f"{v}%")
    top = high if high is not None else LARGEST[kind]
    return st.decimals(low, top, places=2)


def facts_for(ruleset, *, nonzero=(), at_most=None) -> st.SearchStrategy:
    """A dict of facts for every input; `nonzero` inputs start at 1 (or 1%); `at_most` maps an input
    to another it may not exceed (按计划时间完成项目数 ≤ 计划完成项目数)."""
    nonzero = set(nonzero)
    fields = {name: value_of(decl, nonzero=name in nonzero) for name, decl in ruleset.inputs.items()}
    strategy = st.fixed_dictionaries(fields)
    for smaller, larger in (at_most or {}).items():
        strategy = strategy.map(lambda facts, s=smaller, b=larger: facts | {s: min(facts[s], facts[b])})
    return strategy
