"""``rcmdesk schedule ...`` and the worker's one-shot run of due jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.scheduler.models import JobRun, RunTrigger, Schedule
from rcmdesk.scheduler.tests.conftest import Probe

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_list_shows_a_clients_schedules_in_words(world: World) -> None:
    result = runner.invoke(app, ["schedule", "list", "--client", "birch"])
    assert result.exit_code == 0, result.output
    weekly = next(line for line in result.stdout.splitlines()
                  if line.startswith("weekly_report"))
    assert weekly.split("\t")[:5] == ["weekly_report", "Birch Valley Hospital", "0 6 * * 1",
                                      "At 06:00 on Monday, Central time", "on"]
    assert weekly.endswith("never run")
    assert "acme" not in result.stdout.lower()


def test_run_records_a_manual_run_and_exits_by_its_result(world: World, probe: Probe) -> None:
    result = runner.invoke(app, ["schedule", "run", "probe", "--client", "acme", "--as",
                                 "acme.admin"])
    assert result.exit_code == 0, result.output
    run = JobRun.objects.get(job="probe")
    assert (run.trigger, run.triggered_by.username) == (RunTrigger.MANUAL, "acme.admin")
    probe.fail = True
    failed = runner.invoke(app, ["schedule", "run", "probe", "--client", "acme"])
    assert failed.exit_code == 1
    assert "refused the login" in failed.stdout
    assert runner.invoke(app, ["schedule", "run", "nothing", "--client", "acme"]).exit_code == 2


@pytest.mark.django_db(transaction=True)  # the task worker closes its connection
def test_run_due_and_the_batch_worker_run_what_is_due(world: World, probe: Probe) -> None:
    assert runner.invoke(app, ["schedule", "run-due"]).stdout.strip() == "0 run(s)"
    Schedule.objects.filter(job="probe", client=world.acme).update(
        next_run_at=timezone.now() - timedelta(minutes=1))
    result = runner.invoke(app, ["schedule", "run-due"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "1 run(s)"
    Schedule.objects.filter(job="probe", client=world.birch).update(
        next_run_at=timezone.now() - timedelta(minutes=1))
    worker = runner.invoke(app, ["worker", "--batch"])
    assert worker.exit_code == 0, worker.output
    assert [slug for slug, _ in probe.calls] == ["acme", "birch"]


@pytest.mark.django_db(transaction=True)
def test_the_batch_worker_leaves_schedules_alone_when_the_scheduler_is_off(
        world: World, probe: Probe, settings: object) -> None:
    settings.RCMDESK_SCHEDULER = False  # type: ignore[attr-defined]
    runner.invoke(app, ["schedule", "list"])
    Schedule.objects.filter(job="probe").update(next_run_at=timezone.now())
    assert runner.invoke(app, ["worker", "--batch"]).exit_code == 0
    assert probe.calls == []
