"""rulecheck's message catalogs: extract the messages from the source, keep the translations, compile.

Run: python scripts/catalogs.py [build|check]   (needs Babel: pip install '.[test]')

- build: extract every message wrapped in _(), N_() or ngettext() from src/rulecheck (and click's own
  messages: usage lines, option errors), write src/rulecheck/locale/rulecheck.pot, bring each language's
  .po up to date with it (translations kept by message; new messages get the translations found in
  the fragment files .i18n/<lang>/*.po, else stay untranslated; messages gone from the source are
  dropped) and compile the .mo the package ships.
- check: print every problem and exit 1 if there is one: a message of rulecheck without a translation,
  a translation whose {placeholders} differ from its message's, a .mo older than its .po, a _() whose
  message is not a plain string (an f-string cannot be translated).

tests/test_catalogs.py runs the same checks.
"""

from __future__ import annotations

import ast
import datetime
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "rulecheck"
LOCALE = PACKAGE / "locale"
FRAGMENTS = ROOT / ".i18n"
TRANSLATED = ("zh",)  # the languages with a catalog; English is the source
MARKERS = {"_", "N_", "ngettext"}
HEADER = "rulecheck's messages"
DATE = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)  # fixed, so a build changes only messages


def new_catalog(lang: str | None = None) -> Catalog:
    return Catalog(locale=lang, project="rulecheck", header_comment=f"# {HEADER}", fuzzy=False,
                   creation_date=DATE, revision_date=DATE)


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "rulecheck.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def extracted() -> Catalog:
    """Every message of rulecheck's source, then click's (marked by their locations in click/)."""
    catalog = new_catalog()
    for root, prefix in ((PACKAGE, "rulecheck"), (Path(click.__file__).parent, "click")):
        for filename, lineno, message, comments, context in extract_from_dir(
                root, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",)):
            catalog.add(message, None, [(f"{prefix}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, lang: str) -> Catalog:
    if not path.exists():
        return new_catalog(lang)
    with path.open("rb") as stream:
        return read_po(stream, locale=lang)


def fragments(lang: str) -> dict:
    """Translations waiting in .i18n/<lang>/*.po, by message id."""
    found: dict = {}
    for path in sorted((FRAGMENTS / lang).glob("*.po")):
        for message in read(path, lang):
            if message.id and message.string and (not isinstance(message.string, tuple) or all(message.string)):
                found[message.id] = message.string
    return found


def build() -> None:
    template = extracted()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with (LOCALE / "rulecheck.pot").open("wb") as stream:
        write_po(stream, template, width=100, omit_header=False, sort_output=True)
    for lang in TRANSLATED:
        catalog = read(po_path(lang), lang)
        waiting = fragments(lang)
        kept = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
        updated = new_catalog(lang)
        for message in template:
            if not message.id:
                continue
            translation = waiting.get(message.id) or kept.get(message.id)
            updated.add(message.id, translation, message.locations, auto_comments=message.auto_comments,
                        context=message.context)
        po_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with po_path(lang).open("wb") as stream:
            write_po(stream, updated, width=100, omit_header=False, sort_output=True)
        shipped = new_catalog(lang)
        for (message_id, context), translation in translated(updated).items():  # no untranslated plural
            shipped.add(message_id, translation, context=context)
        with mo_path(lang).open("wb") as stream:
            write_mo(stream, shipped)
    # the error-code table SARIF and JSON output describe each code by, shipped in the package since
    # docs/ is not: made from docs/language.md's table here, where every new code's messages are built
    from rulecheck.report.machine import write_code_table
    write_code_table(ROOT / "docs" / "language.md")


def translated(catalog: Catalog) -> dict:
    """{(message, context): translation} of the translated messages, as a .mo holds them."""
    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value
    return {(frozen(m.id), m.context): frozen(m.string) for m in catalog
            if m.id and m.string and all(frozen(m.string)) and not m.fuzzy}


def compiled_from(lang: str, catalog: Catalog) -> bool:
    """Whether the .mo holds exactly the translations of `catalog`."""
    if not mo_path(lang).exists():
        return False
    with mo_path(lang).open("rb") as stream:
        return translated(read_mo(stream)) == translated(catalog)


def fields(text: str) -> set[str] | None:
    """The names of text's {placeholders}, or None if its braces do not parse."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return None


def is_ours(message) -> bool:
    return any(not filename.startswith("click/") for filename, _ in message.locations)


def problems() -> Iterator[str]:
    yield from unmarkable()
    template = extracted()
    for lang in TRANSLATED:
        catalog = read(po_path(lang), lang)
        for message in template:
            if not message.id or not is_ours(message):
                continue
            where = "{}:{}".format(*message.locations[0])
            found = catalog.get(message.id, message.context)
            strings = found.string if found is not None else None
            if not strings or (isinstance(strings, tuple) and not all(strings)) or (found and found.fuzzy):
                yield f"{where}: no {lang} translation of {message.id!r}"
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set().union(*(fields(i) or set() for i in ids))
            for translation in strings if isinstance(strings, tuple) else (strings,):
                if fields(translation) != wanted:
                    yield f"{where}: the {lang} translation {translation!r} has placeholders " \
                          f"{sorted(fields(translation) or [])}, the message {sorted(wanted)}"
        if not compiled_from(lang, catalog):
            yield f"{mo_path(lang).relative_to(ROOT)}: not compiled from its .po: run python scripts/catalogs.py build"


def unmarkable() -> Iterator[str]:
    """_() calls whose message is not a plain string literal: they cannot be extracted."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
                messages = node.args[:2 if node.func.id == "ngettext" else 1]
                if not messages or not all(_extractable(a, node.func.id) for a in messages):
                    yield (f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id}() needs a plain string: "
                           "no f-string, no expression (pass values as keywords)")


def _extractable(argument: ast.expr, marker: str) -> bool:
    """A string literal; or, for _() and ngettext(), a name holding a message marked with N_() where
    it was written (a table of messages). Never an f-string, a concatenation or a call."""
    if isinstance(argument, ast.Constant):
        return isinstance(argument.value, str)
    return marker != "N_" and isinstance(argument, (ast.Name, ast.Attribute, ast.Subscript))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "build"
    if command == "build":
        build()
        command = "check"
    if command == "check":
        found = list(problems())
        for line in found:
            print(line)
        print(f"{len(found)} problem{'s' if len(found) != 1 else ''}")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
