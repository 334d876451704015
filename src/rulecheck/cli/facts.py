"""One department's facts for `score` and `explain`: a facts file, or `-` for standard input (a pipe
from another program, a heredoc).

Standard input is read as JSON when its first character other than blanks is `{` (a JSON facts text
is an object, so it always starts so), else as YAML, the format of facts files; its messages name it
`<stdin>` (`<stdin>.json` when read as JSON). It is read as UTF-8 and, as a file, refused above
source.MAX_BYTES.
"""

from __future__ import annotations

import sys

from ..diagnostics import InputFileError
from ..i18n import _
from ..inputs.facts import FactSet, load_facts, parse_facts
from ..source import MAX_BYTES, Source, too_large
from . import STANDARD_STREAM

STDIN_NAME = "<stdin>"
STDIN_JSON_NAME = "<stdin>.json"  # the name tells parse_facts to read JSON


def is_standard_input(path: str) -> bool:
    return path == STANDARD_STREAM


def read_facts(path: str) -> FactSet:
    """The facts of the file at `path`, or of standard input for `-`; an InputFileError (E002, exit 2)
    when they cannot be read, a FactsError when they are not a mapping of facts."""
    try:
        return parse_facts(standard_input()) if is_standard_input(path) else load_facts(path)
    except OSError as exc:
        raise InputFileError.single("E002", _("cannot read facts file: {reason}", reason=exc.strerror or exc),
                                    path) from None
    except UnicodeDecodeError:
        raise InputFileError.single("E002", _("the facts file is not UTF-8 text"), path) from None


def standard_input() -> Source:
    """Standard input as a facts Source, named for the format it is read in (see the module's docstring).
    Raises ReadError (E007) above MAX_BYTES, UnicodeDecodeError when it is not UTF-8."""
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise too_large(STDIN_NAME)
    text = data.decode("utf-8-sig")
    return Source(STDIN_JSON_NAME if text.lstrip().startswith("{") else STDIN_NAME, text)
