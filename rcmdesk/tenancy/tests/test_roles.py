"""The permission matrix, read as rules."""

import pytest

from rcmdesk.tenancy.roles import (
    CLIENT_ONLY_ACTIONS,
    PERMISSIONS,
    Action,
    Role,
    matrix_markdown,
    role_allows,
)

PARTNER_ROLES = [r for r in Role if r.is_partner]


@pytest.mark.parametrize("role", PARTNER_ROLES)
@pytest.mark.parametrize("action", sorted(CLIENT_ONLY_ACTIONS))
def test_no_partner_role_can_take_a_client_decision(role, action):
    assert not role_allows(role, action)


def test_client_only_actions_hold_even_if_the_table_is_edited(monkeypatch):
    monkeypatch.setitem(PERMISSIONS, Role.PARTNER_LEAD, frozenset(Action))
    assert not role_allows(Role.PARTNER_LEAD, Action.DECIDE)


def test_the_platform_admin_sees_no_tenant_data_through_the_matrix():
    assert not role_allows(Role.PLATFORM_ADMIN, Action.VIEW_TENANT_DATA)
    assert role_allows(Role.PLATFORM_ADMIN, Action.MANAGE_ORGANIZATIONS)


def test_only_client_managers_decide():
    assert [r for r in Role if role_allows(r, Action.DECIDE)] == [Role.CLIENT_MANAGER]


def test_partner_qa_is_read_only_apart_from_audits():
    assert {a for a in Action if role_allows(Role.PARTNER_QA, a)} == {
        Action.VIEW_TENANT_DATA, Action.AUDIT_QA}


def test_two_factor_is_required_of_partners_and_admins_only():
    required = {r for r in Role if r.requires_two_factor}
    assert required == {Role.CLIENT_ADMIN, Role.PLATFORM_ADMIN, *PARTNER_ROLES}


def test_the_documented_matrix_matches_the_code():
    from pathlib import Path

    doc = (Path(__file__).parents[3] / "docs" / "permissions.md").read_text()
    assert matrix_markdown() in doc, "regenerate docs/permissions.md: rcmdesk roles matrix"
