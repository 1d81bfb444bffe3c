"""Eligibility work items: verify a visit's coverage ahead of it, and act on what the payer said.

Source keys (kind ``eligibility``):

- ``visit:<id>`` — verify: from ``lead_days`` before the visit until an active-coverage
  answer is the visit's latest (then closed), or the visit is cancelled.
- ``visit:<id>:inactive`` — the latest answer says the coverage is inactive (EB01 6-8).
- ``visit:<id>:cob`` — the latest answer names another payer (EB01 R): bill order to settle.
- ``visit:<id>:missing`` — the payer refused the request (AAA): data to correct and ask again.

Lead time: a visit is worked ``lead_days(client)`` days before it — the
``RCMDESK_ELIGIBILITY_LEAD_DAYS`` setting: a number for every client, or a mapping of client
slug to days with an optional ``"default"``; 3 days when unset.

Flags follow the latest answer only: a newer answer without the problem closes the flag.
Every run derives the whole set from the visits and their latest answers, so it is idempotent
and also repairs what an event missed. Items of visits older than ``LOOKBACK_DAYS`` are left
as they are (unless the visit changed), to keep the daily run bounded.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q

from rcmdesk.eligibility.benefits import explain
from rcmdesk.eligibility.models import CoverageStatus, EligibilityResponse, Visit, VisitStatus
from rcmdesk.tenancy.models import Organization
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers.common import Draft, Written, close, prioritise, upsert

DEFAULT_LEAD_DAYS = 3
LOOKBACK_DAYS = 30
FLAGS = ("inactive", "cob", "missing")
ZERO = Decimal("0.00")


def lead_days(client: Organization) -> int:
    """How many days before a visit its eligibility is worked (module docstring)."""
    value: Any = getattr(settings, "RCMDESK_ELIGIBILITY_LEAD_DAYS", DEFAULT_LEAD_DAYS)
    if isinstance(value, dict):
        value = value.get(client.slug, value.get("default", DEFAULT_LEAD_DAYS))
    return max(0, int(value))


def sync_visits(client: Organization, today: date, *,
                visit_ids: Collection[int] | None = None) -> Written:
    """Create, refresh and close the client's eligibility items (all visits, or these)."""
    items = _active_items(client.pk, visit_ids)
    visits = _visits(client.pk, today, visit_ids, {v for v, _ in items.values()})
    latest = _latest_answers(visits)
    lead = lead_days(client)
    drafts: list[Draft] = []
    for visit in visits:
        drafts.extend(_drafts(visit, latest.get(visit.pk), today, lead))
    wanted = {d.source_key for d in drafts}
    seen = {v.pk: v for v in visits}
    reasons = {pk: _close_reason(seen.get(visit_id), key)
               for key, (visit_id, pk) in items.items()
               if visit_id in seen and key not in wanted}
    written = upsert(client.pk, drafts, today)
    written.closed += close(client.pk, reasons)
    return written


def _active_items(client_id: int, visit_ids: Collection[int] | None
                  ) -> dict[str, tuple[int, int]]:
    """source_key -> (visit id, item id) of the active eligibility items on visits."""
    rows = WorkItem.objects.active().filter(client_id=client_id, kind=ItemKind.ELIGIBILITY,
                                            source_key__startswith="visit:")
    if visit_ids is not None:
        rows = rows.filter(source_key__in=[f"visit:{v}{suffix}" for v in visit_ids
                                           for suffix in ("", *(f":{f}" for f in FLAGS))])
    out: dict[str, tuple[int, int]] = {}
    for pk, key in rows.values_list("pk", "source_key"):
        part = key.split(":")[1]
        if part.isdigit():
            out[key] = (int(part), pk)
    return out


def _visits(client_id: int, today: date, visit_ids: Collection[int] | None,
            with_items: set[int]) -> list[Visit]:
    rows = Visit.objects.filter(client_id=client_id).select_related("payer", "coverage__payer")
    if visit_ids is not None:
        rows = rows.filter(pk__in=list(visit_ids))
    else:
        rows = rows.filter(Q(scheduled_on__gte=today - timedelta(days=LOOKBACK_DAYS))
                           | Q(pk__in=list(with_items)))
    return list(rows.order_by("pk"))


def _latest_answers(visits: list[Visit]) -> dict[int, EligibilityResponse]:
    latest: dict[int, EligibilityResponse] = {}
    answers = EligibilityResponse.objects.filter(visit__in=[v.pk for v in visits]).order_by(
        "visit_id", "-received_at", "-pk").only(
        "pk", "visit_id", "status", "rejections", "other_payers", "received_at")
    for answer in answers:
        assert answer.visit_id is not None
        latest.setdefault(answer.visit_id, answer)
    return latest


def _drafts(visit: Visit, answer: EligibilityResponse | None, today: date,
            lead: int) -> list[Draft]:
    if visit.status == VisitStatus.CANCELLED:
        return []
    out: list[Draft] = []
    active = answer is not None and answer.status == CoverageStatus.ACTIVE
    if not active and visit.scheduled_on <= today + timedelta(days=lead):
        out.append(_draft(visit, "", f"Verify eligibility for visit #{visit.pk}", today,
                          {"next_step": "request_eligibility"}))
    if answer is None:
        return out
    if answer.status == CoverageStatus.INACTIVE:
        out.append(_draft(visit, "inactive", f"Inactive coverage for visit #{visit.pk}",
                          today, {"next_step": "find_coverage", "response_id": answer.pk}))
    if answer.other_payers:
        out.append(_draft(visit, "cob", f"Other payer on file for visit #{visit.pk}", today,
                          {"next_step": "settle_billing_order", "response_id": answer.pk,
                           "other_payers": list(answer.other_payers)}))
    if answer.rejections:
        codes = sorted({r.get("reason", "") for r in answer.rejections} - {""})
        out.append(_draft(visit, "missing", f"Payer refused eligibility request for visit "
                                             f"#{visit.pk} (AAA {', '.join(codes)})", today,
                          {"next_step": "correct_and_ask_again", "response_id": answer.pk,
                           "rejections": codes,
                           "explanations": [explain(c) for c in codes]}))
    return out


def _draft(visit: Visit, flag: str, title: str, today: date,
           extra: dict[str, object]) -> Draft:
    payer = visit.payer or (visit.coverage.payer if visit.coverage is not None else None)
    key = f"visit:{visit.pk}" + (f":{flag}" if flag else "")
    return Draft(
        kind=ItemKind.ELIGIBILITY, source_key=key, title=title, amount=ZERO,
        priority=prioritise(ZERO, None, visit.scheduled_on, visit.scheduled_on, "visit", today),
        category=flag or "verify", deadline=visit.scheduled_on,
        detail={"visit_id": visit.pk, "scheduled_on": visit.scheduled_on.isoformat(),
                "payer": payer.name if payer is not None else "", **extra})


def _close_reason(visit: Visit | None, key: str) -> str:
    if visit is not None and visit.status == VisitStatus.CANCELLED:
        return "visit cancelled"
    if key.count(":") == 1:
        return "active coverage verified"
    return "a newer eligibility answer cleared this"
