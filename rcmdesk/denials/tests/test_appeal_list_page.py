"""The appeals list and the appeal page's later steps, through the pages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.decisions.models import Proposal
from rcmdesk.denials.models import Appeal, AppealStatus
from rcmdesk.denials.tests.appeal_steps import answered, filed
from rcmdesk.denials.tests.builders import denied_claim
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def an_appeal(world: World, client: Any = None, *, pcn: str = "PCN-LIST", level: int = 1,
              days_left: int | None = 5, status: str = AppealStatus.DRAFT) -> Appeal:
    client = client or world.acme
    claim = make_claim(client, pcn)
    item = make_item(client, claim.pk, kind=ItemKind.DENIAL, claim=claim, amount="75.00")
    deadline = client.today() + timedelta(days=days_left) if days_left is not None else None
    return Appeal.objects.create(client=client, item=item, claim=claim, level=level,
                                 category="authorization", subject=f"{pcn} appeal",
                                 letter_text="...", deadline=deadline, status=status)


def test_the_list_shows_state_level_payer_deadline_and_amount_with_links(
        world: World, signed_in: Any) -> None:
    near = an_appeal(world, pcn="PCN-NEAR", days_left=5)
    page = signed_in(Role.PARTNER_SPECIALIST).get("/appeals/")
    html = page.content.decode()
    assert page.status_code == 200
    row = html[html.index(f'data-testid="appeal-{near.pk}"'):]
    row = row[:row.index("</tr>")]
    for shown in (f'href="/appeals/{near.pk}/"', f'href="/claims/{near.claim_id}/"', "PCN-NEAR",
                  "commercial payer", "Draft", "due in 5 days", "$75.00"):
        assert shown in row, shown


def test_the_list_is_audited_once_per_client_naming_its_appeals(
        world: World, signed_in: Any) -> None:
    acme = an_appeal(world)
    birch = an_appeal(world, world.birch, pcn="PCN-B")
    signed_in(Role.PARTNER_LEAD).get("/appeals/")
    events = {e.client_org_id: e.detail["appeals"] for e in AuditEvent.objects.filter(
        action="list", object_type="denials.appeal")}
    assert events[world.acme.pk] == [acme.pk]
    assert events.get(world.birch.pk, [birch.pk]) == [birch.pk]


def test_the_filters_narrow_by_state_level_payer_and_deadline(
        world: World, signed_in: Any) -> None:
    late = an_appeal(world, pcn="PCN-LATE", days_left=-2)
    later = an_appeal(world, pcn="PCN-LATER", days_left=60, level=2)
    done = an_appeal(world, pcn="PCN-DONE", days_left=None, status=AppealStatus.LOST)
    browser = signed_in(Role.PARTNER_SPECIALIST)

    def shown(query: str) -> set[int]:
        html = browser.get(f"/appeals/?{query}").content.decode()
        return {a.pk for a in (late, later, done) if f'data-testid="appeal-{a.pk}"' in html}

    assert shown("") == {late.pk, later.pk}  # open by default
    assert shown("state=closed") == {done.pk}
    assert shown("state=all&level=2") == {later.pk}
    assert shown("deadline=past") == {late.pk}
    assert shown("deadline=flagged") == {late.pk}
    assert shown(f"state=all&payer={late.claim.payer_id}") == {late.pk, later.pk, done.pk}
    assert shown("state=nonsense&level=x&deadline=soon") == {late.pk, later.pk}
    assert "2 days past the deadline" in browser.get("/appeals/").content.decode()


def test_another_clients_payer_in_the_filter_answers_like_a_missing_one(
        world: World, signed_in: Any) -> None:
    an_appeal(world)
    birch = an_appeal(world, world.birch, pcn="BIRCHPCN-A")
    browser = signed_in(Role.CLIENT_MANAGER)
    foreign = browser.get(f"/appeals/?state=all&payer={birch.claim.payer_id}")
    missing = browser.get("/appeals/?state=all&payer=987654321")
    assert foreign.status_code == missing.status_code == 200
    assert "BIRCHPCN" not in foreign.content.decode()
    assert not re.search(r'data-testid="appeal-\d', foreign.content.decode())
    assert "BIRCHPCN" not in browser.get("/appeals/?client=birch").content.decode()


def test_the_nav_and_the_appeal_page_link_the_list(world: World, signed_in: Any) -> None:
    appeal = an_appeal(world)
    browser = signed_in(Role.PARTNER_SPECIALIST)
    assert 'href="/appeals/"' in browser.get("/work/").content.decode()
    page = browser.get(f"/appeals/{appeal.pk}/").content.decode()
    assert '<a href="/appeals/" data-testid="appeals-list">' in page
    assert "due in 5 days" in page


def test_the_item_page_shows_its_appeals_with_the_deadline_flag(
        world: World, signed_in: Any) -> None:
    appeal = an_appeal(world, days_left=-1)
    page = signed_in(Role.PARTNER_SPECIALIST).get(f"/work/items/{appeal.item_id}/")
    html = page.content.decode()
    assert 'data-testid="item-appeals"' in html
    assert f'href="/appeals/{appeal.pk}/"' in html
    assert "1 day past the deadline" in html


def test_filing_from_the_page_records_how_and_a_missing_channel_says_so(
        world: World, signed_in: Any) -> None:
    from rcmdesk.denials import appeals
    from rcmdesk.denials.playbook import set_policy
    from rcmdesk.denials.tests.builders import lease

    set_policy(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), needs_approval=False)
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    browser = signed_in(Role.PARTNER_SPECIALIST)
    assert b'data-testid="filed-form"' in browser.get(f"/appeals/{appeal.pk}/").content
    refused = browser.post(f"/appeals/{appeal.pk}/filed/", {
        "version": appeal.version, "filed_on": "2026-03-12", "channel": ""})
    assert refused.status_code == 400
    assert b"How" in refused.content
    done = browser.post(f"/appeals/{appeal.pk}/filed/", {
        "version": appeal.version, "filed_on": "2026-03-12", "channel": "fax",
        "reference": "FAX-1"})
    assert done.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.filing_channel) == (AppealStatus.FILED, "fax")
    page = browser.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "03/12/2026 by fax" in page
    assert 'data-testid="answer-form"' in page


def test_qa_cannot_record_the_payers_answer_from_the_page(world: World, signed_in: Any) -> None:
    _, appeal, _ = filed(world)
    refused = signed_in(Role.PARTNER_QA).post(f"/appeals/{appeal.pk}/answer/", {
        "version": appeal.version, "outcome": "upheld", "decided_on": "2026-04-02"})
    assert refused.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FILED


def test_an_answer_from_the_page_and_a_stale_one_after_it(world: World, signed_in: Any) -> None:
    _, appeal, _ = filed(world)
    browser = signed_in(Role.PARTNER_SPECIALIST)
    form = {"version": appeal.version, "outcome": "overturned", "decided_on": "2026-04-02",
            "expected_amount": "150.00"}
    assert browser.post(f"/appeals/{appeal.pk}/answer/", form).status_code == 302
    again = browser.post(f"/appeals/{appeal.pk}/answer/", form)
    assert again.status_code == 409
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WON
    assert "Overturned on 04/02/2026" in browser.get(f"/appeals/{appeal.pk}/").content.decode()


def test_an_upheld_appeal_page_drafts_level_2_or_proposes_the_write_off(
        world: World, signed_in: Any) -> None:
    _, appeal, _ = answered(world, "upheld")
    browser = signed_in(Role.PARTNER_SPECIALIST)
    page = browser.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "Draft the level-2 appeal" in page
    assert 'name="amount" value="150.00"' in page
    proposed = browser.post(f"/appeals/{appeal.pk}/write-off/", {"amount": "150.00"})
    proposal = Proposal.objects.get()
    assert proposed["Location"] == f"/decisions/{proposal.pk}/"
    assert "upheld the level-1 appeal" in proposal.reasons


def test_level_2_from_the_page_opens_the_new_appeal_linked_both_ways(
        world: World, signed_in: Any) -> None:
    _, appeal, _ = answered(world, "upheld")
    browser = signed_in(Role.PARTNER_SPECIALIST)
    response = browser.post(f"/appeals/{appeal.pk}/next-level/")
    second = Appeal.objects.get(previous=appeal)
    assert response["Location"] == f"/appeals/{second.pk}/"
    assert f'href="/appeals/{appeal.pk}/"' in browser.get(f"/appeals/{second.pk}/").content.decode()
    assert f'href="/appeals/{second.pk}/"' in browser.get(f"/appeals/{appeal.pk}/").content.decode()


def test_another_clients_user_sees_none_of_the_new_steps(world: World) -> None:
    _, appeal, _ = filed(world)
    birch = sign_in(Client(), world.birch_admin)
    for step in ("filed", "answer", "next-level", "write-off"):
        assert birch.post(f"/appeals/{appeal.pk}/{step}/").status_code == 404


def test_the_claim_page_gets_its_appeals_with_state_and_deadline_flag(world: World) -> None:
    from rcmdesk.denials.queries import claim_appeals

    late = an_appeal(world, pcn="PCN-CLAIM", days_left=-3)
    rows = claim_appeals(world.user(Role.PARTNER_SPECIALIST), late.claim)
    assert [(r.appeal.pk, r.state, r.flag.level, r.flag.words) for r in rows] == [
        (late.pk, "Draft", "past", "3 days past the deadline")]
    assert claim_appeals(world.birch_admin, late.claim) == []
