"""The declarative vocabulary implementation-guide modules are written in.

A guide is plain nested data: loops hold segments and loops in guide order, segments
hold elements and composites. Nothing here knows how to parse; ``compile.py`` turns a
guide into lookup tables once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class E:
    """A simple data element: X12 dictionary number, usage, type, lengths, code values."""

    ref: str
    usage: str
    type: str
    min_len: int
    max_len: int
    codes: tuple[str, ...] = ()
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class C:
    """A composite element; its components are ``E``s."""

    ref: str
    usage: str
    parts: tuple[E, ...]
    repeat: int = 1


@dataclass(frozen=True, slots=True)
class S:
    """A segment in a loop: usage R/S/N, max uses (0 = unbounded), elements.

    ``qualifier`` is (element, component) of the code that tells this segment apart from
    same-id siblings, e.g. (1, 0) for NM101; (0, 0) when the id alone decides.
    ``syntax`` holds X12 relational conditions such as ``P0809`` (paired) or ``C1110``.
    """

    id: str
    name: str
    usage: str
    max_use: int
    elements: tuple[E | C, ...]
    qualifier: tuple[int, int] = (0, 0)
    syntax: tuple[str, ...] = ()

    def qualifier_codes(self) -> tuple[str, ...]:
        """The code values of the qualifying element (empty when unqualified)."""
        index, sub = self.qualifier
        if index == 0 or index > len(self.elements):
            return ()
        item = self.elements[index - 1]
        if isinstance(item, C):
            return item.parts[sub - 1].codes if 0 < sub <= len(item.parts) else ()
        return item.codes


@dataclass(frozen=True, slots=True)
class L:
    """A loop: id (e.g. 2010AA), usage, max repeats (0 = unbounded), children in order."""

    id: str
    name: str
    usage: str
    max_repeat: int
    children: tuple[S | L, ...]

    @property
    def first(self) -> S:
        """The segment that starts every iteration of the loop."""
        head = self.children[0]
        return head if isinstance(head, S) else head.first


@dataclass(frozen=True, slots=True)
class Guide:
    """One implementation guide (TR3): its transaction set and its ST..SE loop tree."""

    set_id: str
    version: str
    functional_id: str
    name: str
    root: L
