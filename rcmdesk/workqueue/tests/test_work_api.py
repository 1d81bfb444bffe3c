"""The work API: the tenant contract, ETag / If-Match on changes, next, bulk and counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


class TestWorkItemResource(TenantResourceContract):
    list_url = "/api/work/items"
    viewer = Role.PARTNER_SPECIALIST
    # The fixed cost, the items in one query, and one audit event per client listed.
    list_query_budget = 13

    def detail_url(self, key):
        return f"/api/work/items/{key}"

    def own_key(self, world):
        return str(WorkItem.objects.get(client=world.acme).pk)

    def foreign_key(self, world):
        return str(WorkItem.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _items(self, world):
        make_item(world.acme, 1, claim=make_claim(world.acme, "PCNAPI"))
        make_item(world.birch, 2, kind=ItemKind.ELIGIBILITY)


def api(world, role=Role.PARTNER_SPECIALIST) -> Client:
    return sign_in(Client(), world.user(role))


def test_listing_many_items_costs_no_more_queries_than_one(world, django_assert_max_num_queries):
    for n in range(6):
        make_item(world.acme, n, claim=make_claim(world.acme, f"MANY{n}"))
    client = api(world)
    with django_assert_max_num_queries(TestWorkItemResource.list_query_budget):
        assert len(client.get("/api/work/items").json()) == 6


def test_the_detail_carries_its_etag_and_the_priority_explanation(world):
    item = make_item(world.acme, 1, priority_factors=[{"name": "age", "points": 7,
                                                       "why": "40 days old"}])
    response = api(world).get(f"/api/work/items/{item.pk}")
    assert response["ETag"] == f'"{item.pk}-1"'
    assert response.json()["priority_factors"] == [{"name": "age", "points": 7,
                                                    "why": "40 days old"}]


def test_next_leases_the_top_item_and_answers_204_when_the_queue_is_empty(world):
    top = make_item(world.acme, 1, priority=50)
    client = api(world)
    first = client.post("/api/work/next", {"workflow": "denials"}, content_type="application/json")
    assert first.status_code == 200
    assert (first.json()["id"], first.json()["status"]) == (top.pk, "in_progress")
    assert first["ETag"] == f'"{top.pk}-2"'
    empty = client.post("/api/work/next", {}, content_type="application/json")
    assert empty.status_code == 204


def claimed(world) -> tuple[Client, dict]:
    make_item(world.acme, 1)
    client = api(world)
    return client, client.post("/api/work/next", {}, content_type="application/json").json()


def test_an_action_with_the_current_etag_is_recorded_and_returns_the_new_etag(world):
    client, item = claimed(world)
    response = client.post(f"/api/work/items/{item['id']}/actions",
                           {"kind": "appealed", "status": "pending_client_decision",
                            "note": "level 1"},
                           content_type="application/json", HTTP_IF_MATCH=item["etag"])
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ItemStatus.PENDING_CLIENT_DECISION
    assert response["ETag"] == f'"{item["id"]}-{item["version"] + 1}"'


def test_a_stale_etag_answers_412_and_changes_nothing(world):
    client, item = claimed(world)
    url = f"/api/work/items/{item['id']}/actions"
    assert client.post(url, {"kind": "note", "note": "first"}, content_type="application/json",
                       HTTP_IF_MATCH=item["etag"]).status_code == 200
    stale = client.post(url, {"kind": "note", "note": "second"}, content_type="application/json",
                        HTTP_IF_MATCH=item["etag"])
    assert stale.status_code == 412
    assert "changed by someone else" in stale.json()["detail"]
    assert not WorkItem.objects.get().actions.filter(note="second").exists()


def test_a_version_in_the_body_works_like_if_match(world):
    client, item = claimed(world)
    url = f"/api/work/items/{item['id']}/actions"
    stale = client.post(url, {"kind": "note", "version": item["version"] - 1},
                        content_type="application/json")
    assert stale.status_code == 412
    ok = client.post(url, {"kind": "note", "version": item["version"]},
                     content_type="application/json")
    assert ok.status_code == 200


def test_a_change_without_any_precondition_answers_428(world):
    client, item = claimed(world)
    response = client.post(f"/api/work/items/{item['id']}/actions", {"kind": "note"},
                           content_type="application/json")
    assert response.status_code == 428


def test_a_write_off_is_refused_over_the_api(world):
    client, item = claimed(world)
    response = client.post(f"/api/work/items/{item['id']}/actions",
                           {"kind": "written_off", "status": "done", "outcome": "x"},
                           content_type="application/json", HTTP_IF_MATCH=item["etag"])
    assert response.status_code == 400
    assert WorkItem.objects.get().status == ItemStatus.IN_PROGRESS


def test_acting_on_another_tenants_item_answers_404_before_the_precondition(world):
    birch = make_item(world.birch, 1, kind=ItemKind.ELIGIBILITY)
    response = api(world).post(f"/api/work/items/{birch.pk}/actions", {"kind": "claim"},
                               content_type="application/json", HTTP_IF_MATCH=birch.etag)
    assert response.status_code == 404


def test_bulk_reports_done_and_skipped_items(world):
    mine = make_item(world.acme, 1)
    foreign = make_item(world.birch, 2, kind=ItemKind.ELIGIBILITY)
    response = api(world).post("/api/work/items/bulk", {
        "action": "close", "ids": [mine.pk, foreign.pk], "params": {"outcome": "paid"}},
        content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"done": [mine.pk], "skipped": {str(foreign.pk): "Not found."}}


def test_bulk_assign_by_a_specialist_is_forbidden(world):
    item = make_item(world.acme, 1)
    response = api(world).post("/api/work/items/bulk", {
        "action": "assign", "ids": [item.pk], "params": {"assignee": "pillar.specialist"}},
        content_type="application/json")
    assert response.status_code == 403


def test_bulk_snooze_without_a_date_is_a_bad_request(world):
    item = make_item(world.acme, 1)
    response = api(world).post("/api/work/items/bulk", {"action": "snooze", "ids": [item.pk]},
                               content_type="application/json")
    assert response.status_code == 400


def test_counts_group_visible_items_with_dollar_totals(world, django_assert_max_num_queries):
    make_item(world.acme, 1, aging_bucket="61-90", amount=Decimal("10.25"))
    make_item(world.acme, 2, aging_bucket="61-90", amount=Decimal("4.75"))
    make_item(world.birch, 3, kind=ItemKind.ELIGIBILITY, amount=Decimal("99.00"))
    client = api(world)
    with django_assert_max_num_queries(10):
        rows = client.get("/api/work/counts").json()
    assert rows == [{"workflow": "denials", "aging_bucket": "61-90", "status": "open",
                     "count": 2, "amount": "15.00"}]


def test_bulk_assign_to_a_name_nobody_has_answers_as_for_another_tenants_user(world):
    item = make_item(world.acme, 1)
    lead = sign_in(Client(), world.user(Role.PARTNER_LEAD))

    def answer(assignee):
        response = lead.post("/api/work/items/bulk", {
            "action": "assign", "ids": [item.pk], "params": {"assignee": assignee}},
            content_type="application/json")
        return response.status_code, response.content.decode().replace(assignee, "NAME")

    assert answer("birch.admin") == answer("no.such.person") == (
        200, f'{{"done": [], "skipped": {{"{item.pk}": "NAME cannot work denial items for this '
             'client."}}')
    item.refresh_from_db()
    assert item.assignee is None
