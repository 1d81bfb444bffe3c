"""Sending what the product writes: queue each outbound file for its mailbox, send due ones.

Why a queue and not "upload in write()": writing a file commits control numbers and claims'
states; the partner's server may be down for hours. So ``write()`` only announces the file
(``intake.signals.outbound_written``) and, once that transaction commits, a ``Transmission``
row is queued for the client's enabled SFTP connection carrying the set. The worker then:

1. claims due rows in a short transaction (``select_for_update(skip_locked=True)`` on
   PostgreSQL, plus a lease token checked on every later write, which is what also keeps two
   SQLite processes apart) — a worker that dies mid-send loses its lease when it expires and
   the row is sent by the next one;
2. uploads under a temporary name and renames (``sftp.Mailbox.upload_atomic``); a final name
   already holding our bytes is an earlier attempt that got that far, so it is recorded as
   sent, never uploaded again;
3. records the outcome: sent (time, remote name), or a retry after 1, 2, 4 ... minutes, or,
   after ``MAX_ATTEMPTS``, failed with a work item for the client's team saying what failed.

A file answered by real time (a ``RealtimeInquiry`` row) is not queued here: the real-time
path calls ``queue`` itself when it falls back to batch. A deliberate resend is a new row
(``resend_of``, reason, who), under a new remote name so the partner sees a new file.
"""

from __future__ import annotations

import posixpath
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.connectivity import sftp
from rcmdesk.connectivity.models import (
    Connection,
    ConnectionKind,
    RealtimeInquiry,
    Transmission,
    TransmissionState,
)
from rcmdesk.errors import Conflict, Invalid
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tenancy.authz import require
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Action
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.priority import Factor, Priority
from rcmdesk.workqueue.producers.common import Draft, upsert

MAX_ATTEMPTS = 6  # tries 1..6, waiting 1, 2, 4, 8, 16 minutes between them
BACKOFF_CAP = timedelta(minutes=60)
LEASE = timedelta(minutes=10)  # far longer than one upload; a dead worker's rows come back
CLAIM_LIMIT = 50
# Reading a client's transmissions is a report-level read (client admin and manager, partner
# lead); resending moves work for the whole team (client admin, partner lead).
SEE_TRANSMISSIONS = Action.VIEW_REPORTS
RESEND = Action.ASSIGN_WORK
DUE_STATES = (TransmissionState.QUEUED, TransmissionState.SENDING)


def connection_for(outbound: OutboundFile) -> Connection | None:
    """The client's enabled SFTP connection that carries this file's set (first by name)."""
    return (Connection.objects.filter(client_id=outbound.client_id)
            .enabled(ConnectionKind.SFTP).carrying(outbound.set_id[:3])
            .order_by("name", "pk").first())


def remote_name(outbound: OutboundFile, resend_number: int = 0) -> str:
    """The file's name on the partner's server: its own name plus its ISA13, which is unique
    per sender, so two files written in the same second never meet under one name."""
    stem, ext = posixpath.splitext(outbound.name)
    again = f"-resend{resend_number}" if resend_number else ""
    return f"{stem}-{outbound.isa13}{again}{ext or '.x12'}"


def queue(outbound: OutboundFile, *, now: datetime | None = None) -> Transmission | None:
    """Queue the file's first send; the existing row if it is queued already, None when the
    client has no connection carrying the set (the file stays downloadable by hand)."""
    connection = connection_for(outbound)
    if connection is None:
        return None
    at = now or timezone.now()
    try:
        with transaction.atomic():
            row = Transmission.objects.create(
                client_id=outbound.client_id, outbound=outbound, connection=connection,
                queued_at=at, next_attempt_at=at)
            record("transmission.queued", client_id=outbound.client_id, obj=row,
                   detail={"file": outbound.name, "set": outbound.set_id,
                           "connection": connection.name})
    except IntegrityError:  # queued before (a retry of the caller, or a racing fallback)
        return Transmission.objects.get(outbound=outbound, connection=connection,
                                        resend_of__isnull=True)
    return row


def on_written(sender: Any, *, outbound: OutboundFile, **kwargs: Any) -> None:
    """``outbound_written`` receiver: queue once the writing transaction commits (robust: the
    file is written either way, and a failure to queue is logged, not the writer's error)."""
    transaction.on_commit(partial(_queue_unless_realtime, outbound.pk), robust=True)


