"""Validate X12 files: SNIP 1-2 from the guide data, plus SNIP 3-5 content checks.

Reading errors (not X12, truncated, broken envelopes) still raise ``X12Error``;
everything recoverable becomes a located ``Finding`` so one run reports all problems.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import BinaryIO

from rcmdesk.x12.envelope import Envelopes
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.parser import Loop, Source, Transaction, open_source, stream
from rcmdesk.x12.reader import Segment, SegmentReader
from rcmdesk.x12.rules_codes import CODED_SEGMENTS, check_codes
from rcmdesk.x12.rules_content import (
    CHECKED_SEGMENTS,
    check_claim_lines,
    check_segment,
    check_transaction,
    claim_paid,
)
from rcmdesk.x12.rules_elements import (
    check_elements,
    check_gs,
    check_isa,
    elements_clean,
    finding,
)
from rcmdesk.x12.rules_situational import Check, rules_for
from rcmdesk.x12.rules_structure import check_loop, loop_clean
from rcmdesk.x12.schemas.ta1 import TA1


def _check_tree(
    tx: Transaction, seen_envelopes: dict[int, Segment], streamed_paid: Decimal = Decimal(0)
) -> Iterator[Finding]:
    """``seen_envelopes`` holds the ISA/GS segments already checked, by identity; it keeps
    them alive, or a later envelope could reuse a freed one's id and go unchecked.
    """
    file = tx.file
    isa, gs = tx.interchange.segment, tx.group.segment
    if not isa.position:  # the stand-in envelope of a bare ST..SE file: nothing to check
        seen_envelopes.update(((id(isa), isa), (id(gs), gs)))
    if id(isa) not in seen_envelopes:
        seen_envelopes[id(isa)] = isa
        yield from check_isa(file, isa)
    if id(gs) not in seen_envelopes:
        seen_envelopes[id(gs)] = gs
        yield from check_gs(file, gs, tx.set_id)
    yield from check_set(tx, streamed_paid)


def check_set(tx: Transaction, streamed_paid: Decimal = Decimal(0)) -> Iterator[Finding]:
    """Guide-driven and content findings for one transaction set (no envelopes)."""
    file = tx.file
    if tx.guide is None:
        if tx.guide_problem:  # an 835 or 837 we cannot read as one: refuse it
            yield finding(file, *tx.version_at, "snip2.unknown-guide",
                          f"{tx.guide_problem}; the set cannot be read")
            return
        yield finding(
            file,
            tx.st,
            1,
            "snip2.unknown-guide",
            f"no implementation guide for {tx.set_id} {tx.version!r}; only envelopes checked",
            warn=True,
        )
        return
    yield from tx.findings
    found: list[Finding] = []
    _check_loop(file, tx.root, found, rules_for(tx.set_id, tx.version))
    yield from found
    yield from check_transaction(tx, streamed_paid)


# segment ids with SNIP 4/5 checks of their own: one lookup skips both for the rest
_CONTENT_CHECKED = CHECKED_SEGMENTS | CODED_SEGMENTS


def _check_loop(
    file: str, loop: Loop, out: list[Finding], situational: Mapping[str, tuple[Check, ...]]
) -> None:
    """Append the findings of ``loop`` and everything under it to ``out``, in file order.

    One pass over the tree: the cheap ``*_clean`` predicates vouch for clean loops and
    segments, and only what they reject is run through the rules that word findings.
    The loop's own structure findings go before its items', as they always have;
    ``situational`` holds the set's "required when" checks by loop id.
    """
    start = len(out)
    child_ids: list[str] = []
    for item, spec in zip(loop.items, loop.specs, strict=False):
        if isinstance(item, Segment):
            if spec is not None and not elements_clean(item, spec):
                out.extend(check_elements(file, item, spec))
            segment_id = item.elements[0]
            if segment_id in _CONTENT_CHECKED:
                if segment_id in CHECKED_SEGMENTS:
                    out.extend(check_segment(file, item))
                if segment_id in CODED_SEGMENTS:
                    out.extend(check_codes(file, item))
        else:
            child_ids.append(item.id)
            _check_loop(file, item, out, situational)
    if not loop_clean(loop, child_ids):
        out[start:start] = check_loop(file, loop)
    for check in situational.get(loop.id, ()):
        out.extend(check(file, loop))


# Claim-level loops are validated as they close and then dropped, so validating a
# 20,000-claim remittance does not hold its whole tree.
_STREAMED = {"835": frozenset({"2100"}), "837": frozenset({"2300", "2000B"})}


def _check_detached(tx: Transaction, loop: Loop) -> tuple[list[Finding], Decimal]:
    """Findings for one streamed loop, plus its CLP04 (835) for the balance check."""
    if tx.guide is None:
        return [], Decimal(0)
    found: list[Finding] = []
    _check_loop(tx.file, loop, found, rules_for(tx.set_id, tx.version))
    if loop.id == "2300":
        found.extend(check_claim_lines(tx.file, loop))
    paid = claim_paid(tx.file, loop) if loop.id == "2100" else Decimal(0)
    return found, paid


TOO_MANY = "rcmdesk.too-many-findings"  # the rule of the finding that ends a capped run


def validate(
    source: Source, *, name: str | None = None, limit: int | None = None
) -> Iterator[Finding]:
    """All findings for ``source``, by position per transaction set, then envelopes.

    With ``limit``, at most that many, then (if there are more) one ``TOO_MANY`` error
    saying checking stopped there: a small file of repeated bad segments can hold millions
    of problems, and nobody reads past the first few hundred, so neither time nor memory
    may grow with them. Reading stops soon after the limit is passed.
    """
    handle, display, owned = open_source(source, name)
    try:
        if limit is None:
            yield from _findings(handle, display, sys.maxsize)
        else:
            yield from _capped(_findings(handle, display, limit), limit, display)
    finally:
        if owned:
            handle.close()


@dataclass
class Checked:
    """A file validated and parsed in the same pass (``validate_and_parse``)."""

    findings: list[Finding]
    sets: list[Transaction] = field(default_factory=list)  # complete trees, as ``parse``
    ta1: list[Segment] = field(default_factory=list)  # interchange acknowledgments


def validate_and_parse(source: Source, *, name: str | None = None, limit: int) -> Checked:
    """``validate``'s findings (capped at ``limit``) and the sets' trees, reading once.

    Intake used to validate a file, then parse it again to apply it: a second full pass
    over the same bytes. Here the loops validation streams away (a claim's 2100 or 2300)
    are kept and put back into their parents once their set has been checked, so every
    set comes out as ``parse`` gives it; findings are exactly ``validate``'s. When
    checking stops at the cap the sets are incomplete: only the findings mean anything.
    """
    handle, display, owned = open_source(source, name)
    keep = _Keeper()
    try:
        findings = list(_capped(_findings(handle, display, limit, keep), limit, display))
    finally:
        if owned:
            handle.close()
    return Checked(findings, keep.sets, keep.ta1)


class _Keeper:
    """What ``validate_and_parse`` keeps of a validation run: sets, loops and TA1s."""

    def __init__(self) -> None:
        self.sets: list[Transaction] = []
        self.ta1: list[Segment] = []
        self._loops: list[Loop] = []

    def loop(self, loop: Loop) -> None:
        self._loops.append(loop)

    def done(self, tx: Transaction) -> None:
        """Put the set's streamed loops back where they were, in file order."""
        parents: dict[int, Loop] = {}
        for loop in self._loops:  # closing order: children before their parents
            parent = loop.parent
            assert parent is not None, "only child loops are streamed away"
            parent.items.append(loop)
            parent.specs.append(None)
            parents[id(parent)] = parent
        for parent in parents.values():
            parent.detached = None
            pairs = sorted(zip(parent.items, parent.specs, strict=True),
                           key=lambda pair: _position(pair[0]))
            parent.items = [item for item, _spec in pairs]
            parent.specs = [spec for _item, spec in pairs]
        self._loops = []
        self.sets.append(tx)


def _position(item: Segment | Loop) -> int:
    while isinstance(item, Loop):
        item = item.items[0]
    return item.position


def _findings(handle: BinaryIO, display: str, limit: int,
              keep: _Keeper | None = None) -> Iterator[Finding]:
    """``validate``'s findings, ending soon after more than ``limit`` have been found;
    ``keep`` is given what it needs to hand back the sets too."""

    def check_ta1(ta1: Segment) -> Iterable[Finding]:
        if keep is not None:
            keep.ta1.append(ta1)
        return check_elements(display, ta1, TA1)

    envelopes = Envelopes(
        SegmentReader(handle, display), display, max_findings=limit, check_ta1=check_ta1,
    )
    seen: dict[int, Segment] = {}
    pending: list[Finding] = []
    paid, given = Decimal(0), 0
    for tx, loop in stream(
        handle, name=display, detach=_STREAMED, envelopes=envelopes, max_findings=limit
    ):
        if loop is not None:
            found, claim = _check_detached(tx, loop)
            pending.extend(found)
            paid += claim
            if keep is not None:
                keep.loop(loop)
        else:
            pending.extend(_check_tree(tx, seen, paid))
            if keep is not None:
                keep.done(tx)
        if loop is None or given + len(pending) > limit:
            yield from sorted(pending, key=lambda f: f.position)
            given += len(pending)
            pending, paid = [], Decimal(0)
        if given > limit:
            return
    rest = None if limit == sys.maxsize else max(0, limit + 1 - given)
    yield from islice(envelopes.findings, rest)


def _capped(findings: Iterator[Finding], limit: int, file: str) -> Iterator[Finding]:
    """The first ``limit`` findings, then one error that says how many more were seen."""
    kept = 0
    for finding_ in findings:
        if kept < limit:
            kept += 1
            yield finding_
            continue
        found = kept + 1 + sum(1 for _ in findings)  # what the reader already holds
        yield Finding(
            file, finding_.position, finding_.segment_id, 0, TOO_MANY, Severity.ERROR,
            f"too many problems: {found:,} or more were found and checking stopped here; "
            f"only the first {limit:,} are listed. Ask the sender for a corrected file.",
        )
        return


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error (warnings do not fail a file)."""
    return any(f.severity is Severity.ERROR for f in findings)
