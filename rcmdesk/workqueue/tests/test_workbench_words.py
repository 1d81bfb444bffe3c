"""The workbench in a billing office's words: filters limited to what the user works, free
text, human labels, formatted money and days, deadline flags and the age of a denial."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db
WORKBENCH = "/work/"


def section(body: str, testid: str, end: str = "</table>") -> str:
    return body.split(f'data-testid="{testid}"')[1].split(end)[0]


def listed(browser, **params) -> str:
    return section(browser.get(WORKBENCH, params).content.decode(), "items")


def test_the_workflow_filter_lists_only_the_workflows_the_user_works(world, signed_in):
    body = signed_in(Role.PARTNER_SPECIALIST).get(WORKBENCH).content.decode()
    workflows = re.findall(r'<option value="(\w+)"[^>]*>',
                           body.split('<select name="workflow"')[1].split("</select>")[0])
    assert workflows == ["ar_followup", "denials"]
    assert "AR follow-up" in body
    assert "Payment posting" not in body


def test_the_client_filter_lists_only_clients_the_user_sees(world, signed_in):
    # pillar.lead works for Acme only: no Birch, and no client filter for a single client
    acme_only = signed_in(Role.PARTNER_LEAD).get(WORKBENCH).content.decode()
    assert "Birch Valley Hospital" not in acme_only
    assert '<select name="client"' not in acme_only
    Assignment.objects.create(engagement=world.birch_engagement,
                              user=world.user(Role.PARTNER_LEAD))
    body = signed_in(Role.PARTNER_LEAD).get(WORKBENCH).content.decode()
    clients = body.split('name="client"')[1].split("</select>")[0]
    assert "Acme Family Medicine" in clients
    assert "Birch Valley Hospital" in clients


def test_filtering_by_client_lists_that_clients_items_and_another_tenant_lists_nothing(
        world, signed_in):
    make_item(world.acme, 1, title="acme-marker")
    make_item(world.birch, 2, kind=ItemKind.ELIGIBILITY, title="birch-marker")
    client = signed_in(Role.PARTNER_SPECIALIST)
    assert "acme-marker" in listed(client, client=str(world.acme.pk))
    foreign = listed(client, client=str(world.birch.pk))
    assert "birch-marker" not in foreign
    assert "acme-marker" not in foreign


def test_free_text_finds_items_by_patient_claim_number_payer_and_item_number(
        world, signed_in):
    claim = make_claim(world.acme, "PCNFIND77", payer_kind="medicare")
    found = make_item(world.acme, 1, title="with-claim", claim=claim)
    make_item(world.acme, 2, title="without-claim")
    client = signed_in(Role.PARTNER_SPECIALIST)
    for words in ("synthetic", "Pat Synthetic", "pcnfind", "medicare payer", f"#{found.pk}"):
        shown = listed(client, q=words)
        assert "with-claim" in shown, words
        assert "without-claim" not in shown, words


def test_labels_money_and_days_are_in_words_never_codes(world, signed_in):
    make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP, status=ItemStatus.PENDING_PAYER,
              amount=Decimal("5885.35"), aging_bucket="61-90", category="no_response",
              deadline=world.acme.today() + timedelta(days=60))
    body = signed_in(Role.PARTNER_SPECIALIST).get(WORKBENCH).content.decode()
    items = section(body, "items")
    assert "Get next AR follow-up item" in body
    assert "Get next ar_followup" not in body
    assert "$5,885.35" in items
    assert "5885.35<" not in items
    assert "Waiting on the payer" in items
    assert "pending_payer" not in items.split("<tbody>")[1]
    assert "no response" in items
    assert "no_response" not in items
    assert "61-90 days" in items
    deadline = world.acme.today() + timedelta(days=60)
    assert f"{deadline:%m/%d/%Y}" in items
    assert deadline.isoformat() + "<" not in items


def test_the_list_is_sortable_with_sort_keys_and_offers_select_all(world, signed_in):
    make_item(world.acme, 1, amount=Decimal("1234.50"), deadline=world.acme.today())
    body = signed_in(Role.PARTNER_SPECIALIST).get(WORKBENCH).content.decode()
    assert '<table class="compact sortable" data-testid="items">' in body
    assert 'data-select-all="ids"' in body
    assert 'data-value="1234.50"' in body
    assert f'data-value="{world.acme.today().isoformat()}"' in body


def test_a_past_deadline_stands_out_and_a_near_one_is_flagged(world, signed_in):
    today = world.acme.today()
    make_item(world.acme, 1, title="expired-appeal", deadline=today - timedelta(days=3))
    make_item(world.acme, 2, title="due-soon", deadline=today + timedelta(days=5))
    make_item(world.acme, 3, title="far-off", deadline=today + timedelta(days=90))
    rows = {m[2]: m[0] for m in re.finditer(r"<tr([^>]*)>.*?#\d+ ([\w-]+)</a>.*?</tr>",
                                             listed(signed_in(Role.PARTNER_SPECIALIST))
                                             .split("<tbody>")[1], re.S)}
    assert 'class="alarm-row"' in rows["expired-appeal"]
    assert 'data-flag="past"' in rows["expired-appeal"]
    assert "3 days past the deadline" in rows["expired-appeal"]
    assert 'data-flag="near"' in rows["due-soon"]
    assert "due in 5 days" in rows["due-soon"]
    assert "data-flag" not in rows["far-off"]


def test_a_denial_shows_its_age_in_days_since_the_date_of_service(world, signed_in):
    service = world.acme.today() - timedelta(days=188)
    make_item(world.acme, 1, claim=make_claim(world.acme, "PCNOLD", service=service))
    age = section(listed(signed_in(Role.PARTNER_SPECIALIST)), "age", "</td>")
    assert "188 days" in age
    assert 'data-value="188"' in listed(signed_in(Role.PARTNER_SPECIALIST))


def test_the_counts_table_reads_in_words_and_dollars(world, signed_in):
    make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP, amount=Decimal("5885.35"),
              aging_bucket="120+", status=ItemStatus.PENDING_CLIENT_DECISION)
    body = signed_in(Role.PARTNER_SPECIALIST).get("/work/counts/").content.decode()
    assert "AR follow-up" in body
    assert "Waiting on the client&#x27;s decision" in body
    assert "Over 120 days" in body
    assert "No age" in body
    assert "$5,885.35" in body
    assert ">ar_followup<" not in body
    assert "pending_client_decision" not in body
