"""The language rulecheck speaks: English messages in the source, translated through gettext catalogs.

Every user-facing text is written in English where it is made, wrapped in `_()`, and translated there
into the current language: Simplified Chinese (`zh`) or English (`en`). Placeholders are named and
filled after translation, so a translation may move them:

    _("the rule file is not UTF-8 text")
    _("cannot import '{path}': {reason}", path=path, reason=reason)
    ngettext("{count} department", "{count} departments", n, count=n)

`N_()` only marks a text for the catalog (a table of messages built at import time, click's help),
to be translated with `_()` when it is shown. Error codes, input names and values are never translated.

The language is, in order: `set_language()` (the CLI's `--lang zh|en`), else the environment variable
RULECHECK_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG: `zh_*` is Chinese), else, on Windows
(which sets none of these), the language of the user's display, else English. It is
held in a context variable, so threads and asyncio tasks of an embedding application may each speak
their own. The catalogs are `locale/<lang>/LC_MESSAGES/rulecheck.mo` in the package, compiled from the
`.po` files beside them (`python scripts/catalogs.py`, which needs Babel, extracts and compiles them;
tests/test_catalogs.py fails when a message lacks its Chinese translation or a translation drops a
placeholder).
"""

from __future__ import annotations

import contextlib
import gettext
import os
import sys
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "rulecheck"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("zh", "en")  # the first is the language the tool is made for
ENVIRONMENT = "RULECHECK_LANG"

_chosen: ContextVar[str | None] = ContextVar("rulecheck_language", default=None)


class LanguageError(ValueError):
    """A language rulecheck does not speak."""

    def __init__(self, lang: str):
        super().__init__(_("rulecheck speaks {languages}, not {lang!r}", languages=" / ".join(LANGUAGES), lang=lang))
        self.lang = lang

    def __reduce__(self):
        return (type(self), (self.lang,))


def normalize(lang: str) -> str:
    """'zh', 'zh_CN', 'zh-Hans', 'zh_CN.UTF-8' → 'zh'; 'en', 'en_US', 'C', 'POSIX' → 'en'.
    Raises LanguageError for another language."""
    base = lang.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    if base in ("c", "posix"):
        return "en"
    if base not in LANGUAGES:
        raise LanguageError(lang)
    return base


LOCALE_VARIABLES = (ENVIRONMENT, "LC_ALL", "LC_MESSAGES", "LANG")  # what from_environment reads


def from_environment(environ: Mapping[str, str] | None = None,
                     system: Callable[[], str | None] | None = None) -> str:
    """The language RULECHECK_LANG names, else the locale's (zh_* → zh), else the system's display
    language (Windows sets no LANG: its user interface language decides), else English."""
    environ = os.environ if environ is None else environ
    wanted = environ.get(ENVIRONMENT, "").strip()
    if wanted:
        with contextlib.suppress(LanguageError):
            return normalize(wanted)
    for variable in LOCALE_VARIABLES[1:]:  # the POSIX order: the first one set decides
        value = environ.get(variable, "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return (system or windows_language)() or "en"


def windows_language() -> str | None:
    """On Windows, the language of the user's display: 'zh' for Chinese (primary language 0x04 of
    GetUserDefaultUILanguage), else 'en'; None elsewhere."""
    if sys.platform != "win32":
        return None
    import ctypes
    try:
        language_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
    except (AttributeError, OSError):
        return None
    return "zh" if language_id & 0x3FF == 0x04 else "en"


_ENVIRON_DATA = getattr(os.environ, "_data", None)  # the process's variables as os.environ keeps them
_ENVIRON_KEYS = tuple(os.environ.encodekey(name) for name in LOCALE_VARIABLES) \
    if isinstance(_ENVIRON_DATA, dict) and hasattr(os.environ, "encodekey") else ()
_found: list = [None, None]  # [the variables' values when last read, the language they gave]


def language() -> str:
    """The language messages are made in now: the one chosen, else the environment's, found again only
    when a variable it reads has changed (each message asks; reading os.environ four times cost 30,000
    instructions a message, callgrind)."""
    chosen = _chosen.get()
    if chosen:
        return chosen
    if not _ENVIRON_KEYS:  # an os.environ kept otherwise than CPython's: read it each time
        return from_environment()
    get, (first, second, third, fourth) = _ENVIRON_DATA.get, _ENVIRON_KEYS  # type: ignore[union-attr]
    values = (get(first), get(second), get(third), get(fourth))
    if values != _found[0]:
        _found[:] = [values, from_environment()]
    return _found[1]


def set_language(lang: str | None) -> None:
    """Speak `lang` ('zh' or 'en', or a locale name such as zh_CN.UTF-8) from now on in this context;
    None goes back to the environment's choice. Raises LanguageError for another language."""
    _chosen.set(None if lang is None else normalize(lang))


class speaking:
    """`with speaking(lang):` within the block, speak `lang` (None: the environment's choice); the
    language before is restored. (A class, not a generator: every explained department enters one.)"""

    __slots__ = ("lang", "token")

    def __init__(self, lang: str | None):
        self.lang = lang if lang is None or lang in LANGUAGES else normalize(lang)

    def __enter__(self) -> None:
        self.token = _chosen.set(self.lang)

    def __exit__(self, *exception: object) -> None:
        _chosen.reset(self.token)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (English: the messages as written)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str, /, **values: object) -> str:
    """`message` in the current language, its {placeholders} filled from `values`."""
    text = translations(language()).gettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural form for `count`, in the current language, placeholders filled."""
    text = translations(language()).ngettext(singular, plural, count)
    return text.format(**values) if values else text


def N_(message: str, /) -> str:
    """Mark `message` for the catalog without translating it now (translate it with `_()` when shown)."""
    return message
