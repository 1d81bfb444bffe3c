"""Validate X12 files: SNIP 1-2 from the guide data, plus SNIP 3-5 content checks.

Reading errors (not X12, truncated, broken envelopes) still raise ``X12Error``;
everything recoverable becomes a located ``Finding`` so one run reports all problems.
"""

from __future__ import annotations

from collections.abc import Iterator

from rcmdesk.x12.envelope import Envelopes
from rcmdesk.x12.findings import Finding, Severity
from rcmdesk.x12.parser import Loop, Source, Transaction, open_source, transactions
from rcmdesk.x12.reader import Segment, SegmentReader
from rcmdesk.x12.rules_content import check_segment, check_transaction
from rcmdesk.x12.rules_elements import check_elements, check_gs, check_isa, finding
from rcmdesk.x12.rules_structure import check_loop
from rcmdesk.x12.schemas.ta1 import TA1


def _check_tree(tx: Transaction, seen_envelopes: set[int]) -> Iterator[Finding]:
    file = tx.file
    isa, gs = tx.interchange.segment, tx.group.segment
    if id(isa) not in seen_envelopes:
        seen_envelopes.add(id(isa))
        yield from check_isa(file, isa)
    if id(gs) not in seen_envelopes:
        seen_envelopes.add(id(gs))
        yield from check_gs(file, gs, tx.set_id)
    yield from check_set(tx)


def check_set(tx: Transaction) -> Iterator[Finding]:
    """Guide-driven and content findings for one transaction set (no envelopes)."""
    file = tx.file
    if tx.guide is None:
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
    yield from _check_loop(file, tx.root)
    yield from check_transaction(tx)


def _check_loop(file: str, loop: Loop) -> Iterator[Finding]:
    yield from check_loop(file, loop)
    for item, spec in zip(loop.items, loop.specs, strict=False):
        if isinstance(item, Segment):
            if spec is not None:
                yield from check_elements(file, item, spec)
            yield from check_segment(file, item)
        else:
            yield from _check_loop(file, item)


def validate(source: Source, *, name: str | None = None) -> Iterator[Finding]:
    """All findings for ``source`` in file order per transaction set, then envelopes."""
    stream, display, owned = open_source(source, name)
    try:
        envelopes = Envelopes(SegmentReader(stream, display), display)
        seen: set[int] = set()
        for tx in transactions(stream, name=display, envelopes=envelopes):
            yield from sorted(_check_tree(tx, seen), key=lambda f: f.position)
        yield from envelopes.findings
        for _isa, ta1 in envelopes.ta1:
            yield from check_elements(display, ta1, TA1)
    finally:
        if owned:
            stream.close()


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error (warnings do not fail a file)."""
    return any(f.severity is Severity.ERROR for f in findings)
