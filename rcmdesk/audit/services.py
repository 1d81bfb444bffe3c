"""Writing, verifying and exporting the audit trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit import chain
from rcmdesk.audit.context import current
from rcmdesk.audit.models import AuditChainHead, AuditEvent, AuditEventQuerySet
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action


def record(
    action: str,
    *,
    client_id: int | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: Mapping[str, Any] | None = None,
    acting_user: Any = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Callers that change data call this inside the same ``transaction.atomic()`` block as the
    change, so the event and the change commit or roll back together.
    """
    ctx = current()
    acting_user = acting_user if acting_user is not None else ctx.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id, username, org_id = _describe_actor(acting_user, ctx.channel)
    clean_detail = json.loads(json.dumps(dict(detail or {}), cls=DjangoJSONEncoder))
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get_or_create(pk=1)[0]
        seq, at = head.seq + 1, timezone.now()
        fields = chain.event_fields(
            seq=seq, at=at, actor_id=actor_id, actor_username=username,
            acting_org_id=org_id, client_org_id=client_id, action=action,
            object_type=object_type, object_id=str(object_id), ip=ctx.ip,
            request_id=ctx.request_id, detail=clean_detail,
        )
        digest = chain.link(settings.AUDIT_HMAC_KEY, head.hash, fields)
        event = AuditEvent.objects.create(
            seq=seq, at=at, actor_id=actor_id, actor_username=username, acting_org_id=org_id,
            client_org_id=client_id, action=action, object_type=object_type,
            object_id=str(object_id), ip=ctx.ip, request_id=ctx.request_id,
            detail=clean_detail, prev_hash=head.hash, hash=digest,
        )
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return event


@dataclass(frozen=True)
class PendingEvent:
    """One event of a batch for ``record_many``: what ``record`` takes, minus the actor."""

    action: str
    client_id: int | None
    object_type: str = ""
    object_id: str | int = ""
    detail: Mapping[str, Any] | None = None


def record_many(events: Iterable[PendingEvent], *, acting_user: Any = None) -> int:
    """Append a batch of events by one actor (an import's per-claim events), in the caller's
    transaction; returns how many. The one home for bulk audit writes, so an import never
    writes its events one round trip at a time."""
    count = 0
    for event in events:
        record(event.action, client_id=event.client_id, object_type=event.object_type,
               object_id=event.object_id, detail=event.detail, acting_user=acting_user)
        count += 1
    return count


def record_listing(
    shown: Iterable[Any],
    object_type: str,
    *,
    key: str,
    detail: Mapping[str, Any] | None = None,
    client_of: Callable[[Any], int] = attrgetter("client_id"),
) -> None:
    """A listing was shown: one ``list`` event per client it showed, naming that client's
    objects (their ids under ``detail[key]``).

    A list can show many clients' rows at once, and each client reads and exports its own
    audit trail, so each gets an event naming its rows and nothing of another's. ``shown``
    is the rows (client by ``client_of``, id by ``pk``) or a mapping client id -> ids, for
    a page that is about one client and is audited even when it lists nothing.
    """
    by_client: dict[int, list[Any]] = {}
    if isinstance(shown, Mapping):
        by_client = {client_id: list(ids) for client_id, ids in shown.items()}
    else:
        for row in shown:
            by_client.setdefault(client_of(row), []).append(row.pk)
    for client_id, ids in sorted(by_client.items()):
        record("list", client_id=client_id, object_type=object_type,
               detail={**(detail or {}), key: ids})


def _describe_actor(actor: Any, channel: str) -> tuple[int | None, str, int | None]:
    who = person(actor)
    if who is None:
        return None, f"<{channel}>", None
    return who.pk, who.get_username(), who.organization_id


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"audit chain broken at {where}: {self.reason}"


def verify(key: str | None = None, batch: int = 5000) -> tuple[int, ChainBreak | None]:
    """Recompute the chain; return how many events checked out and the first break, if any."""
    key = key or settings.AUDIT_HMAC_KEY
    prev, expected_seq, checked = chain.GENESIS, 1, 0
    for event in _in_order(batch):
        problem = _check(event, key, prev, expected_seq)
        if problem:
            return checked, ChainBreak(event.seq, event.pk, problem)
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, prev):
        return checked, ChainBreak(head.seq, None, "events after the last one found are missing")
    return checked, None


def _in_order(batch: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)


def _check(event: AuditEvent, key: str, prev: str, expected_seq: int) -> str | None:
    if event.seq != expected_seq:
        return f"expected sequence {expected_seq}: an event was deleted"
    if event.prev_hash != prev:
        return "prev_hash does not match the previous event"
    fields = chain.event_fields(
        seq=event.seq, at=event.at, actor_id=event.actor_id, actor_username=event.actor_username,
        acting_org_id=event.acting_org_id, client_org_id=event.client_org_id,
        action=event.action, object_type=event.object_type, object_id=event.object_id,
        ip=event.ip, request_id=event.request_id, detail=event.detail,
    )
    if chain.link(key, prev, fields) != event.hash:
        return "its contents were changed after it was written"
    return None


def events_of_own_organization(user: Any, action: str = "", *,
                               who: str = "") -> AuditEventQuerySet:
    """A client admin's view of the trail: their own organization's events only, of one
    action and by people whose username holds ``who`` when given."""
    if not allows(user, Action.VIEW_AUDIT_LOG):
        raise PermissionDenied("Only client admins read the audit log.")
    events = AuditEvent.objects.visible_to(user)
    action, who = action.strip(), who.strip()
    if who:
        events = events.filter(actor_username__icontains=who)
    return events.filter(action=action) if action else events


EXPORT_COLUMNS = [
    "seq", "at", "actor_username", "acting_org_id", "client_org_id", "action",
    "object_type", "object_id", "ip", "request_id", "detail", "hash",
]


def export_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """Stream events as CSV lines; cells that a spreadsheet would run as formulas are quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield _drain(buffer)
    for event in events:
        row = [_cell(getattr(event, c)) for c in EXPORT_COLUMNS]
        writer.writerow(row)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, sort_keys=True) if isinstance(value, dict) else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
