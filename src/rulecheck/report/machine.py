"""Findings for programs: the JSON report (`--format json`) and SARIF 2.1.0 (`--format sarif`, for
code-scanning annotations on a pull request) that `check`, `verify`, `test` and `diff` print.

The JSON report is one object, the same for the four commands (docs/cli.md, "Machine-readable output"):

    {"version": 1, "tool": "rulecheck", "tool_version": "0.1.0", "command": "check",
     "files": ["rules/a.rules"], "findings": [finding, …], "summary": {…}, …}

and the command's own key beside them: "properties" (verify), "cases" (test), "diff" (diff). A finding
is {code, severity, message, hint, file, line, column, end_line, end_column, where, example, related,
fix}; lines and columns count from 1, end_column is exclusive, columns count Unicode code points; a
field that has no value is null (an empty list for example and related). `version` changes only when
a key is removed or changes meaning; keys may be added.

Messages are in the language of the run (--lang zh: Chinese); keys and codes stay English. The
descriptions of the error codes in SARIF come from docs/language.md's code table, read once into
codes.json beside this module (`write_code_table`; tests/test_machine_output.py checks it is up to date).
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

import attrs

from ..diagnostics import Diagnostic, RulecheckError, sort_key
from ..i18n import N_, _, language
from ..source import Source, Span

JSON_VERSION = 1

TOOL = "rulecheck"
INFORMATION_URI = "https://pypi.org/project/rulecheck/"
# Where the error-code table is published: docs/language.md, section "Error codes"
CODES_URI = "https://pypi.org/project/rulecheck/#error-codes"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SOURCE_ROOT = "%SRCROOT%"  # the working directory: every artifact's uri is relative to it
CODES_FILE = "codes.json"

# A place a message or hint cites: 'rules/x.rules:111' or 'rules/x.rules:12:5' (the constraint an F517
# breaks, the indicator that needs a missing fact), a related location of the finding
CITED = re.compile(r"(?P<file>[^\s:()'\"，,（）]+?\.rules):(?P<line>\d+)(?::(?P<column>\d+))?")


def tool_version() -> str:
    from .. import __version__  # the package's own version, as --version shows it
    return __version__


@attrs.frozen
class Report:
    """What a command found, for `render`: the files it read, its findings (with the sources that show
    their spans), a summary of counts, the exit code it leaves with, and its own results (`extra`: verify's
    properties, test's cases, diff's changes), kept under their key in JSON and in the run's property bag
    in SARIF."""
    command: str
    files: Sequence[str]
    findings: Sequence[Diagnostic]
    summary: Mapping[str, object]
    exit_code: int
    extra: Mapping[str, object] = attrs.field(factory=dict)
    sources: Mapping[str, Source] = attrs.field(factory=dict)
    extra_first: bool = False  # diff: its own keys before the others, as its JSON had them before version 1


def render(report: Report, fmt: str) -> str:
    """The report as JSON, SARIF, or (jsonl) JSON on one line, as a JSON Lines reader takes it."""
    data = sarif_log(report) if fmt == "sarif" else json_report(report)
    return json.dumps(data, ensure_ascii=False, indent=None if fmt == "jsonl" else 2)


# ---- JSON ---------------------------------------------------------------------------------------

def json_report(report: Report) -> dict[str, object]:
    common = {"version": JSON_VERSION, "tool": TOOL, "tool_version": tool_version(), "command": report.command,
              "files": list(report.files), "findings": [finding(d) for d in ordered(report.findings)],
              "summary": dict(report.summary), "exit_code": report.exit_code}
    return {**report.extra, **common} if report.extra_first else {**common, **report.extra}


def ordered(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(findings, key=sort_key)


def finding(diagnostic: Diagnostic) -> dict[str, object]:
    """One finding as the JSON report holds it (the module's docstring lists the keys)."""
    span = diagnostic.span
    return {"code": diagnostic.code, "severity": diagnostic.severity.value, "message": diagnostic.message,
            "hint": diagnostic.hint, **place(span, file_of(diagnostic)), "where": diagnostic.where,
            "example": list(diagnostic.example), "related": [place(s, s.file) for s in related(diagnostic)],
            "fix": fix_of(diagnostic)}


def place(span: Span | None, file: str | None) -> dict[str, object]:
    """file, line, column, end_line, end_column of a span (null where there is none)."""
    if span is None:
        return {"file": file, "line": None, "column": None, "end_line": None, "end_column": None}
    return {"file": span.file, "line": span.line, "column": span.column, "end_line": span.end_line,
            "end_column": span.end_column}


def file_of(diagnostic: Diagnostic) -> str | None:
    """The file a finding is in: its span's, else the file its `where` starts with ('cases/a.yaml: 满意度'),
    when that names one."""
    if diagnostic.span is not None:
        return diagnostic.span.file
    where = diagnostic.where
    if not where:
        return None
    for candidate in (where, where.split(": ", 1)[0]):
        if os.path.exists(candidate):
            return candidate
    return None


def related(diagnostic: Diagnostic) -> list[Span]:
    """The places of rule files the message or hint cites (the constraint an F517 breaks, the indicator
    that reads a missing fact), each once, other than the finding's own."""
    found: list[Span] = []
    for text in (diagnostic.message, diagnostic.hint or ""):
        for match in CITED.finditer(text):
            column = int(match["column"] or 1)
            span = Span(match["file"], int(match["line"]), column, int(match["line"]), column)
            if span not in found and (diagnostic.span is None or diagnostic.span.line != span.line
                                      or diagnostic.span.file != span.file):
                found.append(span)
    return found


# ---- fixes --------------------------------------------------------------------------------------

@attrs.frozen
class Suggestion:
    """A hint that names the text meant ("did you mean '{name}'?"): the placeholder holding it, and how
    the replacement is written from it (`{number}%` for a bare number meant as a percentage)."""
    template: str
    placeholder: str
    written: str = "{}"


SUGGESTIONS = (
    Suggestion(N_("did you mean '{name}'?"), "name"),
    Suggestion(N_("did you mean '{name}'? the values are: {values}"), "name"),
    Suggestion(N_("did you mean '{key}'? the keys are {keys}"), "key"),
    Suggestion(N_("did you mean {number}%? a bare number is not a percentage"), "number", "{}%"),
    Suggestion(N_("did you mean '{meant}'? '{written}' looks like it but is another character: write {meant}"),
               "meant"),
)


def fix_of(diagnostic: Diagnostic) -> dict[str, object] | None:
    """The fix a "did you mean" hint offers: the finding's span (one line) replaced by the text meant."""
    span = diagnostic.span
    if diagnostic.hint is None or span is None or span.line != span.end_line or span.end_column <= span.column:
        return None
    for suggestion in SUGGESTIONS:
        meant = suggested(diagnostic.hint, suggestion)
        if meant is not None:
            return {"description": diagnostic.hint, "replacement": suggestion.written.format(meant)}
    return None


def suggested(hint: str, suggestion: Suggestion) -> str | None:
    """The text the hint means, if the hint is the suggestion's template in the current language."""
    match = hint_pattern(suggestion.template, suggestion.placeholder).match(hint)
    return match["meant"] if match else None


def hint_pattern(template: str, placeholder: str) -> re.Pattern[str]:
    """A regular expression of the template as the catalog translates it in the current language: the
    placeholder meant a group 'meant', the others anything."""
    return _hint_pattern(template, placeholder, language())


@functools.cache
def _hint_pattern(template: str, placeholder: str, lang: str) -> re.Pattern[str]:
    """(`lang` is the cache's key.) Rendered with markers, so that a translation's order is followed."""
    markers = {name: "\x00" + name + "\x00" for name in re.findall(r"{(\w+)}", template)}
    marked = _(template, **markers)  # the template is marked N_() in SUGGESTIONS
    regex, taken = "", False
    for index, part in enumerate(marked.split("\x00")):
        if index % 2 == 0:
            regex += re.escape(part)
        elif part == placeholder and not taken:
            regex, taken = regex + "(?P<meant>.+?)", True
        elif part == placeholder:
            regex += "(?P=meant)"
        else:
            regex += ".*?"
    return re.compile(regex + r"\Z", re.DOTALL)


# ---- SARIF --------------------------------------------------------------------------------------

def sarif_log(report: Report) -> dict[str, object]:
    """A SARIF 2.1.0 log of one run: the tool (with a rule per code found), a result per finding."""
    findings = ordered(report.findings)
    codes = sorted({d.code for d in findings})
    run: dict[str, object] = {
        "tool": {"driver": {"name": TOOL, "version": tool_version(), "semanticVersion": tool_version(),
                            "informationUri": INFORMATION_URI, "rules": [sarif_rule(code) for code in codes]}},
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",  # a column counts characters (a Chinese one is one), from 1
        "invocations": [{"executionSuccessful": report.exit_code != 2, "exitCode": report.exit_code}],
        "results": [sarif_result(d, codes.index(d.code)) for d in findings],
        "properties": {"command": report.command, "files": list(report.files), "summary": dict(report.summary),
                       **report.extra},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_rule(code: str) -> dict[str, object]:
    """The reportingDescriptor of an error code: its row of docs/language.md's code table."""
    described = code_table().get(code)
    rule: dict[str, object] = {"id": code, "helpUri": CODES_URI,
                               "defaultConfiguration": {"level": "warning" if code.startswith("W") else "error"}}
    if described is not None:
        rule.update(shortDescription={"text": described["short"]}, fullDescription={"text": described["text"]},
                    help={"text": described["text"], "markdown": described["markdown"]},
                    properties={"stage": described["stage"]})
    return rule


def sarif_result(diagnostic: Diagnostic, rule_index: int) -> dict[str, object]:
    text = diagnostic.message + ("\n" + _("hint: {hint}", hint=diagnostic.hint) if diagnostic.hint else "")
    result: dict[str, object] = {"ruleId": diagnostic.code, "ruleIndex": rule_index,
                                 "level": "error" if diagnostic.is_error else "warning", "message": {"text": text}}
    file = file_of(diagnostic)
    if file is not None:
        result["locations"] = [sarif_location(file, diagnostic.span)]
    cited = related(diagnostic)
    if cited:
        result["relatedLocations"] = [sarif_location(s.file, s) | {"id": i} for i, s in enumerate(cited)]
    if diagnostic.example:
        result["properties"] = {"counterexample": list(diagnostic.example)}
    fix = fix_of(diagnostic)
    if fix is not None and diagnostic.span is not None:
        replacement = {"deletedRegion": region(diagnostic.span), "insertedContent": {"text": fix["replacement"]}}
        result["fixes"] = [{"description": {"text": fix["description"]}, "artifactChanges": [
            {"artifactLocation": artifact(diagnostic.span.file), "replacements": [replacement]}]}]
    return result


def sarif_location(file: str, span: Span | None) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": artifact(file)}
    if span is not None:
        physical["region"] = region(span)
    return {"physicalLocation": physical}


def artifact(file: str) -> dict[str, object]:
    """A file as SARIF names it: a URI relative to the working directory (%SRCROOT%), or an absolute
    file URI for a file outside it."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": SOURCE_ROOT}


def region(span: Span) -> dict[str, int]:
    """Lines and columns from 1, the end column exclusive, as SARIF's regions are (and rulecheck's spans)."""
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line,
            "endColumn": max(span.end_column, span.column if span.end_line > span.line else span.column + 1)}


# ---- the code table -----------------------------------------------------------------------------

ROW = re.compile(r"^\| *(?P<codes>[A-Z]\d{3}(?:[–-][A-Z]\d{3})?) *\| *(?P<stage>[^|]*?) *\| *(?P<text>.*?) *\|$")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def codes_of(cell: str) -> list[str]:
    """'E101' → [E101]; 'C801–C809' → [C801, …, C809]."""
    first, _dash, last = cell.replace("–", "-").partition("-")
    if not last:
        return [first]
    return [f"{first[0]}{number:03d}" for number in range(int(first[1:]), int(last[1:]) + 1)]


def parse_code_table(markdown: str) -> dict[str, dict[str, str]]:
    """Each code of the table of 'Error codes' in docs/language.md: its stage, its meaning in Markdown, as
    plain text (links as their words), and its first clause, short."""
    table: dict[str, dict[str, str]] = {}
    for line in markdown.splitlines():
        match = ROW.match(line)
        if match:
            plain = LINK.sub(r"\1", match["text"]).replace("`", "'")
            short = re.split(r"[:;] ", plain, maxsplit=1)[0].strip() or plain
            for code in codes_of(match["codes"]):
                table[code] = {"stage": match["stage"], "markdown": match["text"], "text": plain, "short": short}
    return table


@functools.lru_cache(maxsize=1)
def code_table() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath(CODES_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def write_code_table(language_md: str | os.PathLike[str] = "docs/language.md") -> None:
    """Regenerate codes.json from docs/language.md (after a row of its code table is added or changed)."""
    table = parse_code_table(Path(language_md).read_text(encoding="utf-8"))
    target = Path(__file__).with_name(CODES_FILE)
    target.write_text(json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# ---- a command that fails ------------------------------------------------------------------------

def failure_kind(error: Exception) -> str:
    """What failed, as `failure` names it: facts, evaluation, rules, input (a file that cannot be read),
    output (a report that cannot be written)."""
    from ..diagnostics import EvaluationError, FactsError, InputFileError, RuleFileError
    from .output import OutputError

    kinds = ((FactsError, "facts"), (EvaluationError, "evaluation"), (RuleFileError, "rules"),
             (InputFileError, "input"), (OutputError, "output"))
    return next((kind for cls, kind in kinds if isinstance(error, cls)), "error")


def failure_report(command: str, files: Sequence[str], error: RulecheckError, code: int | None = None) -> Report:
    """The report of a command stopped by `error`: its findings, `failure` its kind, and the exit code
    (`code`, else the one `fail` leaves with: 2 for a file that cannot be read or written, else 1)."""
    kind = failure_kind(error)
    if code is None:
        code = 2 if kind in ("input", "output") else 1
    errors = len(error.errors)
    return Report(command, files, error.diagnostics, {"errors": errors, "warnings": len(error.diagnostics) - errors},
                  code, {"failure": kind}, error.sources)


def emit(report: Report, fmt: str) -> NoReturn:
    """Print the report in `fmt` on standard output, and exit with its exit code."""
    import click

    click.echo(render(report, fmt))
    sys.exit(report.exit_code)
