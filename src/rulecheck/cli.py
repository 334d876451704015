"""The `rulecheck` command: parse arguments, call the API, print, and pick the exit code.

Exit codes, as black: 0 clean, 1 problems found (in rule files, facts or scoring), 2 usage or I/O error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import ast
from .api import analyze, ruleset_from
from .diagnostics import InputFileError, RulecheckError, render_all
from .facts import load_facts
from .format import format_number
from .layout import layout_file
from .report import FORMATS, render

RULE_SUFFIX = ".rules"


class Exit:
    CLEAN, PROBLEMS, USAGE = 0, 1, 2


def rule_files(paths) -> list[Path]:
    """The rule files named, with folders searched for *.rules."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{RULE_SUFFIX}")))
        else:
            found.append(path)
    return found


def fail(error: RulecheckError) -> None:
    click.echo(error.render(), err=True)
    sys.exit(Exit.USAGE if isinstance(error, InputFileError) else Exit.PROBLEMS)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rulecheck")
def main() -> None:
    """Read, run and check performance-evaluation scoring rules."""


@main.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check_command(paths, strict: bool) -> None:
    """Check rule files (or folders of *.rules): syntax, names, types, weights, bounds, band tables, directions."""
    files = rule_files(paths)
    if not files:
        click.echo(f"no {RULE_SUFFIX} files found in {', '.join(paths)}", err=True)
        sys.exit(Exit.USAGE)
    errors = warnings = 0
    for path in files:
        try:
            analysis = analyze(path)
        except InputFileError as exc:
            fail(exc)
        diagnostics = analysis.diagnostics
        if diagnostics:
            click.echo(render_all(diagnostics, analysis.linked.sources))
        errors += sum(d.is_error for d in diagnostics)
        warnings += sum(not d.is_error for d in diagnostics)
    click.echo(f"{plural(len(files), 'file')} checked: {plural(errors, 'error')}, {plural(warnings, 'warning')}",
               err=True)
    sys.exit(Exit.PROBLEMS if errors or (strict and warnings) else Exit.CLEAN)


@main.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--max-examples", type=click.IntRange(min=1), default=200, show_default=True,
              help="Facts tried per property before it is taken to hold.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the search; the same seed finds the same counterexamples.")
def verify_command(paths, max_examples: int, seed: int) -> None:
    """Test every leaf's bounds and every declared direction with generated facts.

    Facts are drawn inside the declared domains (often at the rules' own thresholds); a violation is
    shrunk to the simplest facts that show it and printed as a snippet to paste into a case."""
    from .verify import (
        verify,  # imports hypothesis: only this command pays for it (check stays fast)
    )

    files = rule_files(paths)
    if not files:
        click.echo(f"no {RULE_SUFFIX} files found in {', '.join(paths)}", err=True)
        sys.exit(Exit.USAGE)
    leaves = properties = proved = problems = 0
    for path in files:
        try:
            analysis = analyze(path)
        except InputFileError as exc:
            fail(exc)
        sources = analysis.linked.sources
        click.echo(str(path))
        if analysis.compiled is None:  # it does not check: nothing to run
            click.echo(render_all(analysis.diagnostics, sources))
            problems += sum(d.is_error for d in analysis.diagnostics)
            continue
        outcomes = verify(analysis, max_examples=max_examples, seed=seed)
        static = [d for d in analysis.proof.diagnostics if d.is_error]
        # a problem check already reported (with its counterexample) is not reported again
        found = static + [o.diagnostic for o in outcomes if o.failed and not any(
            already(d, o) for d in static)]
        for line in verify_lines(outcomes, analysis.proof.diagnostics):
            click.echo(line)
        if found:
            click.echo(render_all(found, sources))
        leaves += len({id(o.node) for o in outcomes if isinstance(o.node, ast.Indicator)})
        properties += len(outcomes)
        proved += sum(o.proved and not o.failed for o in outcomes)
        problems += len(found)
    click.echo(verify_summary(len(files), leaves, properties, proved, problems, max_examples, seed), err=True)
    sys.exit(Exit.PROBLEMS if problems else Exit.CLEAN)


