"""Writing, verifying and exporting the audit trail.

``verify`` and ``ChainBreak`` live in ``rcmdesk.audit.verification`` and are re-exported here,
where callers have always found them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from rcmdesk.accounts.people import person
from rcmdesk.audit import checkpoints
from rcmdesk.audit.context import current
from rcmdesk.audit.models import AuditEvent, AuditEventQuerySet, chain_of
from rcmdesk.audit.sealer import seal, seal_after_commit
from rcmdesk.audit.verification import ChainBreak as ChainBreak
from rcmdesk.audit.verification import verify as verify
from rcmdesk.db import bulk
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
    """Append one event, unsealed, inside the caller's transaction; it takes no lock.

    Callers that change data call this inside the same ``transaction.atomic()`` block as the
    change, so the event and the change commit or roll back together. The event is linked
    into its client's chain right after the commit (``sealer.seal_after_commit``), in a short
    transaction of its own, so a long transaction holds nothing another client waits on.
    """
    ctx = current()
    acting_user = acting_user if acting_user is not None else ctx.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id, username, org_id = _describe_actor(acting_user, ctx.channel)
    clean_detail = json.loads(json.dumps(dict(detail or {}), cls=DjangoJSONEncoder))
    event = AuditEvent.objects.create(
        chain=chain_of(client_id), at=timezone.now(), actor_id=actor_id,
        actor_username=username, acting_org_id=org_id, client_org_id=client_id, action=action,
        object_type=object_type, object_id=str(object_id), ip=ctx.ip,
        request_id=ctx.request_id, detail=clean_detail,
    )
    seal_after_commit({event.chain})
    return event


@dataclass(frozen=True)
class PendingEvent:
    """One event of a batch for ``record_many``: what ``record`` takes, minus the actor."""

    action: str
    client_id: int | None
    object_type: str = ""
    object_id: str | int = ""
    detail: Mapping[str, Any] | None = None


BATCH_COLUMNS = ("chain", "at", "actor_id", "actor_username", "acting_org_id", "client_org_id",
                 "action", "object_type", "object_id", "ip", "request_id", "detail", "prev_hash",
                 "hash")


def record_many(events: Iterable[PendingEvent], *, acting_user: Any = None) -> int:
    """Append a batch of events by one actor (an import's per-claim events), in the caller's
    transaction, in ONE statement (``rcmdesk.db.bulk.insert``: COPY on PostgreSQL); returns
    how many. Unsealed like ``record``'s, and sealed after the commit in batches."""
    ctx = current()
    acting_user = acting_user if acting_user is not None else ctx.user
    actor_id, username, org_id = _describe_actor(acting_user, ctx.channel)
    at, chains = bulk.db_datetime(timezone.now()), set()
    rows = []
    for e in events:
        chains.add(chain_of(e.client_id))
        rows.append((chain_of(e.client_id), at, actor_id, username, org_id, e.client_id,
                     e.action, e.object_type, str(e.object_id), ctx.ip, ctx.request_id,
                     json.dumps(dict(e.detail or {}), cls=DjangoJSONEncoder), "", ""))
    bulk.insert(AuditEvent, BATCH_COLUMNS, rows)
    if rows:
        seal_after_commit(chains)
    return len(rows)


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


def own_organization_chain(user: Any) -> int:
    """The chain of a client admin's own organization, sealed up to now, so their page and
    their exports show every committed event numbered (or refuse, as the log does)."""
    if not allows(user, Action.VIEW_AUDIT_LOG):
        raise PermissionDenied("Only client admins read the audit log.")
    chain = chain_of(user.organization_id)
    seal(chain)
    return chain


def checkpoints_of_own_organization(user: Any) -> Iterator[str]:
    """A client admin's download of their chain's signed checkpoints (JSON lines, the public
    key first), with which they can later prove a cut tail; the download is audited."""
    chain = own_organization_chain(user)
    record("export", client_id=user.organization_id, object_type="audit.auditcheckpoint",
           detail={"what": "checkpoints"})
    return checkpoints.export_lines(chain)


EXPORT_COLUMNS = [  # seq counts within the client's chain; id is the order of writing
    "seq", "at", "actor_username", "acting_org_id", "client_org_id", "action",
    "object_type", "object_id", "ip", "request_id", "detail", "hash", "id",
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
