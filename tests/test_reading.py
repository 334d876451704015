"""Reading rule files: imports confined to the project root, only regular files of bounded size, every
reading problem blamed on the right file; one definition of a line; empty files, imports made twice."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import rulecheck
from rulecheck.cli import main
from rulecheck.link import link_file
from rulecheck.source import MAX_BYTES, ReadError, Source, project_root, read_source

BASE = """\
framework "基础"
total 10
rounding 2 decimals half-up
inputs:
    a: bool
group 一 (10):
    indicator 甲 (10):
        checklist:
            a → 10
"""


def findings(path: Path) -> list:
    return sorted(rulecheck.analyze(path).diagnostics, key=lambda d: (d.location(), d.code))


def codes(path: Path) -> list[str]:
    return [d.code for d in findings(path)]


def rendered(path: Path) -> str:
    analysis = rulecheck.analyze(path)
    return rulecheck.diagnostics.render_all(analysis.diagnostics, analysis.linked.sources)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository (a folder holding .git) inside tmp_path, with a secret beside it, outside."""
    (tmp_path / "secret.txt").write_text("TOKEN=hunter2\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic hunter2\n",
                                          encoding="utf-8")
    (root / ".env").write_text("TOKEN=hunter2\n", encoding="utf-8")
    (root / "framework.rules").write_text(BASE, encoding="utf-8")
    (root / "departments").mkdir()
    return root


def department(project: Path, imports: str, name: str = "d.rules") -> Path:
    path = project / "departments" / name
    path.write_text(imports, encoding="utf-8")
    return path


# ---- confined imports ----------------------------------------------------------------------------

def test_an_import_inside_the_repository_may_go_up_folders(project):
    path = department(project, 'import "../framework.rules"\n')
    assert rulecheck.analyze(path).ok
    assert project_root(path) == project.resolve()


@pytest.mark.parametrize("written", ["../../secret.txt", "../" * 30 + "proc/self/environ", "../.git/config",
                                     "../.env"])
def test_an_import_leaving_the_project_is_refused_and_nothing_of_it_is_shown(project, written):
    path = department(project, f'import "{written}"\n')
    (diagnostic,) = findings(path)
    assert diagnostic.code == "E005" and diagnostic.span.file == str(path) and diagnostic.span.line == 1
    assert diagnostic.message.startswith(f"cannot import '{written}': it lies ")
    text = rendered(path)
    assert "hunter2" not in text and "PATH=" not in text


@pytest.mark.parametrize("written", ["/etc/passwd", "C:\\Windows\\win.ini", "\\\\server\\share\\x.rules"])
def test_an_absolute_import_path_is_refused(project, written):
    path = department(project, f'import "{written}"\n')
    assert [(d.code, d.message) for d in findings(path)] == [
        ("E005", f"cannot import '{written}': an import path is relative to the importing file")]


def test_a_symbolic_link_inside_the_project_to_a_file_outside_is_refused(project):
    (project / "departments" / "link.rules").symlink_to(project.parent / "secret.txt")
    path = department(project, 'import "link.rules"\n')
    assert codes(path) == ["E005"]
    assert "hunter2" not in rendered(path)


def test_a_symbolic_link_loop_is_reported_not_a_traceback(project):
    folder = project / "departments"
    (folder / "one.rules").symlink_to(folder / "two.rules")
    (folder / "two.rules").symlink_to(folder / "one.rules")
    path = department(project, 'import "one.rules"\n')
    (diagnostic,) = findings(path)
    assert (diagnostic.code, diagnostic.message) == ("E009", "cannot import 'one.rules': its symbolic links form a loop")


def test_an_import_of_a_folder_or_a_device_is_refused(project):
    path = department(project, 'import "."\nimport "../../../../../../../../../dev/null"\n')
    assert codes(path) == ["E006", "E005"]
    assert findings(path)[0].message == "cannot import '.': it is a folder, not a regular file"


