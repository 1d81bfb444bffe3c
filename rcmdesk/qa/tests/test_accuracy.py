"""accuracy(): the share of audited items found right, with its interval, per specialist,
workflow and engagement, on a small fixture; and the accuracy page that shows it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, make_user, sign_in
from rcmdesk.qa import stats
from rcmdesk.qa.accuracy import Estimate, accuracy, draw_estimate, estimate
from rcmdesk.qa.models import Audit, AuditStatus
from rcmdesk.qa.tests.factories import done_items, drawn
from rcmdesk.tenancy.authz import allows
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Action, Role

pytestmark = pytest.mark.django_db

START, END = datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)
INSIDE = datetime(2026, 11, 18, 15, tzinfo=UTC)


def scored(audits: list[Audit], scores: list[str | None], at: datetime = INSIDE) -> None:
    for audit, score in zip(audits, scores, strict=True):
        audit.status, audit.completed_at = AuditStatus.DONE, at
        audit.score = None if score is None else Decimal(score)
        audit.save(update_fields=["status", "score", "completed_at"])


@pytest.fixture
def second(world: World) -> Any:
    user = make_user("pillar.second", Role.PARTNER_SPECIALIST, world.pillar)
    Assignment.objects.create(engagement=world.acme_engagement, user=user)
    return user


@pytest.fixture
def fixture(world: World, second: Any) -> World:
    """The world's specialist: four AR audits, three right in the week and one wrong one
    completed just as the week ends (left out). The second: three denials audits, one
    right, one wrong, one all n/a (it checked nothing: in neither count)."""
    qa = world.user(Role.PARTNER_QA)
    first = world.user(Role.PARTNER_SPECIALIST)
    done_items(world.acme_engagement, second, 3, workflow="denials", title="Denial")
    made, _ = drawn(world.acme_engagement, qa, first, count=4, workflow="ar_followup")
    first_audits = list(made.audits.filter(specialist=first).order_by("pk"))
    second_audits = list(made.audits.filter(specialist=second).order_by("pk"))
    assert (len(first_audits), len(second_audits)) == (4, 3)
    scored(first_audits[:3], ["1.0000", "1.0000", "1.0000"])
    scored(first_audits[3:], ["0.5000"], at=END)
    scored(second_audits, ["1.0000", "0.7500", None])
    return world


def test_accuracy_counts_items_with_a_failed_point_as_wrong_over_the_half_open_period(
        fixture: World) -> None:
    got = accuracy(fixture.acme.pk, START, END)
    interval = stats.proportion_interval(4, 5, 0.90)
    assert got == Estimate(5, 1, Decimal("80.0"),
                           Decimal(repr(interval.low * 100)).quantize(Decimal("0.1")),
                           Decimal(repr(interval.high * 100)).quantize(Decimal("0.1")),
                           Decimal("0.90"))
    assert (got.low, got.high) == (Decimal("43.5"), Decimal("95.4"))


def test_accuracy_per_specialist_workflow_and_engagement(fixture: World, second: Any) -> None:
    client = fixture.acme.pk
    first = fixture.user(Role.PARTNER_SPECIALIST)
    assert accuracy(client, START, END, specialist_id=first.pk) == estimate(3, 0)
    assert estimate(3, 0).accuracy == Decimal("100.0")
    assert accuracy(client, START, END, specialist_id=second.pk) == estimate(2, 1)
    assert estimate(2, 1).accuracy == Decimal("50.0")
    assert accuracy(client, START, END, workflow="denials") == estimate(2, 1)
    assert accuracy(client, START, END, workflow="eligibility").accuracy is None
    assert accuracy(client, START, END,
                    engagement_id=fixture.acme_engagement.pk) == estimate(5, 1)
    assert accuracy(client, START, END, engagement_id=fixture.birch_engagement.pk) == (
        Estimate(0, 0, None, None, None, Decimal("0.90")))


def test_a_higher_confidence_widens_the_interval(fixture: World) -> None:
    ninety = accuracy(fixture.acme.pk, START, END)
    ninety_five = accuracy(fixture.acme.pk, START, END, confidence=Decimal("0.95"))
    assert ninety_five.accuracy == ninety.accuracy
    assert ninety_five.low is not None
    assert ninety.low is not None
    assert ninety_five.low < ninety.low


PERIOD = "first=2026-11-16&last=2026-11-21"  # to 11/22 00:00 New York: END is after


def test_the_page_shows_accuracy_with_its_interval_per_engagement_workflow_and_specialist(
        signed_in: Any, fixture: World) -> None:
    page = signed_in(Role.CLIENT_MANAGER).get(f"/qa/accuracy/?{PERIOD}").content.decode()
    assert "80.0% (90% CI 43.5-95.4%, n=5)" in page  # the engagement
    assert "100.0% (90% CI" in page
    assert "n=3)" in page
    assert "50.0% (90% CI" in page
    assert "n=2)" in page
    assert 'data-testid="accuracy-specialist"' in page
    assert "pillar.second" in page


def test_a_specialist_sees_only_their_own_accuracy(fixture: World, second: Any) -> None:
    page = sign_in(Client(), second).get(f"/qa/accuracy/?{PERIOD}").content.decode()
    assert "n=2)" in page
    assert "n=3)" not in page
    assert "n=5)" not in page
    assert "pillar.specialist" not in page


def test_another_client_sees_none_of_it(fixture: World) -> None:
    page = sign_in(Client(), fixture.birch_admin).get(f"/qa/accuracy/?{PERIOD}").content
    assert b"n=5)" not in page
    assert b"No audits completed in the period." in page


@pytest.mark.parametrize("role", list(Role))
def test_every_role_that_sees_qa_may_use_the_accuracy_page_and_the_calculator_and_no_other(
        signed_in: Any, fixture: World, role: Role) -> None:
    """Client users, the partner's lead, QA and specialists see QA; the platform admin,
    who sees no tenant's data, is refused both."""
    client = signed_in(role)
    sees = allows(fixture.user(role), Action.VIEW_TENANT_DATA)
    assert client.get(f"/qa/accuracy/?{PERIOD}").status_code == (200 if sees else 403)
    answer = client.get("/qa/sample-size/?population=1000&expected_error_percent=4"
                        "&precision_points=2&confidence_percent=90")
    assert answer.status_code == (200 if sees else 403)
    if sees:
        assert b"<strong>207</strong>" in answer.content


