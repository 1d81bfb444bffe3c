"""Two workers ticking at the same moment never run one schedule twice.

Threads with their own connections, so committed rows (and locks) are shared: transactional
tests. On PostgreSQL the claim is ``FOR UPDATE SKIP LOCKED`` plus the lease; on SQLite the
project's IMMEDIATE transactions serialise the same code.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db import connection

from rcmdesk.conftest import World
from rcmdesk.scheduler import registry, services
from rcmdesk.scheduler.models import JobRun, RunStatus
from rcmdesk.scheduler.tests.conftest import Probe, schedule_for
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow

NOW = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
CLIENTS = 12


class SlowProbe(Probe):
    """Long enough that the other worker's claim falls inside this run."""

    def __call__(self, client: Organization, *, now: datetime) -> dict[str, object]:
        time.sleep(0.05)
        return super().__call__(client, now=now)


@pytest.mark.django_db(transaction=True)
def test_two_workers_calling_run_due_at_once_run_each_schedule_once(world: World,
                                                                    probe: Probe) -> None:
    slow = SlowProbe()
    registry.unregister("probe")
    registry.job("probe", label="Probe job", default_cron="0 6 * * 1",
                 workflow=Workflow.AR_FOLLOWUP)(slow)
    for n in range(CLIENTS):
        org = Organization.objects.create(slug=f"c{n}", name=f"Client {n}", kind="client")
        schedule_for(org, next_run_at=NOW)
    start = threading.Barrier(2)
    failures: list[BaseException] = []
    ran: list[list[int]] = [[], []]

    def worker(into: list[int]) -> None:
        try:
            start.wait()
            into.extend(run.schedule_id for run in services.run_due(NOW))
        except BaseException as exc:  # reported by the test thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(into,)) for into in ran]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert Counter(slug for slug, _ in slow.calls) == {f"c{n}": 1 for n in range(CLIENTS)}
    assert sorted(ran[0] + ran[1]) == sorted(set(ran[0] + ran[1]))
    assert JobRun.objects.filter(status=RunStatus.SUCCEEDED).count() == CLIENTS
    if connection.vendor == "postgresql":
        assert ran[0], "both workers should have taken a share"
        assert ran[1], "both workers should have taken a share"
