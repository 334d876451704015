"""What is left to do (W901): each comment of the checked file that starts with TODO (`# TODO: …`), as a
warning at its line.

`rulecheck import` writes a skeleton whose every leaf carries a `# TODO` above a placeholder rule, and
says to run `rulecheck check`: these warnings are then the list of what the analyst still has to write,
each at its line, until none is left. Only the checked file's own comments count (an imported file's
are its own business), and a TODO inside a quoted name or description is text, not a marker.
"""

from __future__ import annotations

import re

from ..diagnostics import Diagnostic, warning
from ..i18n import _
from ..source import Source, Span

MARKER = re.compile(r"#\s*TODO\b[:：]?\s*")  # a comment that starts with TODO


def todo_findings(source: Source) -> list[Diagnostic]:
    """A W901 warning for each comment of `source` that holds TODO, with the comment's words.

    Only the lines that hold TODO at all are read for their comment, and the formatter's module that
    reads them (syntax.layout, with what it imports: a fiftieth of `rulecheck check`) is imported only
    when some line does."""
    found: list[Diagnostic] = []
    for number, text in enumerate(source.lines(), start=1):
        if "TODO" not in text:  # no comment of this line can start with it
            continue
        from ..syntax.layout import read_line

        comment = read_line(text).comment
        marker = MARKER.match(comment) if comment else None
        if comment is None or marker is None:
            continue
        column = len(text) - len(text.lstrip(" \t")) + 1 if text.lstrip(" \t").startswith("#") else \
            text.index(comment) + 1
        what = comment[marker.end():].strip() or "TODO"
        found.append(warning("W901", _("still to do: {what}", what=what),
                             Span.point(source.name, number, column, len(comment)),
                             _("write what the comment asks for, then delete the TODO comment")))
    return found
