"""What the contracts found, in grouped figures: underpayments and overpayments by payer and
by procedure code, and a scorecard per payer. Queries only; the pages, the CSV downloads and
the weekly report's section all read from here, so they cannot disagree.

Every figure is one grouped query (or a few), never a loop over lines: a client with 20,000
posted lines pays the same handful of queries as one with twenty. Money stays ``Decimal``.

Definitions (the pages' notes repeat them):

- Found: posted lines whose first comparison with the contract (allowed - expected) is an
  underpayment (a later payment compares the line again: that is recovery, not a second
  finding), counted on the client's day it was found (``LineVariance.found_on``) within
  the period; dollars are the shortfall, ``-sum(variance)``.
- Recovered: what later remittances (received after the one that showed the variance) paid
  on the same claim line, as of now, capped per line at its shortfall and never below zero
  (a later reversal nets against a later payment). Open = found - recovered.
- Overpayments mirror it: the excess, and what recoupments traced to the same line took back
  (found on or after the day the overpayment was), capped per line at the excess.
- Pay rate against contract: allowed / expected over the period's first comparisons (every
  ``LineVariance`` has an expectation: unpriced lines are never compared), as a percent;
  paid as contracted: the share of those lines within tolerance.
- Days to pay: from the claim's submission to the payer's payment date. Submission is the
  first 837 batch we sent the claim in; a claim we did not send (mirrored from the client's
  own 837) has no batch, and its ``created_at`` is when its 837 was ingested here, the
  nearest date we hold. The payment date is the 835's BPR16, else the day the 835 arrived.
  Counted over paid (not denied) remitted claims whose 835 arrived in the period, both ends
  taken as the client's calendar days.
- Denial rate: remitted claims denied / remitted claims, 835s received in the period (the
  KPI dashboard's definition, per payer here).
- Recoupments: found in the period, by the payer of the claim they were traced to (else the
  remittance's payer); unexplained: no corrected payment explains them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate

from rcmdesk.claims.models import Payer
from rcmdesk.contracts.models import LineVariance, Recoupment, VarianceKind
from rcmdesk.remits.models import RemitClaim, RemitLine
from rcmdesk.tenancy.models import Organization

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MONEY = DecimalField(max_digits=14, decimal_places=2)
GROUPS = ("payer", "procedure")
UNMATCHED = "(payer not matched)"


@dataclass(frozen=True)
class Period:
    """The client's calendar days ``first`` to ``last``, both included."""

    first: date
    last: date

    def window(self, client: Organization) -> tuple[datetime, datetime]:
        """The period as instants: the client's midnight before ``first`` to after ``last``."""
        zone = ZoneInfo(client.time_zone)
        return (datetime.combine(self.first, time.min, zone),
                datetime.combine(self.last + timedelta(days=1), time.min, zone))

    @classmethod
    def ending(cls, today: date, days: int = 90) -> Period:
        return cls(today - timedelta(days=days - 1), today)


@dataclass(frozen=True)
class VarianceRow:
    """One group (a payer or a procedure code) of under- or overpaid lines."""

    key: str  # the payer's pk, or the procedure code
    name: str  # the payer's name, or the procedure code
    payer_code: str  # the payer's id (the work-queue and claims filters take it); "" by code
    lines: int
    found: Decimal  # shortfall (underpaid) or excess (overpaid), positive
    recovered: Decimal  # paid later (underpaid) or taken back (overpaid)

    @property
    def open(self) -> Decimal:
        return self.found - self.recovered


@dataclass(frozen=True)
class PayerScore:
    payer_id: int
    name: str
    payer_code: str
    compared: int  # posted lines compared with the contract
    allowed: Decimal
    expected: Decimal
    pay_rate: Decimal | None  # allowed / expected, percent
    as_contracted: Decimal | None  # percent of compared lines within tolerance
    paid_claims: int  # paid remitted claims the days to pay average over
    days_to_pay: Decimal | None
    remitted: int
    denied: int
    denial_rate: Decimal | None
    recoupments: int
    recouped: Decimal
    unexplained: int


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _pct(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"),
                                                                     ROUND_HALF_UP)


