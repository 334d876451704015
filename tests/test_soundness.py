"""The prove stage is sound on random frameworks: what `check` proves holds for every department, and
what it reports comes with a counterexample that really shows the problem.

The files come from `strategies.rule_files()` (well-formed frameworks whose declared directions are
true), then are broken on purpose: some directions turned around, some caps (`min`) turned into
floors (`max`), so that both proofs and counterexamples get exercised.
"""

from __future__ import annotations

import re

import yaml
from hypothesis import given
from hypothesis import strategies as st
from strategies import facts_for, rule_files, value_of

import rulecheck
from rulecheck.api import ruleset_from
from rulecheck.prove import PROVED, REFUTED, scored_nodes
from rulecheck.runtime import Env, EvalFailure
from rulecheck.syntax import ast

FLIP = {"increasing": "decreasing", "decreasing": "increasing"}
DIRECTION = re.compile(r"^(\s*)(increasing|decreasing)( in )", re.MULTILINE)


def damaged(data, text: str) -> str:
    """The file with some direction lines reversed and some caps made floors."""
    def flip(match):
        turn = data.draw(st.booleans(), label="reverse a direction")
        return match.group(1) + (FLIP[match.group(2)] if turn else match.group(2)) + match.group(3)
    text = DIRECTION.sub(flip, text)
    if data.draw(st.booleans(), label="make the caps floors"):
        text = text.replace("min(", "max(")
    return text


def score_of(ruleset, facts, node) -> object:
    """The node's score (the sum of its leaves' rounded scores), or the codes scoring it fails with.
    Only this node is scored: another leaf's failure is not this one's."""
    scored = next(s for s in scored_nodes(ruleset.compiled) if s.node is node)
    try:
        return scored.score(Env(ruleset.validate(facts), ruleset.compiled.lets))
    except EvalFailure as failure:
        return {failure.diagnostic.code}


def departments(example: tuple) -> list[dict]:
    """The facts of a counterexample block, one mapping per '# department' heading (or one)."""
    blocks, current = [], []
    for line in example:
        if line.startswith("# department"):
            current = []
            blocks.append(current)
        elif not blocks:
            blocks.append(current)
        if not line.startswith("#"):
            current.append(line)
    return [yaml.safe_load("\n".join(block)) or {} for block in blocks]


@given(st.data())
def test_proved_directions_hold_and_refuted_ones_come_with_two_real_departments(data):
    text = damaged(data, data.draw(rule_files(), label="rule file"))
    analysis = rulecheck.analyze_text(text, "generated.rules")
    assert analysis.compiled is not None, text
    ruleset = ruleset_from(analysis)
    facts = data.draw(facts_for(ruleset), label="facts")
    refutations = {d.span: d for d in analysis.diagnostics if d.code == "E711"}
    for proof in analysis.proof.nodes:
        for direction, status in proof.directions:
            name, rising = direction.input.name, 1 if direction.direction == "increasing" else -1
            if status == PROVED:
                other = facts | {name: data.draw(value_of(ruleset.inputs[name]), label=name)}
                low, high = sorted((facts, other), key=lambda f: ruleset.validate(f)[name])
                before, after = score_of(ruleset, low, proof.node), score_of(ruleset, high, proof.node)
                if isinstance(before, set) or isinstance(after, set):
                    continue  # a damaged cap: the bounds property below is about that
                assert (after - before) * rising >= 0, (text, proof.node.name, name, low[name], high[name])
            elif status == REFUTED:
                finding = refutations[direction.span]
                a, b = departments(finding.example)
                before, after = score_of(ruleset, facts | a, proof.node), score_of(ruleset, facts | b, proof.node)
                assert not isinstance(before, set) and not isinstance(after, set), finding.render()
                assert (after - before) * rising < 0, finding.render()
                assert ruleset.validate(facts | a)[name] < ruleset.validate(facts | b)[name] or \
                    ruleset.inputs[name].type.kind in ("bool", "grade")


@given(st.data())
def test_proved_bounds_hold_and_reported_ones_come_with_a_real_department(data):
    text = damaged(data, data.draw(rule_files(), label="rule file"))
    analysis = rulecheck.analyze_text(text, "generated.rules")
    ruleset = ruleset_from(analysis)
    facts = data.draw(facts_for(ruleset), label="facts")
    for proof in analysis.proof.nodes:
        if proof.bounded:
            score = score_of(ruleset, facts, proof.node)
            assert not isinstance(score, set), (text, proof.node.name, facts, score)
            assert 0 <= score <= proof.node.points, (text, proof.node.name, facts, score)
    leaves = {node.span: node for node, _ in ast.iter_nodes(ruleset.program.nodes) if isinstance(node, ast.Indicator)}
    for finding in analysis.diagnostics:
        if finding.code in ("E501", "E502"):
            (department,) = departments(finding.example)
            leaf = next(node for span, node in leaves.items() if span.covers(finding.span))
            score = score_of(ruleset, facts | department, leaf)
            assert isinstance(score, set) or not 0 <= score <= leaf.points, finding.render() + "\n" + text
