"""Reading claims for the pages and the API: search, and one claim with its money history.

Lookups start from ``visible_to``; the claim page's remits, adjustments and ledger rows are
reached through the visible claim. CARC values are shown with our own root-cause category,
and with X12's text only where the client loaded it under its own licence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, Q, Subquery

from rcmdesk.audit.services import record_listing
from rcmdesk.calendar import DeadlineFlag, deadline_flag
from rcmdesk.claims.models import Claim, ClaimStatus
from rcmdesk.claims.timeline import Event, Link, timeline
from rcmdesk.connectivity.realtime import realtime_connection
from rcmdesk.decisions.models import Proposal
from rcmdesk.decisions.queries import claim_write_offs
from rcmdesk.denials.models import UNFILED_STATUSES
from rcmdesk.denials.queries import AppealRow, claim_appeals
from rcmdesk.escalations.models import Escalation
from rcmdesk.remits.carc_categories import category, category_label
from rcmdesk.remits.models import CodeDescription, JournalEntry, RemitClaim, RemitLine
from rcmdesk.tenancy.authz import permits
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.workqueue.models import ACTIVE_STATUSES, ItemKind, ItemStatus, WorkItem


@dataclass(frozen=True)
class ClaimFilter:
    q: str = ""  # patient control number or patient name
    payer: str = ""  # payer name or id
    status: str = ""
    client: str = ""  # slug


def search(user: Any, f: ClaimFilter) -> Any:
    claims = (Claim.objects.visible_to(user)
              .select_related("client", "patient", "payer").order_by("-service_from", "-id"))
    for word in f.q.split()[:4]:
        claims = claims.filter(Q(patient_control_number__icontains=word)
                               | Q(payer_claim_control_number__icontains=word)
                               | Q(patient__last_name__icontains=word)
                               | Q(patient__first_name__icontains=word))
    if f.payer.strip():
        claims = claims.filter(Q(payer__name__icontains=f.payer.strip())
                               | Q(payer__payer_id__iexact=f.payer.strip()))
    if f.status in ClaimStatus.values:
        claims = claims.filter(status=f.status)
    if f.client:
        claims = claims.filter(client__slug=f.client)
    return with_next_limit(user, claims)


def with_next_limit(user: Any, claims: Any) -> Any:
    """Each claim's earliest open limit (timely filing, an appeal's) among the work items the
    reader sees, as ``next_limit``: the list flags it as the claim page does."""
    limits = (WorkItem.objects.visible_to(user)
              .filter(claim=OuterRef("pk"), status__in=ACTIVE_STATUSES, deadline__isnull=False)
              .order_by("deadline").values("deadline")[:1])
    return claims.annotate(next_limit=Subquery(limits))


def audit_listing(claims: Iterable[Claim], *, detail: dict[str, Any]) -> None:
    """Patient names were shown: one event per client, naming the claims listed."""
    record_listing(claims, "claims.claim", key="claims", detail=detail)


@dataclass(frozen=True)
class Code:
    """A CARC or RARC value, our category (CARC only), and the client's own text if any."""

    value: str
    category: str = ""
    text: str = ""

    @property
    def category_label(self) -> str:
        return category_label(self.category)


@dataclass(frozen=True)
class Adjustment:
    group: str
    code: Code
    amount: Decimal
    quantity: Decimal | None
    posted: bool
    line: int | None
    written_off: Proposal | None = None  # the client's write-off that settled this denial


@dataclass
class Remit:
    remit: RemitClaim
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[tuple[int, str, Code]] = field(default_factory=list)  # (line, qualifier, code)


@dataclass(frozen=True)
class Related:
    """What else is about this claim, each list read through its own ``visible_to``: the page
    links only what the reader may open (a client's staff sees no partner-only workflow)."""

    items: list[WorkItem]
    appeals: list[AppealRow]  # each with its state in words and its deadline flag
    proposals: list[Proposal]
    escalations: list[Escalation]


@dataclass(frozen=True)
class Deadline:
    """The next limit that costs money if missed: an item's timely-filing or appeal limit,
    or an unfiled appeal's deadline."""

    day: date
    what: str
    link: Link
    left: int  # days from the client's today; negative once missed
    flag: DeadlineFlag  # past or near, as every page flags a deadline

    @property
    def phrase(self) -> str:
        return self.flag.words or f"due in {self.left} days"


@dataclass(frozen=True)
class Offers:
    """What the reader may start from the claim page; each is checked again by its service."""

    work: WorkItem | None = None  # the open item to work (the reader's own first)
    appeal: WorkItem | None = None  # an open denial item to draft an appeal from
    write_off: WorkItem | None = None  # an item the reader may ask the client to write off
    status_request: bool = False  # send a 276
    status_now: bool = False  # ask for status in real time (the client has a CORE 276 link)
    correct: bool = False  # a corrected (7) or void (8) claim
    edit_draft: bool = False  # open a draft in charge entry (charges.services.may_enter)
    contract: bool = False  # link the contract behind an expected amount (its page's question)


@dataclass
class ClaimDetail:
    claim: Claim
    lines: list[Any]
    remits: list[Remit]
    journals: list[JournalEntry]
    related: Related
    paid: Decimal
    deadline: Deadline | None
    offers: Offers
    timeline: list[Event]
    today: date


def get_claim(user: Any, claim_id: int) -> Claim:
    claim: Claim = (Claim.objects.select_related("client", "patient", "payer", "billing_provider",
                                                 "coverage")
                    .get_visible_or_404(user, pk=claim_id))
    return claim


