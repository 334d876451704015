"""YAML facts: plain scalars read by YAML 1.2's core schema, never by YAML 1.1's guesses.

PyYAML implements YAML 1.1, where `030` is the octal 24, `1:30` is 90, `56_0` is 560 and `yes`/`on` are
true: the same department would score differently from a YAML file and from a CSV. Here a plain
scalar is read as YAML 1.2 reads it: `true`/`false` (any of the three spellings of each), `null`, `~`
or nothing (a missing value), a decimal number (an exact Decimal: 0.9729 stays 0.9729); anything else
is text, which the input's type then converts or refuses (values.py: `030` is refused as ambiguous).

A facts file is read from its events, not built as a tree: a value that is a list or a mapping is
skipped (it is no fact) without being held in memory, a value nested deeper than MAX_DEPTH stops the
reading, and an alias (`*name`) or a tag (`!!int`) is never expanded or constructed. So a file of
aliases that would expand to billions of values, or a list of millions, costs no more than its text.

`FactsLoader` reads case files (cases/files.py) with the same scalars.
"""

from __future__ import annotations

import yaml

from ..diagnostics import FactsError, error
from ..i18n import N_, _
from ..source import Source, Span
from .values import MAX_TEXT, FactValueError, Unread, cut, number_text

MAX_DEPTH = 20  # the deepest a value may nest (a fact has no nesting: this is to stop a runaway file)
NULLS = frozenset({"", "~", "null", "Null", "NULL"})
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
STR_TAG, SEQ_TAG, MAP_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
MERGE_TAG = "tag:yaml.org,2002:merge"
PLAIN_TAG = "tag:rulecheck,2025:plain"  # a plain scalar, read by plain_scalar
YAML_HINT = N_("check the indentation and quote values that contain ':' or '#'")
FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it


def plain_scalar(text: str):
    """A plain (unquoted) scalar as YAML 1.2's core schema reads it: None, True/False, an exact Decimal for
    a decimal number, else the text itself."""
    if text in NULLS:
        return None
    if text in BOOLS:
        return BOOLS[text]
    if len(text) <= MAX_TEXT:
        try:
            number = number_text(text, grouped=False)
        except FactValueError:  # too many digits: the text, which its input's type refuses
            return text
        if number is not None:
            return number
    return text


def tagged(tag: str, text: str) -> Unread:
    """A value written with an explicit tag (`!!int 5.5`, `!!binary`, `!!python/…`): not read."""
    written = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
    value, tag = cut(written + ' ' + text), cut(written, 40)
    return Unread(f"'{value}'", "F513", _("'{value}' has a YAML tag ({tag}), and facts files do not read tags",
                                          value=value, tag=tag),
                  _("write the value without '{tag}': a number or true/false plain, a text in quotes", tag=tag))


def alias() -> Unread:
    """A value written as a YAML alias ('*name'): not read."""
    return Unread(_("an alias"), "F512", _("the value is a YAML alias ('*name'), and facts files do not read aliases"),
                  _("write the value itself"))


# ---- case files: a loader ---------------------------------------------------------------------

class FactsLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the scalars of facts files: YAML 1.2 core plain scalars, exact decimals,
    and a tagged value (other than !!str, !!map, !!seq) kept as an Unread value, never constructed."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:  # plain: text is !!str, as the case reader expects
            return MERGE_TAG if value == "<<" else STR_TAG if isinstance(plain_scalar(value), str) else PLAIN_TAG
        return super().resolve(kind, value, implicit)


def _construct_plain(loader: FactsLoader, node: yaml.ScalarNode):
    return plain_scalar(node.value)


def _construct_tagged(loader: FactsLoader, node: yaml.Node) -> Unread:
    return tagged(node.tag, node.value if isinstance(node, yaml.ScalarNode) else "…")


FactsLoader.add_constructor(PLAIN_TAG, _construct_plain)
for _tag in ("null", "bool", "int", "float", "binary", "timestamp", "omap", "pairs", "set", "value"):
    FactsLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_tagged)
FactsLoader.add_constructor(None, _construct_tagged)  # any other tag: !!python/object, !custom


# ---- facts files: events ----------------------------------------------------------------------

