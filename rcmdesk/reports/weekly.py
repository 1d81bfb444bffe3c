"""The weekly client report: what the partner did for the client in one ISO week.

Every number is a set-based query over the client's rows (grouped counts and sums), so the
report costs the same few queries whatever the volume. KPI numbers come from
``rcmdesk.reports.kpis`` (one engine for the dashboard and the report); this module adds the
work-queue and control sections and renders, stores and fingerprints the result.

The archive keeps one report per client and week. Asking again for a week that exists
returns the stored report unless ``force``; a forced run replaces it, bumps ``version`` and
writes the previous fingerprint to the audit chain (see ``docs/reports.md``).
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from rcmdesk.audit.services import record
from rcmdesk.calendar import parse_week, week_window
from rcmdesk.decisions import queries as decisions
from rcmdesk.escalations.models import Escalation, EscalationStatus
from rcmdesk.labels import label
from rcmdesk.pdf import PdfUnavailable, html_to_pdf
from rcmdesk.qa import accuracy as qa_accuracy
from rcmdesk.qa.models import Audit, AuditStatus
from rcmdesk.reports import charts
from rcmdesk.reports.models import ReportStatus, WeeklyReport
from rcmdesk.servicelevels import queries as service_levels
from rcmdesk.systemaccess import report as access_report
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.workqueue import counts
from rcmdesk.workqueue.models import ItemStatus, WorkItem

ZERO = Decimal("0.00")
TREND_WEEKS = 13
OPEN_ESCALATION = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Window:
    """An ISO week as the client's local midnight-to-midnight, Monday to Monday."""

    week: str
    monday: date
    start: datetime
    end: datetime

    @classmethod
    def of(cls, client: Organization, week: str) -> Window:
        start, end = week_window(week, client.time_zone)
        return cls(week, parse_week(week)[0], start, end)

    @property
    def last_day(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass
class Content:
    client: Organization
    window: Window
    volume: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    kpis: list[Any] = field(default_factory=list)
    tiles: list[Any] = field(default_factory=list)
    trend_charts: list[SafeString] = field(default_factory=list)  # SVG (charts.kpi_trends)
    aging_chart: str = ""
    denial_chart: str = ""
    aging: list[dict[str, Any]] = field(default_factory=list)
    denial_causes: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, Any] = field(default_factory=dict)
    escalations: dict[str, Any] = field(default_factory=dict)
    qa: dict[str, Any] = field(default_factory=dict)
    access: dict[str, Any] = field(default_factory=dict)  # systemaccess.report
    missing: list[str] = field(default_factory=list)  # sections the KPI engine could not fill
    engagements: list[dict[str, Any]] = field(default_factory=list)  # engagements.report
    service_levels: list[Any] = field(default_factory=list)  # servicelevels.queries.Row
    expected_payment: dict[str, Any] = field(default_factory=dict)  # contracts.scorecard


def build(client: Organization, week: str) -> Content:
    window = Window.of(client, week)
    content = Content(client, window)
    items = WorkItem.objects.filter(client=client)
    content.volume = _volume(client, items, window)
    content.outcomes = _outcomes(items, window)
    _fill_kpis(content)
    content.decisions = _decisions(client, window)
    content.escalations = _escalations(client, window)
    content.qa = _qa(client, window)
    content.access = access_report.weekly_section(client, window.end)
    content.engagements = _engagements(client, window)
    content.service_levels = service_levels.weekly(client, week)
    content.expected_payment = _expected_payment(client, window)
    return content


def _expected_payment(client: Organization, window: Window) -> dict[str, Any]:
    """Underpayments found and recovered, recoupments and pay rate against contract for
    the week (``contracts.scorecard``: contracts sit above reports' inputs, so imported here)."""
    from rcmdesk.contracts.scorecard import weekly_section

    return weekly_section(client, window.monday, window.last_day)


def _engagements(client: Organization, window: Window) -> list[dict[str, Any]]:
    """What each engagement's model says to show (plan against use, or a burn-down)."""
    from rcmdesk.engagements.report import weekly_section

    return weekly_section(client, window)


