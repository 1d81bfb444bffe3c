"""The work item page shows the QA audit behind a QA item, and the failed points on feedback."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.qa import services
from rcmdesk.qa.models import Audit
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_specialist_sees_the_failed_points_on_their_feedback_item(
        signed_in: Any, world: World, audits: list[Audit]) -> None:
    audit = audits[0]
    n = audit.points.count()
    services.submit(audit,
                    [services.PointScore("fail", "no reference number")]
                    + [services.PointScore("pass")] * (n - 1),
                    acting_user=world.user(Role.PARTNER_QA))
    audit.refresh_from_db()
    page = signed_in(Role.PARTNER_SPECIALIST).get(
        reverse("workqueue:item", args=[audit.feedback_item_id]))
    assert page.status_code == 200
    assert b'data-testid="item-qa-failed"' in page.content
    assert b"no reference number" in page.content
    assert b'data-testid="item-qa-acknowledge"' in page.content


def test_an_ordinary_item_page_has_no_qa_section(signed_in: Any, audits: list[Audit]) -> None:
    page = signed_in(Role.CLIENT_STAFF).get(reverse("workqueue:item", args=[audits[0].item_id]))
    assert page.status_code == 200
    assert b'data-testid="item-qa"' not in page.content