def _queue_unless_realtime(outbound_id: int) -> None:
    if RealtimeInquiry.objects.filter(outbound_id=outbound_id).exists():
        return  # sent by real time; its fallback queues it itself if that fails
    outbound = OutboundFile.objects.filter(pk=outbound_id).first()
    if outbound is not None:
        queue(outbound)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` tries: 1, 2, 4 ... minutes, capped."""
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), BACKOFF_CAP)


def claim(client: Organization | None = None, *, now: datetime,
          limit: int = CLAIM_LIMIT) -> list[Transmission]:
    """Take due rows for this process: a lease token and expiry on each, attempts counted."""
    due = Transmission.objects.filter(state__in=DUE_STATES, next_attempt_at__lte=now).filter(
        Q(lease_expires__isnull=True) | Q(lease_expires__lte=now))
    if client is not None:
        due = due.filter(client=client)
    taken: list[Transmission] = []
    with transaction.atomic():
        for row in due.select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")[
                :limit]:
            token = secrets.token_hex(16)
            won = Transmission.objects.filter(pk=row.pk, lease_token=row.lease_token).update(
                lease_token=token, lease_expires=now + LEASE, state=TransmissionState.SENDING,
                attempts=row.attempts + 1)
            if won:
                row.lease_token, row.lease_expires = token, now + LEASE
                row.state, row.attempts = TransmissionState.SENDING, row.attempts + 1
                taken.append(row)
    return taken


def send_due(client: Organization | None = None, *, now: datetime) -> list[Transmission]:
    """Send every due transmission (of one client, or all); the rows as they ended."""
    rows = claim(client, now=now)
    by_connection: dict[int, list[Transmission]] = {}
    for row in rows:
        by_connection.setdefault(row.connection_id, []).append(row)
    done: list[Transmission] = []
    for group in by_connection.values():
        done.extend(_send_group(group, now))
    return done


def _send_group(rows: list[Transmission], now: datetime) -> Iterator[Transmission]:
    """One session for a connection's rows, a fresh one after an upload broke it. A server
    that cannot be reached at all fails the rest of the group with that one reason: one
    wait for a dead server, not one per file."""
    pending = list(rows)
    while pending:
        try:
            with sftp.open_mailbox(pending[0].connection) as box:
                while pending:
                    row = pending.pop(0)
                    try:
                        uploaded = box.upload_atomic(bytes(row.outbound.content),
                                                     row.connection.outbound_dir, _name(row))
                    except sftp.TransferError as exc:
                        yield _failed(row, str(exc), now)
                        break  # the session may be gone with it: log in again
                    yield _sent(row, uploaded, now)
        except sftp.TransferError as exc:  # could not log in
            yield from (_failed(row, str(exc), now) for row in pending)
            return


def _name(row: Transmission) -> str:
    if row.resend_of_id is None:
        return remote_name(row.outbound)
    number = Transmission.objects.filter(outbound_id=row.outbound_id,
                                         resend_of__isnull=False, pk__lte=row.pk).count()
    return remote_name(row.outbound, number)


@contextmanager
def _holding(row: Transmission) -> Iterator[Transmission | None]:
    """The row locked, if this process still holds its lease (else None: someone took over)."""
    with transaction.atomic():
        yield Transmission.objects.select_for_update().filter(
            pk=row.pk, lease_token=row.lease_token).first()


def _sent(row: Transmission, uploaded: sftp.Uploaded, now: datetime) -> Transmission:
    with _holding(row) as held:
        if held is None:
            return row
        held.state, held.sent_at, held.remote_name = TransmissionState.SENT, now, \
            uploaded.remote_name
        held.lease_token, held.lease_expires, held.last_error = "", None, ""
        held.save(update_fields=["state", "sent_at", "remote_name", "lease_token",
                                 "lease_expires", "last_error"])
        record("transmission.sent", client_id=held.client_id, obj=held, detail={
            "file": held.outbound.name, "remote_name": uploaded.remote_name,
            "connection": held.connection.name, "attempts": held.attempts,
            "isa13": held.outbound.isa13, "already_there": uploaded.already_there,
            "resend_of": held.resend_of_id})
    return held


def _failed(row: Transmission, error: str, now: datetime) -> Transmission:
    with _holding(row) as held:
        if held is None:
            return row
        final = held.attempts >= MAX_ATTEMPTS
        held.state = TransmissionState.FAILED if final else TransmissionState.QUEUED
        held.next_attempt_at = now + backoff(held.attempts)
        held.lease_token, held.lease_expires, held.last_error = "", None, error
        held.save(update_fields=["state", "next_attempt_at", "lease_token", "lease_expires",
                                 "last_error"])
        record("transmission.failed" if final else "transmission.retry", client_id=held.client_id,
               obj=held, detail={"file": held.outbound.name, "attempts": held.attempts,
                                 "error": error, "next_attempt_at": None if final
                                 else held.next_attempt_at})
        if final:
            _work_item(held, now)
    return held


def _work_item(row: Transmission, now: datetime) -> None:
    """A TRANSMISSION item for the client's team: which file, where to, and what failed."""
    out = row.outbound
    title = (f"{out.set_id} file {out.name} could not be sent to {row.connection.name} "
             f"after {row.attempts} tries: {row.last_error}")
    why = Priority(50, (Factor("file not sent", 50, "a written file has not left; payer "
                                                    "clocks keep running"),))
    upsert(row.client_id, [Draft(
        kind=ItemKind.TRANSMISSION, source_key=f"transmission:{row.pk}", title=title,
        amount=Decimal("0.00"), priority=why,
        detail={"transmission": row.pk, "file": out.name, "connection": row.connection.name,
                "error": row.last_error})], row.client.today(now))


def resend(transmission: Transmission, *, reason: str, acting_user: Any,
           now: datetime | None = None) -> Transmission:
    """Queue the same file again, on purpose: a new row that names the one it repeats."""
    require(acting_user, RESEND, transmission.client_id)
    if transmission.state in DUE_STATES:
        raise Conflict(f"{transmission.outbound.name} is still waiting to be sent; it goes "
                       "out on its own, so there is nothing to send again yet.")
    why = reason.strip()
    if not why:
        raise Invalid("Say why the file is sent again: the partner may receive it twice, "
                      "and the reason is what the audit trail keeps.")
    at = now or timezone.now()
    with transaction.atomic():
        row = Transmission.objects.create(
            client_id=transmission.client_id, outbound_id=transmission.outbound_id,
            connection_id=transmission.connection_id, queued_at=at, next_attempt_at=at,
            resend_of=transmission, resend_reason=why, requested_by=acting_user)
        record("transmission.resend", client_id=row.client_id, obj=row,
               acting_user=acting_user,
               detail={"file": transmission.outbound.name, "resend_of": transmission.pk,
                       "reason": why})
    return row
