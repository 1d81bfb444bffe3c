"""SNIP type 5: external code sets X12 owns (CARC, RARC, claim status 507/508).

Every finding is a warning: the lists change three times a year and the shipped
copies lag, so an unknown code is something to look at, not a reason to reject a
file. CAS, MOA and MIA carry the same code sources in the 837 (prior-payer
adjudication) as in the 835, so they are checked wherever they appear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rcmdesk.x12.codes import CARC, CLAIM_STATUS, CLAIM_STATUS_CATEGORY, RARC
from rcmdesk.x12.findings import Finding
from rcmdesk.x12.reader import Segment
from rcmdesk.x12.rules_elements import finding

_CAS_REASONS = (2, 5, 8, 11, 14, 17)
_MOA_REMARKS = (3, 4, 5, 6, 7)
_MIA_REMARKS = (5, 20, 21, 22, 23)
_STC_COMPOSITES = (1, 10, 11)
# C043-04 "RX": component 2 is then an NCPDP reject/payment code, not code source 508.
_NCPDP = "RX"


def _unknown(
    file: str, seg: Segment, index: int, value: str, rule: str, kind: str, listed: str
) -> Finding:
    label = f"{seg.id}{index:02d}"
    return finding(
        file,
        seg,
        index,
        rule,
        f"{label} {kind} {value!r} is not in the {listed} list shipped with rcmdesk",
        warn=True,
    )


def _remarks(file: str, seg: Segment, indexes: tuple[int, ...]) -> Iterator[Finding]:
    for index in indexes:
        value = seg.get(index)
        if value and value not in RARC:
            yield _unknown(file, seg, index, value, "snip5.rarc", "remark code", "RARC")


def _cas(file: str, seg: Segment) -> Iterator[Finding]:
    for index in _CAS_REASONS:
        value = seg.get(index)
        if value and value not in CARC:
            yield _unknown(file, seg, index, value, "snip5.carc", "reason code", "CARC")


def _lq(file: str, seg: Segment) -> Iterator[Finding]:
    if seg.get(1) == "HE":
        yield from _remarks(file, seg, (2,))


def _moa(file: str, seg: Segment) -> Iterator[Finding]:
    yield from _remarks(file, seg, _MOA_REMARKS)


def _mia(file: str, seg: Segment) -> Iterator[Finding]:
    yield from _remarks(file, seg, _MIA_REMARKS)


def _stc(file: str, seg: Segment) -> Iterator[Finding]:
    for index in _STC_COMPOSITES:
        yield from _stc_composite(file, seg, index)


def _stc_composite(file: str, seg: Segment, index: int) -> Iterator[Finding]:
    parts = [*seg.components(index), "", "", ""]
    category, status, qualifier = parts[0], parts[1], parts[3]
    if category and category not in CLAIM_STATUS_CATEGORY:
        yield _unknown(
            file,
            seg,
            index,
            category,
            "snip5.claim-status-category",
            "status category code",
            "claim status category (507)",
        )
    if status and qualifier != _NCPDP and status not in CLAIM_STATUS:
        yield _unknown(
            file, seg, index, status, "snip5.claim-status", "status code", "claim status (508)"
        )


_CHECKS: dict[str, Callable[[str, Segment], Iterator[Finding]]] = {
    "CAS": _cas,
    "LQ": _lq,
    "MOA": _moa,
    "MIA": _mia,
    "STC": _stc,
}

# The only segment ids check_codes looks at: callers skip the call for all others.
CODED_SEGMENTS = frozenset(_CHECKS)


def check_codes(file: str, seg: Segment) -> Iterator[Finding]:
    """Unknown external codes in one segment; one dict lookup for segments without any."""
    check = _CHECKS.get(seg.id)
    if check is not None:
        yield from check(file, seg)
