"""/qa/audits/<id>/acknowledge/: the specialist closes their feedback by reading it."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.qa import services
from rcmdesk.qa.models import Audit
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(world: World, audits: list[Audit]) -> Audit:
    audit = audits[0]
    n = audit.points.count()
    return services.submit(audit,
                           [services.PointScore("fail", "wrong payer phone line")]
                           + [services.PointScore("pass")] * (n - 1),
                           acting_user=world.user(Role.PARTNER_QA))


def url(audit: Audit) -> str:
    return f"/qa/audits/{audit.pk}/acknowledge/"


def test_the_specialist_acknowledges_and_the_feedback_item_closes(
        signed_in: Any, failed: Audit) -> None:
    response = signed_in(Role.PARTNER_SPECIALIST).post(url(failed), {"note": "understood"})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.acknowledged_at is not None
    assert failed.feedback_item is not None
    assert failed.feedback_item.status == ItemStatus.DONE
    assert AuditEvent.objects.filter(action="qa.feedback.acknowledged").count() == 1


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PARTNER_SPECIALIST])
def test_nobody_else_acknowledges_for_the_specialist(signed_in: Any, failed: Audit,
                                                     role: Role) -> None:
    response = signed_in(role).post(url(failed))
    assert response.status_code in (403, 404)
    failed.refresh_from_db()
    assert failed.acknowledged_at is None


def test_a_get_is_not_allowed(signed_in: Any, failed: Audit) -> None:
    assert signed_in(Role.PARTNER_SPECIALIST).get(url(failed)).status_code == 405
