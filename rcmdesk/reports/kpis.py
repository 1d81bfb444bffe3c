"""The KPI engine: one set of formulas for the dashboard, the API, ``rcmdesk kpi`` and the
weekly report (``docs/kpis.md`` is the reference; each ``Kpi.formula`` is the same text).

Why this shape: every KPI is computed for a *list* of week windows at once, with one
conditional aggregate per window (``Sum(..., filter=Q(created_at in window))``), so the 13-week
trend costs the same handful of queries as a single week. Nothing iterates over rows in
Python; the database does the sums (SQLite and PostgreSQL alike).

Weeks are ISO weeks in the client's time zone, Monday 00:00 to the next Monday 00:00.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg as AvgAgg
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from rcmdesk.calendar import (
    day_start,
    local_date,
    parse_week,
    previous_weeks,
    week_of,
    week_window,
)
from rcmdesk.calendar import last_week as calendar_last_week
from rcmdesk.denials.models import ANSWERED_STATUSES, OVERTURNED_STATUSES, Appeal
from rcmdesk.qa.accuracy import WRONG as QA_WRONG
from rcmdesk.qa.models import Audit, AuditStatus
from rcmdesk.remits.models import Account, JournalEntry, JournalKind, LedgerEntry, RemitClaim
from rcmdesk.reports import rollup
from rcmdesk.scrubber.models import ScrubRun
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow
from rcmdesk.tenancy.visibility import visibility_for
from rcmdesk.workqueue import counts
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
AR_ACCOUNTS = (Account.INSURANCE_AR, Account.PATIENT_AR)
PAYMENT_KINDS = (JournalKind.PAYMENT, JournalKind.REVERSAL)
REVENUE_DAYS = 90
REWORK_KINDS = (ItemKind.DENIAL, ItemKind.REJECTION, ItemKind.POSTING_EXCEPTION)
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("91-120", 91, 120),
    ("120+", 121, None))


@dataclass(frozen=True)
class Kpi:
    """One number with what it means: ``formula`` and ``benchmark`` are shown beside it."""

    key: str
    label: str
    value: Decimal | None  # None: nothing to divide by this week (shown as "—")
    unit: str  # "days", "%", "$", "count"
    formula: str
    benchmark: str
    good: bool | None  # against the benchmark; None when there is none or no value
    dimensions: str = ""  # the filters this KPI honours

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label,
                "value": None if self.value is None else str(self.value), "unit": self.unit,
                "formula": self.formula, "benchmark": self.benchmark, "good": self.good,
                "filters": self.dimensions}


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str
    formula: str
    benchmark: str
    judge: Callable[[Decimal], bool] | None  # True when the value meets the benchmark
    dimensions: str  # which filters apply (payer, provider, workflow) — see docs/kpis.md


DEFINITIONS: tuple[Definition, ...] = (
    Definition("days_in_ar", "Days in A/R (HFMA MAP)", "days",
               "net A/R at week end / (net patient service revenue over the 90 days ending "
               "at week end / 90); net revenue = charges - contractual adjustments",
               "30-40 days", lambda v: v <= 40, "payer, provider"),
    Definition("days_in_ar_gross", "Days in A/R on gross charges (practice variant)", "days",
               "net A/R at week end / (gross charges over the 90 days ending at week end / 90)"
               " — practice variant, not the MAP Key",
               "under 50 days (practices: 30-50)", lambda v: v <= 50, "payer, provider"),
    Definition("ar_over_90_pct", "A/R over 90 days (% of billed A/R)", "%",
               "A/R on claims with date of service more than 90 days before week end / "
               "total billed A/R at week end x 100", "under 10%", lambda v: v < 10,
               "payer, provider"),
    Definition("ar_over_120_pct", "A/R over 120 days (% of billed A/R)", "%",
               "A/R on claims with date of service more than 120 days before week end / "
               "total billed A/R at week end x 100", "under 5%", lambda v: v < 5,
               "payer, provider"),
    Definition("gross_collection_rate", "Gross collection rate", "%",
               "payer payments posted in the week / gross charges posted in the week x 100",
               "varies with fee schedule (often 35-70%)", None, "payer, provider"),
    Definition("net_collection_rate", "Net collection rate (HFMA MAP)", "%",
               "payments / (charges - contractual adjustments), all posted in the week, x 100",
               "95% or more", lambda v: v >= 95, "payer, provider"),
    Definition("denial_rate_count", "Denial rate (claims)", "%",
               "remitted claims denied / claims remitted, 835s received in the week, x 100",
               "under 5-10%", lambda v: v < 10, "payer, provider"),
    Definition("denial_rate_dollars", "Denial rate ($)", "%",
               "charges on denied remitted claims / charges on all remitted claims, 835s "
               "received in the week, x 100", "under 5-10%", lambda v: v < 10,
               "payer, provider"),
    Definition("clean_claim_rate", "Clean-claim rate (HFMA MAP)", "%",
               "claims passing all scrubber edits without manual touch / claims entering the "
               "scrubber, scrub runs in the week, x 100", "95% or more", lambda v: v >= 95,
               "none (scrub runs are per batch)"),
    Definition("first_pass_resolution_rate", "First-pass resolution rate", "%",
               "claims whose first remit arrived in the week, was paid (> $0, not denied) and "
               "needed no rework item (denial, rejection, posting exception) / claims with a "
               "first remit in the week x 100", "90% or more", lambda v: v >= 90,
               "payer, provider"),
    Definition("denial_overturn_rate", "Denial overturn rate", "%",
               "appeals overturned (in whole or in part, paid or still waiting for the "
               "payment) / appeals the payer answered, answered in the week, x 100",
               "50% or more", lambda v: v >= 50, "payer, provider"),
    Definition("avg_days_to_pay", "Average days to pay", "days",
               "mean of (835 received - claim created) over paid remitted claims, 835s "
               "received in the week", "under 30 days", lambda v: v < 30, "payer, provider"),
    Definition("posting_lag_days", "Posting lag", "days",
               "mean of (payment journal posted - 835 file received) over payment journals "
               "posted in the week", "under 2 days", lambda v: v < 2, "payer, provider"),
    Definition("items_worked", "Items worked", "count",
               "distinct work items a person acted on (a touch: a call, a portal check, a "
               "note, an appeal ...) in the week; events and bookkeeping are not touches",
               "", None,
               "payer, provider, workflow"),
    Definition("items_closed", "Items closed", "count",
               "work items closed in the week (outcomes by close reason below)", "", None,
               "payer, provider, workflow"),
    Definition("touches_per_claim", "Touches per claim", "count",
               "touches in the week / distinct claims those touches were on",
               "lower is better (1-2)", lambda v: v <= 2, "payer, provider, workflow"),
    Definition("qa_accuracy", "QA accuracy", "%",
               "audited items with no failed point / audited items scored, of audits "
               "completed in the week x 100 (qa.accuracy)", "95% or more",
               lambda v: v >= 95, "workflow"),
)
BY_KEY = {d.key: d for d in DEFINITIONS}


@dataclass(frozen=True)
class Window:
    week: str
    start: datetime
    end: datetime

    @property
    def end_date(self) -> date:
        """The week's last day: ages are counted to it."""
        return (self.end - timedelta(days=1)).date()


