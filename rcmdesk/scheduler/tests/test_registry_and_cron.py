"""The job registry and cron expressions read on the client's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rcmdesk.scheduler import cron, registry
from rcmdesk.tenancy.roles import Workflow

NEW_YORK = ZoneInfo("America/New_York")


def test_the_existing_periodic_work_is_registered() -> None:
    jobs = {j.name: j for j in registry.jobs()}
    assert {"queue_refresh", "weekly_report", "qa_draw", "escalations_overdue", "audit_seal",
            "audit_verify"} <= set(jobs)
    assert jobs["weekly_report"].default_cron == "0 6 * * 1"
    assert jobs["weekly_report"].per_client
    assert not jobs["audit_seal"].per_client


def test_a_job_is_one_decorator_and_a_name_is_taken_once() -> None:
    @registry.job("test_twice", label="Twice", default_cron="*/5 * * * *",
                  workflow=Workflow.POSTING)
    def first(client: Any, *, now: datetime) -> dict[str, Any]:
        return {}

    try:
        assert registry.get("test_twice") is not None
        assert registry.get("test_twice").fn is first  # type: ignore[union-attr]
        with pytest.raises(registry.DuplicateJob):
            registry.job("test_twice", label="Again", default_cron="* * * * *",
                         workflow=Workflow.POSTING)(lambda client, *, now: {})
    finally:
        registry.unregister("test_twice")


def test_a_job_with_an_unreadable_default_cron_is_refused() -> None:
    with pytest.raises(cron.BadCron):
        registry.job("test_bad", label="Bad", default_cron="every monday",
                     workflow=Workflow.POSTING)


def test_a_monday_six_oclock_job_stays_at_six_local_across_the_spring_change() -> None:
    # 2026-03-08 is the US spring-forward Sunday: EST (-5) before, EDT (-4) after.
    before = cron.next_after("0 6 * * 1", datetime(2026, 2, 25, tzinfo=UTC), "America/New_York")
    after = cron.next_after("0 6 * * 1", before, "America/New_York")
    assert [t.astimezone(NEW_YORK).strftime("%a %H:%M") for t in (before, after)] == [
        "Mon 06:00", "Mon 06:00"]
    assert (before.hour, after.hour) == (11, 10)  # the UTC instants move, the wall time not


def test_a_monday_six_oclock_job_stays_at_six_local_across_the_autumn_change() -> None:
    # 2026-11-01 is the fall-back Sunday: EDT (-4) before, EST (-5) after.
    before = cron.next_after("0 6 * * 1", datetime(2026, 10, 20, tzinfo=UTC), "America/New_York")
    after = cron.next_after("0 6 * * 1", before, "America/New_York")
    assert [t.astimezone(NEW_YORK).strftime("%m-%d %a %H:%M") for t in (before, after)] == [
        "10-26 Mon 06:00", "11-02 Mon 06:00"]
    assert (before.hour, after.hour) == (10, 11)


def test_each_client_is_scheduled_on_its_own_clock() -> None:
    start = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    chicago = cron.next_after("0 6 * * *", start, "America/Chicago")
    kolkata = cron.next_after("0 6 * * *", start, "Asia/Kolkata")
    assert chicago == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert kolkata == datetime(2026, 12, 7, 0, 30, tzinfo=UTC)


def test_an_expression_is_said_in_words_with_its_zone_when_the_hour_matters() -> None:
    assert cron.describe("0 6 * * 1", "America/New_York") == "At 06:00 on Monday, Eastern time"
    assert cron.describe("*/5 * * * *", "America/Chicago") == "Every fifth minute of every hour"
    assert cron.describe("30 2 * * *", "Asia/Kolkata").endswith("Asia/Kolkata time")


def test_a_wrong_expression_is_refused_in_words() -> None:
    with pytest.raises(cron.BadCron, match="five fields"):
        cron.check("0 6 * *")
    with pytest.raises(cron.BadCron, match="Bad hour"):
        cron.check("0 25 * * *")
    assert cron.check(" 0  6 * * 1 ") == "0 6 * * 1"
