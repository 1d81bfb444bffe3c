"""Birch's weekly report for the isolation sweep (``tenancy/tests/test_isolation_sweep.py``):
its archived HTML carries Birch's name, so any page that showed it would leak."""

from __future__ import annotations

from django.utils import timezone

from rcmdesk.conftest import World
from rcmdesk.reports.models import WeeklyReport


def birch_objects(world: World) -> dict[str, str]:
    report = WeeklyReport.objects.create(
        client=world.birch, week="2026-W45", generated_at=timezone.now(),
        html="<h1>Birch Valley Hospital birch-secret-marker</h1>", pdf=b"%PDF-birch",
        sha256="0" * 64)
    return {"report_id": str(report.pk)}
