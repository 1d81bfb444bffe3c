"""Typed element conversions shared by the typed views.

Money is always ``Decimal`` (never float: a remit must balance to the cent). A malformed
number raises a located ``X12SyntaxError`` instead of ``decimal.InvalidOperation``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rcmdesk.x12.errors import X12SyntaxError
from rcmdesk.x12.parser import Loop
from rcmdesk.x12.reader import Segment

ZERO = Decimal("0")
_NAN = Decimal("NaN")


def decimal(segment: Segment, index: int, file: str = "<input>") -> Decimal | None:
    """Element ``index`` as a Decimal, None when empty."""
    elements = segment.elements
    raw = elements[index] if index < len(elements) else ""
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = _NAN
    if not value.is_finite():
        raise X12SyntaxError(
            f"{raw[:20]!r} is not a number",
            file=file,
            position=segment.position,
            segment_id=segment.id,
            element=index,
            offset=segment.offset,
        )
    return value


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
    value = decimal(segment, index, file)
    return ZERO if value is None else value


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
        return cls(e[1], e[2], e[3], e[4], e[5], e[7], e[8], e[9])


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
        n3, n4 = loop.first("N3"), loop.first("N4")
        if n3 is None and n4 is None:
            return None
        a = n3.get if n3 is not None else _empty
        b = n4.get if n4 is not None else _empty
        return cls(a(1), a(2), b(1), b(2), b(3))


@dataclass(frozen=True, slots=True)
class DateRef:
    """A DTM/DTP date: qualifier, optional format qualifier (D8/RD8) and value."""

    qualifier: str
    value: str
    format: str = ""


def _empty(_index: int) -> str:
    return ""


def dtm(segment: Segment) -> DateRef:
    """DTM*qual*CCYYMMDD."""
    e = padded(segment, 2)
    return DateRef(e[1], e[2])


def dtp(segment: Segment) -> DateRef:
    """DTP*qual*format*value."""
    e = padded(segment, 3)
    return DateRef(e[1], e[3], e[2])


def composite(segment: Segment, index: int) -> tuple[str, ...]:
    """Element ``index`` as its components, trailing empties dropped."""
    elements = segment.elements
    raw = elements[index] if index < len(elements) else ""
    if not raw:
        return ()
    parts = raw.split(segment.delimiters.component)
    while parts and not parts[-1]:
        parts.pop()
    return tuple(parts)
