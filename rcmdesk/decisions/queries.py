"""Reads for the decision pages and API: what a user may see, and audited listings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rcmdesk.audit.services import record_listing
from rcmdesk.decisions.models import Proposal, ProposalKind, ProposalStatus
from rcmdesk.decisions.services import OpenCounts, open_counts
from rcmdesk.tenancy.visibility import visibility_for


@dataclass(frozen=True)
class InboxFilter:
    status: str = ProposalStatus.PROPOSED
    kind: str = ""
    client: str = ""  # slug

    @classmethod
    def parse(cls, params: Any) -> InboxFilter:
        status = params.get("status", ProposalStatus.PROPOSED)
        kind = params.get("kind", "")
        return cls(status=status if status in ProposalStatus.values or status == "all"
                   else ProposalStatus.PROPOSED,
                   kind=kind if kind in ProposalKind.values else "",
                   client=str(params.get("client", ""))[:60])


def proposals(user: Any, f: InboxFilter | None = None) -> Any:
    f = f or InboxFilter()
    rows = Proposal.objects.visible_to(user).select_related(
        "client", "item", "claim", "proposed_by", "decided_by")
    if f.status != "all":
        rows = rows.filter(status=f.status)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.client:
        rows = rows.filter(client__slug=f.client)
    return rows.order_by("proposed_at", "id") if f.status == ProposalStatus.PROPOSED \
        else rows.order_by("-proposed_at", "-id")


def pending_appeals(user: Any, client_slug: str = "") -> Any:
    """Appeals waiting on the client's filing decision (decided through denials)."""
    from rcmdesk.denials.models import Appeal, AppealStatus

    rows = Appeal.objects.visible_to(user).filter(
        status=AppealStatus.PENDING_CLIENT_DECISION).select_related("client", "claim", "item")
    if client_slug:
        rows = rows.filter(client__slug=client_slug)
    return rows.order_by("updated_at", "id")


def waiting(user: Any | None, client_ids: Iterable[int] | None = None, *,
            before: datetime | None = None, now: datetime | None = None) -> OpenCounts:
    """The one count of decisions waiting on the client: proposals still proposed and appeals
    waiting on the client's filing decision (the inbox lists both, so both count), as the
    viewer sees them; ``user=None`` is the stored report's view, every one of ``client_ids``.
    ``before``: only those raised before that instant (a week's end), still waiting now."""
    from rcmdesk.denials.models import Appeal

    proposals = Proposal.objects.all() if user is None else Proposal.objects.visible_to(user)
    appeals = Appeal.objects.all() if user is None else Appeal.objects.visible_to(user)
    if before is not None:
        proposals = proposals.filter(proposed_at__lt=before)
        appeals = appeals.filter(created_at__lt=before)
    ids = visible_client_ids(user) if client_ids is None else client_ids
    return open_counts(ids, now=now, proposals=proposals, appeals=appeals)


def get_proposal(user: Any, proposal_id: int) -> Proposal:
    proposal: Proposal = Proposal.objects.select_related(
        "client", "item", "claim", "proposed_by", "decided_by").get_visible_or_404(
        user, pk=proposal_id)
    return proposal


def visible_client_ids(user: Any) -> list[int]:
    return sorted(visibility_for(user).client_ids)


def audit_listing(rows: Iterable[Proposal], *, detail: dict[str, Any]) -> None:
    """Claims and amounts were shown: one event per client, naming the proposals."""
    record_listing(rows, "decisions.proposal", key="proposals", detail=detail)
