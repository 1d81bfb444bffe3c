from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.playbooks import editing
from rcmdesk.playbooks.models import PayerRule, PlaybookChange, SopVersion
from rcmdesk.playbooks.tests.factories import add_version, make_sop
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.tests.factories import make_claim

pytestmark = pytest.mark.django_db

PARTNER_AND_CLIENT_NON_ADMINS = [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                 Role.PARTNER_SPECIALIST, Role.PARTNER_QA]


def test_every_save_is_a_new_numbered_version_with_author_and_note(world: World) -> None:
    doc = make_sop(world)
    second = add_version(world, doc, "Read the CARC and the RARC.", "RARCs matter too")
    assert [v.number for v in doc.versions.order_by("number")] == [1, 2]
    assert second.author == world.user(Role.CLIENT_ADMIN)
    assert second.change_note == "RARCs matter too"
    assert doc.versions.get(number=1).body == "Read the **CARC** first."
    assert AuditEvent.objects.filter(action="playbooks.sop_version_added").count() == 2


@pytest.mark.parametrize("role", PARTNER_AND_CLIENT_NON_ADMINS)
def test_only_a_client_admin_writes_a_version(world: World, role: Role) -> None:
    doc = make_sop(world)
    with pytest.raises(PermissionDenied):
        editing.add_version(doc, editing.SopText("x", "y"), acting_user=world.user(role))
    assert doc.versions.count() == 1


def test_another_clients_admin_cannot_write_a_version(world: World) -> None:
    doc = make_sop(world)
    with pytest.raises(Http404):
        editing.add_version(doc, editing.SopText("x", "y"), acting_user=world.birch_admin)


def test_a_version_needs_text_and_a_change_note(world: World) -> None:
    doc = make_sop(world)
    admin = world.user(Role.CLIENT_ADMIN)
    with pytest.raises(editing.PlaybookProblem):
        editing.add_version(doc, editing.SopText("Body", "  "), acting_user=admin)
    with pytest.raises(editing.PlaybookProblem):
        editing.add_version(doc, editing.SopText("  ", "note"), acting_user=admin)


def test_the_database_refuses_to_change_or_delete_a_version(world: World) -> None:
    version = make_sop(world).versions.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        SopVersion.objects.filter(pk=version.pk).update(body="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        SopVersion.objects.filter(pk=version.pk).delete()
    assert SopVersion.objects.get(pk=version.pk).body == version.body


def test_a_payer_rule_change_records_before_and_after_with_its_note(world: World) -> None:
    payer = make_claim(world.acme).payer
    admin = world.user(Role.CLIENT_ADMIN)
    rule = editing.save_payer_rule(world.acme, payer, {"appeal_days": 90}, "contract",
                                   acting_user=admin)
    editing.save_payer_rule(world.acme, payer, {"appeal_days": 60}, "new contract",
                            acting_user=admin)
    first, second = PlaybookChange.objects.order_by("id")
    assert first.before is None
    assert first.after is not None
    assert first.after["appeal_days"] == 90
    assert second.before == first.after
    assert second.after is not None
    assert second.after["appeal_days"] == 60
    assert (second.change_note, second.author, second.object_id) == ("new contract", admin,
                                                                     rule.pk)
    assert PayerRule.objects.get().appeal_days == 60


def test_a_rule_change_for_every_payer_uses_the_default_row(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    editing.save_payer_rule(world.acme, None, {"followup_days": 21}, "faster", acting_user=admin)
    assert PayerRule.objects.get(payer=None).followup_days == 21


@pytest.mark.parametrize("role", PARTNER_AND_CLIENT_NON_ADMINS)
def test_only_a_client_admin_changes_a_payer_rule(world: World, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        editing.save_payer_rule(world.acme, None, {"appeal_days": 1}, "x",
                                acting_user=world.user(role))
    assert not PayerRule.objects.exists()


def test_a_rule_change_needs_a_change_note(world: World) -> None:
    with pytest.raises(editing.PlaybookProblem):
        editing.save_payer_rule(world.acme, None,
                                {"appeal_days": 30}, " ", acting_user=world.user(Role.CLIENT_ADMIN))


def test_the_database_refuses_to_rewrite_a_rule_change(world: World) -> None:
    editing.save_payer_rule(world.acme, None,
                            {"appeal_days": 30}, "shorter",
                            acting_user=world.user(Role.CLIENT_ADMIN))
    with pytest.raises(DatabaseError), transaction.atomic():
        PlaybookChange.objects.update(change_note="nothing happened")


def test_record_change_takes_before_from_the_last_recorded_state(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    rule = editing.save_payer_rule(world.acme, None, {"appeal_days": 30}, "first",
                                   acting_user=admin)
    PayerRule.objects.filter(pk=rule.pk).update(appeal_days=45)
    rule.refresh_from_db()
    change = editing.record_change(rule, "by another editor", acting_user=admin)
    assert change.before is not None
    assert change.before["appeal_days"] == 30
    assert change.after is not None
    assert change.after["appeal_days"] == 45


def test_other_apps_rule_editors_leave_a_playbook_change(world: World) -> None:
    from rcmdesk.priorauth import services as priorauth
    from rcmdesk.scrubber import edits

    admin = world.user(Role.CLIENT_ADMIN)
    row = priorauth.add_requirement(world.acme, acting_user=admin, payer=None, codes="72148")
    priorauth.deactivate_requirement(row, acting_user=admin)
    edit = edits.add_edit(world.acme.pk, edits.EditInput(
        code="ACME-MOD25", codes="99213", rule="requires_modifier", value="25",
        message="needs 25"), acting_user=admin)
    edits.deactivate_edit(edit, acting_user=admin)
    changes = list(PlaybookChange.objects.order_by("id"))
    assert [(c.model, c.before is None) for c in changes] == [
        ("playbooks.authrequirement", True), ("playbooks.authrequirement", False),
        ("playbooks.claimedit", True), ("playbooks.claimedit", False)]
    assert changes[1].after is not None
    assert changes[1].after["active"] is False
    assert changes[3].after is not None
    assert changes[3].after["active"] is False


def test_an_appeal_policy_change_leaves_a_playbook_change(world: World) -> None:
    from rcmdesk.denials.playbook import set_policy

    admin = world.user(Role.CLIENT_ADMIN)
    set_policy(world.acme.pk, acting_user=admin, needs_approval=True)
    set_policy(world.acme.pk, acting_user=admin, needs_approval=False)
    first, second = PlaybookChange.objects.filter(model="denials.appealpolicy").order_by("id")
    assert second.before == first.after
    assert second.after is not None
    assert second.after["needs_approval"] is False
