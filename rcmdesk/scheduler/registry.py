"""The job registry: what the scheduler can run, by name.

A job is a plain function decorated with ``@job``; the registry keeps its name, the words a
page shows, its default cron expression and the workflow its failures belong to. Nothing
here touches the database, so registering a job costs an import and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rcmdesk.tenancy.roles import Workflow

JobFn = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    default_cron: str
    workflow: Workflow
    per_client: bool
    fn: JobFn


_JOBS: dict[str, Job] = {}


class DuplicateJob(ValueError):
    """Two functions claimed one job name: a schedule row could not tell them apart."""


def job(name: str, *, label: str, default_cron: str, workflow: Workflow,
        per_client: bool = True) -> Callable[[JobFn], JobFn]:
    """Register ``fn`` as the job ``name``; the function itself is returned unchanged.

    Per client: ``fn(client, *, now) -> dict``; a platform job: ``fn(*, now) -> dict``. The
    dict is the run's outcome, shown on the page: short words and counts, no patient data.
    """
    from rcmdesk.scheduler.cron import check

    check(default_cron)

    def register(fn: JobFn) -> JobFn:
        known = _JOBS.get(name)
        if known is not None and known.fn is not fn:
            raise DuplicateJob(f"job {name!r} is already registered by {known.fn.__qualname__}")
        _JOBS[name] = Job(name, label, default_cron, workflow, per_client, fn)
        return fn

    return register


def jobs() -> list[Job]:
    """Every registered job, by name."""
    return [_JOBS[name] for name in sorted(_JOBS)]


def get(name: str) -> Job | None:
    return _JOBS.get(name)


def unregister(name: str) -> None:
    """For tests that register a job of their own."""
    _JOBS.pop(name, None)
