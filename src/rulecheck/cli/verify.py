"""`rulecheck verify`: bounds and declared directions tested with generated facts, then the walks of the
inputs (verify.py)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..api import analyze
from ..diagnostics import InputFileError, render_all
from ..i18n import N_, _, ngettext
from ..syntax import ast
from ..syntax.printer import format_number
from . import SUBCOMMANDS, Exit, emit, fail, machine_format_option, main, option, quiet_option, rule_files_or_exit, say

if TYPE_CHECKING:  # verify.py imports hypothesis: only `rulecheck verify` loads it, when it runs
    from ..verify import Outcome


@main.command("verify", help=SUBCOMMANDS["verify"].help)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@option("--max-examples", type=click.IntRange(min=1), default=200, show_default=True,
        help=N_("Facts tried per property before it is taken to hold."))
@option("--seed", type=int, default=0, show_default=True,
        help=N_("Seed of the search; the same seed finds the same counterexamples."))
@machine_format_option()
@quiet_option()
def verify_command(paths, max_examples: int, seed: int, fmt: str, quiet: bool) -> None:
    from ..verify import (
        verify,  # imports hypothesis: only this command pays for it (check stays fast)
    )

    files = rule_files_or_exit(paths)
    leaves = properties = proved = problems = 0
    text = fmt == "text"
    quiet = quiet or not text  # json, sarif: the report alone, on standard output
    reported: list = []
    records: list[dict[str, object]] = []
    sources: dict = {}
    for path in files:
        try:
            analysis = analyze(path)
        except InputFileError as exc:
            if text:
                fail(exc)
            reported.extend(exc.diagnostics)
            emit(verify_report(files, reported, records, sources, (leaves, properties, proved, problems),
                               Exit.USAGE), fmt)
        sources.update(analysis.linked.sources)
        if not quiet:  # with --quiet, the findings below name their files
            click.echo(str(path))
        if analysis.compiled is None:  # it does not check: nothing to run
            reported.extend(analysis.diagnostics)
            if text:
                click.echo(render_all(analysis.diagnostics, sources))
            problems += sum(d.is_error for d in analysis.diagnostics)
            continue
        assert analysis.proof is not None  # what compiles is proved (api._analysis)
        outcomes = verify(analysis, max_examples=max_examples, seed=seed)
        static = [d for d in analysis.proof.diagnostics if d.is_error]
        # a problem check already reported (with its counterexample) is not reported again
        found = static + [o.diagnostic for o in outcomes if o.diagnostic is not None and not any(
            already(d, o) for d in static)]
        for line in [] if quiet else verify_lines(outcomes, analysis.proof.diagnostics):
            click.echo(line)
        if found and text:
            click.echo(render_all(found, sources))
        reported.extend(found)
        records.extend(property_records(outcomes))
        tested = [o for o in outcomes if not o.finding]  # the findings of the walks are no properties
        leaves += len({id(o.node) for o in tested if isinstance(o.node, ast.Indicator)})
        properties += len(tested)
        proved += sum(o.proved and not o.failed for o in tested)
        problems += sum(d.is_error for d in found)  # a warning (W713) is shown, and fails nothing
    code = Exit.PROBLEMS if problems else Exit.CLEAN
    if not text:
        emit(verify_report(files, reported, records, sources, (leaves, properties, proved, problems), code,
                           max_examples, seed), fmt)
    say(verify_summary(len(files), leaves, properties, proved, problems, max_examples, seed), quiet)
    sys.exit(code)


def verify_report(files, findings, records, sources, counts, code: int, max_examples: int = 0, seed: int = 0):
    """What verify found, for --format json or sarif: the findings, and each property tested."""
    from ..report.machine import Report

    leaves, properties, proved, problems = counts
    summary = {"files": len(files), "leaves": leaves, "properties": properties, "proved": proved,
               "problems": problems, "max_examples": max_examples, "seed": seed}
    return Report("verify", [str(f) for f in files], findings, summary, code, {"properties": records}, sources)


def property_records(outcomes) -> list[dict[str, object]]:
    """Each property of a leaf or group (bounds, a direction) as the JSON report lists it."""
    return [{"name": o.node.name, "kind": "indicator" if isinstance(o.node, ast.Indicator) else "group",
             "file": o.node.span.file if o.node.span else None, "line": o.node.span.line if o.node.span else None,
             "property": o.property, "proved": o.proved and not o.failed, "failed": o.failed,
             "code": o.diagnostic.code if o.diagnostic is not None else None}
            for o in outcomes if o.node is not None and not o.finding]


def already(static, outcome) -> bool:
    """Whether check's finding is the problem the search found: the same code, on the same direction
    line, or (for bounds) inside the same leaf."""
    found = outcome.diagnostic
    if static.code != found.code or outcome.node is None:
        return False
    return static.span == found.span if found.code == "E711" else outcome.node.span.covers(static.span)


def verify_summary(files, leaves, properties, proved, problems, max_examples, seed) -> str:
    return _("{files} verified: {leaves}, {properties} ({proved} proved statically, all tested with up to "
             "{examples}, seed {seed}): {problems}",
             files=ngettext("{count} file", "{count} files", files, count=files),
             leaves=ngettext("{count} leaf", "{count} leaves", leaves, count=leaves),
             properties=ngettext("{count} property", "{count} properties", properties, count=properties),
             proved=proved, seed=seed,
             examples=ngettext("{count} example", "{count} examples", max_examples, count=max_examples),
             problems=ngettext("{count} problem", "{count} problems", problems, count=problems))


def shown_property(name: str) -> str:
    """A property as the verdict shows it: the bounds check in the current language; a direction and an
    error code as written ("increasing in 满意度" is the rule's own text)."""
    return _("bounds") if name == "bounds" else name


def verify_lines(outcomes, static) -> list[str]:
    """One line per leaf (and per group that declares a direction): ✓ or ✗, what was proved or tested."""
    lines: list[str] = []
    by_node: dict[int, list[Outcome]] = {}  # id(node) → its outcomes, in order
    for outcome in outcomes:
        if outcome.node is not None:  # the grades' findings (E731, E732) belong to no leaf
            by_node.setdefault(id(outcome.node), []).append(outcome)
    for group in by_node.values():
        node = group[0].node
        assert node is not None
        leaf = isinstance(node, ast.Indicator)
        failed = [o.property for o in group if o.failed]
        warned = [o.property for o in group if o.finding and not o.failed]
        if leaf:  # check's own findings inside the leaf, unless the search's failures already say so
            said = {"E501", "E502"} if "bounds" in failed else set()
            said |= {"E711"} if any(p != "bounds" for p in failed) else set()
            failed += [d.code for d in static if d.is_error and node.span is not None and node.span.covers(d.span)
                       and d.code not in said]
        tested = [o.property for o in group if not o.proved and not o.failed and not o.finding]
        directions = sum(not o.finding for o in group) - leaf
        shown = [_("within [0, {points}]", points=format_number(node.points))] if leaf else []
        if directions:
            shown.append(ngettext("{count} direction", "{count} directions", directions, count=directions))
        verdict = "; ".join(filter(None, [
            _("failed: {properties}", properties=", ".join(map(shown_property, failed))) if failed else "",
            _("tested, not proved: {properties}", properties=", ".join(map(shown_property, tested))) if tested else "",
            _("all proved") if not failed and not tested else "",
            _("warnings: {codes}", codes=", ".join(warned)) if warned else ""]))
        name = node.name if leaf else _("group {name}", name=node.name)
        lines.append(f"  {'✗' if failed else '✓'} {name}: {', '.join(shown)} — {verdict}")
    return lines
