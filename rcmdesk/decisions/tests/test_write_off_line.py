"""A write-off proposed from a denied line: the line's amount by default, a reason from the
client's list, and once posted the claim and its remit lines read as adjusted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from rcmdesk.claims.models import Claim, ClaimStatus
from rcmdesk.conftest import World
from rcmdesk.decisions import services
from rcmdesk.decisions.models import AdjustmentReason, ProposalKind, ProposalStatus
from rcmdesk.decisions.queries import claim_write_offs
from rcmdesk.decisions.reasons import DEFAULT_REASONS, save_reason
from rcmdesk.intake.services import ingest
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import Account, LedgerEntry, RemitAdjustment
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem

pytestmark = pytest.mark.django_db
BOTH_DENIED = header("0.00", trace="WO1") + (
    "CLP*PCNWO*4*250*0**12*CCNWO~"
    "SVC*HC:99213*100*0**1~CAS*CO*29*100~"
    "SVC*HC:99214*150*0**1~CAS*CO*29*150~")


def denied(world: World) -> tuple[Claim, WorkItem, WorkItem]:
    """A claim whose two lines (100.00 and 150.00) the payer denied: a denial item each."""
    claim = make_claim(world.acme, "PCNWO", [("99213", "100.00"), ("99214", "150.00")])
    ingest(world.acme, remit(BOTH_DENIED, isa13="000000901"), "denied.835")
    claim.refresh_from_db()
    items = {i.claim_line.procedure: i for i in WorkItem.objects.filter(
        kind=ItemKind.DENIAL, claim=claim).select_related("claim_line", "claim")}
    return claim, items["99213"], items["99214"]


def propose(world: World, item: WorkItem, **kwargs: Any) -> Any:
    kwargs.setdefault("adjustment_reason", "TIMELY")
    return services.propose(item.client, ProposalKind.WRITE_OFF,
                            acting_user=world.user(Role.PARTNER_SPECIALIST), item=item,
                            reasons="Filed after the payer's limit; no appeal rights.", **kwargs)


def approve(world: World, proposal: Any) -> Any:
    return services.decide(proposal, True, "ok", acting_user=world.user(Role.CLIENT_MANAGER))


def test_the_proposal_defaults_to_the_denied_lines_amount_not_the_claims_balance(
        world: World) -> None:
    claim, _, line2 = denied(world)
    assert (claim.status, claim.insurance_balance) == (ClaimStatus.DENIED, Decimal("250.00"))
    proposal = propose(world, line2)
    assert proposal.amount == Decimal("150.00")
    assert proposal.claim_line_id == line2.claim_line_id


def test_the_item_pages_form_offers_the_lines_amount_and_the_clients_reasons(
        world: World) -> None:
    _, _, line2 = denied(world)
    request = RequestFactory().get("/")
    request.user = world.user(Role.PARTNER_SPECIALIST)
    box = Template('{% include "decisions/_item_decisions.html" %}').render(
        Context({"i": line2, "request": request}))
    assert 'value="150.00"' in box
    assert "Timely filing limit passed (TIMELY)" in box


def test_a_write_off_needs_a_reason_from_the_clients_list(world: World) -> None:
    _, _, line2 = denied(world)
    with pytest.raises(services.ProposalProblem, match="adjustment reason"):
        propose(world, line2, adjustment_reason="")
    save_reason(world.acme, "TIMELY", "Timely filing limit passed", "29", active=False,
                acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(services.ProposalProblem, match="adjustment reason"):
        propose(world, line2)


def test_posting_it_settles_the_lines_denial_and_the_claim_is_no_longer_denied(
        world: World, signed_in) -> None:
    claim, line1, line2 = denied(world)
    done = approve(world, propose(world, line2))
    assert done.status == ProposalStatus.EXECUTED
    claim.refresh_from_db()
    assert (claim.status, claim.insurance_balance) == (ClaimStatus.PARTIAL, Decimal("100.00"))
    denial_99214 = RemitAdjustment.objects.get(remit_line__claim_line=line2.claim_line)
    denial_99213 = RemitAdjustment.objects.get(remit_line__claim_line=line1.claim_line)
    write_offs = claim_write_offs(world.user(Role.CLIENT_MANAGER), claim.pk)
    assert set(write_offs.by_adjustment) == {denial_99214.pk}
    assert write_offs.by_line == {line2.claim_line_id: Decimal("150.00")}
    entry = LedgerEntry.objects.get(account=Account.WRITE_OFF)
    assert (entry.claim_line_id, entry.reason) == (line2.claim_line_id, "TIMELY")
    assert claim_write_offs(world.birch_admin, claim.pk).by_adjustment == {}
    assert denial_99213.pk not in write_offs.by_adjustment
    assert check_ledger() == []
    page = signed_in(Role.PARTNER_SPECIALIST).get(reverse("workqueue:item", args=[line1.pk]))
    remits = page.content.decode().split('data-testid="remits"')[1].split("</table>")[0]
    assert ("<code>CO-29</code> timely filing $150.00 <span class=\"tag\" "
            "data-testid=\"written-off\">") in remits
    assert ("<code>CO-29</code> timely filing $100.00 <span class=\"muted\">left open "
            "(denial)</span>") in remits


def test_writing_off_every_denied_line_leaves_the_claim_adjusted(world: World) -> None:
    claim, line1, line2 = denied(world)
    approve(world, propose(world, line2))
    approve(world, propose(world, WorkItem.objects.get(pk=line1.pk)))
    claim.refresh_from_db()
    assert (claim.status, claim.insurance_balance) == (ClaimStatus.ADJUSTED, Decimal("0.00"))
    assert claim.get_status_display() == "Adjusted (written off)"
    assert len(claim_write_offs(world.user(Role.CLIENT_MANAGER), claim.pk).by_adjustment) == 2


def test_a_new_client_starts_with_the_default_reasons(world: World) -> None:
    fresh = Organization.objects.create(slug="cedar", name="Cedar Clinic", kind="client")
    assert sorted(AdjustmentReason.objects.filter(client=fresh).values_list("code", flat=True)
                  ) == sorted(code for code, _, _ in DEFAULT_REASONS)
    partner = Organization.objects.create(slug="other-rcm", name="Other RCM", kind="partner")
    assert not AdjustmentReason.objects.filter(client=partner).exists()


def test_the_client_admin_keeps_the_list(world: World, signed_in) -> None:
    admin = signed_in(Role.CLIENT_ADMIN)
    response = admin.post(reverse("decisions:reasons"), {
        "code": "charity", "label": "Charity care (financial assistance policy)", "carc": "",
        "active": "on"})
    assert response.status_code == 302
    assert AdjustmentReason.objects.get(client=world.acme, code="CHARITY").active
    admin.post(reverse("decisions:reasons"), {"code": "SMALL", "label": "Small balance"})
    assert not AdjustmentReason.objects.get(client=world.acme, code="SMALL").active
    page = admin.get(reverse("decisions:reasons")).content.decode()
    assert "Charity care (financial assistance policy)" in page
    assert 'data-testid="reason-form"' in page


def test_the_clients_other_people_read_the_list_and_partners_do_not_see_it(
        world: World, signed_in) -> None:
    manager = signed_in(Role.CLIENT_MANAGER)
    page = manager.get(reverse("decisions:reasons"))
    assert page.status_code == 200
    assert "reason-form" not in page.content.decode()
    assert manager.post(reverse("decisions:reasons"), {"code": "X", "label": "x",
                                                       "active": "on"}).status_code == 403
    assert signed_in(Role.PARTNER_LEAD).get(reverse("decisions:reasons")).status_code == 403


def test_the_api_proposes_at_the_lines_amount_and_shows_what_was_settled(
        world: World, signed_in) -> None:
    _, _, line2 = denied(world)
    response = signed_in(Role.PARTNER_SPECIALIST).post("/api/decisions", {
        "client": "acme", "kind": "write_off", "item_id": line2.pk,
        "adjustment_reason": "timely", "reasons": "Past the filing limit"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["adjustment_reason"], body["claim_line_id"]) == (
        "150.00", "TIMELY", line2.claim_line_id)
    manager = signed_in(Role.CLIENT_MANAGER)
    decided = manager.post(f"/api/decisions/{body['id']}/decision", {"approve": True},
                           content_type="application/json").json()
    denial = RemitAdjustment.objects.get(remit_line__claim_line=line2.claim_line)
    assert decided["settled_adjustments"] == [denial.pk]
    assert decided["result"]["claim_status"] == ClaimStatus.PARTIAL
