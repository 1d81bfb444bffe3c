"""Generate 999 implementation acknowledgments from validation findings.

Only SNIP 1-2 problems belong in a 999 (content errors such as unbalanced claims are
reported by 277CA), so those are mapped to IK3/IK4/IK5 codes; a set with none of them
is accepted.
"""

from __future__ import annotations

from collections.abc import Iterator

from rcmdesk.x12.envelope import Envelopes
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.parser import Source, Transaction, open_source, transactions
from rcmdesk.x12.reader import SegmentReader
from rcmdesk.x12.t999 import Acknowledgment, ElementError, SegmentError, SetResponse
from rcmdesk.x12.validate import check_set

# IK304 segment syntax error codes
_SEGMENT_CODES = {
    "snip2.unexpected-segment": "2",
    "snip2.qualifier": "2",
    "snip2.required-segment": "3",
    "snip2.required-loop": "3",
    "snip2.loop-repeat": "4",
    "snip2.max-use": "5",
    "snip2.order": "7",
}
# IK403 element syntax error codes
_ELEMENT_CODES = {
    "snip2.required-element": "1",
    "snip2.syntax": "2",
    "snip1.too-many-elements": "3",
    "snip2.code": "7",
    "snip1.composite": "13",
}
# IK502 transaction set syntax error codes for envelope findings
_SET_CODES = {"snip1.se-count": "4", "snip1.se-control": "3"}
# IK502 1 "Transaction Set Not Supported": GS08 names no guide we read (no IK3: the
# problem is in the GS, outside the set).
_UNSUPPORTED = "snip2.unknown-guide"


def _element_code(finding: Finding) -> str:
    if finding.rule in _ELEMENT_CODES:
        return _ELEMENT_CODES[finding.rule]
    if "date" in finding.message:
        return "8"
    if "time" in finding.message:
        return "9"
    if "length" in finding.message:
        return "5"
    return "6"


def _errors(tx: Transaction, findings: list[Finding]) -> tuple[SegmentError, ...]:
    """IK3 (+IK4) per segment in error, positions counted from ST = 1."""
    st = tx.st.position
    by_segment: dict[tuple[int, str], list[Finding]] = {}
    for f in findings:
        by_segment.setdefault((f.position, f.segment_id), []).append(f)
    out: list[SegmentError] = []
    for (position, segment_id), items in sorted(by_segment.items()):
        segment_level = [f for f in items if f.rule in _SEGMENT_CODES]
        elements = tuple(
            ElementError((str(f.element),), "", _element_code(f))
            for f in items
            if f.rule not in _SEGMENT_CODES
        )
        code = _SEGMENT_CODES[segment_level[0].rule] if segment_level else "8"
        out.append(SegmentError(segment_id, str(position - st + 1), "", code, elements))
    return tuple(out)


def _response(tx: Transaction, envelope: list[Finding]) -> SetResponse:
    findings = [
        f
        for f in check_set(tx)
        if f.severity is Severity.ERROR and f.rule.startswith(("snip1", "snip2"))
    ]
    set_codes = tuple(sorted({_SET_CODES[f.rule] for f in envelope if f.rule in _SET_CODES}
                             | ({"1"} if any(f.rule == _UNSUPPORTED for f in findings)
                                else set())))
    errors = _errors(tx, [f for f in findings if f.rule != _UNSUPPORTED])
    rejected = bool(errors or set_codes)
    codes = set_codes + (("5",) if errors else ())
    return SetResponse(tx.set_id, tx.control, tx.st.get(3), "R" if rejected else "A", codes, errors)


def _group_ack(txs: list[Transaction], sets: list[SetResponse], control: int) -> Acknowledgment:
    group = txs[0].group
    accepted = sum(1 for s in sets if s.accepted)
    status = "A" if accepted == len(sets) else ("R" if accepted == 0 else "P")
    return Acknowledgment(
        f"{control:04d}",
        group.functional_id,
        group.control,
        group.version,
        tuple(sets),
        status,
        str(len(sets)),
        str(len(sets)),
        str(accepted),
    )


def acknowledge(source: Source, *, name: str | None = None) -> Iterator[Acknowledgment]:
    """One 999 Acknowledgment per functional group of ``source``."""
    stream, display, owned = open_source(source, name)
    try:
        envelopes = Envelopes(SegmentReader(stream, display), display)
        txs: list[Transaction] = []
        sets: list[SetResponse] = []
        seen = 0
        control = 0
        for tx in transactions(stream, name=display, envelopes=envelopes):
            if txs and tx.group.segment is not txs[0].group.segment:
                control += 1
                yield _group_ack(txs, sets, control)
                txs, sets = [], []
            new = envelopes.findings[seen:]
            seen = len(envelopes.findings)
            txs.append(tx)
            sets.append(_response(tx, new))
        if txs:
            yield _group_ack(txs, sets, control + 1)
    finally:
        if owned:
            stream.close()
