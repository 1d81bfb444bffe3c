"""/qa/: pending audits with counts, for whoever may see them."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.qa import services
from rcmdesk.qa.models import Audit
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_auditor_sees_every_pending_audit_with_counts(signed_in: Any,
                                                         audits: list[Audit]) -> None:
    response = signed_in(Role.PARTNER_QA).get("/qa/")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="audit-link"') == len(audits)
    assert b'<td>AR follow-up</td><td class="num" data-value="4">4</td>' in response.content


def test_the_qa_queue_shows_ar_follow_up_in_words(signed_in: Any, audits: list[Audit]) -> None:
    page = signed_in(Role.PARTNER_QA).get("/qa/").content.decode()
    assert "<td>AR follow-up</td>" in page
    assert "<td>ar_followup</td>" not in page


def test_a_client_user_sees_the_queue_read_only(signed_in: Any, audits: list[Audit]) -> None:
    response = signed_in(Role.CLIENT_STAFF).get("/qa/")
    assert response.content.count(b'data-testid="audit-link"') == len(audits)


def test_the_platform_admin_without_a_grant_is_refused(signed_in: Any,
                                                      audits: list[Audit]) -> None:
    assert signed_in(Role.PLATFORM_ADMIN).get("/qa/").status_code == 403


def test_a_scored_audit_leaves_the_queue(signed_in: Any, world: Any,
                                        audits: list[Audit]) -> None:
    audit = audits[0]
    services.submit(audit,
                    [services.PointScore("pass")] * audit.points.count(),
                    acting_user=world.user(Role.PARTNER_QA))
    response = signed_in(Role.PARTNER_QA).get("/qa/")
    assert response.content.count(b'data-testid="audit-link"') == len(audits) - 1


def test_the_queue_is_audited_as_a_listing_naming_the_audits(signed_in: Any, world: Any,
                                                            audits: list[Audit]) -> None:
    signed_in(Role.PARTNER_QA).get("/qa/")
    event = AuditEvent.objects.get(object_type="qa.audit")
    assert (event.action, event.client_org_id) == ("list", world.acme.pk)
    assert sorted(event.detail["audits"]) == sorted(a.pk for a in audits)
