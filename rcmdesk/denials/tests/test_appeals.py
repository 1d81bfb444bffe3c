from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.denials import appeals
from rcmdesk.denials.appeals import AppealConflict
from rcmdesk.denials.models import AppealStatus
from rcmdesk.denials.playbook import policy_for, save_template, set_policy
from rcmdesk.denials.tests.builders import REMIT_DATE, denied_claim, lease
from rcmdesk.playbooks.models import PayerRule
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.categories import RootCause
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkAction
from rcmdesk.workqueue.services import NotAllowed


def test_a_draft_merges_claim_and_remit_facts_into_the_default_wording(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist,
                                  today=date(2026, 3, 10))
    assert appeal.level == 1
    assert appeal.status == AppealStatus.DRAFT
    assert appeal.category == "authorization"
    assert "PAYER-CCN-55512" in appeal.subject
    text = appeal.letter_text
    for fact in ("Acme Family Medicine", "Pat Synthetic", "05/17/1980", "MBR0042", "PCN-7781",
                 "Acme Family Medicine PC", "1234567893", "01/14/2026", "$150.00", "CO-197",
                 "N54", "03/02/2026", "authorisation reference"):
        assert fact in text, fact
    assert "CO-45" not in text  # the contractual adjustment of the paid line is no denial
    assert appeal.deadline == REMIT_DATE + timedelta(days=180)  # commercial default
    assert WorkAction.objects.filter(item=denied.item, kind=ActionKind.NOTE).exists()
    assert AuditEvent.objects.filter(action="denials.appeal.draft").count() == 1


def test_the_clients_template_for_the_payer_and_its_appeal_days_are_used(world: World) -> None:
    admin, specialist = world.user(Role.CLIENT_ADMIN), world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    payer = denied.claim.payer
    save_template(world.acme.pk, acting_user=admin, category="authorization", subject="General",
                  body="General wording")
    save_template(world.acme.pk, acting_user=admin, category="authorization", payer=payer,
                  subject="Appeal of {payer_claim_number}",
                  body="Auth {carc_codes} on {claim_number}, due {appeal_deadline}.")
    PayerRule.objects.create(client=world.acme, payer=payer, appeal_days=60)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    assert appeal.subject == "Appeal of PAYER-CCN-55512"
    assert appeal.letter_text == "Auth CO-197 on PCN-7781, due 05/01/2026."
    assert appeal.deadline == date(2026, 5, 1)


def test_drafting_needs_the_item_leased_to_you(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    with pytest.raises(NotAllowed):
        appeals.draft_appeal(denied.item, acting_user=specialist)
    lease(denied.item, world.user(Role.PARTNER_LEAD))
    denied.item.refresh_from_db()
    with pytest.raises(NotAllowed):
        appeals.draft_appeal(denied.item, acting_user=specialist)


def test_roles_without_work_items_cannot_draft(world: World) -> None:
    qa = world.user(Role.PARTNER_QA)
    denied = denied_claim(world.acme)
    with pytest.raises(PermissionDenied):
        appeals.draft_appeal(lease(denied.item, qa), acting_user=qa)


def test_pending_decision_waits_for_the_client_before_filing(world: World) -> None:
    specialist, manager = world.user(Role.PARTNER_SPECIALIST), world.user(Role.CLIENT_MANAGER)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    with pytest.raises(NotAllowed, match="approval"):
        appeals.record_filed(appeal, appeal.version, acting_user=specialist,
                             filed_on=date(2026, 3, 12), channel="portal")
    appeal = appeals.mark_pending_decision(appeal, appeal.version, acting_user=specialist)
    item = appeal.item
    item.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING_CLIENT_DECISION
    assert item.status == ItemStatus.PENDING_CLIENT_DECISION
    assert "client's decision" in WorkAction.objects.filter(item=item).last().note  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):  # a partner never decides for the client
        appeals.decide(appeal, appeal.version, acting_user=world.user(Role.PARTNER_LEAD),
                       approve=True)
    appeal = appeals.decide(appeal, appeal.version, acting_user=manager, approve=True,
                            note="go ahead")
    assert appeal.status == AppealStatus.APPROVED
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN  # back in the queue, to be filed
    assert WorkAction.objects.filter(item=item).last().note == (  # type: ignore[union-attr]
        "The client approved filing: go ahead")
    appeal = appeals.record_filed(appeal, appeal.version, acting_user=specialist,
                                  filed_on=date(2026, 3, 12), channel="portal",
                                  reference="PORTAL-991")
    item.refresh_from_db()
    assert appeal.status == AppealStatus.FILED
    assert appeal.filed_on == date(2026, 3, 12)
    assert item.status == ItemStatus.PENDING_PAYER
    assert item.follow_up_on == date(2026, 4, 11)
    appeal = appeals.record_outcome(appeal, appeal.version, acting_user=specialist,
                                    outcome="upheld", decided_on=date(2026, 4, 2), note="upheld")
    assert appeal.status == AppealStatus.LOST
    actions = set(AuditEvent.objects.filter(action__startswith="denials.appeal")
                  .values_list("action", flat=True))
    assert actions == {"denials.appeal.draft", "denials.appeal.pending_decision",
                       "denials.appeal.decide", "denials.appeal.filed",
                       "denials.appeal.outcome"}