def _days(value: Any) -> Decimal | None:
    """An average duration (timedelta, or microseconds on SQLite) as days, to 0.1."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value) / 1e6
    return Decimal(str(round(seconds / 86400, 1)))


def _first_comparisons(rows: Any) -> Any:
    """Each claim line's first comparison only. A line is compared again with every later
    payment (on its running totals), so a shortfall partly paid later shows again, smaller:
    counting every comparison would find the same dollars twice. The first is what the payer
    paid at first; what came later is "recovered"."""
    earlier = LineVariance.objects.filter(claim_line_id=OuterRef("claim_line_id"),
                                          pk__lt=OuterRef("pk"))
    return rows.filter(~Exists(earlier))


def _found(client: Organization, period: Period, kind: VarianceKind) -> Any:
    return _first_comparisons(LineVariance.objects.filter(
        client=client, kind=kind, found_on__gte=period.first, found_on__lte=period.last))


def _paid_later() -> Subquery:
    """Paid on the variance's claim line by remittances received after the variance's."""
    after = (Q(remit_claim__remittance__created_at__gt=OuterRef("remittance__created_at"))
             | Q(remit_claim__remittance__created_at=OuterRef("remittance__created_at"),
                 remit_claim__remittance_id__gt=OuterRef("remittance_id")))
    later = (RemitLine.objects.filter(after, claim_line_id=OuterRef("claim_line_id"))
             .order_by().values("claim_line_id").annotate(total=Sum("paid")).values("total"))
    return Subquery(later, output_field=MONEY)


def _taken_back() -> Subquery:
    """Recouped from the variance's claim line on or after the day it was found."""
    taken = (Recoupment.objects.filter(claim_line_id=OuterRef("claim_line_id"),
                                       found_on__gte=OuterRef("found_on"))
             .order_by().values("claim_line_id").annotate(total=Sum("amount")).values("total"))
    return Subquery(taken, output_field=MONEY)


def _grouped(rows: Any, by: str, gap: Any, resolved: Subquery) -> list[VarianceRow]:
    """``gap``: each line's shortfall or excess (positive); ``resolved`` what made it good,
    capped per line at the gap and never negative, then summed per group in the database."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {GROUPS}")
    capped = Greatest(Least(Coalesce(resolved, Value(ZERO), output_field=MONEY), gap,
                            output_field=MONEY), Value(ZERO), output_field=MONEY)
    keys = ("payer_id", "payer__name", "payer__payer_id") if by == "payer" else ("procedure",)
    grouped = (rows.annotate(gap=ExpressionWrapper(gap, output_field=MONEY),
                             made_good=ExpressionWrapper(capped, output_field=MONEY))
               .values(*keys)
               .annotate(lines=Count("pk"), found=Sum("gap"), recovered=Sum("made_good"))
               .order_by())
    out = []
    for r in grouped:
        if by == "payer":
            key, name = str(r["payer_id"] or ""), r["payer__name"] or UNMATCHED
            code = r["payer__payer_id"] or ""
        else:
            key = name = r["procedure"] or "(no code)"
            code = ""
        out.append(VarianceRow(key, name, code, r["lines"], _money(r["found"]),
                               _money(r["recovered"])))
    return sorted(out, key=lambda row: (-row.open, -row.found, row.name))


def underpayments(client: Organization, period: Period, by: str = "payer"
                  ) -> list[VarianceRow]:
    """Underpaid lines found in the period, by payer or by code, largest open first."""
    return _grouped(_found(client, period, VarianceKind.UNDERPAID), by,
                    -F("variance"), _paid_later())


def overpayments(client: Organization, period: Period, by: str = "payer"
                 ) -> list[VarianceRow]:
    """Overpaid lines found in the period, with what recoupments took back of them."""
    return _grouped(_found(client, period, VarianceKind.OVERPAID), by,
                    F("variance"), _taken_back())


def totals(rows: list[VarianceRow]) -> VarianceRow:
    """The table's total line (summed in Python over the few grouped rows)."""
    return VarianceRow("", "Total", "", sum(r.lines for r in rows),
                       sum((r.found for r in rows), ZERO),
                       sum((r.recovered for r in rows), ZERO))


