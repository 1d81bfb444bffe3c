"""The report's own sections, the archive rule and the PDF (the issue's "Done when")."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.reports import weekly
from rcmdesk.reports.models import ReportStatus
from rcmdesk.reports.tests.builders import WEEK, acme_week


def test_volume_counts_items_opened_touched_and_closed_per_workflow(world: World) -> None:
    acme_week(world)
    content = weekly.build(world.acme, WEEK)
    rows = {r["workflow"]: r for r in content.volume}
    assert rows["denials"]["closed"] == 3
    assert rows["denials"]["closed_dollars"] == Decimal("245.50")
    assert rows["denials"]["touched"] == 3
    assert rows["ar_followup"]["opened"] == 1
    assert rows["ar_followup"]["closed"] == 0
    assert rows["ar_followup"]["touched"] == 0  # opened by an event: nobody worked it yet


def test_outcomes_group_the_weeks_closures_by_reason_with_dollars(world: World) -> None:
    acme_week(world)
    outcomes = weekly.build(world.acme, WEEK).outcomes
    assert outcomes[0] == {"close_reason": "paid after appeal", "items": 2,
                           "dollars": Decimal("200.00")}


def test_another_week_and_another_client_show_no_work(world: World) -> None:
    acme_week(world)
    assert weekly.build(world.acme, "2026-W44").volume == []
    assert weekly.build(world.birch, WEEK).volume == []


def test_an_archived_week_is_kept_unless_forced_and_the_replacement_is_audited(
        world: World) -> None:
    acme_week(world)
    first, made = weekly.generate(world.acme, WEEK)
    again, made_again = weekly.generate(world.acme, WEEK)
    assert made
    assert not made_again
    assert (again.pk, again.version) == (first.pk, 1)
    replaced, _ = weekly.generate(world.acme, WEEK, force=True)
    assert (replaced.pk, replaced.version) == (first.pk, 2)
    event = AuditEvent.objects.get(action="reports.weekly.regenerated")
    assert event.detail["previous_sha256"] == first.sha256


def test_the_report_names_the_client_and_carries_the_charts(world: World) -> None:
    acme_week(world)
    report, _ = weekly.generate(world.acme, WEEK)
    assert "Acme Family Medicine" in report.html
    assert "$245.50" in report.html  # money keeps its cents
    drawn = report.html.count('<svg xmlns="http://www.w3.org/2000/svg"')
    assert drawn >= 1
    assert drawn + report.html.count('class="chart-empty"') == 6  # 4 trends, aging, causes
    assert "style=" not in report.html  # the page's CSP blocks inline styles
    assert report.generated_by is None  # no person asked


def test_without_weasyprint_the_report_is_archived_as_html_only(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    acme_week(world)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import raises ImportError
    report, _ = weekly.generate(world.acme, WEEK)
    assert (report.status, bytes(report.pdf)) == (ReportStatus.HTML_ONLY, b"")
    assert "Acme Family Medicine" in report.html


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                    reason="poppler-utils (scripts/system-deps) not installed")
def test_the_pdf_renders_a_non_blank_first_page_naming_the_client(world: World,
                                                                  tmp_path: Path) -> None:
    acme_week(world)
    report, _ = weekly.generate(world.acme, WEEK)
    if report.status == ReportStatus.HTML_ONLY:
        pytest.skip("WeasyPrint or Pango missing on this machine")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(bytes(report.pdf))
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Acme Family Medicine" in text
    assert _ink(png) > 0.01


def test_the_pdf_is_a_two_page_summary_followed_by_the_appendix(world: World) -> None:
    acme_week(world)
    report, _ = weekly.generate(world.acme, WEEK)
    if report.status == ReportStatus.HTML_ONLY:
        pytest.skip("WeasyPrint or Pango missing on this machine")
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(bytes(report.pdf))).pages]
    first_appendix_page = next(i for i, text in enumerate(pages) if "Appendix" in text)
    assert first_appendix_page == 2  # pages 1 and 2 are the summary
    assert "weekly summary" in pages[0]
    assert "Days in A/R" in pages[0]  # the KPI tiles lead
    assert "Last 13 weeks" in pages[1]
    assert "Every KPI this week" in pages[2]


def _ink(png: Path) -> float:
    """The share of page-1 pixels that are not white (0.0: a blank page)."""
    image = pytest.importorskip("PIL.Image").open(png).convert("L")
    histogram = image.histogram()
    return 1 - float(sum(histogram[250:])) / float(sum(histogram))


def test_open_decisions_count_proposals_still_waiting_at_the_weeks_end(world: World) -> None:
    from rcmdesk.decisions.models import Proposal
    from rcmdesk.reports.tests.builders import IN_WEEK

    for amount, status in (("50.00", "proposed"), ("70.00", "proposed"), ("9.00", "rejected")):
        Proposal.objects.create(client=world.acme, kind="write_off", amount=Decimal(amount),
                                status=status, reasons="timely filing", proposed_at=IN_WEEK)
    decisions = weekly.build(world.acme, WEEK).decisions
    assert (decisions["count"], decisions["dollars"]) == (2, Decimal("120.00"))
    assert decisions["oldest_days"] == 4  # Wednesday afternoon to the next Monday
