"""/qa/accuracy/: passes over scored points per specialist, workflow and week."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.qa import services
from rcmdesk.qa.models import Audit
from rcmdesk.qa.queries import accuracy
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def score_all(world: World, audits: list[Audit]) -> None:
    qa = world.user(Role.PARTNER_QA)
    for n, audit in enumerate(audits[:2]):
        points = audit.points.count()
        marks = ["fail" if (n == 0 and i == 0) else "na" if i == 1 else "pass"
                 for i in range(points)]
        services.submit(audit, [services.PointScore(m, "missed" if m == "fail" else "")
                                    for m in marks], acting_user=qa)


def test_accuracy_counts_points_and_leaves_na_out(world: World, audits: list[Audit]) -> None:
    score_all(world, audits)
    [row] = accuracy(world.user(Role.CLIENT_MANAGER))
    points = audits[0].points.count()
    assert (row.specialist, row.workflow, row.week, row.audits) == (
        "pillar.specialist", "ar_followup", "2026-W47", 2)
    assert (row.passes, row.fails, row.not_applicable) == (2 * points - 3, 1, 2)
    assert row.accuracy == services.accuracy(2 * points - 3, 1)


def test_the_page_shows_the_percent_to_client_users(signed_in: Any, world: World,
                                                   audits: list[Audit]) -> None:
    score_all(world, audits)
    response = signed_in(Role.CLIENT_STAFF).get("/qa/accuracy/?week=2026-W47")
    points = audits[0].points.count()
    percent = services.accuracy(2 * points - 3, 1)
    assert percent is not None
    assert f"{(percent * 100).quantize(Decimal('0.1'))}%".encode() in response.content


def test_another_week_is_empty(signed_in: Any, world: World, audits: list[Audit]) -> None:
    score_all(world, audits)
    response = signed_in(Role.PARTNER_QA).get("/qa/accuracy/?week=2026-W01")
    assert b"No audits scored yet." in response.content


def test_a_foreign_client_admin_sees_none_of_it(world: World, audits: list[Audit]) -> None:
    score_all(world, audits)
    assert accuracy(world.birch_admin) == []


def test_the_report_is_audited_as_a_listing_naming_the_specialists_scored(
        signed_in: Any, world: World, audits: list[Audit]) -> None:
    score_all(world, audits)
    signed_in(Role.CLIENT_STAFF).get("/qa/accuracy/?week=2026-W47")
    event = AuditEvent.objects.get(object_type="qa.accuracy")
    assert (event.action, event.client_org_id) == ("list", world.acme.pk)
    assert event.detail == {"week": "2026-W47", "specialists": ["pillar.specialist"]}


def test_a_week_without_scores_is_not_audited(signed_in: Any, world: World,
                                              audits: list[Audit]) -> None:
    score_all(world, audits)
    signed_in(Role.PARTNER_QA).get("/qa/accuracy/?week=2026-W01")
    assert not AuditEvent.objects.filter(object_type="qa.accuracy").exists()
