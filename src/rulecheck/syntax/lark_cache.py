"""The LALR parser kept on disk between runs: lark takes ~200 ms to build its tables from the grammar,
longer than the rest of `rulecheck check`; loading the tables it saved takes ~15 ms.

The tables are kept as JSON, as lark's standalone generator writes them, not pickled: a file someone
else could write (a cache shared between CI jobs) is data to read, never code to run (docs/security.md).
The file lives in the user's cache folder (RULECHECK_CACHE_DIR if set, an empty value meaning no cache;
else $XDG_CACHE_HOME/rulecheck, ~/.cache/rulecheck, ~/Library/Caches/rulecheck or
%LOCALAPPDATA%/rulecheck/Cache), never beside the package: an installed wheel's site-packages is often
read-only. Its name is a hash of everything the tables depend on (the grammar text, lark's options and
the Indenter's settings, lark's version, the Python version), so an entry made for another grammar or
another lark is never loaded, and several versions of rulecheck share the folder. An entry is written
to a temporary file and renamed into place, so processes starting at once never see half a file: each
either loads a whole entry or builds its own. Whatever goes wrong (no home folder, a folder that cannot
be written, a damaged entry, a lark whose serialized form has changed) the parser is built in memory,
silently: the cache only saves time.

Why not lark's standalone generator at build time: the module it writes carries its own copy of
lark's Tree, Token, Transformer and exception classes, which parser.py and errors.py would have to
import instead of lark's; and it is a build step that every grammar change in a source checkout
would have to rerun. lark's own `cache=` option pickles, writes its file in place (a process starting
meanwhile reads half of it) and, by default, in the shared temporary folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import lark
from lark import Lark
from lark.grammar import Rule
from lark.lexer import TerminalDef

CACHE_VARIABLE = "RULECHECK_CACHE_DIR"
ENTRY_PREFIX = "lark-"
ENTRY_SUFFIX = ".json"
# The options lark applies when it loads saved tables rather than when it builds them (lark.lark's
# _LOAD_ALLOWED_OPTIONS): not saved, but given again to every load (the Indenter, positions).
RUNTIME_OPTIONS = frozenset({"postlex", "transformer", "lexer_callbacks", "use_bytes", "debug", "g_regex_flags",
                             "regex", "propagate_positions", "tree_class", "_plugins"})


def cached_lark(grammar: str, **options: Any) -> Lark:
    """Lark(grammar, **options), loaded from the cache when it was built before, else built and saved."""
    entry = entry_path(grammar, options)
    if entry is not None:
        loaded = load_entry(entry, options)
        if loaded is not None:
            return loaded
    parser = Lark(grammar, **options)
    if entry is not None:
        save_entry(parser, entry)
    return parser


def cache_folder() -> Path | None:
    """The folder for rulecheck's cache, or None when there is none (RULECHECK_CACHE_DIR empty, no home)."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured is not None:
        return Path(configured) if configured else None
    try:
        if sys.platform == "win32":
            local = os.environ.get("LOCALAPPDATA")
            return Path(local) / "rulecheck" / "Cache" if local else None
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "rulecheck"
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rulecheck"
    except RuntimeError:  # Path.home(): no home folder to be found
        return None


def entry_path(grammar: str, options: dict[str, Any]) -> Path | None:
    """The cache entry for these tables, or None when there is no cache folder."""
    folder = cache_folder()
    if folder is None:
        return None
    return folder / f"{ENTRY_PREFIX}{tables_key(grammar, options)}{ENTRY_SUFFIX}"


def tables_key(grammar: str, options: dict[str, Any]) -> str:
    """A hash of everything the saved tables depend on: the grammar, the options lark builds them with
    (and the postlex, by the settings of its class, which decide the terminals it needs; not the other
    run-time options, given again at each load), lark's and Python's versions."""
    settings = {name: describe(value) for name, value in sorted(options.items())
                if name not in RUNTIME_OPTIONS or name == "postlex"}
    material = "\n".join([grammar, repr(settings), lark.__version__, sys.implementation.cache_tag or "",
                          repr(sys.version_info[:2])])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


PLAIN = (str, int, float, bool, tuple, list, dict, type(None))


def describe(value: Any) -> str:
    """An option as the key sees it: a plain value by its repr, an object (the Indenter) by its class and
    the plain values its class sets (NL_type, tab_len…; not methods or properties, whose repr changes)."""
    if isinstance(value, PLAIN):
        return repr(value)
    cls = type(value)
    settings = sorted((name, repr(setting)) for klass in cls.__mro__ for name, setting in vars(klass).items()
                      if not name.startswith("__") and isinstance(setting, PLAIN))
    return f"{cls.__module__}.{cls.__qualname__}{settings}"


def load_entry(entry: Path, options: dict[str, Any]) -> Lark | None:
    """The parser saved in `entry`, given the run-time `options` again, or None if there is none or it
    cannot be loaded (damaged, or saved by a lark that has changed since): the caller then builds it."""
    runtime = {name: value for name, value in options.items() if name in RUNTIME_OPTIONS}
    try:
        saved = json.loads(entry.read_text(encoding="utf-8"), object_pairs_hook=with_number_keys)
        return Lark._load_from_dict(saved["data"], saved["memo"], **runtime)
    except Exception:  # whatever a damaged file makes lark raise: the cache only saves time
        return None


def save_entry(parser: Lark, entry: Path) -> None:
    """Save the parser's tables to `entry` as JSON, whole or not at all; a folder that cannot be made or
    written is no error."""
    from ..atomic import replacing  # tempfile and friends: only imported on the run that writes the entry

    with contextlib.suppress(Exception):  # a read-only or full disk, a name that is a file…: no cache
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        data["options"] = {name: value for name, value in data["options"].items() if name not in RUNTIME_OPTIONS}
        text = json.dumps({"data": data, "memo": memo}, ensure_ascii=False)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with replacing(entry) as stream:
            stream.write(text)


def with_number_keys(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    """A JSON object as lark saved it: JSON writes the numbers keying the parse table's states and the
    memo as text, lark reads them as ints (no name lark gives a terminal or a rule is all digits)."""
    return {int(key) if key.isdigit() else key: value for key, value in pairs}
