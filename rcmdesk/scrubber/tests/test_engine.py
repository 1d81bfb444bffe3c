"""The engine: clean claims stay clean, and loading is set-based."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rcmdesk.conftest import World
from rcmdesk.scrubber.engine import scrub_claims
from rcmdesk.scrubber.tests import builders as b

pytestmark = pytest.mark.django_db


def test_a_clean_professional_claim_has_no_findings(world: World) -> None:
    c = b.claim(world.acme)
    assert scrub_claims([c], today=b.TODAY) == {c.pk: []}


def test_a_clean_institutional_claim_has_no_findings(world: World) -> None:
    c = b.institutional(world.acme)
    assert scrub_claims([c], today=b.TODAY) == {c.pk: []}


def test_scrubbing_fifty_claims_costs_the_same_queries_as_one(
        world: World, django_assert_num_queries: Any) -> None:
    one = b.claim(world.acme)
    many = [b.claim(world.acme, pat=b.patient(world.acme, first_name=f"P{i}"))
            for i in range(50)]
    with CaptureQueriesContext(connection) as ctx:
        scrub_claims([one], today=b.TODAY)
    with django_assert_num_queries(len(ctx.captured_queries)):
        scrub_claims(many, today=b.TODAY)
