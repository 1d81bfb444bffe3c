"""The processing lease: which process is applying a received file now, and until when.

A process killed between receiving a file and finishing it used to leave the file
"received" forever, with nobody told. Now every run first claims the file: a conditional
update that succeeds only when nobody holds it, or when the holder's claim is stale. The
holder renews its claim as it works (a heartbeat, at most every quarter of the lease), so a
claim that stops being renewed means its process stopped; the worker's sweep
(``rcmdesk.intake.recovery``) then takes the file over, and so does ``rcmdesk ingest`` of the
same bytes. A holder on this machine whose process is gone is stale at once.

The lease says who is working and when to stop waiting for them; it does not by itself make
posting exactly-once. That is the ``AppliedSet`` row each set writes in its own transaction:
a holder that was only slow and a recovery that took over cannot both apply a set.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rcmdesk.audit.context import current
from rcmdesk.audit.services import record
from rcmdesk.intake.models import FileStatus, ReceivedFile

HISTORY_KEPT = 50  # entries on the file; the audit trail keeps every one
LEASE_FIELDS = ("status", "received_at", "lease_token", "lease_holder", "lease_process",
                "lease_since", "lease_expires", "history")


class LeaseLost(Exception):
    """Another process took the file over: this one must stop and leave the outcome to it."""


def seconds() -> int:
    return max(1, int(settings.RCMDESK_INGEST_LEASE_SECONDS))


def length() -> timedelta:
    return timedelta(seconds=seconds())


def this_process() -> str:
    """Host, PID namespace and PID: enough to tell, on the same machine, a holder that died."""
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = "?"
    return f"{socket.gethostname()}/{namespace}:{os.getpid()}"


def holder_text() -> str:
    """Who is working, in words: the kind of run (from the audit context), host and process."""
    channel = current().channel
    if channel == "task":
        who = "the background worker"
    elif channel == "recovery":
        who = "the worker's recovery sweep"
    elif channel.startswith("cli:"):
        who = f"an rcmdesk command run by {channel[4:]}"
    else:
        who = f"a {channel} run"
    return f"{who} on {socket.gethostname()}, process {os.getpid()}"


def held(received: ReceivedFile) -> bool:
    return bool(received.lease_token)


def stale(received: ReceivedFile, now: datetime | None = None) -> bool:
    """A claim nobody renewed in time, or whose process on this machine is gone."""
    if not received.lease_token:
        return False
    now = now or timezone.now()
    return bool(received.lease_expires is None or received.lease_expires < now
                or gone(received.lease_process))


def live(received: ReceivedFile, now: datetime | None = None) -> bool:
    return held(received) and not stale(received, now)


def gone(process: str) -> bool:
    """Whether the holder ran on this machine (same host and PID namespace) and has exited.

    Only ever "gone" when sure: another machine, another namespace, or a PID now reused by
    something else all count as alive, and the lease's expiry decides.
    """
    node, _, pid = process.rpartition(":")
    mine = this_process().rpartition(":")[0]
    if not pid.isdigit() or node != mine or "?" in node:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def waiting_too_long(received: ReceivedFile, now: datetime | None = None) -> bool:
    """Received, never claimed, and older than a lease: whoever was to process it is not."""
    now = now or timezone.now()
    return (received.status == FileStatus.RECEIVED and not received.lease_token
            and received.received_at < now - length())


def note(received: ReceivedFile, event: str, by: str, detail: str = "",
         at: datetime | None = None) -> list[dict[str, Any]]:
    """The file's history with one more entry (the first and the latest ones are kept)."""
    entry = {"at": (at or timezone.now()).isoformat(), "event": event, "by": by[:200],
             "detail": detail[:300]}
    history = [*received.history, entry]
    return history if len(history) <= HISTORY_KEPT else history[:1] + history[-HISTORY_KEPT + 1:]