def _volume(client: Organization, items: Any, window: Window) -> list[dict[str, Any]]:
    """Per workflow: items opened, worked (touched by a person that week, with the number of
    touches: ``workqueue.counts``, the KPI's definition) and closed, with $ closed."""
    in_week = Q(created_at__gte=window.start, created_at__lt=window.end)
    closed = Q(closed_at__gte=window.start, closed_at__lt=window.end)
    rows = {r["workflow"]: r for r in items.values("workflow").annotate(
        opened=Count("pk", filter=in_week), closed=Count("pk", filter=closed),
        closed_dollars=Sum("amount", filter=closed, default=ZERO))}
    worked = counts.worked(None, client.pk, window.start, window.end)
    for workflow, w in worked.items():
        row = rows.setdefault(workflow, {"workflow": workflow, "opened": 0, "closed": 0,
                                         "closed_dollars": ZERO})
        row["touched"], row["actions"] = w.items, w.touches
    result = [r for r in rows.values() if r["opened"] or r["closed"] or r.get("touched")]
    for r in result:
        r.setdefault("touched", 0)
        r.setdefault("actions", 0)
    return sorted(result, key=lambda r: str(r["workflow"]))


def _outcomes(items: Any, window: Window) -> list[dict[str, Any]]:
    closed = items.filter(status=ItemStatus.DONE, closed_at__gte=window.start,
                          closed_at__lt=window.end)
    return list(closed.values("close_reason").annotate(items=Count("pk"),
                                                       dollars=Sum("amount", default=ZERO))
                .order_by("-items", "close_reason"))


def _kpi_engine() -> Any:
    """The KPI module, or None while it is not installed (the report then says so)."""
    try:
        return importlib.import_module("rcmdesk.reports.kpis")
    except ModuleNotFoundError:
        return None


def _fill_kpis(content: Content) -> None:
    engine = _kpi_engine()
    if engine is None:
        content.missing.append("KPIs, trends, aging and denial causes (KPI engine absent)")
        return
    client_id, week = content.client.pk, content.window.week
    current, trend = engine.week_and_trend(client_id, week, TREND_WEEKS)
    content.kpis = list(current)
    content.tiles = [_tile(k, trend[k.key]) for k in content.kpis if k.key in TILES]
    content.aging = [dict(row) for row in engine.aging(client_id, content.window.last_day)]
    content.denial_causes = [{**row, "name": _capital(label(row["category"], "root_cause"))}
                             for row in engine.top_denial_causes(client_id, week, n=5)]
    units = {k.key: (k.label, k.unit) for k in content.kpis}
    content.trend_charts = charts.kpi_trends(trend, units)
    content.aging_chart = charts.aging_bars(content.aging)
    content.denial_chart = charts.denial_pareto(
        content.denial_causes, [r["name"] for r in content.denial_causes])


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Tile:
    """A KPI on the summary's first page, with where it is heading: against last week and
    against its 13-week average (``trend_class`` says whether the move is good news)."""

    kpi: Any
    last_week: Decimal | None
    average: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.kpi.value is None or self.last_week is None:
            return None
        return Decimal(self.kpi.value - self.last_week)

    @property
    def arrow(self) -> str:
        change = self.change
        return "" if change is None else "▲" if change > 0 else "▼" if change < 0 else "▶"

    @property
    def trend_class(self) -> str:
        """``up-good``, ``down-bad`` ...: the arrow's colour says good or bad news."""
        change, higher = self.change, TILES.get(self.kpi.key)
        if not change or higher is None:
            return ""
        return f"{'up' if change > 0 else 'down'}-{'good' if (change > 0) == higher else 'bad'}"


# The summary's tiles: KPI key -> True when a higher number is better, False when lower is.
TILES: dict[str, bool | None] = {
    "days_in_ar": False, "ar_over_90_pct": False, "net_collection_rate": True,
    "denial_rate_count": False, "first_pass_resolution_rate": True, "clean_claim_rate": True,
    "items_closed": None, "qa_accuracy": True}


def _tile(kpi: Any, points: list[tuple[str, Decimal | None]]) -> Tile:
    before = points[-2][1] if len(points) > 1 else None
    values = [v for _, v in points if v is not None]
    average = None
    if values:
        average = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))
    return Tile(kpi, before, average)


