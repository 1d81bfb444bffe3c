"""Which of the client's SOPs applies to a piece of work, and what a QA auditor checks.

The most specific active document wins: one for the payer and the item's category, then one
for the payer, then one for the category, then the workflow's general SOP. Of that document,
the version in force is the latest one written at or before the moment of the work, so an
action taken last month keeps pointing at last month's text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from rcmdesk.playbooks.models import SopVersion

# Checked when the client has not written a checklist of its own (or no SOP at all).
DEFAULT_CHECKLIST: list[str] = [
    "The right payer and claim were worked (identifiers match the payer's records).",
    "The action taken fits the item: status, denial reason or balance was read first.",
    "The note says what was done, who was spoken to and what happens next.",
    "A follow-up date is set when the item waits on someone else.",
    "The outcome and status match what the payer or client actually said.",
]


def _specificity() -> Case:
    """Payer and category (3) > payer (2) > category (1) > the workflow's general SOP (0)."""
    payer = Q(document__payer__isnull=False)
    category = ~Q(document__category="")
    return Case(When(payer & category, then=Value(3)), When(payer, then=Value(2)),
                When(category, then=Value(1)), default=Value(0), output_field=IntegerField())


def _in_force(client_id: int, workflow: str, payer: Q, category: str,
              at: datetime | None) -> QuerySet[SopVersion]:
    when = at or timezone.now()
    versions: QuerySet[SopVersion] = (SopVersion.objects
            .filter(document__client_id=client_id, document__workflow=str(workflow),
                    document__active=True, created_at__lte=when)
            .filter(payer)
            .filter(Q(document__category="") | Q(document__category=category or ""))
            .annotate(specificity=_specificity())
            .select_related("document")
            .order_by("-specificity", "-document__created_at", "-document_id", "-number"))
    return versions


def sop_in_force(client_id: int, workflow: str, payer_id: int | None = None,
                 category: str = "", at: datetime | None = None) -> SopVersion | None:
    """The SOP version that governed this kind of work at ``at`` (now by default); one query."""
    payer = Q(document__payer__isnull=True)
    if payer_id is not None:
        payer |= Q(document__payer_id=payer_id)
    return _in_force(client_id, workflow, payer, category, at).first()


def sop_for_item(item: Any, at: datetime | None = None) -> SopVersion | None:
    """``sop_in_force`` for a work item, reading its claim's payer inside the same query.

    The work engine calls this on every action, so it must not load the claim first.
    """
    from rcmdesk.claims.models import Claim

    payer = Q(document__payer__isnull=True)
    if item.claim_id is not None:
        claim_payer = Claim.objects.filter(pk=item.claim_id).values("payer_id")[:1]
        payer |= Q(document__payer_id=Subquery(claim_payer))
    return _in_force(item.client_id, item.workflow, payer, item.category, at).first()


def checklist_for(version: SopVersion | None) -> list[str]:
    """The points an auditor scores against: the SOP's own, else our short default list."""
    if version is not None and version.checklist:
        return [str(point) for point in version.checklist if str(point).strip()]
    return list(DEFAULT_CHECKLIST)
