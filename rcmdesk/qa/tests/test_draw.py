"""Drawing a week against the database: recorded, reproducible, once, and into the queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from rcmdesk.accounts.models import User
from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, make_user
from rcmdesk.playbooks.models import SopDocument, SopVersion
from rcmdesk.qa import services
from rcmdesk.qa.models import Audit, AuditStatus, SampleDraw
from rcmdesk.qa.sampling import Standing
from rcmdesk.qa.tests.factories import WEEK, done_items, plan
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemKind, WorkAction, WorkItem

pytestmark = pytest.mark.django_db


def veteran(world: World, name: str) -> User:
    user = make_user(name, Role.PARTNER_SPECIALIST, world.pillar)
    Assignment.objects.create(engagement=world.acme_engagement, user=user,
                              created_at=timezone.now() - timedelta(days=400))
    return user


def test_a_draw_records_its_seed_and_replays_to_the_same_items(world: World) -> None:
    qa = world.user(Role.PARTNER_QA)
    for n in range(3):
        done_items(world.acme_engagement, veteran(world, f"vet{n}"), 60)
    made = services.draw_week(plan(world.acme_engagement), WEEK, acting_user=qa, seed=123456789)
    audited = sorted(made.audits.values_list("item_id", flat=True))
    assert made.seed == 123456789
    assert made.population_size == 180
    assert audited
    assert services.replay(made) == audited
    # 5 % of 60 is 3 each
    assert sorted(made.audits.values_list("specialist__username", flat=True)) == [
        "vet0"] * 3 + ["vet1"] * 3 + ["vet2"] * 3
    assert AuditEvent.objects.filter(action="qa.draw", object_id=str(made.pk)).exists()


def test_a_draw_without_a_seed_records_a_fresh_one(world: World) -> None:
    done_items(world.acme_engagement, veteran(world, "vet"), 10)
    made = services.draw_week(plan(world.acme_engagement), WEEK,
                              acting_user=world.user(Role.PARTNER_QA))
    assert 0 <= made.seed < 2**63
    assert services.replay(made) == sorted(made.audits.values_list("item_id", flat=True))


def test_a_week_is_drawn_once_and_a_redraw_needs_a_new_seed_and_a_reason(world: World) -> None:
    qa = world.user(Role.PARTNER_QA)
    done_items(world.acme_engagement, veteran(world, "vet"), 40)
    the_plan = plan(world.acme_engagement)
    first = services.draw_week(the_plan, WEEK, acting_user=qa, seed=1)
    with pytest.raises(services.QaProblem, match="already drawn"):
        services.draw_week(the_plan, WEEK, acting_user=qa, seed=2)
    with pytest.raises(services.QaProblem, match="explicit new seed"):
        services.draw_week(the_plan, WEEK, acting_user=qa, redraw=True, reason="auditor left")
    with pytest.raises(services.QaProblem, match="already used"):
        services.draw_week(the_plan, WEEK, acting_user=qa, seed=1, redraw=True, reason="again")
    second = services.draw_week(the_plan, WEEK, acting_user=qa, seed=2, redraw=True,
                                reason="auditor left")
    assert second.redraw_of == first
    first_items = set(first.audits.values_list("item_id", flat=True))
    assert not first_items & set(second.audits.values_list("item_id", flat=True))
    assert SampleDraw.objects.filter(plan=the_plan, week=WEEK).count() == 2


def test_each_audit_gets_a_qa_item_in_the_audited_items_workflow(world: World) -> None:
    done_items(world.acme_engagement, veteran(world, "vet"), 3, workflow="denials")
    made = services.draw_week(plan(world.acme_engagement, minimum_per_week=3), WEEK,
                              acting_user=world.user(Role.PARTNER_QA), seed=5)
    audits = list(made.audits.all())
    assert len(audits) == 3
    for audit in audits:
        qa_item = WorkItem.objects.get(pk=audit.work_item_id)
        assert (qa_item.kind, qa_item.workflow, qa_item.source_key) == (
            ItemKind.QA_AUDIT, "denials", f"qa:{audit.pk}")
        assert audit.status == AuditStatus.PENDING
        assert audit.points.count() >= 3


def test_new_specialists_and_those_who_failed_lately_are_sampled_at_their_rates(
        world: World) -> None:
    qa = world.user(Role.PARTNER_QA)
    newcomer = world.user(Role.PARTNER_SPECIALIST)  # assigned today by the fixture
    failed = veteran(world, "failed")
    steady = veteran(world, "steady")
    the_plan = plan(world.acme_engagement)
    # a failed audit of "failed" completed the week before
    done_items(world.acme_engagement, failed, 1, week="2026-W46")
    earlier = services.draw_week(the_plan, "2026-W46", acting_user=qa, seed=3)
    audit = earlier.audits.get()
    points = list(audit.points.all())
    services.submit(audit, [services.PointScore("fail", "no note")] +
                    [services.PointScore("pass")] * (len(points) - 1), acting_user=qa)
    Audit.objects.filter(pk=audit.pk).update(completed_at=earlier_week_friday())
    for person in (newcomer, failed, steady):
        done_items(world.acme_engagement, person, 100)
    made = services.draw_week(the_plan, WEEK, acting_user=qa, seed=8)
    standings = {int(k): v["standing"] for k, v in made.counts.items()}
    assert standings == {newcomer.pk: Standing.NEW, failed.pk: Standing.AFTER_FAILURE,
                         steady.pk: Standing.BASE}
    sampled = {u: made.audits.filter(specialist_id=u).count()
               for u in (newcomer.pk, failed.pk, steady.pk)}
    assert sampled == {newcomer.pk: 20, failed.pk: 25, steady.pk: 5}


def earlier_week_friday() -> datetime:
    return datetime(2026, 11, 13, 15, tzinfo=ZoneInfo("America/New_York"))


def test_only_qa_auditors_draw(world: World) -> None:
    the_plan = plan(world.acme_engagement)
    for role in Role:
        if role is Role.PARTNER_QA:
            continue
        with pytest.raises((PermissionDenied, Http404)):
            services.draw_week(the_plan, WEEK, acting_user=world.user(role), seed=1)
    assert not SampleDraw.objects.exists()


def test_an_audit_scores_against_the_checklist_of_the_sop_version_the_item_was_worked_under(
        world: World) -> None:
    document = SopDocument.objects.create(client=world.acme, workflow="ar_followup",
                                          title="AR follow-up SOP")
    old = SopVersion.objects.create(document=document, number=1, body="Call first.",
                                    checklist=["Called the payer", "Noted the reference"],
                                    change_note="first")
    SopVersion.objects.create(document=document, number=2, body="Portal first.",
                              checklist=["Checked the portal"], change_note="portal")
    [item] = done_items(world.acme_engagement, veteran(world, "vet"), 1)
    WorkAction.objects.create(item=item, kind=ActionKind.CALLED_PAYER, sop_version=old)
    made = services.draw_week(plan(world.acme_engagement, minimum_per_week=1), WEEK,
                              acting_user=world.user(Role.PARTNER_QA), seed=2)
    audit = made.audits.get()
    assert audit.sop_version == old
    assert list(audit.points.values_list("text", flat=True)) == [
        "Called the payer", "Noted the reference"]
