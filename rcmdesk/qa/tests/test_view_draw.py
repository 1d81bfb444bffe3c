"""/qa/plans/<id>/draw/: the auditor draws a week; only once without an explicit redraw."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.qa.models import SampleDraw
from rcmdesk.qa.tests.factories import WEEK, done_items, plan
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def the_plan(world: World) -> Any:
    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 40)
    return plan(world.acme_engagement)


def test_the_auditor_draws_with_a_given_seed(signed_in: Any, the_plan: Any) -> None:
    response = signed_in(Role.PARTNER_QA).post(f"/qa/plans/{the_plan.pk}/draw/",
                                               {"week": WEEK, "seed": "77"}, follow=True)
    made = SampleDraw.objects.get()
    assert (made.seed, made.population_size, made.sampled) == (77, 40, 8)  # new: 20 % of 40
    assert b"seed 77" in response.content


def test_a_second_draw_of_the_week_is_refused_with_the_reason(signed_in: Any,
                                                             the_plan: Any) -> None:
    qa = signed_in(Role.PARTNER_QA)
    qa.post(f"/qa/plans/{the_plan.pk}/draw/", {"week": WEEK})
    response = qa.post(f"/qa/plans/{the_plan.pk}/draw/", {"week": WEEK})
    assert response.status_code == 400
    assert b"already drawn" in response.content
    assert SampleDraw.objects.count() == 1


def test_a_bad_week_draws_nothing_and_keeps_what_was_typed(signed_in: Any,
                                                           the_plan: Any) -> None:
    response = signed_in(Role.PARTNER_QA).post(f"/qa/plans/{the_plan.pk}/draw/",
                                               {"week": "2026-47", "seed": "77"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="2026-47"' in page
    assert 'value="77"' in page
    assert not SampleDraw.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PARTNER_QA])
def test_no_other_role_draws(signed_in: Any, the_plan: Any, role: Role) -> None:
    response = signed_in(role).post(f"/qa/plans/{the_plan.pk}/draw/", {"week": WEEK})
    assert response.status_code in (403, 404)
    assert not SampleDraw.objects.exists()