def already(static, outcome) -> bool:
    """Whether check's finding is the problem the search found: the same code, on the same direction
    line, or (for bounds) inside the same leaf."""
    found = outcome.diagnostic
    if static.code != found.code:
        return False
    return static.span == found.span if found.code == "E711" else outcome.node.span.covers(static.span)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def verify_summary(files, leaves, properties, proved, problems, max_examples, seed) -> str:
    return (f"{plural(files, 'file')} verified: {plural(leaves, 'leaf', 'leaves')}, "
            f"{plural(properties, 'property', 'properties')} ({proved} proved statically, all tested with up to "
            f"{plural(max_examples, 'example')}, seed {seed}): {plural(problems, 'problem')}")


def verify_lines(outcomes, static) -> list[str]:
    """One line per leaf (and per group that declares a direction): ✓ or ✗, what was proved or tested."""
    lines, by_node = [], {}
    for outcome in outcomes:
        by_node.setdefault(id(outcome.node), []).append(outcome)
    for group in by_node.values():
        node = group[0].node
        leaf = isinstance(node, ast.Indicator)
        failed = [o.property for o in group if o.failed]
        if leaf:  # check's own findings inside the leaf, unless the search's failures already say so
            said = {"E501", "E502"} if "bounds" in failed else set()
            said |= {"E711"} if any(p != "bounds" for p in failed) else set()
            failed += [d.code for d in static if d.is_error and node.span.covers(d.span) and d.code not in said]
        tested = [o.property for o in group if not o.proved and not o.failed]
        directions = len(group) - leaf
        shown = [f"within [0, {format_number(node.points)}]"] if leaf else []
        if directions:
            shown.append(f"{directions} direction{'s' if directions != 1 else ''}")
        verdict = "; ".join(filter(None, [
            f"failed: {', '.join(failed)}" if failed else "",
            f"tested, not proved: {', '.join(tested)}" if tested else "",
            "all proved" if not failed and not tested else ""]))
        name = node.name if leaf else f"group {node.name}"
        lines.append(f"  {'✗' if failed else '✓'} {name}: {', '.join(shown)} — {verdict}")
    return lines


@main.command("score")
@click.argument("rules", type=click.Path(exists=True, dir_okay=False))
@click.argument("facts", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--explain", is_flag=True, help="Explain how each indicator's score was reached.")
def score_command(rules: str, facts: str, fmt: str, explain: bool) -> None:
    """Score one department: RULES is a rule file, FACTS a YAML or JSON facts file."""
    try:
        ruleset = ruleset_from(analyze(rules))
        fact_set = load_facts_or_fail(facts)
        result = ruleset.evaluate(fact_set, explain=explain)
    except RulecheckError as exc:
        fail(exc)
    click.echo(render(result, fmt, explain))


@main.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if a file is not in canonical layout.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
def fmt_command(paths, check_only: bool, diff: bool) -> None:
    """Rewrite rule files (or folders of *.rules) in the canonical layout."""
    files = rule_files(paths)
    if not files:
        click.echo(f"no {RULE_SUFFIX} files found in {', '.join(paths)}", err=True)
        sys.exit(Exit.USAGE)
    write = not (check_only or diff)
    changed = failed = 0
    for path in files:
        try:
            layout = layout_file(path)
        except RulecheckError as exc:  # the file does not parse, or cannot be read: left as it is
            click.echo(exc.render(), err=True)
            failed += 1
            continue
        if not layout.changed:
            continue
        changed += 1
        if diff:
            click.echo(layout.diff(), nl=False)
        if write:
            layout.write()
        click.echo(f"{'reformatted' if write else 'would reformat'} {path}", err=True)
    click.echo(fmt_summary(len(files), changed, failed, write), err=True)
    sys.exit(Exit.USAGE if failed else Exit.PROBLEMS if check_only and changed else Exit.CLEAN)


def fmt_summary(files: int, changed: int, failed: int, written: bool) -> str:
    summary = f"{files} file{'s' if files != 1 else ''}: {changed} {'reformatted' if written else 'to reformat'}, " \
              f"{files - changed - failed} unchanged"
    return summary + (f", {failed} with errors" if failed else "")


def load_facts_or_fail(path: str):
    try:
        return load_facts(path)
    except OSError as exc:
        raise InputFileError.single("E002", f"cannot read facts file: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E002", "the facts file is not UTF-8 text", path) from None


if __name__ == "__main__":  # pragma: no cover
    main()
