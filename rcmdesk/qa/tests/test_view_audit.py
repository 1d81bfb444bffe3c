"""/qa/audits/<id>/: the auditor's form, read-only for everyone else who may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from rcmdesk.conftest import World, make_user, sign_in
from rcmdesk.qa.models import Audit, AuditStatus
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus
from rcmdesk.workqueue.queries import my_items

pytestmark = pytest.mark.django_db


def url(audit: Audit) -> str:
    return f"/qa/audits/{audit.pk}/"


def scores(audit: Audit, *, fail_first: bool) -> dict[str, str]:
    body: dict[str, str] = {"summary": "checked against the SOP"}
    for p in audit.points.all():
        failed = fail_first and p.position == 1
        body[f"result-{p.position}"] = "fail" if failed else "pass"
        body[f"comment-{p.position}"] = "no reference number noted" if failed else ""
    body["result-2"] = "na"
    return body


@pytest.mark.parametrize(("role", "status", "form"), [
    (Role.CLIENT_ADMIN, 200, False), (Role.CLIENT_MANAGER, 200, False),
    (Role.CLIENT_STAFF, 200, False), (Role.PARTNER_LEAD, 200, False),
    (Role.PARTNER_SPECIALIST, 200, False), (Role.PARTNER_QA, 200, True),
    (Role.PLATFORM_ADMIN, 404, False)])
def test_every_role_sees_the_audit_as_its_role_allows(
        signed_in: Any, audits: list[Audit], role: Role, status: int, form: bool) -> None:
    response = signed_in(role).get(url(audits[0]))
    assert response.status_code == status
    assert (b'data-testid="audit-form"' in response.content) is form


def test_another_clients_admin_gets_not_found(world: World, audits: list[Audit]) -> None:
    assert sign_in(Client(), world.birch_admin).get(url(audits[0])).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PARTNER_QA])
def test_nobody_but_the_qa_auditor_scores(signed_in: Any, audits: list[Audit],
                                          role: Role) -> None:
    response = signed_in(role).post(url(audits[0]), scores(audits[0], fail_first=False))
    assert response.status_code in (403, 404)
    assert Audit.objects.get(pk=audits[0].pk).status == AuditStatus.PENDING


def test_a_clean_audit_scores_passes_over_scored_points_and_sends_no_feedback(
        signed_in: Any, audits: list[Audit]) -> None:
    audit = audits[0]
    response = signed_in(Role.PARTNER_QA).post(url(audit), scores(audit, fail_first=False))
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DONE
    assert str(audit.score) == "1.0000"  # the n/a point counts in neither
    assert audit.feedback_item_id is None
    qa_item = audit.work_item
    assert qa_item is not None
    assert qa_item.status == ItemStatus.DONE


def test_a_failed_point_goes_back_to_the_specialist_as_feedback(
        world: World, signed_in: Any, audits: list[Audit]) -> None:
    audit = audits[0]
    signed_in(Role.PARTNER_QA).post(url(audit), scores(audit, fail_first=True))
    audit.refresh_from_db()
    points = audit.points.count()
    assert audit.score is not None
    assert float(audit.score) == pytest.approx((points - 2) / (points - 1), abs=1e-4)
    feedback = audit.feedback_item
    assert feedback is not None
    assert (feedback.kind, feedback.source_key, feedback.workflow) == (
        ItemKind.QA_FEEDBACK, f"qa-feedback:{audit.pk}", audit.workflow)
    assert feedback.detail["failed_points"][0]["comment"] == "no reference number noted"
    specialist = world.user(Role.PARTNER_SPECIALIST)
    assert feedback in list(my_items(specialist))
    page = signed_in(Role.PARTNER_SPECIALIST).get(url(audit))
    assert b"no reference number noted" in page.content
    assert b'data-testid="acknowledge"' in page.content


def test_a_fail_without_a_comment_is_refused(signed_in: Any, audits: list[Audit]) -> None:
    body = scores(audits[0], fail_first=True)
    body["comment-1"] = ""
    response = signed_in(Role.PARTNER_QA).post(url(audits[0]), body)
    assert response.status_code == 400
    assert b"say what was wrong" in response.content


def test_a_qa_form_with_one_point_missing_keeps_the_other_answers(
        signed_in: Any, audits: list[Audit]) -> None:
    audit = audits[0]
    body = scores(audit, fail_first=True)
    del body["result-3"]
    response = signed_in(Role.PARTNER_QA).post(url(audit), body)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="result-1-fail" checked' in page
    assert 'data-testid="result-2-na" checked' in page
    assert 'value="no reference number noted"' in page
    assert "checked against the SOP</textarea>" in page
    assert 'data-testid="point-problem-3">Choose pass, fail or n/a.<' in page
    assert 'data-testid="point-problem-1"' not in page
    assert not any(f'data-testid="result-3-{v}" checked' in page for v in ("pass", "fail", "na"))
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.PENDING


def test_every_point_at_fault_is_marked_at_once(signed_in: Any, audits: list[Audit]) -> None:
    audit = audits[0]
    body = scores(audit, fail_first=True)
    body["comment-1"] = ""
    del body["result-3"]
    page = signed_in(Role.PARTNER_QA).post(url(audit), body).content.decode()
    assert "Points 1, 3 need an answer" in page
    assert 'data-testid="point-problem-1">It failed: say what was wrong' in page
    assert 'data-testid="point-problem-3"' in page


def test_an_audit_is_scored_once(signed_in: Any, audits: list[Audit]) -> None:
    qa = signed_in(Role.PARTNER_QA)
    qa.post(url(audits[0]), scores(audits[0], fail_first=False))
    again = qa.post(url(audits[0]), scores(audits[0], fail_first=True))
    assert again.status_code == 400
    assert b"already been scored" in again.content


def test_another_specialist_on_the_engagement_does_not_see_the_audit(
        world: World, audits: list[Audit]) -> None:
    other = make_user("pillar.other", Role.PARTNER_SPECIALIST, world.pillar)
    Assignment.objects.create(engagement=world.acme_engagement, user=other)
    assert sign_in(Client(), other).get(url(audits[0])).status_code == 404
