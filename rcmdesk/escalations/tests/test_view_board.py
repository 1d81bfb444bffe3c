"""The board: columns by status, overdue flagged for both sides, filters, tenant scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.escalations.models import Escalation
from rcmdesk.escalations.tests.factories import birch_escalation, raise_one
from rcmdesk.tenancy.roles import Role
from rcmdesk.web.templatetags.present import when

pytestmark = pytest.mark.django_db


def make_overdue(esc: Escalation) -> None:
    Escalation.objects.filter(pk=esc.pk).update(
        response_due_at=timezone.now() - timedelta(hours=1))


def test_an_overdue_escalation_is_flagged_on_both_sides_boards(world: World,
                                                                signed_in: Any) -> None:
    late = raise_one(world, subject="late one")
    make_overdue(late)
    raise_one(world, subject="fresh one")
    for role in (Role.CLIENT_STAFF, Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST):
        page = signed_in(role).get("/escalations/")
        html = page.content.decode()
        assert page.status_code == 200
        assert 'data-testid="overdue-count">1 overdue' in html
        assert f'data-testid="card-{late.pk}" class="overdue deadline-past"' in html
        assert "fresh one" in html


def test_the_overdue_filter_and_mine_narrow_the_board(world: World, signed_in: Any) -> None:
    late = raise_one(world, subject="late one")
    make_overdue(late)
    raise_one(world, subject="fresh one", by=Role.CLIENT_MANAGER)
    client = signed_in(Role.CLIENT_STAFF)
    overdue = client.get("/escalations/?overdue=1").content.decode()
    assert "late one" in overdue
    assert "fresh one" not in overdue
    mine = client.get("/escalations/?mine=1").content.decode()
    assert "late one" in mine
    assert "fresh one" not in mine
    by_kind = client.get("/escalations/?kind=sop_gap").content.decode()
    assert "late one" not in by_kind


def test_the_board_shows_the_due_time_on_the_owners_clock(world: World,
                                                          signed_in: Any) -> None:
    lead = world.user(Role.PARTNER_LEAD)
    lead.time_zone = "Asia/Kolkata"
    lead.save(update_fields=["time_zone"])
    esc = raise_one(world)
    html = signed_in(Role.CLIENT_STAFF).get("/escalations/").content.decode()
    assert f"respond by {when(esc.response_due_at, 'Asia/Kolkata')}" in html  # "... IST"
    assert when(esc.response_due_at, "Asia/Kolkata").endswith(" IST")


def test_another_tenants_escalations_never_reach_the_board(world: World,
                                                           signed_in: Any) -> None:
    birch_escalation(world)
    raise_one(world)
    for role in (Role.CLIENT_STAFF, Role.PARTNER_LEAD):
        html = signed_in(role).get("/escalations/").content.decode()
        assert "birch-secret-marker" not in html


def test_the_board_is_audited_as_a_listing_naming_the_escalations(world: World,
                                                                  signed_in: Any) -> None:
    shown = [raise_one(world, subject="one").pk, raise_one(world, subject="two").pk]
    signed_in(Role.CLIENT_STAFF).get("/escalations/")
    event = AuditEvent.objects.get(action="list", object_type="escalations.escalation")
    assert event.client_org_id == world.acme.pk
    assert sorted(event.detail["escalations"]) == sorted(shown)


def test_the_overdue_card_is_flagged_with_a_class_not_an_inline_style(
        world: World, signed_in: Any) -> None:
    late = raise_one(world, subject="late one")
    make_overdue(late)
    html = signed_in(Role.PARTNER_LEAD).get("/escalations/").content.decode()
    assert f'data-testid="card-{late.pk}" class="overdue deadline-past"' in html
    assert 'style="' not in html
