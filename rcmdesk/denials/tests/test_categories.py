from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.denials.models import DenialCategoryRule
from rcmdesk.denials.playbook import delete_category_rule, set_category_rule
from rcmdesk.remits.carc_categories import DENIAL_CATEGORIES, NON_DENIAL_CATEGORIES, UNKNOWN
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.categories import (
    ROOT_CAUSE,
    CategoryBook,
    RootCause,
    default_category,
    denial_category,
)


def test_every_finer_category_maps_to_one_of_the_ten_root_causes() -> None:
    finer = DENIAL_CATEGORIES | NON_DENIAL_CATEGORIES | {UNKNOWN}
    assert set(ROOT_CAUSE) == finer
    assert len(RootCause) == 10


@pytest.mark.parametrize(("carc", "cause"), [
    ("27", RootCause.ELIGIBILITY_COVERAGE), ("96", RootCause.ELIGIBILITY_COVERAGE),
    ("197", RootCause.AUTHORIZATION), ("4", RootCause.CODING), ("97", RootCause.CODING),
    ("50", RootCause.MEDICAL_NECESSITY), ("29", RootCause.TIMELY_FILING),
    ("18", RootCause.DUPLICATE), ("16", RootCause.MISSING_INFORMATION),
    ("22", RootCause.COORDINATION_OF_BENEFITS), ("45", RootCause.CONTRACTUAL),
    ("ZZ9", RootCause.OTHER),
])
def test_default_root_cause_comes_from_the_carc(carc: str, cause: RootCause) -> None:
    assert default_category(carc) is cause


class Rule:
    def __init__(self, carc: str, category: str, group: str = "", rarc: str = "") -> None:
        self.carc, self.category, self.group, self.rarc = carc, category, group, rarc


def test_most_specific_client_rule_wins() -> None:
    book = CategoryBook(1, [
        Rule("16", "other"),
        Rule("16", "authorization", group="CO"),
        Rule("16", "coding", rarc="M127"),
        Rule("16", "medical_necessity", group="CO", rarc="M127"),
    ])
    assert book.category("CO", "16", ["M127"]) is RootCause.MEDICAL_NECESSITY
    assert book.category("OA", "16", ["M127"]) is RootCause.CODING
    assert book.category("CO", "16", ["N290"]) is RootCause.AUTHORIZATION
    assert book.category("PI", "16", []) is RootCause.OTHER
    assert book.category("CO", "50", []) is RootCause.MEDICAL_NECESSITY  # no rule: default


def test_a_loaded_book_categorises_without_queries(world: World,
                                                   django_assert_num_queries: Any) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    set_category_rule(world.acme.pk, acting_user=admin, carc="16", rarc="N290", category="coding")
    book = CategoryBook(world.acme.pk)
    with django_assert_num_queries(0):
        causes = [denial_category(world.acme.pk, "CO", "16", ["N290"], book=book)
                  for _ in range(1000)]
    assert set(causes) == {RootCause.CODING}


def test_rules_belong_to_their_client(world: World) -> None:
    set_category_rule(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), carc="50",
                      category="coding")
    assert denial_category(world.acme.pk, "CO", "50") is RootCause.CODING
    assert denial_category(world.birch.pk, "CO", "50") is RootCause.MEDICAL_NECESSITY


def test_client_admin_sets_changes_and_deletes_a_rule_audited(world: World) -> None:
    admin = world.user(Role.CLIENT_ADMIN)
    set_category_rule(world.acme.pk, acting_user=admin, carc=" 16 ", group="co",
                      category="coding", note="our coders fix these")
    rule = set_category_rule(world.acme.pk, acting_user=admin, carc="16", group="CO",
                             category="missing_information")
    assert DenialCategoryRule.objects.filter(client=world.acme).count() == 1
    assert (rule.group, rule.carc, rule.category) == ("CO", "16", "missing_information")
    delete_category_rule(rule, acting_user=admin)
    actions = list(AuditEvent.objects.filter(client_org_id=world.acme.pk,
                                             action__startswith="denials.category_rule")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["denials.category_rule.create", "denials.category_rule.update",
                       "denials.category_rule.delete"]


@pytest.mark.parametrize("role", [Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST,
                                  Role.PARTNER_QA, Role.CLIENT_MANAGER, Role.CLIENT_STAFF])
def test_only_client_admins_edit_category_rules(world: World, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        set_category_rule(world.acme.pk, acting_user=world.user(role), carc="16", category="coding")
    assert not DenialCategoryRule.objects.exists()


def test_another_clients_admin_cannot_see_the_rules(world: World) -> None:
    with pytest.raises(Http404):
        set_category_rule(world.acme.pk, acting_user=world.birch_admin, carc="16",
                          category="coding")


def test_a_rule_needs_a_real_group_code(world: World) -> None:
    with pytest.raises(ValueError, match="Group code"):
        set_category_rule(world.acme.pk, acting_user=world.user(Role.CLIENT_ADMIN), carc="16",
                          group="XX", category="coding")
