"""The registered jobs call the apps' own services and say what they did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db.models import Q

from rcmdesk.conftest import World
from rcmdesk.qa.models import SampleDraw, SamplingPlan
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.scheduler import jobs, services
from rcmdesk.scheduler.models import RunStatus, Schedule

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)


def test_the_queue_refresh_reports_each_kind_of_item_in_words(world: World) -> None:
    outcome = jobs.queue_refresh(world.acme, now=NOW)
    assert outcome["AR follow-up"] == {"created": 0, "refreshed": 0, "closed": 0}
    assert "ar_followup" not in outcome


def test_the_weekly_report_is_made_for_that_client_only_and_kept_on_a_second_run(
        world: World) -> None:
    first = jobs.weekly_report(world.acme, now=NOW)
    assert first["generated"] == 1
    assert set(WeeklyReport.objects.values_list("client__slug", flat=True)) == {"acme"}
    assert jobs.weekly_report(world.acme, now=NOW)["already archived"] == 1


def test_the_qa_draw_draws_last_week_once_as_the_schedule(world: World) -> None:
    SamplingPlan.objects.create(engagement=world.acme_engagement)
    first = jobs.qa_draw(world.acme, now=NOW)
    assert (first["plans drawn"], first["plans already drawn"]) == (1, 0)
    draw = SampleDraw.objects.get()
    assert (draw.week, draw.drawn_by) == (first["week"], None)
    assert jobs.qa_draw(world.acme, now=NOW)["plans already drawn"] == 1


def test_the_platform_jobs_seal_and_check_the_audit_trail(world: World) -> None:
    assert set(jobs.audit_seal(now=NOW)) == {"sealed"}
    assert jobs.audit_verify(now=NOW)["warnings"] >= 0
    assert jobs.escalations_overdue(world.acme, now=NOW) == {"overdue": 0}


def test_every_registered_job_runs_through_the_scheduler_for_a_client(world: World) -> None:
    services.ensure_schedules(NOW)
    Schedule.objects.filter(Q(client=world.acme) | Q(client__isnull=True)).update(
        next_run_at=NOW)
    Schedule.objects.filter(client=world.birch).update(enabled=False)
    runs = services.run_due(NOW)
    assert sorted(r.job for r in runs) == sorted(
        Schedule.objects.filter(enabled=True).values_list("job", flat=True))
    assert [(r.job, r.error) for r in runs if r.status != RunStatus.SUCCEEDED] == []
