"""Who sees and changes which schedules, and a schedule as the page and the CLI say it.

A client's schedules are seen by the people who organise its work (``ASSIGN_WORK``: the
client admin, the partner lead) through their visibility (a partner lead only the jobs of
the workflows in its engagement's scope); run now by the same people where they may write;
changed (expression, on/off) only by the client admin (``EDIT_PLAYBOOKS``: the client's own
operating rules, as its playbook is). Platform schedules are the platform admin's alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Subquery

from rcmdesk.scheduler import cron, registry
from rcmdesk.scheduler.models import JobRun, Schedule
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.roles import Action, Workflow
from rcmdesk.tenancy.visibility import visibility_for

RUNS_SHOWN = 50


def sees_platform(user: Any) -> bool:
    return allows(user, Action.MANAGE_ORGANIZATIONS)


def sees_clients(user: Any) -> bool:
    return allows(user, Action.ASSIGN_WORK)


def may_open(user: Any) -> bool:
    """The menu's question: anything to show this person at all."""
    return sees_platform(user) or (sees_clients(user) and bool(visibility_for(user).client_ids))


def visible(user: Any) -> Any:
    """The schedules this person sees (a queryset)."""
    rows = Schedule.objects.none()
    if sees_clients(user):
        rows = Schedule.objects.visible_to(user)
    if sees_platform(user):
        rows = rows | Schedule.objects.filter(client__isnull=True)
    return rows.select_related("client").order_by("client__name", "job")


def may_run(user: Any, schedule: Schedule) -> bool:
    if schedule.client_id is None:
        return sees_platform(user)
    return sees_clients(user) and visibility_for(user).can_write(
        schedule.client_id, Workflow(schedule.workflow))


def may_change(user: Any, schedule: Schedule) -> bool:
    if schedule.client_id is None:
        return sees_platform(user)
    return allows(user, Action.EDIT_PLAYBOOKS) and visibility_for(user).can_write(
        schedule.client_id, Workflow(schedule.workflow))


def runs(schedule: Schedule) -> list[JobRun]:
    return list(JobRun.objects.filter(schedule=schedule).select_related("triggered_by")
                .order_by("-started_at", "-id")[:RUNS_SHOWN])


@dataclass(frozen=True)
class Described:
    schedule: Schedule
    label: str
    owner: str
    words: str
    zone: str
    last: JobRun | None


def described(schedules: list[Schedule]) -> list[Described]:
    """Each schedule in words: its job's name, its cron said in its zone, and its last run
    (one query for all the last runs)."""
    last = last_runs([s.pk for s in schedules])
    out = []
    for s in schedules:
        job = registry.get(s.job)
        out.append(Described(
            schedule=s, label=job.label if job else s.job,
            owner=s.client.name if s.client else "Platform",
            words=cron.describe(s.cron, s.time_zone), zone=s.time_zone, last=last.get(s.pk)))
    return out


def last_runs(ids: list[int]) -> dict[int, JobRun]:
    """The latest run of each schedule (by id: runs are made in the order they start)."""
    latest = (JobRun.objects.filter(schedule_id__in=ids).values("schedule_id")
              .annotate(last=Max("id")).values("last"))
    return {run.schedule_id: run for run in JobRun.objects.filter(pk__in=Subquery(latest))}


def outcome_words(outcome: dict[str, Any]) -> list[tuple[str, str]]:
    """A run's outcome as (words, value) pairs: nested counts read "created 2, closed 1"."""
    return [(_sentence(str(key)), _value(value)) for key, value in outcome.items()]


def _value(value: Any) -> str:
    """Never a Python repr on the page: a dict as "key n, key n", a list joined, yes/no."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "—" if value is None else str(value)


def _sentence(text: str) -> str:
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]
