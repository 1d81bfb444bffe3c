"""Helpers for the hand-written guides (270/271, 276, 278).

pyx12 ships no 5010 maps for these guides, so their modules are written from the
TR3 loop structure. Elements are typed loosely (AN 1-80) except loop qualifiers,
dates and amounts, which is enough for the parser and typed views and keeps the
validation of these guides structural rather than inventing code lists.
"""

from rcmdesk.x12.schemas.model import E, L, S

AN = E("", "S", "AN", 1, 80)
AMOUNT = E("782", "S", "R", 1, 18)
DATE = E("373", "S", "DT", 8, 8)
SERVICE_TYPES = E("1365", "S", "ID", 1, 2, (), 99)  # EQ01/EB03 repeat in 5010


def seg(
    sid: str,
    name: str,
    usage: str,
    max_use: int,
    width: int,
    codes: tuple[str, ...] = (),
    typed: dict[int, E] | None = None,
) -> S:
    """A segment of ``width`` elements; element 1 qualifies it when ``codes`` are given."""
    first = E("", "R", "ID", 1, 3, codes) if codes else AN
    elements = [first] + [AN] * (width - 1)
    for index, element in (typed or {}).items():
        elements[index - 1] = element
    return S(sid, name, usage, max_use, tuple(elements), (1, 0) if codes else (0, 0))


def hl(code: str, name: str) -> S:
    """HL whose HL03 level code starts the loop."""
    return S(
        "HL",
        name,
        "R",
        1,
        (
            E("628", "R", "AN", 1, 12),
            E("734", "S", "AN", 1, 12),
            E("735", "R", "ID", 1, 2, (code,)),
            E("736", "S", "ID", 1, 1),
        ),
        (3, 0),
    )


def st(set_id: str) -> S:
    return S(
        "ST",
        "Transaction Set Header",
        "R",
        1,
        (
            E("143", "R", "ID", 3, 3, (set_id,)),
            E("329", "R", "AN", 4, 9),
            E("1705", "S", "AN", 1, 35),
        ),
        (1, 0),
    )


def bht(structure: str, purposes: tuple[str, ...]) -> S:
    return S(
        "BHT",
        "Beginning of Hierarchical Transaction",
        "R",
        1,
        (
            E("1005", "R", "ID", 4, 4, (structure,)),
            E("353", "R", "ID", 2, 2, purposes),
            E("127", "S", "AN", 1, 50),
            E("373", "S", "DT", 8, 8),
            E("337", "S", "TM", 4, 8),
            E("640", "S", "ID", 2, 2),
        ),
    )


SE = S(
    "SE", "Transaction Set Trailer", "R", 1, (E("96", "R", "N0", 1, 10), E("329", "R", "AN", 4, 9))
)


def name_loop(
    loop_id: str, name: str, usage: str, repeat: int, codes: tuple[str, ...], *rest: S | L
) -> L:
    """An NM1-started loop followed by ``rest``."""
    return L(loop_id, name, usage, repeat, (seg("NM1", name, "R", 1, 12, codes), *rest))


def transaction(set_id: str, structure: str, purposes: tuple[str, ...], top: L) -> L:
    """ST, BHT, the top HL loop, SE."""
    return L(
        "ST_LOOP", "Transaction Set Header", "R", 0, (st(set_id), bht(structure, purposes), top, SE)
    )