@dataclass(frozen=True)
class Filters:
    payer_id: int | None = None
    provider_id: int | None = None
    workflow: str | None = None
    viewer: Any = None  # the work counts show what this person sees (None: everything)

    def claims(self, prefix: str) -> Q:
        """Payer and provider as a filter on a claim reached through ``prefix``."""
        q = Q()
        if self.payer_id is not None:
            q &= Q(**{f"{prefix}payer_id": self.payer_id})
        if self.provider_id is not None:
            q &= Q(**{f"{prefix}billing_provider_id": self.provider_id})
        return q


def windows(client: Organization, weeks: Sequence[str]) -> list[Window]:
    return [Window(week, *week_window(week, client.time_zone)) for week in weeks]


def _money(value: Any) -> Decimal:
    """Sums come back as Decimal('300') on SQLite: always two places."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _pct(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"),
                                                                     ROUND_HALF_UP)


def _ratio(part: Any, whole: Any, places: str = "0.1") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


def _days(value: Any) -> Decimal | None:
    """An average duration (timedelta, or microseconds on some backends) as days, 0.1."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value) / 1e6
    return (Decimal(str(seconds)) / Decimal(86400)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _in(field: str, w: Window) -> Q:
    return Q(**{f"{field}__gte": w.start, f"{field}__lt": w.end})


# --- the KPI families: each returns {key: [value per window]} --------------------------


def _ledger(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    """Days in A/R, A/R over 90/120 and the collection rates from ONE grouped ledger query.

    Why grouped rather than a FILTER per window: A/R is cumulative, so every entry ever
    posted counts; a conditional aggregate per window and measure would test each of millions
    of rows ~100 times. Instead the database sums by (account, payment or not, posting day,
    date of service) with days before the first window and dates of service outside the
    cut-offs folded into one value each, leaving a few thousand groups that are then added
    up per window here (sums of sums, never rows)."""
    zone = ZoneInfo(Organization.objects.values_list("time_zone", flat=True).get(pk=client_id))
    first_end, last_end = min(w.end for w in ws), max(w.end for w in ws)
    old_day = (first_end - timedelta(days=REVENUE_DAYS + 1)).date()
    min_cut = min(w.end_date for w in ws) - timedelta(days=120)
    max_cut = max(w.end_date for w in ws) - timedelta(days=90)
    ar = Q(account__in=AR_ACCOUNTS)
    day = Case(When(journal__created_at__lt=first_end - timedelta(days=REVENUE_DAYS),
                    then=Value(old_day)),
               default=TruncDate("journal__created_at", tzinfo=zone), output_field=DateField())
    dos = Case(When(~ar, then=Value(None)),
               When(claim__service_from__isnull=True, then=Value(max_cut)),
               When(claim__service_from__lt=min_cut, then=Value(min_cut - timedelta(days=1))),
               When(claim__service_from__gt=max_cut, then=Value(max_cut)),
               default=F("claim__service_from"), output_field=DateField())
    paying = Case(When(journal__kind__in=PAYMENT_KINDS, then=Value(True)), default=Value(False),
                  output_field=BooleanField())
    groups = list(LedgerEntry.objects.filter(client_id=client_id, journal__created_at__lt=last_end)
                  .filter(f.claims("claim__"))
                  .filter(ar | Q(account__in=(Account.REVENUE, Account.CONTRACTUAL))
                          | Q(account=Account.PAYER_CASH, journal__kind__in=PAYMENT_KINDS))
                  .annotate(day=day, dos=dos, paying=paying)
                  .values("account", "paying", "day", "dos").annotate(total=Sum("amount"))
                  .order_by().values_list("account", "paying", "day", "dos", "total"))
    out: dict[str, list[Decimal | None]] = {k: [] for k in (
        "days_in_ar", "days_in_ar_gross", "ar_over_90_pct", "ar_over_120_pct",
        "gross_collection_rate", "net_collection_rate")}
    for w in ws:
        end_day, start_day = w.end.date(), w.start.date()
        from_day = end_day - timedelta(days=REVENUE_DAYS)
        cut90, cut120 = w.end_date - timedelta(days=90), w.end_date - timedelta(days=120)
        sums = dict.fromkeys(("ar", "ar90", "ar120", "rev90", "co90", "rev", "co", "paid"), ZERO)
        for account, is_payment, posted, served, total in groups:
            if posted >= end_day:
                continue
            amount = Decimal(total or 0)
            if account in AR_ACCOUNTS:
                sums["ar"] += amount
                if served is not None and served < cut90:
                    sums["ar90"] += amount
                if served is not None and served < cut120:
                    sums["ar120"] += amount
                continue
            if posted < from_day:
                continue
            this_week = posted >= start_day
            if account == Account.REVENUE:
                sums["rev90"] += amount
                sums["rev"] += amount if this_week else ZERO
            elif account == Account.CONTRACTUAL:
                sums["co90"] += amount
                sums["co"] += amount if this_week else ZERO
            elif account == Account.PAYER_CASH and is_payment and this_week:
                sums["paid"] += amount
        charges90 = -sums["rev90"]  # revenue is credited (negative)
        net90 = charges90 - sums["co90"]
        charges = -sums["rev"]
        net = charges - sums["co"]
        ar_total = sums["ar"]
        out["days_in_ar"].append(_ratio(ar_total * REVENUE_DAYS, net90 if net90 > 0 else 0))
        out["days_in_ar_gross"].append(
            _ratio(ar_total * REVENUE_DAYS, charges90 if charges90 > 0 else 0))
        out["ar_over_90_pct"].append(_pct(sums["ar90"], ar_total if ar_total > 0 else 0))
        out["ar_over_120_pct"].append(_pct(sums["ar120"], ar_total if ar_total > 0 else 0))
        out["gross_collection_rate"].append(_pct(sums["paid"], charges if charges > 0 else 0))
        out["net_collection_rate"].append(_pct(sums["paid"], net if net > 0 else 0))
    return out


def _remits(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    """Denial rates and days to pay, over remitted claims by 835 received time."""
    rows = RemitClaim.objects.filter(remittance__client_id=client_id).filter(f.claims("claim__"))
    denied = Q(outcome="denied")
    paid = Q(paid__gt=0) & ~denied & Q(claim__isnull=False)
    wait = ExpressionWrapper(F("remittance__created_at") - F("claim__created_at"),
                             output_field=DurationField())
    sums: dict[str, Any] = {}
    for i, w in enumerate(ws):
        week = _in("remittance__created_at", w)
        sums[f"n{i}"] = Count("pk", filter=week)
        sums[f"nd{i}"] = Count("pk", filter=week & denied)
        sums[f"c{i}"] = Sum("charge", filter=week)
        sums[f"cd{i}"] = Sum("charge", filter=week & denied)
        sums[f"wait{i}"] = AvgAgg(wait, filter=week & paid)
    row = rows.aggregate(**sums)
    return {
        "denial_rate_count": [_pct(row[f"nd{i}"], row[f"n{i}"]) for i in range(len(ws))],
        "denial_rate_dollars": [_pct(row[f"cd{i}"], row[f"c{i}"]) for i in range(len(ws))],
        "avg_days_to_pay": [_days(row[f"wait{i}"]) for i in range(len(ws))],
    }


def _first_pass(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    """First remit per claim (the earliest 835 received), then paid without rework."""
    rework = WorkItem.objects.filter(claim_id=OuterRef("claim_id"), kind__in=REWORK_KINDS)
    earlier = RemitClaim.objects.filter(
        claim_id=OuterRef("claim_id"),
        remittance__created_at__lt=OuterRef("remittance__created_at"))
    first = (RemitClaim.objects.filter(remittance__client_id=client_id, claim__isnull=False,
                                       remittance__created_at__gte=min(w.start for w in ws),
                                       remittance__created_at__lt=max(w.end for w in ws))
             .filter(f.claims("claim__")).filter(~Exists(earlier)))
    clean = Q(paid__gt=0) & ~Q(outcome="denied") & ~Q(Exists(rework))
    sums: dict[str, Any] = {}
    for i, w in enumerate(ws):
        week = _in("remittance__created_at", w)
        sums[f"n{i}"] = Count("claim_id", filter=week, distinct=True)
        sums[f"ok{i}"] = Count("claim_id", filter=week & clean, distinct=True)
    row = first.aggregate(**sums)
    return {"first_pass_resolution_rate": [_pct(row[f"ok{i}"], row[f"n{i}"])
                                           for i in range(len(ws))]}


def _scrubber(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    sums: dict[str, Any] = {}
    for i, w in enumerate(ws):
        sums[f"s{i}"] = Sum("scrubbed", filter=_in("created_at", w))
        sums[f"c{i}"] = Sum("clean_claims", filter=_in("created_at", w))
    row = ScrubRun.objects.filter(client_id=client_id).aggregate(**sums)
    return {"clean_claim_rate": [_pct(row[f"c{i}"], row[f"s{i}"]) for i in range(len(ws))]}


def _appeals(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    """The payer's answers (``denials``): an overturn stays one once paid; in part counts."""
    sums: dict[str, Any] = {}
    for i, w in enumerate(ws):
        decided = Q(decided_on__gte=w.start.date(), decided_on__lte=w.end_date)
        sums[f"won{i}"] = Count("pk", filter=decided & Q(status__in=OVERTURNED_STATUSES))
        sums[f"n{i}"] = Count("pk", filter=decided & Q(status__in=ANSWERED_STATUSES))
    row = Appeal.objects.filter(client_id=client_id).filter(f.claims("claim__")).aggregate(**sums)
    return {"denial_overturn_rate": [_pct(row[f"won{i}"], row[f"n{i}"]) for i in range(len(ws))]}


def _posting_lag(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    lag = ExpressionWrapper(F("created_at") - F("remittance__file__received_at"),
                            output_field=DurationField())
    sums = {f"lag{i}": AvgAgg(lag, filter=_in("created_at", w)) for i, w in enumerate(ws)}
    row = (JournalEntry.objects.filter(client_id=client_id, kind=JournalKind.PAYMENT,
                                       remittance__file__isnull=False)
           .filter(f.claims("claim__")).aggregate(**sums))
    return {"posting_lag_days": [_days(row[f"lag{i}"]) for i in range(len(ws))]}


def _work(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    """Touches (a person acted: ``workqueue.counts``, the weekly report's definition) and
    closures, of the items the viewer sees; workflow applies here."""
    actions = counts.touches(f.viewer, client_id).filter(f.claims("item__claim__"))
    items = counts.items(f.viewer, client_id).filter(f.claims("claim__"))
    if f.workflow:
        actions = actions.filter(item__workflow=f.workflow)
        items = items.filter(workflow=f.workflow)
    a_sums: dict[str, Any] = {}
    i_sums: dict[str, Any] = {}
    for i, w in enumerate(ws):
        week = _in("at", w)
        a_sums[f"items{i}"] = Count("item_id", filter=week, distinct=True)
        a_sums[f"acts{i}"] = Count("pk", filter=week & Q(item__claim__isnull=False))
        a_sums[f"claims{i}"] = Count("item__claim_id", filter=week, distinct=True)
        i_sums[f"closed{i}"] = Count("pk", filter=_in("closed_at", w)
                                     & Q(status=ItemStatus.DONE))
    a = actions.aggregate(**a_sums)
    c = items.aggregate(**i_sums)
    return {
        "items_worked": [Decimal(a[f"items{i}"]) for i in range(len(ws))],
        "items_closed": [Decimal(c[f"closed{i}"]) for i in range(len(ws))],
        "touches_per_claim": [_ratio(a[f"acts{i}"], a[f"claims{i}"], "0.01")
                              for i in range(len(ws))],
    }


def _qa(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    audits = Audit.objects.filter(client_id=client_id, status=AuditStatus.DONE,
                                  score__isnull=False)
    if f.workflow:
        audits = audits.filter(workflow=f.workflow)
    sums: dict[str, Any] = {}
    for i, w in enumerate(ws):  # one definition with qa.accuracy: an item is right or wrong
        sums[f"n{i}"] = Count("pk", filter=_in("completed_at", w))
        sums[f"s{i}"] = Count("pk", filter=_in("completed_at", w) & ~QA_WRONG)
    row = audits.aggregate(**sums)
    return {"qa_accuracy": [_pct(row[f"s{i}"], row[f"n{i}"]) for i in range(len(ws))]}


FAMILIES = (_ledger, _remits, _first_pass, _scrubber, _appeals, _posting_lag, _work, _qa)


def _live(client_id: int, ws: list[Window], f: Filters) -> dict[str, list[Decimal | None]]:
    """Every family over the windows, from the rows (what the roll-up keeps)."""
    values: dict[str, list[Decimal | None]] = {}
    for family in FAMILIES:
        values.update(family(client_id, ws, f))
    return values


def scope(client_id: int, f: Filters) -> str:
    """What a kept week's figures depend on besides the week: the filters and the workflows
    whose items the viewer sees at this client (``None``: every item, the report's view)."""
    sees = "*"
    if f.viewer is not None:
        seen = visibility_for(f.viewer)
        sees = ",".join(sorted(w.value for w in Workflow if seen.can_see(client_id, w)))
    return (f"payer={f.payer_id or ''};provider={f.provider_id or ''};"
            f"workflow={f.workflow or ''};sees={sees}")


def _compute(client_id: int, weeks: Sequence[str], f: Filters) -> dict[str, list[Decimal | None]]:
    """The KPIs of ``weeks``: closed weeks from the weekly roll-up (``rollup``), the open
    week live."""
    client = Organization.objects.get(pk=client_id)
    ws = windows(client, weeks)

    def compute(some: list[Any]) -> dict[str, list[Any]]:
        values = _live(client_id, some, f)
        return {key: [rollup.text(v) for v in vs] for key, vs in values.items()}

    kept = rollup.kept(client, ws, scope(client_id, f), compute)
    return {key: [rollup.number(v) for v in vs] for key, vs in kept.items()}


def _kpi(d: Definition, value: Decimal | None) -> Kpi:
    good = None if value is None or d.judge is None else d.judge(value)
    return Kpi(d.key, d.label, value, d.unit, d.formula, d.benchmark, good, d.dimensions)


def weekly_kpis(client_id: int, week: str, *, payer_id: int | None = None,
                provider_id: int | None = None, workflow: str | None = None,
                viewer: Any = None) -> list[Kpi]:
    """Every KPI for one client and ISO week, optionally narrowed (see ``Definition.dimensions``
    for which filters a KPI honours; the others ignore them)."""
    values = _compute(client_id, [week], Filters(payer_id, provider_id, workflow, viewer))
    return [_kpi(d, values[d.key][0]) for d in DEFINITIONS]


def kpi_trend(client_id: int, last_week: str, weeks: int = 13, *, payer_id: int | None = None,
              provider_id: int | None = None, workflow: str | None = None,
              viewer: Any = None) -> dict[str, list[tuple[str, Decimal | None]]]:
    """Each KPI over ``weeks`` ISO weeks ending with ``last_week``, oldest first."""
    names = previous_weeks(last_week, weeks)
    values = _compute(client_id, names, Filters(payer_id, provider_id, workflow, viewer))
    return {d.key: list(zip(names, values[d.key], strict=True)) for d in DEFINITIONS}


def of_trend(trend: dict[str, list[tuple[str, Decimal | None]]]) -> list[Kpi]:
    """The KPIs of a trend's last week (``kpi_trend``'s last point is that week's number)."""
    return [_kpi(d, trend[d.key][-1][1]) for d in DEFINITIONS]


def week_and_trend(client_id: int, last_week: str, weeks: int = 13
                   ) -> tuple[list[Kpi], dict[str, list[tuple[str, Decimal | None]]]]:
    """``weekly_kpis`` of ``last_week`` and ``kpi_trend`` ending with it, from one pass over
    the ledger (the weekly report needs both; computing them apart reads every row twice)."""
    names = previous_weeks(last_week, weeks)
    values = _compute(client_id, names, Filters(None, None, None))
    current = [_kpi(d, values[d.key][-1]) for d in DEFINITIONS]
    return current, {d.key: list(zip(names, values[d.key], strict=True)) for d in DEFINITIONS}


def last_week_with_data(client: Organization) -> str:
    """The latest complete ISO week (before the client's current one) in which anything the
    KPIs count happened: a ledger posting, a work item opened or closed.

    Why: "last week" by the calendar is empty for a client whose files stopped coming (a
    paused feed, a demo, a client between engagements); opening on it showed $0 A/R and no
    trend. A client with no data at all gets the calendar's last week."""
    zone = client.time_zone
    before = day_start(parse_week(week_of(client.today()))[0], zone)
    latest = [JournalEntry.objects.filter(client=client, created_at__lt=before)
              .aggregate(at=Max("created_at"))["at"],
              WorkItem.objects.filter(client=client, created_at__lt=before)
              .aggregate(at=Max("created_at"))["at"],
              WorkItem.objects.filter(client=client, closed_at__lt=before)
              .aggregate(at=Max("closed_at"))["at"]]
    moments = [m for m in latest if m is not None]
    if not moments:
        return calendar_last_week(client.today())
    return week_of(local_date(max(moments), zone))


def aging(client_id: int, as_of: date, *, payer_id: int | None = None,
          provider_id: int | None = None) -> list[dict[str, Any]]:
    """Billed A/R (insurance + patient) at the end of ``as_of`` by days since date of
    service: bucket, dollars, percent of the total. One grouped query over the ledger, or,
    at the end of a closed week, its kept figures (``rollup``)."""
    client = Organization.objects.get(pk=client_id)
    if as_of.isoweekday() != 7:  # kept per week: only a week's last day is
        return _aging(client, as_of, payer_id, provider_id)
    (w,) = windows(client, [week_of(as_of)])
    f = Filters(payer_id, provider_id)

    def compute(some: list[Any]) -> dict[str, list[Any]]:
        return {"aging": [[{**row, "dollars": str(row["dollars"]),
                            "percent": rollup.text(row["percent"])}
                           for row in _aging(client, x.end_date, payer_id, provider_id)]
                          for x in some]}

    (rows,) = rollup.kept(client, [w], "aging;" + scope(client_id, f), compute)["aging"]
    return [{**row, "dollars": Decimal(row["dollars"]), "percent": rollup.number(row["percent"])}
            for row in rows]


def _aging(client: Organization, as_of: date, payer_id: int | None,
           provider_id: int | None) -> list[dict[str, Any]]:
    client_id = client.pk
    end = datetime.combine(as_of + timedelta(days=1), time.min, ZoneInfo(client.time_zone))
    entries = (LedgerEntry.objects.filter(client_id=client_id, account__in=AR_ACCOUNTS,
                                          journal__created_at__lt=end)
               .filter(Filters(payer_id, provider_id).claims("claim__")))
    sums: dict[str, Any] = {}
    for name, low, high in AGING_BUCKETS:
        q = Q(claim__service_from__lte=as_of - timedelta(days=low))
        if high is not None:
            q &= Q(claim__service_from__gte=as_of - timedelta(days=high))
        if low == 0:  # no date of service: counted as current rather than dropped
            q |= Q(claim__service_from__isnull=True) | Q(claim__service_from__gt=as_of)
        sums[name] = Sum("amount", filter=q)
    row = entries.aggregate(**sums)
    total = sum((_money(row[name]) for name, _, _ in AGING_BUCKETS), ZERO)
    return [{"bucket": name, "dollars": _money(row[name]),
             "percent": _pct(_money(row[name]), total if total > 0 else 0)}
            for name, _, _ in AGING_BUCKETS]


def top_denial_causes(client_id: int, week: str, n: int = 5, *, payer_id: int | None = None,
                      provider_id: int | None = None) -> list[dict[str, Any]]:
    """Denial work items opened in the week, grouped by category: count and dollars, the
    largest dollars first."""
    client = Organization.objects.get(pk=client_id)
    (w,) = windows(client, [week])
    rows = (WorkItem.objects.filter(client_id=client_id, kind=ItemKind.DENIAL)
            .filter(_in("created_at", w)).filter(Filters(payer_id, provider_id).claims("claim__"))
            .values("category").annotate(items=Count("pk"), dollars=Sum("amount"))
            .order_by("-dollars", "-items", "category")[:n])
    return [{"category": r["category"] or "uncategorised", "items": r["items"],
             "dollars": _money(r["dollars"])} for r in rows]


def outcomes(client_id: int, week: str, *, workflow: str | None = None) -> list[dict[str, Any]]:
    """Items closed in the week by close reason, with dollars."""
    client = Organization.objects.get(pk=client_id)
    (w,) = windows(client, [week])
    items = WorkItem.objects.filter(client_id=client_id, status=ItemStatus.DONE).filter(
        _in("closed_at", w))
    if workflow:
        items = items.filter(workflow=workflow)
    rows = (items.values("close_reason").annotate(items=Count("pk"), dollars=Sum("amount"))
            .order_by("-items", "close_reason"))
    return [{"close_reason": r["close_reason"] or "unspecified", "items": r["items"],
             "dollars": _money(r["dollars"])} for r in rows]


def days_to_pay_by_payer(client_id: int, week: str) -> list[dict[str, Any]]:
    """Mean days from claim created to 835 received, per payer, paid claims in the week."""
    client = Organization.objects.get(pk=client_id)
    (w,) = windows(client, [week])
    wait = ExpressionWrapper(F("remittance__created_at") - F("claim__created_at"),
                             output_field=DurationField())
    rows = (RemitClaim.objects.filter(remittance__client_id=client_id, claim__isnull=False,
                                      paid__gt=0).exclude(outcome="denied")
            .filter(_in("remittance__created_at", w))
            .values("claim__payer_id", "claim__payer__name")
            .annotate(claims=Count("pk"), wait=AvgAgg(wait))
            .order_by("claim__payer__name"))
    return [{"payer_id": r["claim__payer_id"], "payer": r["claim__payer__name"],
             "claims": r["claims"], "days": _days(r["wait"])} for r in rows]


__all__ = ["DEFINITIONS", "Kpi", "aging", "days_to_pay_by_payer", "kpi_trend",
           "last_week_with_data", "outcomes", "top_denial_causes", "weekly_kpis"]