def detail(user: Any, claim: Claim) -> ClaimDetail:
    """Everything the claim page shows, in a fixed number of queries."""
    descriptions = {(d.list, d.code): d.text for d in
                    CodeDescription.objects.visible_to(user).filter(client_id=claim.client_id)}

    def code(code_list: str, value: str) -> Code:
        return Code(value, category(value) if code_list == "carc" else "",
                    descriptions.get((code_list, value.upper()), ""))

    lines = Prefetch("lines", queryset=RemitLine.objects.order_by("index"))
    remit_claims = (claim.remit_claims.select_related("remittance")
                    .prefetch_related("adjustments", lines)
                    .order_by("remittance__payment_date", "remittance_id", "index"))
    settled = claim_write_offs(user, claim.pk).by_adjustment
    remits = []
    for rc in remit_claims:
        line_numbers = {ln.pk: ln.index for ln in rc.lines.all()}
        item = Remit(rc)
        for adj in sorted(rc.adjustments.all(), key=lambda a: a.pk):
            shown = Code(adj.reason, adj.category or category(adj.reason),
                         descriptions.get(("carc", adj.reason.upper()), ""))
            item.adjustments.append(Adjustment(
                adj.group, shown, adj.amount, adj.quantity, adj.posted,
                line_numbers.get(adj.remit_line_id) if adj.remit_line_id else None,
                settled.get(adj.pk)))
        for ln in rc.lines.all():
            for pair in ln.remarks:
                if len(pair) >= 2:
                    item.remarks.append((ln.index, str(pair[0]), code("rarc", str(pair[1]))))
        remits.append(item)
    journals = list(claim.journal_entries.select_related("remittance", "created_by")
                    .prefetch_related("entries").order_by("created_at", "id"))
    rel = related(user, claim)
    return ClaimDetail(
        claim, priced_lines(claim), remits, journals, rel,
        paid=sum((rc.paid for rc in remit_claims), Decimal("0.00")),
        deadline=next_deadline(rel, claim.client.today()), offers=offers(user, claim, rel),
        timeline=timeline(user, claim, remits=remit_claims, journals=journals),
        today=claim.client.today())


def priced_lines(claim: Claim) -> list[Any]:
    """The claim's lines, each with what its contract expects (``expected_row``: the
    ``ExpectedLine`` or None) and its latest posted comparison (``variance_row``: the newest
    ``LineVariance`` or None), in two queries whatever the number of lines.

    Both rows belong to rcmdesk.contracts, which sits above claims: they are reached through
    the claim's own relations, never by importing that app."""
    lines = list(claim.lines.select_related("expected__contract", "expected__rate")
                 .prefetch_related("variances"))
    for ln in lines:
        ln.expected_row = ln.expected if hasattr(ln, "expected") else None
        ln.variance_row = max(ln.variances.all(), key=lambda v: (v.created_at, v.pk),
                              default=None)
        ln.variance_gap = abs(ln.variance_row.variance) if ln.variance_row else None
    return lines


def next_deadline(rel: Related, today: date) -> Deadline | None:
    """The earliest limit still ahead of the team (or already missed and not yet dealt with)."""
    limits = [(i.deadline, f"{i.get_kind_display()} limit",
               Link("workqueue:item", i.pk, f"item #{i.pk}"))
              for i in rel.items if i.deadline and i.status in ACTIVE_STATUSES]
    limits += [(a.deadline, f"level {a.level} appeal deadline",
                Link("denials:appeal", a.pk, f"appeal #{a.pk}"))
               for a in (row.appeal for row in rel.appeals)
               if a.deadline and a.status in UNFILED_STATUSES]
    if not limits:
        return None
    day, what, link = min(limits, key=lambda limit: limit[0])
    return Deadline(day, what, link, (day - today).days, deadline_flag(day, today))


def offers(user: Any, claim: Claim, rel: Related) -> Offers:
    active = [i for i in rel.items if i.status in ACTIVE_STATUSES]
    mine = [i for i in active if i.assignee_id == user.pk]
    denial = next((i for i in active if i.kind == ItemKind.DENIAL), None)
    may = functools.partial(permits, user, client_id=claim.client_id)
    status_request = (claim.status != ClaimStatus.DRAFT
                      and may(Action.WORK_ITEMS, workflow=Workflow.AR_FOLLOWUP))
    return Offers(
        work=next(iter(mine or active), None),
        appeal=denial if denial and may(Action.WORK_ITEMS, workflow=Workflow.DENIALS) else None,
        write_off=next((i for i in active if i.status != ItemStatus.PENDING_CLIENT_DECISION
                        and may(Action.PROPOSE_DECISION, workflow=Workflow(i.workflow))), None),
        status_request=status_request,
        # the real-time 276 is the same question (request_status), sent at once
        status_now=status_request and realtime_connection(claim.client_id, "276") is not None,
        correct=bool(claim.payer_claim_control_number)
        and may(Action.WORK_ITEMS, workflow=Workflow.DENIALS),
        edit_draft=claim.status == ClaimStatus.DRAFT
        and may(Action.WORK_ITEMS, workflow=Workflow.CHARGES_CLAIMS),
        contract=may(Action.VIEW_TENANT_DATA))


def related(user: Any, claim: Claim) -> Related:
    """One query per kind of object, whatever the number of rows."""
    return Related(
        items=list(WorkItem.objects.visible_to(user).filter(claim=claim)
                   .order_by("-created_at", "-id")),
        appeals=claim_appeals(user, claim),
        proposals=list(Proposal.objects.visible_to(user).filter(claim=claim)
                       .order_by("-proposed_at", "-id")),
        escalations=list(Escalation.objects.visible_to(user).filter(claim=claim)
                         .order_by("-created_at", "-id")))
