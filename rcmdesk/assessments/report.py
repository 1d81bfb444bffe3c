"""What the assessment report shows, built from one ``compute.Assessed``: rows in words and
the four chart SVGs, for one body template shared by the page and its PDF.

The page and the PDF must show the same numbers, so everything the templates print is
decided here (which payers are named and which folded into "other payers", the cliff's
windows in words, each assumption's source); the templates only format. Codes become words
here (``labels``) where a chart needs them; tables keep codes for the ``label`` filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from rcmdesk.assessments import charts
from rcmdesk.assessments.capacity import WorkflowCapacity
from rcmdesk.assessments.compute import Assessed
from rcmdesk.assessments.figures import ZERO, Figure, Findings
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.recommend import Proposal
from rcmdesk.assessments.work import WORKFLOW, WorkType
from rcmdesk.labels import label
from rcmdesk.pdf import html_to_pdf

STYLES = (Path(__file__).parents[1] / "reports" / "static" / "reports" / "reports.css",
          Path(__file__).parent / "static" / "assessments" / "report.css")

TOP_PAYERS = 5  # named in the aging table and chart; the rest are "Other payers"
CHART_PAYERS = 4  # a stacked bar holds four named layers and "Other payers" legibly
OTHERS = "Other payers"
PAST = "Already past"


@dataclass(frozen=True)
class PayerRow:
    payer: str
    buckets: tuple[Figure, ...]
    total: Figure
    others: bool = False  # the folded row: no single payer to filter the claims by


@dataclass(frozen=True)
class CliffRow:
    words: str
    figure: Figure
    past: bool
    top_payer: str = ""
    top_payer_figure: Figure | None = None


@dataclass(frozen=True)
class CapacityRow:
    row: WorkflowCapacity
    works: str  # the kinds of item it holds, in words
    first: bool


@dataclass(frozen=True)
class Assumption:
    work: str  # the kind of item, in words
    workflow: str  # Workflow value
    hours: Decimal
    hours_source: str
    hours_basis: str
    recovery: Decimal | None
    recovery_source: str


@dataclass(frozen=True)
class Report:
    """Everything the body template prints."""

    assessment: Assessment
    findings: Findings
    weeks: int
    hours_per_day: Decimal
    first: str  # Workflow value, "" when there is no backlog
    first_row: WorkflowCapacity | None
    proposal: Proposal | None
    reasoning: tuple[str, ...]
    capacity: tuple[CapacityRow, ...]
    ranking: tuple[WorkflowCapacity, ...]
    totals: dict[str, Any]
    aging_buckets: tuple[str, ...]
    aging: tuple[PayerRow, ...]
    aging_totals: tuple[Figure, ...]
    aging_total: Figure
    cliff: tuple[CliffRow, ...]
    denials: tuple[Any, ...]  # DenialCause
    denial_totals: dict[str, Any]
    unmatched: Any  # Backlog | None
    underpaid: Any  # Backlog | None
    backlog: tuple[Any, ...]  # Backlog, in WorkType order
    quality: tuple[Any, ...]  # Quality
    assumptions: tuple[Assumption, ...]
    files: tuple[tuple[str, int], ...]
    claim_links: bool  # the reader may open the tenant's claims (not a platform admin)
    client_slug: str
    charts: dict[str, SafeString] = field(default_factory=dict)
    burndown_end: date | None = None


def build(assessment: Assessment, assessed: Assessed, *, claim_links: bool) -> Report:
    """The report of ``assessed`` (the stored result or a what-if) for one reader."""
    f = assessed.findings
    rec = assessed.recommendation
    first_row = next((r for r in assessed.capacity if r.workflow == rec.first), None)
    aging_rows = _aging(f)
    cliff = _cliff(f)
    denial_open = sum((d.open for d in f.denials), Figure())
    denial_appealable = sum((d.appealable for d in f.denials), Figure())
    report = Report(
        assessment=assessment, findings=f, weeks=assessed.weeks,
        hours_per_day=assessed.hours_per_day, first=rec.first, first_row=first_row,
        proposal=rec.proposal, reasoning=rec.reasoning,
        capacity=tuple(CapacityRow(r, ", ".join(w.label for w in r.works),
                                   r.workflow == rec.first) for r in assessed.capacity),
        ranking=rec.ranking,
        totals={"items": sum(r.items for r in assessed.capacity),
                "dollars": sum((r.dollars for r in assessed.capacity), ZERO),
                "recoverable": sum((r.recoverable for r in assessed.capacity), ZERO),
                "expected": sum((r.expected for r in assessed.capacity), ZERO),
                "to_clear": sum(r.to_clear for r in assessed.capacity),
                "steady": sum(r.steady for r in assessed.capacity)},
        aging_buckets=f.aging.buckets, aging=aging_rows, aging_totals=f.aging.totals,
        aging_total=sum(f.aging.totals, Figure()), cliff=cliff, denials=f.denials,
        denial_totals={"open": denial_open, "appealable": denial_appealable,
                       "share": (denial_appealable.dollars * 100 / denial_open.dollars
                                 ).quantize(Decimal("0.1")) if denial_open.dollars else None},
        unmatched=f.backlog_of(WorkType.UNMATCHED_REMITS),
        underpaid=f.backlog_of(WorkType.UNDERPAYMENTS) if f.contracts_loaded else None,
        backlog=f.backlog, quality=f.quality, assumptions=_assumptions(assessed),
        files=tuple(sorted(f.files.items())), claim_links=claim_links,
        client_slug=assessment.client.slug,
        burndown_end=rec.burndown[-1][0] if rec.burndown else None)
    report.charts.update(_charts(report, assessed))
    return report


def _aging(f: Findings) -> tuple[PayerRow, ...]:
    rows = [PayerRow(r.payer, r.buckets, r.total) for r in f.aging.rows[:TOP_PAYERS]]
    rest = f.aging.rows[TOP_PAYERS:]
    if rest:
        buckets = tuple(sum((r.buckets[b] for r in rest), Figure())
                        for b in range(len(f.aging.buckets)))
        rows.append(PayerRow(f"{OTHERS} ({len(rest)})", buckets, sum(buckets, Figure()),
                             others=True))
    return tuple(rows)


def _cliff(f: Findings) -> tuple[CliffRow, ...]:
    """The windows as the findings give them (30, 60, 90 cumulative), then "already past"."""
    out = []
    for w in sorted(f.filing, key=lambda w: (w.days == 0, w.days)):
        top = max(w.by_payer, key=lambda p: p[1].dollars, default=None)
        out.append(CliffRow(PAST if w.days == 0 else f"Within {w.days} days", w.figure,
                            w.days == 0, top[0] if top else "", top[1] if top else None))
    return tuple(out)


def _assumptions(assessed: Assessed) -> tuple[Assumption, ...]:
    out = []
    for work in WorkType:
        hours = assessed.handle.get(work)
        if hours is None:
            continue
        out.append(Assumption(work.label, WORKFLOW[work], hours.hours, hours.source,
                              hours.basis, assessed.recovery.get(work),
                              assessed.recovery_source.get(work, "default")))
    return tuple(out)


def _charts(report: Report, assessed: Assessed) -> dict[str, SafeString]:
    f = report.findings
    named = f.aging.rows[:CHART_PAYERS]
    layers: list[tuple[str, tuple[Decimal, ...]]] = [
        (r.payer, tuple(b.dollars for b in r.buckets)) for r in named]
    rest = f.aging.rows[CHART_PAYERS:]
    if rest:
        layers.append((OTHERS, tuple(sum((r.buckets[b].dollars for r in rest), ZERO)
                                     for b in range(len(f.aging.buckets)))))
    points = assessed.recommendation.burndown
    return {
        "aging": charts.aging(f.aging.buckets, layers),
        "cliff": charts.cliff([r.words for r in report.cliff],
                              [r.figure.dollars for r in report.cliff], PAST),
        "pareto": charts.pareto([_capital(label(d.cause, "root_cause")) for d in f.denials],
                                [d.open.dollars for d in f.denials],
                                [d.appealable.dollars for d in f.denials]),
        "burndown": charts.burndown([f"{d.month}/{d.day}" for d, _, _ in points],
                                    [left for _, left, _ in points],
                                    [ideal for _, _, ideal in points]),
    }


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def pdf_bytes(assessment: Assessment, assessed: Assessed) -> bytes:
    """The two-page PDF (the page's body template with the print stylesheet); raises
    ``pdf.PdfUnavailable`` on a server without Pango. Claims are never linked in a PDF."""
    built = build(assessment, assessed, claim_links=False)
    body = render_to_string("assessments/report_body.html", {"r": built, "print": True})
    css = "\n".join(path.read_text(encoding="utf-8") for path in STYLES)
    document = render_to_string("assessments/report_print.html",
                                {"r": built, "body": body, "css": css})
    return html_to_pdf(document, what="PDF assessment reports")
