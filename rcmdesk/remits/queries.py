"""Reading for the posting pages and the API: posting exceptions (the list, one exception,
the claim search that resolves it; resolving itself is ``resolution``), unapplied cash and
its aging, what posting knows of one claim (``claim_posting``, for the claim page), and 835
remittances, the list and one payment with its claims, PLB adjustments, exceptions and bank
deposit.

Exceptions and deposit matching belong to the posting workflow: a partner whose engagement
does not include posting does not see them, even for a client it otherwise works for.
Remittances are read through ``visible_to`` like the claims they pay (every workflow of a
client sees them); for a client whose posting the viewer does not work, the posting parts of
a remittance are left out (``posting`` False), not shown empty. Counts and the match come as
annotations, so a page of rows costs the same few queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from rcmdesk.audit.services import record_listing
from rcmdesk.claims.models import Claim
from rcmdesk.remits.models import (
    Deposit,
    ExceptionStatus,
    MatchMethod,
    PostingException,
    ProviderAdjustment,
    RemitClaim,
    Remittance,
    UnappliedApplication,
    UnappliedCash,
)
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue.models import ItemKind, WorkItem


def exceptions(user: Any, status: str = ExceptionStatus.OPEN) -> Any:
    """The posting exceptions a user may see, oldest first; ``status`` "" means any."""
    qs = (PostingException.objects.visible_to(user, Workflow.POSTING)
          .select_related("client", "remittance", "remit_claim").order_by("created_at", "id"))
    if status in ExceptionStatus.values:
        qs = qs.filter(status=status)
    return qs


@dataclass(frozen=True)
class ExceptionRow:
    exception: PostingException
    amount: Decimal
    age_days: int
    claim_id: int | None


def row(e: PostingException, now: datetime | None = None) -> ExceptionRow:
    now = now or timezone.now()
    rc = e.remit_claim
    amount = rc.paid if rc is not None else e.remittance.amount
    return ExceptionRow(e, amount, (now - e.created_at).days, rc.claim_id if rc else None)


def get_exception(user: Any, exception_id: int) -> PostingException:
    """One exception of a client whose posting the user works; any other is a 404."""
    found: PostingException | None = (
        exceptions(user, "").select_related("claim", "remit_claim__claim", "remittance__file",
                                            "resolved_by", "refund")
        .defer("remittance__file__content").filter(pk=exception_id).first())
    if found is None:
        raise Http404("Not found.")
    return found


def exception_item(user: Any, exception: PostingException) -> WorkItem | None:
    """The work item the exception raised, if the viewer sees it."""
    item: WorkItem | None = WorkItem.objects.visible_to(user).filter(
        client_id=exception.client_id, kind=ItemKind.POSTING_EXCEPTION,
        source_key=f"exception:{exception.pk}").first()
    return item


SEARCH_LIMIT = 25  # claims shown by an exception's claim search


@dataclass(frozen=True)
class ClaimSearch:
    pcn: str = ""
    patient: str = ""
    service_date: date | None = None
    amount: Decimal | None = None

    @property
    def empty(self) -> bool:
        return not (self.pcn.strip() or self.patient.strip() or self.service_date
                    or self.amount is not None)


def search_claims(user: Any, exception: PostingException, f: ClaimSearch) -> list[Claim]:
    """The exception's client's claims the user may see that fit every term given: PCN
    (any part), patient name (any part of last or first), date of service, amount (the
    charge or the open insurance balance)."""
    if f.empty:
        return []
    claims = (Claim.objects.visible_to(user).filter(client_id=exception.client_id)
              .select_related("patient", "payer"))
    if f.pcn.strip():
        claims = claims.filter(patient_control_number__icontains=f.pcn.strip())
    for word in f.patient.split():
        claims = claims.filter(Q(patient__last_name__icontains=word)
                               | Q(patient__first_name__icontains=word))
    if f.service_date is not None:
        claims = claims.filter(service_from__lte=f.service_date).filter(
            Q(service_to__gte=f.service_date) | Q(service_to__isnull=True,
                                                  service_from=f.service_date))
    if f.amount is not None:
        claims = claims.filter(Q(total_charge=f.amount) | Q(insurance_balance=f.amount))
    return list(claims.order_by("-service_from", "pk")[:SEARCH_LIMIT])


def client_claim(user: Any, client_id: int, *, pk: int | None = None,
                 pcn: str = "") -> Claim:
    """A claim of this client the user may see, by id or patient control number; else 404."""
    claims = Claim.objects.visible_to(user).filter(client_id=client_id)
    found: Claim | None = (claims.filter(pk=pk) if pk is not None
                           else claims.filter(patient_control_number=pcn.strip())).first()
    if found is None:
        raise Http404("No such claim for this client.")
    return found


# --- unapplied cash --------------------------------------------------------------------------

# Age buckets of the unapplied-cash report: (last day, label); None is "and older".
AGING_BUCKETS: tuple[tuple[int | None, str], ...] = (
    (30, "0-30 days"), (60, "31-60 days"), (90, "61-90 days"), (120, "91-120 days"),
    (None, "over 120 days"))


def unapplied_cash(user: Any, *, held_only: bool = True) -> Any:
    """Unapplied cash of the clients whose posting the user works, oldest first."""
    rows = (UnappliedCash.objects.visible_to(user).select_related("client", "remittance",
                                                                  "exception")
            .order_by("parked_on", "pk"))
    return rows.filter(remaining__gt=0) if held_only else rows


def get_unapplied(user: Any, unapplied_id: int) -> UnappliedCash:
    found: UnappliedCash = (UnappliedCash.objects.select_related("client", "remittance")
                            .get_visible_or_404(user, pk=unapplied_id))
    return found


@dataclass
class AgingRow:
    client: Organization
    buckets: list[Decimal]
    total: Decimal
    count: int


@dataclass
class Aging:
    rows: list[AgingRow]
    totals: list[Decimal]
    total: Decimal
    labels: tuple[str, ...] = tuple(label for _, label in AGING_BUCKETS)


def bucket(age_days: int) -> int:
    return next(i for i, (last, _) in enumerate(AGING_BUCKETS) if last is None or age_days <= last)


def unapplied_aging(held: list[UnappliedCash]) -> Aging:
    """What is still unapplied, per client and age bucket (days since it was parked, on each
    client's own calendar day)."""
    by_client: dict[int, AgingRow] = {}
    today: dict[int, date] = {}
    zero = Decimal("0.00")
    for cash in held:
        if cash.client_id not in today:
            today[cash.client_id] = cash.client.today()
            by_client[cash.client_id] = AgingRow(cash.client, [zero] * len(AGING_BUCKETS),
                                                 zero, 0)
        row = by_client[cash.client_id]
        row.buckets[bucket((today[cash.client_id] - cash.parked_on).days)] += cash.remaining
        row.total += cash.remaining
        row.count += 1
    rows = sorted(by_client.values(), key=lambda r: r.client.name)
    totals = [sum((r.buckets[i] for r in rows), zero) for i in range(len(AGING_BUCKETS))]
    return Aging(rows, totals, sum(totals, zero))


# --- the claim page (the lead's) ---------------------------------------------------------------

@dataclass(frozen=True)
class ClaimPosting:
    """What posting knows about one claim: its exceptions (open and resolved) and the
    unapplied cash applied to it; empty for a viewer who does not work the client's posting."""

    exceptions: list[PostingException]
    applications: list[UnappliedApplication]


def claim_posting(user: Any, claim: Claim) -> ClaimPosting:
    if not visibility_for(user).can_see(claim.client_id, Workflow.POSTING):
        return ClaimPosting([], [])
    found = list(exceptions(user, "").filter(Q(claim=claim) | Q(remit_claim__claim=claim))
                 .order_by("created_at", "pk"))
    applied = list(UnappliedApplication.objects.filter(claim=claim)
                   .select_related("unapplied", "unapplied__remittance", "applied_by")
                   .order_by("applied_at", "pk"))
    return ClaimPosting(found, applied)


# --- remittances -----------------------------------------------------------------------------

# BPR04, in the words on a bank statement.
METHODS = {"ACH": "ACH (EFT)", "CHK": "Check", "FWT": "Wire", "BOP": "Bank's choice",
           "NON": "No payment"}
# How a deposit came to be matched, as the reconciliation section says it.
MATCHED_BY = {MatchMethod.TRACE_AMOUNT: "trace and amount agreed",
              MatchMethod.TRACE_ONLY: "same trace, confirmed by a person",
              MatchMethod.MANUAL: "paired by a person"}


@dataclass(frozen=True)
class RemittanceFilter:
    client: Organization | None = None
    payer: str = ""  # payer name or id, any part
    trace: str = ""  # TRN02, any part
    paid_from: date | None = None
    paid_to: date | None = None

    def as_detail(self) -> dict[str, Any]:
        """What the listing's audit event records of the filter."""
        return {"client": self.client.slug if self.client else "", "payer": self.payer,
                "trace": self.trace, "paid_from": self.paid_from, "paid_to": self.paid_to}


def remittance_clients(user: Any) -> list[Organization]:
    """The clients whose remittances the user may see, for the client filter."""
    return list(Organization.objects.visible_to(user)  # type: ignore[attr-defined]
                .filter(kind="client").order_by("name"))


def _count(model: Any, **match: Any) -> Coalesce:
    rows = (model.objects.filter(remittance=OuterRef("pk"), **match).order_by()
            .values("remittance").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def search_remittances(user: Any, f: RemittanceFilter) -> Any:
    """The remittances the user may see that match ``f``, newest payment first, each with
    its number of claims, of exceptions (and open ones) and whether a deposit matched it."""
    rows = (Remittance.objects.visible_to(user).select_related("client")
            .annotate(claim_count=_count(RemitClaim), exception_count=_count(PostingException),
                      open_exceptions=_count(PostingException, status=ExceptionStatus.OPEN),
                      matched=Exists(Deposit.objects.filter(remittance=OuterRef("pk"))))
            .order_by(F("payment_date").desc(nulls_last=True), "-pk"))
    if f.client is not None:
        rows = rows.filter(client=f.client)
    if f.payer.strip():
        rows = rows.filter(Q(payer_name__icontains=f.payer.strip())
                           | Q(payer_key__iexact=f.payer.strip()))
    if f.trace.strip():
        rows = rows.filter(trace_number__icontains=f.trace.strip())
    if f.paid_from is not None:
        rows = rows.filter(payment_date__gte=f.paid_from)
    if f.paid_to is not None:
        rows = rows.filter(payment_date__lte=f.paid_to)
    return rows


@dataclass(frozen=True)
class RemittanceRow:
    remittance: Remittance
    method: str
    posting: bool  # the viewer works this client's posting: exceptions and match shown


def remittance_rows(user: Any, remittances: Any) -> list[RemittanceRow]:
    posting = visibility_for(user).clients_for(Workflow.POSTING)
    return [RemittanceRow(r, method_name(r.method), r.client_id in posting) for r in remittances]


def audit_remittance_listing(shown: list[RemittanceRow], *, detail: dict[str, Any]) -> None:
    """Payments were shown: one list event per client, naming its remittances."""
    record_listing([r.remittance for r in shown], "remits.remittance", key="remittances",
                   detail=detail)


def method_name(method: str) -> str:
    return METHODS.get(method, method or "—")


def get_remittance(user: Any, remittance_id: int) -> Remittance:
    """One remittance the user may see; any other (another client's too) is a 404."""
    found: Remittance = (Remittance.objects.select_related("client", "payer", "file")
                         .defer("file__content")
                         .get_visible_or_404(user, pk=remittance_id))
    return found


@dataclass(frozen=True)
class ExceptionShown:
    exception: PostingException
    item: WorkItem | None  # the work item it raised, if the viewer sees it


@dataclass
class RemittanceDetail:
    remittance: Remittance
    method: str
    claims: Any  # the remit claims, in 835 order (a queryset the page paginates)
    provider_adjustments: list[ProviderAdjustment]
    posting: bool
    exceptions: list[ExceptionShown]
    deposit: Deposit | None

    @property
    def matched_by(self) -> str:
        method = self.deposit.match_method if self.deposit else ""
        return MATCHED_BY.get(MatchMethod(method), method) if method else ""


def remittance_detail(user: Any, remittance: Remittance) -> RemittanceDetail:
    """Everything the remittance page shows, in a fixed number of queries."""
    posting = visibility_for(user).can_see(remittance.client_id, Workflow.POSTING)
    claims = remittance.claims.order_by("index")
    plb = list(remittance.provider_adjustments.order_by("index"))
    exceptions: list[ExceptionShown] = []
    deposit = None
    if posting:
        exceptions = _remittance_exceptions(user, remittance)
        deposit = (Deposit.objects.filter(remittance=remittance)
                   .select_related("deposit_import").first())
    return RemittanceDetail(remittance, method_name(remittance.method), claims, plb, posting,
                            exceptions, deposit)


def _remittance_exceptions(user: Any, remittance: Remittance) -> list[ExceptionShown]:
    found = list(remittance.exceptions.select_related("remit_claim").order_by("created_at", "pk"))
    keys = {f"exception:{e.pk}": e.pk for e in found}
    items = {keys[i.source_key]: i for i in WorkItem.objects.visible_to(user).filter(
        client_id=remittance.client_id, kind=ItemKind.POSTING_EXCEPTION,
        source_key__in=list(keys))}
    return [ExceptionShown(e, items.get(e.pk)) for e in found]
