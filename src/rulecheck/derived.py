"""Derived values when scoring: the closure of each let, which first computes, in dependency order and
without recursion, the lets it reads that the environment does not hold yet.

Lets are computed lazily (docs/language.md, "Derived values"): the environment (runtime.Env) computes a
let the first time a rule reads it, and a let no rule reads is never computed. Left to itself, a let
that reads a let that reads a let … would go a few Python calls deeper per let, and a chain of a few
hundred lets would exhaust Python's stack. Here a let, when first read, computes the lets under it
innermost first, so that each finds the lets it reads already in the environment. A let that fails
(a division by zero) while computed ahead of its reader is kept as failed, and its failure is raised
where and when the evaluation actually reads it: never sooner, and not at all if nothing reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from .check import Checked, ordered_lets
from .check.lets import post_order

FAILED_KEY = "\0failed"  # in the environment: let name → the exception it failed with when computed ahead
NOTHING_FAILED: Mapping = MappingProxyType({})


def let_closures(checked: Checked, compile_expr: Callable) -> dict:
    """Name → the closure computing the derived value from the environment."""
    own = {let.name: compile_expr(let.expr) for let in ordered_lets(checked.program.lets)}
    return {name: _closure(name, own, checked.reads.reads) for name in own}


def _closure(name: str, own: dict, reads: Mapping[str, tuple]) -> Callable:
    compute, direct = own[name], reads[name]
    if not direct:
        return compute  # it reads no other let: nothing to compute first

    def value(env):
        failed = env.get(FAILED_KEY, NOTHING_FAILED)
        if name in failed:
            raise failed[name]
        for read in direct:
            if read not in env:
                _compute_ahead(env, name, own, reads)
                break
        return compute(env)

    return value


def _compute_ahead(env, name: str, own: dict, reads: Mapping[str, tuple]) -> None:
    """Compute the lets `name` reads, through the lets they read, that the environment does not hold,
    innermost first; a failure is kept, to be raised when (and only if) the evaluation reads that let."""
    def pending(let: str) -> list[str]:
        failed = env.get(FAILED_KEY, NOTHING_FAILED)
        return [read for read in reads[let] if read not in env and read not in failed]

    for let in post_order(pending(name), pending):
        try:
            env[let] = own[let](env)
        except Exception as exc:  # any failure: the evaluation that reads the let raises it, as lazily
            env.setdefault(FAILED_KEY, {})[let] = exc