def test_an_import_of_a_pipe_is_refused_without_waiting_for_a_writer(project):
    os.mkfifo(project / "departments" / "pipe.rules")
    path = department(project, 'import "pipe.rules"\n')
    # in a child process, so that a hang fails the test instead of stopping the suite
    code = f"import rulecheck; print([d.code for d in rulecheck.analyze({str(path)!r}).diagnostics])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout == "['E006']\n"


def test_an_import_larger_than_the_limit_is_refused(project):
    (project / "departments" / "big.rules").write_text("#" * MAX_BYTES + "\n", encoding="utf-8")
    path = department(project, 'import "big.rules"\n')
    (diagnostic,) = findings(path)
    assert diagnostic.code == "E007" and "larger than 1 MB" in diagnostic.message


def test_an_import_that_is_not_utf8_is_blamed_on_the_imported_file(project):
    imported = project / "departments" / "gbk.rules"
    imported.write_bytes('framework "测试"\n\ngrades:\n    ≥ 0 → "合格"\n'.encode("gbk"))
    path = department(project, '# a department\nimport "gbk.rules"\n')
    (diagnostic,) = findings(path)
    assert diagnostic.code == "E008"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (
        str(project / "departments" / "gbk.rules"), 1, 12)
    assert diagnostic.hint.endswith(f"it is imported at {path}:2:1")


def test_an_import_holding_nul_bytes_is_not_text(project):
    (project / "departments" / "binary.rules").write_bytes(b'framework "x"\n\x00\x00\x00')
    path = department(project, 'import "binary.rules"\n')
    assert [(d.code, d.message) for d in findings(path)] == [
        ("E008", "cannot import 'binary.rules': it holds NUL bytes: it is a binary file, not text")]


def test_outside_a_repository_the_root_is_the_current_folder_or_the_file_s_own(tmp_path, monkeypatch):
    (tmp_path / "base.rules").write_text(BASE, encoding="utf-8")
    (tmp_path / "dept").mkdir()
    path = tmp_path / "dept" / "d.rules"
    path.write_text('import "../base.rules"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "dept")
    assert codes(path) == ["E005"]  # the current folder holds the file: it is the root
    monkeypatch.chdir(tmp_path)
    assert rulecheck.analyze(path).ok  # now the root holds both files
    monkeypatch.chdir("/")  # too wide a root: the file's own folder is
    assert project_root(path) == path.parent.resolve()
    assert codes(path) == ["E005"]


# ---- the file named on the command line ----------------------------------------------------------

def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_checking_a_device_is_a_clear_error_not_a_hang():
    code = "import sys; from rulecheck.cli import main; sys.argv = ['rulecheck', 'check', '/dev/zero']; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
    assert (done.returncode, done.stderr) == (
        2, "/dev/zero: error[E001]: cannot read the rule file: it is a device, not a regular file\n"
           "  = hint: name a rule file: a .rules text file\n")


def test_checking_a_pipe_is_a_clear_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.rules")
    code = f"import rulecheck; rulecheck.analyze({str(tmp_path / 'pipe.rules')!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
    assert "E001" in done.stderr and "it is a pipe, not a regular file" in done.stderr


def test_a_top_level_file_larger_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.rules"
    path.write_text("#" * MAX_BYTES + "\n", encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}: error[E001]: cannot read the rule file: it is larger than 1 MB")


def test_read_source_reads_a_regular_file_and_refuses_what_it_must(tmp_path):
    (tmp_path / "a.rules").write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n")
    source = read_source(tmp_path / "a.rules", tmp_path)
    assert (source.name, source.text) == (str(tmp_path / "a.rules"), "one\ntwo\nthree\n")
    with pytest.raises(ReadError) as refused:
        read_source(tmp_path / "a.rules", tmp_path, limit=5)
    assert refused.value.code == "E007"
    with pytest.raises(ReadError) as refused:
        read_source(tmp_path / "a.rules", tmp_path / "elsewhere")
    assert refused.value.code == "E005"
    with pytest.raises(FileNotFoundError):
        read_source(tmp_path / "missing.rules")
    assert Source.from_path(tmp_path / "a.rules") == source


# ---- one definition of a line --------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"])
def test_only_newlines_end_a_line(tmp_path, char):
    path = tmp_path / "x.rules"
    path.write_text(BASE.replace("total 10\n", f"total 10  # a{char}comment\n").replace("a → 10", "b → 10"),
                    encoding="utf-8")
    (diagnostic,) = [d for d in findings(path) if d.is_error]
    assert (diagnostic.code, diagnostic.span.line) == ("E201", 9)
    assert rendered(path).splitlines()[1] == "    9 |             b → 10"
    assert Source("x", f"a{char}b\nc").line(2) == "c"


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_a_file_with_cr_or_crlf_line_ends_is_read_as_its_lines(tmp_path, newline):
    path = tmp_path / "mac.rules"
    text = "# an old Mac file: without its lines it would be one comment\n" + BASE.replace("a → 10", "b → 10")
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    assert [(d.code, d.span.line, d.span.column) for d in findings(path) if d.is_error] == [("E201", 10, 13)]
    assert rendered(path).splitlines()[1] == "   10 |             b → 10"
    # text not read from a file (rulecheck.loads, a file at a git revision) too
    analysis = rulecheck.analyze_text(text.replace("\n", newline), "mac.rules")
    assert [(d.code, d.span.line) for d in analysis.diagnostics if d.is_error] == [("E201", 10)]


# ---- an empty file; a file imported twice --------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "total 100\nrounding 2 decimals\n",
                                  "grades:\n    ≥ 60 → 合格\n"])