def read_yaml(source: Source) -> tuple[dict, dict]:
    """The facts of a YAML facts file, and the span of each key; FactsError (F506, F507, F512, F515) if
    it is not a mapping of names to values. Read with libyaml when PyYAML has it (a hundred times
    faster); a YAML error is always the one PyYAML's own parser reports, whichever is installed."""
    if FAST_LOADER is not None:
        try:
            return _Reader(source, yaml.parse(source.text, Loader=FAST_LOADER)).read()
        except yaml.YAMLError:
            pass
    try:
        return _Reader(source, yaml.parse(source.text, Loader=yaml.SafeLoader)).read()
    except yaml.YAMLError as exc:
        message, span = yaml_problem(exc, source)
        raise FactsError([error("F506", _("not valid YAML: {reason}", reason=message), span, _(YAML_HINT),
                                where=source.name)],
                         {source.name: source}) from None


def yaml_problem(exc: yaml.YAMLError, source: Source) -> tuple[str, Span | None]:
    """What a YAML error says, and where: "while scanning a quoted scalar" (the context) is where the
    mistake is; the problem is often only found at the end of the file."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    span = Span.point(source.name, mark.line + 1, mark.column + 1) if mark else None
    context = getattr(exc, "context", None)
    problem = getattr(exc, "problem", None) or exc
    return f"{context + ', ' if context else ''}{problem}", span


class _Reader:
    """One pass over a facts file's events: the top-level mapping's keys and scalar values."""

    def __init__(self, source: Source, events):
        self.source, self.events = source, events

    def read(self) -> tuple[dict, dict]:
        self.next(yaml.StreamStartEvent)
        if isinstance(self.next(yaml.DocumentStartEvent, yaml.StreamEndEvent), yaml.StreamEndEvent):
            return {}, {}  # an empty file, or only comments
        root = self.next()
        if isinstance(root, yaml.ScalarEvent) and root.value == "" and root.implicit[0]:
            values: dict = {}
            spans: dict = {}
        elif isinstance(root, yaml.MappingStartEvent):
            values, spans = self.mapping()
        else:
            raise self.problem("F506", _("a facts file is a mapping of input names to values"), None,
                               _("write one 'name: value' per line"))
        self.next(yaml.DocumentEndEvent)
        following = self.next(yaml.DocumentStartEvent, yaml.StreamEndEvent)
        if isinstance(following, yaml.DocumentStartEvent):
            raise self.problem("F506", _("not valid YAML: expected a single document in the stream, but found "
                                         "another document"), self.span(following),
                               _("a facts file holds one department's facts: remove the second '---'"))
        return values, spans

    def mapping(self) -> tuple[dict, dict]:
        values: dict = {}
        spans: dict[str, Span] = {}
        twice = []
        while not isinstance(key := self.next(), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent):
                raise self.problem("F506", _("a key of a facts file is an input's name"), self.span(key),
                                   _("write one 'name: value' per line, the name in quotes if it has ':' or '#'"))
            name, span = key.value, self.span(key)
            if name in spans:
                twice.append(error("F507", _("the fact '{name}' is given twice", name=cut(name)), span,
                                   _("the first is at line {line}; keep one", line=spans[name].line)))
            spans[name] = span
            values[name] = self.value(self.next())
        if twice:
            raise FactsError(twice, {self.source.name: self.source})
        return values, spans

    def value(self, event):
        if isinstance(event, yaml.AliasEvent):
            return alias()
        if isinstance(event, yaml.ScalarEvent):
            if event.tag not in (None, "!", STR_TAG):
                return tagged(event.tag, event.value)
            return plain_scalar(event.value) if event.implicit[0] else event.value
        self.skip(event)
        if event.tag not in (None, "!", SEQ_TAG, MAP_TAG):  # !!python/object/apply:os.system [...]
            return tagged(event.tag, "…")
        return Unread(_("a list") if isinstance(event, yaml.SequenceStartEvent) else _("a nested mapping"))

    def skip(self, start) -> None:
        """Past the end of the list or mapping that `start` opens, holding nothing of it."""
        depth = 1
        while depth:
            event = self.next()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise self.problem("F515", _("a value nested more than {most} levels deep", most=MAX_DEPTH),
                                       self.span(start), _("a fact is one value: a number, a text, true or false"))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1

    def next(self, *kinds):
        event = next(self.events)
        if kinds and not isinstance(event, kinds):  # the parser yields no other order
            raise self.problem("F506", _("not valid YAML"), self.span(event), _(YAML_HINT))
        return event

    def span(self, event) -> Span:
        start, end = event.start_mark, event.end_mark
        return Span(self.source.name, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def problem(self, code: str, message: str, span: Span | None, hint: str) -> FactsError:
        return FactsError([error(code, message, span, hint, where=self.source.name)], {self.source.name: self.source})
