"""Claiming and running due schedules, recording runs, and failures becoming work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.scheduler import registry, services
from rcmdesk.scheduler.models import JobRun, RunStatus, RunTrigger, Schedule
from rcmdesk.scheduler.tests.conftest import Probe, schedule_for
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

pytestmark = pytest.mark.django_db

MONDAY_6_NY = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # 06:00 EST


def test_ensure_schedules_makes_one_per_client_and_platform_job_once(world: World) -> None:
    made = services.ensure_schedules(MONDAY_6_NY)
    per_client = [j for j in registry.jobs() if j.per_client]
    platform = [j for j in registry.jobs() if not j.per_client]
    assert made == 2 * len(per_client) + len(platform)  # acme and birch
    assert services.ensure_schedules(MONDAY_6_NY) == 0
    weekly = Schedule.objects.get(job="weekly_report", client=world.birch)
    # 06:00 in New York is 05:00 in Chicago: its Monday 06:00 is an hour later
    assert weekly.next_run_at == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert Schedule.objects.get(job="audit_seal", client=None).workflow == "reporting"


def test_a_due_schedule_runs_once_with_the_callers_now(world: World, probe: Probe) -> None:
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    later = MONDAY_6_NY + timedelta(minutes=3)
    [run] = services.run_due(later)
    assert probe.calls == [("acme", later)]
    assert (run.status, run.trigger, run.outcome, run.started_at) == (
        RunStatus.SUCCEEDED, RunTrigger.SCHEDULE, {"files fetched": 3}, later)
    row.refresh_from_db()
    assert row.next_run_at == MONDAY_6_NY + timedelta(days=7)
    assert (row.lease_token, row.lease_expires_at) == ("", None)
    assert services.run_due(later) == []  # not due again until next Monday


def test_what_is_not_due_switched_off_or_leased_does_not_run(world: World,
                                                             probe: Probe) -> None:
    schedule_for(world.acme, next_run_at=MONDAY_6_NY + timedelta(hours=1))
    off = schedule_for(world.birch, next_run_at=MONDAY_6_NY)
    Schedule.objects.filter(pk=off.pk).update(enabled=False)
    assert services.run_due(MONDAY_6_NY) == []
    Schedule.objects.filter(pk=off.pk).update(
        enabled=True, lease_token="other", lease_expires_at=MONDAY_6_NY + timedelta(minutes=5))
    assert services.run_due(MONDAY_6_NY) == []
    assert probe.calls == []


def test_a_dead_workers_lease_lapses_and_its_open_run_is_closed_as_failed(
        world: World, probe: Probe) -> None:
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    Schedule.objects.filter(pk=row.pk).update(lease_token="dead",
                                              lease_expires_at=MONDAY_6_NY)
    dead = JobRun.objects.create(schedule=row, client=world.acme, job="probe",
                                 started_at=MONDAY_6_NY - timedelta(hours=1))
    [run] = services.run_due(MONDAY_6_NY + timedelta(seconds=1))
    dead.refresh_from_db()
    assert (dead.status, dead.error) == (RunStatus.FAILED, services.DEAD_RUN)
    assert run.status == RunStatus.SUCCEEDED


def test_a_week_of_simulated_ticks_runs_a_monday_job_on_each_monday_only(
        world: World, probe: Probe) -> None:
    schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    start = MONDAY_6_NY - timedelta(hours=1)
    for hour in range(24 * 14):
        services.run_due(start + timedelta(hours=hour))
    assert [when for _, when in probe.calls] == [MONDAY_6_NY, MONDAY_6_NY + timedelta(days=7)]


def failure_items(world: World) -> list[WorkItem]:
    return list(WorkItem.objects.filter(client=world.acme, kind=ItemKind.JOB_FAILURE))


def test_one_failure_is_recorded_in_words_and_opens_no_item(world: World,
                                                            probe: Probe) -> None:
    probe.fail = True
    schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    [run] = services.run_due(MONDAY_6_NY)
    assert run.status == RunStatus.FAILED
    assert run.error == ("The job stopped with an unexpected error (RuntimeError: the payer's "
                         "mailbox refused the login)")
    assert failure_items(world) == []


def test_failing_twice_opens_one_item_for_the_lead_and_success_closes_it(
        world: World, probe: Probe) -> None:
    probe.fail = True
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    for week in range(3):
        services.run_due(MONDAY_6_NY + timedelta(days=7 * week))
    [item] = failure_items(world)
    assert (item.workflow, item.status, item.source_key) == ("ar_followup", ItemStatus.OPEN,
                                                             "job:probe")
    assert item.title == "Scheduled job “Probe job” failed 3 times in a row"
    assert "refused the login" in item.detail["message"]
    assert Schedule.objects.get(pk=row.pk).consecutive_failures == 3
    lead = world.user(Role.PARTNER_LEAD)
    assert WorkItem.objects.visible_to(lead).filter(pk=item.pk).exists()

    probe.fail = False
    services.run_due(MONDAY_6_NY + timedelta(days=21))
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert item.close_reason.startswith("the job succeeded again")
    assert Schedule.objects.get(pk=row.pk).consecutive_failures == 0


def test_a_platform_job_failing_twice_is_put_on_the_platform_trail(
        world: World) -> None:
    def broken(*, now: datetime) -> dict[str, int]:
        raise RuntimeError("disk full")

    registry.job("test_platform", label="Platform probe", default_cron="*/5 * * * *",
                 workflow=registry.Workflow.REPORTING, per_client=False)(broken)
    try:
        schedule_for(None, job="test_platform", cron="*/5 * * * *", next_run_at=MONDAY_6_NY,
                     workflow="reporting")
        services.run_due(MONDAY_6_NY)
        assert not AuditEvent.objects.filter(action="scheduler.job_failing").exists()
        services.run_due(MONDAY_6_NY + timedelta(minutes=5))
    finally:
        registry.unregister("test_platform")
    event = AuditEvent.objects.get(action="scheduler.job_failing")
    assert (event.client_org_id, event.detail["failures"]) == (None, 2)
    assert not WorkItem.objects.filter(kind=ItemKind.JOB_FAILURE).exists()


def test_run_now_is_recorded_as_manual_with_who_and_keeps_the_next_time(
        world: World, probe: Probe) -> None:
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    admin = world.user(Role.CLIENT_ADMIN)
    run = services.run_now(row, acting_user=admin, now=MONDAY_6_NY - timedelta(days=1))
    assert (run.trigger, run.triggered_by, run.status) == (RunTrigger.MANUAL, admin,
                                                           RunStatus.SUCCEEDED)
    assert Schedule.objects.get(pk=row.pk).next_run_at == MONDAY_6_NY
    event = AuditEvent.objects.get(action="scheduler.run_now")
    assert (event.client_org_id, event.detail) == (world.acme.pk, {"job": "probe",
                                                                   "run": run.pk})


def test_run_now_is_refused_while_the_schedule_is_leased(world: World, probe: Probe) -> None:
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    Schedule.objects.filter(pk=row.pk).update(
        lease_token="busy", lease_expires_at=MONDAY_6_NY + timedelta(minutes=30))
    with pytest.raises(services.AlreadyRunning):
        services.run_now(row, acting_user=world.user(Role.CLIENT_ADMIN), now=MONDAY_6_NY)
    assert probe.calls == []


def test_changing_the_cron_is_audited_and_moves_the_next_run(world: World,
                                                             probe: Probe) -> None:
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    admin = world.user(Role.CLIENT_ADMIN)
    services.change(row, acting_user=admin, cron_expr="0 7 * * 2", enabled=True,
                    now=MONDAY_6_NY)
    row.refresh_from_db()
    assert (row.cron, row.next_run_at) == ("0 7 * * 2", datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    event = AuditEvent.objects.get(action="scheduler.schedule_changed")
    assert event.detail == {"job": "probe", "cron_was": "0 6 * * 1", "cron": "0 7 * * 2",
                            "enabled_was": True, "enabled": True}
    with pytest.raises(services.cron.BadCron):
        services.change(row, acting_user=admin, cron_expr="soon")


def test_an_inactive_clients_schedules_wait(world: World, probe: Probe) -> None:
    schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    world.acme.is_active = False
    world.acme.save(update_fields=["is_active"])
    assert services.run_due(MONDAY_6_NY) == []
    assert probe.calls == []


def test_old_succeeded_runs_are_pruned_and_failed_ones_kept(world: World, settings) -> None:
    settings.RCMDESK_SCHEDULER_KEEP_DAYS = 30
    row = schedule_for(world.acme, next_run_at=MONDAY_6_NY)
    old, recent = MONDAY_6_NY - timedelta(days=31), MONDAY_6_NY - timedelta(days=29)
    for when, status in ((old, RunStatus.SUCCEEDED), (old, RunStatus.FAILED),
                         (recent, RunStatus.SUCCEEDED)):
        JobRun.objects.create(schedule=row, client=world.acme, job=row.job, started_at=when,
                              finished_at=when, status=status)
    assert services.prune_runs(MONDAY_6_NY) == 1
    assert sorted(JobRun.objects.values_list("status", "finished_at")) == sorted(
        [(RunStatus.FAILED, old), (RunStatus.SUCCEEDED, recent)])
