"""rulecheck.records: the equality, hashing and repr that many attrs classes share instead of attrs
compiling them for each at import (issue 13 point 4), held to what attrs itself writes: for every Record
object that checking and loading the shipped and the broken rule files make, an attrs twin of its class
(the same fields, attrs's own methods) shows, compares and hashes alike."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import rulecheck
from rulecheck import language
from rulecheck.api import analyze
from rulecheck.records import MutableRecord, Record, compared
from rulecheck.syntax import ast

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "rules/shenzhen/framework.rules", *sorted((ROOT / "tests/data/bad").glob("*.rules"))]
TWINS: dict[type, type] = {}


def twin_class(cls: type) -> type:
    """`cls` as attrs writes it: its fields, with their eq and repr, and attrs's equality, hash and repr."""
    if cls not in TWINS:
        fields = {f.name: attrs.field(eq=f.eq, repr=f.repr, init=f.init) for f in attrs.fields(cls)}
        TWINS[cls] = attrs.make_class(cls.__name__, fields, frozen=not issubclass(cls, MutableRecord))
    return TWINS[cls]


def same_values(record, cls: type | None = None):
    """An object of `cls` (by default the record's class) holding the very values of `record`'s fields
    (those never set stay unset), made without its __init__."""
    cls = cls or type(record)
    made = cls.__new__(cls)
    for f in attrs.fields(type(record)):
        if hasattr(record, f.name):
            object.__setattr__(made, f.name, getattr(record, f.name))
    return made


def twin(record):
    """The twin of `record`: the same values, in an object of its class as attrs writes it."""
    return same_values(record, twin_class(type(record)))


def subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *subclasses(direct)}}


@pytest.fixture(scope="module")
def made_by_checking() -> list:
    """Some of the Record objects of each class that checking the files and loading the framework make
    (the checker's and the prover's own passing ones too: each class's __init__ notes what it made), and
    the language's tables."""
    made: dict[type, list] = {}
    patch = pytest.MonkeyPatch()

    def noting(cls: type):
        real = cls.__init__

        def __init__(self, *args, **kwargs):
            real(self, *args, **kwargs)
            if len(made.setdefault(cls, [])) < 40:
                made[cls].append(self)
        return __init__

    for cls in subclasses(Record) - {MutableRecord}:
        patch.setattr(cls, "__init__", noting(cls))
    try:
        for path in FILES:
            analyze(path)
        rulecheck.load(FILES[0])
    finally:
        patch.undo()
    tables = [*language.ARITHMETIC.values(), *language.COMPARISONS.values(), *language.CONNECTIVES.values(),
              *language.BUILTINS.values()]  # made when the language's module is imported
    return [record for found in made.values() for record in found] + tables


def test_every_record_shows_compares_and_hashes_as_attrs_would(made_by_checking):
    found = made_by_checking
    classes = {type(record) for record in found}
    assert len(classes - {cls for cls in classes if issubclass(cls, ast.SyntaxNode)}) > 20, classes
    for record in found:
        mirror = twin(record)
        assert repr(record) == repr(mirror), type(record)
        assert (record == same_values(record)) is (mirror == same_values(mirror)) is True
        if isinstance(record, MutableRecord):
            with pytest.raises(TypeError, match="unhashable"):
                hash(record)
            with pytest.raises(TypeError, match="unhashable"):
                hash(mirror)
    pairs = list(zip(found, found[1:]))
    assert any(a != b for a, b in pairs)
    for first, second in pairs:  # an object of another class, or the same class with other values
        assert (first == second) is (twin(first) == twin(second) if type(first) is type(second) else False)


def test_records_hash_alike_when_equal_and_never_equal_another_class(made_by_checking):
    hashed = 0
    for record in made_by_checking:
        if isinstance(record, MutableRecord):
            continue
        try:
            value = hash(record)
        except TypeError:  # a field holds a list, as attrs's hash would find too
            with pytest.raises(TypeError):
                hash(twin(record))
            continue
        assert value == hash(same_values(record))
        assert record != twin(record) and record.__eq__(twin(record)) is NotImplemented
        hashed += 1
    assert hashed > 100


def test_a_record_whose_field_compares_through_a_function_is_refused():
    @attrs.frozen(eq=False, repr=False)
    class Folded(Record):
        name: str = attrs.field(eq=str.lower)

    with pytest.raises(TypeError, match="through a function"):
        compared(Folded)


def test_a_record_being_shown_inside_itself_shows_as_attrs_does():
    @attrs.define(eq=False, repr=False)
    class Holder(MutableRecord):
        items: list

    @attrs.define
    class AttrsHolder:
        items: list

    mine, theirs = Holder([]), AttrsHolder([])
    mine.items.append(mine)
    theirs.items.append(theirs)
    assert repr(mine) == repr(theirs).replace("AttrsHolder", "Holder") == "Holder(items=[...])"
