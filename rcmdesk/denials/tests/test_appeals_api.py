"""Appeals over the API agree with the pages: the same list, the same steps and refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from rcmdesk.accounts.models import ApiToken
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.decisions.models import Proposal
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.denials.tests.appeal_steps import answered, filed
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _, raw = ApiToken.issue(user, "appeals")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_list_and_one_appeal_carry_state_deadline_flag_and_amounts(world: World) -> None:
    _, appeal, specialist = filed(world)
    client = api(specialist)
    listed = client.get("/api/appeals?state=filed").json()
    assert [a["id"] for a in listed] == [appeal.pk]
    one = client.get(f"/api/appeals/{appeal.pk}").json()
    assert one == listed[0]
    assert (one["state"], one["filing_channel"], one["amount"], one["deadline_flag"]) == (
        "Filed, waiting on the payer", "portal", "150.00", "")
    assert AuditEvent.objects.filter(action="list", object_type="denials.appeal").exists()
    assert AuditEvent.objects.filter(action="read", object_id=str(appeal.pk)).exists()


def test_the_payers_answer_over_the_api_and_its_refusal_in_words(world: World) -> None:
    _, appeal, specialist = filed(world)
    client = api(specialist)
    refused = client.post(f"/api/appeals/{appeal.pk}/answer", {
        "version": appeal.version, "outcome": "partially_overturned",
        "decided_on": "2026-04-02"}, content_type="application/json")
    assert refused.status_code == 400
    assert "Say how much the payer will pay" in refused.json()["detail"]
    done = client.post(f"/api/appeals/{appeal.pk}/answer", {
        "version": appeal.version, "outcome": "partially_overturned",
        "decided_on": "2026-04-02", "expected_amount": "90.00"},
        content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "Partially overturned, waiting for payment"
    stale = client.post(f"/api/appeals/{appeal.pk}/answer", {
        "version": appeal.version, "outcome": "upheld", "decided_on": "2026-04-02"},
        content_type="application/json")
    assert stale.status_code == 409


def test_qa_may_not_record_a_filing_over_the_api(world: World) -> None:
    _, appeal, _ = filed(world)
    Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.APPROVED)
    refused = api(world.user(Role.PARTNER_QA)).post(f"/api/appeals/{appeal.pk}/filing", {
        "version": appeal.version, "filed_on": "2026-03-12", "channel": "mail"},
        content_type="application/json")
    assert refused.status_code == 403


def test_level_2_and_the_write_off_proposal_over_the_api(world: World) -> None:
    _, appeal, specialist = answered(world, "upheld")
    client = api(specialist)
    second = client.post(f"/api/appeals/{appeal.pk}/next-level")
    assert second.status_code == 201, second.content
    assert (second.json()["level"], second.json()["previous_id"]) == (2, appeal.pk)
    proposal = client.post(f"/api/appeals/{appeal.pk}/write-off", {"reasons": "payer final"},
                           content_type="application/json")
    assert proposal.status_code == 201, proposal.content
    assert Proposal.objects.get().amount == Decimal(proposal.json()["amount"]) == 150


def test_another_clients_appeal_answers_404_like_a_missing_one(world: World) -> None:
    _, appeal, _ = filed(world)
    birch = api(world.birch_admin)
    assert birch.get(f"/api/appeals/{appeal.pk}").status_code == 404
    assert birch.get("/api/appeals?state=all").json() == []