def fresh(holder: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The lease fields of a new claim by this process."""
    now = now or timezone.now()
    return {"lease_token": uuid.uuid4().hex, "lease_holder": (holder or holder_text())[:200],
            "lease_process": this_process()[:120], "lease_since": now,
            "lease_expires": now + length()}


CLEARED: dict[str, Any] = {"lease_token": "", "lease_holder": "", "lease_process": "",
                           "lease_since": None, "lease_expires": None}


def claim(received: ReceivedFile, *, statuses: frozenset[str] | tuple[str, ...],
          recovery: bool = False) -> bool:
    """Take the lease on the file, or say False: another process holds it, or its status is
    not one of ``statuses``. With ``recovery``, only a stale claim or a file left waiting too
    long is taken (the sweep must never start a file the queue is about to).

    Taking over a stale claim is audited as ``intake.recovered`` with the previous holder.
    """
    now = timezone.now()
    with transaction.atomic():
        row = (ReceivedFile.objects.select_for_update().only(*LEASE_FIELDS, "client")
               .get(pk=received.pk))
        takeover = stale(row, now)
        if row.status not in statuses or (held(row) and not takeover):
            _copy(row, received)
            return False
        if recovery and not (takeover or waiting_too_long(row, now)):
            _copy(row, received)
            return False
        lease = fresh(now=now)
        event = "recovered" if takeover or recovery else "claimed"
        history = note(row, event, lease["lease_holder"], _previous(row) if event ==
                       "recovered" else "", at=now)
        ReceivedFile.objects.filter(pk=row.pk).update(history=history, **lease)
        if event == "recovered":
            record("intake.recovered", client_id=row.client_id, obj=row, detail={
                "previous_holder": row.lease_holder, "previous_since": row.lease_since,
                "previous_expires": row.lease_expires, "status": row.status,
                "received_at": row.received_at, "holder": lease["lease_holder"]})
    for name, value in {**lease, "history": history}.items():
        setattr(received, name, value)
    received.status = row.status
    return True


def _previous(row: ReceivedFile) -> str:
    if not row.lease_token:
        return (f"nobody had started it since it was received at "
                f"{row.received_at:%Y-%m-%d %H:%M:%S} UTC")
    expires = f"{row.lease_expires:%Y-%m-%d %H:%M:%S} UTC" if row.lease_expires else "?"
    since = f"{row.lease_since:%Y-%m-%d %H:%M:%S} UTC" if row.lease_since else "?"
    return f"{row.lease_holder} stopped (it started at {since}; its claim ran out at {expires})"


def _copy(row: ReceivedFile, received: ReceivedFile) -> None:
    for name in LEASE_FIELDS:
        setattr(received, name, getattr(row, name))


def beat(received: ReceivedFile, *, force: bool = False) -> None:
    """Renew the claim when a quarter of it has passed; LeaseLost if another process has it."""
    now = timezone.now()
    expires = received.lease_expires
    if not force and expires is not None and expires - now > length() * 3 / 4:
        return
    renewed = now + length()
    if not ReceivedFile.objects.filter(pk=received.pk, lease_token=received.lease_token
                                       ).update(lease_expires=renewed):
        raise lost(received)
    received.lease_expires = renewed


def lost(received: ReceivedFile) -> LeaseLost:
    """The error to stop with; the file's lease fields now name whoever took it over."""
    _copy(ReceivedFile.objects.only(*LEASE_FIELDS).get(pk=received.pk), received)
    return LeaseLost(f"taken over by {received.lease_holder or 'another run'}")


def finish(received: ReceivedFile, fields: dict[str, Any], history: list[dict[str, Any]]
           ) -> None:
    """Write the outcome and end the claim in one conditional update (LeaseLost if gone)."""
    mine = ReceivedFile.objects.filter(pk=received.pk, lease_token=received.lease_token)
    if not received.lease_token or not mine.update(history=history, **fields, **CLEARED):
        raise lost(received)
    for name, value in {**fields, **CLEARED, "history": history}.items():
        setattr(received, name, value)


def takeovers(received: ReceivedFile) -> int:
    """How many times in a row the file was taken over since its last outcome."""
    count = 0
    for entry in reversed(received.history):
        if entry.get("event") == "recovered":
            count += 1
        elif entry.get("event") != "claimed":
            break
    return count


def unfinished() -> Q:
    """Files someone may be working on: received, or claimed (by a run or a retry)."""
    return Q(status=FileStatus.RECEIVED) | Q(lease_expires__isnull=False)