def _submitted_on(zone: ZoneInfo) -> Any:
    """The claim's submission as the client's day: its first 837 batch, else its creation
    (the ingested 837 of a mirrored claim). See the module's definitions."""
    from rcmdesk.submission.models import BatchClaim

    first_batch = (BatchClaim.objects.filter(claim_id=OuterRef("claim_id"))
                   .order_by("batch__created_at").values("batch__created_at")[:1])
    return TruncDate(Coalesce(Subquery(first_batch), F("claim__created_at")), tzinfo=zone)


def scorecard(client: Organization, period: Period) -> list[PayerScore]:
    """One row per payer with anything in the period: three grouped queries."""
    zone = ZoneInfo(client.time_zone)
    start, end = period.window(client)
    lines = {r["payer_id"]: r for r in (
        _first_comparisons(LineVariance.objects.filter(
            client=client, found_on__gte=period.first, found_on__lte=period.last))
        .values("payer_id")
        .annotate(compared=Count("pk"), allowed=Sum("allowed"), expected=Sum("expected"),
                  within=Count("pk", filter=Q(kind=VarianceKind.WITHIN)))
        .order_by())}
    paid_on = Coalesce(F("remittance__payment_date"),
                       TruncDate("remittance__created_at", tzinfo=zone),
                       output_field=DateField())
    wait = ExpressionWrapper(paid_on - _submitted_on(zone), output_field=DurationField())
    denied = Q(outcome="denied")
    paid = Q(paid__gt=0) & ~denied
    remits = {r["claim__payer_id"]: r for r in (
        RemitClaim.objects.filter(remittance__client=client, claim__isnull=False,
                                  remittance__created_at__gte=start,
                                  remittance__created_at__lt=end)
        .values("claim__payer_id")
        .annotate(remitted=Count("pk"), denied=Count("pk", filter=denied),
                  paid_claims=Count("pk", filter=paid), wait=Avg(wait, filter=paid))
        .order_by())}
    takebacks = {r["payer"]: r for r in (
        Recoupment.objects.filter(client=client, found_on__gte=period.first,
                                  found_on__lte=period.last)
        .annotate(payer=Coalesce("claim__payer_id", "remittance__payer_id"))
        .values("payer")
        .annotate(count=Count("pk"), amount=Sum("amount"),
                  unexplained=Count("pk", filter=Q(correction__isnull=True)))
        .order_by())}
    ids = {k for k in (*lines, *remits, *takebacks) if k is not None}
    payers = {p.pk: p for p in Payer.objects.filter(client=client, pk__in=ids)}
    out = []
    for pk, payer in payers.items():
        line, remit, back = lines.get(pk, {}), remits.get(pk, {}), takebacks.get(pk, {})
        allowed, expected = _money(line.get("allowed")), _money(line.get("expected"))
        out.append(PayerScore(
            pk, payer.name, payer.payer_id, line.get("compared", 0), allowed, expected,
            _pct(allowed, expected), _pct(line.get("within"), line.get("compared")),
            remit.get("paid_claims", 0), _days(remit.get("wait")),
            remit.get("remitted", 0), remit.get("denied", 0),
            _pct(remit.get("denied"), remit.get("remitted")),
            back.get("count", 0), _money(back.get("amount")), back.get("unexplained", 0)))
    return sorted(out, key=lambda s: (-s.expected, s.name))


def recoupments(client: Organization, period: Period) -> dict[str, Any]:
    """All recoupments found in the period: count, dollars, how many unexplained."""
    row = (Recoupment.objects.filter(client=client, found_on__gte=period.first,
                                     found_on__lte=period.last)
           .aggregate(count=Count("pk"), amount=Sum("amount"),
                      unexplained=Count("pk", filter=Q(correction__isnull=True))))
    return {"count": row["count"], "amount": _money(row["amount"]),
            "unexplained": row["unexplained"]}


TOP_PAYERS = 5


def weekly_section(client: Organization, first: date, last: date) -> dict[str, Any]:
    """The weekly report's "Expected payment" section for the client's days first..last:
    underpayments found (count, $), recovered so far and open, recoupments, and the pay
    rate against contract of the payers with the most expected dollars that week."""
    period = Period(first, last)
    under = totals(underpayments(client, period))
    scores = [s for s in scorecard(client, period) if s.compared][:TOP_PAYERS]
    taken = recoupments(client, period)
    return {"underpaid": under, "recoupments": taken, "payers": scores,
            "any": bool(under.lines or scores or taken["count"])}
