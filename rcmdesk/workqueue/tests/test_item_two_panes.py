"""The work item page as two panes: the claim and its context on one side, the actions and
the SOP on the other (always in reach, with keyboard shortcuts), every code in words."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ItemKind, ItemStatus
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def denial(world, **fields):
    today = world.acme.today()
    return make_item(
        world.acme, 1, kind=ItemKind.DENIAL, amount=Decimal("26920.00"),
        category="authorization",
        claim=make_claim(world.acme, "PCNPANES", service=today - timedelta(days=188)),
        detail={"carcs": ["CO-197", "CO-45"], "rarcs": ["N54"], "group": "CO", "carc": "197",
                "remit_date": (today - timedelta(days=40)).isoformat(), "appeal_days": 180,
                "payer_claim_number": "ICN0042", "status_code": "4", "rules": "default"},
        **fields)


def held_page(world, signed_in, item) -> str:
    client = signed_in(Role.PARTNER_SPECIALIST)
    services.claim(item, item.version, acting_user=world.user(Role.PARTNER_SPECIALIST))
    body: str = client.get(reverse("workqueue:item", args=[item.pk])).content.decode()
    return body


def panes(body: str) -> tuple[str, str]:
    context = body.split('data-testid="context-pane"')[1].split('data-testid="work-pane"')[0]
    work = body.split('data-testid="work-pane"')[1].split("</aside>")[0]
    return context, work


def test_the_claim_is_on_the_left_and_the_actions_and_sop_on_the_right(world, signed_in):
    context, work = panes(held_page(world, signed_in, denial(world)))
    assert 'data-testid="claim-summary"' in context
    assert 'data-testid="history"' in context
    assert 'data-testid="act-form"' in work
    assert 'data-testid="item-sop"' in work
    assert work.index('data-testid="act-form"') < work.index('data-testid="item-sop"')
    assert 'data-testid="act-form"' not in context


def test_the_frequent_actions_have_their_keyboard_shortcuts(world, signed_in):
    lead = signed_in(Role.PARTNER_LEAD)
    item = denial(world)
    services.claim(item, item.version, acting_user=world.user(Role.PARTNER_LEAD))
    body = lead.get(reverse("workqueue:item", args=[item.pk])).content.decode()
    for testid, key in (("record-next", "n"), ("record", "r"), ("snooze", "s"),
                        ("assign", "a")):
        button = body.split(f'data-testid="{testid}"')[1].split(">")[0]
        assert f'data-shortcut="{key}"' in button, testid
        assert "data-shortcut-label=" in button, testid
    assert body.count('data-shortcut="n"') == 1


def test_denial_codes_read_as_code_and_category(world, signed_in):
    context, _ = panes(held_page(world, signed_in, denial(world)))
    codes = context.split('data-testid="denial-codes"')[1].split("</ul>")[0]
    assert "<code>CO-197</code> · authorization" in codes
    assert "<code>CO-45</code> · contractual" in codes
    assert "<code>N54</code>" in codes
    assert "['CO-" not in context
    assert "carcs" not in context


def test_details_read_in_words_never_as_stored_keys(world, signed_in):
    context, _ = panes(held_page(world, signed_in, denial(world)))
    detail = context.split('data-testid="detail"')[1].split("</table>")[0]
    assert "Payer claim number (ICN)" in detail
    assert "ICN0042" in detail
    assert "180 days" in detail
    assert f"{world.acme.today() - timedelta(days=40):%m/%d/%Y}" in detail
    for key in ("payer_claim_number", "appeal_days", "remit_date", "status_code"):
        assert key not in detail


def test_a_denial_shows_its_age_and_how_long_ago_it_was_denied(world, signed_in):
    context, _ = panes(held_page(world, signed_in, denial(world)))
    age = context.split('data-testid="item-age"')[1].split("</td>")[0]
    assert "188 days" in age
    assert "denied 40 days ago" in age


def test_an_expired_appeal_deadline_stands_out(world, signed_in):
    item = denial(world, deadline=world.acme.today() - timedelta(days=2))
    context, _ = panes(held_page(world, signed_in, item))
    assert 'data-testid="appeal-expired"' in context
    deadline = context.split('data-testid="deadline"')[1].split("</td>")[0]
    assert 'class="deadline-past"' in deadline
    assert "2 days past the deadline" in deadline


def test_statuses_and_money_are_in_words_and_dollars(world, signed_in):
    item = denial(world, status=ItemStatus.PENDING_CLIENT_DECISION)
    body = signed_in(Role.PARTNER_SPECIALIST).get(
        reverse("workqueue:item", args=[item.pk])).content.decode()
    assert "Waiting on the client&#x27;s decision" in body
    assert "pending_client_decision" not in body.split('data-testid="item-status"')[1][:200]
    assert "$26,920.00" in body
    assert "Get next Denials item" in body
