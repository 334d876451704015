"""The message catalogs: every message of rulecheck has its Chinese translation with the same
placeholders, the shipped .mo is compiled from the .po, and the language is chosen as documented
(--lang, else RULECHECK_LANG, else the locale)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

import rulecheck
from rulecheck import i18n
from rulecheck.diagnostics import InputFileError

pytest.importorskip("babel", reason="Babel extracts the catalogs (pip install '.[test]')")


def load_script(root):
    spec = importlib.util.spec_from_file_location("catalogs", root / "scripts" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogs"] = module
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_chinese_translation_with_its_placeholders(root):
    catalogs = load_script(root)
    assert list(catalogs.problems()) == []


def test_the_check_finds_a_missing_translation_and_a_dropped_placeholder(root, tmp_path, monkeypatch):
    catalogs = load_script(root)
    package = tmp_path / "src" / "rulecheck"
    package.mkdir(parents=True)
    (package / "m.py").write_text(
        'from .i18n import _\n_("hello {name}", name=1)\n_("bye")\n_(f"no {1}")\n', encoding="utf-8")
    po = package / "locale" / "zh" / "LC_MESSAGES" / "rulecheck.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "hello {name}"\nmsgstr "你好"\n', encoding="utf-8")
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    monkeypatch.setattr(catalogs, "PACKAGE", package)
    monkeypatch.setattr(catalogs, "LOCALE", package / "locale")
    found = "\n".join(catalogs.problems())
    assert "m.py:4: _() needs a plain string" in found
    assert "the zh translation '你好' has placeholders [], the message ['name']" in found
    assert "no zh translation of 'bye'" in found
    assert "not compiled from its .po" in found


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "RULECHECK_LANG": "en"}, "en"),
    ({"LANG": "C.UTF-8", "RULECHECK_LANG": "zh"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "RULECHECK_LANG": "fr"}, "zh"),  # not a language of rulecheck's: the locale decides
])
def test_the_language_from_the_environment(environ, expected):
    assert i18n.from_environment(environ, system=lambda: None) == expected


def test_without_a_locale_the_system_display_language_decides():
    """Windows sets no LANG: a Chinese Windows speaks Chinese, an English one English; a locale set wins."""
    assert i18n.from_environment({}, system=lambda: "zh") == "zh"
    assert i18n.from_environment({}, system=lambda: "en") == "en"
    assert i18n.from_environment({"LANG": "en_US.UTF-8"}, system=lambda: "zh") == "en"
    assert i18n.windows_language() is None  # this machine is not Windows


def test_a_message_in_each_language_and_the_language_restored():
    error = UnicodeDecodeError("utf-8", b"\xb2", 0, 1, "invalid start byte")
    with i18n.speaking("zh_CN.UTF-8"):
        assert i18n.language() == "zh"
        chinese = InputFileError.unreadable_rules(error, "a.rules").render()
    english = InputFileError.unreadable_rules(error, "a.rules").render()
    assert chinese.startswith("a.rules: 错误[E001]: 规则文件不是 UTF-8 文本\n  = 提示: ")
    assert english.startswith("a.rules: error[E001]: the rule file is not UTF-8 text\n  = hint: ")
    assert rulecheck.set_language is i18n.set_language


def test_another_language_is_refused():
    with pytest.raises(i18n.LanguageError, match="rulecheck speaks zh / en, not 'fr'"):
        i18n.set_language("fr")


def test_the_environments_language_is_found_again_when_a_variable_it_reads_changes(monkeypatch):
    """language() keeps the environment's answer between messages, but not past a change of it."""
    monkeypatch.setenv("RULECHECK_LANG", "zh")
    assert i18n.language() == "zh"
    monkeypatch.setenv("RULECHECK_LANG", "en")
    assert i18n.language() == "en"
    monkeypatch.delenv("RULECHECK_LANG")
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.language() == "en"
