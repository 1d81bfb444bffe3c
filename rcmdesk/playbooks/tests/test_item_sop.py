"""The SOP beside the work on the work item page (``playbooks/_item_sop.html``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rcmdesk.conftest import World
from rcmdesk.playbooks.tests.factories import add_version, make_sop
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ActionKind, ItemKind
from rcmdesk.workqueue.services import Step
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def test_the_item_page_shows_the_sop_in_force_rendered_with_its_version(
        world: World, signed_in: Any) -> None:
    claim = make_claim(world.acme)
    make_sop(world, "General denials", body="General.")
    doc = make_sop(world, "Commercial denials", payer=claim.payer,
                   body="Use the **portal**.\n\n<script>alert(1)</script>",
                   checklist=["Portal checked"])
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL, claim=claim)
    html = signed_in(Role.PARTNER_SPECIALIST).get(
        reverse("workqueue:item", args=[item.pk])).content.decode()
    assert f'href="/playbook/sops/{doc.pk}/"' in html
    assert '<span class="tag" data-testid="sop-version">v1</span>' in html
    assert "in force since" in html
    assert "<strong>portal</strong>" in html
    assert "<script>alert(1)" not in html
    assert "Portal checked" in html


def test_the_item_page_says_when_there_is_no_sop(world: World, signed_in: Any) -> None:
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL)
    html = signed_in(Role.CLIENT_STAFF).get(
        reverse("workqueue:item", args=[item.pk])).content.decode()
    assert 'data-testid="no-sop"' in html


def test_the_item_page_shows_the_sop_version_each_action_was_taken_under(
        world: World, signed_in: Any) -> None:
    doc = make_sop(world)
    make_item(world.acme, 1, kind=ItemKind.DENIAL)
    worker = world.user(Role.PARTNER_SPECIALIST)
    item = services.claim_next(acting_user=worker)
    assert item is not None
    item = services.act(item, item.version, Step(ActionKind.CALLED_PAYER, note="a"),
                        acting_user=worker)
    add_version(world, doc, "Second text.")
    item = services.act(item, item.version, Step(ActionKind.CHECKED_PORTAL, note="b"),
                        acting_user=worker)
    html = signed_in(Role.CLIENT_ADMIN).get(
        reverse("workqueue:item", args=[item.pk])).content.decode()
    section = html.split('data-testid="sop-worked-under"')[1]
    assert section.index("Called payer") < section.index("v1") < section.index(
        "Checked portal") < section.index("v2")


def test_a_partner_opens_the_sop_shown_beside_its_item(world: World, signed_in: Any) -> None:
    doc = make_sop(world, "Denials SOP")
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL)
    partner = signed_in(Role.PARTNER_SPECIALIST)
    html = partner.get(reverse("workqueue:item", args=[item.pk])).content.decode()
    assert f'href="/playbook/sops/{doc.pk}/"' in html
    assert partner.get(f"/playbook/sops/{doc.pk}/").status_code == 200
