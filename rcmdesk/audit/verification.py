"""``verify``: recompute every chain and name, per client, the first event that breaks it.

Per chain it catches an edited event (its hash no longer matches), a deleted one (a gap in
the sequence), a cut tail (the head is ahead of the last event) and, given checkpoints (the
table's and any exported file's), a tail cut together with a rewound head (a signed
checkpoint the chain no longer reaches or matches) and a forged checkpoint. Events still
unsealed after a grace period are reported as warnings: the seal is overdue, not broken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from rcmdesk.audit import chain as hmac_chain
from rcmdesk.audit.checkpoints import Checkpoint, from_table
from rcmdesk.audit.models import PLATFORM_CHAIN, AuditChainHead, AuditEvent
from rcmdesk.audit.sealer import fields_of, seal, seal_all
from rcmdesk.tenancy.models import Organization

GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int | None
    reason: str
    chain: int = PLATFORM_CHAIN
    client: str = ""

    def __str__(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"audit chain of {self.client or 'the platform'} broken at {where}: {self.reason}"


@dataclass
class ChainReport:
    """One chain's verdict: how many events checked out, the first break, any warnings."""

    chain: int
    client: str
    checked: int = 0
    broken: ChainBreak | None = None
    warnings: list[str] = field(default_factory=list)


def verify(key: str | None = None, batch: int = 5000) -> tuple[int, ChainBreak | None]:
    """Every chain at once: events checked in all, and the first break of any chain."""
    reports = verify_chains(key=key, batch=batch)
    first = next((r.broken for r in reports if r.broken is not None), None)
    return sum(r.checked for r in reports), first


def verify_chains(chain: int | None = None, checkpoints: Iterable[Checkpoint] = (), *,
                  key: str | None = None, batch: int = 5000) -> list[ChainReport]:
    """Seal what is committed, then recompute each chain (or only ``chain``) against its
    head and its checkpoints: the table's and the given ones (an exported file's)."""
    key = key or settings.AUDIT_HMAC_KEY
    overdue = _overdue(chain)
    seal(chain) if chain is not None else seal_all()
    notes = [n for n in [*from_table(chain), *checkpoints] if chain in (None, n.chain)]
    heads = {h.chain: h for h in AuditChainHead.objects.all()
             if chain in (None, h.chain)}
    chains = {*heads, *(n.chain for n in notes), *overdue, *_event_chains(chain)}
    names = dict(Organization.objects.filter(pk__in=chains).values_list("pk", "slug"))
    reports = []
    for c in sorted(chains):
        report = ChainReport(c, names.get(c, "the platform" if c == PLATFORM_CHAIN
                                       else f"organization {c}"))
        report.broken = _walk(report, key, batch, heads.get(c),
                              sorted((n for n in notes if n.chain == c), key=lambda n: n.seq))
        if c in overdue:
            count, oldest = overdue[c]
            report.warnings.append(f"{count} events unsealed for more than {GRACE} "
                                   f"(the oldest is id {oldest})")
        reports.append(report)
    return reports


def _event_chains(chain: int | None) -> set[int]:
    if chain is not None:
        return {chain} if AuditEvent.objects.filter(chain=chain).exists() else set()
    return set(AuditEvent.objects.values_list("chain", flat=True).distinct().order_by())


def _overdue(chain: int | None) -> dict[int, tuple[int, int]]:
    """Chains with events unsealed past the grace period: chain -> (how many, oldest id)."""
    rows = AuditEvent.objects.filter(seq__isnull=True, at__lt=timezone.now() - GRACE)
    if chain is not None:
        rows = rows.filter(chain=chain)
    return {r["chain"]: (r["n"], r["oldest"])
            for r in rows.values("chain").annotate(n=Count("id"), oldest=Min("id")).order_by()}


def _walk(report: ChainReport, key: str, batch: int, head: AuditChainHead | None,
          notes: list[Checkpoint]) -> ChainBreak | None:
    """Recompute one chain in order; then its head; then its checkpoints."""
    prev, expected = hmac_chain.GENESIS, 1
    wanted, seen = {n.seq for n in notes}, {}
    events = (AuditEvent.objects.filter(chain=report.chain, seq__isnull=False)
              .order_by("seq").iterator(chunk_size=batch))
    for event in events:
        problem = _check(event, key, prev, expected)
        if problem:
            return _break(report, event.seq or 0, event.pk, problem)
        if event.seq in wanted:
            seen[event.seq] = event.hash
        prev, expected, report.checked = event.hash, expected + 1, report.checked + 1
    last = expected - 1
    if head is not None and (head.seq, head.hash) != (last, prev):
        reason = (f"the chain ends at #{last} but its head is at #{head.seq}: "
                  "events after the last one found are missing (its tail was cut)"
                  if head.seq > last else f"its head (#{head.seq}) does not match its last "
                  f"event (#{last})")
        return _break(report, head.seq, None, reason)
    return _check_notes(report, key, notes, last, seen)


def _check_notes(report: ChainReport, key: str, notes: list[Checkpoint], last: int,
                 seen: dict[int, str]) -> ChainBreak | None:
    for note in notes:
        if not note.signed(key):
            return _break(report, note.seq, None, f"a checkpoint ({note.source}) of #{note.seq} "
                          "carries a signature that does not verify: it was forged or altered")
        if note.seq > last:
            return _break(report, note.seq, None, (
                f"a signed checkpoint ({note.source}) of {note.at:%Y-%m-%d %H:%M} UTC says the "
                f"chain had reached #{note.seq}, but it now ends at #{last}: its tail was cut "
                "and its head rewound"))
        if seen.get(note.seq) != note.hash:
            return _break(report, note.seq, None, (
                f"event #{note.seq} no longer has the hash a signed checkpoint "
                f"({note.source}) recorded: the chain was rewritten"))
    return None


def _break(report: ChainReport, seq: int, event_id: int | None, reason: str) -> ChainBreak:
    return ChainBreak(seq, event_id, reason, report.chain, report.client)


def _check(event: AuditEvent, key: str, prev: str, expected_seq: int) -> str | None:
    if event.seq != expected_seq:
        return f"expected sequence {expected_seq}: an event was deleted"
    if event.prev_hash != prev:
        return "prev_hash does not match the previous event"
    if hmac_chain.link(key, prev, fields_of(event, seq=expected_seq)) != event.hash:
        return "its contents were changed after it was written"
    return None
