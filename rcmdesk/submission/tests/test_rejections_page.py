"""/batches/rejections/: open front-door rejections explained, linked to claim and item."""

from __future__ import annotations

from typing import Any

from rcmdesk.conftest import World
from rcmdesk.intake.services import ingest
from rcmdesk.submission.tests.test_acks import ack_277ca, sent_batch
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem


def test_a_277ca_rejection_is_listed_with_its_reason_and_links(world: World,
                                                               signed_in: Any) -> None:
    batch = sent_batch(world, "PCN1")
    ingest(world.acme, ack_277ca(batch, [], ["PCN1"]), "ca.277")
    item = WorkItem.objects.get(kind=ItemKind.REJECTION)
    page = signed_in(Role.CLIENT_STAFF).get("/batches/rejections/").content.decode()
    assert "A7: rejected: information invalid (status code 562, entity 85)" in page
    assert f'href="/work/items/{item.pk}/"' in page
    assert f'href="/claims/{item.claim_id}/"' in page


def test_birch_users_do_not_see_acme_rejections(world: World, signed_in: Any) -> None:
    from rcmdesk.conftest import sign_in

    batch = sent_batch(world, "PCN1")
    ingest(world.acme, ack_277ca(batch, [], ["PCN1"]), "ca.277")
    from django.test import Client

    page = sign_in(Client(), world.birch_admin).get("/batches/rejections/").content.decode()
    assert "PCN1" not in page
