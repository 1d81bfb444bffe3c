"""Running the schedules: make them, claim the due ones, run, record.

``run_due(now)`` is the whole loop a worker calls every tick. Each due schedule is claimed in
a short transaction of its own (``SELECT ... FOR UPDATE SKIP LOCKED`` on one row, its lease
taken and ``next_run_at`` moved past ``now``), then run with no lock held, then its run is
recorded; a second worker calling ``run_due`` at the same moment skips the row being claimed
and finds it leased (or no longer due) afterwards, so a schedule never runs twice at once.
Missed times are not replayed: a worker down for a day runs each job once when it comes
back, at its next tick. A worker that dies mid-run leaves its run ``running``; the next claim
of that schedule closes it as failed, with that reason.

``now`` is explicit everywhere and handed to the job, so a test can drive simulated days.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.audit.context import acting
from rcmdesk.audit.services import record
from rcmdesk.scheduler import cron, failures, registry
from rcmdesk.scheduler.models import JobRun, RunStatus, RunTrigger, Schedule
from rcmdesk.tenancy.models import Organization

logger = logging.getLogger(__name__)

DEAD_RUN = "The worker running this job stopped before it finished."


class ScheduleProblem(errors.Invalid):
    """A schedule cannot be changed as asked."""


class AlreadyRunning(errors.Conflict):
    """Someone (a worker or a person) is running this schedule right now."""


def lease_length() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "RCMDESK_SCHEDULER_LEASE", 1800)))


# --- making the schedules ------------------------------------------------------------------

def ensure_schedules(now: datetime | None = None) -> int:
    """A schedule for every registered job: per active client for client jobs, one for the
    platform's. Idempotent: existing rows (and a client admin's changes to them) are kept;
    only a job's workflow is brought up to date. Returns how many were made."""
    now = now or timezone.now()
    clients = list(Organization.objects.working())
    existing = {(s.job, s.client_id): s for s in Schedule.objects.all()}
    made = 0
    for job in registry.jobs():
        owners: list[Organization | None] = list(clients) if job.per_client else [None]
        for owner in owners:
            key = (job.name, owner.pk if owner else None)
            row = existing.get(key)
            if row is None:
                made += _make(job, owner, now)
            elif row.workflow != job.workflow:
                Schedule.objects.filter(pk=row.pk).update(workflow=job.workflow)
    return made


def _make(job: registry.Job, owner: Organization | None, now: datetime) -> int:
    zone = owner.time_zone if owner else cron.PLATFORM_ZONE
    row = Schedule(job=job.name, client=owner, workflow=job.workflow, cron=job.default_cron,
                   next_run_at=cron.next_after(job.default_cron, now, zone),
                   created_at=now, updated_at=now)
    _, created = Schedule.objects.get_or_create(
        job=job.name, client=owner,
        defaults={f: getattr(row, f) for f in ("workflow", "cron", "next_run_at",
                                               "created_at", "updated_at")})
    return int(created)


# --- the loop ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    schedule: Schedule
    token: str
    run: JobRun


def run_due(now: datetime) -> list[JobRun]:
    """Run every schedule due at ``now`` once (those another worker holds are left to it).

    It makes no schedules: ``ensure_schedules`` does (the worker's tick calls both). A
    simulation calls ``ensure_schedules(start)`` once, then ``run_due`` with its moving now;
    each job gets that now."""
    runs: list[JobRun] = []
    seen: set[int] = set()
    while (claim := _claim_next(now, seen)) is not None:
        seen.add(claim.schedule.pk)
        runs.append(_run(claim, now))
    return runs


def _claim_next(now: datetime, seen: set[int]) -> Claim | None:
    """Take one due, unleased schedule: lease, next time, a RUNNING run; all in one short
    transaction, so the lock lives for three small writes."""
    with transaction.atomic():
        row = (Schedule.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("client")
               .filter(enabled=True, next_run_at__lte=now)
               .filter(Q(client__isnull=True) | Q(client__is_active=True))
               .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
               .exclude(pk__in=seen).order_by("next_run_at", "pk").first())
        if row is None:
            return None
        row.next_run_at = cron.next_after(row.cron, now, row.time_zone)
        return _take(row, now, RunTrigger.SCHEDULE, None, ["next_run_at"])


def _take(row: Schedule, now: datetime, trigger: str, user: Any,
          also: list[str]) -> Claim:
    """Inside the caller's transaction, with ``row`` locked: lease it and open its run."""
    _close_dead_runs(row, now)
    row.lease_token = uuid.uuid4().hex
    row.lease_expires_at = now + lease_length()
    row.updated_at = now
    row.save(update_fields=["lease_token", "lease_expires_at", "updated_at", *also])
    run = JobRun.objects.create(schedule=row, client=row.client, job=row.job, started_at=now,
                                trigger=trigger, triggered_by=user)
    return Claim(row, row.lease_token, run)


def _close_dead_runs(row: Schedule, now: datetime) -> None:
    """Runs a dead worker left open: its lease has lapsed, so they will never finish."""
    JobRun.objects.filter(schedule=row, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, finished_at=now, error=DEAD_RUN)


