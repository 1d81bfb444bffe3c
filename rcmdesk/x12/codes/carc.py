"""Claim Adjustment Reason Codes (X12 code source 139), values only.

pyx12 ships no CARC list, so this one is written by hand from X12's published
list and cross-checked (keys only) against OpenEMR's BillingUtilities.php. It
deliberately keeps retired codes: remittances and old claims still carry them,
and flagging a once-valid code would be noise. Newer codes than the ones below
show up as warnings until the list is refreshed.
"""

from __future__ import annotations

CARC_AS_OF = (
    "X12 code source 139, active and retired values: 1-304, A0-A8, B1-B23, D1-D23, "
    "P1-P32, W1-W9, Y1-Y3; written by hand from X12's published list as of about 2024"
)

_HIGHEST_NUMBER = 304


def _series(prefix: str, first: int, last: int) -> set[str]:
    return {f"{prefix}{number}" for number in range(first, last + 1)}


CARC: frozenset[str] = frozenset(
    _series("", 1, _HIGHEST_NUMBER)
    | _series("A", 0, 8)
    | _series("B", 1, 23)
    | _series("D", 1, 23)
    | _series("P", 1, 32)
    | _series("W", 1, 9)
    | _series("Y", 1, 3)
)
