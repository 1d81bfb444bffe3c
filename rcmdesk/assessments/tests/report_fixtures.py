"""The report tests' shared fixtures: a prospect with its computed assessment (the hand-made
sample of ``report_samples`` stands for ``compute``) and its client admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rcmdesk.accounts.models import User
from rcmdesk.assessments import compute
from rcmdesk.assessments.compute import Assessed
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.tests import report_samples
from rcmdesk.conftest import World, make_user
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role


@pytest.fixture
def prospect(world: World) -> Organization:
    return Organization.objects.create(slug="oakridge", name="Oakridge Pediatrics",
                                       kind="client", prospect=True)


@pytest.fixture
def prospect_admin(prospect: Organization) -> User:
    return make_user("oakridge.admin", Role.CLIENT_ADMIN, prospect)


@pytest.fixture
def computed(prospect: Organization, monkeypatch: Any) -> Assessment:
    """An assessment with a stored result; ``compute`` answers with the sample, and
    ``what_if`` with the sample for the weeks asked."""
    asked: list[int] = []

    def what_if(assessment: Assessment, *, weeks: int) -> Assessed:
        asked.append(weeks)
        return report_samples.assessed(weeks)

    monkeypatch.setattr(compute, "from_json", lambda data: report_samples.assessed(8))
    monkeypatch.setattr(compute, "what_if", what_if)
    made = Assessment.objects.create(client=prospect, name="Oakridge assessment",
                                     result={"stored": True}, computed_at=timezone.now())
    made.what_if_asked = asked  # type: ignore[attr-defined]
    return made