def test_a_lost_appeal_opens_the_next_level_counted_from_the_payers_answer(
        world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    set_policy(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), needs_approval=False)
    denied = denied_claim(world.acme)
    first = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    with pytest.raises(AppealConflict):
        appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    first = appeals.record_filed(first, first.version, acting_user=specialist,
                                 filed_on=date(2026, 3, 5), channel="fax")
    appeals.record_outcome(first, first.version, acting_user=specialist, outcome="upheld",
                           decided_on=date(2026, 4, 1))
    second = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    assert second.level == 2
    assert second.deadline == date(2026, 4, 1) + timedelta(days=180)


def test_a_stale_appeal_version_is_a_conflict(world: World) -> None:
    specialist = world.user(Role.PARTNER_SPECIALIST)
    denied = denied_claim(world.acme)
    appeal = appeals.draft_appeal(lease(denied.item, specialist), acting_user=specialist)
    appeals.edit_letter(appeal, appeal.version, acting_user=specialist, subject="s",
                        letter_text="t")
    with pytest.raises(AppealConflict, match="changed by someone else"):
        appeals.edit_letter(appeal, appeal.version, acting_user=specialist, subject="x",
                            letter_text="y")


def test_template_choice_prefers_the_payer_then_the_highest_level_not_above_the_appeal(
        world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    payer = denied_claim(world.acme).claim.payer
    general_1 = save_template(world.acme.pk, acting_user=admin, category="coding", subject="g1",
                              body="g1")
    general_2 = save_template(world.acme.pk, acting_user=admin, category="coding", subject="g2",
                              body="g2",
                              level=2)
    payer_1 = save_template(world.acme.pk, acting_user=admin, category="coding", subject="p1",
                            body="p1",
                            payer=payer)
    choose = appeals.template_for
    assert choose(world.acme.pk, RootCause.CODING, payer.pk, 1) == payer_1
    assert choose(world.acme.pk, RootCause.CODING, payer.pk, 3) == payer_1
    assert choose(world.acme.pk, RootCause.CODING, payer.pk + 1, 1) == general_1
    assert choose(world.acme.pk, RootCause.CODING, payer.pk + 1, 2) == general_2
    assert choose(world.birch.pk, RootCause.CODING, payer.pk, 1) is None


def test_policy_falls_back_from_payer_to_client_default_to_approval_needed(
        world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    payer = denied_claim(world.acme).claim.payer
    assert policy_for(world.acme.pk, payer).needs_approval
    set_policy(world.acme.pk, acting_user=admin, needs_approval=False)
    assert not policy_for(world.acme.pk, payer).needs_approval
    set_policy(world.acme.pk, acting_user=admin, payer=payer, needs_approval=True)
    assert policy_for(world.acme.pk, payer).needs_approval
    with pytest.raises(PermissionDenied):
        set_policy(world.acme.pk, acting_user=world.user(Role.PARTNER_LEAD), needs_approval=False)
