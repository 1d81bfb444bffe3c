"""Sealing: linking committed events into their chain, in short transactions of their own.

``record()`` only inserts an unsealed event in the caller's transaction, so a long import
holds no lock that anyone else needs. After that transaction commits, the sealer locks the
head row of the event's chain (one client's chain: no other client ever waits on it) for one
batch: it numbers the chain's unsealed events in id order, links each to the previous hash
with the HMAC key, writes the three columns in one statement and moves the head. A sealer
that finds the head locked steps back a few milliseconds and then leaves: the holder's last
statement looks for unsealed events, so it seals what it had not seen (and the next seal,
the ``seal_audit_trail`` task, ``verify`` and the audit pages seal what a crashed process
left; ``verify`` warns of events unsealed past a grace period).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from rcmdesk.audit import chain as hmac_chain
from rcmdesk.audit import checkpoints
from rcmdesk.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from rcmdesk.db import bulk

logger = logging.getLogger(__name__)

BATCH = 2000
RETRY_PAUSES = (0.005, 0.01, 0.02, 0.04)  # seconds a sealer steps back from a busy head
CHECKPOINT_EVERY = timedelta(hours=1)
CHECKPOINT_EVENTS = 10_000


def fields_of(event: AuditEvent, *, seq: int) -> dict[str, Any]:
    """What the HMAC covers, read from the stored row (so sealing and ``verify`` hash the
    same values, whatever the database did to JSON or timestamps on the way in)."""
    return hmac_chain.event_fields(
        chain=event.chain, seq=seq, event_id=event.pk, at=event.at, actor_id=event.actor_id,
        actor_username=event.actor_username, acting_org_id=event.acting_org_id,
        client_org_id=event.client_org_id, action=event.action, object_type=event.object_type,
        object_id=event.object_id, ip=event.ip, request_id=event.request_id,
        detail=event.detail,
    )


def seal(chain: int, *, batch: int = BATCH) -> int:
    """Seal ``chain``'s committed unsealed events, a batch per short transaction; how many.

    When another sealer holds the chain's head this one steps back a few milliseconds at a
    time (only writers of the same client ever meet here) and then leaves: the holder looks
    for unsealed events in its last statement, so it seals ours unless we committed in the
    instant between that statement and its commit, and then our retry finds the head free.
    """
    total, pauses = 0, list(RETRY_PAUSES)
    while True:
        done, more = _seal_batch(chain, batch)
        if done is None:
            if not pauses:
                return total
            time.sleep(pauses.pop(0))
            continue
        total += done
        if not more:
            return total


def seal_all(*, batch: int = BATCH) -> int:
    """Seal every chain that has unsealed events (the background task, verify, the CLI)."""
    chains = set(AuditEvent.objects.filter(seq__isnull=True).values_list("chain", flat=True)
                 .distinct().order_by())
    return sum(seal(c, batch=batch) for c in sorted(chains))


def _unsealed(chain: int) -> Any:
    return AuditEvent.objects.filter(chain=chain, seq__isnull=True).order_by("id")


def _seal_batch(chain: int, batch: int) -> tuple[int | None, bool]:
    """One short transaction: lock the head (or leave: None), link up to ``batch`` events;
    and whether more unsealed events are committed (seen by the last statement)."""
    with transaction.atomic():
        head = _lock_head(chain)
        if head is None:
            return None, False
        events = list(_unsealed(chain)[:batch])
        if not events:
            return 0, False
        key, prev, seq, rows = settings.AUDIT_HMAC_KEY, head.hash, head.seq, []
        for event in events:
            seq += 1
            digest = hmac_chain.link(key, prev, fields_of(event, seq=seq))
            rows.append((seq, prev, digest, event.pk))
            prev = digest
        bulk.update(AuditEvent, ["seq", "prev_hash", "hash"], rows)
        head.seq, head.hash = seq, prev
        note = _checkpoint_if_due(head)
        more = _move_head(head)
    if note is not None:
        checkpoints.append_to_file(note)
    return len(events), more


def _move_head(head: AuditChainHead) -> bool:
    """Write the head; in the same statement (one round trip fewer on every seal), whether
    the chain has unsealed events left: a batch's rest, or events committed meanwhile."""
    qn = connection.ops.quote_name
    events = qn(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(AuditChainHead._meta.db_table)} SET seq = %s, hash = %s, "  # noqa: S608 (names from the models)
            f"checkpointed_seq = %s, checkpointed_at = %s WHERE id = %s RETURNING EXISTS "
            f"(SELECT 1 FROM {events} WHERE chain = %s AND seq IS NULL)",
            [head.seq, head.hash, head.checkpointed_seq,
             bulk.db_datetime(head.checkpointed_at) if head.checkpointed_at else None,
             head.pk, head.chain])
        return bool(cursor.fetchone()[0])


