"""Each kind of item has its own actions, read from one place by the page, the API, the
bulk actions and the work engine."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import bulk, services
from rcmdesk.workqueue.actionsets import ACTION_SETS, RECORDABLE, action_set
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkItem
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def leased(world: World, item: WorkItem, role: Role = Role.CLIENT_STAFF) -> WorkItem:
    return services.claim(item, item.version, acting_user=world.user(role))


def offered(body: str) -> list[str]:
    form = body.split('data-testid="act-form"')[1].split("</form>")[0]
    select = form.split('name="kind"')[1].split("</select>")[0]
    return [part.split('"')[0] for part in select.split('value="')[1:]]


def test_every_kind_has_a_set_and_none_offers_a_write_off() -> None:
    assert set(ACTION_SETS) == set(ItemKind.values)
    assert ActionKind.WRITTEN_OFF not in RECORDABLE
    assert all(ActionKind.NOTE in s.record for s in ACTION_SETS.values())


def test_a_posting_exception_item_offers_only_a_payer_call_a_portal_check_or_a_note(
        world: World, signed_in) -> None:
    item = leased(world, make_item(world.acme, 1, kind=ItemKind.POSTING_EXCEPTION))
    body = signed_in(Role.CLIENT_STAFF).get(reverse("workqueue:item", args=[item.pk])
                                            ).content.decode()
    assert offered(body) == ["called_payer", "checked_portal", "note"]
    assert 'data-testid="send-276"' not in body


def test_a_denial_item_offers_the_appeal_and_the_276(world: World, signed_in) -> None:
    claim = make_claim(world.acme, "PCNDEN")
    item = leased(world, make_item(world.acme, 1, kind=ItemKind.DENIAL, claim=claim),
                  Role.PARTNER_SPECIALIST)
    body = signed_in(Role.PARTNER_SPECIALIST).get(reverse("workqueue:item", args=[item.pk])
                                                  ).content.decode()
    assert offered(body) == [k.value for k in action_set(ItemKind.DENIAL).record]
    assert "appealed" in offered(body)
    assert 'data-testid="send-276"' in body


def test_the_engine_refuses_an_appeal_on_a_posting_exception(world: World) -> None:
    item = leased(world, make_item(world.acme, 1, kind=ItemKind.POSTING_EXCEPTION))
    with pytest.raises(services.NotAllowed, match="not an action for a posting exception"):
        services.act(item, item.version, services.Step(ActionKind.APPEALED),
                     acting_user=world.user(Role.CLIENT_STAFF))
    assert not item.actions.filter(kind=ActionKind.APPEALED).exists()


def test_a_posted_action_outside_the_set_is_refused_by_the_page(world: World,
                                                                 signed_in) -> None:
    item = leased(world, make_item(world.acme, 1, kind=ItemKind.POSTING_EXCEPTION))
    response = signed_in(Role.CLIENT_STAFF).post(
        reverse("workqueue:act", args=[item.pk]), {"version": item.version, "kind": "appealed"})
    assert response.status_code == 400
    assert not item.actions.filter(kind=ActionKind.APPEALED).exists()


def test_the_api_names_the_items_actions_and_refuses_others(world: World, signed_in) -> None:
    item = leased(world, make_item(world.acme, 1, kind=ItemKind.POSTING_EXCEPTION))
    client = signed_in(Role.CLIENT_STAFF)
    detail = client.get(f"/api/work/items/{item.pk}").json()
    assert detail["actions"] == ["called_payer", "checked_portal", "note"]
    assert detail["status_request"] is False
    response = client.post(f"/api/work/items/{item.pk}/actions",
                           {"kind": "corrected_rebilled", "version": item.version},
                           content_type="application/json")
    assert response.status_code == 400
    assert "posting exception" in response.json()["detail"]


def test_bulk_resubmit_skips_the_kinds_that_are_never_resubmitted(world: World) -> None:
    ar = make_item(world.acme, 1, kind=ItemKind.AR_FOLLOWUP)
    exception = make_item(world.acme, 2, kind=ItemKind.POSTING_EXCEPTION)
    result = bulk.run("resubmit", [ar.pk, exception.pk], bulk.Params(),
                      acting_user=world.user(Role.CLIENT_STAFF))
    assert result.done == [ar.pk]
    assert "not an action for a posting exception" in result.skipped[exception.pk]
    exception.refresh_from_db()
    assert "next_step" not in exception.detail
