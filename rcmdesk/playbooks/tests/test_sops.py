from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rcmdesk.claims.models import Payer
from rcmdesk.conftest import World
from rcmdesk.playbooks.models import SopDocument, SopVersion
from rcmdesk.playbooks.sops import DEFAULT_CHECKLIST, checklist_for, sop_for_item, sop_in_force
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ActionKind, ItemKind
from rcmdesk.workqueue.services import Step
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db


def sop(world: World, title: str, *, workflow: str = "denials", payer: Payer | None = None,
        category: str = "", body: str = "Do it.", at: Any = None,
        checklist: list[str] | None = None) -> SopVersion:
    doc = SopDocument.objects.create(client=world.acme, workflow=workflow, payer=payer,
                                     category=category, title=title)
    return version(doc, body, at=at, checklist=checklist)


def version(doc: SopDocument, body: str, *, at: Any = None,
            checklist: list[str] | None = None) -> SopVersion:
    number = doc.versions.count() + 1
    return SopVersion.objects.create(document=doc, number=number, body=body,
                                     checklist=checklist or [], change_note=f"v{number}",
                                     created_at=at or timezone.now())


def test_the_most_specific_active_document_is_in_force(world: World) -> None:
    payer = make_claim(world.acme).payer
    general = sop(world, "Denials")
    by_category = sop(world, "Coding denials", category="coding")
    by_payer = sop(world, "Commercial denials", payer=payer)
    both = sop(world, "Commercial coding denials", payer=payer, category="coding")
    assert sop_in_force(world.acme.pk, "denials", payer.pk, "coding") == both
    assert sop_in_force(world.acme.pk, "denials", payer.pk, "eligibility") == by_payer
    assert sop_in_force(world.acme.pk, "denials", None, "coding") == by_category
    assert sop_in_force(world.acme.pk, "denials") == general
    both.document.active = False
    both.document.save()
    assert sop_in_force(world.acme.pk, "denials", payer.pk, "coding") == by_payer


def test_no_sop_is_in_force_for_another_client_or_workflow(world: World) -> None:
    sop(world, "Denials")
    assert sop_in_force(world.birch.pk, "denials") is None
    assert sop_in_force(world.acme.pk, "ar_followup") is None


def test_the_version_in_force_is_the_latest_written_before_the_moment_asked(
        world: World) -> None:
    earlier = timezone.now() - timedelta(days=10)
    first = sop(world, "Denials", at=earlier)
    second = version(first.document, "Do it better.", at=earlier + timedelta(days=5))
    assert sop_in_force(world.acme.pk, "denials") == second
    assert sop_in_force(world.acme.pk, "denials", at=earlier + timedelta(days=1)) == first
    assert sop_in_force(world.acme.pk, "denials", at=earlier - timedelta(days=1)) is None


def test_an_item_finds_its_claims_payer_sop_in_one_query(world: World) -> None:
    claim = make_claim(world.acme)
    sop(world, "Denials")
    by_payer = sop(world, "Commercial denials", payer=claim.payer)
    item = make_item(world.acme, 1, claim=claim)
    with CaptureQueriesContext(connection) as queries:
        assert sop_for_item(item) == by_payer
    assert len(queries) == 1


def test_the_checklist_is_the_sops_own_or_the_default(world: World) -> None:
    own = sop(world, "Denials", checklist=["Read the CARC", "  "])
    assert checklist_for(own) == ["Read the CARC"]
    assert checklist_for(sop(world, "Other")) == DEFAULT_CHECKLIST
    assert checklist_for(None) == DEFAULT_CHECKLIST


def test_an_action_records_the_sop_version_in_force_and_a_later_version_keeps_history(
        world: World) -> None:
    first = sop(world, "Denials")
    make_item(world.acme, 1, kind=ItemKind.DENIAL)
    worker = world.user(Role.PARTNER_SPECIALIST)
    item = services.claim_next(acting_user=worker)
    assert item is not None
    item = services.act(item, item.version, Step(ActionKind.NOTE, note="called"),
                        acting_user=worker)
    second = version(first.document, "New rule.")
    item = services.act(item, item.version, Step(ActionKind.NOTE, note="again"), acting_user=worker)
    notes = list(item.actions.filter(kind=ActionKind.NOTE).order_by("pk"))
    assert [a.sop_version for a in notes] == [first, second]


def test_an_event_on_an_item_records_the_sop_version_in_force(world: World) -> None:
    current = sop(world, "Denials")
    item = make_item(world.acme, 1, kind=ItemKind.DENIAL)
    services.record_event(item, ActionKind.NOTE, acting_user=None, note="remit arrived")
    assert item.actions.get().sop_version == current
