"""Equality, hashing and repr as attrs writes them, but written once here for many attrs classes.

attrs writes these methods as source for each class and compiles them when the class's module is
imported: some 0.3 ms a class, which over the classes every `rulecheck check` imports was a seventh
of its start (issue 13). A class that can do with these says
`@attrs.frozen(eq=False, repr=False)` and derives from `Record` (or `@attrs.define(eq=False, repr=False)`
and `MutableRecord`: mutable, so unhashable, as attrs makes it); attrs then still writes its `__init__`.

They behave as attrs's: equal only to an instance of the very same class whose fields compared by
equality (attrs.field(eq=...)) are equal, in order; hashed on those fields and the class; shown as
`Name(field=value, ...)` with the fields repr shows (a field not set yet, init=False, as NOTHING), '...'
for an object already being shown. A class whose fields compare or show through a function
(attrs.field(eq=str.lower), repr=callable), or hash otherwise than they compare, keeps attrs's own
methods; tests/test_records.py holds what checking makes of each to an attrs twin. Not for the classes
that scoring compares or hashes per department: attrs's generated methods are faster.
"""

from __future__ import annotations

import threading

import attrs

_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # class → (compared, shown)


class Record:
    """What every record class shares: equality, hashing and repr as attrs would write them."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        for name in compared(self.__class__):
            if not getattr(self, name) == getattr(other, name):
                return False
        return True

    def __hash__(self) -> int:
        cls = self.__class__
        return hash((cls.__qualname__, *[getattr(self, name) for name in compared(cls)]))

    def __repr__(self) -> str:
        if id(self) in _REPRING.shown:  # an object that holds itself: as attrs, '...'
            return "..."
        _REPRING.shown.add(id(self))
        try:
            shown = ", ".join(f"{name}={getattr(self, name, attrs.NOTHING)!r}" for name in _shown(self.__class__))
            return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({shown})"
        finally:
            _REPRING.shown.discard(id(self))


class MutableRecord(Record):
    """A Record whose fields may change (`@attrs.define`): never hashed, as attrs leaves such a class."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]


class _Repring(threading.local):
    """The objects whose repr is being written on this thread (attrs keeps the same guard)."""

    def __init__(self) -> None:
        self.shown: set[int] = set()


_REPRING = _Repring()


def _fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of the fields equality and hashing look at, and of those repr shows, in their order;
    read from attrs once per class."""
    found = _FIELDS.get(cls)
    if found is None:
        fields = attrs.fields(cls)
        if any(f.eq_key is not None or f.hash is not None or f.repr not in (True, False) for f in fields):
            raise TypeError(f"{cls.__qualname__} compares or shows a field through a function: let attrs write "
                            "its methods (it cannot be a Record)")
        found = _FIELDS[cls] = (tuple(f.name for f in fields if f.eq), tuple(f.name for f in fields if f.repr))
    return found


def compared(cls: type) -> tuple[str, ...]:
    """The fields of `cls` that equality and hashing look at."""
    return _fields(cls)[0]


def _shown(cls: type) -> tuple[str, ...]:
    return _fields(cls)[1]
