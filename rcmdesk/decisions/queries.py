"""Reads for the decision pages and API: what a user may see, and audited listings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from rcmdesk.audit.services import record_listing
from rcmdesk.decisions.models import Proposal, ProposalKind, ProposalStatus, WriteOffAccount
from rcmdesk.decisions.services import OpenCounts, open_counts
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import OrgKind
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
        "client", "item", "claim", "proposed_by", "decided_by", "adjustment_reason"
    ).prefetch_related("settles")
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
        "client", "item", "claim", "proposed_by", "decided_by", "adjustment_reason"
    ).prefetch_related("settles").get_visible_or_404(
        user, pk=proposal_id)
    return proposal


def clients(user: Any) -> list[Organization]:
    """The clients whose decisions ``user`` sees, for the inbox's client filter."""
    return list(Organization.objects.filter(pk__in=visible_client_ids(user), kind=OrgKind.CLIENT)
                .order_by("name"))


def visible_client_ids(user: Any) -> list[int]:
    return sorted(visibility_for(user).client_ids)


def audit_listing(rows: Iterable[Proposal], *, detail: dict[str, Any]) -> None:
    """Claims and amounts were shown: one event per client, naming the proposals."""
    record_listing(rows, "decisions.proposal", key="proposals", detail=detail)


@dataclass
class WriteOffs:
    """What the client wrote off on a claim, for the claim page: per payer adjustment (CAS)
    the posted write-off that settled it (that remit line reads "written off", no longer
    "left open (denial)"), per claim line the amount written off, and the total."""

    by_adjustment: dict[int, Proposal] = field(default_factory=dict)
    by_line: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal("0.00")
    proposals: list[Proposal] = field(default_factory=list)


def claim_write_offs(user: Any, claim_id: int) -> WriteOffs:
    """The posted (executed) write-offs of the claim that ``user`` may see; two queries."""
    return write_offs(Proposal.objects.visible_to(user), claim_id)


def write_offs(proposals: Any, claim_id: int) -> WriteOffs:
    """``claim_write_offs`` over proposals already narrowed to a reader (the item page
    passes the plain manager: seeing the item is seeing its claim)."""
    found = WriteOffs()
    rows = (proposals.filter(claim_id=claim_id, kind=ProposalKind.WRITE_OFF,
                             status=ProposalStatus.EXECUTED)
            .select_related("adjustment_reason").prefetch_related("settles")
            .order_by("executed_at", "id"))
    for p in rows:
        found.proposals.append(p)
        if p.account == WriteOffAccount.INSURANCE_AR and p.amount is not None:
            found.total += p.amount
            if p.claim_line_id is not None:
                found.by_line[p.claim_line_id] = found.by_line.get(
                    p.claim_line_id, Decimal("0.00")) + p.amount
        for adjustment in p.settles.all():
            found.by_adjustment[adjustment.pk] = p
    return found