def test_an_empty_file_is_an_error(tmp_path, text):
    path = tmp_path / "empty.rules"
    path.write_text(text, encoding="utf-8")
    assert "E110" in codes(path)
    with pytest.raises(rulecheck.RuleFileError):
        rulecheck.load(path)


def test_a_department_that_only_imports_and_extends_is_not_empty(project):
    path = department(project, textwrap.dedent("""\
        import "../framework.rules"
        extend 甲:
            indicator 乙 (10):
                checklist:
                    a → 10
    """))
    assert rulecheck.analyze(path).ok


def test_a_file_imported_twice_is_one_error_at_the_second_import(project):
    path = department(project, 'import "../framework.rules"\nimport "../departments/../framework.rules"\n')
    assert [(d.code, d.span.line) for d in findings(path)] == [("E208", 2)]
    assert link_file(path).program.inputs == rulecheck.load(project / "framework.rules").program.inputs


def test_a_file_imported_through_two_files_names_the_first_import(project):
    folder = project / "departments"
    (folder / "one.rules").write_text('import "../framework.rules"\n', encoding="utf-8")
    (folder / "two.rules").write_text('import "../framework.rules"\n', encoding="utf-8")
    path = department(project, 'import "one.rules"\nimport "two.rules"\n')
    (diagnostic,) = findings(path)
    assert diagnostic.code == "E208" and diagnostic.span.file == str(folder / "two.rules")
    assert diagnostic.message == (f"'../framework.rules' is imported twice: it is already imported at "
                                  f"{folder / 'one.rules'}:1:1")


def test_an_excerpt_of_a_long_line_shows_a_window_around_the_span_with_the_caret_under_it():
    from rulecheck.source import SHOWN, Span
    text = "let x = " + "1 + " * 2000 + "@" + " + 1" * 2000
    column = text.index("@") + 1
    shown, carets = Source("f", text).excerpt(Span.point("f", 1, column)).splitlines()
    assert len(shown) < SHOWN + 20 and shown.startswith("    1 | …") and shown.endswith("…")
    assert shown[carets.index("^")] == "@"