def _lock_head(chain: int) -> AuditChainHead | None:
    """The chain's head row, locked; None if another sealer has it (SKIP LOCKED)."""
    head = (AuditChainHead.objects.select_for_update(skip_locked=True)
            .filter(chain=chain).first())
    if head is not None or AuditChainHead.objects.filter(chain=chain).exists():
        return head
    AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
    return (AuditChainHead.objects.select_for_update(skip_locked=True)
            .filter(chain=chain).first())


def _checkpoint_if_due(head: AuditChainHead, *, force: bool = False) -> AuditCheckpoint | None:
    """A signed checkpoint of the head when the last is an hour old or 10,000 events behind."""
    now = timezone.now()
    due = (force or head.checkpointed_at is None
           or now - head.checkpointed_at >= CHECKPOINT_EVERY
           or head.seq - head.checkpointed_seq >= CHECKPOINT_EVENTS)
    if not due or head.seq == 0:
        return None
    note = checkpoints.make(head.chain, head.seq, head.hash, now)
    note.save()
    head.checkpointed_seq, head.checkpointed_at = head.seq, now
    return note


def checkpoint_now(chain: int) -> AuditCheckpoint | None:
    """Seal ``chain`` and write a checkpoint of its head now (``rcmdesk audit checkpoint``)."""
    seal(chain)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None:
            return None
        note = _checkpoint_if_due(head, force=True)
        head.save(update_fields=["checkpointed_seq", "checkpointed_at"])
    if note is not None:
        checkpoints.append_to_file(note)
    return note


@dataclass
class _SealAfterCommit:
    """The one on-commit callback of a transaction: seals the chains it wrote to."""

    chains: set[int] = field(default_factory=set)

    def __call__(self) -> None:
        for chain in sorted(self.chains):
            seal(chain)


# Chains whose sealing waits for the end of a ``sealing_deferred`` block (None: no block).
_deferred: ContextVar[set[int] | None] = ContextVar("rcmdesk_audit_deferred_seal", default=None)


@contextmanager
def sealing_deferred() -> Iterator[None]:
    """Seal once when the block ends instead of after each commit inside it.

    For one piece of work made of several short transactions that a person waits on (a
    real-time inquiry: the question, then the answer through intake, then the inquiry's
    state): each commit would otherwise take the chain's head in a transaction of its own.
    Nothing about the events changes: each is still written in its change's transaction
    and committed with it; only the linking waits until the block ends (well inside the
    grace period ``verify`` allows, and a crash leaves them to the sealing task as any
    unsealed event). An inner block joins the outer one.
    """
    if _deferred.get() is not None:
        yield
        return
    token = _deferred.set(set())
    try:
        yield
    finally:
        chains = _deferred.get() or set()
        _deferred.reset(token)
        if chains:
            _seal_robustly(chains)


def _seal_robustly(chains: set[int]) -> None:
    """As a robust on-commit callback: a failed seal is logged, never the work's error."""
    if connection.in_atomic_block:
        seal_after_commit(chains)
        return
    try:
        _SealAfterCommit(chains)()
    except Exception:
        logger.exception("sealing audit chains %s failed; the sealing task will retry",
                         sorted(chains))


def seal_after_commit(chains: set[int]) -> None:
    """Have ``chains`` sealed once the current transaction commits (now, in autocommit).

    One callback per transaction, however many events it records: a callback registered in
    this transaction (or in a savepoint that encloses the current one, so it cannot be rolled
    back without our events) is reused. A new one takes over the chains of callbacks
    registered inside the current savepoint (they cannot outlive it), so the commit seals
    each chain once rather than once per nested block. Robust: a failed seal must not turn
    a committed change into an error; the next seal picks its events up. Inside
    ``sealing_deferred`` the chains wait for the end of the block.
    """
    waiting = _deferred.get()
    if waiting is not None:
        waiting |= chains
        return
    if not connection.in_atomic_block:
        _SealAfterCommit(set(chains))()
        return
    current = set(connection.savepoint_ids)
    hooks: list[Any] = list(connection.run_on_commit)  # (savepoint ids, callable, robust)
    for sids, func, *_robust in hooks:
        if isinstance(func, _SealAfterCommit) and set(sids) <= current:
            func.chains |= chains
            return
    taken = set(chains)
    for sids, func, *_robust in hooks:
        if isinstance(func, _SealAfterCommit) and set(sids) >= current:
            taken |= func.chains
            func.chains = set()
    transaction.on_commit(_SealAfterCommit(taken), robust=True)
