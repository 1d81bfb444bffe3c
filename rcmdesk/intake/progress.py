"""What a person reads about a file's processing: where it stands now, and what happened.

Built from the file's own lease and history, not from the task queue: a worker killed
mid-task leaves its task row "running" for ever, while the file's lease runs out and says
so. The page, the progress poll and the API all read these, so they tell the same story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from rcmdesk.intake import lease
from rcmdesk.intake.models import AppliedSet, Channel, FileStatus, ReceivedFile

LABELS = {
    "received": "Received",
    "claimed": "Processing started",
    "recovered": "Taken over after processing stopped",
    FileStatus.APPLIED.value: "Applied",
    FileStatus.QUARANTINED.value: "Quarantined",
    FileStatus.HELD_FOR_REVIEW.value: "Held for review",
    FileStatus.DUPLICATE.value: "Applied by a concurrent run",
    FileStatus.FAILED.value: "Failed",
}
SENDERS = {Channel.CLI: "the command line", Channel.WATCH: "the watch folder",
           Channel.UPLOAD: "a web upload", Channel.API: "the API"}


def utc(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "an unknown time"


@dataclass(frozen=True)
class Progress:
    """An unsettled file: ``processing`` (a live claim), ``waiting`` (for the worker) or
    ``stopped`` (a claim that ran out, or nobody started it: recovery will take it)."""

    state: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "text": self.text}


def progress(received: ReceivedFile, *, queued: bool = False,
             now: datetime | None = None) -> Progress | None:
    """Where an unsettled file stands, in words; None once it has an outcome."""
    now = now or timezone.now()
    if lease.live(received, now):
        return Progress("processing", f"Being processed by {received.lease_holder} since "
                                      f"{utc(received.lease_since)}{_so_far(received)}.")
    if lease.held(received):
        return Progress("stopped", (
            f"Processing stopped: {received.lease_holder} started it at "
            f"{utc(received.lease_since)} and was last heard from before "
            f"{utc(received.lease_expires)}{_so_far(received)}. The background worker takes "
            f"it over and finishes it automatically; Retry does so now."))
    if received.status == FileStatus.RECEIVED and lease.waiting_too_long(received, now) \
            and not queued:
        return Progress("stopped", (
            f"Nobody has started this file since it was received at "
            f"{utc(received.received_at)}. The background worker starts it automatically "
            f"when it runs; Retry does so now."))
    if received.status == FileStatus.RECEIVED or queued:
        return Progress("waiting", "Waiting for the background worker to start it.")
    return None


def _so_far(received: ReceivedFile) -> str:
    count = AppliedSet.objects.filter(file_id=received.pk).count()
    return f" ({count} transaction set{'s' if count != 1 else ''} applied so far)" if count \
        else ""


@dataclass(frozen=True)
class Event:
    at: datetime | None
    event: str
    label: str
    by: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "event": self.event, "label": self.label, "by": self.by,
                "detail": self.detail}


def events(received: ReceivedFile) -> list[Event]:
    """Received, then every claim, takeover and outcome, oldest first."""
    sender = SENDERS.get(Channel(received.channel), received.channel)
    by = f"{sender} ({received.received_by.username})" if received.received_by else sender
    first = Event(received.received_at, "received", LABELS["received"], by, "")
    return [first] + [
        Event(parse_datetime(str(h.get("at", ""))), str(h.get("event", "")),
              LABELS.get(str(h.get("event", "")), str(h.get("event", "")).replace("_", " ")),
              str(h.get("by", "")), str(h.get("detail", "")))
        for h in received.history]