def test_a_visitor_signed_out_is_sent_to_sign_in() -> None:
    assert Client().get("/qa/accuracy/").status_code == 302
    assert Client().get("/qa/sample-size/").status_code == 302


def test_the_calculator_refuses_a_precision_out_of_range(signed_in: Any, world: World) -> None:
    answer = signed_in(Role.CLIENT_STAFF).get("/qa/sample-size/?precision_points=0"
                                              "&expected_error_percent=4&confidence_percent=90")
    assert answer.status_code == 400
    assert b'data-testid="sample-size"' not in answer.content


def test_the_period_shown_is_audited_as_a_listing_naming_the_specialists(
        signed_in: Any, fixture: World) -> None:
    signed_in(Role.CLIENT_STAFF).get(f"/qa/accuracy/?{PERIOD}")
    event = AuditEvent.objects.get(object_type="qa.estimate")
    assert (event.action, event.client_org_id) == ("list", fixture.acme.pk)
    assert event.detail["specialists"] == ["pillar.second", "pillar.specialist"]


def test_a_draws_accuracy_weighs_each_stratum_by_its_share_of_the_population(
        fixture: World) -> None:
    """The draw: AR 4 items, 4 audited, 3 right; denials 3 items, 2 scored, 1 right. Weights
    4/7 and 3/7: 4/7 x 0.75 + 3/7 x 0.5 = 64.3 %; all of AR was audited, so only the denials
    stratum varies: (3/7)^2 x (1 - 2/3) x 0.25 / 1."""
    draw = Audit.objects.filter(client=fixture.acme).first().draw  # type: ignore[union-attr]
    got = draw_estimate(draw)
    assert (got.audits, got.errors, got.accuracy) == (6, 2, Decimal("64.3"))
    expected = stats.stratified([stats.Stratum(4, 4, 3), stats.Stratum(3, 2, 1)])
    assert expected.variance == pytest.approx((3 / 7) ** 2 * (1 / 3) * 0.25)
    assert (got.low, got.high) == (
        Decimal(repr(expected.interval.low * 100)).quantize(Decimal("0.1")),
        Decimal(repr(expected.interval.high * 100)).quantize(Decimal("0.1")))


def test_the_plan_page_shows_each_draws_weighted_accuracy_but_not_to_a_specialist(
        signed_in: Any, fixture: World) -> None:
    plan_id = Audit.objects.filter(client=fixture.acme).first().draw.plan_id  # type: ignore[union-attr]
    assert b"64.3% (90% CI" in signed_in(Role.CLIENT_MANAGER).get(f"/qa/plans/{plan_id}/").content
    assert b"64.3% (90% CI" not in signed_in(Role.PARTNER_SPECIALIST).get(
        f"/qa/plans/{plan_id}/").content