def _decisions(client: Organization, window: Window) -> dict[str, Any]:
    """Decisions waiting on the client at the end of the week (the inbox's count)."""
    waiting = decisions.waiting(None, [client.pk], before=window.end,
                                now=min(timezone.now(), window.end))
    out: dict[str, Any] = {"count": waiting.count, "dollars": waiting.amount}
    if waiting.oldest is not None:
        out["oldest_days"] = waiting.oldest.days
    return out


def _escalations(client: Organization, window: Window) -> dict[str, Any]:
    """Open at the end of the week; overdue = no first response and past its due time."""
    open_ = Escalation.objects.filter(client=client, status__in=OPEN_ESCALATION,
                                      created_at__lt=window.end)
    return open_.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(first_response_at__isnull=True,
                                     response_due_at__lt=window.end)))


def _qa(client: Organization, window: Window) -> dict[str, Any]:
    """Audits completed in the week, and accuracy with its 90 % interval and sample size
    (``qa.accuracy``: the share of audited items found right), so "96 %" on 25 audits shows
    how little or much it proves (rendered by ``qa/_weekly_accuracy.html``)."""
    done = Audit.objects.filter(client=client, status=AuditStatus.DONE,
                                completed_at__gte=window.start, completed_at__lt=window.end)
    return {"audits": done.count(),
            "estimate": qa_accuracy.accuracy(client.pk, window.start, window.end)}


def render_html(content: Content) -> str:
    """The report body (a fragment): the page wraps it in the site layout, the PDF in a
    print layout, so the archived HTML is exactly what both show."""
    return render_to_string("reports/weekly_body.html", {"c": content})


STYLES = Path(__file__).parent / "static" / "reports" / "reports.css"


def render_pdf(client: Organization, week: str, body: str) -> bytes:
    """The print layout: the page's own stylesheet (one home for tiles and charts) plus the
    print rules (letter pages, the two summary pages, the appendix on a page of its own)."""
    document = render_to_string("reports/weekly_print.html",
                                {"client": client, "week": week, "body": body,
                                 "css": STYLES.read_text()})
    return html_to_pdf(document, what="PDF reports")


def fingerprint(html: str, pdf: bytes) -> str:
    digest = hashlib.sha256(html.encode())
    digest.update(b"\0")
    digest.update(pdf)
    return digest.hexdigest()


def generate(client: Organization, week: str, *, acting_user: Any = None, force: bool = False,
             engagement: Engagement | None = None) -> tuple[WeeklyReport, bool]:
    """The client's report for ``week`` (made now unless archived); True when made now.

    Permission is the caller's business (views, CLI and task check before calling)."""
    parse_week(week)
    existing = WeeklyReport.objects.filter(client=client, week=week).first()
    if existing is not None and not force:
        return existing, False
    body = render_html(build(client, week))
    try:
        pdf, status = render_pdf(client, week, body), ReportStatus.READY
    except PdfUnavailable:
        pdf, status = b"", ReportStatus.HTML_ONLY
    engagement = engagement or _sole_engagement(client)
    values = {"engagement": engagement, "generated_at": timezone.now(),
              "generated_by": acting_user if getattr(acting_user, "pk", None) else None,
              "html": body,
              "pdf": pdf, "sha256": fingerprint(body, pdf), "status": status}
    with transaction.atomic():
        if existing is None:
            report = WeeklyReport.objects.create(client=client, week=week, **values)
            record("reports.weekly.generated", client_id=client.pk, obj=report,
                   acting_user=acting_user,
                   detail={"week": week, "sha256": report.sha256, "status": status})
            return report, True
        previous = existing.sha256
        for name, value in values.items():
            setattr(existing, name, value)
        existing.version += 1
        existing.save()
        record("reports.weekly.regenerated", client_id=client.pk, obj=existing,
               acting_user=acting_user,
               detail={"week": week, "sha256": existing.sha256, "previous_sha256": previous,
                       "version": existing.version})
    return existing, True


def _sole_engagement(client: Organization) -> Engagement | None:
    """The engagement a report belongs to when the client has exactly one active."""
    active = list(Engagement.objects.filter(client=client)
                  .active_on(client.today())[:2])
    return active[0] if len(active) == 1 else None
