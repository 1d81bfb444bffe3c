"""Typed element conversions shared by the typed views.

Money is always ``Decimal`` (never float: a remit must balance to the cent). A malformed
number raises a located ``X12SyntaxError`` instead of ``decimal.InvalidOperation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, make_dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from rcmdesk.x12.errors import X12SyntaxError
from rcmdesk.x12.parser import Loop
from rcmdesk.x12.reader import Segment

ZERO = Decimal("0")
_NAN = Decimal("NaN")


def number(raw: str, segment: Segment, index: int, file: str = "<input>") -> Decimal:
    """The non-empty text ``raw`` of element ``index`` as a finite Decimal.

    Anything that is not a finite number raises an X12SyntaxError located at the element.
    """
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = _NAN
    if value.is_finite():
        return value
    raise X12SyntaxError(
        f"{raw[:20]!r} is not a number",
        file=file,
        position=segment.position,
        segment_id=segment.id,
        element=index,
        offset=segment.offset,
    )


def decimal(segment: Segment, index: int, file: str = "<input>") -> Decimal | None:
    """Element ``index`` as a Decimal, None when empty."""
    elements = segment.elements
    raw = elements[index] if index < len(elements) else ""
    return number(raw, segment, index, file) if raw else None


def padded(segment: Segment, last: int) -> list[str]:
    """The elements list, padded with "" so that indexes up to ``last`` exist.

    Typed views read many elements per segment; one padding beats a bounds check each.
    """
    elements = segment.elements
    if len(elements) > last:
        return elements
    return elements + [""] * (last + 1 - len(elements))


def money(segment: Segment, index: int, file: str = "<input>") -> Decimal:
    """Element ``index`` as an amount; an empty amount reads as zero."""
    elements = segment.elements
    raw = elements[index] if index < len(elements) else ""
    return number(raw, segment, index, file) if raw else ZERO


def builder[**P, T](cls: Callable[P, T]) -> Callable[P, T]:
    """A fast constructor for the frozen slotted dataclass ``cls`` (same signature).

    A frozen dataclass's ``__init__`` stores every field through ``object.__setattr__``
    (~0.16 us a field, most of the cost of a typed claim). The builder is a mutable twin
    with the same fields and slots: its plain ``__init__`` stores the fields, then its
    ``__post_init__`` relabels the finished object as ``cls``. The layouts are
    identical, so CPython allows the ``__class__`` assignment, and what comes out is an
    ordinary, immutable ``cls`` (equal to, and hashing like, one built by ``cls(...)``).
    """
    if not isinstance(cls, type):
        raise TypeError(f"{cls!r} is not a class")
    specs: list[Any] = []
    for f in fields(cls):
        if f.default is not MISSING:
            specs.append((f.name, f.type, field(default=f.default)))
        elif f.default_factory is not MISSING:
            specs.append((f.name, f.type, field(default_factory=f.default_factory)))
        else:
            specs.append((f.name, f.type))

    def relabel(self: object) -> None:
        self.__class__ = cls

    twin = make_dataclass(
        f"_{cls.__name__}Builder", specs, slots=True, namespace={"__post_init__": relabel}
    )
    if getattr(twin, "__slots__", None) != getattr(cls, "__slots__", ()):
        raise TypeError(f"{cls.__name__} is not a slotted dataclass without extra slots")
    return cast("Callable[P, T]", twin)


def cents(amount: Decimal | None) -> str | None:
    """Render an amount with exactly two decimals, as billers read it."""
    return None if amount is None else f"{amount:.2f}"


@dataclass(frozen=True, slots=True)
class Name:
    """An NM1 party: entity code, type, name parts and identifier."""

    entity: str = ""
    entity_type: str = ""
    last: str = ""
    first: str = ""
    middle: str = ""
    suffix: str = ""
    id_qualifier: str = ""
    id: str = ""

    @classmethod
    def of(cls, segment: Segment | None) -> Name | None:
        if segment is None:
            return None
        e = padded(segment, 9)
        build = _new_name if cls is Name else cls
        return build(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9])


@dataclass(frozen=True, slots=True)
class Address:
    """N3/N4 address lines."""

    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""

    @classmethod
    def of(cls, loop: Loop) -> Address | None:
        return cls.lines(loop.first("N3"), loop.first("N4"))

    @classmethod
    def lines(cls, n3: Segment | None, n4: Segment | None) -> Address | None:
        """The address of an N3 and an N4 segment (either may be missing)."""
        if n3 is None and n4 is None:
            return None
        a = n3.get if n3 is not None else _empty
        b = n4.get if n4 is not None else _empty
        build = _new_address if cls is Address else cls
        return build(a(1), a(2), b(1), b(2), b(3))


@dataclass(frozen=True, slots=True)
class DateRef:
    """A DTM/DTP date: qualifier, optional format qualifier (D8/RD8) and value."""

    qualifier: str
    value: str
    format: str = ""


_new_name = builder(Name)
_new_address = builder(Address)
_new_date = builder(DateRef)


def _empty(_index: int) -> str:
    return ""


def dtm(segment: Segment) -> DateRef:
    """DTM*qual*CCYYMMDD."""
    e = segment.elements
    if len(e) < 3:
        e = padded(segment, 2)
    return _new_date(e[1], e[2], "")


def dtp(segment: Segment) -> DateRef:
    """DTP*qual*format*value."""
    e = segment.elements
    if len(e) < 4:
        e = padded(segment, 3)
    return _new_date(e[1], e[3], e[2])


def composite(segment: Segment, index: int) -> tuple[str, ...]:
    """Element ``index`` as its components, trailing empties dropped."""
    elements = segment.elements
    raw = elements[index] if index < len(elements) else ""
    if not raw:
        return ()
    parts = raw.split(segment.delimiters.component)
    if parts[-1]:
        return tuple(parts)
    while parts and not parts[-1]:
        parts.pop()
    return tuple(parts)
