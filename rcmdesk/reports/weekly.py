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
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.template.loader import render_to_string
from django.utils import timezone

from rcmdesk.audit.services import record
from rcmdesk.calendar import parse_week, previous_weeks, week_of
from rcmdesk.decisions import queries as decisions
from rcmdesk.escalations.models import Escalation, EscalationStatus
from rcmdesk.pdf import PdfUnavailable, html_to_pdf
from rcmdesk.qa.models import Audit, AuditStatus
from rcmdesk.reports import charts
from rcmdesk.reports.models import ReportStatus, WeeklyReport
from rcmdesk.tenancy.models import Engagement, Organization
from rcmdesk.workqueue import counts
from rcmdesk.workqueue.models import ItemStatus, WorkItem

ZERO = Decimal("0.00")
TREND_WEEKS = 13
TREND_CHARTS = 6  # the first KPIs with data get a line chart; the rest stay in the table
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
        monday, next_monday = parse_week(week)
        zone = ZoneInfo(client.time_zone)
        return cls(week, monday, datetime.combine(monday, time.min, zone),
                   datetime.combine(next_monday, time.min, zone))

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
    trend_charts: list[dict[str, str]] = field(default_factory=list)
    aging: list[dict[str, Any]] = field(default_factory=list)
    denial_causes: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, Any] = field(default_factory=dict)
    escalations: dict[str, Any] = field(default_factory=dict)
    qa: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # sections the KPI engine could not fill


def build(client: Organization, week: str) -> Content:
    window = Window.of(client, week)
    content = Content(client, window)
    items = WorkItem.objects.filter(client=client)
    content.volume = _volume(client, items, window)
    content.outcomes = _outcomes(items, window)
    _fill_kpis(content)
    content.trend_charts.insert(0, _closed_per_week_chart(client, week))
    content.decisions = _decisions(client, window)
    content.escalations = _escalations(client, window)
    content.qa = _qa(client, window)
    return content


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
    content.aging = [dict(row) for row in engine.aging(client_id, content.window.last_day)]
    content.denial_causes = list(engine.top_denial_causes(client_id, week, n=5))
    units = {k.key: (k.label, k.unit) for k in content.kpis}
    drawn = 0
    for key, points in trend.items():
        if drawn >= TREND_CHARTS or not any(v for _, v in points):  # nothing to see
            continue
        label, unit = units.get(key, (key, ""))
        svg = charts.line_chart(f"{label} — last {len(points)} weeks",
                                [w[-3:] for w, _ in points], {label: [v for _, v in points]},
                                unit)
        content.trend_charts.append({"title": label, "src": charts.data_uri(svg)})
        drawn += 1
    if content.denial_causes:
        svg = charts.bar_chart("Top denial causes ($ denied this week)",
                               [str(r["category"]) for r in content.denial_causes],
                               [r["dollars"] for r in content.denial_causes], "$")
        content.trend_charts.append({"title": "Top denial causes", "src": charts.data_uri(svg)})


def _closed_per_week_chart(client: Organization, week: str) -> dict[str, str]:
    """Items closed per week over the trend window (one grouped query), as a bar chart."""
    weeks = previous_weeks(week, TREND_WEEKS)
    first, last = Window.of(client, weeks[0]), Window.of(client, week)
    per_week = (WorkItem.objects.filter(client=client, closed_at__gte=first.start,
                                        closed_at__lt=last.end)
                .annotate(monday=TruncWeek("closed_at", tzinfo=ZoneInfo(client.time_zone)))
                .values("monday").annotate(n=Count("pk")).values_list("monday", "n"))
    counts = dict.fromkeys(weeks, 0)
    for monday, n in per_week:
        counts[week_of(monday.date() if isinstance(monday, datetime) else monday)] += n
    svg = charts.bar_chart("Items closed per week", [w[-3:] for w in weeks],
                           [Decimal(counts[w]) for w in weeks], "items")
    return {"title": "Items closed per week", "src": charts.data_uri(svg)}


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
    """Audits scored in the week; accuracy is the mean audit score (points passed / scored)."""
    done = Audit.objects.filter(client=client, status=AuditStatus.DONE,
                                completed_at__gte=window.start, completed_at__lt=window.end)
    scored = done.aggregate(audits=Count("pk"), scored=Count("score"), total=Sum("score"))
    accuracy = None
    if scored["scored"]:
        accuracy = (Decimal(scored["total"]) * 100 / scored["scored"]).quantize(Decimal("0.1"))
    return {"audits": scored["audits"], "accuracy": accuracy}


def render_html(content: Content) -> str:
    """The report body (a fragment): the page wraps it in the site layout, the PDF in a
    print layout, so the archived HTML is exactly what both show."""
    return render_to_string("reports/weekly_body.html", {"c": content})


def render_pdf(client: Organization, week: str, body: str) -> bytes:
    document = render_to_string("reports/weekly_print.html",
                                {"client": client, "week": week, "body": body})
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