def _run(claim: Claim, now: datetime) -> JobRun:
    """The job itself, no lock held; then the record."""
    schedule, run = claim.schedule, claim.run
    job = registry.get(schedule.job)
    started = time.monotonic()
    outcome: dict[str, Any] = {}
    error = ""
    try:
        if job is None:
            raise ScheduleProblem(f"No job called “{schedule.job}” is installed any more.")
        outcome = _call(job, schedule.client, now, run.trigger)
    except Exception as exc:
        logger.exception("scheduled job %s for %s failed", schedule.job,
                         schedule.client or "the platform")
        error = readable(exc)
    finished = now + timedelta(seconds=time.monotonic() - started)
    return _finish(claim, job, outcome, error, finished)


def _call(job: registry.Job, client: Organization | None, now: datetime,
          trigger: str) -> dict[str, Any]:
    if trigger == RunTrigger.SCHEDULE:
        with acting(None, channel="scheduler"):
            return _invoke(job, client, now)
    return _invoke(job, client, now)  # a person's run: their acting context stays


def _invoke(job: registry.Job, client: Organization | None, now: datetime) -> dict[str, Any]:
    if job.per_client:
        if client is None:
            raise ScheduleProblem(f"“{job.label}” runs per client, and this schedule has none.")
        return dict(job.fn(client, now=now))
    return dict(job.fn(now=now))


def readable(exc: BaseException) -> str:
    """What went wrong, for a person: a domain error's own sentence; otherwise its kind and
    message (the traceback is in the worker's log)."""
    if isinstance(exc, errors.DomainError):
        return str(exc)
    text = str(exc).strip() or "no message"
    return f"The job stopped with an unexpected error ({type(exc).__name__}: {text})"[:2000]


def _finish(claim: Claim, job: registry.Job | None, outcome: dict[str, Any], error: str,
            finished: datetime) -> JobRun:
    schedule, run = claim.schedule, claim.run
    run.finished_at = finished
    run.status = RunStatus.FAILED if error else RunStatus.SUCCEEDED
    run.outcome = _jsonable(outcome)
    run.error = error
    with transaction.atomic():
        run.save(update_fields=["finished_at", "status", "outcome", "error"])
        held = Schedule.objects.filter(pk=schedule.pk, lease_token=claim.token)
        held.update(lease_token="", lease_expires_at=None, updated_at=finished,
                    consecutive_failures=F("consecutive_failures") + 1 if error else 0)
        failures_now = Schedule.objects.values_list(
            "consecutive_failures", flat=True).get(pk=schedule.pk)
        if error:
            failures.failed(schedule, job, run, failures_now, finished)
        else:
            failures.succeeded(schedule, run)
    return run


def _jsonable(outcome: dict[str, Any]) -> dict[str, Any]:
    """The outcome as JSON keeps it: dates and decimals as text."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    loaded: dict[str, Any] = json.loads(json.dumps(outcome, cls=DjangoJSONEncoder))
    return loaded


# --- a person's actions --------------------------------------------------------------------

def run_now(schedule: Schedule, *, acting_user: Any, now: datetime | None = None) -> JobRun:
    """Run one schedule at once, as ``acting_user`` asked (recorded as a manual run); its
    next scheduled time is kept. Refused while a worker or someone else is running it."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (Schedule.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("client").filter(pk=schedule.pk)
               .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
               .first())
        if row is None:
            raise AlreadyRunning("This job is running right now; its run will show here "
                                 "when it ends.")
        claim = _take(row, now, RunTrigger.MANUAL, acting_user, [])
        record("scheduler.run_now", client_id=row.client_id, obj=row, acting_user=acting_user,
               detail={"job": row.job, "run": claim.run.pk})
    return _run(claim, now)


def change(schedule: Schedule, *, acting_user: Any, cron_expr: str | None = None,
           enabled: bool | None = None, now: datetime | None = None) -> Schedule:
    """Set a schedule's expression and/or switch it on or off (audited, before and after)."""
    now = now or timezone.now()
    with transaction.atomic():
        row: Schedule = Schedule.objects.select_for_update(of=("self",)).select_related(
            "client").get(pk=schedule.pk)
        before = {"cron": row.cron, "enabled": row.enabled}
        if cron_expr is not None:
            row.cron = cron.check(cron_expr)
        if enabled is not None:
            row.enabled = enabled
        after = {"cron": row.cron, "enabled": row.enabled}
        if after == before:
            return row
        row.next_run_at = cron.next_after(row.cron, now, row.time_zone)
        row.updated_at = now
        row.save(update_fields=["cron", "enabled", "next_run_at", "updated_at"])
        record("scheduler.schedule_changed", client_id=row.client_id, obj=row,
               acting_user=acting_user,
               detail={"job": row.job, "cron_was": before["cron"], "cron": row.cron,
                       "enabled_was": before["enabled"], "enabled": row.enabled})
    return row


def prune_runs(now: datetime) -> int:
    """Delete succeeded runs older than ``RCMDESK_SCHEDULER_KEEP_DAYS``; how many went.

    Every-minute jobs write a row a minute per client; kept forever they would make the
    schedules page and the table grow without end. A failed run stays: it is evidence.
    """
    cutoff = now - timedelta(days=settings.RCMDESK_SCHEDULER_KEEP_DAYS)
    deleted, _ = JobRun.objects.filter(status=RunStatus.SUCCEEDED,
                                       finished_at__lt=cutoff).delete()
    return deleted
