"""A job of the tests' own, whose behaviour each test sets (succeed, fail, count calls)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from rcmdesk.scheduler import registry
from rcmdesk.scheduler.models import Schedule
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Workflow


@dataclass
class Probe:
    """What the probe job saw, and whether it should fail."""

    calls: list[tuple[str, datetime]] = field(default_factory=list)
    fail: bool = False

    def __call__(self, client: Organization, *, now: datetime) -> dict[str, Any]:
        self.calls.append((client.slug, now))
        if self.fail:
            raise RuntimeError("the payer's mailbox refused the login")
        return {"files fetched": 3}


@pytest.fixture
def probe() -> Iterator[Probe]:
    seen = Probe()
    registry.job("probe", label="Probe job", default_cron="0 6 * * 1",
                 workflow=Workflow.AR_FOLLOWUP)(seen)
    yield seen
    registry.unregister("probe")


def schedule_for(client: Organization | None, *, job: str = "probe", cron: str = "0 6 * * 1",
                 next_run_at: datetime, workflow: str = "ar_followup") -> Schedule:
    row: Schedule = Schedule.objects.create(job=job, client=client, workflow=workflow,
                                            cron=cron, next_run_at=next_run_at)
    return row
